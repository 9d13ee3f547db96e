//! Puts the email phase's figures into `DIR/summary.json` as its `email` object, next to the
//! batch's own figures (or alone, when `riskreport send` runs without a batch before it).

use super::send::EmailSummary;
use anyhow::Context;
use std::path::Path;

pub fn write(out: &Path, email: &EmailSummary) -> anyhow::Result<()> {
    let path = out.join(crate::store::layout::SUMMARY);
    let mut doc = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .filter(|v| v.is_object())
            .unwrap_or_else(|| serde_json::json!({})),
        Err(_) => serde_json::json!({}),
    };
    doc["email"] = serde_json::to_value(email)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    crate::store::layout::write_json(&path, &doc)
}
