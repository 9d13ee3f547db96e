//! What the templates see, type by type.

use serde::Serialize;

#[derive(Serialize)]
pub struct Context {
    pub person: Person,
    pub role: RoleCtx,
    pub score: ScoreCtx,
    pub components: Vec<ComponentCtx>,
    /// The component that moved the score most (absolute points), if any moved it.
    pub biggest_mover: Option<ComponentCtx>,
    /// Components that moved it by exactly as many points (a tie, named as one).
    pub mover_ties: Vec<ComponentCtx>,
    pub split: SplitCtx,
    /// The person's tasks, largest share first.
    pub tasks: Vec<TaskCtx>,
    pub automated: Vec<TaskCtx>,
    pub assisted: Vec<TaskCtx>,
    pub human_safe: Vec<TaskCtx>,
    pub top_task: TaskCtx,
    pub most_exposed_task: TaskCtx,
    pub least_exposed_task: TaskCtx,
    /// Where AI reaches most of the reader's time (share × exposure), outside human-safe work:
    /// the task pages 12, 19 and 22 point at.
    pub focus_task: TaskCtx,
    /// Role skills, least resilient first.
    pub skills: Vec<SkillCtx>,
    /// Skills the person's time under-uses compared with the typical profile, most resilient first.
    pub skill_gaps: Vec<SkillCtx>,
    /// The skills the demand chart plots: the person's weakest current ones and the recommended.
    pub demand_current: Vec<SkillCtx>,
    pub demand_recommended: Vec<SkillCtx>,
    /// Every task of the role with its typical share (for comparisons and empty-class pages).
    pub role_tasks: Vec<TaskCtx>,
    pub tools: Vec<ToolCtx>,
    /// Role tools touching the person's tasks that they do not use yet, most useful first (≤ 5).
    pub tools_to_learn: Vec<ToolCtx>,
    /// How many tools there are to learn in all (the list above shows five at most).
    pub tools_to_learn_total: usize,
    pub tools_used: Vec<ToolCtx>,
    pub outlook: Vec<OutlookCtx>,
    pub salary: SalaryCtx,
    pub roadmap: Vec<PhaseCtx>,
    pub plan: PlanCtx,
    pub related: Vec<RelatedCtx>,
    /// The benchmark chart's bars (page 5), top to bottom, each labelled with what it is.
    pub benchmark: Vec<BenchBarCtx>,
    /// Every role skill's resilience rank and the words for it, by skill name: copy that
    /// calls a skill "among the more resilient" takes the words from here.
    pub skill_ranks: std::collections::BTreeMap<String, SkillRankCtx>,
    pub meta: MetaCtx,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct BenchBarCtx {
    /// "You", "Security Analysts", "Security Analysts in Non-profit", "All technology roles"
    pub label: String,
    pub value: i32,
    /// you, role, industry, technology
    pub key: &'static str,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct SkillRankCtx {
    /// 1 = most resilient; equal resilience shares a rank ("2nd of 8" for both of a tie).
    pub rank: usize,
    pub of: usize,
    /// Another skill of the role has exactly this resilience.
    pub tied: bool,
    /// "3rd of 8", "joint 2nd of 8"
    pub label: String,
    /// top, middle or bottom third of the role's skills by resilience.
    pub tier: &'static str,
    /// "the most resilient", "tied for the most resilient", "among the more resilient",
    /// "in the middle for resilience", "among the less resilient", "the least resilient", …
    pub words: &'static str,
}

/// The reader's own words reach the templates escaped (`markup::escape`): markup characters in
/// a name or title are text, never page structure. Rust code (furniture, metadata) reads them
/// as typed.
fn as_text<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::text::isolate(&crate::report::markup::escape(v)))
}

#[derive(Serialize)]
pub struct Person {
    #[serde(serialize_with = "as_text")]
    pub full_name: String,
    #[serde(serialize_with = "as_text")]
    /// How the copy addresses the reader: `preferred_name`, else the full name; never a guessed
    /// part of it.
    pub greeting_name: String,
    #[serde(serialize_with = "as_text")]
    pub job_title: String,
    /// The title cut for running copy (the cover's first paragraph), see [`shorten`].
    #[serde(serialize_with = "as_text")]
    pub title_short: String,
    /// The reader's career level, where the roadmap starts.
    pub seniority: SeniorityCtx,
    pub years: f64,
    /// "6 years", "1 year", "7.5 years"
    pub years_label: String,
    /// early (<3), mid (<8), senior (<15), veteran
    pub experience_level: &'static str,
    pub usage: &'static str,
    pub usage_label: &'static str,
    pub n_tools: usize,
    pub n_tools_on_own_tasks: usize,
    pub country: Option<String>,
    pub industry: String,
    pub industry_key: String,
    pub industry_offset: i32,
    /// Why the industry moves the score, and whether that is sourced or assumed.
    pub industry_note: String,
    pub industry_basis: &'static str,
    /// e.g. "20 November 2026"
    pub submitted: String,
    pub year: i32,
}

#[derive(Serialize)]
pub struct RoleCtx {
    pub key: String,
    pub name: String,
    pub plural: String,
    pub summary: String,
    pub verdict: String,
    pub baseline: i32,
    pub baseline_band: &'static str,
    /// The resilience rating (0–10) of a typical member of the role.
    pub resilience: i32,
    pub soc: String,
    pub demand_trend: String,
    pub typical_years: f64,
    pub typical_usage: &'static str,
    pub typical_tools: u32,
    pub automation_pct: i32,
    pub horizon: String,
    pub assumptions: Vec<String>,
    pub exposure_sources: Vec<crate::catalog::ExposureSource>,
    pub baseline_note: String,
    /// "sourced" or "editorial"
    pub baseline_basis: &'static str,
}

#[derive(Serialize)]
pub struct ScoreCtx {
    pub value: i32,
    pub band: &'static str,
    /// low, moderate, high, very-high
    pub band_key: &'static str,
    pub automation_pct: i32,
    pub horizon: String,
    pub horizon_from: f64,
    pub horizon_to: f64,
    pub resilience: i32,
    pub adaptability: &'static str,
    pub peers_safer_pct: i32,
    pub peers_riskier_pct: i32,
    pub range_low: i32,
    pub range_high: i32,
    /// The score with task exposures from the human annotators only, and from GPT-4 only.
    pub human_only: i32,
    pub gpt4_only: i32,
    /// The score lies between (or on) the two rater-only scores.
    pub raters_bracket: bool,
    /// "within", "above" or "below" the rater-only scores.
    pub raters_side: &'static str,
    /// Why the score can sit outside them: "automation" (some of the reader's tasks carry the
    /// GPT-4 automation nudge, which lifts the combined exposure above both raters' figures)
    /// or "offsetting" (the raters disagree in opposite directions on different tasks).
    pub raters_outside_reason: &'static str,
    /// How many of the reader's tasks have a combined exposure above both raters' own.
    pub nudged_tasks: usize,
    /// score − role baseline
    pub delta: i32,
    pub technology_average: i32,
    pub industry_average: i32,
}

#[derive(Serialize, Clone)]
pub struct ComponentCtx {
    pub key: &'static str,
    pub name: &'static str,
    /// The name inside a sentence: "your AI fluency".
    pub phrase: &'static str,
    pub points: i32,
    /// "+3", "−2", "0"
    pub signed: String,
}

#[derive(Serialize)]
pub struct SplitCtx {
    pub you: [i32; 3],
    pub role: [i32; 3],
}

#[derive(Serialize, Clone)]
pub struct TaskCtx {
    pub key: String,
    pub label: String,
    /// automated, assisted, human-safe
    pub class: &'static str,
    pub class_label: &'static str,
    pub share_pct: i32,
    pub typical_share_pct: i32,
    pub exposure_pct: i32,
    pub tools: Vec<String>,
    pub tools_used: Vec<String>,
    pub skill: String,
}

#[derive(Serialize, Clone)]
pub struct SkillCtx {
    pub name: String,
    pub resilience: u32,
    pub band: &'static str,
    pub your_share_pct: i32,
    pub typical_share_pct: i32,
    pub demand_growth: f64,
}

#[derive(Serialize, Clone)]
pub struct ToolCtx {
    pub key: String,
    pub name: String,
    pub vendor: String,
    pub category: String,
    pub description: String,
    pub automates: Vec<String>,
    /// Labels of the person's tasks this tool touches.
    pub your_tasks: Vec<String>,
    pub used: bool,
    pub level: &'static str,
    pub why: String,
}

#[derive(Serialize)]
pub struct OutlookCtx {
    pub year: i32,
    pub person: i32,
    pub role: i32,
}

#[derive(Serialize)]
pub struct SalaryCtx {
    /// "junior", "mid-level" or "senior": the reader's level in the salary model.
    pub level: String,
    /// The premium at the reader's level, whole percent, as the chart labels it.
    pub role_premium: i32,
    pub your_premium: i32,
}

#[derive(Serialize)]
pub struct SeniorityCtx {
    /// junior, mid, senior, lead, principal, director, vp, chief
    pub key: &'static str,
    /// "mid-career", "head or director", …
    pub label: &'static str,
    /// 0 (junior) to 7 (chief), for comparisons.
    pub rank: u8,
    /// The level comes from a word of the job title (else from the years of experience).
    pub from_title: bool,
}

/// One plan through the report: the first step every page names, "this week", the 90-day plan.
#[derive(Serialize, Default)]
pub struct PlanCtx {
    /// The first step's tool and task; none when no catalog tool touches the reader's tasks.
    pub tool: Option<String>,
    pub tool_key: Option<String>,
    /// "Beginner", "Intermediate", "Advanced"
    pub tool_level: &'static str,
    pub task: Option<String>,
    pub task_key: Option<String>,
    /// The reader already uses the tool: the step is a deeper use of it.
    pub uses: bool,
    /// The catalog's quick win for that tool and task, in the wording that fits the reader.
    pub win: Option<String>,
    /// More for this week: no new tool among them.
    pub this_week: Vec<String>,
    /// Days 1–30: an automated-class task to hand over (and the tool for it); days 31–60: a
    /// second task for the tools; days 61–90: human-safe work. Each task named once.
    pub handover: Option<String>,
    pub handover_tool: Option<String>,
    pub second: Option<String>,
    pub human: Option<String>,
    /// Every catalog recommendation the report shows (this week and the roadmap), typed, so
    /// the consistency suite can check them against the reader's answers.
    pub shown: Vec<ShownAction>,
}

#[derive(Serialize, Clone)]
pub struct ShownAction {
    pub text: String,
    pub tool: Option<String>,
    /// Shown in the wording for a reader who does not use the tool yet.
    pub as_new: bool,
    pub tasks: Vec<String>,
    /// 0: this week (page 22); 1–3: the roadmap phase.
    pub phase: u8,
}

#[derive(Serialize)]
pub struct PhaseCtx {
    /// The seniority the phase is written for (its key, as `SeniorityCtx::key`).
    pub level: &'static str,
    pub level_rank: u8,
    pub span: String,
    pub title: String,
    pub goal: String,
    pub actions: Vec<String>,
    pub from_year: i32,
    pub to_year: i32,
}

#[derive(Serialize)]
pub struct RelatedCtx {
    pub key: String,
    pub name: String,
    pub baseline: i32,
    pub band: &'static str,
    /// role baseline − person's score: negative = safer than where they are.
    pub delta: i32,
}

#[derive(Serialize)]
pub struct MetaCtx {
    pub catalog_version: String,
    pub sources: Vec<crate::catalog::Source>,
    pub task_mix_weight: f64,
    pub experience_slope: f64,
    pub experience_cap: f64,
    pub usage_weight: f64,
    pub tool_cap: u32,
    pub technology_average_note: String,
    pub technology_average_method: String,
    pub catalog_published: String,
    /// The date the data are stated "as of" on page 24: the catalog's publication date, or
    /// the report's (submission) date when the catalog is newer; never after the report's date.
    pub data_as_of: String,
    /// The same, ISO (YYYY-MM-DD), for the checks.
    pub data_as_of_iso: String,
    /// The report's (submission) date, ISO.
    pub report_date_iso: String,
}
