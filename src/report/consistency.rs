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
            Block::Table(t) => out.extend(t.rows.iter().flatten().cloned()),
            Block::Columns(l, r) => {
                out.extend(texts(l));
                out.extend(texts(r));
            }
            Block::Toc | Block::Chart { .. } | Block::Space(_) | Block::Rule => {}
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
        let (pages, _) = layouts.render(&ctx).unwrap();
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
    assert_eq!(lint("the judgement around it")[0].0, "spelling: US English");
    assert_eq!(lint("Behaviour-change review")[0].0, "spelling: US English");
}
