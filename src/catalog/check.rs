//! Consistency rules a catalog must meet before anything is scored with it.

use super::model::{Action, Basis, Industry, Meta, Role, Seniority, Tool};
use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// A catalog mistake: which file, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: String,
    pub key: String,
    pub problem: String,
}

impl CatalogError {
    pub fn new(
        file: impl fmt::Display,
        key: impl fmt::Display,
        problem: impl Into<String>,
    ) -> Self {
        CatalogError {
            file: file.to_string(),
            key: key.to_string(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "catalog {}: {}", self.file, self.problem)
        } else {
            write!(
                f,
                "catalog {}, key `{}`: {}",
                self.file, self.key, self.problem
            )
        }
    }
}

impl std::error::Error for CatalogError {}

/// Every mistake found in one catalog, so a data editor sees them all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogErrors(pub Vec<CatalogError>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for CatalogErrors {}

impl From<CatalogError> for CatalogErrors {
    fn from(e: CatalogError) -> Self {
        CatalogErrors(vec![e])
    }
}

pub fn check(
    meta: &Meta,
    roles: &[(String, Role)],
    tools: &[Tool],
    industries: &[Industry],
) -> Result<(), CatalogErrors> {
    if meta.model.outlook_first_year >= meta.model.outlook_last_year {
        return Err(CatalogError::new(
            "catalog.toml",
            "model",
            "outlook_first_year must be before outlook_last_year",
        )
        .into());
    }
    // A source cannot be newer than the catalog that cites it (ISO dates compare as text).
    for s in &meta.sources {
        let valid = matches!(s.published.len(), 4 | 7 | 10)
            && s.published.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !valid || s.published.as_str() > meta.published.as_str() {
            return Err(CatalogError::new(
                "catalog.toml",
                &s.key,
                "sources need a published date (YYYY, YYYY-MM or YYYY-MM-DD) not after the catalog's",
            )
            .into());
        }
    }
    if let Some(r) = meta
        .leadership
        .iter()
        .find(|r| r.actions.iter().any(|a| matches!(a, Action::Keyed(_))))
    {
        return Err(CatalogError::new(
            "catalog.toml",
            &r.title,
            "a shared leadership rung's actions are plain text: it knows no role's tools or tasks",
        )
        .into());
    }
    let tool_keys = unique_keys("tools.toml", tools.iter().map(|t| t.key.as_str()))?;
    unique_keys("industries.toml", industries.iter().map(|i| i.key.as_str()))?;
    match industries.iter().find(|i| i.key == "technology") {
        Some(t) if t.offset == 0 => {}
        Some(_) => {
            return Err(CatalogError::new(
                "industries.toml",
                "technology",
                "the technology industry is the reference: its offset must be 0",
            )
            .into())
        }
        None => {
            return Err(CatalogError::new(
                "industries.toml",
                "technology",
                "missing: it is the default industry",
            )
            .into())
        }
    }
    if roles.is_empty() {
        return Err(CatalogError::new("roles/", "", "no role files").into());
    }
    let role_keys = unique_keys("roles/", roles.iter().map(|(_, r)| r.key.as_str()))?;
    let mut aliases = HashSet::new();
    let mut errors = Vec::new();
    for (file, role) in roles {
        if let Err(e) = check_role(file, role, &tool_keys, &role_keys) {
            errors.push(e);
        }
        errors.extend(check_advice(file, role, meta));
        for alias in &role.aliases {
            if !aliases.insert(alias.to_lowercase()) {
                errors.push(CatalogError::new(
                    file,
                    alias,
                    "alias is used by two roles; a job title must match one role",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogErrors(errors))
    }
}

fn unique_keys<'a>(
    file: &str,
    keys: impl Iterator<Item = &'a str>,
) -> Result<BTreeSet<&'a str>, CatalogError> {
    let mut seen = BTreeSet::new();
    for k in keys {
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(CatalogError::new(
                file,
                k,
                "keys are lower-case letters, digits and '-'",
            ));
        }
        if !seen.insert(k) {
            return Err(CatalogError::new(file, k, "duplicate key"));
        }
    }
    Ok(seen)
}

fn in_unit(file: &str, key: &str, what: &str, v: f64) -> Result<(), CatalogError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(CatalogError::new(
            file,
            key,
            format!("{what} is {v}; it must be between 0 and 1"),
        ))
    }
}

fn check_role(
    file: &str,
    role: &Role,
    tool_keys: &BTreeSet<&str>,
    role_keys: &BTreeSet<&str>,
) -> Result<(), CatalogError> {
    let err = |key: &str, problem: String| Err(CatalogError::new(file, key, problem));
    let expected = format!("roles/{}.toml", role.key);
    if !file.ends_with(&expected) {
        return err(
            &role.key,
            format!("a role's file must be named after its key ({expected})"),
        );
    }
    if !(1..=99).contains(&role.baseline) {
        return err("baseline", format!("{} is outside 1..=99", role.baseline));
    }
    if role.peer_sd <= 0.0 {
        return err("peer_sd", "must be positive".into());
    }
    if role.exposure_sources.is_empty() {
        return err(
            "exposure_sources",
            "a role needs at least one published measure".into(),
        );
    }
    for s in &role.exposure_sources {
        in_unit(file, &s.measure, "value", s.value)?;
    }
    if role.aliases.is_empty() {
        return err(
            "aliases",
            "a role needs at least one job-title alias".into(),
        );
    }
    if !(12..=18).contains(&role.tasks.len()) {
        return err(
            "tasks",
            format!("{} tasks; a role has 12 to 18", role.tasks.len()),
        );
    }
    let task_keys = unique_keys(file, role.tasks.iter().map(|t| t.key.as_str()))?;
    let skill_names: BTreeSet<&str> = role.skills.iter().map(|s| s.name.as_str()).collect();
    if skill_names.len() != role.skills.len() || role.skills.len() < 5 {
        return err(
            "skills",
            "a role needs at least 5 skills with distinct names".into(),
        );
    }
    for s in &role.skills {
        if s.resilience > 100 {
            return err(&s.name, format!("resilience {} is over 100", s.resilience));
        }
    }
    let mut total = 0.0;
    for t in &role.tasks {
        in_unit(file, &t.key, "exposure", t.exposure)?;
        in_unit(file, &t.key, "exposure_human", t.exposure_human)?;
        in_unit(file, &t.key, "exposure_gpt4", t.exposure_gpt4)?;
        if t.typical_share < 0.0 {
            return err(&t.key, "typical_share is negative".into());
        }
        if t.basis == Basis::Onet && t.onet.is_empty() {
            return err(&t.key, "basis is onet but no O*NET task ID is given".into());
        }
        if !skill_names.contains(t.skill.as_str()) {
            return err(
                &t.key,
                format!("skill `{}` is not one of this role's skills", t.skill),
            );
        }
        total += t.typical_share;
    }
    if (total - 100.0).abs() > 0.01 {
        return err("tasks", format!("typical shares sum to {total}, not 100"));
    }
    for tool in &role.tools {
        if !tool_keys.contains(tool.key.as_str()) {
            return err(&tool.key, "tool is not in tools.toml".into());
        }
        for k in &tool.tasks {
            if !task_keys.contains(k.as_str()) {
                return err(
                    &tool.key,
                    format!("names task `{k}`, which this role does not have"),
                );
            }
        }
    }
    for r in &role.related_roles {
        if !role_keys.contains(r.as_str()) || *r == role.key {
            return err(r, "related role is not another role of the catalog".into());
        }
    }
    Ok(())
}

/// The recommendations are picked from the reader's answers, so each must say what it applies
/// to: the tool it names (with the wording for someone who already uses it) and the tasks it
/// is about; and the roadmap's ladder must offer three rungs from any reader's level.
fn check_advice(file: &str, role: &Role, meta: &Meta) -> Vec<CatalogError> {
    let mut errors = Vec::new();
    let mut err = |key: &str, problem: String| errors.push(CatalogError::new(file, key, problem));
    let task_keys: BTreeSet<&str> = role.tasks.iter().map(|t| t.key.as_str()).collect();
    let tool_keys: BTreeSet<&str> = role.tools.iter().map(|t| t.key.as_str()).collect();
    let actions = role.quick_wins.iter().map(|a| ("quick_wins", a)).chain(
        role.roadmap
            .iter()
            .flat_map(|p| p.actions.iter().map(|a| ("roadmap", a))),
    );
    for (section, action) in actions {
        let Action::Keyed(k) = action else { continue };
        match (&k.tool, &k.further) {
            (Some(t), _) if !tool_keys.contains(t.as_str()) => err(
                section,
                format!(
                    "“{}” names tool `{t}`, which is not one of this role's tools",
                    k.text
                ),
            ),
            (Some(_), None) => err(
                section,
                format!(
                    "“{}” names a tool but has no `further` wording for its users",
                    k.text
                ),
            ),
            (None, Some(_)) => err(
                section,
                format!("“{}” has `further` wording but names no tool", k.text),
            ),
            _ => {}
        }
        for t in &k.tasks {
            if !task_keys.contains(t.as_str()) {
                err(
                    section,
                    format!(
                        "“{}” names task `{t}`, which this role does not have",
                        k.text
                    ),
                );
            }
        }
    }
    let for_anyone = |a: &&Action| a.tool().is_none() && a.tasks().is_empty();
    if role.quick_wins.iter().filter(for_anyone).count() < 2 {
        err(
            "quick_wins",
            "at least two quick wins for anyone in the role (no tool, no tasks)".into(),
        );
    }
    if role.roadmap.len() != 3 {
        err(
            "roadmap",
            format!("{} phases; the report has three", role.roadmap.len()),
        );
    }
    for p in &role.roadmap {
        if p.actions.iter().filter(for_anyone).count() < 2 {
            err(
                &p.title,
                "a phase needs at least two actions for anyone in the role".into(),
            );
        }
    }
    let levels: Vec<Seniority> = role
        .roadmap
        .iter()
        .map(|p| p.level)
        .chain(meta.leadership.iter().map(|r| r.level))
        .collect();
    if levels.first() != Some(&Seniority::Junior) {
        err(
            "roadmap",
            "the first phase must be written for juniors".into(),
        );
    }
    if role.roadmap.windows(2).any(|w| w[0].level >= w[1].level)
        || levels.windows(2).any(|w| w[0] > w[1])
    {
        err(
            "roadmap",
            "phase levels must rise, and the shared leadership rungs follow them".into(),
        );
    }
    let top = levels.last().copied().unwrap_or(Seniority::Junior);
    if top != Seniority::Chief
        || levels.len() - levels.iter().position(|l| *l == top).unwrap_or(0) < 3
    {
        err(
            "leadership",
            "the ladder must reach chief level with three rungs at the top, so every reader's roadmap has three phases".into(),
        );
    }
    errors
}
