//! AI tools (pages 14, 22): the role's tools against the reader's tasks, what they use, and
//! what to learn next.

use super::ToolCtx;
use crate::catalog::Catalog;
use crate::score::Assessment;

pub(super) struct Tools {
    pub tools: Vec<ToolCtx>,
    pub tools_to_learn: Vec<ToolCtx>,
    pub tools_to_learn_total: usize,
    pub tools_used: Vec<ToolCtx>,
}

pub(super) fn tools(a: &Assessment, catalog: &Catalog) -> Tools {
    let audit = a.audit;
    let role = a.role;
    let person_task_keys: Vec<&str> = audit.tasks.iter().map(|t| t.key.as_str()).collect();
    let tools: Vec<ToolCtx> = role
        .tools
        .iter()
        .filter_map(|rt| {
            let t = catalog.tool(&rt.key)?;
            Some(ToolCtx {
                key: t.key.clone(),
                name: t.name.clone(),
                vendor: t.vendor.clone(),
                category: t.category.clone(),
                description: t.description.clone(),
                automates: rt.automates.clone(),
                your_tasks: role
                    .tasks
                    .iter()
                    .filter(|task| {
                        rt.tasks.contains(&task.key)
                            && person_task_keys.contains(&task.key.as_str())
                    })
                    .map(|task| task.label.clone())
                    .collect(),
                used: audit.ai_tools.contains(&rt.key),
                level: rt.level.label(),
                why: rt.why.clone(),
            })
        })
        .collect();
    // The plan's order (its first is the plan's first tool), at most five.
    let all = super::plan::tools_to_learn(a, catalog);
    let tools_to_learn_total = all.len();
    let tools_to_learn: Vec<ToolCtx> = all
        .iter()
        .filter_map(|rt| tools.iter().find(|t| t.key == rt.key).cloned())
        .take(5)
        .collect();
    let tools_used: Vec<ToolCtx> = audit
        .ai_tools
        .iter()
        .filter_map(|k| catalog.tool(k))
        .map(|t| {
            tools
                .iter()
                .find(|x| x.key == t.key)
                .cloned()
                .unwrap_or_else(|| ToolCtx {
                    key: t.key.clone(),
                    name: t.name.clone(),
                    vendor: t.vendor.clone(),
                    category: t.category.clone(),
                    description: t.description.clone(),
                    automates: vec![],
                    your_tasks: vec![],
                    used: true,
                    level: "",
                    why: String::new(),
                })
        })
        .collect();

    Tools {
        tools,
        tools_to_learn,
        tools_to_learn_total,
        tools_used,
    }
}
