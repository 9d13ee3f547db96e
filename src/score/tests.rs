use super::fixtures::typical;
use super::*;
use crate::catalog::{Catalog, Usage};
use crate::input::{Audit, TaskShare};
use proptest::prelude::*;

#[test]
fn seed_typical_backend_figures() {
    let catalog = Catalog::builtin();
    let audit = typical(&catalog, "backend-developer");
    let a = assess(&audit, &catalog).unwrap();
    assert_eq!(a.score, 35);
    assert_eq!(a.band, Band::Moderate);
    assert_eq!(a.automation_pct, 40);
    assert_eq!(a.horizon.label(), "5–7 years");
    assert_eq!(a.resilience, 7);
    assert_eq!(a.adaptability, Adaptability::High);
    assert_eq!(a.peers_safer_pct, 68);
    assert_eq!(a.technology_average.round() as i32, 42);
    assert_eq!(a.salary_premium_person, 15.0);
    assert_eq!(a.split_role.map(|s| s.round() as i32), [29, 35, 36]);
}

#[test]
fn every_role_typical_profile_scores_its_baseline() {
    let catalog = Catalog::builtin();
    for role in &catalog.roles {
        let audit = typical(&catalog, &role.key);
        let a = assess(&audit, &catalog).unwrap();
        assert_eq!(a.score, role.baseline, "{}", role.key);
        assert_eq!(a.components.task_mix, 0, "{}", role.key);
        assert_eq!(
            a.components.ai_fluency, 0,
            "{} typical tools must touch its tasks",
            role.key
        );
        assert!(a.range.0 <= a.score && a.score <= a.range.1);
    }
}

#[test]
fn components_add_up_and_outlook_covers_the_decade() {
    let catalog = Catalog::builtin();
    let mut audit = typical(&catalog, "backend-developer");
    audit.years_experience = 0.0;
    audit.ai_usage = Usage::Never;
    audit.ai_tools.clear();
    audit.industry = "media".into();
    let a = assess(&audit, &catalog).unwrap();
    assert_eq!(a.components.experience, 3);
    assert_eq!(a.components.ai_fluency, 6);
    assert_eq!(a.components.industry, 3);
    assert_eq!(a.score, 35 + 3 + 6 + 3);
    assert_eq!(a.components.total(), a.score);
    assert_eq!(a.outlook.len(), 10);
    assert_eq!(a.outlook[0].year, 2026);
    assert!(a.outlook.windows(2).all(|w| w[1].person >= w[0].person));
    assert_eq!(a.adaptability, Adaptability::Low);
    assert!(a.salary_premium_person < a.salary_premium_role);
}

fn arb_audit() -> impl Strategy<Value = (usize, Vec<u32>, f64, usize, usize, usize)> {
    (
        0usize..13,
        prop::collection::vec(0u32..100, 18),
        0.0f64..=60.0,
        0usize..4,
        0usize..5,
        0usize..13,
    )
}

fn build(
    catalog: &Catalog,
    (r, weights, years, usage, ntools, ind): (usize, Vec<u32>, f64, usize, usize, usize),
) -> Audit {
    let role = &catalog.roles[r];
    let mut audit = typical(catalog, &role.key);
    let w: Vec<u32> = role
        .tasks
        .iter()
        .zip(weights.iter().chain(std::iter::repeat(&1)))
        .map(|(_, w)| *w)
        .collect();
    let total: u32 = w.iter().sum::<u32>().max(1);
    audit.tasks = role
        .tasks
        .iter()
        .zip(&w)
        .filter(|(_, w)| **w > 0)
        .map(|(t, w)| TaskShare {
            key: t.key.clone(),
            share: *w as f64 / total as f64,
        })
        .collect();
    if audit.tasks.is_empty() {
        audit.tasks = vec![TaskShare {
            key: role.tasks[0].key.clone(),
            share: 1.0,
        }];
    }
    audit.years_experience = years;
    audit.ai_usage = Usage::ALL[usage];
    audit.ai_tools = role
        .tools
        .iter()
        .take(ntools)
        .map(|t| t.key.clone())
        .collect();
    audit.industry = catalog.industries[ind % catalog.industries.len()]
        .key
        .clone();
    audit
}

proptest! {
    #[test]
    fn score_is_always_within_1_and_99(input in arb_audit()) {
        let catalog = Catalog::builtin();
        let audit = build(&catalog, input);
        let a = assess(&audit, &catalog).unwrap();
        prop_assert!((1..=99).contains(&a.score));
        prop_assert_eq!(a.components.total(), a.score);
        prop_assert!(a.range.0 <= a.score && a.score <= a.range.1);
        prop_assert!((1..=10).contains(&a.resilience));
        prop_assert!((1..=99).contains(&a.peers_safer_pct));
        prop_assert!((a.split_person.iter().sum::<f64>() - 100.0).abs() < 1e-6);
    }

    /// Moving time from a less exposed task to a more exposed one never lowers the score.
    #[test]
    fn more_time_on_more_exposed_tasks_never_lowers_the_score(input in arb_audit(), moved in 0.0f64..=1.0) {
        let catalog = Catalog::builtin();
        let audit = build(&catalog, input);
        let role = catalog.role(&audit.role).unwrap();
        let exposure = |k: &str| role.tasks.iter().find(|t| t.key == k).unwrap().exposure;
        let before = assess(&audit, &catalog).unwrap().score;
        let lo = audit.tasks.iter().enumerate().min_by(|a, b| exposure(&a.1.key).total_cmp(&exposure(&b.1.key))).unwrap().0;
        let hi = audit.tasks.iter().enumerate().max_by(|a, b| exposure(&a.1.key).total_cmp(&exposure(&b.1.key))).unwrap().0;
        let mut shifted = audit.clone();
        let amount = shifted.tasks[lo].share * moved;
        shifted.tasks[lo].share -= amount;
        shifted.tasks[hi].share += amount;
        let after = assess(&shifted, &catalog).unwrap().score;
        prop_assert!(after >= before, "{} -> {}", before, after);
    }
}
