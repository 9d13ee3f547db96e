//! The data the page templates see: everything of the assessment, rounded and labelled for
//! reading, computed once per report. Templates never compute figures themselves, so every
//! number in the copy is the same number the charts show.

use crate::catalog::{Basis, Catalog, Level, TaskClass, Usage};
use crate::score::{Assessment, Band};
use serde::Serialize;

#[derive(Serialize)]
pub struct Context {
    pub person: Person,
    pub role: RoleCtx,
    pub score: ScoreCtx,
    pub components: Vec<ComponentCtx>,
    /// The component that moved the score most (absolute points), if any moved it.
    pub biggest_mover: Option<ComponentCtx>,
    pub split: SplitCtx,
    /// The person's tasks, largest share first.
    pub tasks: Vec<TaskCtx>,
    pub automated: Vec<TaskCtx>,
    pub assisted: Vec<TaskCtx>,
    pub human_safe: Vec<TaskCtx>,
    pub top_task: TaskCtx,
    pub most_exposed_task: TaskCtx,
    pub least_exposed_task: TaskCtx,
    /// Role skills, least resilient first.
    pub skills: Vec<SkillCtx>,
    /// Skills the person's time under-uses compared with the typical profile, most resilient first.
    pub skill_gaps: Vec<SkillCtx>,
    /// The skills the demand chart plots: the person's weakest current ones and the recommended.
    pub demand_current: Vec<SkillCtx>,
    pub demand_recommended: Vec<SkillCtx>,
    /// Every task of the role with its typical share (for comparisons and empty-class pages).
    pub role_tasks: Vec<TaskCtx>,
    pub tools: Vec<ToolCtx>,
    /// Role tools touching the person's tasks that they do not use yet, most useful first (≤ 5).
    pub tools_to_learn: Vec<ToolCtx>,
    pub tools_used: Vec<ToolCtx>,
    pub outlook: Vec<OutlookCtx>,
    pub salary: SalaryCtx,
    pub roadmap: Vec<PhaseCtx>,
    pub quick_wins: Vec<String>,
    pub related: Vec<RelatedCtx>,
    pub meta: MetaCtx,
}

/// A first name longer than this (in user-perceived characters) is shortened in the running
/// copy ("Hi Maximiliana…"): the copy is set for names, not for 120-character words. The full
/// name still shows, wrapped, on the cover and in the header.
const FIRST_NAME_GRAPHEMES: usize = 24;
/// The whole name and the job title in running copy: longer ones are shortened there.
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

/// The reader's own words reach the templates escaped (`markup::escape`): markup characters in
/// a name or title are text, never page structure. Rust code (furniture, metadata) reads them
/// as typed.
fn as_text<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&super::markup::escape(v))
}

#[derive(Serialize)]
pub struct Person {
    #[serde(serialize_with = "as_text")]
    pub full_name: String,
    #[serde(serialize_with = "as_text")]
    pub first_name: String,
    #[serde(serialize_with = "as_text")]
    pub job_title: String,
    /// The name and title cut for running copy (the cover's first paragraph), see [`shorten`].
    #[serde(serialize_with = "as_text")]
    pub name_short: String,
    #[serde(serialize_with = "as_text")]
    pub title_short: String,
    /// The title's words, lower case, split at spaces and `, / - ( )`: for templates that look
    /// for seniority ("senior", "sr.", "head"); compared, never printed.
    pub title_words: Vec<String>,
    pub years: f64,
    /// "6 years", "1 year", "7.5 years"
    pub years_label: String,
    /// early (<3), mid (<8), senior (<15), veteran
    pub experience_level: &'static str,
    pub usage: &'static str,
    pub usage_label: &'static str,
    pub n_tools: usize,
    pub n_tools_on_own_tasks: usize,
    pub country: Option<String>,
    pub industry: String,
    pub industry_key: String,
    pub industry_offset: i32,
    /// Why the industry moves the score, and whether that is sourced or assumed.
    pub industry_note: String,
    pub industry_basis: &'static str,
    /// e.g. "20 November 2026"
    pub submitted: String,
    pub year: i32,
}

#[derive(Serialize)]
pub struct RoleCtx {
    pub key: String,
    pub name: String,
    pub plural: String,
    pub summary: String,
    pub verdict: String,
    pub baseline: i32,
    pub baseline_band: &'static str,
    pub soc: String,
    pub demand_trend: String,
    pub typical_years: f64,
    pub typical_usage: &'static str,
    pub typical_tools: u32,
    pub automation_pct: i32,
    pub horizon: String,
    pub assumptions: Vec<String>,
    pub exposure_sources: Vec<crate::catalog::ExposureSource>,
    pub baseline_note: String,
    /// "sourced" or "editorial"
    pub baseline_basis: &'static str,
}

#[derive(Serialize)]
pub struct ScoreCtx {
    pub value: i32,
    pub band: &'static str,
    /// low, moderate, high, very-high
    pub band_key: &'static str,
    pub automation_pct: i32,
    pub horizon: String,
    pub horizon_from: f64,
    pub horizon_to: f64,
    pub resilience: i32,
    pub adaptability: &'static str,
    pub peers_safer_pct: i32,
    pub peers_riskier_pct: i32,
    pub range_low: i32,
    pub range_high: i32,
    /// The score with task exposures from the human annotators only, and from GPT-4 only.
    pub human_only: i32,
    pub gpt4_only: i32,
    /// score − role baseline
    pub delta: i32,
    pub technology_average: i32,
    pub industry_average: i32,
}

#[derive(Serialize, Clone)]
pub struct ComponentCtx {
    pub key: &'static str,
    pub name: &'static str,
    pub points: i32,
    /// "+3", "−2", "0"
    pub signed: String,
}

#[derive(Serialize)]
pub struct SplitCtx {
    pub you: [i32; 3],
    pub role: [i32; 3],
}

#[derive(Serialize, Clone)]
pub struct TaskCtx {
    pub key: String,
    pub label: String,
    /// automated, assisted, human-safe
    pub class: &'static str,
    pub class_label: &'static str,
    pub share_pct: i32,
    pub typical_share_pct: i32,
    pub exposure_pct: i32,
    pub tools: Vec<String>,
    pub tools_used: Vec<String>,
    pub skill: String,
}

#[derive(Serialize, Clone)]
pub struct SkillCtx {
    pub name: String,
    pub resilience: u32,
    pub band: &'static str,
    pub your_share_pct: i32,
    pub typical_share_pct: i32,
    pub demand_growth: f64,
}

#[derive(Serialize, Clone)]
pub struct ToolCtx {
    pub key: String,
    pub name: String,
    pub vendor: String,
    pub category: String,
    pub description: String,
    pub automates: Vec<String>,
    /// Labels of the person's tasks this tool touches.
    pub your_tasks: Vec<String>,
    pub used: bool,
    pub level: &'static str,
    pub why: String,
}

#[derive(Serialize)]
pub struct OutlookCtx {
    pub year: i32,
    pub person: i32,
    pub role: i32,
}

#[derive(Serialize)]
pub struct SalaryCtx {
    pub role_premium: i32,
    pub your_premium: i32,
}

#[derive(Serialize)]
pub struct PhaseCtx {
    pub span: String,
    pub title: String,
    pub goal: String,
    pub actions: Vec<String>,
    pub from_year: i32,
    pub to_year: i32,
}

#[derive(Serialize)]
pub struct RelatedCtx {
    pub key: String,
    pub name: String,
    pub baseline: i32,
    pub band: &'static str,
    /// role baseline − person's score: negative = safer than where they are.
    pub delta: i32,
}

#[derive(Serialize)]
pub struct MetaCtx {
    pub catalog_version: String,
    pub sources: Vec<crate::catalog::Source>,
    pub task_mix_weight: f64,
    pub experience_slope: f64,
    pub experience_cap: f64,
    pub usage_weight: f64,
    pub tool_cap: u32,
    pub technology_average_note: String,
    pub technology_average_method: String,
    pub catalog_published: String,
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

pub fn build(a: &Assessment, catalog: &Catalog) -> Context {
    let audit = a.audit;
    let role = a.role;
    let year = audit.submitted_at.year();

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
    let mut skill_gaps: Vec<SkillCtx> = skills
        .iter()
        .filter(|s| s.your_share_pct < s.typical_share_pct && s.resilience >= 60)
        .cloned()
        .collect();
    skill_gaps.sort_by(|x, y| {
        y.resilience.cmp(&x.resilience).then(
            (x.your_share_pct - x.typical_share_pct).cmp(&(y.your_share_pct - y.typical_share_pct)),
        )
    });

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
    let mut tools_to_learn: Vec<ToolCtx> = tools
        .iter()
        .filter(|t| !t.used && !t.your_tasks.is_empty())
        .cloned()
        .collect();
    let level_rank = |l: &str| {
        [Level::Beginner, Level::Intermediate, Level::Advanced]
            .iter()
            .position(|x| x.label() == l)
            .unwrap_or(3)
    };
    tools_to_learn.sort_by(|x, y| {
        level_rank(x.level)
            .cmp(&level_rank(y.level))
            .then(y.your_tasks.len().cmp(&x.your_tasks.len()))
    });
    tools_to_learn.truncate(5);
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

    let c = a.components;
    let mut components = vec![
        ComponentCtx {
            key: "task-mix",
            name: "Your task mix",
            points: c.task_mix,
            signed: signed(c.task_mix),
        },
        ComponentCtx {
            key: "experience",
            name: "Your experience",
            points: c.experience,
            signed: signed(c.experience),
        },
        ComponentCtx {
            key: "ai-fluency",
            name: "Your AI fluency",
            points: c.ai_fluency,
            signed: signed(c.ai_fluency),
        },
        ComponentCtx {
            key: "industry",
            name: "Your industry",
            points: c.industry,
            signed: signed(c.industry),
        },
    ];
    if c.clamp != 0 {
        components.push(ComponentCtx {
            key: "clamp",
            name: "Scale limit (1–99)",
            points: c.clamp,
            signed: signed(c.clamp),
        });
    }
    let biggest_mover = components
        .iter()
        .filter(|x| x.points != 0 && x.key != "clamp")
        .max_by_key(|x| x.points.abs())
        .cloned();

    let experience_level = match audit.years_experience {
        y if y < 3.0 => "early",
        y if y < 8.0 => "mid",
        y if y < 15.0 => "senior",
        _ => "veteran",
    };
    let d = audit.submitted_at;

    Context {
        person: Person {
            full_name: audit.full_name.clone(),
            first_name: shorten(audit.first_name(), FIRST_NAME_GRAPHEMES),
            job_title: audit.job_title.clone(),
            name_short: shorten(&audit.full_name, RUNNING_COPY_GRAPHEMES),
            title_short: shorten(&audit.job_title, RUNNING_COPY_GRAPHEMES),
            title_words: audit
                .job_title
                .to_lowercase()
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | '-' | '(' | ')'))
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
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
        },
        role: RoleCtx {
            key: role.key.clone(),
            name: role.name.clone(),
            plural: role.plural.clone(),
            summary: role.summary.clone(),
            verdict: role.verdict.clone(),
            baseline: role.baseline,
            baseline_band: Band::of(role.baseline).label(),
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
        },
        score: ScoreCtx {
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
            delta: a.score - role.baseline,
            technology_average: pct(a.technology_average),
            industry_average: (role.baseline + a.industry.offset).clamp(1, 99),
        },
        components,
        biggest_mover,
        split: SplitCtx {
            you: a.split_person.map(pct),
            role: a.split_role.map(pct),
        },
        automated: by_class(TaskClass::Automated),
        assisted: by_class(TaskClass::Assisted),
        human_safe: by_class(TaskClass::HumanSafe),
        top_task: tasks[0].clone(),
        most_exposed_task: by_exposure(true),
        least_exposed_task: by_exposure(false),
        tasks,
        skills,
        skill_gaps,
        demand_current,
        demand_recommended,
        role_tasks,
        tools,
        tools_to_learn,
        tools_used,
        outlook: a
            .outlook
            .iter()
            .map(|p| OutlookCtx {
                year: p.year,
                person: pct(p.person),
                role: pct(p.role),
            })
            .collect(),
        salary: SalaryCtx {
            role_premium: pct(a.salary_premium_role),
            your_premium: pct(a.salary_premium_person),
        },
        roadmap: role
            .roadmap
            .iter()
            .map(|p| PhaseCtx {
                span: p.span.clone(),
                title: p.title.clone(),
                goal: p.goal.clone(),
                actions: p.actions.clone(),
                from_year: year + p.start_year as i32,
                to_year: year + p.end_year as i32,
            })
            .collect(),
        quick_wins: role.quick_wins.clone(),
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
        },
    }
}
