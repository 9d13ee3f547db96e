//! Reference data: roles, their tasks, skills and tools, industries and the scoring constants.
//! Loaded from `input/catalog/` (compiled in) or from `--catalog DIR`, and checked before use
//! so that a mistake in the data is refused at load instead of producing a wrong report.

mod check;
mod load;
mod model;

pub use check::CatalogErrors;
pub use model::*;

use std::collections::BTreeMap;

/// A loaded, checked catalog. Roles are kept in file-name order; lookups go through the maps.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub meta: Meta,
    pub roles: Vec<Role>,
    pub tools: Vec<Tool>,
    pub industries: Vec<Industry>,
    role_index: BTreeMap<String, usize>,
    tool_index: BTreeMap<String, usize>,
    industry_index: BTreeMap<String, usize>,
    /// Every role's aliases and lower-cased name, normalised once (`normalise_title`) with the
    /// role's index, in the order `match_title` must try them: normalising them again for
    /// every row cost a quarter of `render --id`'s time on the sample.
    title_aliases: Vec<(String, usize)>,
    /// SHA-256 of the source files, so outputs can tell which catalog made them.
    pub fingerprint: String,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> Catalog {
        match load::builtin() {
            Ok(c) => c,
            Err(e) => panic!("the built-in catalog is checked by the test suite:\n{e}"),
        }
    }

    /// Reads and checks every `*.toml` of a catalog directory laid out like `input/catalog/`.
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, CatalogErrors> {
        load::from_dir(dir)
    }

    pub fn role(&self, key: &str) -> Option<&Role> {
        self.role_index.get(key).map(|&i| &self.roles[i])
    }

    pub fn tool(&self, key: &str) -> Option<&Tool> {
        self.tool_index.get(key).map(|&i| &self.tools[i])
    }

    pub fn industry(&self, key: &str) -> Option<&Industry> {
        self.industry_index.get(key).map(|&i| &self.industries[i])
    }

    /// Plain mean of the technology roles' baselines (the seed's "Technology average").
    pub fn technology_average(&self) -> f64 {
        let sum: i32 = self.roles.iter().map(|r| r.baseline).sum();
        sum as f64 / self.roles.len() as f64
    }

    /// Finds the role a free-text job title names: the longest alias contained in the title wins,
    /// so "Senior Backend Engineer" picks "backend engineer" over "engineer".
    pub fn match_title(&self, title: &str) -> Option<&Role> {
        let t = normalise_title(title);
        let mut best: Option<(usize, usize)> = None;
        for (a, role) in &self.title_aliases {
            if contains_words(&t, a) && best.is_none_or(|(len, _)| a.len() > len) {
                best = Some((a.len(), *role));
            }
        }
        best.map(|(_, r)| &self.roles[r])
    }
}

/// Lower-cases and turns every run of non-alphanumerics into one space, padded at both ends
/// so that word-boundary matching is a plain substring search.
fn normalise_title(s: &str) -> String {
    let mut out = String::from(" ");
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    needle.trim().len() > 1 && haystack.contains(needle)
}

impl Catalog {
    fn new(
        meta: Meta,
        roles: Vec<Role>,
        tools: Vec<Tool>,
        industries: Vec<Industry>,
        fingerprint: String,
    ) -> Catalog {
        let index = |keys: Vec<&String>| {
            keys.into_iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), i))
                .collect()
        };
        let title_aliases = roles
            .iter()
            .enumerate()
            .flat_map(|(i, role)| {
                role.aliases
                    .iter()
                    .map(|a| normalise_title(a))
                    .chain(std::iter::once(normalise_title(&role.name.to_lowercase())))
                    .map(move |a| (a, i))
            })
            .collect();
        Catalog {
            title_aliases,
            role_index: index(roles.iter().map(|r| &r.key).collect()),
            tool_index: index(tools.iter().map(|t| &t.key).collect()),
            industry_index: index(industries.iter().map(|i| &i.key).collect()),
            meta,
            roles,
            tools,
            industries,
            fingerprint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_and_has_thirteen_roles() {
        let c = load::builtin().unwrap();
        assert_eq!(c.roles.len(), 13);
        assert!(c.tools.len() >= 15);
    }

    #[test]
    fn technology_average_is_the_seed_figure() {
        assert_eq!(Catalog::builtin().technology_average().round(), 42.0);
    }

    #[test]
    fn titles_match_roles_by_longest_alias() {
        let c = Catalog::builtin();
        assert_eq!(
            c.match_title("Senior Backend Engineer").unwrap().key,
            "backend-developer"
        );
        assert_eq!(
            c.match_title("Full-Stack Developer (Remote)").unwrap().key,
            "full-stack-developer"
        );
        assert!(c.match_title("Pastry chef").is_none());
    }
}

#[cfg(test)]
mod load_tests;
