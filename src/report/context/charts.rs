//! The charts' series (`chart::Series`), taken from the assessment once per report.

use crate::catalog::Catalog;
use crate::chart::{DemandLine, PhaseBar, RoleBar, SalaryBar, Series, SkillBar, TaskBar};
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
        phases: super::plan::roadmap(a, catalog, super::plan::first_step(a, catalog).as_ref())
            .into_iter()
            .map(|p| PhaseBar {
                title: p.title,
                span: p.span,
                start: p.start_year,
                end: p.end_year,
            })
            .collect(),
        year0: a.audit.submitted_at.year(),
    }
}
