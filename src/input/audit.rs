//! A validated audit row: every field checked against the rules of product.md and the catalog.

use crate::catalog::Usage;
use time::OffsetDateTime;

/// One person's submission, ready to score.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// 1-based line of the CSV where the record starts (the header is line 1).
    pub line: u64,
    pub audit_id: String,
    pub submitted_at: OffsetDateTime,
    pub email: String,
    pub full_name: String,
    /// How the reader asked to be addressed (optional column `preferred_name`).
    pub preferred_name: Option<String>,
    pub job_title: String,
    /// Catalog role key (given or matched from the title).
    pub role: String,
    pub industry: String,
    pub years_experience: f64,
    /// Task key and share of working time as a fraction; the shares sum to 1.
    pub tasks: Vec<TaskShare>,
    pub ai_tools: Vec<String>,
    pub ai_usage: Usage,
    pub country: Option<String>,
    pub consent_email: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskShare {
    pub key: String,
    pub share: f64,
}

impl Audit {
    /// The name to address the reader by: their `preferred_name`, else the full name as they
    /// wrote it. No part of a name is ever guessed (which word is the given name depends on the
    /// person, not on the country).
    pub fn greeting_name(&self) -> &str {
        self.preferred_name.as_deref().unwrap_or(&self.full_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, preferred: Option<&str>) -> Audit {
        Audit {
            line: 2,
            audit_id: "a".into(),
            submitted_at: time::macros::datetime!(2026-11-20 09:30 UTC),
            email: "a@example.com".into(),
            full_name: name.into(),
            preferred_name: preferred.map(String::from),
            job_title: "QA Engineer".into(),
            role: "qa-engineer".into(),
            industry: "technology".into(),
            years_experience: 3.0,
            tasks: vec![],
            ai_tools: vec![],
            ai_usage: Usage::Never,
            country: Some("KR".into()),
            consent_email: true,
        }
    }

    #[test]
    fn greetings_use_the_preferred_name_or_the_whole_name_never_a_guess() {
        assert_eq!(named("Jo Kim", None).greeting_name(), "Jo Kim");
        assert_eq!(named("Wu Li Na", None).greeting_name(), "Wu Li Na");
        assert_eq!(
            named("Sun Haoran", Some("Haoran")).greeting_name(),
            "Haoran"
        );
        assert_eq!(
            named("Nguyễn Thị Hồng Nhung", Some("Nhung")).greeting_name(),
            "Nhung"
        );
    }
}
