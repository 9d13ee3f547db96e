//! The document's colours as one Indexed colour space (ISO 32000-1, 8.6.6.3) over
//! DeviceRGB: a report draws in some two dozen colours but sets one about 900 times, and
//! `3 sc` is a fifth of `0.373 0.404 0.475 rg` — 1.6 KiB less a report once deflated, and
//! fewer bytes to deflate. The first 256 colours in page order get an index; any beyond
//! that are set as RGB, as before.

use crate::page::Color;
use crate::page::{Document, Item};
use rustc_hash::FxHashMap;

/// The colour space's resource name on every page.
pub(super) const NAME: &[u8] = b"C";

/// An Indexed colour space holds at most 256 colours.
const MAX: usize = 256;

#[derive(Default)]
pub(super) struct Palette {
    colors: Vec<Color>,
    index: FxHashMap<Color, u8>,
}

impl Palette {
    /// Every colour `doc` fills or strokes with, in page order.
    pub(super) fn of(doc: &Document) -> Palette {
        let mut palette = Palette::default();
        for item in doc.pages.iter().flat_map(|p| &p.items) {
            match item {
                Item::Text(run) => palette.add(run.color),
                Item::Shape(shape) => {
                    if let Some(fill) = shape.fill {
                        palette.add(fill);
                    }
                    if let Some(stroke) = &shape.stroke {
                        palette.add(stroke.color);
                    }
                }
                _ => {}
            }
        }
        palette
    }

    fn add(&mut self, color: Color) {
        if self.colors.len() < MAX && !self.index.contains_key(&color) {
            self.index.insert(color, self.colors.len() as u8);
            self.colors.push(color);
        }
    }

    /// The index `color` is set with, if it has one.
    pub(super) fn get(&self, color: Color) -> Option<u8> {
        self.index.get(&color).copied()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.colors.is_empty()
    }

    /// `[/Indexed /DeviceRGB hival <lookup>]`.
    pub(super) fn space(&self) -> lopdf::Object {
        let lookup = self.colors.iter().flat_map(|c| [c.r, c.g, c.b]).collect();
        lopdf::Object::Array(vec![
            lopdf::Object::Name(b"Indexed".to_vec()),
            lopdf::Object::Name(b"DeviceRGB".to_vec()),
            lopdf::Object::Integer(self.colors.len() as i64 - 1),
            lopdf::Object::String(lookup, lopdf::StringFormat::Hexadecimal),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::{Palette, MAX};
    use crate::page::Color;

    #[test]
    fn colours_are_indexed_in_order_of_first_use_up_to_256() {
        let mut p = Palette::default();
        let color = |i: usize| Color {
            r: (i % 256) as u8,
            g: (i / 256) as u8,
            b: 7,
        };
        for i in [5, 3, 5, 9] {
            p.add(color(i));
        }
        assert_eq!(
            [5, 3, 9].map(|i| p.get(color(i))),
            [Some(0), Some(1), Some(2)]
        );
        for i in 0..400 {
            p.add(color(i));
        }
        assert_eq!(p.colors.len(), MAX);
        assert_eq!(p.get(color(255)), Some(255));
        assert_eq!(p.get(color(399)), None, "the 257th colour is set as RGB");
        let lopdf::Object::Array(space) = p.space() else {
            panic!("an array")
        };
        assert_eq!(space[2], lopdf::Object::Integer(255));
        let lopdf::Object::String(lookup, _) = &space[3] else {
            panic!("a string")
        };
        assert_eq!(lookup.len(), 3 * MAX);
        assert_eq!(&lookup[..6], &[5, 0, 7, 3, 0, 7]);
    }
}
