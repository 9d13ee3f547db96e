//! The data the page templates see: everything of the assessment, rounded and labelled for
//! reading, computed once per report. Templates never compute figures themselves, so every
//! number in the copy is the same number the charts show.

mod charts;
mod model;
mod plan;
mod skills;
mod standing;
mod tools;
mod work;

pub use charts::series;
pub use model::*;
#[cfg(test)]
pub use standing::rank_words;

use crate::catalog::{Basis, Catalog, TaskClass, Usage};
use crate::score::{Assessment, Band};

/// The job title in running copy (the cover's first paragraph): longer ones are shortened there.
/// Names are not: a reader's name is theirs, and a sentence that cuts it mid-word with "…"
/// reads as a mistake; the copy wraps a long name like any other words (only the running
/// header, a single line, shortens it).
const RUNNING_COPY_GRAPHEMES: usize = 60;

/// `text` cut to at most `max` grapheme clusters, with an ellipsis when cut; never inside a
/// cluster (a base letter keeps its accents, an emoji sequence stays whole).
pub fn shorten(text: &str, max: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let mut g = text.graphemes(true);
    let head: String = g.by_ref().take(max).collect();
    if g.next().is_some() {
        let cut: String = head.graphemes(true).take(max - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        head
    }
}

fn sorted_related<'c>(
    role: &crate::catalog::Role,
    catalog: &'c Catalog,
) -> Vec<&'c crate::catalog::Role> {
    let mut v: Vec<&crate::catalog::Role> = role
        .related_roles
        .iter()
        .filter_map(|k| catalog.role(k))
        .collect();
    v.sort_by(|x, y| x.baseline.cmp(&y.baseline).then(x.name.cmp(&y.name)));
    v
}

fn seniority_key(s: crate::catalog::Seniority) -> &'static str {
    use crate::catalog::Seniority::*;
    match s {
        Junior => "junior",
        Mid => "mid",
        Senior => "senior",
        Lead => "lead",
        Principal => "principal",
        Director => "director",
        Vp => "vp",
        Chief => "chief",
    }
}

fn basis_label(b: Basis) -> &'static str {
    match b {
        Basis::Onet => "O*NET task labels",
        Basis::Sourced => "sourced",
        Basis::Editorial => "editorial",
        Basis::Assumption => "model assumption",
    }
}

fn usage_label(u: Usage) -> &'static str {
    match u {
        Usage::Never => "not yet",
        Usage::Monthly => "about monthly",
        Usage::Weekly => "every week",
        Usage::Daily => "every day",
    }
}

fn class_key(c: TaskClass) -> &'static str {
    match c {
        TaskClass::Automated => "automated",
        TaskClass::Assisted => "assisted",
        TaskClass::HumanSafe => "human-safe",
    }
}

fn signed(p: i32) -> String {
    match p {
        0 => "0".into(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", -p),
    }
}

fn pct(x: f64) -> i32 {
    x.round() as i32
}

fn fmt_years(y: f64) -> String {
    let n = if y.fract() == 0.0 {
        format!("{y:.0}")
    } else {
        format!("{y:.1}")
    };
    if y == 1.0 {
        format!("{n} year")
    } else {
        format!("{n} years")
    }
}

fn plan_ctx(
    a: &Assessment,
    catalog: &Catalog,
    step: Option<&plan::FirstStep>,
    roadmap: &[plan::Phase],
) -> PlanCtx {
    let (win, more) = plan::this_week(a, step);
    let days = plan::ninety_days(a, step);
    let name = |key: &str| catalog.tool(key).map(|t| t.name.clone());
    let mut shown: Vec<ShownAction> = win.iter().chain(&more).map(|x| plan::shown(a, x)).collect();
    let this_week = shown
        .iter()
        .skip(win.iter().count())
        .map(|x| x.text.clone())
        .collect();
    shown.extend(roadmap.iter().flat_map(|p| p.actions.iter().cloned()));
    PlanCtx {
        tool: step.and_then(|s| name(&s.tool.key)),
        tool_key: step.map(|s| s.tool.key.clone()),
        tool_level: step.map_or("", |s| s.tool.level.label()),
        task: step.map(|s| s.task.label.clone()),
        task_key: step.map(|s| s.task.key.clone()),
        uses: step.is_some_and(|s| s.uses),
        win: win.map(|w| plan::shown(a, w).text),
        this_week,
        handover: days.handover.as_ref().map(|(t, _)| t.label.clone()),
        handover_tool: days.handover.and_then(|(_, tool)| tool),
        second: days.second.map(|t| t.label.clone()),
        human: days.human.map(|t| t.label.clone()),
        shown,
    }
}

/// The month names dates are written with (and read back by the consistency suite).
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "2026-11-24" → "24 November 2026" (other text as it is).
fn long_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts[..] {
        [y, m, d] => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

pub fn build(a: &Assessment, catalog: &Catalog) -> Context {
    let role = a.role;
    let year = a.audit.submitted_at.year();
    let work = work::work(a, catalog);
    let skills = skills::skills(a);
    let tools = tools::tools(a, catalog);
    let (components, biggest_mover, mover_ties) = standing::components(a);
    let step = plan::first_step(a, catalog);
    let roadmap = plan::roadmap(a, catalog, step.as_ref());
    let plan = plan_ctx(a, catalog, step.as_ref(), &roadmap);
    let d = a.audit.submitted_at.date();
    let report_date = format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    // ISO dates compare as text; the data are never stated as of a day after the report's.
    let as_of = catalog.meta.published.clone().min(report_date.clone());
    Context {
        person: standing::person(a),
        role: standing::role(a),
        score: standing::score(a),
        components,
        biggest_mover,
        mover_ties,
        split: SplitCtx {
            you: a.split_person.map(pct),
            role: a.split_role.map(pct),
        },
        automated: work.automated,
        assisted: work.assisted,
        human_safe: work.human_safe,
        top_task: work.top_task,
        most_exposed_task: work.most_exposed_task,
        least_exposed_task: work.least_exposed_task,
        focus_task: work.focus_task,
        tasks: work.tasks,
        role_tasks: work.role_tasks,
        skills: skills.skills,
        skill_gaps: skills.skill_gaps,
        demand_current: skills.demand_current,
        demand_recommended: skills.demand_recommended,
        tools: tools.tools,
        tools_to_learn: tools.tools_to_learn,
        tools_to_learn_total: tools.tools_to_learn_total,
        tools_used: tools.tools_used,
        outlook: a
            .outlook
            .iter()
            .map(|p| OutlookCtx {
                year: p.year,
                person: pct(p.person),
                role: pct(p.role),
            })
            .collect(),
        salary: {
            // At the reader's own level, the pair of bars the chart marks "(you)".
            let level = crate::score::salary_level(a.seniority);
            let (name, factor) = crate::score::SALARY_LEVELS[level];
            SalaryCtx {
                level: name.to_lowercase(),
                role_premium: pct(a.salary_premium_role * factor),
                your_premium: pct(a.salary_premium_person * factor),
            }
        },
        roadmap: roadmap
            .into_iter()
            .map(|p| PhaseCtx {
                level: seniority_key(p.level),
                level_rank: p.level as u8,
                span: p.span,
                title: p.title,
                goal: p.goal,
                actions: p.actions.into_iter().map(|x| x.text).collect(),
                from_year: year + p.start_year as i32,
                to_year: year + p.end_year as i32,
            })
            .collect(),
        plan,
        // Least exposed first, the order the related-roles chart uses.
        related: sorted_related(role, catalog)
            .into_iter()
            .map(|r| RelatedCtx {
                key: r.key.clone(),
                name: r.name.clone(),
                baseline: r.baseline,
                band: Band::of(r.baseline).label(),
                delta: r.baseline - a.score,
            })
            .collect(),
        benchmark: standing::benchmark(a),
        skill_ranks: standing::skill_ranks(role),
        meta: MetaCtx {
            catalog_version: catalog.meta.version.clone(),
            sources: catalog.meta.sources.clone(),
            task_mix_weight: catalog.meta.model.task_mix_weight,
            experience_slope: catalog.meta.model.experience_slope,
            experience_cap: catalog.meta.model.experience_cap,
            usage_weight: catalog.meta.model.usage_weight,
            tool_cap: catalog.meta.model.tool_cap,
            technology_average_note: catalog.meta.technology_average.note.clone(),
            technology_average_method: catalog.meta.technology_average.method.clone(),
            catalog_published: catalog.meta.published.clone(),
            data_as_of: long_date(&as_of),
            data_as_of_iso: as_of.clone(),
            report_date_iso: report_date,
        },
    }
}
