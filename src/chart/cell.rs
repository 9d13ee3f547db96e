//! Bars small enough to sit inside a table cell beside the figure they repeat (a task's share
//! of the week, its exposure): drawn through the same plotters backend as the charts, vector,
//! in the theme's colours. They add nothing the cell's text does not say, so the table tags
//! them as artifacts.

use super::backend::Canvas;
use super::{rect, ChartError, ChartTheme};
use crate::catalog::TaskClass;
use crate::fonts::FontSet;
use crate::page::{Color, Item, Rect};

/// The colour a cell bar of `kind` takes: `you`, `reference`, `muted`, or a task class
/// (`automated`, `assisted`, `human-safe`); `None` for a kind the theme has no colour for.
pub fn cell_bar_color(kind: &str, theme: &ChartTheme) -> Option<Color> {
    Some(match kind {
        "you" => theme.you,
        "reference" => theme.reference,
        "muted" => theme.muted,
        "automated" => theme.class_color(TaskClass::Automated),
        "assisted" => theme.class_color(TaskClass::Assisted),
        "human-safe" => theme.class_color(TaskClass::HumanSafe),
        _ => return None,
    })
}

/// A track across `area` in the grid colour and, over it from the left, a bar of `value` of
/// `max` in the colour of `kind` (a value above `max` fills the track).
pub fn cell_bar(
    area: Rect,
    value: f32,
    max: f32,
    kind: &str,
    fonts: &FontSet,
    theme: &ChartTheme,
) -> Result<Vec<Item>, ChartError> {
    super::require("cell bar", area, 4.0, 1.0)?;
    let color = cell_bar_color(kind, theme).ok_or_else(|| ChartError::MissingData {
        chart: "cell bar",
        what: format!("no colour for the kind `{kind}`"),
    })?;
    if !(value.is_finite() && max.is_finite() && max > 0.0) {
        return Err(ChartError::MissingData {
            chart: "cell bar",
            what: format!("{value} of {max} is not a share"),
        });
    }
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    rect(&da, 0.0, 0.0, area.w, area.h, theme.grid)?;
    let w = area.w * (value / max).clamp(0.0, 1.0);
    if w > 0.0 {
        rect(&da, 0.0, 0.0, w, area.h, color)?;
    }
    drop(da);
    Ok(canvas.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{Shape, ShapeItem};

    fn rects(items: &[Item]) -> Vec<(Rect, Option<Color>)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Shape(ShapeItem {
                    shape: Shape::Rect(r),
                    fill,
                    ..
                }) => Some((*r, *fill)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_bar_is_its_share_of_the_track_in_the_kinds_colour() {
        let fonts = FontSet::builtin();
        let theme = ChartTheme::default();
        let area = Rect::new(100.0, 50.0, 40.0, 4.0);
        let items = cell_bar(area, 30.0, 60.0, "you", &fonts, &theme).unwrap();
        let r = rects(&items);
        assert_eq!(r.len(), 2, "{items:?}");
        let (track, bar) = (r[0], r[1]);
        assert_eq!(track.1, Some(theme.grid));
        assert_eq!(bar.1, Some(theme.you));
        assert!((track.0.w - 40.0).abs() < 0.2 && (track.0.x - 100.0).abs() < 0.2);
        assert!((bar.0.w - 20.0).abs() < 0.2, "{:?}", bar.0);
        let class = cell_bar(area, 90.0, 60.0, "human-safe", &fonts, &theme).unwrap();
        let r = rects(&class);
        assert_eq!(r[1].1, Some(theme.class_color(TaskClass::HumanSafe)));
        assert!(
            (r[1].0.w - 40.0).abs() < 0.2,
            "over the maximum fills the track"
        );
        assert_eq!(
            rects(&cell_bar(area, 0.0, 60.0, "muted", &fonts, &theme).unwrap()).len(),
            1
        );
        assert!(cell_bar(area, 1.0, 2.0, "purple", &fonts, &theme).is_err());
        assert!(cell_bar(area, 1.0, 0.0, "you", &fonts, &theme).is_err());
    }
}
