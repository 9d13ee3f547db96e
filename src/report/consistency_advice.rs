//! The consistency suite's rules for advice (pages 3, 12, 14, 17–22): every recommendation fits
//! the reader's answers, one plan runs through the report, the roadmap starts at the reader's
//! level, and a recommended skill is a step up from the one it replaces. Checked on the
//! template context (typed) and, where a page must say something, on its rendered text.

use super::consistency::texts;
use super::context::Context;
use super::markup::Block;
use crate::input::Audit;

pub(super) fn check(
    ctx: &Context,
    audit: &Audit,
    pages: &[Vec<Block>],
) -> Vec<(&'static str, String)> {
    let mut broken = Vec::new();
    let uses = |key: &str| audit.ai_tools.iter().any(|k| k == key);
    let reported = |key: &str| audit.tasks.iter().any(|t| t.key == key);
    let plan = &ctx.plan;

    // No tool the reader uses is suggested as new; no action on work they did not report.
    for s in &plan.shown {
        if let Some(tool) = &s.tool {
            if s.as_new && uses(tool) {
                broken.push((
                    "advice: a tool in use is never suggested as new",
                    format!("“{}”", s.text),
                ));
            }
        }
        if !s.tasks.is_empty() && !s.tasks.iter().any(|k| reported(k)) {
            broken.push((
                "advice: no action on an unreported task",
                format!("“{}” ({:?})", s.text, s.tasks),
            ));
        }
    }
    if plan
        .tool_key
        .as_deref()
        .is_some_and(|k| uses(k) != plan.uses)
    {
        broken.push((
            "advice: a tool in use is never suggested as new",
            format!("first step {:?}", plan.tool),
        ));
    }
    if plan.task_key.as_deref().is_some_and(|k| !reported(k)) {
        broken.push((
            "advice: no action on an unreported task",
            format!("first step on {:?}", plan.task),
        ));
    }

    // One plan: p3, p14, p19 and p22 name the same first tool; p3 and p19 its task; p14's
    // first tool to learn is it.
    if let (Some(tool), Some(task)) = (&plan.tool, &plan.task) {
        for (page, needs_task) in [(3, true), (14, false), (19, true), (22, false)] {
            let text = texts(&pages[page - 1]).join(" ");
            if !text.contains(tool.as_str()) || (needs_task && !text.contains(task.as_str())) {
                broken.push((
                    "advice: one first step on pages 3, 14, 19, 22",
                    format!("page {page} lacks {tool} on “{task}”"),
                ));
            }
        }
        if !plan.uses && ctx.tools_to_learn.first().map(|t| &t.name) != Some(tool) {
            broken.push((
                "advice: one first step on pages 3, 14, 19, 22",
                format!(
                    "page 14 starts with {:?}, the plan with {tool}",
                    ctx.tools_to_learn.first().map(|t| &t.name)
                ),
            ));
        }
    }
    // No page starts the week with another tool than the first step's.
    for t in ctx
        .tools_to_learn
        .iter()
        .filter(|t| Some(&t.name) != plan.tool.as_ref())
    {
        for page in [3, 14, 19, 22] {
            let text = texts(&pages[page - 1]).join(" ");
            for phrase in [
                format!("Start with {} this week", t.name),
                format!("try {} on", t.name),
            ] {
                if text.contains(&phrase) {
                    broken.push((
                        "advice: one first step on pages 3, 14, 19, 22",
                        format!(
                            "page {page}: “{phrase}” but the first step is {:?}",
                            plan.tool
                        ),
                    ));
                }
            }
        }
    }
    // This week is as small as page 14 promises: no new tool but the first step's.
    let week = plan.win.iter().count() + plan.this_week.len();
    for s in plan.shown.iter().take(week) {
        if s.as_new && s.tool != plan.tool_key {
            broken.push(("advice: one new tool at a time", format!("“{}”", s.text)));
        }
    }
    if audit.ai_usage == crate::catalog::Usage::Never && week > 2 {
        broken.push((
            "advice: one new tool at a time",
            format!("{week} actions for a reader new to AI"),
        ));
    }

    // Phase 1 adds no new tool beyond the first step; a later phase one at most.
    for phase in 1..=3u8 {
        let new: Vec<&str> = plan
            .shown
            .iter()
            .filter(|s| s.phase == phase && s.as_new)
            .map(|s| s.text.as_str())
            .collect();
        if new.len() > usize::from(phase > 1) {
            broken.push((
                "advice: one new tool at a time",
                format!("phase {phase} suggests {} new tools: {new:?}", new.len()),
            ));
        }
    }

    // The first draft is handed to a tool the reader has, or to the first step's: not a new one.
    if let Some(h) = &plan.handover_tool {
        if plan.tool.as_ref() != Some(h) && !ctx.tools_used.iter().any(|t| &t.name == h) {
            broken.push((
                "advice: one new tool at a time",
                format!("days 1–30 hand work to {h}, a second new tool"),
            ));
        }
    }

    // The 90-day plan names each task once.
    let p22 = &pages[21];
    let plan_start = p22
        .iter()
        .position(|b| matches!(b, Block::Heading { text, .. } if text.contains("90-day")));
    if let Some(start) = plan_start {
        let steps: Vec<String> = p22[start..]
            .iter()
            .filter_map(|b| match b {
                Block::Bullets(v) => Some(v.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        for t in &ctx.tasks {
            let quoted = format!("“{}”", t.label);
            let n = steps.iter().filter(|s| s.contains(&quoted)).count();
            if n > 1 {
                broken.push((
                    "advice: no repeated 90-day step",
                    format!("{quoted} in {n} steps"),
                ));
            }
        }
        for (i, s) in steps.iter().enumerate() {
            if steps[..i].contains(s) {
                broken.push(("advice: no repeated 90-day step", format!("“{s}” twice")));
            }
        }
    } else {
        broken.push((
            "advice: no repeated 90-day step",
            "page 22 has no 90-day plan".into(),
        ));
    }

    // The roadmap starts at the reader's level and never ends below it.
    let rank = ctx.person.seniority.rank;
    let ranks: Vec<u8> = ctx.roadmap.iter().map(|p| p.level_rank).collect();
    if ranks.len() != 3
        || ranks[0] > rank
        || ranks[2] < rank
        || ranks.windows(2).any(|w| w[0] > w[1])
    {
        broken.push((
            "roadmap: starts at the reader's level, never ends below it",
            format!(
                "{} reader ({}), phases at {:?}",
                ctx.person.seniority.key,
                ctx.person.job_title,
                ctx.roadmap.iter().map(|p| p.level).collect::<Vec<_>>()
            ),
        ));
    }

    // A recommended skill is a step up from the current one it replaces; none is shrinking.
    let cur = &ctx.demand_current;
    let rec = &ctx.demand_recommended;
    for (c, r) in cur.iter().zip(rec) {
        if !(r.resilience > c.resilience
            && r.demand_growth >= c.demand_growth
            && r.demand_growth >= 0.0)
        {
            broken.push((
                "skills: a recommendation is a step up",
                format!(
                    "{} ({}%, {:+}) in place of {} ({}%, {:+})",
                    r.name, r.resilience, r.demand_growth, c.name, c.resilience, c.demand_growth
                ),
            ));
        }
    }
    if !rec.is_empty() && cur.len() != rec.len() {
        broken.push((
            "skills: a recommendation is a step up",
            format!("{} current, {} recommended", cur.len(), rec.len()),
        ));
    }
    if let Some(c) = cur
        .iter()
        .find(|c| !rec.is_empty() && rec.iter().all(|r| c.demand_growth > r.demand_growth))
    {
        broken.push((
            "skills: a recommendation is a step up",
            format!("{} grows faster than every recommended skill", c.name),
        ));
    }
    let mine: Vec<&str> = ctx.tasks.iter().map(|t| t.skill.as_str()).collect();
    for g in &ctx.skill_gaps {
        let beats = ctx
            .skills
            .iter()
            .filter(|s| mine.contains(&s.name.as_str()))
            .any(|c| {
                g.resilience > c.resilience
                    && g.demand_growth >= c.demand_growth
                    && g.demand_growth >= 0.0
            });
        if !beats {
            broken.push((
                "skills: a recommendation is a step up",
                format!("gap {} is no step up from the reader's skills", g.name),
            ));
        }
    }
    // Page 17's recommendation missing from the week is a gap on page 12 too.
    for r in rec {
        if r.your_share_pct == 0
            && r.resilience >= 60
            && !ctx.skill_gaps.iter().any(|g| g.name == r.name)
        {
            broken.push((
                "skills: a recommendation is a step up",
                format!(
                    "page 17 recommends {}, not in the week, but page 12 has no such gap",
                    r.name
                ),
            ));
        }
    }
    if rec.is_empty() && !texts(&pages[16]).join(" ").contains("deepen") {
        broken.push((
            "skills: a recommendation is a step up",
            "no recommendation, and page 17 does not say to deepen".into(),
        ));
    }
    broken
}
