//! Where the reader stands (pages 1–5): who they are, their role, their score and what moved
//! it.

use super::*;

pub(super) fn person(a: &Assessment) -> Person {
    let audit = a.audit;
    let year = audit.submitted_at.year();
    let experience_level = match audit.years_experience {
        y if y < 3.0 => "early",
        y if y < 8.0 => "mid",
        y if y < 15.0 => "senior",
        _ => "veteran",
    };
    let d = audit.submitted_at;
    Person {
        full_name: audit.full_name.clone(),
        greeting_name: audit.greeting_name().to_string(),
        job_title: audit.job_title.clone(),
        title_short: shorten(&audit.job_title, RUNNING_COPY_GRAPHEMES),
        seniority: SeniorityCtx {
            key: seniority_key(a.seniority),
            label: a.seniority.label(),
            rank: a.seniority as u8,
            from_title: crate::score::title_level(&audit.job_title, a.role).is_some(),
        },
        years: audit.years_experience,
        years_label: fmt_years(audit.years_experience),
        experience_level,
        usage: audit.ai_usage.key(),
        usage_label: usage_label(audit.ai_usage),
        n_tools: audit.ai_tools.len(),
        n_tools_on_own_tasks: a.tools_on_own_tasks.len(),
        country: audit.country.clone(),
        industry: a.industry.name.clone(),
        industry_key: a.industry.key.clone(),
        industry_offset: a.industry.offset,
        industry_note: a.industry.note.clone(),
        industry_basis: basis_label(a.industry.basis),
        submitted: d
            .format(time::macros::format_description!(
                "[day padding:none] [month repr:long] [year]"
            ))
            .unwrap_or_else(|_| d.to_string()),
        year,
    }
}

pub(super) fn role(a: &Assessment) -> RoleCtx {
    let role = a.role;
    RoleCtx {
        key: role.key.clone(),
        name: role.name.clone(),
        plural: role.plural.clone(),
        summary: role.summary.clone(),
        verdict: role.verdict.clone(),
        baseline: role.baseline,
        baseline_band: Band::of(role.baseline).label(),
        resilience: crate::score::resilience(role.baseline),
        soc: role.soc.join(", "),
        demand_trend: role.demand_trend.clone(),
        typical_years: role.typical_years,
        typical_usage: role.typical_usage.key(),
        typical_tools: role.typical_tools,
        automation_pct: pct(100.0 * a.exposure_role),
        horizon: a.role_horizon.label(),
        assumptions: role.assumptions.clone(),
        exposure_sources: role.exposure_sources.clone(),
        baseline_note: role.baseline_note.clone(),
        baseline_basis: basis_label(role.baseline_basis),
    }
}

pub(super) fn score(a: &Assessment) -> ScoreCtx {
    let role = a.role;
    let (h, g) = a.by_rater;
    let raters_side = if a.score > h.max(g) {
        "above"
    } else if a.score < h.min(g) {
        "below"
    } else {
        "within"
    };
    // The combined exposure of a task is the raters' mean nudged up by GPT-4's automation
    // rating; where that lifts it above both raters' own figures, the headline can leave the
    // rater-only range. Otherwise only opposite disagreements on different tasks can.
    let nudged_tasks = a
        .tasks
        .iter()
        .filter(|l| l.task.exposure > l.task.exposure_human.max(l.task.exposure_gpt4) + 1e-9)
        .count();
    let lowered_tasks = a
        .tasks
        .iter()
        .filter(|l| l.task.exposure < l.task.exposure_human.min(l.task.exposure_gpt4) - 1e-9)
        .count();
    let raters_outside_reason = match raters_side {
        "above" if nudged_tasks > 0 => "automation",
        "below" if lowered_tasks > 0 => "automation",
        "within" => "",
        _ => "offsetting",
    };
    ScoreCtx {
        value: a.score,
        band: a.band.label(),
        band_key: a.band.key(),
        automation_pct: a.automation_pct,
        horizon: a.horizon.label(),
        horizon_from: a.horizon.from_years,
        horizon_to: a.horizon.to_years,
        resilience: a.resilience,
        adaptability: a.adaptability.label(),
        peers_safer_pct: a.peers_safer_pct,
        peers_riskier_pct: 100 - a.peers_safer_pct,
        range_low: a.range.0,
        range_high: a.range.1,
        human_only: a.by_rater.0,
        gpt4_only: a.by_rater.1,
        raters_bracket: raters_side == "within",
        raters_side,
        raters_outside_reason,
        nudged_tasks,
        delta: a.score - role.baseline,
        technology_average: pct(a.technology_average),
        industry_average: (role.baseline + a.industry.offset).clamp(1, 99),
    }
}

/// The score's components in the waterfall's order, the one that moved it most, and any that
/// moved it by as many points.
pub(super) fn components(
    a: &Assessment,
) -> (Vec<ComponentCtx>, Option<ComponentCtx>, Vec<ComponentCtx>) {
    let c = a.components;
    let mut components = vec![
        ComponentCtx {
            key: "task-mix",
            name: "Your task mix",
            phrase: "your task mix",
            points: c.task_mix,
            signed: signed(c.task_mix),
        },
        ComponentCtx {
            key: "experience",
            name: "Your experience",
            phrase: "your experience",
            points: c.experience,
            signed: signed(c.experience),
        },
        ComponentCtx {
            key: "ai-fluency",
            name: "Your AI fluency",
            phrase: "your AI fluency",
            points: c.ai_fluency,
            signed: signed(c.ai_fluency),
        },
        ComponentCtx {
            key: "industry",
            name: "Your industry",
            phrase: "your industry",
            points: c.industry,
            signed: signed(c.industry),
        },
    ];
    if c.clamp != 0 {
        components.push(ComponentCtx {
            key: "clamp",
            name: "Scale limit (1–99)",
            phrase: "the scale limit (1–99)",
            points: c.clamp,
            signed: signed(c.clamp),
        });
    }
    // On a tie the first in the waterfall's order leads and the others are named with it.
    let movers: Vec<&ComponentCtx> = components
        .iter()
        .filter(|x| x.points != 0 && x.key != "clamp")
        .collect();
    let most = movers.iter().map(|x| x.points.abs()).max().unwrap_or(0);
    let mut tied = movers
        .into_iter()
        .filter(|x| x.points.abs() == most)
        .cloned();
    let biggest_mover = tied.next();
    let ties = tied.collect();
    (components, biggest_mover, ties)
}

/// The benchmark chart's bars, each named for what it is: the reader, the role in general, the
/// role in the reader's industry (not for technology, where it is the role's own baseline) and
/// the technology average.
pub fn benchmark(a: &Assessment) -> Vec<BenchBarCtx> {
    let role = a.role;
    let mut bars = vec![
        BenchBarCtx {
            label: "You".into(),
            value: a.score,
            key: "you",
        },
        BenchBarCtx {
            label: format!("Typical {}", role.name),
            value: role.baseline,
            key: "role",
        },
    ];
    if a.industry.key != "technology" {
        bars.push(BenchBarCtx {
            label: format!("{} in {}", role.plural, a.industry.name),
            value: (role.baseline + a.industry.offset).clamp(1, 99),
            key: "industry",
        });
    }
    bars.push(BenchBarCtx {
        label: "All technology roles".into(),
        value: pct(a.technology_average),
        key: "technology",
    });
    bars
}

/// Each role skill's rank by resilience (1 = most resilient, ties share a rank) and the words
/// the copy uses for it: the top third "among the more resilient", the bottom third "among the
/// less resilient", the very top and bottom named as such (and ties as ties).
pub fn skill_ranks(
    role: &crate::catalog::Role,
) -> std::collections::BTreeMap<String, SkillRankCtx> {
    let n = role.skills.len();
    role.skills
        .iter()
        .map(|s| {
            let above = role
                .skills
                .iter()
                .filter(|o| o.resilience > s.resilience)
                .count();
            let below = role
                .skills
                .iter()
                .filter(|o| o.resilience < s.resilience)
                .count();
            let tied = above + below + 1 < n;
            let (tier, words) = rank_words(above, below, tied, n);
            (
                s.name.clone(),
                SkillRankCtx {
                    rank: above + 1,
                    of: n,
                    tied,
                    label: format!(
                        "{}{} of {n}",
                        if tied { "joint " } else { "" },
                        ordinal(above + 1)
                    ),
                    tier,
                    words,
                },
            )
        })
        .collect()
}

/// The tier and words for a skill with `above` skills more and `below` less resilient of `n`.
pub fn rank_words(
    above: usize,
    below: usize,
    tied: bool,
    n: usize,
) -> (&'static str, &'static str) {
    match (above, below) {
        _ if n == 1 => ("top", "the only skill listed"),
        (0, _) if tied => ("top", "tied for the most resilient"),
        (0, _) => ("top", "the most resilient"),
        (_, 0) if tied => ("bottom", "tied for the least resilient"),
        (_, 0) => ("bottom", "the least resilient"),
        _ if above * 3 < n => ("top", "among the more resilient"),
        _ if below * 3 < n => ("bottom", "among the less resilient"),
        _ => ("middle", "in the middle for resilience"),
    }
}

/// 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
