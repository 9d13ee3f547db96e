//! "Did you mean" for unknown keys: the closest valid keys by string similarity.

/// Up to `n` candidates most similar to `wrong`, best first.
pub fn closest<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let wrong = wrong.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let sim = strsim::jaro_winkler(&wrong, c).max(
                if c.contains(wrong.as_str()) || wrong.contains(c) {
                    0.9
                } else {
                    0.0
                },
            );
            (sim, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// "`a`, `b` or `c`" for messages.
pub fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_key_first() {
        let keys = ["backend-developer", "frontend-developer", "data-analyst"];
        assert_eq!(closest("backend-dev", keys, 2)[0], "backend-developer");
        assert_eq!(closest("data-analist", keys, 1), vec!["data-analyst"]);
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
