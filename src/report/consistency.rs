//! The consistency suite: generated audits and edge profiles, each checked on the report's typed
//! data (the template context and the chart series) and on the text its templates render, for
//! the rules a careful reader holds the report to: one figure per claim, ties named as ties, no
//! template seams. A rule broken in one report fails the suite and names the audit.

use super::context::{self, Context};
use super::markup::Block;
use super::templates::Layouts;
use crate::catalog::{Catalog, Usage};
use crate::chart::Series;
use crate::input::{Audit, TaskShare};
use crate::score::assess;
use std::collections::BTreeMap;

/// One report's rule breaks: (rule, what was found).
fn check(ctx: &Context, series: &Series, pages: &[Vec<Block>]) -> Vec<(&'static str, String)> {
    let mut broken = Vec::new();

    // p16: the text's figures are the chart's "(you)" pair, rounded the same way.
    let you = &series.salary[series.salary_you];
    let (chart_role, chart_you) = (you.role.round() as i32, you.person.round() as i32);
    if (ctx.salary.role_premium, ctx.salary.your_premium) != (chart_role, chart_you) {
        broken.push((
            "salary: one figure in text and chart",
            format!(
                "text {}% / {}%, chart {chart_role}% / {chart_you}% at {}",
                ctx.salary.role_premium, ctx.salary.your_premium, you.level
            ),
        ));
    }
    if !ctx.salary.level.eq_ignore_ascii_case(&you.level) {
        broken.push((
            "salary: one figure in text and chart",
            format!("text level {}, chart level {}", ctx.salary.level, you.level),
        ));
    }

    // p3/p4: the factor that "moves your score most" is the largest, and an equal one is named.
    let movers: Vec<_> = ctx
        .components
        .iter()
        .filter(|c| c.key != "clamp" && c.points != 0)
        .collect();
    let most = movers.iter().map(|c| c.points.abs()).max();
    let tied = movers
        .iter()
        .filter(|c| Some(c.points.abs()) == most)
        .count();
    let named = ctx.biggest_mover.iter().count() + ctx.mover_ties.len();
    let lead_ok = ctx.biggest_mover.as_ref().map(|m| m.points.abs()) == most;
    if !lead_ok || named != tied {
        broken.push((
            "score: the biggest mover and its ties",
            format!(
                "{tied} component(s) at {most:?} points; the report names {named} ({:?})",
                ctx.biggest_mover.as_ref().map(|m| m.key)
            ),
        ));
    }
    let p4 = texts(&pages[3]).join(" ");
    if !ctx.mover_ties.is_empty() && !p4.contains("tied") {
        broken.push((
            "score: the biggest mover and its ties",
            "a tie that page 4 does not call one".into(),
        ));
    }

    raters_range(ctx, pages, &mut broken);
    task_mix_once(ctx, pages, &mut broken);
    benchmark_labels(ctx, series, &mut broken);
    rank_words(ctx, pages, &mut broken);
    related_roles(ctx, series, pages, &mut broken);
    dates(ctx, pages, &mut broken);
    honest_wording(ctx, pages, &mut broken);

    for (page, blocks) in pages.iter().enumerate() {
        for text in texts(blocks) {
            // The reader's own words are theirs: "Li Li Na" is a name, not a seam.
            let mut text = text;
            for own in [&ctx.person.full_name, &ctx.person.job_title] {
                text = text.replace(own.as_str(), "Reader");
            }
            for (rule, found) in lint(&text) {
                broken.push((rule, format!("page {}: {found}", page + 1)));
            }
        }
    }
    broken
}

/// p4: the two rater-only scores bracket the score when the text says so ("lies between the
/// two"); otherwise the text says the score sits outside the raters' range, and why.
fn raters_range(ctx: &Context, pages: &[Vec<Block>], broken: &mut Vec<(&'static str, String)>) {
    const RULE: &str = "score: the raters' range contains the score or the text says why";
    let s = &ctx.score;
    let (lo, hi) = (s.human_only.min(s.gpt4_only), s.human_only.max(s.gpt4_only));
    let inside = (lo..=hi).contains(&s.value);
    let side = if s.value > hi {
        "above"
    } else if s.value < lo {
        "below"
    } else {
        "within"
    };
    if s.raters_bracket != inside || s.raters_side != side {
        broken.push((
            RULE,
            format!(
                "score {}, raters {} / {}: context says bracket={} side={}",
                s.value, s.human_only, s.gpt4_only, s.raters_bracket, s.raters_side
            ),
        ));
    }
    if !inside
        && (s.raters_outside_reason.is_empty()
            || (s.raters_outside_reason == "automation") != (s.nudged_tasks > 0 && side == "above"))
    {
        broken.push((
            RULE,
            format!(
                "score {} outside {lo}–{hi} with reason “{}” and {} nudged task(s)",
                s.value, s.raters_outside_reason, s.nudged_tasks
            ),
        ));
    }
    let p4 = texts(&pages[3]).join(" ");
    let caveat = p4.contains("outside the raters’ range");
    let between = p4.contains("lies between") || p4.contains("likely between");
    if inside == caveat || (between && !inside) {
        broken.push((
            RULE,
            format!(
                "score {}, raters {} / {}: page 4 {}",
                s.value,
                s.human_only,
                s.gpt4_only,
                if caveat {
                    "calls it outside"
                } else {
                    "says it lies between them"
                }
            ),
        ));
    }
}

/// p6 speaks of the task mix's points only as page 4 shows them.
fn task_mix_once(ctx: &Context, pages: &[Vec<Block>], broken: &mut Vec<(&'static str, String)>) {
    const RULE: &str = "task mix: one figure on pages 4 and 6";
    let Some(tm) = ctx
        .components
        .iter()
        .find(|c| c.key == "task-mix")
        .map(|c| c.points)
    else {
        return;
    };
    for text in texts(&pages[5]) {
        for sentence in text.split(". ").filter(|x| x.contains("task mix")) {
            let zero = sentence.contains("no points") || sentence.contains("does not lower");
            let words: Vec<&str> = sentence.split_whitespace().collect();
            let figures: Vec<i32> = words
                .windows(2)
                .filter(|w| w[1].starts_with("point"))
                .filter_map(|w| w[0].trim_start_matches(['(', '+', '−']).parse().ok())
                .collect();
            let wrong = (zero && tm != 0)
                || figures.iter().any(|&f| f != tm.abs())
                || (sentence.contains(" off") && tm >= 0)
                || (sentence.contains("works in your favor") && tm >= 0)
                || (!zero && sentence.contains(" adds ") && tm <= 0);
            if wrong {
                broken.push((RULE, format!("page 4 says {tm}, page 6: “{sentence}”")));
            }
        }
    }
}

/// p5: the chart's bars are the context's, each labelled for what it is; no industry bar for
/// readers whose industry is the technology reference.
fn benchmark_labels(ctx: &Context, series: &Series, broken: &mut Vec<(&'static str, String)>) {
    const RULE: &str = "benchmark: bars say what they are, chart and text alike";
    let chart: Vec<(String, i32)> = series
        .benchmark
        .iter()
        .map(|(l, v, _)| (l.clone(), v.round() as i32))
        .collect();
    let text: Vec<(String, i32)> = ctx
        .benchmark
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    if chart != text {
        broken.push((RULE, format!("chart {chart:?}, text {text:?}")));
    }
    for b in &ctx.benchmark {
        let ok = match b.key {
            "you" => b.label == "You" && b.value == ctx.score.value,
            "role" => b.label.contains(&ctx.role.name) && b.value == ctx.role.baseline,
            "industry" => {
                ctx.person.industry_key != "technology"
                    && b.label.contains(&ctx.role.plural)
                    && b.label.contains(&ctx.person.industry)
                    && b.value == ctx.score.industry_average
            }
            "technology" => {
                b.label.contains("technology") && b.value == ctx.score.technology_average
            }
            _ => false,
        };
        if !ok || b.label.starts_with("Your ") {
            broken.push((RULE, format!("bar {:?} “{}” = {}", b.key, b.label, b.value)));
        }
    }
    let has_industry = ctx.benchmark.iter().any(|b| b.key == "industry");
    if has_industry == (ctx.person.industry_key == "technology") {
        broken.push((
            RULE,
            format!(
                "industry {}: industry bar shown = {has_industry}",
                ctx.person.industry_key
            ),
        ));
    }
}

/// Every rank word about a skill follows its actual rank among the role's skills, and the copy
/// takes it from the context.
fn rank_words(ctx: &Context, pages: &[Vec<Block>], broken: &mut Vec<(&'static str, String)>) {
    const RULE: &str = "skills: rank words follow the rank";
    let n = ctx.skills.len();
    for s in &ctx.skills {
        let Some(r) = ctx.skill_ranks.get(&s.name) else {
            broken.push((RULE, format!("no rank for {}", s.name)));
            continue;
        };
        let above = ctx
            .skills
            .iter()
            .filter(|o| o.resilience > s.resilience)
            .count();
        let below = ctx
            .skills
            .iter()
            .filter(|o| o.resilience < s.resilience)
            .count();
        let tied = above + below + 1 < n;
        let w = r.words;
        let ok = r.rank == above + 1
            && r.of == n
            && r.tied == tied
            && (!w.contains("most") || above == 0)
            && (!w.contains("least") || below == 0)
            && (!w.contains("more resilient") || 2 * above < n - 1)
            && (!w.contains("less resilient") || 2 * below < n - 1)
            && (!w.contains("middle") || (above > 0 && below > 0))
            && (w.contains("tied") == (tied && (above == 0 || below == 0)));
        if !ok {
            broken.push((
                RULE,
                format!(
                    "{}: “{w}” at rank {} of {n} ({above} above, {below} below)",
                    s.name, r.rank
                ),
            ));
        }
    }
    // In the copy: a block that uses a rank phrase names a skill whose words it is.
    const PHRASES: [&str; 7] = [
        "most resilient",
        "least resilient",
        "among the more resilient",
        "among the less resilient",
        "in the middle for resilience",
        "one of the weaker skills",
        "one of the stronger skills",
    ];
    for (page, blocks) in pages
        .iter()
        .enumerate()
        .filter(|(i, _)| [7, 8, 9].contains(i))
    {
        for text in texts(blocks) {
            if !PHRASES.iter().any(|p| text.contains(p)) {
                continue;
            }
            let mut rest = text.clone();
            for (name, r) in &ctx.skill_ranks {
                if text.contains(name.as_str()) {
                    rest = rest.replace(r.words, "");
                }
            }
            if let Some(p) = PHRASES.iter().find(|p| rest.contains(*p)) {
                broken.push((RULE, format!("page {}: “{p}” in “{text}”", page + 1)));
            }
        }
    }
}

/// p23: the chart and the table list related roles in one order; "safer than each" only when
/// strictly safer than each, and a role with the same baseline is named as equal.
fn related_roles(
    ctx: &Context,
    series: &Series,
    pages: &[Vec<Block>],
    broken: &mut Vec<(&'static str, String)>,
) {
    const RULE: &str = "related roles: one order, equal named as equal";
    let chart: Vec<&str> = series.related.iter().map(|r| r.name.as_str()).collect();
    let table: Vec<&str> = ctx.related.iter().map(|r| r.name.as_str()).collect();
    if chart != table {
        broken.push((RULE, format!("chart {chart:?}, table {table:?}")));
    }
    let p23 = texts(&pages[22]);
    let all = p23.join(" ");
    if all.contains("safer than the typical version of each")
        && ctx.related.iter().any(|r| r.delta <= 0)
    {
        broken.push((RULE, "“safer than each” with an equal or safer role".into()));
    }
    for r in ctx.related.iter().filter(|r| r.delta == 0) {
        let named = p23.iter().any(|t| {
            t.contains("same baseline") && t.contains(r.name.as_str()) && !t.starts_with(&r.name)
        });
        if !named {
            broken.push((
                RULE,
                format!("{} equals the score but is not named as equal", r.name),
            ));
        }
    }
}

/// p24 and the context: no date after the report's (submission) date.
fn dates(ctx: &Context, pages: &[Vec<Block>], broken: &mut Vec<(&'static str, String)>) {
    const RULE: &str = "dates: none after the report's date";
    let report = ctx.meta.report_date_iso.as_str();
    if ctx.meta.data_as_of_iso.as_str() > report {
        broken.push((
            RULE,
            format!("data as of {} > {report}", ctx.meta.data_as_of_iso),
        ));
    }
    for s in &ctx.meta.sources {
        if s.published.as_str() > &report[..s.published.len().min(report.len())] {
            broken.push((
                RULE,
                format!("source {} published {} > {report}", s.key, s.published),
            ));
        }
    }
    use super::context::MONTHS;
    for (page, blocks) in pages.iter().enumerate() {
        for text in texts(blocks) {
            let words: Vec<&str> = text.split_whitespace().collect();
            for w in words.windows(3) {
                let (Ok(d), Some(m), Ok(y)) = (
                    w[0].parse::<u32>(),
                    MONTHS.iter().position(|m| *m == w[1]),
                    w[2].trim_end_matches(['.', ',', ';', ')']).parse::<u32>(),
                ) else {
                    continue;
                };
                let iso = format!("{y:04}-{:02}-{d:02}", m + 1);
                if iso.as_str() > report {
                    broken.push((
                        RULE,
                        format!(
                            "page {}: {} {} {} after {report}",
                            page + 1,
                            w[0],
                            w[1],
                            w[2]
                        ),
                    ));
                }
            }
        }
    }
}

/// Item 6 of #13: exposure is what raters rated, tool use inferred from the tool list is
/// worded as such, and the model's offsets are the model's.
fn honest_wording(ctx: &Context, pages: &[Vec<Block>], broken: &mut Vec<(&'static str, String)>) {
    let mut tools: Vec<&str> = ctx.tools.iter().map(|t| t.name.as_str()).collect();
    tools.extend(ctx.tools_used.iter().map(|t| t.name.as_str()));
    for (page, blocks) in pages.iter().enumerate() {
        for text in texts(blocks) {
            for (rule, found) in wording(&text, &tools) {
                broken.push((rule, format!("page {}: {found}", page + 1)));
            }
        }
    }
    // Adaptability: High for weekly or daily use of two or more tools, Low without AI use.
    let frequent = matches!(ctx.person.usage, "weekly" | "daily");
    let want = match ctx.person.usage {
        "never" => "Low",
        _ if frequent && ctx.person.n_tools >= 2 => "High",
        _ => "Medium",
    };
    if ctx.score.adaptability != want {
        broken.push((
            "model: adaptability follows use and the number of tools",
            format!(
                "{} use, {} tool(s): {} (want {want})",
                ctx.person.usage, ctx.person.n_tools, ctx.score.adaptability
            ),
        ));
    }
    // General assistants touch the same tasks of a role.
    let role_has = |n: &str| {
        ctx.role_tasks
            .iter()
            .any(|t| t.tools.iter().any(|x| x == n))
    };
    if role_has("ChatGPT") && role_has("Claude") {
        for t in &ctx.role_tasks {
            let has = |n: &str| t.tools.iter().any(|x| x == n);
            if has("ChatGPT") != has("Claude") {
                broken.push((
                    "model: general assistants touch the same tasks",
                    format!(
                        "{}: ChatGPT {}, Claude {}",
                        t.key,
                        has("ChatGPT"),
                        has("Claude")
                    ),
                ));
            }
        }
    }
}

/// The wording lint of item 6 on one piece of text; `tools` are tool names the reader may
/// have listed.
fn wording(text: &str, tools: &[&str]) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    for p in [
        "can already do",
        "ai can do",
        "ai can perform",
        "can be done by",
    ] {
        if lower.contains(p) {
            found.push((
                "wording: exposure is what raters rated",
                format!("“{p}” in “{text}”"),
            ));
        }
    }
    for t in tools {
        let t = t.to_lowercase();
        for lead in ["you use ", "you also use ", "you already use "] {
            if lower.contains(&format!("{lead}{t}")) {
                found.push((
                    "wording: tool use is inferred from the tool list",
                    format!("“{lead}{t}” in “{text}”"),
                ));
            }
        }
    }
    for sentence in lower.split(". ") {
        let offset = [
            "adopting ai faster",
            "adopts ai faster",
            "adopting ai more slowly",
            "adopts ai more slowly",
            "sector’s pace",
            "are safer than you",
        ]
        .iter()
        .any(|p| sentence.contains(p))
            || (sentence.contains("gives you") && sentence.contains("adaptability"));
        if offset && !sentence.contains("model") && !sentence.contains("assum") {
            found.push((
                "wording: model offsets are the model's",
                format!("“{sentence}” in “{text}”"),
            ));
        }
    }
    found
}

/// Every piece of text of a page's blocks, as the reader would read it (bold marks removed).
pub(super) fn texts(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Kicker(t)
            | Block::Title(t)
            | Block::Paragraph(t)
            | Block::Lead(t)
            | Block::Small(t)
            | Block::Heading { text: t, .. }
            | Block::Callout { text: t, .. } => out.push(t.clone()),
            Block::Bullets(v) | Block::Numbered(v) | Block::Checklist(v) => {
                out.extend(v.iter().cloned())
            }
            Block::Kpis(tiles) => {
                out.extend(tiles.iter().map(|k| format!("{} {}", k.value, k.note)))
            }
            Block::Table(t) => out.extend(t.rows.iter().flatten().map(super::markup::Cell::text)),
            Block::Columns(l, r) => {
                out.extend(texts(l));
                out.extend(texts(r));
            }
            Block::Toc
            | Block::Chart { .. }
            | Block::Space(_)
            | Block::Rule
            | Block::Foot
            | Block::Spare
            | Block::Optional { .. }
            | Block::EndOptional => {}
        }
    }
    out.into_iter().map(|t| t.replace("**", "")).collect()
}

/// Seams a template leaves when its wording does not follow the data.
fn lint(text: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "“”\"(),;:".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        let (w, next) = (pair[0], pair[1]);
        let next_l = next.to_lowercase();
        if w == "a" || w == "an" {
            let want = super::templates::article(next);
            // "a 24-page" and other numbers are read aloud; only words are checked.
            if next_l.starts_with(|c: char| c.is_alphabetic()) && want != w {
                found.push(("grammar: a/an", format!("“{w} {next}” in “{text}”")));
            }
        }
        if w == "1" {
            let plural = [
                "tasks", "tools", "points", "years", "skills", "more", "reports",
            ];
            if plural.contains(&next_l.trim_end_matches(['.', ','])) {
                found.push((
                    "grammar: singular after 1",
                    format!("“1 {next}” in “{text}”"),
                ));
            }
        }
    }
    // A sentence run into the next ("we cover.You are"): a template line that lost its space.
    for w in &words {
        let c: Vec<char> = w.chars().collect();
        if c.windows(3)
            .any(|x| x[0].is_lowercase() && x[1] == '.' && x[2].is_uppercase())
        {
            found.push((
                "grammar: space after a sentence",
                format!("“{w}” in “{text}”"),
            ));
        }
    }
    // Only across a space: "Core ML, ML Kit" is a list, "the the" a seam.
    let spaced: Vec<&str> = text.split_whitespace().collect();
    for pair in spaced.windows(2) {
        let (w, next) = (pair[0], pair[1].trim_end_matches(['.', ',', ';', ':']));
        let alpha = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphabetic() || c == '-');
        let twice = alpha(w) && w.eq_ignore_ascii_case(next);
        if twice || (w.ends_with("-level") && next == "level") {
            found.push(("grammar: a word twice", format!("“{w} {next}” in “{text}”")));
        }
    }
    // One English: US spelling (the report's /Lang is en-US).
    const BRITISH: [&str; 14] = [
        "judgement",
        "behaviour",
        "organisation",
        "personalised",
        "summarises",
        "modelling",
        "catalogue",
        "colour",
        "colours",
        "favour",
        "optimisation",
        "localisation",
        "practise",
        "labelled",
    ];
    // Parts of hyphenated words too: "Behaviour-change review".
    for w in words.iter().flat_map(|w| w.split('-')) {
        let lw = w.to_lowercase();
        if BRITISH.contains(&lw.trim_end_matches(['.', ',', '’'])) {
            found.push(("spelling: US English", format!("“{w}” in “{text}”")));
        }
    }
    // "from today’s 36% to above the typical 36%": a comparison of a figure with itself.
    for (i, _) in text.match_indices("today’s ") {
        let rest = &text[i + "today’s ".len()..];
        let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let then = rest[n.len()..].strip_prefix("% to above the typical ");
        if !n.is_empty() && then.is_some_and(|t| t.starts_with(&format!("{n}%"))) {
            found.push((
                "grammar: a figure compared with itself",
                format!("“{text}”"),
            ));
        }
    }
    for w in &words {
        if w.trim_end_matches(['.', ',', '’', '\'', 's']) == "ai" {
            found.push(("grammar: AI capitalised", format!("“{w}” in “{text}”")));
        }
    }
    found
}

/// Edge profiles for every role: 0 and 60 years, no AI, daily AI with every tool of the role,
/// a one-task week, each seniority word in the title.
fn edge_audits(catalog: &Catalog) -> Vec<Audit> {
    let titles = [
        "Junior",
        "Senior",
        "Lead",
        "Staff",
        "Principal",
        "Manager",
        "Head of",
        "Director",
        "VP",
        "Chief",
    ];
    let mut out = Vec::new();
    for (i, role) in catalog.roles.iter().enumerate() {
        let base = crate::score::fixtures::typical(catalog, &role.key);
        let mut young = base.clone();
        young.years_experience = 0.0;
        young.ai_usage = Usage::Never;
        young.ai_tools.clear();
        let mut old = base.clone();
        old.years_experience = 60.0;
        old.ai_usage = Usage::Daily;
        old.ai_tools = role.tools.iter().map(|t| t.key.clone()).collect();
        let mut one = base.clone();
        one.tasks = vec![TaskShare {
            key: role.tasks[i % role.tasks.len()].key.clone(),
            share: 1.0,
        }];
        // Every seniority word in every role, at an age the word contradicts as often as not.
        for (k, word) in titles.iter().enumerate() {
            let mut titled = base.clone();
            titled.job_title = format!("{word} {}", role.name);
            titled.years_experience = [1.0, 4.0, 12.0, 25.0][(i + k) % 4];
            out.push(titled);
        }
        out.extend([base, young, old, one]);
    }
    out
}

/// Audits as the nightly run reads them: the sample generator's CSV through the real reader.
fn sample_audits(catalog: &Catalog, rows: usize, seed: u64) -> Vec<Audit> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.csv");
    let file = std::fs::File::create(&path).unwrap();
    crate::sample::write_sample(catalog, rows, seed, file).unwrap();
    crate::input::open(&path, catalog)
        .unwrap()
        .filter_map(Result::ok)
        .collect()
}

/// Rule → (reports that break it, first example).
fn run(
    audits: &[Audit],
    catalog: &Catalog,
    layouts: &Layouts,
) -> BTreeMap<&'static str, (usize, String)> {
    let mut tally: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    for audit in audits {
        let a = assess(audit, catalog).unwrap();
        let ctx = context::build(&a, catalog);
        let series = context::series(&a, catalog);
        let (pages, _) = layouts.render(&ctx, false).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        let advice = super::consistency_advice::check(&ctx, audit, &pages);
        for (rule, what) in check(&ctx, &series, &pages).into_iter().chain(advice) {
            if seen.insert(rule) {
                let e = tally.entry(rule).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = format!("{}: {what}", audit.audit_id);
                }
            }
        }
    }
    tally
}

#[test]
fn every_report_keeps_its_figures_and_wording_consistent() {
    let catalog = Catalog::builtin();
    let layouts = Layouts::builtin();
    let mut audits = sample_audits(&catalog, 2000, 7);
    assert_eq!(audits.len(), 2000, "the generator's rows are all valid");
    audits.extend(edge_audits(&catalog));
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("input/audits.csv");
    audits.extend(
        crate::input::open(&sample, &catalog)
            .unwrap()
            .filter_map(Result::ok),
    );
    let tally = run(&audits, &catalog, &layouts);
    assert!(
        tally.is_empty(),
        "{} audits; rules broken (reports, first example):\n{}",
        audits.len(),
        tally
            .iter()
            .map(|(rule, (n, ex))| format!("- {rule}: {n} — {ex}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_wording_lint_catches_each_claim() {
    let tools = ["GitHub Copilot"];
    let rule = |t: &str| wording(t, &tools).first().map(|f| f.0);
    assert_eq!(
        rule("how much of your work AI can already do"),
        Some("wording: exposure is what raters rated")
    );
    assert_eq!(
        rule("You use GitHub Copilot on it"),
        Some("wording: tool use is inferred from the tool list")
    );
    assert_eq!(
        rule("Media is adopting AI faster than technology."),
        Some("wording: model offsets are the model's")
    );
    assert_eq!(
        rule("68% of Backend Developers are safer than you"),
        Some("wording: model offsets are the model's")
    );
    assert!(wording("you listed GitHub Copilot, which covers this task", &tools).is_empty());
    assert!(wording(
        "Our model assumes Media adopts AI faster than technology.",
        &tools
    )
    .is_empty());
    assert!(wording(
        "In our peer model, 68% of Backend Developers are safer than you",
        &tools
    )
    .is_empty());
}

#[test]
fn rank_words_follow_the_rank() {
    use super::context::rank_words as w;
    assert_eq!(w(0, 7, false, 8).1, "the most resilient");
    assert_eq!(w(1, 6, false, 8).1, "among the more resilient");
    assert_eq!(w(6, 1, false, 8).1, "among the less resilient");
    assert_eq!(w(3, 4, false, 8).1, "in the middle for resilience");
    assert_eq!(w(7, 0, false, 8).1, "the least resilient");
    assert_eq!(w(0, 6, true, 8).1, "tied for the most resilient");
}

#[test]
fn the_lint_catches_each_seam() {
    assert_eq!(
        lint("It is a intermediate-level tool")[0].0,
        "grammar: a/an"
    );
    assert_eq!(lint("an beginner")[0].0, "grammar: a/an");
    assert!(lint("a user, an hour, a 24-page report, an AI tool, an SLO, a UX review").is_empty());
    assert_eq!(lint("a SLO")[0].0, "grammar: a/an");
    assert!(lint("an H2O baseline, a B2B client").is_empty());
    assert_eq!(
        lint("has risen from today’s 36% to above the typical 36%.")[0].0,
        "grammar: a figure compared with itself"
    );
    assert!(lint("has risen from today’s 30% to above the typical 36%.").is_empty());
    assert_eq!(
        lint("Page 13 lists 1 more.")[0].0,
        "grammar: singular after 1"
    );
    assert_eq!(lint("your ai fluency")[0].0, "grammar: AI capitalised");
    assert!(lint("AI’s pace, 1 task, 2 tasks").is_empty());
    assert_eq!(
        lint("At mid-level level, the the")[0].0,
        "grammar: a word twice"
    );
    assert_eq!(lint("and the the end").len(), 1);
    assert_eq!(
        lint("roles we cover.You are 10 points")[0].0,
        "grammar: space after a sentence"
    );
    assert_eq!(lint("the judgement around it")[0].0, "spelling: US English");
    assert_eq!(lint("Behaviour-change review")[0].0, "spelling: US English");
}
