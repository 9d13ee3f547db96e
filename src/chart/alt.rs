//! The charts in words: the alternative text (PDF/UA /Alt) a screen reader speaks in place of each
//! chart. It is written from the same `Series` the drawing uses, with the drawing's labels and
//! rounding, so a reader who hears the chart and one who sees it are told the same figures.

use super::{pct, signed, ChartError, Series};
use crate::catalog::TaskClass;
use crate::score::Band;

/// Screen readers speak /Alt in one go, with no way to skip part of it; past this, long lists
/// (tasks, skills, related roles) name their first items and say how many more there are.
const MAX_CHARS: usize = 600;

/// The demand chart draws its lines over these years and at most this many per group (one
/// colour each), whatever the series holds.
const DEMAND_YEARS: (i32, i32) = (2026, 2035);
const DEMAND_LINES: usize = 3;

/// What the chart called `name` shows, in words, for readers who cannot see it (the PDF's /Alt).
pub fn alt_text(name: &str, data: &Series) -> Result<String, ChartError> {
    Ok(match name {
        "gauge" => gauge(data),
        "waterfall" => waterfall(data),
        "benchmark" => benchmark(data),
        "peers" => peers(data),
        "time-split" => time_split(data),
        "task-exposure" => task_exposure(data),
        "skills" => skills(data),
        "outlook" => outlook(data),
        "salary" => salary(data),
        "demand" => demand(data),
        "roadmap" => roadmap(data),
        "related-roles" => related_roles(data),
        "score-scale" => score_scale(data),
        "class-automated" => class_tasks(data, TaskClass::Automated),
        "class-assisted" => class_tasks(data, TaskClass::Assisted),
        "class-human-safe" => class_tasks(data, TaskClass::HumanSafe),
        "skill-gaps" => skill_gaps(data),
        "phase-1" => phase(data, 0),
        "phase-2" => phase(data, 1),
        "phase-3" => phase(data, 2),
        "ninety-days" => ninety_days(data),
        _ => return Err(ChartError::Unknown(name.to_string())),
    })
}

fn gauge(d: &Series) -> String {
    // The band ranges come from `Band::of`, the rule that gave the reader their band.
    let bands: Vec<String> = Band::ALL
        .iter()
        .filter_map(|b| {
            let mut scores = (0..=100).filter(|s| Band::of(*s) == *b);
            let lo = scores.next()?;
            let hi = scores.next_back().unwrap_or(lo);
            Some(format!("{} {lo} to {hi}", b.label()))
        })
        .collect();
    format!(
        "Gauge: your risk score is {} out of 100, {} risk. The scale has four bands: {}.",
        d.score,
        d.band.label(),
        join(&bands)
    )
}

fn score_scale(d: &Series) -> String {
    format!(
        "Bar chart of the score scale from 0 to 100 in four bands, Low, Moderate, High and Very high: your score of {} is marked above the {} band, the typical {} baseline of {} below the scale.",
        d.score,
        d.band.label(),
        d.role_name,
        d.components.baseline
    )
}

fn waterfall(d: &Series) -> String {
    let c = &d.components;
    let mut steps = vec![
        ("Task mix", c.task_mix),
        ("Experience", c.experience),
        ("AI fluency", c.ai_fluency),
        ("Industry", c.industry),
    ];
    // The chart shows the clamp only when it moved the score; "1–99" said as words.
    if c.clamp != 0 {
        steps.push(("Limit to the range 1 to 99", c.clamp));
    }
    let steps: Vec<String> = steps
        .iter()
        .map(|(name, v)| format!("{name} {}", signed_words(*v)))
        .collect();
    format!(
        "Waterfall chart: from the role baseline of {} to your score of {}. The steps are {}.",
        c.baseline,
        d.score,
        join(&steps)
    )
}

fn benchmark(d: &Series) -> String {
    let bar = |(label, value, _): &(String, f64, bool)| format!("{label} {}", score(*value));
    let (you, others): (Vec<_>, Vec<_>) = d.benchmark.iter().partition(|b| b.2);
    let others: Vec<String> = others.into_iter().map(bar).collect();
    let lead = "Bar chart of risk scores out of 100";
    match you.first() {
        Some(b) if others.is_empty() => format!("{lead}: your score {}.", score(b.1)),
        Some(b) => format!(
            "{lead}: your score {} against {}.",
            score(b.1),
            join(&others)
        ),
        None => format!("{lead}: {}.", join(&others)),
    }
}

fn peers(d: &Series) -> String {
    let mut text = format!(
        "Distribution chart of risk scores from 0 to 100 among {}: you are at {}, and {}% of \
         peers are safer than you, shaded below your score.",
        d.role_plural, d.score, d.peers_safer_pct
    );
    // The drawing refuses a distribution without spread; then there is no peak to speak of.
    if d.peer_sd > 0.0 && d.peer_mean.is_finite() {
        text.push_str(&format!(
            " The curve peaks at about {}.",
            d.peer_mean.clamp(0.0, 100.0).round() as i32
        ));
    }
    text
}

fn time_split(d: &Series) -> String {
    let you = shares(&d.split_person);
    let role = shares(&d.split_role);
    let classed: Vec<String> = TaskClass::ALL
        .iter()
        .zip(&you)
        .map(|(c, s)| format!("{s} on {}", c.label()))
        .collect();
    format!(
        "Stacked bar chart of working time by task class: you spend {} tasks. A typical {} \
         spends {}.",
        join(&classed),
        d.role_name,
        join(&role)
    )
}

/// A stacked bar's segments as the chart labels them: shares of the row's total, whole percent.
fn shares(split: &[f64; 3]) -> Vec<String> {
    let total = split.iter().sum::<f64>().max(1e-9);
    split.iter().map(|s| pct(100.0 * s / total)).collect()
}

fn task_exposure(d: &Series) -> String {
    let mut tasks: Vec<_> = d.tasks.iter().collect();
    // The chart's order: most exposed first, ties in the assessment's order.
    tasks.sort_by(|x, y| y.exposure.total_cmp(&x.exposure));
    let items: Vec<String> = tasks
        .iter()
        .map(|t| format!("{} {}", t.label, pct(100.0 * t.exposure)))
        .collect();
    // The bars' colours, counted rather than repeated per task: it costs a sentence, not a
    // word per bar, and still covers the tasks a long list leaves unnamed.
    let classes: Vec<String> = TaskClass::ALL
        .iter()
        .map(|c| (c, tasks.iter().filter(|t| t.class == *c).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{n} {}", c.label()))
        .collect();
    let (what, tail) = match items.len() {
        1 => (
            "your task is".to_string(),
            format!(". It is {}.", join(&classes)),
        ),
        n => (
            format!("your {n} tasks are"),
            format!(". By class: {}.", join(&classes)),
        ),
    };
    listed(
        &format!("Bar chart of how exposed to AI {what}, most exposed first: "),
        &items,
        &tail,
    )
}

fn skills(d: &Series) -> String {
    let mut skills: Vec<_> = d.skills.iter().collect();
    skills.sort_by_key(|s| s.resilience);
    let items: Vec<String> = skills
        .iter()
        .map(|s| format!("{} {}%", s.name, s.resilience))
        .collect();
    listed(
        &format!(
            "Bar chart of how resilient to AI the {} skills of the {} role are, higher is safer, \
             least resilient first: ",
            items.len(),
            d.role_name
        ),
        &items,
        ".",
    )
}

fn outlook(d: &Series) -> String {
    let (Some(first), Some(last)) = (d.outlook.first(), d.outlook.last()) else {
        return "Line chart of projected AI exposure, with no years to show.".to_string();
    };
    let person: Vec<(i32, f64)> = d.outlook.iter().map(|p| (p.year, p.person)).collect();
    let role: Vec<(i32, f64)> = d.outlook.iter().map(|p| (p.year, p.role)).collect();
    format!(
        "Line chart of projected AI exposure from {} to {}: yours goes {}, and a typical {}'s {}.",
        first.year,
        last.year,
        course(&person, pct),
        d.role_name,
        course(&role, pct)
    )
}

/// "from 30% to 55%", and where the line peaks when the peak is neither end (as rounded).
fn course(line: &[(i32, f64)], fmt: impl Fn(f64) -> String) -> String {
    let (Some(first), Some(last)) = (line.first(), line.last()) else {
        return String::new();
    };
    let mut text = format!("from {} to {}", fmt(first.1), fmt(last.1));
    let top = line
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(first);
    if top.1.round() > first.1.round() && top.1.round() > last.1.round() {
        text.push_str(&format!(", peaking at {} in {}", fmt(top.1), top.0));
    }
    text
}

fn salary(d: &Series) -> String {
    match d.salary.get(d.salary_you) {
        Some(l) => format!(
            "Bar chart of the AI-augmented salary premium at your level, {}: a typical {} {}, \
             you {} adjusted for your AI use.",
            l.level,
            d.role_name,
            premium(l.role),
            premium(l.person)
        ),
        None => "Bar chart of the AI-augmented salary premium, with no level to show.".to_string(),
    }
}

/// A salary column's label: whole percent with its sign, as the page's text rounds it.
fn premium(v: f64) -> String {
    format!("{}%", signed_words(v.round() as i32))
}

fn demand(d: &Series) -> String {
    let (first, last) = DEMAND_YEARS;
    let lines = |group: &[super::DemandLine]| -> Vec<String> {
        group
            .iter()
            .take(DEMAND_LINES)
            .map(|s| {
                let at = |year: i32| s.demand_2026 * (1.0 + s.growth / 100.0).powi(year - first);
                let ends = [(first, at(first)), (last, at(last))];
                format!("{} {}", s.name, course(&ends, score))
            })
            .collect()
    };
    let mut text = format!(
        "Line chart of the demand index (100 is the role's average skill in {first}) from {first} \
         to {last}. Your current skills: {}.",
        join(&lines(&d.demand_current))
    );
    let recommended = lines(&d.demand_recommended);
    if recommended.is_empty() {
        text.push_str(" Recommended: deepen the skills you have.");
    } else {
        text.push_str(&format!(" Recommended: {}.", join(&recommended)));
    }
    text
}

fn roadmap(d: &Series) -> String {
    // The axis runs at least eight years, to the end of the outlook and of the last phase.
    let outlook_end = d.outlook.last().map(|p| (p.year - d.year0) as f64);
    let span = d
        .phases
        .iter()
        .map(|p| p.end)
        .fold(outlook_end.unwrap_or(0.0).max(8.0), f64::max)
        .ceil();
    let year = |y: f64| d.year0 + y.round() as i32;
    let mut text = format!(
        "Gantt chart of your career roadmap from {} to {}.",
        d.year0,
        year(span)
    );
    for (i, p) in d.phases.iter().enumerate() {
        text.push_str(&format!(
            " Phase {}, {} ({} to {}): {}.",
            i + 1,
            ranges_in_words(&p.span),
            year(p.start),
            year(p.end.min(span)),
            p.title
        ));
    }
    text
}

fn related_roles(d: &Series) -> String {
    let mut roles: Vec<_> = d.related.iter().collect();
    roles.sort_by_key(|r| r.baseline);
    let items: Vec<String> = roles
        .iter()
        .map(|r| format!("{} {}", r.name, r.baseline))
        .collect();
    let below = roles.iter().filter(|r| r.baseline < d.score).count();
    let tail = match below {
        0 => ". None scores below you.".to_string(),
        1 => format!(". 1 of {} scores below you.", roles.len()),
        k => format!(". {k} of {} score below you.", roles.len()),
    };
    listed(
        &format!(
            "Bar chart of the baseline risk scores of {} related roles, safest first, against \
             your score of {}: ",
            items.len(),
            d.score
        ),
        &items,
        &tail,
    )
}

fn class_tasks(d: &Series, class: TaskClass) -> String {
    let shown = super::classes::shown(d, class);
    let cls = super::classes::in_words(class);
    if shown.rows.is_empty() {
        return format!(
            "Bar chart of {cls} tasks: neither you nor a typical {} has any.",
            d.role_name
        );
    }
    let whose = if shown.typical {
        format!(
            "none of your tasks is {cls}, so it shows the {} tasks of a typical {}, with their \
             share of a typical week",
            cls, d.role_name
        )
    } else {
        "your tasks in this class, with their share of your week".to_string()
    };
    let items: Vec<String> = shown
        .rows
        .iter()
        .map(|t| {
            format!(
                "{} {}% of the week and {}% exposed",
                t.label,
                super::classes::share(t, shown.typical),
                t.exposure_pct
            )
        })
        .collect();
    listed(
        &format!("Bar chart of {cls} tasks: {whose} and their exposure to AI: "),
        &items,
        ".",
    )
}

fn skill_gaps(d: &Series) -> String {
    let gaps: Vec<String> = d
        .skill_gaps
        .iter()
        .take(super::gaps::GAP_ROWS)
        .map(|g| {
            format!(
                "{} {}% of your week against {}% typical, {}",
                g.name,
                g.your_pct,
                g.typical_pct,
                super::gaps::resilient(g.resilience)
            )
        })
        .collect();
    if gaps.is_empty() {
        return "Dot chart of skill gaps: no resilient skill is under-used in your week.".into();
    }
    listed(
        &format!(
            "Dot chart of your skill gaps: the share of your week on tasks that use each skill \
             against a typical {}: ",
            d.role_name
        ),
        &gaps,
        ".",
    )
}

fn phase(d: &Series, i: usize) -> String {
    let Some(p) = d.phases.get(i) else {
        return format!(
            "Timeline of roadmap phase {}: the role has no such phase.",
            i + 1
        );
    };
    let (from, to) = super::phase::years(d, i);
    let steps: Vec<String> = d
        .phase_steps
        .get(i)
        .map(|s| s.iter().take(super::phase::MAX_STEPS).cloned().collect())
        .unwrap_or_default();
    let head = format!(
        "Timeline of phase {} of {} of your roadmap, {}, from {from} to {to}: ",
        i + 1,
        d.phases.len(),
        p.title
    );
    let tail = format!(", then {}.", super::phase::CHECK.to_lowercase());
    if steps.is_empty() {
        return format!("{head}{}.", super::phase::CHECK);
    }
    listed(&format!("{head}milestones "), &steps, &tail)
}

fn ninety_days(d: &Series) -> String {
    use super::calendar::{day, long, wins_text, BLOCKS, DAYS, RETAKE, WEEKS};
    let date = |n: i64| long(day(d, n));
    let blocks: Vec<String> = BLOCKS
        .iter()
        .map(|(a, b, title)| format!("days {a} to {b}, {}, {}", date(*a), title.to_lowercase()))
        .collect();
    let wins = if d.quick_wins > 0 {
        format!(" {}.", wins_text(d.quick_wins))
    } else {
        String::new()
    };
    format!(
        "Calendar chart of your 90-day plan over {WEEKS} weeks from {}: {}.{wins} Day {DAYS}, {}: {}.",
        date(1),
        join(&blocks),
        date(DAYS),
        RETAKE.to_lowercase()
    )
}

/// A score bar's label: the whole number the chart writes at the bar's end.
fn score(v: f64) -> String {
    (v.round() as i32).to_string()
}

/// The chart's signed figure with a real minus sign: the drawing uses an en dash only because
/// its font lacks U+2212, and screen readers say U+2212 as "minus" but may skip an en dash.
fn signed_words(v: i32) -> String {
    signed(v).replace('\u{2013}', "\u{2212}")
}

/// "0-2 years" as "0 to 2 years": a dash between figures is not reliably spoken.
fn ranges_in_words(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if between_digits && matches!(c, '-' | '\u{2013}') {
            out.push_str(" to ");
        } else {
            out.push(*c);
        }
    }
    out
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// `head`, the items and `tail`, naming only the first items and "and N more" when naming all
/// of them would pass `MAX_CHARS`; at least one item is always named.
fn listed(head: &str, items: &[String], tail: &str) -> String {
    let room = MAX_CHARS.saturating_sub(head.chars().count() + tail.chars().count());
    let all = join(items);
    if all.chars().count() <= room {
        return format!("{head}{all}{tail}");
    }
    let cut = |k: usize| {
        let mut shown = items[..k].to_vec();
        shown.push(format!("{} more", items.len() - k));
        join(&shown)
    };
    let k = (1..items.len())
        .rev()
        .find(|k| cut(*k).chars().count() <= room)
        .unwrap_or(1);
    format!("{head}{}{tail}", cut(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::chart::NAMES;
    use crate::report::chart_series;
    use crate::score::assess;
    use crate::score::fixtures::typical;

    /// The series the chart tests draw: a typical backend developer's audit.
    fn sample() -> Series {
        let catalog = Catalog::builtin();
        let audit = typical(&catalog, "backend-developer");
        chart_series(&assess(&audit, &catalog).unwrap(), &catalog)
    }

    /// Through the chart module's export, the way the report will ask.
    fn alt(name: &str, data: &Series) -> String {
        crate::chart::alt_text(name, data).unwrap()
    }

    /// Where each chart's text starts: the kind of chart, never the bare word "chart".
    const KINDS: [&str; 11] = [
        "Gauge: ",
        "Waterfall chart",
        "Bar chart",
        "Distribution chart",
        "Stacked bar chart",
        "Line chart",
        "Column chart",
        "Gantt chart",
        "Dot chart",
        "Timeline",
        "Calendar chart",
    ];

    #[test]
    fn every_chart_has_plain_sentences_within_the_limit_for_every_role() {
        let catalog = Catalog::builtin();
        for role in &catalog.roles {
            let audit = typical(&catalog, &role.key);
            let data = chart_series(&assess(&audit, &catalog).unwrap(), &catalog);
            for name in NAMES {
                let text = alt(name, &data);
                let at = format!("{}/{name}: {text:?}", role.key);
                assert!(text.chars().count() > 40, "{at}");
                assert!(text.chars().count() <= MAX_CHARS + 100, "{at}");
                assert!(text.ends_with('.') && !text.contains(".."), "{at}");
                assert!(KINDS.iter().any(|k| text.starts_with(k)), "{at}");
                assert!(
                    !text.contains(['<', '>', '*', '_', '#', '`', '[', ']', '{', '}', '\\']),
                    "{at}"
                );
                assert!(!text.contains("  ") && !text.contains(" ."), "{at}");
            }
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        let data = sample();
        assert_eq!(
            alt_text("pie", &data),
            Err(ChartError::Unknown("pie".into()))
        );
        assert!(alt_text("Gauge", &data).is_err());
    }

    #[test]
    fn gauge_says_score_and_band() {
        let mut data = sample();
        let text = alt("gauge", &data);
        assert!(text.contains(&format!("score is {} out of 100", data.score)));
        assert!(text.contains(&format!("{} risk", data.band.label())));
        assert!(text.contains("Low 0 to 24") && text.contains("Very high 75 to 100"));
        data.score = 81;
        data.band = Band::of(81);
        let high = alt("gauge", &data);
        assert!(
            high.contains("81") && high.contains("Very high risk"),
            "{high}"
        );
    }

    #[test]
    fn waterfall_says_every_step_with_its_sign() {
        let mut data = sample();
        let c = data.components;
        let text = alt("waterfall", &data);
        assert!(text.contains(&format!("baseline of {}", c.baseline)));
        assert!(text.contains(&format!("your score of {}", data.score)));
        for v in [c.task_mix, c.experience, c.ai_fluency, c.industry] {
            assert!(text.contains(&signed_words(v)), "{v}: {text}");
        }
        assert!(!text.contains("Limit") || c.clamp != 0);
        data.components.industry = -7;
        data.components.clamp = 2;
        let text = alt("waterfall", &data);
        assert!(text.contains("Industry \u{2212}7"), "{text}");
        assert!(text.contains("range 1 to 99 +2"), "{text}");
        assert!(!text.contains('\u{2013}'), "{text}");
    }

    #[test]
    fn benchmark_names_every_bar_with_its_value() {
        let mut data = sample();
        let text = alt("benchmark", &data);
        for (label, value, you) in &data.benchmark {
            let v = score(*value);
            if *you {
                assert!(text.contains(&format!("your score {v}")), "{text}");
            } else {
                assert!(text.contains(&format!("{label} {v}")), "{text}");
            }
        }
        data.benchmark[1].1 = 63.4;
        assert!(alt("benchmark", &data).contains(&format!("{} 63", data.benchmark[1].0)));
    }

    #[test]
    fn time_split_gives_the_shares_the_bars_are_labelled_with() {
        let mut data = sample();
        data.split_person = [1.0, 1.0, 2.0];
        data.split_role = [30.0, 45.0, 25.0];
        let text = alt("time-split", &data);
        for s in [
            "25% on Automated",
            "25% on AI-assisted",
            "50% on Human-safe",
        ] {
            assert!(text.contains(s), "{s}: {text}");
        }
        assert!(text.contains(&format!(
            "typical {} spends 30%, 45% and 25%",
            data.role_name
        )));
    }

    #[test]
    fn tasks_skills_and_roles_are_all_named_when_they_fit() {
        let mut data = sample();
        data.tasks.truncate(4);
        let tasks = alt("task-exposure", &data);
        for t in &data.tasks {
            let bar = format!("{} {}", t.label, pct(100.0 * t.exposure));
            assert!(tasks.contains(&bar), "{bar}: {tasks}");
        }
        let counted: usize = TaskClass::ALL
            .iter()
            .filter_map(|c| {
                let at = tasks.find(&format!(" {}", c.label()))?;
                let n = tasks[..at].rsplit(' ').next()?;
                n.parse::<usize>().ok()
            })
            .sum();
        assert_eq!(counted, 4, "{tasks}");
        assert!(tasks.contains("your 4 tasks") && !tasks.contains(" more"));

        let skills = alt("skills", &data);
        for s in &data.skills {
            assert!(skills.contains(&format!("{} {}%", s.name, s.resilience)));
        }
        assert!(!skills.contains(" more"));
        let related = alt("related-roles", &data);
        for r in &data.related {
            assert!(related.contains(&format!("{} {}", r.name, r.baseline)));
        }
        let below = data
            .related
            .iter()
            .filter(|r| r.baseline < data.score)
            .count();
        let said = match below {
            0 => "None scores below you.".to_string(),
            1 => format!("1 of {} scores below you.", data.related.len()),
            k => format!("{k} of {} score below you.", data.related.len()),
        };
        assert!(related.ends_with(&said), "{related}");
        data.score = 99;
        let all = data.related.len();
        assert!(alt("related-roles", &data).ends_with(&format!("{all} of {all} score below you.")));
    }

    #[test]
    fn the_sample_task_list_is_cut_at_the_most_exposed() {
        let data = sample();
        let text = alt("task-exposure", &data);
        assert!(text.chars().count() <= MAX_CHARS, "{text}");
        let mut tasks = data.tasks.clone();
        tasks.sort_by(|x, y| y.exposure.total_cmp(&x.exposure));
        let named = tasks.iter().take_while(|t| text.contains(&t.label)).count();
        assert!(named >= 3, "{text}");
        if named < tasks.len() {
            assert!(text.contains(&format!(" and {} more.", tasks.len() - named)));
        }
        assert!(text.contains(&format!("your {} tasks", tasks.len())));
    }

    #[test]
    fn long_lists_name_the_top_items_and_count_the_rest() {
        use crate::chart::TaskBar;
        let mut data = sample();
        data.tasks = (0..30)
            .map(|i| TaskBar {
                label: format!("Task number {i} with a fairly long descriptive label"),
                exposure: 0.9 - i as f64 * 0.02,
                class: TaskClass::Assisted,
            })
            .collect();
        let text = alt("task-exposure", &data);
        assert!(text.chars().count() <= MAX_CHARS, "{}", text.len());
        assert!(text.contains("Task number 0 with") && text.contains("90%"));
        assert!(!text.contains("Task number 29"));
        let shown = text.matches("Task number").count();
        assert!(shown >= 3, "{text}");
        assert!(text.contains(&format!(
            " and {} more. By class: 30 AI-assisted.",
            30 - shown
        )));
    }

    #[test]
    fn lines_say_where_they_start_and_end() {
        let mut data = sample();
        let text = alt("outlook", &data);
        let (first, last) = (&data.outlook[0], data.outlook.last().unwrap());
        assert!(text.contains(&format!("from {} to {}", first.year, last.year)));
        assert!(text.contains(&format!(
            "from {} to {}",
            pct(first.person),
            pct(last.person)
        )));
        assert!(text.contains(&format!("from {} to {}", pct(first.role), pct(last.role))));
        let mid = data.outlook.len() / 2;
        data.outlook[mid].person = 97.0;
        let peak = alt("outlook", &data);
        assert!(
            peak.contains(&format!("peaking at 97% in {}", data.outlook[mid].year)),
            "{peak}"
        );

        let demand = alt("demand", &data);
        for s in data.demand_current.iter().chain(&data.demand_recommended) {
            assert!(
                demand.contains(&format!("{} from {}", s.name, score(s.demand_2026))),
                "{}: {demand}",
                s.name
            );
        }
        data.demand_recommended.clear();
        assert!(alt("demand", &data).contains("deepen the skills you have"));
    }

    #[test]
    fn salary_names_the_readers_level_and_both_bars() {
        let data = sample();
        let text = alt("salary", &data);
        let mine = &data.salary[data.salary_you];
        assert!(
            text.contains(&format!("at your level, {}", mine.level)),
            "{text}"
        );
        let pair = format!(
            "a typical {} {}, you {}",
            data.role_name,
            premium(mine.role),
            premium(mine.person)
        );
        assert!(text.contains(&pair), "{pair}: {text}");
        for (i, l) in data.salary.iter().enumerate() {
            if i != data.salary_you {
                assert!(!text.contains(&l.level), "{} is not drawn: {text}", l.level);
            }
        }
    }

    #[test]
    fn roadmap_gives_each_phase_its_years_and_title() {
        let data = sample();
        let text = alt("roadmap", &data);
        for (i, p) in data.phases.iter().enumerate() {
            assert!(text.contains(&format!("Phase {}", i + 1)) && text.contains(&p.title));
            let from = data.year0 + p.start.round() as i32;
            assert!(text.contains(&format!("({from} to ")), "{text}");
        }
        if data.phases.iter().any(|p| p.span == "0-2 years") {
            assert!(text.contains("0 to 2 years"), "{text}");
        }
        assert_eq!(ranges_in_words("0-2 years"), "0 to 2 years");
        assert_eq!(ranges_in_words("4+ years"), "4+ years");
        assert_eq!(ranges_in_words("well-paid 2–4"), "well-paid 2 to 4");
    }

    type Change = fn(&mut Series);

    /// Each chart's text follows its own data: change what it draws and the words change.
    #[test]
    fn every_text_changes_with_its_data() {
        let changes: [(&str, Change); 21] = [
            ("gauge", |d| d.score += 9),
            ("score-scale", |d| d.components.baseline += 4),
            ("waterfall", |d| d.components.experience -= 3),
            ("benchmark", |d| d.benchmark[0].1 += 9.0),
            ("peers", |d| d.peers_safer_pct -= 11),
            ("time-split", |d| d.split_person = [1.0, 0.0, 3.0]),
            ("task-exposure", |d| d.tasks[1].exposure = 0.99),
            ("skills", |d| d.skills[0].resilience = 3),
            ("outlook", |d| d.outlook.last_mut().unwrap().role += 7.0),
            ("salary", |d| d.salary[d.salary_you].person += 5.0),
            ("demand", |d| d.demand_current[0].growth += 4.0),
            ("roadmap", |d| {
                d.phases[0].title = "A different title".into()
            }),
            ("related-roles", |d| d.related[0].baseline += 9),
            ("class-automated", |d| {
                d.class_tasks.iter_mut().for_each(|t| t.exposure_pct = 1)
            }),
            ("class-assisted", |d| {
                d.class_tasks
                    .iter_mut()
                    .for_each(|t| t.label.push_str(" too"))
            }),
            ("class-human-safe", |d| {
                d.class_tasks.iter_mut().for_each(|t| t.exposure_pct += 3)
            }),
            ("skill-gaps", |d| {
                d.skill_gaps.insert(
                    0,
                    crate::chart::GapBar {
                        name: "Negotiation".into(),
                        your_pct: 0,
                        typical_pct: 12,
                        resilience: 90,
                    },
                )
            }),
            ("phase-1", |d| d.phase_steps[0].push("Something new".into())),
            ("phase-2", |d| {
                d.phases[1].title = "A different title".into()
            }),
            ("phase-3", |d| d.phases[2].end += 3.0),
            ("ninety-days", |d| d.quick_wins += 1),
        ];
        assert_eq!(changes.map(|c| c.0), NAMES);
        let data = sample();
        for (name, change) in changes {
            let mut other = data.clone();
            change(&mut other);
            assert_ne!(alt(name, &data), alt(name, &other), "{name}");
        }
    }

    #[test]
    fn lists_read_as_english() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&s(&[])), "");
        assert_eq!(join(&s(&["a"])), "a");
        assert_eq!(join(&s(&["a", "b"])), "a and b");
        assert_eq!(join(&s(&["a", "b", "c"])), "a, b and c");
        assert_eq!(signed_words(-4), "\u{2212}4");
        assert_eq!(signed_words(3), "+3");
    }

    /// Prints every chart's text for the sample series, to read them as a whole.
    #[test]
    #[ignore = "prints; run with --ignored alt_preview --nocapture"]
    fn alt_preview() {
        let data = sample();
        for name in NAMES {
            println!("{name}: {}\n", alt(name, &data));
        }
    }
}
