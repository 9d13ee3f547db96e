//! The report stage: an `Assessment` plus the layouts (templates and style in `layouts/`) become
//! a finished page model of exactly 24 pages. Pure: no file I/O and no PDF here — the `pdf`
//! stage serialises what this decides.

#[cfg(test)]
mod consistency;
#[cfg(test)]
mod consistency_advice;
mod context;
#[cfg(test)]
mod fill;
mod flow;
mod furniture;
mod logo;
mod markup;
mod style;
mod tables;
mod templates;
mod text;

#[cfg(test)]
pub use context::series as chart_series;
pub use context::Context;
#[cfg(test)]
pub use logo::Logo;
pub use style::{Brand, Style};
pub use templates::Layouts;

use crate::catalog::Catalog;
use crate::fonts::FontSet;
use crate::page::{Document, Metadata, OutlineEntry, Page};
use crate::score::Assessment;
use markup::Block;
use std::collections::BTreeSet;

/// The report always has this many pages; anything else is a layout bug.
pub const PAGES: usize = 24;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error("page {page}: template error: {message}")]
    Template { page: usize, message: String },
    #[error("page {page}: markup error: {message}")]
    Markup { page: usize, message: String },
    #[error("page {page}: content overflows the page by {by:.0} pt at \"{block}\"")]
    Overflow { page: usize, block: String, by: f32 },
    #[error("page {page}: chart `{chart}`: {message}")]
    Chart {
        page: usize,
        chart: String,
        message: String,
    },
    #[error("layouts/running.j2: {0}")]
    Running(String),
    #[error("the layouts have {0} pages; the report has exactly 24")]
    PageCount(usize),
}

/// Everything a page needs while being laid out.
pub struct Env<'a> {
    pub style: &'a Style,
    pub fonts: &'a FontSet,
    pub a: &'a Assessment<'a>,
    pub ctx: &'a Context,
    pub theme: crate::chart::ChartTheme,
    /// What the charts draw, prepared once per report.
    pub series: crate::chart::Series,
    /// Header, footer and cover line (`layouts/running.j2`).
    pub running: templates::Running,
    /// (title, zero-based page) of every page, for the contents page.
    pub toc: Vec<(String, usize)>,
}

/// A laid-out report and the characters no font could draw (shown as a replacement).
pub struct Rendered {
    pub document: Document,
    pub missing: BTreeSet<char>,
    /// Of the layout time, how much went into charts.
    pub chart_time: std::time::Duration,
}

/// Lays out the report, its pages one after another: for a batch, whose threads each take
/// a report.
pub fn render(
    a: &Assessment,
    catalog: &Catalog,
    layouts: &Layouts,
    fonts: &FontSet,
) -> Result<Rendered, LayoutError> {
    render_with(a, catalog, layouts, fonts, false)
}

/// `render` with the pages laid out side by side on rayon's threads, for one report at a time
/// (`render --id`): pages share nothing while laid out, so the result is the same.
pub fn render_spread(
    a: &Assessment,
    catalog: &Catalog,
    layouts: &Layouts,
    fonts: &FontSet,
) -> Result<Rendered, LayoutError> {
    render_with(a, catalog, layouts, fonts, true)
}

fn render_with(
    a: &Assessment,
    catalog: &Catalog,
    layouts: &Layouts,
    fonts: &FontSet,
    spread: bool,
) -> Result<Rendered, LayoutError> {
    let ctx = context::build(a, catalog);
    let (pages, running) = layouts.render(&ctx, spread)?;
    if pages.len() != PAGES {
        return Err(LayoutError::PageCount(pages.len()));
    }
    let toc: Vec<(String, usize)> = pages
        .iter()
        .enumerate()
        .map(|(i, blocks)| {
            let title = blocks.iter().find_map(|b| {
                if let Block::Title(t) = b {
                    Some(t.clone())
                } else {
                    None
                }
            });
            (title.unwrap_or_else(|| format!("Page {}", i + 1)), i)
        })
        .collect();
    let style = &layouts.style;
    let env = Env {
        running,
        style,
        fonts,
        a,
        ctx: &ctx,
        theme: style.chart_theme(),
        series: context::series(a, catalog),
        toc,
    };
    let laid = crate::spread::map(&pages, spread, |i, blocks| page(&env, i, blocks));
    let mut missing = text::Missing::default();
    let mut chart_time = std::time::Duration::ZERO;
    let mut doc_pages = Vec::with_capacity(PAGES);
    // The first page's error, whichever thread finished first.
    for result in laid {
        let (page, page_missing, page_charts) = result?;
        missing.0.extend(page_missing.0);
        chart_time += page_charts;
        doc_pages.push(page);
    }
    let document = Document {
        width: style.page.width,
        height: style.page.height,
        pages: doc_pages,
        outline: env
            .toc
            .iter()
            .map(|(title, page)| OutlineEntry {
                title: markup::unescape_star(&title.replace("**", "")).into_owned(),
                page: *page,
            })
            .collect(),
        metadata: Metadata {
            title: env.running.title.clone(),
            author: "riskreport".into(),
            subject: env.running.subject.clone(),
            keywords: env.running.keywords.clone(),
            language: env.running.lang.clone(),
            created: a.audit.submitted_at,
            creator: format!(
                "riskreport {} (catalog {} {}, layouts {})",
                env!("CARGO_PKG_VERSION"),
                catalog.meta.version,
                &catalog.fingerprint[..12],
                &layouts.fingerprint[..12]
            ),
        },
    };
    Ok(Rendered {
        document,
        missing: missing.0,
        chart_time,
    })
}

/// One page laid out: its items, the characters it could not draw, the time its charts took.
fn page(
    env: &Env,
    i: usize,
    blocks: &[Block],
) -> Result<(Page, text::Missing, std::time::Duration), LayoutError> {
    let content = env.style.content();
    let mut missing = text::Missing::default();
    let mut chart_time = std::time::Duration::ZERO;
    let measured = text::Measured::default();
    let mut f = flow::Flow {
        env,
        page: i,
        x: content.x,
        width: content.w,
        y: content.y,
        bottom: content.bottom(),
        items: Vec::new(),
        missing: &mut missing,
        measured: &measured,
        chart_time: &mut chart_time,
        grow: true,
        measure: false,
    };
    f.items
        .push(crate::page::Item::open(crate::page::Role::Sect));
    if i == 0 {
        furniture::cover(&mut f, blocks)?;
    } else {
        f.blocks(blocks)?;
    }
    let mut items = f.items;
    items.push(crate::page::Item::Close);
    furniture::header_footer(env, i, &mut items);
    Ok((Page { items }, missing, chart_time))
}

#[cfg(test)]
mod tests;
