//! The reader's career level, from the level words of their job title, else from their years
//! of experience: the roadmap starts there and never ends below it.

use crate::catalog::{Role, Seniority};

/// The level a job-title word names. "manager" is a level except in a role whose own name
/// contains it (a Product Manager is not a manager of people).
fn level_word(word: &str, role: &Role) -> Option<Seniority> {
    use Seniority::*;
    Some(match word {
        "junior" | "jr" | "associate" | "intern" | "trainee" | "graduate" | "entry"
        | "apprentice" => Junior,
        "mid" | "intermediate" | "ii" => Mid,
        "senior" | "sr" | "iii" => Senior,
        "lead" | "staff" | "tech-lead" => Lead,
        // "Architect" names a kind of work, not a level: a "Mid-level Database Architect" is
        // mid-career.
        "principal" => Principal,
        "manager" if !role.name.to_lowercase().contains("manager") => Principal,
        "group" if role.name.to_lowercase().contains("manager") => Principal,
        // A distinguished engineer or fellow works at director scope without reports.
        "head" | "director" | "distinguished" | "fellow" => Director,
        "vp" | "svp" | "evp" | "avp" | "vice" => Vp,
        "chief" | "cto" | "cio" | "ciso" | "cpo" | "cdo" | "cso" | "cdao" | "ceo" | "coo" => Chief,
        _ => return None,
    })
}

/// The highest level any word of `title` names, if one does.
pub fn title_level(title: &str, role: &Role) -> Option<Seniority> {
    let lower = title.to_lowercase();
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .flat_map(|w| std::iter::once(w).chain(w.split('-')))
        .filter_map(|w| level_word(w, role))
        .max()
}

/// The level the title names; without one, the level `years` suggests (under 3 years junior,
/// under 8 mid-career, else senior — the salary model's and the copy's thresholds; years alone
/// never make a manager).
pub fn seniority(title: &str, years: f64, role: &Role) -> Seniority {
    title_level(title, role).unwrap_or(if years < 3.0 {
        Seniority::Junior
    } else if years < 8.0 {
        Seniority::Mid
    } else {
        Seniority::Senior
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use Seniority::*;

    #[test]
    fn title_words_outrank_years_and_manager_depends_on_the_role() {
        let catalog = Catalog::builtin();
        let backend = catalog.role("backend-developer").unwrap();
        let pm = catalog.role("product-manager").unwrap();
        for (title, years, role, want) in [
            ("Backend Developer", 0.5, backend, Junior),
            ("Backend Developer", 3.0, backend, Mid),
            ("Backend Developer", 7.9, backend, Mid),
            ("Backend Developer", 20.0, backend, Senior),
            ("Distinguished Engineer", 25.0, backend, Director),
            ("Junior Backend Developer", 12.0, backend, Junior),
            ("Sr. Backend Engineer", 1.0, backend, Senior),
            ("Software Engineer II", 9.0, backend, Mid),
            ("Staff Engineer", 9.0, backend, Lead),
            ("Principal Engineer", 15.0, backend, Principal),
            ("Mid-level Database Architect", 9.0, backend, Mid),
            ("Engineering Manager", 9.0, backend, Principal),
            ("Senior Product Manager", 6.0, pm, Senior),
            ("Product Manager", 9.0, pm, Senior),
            ("Group Product Manager", 9.0, pm, Principal),
            ("Head of Product", 12.0, pm, Director),
            ("VP, Product", 15.0, pm, Vp),
            ("Vice President of Engineering", 20.0, backend, Vp),
            ("CTO", 20.0, backend, Chief),
            ("Co-founder & CTO", 8.0, backend, Chief),
        ] {
            assert_eq!(
                seniority(title, years, role),
                want,
                "{title}, {years} years"
            );
        }
    }
}
