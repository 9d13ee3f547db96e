//! Test fixtures shared by the tests of several stages.

use crate::catalog::Catalog;
use crate::input::{Audit, TaskShare};

/// An audit whose every input equals the role's typical profile.
pub fn typical(catalog: &Catalog, role_key: &str) -> Audit {
    let role = catalog.role(role_key).unwrap();
    Audit {
        line: 2,
        audit_id: "typical".into(),
        submitted_at: time::macros::datetime!(2026-11-20 09:30 UTC),
        email: "typical@example.com".into(),
        full_name: "Typical Person".into(),
        preferred_name: None,
        job_title: role.name.clone(),
        role: role.key.clone(),
        industry: "technology".into(),
        years_experience: role.typical_years,
        tasks: role
            .tasks
            .iter()
            .map(|t| TaskShare {
                key: t.key.clone(),
                share: t.typical_share / 100.0,
            })
            .collect(),
        ai_tools: role
            .tools
            .iter()
            .take(role.typical_tools as usize)
            .map(|t| t.key.clone())
            .collect(),
        ai_usage: role.typical_usage,
        country: None,
        consent_email: true,
    }
}
