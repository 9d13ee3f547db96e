//! One report from one audit: score it, lay it out, encode it. Pure apart from the inputs it
//! holds (catalog, layouts, fonts), which are loaded once and shared by every thread.

use crate::catalog::Catalog;
use crate::fonts::FontSet;
use crate::input::Audit;
use crate::report::{self, Layouts};
use crate::score::assess;
use anyhow::Context;
use std::collections::BTreeSet;

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
}

impl Renderer {
    pub fn render(&self, audit: &Audit) -> anyhow::Result<Rendered> {
        let a = assess(audit, &self.catalog)?;
        let laid = report::render(&a, &self.catalog, &self.layouts, &self.fonts).with_context(|| format!("laying out the report of {}", audit.audit_id))?;
        let pdf = crate::pdf::write(&laid.document, &self.fonts).with_context(|| format!("encoding the PDF of {}", audit.audit_id))?;
        Ok(Rendered { pdf, score: a.score, missing: laid.missing })
    }
}

/// "line 7 (audit_id x): …" warning for characters shown as a replacement.
pub fn missing_warning(audit: &Audit, missing: &BTreeSet<char>) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let chars: String = missing.iter().collect();
    let codes: Vec<String> = missing.iter().take(8).map(|c| format!("U+{:04X}", *c as u32)).collect();
    Some(format!(
        "line {} (audit_id {}): no font has {chars} ({}); shown as {} — add a font that covers them with --font-dir",
        audit.line,
        audit.audit_id,
        codes.join(" "),
        crate::fonts::REPLACEMENT
    ))
}
