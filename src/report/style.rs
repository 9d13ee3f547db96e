//! The visual system read from `layouts/style.toml`: page geometry, type scale, spacing, colours.

use crate::page::{Color, Rect};
use crate::score::Band;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub brand: Brand,
    pub page: PageStyle,
    #[serde(rename = "type")]
    pub type_: TypeScale,
    pub space: Spacing,
    pub colors: Colors,
    #[cfg_attr(not(test), allow(dead_code))]
    pub fill: Fill,
}

/// How full a page's type area must be (`filled` in `report::fill`). Only the layout tests
/// read it: a template change that leaves a page half empty fails there, not in a night's run.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(not(test), allow(dead_code))]
#[serde(deny_unknown_fields)]
pub struct Fill {
    pub min: f32,
    pub max: f32,
    /// Pages (1-based) composed as a whole, held to their own design rather than the range.
    pub designed: Vec<usize>,
}

/// Who sends the report, as `[brand]` in style.toml sets it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    pub name: String,
    #[serde(default)]
    pub footer: String,
    #[serde(with = "hex")]
    pub primary: Color,
    #[serde(with = "hex")]
    pub secondary: Color,
    /// A PNG file, relative to the layouts directory: in the cover's wordmark instead of the
    /// square, in the running header and at the top of the email. Empty or absent for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub logo: String,
    /// The logo's file decoded, set when the layouts load (`Layouts::from_dir`).
    #[serde(skip)]
    pub logo_image: Option<std::sync::Arc<super::logo::Logo>>,
}

impl Default for Brand {
    /// The built-in layouts' brand.
    fn default() -> Brand {
        super::Layouts::builtin().style.brand
    }
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
    pub chart_label: f32,
    pub chart_value: f32,
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
    /// The brand's primary and secondary colours, copied from `[brand]` when the style is read.
    #[serde(skip, default = "unset")]
    pub accent: Color,
    #[serde(skip, default = "unset")]
    pub accent2: Color,
    #[serde(with = "hex")]
    pub low: Color,
    #[serde(with = "hex")]
    pub moderate: Color,
    #[serde(with = "hex")]
    pub high: Color,
    #[serde(with = "hex")]
    pub very_high: Color,
    #[serde(with = "hex")]
    pub automated: Color,
    #[serde(with = "hex")]
    pub assisted: Color,
    #[serde(with = "hex")]
    pub human_safe: Color,
    #[serde(with = "hex")]
    pub you: Color,
    #[serde(with = "hex")]
    pub reference: Color,
}

fn unset() -> Color {
    Color::rgb(0, 0, 0)
}

mod hex {
    use crate::page::Color;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Color, D::Error> {
        let s = String::deserialize(d)?;
        Color::hex(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a #rrggbb colour")))
    }

    pub fn serialize<S: Serializer>(c: &Color, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b))
    }
}

impl Style {
    /// Reads style.toml, with the brand's colours in the palette.
    pub fn parse(text: &str) -> Result<Style, String> {
        let mut style: Style = toml::from_str(text).map_err(|e| e.message().to_string())?;
        style.colors.accent = style.brand.primary;
        style.colors.accent2 = style.brand.secondary;
        Ok(style)
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
            you: c.you,
            reference: c.reference,
            class: [c.automated, c.assisted, c.human_safe],
            paper: c.paper,
            label_size: self.type_.chart_label,
            value_size: self.type_.chart_value,
            ..crate::chart::ChartTheme::default()
        }
    }
}

#[cfg(test)]
#[path = "style_tests.rs"]
mod tests;
