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
    pub quick_wins: Vec<String>,
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
    /// e.g. "0-2 years"
    pub span: String,
    pub start_year: f64,
    pub end_year: f64,
    pub title: String,
    pub goal: String,
    pub actions: Vec<String>,
}
