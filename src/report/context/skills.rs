//! The role's skills as the reader uses them (pages 12, 17): resilience, the share of their
//! time on each, where they under-use resilient ones, and the demand chart's picks.

use super::{pct, SkillCtx};
use crate::score::{Assessment, Band};

pub(super) struct Skills {
    pub skills: Vec<SkillCtx>,
    pub skill_gaps: Vec<SkillCtx>,
    pub demand_current: Vec<SkillCtx>,
    pub demand_recommended: Vec<SkillCtx>,
}

/// Percentage points of the week under the typical share before a skill counts as a gap (a
/// skill missing from the week counts at any typical share).
const GAP_POINTS: i32 = 5;

pub(super) fn skills(a: &Assessment) -> Skills {
    let role = a.role;
    let share_on_skill = |name: &str, person: bool| -> f64 {
        if person {
            a.tasks
                .iter()
                .filter(|l| l.task.skill == name)
                .map(|l| 100.0 * l.share)
                .sum()
        } else {
            role.tasks
                .iter()
                .filter(|t| t.skill == name)
                .map(|t| t.typical_share)
                .sum()
        }
    };
    let mut skills: Vec<SkillCtx> = role
        .skills
        .iter()
        .map(|s| SkillCtx {
            name: s.name.clone(),
            resilience: s.resilience,
            band: Band::of(100 - s.resilience as i32).label(),
            your_share_pct: pct(share_on_skill(&s.name, true)),
            typical_share_pct: pct(share_on_skill(&s.name, false)),
            demand_growth: s.demand_growth,
        })
        .collect();
    skills.sort_by(|x, y| x.resilience.cmp(&y.resilience).then(x.name.cmp(&y.name)));
    let (demand_current, demand_recommended) = {
        let (cur, rec) = a.demand_skills();
        let pick = |list: Vec<&crate::catalog::Skill>| {
            list.iter()
                .filter_map(|s| skills.iter().find(|c| c.name == s.name).cloned())
                .collect::<Vec<_>>()
        };
        (pick(cur), pick(rec))
    };
    // A gap is a resilient skill the week under-uses that would be a step up from one the
    // reader relies on now; never a weaker target than what they already do.
    let mine = a.own_skills();
    let step_up = |name: &str| {
        role.skills
            .iter()
            .find(|s| s.name == name)
            .is_some_and(|g| mine.iter().any(|c| crate::score::replaces(g, c)))
    };
    let mut skill_gaps: Vec<SkillCtx> = skills
        .iter()
        // A point or two under the typical share is noise, not a gap.
        .filter(|s| {
            let absent = s.your_share_pct == 0 && s.typical_share_pct > 0;
            (absent || s.your_share_pct + GAP_POINTS <= s.typical_share_pct) && s.resilience >= 60
        })
        .filter(|s| step_up(&s.name))
        .cloned()
        .collect();
    skill_gaps.sort_by(|x, y| {
        y.resilience.cmp(&x.resilience).then(
            (x.your_share_pct - x.typical_share_pct).cmp(&(y.your_share_pct - y.typical_share_pct)),
        )
    });

    Skills {
        skills,
        skill_gaps,
        demand_current,
        demand_recommended,
    }
}
