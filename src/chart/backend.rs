//! A plotters `DrawingBackend` that records page-model items (paths, rectangles, circles, text)
//! for one rectangle of a page, so charts reach the PDF as vectors and text in our fonts.
//! Plotters works in whole pixels; giving it `UNITS_PER_PT` of them per point keeps lines sharp.

use crate::fonts::{FontId, FontSet};
use crate::page::{Color, Item, Point, Rect, Shape, ShapeItem, Stroke};
use plotters::coord::Shift;
use plotters::prelude::{CoordTranslate, DrawingArea, IntoDrawingArea};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// What a recorded item is to the label-overlap checks: a guide (grid line, axis, tick,
/// connector) may run under any label; a mark (bar, line, marker, swatch) only under the labels
/// of its own group; labels must not overlap each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub enum Role {
    Mark,
    Guide,
    Label,
}

/// An item's role, the group it was drawn in (0: none) and, for text, which `draw_text` call
/// wrote it (a label split into font runs is one label).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct Tag {
    pub role: Role,
    pub group: u32,
    pub label: u32,
}

// The drawing state charts set while they draw: module state because plotters owns the backend
// once a mesh is built, and charts are drawn on one thread from start to finish.
thread_local! {
    static GROUP: Cell<u32> = const { Cell::new(0) };
    static GUIDE: Cell<bool> = const { Cell::new(false) };
    static NEXT_GROUP: Cell<u32> = const { Cell::new(1) };
    #[cfg(test)]
    static LAST_TAGS: RefCell<Vec<Tag>> = const { RefCell::new(Vec::new()) };
}

/// Starts a new group: what is drawn from now on belongs together (a bar and its value label,
/// a legend swatch and its text).
pub fn group() {
    GROUP.with(|g| g.set(NEXT_GROUP.with(|n| n.replace(n.get() + 1))));
}

/// Ends the current group: what follows belongs to nothing in particular.
pub fn ungroup() {
    GROUP.with(|g| g.set(0));
}

/// Marks what is drawn from now on as guides (`true`) or as marks again (`false`).
pub fn guides(on: bool) {
    GUIDE.with(|g| g.set(on));
}

/// The tags of the items the last finished canvas on this thread returned, item for item.
#[cfg(test)]
pub fn last_tags() -> Vec<Tag> {
    LAST_TAGS.with(|t| t.borrow().clone())
}

/// Backend pixels per PDF point: fine enough that rounding to i32 is invisible at any zoom.
pub const UNITS_PER_PT: f32 = 10.0;

/// A length in points as backend units, for plotters sizes (label areas, radii, stroke widths).
pub fn units(pt: f32) -> i32 {
    (pt * UNITS_PER_PT).round() as i32
}

/// A plotters backend coordinate back in area-local points.
pub fn to_pt((x, y): BackendCoord) -> (f32, f32) {
    (x as f32 / UNITS_PER_PT, y as f32 / UNITS_PER_PT)
}

/// A stroke width in points as plotters wants it.
pub fn stroke(pt: f32) -> u32 {
    units(pt).max(1) as u32
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BackendError(String);

pub struct PageBackend<'a> {
    fonts: &'a FontSet,
    area: Rect,
    size: (u32, u32),
    items: Rc<RefCell<Vec<Item>>>,
    tags: Rc<RefCell<Vec<Tag>>>,
    labels: u32,
}

/// Area-local coordinates in points, origin top-left, y down: the frame charts lay out in.
#[derive(Debug, Clone, Copy)]
pub struct Local;

impl CoordTranslate for Local {
    type From = (f32, f32);

    fn translate(&self, &(x, y): &(f32, f32)) -> BackendCoord {
        (units(x), units(y))
    }
}

/// A chart under construction: the plotters root area plus the items recorded so far.
pub struct Canvas<'a> {
    root: DrawingArea<PageBackend<'a>, Shift>,
    items: Rc<RefCell<Vec<Item>>>,
    #[cfg_attr(not(test), allow(dead_code))]
    tags: Rc<RefCell<Vec<Tag>>>,
}

impl<'a> Canvas<'a> {
    pub fn new(area: Rect, fonts: &'a FontSet) -> Canvas<'a> {
        let items = Rc::new(RefCell::new(Vec::new()));
        let tags = Rc::new(RefCell::new(Vec::new()));
        ungroup();
        guides(false);
        // Floor, so the last pixel row still maps inside the area.
        let size = (
            (area.w * UNITS_PER_PT).floor().max(1.0) as u32,
            (area.h * UNITS_PER_PT).floor().max(1.0) as u32,
        );
        let backend = PageBackend {
            fonts,
            area,
            size,
            items: Rc::clone(&items),
            tags: Rc::clone(&tags),
            labels: 0,
        };
        Canvas {
            root: backend.into_drawing_area(),
            items,
            tags,
        }
    }

    /// The root area in backend pixels, for `ChartBuilder` and area splitting.
    pub fn root(&self) -> &DrawingArea<PageBackend<'a>, Shift> {
        &self.root
    }

    /// The root area in area-local points, for drawing elements at computed positions.
    pub fn local(&self) -> DrawingArea<PageBackend<'a>, Local> {
        self.root.apply_coord_spec(Local)
    }

    pub fn finish(self) -> Vec<Item> {
        drop(self.root);
        ungroup();
        guides(false);
        #[cfg(test)]
        LAST_TAGS.with(|t| *t.borrow_mut() = std::mem::take(&mut *self.tags.borrow_mut()));
        std::mem::take(&mut *self.items.borrow_mut())
    }
}

/// Plotters colours carry alpha; the page model has none, so blend onto white paper.
fn color(c: BackendColor) -> Option<Color> {
    if c.alpha <= 0.0 {
        return None;
    }
    let a = c.alpha.min(1.0);
    let mix = |v: u8| (v as f64 * a + 255.0 * (1.0 - a)).round() as u8;
    Some(Color::rgb(mix(c.rgb.0), mix(c.rgb.1), mix(c.rgb.2)))
}

pub fn font_for_style(style: FontStyle) -> FontId {
    match style {
        FontStyle::Bold => FontId::BOLD,
        FontStyle::Italic | FontStyle::Oblique => FontId::ITALIC,
        FontStyle::Normal => FontId::REGULAR,
    }
}

impl PageBackend<'_> {
    fn point(&self, (x, y): BackendCoord) -> Point {
        Point {
            x: self.area.x + x as f32 / UNITS_PER_PT,
            y: self.area.y + y as f32 / UNITS_PER_PT,
        }
    }

    fn push(&mut self, shape: Shape, fill: Option<Color>, stroke: Option<Stroke>) {
        if fill.is_some() || stroke.is_some() {
            self.items.borrow_mut().push(Item::Shape(ShapeItem {
                shape,
                fill,
                stroke,
            }));
            let role = if GUIDE.with(Cell::get) {
                Role::Guide
            } else {
                Role::Mark
            };
            self.tag(role);
        }
    }

    fn tag(&mut self, role: Role) {
        self.tags.borrow_mut().push(Tag {
            role,
            group: GROUP.with(Cell::get),
            label: self.labels,
        });
    }

    fn stroke_of<S: BackendStyle>(style: &S) -> Option<Stroke> {
        let c = color(style.color())?;
        (style.stroke_width() > 0)
            .then(|| Stroke::solid(c, style.stroke_width() as f32 / UNITS_PER_PT))
    }

    fn path(&self, coords: impl IntoIterator<Item = BackendCoord>) -> Vec<Point> {
        let mut kept: Vec<BackendCoord> = Vec::new();
        for c in coords {
            // Rounding to pixels can repeat a point, and a curve's flat stretches (a density's
            // tails) put points on one straight line: neither changes the drawing, both only
            // bloat the PDF. Whole pixels make "on the line" exact.
            if kept.last() == Some(&c) {
                continue;
            }
            if let [.., a, b] = kept[..] {
                if between(a, b, c) {
                    kept.pop();
                }
            }
            kept.push(c);
        }
        kept.into_iter().map(|c| self.point(c)).collect()
    }
}

/// Whether `b` lies on the segment from `a` to `c`, so a path through all three is the same
/// as one from `a` to `c`.
fn between(a: BackendCoord, b: BackendCoord, c: BackendCoord) -> bool {
    let (ab, ac) = ((b.0 - a.0, b.1 - a.1), (c.0 - a.0, c.1 - a.1));
    let cross = ab.0 as i64 * ac.1 as i64 - ab.1 as i64 * ac.0 as i64;
    let dot = ab.0 as i64 * ac.0 as i64 + ab.1 as i64 * ac.1 as i64;
    let len = ac.0 as i64 * ac.0 as i64 + ac.1 as i64 * ac.1 as i64;
    cross == 0 && dot > 0 && dot < len
}

type DrawResult = Result<(), DrawingErrorKind<BackendError>>;

impl DrawingBackend for PageBackend<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> DrawResult {
        Ok(())
    }

    fn present(&mut self) -> DrawResult {
        Ok(())
    }

    /// Only reached by plotters' raster fallbacks, which every shape below overrides.
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> DrawResult {
        let o = self.point(p);
        let side = 1.0 / UNITS_PER_PT;
        self.push(Shape::Rect(Rect::new(o.x, o.y, side, side)), color(c), None);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> DrawResult {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        let (p, q) = (self.point(a), self.point(b));
        let rect = Rect::new(
            p.x.min(q.x),
            p.y.min(q.y),
            (p.x - q.x).abs(),
            (p.y - q.y).abs(),
        );
        if fill {
            self.push(Shape::Rect(rect), color(style.color()), None);
        } else {
            let stroke = Self::stroke_of(style);
            self.push(Shape::Rect(rect), None, stroke);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult {
        let points = self.path(path);
        if points.len() >= 2 {
            let stroke = Self::stroke_of(style);
            self.push(
                Shape::Path {
                    points,
                    closed: false,
                },
                None,
                stroke,
            );
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        let shape = Shape::Circle {
            center: self.point(center),
            radius: radius as f32 / UNITS_PER_PT,
        };
        if fill {
            self.push(shape, color(style.color()), None);
        } else {
            let stroke = Self::stroke_of(style);
            self.push(shape, None, stroke);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> DrawResult {
        let points = self.path(vert);
        if points.len() >= 3 {
            self.push(
                Shape::Path {
                    points,
                    closed: true,
                },
                color(style.color()),
                None,
            );
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> DrawResult {
        let Some(c) = color(style.color()) else {
            return Ok(());
        };
        if text.is_empty() {
            return Ok(());
        }
        let font = font_for_style(style.style());
        let size = style.size() as f32 / UNITS_PER_PT;
        let metrics = self.fonts.get(FontId::REGULAR);
        // Chart labels are catalog words and figures; a character no face has is drawn as
        // U+FFFD like anywhere else, and reported where the same words appear in the copy.
        let line = crate::text::line(
            text,
            font,
            size,
            c,
            self.fonts,
            &mut crate::text::Missing::default(),
        );
        let width = line.width;
        let anchor = style.anchor();
        // Offsets of the baseline start from the anchor, in the text's own frame (y down).
        let along = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let across = match anchor.v_pos {
            VPos::Top => metrics.ascender() * size,
            // Centring on the cap height looks centred for figures and capitals, which labels are.
            VPos::Center => metrics.cap_height() * size / 2.0,
            VPos::Bottom => metrics.descender() * size,
        };
        // Plotters' transforms act on a y-down screen, so its Rotate90 turns text clockwise.
        let ((ux, uy), (vx, vy), rotation) = match style.transform() {
            FontTransform::None => ((1.0, 0.0), (0.0, 1.0), 0.0),
            FontTransform::Rotate90 => ((0.0, 1.0), (-1.0, 0.0), -90.0),
            FontTransform::Rotate180 => ((-1.0, 0.0), (0.0, -1.0), 180.0),
            FontTransform::Rotate270 => ((0.0, -1.0), (1.0, 0.0), 90.0),
        };
        let o = self.point(pos);
        self.labels += 1;
        for mut run in line.runs {
            let along = along + run.x;
            run.x = o.x + along * ux + across * vx;
            run.y = o.y + along * uy + across * vy;
            run.rotation = rotation;
            self.items.borrow_mut().push(Item::Text(run));
            self.tag(Role::Label);
        }
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<BackendError>> {
        let font = font_for_style(style.style());
        let size = style.size() as f32 / UNITS_PER_PT;
        let f = self.fonts.get(font);
        let w = crate::text::width(text, font, size, self.fonts);
        let h = (f.ascender() - f.descender()) * size;
        Ok((
            (w * UNITS_PER_PT).ceil() as u32,
            (h * UNITS_PER_PT).ceil() as u32,
        ))
    }

    /// Charts must stay vector; a bitmap reaching here is a bug to surface, not to rasterise.
    fn blit_bitmap(&mut self, _: BackendCoord, _: (u32, u32), _: &[u8]) -> DrawResult {
        Err(DrawingErrorKind::DrawingError(BackendError(
            "bitmaps are not supported in charts".into(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::between;

    #[test]
    fn only_points_strictly_inside_a_straight_stretch_are_between() {
        assert!(between((0, 0), (5, 0), (10, 0)));
        assert!(between((0, 0), (3, 6), (5, 10)));
        assert!(!between((0, 0), (5, 1), (10, 0)), "a bend");
        assert!(!between((0, 0), (10, 0), (5, 0)), "a turn back");
        assert!(!between((0, 0), (10, 0), (10, 0)), "the end itself");
        assert!(!between((0, 0), (0, 0), (10, 0)), "the start itself");
    }
}
