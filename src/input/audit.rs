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
    /// The given name, for salutations: the first word, or the last word where names are
    /// written family name first (Vietnam, China, Taiwan, Hungary, Korea) — "Nguyễn Thị Hồng
    /// Nhung" is greeted as Nhung. The whole name when it has no space.
    pub fn first_name(&self) -> &str {
        let family_first = matches!(
            self.country.as_deref(),
            Some("VN" | "CN" | "TW" | "HU" | "KR" | "KP")
        );
        let mut words = self.full_name.split_whitespace();
        let word = if family_first {
            words.next_back()
        } else {
            words.next()
        };
        word.unwrap_or(&self.full_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, country: Option<&str>) -> Audit {
        Audit {
            line: 2,
            audit_id: "a".into(),
            submitted_at: time::macros::datetime!(2026-11-20 09:30 UTC),
            email: "a@example.com".into(),
            full_name: name.into(),
            job_title: "QA Engineer".into(),
            role: "qa-engineer".into(),
            industry: "technology".into(),
            years_experience: 3.0,
            tasks: vec![],
            ai_tools: vec![],
            ai_usage: Usage::Never,
            country: country.map(String::from),
            consent_email: true,
        }
    }

    #[test]
    fn salutations_use_the_given_name() {
        assert_eq!(named("Łukasz Wójcik", Some("PL")).first_name(), "Łukasz");
        assert_eq!(
            named("Nguyễn Thị Hồng Nhung", Some("VN")).first_name(),
            "Nhung"
        );
        assert_eq!(named("Szabó Zsófia", Some("HU")).first_name(), "Zsófia");
        assert_eq!(named("Madonna", None).first_name(), "Madonna");
    }
}
