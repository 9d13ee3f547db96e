//! One report from one audit: score it, lay it out, encode it. Pure apart from the inputs it
//! holds (catalog, layouts, fonts), which are loaded once and shared by every thread.

use crate::catalog::Catalog;
use crate::fonts::FontSet;
use crate::input::Audit;
use crate::report::{self, Layouts};
use crate::score::assess;
use anyhow::Context;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub struct Renderer {
    pub catalog: Catalog,
    pub layouts: Layouts,
    pub fonts: FontSet,
}

/// A finished report: the PDF bytes and what the reader will see replaced.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub score: i32,
    pub missing: BTreeSet<char>,
    pub timings: Timings,
}

/// Where one report's time went, for the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub score: Duration,
    /// Templates, text setting and page composition, charts excluded.
    pub layout: Duration,
    pub charts: Duration,
    /// The whole PDF stage; `subset` and `deflate` are parts of it.
    pub pdf: Duration,
    pub subset: Duration,
    pub deflate: Duration,
}

impl Renderer {
    /// One report on this thread: a batch's threads each take a report.
    pub fn render(&self, audit: &Audit) -> anyhow::Result<Rendered> {
        self.render_with(audit, false)
    }

    /// One report spread over rayon's threads (its pages laid out and its streams deflated
    /// side by side), for when it is the only one being made: `render --id`. The bytes are
    /// the same as `render`'s.
    pub fn render_spread(&self, audit: &Audit) -> anyhow::Result<Rendered> {
        self.render_with(audit, true)
    }

    fn render_with(&self, audit: &Audit, spread: bool) -> anyhow::Result<Rendered> {
        let t0 = Instant::now();
        let a = assess(audit, &self.catalog)?;
        let t1 = Instant::now();
        let lay = if spread {
            report::render_spread
        } else {
            report::render
        };
        let laid = lay(&a, &self.catalog, &self.layouts, &self.fonts)
            .with_context(|| format!("laying out the report of {}", audit.audit_id))?;
        let t2 = Instant::now();
        crate::pdf::take_stages();
        let encode = if spread {
            crate::pdf::write_spread
        } else {
            crate::pdf::write
        };
        let pdf = encode(&laid.document, &self.fonts)
            .with_context(|| format!("encoding the PDF of {}", audit.audit_id))?;
        let stages = crate::pdf::take_stages();
        let timings = Timings {
            score: t1 - t0,
            layout: (t2 - t1).saturating_sub(laid.chart_time),
            charts: laid.chart_time,
            pdf: t2.elapsed(),
            subset: stages.subset,
            deflate: stages.deflate,
        };
        Ok(Rendered {
            pdf,
            score: a.score,
            missing: laid.missing,
            timings,
        })
    }
}

/// "FILE, line 7 (audit_id x): …" warning for characters shown as a replacement.
pub fn missing_warning(
    file: &std::path::Path,
    line: u64,
    audit_id: &str,
    missing: &BTreeSet<char>,
) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let chars: String = missing.iter().collect();
    let codes: Vec<String> = missing
        .iter()
        .take(8)
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    Some(format!(
        "{}, line {line} (audit_id {audit_id}): no font has {chars} ({}); shown as {} — add a font that covers them with --font-dir",
        file.display(),
        codes.join(" "),
        crate::fonts::REPLACEMENT
    ))
}
