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
    /// BCP 47 language of a run in a script the document's language is not written in (a
    /// name in Arabic or Chinese in an English report), guessed from the script; `None` for
    /// the document's own.
    pub lang: Option<&'static str>,
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

/// A raster image (the brand's logo), decoded once when the layouts load and shared by every
/// page and every report of the run that shows it.
///
/// The samples are kept as PDF and PNG both store them, zlib-compressed: compressed once here,
/// every report writes the same bytes (and a re-render the same file) without deflating them
/// again. Always RGB, whatever the source's colour type: one kind of image for the PDF stage to
/// write and for veraPDF to have checked.
#[derive(Debug, PartialEq)]
pub struct Image {
    /// In pixels.
    pub width: u32,
    pub height: u32,
    /// 8-bit RGB samples, row by row, zlib-compressed.
    pub rgb: Vec<u8>,
    /// 8-bit alpha samples likewise; `None` for an image with no transparent pixel.
    pub alpha: Option<Vec<u8>>,
}

impl Image {
    /// An image from uncompressed 8-bit RGB samples and alpha samples (one per pixel).
    pub fn new(width: u32, height: u32, rgb: &[u8], alpha: Option<&[u8]>) -> Image {
        let pixels = width as usize * height as usize;
        assert_eq!(
            rgb.len(),
            pixels * 3,
            "RGB samples for {width}×{height} pixels"
        );
        let alpha = alpha.filter(|a| {
            assert_eq!(a.len(), pixels, "alpha samples for {width}×{height} pixels");
            a.iter().any(|&v| v != 255)
        });
        Image {
            width,
            height,
            rgb: zlib(rgb),
            alpha: alpha.map(zlib),
        }
    }

    /// Width over height.
    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }
}

/// Once per run and small: the best compression is worth its time.
fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).expect("writing to memory does not fail");
    z.finish().expect("writing to memory does not fail")
}

/// A structure element's type: PDF 1.7's standard structure types (ISO 32000-1 §14.8.4),
/// the ones a screen reader knows, so no role map is needed.
// Spelled as the PDF standard spells them (TOC, TOCI, TH), so the mapping reads as a table.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// One page of the report (the document element above them is implied).
    Sect,
    /// A group with no meaning of its own: a KPI tile, a callout.
    Div,
    H1,
    H2,
    H3,
    P,
    L,
    LI,
    /// A list item's marker ("•", "3.").
    Lbl,
    LBody,
    Table,
    THead,
    TBody,
    TR,
    /// A column's header cell: the report's tables have header rows, not header columns.
    TH,
    TD,
    /// A chart or the gauge; carries its alternative text.
    Figure,
    TOC,
    TOCI,
    /// A link's content; the link annotation inside it belongs to it too.
    Link,
    /// Text in another language than the document's.
    Span,
}

/// A structure element an `Item::Open` starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    /// What a figure shows, in words, for readers who cannot see it.
    pub alt: Option<String>,
    /// BCP 47 language of the element's text when it is not the document's.
    pub lang: Option<&'static str>,
}

impl Element {
    pub fn new(role: Role) -> Element {
        Element {
            role,
            alt: None,
            lang: None,
        }
    }
}

/// What an `Item::Open` starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Tag {
    Element(Element),
    /// Furniture that is not part of the text: rules, bands, backgrounds, markers drawn as
    /// shapes. `pagination` for the running header and footer.
    Artifact {
        pagination: bool,
    },
}

/// A page's items in reading order: the order a person reads the page is the order of the
/// content in its structure. `Open` and `Close` nest; every `Text`, `Shape` and `Image` lies
/// inside a structure element or an artifact, and every `Link` inside a `Role::Link` element.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    Shape(ShapeItem),
    /// An image stretched over `rect` (the layout keeps its aspect ratio).
    Image {
        rect: Rect,
        image: std::sync::Arc<Image>,
    },
    Link {
        rect: Rect,
        target: LinkTarget,
    },
    Open(Tag),
    Close,
}

impl Item {
    /// Adds a run of text, inside a `Span` with its language when that is not the document's.
    pub fn push_text(items: &mut Vec<Item>, run: TextRun) {
        match run.lang {
            Some(lang) => {
                items.push(Item::Open(Tag::Element(Element {
                    role: Role::Span,
                    alt: None,
                    lang: Some(lang),
                })));
                items.push(Item::Text(run));
                items.push(Item::Close);
            }
            None => items.push(Item::Text(run)),
        }
    }

    pub fn open(role: Role) -> Item {
        Item::Open(Tag::Element(Element::new(role)))
    }

    pub fn artifact() -> Item {
        Item::Open(Tag::Artifact { pagination: false })
    }
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
