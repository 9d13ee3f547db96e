//! What surrounds the copy: running header with the reader's name, "Page N of 24" footer, the
//! cover's title band, and the linked table of contents.

use super::flow::{hline, rect, Flow};
use super::markup::Block;
use super::text::{self, fit_line, line_at, Align, Missing, TextStyle};
use super::{Env, LayoutError};
use crate::fonts::FontId;
use crate::page::{Color, Item, LinkTarget, Rect, Role, Tag};

/// One line of furniture at (x, y), or ending at x when `right`; returns its width. Characters
/// missing from every face are reported once, by the cover and body that show the same words.
#[allow(clippy::too_many_arguments)]
fn run(
    items: &mut Vec<Item>,
    env: &Env,
    x: f32,
    y: f32,
    right: bool,
    font: FontId,
    size: f32,
    color: Color,
    text: &str,
) -> f32 {
    let mut scratch = Missing::default();
    let (mut line, w) = line_at(text, x, y, font, size, color, env.fonts, &mut scratch);
    if right {
        for item in &mut line {
            if let Item::Text(t) = item {
                t.x -= w;
            }
        }
    }
    items.extend(line);
    w
}

/// Header (not on the cover) and footer of page `index`: pagination artifacts, which a screen
/// reader skips instead of reading the brand, name and page number on every page. The page
/// number is an artifact of its own: the rest is the same on every page after the cover, and
/// the PDF writes it once (see `pdf::forms`).
pub fn header_footer(env: &Env, index: usize, items: &mut Vec<Item>) {
    items.push(Item::Open(Tag::Artifact { pagination: true }));
    running(env, index, items);
    items.push(Item::Close);
    items.push(Item::Open(Tag::Artifact { pagination: true }));
    page_number(env, index, items);
    items.push(Item::Close);
}

fn running(env: &Env, index: usize, items: &mut Vec<Item>) {
    let st = env.style;
    let c = &st.colors;
    let p = &st.page;
    let content = st.content();
    let size = st.type_.header;
    if index > 0 {
        let y = p.margin_top - 34.0;
        // The logo at about the label's line height, centred on its capitals; one too wide
        // for that height to leave the reader's name room is left out of the header.
        let mut label_x = content.x;
        if let Some(logo) = &st.brand.logo_image {
            let h = size * 1.2;
            let w = h * logo.image.aspect();
            if w <= content.w * 0.25 {
                let middle = y - size * 0.35;
                items.push(Item::Image {
                    rect: Rect::new(content.x, middle - h / 2.0, w, h),
                    image: logo.image.clone(),
                });
                label_x += w + size * 0.8;
            }
        }
        let label = env.running.brand.to_uppercase();
        let label_w = run(
            items,
            env,
            label_x,
            y,
            false,
            FontId::BOLD,
            size,
            c.accent,
            &label,
        );
        let room = content.right() - label_x - label_w - 24.0;
        let (name, s) = fit_line(
            &env.ctx.person.full_name,
            room,
            FontId::REGULAR,
            size,
            7.0,
            env.fonts,
        );
        run(
            items,
            env,
            content.right(),
            y,
            true,
            FontId::REGULAR,
            s,
            c.muted,
            &name,
        );
        items.push(hline(content.x, content.right(), y + 8.0, c.faint, 0.7));
    }
    let y = p.height - p.margin_bottom + 34.0;
    let fsize = st.type_.footer;
    items.push(hline(content.x, content.right(), y - 12.0, c.faint, 0.7));
    let left = &env.running.footer;
    let (left, ls) = fit_line(
        left,
        content.w * 0.6,
        FontId::REGULAR,
        fsize,
        5.5,
        env.fonts,
    );
    run(
        items,
        env,
        content.x,
        y,
        false,
        FontId::REGULAR,
        ls,
        c.muted,
        &left,
    );
}

/// "Page N of 24", at the right end of the footer line.
fn page_number(env: &Env, index: usize, items: &mut Vec<Item>) {
    let st = env.style;
    let y = st.page.height - st.page.margin_bottom + 34.0;
    run(
        items,
        env,
        st.content().right(),
        y,
        true,
        FontId::REGULAR,
        st.type_.footer,
        st.colors.muted,
        &env.running.pages[index],
    );
}

/// The cover: a full-width band with the kicker, title, the reader's name and job title; the
/// rest of the cover template flows below it.
pub fn cover(flow: &mut Flow, blocks: &[Block]) -> Result<(), LayoutError> {
    let env = flow.env;
    let st = env.style;
    let c = &st.colors;
    let band_h = 300.0;
    flow.artifact(rect(
        Rect::new(0.0, 0.0, st.page.width, band_h),
        Some(c.accent),
        None,
    ));
    flow.artifact(rect(
        Rect::new(0.0, band_h, st.page.width, 6.0),
        Some(c.band(env.a.band)),
        None,
    ));
    let x = flow.x;
    let w = flow.width;
    // The brand's wordmark: a square in the secondary colour, or the logo, and the name,
    // above the kicker.
    let name_x = match &st.brand.logo_image {
        None => {
            flow.artifact(rect(Rect::new(x, 29.0, 9.0, 9.0), Some(c.accent2), None));
            x + 15.0
        }
        Some(logo) => {
            let r = logo_box(logo.image.aspect(), x, 29.0, 9.0, w * 0.5);
            let image = Item::Image {
                rect: r,
                image: logo.image.clone(),
            };
            if st.brand.name.trim().is_empty() {
                // The logo is then the only sign of who sends the report.
                flow.items
                    .push(Item::Open(Tag::Element(crate::page::Element {
                        role: Role::Figure,
                        alt: Some("Logo".into()),
                        lang: None,
                    })));
                flow.items.extend([image, Item::Close]);
            } else {
                // The name beside it says it in words: a screen reader should not say it twice.
                flow.artifact(image);
            }
            r.right() + 6.0
        }
    };
    let mut mark = Vec::new();
    run(
        &mut mark,
        env,
        name_x,
        37.5,
        false,
        FontId::BOLD,
        8.5,
        c.paper,
        &st.brand.name.to_uppercase(),
    );
    flow.tagged(Role::P, |f| f.items.extend(mark));
    flow.y = 70.0;
    let kicker = blocks
        .iter()
        .find_map(|b| {
            if let Block::Kicker(k) = b {
                Some(k.clone())
            } else {
                None
            }
        })
        .unwrap_or_default();
    let title = blocks
        .iter()
        .find_map(|b| {
            if let Block::Title(t) = b {
                Some(t.clone())
            } else {
                None
            }
        })
        .unwrap_or_default();
    let white = c.paper;
    let ks = TextStyle {
        font: FontId::BOLD,
        bold: FontId::BOLD,
        size: st.type_.kicker + 1.0,
        leading: 1.3,
        color: c.accent2.tint(0.5),
        align: Align::Left,
    };
    flow.tagged(Role::P, |f| f.text_at(&kicker.to_uppercase(), x, w, &ks));
    flow.y += 10.0;
    let ts = TextStyle {
        font: FontId::BOLD,
        bold: FontId::BOLD,
        size: 30.0,
        leading: 1.15,
        color: white,
        align: Align::Left,
    };
    flow.tagged(Role::H1, |f| f.text_at(&title, x, w, &ts));
    flow.y += 26.0;
    // The name is the point of the cover: wrapped at a large size rather than shrunk or cut,
    // down to three lines; only a name that still does not fit is ellipsised.
    let name_style = |size: f32| TextStyle {
        font: FontId::BOLD,
        bold: FontId::BOLD,
        size,
        leading: 1.15,
        color: white,
        align: Align::Left,
    };
    let full = &env.ctx.person.full_name;
    let mut scratch = text::Missing::default();
    let fits = |size: f32, lines: f32, scratch: &mut text::Missing| {
        text::set(full, w, &name_style(size), env.fonts, scratch).height
            <= size * 1.15 * lines + 0.1
    };
    let size = [22.0, 18.0, 15.0]
        .into_iter()
        .zip([1.0, 2.0, 3.0])
        .find(|(s, l)| fits(*s, *l, &mut scratch))
        .map(|(s, _)| s);
    let set = match size {
        Some(s) => text::set(full, w, &name_style(s), env.fonts, flow.missing),
        None => {
            let (line, s) = fit_line(full, w * 3.0, FontId::BOLD, 15.0, 15.0, env.fonts);
            text::set(&line, w, &name_style(s), env.fonts, flow.missing)
        }
    };
    let h = set.height;
    let items = set.placed(x, flow.y);
    // Marks stacked below the letters (Kannada, Telugu, Myanmar, Arabic kasra) reach far
    // deeper than Latin descenders: the subtitle starts below the name's lowest ink.
    let ink_bottom = items
        .iter()
        .filter_map(|it| match it {
            Item::Text(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| {
            let face = env.fonts.get(r.font);
            r.glyphs
                .iter()
                .map(move |g| r.y + g.dy + face.ink_depth(g.id) * r.size)
        })
        .fold(0.0f32, f32::max);
    flow.tagged(Role::P, |f| f.items.extend(items));
    // Only a pile of marks no language writes reaches the band's foot: the subtitle then
    // overlaps the pile rather than leaving the band.
    flow.y = (flow.y + h + 4.0).max((ink_bottom - 1.0).min(band_h - 20.0));
    let (sub, ss) = fit_line(&env.running.cover, w, FontId::REGULAR, 11.0, 7.0, env.fonts);
    let set = text::set(
        &sub,
        w + 1.0,
        &TextStyle {
            font: FontId::REGULAR,
            bold: FontId::BOLD,
            size: ss,
            leading: 1.3,
            color: white.tint(0.0),
            align: Align::Left,
        },
        env.fonts,
        flow.missing,
    );
    flow.tagged(Role::P, |f| f.items.extend(set.placed(x, f.y)));
    if flow.y + 20.0 > band_h {
        return Err(LayoutError::Overflow {
            page: 1,
            block: "cover title band".into(),
            by: flow.y + 20.0 - band_h,
        });
    }
    flow.y = band_h + 30.0;
    let rest: Vec<Block> = blocks
        .iter()
        .filter(|b| !matches!(b, Block::Kicker(_) | Block::Title(_)))
        .cloned()
        .collect();
    flow.blocks(&rest)
}

/// Where a logo of `aspect` (width over height) stands: `height` tall from `top` at `x`, unless
/// that is wider than `max_w`, then narrowed to it and centred on the same middle.
fn logo_box(aspect: f32, x: f32, top: f32, height: f32, max_w: f32) -> Rect {
    let w = height * aspect;
    if w <= max_w {
        return Rect::new(x, top, w, height);
    }
    let h = max_w / aspect;
    Rect::new(x, top + (height - h) / 2.0, max_w, h)
}

/// The contents list: one linked line per section page.
pub fn toc(flow: &mut Flow) {
    flow.tagged(Role::TOC, toc_items);
}

fn toc_items(flow: &mut Flow) {
    let env = flow.env;
    let st = env.style;
    let c = &st.colors;
    let size = st.type_.body + 0.6;
    let line_h = 19.0;
    for (title, page) in env.toc.iter().filter(|(_, p)| *p >= 2) {
        let y = flow.y;
        let base = y + 13.0;
        flow.items.push(Item::open(Role::TOCI));
        // A marker, not a second page number: the number stands at the right.
        flow.artifact(super::flow::rect(
            Rect::new(flow.x, base - size * 0.45, 4.0, 4.0),
            Some(c.accent2),
            None,
        ));
        let (t, ts) = fit_line(
            title,
            flow.width - 80.0,
            FontId::REGULAR,
            size,
            6.0,
            env.fonts,
        );
        flow.items.push(Item::open(Role::Link));
        let tw = run(
            &mut flow.items,
            env,
            flow.x + 14.0,
            base,
            false,
            FontId::REGULAR,
            ts,
            c.ink,
            &t,
        );
        trailing_space(&mut flow.items, env);
        let pn = format!("{}", page + 1);
        let pw = run(
            &mut flow.items,
            env,
            flow.x + flow.width,
            base,
            true,
            FontId::REGULAR,
            size,
            c.muted,
            &pn,
        );
        let dots_from = flow.x + 14.0 + tw + 6.0;
        let dots_to = flow.x + flow.width - pw - 6.0;
        if dots_to > dots_from {
            flow.artifact(Item::Shape(crate::page::ShapeItem {
                shape: crate::page::Shape::Path {
                    points: vec![
                        crate::page::Point {
                            x: dots_from,
                            y: base,
                        },
                        crate::page::Point {
                            x: dots_to,
                            y: base,
                        },
                    ],
                    closed: false,
                },
                fill: None,
                stroke: Some(crate::page::Stroke {
                    color: c.faint,
                    width: 0.8,
                    dash: Some((1.0, 2.5)),
                }),
            }));
        }
        flow.items.push(Item::Link {
            rect: Rect::new(flow.x, y, flow.width, line_h),
            target: LinkTarget::Page(*page),
        });
        flow.items.extend([Item::Close, Item::Close]);
        flow.y += line_h;
    }
}

/// Ends the last run of `items` with an invisible space that takes no room: the dot leader
/// between a contents entry's title and its page number is furniture, and without the space
/// the link's text reads "Your results at a glance3".
fn trailing_space(items: &mut [Item], env: &Env) {
    let Some(Item::Text(r)) = items.iter_mut().rev().find(|i| matches!(i, Item::Text(_))) else {
        return;
    };
    let Some(id) = env.fonts.get(r.font).glyph(' ') else {
        return;
    };
    if r.rtl {
        return;
    }
    let cluster = r.text.len() as u32;
    r.text = format!("{} ", r.text).into();
    let mut glyphs = r.glyphs.to_vec();
    glyphs.push(crate::page::Glyph {
        id,
        advance: 0.0,
        dx: 0.0,
        dy: 0.0,
        cluster,
    });
    r.glyphs = glyphs.into();
}
