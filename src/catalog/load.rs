//! Reading catalog files: the compiled-in copy of `input/catalog/` or a directory given at run time.

use super::check::{check, CatalogError, CatalogErrors};
use super::model::{IndustriesFile, Meta, Role, ToolsFile};
use super::Catalog;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The role files, in the order the report lists roles.
pub const ROLE_KEYS: [&str; 13] = [
    "backend-developer",
    "frontend-developer",
    "full-stack-developer",
    "mobile-developer",
    "qa-engineer",
    "devops-sre",
    "data-scientist",
    "data-analyst",
    "database-administrator",
    "security-analyst",
    "it-support-specialist",
    "product-manager",
    "ux-designer",
];

macro_rules! role_file {
    ($key:literal) => {
        (
            concat!("roles/", $key, ".toml"),
            include_str!(concat!("../../input/catalog/roles/", $key, ".toml")),
        )
    };
}

const BUILTIN: [(&str, &str); 16] = [
    (
        "catalog.toml",
        include_str!("../../input/catalog/catalog.toml"),
    ),
    ("tools.toml", include_str!("../../input/catalog/tools.toml")),
    (
        "industries.toml",
        include_str!("../../input/catalog/industries.toml"),
    ),
    role_file!("backend-developer"),
    role_file!("frontend-developer"),
    role_file!("full-stack-developer"),
    role_file!("mobile-developer"),
    role_file!("qa-engineer"),
    role_file!("devops-sre"),
    role_file!("data-scientist"),
    role_file!("data-analyst"),
    role_file!("database-administrator"),
    role_file!("security-analyst"),
    role_file!("it-support-specialist"),
    role_file!("product-manager"),
    role_file!("ux-designer"),
];

pub fn builtin() -> Result<Catalog, CatalogErrors> {
    let files: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assemble(files)
}

/// Reads `catalog.toml`, `tools.toml`, `industries.toml` and every `roles/*.toml` of `dir`.
pub fn from_dir(dir: &Path) -> Result<Catalog, CatalogErrors> {
    let read = |rel: &str| {
        std::fs::read_to_string(dir.join(rel)).map_err(|e| {
            CatalogError::new(dir.join(rel).display(), "", format!("cannot read: {e}"))
        })
    };
    let mut files = Vec::new();
    for name in ["catalog.toml", "tools.toml", "industries.toml"] {
        files.push((name.to_string(), read(name)?));
    }
    let roles_dir = dir.join("roles");
    let entries = std::fs::read_dir(&roles_dir).map_err(|e| {
        CatalogError::new(
            roles_dir.display(),
            "",
            format!("cannot list the role files: {e}"),
        )
    })?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    // Known roles keep the built-in order; extra roles follow alphabetically.
    names.sort_by_key(|n| {
        let key = n.trim_end_matches(".toml");
        (
            ROLE_KEYS
                .iter()
                .position(|k| *k == key)
                .unwrap_or(usize::MAX),
            n.clone(),
        )
    });
    for name in names {
        let rel = format!("roles/{name}");
        let text = read(&rel)?;
        files.push((rel, text));
    }
    assemble(files)
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| {
        CatalogError::new(
            file,
            "",
            e.message().to_string() + &location(text, e.span()),
        )
    })
}

fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(r) => format!(
            " (line {})",
            text[..r.start.min(text.len())].lines().count().max(1)
        ),
        None => String::new(),
    }
}

fn assemble(files: Vec<(String, String)>) -> Result<Catalog, CatalogErrors> {
    let mut hasher = Sha256::new();
    for (name, text) in &files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    let fingerprint = format!("{:x}", hasher.finalize());
    let mut meta: Option<Meta> = None;
    let mut tools = None;
    let mut industries = None;
    let mut roles: Vec<(String, Role)> = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in &files {
        match name.as_str() {
            "catalog.toml" => meta = Some(parse(name, text)?),
            "tools.toml" => tools = Some(parse::<ToolsFile>(name, text)?.tools),
            "industries.toml" => industries = Some(parse::<IndustriesFile>(name, text)?.industries),
            _ => match parse(name, text) {
                Ok(role) => roles.push((name.clone(), role)),
                Err(e) => errors.push(e),
            },
        }
    }
    if !errors.is_empty() {
        return Err(CatalogErrors(errors));
    }
    let meta = meta.ok_or_else(|| CatalogError::new("catalog.toml", "", "missing"))?;
    let tools = tools.ok_or_else(|| CatalogError::new("tools.toml", "", "missing"))?;
    let industries =
        industries.ok_or_else(|| CatalogError::new("industries.toml", "", "missing"))?;
    check(&meta, &roles, &tools, &industries)?;
    Ok(Catalog::new(
        meta,
        roles.into_iter().map(|(_, r)| r).collect(),
        tools,
        industries,
        fingerprint,
    ))
}
