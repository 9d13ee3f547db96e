//! The charts' series (`chart::Series`), taken from the assessment once per report.

use crate::catalog::Catalog;
use crate::catalog::TaskClass;
use crate::chart::{
    ClassTask, DemandLine, GapBar, PhaseBar, RoleBar, SalaryBar, Series, SkillBar, TaskBar,
};
use crate::score::Assessment;

pub fn series(a: &Assessment, catalog: &Catalog) -> Series {
    let role = a.role;
    let (current, recommended) = a.demand_skills();
    let demand = |skills: Vec<&crate::catalog::Skill>| -> Vec<DemandLine> {
        skills
            .into_iter()
            .map(|s| DemandLine {
                name: s.name.clone(),
                demand_2026: s.demand_2026,
                growth: s.demand_growth,
            })
            .collect()
    };
    let step = super::plan::first_step(a, catalog);
    let roadmap = super::plan::roadmap(a, catalog, step.as_ref());
    Series {
        score: a.score,
        band: a.band,
        role_key: role.key.clone(),
        role_name: role.name.clone(),
        role_plural: role.plural.clone(),
        benchmark: super::standing::benchmark(a)
            .into_iter()
            .map(|b| (b.label, b.value as f64, b.key == "you"))
            .collect(),
        components: a.components,
        split_person: a.split_person,
        split_role: a.split_role,
        tasks: a
            .tasks
            .iter()
            .map(|l| TaskBar {
                label: l.task.label.clone(),
                exposure: l.task.exposure,
                class: l.task.class,
            })
            .collect(),
        skills: role
            .skills
            .iter()
            .map(|s| SkillBar {
                name: s.name.clone(),
                resilience: s.resilience,
            })
            .collect(),
        // The table's order (baseline, then name), so tied roles read alike in both.
        related: super::sorted_related(role, catalog)
            .into_iter()
            .map(|r| RoleBar {
                name: r.name.clone(),
                baseline: r.baseline,
            })
            .collect(),
        salary: crate::score::SALARY_LEVELS
            .iter()
            .map(|(level, f)| SalaryBar {
                level: level.to_string(),
                role: a.salary_premium_role * f,
                person: a.salary_premium_person * f,
            })
            .collect(),
        salary_you: crate::score::salary_level(a.seniority),
        outlook: a.outlook.clone(),
        demand_current: demand(current),
        demand_recommended: demand(recommended),
        peer_mean: role.peer_mean,
        peer_sd: role.peer_sd,
        peers_safer_pct: a.peers_safer_pct,
        phases: roadmap
            .iter()
            .map(|p| PhaseBar {
                title: p.title.clone(),
                span: p.span.clone(),
                start: p.start_year,
                end: p.end_year,
            })
            .collect(),
        year0: a.audit.submitted_at.year(),
        class_tasks: class_tasks(a),
        skill_gaps: super::skills::skills(a)
            .skill_gaps
            .into_iter()
            .map(|g| GapBar {
                name: g.name,
                your_pct: g.your_share_pct,
                typical_pct: g.typical_share_pct,
                resilience: g.resilience,
            })
            .collect(),
        phase_steps: roadmap
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Phase 1's page opens its actions with the first step; the chart does too.
                let first = step
                    .as_ref()
                    .filter(|_| i == 0)
                    .and_then(|s| catalog.tool(&s.tool.key))
                    .map(|t| format!("{} every week", t.name));
                first
                    .into_iter()
                    .chain(p.actions.iter().map(|x| x.text.clone()))
                    .collect()
            })
            .collect(),
        plan_start: a.audit.submitted_at.date(),
        quick_wins: quick_wins(a, step.as_ref()),
    }
}

fn class_tasks(a: &Assessment) -> Vec<ClassTask> {
    use super::pct;
    let mine = a.tasks.iter().map(|l| ClassTask {
        label: l.task.label.clone(),
        class: l.task.class,
        yours: true,
        share_pct: pct(100.0 * l.share),
        typical_pct: pct(l.task.typical_share),
        exposure_pct: pct(100.0 * l.task.exposure),
    });
    let mut others: Vec<ClassTask> = a
        .role
        .tasks
        .iter()
        .filter(|t| !a.tasks.iter().any(|l| l.task.key == t.key))
        .map(|t| ClassTask {
            label: t.label.clone(),
            class: t.class,
            yours: false,
            share_pct: 0,
            typical_pct: pct(t.typical_share),
            exposure_pct: pct(100.0 * t.exposure),
        })
        .collect();
    // Stable, so equal shares keep the catalog's order, as the pages' lists do.
    others.sort_by_key(|t| std::cmp::Reverse(t.typical_pct));
    mine.chain(others).collect()
}

/// The boxes under "This week" on page 22: the first step (or its catalog quick win), the
/// other quick wins, and timing the focus task when the reader has automated-class work.
fn quick_wins(a: &Assessment, step: Option<&super::plan::FirstStep>) -> usize {
    let (win, more) = super::plan::this_week(a, step);
    let automated = a.tasks.iter().any(|l| l.task.class == TaskClass::Automated);
    usize::from(win.is_some() || step.is_some()) + more.len() + usize::from(automated)
}
