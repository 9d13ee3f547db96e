//! Catalog mistakes are refused at load with the file, the key and the problem.

use super::Catalog;
use std::path::{Path, PathBuf};

/// A copy of the shipped catalog in a temporary directory, to break on purpose.
fn copy_catalog() -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/catalog");
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("catalog");
    std::fs::create_dir_all(dst.join("roles")).unwrap();
    for rel in ["catalog.toml", "tools.toml", "industries.toml"] {
        std::fs::copy(src.join(rel), dst.join(rel)).unwrap();
    }
    for e in std::fs::read_dir(src.join("roles")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join("roles").join(p.file_name().unwrap())).unwrap();
    }
    (tmp, dst)
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn refused(dir: &Path) -> String {
    match Catalog::from_dir(dir) {
        Ok(_) => panic!("the broken catalog was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_copy_of_the_shipped_catalog_loads() {
    let (_t, dir) = copy_catalog();
    let c = Catalog::from_dir(&dir).unwrap();
    assert_eq!(c.roles.len(), 13);
    assert_eq!(c.fingerprint, Catalog::builtin().fingerprint);
}

#[test]
fn unknown_class_is_refused_with_file_and_line() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "class = \"automated\"",
        "class = \"automatic\"",
    );
    let e = refused(&dir);
    assert!(
        e.contains("roles/backend-developer.toml") && e.contains("automatic") && e.contains("line"),
        "{e}"
    );
}

#[test]
fn typical_shares_not_summing_to_100_are_refused() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "typical_share = 7",
        "typical_share = 17",
    );
    let e = refused(&dir);
    assert!(
        e.contains("roles/backend-developer.toml")
            && e.contains("`tasks`")
            && e.contains("sum to 110"),
        "{e}"
    );
}

#[test]
fn duplicate_task_key_is_refused() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "key = \"boilerplate\"",
        "key = \"crud-endpoints\"",
    );
    let e = refused(&dir);
    assert!(
        e.contains("`crud-endpoints`") && e.contains("duplicate key"),
        "{e}"
    );
}

#[test]
fn dangling_tool_reference_is_refused() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "key = \"tabnine\"",
        "key = \"tabnyne\"",
    );
    let e = refused(&dir);
    assert!(
        e.contains("`tabnyne`") && e.contains("not in tools.toml"),
        "{e}"
    );
}

#[test]
fn tool_naming_a_missing_task_is_refused() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "tasks = [\"unit-tests\", \"code-review\"]",
        "tasks = [\"unit-test\", \"code-review\"]",
    );
    let e = refused(&dir);
    assert!(e.contains("`unit-test`"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let (_t, dir) = copy_catalog();
    edit(
        &dir,
        "roles/backend-developer.toml",
        "baseline = 35",
        "baseline = 135",
    );
    edit(
        &dir,
        "roles/qa-engineer.toml",
        "peer_sd = 10.7",
        "peer_sd = 0.0",
    );
    let e = refused(&dir);
    assert!(
        e.contains("backend-developer.toml, key `baseline`")
            && e.contains("qa-engineer.toml, key `peer_sd`"),
        "{e}"
    );
}

#[test]
fn the_built_in_catalog_read_from_its_build_time_json_is_the_shipped_toml() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/catalog");
    let from_toml = Catalog::from_dir(&dir).unwrap();
    let built_in = Catalog::builtin();
    // Every field, the fingerprint (made from the TOML either way) among them.
    assert_eq!(format!("{built_in:?}"), format!("{from_toml:?}"));
    assert!(built_in.roles.len() >= 13 && !built_in.tools.is_empty());
    // The JSON was read, not the TOML: each built-in file has its JSON.
    assert!(super::load::BUILTIN
        .iter()
        .all(|(_, toml, json)| !json.is_empty()
            && json.starts_with('{')
            && !toml.starts_with('{')));
}
