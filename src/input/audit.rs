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
    /// The first name, for salutations; the whole name when it has no space.
    pub fn first_name(&self) -> &str {
        self.full_name
            .split_whitespace()
            .next()
            .unwrap_or(&self.full_name)
    }
}
