//! The page model between layout and PDF: finished pages of positioned items, like typst's frames.
//! The report stage fills it and decides every position; the PDF stage only serialises it.
//! Units are PDF points, origin at the page's top-left corner, y growing downwards.

use crate::fonts::FontId;
use time::OffsetDateTime;

#[cfg(test)]
pub const A4_WIDTH: f32 = 595.276;
#[cfg(test)]
pub const A4_HEIGHT: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b }
    }

    /// Parses `#rrggbb`.
    pub fn hex(s: &str) -> Option<Color> {
        let s = s.strip_prefix('#')?;
        if s.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(s, 16).ok()?;
        Some(Color::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
    }

    /// Mixes with white: `amount` 0 keeps the colour, 1 gives white.
    pub fn tint(self, amount: f32) -> Color {
        let mix = |c: u8| (c as f32 + (255.0 - c as f32) * amount).round() as u8;
        Color::rgb(mix(self.r), mix(self.g), mix(self.b))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    #[cfg(test)]
    pub fn contains(&self, other: &Rect) -> bool {
        const EPS: f32 = 0.01;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
}

/// One shaped glyph of a run, in points: the shaper decided the glyph and where it sits, so the
/// PDF stage only writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Glyph id in the run's font (not a character code).
    pub id: u16,
    /// How far the pen moves after this glyph (kerning, justification included).
    pub advance: f32,
    /// Where the glyph is drawn relative to the pen (marks, Arabic and Indic positioning).
    pub dx: f32,
    pub dy: f32,
    /// Byte offset in the run's `text` of the cluster (the characters) this glyph shows.
    pub cluster: u32,
}

/// One line's stretch of shaped text in one font and one direction, placed by its baseline
/// start (the left end of the glyphs as drawn).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    pub font: FontId,
    pub size: f32,
    pub color: Color,
    /// The characters, in logical (reading) order: what copy-paste and screen readers give.
    /// Shared, as are the glyphs: a paragraph set once is drawn on every report that uses it.
    pub text: std::sync::Arc<str>,
    /// The glyphs in visual order, left to right.
    pub glyphs: std::sync::Arc<[Glyph]>,
    /// Right-to-left text (the glyphs are in the reverse of reading order).
    pub rtl: bool,
    /// Drawn heavier: bold asked for in a script whose face has no bold.
    pub embolden: bool,
    /// Counter-clockwise rotation in degrees around (x, y); 0 for normal text.
    pub rotation: f32,
}

#[cfg(test)]
impl TextRun {
    /// The width the glyphs take.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub color: Color,
    pub width: f32,
    /// Dash length and gap in points; none for a solid line.
    pub dash: Option<(f32, f32)>,
}

impl Stroke {
    pub fn solid(color: Color, width: f32) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect(Rect),
    /// Straight segments through the points; closed shapes join the last point to the first.
    Path {
        points: Vec<Point>,
        closed: bool,
    },
    Circle {
        center: Point,
        radius: f32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShapeItem {
    pub shape: Shape,
    pub fill: Option<Color>,
    pub stroke: Option<Stroke>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// Zero-based page index inside the document.
    Page(usize),
    /// No layout emits web links yet; the PDF stage supports them for the copy that will.
    #[allow(dead_code)]
    Uri(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    Shape(ShapeItem),
    Link { rect: Rect, target: LinkTarget },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    /// Zero-based page index.
    pub page: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47, e.g. "en-US".
    pub language: String,
    /// Taken from the audit, never the clock, so equal inputs give equal bytes.
    pub created: OffsetDateTime,
    pub creator: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub metadata: Metadata,
}
