//! The audit CSV's columns: which are required, and where each sits in this file's header.

pub const REQUIRED: [&str; 8] = [
    "audit_id",
    "submitted_at",
    "email",
    "full_name",
    "job_title",
    "years_experience",
    "tasks",
    "consent_email",
];
pub const OPTIONAL: [&str; 6] = [
    "role",
    "industry",
    "ai_tools",
    "ai_usage",
    "country",
    "preferred_name",
];

/// Index of each known column in the file's header (`None` for an absent optional column).
#[derive(Debug, Clone)]
pub struct Columns {
    pub audit_id: usize,
    pub submitted_at: usize,
    pub email: usize,
    pub full_name: usize,
    pub job_title: usize,
    pub years_experience: usize,
    pub tasks: usize,
    pub consent_email: usize,
    pub role: Option<usize>,
    pub industry: Option<usize>,
    pub ai_tools: Option<usize>,
    pub ai_usage: Option<usize>,
    pub country: Option<usize>,
    pub preferred_name: Option<usize>,
    pub names: Vec<String>,
}

impl Columns {
    /// Maps a header row; returns the columns and a warning about unknown extra columns.
    pub fn from_header(header: &csv::StringRecord) -> Result<(Columns, Vec<String>), String> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let mut seen = std::collections::HashSet::new();
        for n in &names {
            if !n.is_empty() && !seen.insert(n) {
                return Err(format!(
                    "the header names column `{n}` twice; remove one of them"
                ));
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| find(c).is_none())
            .collect();
        if missing.len() == REQUIRED.len() {
            return Err(format!(
                "the first line is not a header: none of the expected column names was found. Add a header row: {}",
                REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect::<Vec<_>>().join(",")
            ));
        }
        if !missing.is_empty() {
            return Err(format!(
                "required column{} missing from the header: {}. The header has: {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                names.join(", ")
            ));
        }
        let unknown: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| !REQUIRED.contains(n) && !OPTIONAL.contains(n))
            .collect();
        let warnings = if unknown.is_empty() {
            vec![]
        } else {
            vec![format!(
                "ignoring unknown column{}: {}",
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join(", ")
            )]
        };
        let req = |n: &str| find(n).expect("checked above");
        Ok((
            Columns {
                audit_id: req("audit_id"),
                submitted_at: req("submitted_at"),
                email: req("email"),
                full_name: req("full_name"),
                job_title: req("job_title"),
                years_experience: req("years_experience"),
                tasks: req("tasks"),
                consent_email: req("consent_email"),
                role: find("role"),
                industry: find("industry"),
                ai_tools: find("ai_tools"),
                ai_usage: find("ai_usage"),
                country: find("country"),
                preferred_name: find("preferred_name"),
                names,
            },
            warnings,
        ))
    }
}
