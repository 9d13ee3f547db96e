//! Reading catalog files: the compiled-in copy of `input/catalog/` or a directory given at run time.

use super::check::{check, CatalogError, CatalogErrors};
use super::model::{IndustriesFile, Industry, Meta, Role, Tool, ToolsFile};
use super::Catalog;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
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

/// A built-in catalog file: its name, its TOML (what the fingerprint is made from, as for a
/// `--catalog` directory) and the same parsed into JSON when the program was built
/// (`build.rs`), which is what is read.
macro_rules! file {
    ($name:expr, $json:expr) => {
        (
            $name,
            include_str!(concat!("../../input/catalog/", $name)),
            include_str!(concat!(env!("OUT_DIR"), "/catalog/", $json)),
        )
    };
}

macro_rules! role_file {
    ($key:literal) => {
        file!(
            concat!("roles/", $key, ".toml"),
            concat!("roles/", $key, ".json")
        )
    };
}

pub(super) const BUILTIN: [(&str, &str, &str); 16] = [
    file!("catalog.toml", "catalog.json"),
    file!("tools.toml", "tools.json"),
    file!("industries.toml", "industries.json"),
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
    let files = BUILTIN
        .iter()
        .map(|&(name, toml, json)| File {
            name: name.into(),
            toml: toml.into(),
            json: Some(json).filter(|j| !j.is_empty()),
        })
        .collect();
    assemble(files)
}

/// A catalog file to load: its name (`roles/…` for a role) and TOML, and for a built-in file
/// the same as JSON, which is read instead.
struct File {
    name: String,
    toml: Cow<'static, str>,
    json: Option<&'static str>,
}

impl File {
    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, CatalogError> {
        match self.json {
            Some(json) => serde_json::from_str(json).map_err(|e| {
                CatalogError::new(&self.name, "", format!("{e} (in the built-in copy)"))
            }),
            None => parse(&self.name, &self.toml),
        }
    }
}

/// Reads `catalog.toml`, `tools.toml`, `industries.toml` and every `roles/*.toml` of `dir`.
pub fn from_dir(dir: &Path) -> Result<Catalog, CatalogErrors> {
    let read = |rel: &str| {
        std::fs::read_to_string(dir.join(rel)).map_err(|e| {
            CatalogError::new(dir.join(rel).display(), "", format!("cannot read: {e}"))
        })
    };
    let mut files = Vec::new();
    let file = |name: String, toml: String| File {
        name,
        toml: toml.into(),
        json: None,
    };
    for name in ["catalog.toml", "tools.toml", "industries.toml"] {
        files.push(file(name.to_string(), read(name)?));
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
        files.push(file(rel, text));
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

/// One parsed catalog file.
enum Part {
    Meta(Box<Meta>),
    Tools(Vec<Tool>),
    Industries(Vec<Industry>),
    Role(Box<Role>),
}

fn assemble(files: Vec<File>) -> Result<Catalog, CatalogErrors> {
    let mut hasher = Sha256::new();
    for f in &files {
        hasher.update(f.name.as_bytes());
        hasher.update([0]);
        hasher.update(f.toml.as_bytes());
        hasher.update([0]);
    }
    let fingerprint = format!("{:x}", hasher.finalize());
    // The files are independent: parsed side by side, a cold `render --id` waits for the
    // largest role file instead of all sixteen.
    let parsed: Vec<Result<Part, CatalogError>> = files
        .par_iter()
        .map(|f| match f.name.as_str() {
            "catalog.toml" => f.parse().map(|m| Part::Meta(Box::new(m))),
            "tools.toml" => f.parse::<ToolsFile>().map(|t| Part::Tools(t.tools)),
            "industries.toml" => f
                .parse::<IndustriesFile>()
                .map(|i| Part::Industries(i.industries)),
            _ => f.parse().map(|r| Part::Role(Box::new(r))),
        })
        .collect();
    let mut meta: Option<Meta> = None;
    let mut tools = None;
    let mut industries = None;
    let mut roles: Vec<(String, Role)> = Vec::new();
    let mut errors = Vec::new();
    for (File { name, .. }, part) in files.iter().zip(parsed) {
        match part {
            Ok(Part::Meta(m)) => meta = Some(*m),
            Ok(Part::Tools(t)) => tools = Some(t),
            Ok(Part::Industries(i)) => industries = Some(i),
            Ok(Part::Role(r)) => roles.push((name.clone(), *r)),
            // A broken role file is reported with the others; the shared files stop the load.
            Err(e) if name.starts_with("roles/") => errors.push(e),
            Err(e) => return Err(e.into()),
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
