//! A deterministic generator of realistic audit rows (names from many cultures and scripts, titles
//! built from the catalog's aliases, task mixes that add up to 100) for demos, load tests and
//! fixtures. Every row it writes passes the input rules; row `i` depends only on the seed.

use crate::catalog::{Catalog, Role, Usage};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const HEADER: [&str; 13] = [
    "audit_id",
    "submitted_at",
    "email",
    "full_name",
    "job_title",
    "role",
    "industry",
    "years_experience",
    "tasks",
    "ai_tools",
    "ai_usage",
    "country",
    "consent_email",
];

/// Writes a header and `rows` generated audit rows as CSV. The same `(rows, seed)` always gives
/// the same bytes, and the first N rows of a larger sample equal a sample of N rows.
pub fn write_sample<W: std::io::Write>(
    catalog: &Catalog,
    rows: usize,
    seed: u64,
    out: W,
) -> csv::Result<()> {
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    wtr.write_record(HEADER)?;
    if rows > 0 && catalog.roles.is_empty() {
        let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "the catalog has no roles");
        return Err(e.into());
    }
    let mut gen = Generator::new(catalog, seed);
    for i in 0..rows {
        wtr.write_record(gen.row(i))?;
    }
    wtr.flush()?;
    Ok(())
}

/// A name group (`input/sample/names.toml` says what each field means).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    countries: Vec<(String, String)>,
    male: Vec<String>,
    female: Vec<String>,
    surnames: Vec<String>,
    #[serde(default)]
    family_first: bool,
    #[serde(default)]
    joined: bool,
    double: Option<Double>,
    weight: u32,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Double {
    separator: String,
    probability: f64,
}

/// The name groups, data beside the catalog, parsed once.
fn groups() -> &'static [Group] {
    #[derive(serde::Deserialize)]
    struct Names {
        group: Vec<Group>,
    }
    static GROUPS: std::sync::OnceLock<Vec<Group>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(|| {
        toml::from_str::<Names>(include_str!("../input/sample/names.toml"))
            .expect("input/sample/names.toml is valid (checked by the tests)")
            .group
    })
}

/// Countries people answer from when they live away from where their name comes from.
const DIASPORA: &[(&str, &str)] = &[
    ("US", "-05:00"),
    ("GB", "+00:00"),
    ("DE", "+01:00"),
    ("CA", "-05:00"),
    ("AU", "+11:00"),
    ("NL", "+01:00"),
    ("IE", "+00:00"),
    ("AE", "+04:00"),
    ("SG", "+08:00"),
];

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example.net",
    "mail.example.com",
    "inbox.example.org",
    "corp.example.com",
    "eu.example.net",
    "acme.test",
    "globex-corp.test",
    "initech.test",
];

/// Title prefixes by seniority tier, with the years of experience that go with them.
const TIERS: &[(&[&str], f64, f64, u32)] = &[
    (
        &["Junior", "Jr.", "Associate", "Graduate", "Trainee"],
        0.0,
        3.0,
        15,
    ),
    (&["", "", "", "Mid-level", "Intermediate"], 1.0, 10.0, 35),
    (&["Senior", "Sr.", "Senior", "Sr"], 5.0, 18.0, 30),
    (&["Lead", "Team Lead", "Lead"], 7.0, 25.0, 12),
    (&["Staff", "Principal", "Distinguished"], 10.0, 35.0, 8),
];

const SUFFIXES: &[&str] = &[
    " (Remote)",
    " (Contract)",
    " II",
    " III",
    ", EMEA",
    " \u{2013} Payments",
    " (Hybrid)",
    ", Platform team",
];

/// Words written in capitals (or a fixed spelling) when a title is title-cased.
const SPELLINGS: &[(&str, &str)] = &[
    ("api", "API"),
    ("qa", "QA"),
    ("ux", "UX"),
    ("ui", "UI"),
    ("ui/ux", "UI/UX"),
    ("sre", "SRE"),
    ("it", "IT"),
    ("dba", "DBA"),
    ("sql", "SQL"),
    ("ml", "ML"),
    ("ai", "AI"),
    ("bi", "BI"),
    ("soc", "SOC"),
    ("sdet", "SDET"),
    ("php", "PHP"),
    ("ios", "iOS"),
    ("c#", "C#"),
    (".net", ".NET"),
    ("devops", "DevOps"),
    ("node.js", "Node.js"),
    ("nodejs", "NodeJS"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("ux/ui", "UX/UI"),
    ("mlops", "MLOps"),
    ("nlp", "NLP"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("grc", "GRC"),
    ("vp", "VP"),
    ("lamp", "LAMP"),
    ("mern", "MERN"),
    ("mean", "MEAN"),
    ("nextjs", "NextJS"),
    ("next.js", "Next.js"),
    ("vue.js", "Vue.js"),
    ("swiftui", "SwiftUI"),
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("infosec", "InfoSec"),
    ("maui", "MAUI"),
    ("of", "of"),
    ("in", "in"),
    ("on", "on"),
    ("and", "and"),
    ("for", "for"),
];

/// Words that already say how senior a title is, with the tier they mean: such a title gets no
/// seniority prefix, and the years go with the word.
const RANKS: &[(&str, usize)] = &[
    ("intern", 0),
    ("junior", 0),
    ("associate", 0),
    ("senior", 2),
    ("lead", 3),
    ("staff", 4),
    ("principal", 4),
    ("head", 4),
    ("director", 4),
    ("vp", 4),
    ("chief", 4),
    ("officer", 4),
];

/// Job-title phrases of one role that `match_title` maps back to it.
struct RoleTitles<'c> {
    role: &'c Role,
    /// Title-cased aliases that match the role on their own.
    bases: Vec<String>,
}

struct Generator<'c> {
    catalog: &'c Catalog,
    rng: ChaCha8Rng,
    roles: Vec<RoleTitles<'c>>,
    emails: HashSet<String>,
    group_total: u32,
    tier_total: u32,
}

impl<'c> Generator<'c> {
    fn new(catalog: &'c Catalog, seed: u64) -> Generator<'c> {
        let roles = catalog
            .roles
            .iter()
            .map(|role| {
                let mut bases: Vec<String> = Vec::new();
                let name = role.name.to_lowercase();
                for alias in role.aliases.iter().chain(std::iter::once(&name)) {
                    let t = title_case(alias);
                    if catalog.match_title(&t).is_some_and(|r| r.key == role.key)
                        && !bases.contains(&t)
                    {
                        bases.push(t);
                    }
                }
                RoleTitles { role, bases }
            })
            .collect();
        Generator {
            catalog,
            rng: ChaCha8Rng::seed_from_u64(seed),
            roles,
            emails: HashSet::new(),
            group_total: groups().iter().map(|g| g.weight).sum(),
            tier_total: TIERS.iter().map(|t| t.3).sum(),
        }
    }

    fn row(&mut self, i: usize) -> [String; 13] {
        let audit_id = format!("a-2026-11-{:05}", i + 1);

        let group = self.group();
        let (full_name, given, family) = self.name(group);
        let country = self.country(group);
        let submitted_at = self.timestamp(country.map(|c| c.1));
        let email = self.email(i, &given, &family, group.family_first);

        let role_idx = self.rng.gen_range(0..self.roles.len());
        let tier = self.tier();
        let (job_title, role_cell, tier) = self.title(role_idx, tier);
        let role = self.roles[role_idx].role;
        let years = self.years(role, tier);
        let industry = self.industry();
        let tasks = self.tasks(role);
        let (ai_tools, ai_usage) = self.tools(role);
        let consent = self.consent();

        [
            audit_id,
            submitted_at,
            email,
            full_name,
            job_title,
            role_cell,
            industry,
            years,
            tasks,
            ai_tools,
            ai_usage,
            country.map(|c| c.0.to_string()).unwrap_or_default(),
            consent.to_string(),
        ]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn group(&mut self) -> &'static Group {
        let mut n = self.rng.gen_range(0..self.group_total);
        for g in groups() {
            if n < g.weight {
                return g;
            }
            n -= g.weight;
        }
        &groups()[0]
    }

    /// Full name, and the given-name and family-name parts as the person spells them in Latin
    /// letters (for the email address).
    fn name(&mut self, g: &'static Group) -> (String, String, String) {
        let female = self.rng.gen_bool(0.5);
        let names: &'static [String] = if female { &g.female } else { &g.male };
        let (mut given, mut given_latin) = written(self.pick::<String>(names));
        let form = |entry: &str| -> (String, String) {
            let entry = match entry.split_once('|') {
                Some((m, f)) => {
                    if female {
                        f
                    } else {
                        m
                    }
                }
                None => entry,
            };
            written(entry)
        };
        let first = self.pick(&g.surnames);
        let (mut family, mut family_latin) = form(first);
        if let Some(d) = &g.double {
            if self.rng.gen_bool(d.probability) {
                let second = self.pick(&g.surnames);
                if second != first {
                    let (s, s_latin) = form(second);
                    family = format!("{family}{}{s}", d.separator);
                    family_latin = format!("{family_latin}{}{s_latin}", d.separator);
                }
            }
        }
        // A middle initial now and then, as English-speaking forms often get.
        if std::ptr::eq(g, &groups()[0]) && self.rng.gen_bool(0.1) {
            let initial = (b'A' + self.rng.gen_range(0..26u8)) as char;
            given = format!("{given} {initial}.");
            given_latin.clone_from(&given);
        }
        let space = if g.joined { "" } else { " " };
        let full = if g.family_first {
            format!("{family}{space}{given}")
        } else {
            format!("{given}{space}{family}")
        };
        (full, given_latin, family_latin)
    }

    fn country(&mut self, g: &'static Group) -> Option<(&'static str, &'static str)> {
        let r: f64 = self.rng.gen();
        if r < 0.08 {
            None
        } else if r < 0.16 {
            Some(*self.pick(DIASPORA))
        } else {
            let (c, o) = self.pick(&g.countries);
            Some((c.as_str(), o.as_str()))
        }
    }

    /// A time between 2026-11-01 and 2026-11-23, mostly in UTC, sometimes with the local offset.
    fn timestamp(&mut self, offset: Option<&str>) -> String {
        let day = self.rng.gen_range(1..=23);
        let hour = if self.rng.gen_bool(0.7) {
            self.rng.gen_range(8..=18)
        } else {
            self.rng.gen_range(0..=23)
        };
        let minute = self.rng.gen_range(0..60);
        let second = self.rng.gen_range(0..60);
        let local = self.rng.gen_bool(0.3);
        let zone = match offset {
            Some(o) if local && o != "+00:00" => o,
            _ => "Z",
        };
        format!("2026-11-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}")
    }

    fn email(&mut self, i: usize, given: &str, family: &str, family_first: bool) -> String {
        let g = ascii_words(given);
        let f = ascii_words(family).concat();
        let first = if family_first { g.last() } else { g.first() }
            .cloned()
            .unwrap_or_else(|| "user".into());
        let last = if f.is_empty() { "mail".to_string() } else { f };
        let local = match self.rng.gen_range(0..8) {
            0 | 1 => format!("{first}.{last}"),
            2 => format!("{first}{last}"),
            3 => format!("{}.{last}", &first[..1]),
            4 => format!("{first}_{last}"),
            5 => format!("{last}.{first}"),
            6 => format!("{first}{}", self.rng.gen_range(10..100)),
            _ => format!("{first}.{last}{}", self.rng.gen_range(1..10)),
        };
        let mut local: String = local.chars().take(40).collect();
        while local.ends_with(['.', '_', '-']) {
            local.pop();
        }
        let domain = self.pick(DOMAINS);
        let mut email = format!("{local}@{domain}");
        if self.emails.contains(&email) {
            email = format!("{local}.{}@{domain}", i + 1);
        }
        self.emails.insert(email.clone());
        email
    }

    fn tier(&mut self) -> usize {
        let mut n = self.rng.gen_range(0..self.tier_total);
        for (i, t) in TIERS.iter().enumerate() {
            if n < t.3 {
                return i;
            }
            n -= t.3;
        }
        1
    }

    /// The job title as typed, the role cell (sometimes the key, sometimes empty so the title has
    /// to be matched: only ever left empty when the title does match the role) and the tier, which
    /// a title that names its own rank ("Head of Product") overrides.
    fn title(&mut self, role_idx: usize, tier: usize) -> (String, String, usize) {
        let rt = &self.roles[role_idx];
        let role = rt.role;
        let bases = rt.bases.clone();
        let fill_role = bases.is_empty() || self.rng.gen_bool(0.4);
        let base = if bases.is_empty() {
            role.name.clone()
        } else {
            self.pick(&bases).clone()
        };
        let prefix = *self.pick(TIERS[tier].0);
        let rank = base.split_whitespace().find_map(|w| {
            let w = w.to_lowercase();
            RANKS.iter().find(|(r, _)| *r == w).map(|(_, t)| *t)
        });
        let (prefix, tier) = match rank {
            Some(t) => ("", t),
            None => (prefix, tier),
        };
        let mut title = if prefix.is_empty() {
            base.clone()
        } else {
            format!("{prefix} {base}")
        };
        if self.rng.gen_bool(0.1) {
            let suffix = *self.pick(SUFFIXES);
            title.push_str(suffix);
        }
        let r: f64 = self.rng.gen();
        if r < 0.1 {
            title = title.to_lowercase();
        } else if r < 0.14 {
            title = title.to_uppercase();
        }
        if fill_role {
            return (title, role.key.clone(), tier);
        }
        let matches = |t: &str| {
            self.catalog
                .match_title(t)
                .is_some_and(|r| r.key == role.key)
        };
        if matches(&title) {
            (title, String::new(), tier)
        } else {
            // `base` was checked when the generator was built.
            (base, String::new(), tier)
        }
    }

    fn years(&mut self, role: &Role, tier: usize) -> String {
        let (_, lo, hi, _) = TIERS[tier];
        let (lo, hi) = if tier == 1 {
            let t = role.typical_years;
            ((t - 4.0).max(lo), (t + 4.0).max(lo + 2.0))
        } else {
            (lo, hi)
        };
        let mut y = if self.rng.gen_bool(0.03) {
            self.rng.gen_range(lo..=40.0)
        } else {
            self.rng.gen_range(lo..=hi)
        };
        y = y.clamp(0.0, 40.0).floor();
        if y < 40.0 && self.rng.gen_bool(0.15) {
            let tenth = if self.rng.gen_bool(0.6) {
                5
            } else {
                self.rng.gen_range(1..10)
            };
            format!("{y:.0}.{tenth}")
        } else {
            format!("{y:.0}")
        }
    }

    fn industry(&mut self) -> String {
        let has_tech = self.catalog.industry("technology").is_some();
        let others: Vec<&str> = self
            .catalog
            .industries
            .iter()
            .map(|i| i.key.as_str())
            .filter(|k| *k != "technology")
            .collect();
        let r: f64 = self.rng.gen();
        if r < 0.03 || (others.is_empty() && !has_tech) {
            String::new()
        } else if (r < 0.7 && has_tech) || others.is_empty() {
            "technology".into()
        } else {
            self.pick(&others).to_string()
        }
    }

    /// `key=percent;…` over 1 to all of the role's tasks, integer percents adding up to exactly 100.
    fn tasks(&mut self, role: &Role) -> String {
        let n = role.tasks.len().min(100);
        if n == 0 {
            return String::new();
        }
        let r: f64 = self.rng.gen();
        let k = if r < 0.05 {
            1
        } else if r < 0.12 && n <= 20 {
            n
        } else {
            let lo = 3.min(n);
            self.rng.gen_range(lo..=10.min(n).max(lo))
        };
        let mut chosen: Vec<usize> = rand::seq::index::sample(&mut self.rng, n, k).into_vec();
        if self.rng.gen_bool(0.5) {
            chosen.sort_unstable();
        }
        let weights: Vec<f64> = chosen
            .iter()
            .map(|&t| role.tasks[t].typical_share.max(1.0) * self.rng.gen_range(0.3..1.7))
            .collect();
        let unit = if k * 5 <= 100 && self.rng.gen_bool(0.5) {
            5
        } else {
            1
        };
        let percents = split_100(&weights, unit);
        chosen
            .iter()
            .zip(percents)
            .map(|(&t, p)| format!("{}={p}", role.tasks[t].key))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `ai_tools` and `ai_usage`: usage around the role's typical level, tools mostly the role's own.
    fn tools(&mut self, role: &Role) -> (String, String) {
        let r: f64 = self.rng.gen();
        let shift = if r < 0.07 {
            -2
        } else if r < 0.27 {
            -1
        } else if r < 0.72 {
            0
        } else if r < 0.95 {
            1
        } else {
            2
        };
        let level = (role.typical_usage.level() + shift).clamp(0, 3);
        let usage = Usage::ALL[level as usize];
        let count = match usage {
            Usage::Never => usize::from(self.rng.gen_bool(0.08)),
            Usage::Monthly => self
                .rng
                .gen_range(0..=2)
                .max(usize::from(self.rng.gen_bool(0.9))),
            Usage::Weekly => self.rng.gen_range(1..=3),
            Usage::Daily => self.rng.gen_range(1..=4),
        };
        let own: Vec<&str> = role
            .tools
            .iter()
            .map(|t| t.key.as_str())
            .filter(|k| self.catalog.tool(k).is_some())
            .collect();
        let all: Vec<&str> = self.catalog.tools.iter().map(|t| t.key.as_str()).collect();
        let mut picked: Vec<&str> = Vec::new();
        let mut attempts = 0;
        while picked.len() < count.min(all.len()) && attempts < 50 {
            attempts += 1;
            let from = if !own.is_empty() && self.rng.gen_bool(0.8) {
                &own
            } else {
                &all
            };
            let t = *self.pick(from);
            if !picked.contains(&t) {
                picked.push(t);
            }
        }
        picked.shuffle(&mut self.rng);
        let usage_cell = if usage == Usage::Never && picked.is_empty() && self.rng.gen_bool(0.1) {
            String::new()
        } else {
            usage.key().to_string()
        };
        (picked.join(";"), usage_cell)
    }

    fn consent(&mut self) -> &'static str {
        let r: f64 = self.rng.gen();
        if r < 0.75 {
            "true"
        } else if r < 0.8 {
            "yes"
        } else if r < 0.96 {
            "false"
        } else {
            "no"
        }
    }
}

/// Splits 100 in proportion to `weights`, in multiples of `unit` (which must divide 100), giving
/// every entry at least one unit; the largest remainders get the leftover units.
fn split_100(weights: &[f64], unit: u32) -> Vec<u32> {
    let units = 100 / unit;
    let k = weights.len() as u32;
    let spare = units.saturating_sub(k);
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| w / total * f64::from(spare))
        .collect();
    let mut shares: Vec<u32> = exact.iter().map(|e| 1 + e.floor() as u32).collect();
    let given: u32 = shares.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order
        .iter()
        .cycle()
        .take(units.saturating_sub(given) as usize)
    {
        shares[i] += 1;
    }
    shares.into_iter().map(|s| s * unit).collect()
}

/// A names.toml entry `name` or `name=latin`: the name as written, and as the person spells it
/// in Latin letters (the name itself when not given, transliterated later by `ascii_words`).
fn written(entry: &str) -> (String, String) {
    match entry.split_once('=') {
        Some((name, latin)) => (name.to_string(), latin.to_string()),
        None => (entry.to_string(), entry.to_string()),
    }
}

/// Title-cases an alias, keeping the usual spelling of acronyms ("api developer" → "API Developer").
fn title_case(alias: &str) -> String {
    alias
        .split_whitespace()
        .map(|w| match SPELLINGS.iter().find(|(k, _)| *k == w) {
            Some((_, s)) => s.to_string(),
            None => {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name as lower-case ASCII words: every script transliterated (`deunicode`), apostrophes
/// joined ("O'Brien" → "obrien"), any other punctuation splitting words.
fn ascii_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev = ' ';
    for c in name.chars() {
        if c.is_alphanumeric() {
            // Modern Greek reads η as i, ου as u, αυ/ευ as av/ev; deunicode spells the
            // letters one by one ("Papadake", "Euaggelos").
            let ascii = match (prev, c) {
                (_, 'η' | 'ή' | 'Η' | 'Ή') => "i",
                ('ο' | 'ό' | 'Ο', 'υ' | 'ύ') => "u",
                ('α' | 'ά' | 'ε' | 'έ' | 'Α' | 'Ε', 'υ' | 'ύ') => "v",
                _ => deunicode::deunicode_char(c).unwrap_or(""),
            };
            prev = c;
            cur.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else if c == '\'' || c == '\u{2019}' || c == '\u{200C}' || c == '\u{200D}' || is_mark(c) {
            // joined: an apostrophe, a combining mark of the letter before (an accent, an
            // Indic virama or vowel sign: "अर्जुन" is one word), or the joiners Persian and
            // Indic scripts write inside words
        } else {
            prev = ' ';
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn is_mark(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    matches!(
        get_general_category(c),
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn sample(rows: usize, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_sample(&Catalog::builtin(), rows, seed, &mut out).unwrap();
        out
    }

    fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(bytes)
            .records()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_and_prefix_property() {
        let big = sample(300, 7);
        assert_eq!(big, sample(300, 7));
        assert_ne!(big, sample(300, 8));
        let small = sample(120, 7);
        assert!(
            big.starts_with(&small),
            "the first rows of a larger sample must equal a smaller one"
        );
        assert_eq!(records(&big).len(), 300);
        assert_eq!(sample(0, 7), format!("{}\n", HEADER.join(",")).into_bytes());
    }

    #[test]
    fn every_row_passes_validation_and_all_roles_appear() {
        let catalog = Catalog::builtin();
        for (rows, seed) in [(2000, 42), (400, 1), (400, 2026)] {
            let mut file = tempfile::NamedTempFile::new().unwrap();
            write_sample(&catalog, rows, seed, file.as_file_mut()).unwrap();
            let reader = crate::input::open(file.path(), &catalog).unwrap();
            assert!(reader.warnings.is_empty(), "{:?}", reader.warnings);
            let (mut ok, mut rejects) = (Vec::new(), Vec::new());
            for item in reader {
                match item {
                    Ok(a) => ok.push(a),
                    Err(r) => rejects.push(r),
                }
            }
            assert!(
                rejects.is_empty(),
                "seed {seed}: {} rejects, first: {:?}",
                rejects.len(),
                &rejects[..rejects.len().min(5)]
            );
            assert_eq!(ok.len(), rows);
            if rows >= 2000 {
                let roles: BTreeSet<&str> = ok.iter().map(|a| a.role.as_str()).collect();
                assert_eq!(roles.len(), catalog.roles.len(), "roles seen: {roles:?}");
                for role in &catalog.roles {
                    let n = ok.iter().filter(|a| a.role == role.key).count();
                    assert!(
                        n > rows / catalog.roles.len() / 2,
                        "{} has only {n} rows",
                        role.key
                    );
                }
            }
        }
    }

    #[test]
    fn rows_are_varied_and_exact() {
        let bytes = sample(2000, 42);
        let recs = records(&bytes);
        let mut emails = HashSet::new();
        let (mut empty_role, mut filled_role, mut decimals) = (0, 0, 0);
        for r in &recs {
            assert!(r[2].is_ascii(), "{}", &r[2]);
            assert!(emails.insert(r[2].to_string()), "duplicate email {}", &r[2]);
            let total: u32 = r[8]
                .split(';')
                .map(|p| p.split_once('=').unwrap().1.parse::<u32>().unwrap())
                .sum();
            assert_eq!(total, 100, "{}", &r[8]);
            let years: f64 = r[7].parse().unwrap();
            assert!((0.0..=40.0).contains(&years));
            decimals += usize::from(r[7].contains('.'));
            assert!(!r[4].trim().is_empty());
            if r[5].is_empty() {
                empty_role += 1;
            } else {
                filled_role += 1;
            }
            assert!(r[9].split(';').filter(|t| !t.is_empty()).count() <= 4);
        }
        assert!(
            empty_role > 200 && filled_role > 200,
            "{empty_role} empty, {filled_role} filled"
        );
        assert!(decimals > 50);
        let consent: BTreeSet<&str> = recs.iter().map(|r| &r[12]).collect();
        assert!(consent.contains("true") && consent.contains("false") && consent.contains("yes"));
    }

    /// Which groups of names.toml can produce `full` (a middle initial ignored).
    fn groups_of(full: &str) -> Vec<usize> {
        let words: Vec<&str> = full
            .split(' ')
            .filter(|w| !(w.len() == 2 && w.ends_with('.')))
            .collect();
        let full = words.join(" ");
        let mut found = Vec::new();
        for (i, g) in groups().iter().enumerate() {
            let forms: Vec<String> = g
                .surnames
                .iter()
                .flat_map(|s| s.split('|'))
                .map(|s| written(s).0)
                .collect();
            let mut families = forms.clone();
            if let Some(d) = &g.double {
                for a in &forms {
                    for b in &forms {
                        families.push(format!("{a}{}{b}", d.separator));
                    }
                }
            }
            let space = if g.joined { "" } else { " " };
            let hit = g.male.iter().chain(&g.female).any(|given| {
                let given = written(given).0;
                families.iter().any(|family| {
                    let name = if g.family_first {
                        format!("{family}{space}{given}")
                    } else {
                        format!("{given}{space}{family}")
                    };
                    name == full
                })
            });
            if hit {
                found.push(i);
            }
        }
        found
    }

    #[test]
    fn names_use_many_scripts() {
        let bytes = sample(2000, 42);
        let names: Vec<String> = records(&bytes).iter().map(|r| r[3].to_string()).collect();
        let any = |f: &dyn Fn(char) -> bool| names.iter().any(|n| n.chars().any(f));
        assert!(any(&|c| "ąćęłńśźżĄĆĘŁŃŚŹŻ".contains(c)), "Polish");
        assert!(
            any(&|c| "ễồđĐơưạảấầẩẫậắằẳẵặẹẻẽếềểệỉịọỏốổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)),
            "Vietnamese"
        );
        for (script, lo, hi) in [
            ("Greek", '\u{370}', '\u{3ff}'),
            ("Cyrillic", '\u{400}', '\u{4ff}'),
            ("Armenian", '\u{530}', '\u{58f}'),
            ("Hebrew", '\u{590}', '\u{5ff}'),
            ("Arabic", '\u{600}', '\u{6ff}'),
            ("Devanagari", '\u{900}', '\u{97f}'),
            ("Bengali", '\u{980}', '\u{9ff}'),
            ("Tamil", '\u{b80}', '\u{bff}'),
            ("Thai", '\u{e00}', '\u{e7f}'),
            ("Georgian", '\u{10a0}', '\u{10ff}'),
            ("Hangul", '\u{ac00}', '\u{d7af}'),
            ("Ethiopic", '\u{1200}', '\u{137f}'),
            ("Hiragana", '\u{3040}', '\u{309f}'),
            ("Han", '\u{4e00}', '\u{9fff}'),
        ] {
            assert!(any(&|c| (lo..=hi).contains(&c)), "{script}");
        }
        assert!(
            any(&|c| c == '\u{200C}'),
            "Persian surnames written with ZWNJ"
        );
        let distinct: BTreeSet<&String> = names.iter().collect();
        assert!(
            distinct.len() > 1000,
            "only {} distinct names",
            distinct.len()
        );
        // Written as a reader would type them: NFC, as validation keeps names.
        use unicode_normalization::UnicodeNormalization;
        for n in &names {
            assert_eq!(&n.nfc().collect::<String>(), n);
        }

        // The shipped input/audits.csv (500 rows, seed 2026) has every group of names.toml,
        // the ones in their own script included (issue #14).
        let shipped = records(&sample(500, 2026));
        let mut seen = vec![0; groups().len()];
        for r in &shipped {
            let gs = groups_of(&r[3]);
            assert!(!gs.is_empty(), "{} is from no group", &r[3]);
            if let [g] = gs[..] {
                seen[g] += 1;
            }
        }
        let missing: Vec<String> = groups()
            .iter()
            .zip(&seen)
            .filter(|(_, n)| **n == 0)
            .map(|(g, _)| written(&g.surnames[0]).0)
            .collect();
        assert!(missing.is_empty(), "groups of {missing:?} never drawn");
        assert!(groups().len() >= 36, "the 15 groups in their own script");
    }

    #[test]
    fn emails_of_names_in_any_script_are_readable_ascii() {
        let bytes = sample(2000, 42);
        for r in records(&bytes) {
            let local = r[2].split('@').next().unwrap();
            assert!(local.is_ascii(), "{}", &r[2]);
            // "user", the fallback when a name gives no ASCII letters at all.
            assert!(!local.starts_with("user"), "{} for {}", &r[2], &r[3]);
            assert!(
                local.chars().filter(char::is_ascii_alphabetic).count() >= 2,
                "{}",
                &r[2]
            );
        }
        // Each address is built from the person's own Latin spelling of their name (an
        // `=latin` entry), not deunicode's letter-by-letter reading ("mhmd" for محمد).
        for r in records(&sample(500, 2026)) {
            let local = r[2].split('@').next().unwrap().to_string();
            let [g] = groups_of(&r[3])[..] else { continue };
            let g = &groups()[g];
            let spelled = g
                .male
                .iter()
                .chain(&g.female)
                .chain(&g.surnames)
                .flat_map(|e| e.split('|'))
                .flat_map(|e| ascii_words(&written(e).1))
                .any(|w| w.len() > 1 && local.contains(&w));
            assert!(spelled, "{local} for {}", &r[3]);
        }
        assert_eq!(written("محمد=mohamed"), ("محمد".into(), "mohamed".into()));
        assert_eq!(written("王"), ("王".into(), "王".into()));
    }

    #[test]
    fn transliteration_is_ascii() {
        assert_eq!(
            ascii_words("Γιώργος Παπαδόπουλος"),
            ["giorgos", "papadopoulos"]
        );
        assert_eq!(
            ascii_words("Олександр Коваленко"),
            ["oleksandr", "kovalenko"]
        );
        assert_eq!(
            ascii_words("Nguyễn Thị Hồng Nhung"),
            ["nguyen", "thi", "hong", "nhung"]
        );
        assert_eq!(
            ascii_words("Małgorzata Żółkiewska"),
            ["malgorzata", "zolkiewska"]
        );
        assert_eq!(
            ascii_words("Siobhán Ó Súilleabháin"),
            ["siobhan", "o", "suilleabhain"]
        );
        assert_eq!(
            ascii_words("Jürgen Groß O'Brien"),
            ["jurgen", "gross", "obrien"]
        );
        assert_eq!(ascii_words("İsmail Çağlar"), ["ismail", "caglar"]);
        assert_eq!(
            ascii_words("Κατερίνα Παπαδάκη Ευάγγελος"),
            ["katerina", "papadaki", "evaggelos"]
        );
        assert_eq!(ascii_words("王小明"), ["wangxiaoming"]);
        // A virama or ZWNJ inside a word does not split it.
        assert_eq!(ascii_words("अर्जुन"), ["arjun"]);
        assert_eq!(ascii_words("Kevin 陈"), ["kevin", "chen"]);
        assert_eq!(ascii_words("نیک\u{200C}نام").len(), 1);
        assert_eq!(ascii_words("Հովհաննիսյան"), ["hovhannisyan"]);
    }

    #[test]
    fn split_100_is_exact() {
        assert_eq!(split_100(&[1.0], 1), [100]);
        assert_eq!(split_100(&[1.0, 1.0, 1.0], 1).iter().sum::<u32>(), 100);
        let s = split_100(&[0.01, 50.0, 7.0, 3.0], 5);
        assert_eq!(s.iter().sum::<u32>(), 100);
        assert!(s.iter().all(|p| *p >= 5 && p % 5 == 0));
    }
}
