//! What the charts draw, as plain numbers and labels. `report::context` prepares it from the
//! assessment beside the figures the templates quote, so a chart never reads the catalog or the
//! scoring model, and a page and its chart work from the same numbers.

use crate::catalog::TaskClass;
use crate::score::{Band, Components, OutlookPoint};

#[derive(Debug, Clone)]
pub struct Series {
    /// The reader's score, 1–99, and its band.
    pub score: i32,
    pub band: Band,
    /// The role's catalog key (named in "nothing to show" errors), name and plural.
    pub role_key: String,
    pub role_name: String,
    pub role_plural: String,
    /// The benchmark chart's bars, top to bottom: (label, score, the reader's own).
    pub benchmark: Vec<(String, f64, bool)>,
    /// Baseline and the points that move it (the waterfall).
    pub components: Components,
    /// Share of time on automated / assisted / human-safe tasks, percent: the reader, the role.
    pub split_person: [f64; 3],
    pub split_role: [f64; 3],
    /// The reader's tasks, largest share first.
    pub tasks: Vec<TaskBar>,
    /// The role's skills, in catalog order.
    pub skills: Vec<SkillBar>,
    /// The related roles the catalog knows, least exposed first (then by name), as the table.
    pub related: Vec<RoleBar>,
    /// AI-augmented salary premium by seniority level, and the reader's level.
    pub salary: Vec<SalaryBar>,
    pub salary_you: usize,
    pub outlook: Vec<OutlookPoint>,
    /// Demand lines: the reader's least resilient current skills, and the recommended ones.
    pub demand_current: Vec<DemandLine>,
    pub demand_recommended: Vec<DemandLine>,
    /// The role's peer distribution (normal) and the share of peers safer than the reader.
    pub peer_mean: f64,
    pub peer_sd: f64,
    pub peers_safer_pct: i32,
    /// The roadmap's phases, and the year they count from (the submission year).
    pub phases: Vec<PhaseBar>,
    pub year0: i32,
    /// Every task of the role and any other the reader reported, the reader's first (largest
    /// share first), then the rest by typical share: what the class charts (pages 8–10) pick from.
    pub class_tasks: Vec<ClassTask>,
    /// The skill gaps page 12 lists, in its order (most resilient first).
    pub skill_gaps: Vec<GapBar>,
    /// Each roadmap phase's milestones, in the order its page (19–21) lists the actions.
    pub phase_steps: Vec<Vec<String>>,
    /// The 90-day plan (page 22): its first day (the submission date), and how many quick wins
    /// "This week" lists.
    pub plan_start: time::Date,
    pub quick_wins: usize,
}

#[derive(Debug, Clone)]
pub struct TaskBar {
    pub label: String,
    /// 0–1.
    pub exposure: f64,
    pub class: TaskClass,
}

#[derive(Debug, Clone)]
pub struct SkillBar {
    pub name: String,
    /// Percent, higher = safer.
    pub resilience: u32,
}

#[derive(Debug, Clone)]
pub struct RoleBar {
    pub name: String,
    pub baseline: i32,
}

#[derive(Debug, Clone)]
pub struct SalaryBar {
    pub level: String,
    /// Percent: typical for the role, and adjusted for the reader's AI use.
    pub role: f64,
    pub person: f64,
}

#[derive(Debug, Clone)]
pub struct DemandLine {
    pub name: String,
    /// Demand index in 2026 and its yearly change in percent.
    pub demand_2026: f64,
    pub growth: f64,
}

#[derive(Debug, Clone)]
pub struct PhaseBar {
    pub title: String,
    /// e.g. "0-2 years"
    pub span: String,
    /// Years from `year0`.
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone)]
pub struct ClassTask {
    pub label: String,
    pub class: TaskClass,
    /// The reader reported the task.
    pub yours: bool,
    /// Whole percent, as the pages print them: the reader's share of the week (0 when not
    /// theirs), a typical practitioner's, and the exposure to AI.
    pub share_pct: i32,
    pub typical_pct: i32,
    pub exposure_pct: i32,
}

#[derive(Debug, Clone)]
pub struct GapBar {
    pub name: String,
    /// Whole percent of the week on tasks that use the skill: the reader's, the typical.
    pub your_pct: i32,
    pub typical_pct: i32,
    pub resilience: u32,
}
