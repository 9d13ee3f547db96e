//! The scoring model of scoring.md: a pure function from an audit and the catalog to an
//! `Assessment` holding every component, derived figure, range and outlook series.

mod derived;
mod seniority;
mod stats;

pub use derived::{resilience, Adaptability, Band, Horizon};
pub use seniority::{seniority, title_level};

use crate::catalog::{Catalog, Industry, Role, RoleTool, Skill, Task, TaskClass, Tool};
use crate::input::Audit;
use serde::Serialize;
use stats::{logistic, phi, round_i};

/// The named points that move a score away from the role baseline (the waterfall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Components {
    pub baseline: i32,
    pub task_mix: i32,
    pub experience: i32,
    pub ai_fluency: i32,
    pub industry: i32,
    /// What clamping to 1..=99 took off (or added); zero for almost everyone.
    pub clamp: i32,
}

impl Components {
    pub fn total(&self) -> i32 {
        self.baseline
            + self.task_mix
            + self.experience
            + self.ai_fluency
            + self.industry
            + self.clamp
    }
}

/// One of the person's tasks with what the catalog knows about it.
#[derive(Debug, Clone)]
pub struct TaskLine<'c> {
    pub task: &'c Task,
    /// Share of the person's time, 0–1.
    pub share: f64,
    /// Catalog tools that touch this task, with whether the person uses them.
    pub tools: Vec<(&'c Tool, &'c RoleTool, bool)>,
}

/// One year of the outlook: projected exposure in percent for the person and the typical profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutlookPoint {
    pub year: i32,
    pub person: f64,
    pub role: f64,
}

/// Everything the report shows about one person.
#[derive(Debug, Clone)]
pub struct Assessment<'c> {
    pub audit: &'c Audit,
    pub role: &'c Role,
    pub industry: &'c Industry,
    pub components: Components,
    pub score: i32,
    pub band: Band,
    /// E_r of scoring.md, 0–1 (E_p shows as `automation_pct`).
    pub exposure_role: f64,
    pub automation_pct: i32,
    pub horizon: Horizon,
    pub resilience: i32,
    pub adaptability: Adaptability,
    pub peers_safer_pct: i32,
    /// Score recomputed with human-only and GPT-4-only task exposures: (low, high).
    pub range: (i32, i32),
    /// The same two scores as (human raters only, GPT-4 only).
    pub by_rater: (i32, i32),
    /// Share of time per class (Automated, AI-assisted, Human-safe), percent, person and role.
    pub split_person: [f64; 3],
    pub split_role: [f64; 3],
    /// The person's tasks, largest share first.
    pub tasks: Vec<TaskLine<'c>>,
    /// Keys of the person's AI tools that touch at least one of their own tasks.
    pub tools_on_own_tasks: Vec<&'c str>,
    pub outlook: Vec<OutlookPoint>,
    pub role_horizon: Horizon,
    /// AI-augmented salary premium in percent: the role's and this person's.
    pub salary_premium_role: f64,
    pub salary_premium_person: f64,
    pub technology_average: f64,
    /// The reader's career level (title words, else years): where their roadmap starts.
    pub seniority: crate::catalog::Seniority,
}

/// Why an audit cannot be scored. Validation rules these out; this guards against a catalog swap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("role `{0}` is not in the catalog")]
    Role(String),
    #[error("industry `{0}` is not in the catalog")]
    Industry(String),
    #[error("task `{0}` is not a task of role `{1}`")]
    Task(String, String),
}

impl<'c> Assessment<'c> {
    /// The role's skills the person's tasks exercise, in the role's order.
    pub fn own_skills(&self) -> Vec<&'c Skill> {
        self.role
            .skills
            .iter()
            .filter(|s| self.tasks.iter().any(|l| l.task.skill == s.name))
            .collect()
    }

    /// The skills the demand page compares, pairwise: up to three of the person's least
    /// resilient skills (those their tasks exercise) and, at the same index, the skill
    /// recommended in its place (see [`replaces`]), so the chart and the copy always name the
    /// same skills. No recommendation at all means the reader's skills are already the role's
    /// most resilient; the current list then holds their skills.
    pub fn demand_skills(&self) -> (Vec<&'c Skill>, Vec<&'c Skill>) {
        let skills = &self.role.skills;
        let mut mine = self.own_skills();
        mine.sort_by(|x, y| x.resilience.cmp(&y.resilience).then(x.name.cmp(&y.name)));
        // Each of the reader's weakest skills is paired with the most resilient skill that
        // replaces it: more resilient, growing at least as fast, and not shrinking.
        let (mut current, mut recommended): (Vec<&Skill>, Vec<&Skill>) = (vec![], vec![]);
        for c in &mine {
            if current.len() == 3 || recommended.iter().any(|r| r.name == c.name) {
                continue;
            }
            let better = skills
                .iter()
                .filter(|r| replaces(r, c))
                .filter(|r| !current.iter().chain(&recommended).any(|x| x.name == r.name))
                .max_by(|x, y| {
                    x.resilience
                        .cmp(&y.resilience)
                        .then(x.demand_growth.total_cmp(&y.demand_growth))
                        .then(y.name.cmp(&x.name))
                });
            if let Some(r) = better {
                current.push(c);
                recommended.push(r);
            }
        }
        if current.is_empty() {
            // Nothing in the role beats the reader's skills: show the ones they have.
            current = mine.into_iter().take(3).collect();
        }
        (current, recommended)
    }
}

/// Whether `better` is a sound recommendation in place of `current`: more resilient, and
/// growing at least as fast (and not shrinking at all).
pub fn replaces(better: &Skill, current: &Skill) -> bool {
    better.resilience > current.resilience
        && better.demand_growth >= current.demand_growth
        && better.demand_growth >= 0.0
}

/// Seniority multipliers on the AI salary premium (a model assumption, stated under the chart):
/// the level's name and its multiplier.
pub const SALARY_LEVELS: [(&str, f64); 3] = [("Junior", 0.8), ("Mid-level", 1.0), ("Senior", 1.2)];

/// Which of `SALARY_LEVELS` a reader is at: their career level (the roadmap's), so page 16's
/// "(you)" and page 18's level agree; lead and above are paid as seniors.
pub fn salary_level(seniority: crate::catalog::Seniority) -> usize {
    (seniority as usize).min(SALARY_LEVELS.len() - 1)
}

/// Typical-profile exposure of a role: Σ typical_share × exposure.
pub fn role_exposure(role: &Role) -> f64 {
    role.tasks
        .iter()
        .map(|t| t.typical_share / 100.0 * t.exposure)
        .sum()
}

/// Typical share of time per class, percent.
pub fn role_split(role: &Role) -> [f64; 3] {
    let mut split = [0.0; 3];
    for t in &role.tasks {
        split[class_index(t.class)] += t.typical_share;
    }
    split
}

pub fn class_index(c: TaskClass) -> usize {
    match c {
        TaskClass::Automated => 0,
        TaskClass::Assisted => 1,
        TaskClass::HumanSafe => 2,
    }
}

pub fn assess<'c>(audit: &'c Audit, catalog: &'c Catalog) -> Result<Assessment<'c>, ScoreError> {
    let role = catalog
        .role(&audit.role)
        .ok_or_else(|| ScoreError::Role(audit.role.clone()))?;
    let industry = catalog
        .industry(&audit.industry)
        .ok_or_else(|| ScoreError::Industry(audit.industry.clone()))?;
    let m = &catalog.meta.model;

    let mut tasks = Vec::with_capacity(audit.tasks.len());
    for ts in &audit.tasks {
        let task = role
            .tasks
            .iter()
            .find(|t| t.key == ts.key)
            .ok_or_else(|| ScoreError::Task(ts.key.clone(), role.key.clone()))?;
        let tools = role
            .tools
            .iter()
            .filter(|rt| rt.tasks.contains(&task.key))
            .filter_map(|rt| {
                catalog
                    .tool(&rt.key)
                    .map(|t| (t, rt, audit.ai_tools.contains(&rt.key)))
            })
            .collect();
        tasks.push(TaskLine {
            task,
            share: ts.share,
            tools,
        });
    }
    // Stable order: largest share first, then catalog order, so equal inputs give equal pages.
    tasks.sort_by(|a, b| b.share.total_cmp(&a.share));

    let exposure_with =
        |f: fn(&Task) -> f64| tasks.iter().map(|l| l.share * f(l.task)).sum::<f64>();
    let exposure_person = exposure_with(|t| t.exposure);
    let exposure_role = role_exposure(role);

    let tools_on_own_tasks: Vec<&str> = role
        .tools
        .iter()
        .filter(|rt| audit.ai_tools.contains(&rt.key))
        .filter(|rt| {
            rt.tasks
                .iter()
                .any(|k| audit.tasks.iter().any(|ts| ts.key == *k))
        })
        .map(|rt| rt.key.as_str())
        .collect();
    let n_tools = tools_on_own_tasks.len().min(m.tool_cap as usize) as f64;

    let experience = round_i(-m.experience_slope * (audit.years_experience - role.typical_years))
        .clamp(-(m.experience_cap as i32), m.experience_cap as i32);
    let usage_delta = (audit.ai_usage.level() - role.typical_usage.level()) as f64;
    let tools_delta = n_tools - role.typical_tools as f64;
    let ai_fluency = round_i(-m.usage_weight * usage_delta - m.tool_weight * tools_delta);

    let score_for = |e_p: f64| -> Components {
        let mut c = Components {
            baseline: role.baseline,
            task_mix: round_i(m.task_mix_weight * (e_p - exposure_role)),
            experience,
            ai_fluency,
            industry: industry.offset,
            clamp: 0,
        };
        let raw = c.total();
        c.clamp = raw.clamp(1, 99) - raw;
        c
    };
    let components = score_for(exposure_person);
    let score = components.total();
    let by_rater = (
        score_for(exposure_with(|t| t.exposure_human)).total(),
        score_for(exposure_with(|t| t.exposure_gpt4)).total(),
    );
    let low_high = [by_rater.0, by_rater.1, score];
    let range = (
        *low_high.iter().min().unwrap(),
        *low_high.iter().max().unwrap(),
    );

    let mut split_person = [0.0; 3];
    for l in &tasks {
        split_person[class_index(l.task.class)] += 100.0 * l.share;
    }

    let horizon = Horizon::of(score);
    let role_horizon = Horizon::of(role.baseline);
    let curve = |e: f64, h: Horizon, year: i32| {
        let a = logistic(
            year as f64,
            m.outlook_first_year as f64 + h.midpoint(),
            m.adoption_steepness,
        );
        100.0 * e * (m.outlook_floor + (1.0 - m.outlook_floor) * a)
    };
    let outlook = (m.outlook_first_year..=m.outlook_last_year)
        .map(|year| OutlookPoint {
            year,
            person: curve(exposure_person, horizon, year),
            role: curve(exposure_role, role_horizon, year),
        })
        .collect();

    let salary_factor =
        (1.0 + m.salary_usage_step * usage_delta + m.salary_tool_step * tools_delta)
            .clamp(m.salary_min_factor, m.salary_max_factor);

    Ok(Assessment {
        audit,
        role,
        industry,
        components,
        score,
        band: Band::of(score),
        exposure_role,
        automation_pct: round_i(100.0 * exposure_person),
        horizon,
        resilience: derived::resilience(score),
        adaptability: Adaptability::of(audit.ai_usage, audit.ai_tools.len()),
        // Never "0%" or "100%": a normal model cannot claim certainty about every peer.
        peers_safer_pct: round_i(100.0 * phi((score as f64 - role.peer_mean) / role.peer_sd))
            .clamp(1, 99),
        range,
        by_rater,
        split_person,
        split_role: role_split(role),
        tasks,
        tools_on_own_tasks,
        seniority: seniority(&audit.job_title, audit.years_experience, role),
        outlook,
        role_horizon,
        salary_premium_role: role.salary_premium,
        salary_premium_person: role.salary_premium * salary_factor,
        technology_average: catalog.technology_average(),
    })
}

#[cfg(test)]
pub mod fixtures;
#[cfg(test)]
mod tests;
