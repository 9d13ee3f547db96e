//! The catalog's data types, as read from the TOML files.
//! Field names match the file format one to one so the files document the types.

use serde::Deserialize;

/// How a task stands against AI today, as the seed page sorts tasks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum TaskClass {
    Automated,
    Assisted,
    HumanSafe,
}

impl TaskClass {
    pub const ALL: [TaskClass; 3] = [
        TaskClass::Automated,
        TaskClass::Assisted,
        TaskClass::HumanSafe,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TaskClass::Automated => "Automated",
            TaskClass::Assisted => "AI-assisted",
            TaskClass::HumanSafe => "Human-safe",
        }
    }
}

/// How often a person uses AI tools at work; the ordinal is the scoring value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    Never,
    Monthly,
    Weekly,
    Daily,
}

impl Usage {
    pub const ALL: [Usage; 4] = [Usage::Never, Usage::Monthly, Usage::Weekly, Usage::Daily];

    pub fn level(self) -> i32 {
        self as i32
    }

    pub fn key(self) -> &'static str {
        match self {
            Usage::Never => "never",
            Usage::Monthly => "monthly",
            Usage::Weekly => "weekly",
            Usage::Daily => "daily",
        }
    }

    pub fn parse(s: &str) -> Option<Usage> {
        Usage::ALL.into_iter().find(|u| u.key() == s)
    }
}

/// Whether a figure is published research or a modelling choice of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Onet,
    Sourced,
    Editorial,
    Assumption,
}

/// `catalog.toml`: the scoring constants and the catalog's identity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub version: String,
    pub published: String,
    pub model: ModelConstants,
    pub technology_average: TechnologyAverage,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Rungs above every role's own roadmap (director, VP, chief and beyond), so a roadmap
    /// can start at any reader's level and never end below it.
    #[serde(default)]
    pub leadership: Vec<Rung>,
}

/// A shared leadership rung; `{director}`, `{vp}` and `{chief}` in the title are the role's
/// `leadership` titles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    pub level: Seniority,
    pub title: String,
    pub goal: String,
    /// Plain actions only (the check refuses keyed ones): a shared rung knows no role's tools
    /// or tasks.
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologyAverage {
    /// "plain mean": the only method implemented; stated so the report can say it.
    pub method: String,
    pub note: String,
}

/// Every weight of scoring.md, kept in data so it can change without a release.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConstants {
    pub task_mix_weight: f64,
    pub experience_slope: f64,
    pub experience_cap: f64,
    pub usage_weight: f64,
    pub tool_cap: u32,
    pub tool_weight: f64,
    /// Logistic steepness of the adoption curve used by the outlook.
    pub adoption_steepness: f64,
    pub outlook_floor: f64,
    pub outlook_first_year: i32,
    pub outlook_last_year: i32,
    pub salary_usage_step: f64,
    pub salary_tool_step: f64,
    pub salary_min_factor: f64,
    pub salary_max_factor: f64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub key: String,
    pub citation: String,
    pub licence: String,
    #[serde(default)]
    pub location: String,
    /// When the source was published: YYYY, YYYY-MM or YYYY-MM-DD (as precise as known).
    pub published: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolsFile {
    pub tools: Vec<Tool>,
}

/// An AI tool, independent of role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub key: String,
    pub name: String,
    pub vendor: String,
    pub category: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustriesFile {
    pub industries: Vec<Industry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Industry {
    pub key: String,
    pub name: String,
    /// Points added to the score (technology = 0).
    pub offset: i32,
    pub basis: Basis,
    pub note: String,
}

/// One `roles/<key>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub key: String,
    pub name: String,
    pub plural: String,
    /// Lower-case job-title phrases that mean this role, for matching `job_title`.
    pub aliases: Vec<String>,
    pub soc: Vec<String>,
    pub summary: String,
    pub verdict: String,
    pub baseline: i32,
    pub baseline_basis: Basis,
    pub baseline_note: String,
    pub exposure_sources: Vec<ExposureSource>,
    pub peer_mean: f64,
    pub peer_sd: f64,
    pub salary_premium: f64,
    pub demand_trend: String,
    pub typical_years: f64,
    pub typical_usage: Usage,
    pub typical_tools: u32,
    pub assumptions: Vec<String>,
    pub related_roles: Vec<String>,
    pub tasks: Vec<Task>,
    pub skills: Vec<Skill>,
    pub tools: Vec<RoleTool>,
    pub roadmap: Vec<Phase>,
    pub quick_wins: Vec<Action>,
    /// The titles above the roadmap's third phase in this job family, for the shared
    /// leadership rungs of `catalog.toml`.
    pub leadership: LeadershipTitles,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadershipTitles {
    pub director: String,
    pub vp: String,
    pub chief: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureSource {
    pub measure: String,
    pub value: f64,
    pub source: String,
    pub code: String,
    pub column: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub key: String,
    pub label: String,
    pub class: TaskClass,
    /// Share of the combined (human + GPT-4) exposure, 0–1.
    pub exposure: f64,
    /// The same from the human annotators' labels only (for the range).
    pub exposure_human: f64,
    /// The same from the GPT-4 labels only (for the range).
    pub exposure_gpt4: f64,
    /// Percent of a typical respondent's working time.
    pub typical_share: f64,
    /// O*NET task IDs (as in Eloundou et al.'s `full_labelset.tsv`) this task is part of.
    #[serde(default)]
    pub onet: Vec<String>,
    /// `onet`: exposure computed from the mapped tasks' labels; `assumption`: set by us.
    pub basis: Basis,
    /// The skill this task exercises most, by skill name (for the skill-gap page).
    pub skill: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub name: String,
    /// How resistant the skill is to automation, percent (higher = safer).
    pub resilience: u32,
    /// Relative demand index today (2026 = 100 for the role's average skill).
    pub demand_2026: f64,
    /// Yearly demand change, percent.
    pub demand_growth: f64,
}

/// How one catalog tool touches this role's tasks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleTool {
    pub key: String,
    pub automates: Vec<String>,
    pub tasks: Vec<String>,
    pub level: Level,
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Beginner => "Beginner",
            Level::Intermediate => "Intermediate",
            Level::Advanced => "Advanced",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The seniority the phase is written for.
    pub level: Seniority,
    /// e.g. "0-2 years": the span of the roadmap's phase in this position, whichever rung
    /// fills it.
    pub span: String,
    pub start_year: f64,
    pub end_year: f64,
    pub title: String,
    pub goal: String,
    pub actions: Vec<Action>,
}

/// A recommendation (a quick win or a roadmap action), keyed to what it applies to so the
/// report can pick it from the reader's answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Action {
    /// For everyone in the role: names no tool and no particular work.
    Plain(String),
    Keyed(KeyedAction),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyedAction {
    pub text: String,
    /// The one tool the text names (a key of the role's tools).
    #[serde(default)]
    pub tool: Option<String>,
    /// The wording for a reader who already uses `tool`: a deeper use, never "install".
    #[serde(default)]
    pub further: Option<String>,
    /// Shown only to readers who reported one of these tasks (empty: any reader).
    #[serde(default)]
    pub tasks: Vec<String>,
}

impl Action {
    pub fn tool(&self) -> Option<&str> {
        match self {
            Action::Plain(_) => None,
            Action::Keyed(k) => k.tool.as_deref(),
        }
    }

    pub fn tasks(&self) -> &[String] {
        match self {
            Action::Plain(_) => &[],
            Action::Keyed(k) => &k.tasks,
        }
    }

    /// The wording for a reader who does (`uses`) or does not use the action's tool.
    pub fn text(&self, uses: bool) -> &str {
        match self {
            Action::Plain(t) => t,
            Action::Keyed(k) if uses => k.further.as_deref().unwrap_or(&k.text),
            Action::Keyed(k) => &k.text,
        }
    }
}

/// Career levels, lowest first: the roadmap starts at the reader's and never ends below it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Seniority {
    Junior,
    Mid,
    Senior,
    Lead,
    Principal,
    Director,
    Vp,
    Chief,
}

impl Seniority {
    pub fn label(self) -> &'static str {
        match self {
            Seniority::Junior => "junior",
            Seniority::Mid => "mid-career",
            Seniority::Senior => "senior",
            Seniority::Lead => "lead",
            Seniority::Principal => "principal or manager",
            Seniority::Director => "head or director",
            Seniority::Vp => "vice president",
            Seniority::Chief => "executive",
        }
    }
}
