//! The reader's work (pages 6–10, 13): their tasks by class and exposure, and every task of
//! the role for comparison.

use super::{class_key, pct, TaskCtx};
use crate::catalog::{Catalog, TaskClass};
use crate::score::Assessment;

pub(super) struct Work {
    pub tasks: Vec<TaskCtx>,
    pub automated: Vec<TaskCtx>,
    pub assisted: Vec<TaskCtx>,
    pub human_safe: Vec<TaskCtx>,
    pub top_task: TaskCtx,
    pub most_exposed_task: TaskCtx,
    pub least_exposed_task: TaskCtx,
    pub focus_task: TaskCtx,
    pub role_tasks: Vec<TaskCtx>,
}

pub(super) fn work(a: &Assessment, catalog: &Catalog) -> Work {
    let audit = a.audit;
    let role = a.role;
    let tasks: Vec<TaskCtx> = a
        .tasks
        .iter()
        .map(|l| TaskCtx {
            key: l.task.key.clone(),
            label: l.task.label.clone(),
            class: class_key(l.task.class),
            class_label: l.task.class.label(),
            share_pct: pct(100.0 * l.share),
            typical_share_pct: pct(l.task.typical_share),
            exposure_pct: pct(100.0 * l.task.exposure),
            tools: l.tools.iter().map(|(t, _, _)| t.name.clone()).collect(),
            tools_used: l
                .tools
                .iter()
                .filter(|(_, _, used)| *used)
                .map(|(t, _, _)| t.name.clone())
                .collect(),
            skill: l.task.skill.clone(),
        })
        .collect();
    let by_class = |c: TaskClass| {
        tasks
            .iter()
            .filter(|t| t.class == class_key(c))
            .cloned()
            .collect::<Vec<_>>()
    };
    let by_exposure = |best: bool| {
        let mut v = tasks.clone();
        v.sort_by(|x, y| {
            if best {
                y.exposure_pct.cmp(&x.exposure_pct)
            } else {
                x.exposure_pct.cmp(&y.exposure_pct)
            }
        });
        v.into_iter()
            .next()
            .expect("an audit has at least one task")
    };

    let role_tasks: Vec<TaskCtx> = role
        .tasks
        .iter()
        .map(|t| {
            let tools: Vec<String> = role
                .tools
                .iter()
                .filter(|rt| rt.tasks.contains(&t.key))
                .filter_map(|rt| catalog.tool(&rt.key))
                .map(|x| x.name.clone())
                .collect();
            TaskCtx {
                key: t.key.clone(),
                label: t.label.clone(),
                class: class_key(t.class),
                class_label: t.class.label(),
                share_pct: audit
                    .tasks
                    .iter()
                    .find(|s| s.key == t.key)
                    .map_or(0, |s| pct(100.0 * s.share)),
                typical_share_pct: pct(t.typical_share),
                exposure_pct: pct(100.0 * t.exposure),
                tools_used: tools
                    .iter()
                    .filter(|n| {
                        catalog
                            .tools
                            .iter()
                            .any(|x| &x.name == *n && audit.ai_tools.contains(&x.key))
                    })
                    .cloned()
                    .collect(),
                tools,
                skill: t.skill.clone(),
            }
        })
        .collect();
    // Where AI reaches most of the reader's time (share × exposure) outside human-safe work:
    // the task the plan pages point at, rather than a small task that happens to rate highest.
    let focus_task = a
        .tasks
        .iter()
        .zip(&tasks)
        .filter(|(l, _)| l.task.class != TaskClass::HumanSafe)
        .fold(None::<(f64, &TaskCtx)>, |best, (l, t)| {
            let reach = l.share * l.task.exposure;
            match best {
                Some((b, _)) if b >= reach => best,
                _ => Some((reach, t)),
            }
        })
        .map_or_else(|| by_exposure(true), |(_, t)| t.clone());
    Work {
        focus_task,
        automated: by_class(TaskClass::Automated),
        assisted: by_class(TaskClass::Assisted),
        human_safe: by_class(TaskClass::HumanSafe),
        top_task: tasks[0].clone(),
        most_exposed_task: by_exposure(true),
        least_exposed_task: by_exposure(false),
        tasks,
        role_tasks,
    }
}
