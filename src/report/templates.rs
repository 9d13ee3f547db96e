//! The page templates (minijinja) and style of `layouts/`: compiled in, or read from a directory
//! given at run time, parsed once per run and shared by every render thread.

use super::markup::{self, Block};
use super::style::Style;
use super::{Context, LayoutError};
use std::path::Path;

/// Lists the page names once: they become both `PAGE_NAMES` and the compiled-in templates.
macro_rules! builtin_pages {
    ($($name:literal),*) => {
        pub const PAGE_NAMES: [&str; 24] = [$($name),*];
        const BUILTIN_PAGES: [(&str, &str); 24] =
            [$(($name, include_str!(concat!("../../layouts/pages/", $name, ".j2")))),*];
    };
}

builtin_pages!(
    "01-cover",
    "02-contents",
    "03-summary",
    "04-score",
    "05-benchmark",
    "06-battleground",
    "07-inventory",
    "08-automated",
    "09-assisted",
    "10-human-safe",
    "11-skills",
    "12-skill-gaps",
    "13-tools-landscape",
    "14-tools-to-learn",
    "15-outlook",
    "16-salary",
    "17-demand",
    "18-roadmap",
    "19-phase-1",
    "20-phase-2",
    "21-phase-3",
    "22-quick-wins",
    "23-related-roles",
    "24-methodology"
);
pub(crate) const BUILTIN_STYLE: &str = include_str!("../../layouts/style.toml");
pub(crate) const BUILTIN_RUNNING: &str = include_str!("../../layouts/running.j2");
const RUNNING: &str = "running";

/// The words around the pages (`layouts/running.j2`), as the furniture and metadata use them.
#[derive(Debug, Default)]
pub struct Running {
    pub lang: String,
    /// The brand's name (style.toml `[brand]`), the running header's label.
    pub brand: String,
    pub title: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub footer: String,
    pub cover: String,
    /// "Page N of 24", one per page.
    pub pages: Vec<String>,
}

/// "a" or "an" before `word`, by its sound as far as spelling tells it.
pub fn article(word: &str) -> &'static str {
    // An initialism is read letter by letter: "an SLO", "an API", "a UX review".
    let head: String = word
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let initialism = head.chars().count() >= 2
        && head.starts_with(|c: char| c.is_ascii_uppercase())
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if initialism {
        return if head.starts_with(['A', 'E', 'F', 'H', 'I', 'L', 'M', 'N', 'O', 'R', 'S', 'X']) {
            "an"
        } else {
            "a"
        };
    }
    let w = word.trim_start().to_lowercase();
    // Letters read with a consonant sound first, and the common silent h.
    let consonant_sound = [
        "uni", "use", "usa", "usu", "uti", "ure", "ubiq", "eu", "one", "once",
    ];
    let vowel_sound = ["hour", "honest", "honor", "heir"];
    let an = if vowel_sound.iter().any(|p| w.starts_with(p)) {
        true
    } else if consonant_sound.iter().any(|p| w.starts_with(p)) {
        false
    } else {
        w.starts_with(['a', 'e', 'i', 'o', 'u'])
    };
    if an {
        "an"
    } else {
        "a"
    }
}

/// How many environments the templates are compiled in, side by side.
const ENVIRONMENTS: usize = 2;

/// An environment with the settings and filters every template is written for.
fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // `{{ x|decimals(3) }}`: a fixed number of decimals (catalog values in the sources table).
    env.add_filter("decimals", |v: f64, n: usize| format!("{v:.n$}"));
    // `{{ "intermediate"|with_article }}` → "an intermediate".
    env.add_filter("with_article", |w: String| format!("{} {w}", article(&w)));
    env
}

pub struct Layouts {
    /// The templates, compiled in a few environments side by side (a cold `render --id`
    /// waits for the slowest, not for all); no template includes another.
    envs: Vec<minijinja::Environment<'static>>,
    pub style: Style,
    /// SHA-256 over the templates and style, part of every report's fingerprint.
    pub fingerprint: String,
}

impl Layouts {
    pub fn builtin() -> Layouts {
        let pages = BUILTIN_PAGES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Layouts::new(
            pages,
            BUILTIN_RUNNING.to_string(),
            BUILTIN_STYLE.to_string(),
        )
        .expect("built-in layouts are checked by the test suite")
    }

    /// Reads `style.toml`, `running.j2` and `pages/NN-name.j2` from `dir`.
    pub fn from_dir(dir: &Path) -> anyhow::Result<Layouts> {
        let read = |rel: String| {
            std::fs::read_to_string(dir.join(&rel))
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.join(rel).display()))
        };
        let style = read("style.toml".into())?;
        let mut pages = Vec::new();
        for name in PAGE_NAMES {
            pages.push((name.to_string(), read(format!("pages/{name}.j2"))?));
        }
        let mut layouts = Layouts::new(pages, read("running.j2".into())?, style)?;
        let brand = &mut layouts.style.brand;
        if !brand.logo.is_empty() {
            let logo = super::logo::Logo::load(dir, &brand.logo)?;
            // A new logo renders every report again, as a changed template does.
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            h.update(layouts.fingerprint.as_bytes());
            h.update([0]);
            h.update(&logo.png);
            layouts.fingerprint = format!("{:x}", h.finalize());
            brand.logo_image = Some(std::sync::Arc::new(logo));
        }
        Ok(layouts)
    }

    pub(crate) fn new(
        pages: Vec<(String, String)>,
        running: String,
        style: String,
    ) -> anyhow::Result<Layouts> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(style.as_bytes());
        h.update([0]);
        let style = Style::parse(&style).map_err(|e| anyhow::anyhow!("layouts/style.toml: {e}"))?;
        // Each part ends with a NUL (which no name or template holds), so moving text from
        // the end of one template to the start of the next changes the fingerprint.
        for (name, text) in &pages {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        h.update(running.as_bytes());
        h.update([0]);
        let fingerprint = format!("{:x}", h.finalize());
        let mut all: Vec<(String, String, String)> = pages
            .into_iter()
            .map(|(name, text)| {
                let file = format!("layouts/pages/{name}.j2");
                (name, text, file)
            })
            .collect();
        all.push((RUNNING.to_string(), running, "layouts/running.j2".into()));
        use rayon::prelude::*;
        let per_environment = all.len().div_ceil(ENVIRONMENTS);
        let envs = all
            .into_par_iter()
            .chunks(per_environment)
            .map(|chunk| {
                let mut env = environment();
                for (name, text, file) in chunk {
                    env.add_template_owned(name, text)
                        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
                }
                Ok(env)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Layouts {
            envs,
            style,
            fingerprint,
        })
    }

    /// The compiled template `name`.
    fn template(&self, name: &str) -> Result<minijinja::Template<'_, '_>, minijinja::Error> {
        let mut missing = None;
        for env in &self.envs {
            match env.get_template(name) {
                Ok(t) => return Ok(t),
                Err(e) => missing = Some(e),
            }
        }
        Err(missing.unwrap_or_else(|| {
            minijinja::Error::new(minijinja::ErrorKind::TemplateNotFound, name.to_string())
        }))
    }

    /// Renders `running.j2` for a report of `pages` pages.
    fn render_running(&self, ctx: &minijinja::Value, pages: usize) -> Result<Running, LayoutError> {
        let fail = |message: String| LayoutError::Running(message);
        let value = minijinja::context! {
            pages => pages,
            brand => minijinja::Value::from_serialize(&self.style.brand),
            ..ctx.clone()
        };
        let text = self
            .template(RUNNING)
            .and_then(|t| t.render(value))
            .map_err(|e| fail(format!("{e:#}")))?;
        let mut r = Running {
            brand: self.style.brand.name.clone(),
            ..Running::default()
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| fail(format!("output line {}: `key: text` expected", n + 1)))?;
            // Drawn as typed, never parsed as markup: every escaped character comes back.
            let value = markup::unescape(value.trim());
            match key.trim() {
                "lang" => r.lang = value,
                "brand" => {
                    return Err(fail(format!(
                    "output line {}: the brand's name is now `name` under `[brand]` in style.toml",
                    n + 1
                )))
                }
                "title" => r.title = value,
                "subject" => r.subject = value,
                "keyword" => r.keywords.push(value),
                "footer" => r.footer = value,
                "cover" => r.cover = value,
                "page" => r.pages.push(value),
                other => {
                    return Err(fail(format!(
                        "output line {}: unknown key `{other}`",
                        n + 1
                    )))
                }
            }
        }
        if r.pages.len() != pages {
            return Err(fail(format!(
                "{} `page:` lines for {pages} pages",
                r.pages.len()
            )));
        }
        Ok(r)
    }

    /// Renders every page template with the context and parses the markup, and renders the
    /// running copy for that many pages; the context is serialised once for both. With
    /// `spread` (one report on its own) the pages are rendered on rayon's threads.
    pub fn render(
        &self,
        ctx: &Context,
        spread: bool,
    ) -> Result<(Vec<Vec<Block>>, Running), LayoutError> {
        let value = minijinja::Value::from_serialize(ctx);
        let pages = self.render_pages(&value, spread)?;
        let running = self.render_running(&value, pages.len())?;
        Ok((pages, running))
    }

    fn render_pages(
        &self,
        value: &minijinja::Value,
        spread: bool,
    ) -> Result<Vec<Vec<Block>>, LayoutError> {
        let page = |i: usize, name: &&str| {
            let tmpl = self.template(name).map_err(|e| LayoutError::Template {
                page: i + 1,
                message: e.to_string(),
            })?;
            let text = tmpl.render(value).map_err(|e| LayoutError::Template {
                page: i + 1,
                message: format!("{e:#}"),
            })?;
            markup::parse(&text).map_err(|e| LayoutError::Markup {
                page: i + 1,
                message: format!("{name}.j2 output {e}"),
            })
        };
        // Collected in page order either way, so an error is the first page's.
        crate::spread::map(&PAGE_NAMES, spread, page)
            .into_iter()
            .collect()
    }
}
