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
                Color::rgb(0x2E, 0x9E, 0x6B),
                Color::rgb(0xE0, 0xA5, 0x26),
                Color::rgb(0xE3, 0x70, 0x2D),
                Color::rgb(0xC8, 0x32, 0x3C),
            ],
            ink: Color::rgb(0x1D, 0x24, 0x33),
            muted: Color::rgb(0x6B, 0x73, 0x85),
            grid: Color::rgb(0xE4, 0xE7, 0xEE),
            accent: Color::rgb(0x1F, 0x3A, 0x68),
            accent2: Color::rgb(0x1B, 0x8A, 0x8F),
            accent3: Color::rgb(0x7B, 0x4F, 0xB8),
            you: Color::rgb(0x1F, 0x3A, 0x68),
            reference: Color::rgb(0x9A, 0xA1, 0xAE),
            class: [
                Color::rgb(0xC8, 0x32, 0x3C),
                Color::rgb(0xE0, 0xA5, 0x26),
                Color::rgb(0x2E, 0x9E, 0x6B),
            ],
            paper: Color::rgb(0xFF, 0xFF, 0xFF),
            label_size: 8.0,
            value_size: 8.0,
        }
    }
}

/// Mixes with black: `amount` 0 keeps the colour, 1 gives black.
pub fn shade(c: Color, amount: f32) -> Color {
    let mix = |v: u8| (v as f32 * (1.0 - amount)).round() as u8;
    Color::rgb(mix(c.r), mix(c.g), mix(c.b))
}

/// Relative luminance (sRGB approximation), to pick text that reads on a filled mark.
fn luminance(c: Color) -> f32 {
    (0.299 * c.r as f32 + 0.587 * c.g as f32 + 0.114 * c.b as f32) / 255.0
}

impl ChartTheme {
    pub fn band_color(&self, band: Band) -> Color {
        self.band[band as usize]
    }

    /// Band colours are tuned for fills; amber text on white needs darkening to be read.
    pub fn band_text(&self, band: Band) -> Color {
        shade(self.band_color(band), 0.25)
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

    /// Text colour that reads on top of a fill of colour `c`.
    pub fn on(&self, c: Color) -> Color {
        if luminance(c) > 0.6 {
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
