//! Placing blocks down a page: each block knows its height for a given width, the flow moves a
//! cursor and refuses anything that would cross the bottom margin (an overflow error, never a
//! silent spill onto another page).

use super::markup::Block;
use super::text::{self, Align, Missing, TextStyle};
use super::{tables, Env, LayoutError};
use crate::fonts::FontId;
use crate::page::{Color, Element, Item, Point, Rect, Role, Shape, ShapeItem, Stroke, Tag};

pub struct Flow<'e, 'a> {
    pub env: &'e Env<'a>,
    pub page: usize,
    pub x: f32,
    pub width: f32,
    pub y: f32,
    pub bottom: f32,
    pub items: Vec<Item>,
    pub missing: &'e mut Missing,
    /// Text this page set while measuring, for when it is placed.
    pub measured: &'e text::Measured,
    /// Time spent drawing charts, for the benchmark's per-phase figures.
    pub chart_time: &'e mut std::time::Duration,
    /// Whether a chart with a height range may grow into the room left at the page's foot:
    /// in the page's own flow, not inside columns or while measuring.
    pub grow: bool,
    /// Only measuring: charts take their height without being drawn.
    pub measure: bool,
}

pub fn rect(r: Rect, fill: Option<Color>, stroke: Option<Stroke>) -> Item {
    Item::Shape(ShapeItem {
        shape: Shape::Rect(r),
        fill,
        stroke,
    })
}

pub fn hline(x0: f32, x1: f32, y: f32, color: Color, width: f32) -> Item {
    Item::Shape(ShapeItem {
        shape: Shape::Path {
            points: vec![Point { x: x0, y }, Point { x: x1, y }],
            closed: false,
        },
        fill: None,
        stroke: Some(Stroke::solid(color, width)),
    })
}

impl<'e, 'a> Flow<'e, 'a> {
    /// Draws chart `name` across the flow's width, `height` points tall, as a Figure whose alt
    /// text says what it shows.
    fn chart(&mut self, name: &str, height: f32) -> Result<(), LayoutError> {
        let env = self.env;
        let area = Rect::new(self.x, self.y, self.width, height);
        let started = std::time::Instant::now();
        let chart_error = |e: crate::chart::ChartError| LayoutError::Chart {
            page: self.page + 1,
            chart: name.to_string(),
            message: e.to_string(),
        };
        let items = crate::chart::draw(name, area, env.fonts, &env.theme, &env.series)
            .map_err(chart_error)?;
        let alt = crate::chart::alt_text(name, &env.series).map_err(chart_error)?;
        *self.chart_time += started.elapsed();
        self.items.push(Item::Open(Tag::Element(Element {
            role: Role::Figure,
            alt: Some(alt),
            lang: None,
        })));
        self.items.extend(items);
        self.items.push(Item::Close);
        self.y += height;
        Ok(())
    }

    /// Runs `f` with what it adds inside a structure element of `role`.
    pub fn tagged<R>(&mut self, role: Role, f: impl FnOnce(&mut Self) -> R) -> R {
        self.items.push(Item::open(role));
        let r = f(self);
        self.items.push(Item::Close);
        r
    }

    /// Adds furniture that is not part of the text: a background, a band, a rule.
    pub fn artifact(&mut self, item: Item) {
        self.items.extend([Item::artifact(), item, Item::Close]);
    }

    pub fn style(&self, size: f32, color: Color, align: Align) -> TextStyle {
        TextStyle {
            font: FontId::REGULAR,
            bold: FontId::BOLD,
            size,
            leading: self.env.style.type_.body_leading,
            color,
            align,
        }
    }

    fn bold(&self, size: f32, color: Color) -> TextStyle {
        TextStyle {
            font: FontId::BOLD,
            bold: FontId::BOLD,
            size,
            leading: 1.25,
            color,
            align: Align::Left,
        }
    }

    /// Sets `text` `width` wide: only measured while the flow measures (and kept for when it
    /// is placed), otherwise set for placing.
    pub fn set(&mut self, text: &str, width: f32, style: &TextStyle) -> text::SetText {
        let fonts = self.env.fonts;
        if self.measure {
            self.measured.measure(text, width, style, fonts)
        } else {
            self.measured.place(text, width, style, fonts, self.missing)
        }
    }

    /// Sets text at the cursor across `width` from `x` and advances the cursor.
    pub fn text_at(&mut self, text: &str, x: f32, width: f32, style: &TextStyle) -> f32 {
        let set = self.set(text, width, style);
        let h = set.height;
        self.items.extend(set.placed(x, self.y));
        self.y += h;
        h
    }

    fn text(&mut self, text: &str, style: &TextStyle) -> f32 {
        self.text_at(text, self.x, self.width, style)
    }

    fn check(&self, what: &str) -> Result<(), LayoutError> {
        if self.y > self.bottom + 0.5 {
            return Err(LayoutError::Overflow {
                page: self.page + 1,
                block: what.chars().take(60).collect(),
                by: self.y - self.bottom,
            });
        }
        Ok(())
    }

    pub fn blocks(&mut self, blocks: &[Block]) -> Result<(), LayoutError> {
        let mut i = 0;
        while let Some(b) = blocks.get(i) {
            if i > 0 {
                self.y += self.gap_before(b);
            }
            match b {
                Block::Chart { name, height, max } if self.grow && max > height => {
                    let rest = &blocks[i + 1..];
                    let room = self.bottom - self.y - self.height_of(rest)?;
                    let first = self.optional_first(rest, room - height)?;
                    self.chart(name, (room - first).clamp(*height, *max))?;
                }
                Block::Foot if self.grow => {
                    let rest = self.height_of(&blocks[i + 1..])?;
                    self.y = self.y.max(self.bottom - rest);
                }
                Block::Optional { first } => {
                    // Set in place only when it fits with what the page keeps after it (its
                    // foot, its callout); while measuring it counts for nothing. A group a
                    // growing chart left room for fits to a hair (the same heights, added in
                    // another order).
                    let end = i + 1 + group_len(&blocks[i + 1..]);
                    let hair = if *first { 0.01 } else { 0.0 };
                    let fits = self.grow && {
                        let need = self.height_of(&blocks[i + 1..end])?
                            + self.height_of(&blocks[end..])?;
                        self.y + need <= self.bottom + hair
                    };
                    if !fits {
                        i = end;
                        continue;
                    }
                }
                Block::Spare if self.grow => {
                    // A group is kept only with every group after it.
                    let rest = blocks[i + 1..]
                        .split(is_optional)
                        .map(|group| self.height_of(group))
                        .sum::<Result<f32, _>>()?;
                    if self.y + rest > self.bottom {
                        // This group does without; a later group may still fit.
                        match blocks[i + 1..].iter().position(is_optional) {
                            Some(next) => {
                                i += 1 + next;
                                continue;
                            }
                            None => break,
                        }
                    }
                    self.y = self.bottom - rest;
                }
                // While measuring, spare content counts for nothing: it only takes room left.
                Block::Spare => break,
                _ => self.block(b)?,
            }
            self.check(&describe(b))?;
            i += 1;
        }
        Ok(())
    }

    /// The room that the `::optional first` groups among `rest` (what follows a growing
    /// chart) take before the chart grows: each, in order, when it fits in the `spare` room the
    /// chart leaves at its least height (and those before it have not taken).
    fn optional_first(&self, rest: &[Block], mut spare: f32) -> Result<f32, LayoutError> {
        let mut taken = 0.0;
        for (j, b) in rest.iter().enumerate() {
            if let Block::Optional { first: true } = b {
                let group = &rest[j + 1..j + 1 + group_len(&rest[j + 1..])];
                let h = self.height_of(group)?;
                if h <= spare {
                    spare -= h;
                    taken += h;
                }
            }
        }
        Ok(taken)
    }

    /// How far `blocks` would move the cursor, measured on a scratch flow (growing charts at
    /// their least height), with the gap before the first of them.
    fn height_of(&self, blocks: &[Block]) -> Result<f32, LayoutError> {
        let Some(first) = blocks.first() else {
            return Ok(0.0);
        };
        let mut missing = Missing::default();
        let mut chart_time = std::time::Duration::ZERO;
        let mut scratch = Flow {
            env: self.env,
            page: self.page,
            x: self.x,
            width: self.width,
            y: 0.0,
            bottom: f32::INFINITY,
            items: Vec::new(),
            missing: &mut missing,
            measured: self.measured,
            chart_time: &mut chart_time,
            grow: false,
            measure: true,
        };
        scratch.blocks(blocks)?;
        Ok(self.gap_before(first) + scratch.y)
    }

    fn gap_before(&self, b: &Block) -> f32 {
        let s = &self.env.style.space;
        match b {
            Block::Heading { .. } => s.heading_before,
            Block::Title(_) => 2.0,
            Block::Paragraph(_) | Block::Small(_) => s.paragraph,
            Block::Space(_)
            | Block::Foot
            | Block::Spare
            | Block::Optional { .. }
            | Block::EndOptional => 0.0,
            _ => s.block,
        }
    }

    fn block(&mut self, b: &Block) -> Result<(), LayoutError> {
        let env = self.env;
        let st = &env.style;
        let c = &st.colors;
        match b {
            Block::Kicker(t) => {
                let style = self.bold(st.type_.kicker, c.accent2);
                self.tagged(Role::P, |f| f.text(&t.to_uppercase(), &style));
            }
            Block::Title(t) => {
                let style = self.bold(st.type_.h1, c.ink);
                self.tagged(Role::H1, |f| f.text(t, &style));
                self.y += 5.0;
                let band = c.band(env.a.band);
                self.artifact(rect(Rect::new(self.x, self.y, 36.0, 3.0), Some(band), None));
                self.y += 9.0;
            }
            Block::Heading { level, text } => {
                let (size, color) = if *level == 2 {
                    (st.type_.h2, c.accent)
                } else {
                    (st.type_.h3, c.ink)
                };
                let style = self.bold(size, color);
                // The structure never skips a level (an H3 straight under the page's H1 is
                // an H2 to a screen reader), whatever size the heading is drawn at.
                let above = self
                    .items
                    .iter()
                    .rev()
                    .find_map(|it| match it {
                        Item::Open(Tag::Element(e)) => match e.role {
                            Role::H1 => Some(1),
                            Role::H2 => Some(2),
                            Role::H3 => Some(3),
                            _ => None,
                        },
                        _ => None,
                    })
                    .unwrap_or(1);
                let role = if *level == 2 || above < 2 {
                    Role::H2
                } else {
                    Role::H3
                };
                self.tagged(role, |f| f.text(text, &style));
                self.y += st.space.heading_after;
            }
            Block::Paragraph(t) => {
                // Justified narrow columns open rivers of white; they are set ragged-right.
                let align = if self.width < 300.0 {
                    Align::Left
                } else {
                    Align::Justify
                };
                let style = self.style(st.type_.body, c.ink, align);
                self.tagged(Role::P, |f| f.text(t, &style));
            }
            Block::Lead(t) => {
                let mut style = self.style(st.type_.lead, c.ink, Align::Left);
                style.leading = 1.35;
                self.tagged(Role::P, |f| f.text(t, &style));
            }
            Block::Small(t) => {
                let style = self.style(st.type_.small, c.muted, Align::Left);
                self.tagged(Role::P, |f| f.text(t, &style));
            }
            Block::Bullets(items) => self.list(items, |_| "•".to_string(), c.accent2),
            Block::Numbered(items) => self.list(items, |i| format!("{}.", i + 1), c.accent),
            Block::Checklist(items) => self.checklist(items),
            Block::Callout { text, .. } => self.callout(text),
            Block::Kpis(tiles) => self.kpis(tiles)?,
            Block::Toc => super::furniture::toc(self),
            Block::Chart { height, .. } if self.measure => self.y += height,
            Block::Chart { name, height, .. } => self.chart(name, *height)?,
            Block::Table(t) => tables::table(self, t)?,
            Block::Columns(left, right) => {
                let gap = st.page.column_gap;
                let w = (self.width - gap) / 2.0;
                let (x0, width0, y0, grow) = (self.x, self.width, self.y, self.grow);
                self.width = w;
                self.grow = false;
                let start = self.items.len();
                self.blocks(left)?;
                let y_left = self.y;
                self.x = x0 + w + gap;
                self.y = y0;
                // The right column is set as if the left were not there yet, so its headings
                // take their structure level from what stands above both columns (two
                // side-by-side `###` are both H2 under the page's H1, or both H3 under an H2).
                let left_items = self.items.split_off(start);
                let right_result = self.blocks(right);
                let right_items = self.items.split_off(start);
                self.items.extend(left_items);
                self.items.extend(right_items);
                right_result?;
                let y_right = self.y;
                self.x = x0;
                self.width = width0;
                self.grow = grow;
                self.y = y_left.max(y_right);
            }
            Block::Space(h) => self.y += h,
            // Inside columns or while measuring, the foot is where the flow is.
            Block::Foot | Block::Spare | Block::Optional { .. } | Block::EndOptional => {}
            Block::Rule => {
                self.artifact(hline(
                    self.x,
                    self.x + self.width,
                    self.y + 0.5,
                    c.faint,
                    0.8,
                ));
                self.y += 1.0;
            }
        }
        Ok(())
    }

    fn list(&mut self, items: &[String], marker: impl Fn(usize) -> String, marker_color: Color) {
        self.tagged(Role::L, |f| f.list_items(items, marker, marker_color));
    }

    fn list_items(
        &mut self,
        items: &[String],
        marker: impl Fn(usize) -> String,
        marker_color: Color,
    ) {
        let st = &self.env.style;
        let indent = 14.0;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.y += st.space.list_item;
            }
            let style = self.style(st.type_.body, st.colors.ink, Align::Left);
            let mut mstyle = style;
            mstyle.font = FontId::BOLD;
            mstyle.color = marker_color;
            let top = self.y;
            let m = self.set(&marker(i), indent, &mstyle);
            self.items.push(Item::open(Role::LI));
            self.tagged(Role::Lbl, |f| f.items.extend(m.placed(f.x, top)));
            self.tagged(Role::LBody, |f| {
                f.text_at(item, f.x + indent, f.width - indent, &style)
            });
            self.items.push(Item::Close);
        }
    }

    fn checklist(&mut self, items: &[String]) {
        self.tagged(Role::L, |f| f.checklist_items(items));
    }

    fn checklist_items(&mut self, items: &[String]) {
        let st = &self.env.style;
        let indent = 16.0;
        let size = st.type_.body;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.y += st.space.list_item + 1.0;
            }
            let top = self.y;
            let box_size = size * 0.9;
            let line_h = size * st.type_.body_leading;
            self.items.push(Item::open(Role::LI));
            // An empty box to tick on paper: nothing to read, so furniture.
            self.artifact(rect(
                Rect::new(self.x, top + (line_h - box_size) / 2.0, box_size, box_size),
                None,
                Some(Stroke::solid(st.colors.accent, 0.9)),
            ));
            let style = self.style(size, st.colors.ink, Align::Left);
            self.tagged(Role::LBody, |f| {
                f.text_at(item, f.x + indent, f.width - indent, &style)
            });
            self.items.push(Item::Close);
        }
    }

    fn callout(&mut self, text: &str) {
        let st = &self.env.style;
        let c = &st.colors;
        // One callout style whatever the tone: band colours mean risk bands and nothing else,
        // so a callout's tone is in its words, not its colour.
        let color = c.accent;
        let pad = 9.0;
        let style = self.style(st.type_.body, c.ink, Align::Left);
        let set = self.set(text, self.width - 2.0 * pad - 4.0, &style);
        let h = set.height + 2.0 * pad;
        self.artifact(rect(
            Rect::new(self.x, self.y, self.width, h),
            Some(color.tint(0.88)),
            None,
        ));
        self.artifact(rect(Rect::new(self.x, self.y, 3.0, h), Some(color), None));
        self.tagged(Role::P, |f| {
            f.items.extend(set.placed(f.x + pad + 4.0, f.y + pad))
        });
        self.y += h;
    }

    fn kpis(&mut self, tiles: &[super::markup::Kpi]) -> Result<(), LayoutError> {
        let env = self.env;
        let st = &env.style;
        let c = &st.colors;
        let a = env.a;
        let gap = 10.0;
        let n = tiles.len().max(1) as f32;
        let w = (self.width - (n - 1.0) * gap) / n;
        let h = 84.0;
        let top = self.y;
        let band = c.band(a.band);
        for (i, tile) in tiles.iter().enumerate() {
            let (label, value, sub) = (&tile.label, &tile.value, &tile.note);
            let x = self.x + i as f32 * (w + gap);
            self.items.push(Item::open(Role::Div));
            self.artifact(rect(
                Rect::new(x, top, w, h),
                Some(c.accent.tint(0.93)),
                None,
            ));
            self.artifact(rect(Rect::new(x, top, w, 3.0), Some(band), None));
            let lstyle = TextStyle {
                font: FontId::BOLD,
                bold: FontId::BOLD,
                size: st.type_.kicker,
                leading: 1.2,
                color: c.muted,
                align: Align::Left,
            };
            let l = self.set(&label.to_uppercase(), w - 16.0, &lstyle);
            self.tagged(Role::P, |f| f.items.extend(l.placed(x + 8.0, top + 9.0)));
            let (v, vsize) = text::fit_line(value, w - 16.0, FontId::BOLD, 19.0, 11.0, env.fonts);
            let (value, _) = text::line_at(
                &v,
                x + 8.0,
                top + 40.0,
                FontId::BOLD,
                vsize,
                c.ink,
                env.fonts,
                self.missing,
            );
            self.tagged(Role::P, |f| f.items.extend(value));
            let sstyle = TextStyle {
                font: FontId::REGULAR,
                bold: FontId::BOLD,
                size: st.type_.small,
                leading: 1.25,
                color: c.muted,
                align: Align::Left,
            };
            let s = self.set(sub, w - 16.0, &sstyle);
            if 47.0 + s.height > h - 4.0 {
                return Err(LayoutError::Overflow {
                    page: self.page + 1,
                    block: format!("KPI tile {label}"),
                    by: 47.0 + s.height - (h - 4.0),
                });
            }
            self.tagged(Role::P, |f| f.items.extend(s.placed(x + 8.0, top + 47.0)));
            self.items.push(Item::Close);
        }
        self.y = top + h;
        Ok(())
    }
}

fn describe(b: &Block) -> String {
    match b {
        Block::Title(t)
        | Block::Paragraph(t)
        | Block::Lead(t)
        | Block::Small(t)
        | Block::Kicker(t) => t.clone(),
        Block::Heading { text, .. } => text.clone(),
        Block::Callout { text, .. } => format!("callout: {text}"),
        Block::Chart { name, .. } => format!("chart {name}"),
        Block::Table(t) => format!(
            "table: {}",
            t.columns.first().map_or("", |c| c.title.as_str())
        ),
        Block::Bullets(i) | Block::Numbered(i) | Block::Checklist(i) => {
            format!("list: {}", i.first().cloned().unwrap_or_default())
        }
        other => format!("{other:?}"),
    }
}

/// Whether `b` opens a group of blocks that a full page does without.
fn is_optional(b: &Block) -> bool {
    matches!(b, Block::Spare | Block::Optional { .. })
}

/// How many blocks an `::optional` group holds: up to the next optional group, the foot or
/// `::end optional`.
fn group_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .position(|b| {
            matches!(
                b,
                Block::Spare | Block::Optional { .. } | Block::Foot | Block::EndOptional
            )
        })
        .unwrap_or(blocks.len())
}
