//! The charts' palette and type sizes. The report passes one theme to every chart so that risk
//! bands, task classes and text look the same on all 24 pages; charts take colours only from here.

use crate::catalog::TaskClass;
use crate::page::Color;
use crate::score::Band;

#[derive(Debug, Clone, PartialEq)]
pub struct ChartTheme {
    /// Low, Moderate, High, Very high.
    pub band: [Color; 4],
    pub ink: Color,
    pub muted: Color,
    pub grid: Color,
    pub accent: Color,
    pub accent2: Color,
    /// A third series colour, far from the band hues and both accents.
    pub accent3: Color,
    /// The reader's own marks (their bar, line or marker), and what they are compared with
    /// (the role, the typical practitioner).
    pub you: Color,
    pub reference: Color,
    /// Automated, AI-assisted, human-safe task classes: hues no band uses.
    pub class: [Color; 3],
    pub paper: Color,
    /// Axis labels, category labels and legends, in points.
    pub label_size: f32,
    /// Figures written on or next to marks, in points.
    pub value_size: f32,
}

impl Default for ChartTheme {
    fn default() -> ChartTheme {
        ChartTheme {
            band: [
                Color::rgb(0x2C, 0x7B, 0xB6),
                Color::rgb(0x86, 0xBE, 0xDC),
                Color::rgb(0xF5, 0x9A, 0x48),
                Color::rgb(0xD7, 0x19, 0x1C),
            ],
            ink: Color::rgb(0x1D, 0x24, 0x33),
            muted: Color::rgb(0x5F, 0x67, 0x79),
            grid: Color::rgb(0xE4, 0xE7, 0xEE),
            accent: Color::rgb(0x1F, 0x3A, 0x68),
            accent2: Color::rgb(0x1B, 0x8A, 0x8F),
            accent3: Color::rgb(0x7B, 0x4F, 0xB8),
            you: Color::rgb(0x1F, 0x3A, 0x68),
            reference: Color::rgb(0xA3, 0xA9, 0xB5),
            class: [
                Color::rgb(0x76, 0x2A, 0x83),
                Color::rgb(0xB4, 0x8C, 0xC4),
                Color::rgb(0x1B, 0x78, 0x37),
            ],
            paper: Color::rgb(0xFF, 0xFF, 0xFF),
            label_size: 8.0,
            value_size: 8.0,
        }
    }
}

/// `c` darkened in small steps until it reaches AA contrast on `background`.
pub fn readable_on(c: Color, background: Color) -> Color {
    (0..=20)
        .map(|i| shade(c, i as f32 * 0.05))
        .find(|d| contrast(*d, background) >= TEXT_CONTRAST)
        .unwrap_or(Color::rgb(0, 0, 0))
}

/// Mixes with black: `amount` 0 keeps the colour, 1 gives black.
pub fn shade(c: Color, amount: f32) -> Color {
    let mix = |v: u8| (v as f32 * (1.0 - amount)).round() as u8;
    Color::rgb(mix(c.r), mix(c.g), mix(c.b))
}

/// WCAG 2 relative luminance.
pub fn luminance(c: Color) -> f32 {
    let lin = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG 2 contrast ratio between two colours, 1–21.
pub fn contrast(a: Color, b: Color) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Body text needs 4.5:1 against its background (WCAG AA).
pub const TEXT_CONTRAST: f32 = 4.5;

impl ChartTheme {
    pub fn band_color(&self, band: Band) -> Color {
        self.band[band as usize]
    }

    /// Band colours are tuned for fills; as text on paper they are darkened until they read.
    pub fn band_text(&self, band: Band) -> Color {
        self.readable(self.band_color(band))
    }

    /// `c`, darkened just enough for text on paper to meet WCAG AA.
    pub fn readable(&self, c: Color) -> Color {
        readable_on(c, self.paper)
    }

    pub fn score_color(&self, score: f64) -> Color {
        self.band_color(Band::of(score.round() as i32))
    }

    /// Task classes have hues of their own, so a class is never read as a risk band.
    pub fn class_color(&self, class: TaskClass) -> Color {
        match class {
            TaskClass::Automated => self.class[0],
            TaskClass::Assisted => self.class[1],
            TaskClass::HumanSafe => self.class[2],
        }
    }

    /// Text colour that reads on top of a fill of colour `c`: ink or paper, whichever contrasts
    /// more.
    pub fn on(&self, c: Color) -> Color {
        if contrast(self.ink, c) >= contrast(self.paper, c) {
            self.ink
        } else {
            self.paper
        }
    }

    /// Red for rises, green for falls: a score going up is bad news.
    pub fn up(&self) -> Color {
        self.band[3]
    }

    pub fn down(&self) -> Color {
        self.band[0]
    }
}
