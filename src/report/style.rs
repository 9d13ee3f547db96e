//! The visual system read from `layouts/style.toml`: page geometry, type scale, spacing, colours.

use crate::page::{Color, Rect};
use crate::score::Band;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub page: PageStyle,
    #[serde(rename = "type")]
    pub type_: TypeScale,
    pub space: Spacing,
    pub colors: Colors,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageStyle {
    pub width: f32,
    pub height: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_left: f32,
    pub margin_right: f32,
    pub column_gap: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeScale {
    pub body: f32,
    pub body_leading: f32,
    pub lead: f32,
    pub small: f32,
    pub kicker: f32,
    pub h1: f32,
    pub h2: f32,
    pub h3: f32,
    pub header: f32,
    pub footer: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spacing {
    pub paragraph: f32,
    pub heading_before: f32,
    pub heading_after: f32,
    pub block: f32,
    pub list_item: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(with = "hex")]
    pub ink: Color,
    #[serde(with = "hex")]
    pub muted: Color,
    #[serde(with = "hex")]
    pub faint: Color,
    #[serde(with = "hex")]
    pub paper: Color,
    #[serde(with = "hex")]
    pub accent: Color,
    #[serde(with = "hex")]
    pub accent2: Color,
    #[serde(with = "hex")]
    pub low: Color,
    #[serde(with = "hex")]
    pub moderate: Color,
    #[serde(with = "hex")]
    pub high: Color,
    #[serde(with = "hex")]
    pub very_high: Color,
}

mod hex {
    use crate::page::Color;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Color, D::Error> {
        let s = String::deserialize(d)?;
        Color::hex(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a #rrggbb colour")))
    }
}

impl Colors {
    pub fn band(&self, b: Band) -> Color {
        match b {
            Band::Low => self.low,
            Band::Moderate => self.moderate,
            Band::High => self.high,
            Band::VeryHigh => self.very_high,
        }
    }
}

impl Style {
    /// The area between the margins, where page content flows.
    pub fn content(&self) -> Rect {
        let p = &self.page;
        Rect::new(
            p.margin_left,
            p.margin_top,
            p.width - p.margin_left - p.margin_right,
            p.height - p.margin_top - p.margin_bottom,
        )
    }

    pub fn chart_theme(&self) -> crate::chart::ChartTheme {
        let c = &self.colors;
        crate::chart::ChartTheme {
            band: [c.low, c.moderate, c.high, c.very_high],
            ink: c.ink,
            muted: c.muted,
            grid: c.faint,
            accent: c.accent,
            accent2: c.accent2,
            paper: c.paper,
            ..crate::chart::ChartTheme::default()
        }
    }
}
