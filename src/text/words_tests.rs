//! The pre-shaped words (`words`): exact, and current with the copy.
//!
//! To write the table anew after the copy, the catalog, a face or rustybuzz changed:
//! `RISKREPORT_WRITE_WORDS=1 cargo test words_tests` (then commit `fonts/shaped-copy.bin`).

use super::shape::{self, asked, UnitGlyph};
use super::words;
use crate::catalog::Catalog;
use crate::fonts::{FontId, FontSet};
use crate::report::Layouts;
use std::collections::BTreeMap;
use std::rc::Rc;
use unicode_script::Script;

const WRITE: &str = "RISKREPORT_WRITE_WORDS";

/// The words each report of `rows` sample rows (from `seed`) asks the shaper for, report by
/// report, laid out on this thread.
fn asked_by_reports(rows: usize, seed: u64) -> Vec<asked::Asked> {
    let catalog = Catalog::builtin();
    let layouts = Layouts::builtin();
    let fonts = FontSet::builtin();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.csv");
    crate::sample::write_sample(&catalog, rows, seed, std::fs::File::create(&path).unwrap())
        .unwrap();
    let audits: Vec<_> = crate::input::open(&path, &catalog)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(audits.len(), rows, "every sample row is accepted");
    audits
        .iter()
        .map(|audit| {
            let a = crate::score::assess(audit, &catalog).unwrap();
            asked::during(|| {
                crate::report::render(&a, &catalog, &layouts, &fonts).unwrap();
            })
        })
        .collect()
}

/// What the shaper gives for a key, now.
fn shape_now(fonts: &FontSet, head: &[u8; 6], word: &str) -> Rc<[UnitGlyph]> {
    let font = fonts.get(FontId(head[0] as u16));
    assert_eq!(font.builtin, Some(head[0]), "built-in faces come first");
    let script = std::str::from_utf8(&head[2..])
        .ok()
        .and_then(Script::from_short_name)
        .expect("a script's four-letter code");
    let rtl = head[1] == 1;
    let plan = shape::plan(font, rtl, script);
    shape::run(font, &plan, rtl, script, word)
}

#[test]
fn every_pre_shaped_word_is_what_the_shaper_gives_now() {
    let fonts = FontSet::builtin();
    let entries = words::entries();
    assert!(
        entries.len() > 1000,
        "the table holds {} words; write it with {WRITE}=1",
        entries.len()
    );
    let mut wrong = Vec::new();
    for (head, word, glyphs) in &entries {
        if shape_now(&fonts, head, word) != *glyphs {
            wrong.push(word.clone());
        }
        // Found where it is, by the lookup the shaper uses.
        let script = Script::from_short_name(std::str::from_utf8(&head[2..]).unwrap()).unwrap();
        assert_eq!(
            words::find(head[0], head[1] == 1, script, word).as_ref(),
            Some(glyphs)
        );
    }
    assert!(
        wrong.is_empty(),
        "{} pre-shaped words differ from the shaper's glyphs (a face or rustybuzz changed): \
         {:?}…; write the table anew with {WRITE}=1 cargo test words_tests",
        wrong.len(),
        &wrong[..wrong.len().min(8)]
    );
}

#[test]
fn a_word_not_in_the_table_is_not_found() {
    let face = FontSet::builtin().get(FontId::REGULAR).builtin.unwrap();
    assert!(words::find(face, false, Script::Latin, "Zqxjvkwpl").is_none());
    // The same word in another face, direction or script is another key.
    let (head, word, _) = words::entries()
        .into_iter()
        .find(|(h, w, _)| h[1] == 0 && w.len() > 3 && w.is_ascii())
        .expect("a left-to-right word");
    let script = Script::from_short_name(std::str::from_utf8(&head[2..]).unwrap()).unwrap();
    assert!(words::find(head[0], true, script, &word).is_none());
    assert!(words::find(head[0] + 40, false, script, &word).is_none());
    assert!(words::find(head[0], false, script, &word[..word.len() - 1]).is_none());
}

/// The copy's words, which the table should hold: asked for by at least two of `reports`.
fn shared_words(reports: &[asked::Asked]) -> Vec<([u8; 6], String)> {
    let mut count: BTreeMap<&([u8; 6], String), usize> = BTreeMap::new();
    for r in reports {
        for key in r {
            *count.entry(key).or_default() += 1;
        }
    }
    count
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn the_pre_shaped_words_cover_most_of_the_words_of_a_report() {
    if std::env::var_os(WRITE).is_some() {
        let fonts = FontSet::builtin();
        let words: Vec<_> = shared_words(&asked_by_reports(120, 1))
            .into_iter()
            .map(|(head, word)| {
                let glyphs = shape_now(&fonts, &head, &word);
                (head, word, glyphs)
            })
            .collect();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/shaped-copy.bin");
        std::fs::write(&path, words::table(&words)).unwrap();
        panic!(
            "wrote {} words to {}: build again and commit it",
            words.len(),
            path.display()
        );
    }
    // Other rows than the table was made from.
    let reports = asked_by_reports(6, 7);
    for (i, r) in reports.iter().enumerate() {
        let found = r
            .iter()
            .filter(|(head, word)| {
                let script = Script::from_short_name(std::str::from_utf8(&head[2..]).unwrap());
                words::find(head[0], head[1] == 1, script.unwrap(), word).is_some()
            })
            .count();
        let share = found as f64 / r.len() as f64;
        assert!(
            share >= 0.9,
            "report {i}: the table has {found} of the {} words it shapes ({:.0}%): the copy \
             changed; write the table anew with {WRITE}=1 cargo test words_tests",
            r.len(),
            share * 100.0
        );
    }
}
