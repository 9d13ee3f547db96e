//! The reader's plan (pages 3, 14, 18–22), picked from the catalog's keyed recommendations by
//! their tasks, tools and seniority: one first step (a tool on one of their tasks) that every
//! page names the same way, a "this week" list that adds at most that one new tool, a 90-day
//! plan whose steps name different tasks, and three roadmap phases that start at the reader's
//! level and never end below it.

use super::ShownAction;
use crate::catalog::{Action, Catalog, RoleTool, Rung, Seniority, Task, Usage};
use crate::score::Assessment;

/// How page 14 orders the tools to learn (see [`tools_to_learn`]).
type LearnKey = (bool, bool, usize, std::cmp::Reverse<usize>);

/// The role tools that touch the reader's tasks and that they do not use yet: first those of a
/// kind the reader has no tool of (a second coding assistant adds less than a first test
/// tool), then the easiest and widest-reaching: the order of page 14, whose first is the
/// plan's first tool.
pub fn tools_to_learn<'c>(a: &Assessment<'c>, catalog: &Catalog) -> Vec<&'c RoleTool> {
    let category = |key: &str| catalog.tool(key).map(|t| t.category.as_str());
    let covered: Vec<&str> = a
        .audit
        .ai_tools
        .iter()
        .filter_map(|k| category(k))
        .collect();
    // Sort key, computed once per tool: reaches nothing the reader's tools don't, kind of tool
    // already listed, level, then the more of the reader's tasks the better.
    let mut v: Vec<(LearnKey, &RoleTool)> = a
        .role
        .tools
        .iter()
        .filter(|rt| !a.audit.ai_tools.contains(&rt.key))
        .filter_map(|rt| {
            let tasks = reader_tasks(a, rt);
            let adds_nothing = !tasks.iter().any(|t| !listed_covers(a, t));
            let kind_covered = category(&rt.key).is_some_and(|c| covered.contains(&c));
            let key = (
                adds_nothing,
                kind_covered,
                rt.level as usize,
                std::cmp::Reverse(tasks.len()),
            );
            (!tasks.is_empty()).then_some((key, rt))
        })
        .collect();
    v.sort_by_key(|(key, _)| *key);
    v.into_iter().map(|(_, rt)| rt).collect()
}

/// The reader's tasks a role tool touches: those no listed tool covers first, then by share.
fn reader_tasks<'c>(a: &Assessment<'c>, rt: &RoleTool) -> Vec<&'c Task> {
    let mut v: Vec<&Task> = a
        .tasks
        .iter()
        .filter(|l| rt.tasks.contains(&l.task.key))
        .map(|l| l.task)
        .collect();
    v.sort_by_key(|t| listed_covers(a, t));
    v
}

/// Whether a tool the reader listed touches `task`.
fn listed_covers(a: &Assessment, task: &Task) -> bool {
    a.tasks
        .iter()
        .any(|l| l.task.key == task.key && l.tools.iter().any(|(_, _, used)| *used))
}

/// The plan's first step: one tool on one of the reader's tasks.
pub struct FirstStep<'c> {
    pub tool: &'c RoleTool,
    pub task: &'c Task,
    /// The reader already uses the tool: the step is to go further with it.
    pub uses: bool,
}

/// The first tool to learn on its largest reader task that no listed tool covers; else (every
/// task it touches is already covered, or nothing is left to learn) the listed tool that
/// covers most of the reader's time, to go further with.
pub fn first_step<'c>(a: &Assessment<'c>, catalog: &Catalog) -> Option<FirstStep<'c>> {
    if let Some(tool) = tools_to_learn(a, catalog).into_iter().next() {
        let task = reader_tasks(a, tool)[0];
        if !listed_covers(a, task) {
            return Some(FirstStep {
                tool,
                task,
                uses: false,
            });
        }
    }
    let covered = |rt: &RoleTool| -> f64 {
        a.tasks
            .iter()
            .filter(|l| rt.tasks.contains(&l.task.key))
            .map(|l| l.share)
            .sum()
    };
    a.role
        .tools
        .iter()
        .filter(|rt| a.audit.ai_tools.contains(&rt.key) && covered(rt) > 0.0)
        .fold(None::<&RoleTool>, |best, rt| match best {
            Some(b) if covered(b) >= covered(rt) => Some(b),
            _ => Some(rt),
        })
        .map(|tool| FirstStep {
            tool,
            task: reader_tasks(a, tool)[0],
            uses: true,
        })
}

fn reported(a: &Assessment, action: &Action) -> bool {
    action.tasks().is_empty()
        || action
            .tasks()
            .iter()
            .any(|k| a.tasks.iter().any(|l| &l.task.key == k))
}

fn uses(a: &Assessment, action: &Action) -> bool {
    action
        .tool()
        .is_some_and(|t| a.audit.ai_tools.iter().any(|k| k == t))
}

/// An action as the reader sees it: the wording for a user of its tool, or for a newcomer.
pub fn shown(a: &Assessment, action: &Action) -> ShownAction {
    let uses = uses(a, action);
    ShownAction {
        text: action.text(uses).to_string(),
        tool: action.tool().map(String::from),
        as_new: action.tool().is_some() && !uses,
        tasks: action.tasks().to_vec(),
        phase: 0,
    }
}

/// "This week" (page 22): the quick win that is the first step, if the catalog has one for its
/// tool and task, then at most `room` more that add no new tool (tool-free ones, or deeper
/// uses of tools the reader has), the ones about the reader's own tasks first.
pub fn this_week<'c>(
    a: &Assessment<'c>,
    step: Option<&FirstStep<'c>>,
) -> (Option<&'c Action>, Vec<&'c Action>) {
    let wins = &a.role.quick_wins;
    let step_win = step.and_then(|s| {
        wins.iter()
            .find(|w| w.tool() == Some(&s.tool.key) && w.tasks().contains(&s.task.key))
    });
    let room = match a.audit.ai_usage {
        Usage::Never | Usage::Monthly => 1,
        Usage::Weekly | Usage::Daily => 2,
    };
    let mut more: Vec<&Action> = wins
        .iter()
        .filter(|w| reported(a, w))
        .filter(|w| {
            w.tool().is_none() || (uses(a, w) && w.tool() != step.map(|s| s.tool.key.as_str()))
        })
        .collect();
    // Personal first: about the reader's tasks, then their tools, then for anyone.
    more.sort_by_key(|w| (w.tasks().is_empty(), w.tool().is_none()));
    more.truncate(room);
    (step_win, more)
}

/// A roadmap phase resolved for the reader.
pub struct Phase {
    pub level: Seniority,
    pub span: String,
    pub start_year: f64,
    pub end_year: f64,
    pub title: String,
    pub goal: String,
    /// Actions on tasks the reader reported, in the wording that fits their tools.
    pub actions: Vec<ShownAction>,
}

/// Three phases from the role's roadmap and the shared leadership rungs, starting at the rung
/// written for the reader's level (the highest level not above theirs); the spans are the
/// role's, by position.
pub fn roadmap(a: &Assessment, catalog: &Catalog, step: Option<&FirstStep>) -> Vec<Phase> {
    let role = a.role;
    let titles = &role.leadership;
    let fill = |t: &str| {
        t.replace("{director}", &titles.director)
            .replace("{vp}", &titles.vp)
            .replace("{chief}", &titles.chief)
    };
    let ladder: Vec<(Seniority, &str, &str, &[Action])> = role
        .roadmap
        .iter()
        .map(|p| {
            (
                p.level,
                p.title.as_str(),
                p.goal.as_str(),
                p.actions.as_slice(),
            )
        })
        .chain(catalog.meta.leadership.iter().map(|r: &Rung| {
            (
                r.level,
                r.title.as_str(),
                r.goal.as_str(),
                r.actions.as_slice(),
            )
        }))
        .collect();
    let at = ladder
        .iter()
        .map(|r| r.0)
        .filter(|l| *l <= a.seniority)
        .max()
        .unwrap_or(Seniority::Junior);
    let start = ladder.iter().position(|r| r.0 == at).unwrap_or(0);
    let start = start.min(ladder.len().saturating_sub(3));
    ladder[start..]
        .iter()
        .zip(&role.roadmap)
        .enumerate()
        .map(|(i, ((level, title, goal, actions), pos))| {
            // Phase 1 opens with the first step (its template says it) and adds no other new
            // tool, at the pace page 14 sets; a later phase adds one new tool at most.
            let cap = if i == 0 { 3 } else { 4 };
            let first_tool = step.map(|s| s.tool.key.as_str());
            let mut new_tools = if i == 0 { 1 } else { 0 };
            let actions = actions
                .iter()
                .filter(|x| reported(a, x))
                .filter(|x| x.tool().is_none() || x.tool() != first_tool)
                .map(|x| ShownAction {
                    phase: i as u8 + 1,
                    ..shown(a, x)
                })
                .filter(|s| {
                    new_tools += usize::from(s.as_new);
                    !s.as_new || new_tools <= 1
                })
                .take(cap)
                .collect();
            Phase {
                level: *level,
                span: pos.span.clone(),
                start_year: pos.start_year,
                end_year: pos.end_year,
                title: fill(title),
                goal: goal.to_string(),
                actions,
            }
        })
        .collect()
}

/// The tasks the 90-day plan names, each once: the first step's task (days 1–30), an
/// automated-class task to hand over (days 1–30), a second task for the tools (days 31–60,
/// AI-assisted first) and a human-safe task to spend the saved time on (days 61–90).
pub struct NinetyDays<'c> {
    pub handover: Option<(&'c Task, Option<String>)>,
    pub second: Option<&'c Task>,
    pub human: Option<&'c Task>,
}

pub fn ninety_days<'c>(a: &Assessment<'c>, step: Option<&FirstStep<'c>>) -> NinetyDays<'c> {
    use crate::catalog::TaskClass::*;
    // Without a first step, days 1–30 work on the preparation around the largest task.
    let mut named: Vec<&str> = match step {
        Some(s) => vec![s.task.key.as_str()],
        None => vec![a.tasks[0].task.key.as_str()],
    };
    let mut pick = |pred: &dyn Fn(&crate::score::TaskLine) -> bool| {
        let l = a
            .tasks
            .iter()
            .find(|l| !named.contains(&l.task.key.as_str()) && pred(l))?;
        named.push(&l.task.key);
        Some(l)
    };
    // Handed to a tool the reader has, or to the first step's tool: never a second new one.
    let first_tool = step.map(|s| s.tool.key.as_str());
    let handover_tool = |l: &crate::score::TaskLine| {
        l.tools
            .iter()
            .find(|(t, _, used)| *used || Some(t.key.as_str()) == first_tool)
            .map(|(t, _, _)| t.name.clone())
    };
    let handover = pick(&|l| l.task.class == Automated && handover_tool(l).is_some())
        .map(|l| (l.task, handover_tool(l)));
    // A task the reader's listed tools do not reach yet, where there is one.
    let open = |l: &crate::score::TaskLine| !l.tools.is_empty() && !listed_covers(a, l.task);
    let second = pick(&|l| l.task.class == Assisted && open(l))
        .or_else(|| pick(&|l| l.task.class != HumanSafe && open(l)))
        .or_else(|| pick(&|l| l.task.class == Assisted && !l.tools.is_empty()))
        .or_else(|| pick(&|l| l.task.class != HumanSafe && !l.tools.is_empty()))
        .map(|l| l.task);
    let human = pick(&|l| l.task.class == HumanSafe).map(|l| l.task);
    NinetyDays {
        handover,
        second,
        human,
    }
}
