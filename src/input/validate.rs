//! Row rules of product.md: every cell is checked, every problem is reported with the column and
//! a fix, and a row is only turned into an `Audit` when it has no problem at all.

use super::columns::Columns;
use super::reject::{printable, Problem, Reject};
use super::suggest::{closest, list};
use super::{Audit, TaskShare};
use crate::catalog::{Catalog, Role, Usage};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::UnicodeNormalization;

/// Longest cell accepted; a larger one is a broken export, not an answer to a form.
pub const MAX_CELL_BYTES: usize = 64 * 1024;
const SHARE_TOLERANCE: f64 = 2.0;

/// audit_ids already seen, as 64-bit hashes with their line: 16 bytes a row, not the ids.
#[derive(Default)]
pub struct Seen(HashMap<u64, u64>);

impl Seen {
    fn first_line(&mut self, id: &str, line: u64) -> Option<u64> {
        // Without case: `A-1` and `a-1` name the same report file on case-insensitive file
        // systems, and the ledger keys them the same way.
        let mut h = DefaultHasher::new();
        id.to_ascii_lowercase().hash(&mut h);
        match self.0.entry(h.finish()) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }
}

struct Row<'r> {
    record: &'r csv::StringRecord,
    problems: Vec<Problem>,
}

impl<'r> Row<'r> {
    fn get(&self, idx: Option<usize>) -> &'r str {
        idx.and_then(|i| self.record.get(i)).unwrap_or("")
    }

    fn problem(&mut self, column: &str, reason: impl Into<String>) {
        self.problems.push(Problem {
            column: column.into(),
            reason: reason.into(),
        });
    }
}

pub fn validate_row(
    record: &csv::StringRecord,
    line: u64,
    cols: &Columns,
    catalog: &Catalog,
    seen: &mut Seen,
) -> Result<Audit, Reject> {
    let mut row = Row {
        record,
        problems: Vec::new(),
    };
    let raw_id = row.get(Some(cols.audit_id)).trim().to_string();

    if record.len() != cols.names.len() {
        let (n, m) = (record.len(), cols.names.len());
        let hint = if n > m {
            "a value probably contains the delimiter without quotes: put that value in double quotes"
        } else {
            "the row is cut short: fill the missing values or add empty ones"
        };
        row.problem(
            "(row)",
            format!("the row has {n} fields but the header has {m}; {hint}"),
        );
        return Err(Reject {
            line,
            audit_id: raw_id,
            problems: row.problems,
        });
    }
    for (i, cell) in record.iter().enumerate() {
        if cell.len() > MAX_CELL_BYTES {
            let column = cols.names[i].clone();
            row.problem(&column, format!("the value is {} bytes long; the limit is {} bytes — the export is probably broken at this row", cell.len(), MAX_CELL_BYTES));
        }
    }
    if !row.problems.is_empty() {
        let audit_id = if raw_id.len() > MAX_CELL_BYTES {
            String::new()
        } else {
            raw_id
        };
        return Err(Reject {
            line,
            audit_id,
            problems: row.problems,
        });
    }

    let cell = |idx: Option<usize>| idx.and_then(|i| record.get(i)).unwrap_or("");
    let audit_id = check_audit_id(&mut row, &raw_id, line, seen);
    let submitted_at = check_submitted_at(&mut row, cols);
    let email = check_email(&mut row, cell(Some(cols.email)));
    let full_name = check_name(&mut row, "full_name", cell(Some(cols.full_name)));
    let preferred_name = match cell(cols.preferred_name).trim() {
        "" => None,
        raw => Some(check_name(&mut row, "preferred_name", raw)),
    };
    let job_title = check_text(&mut row, "job_title", cell(Some(cols.job_title)), 200);
    let role = check_role(&mut row, cols, catalog, &job_title);
    let industry = check_industry(&mut row, cell(cols.industry), catalog);
    let years = check_years(&mut row, cell(Some(cols.years_experience)));
    let tasks = role.and_then(|r| check_tasks(&mut row, cell(Some(cols.tasks)), r));
    let ai_tools = check_tools(&mut row, cell(cols.ai_tools), catalog);
    let ai_usage = check_usage(&mut row, cell(cols.ai_usage));
    let country = check_country(&mut row, cell(cols.country));
    let consent = check_consent(&mut row, cell(Some(cols.consent_email)));

    match (
        row.problems.is_empty(),
        submitted_at,
        role,
        years,
        tasks,
        ai_usage,
        consent,
    ) {
        (
            true,
            Some(submitted_at),
            Some(role),
            Some(years_experience),
            Some(tasks),
            Some(ai_usage),
            Some(consent_email),
        ) => Ok(Audit {
            line,
            audit_id,
            submitted_at,
            email,
            full_name,
            preferred_name,
            job_title,
            role: role.key.clone(),
            industry,
            years_experience,
            tasks,
            ai_tools,
            ai_usage,
            country,
            consent_email,
        }),
        _ => Err(Reject {
            line,
            audit_id: raw_id,
            problems: row.problems,
        }),
    }
}

/// What `validate_row` does to `seen` for this row, and nothing else: for a reader that wants
/// only some rows (`render --id`), the ones it skips must still claim their ids, so a later
/// wanted row that repeats one (without regard to case) is rejected as a duplicate exactly as
/// in a full pass.
pub fn note_id(record: &csv::StringRecord, line: u64, cols: &Columns, seen: &mut Seen) {
    if record.len() != cols.names.len() || record.iter().any(|c| c.len() > MAX_CELL_BYTES) {
        return;
    }
    let id = record.get(cols.audit_id).unwrap_or("").trim();
    if is_audit_id(id) {
        seen.first_line(id, line);
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A character an audit id may hold: the id names the report file.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether `id` is a valid audit id (1–64 of `[A-Za-z0-9_-]`), for code that finds ids outside
/// the CSV: PDF file names, the ledger.
pub fn is_audit_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(is_id_char)
}

fn check_audit_id(row: &mut Row, id: &str, line: u64, seen: &mut Seen) -> String {
    let ok_chars = id.chars().all(is_id_char);
    if id.is_empty() {
        row.problem(
            "audit_id",
            "is empty; every row needs a unique id of letters, digits, '_' or '-'",
        );
    } else if id.chars().count() > 64 {
        row.problem(
            "audit_id",
            format!(
                "is {} characters long; the limit is 64 (it names the report file)",
                id.chars().count()
            ),
        );
    } else if !ok_chars {
        let bad: String = id.chars().filter(|c| !is_id_char(*c)).take(5).collect();
        row.problem("audit_id", format!("`{}` contains {:?}; use only letters A–Z, digits, '_' and '-' (it names the report file)", printable(id, 64), bad));
    } else if let Some(first) = seen.first_line(id, line) {
        row.problem("audit_id", format!("`{id}` is already used on line {first}; ids must be unique in the file, compared without regard to case — give this row its own id or remove the duplicate"));
    }
    id.to_string()
}

fn check_submitted_at(row: &mut Row, cols: &Columns) -> Option<OffsetDateTime> {
    let v = row.get(Some(cols.submitted_at)).trim();
    match OffsetDateTime::parse(v, &Rfc3339) {
        Ok(t) => Some(t),
        Err(_) => {
            row.problem(
                "submitted_at",
                format!(
                    "`{}` is not an RFC 3339 timestamp; write it like 2026-11-23T18:04:05Z",
                    printable(v, 40)
                ),
            );
            None
        }
    }
}

/// RFC 5321 mailbox syntax only: no display name, no comments, nothing that could become a header.
fn check_email(row: &mut Row, raw: &str) -> String {
    let v = raw.trim_matches(' ');
    let problem = if v.is_empty() {
        Some("is empty; the report is addressed to it".to_string())
    } else if has_control(v) {
        Some("contains a line break or control character; write the bare address only".to_string())
    } else if v.contains('<') || v.contains('>') || v.contains(' ') {
        Some(format!(
            "`{}` has a display name or spaces; write the bare address only, e.g. ana@example.com",
            printable(v, 80)
        ))
    } else if v.len() > 254 {
        Some("is longer than 254 characters".to_string())
    } else if !valid_mailbox(v) {
        Some(format!(
            "`{}` is not a valid email address; it must look like name@example.com",
            printable(v, 80)
        ))
    } else {
        None
    };
    if let Some(p) = problem {
        row.problem("email", p);
    }
    v.to_string()
}

fn valid_mailbox(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return false;
    }
    if !local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
        && v.parse::<lettre::Address>().is_ok()
}

/// A name as the reader typed it, in any script: trimmed and NFC-normalised, so the same name
/// typed with precomposed or combining accents ("Nguyễn") gives the same report and email.
fn check_name(row: &mut Row, column: &str, raw: &str) -> String {
    let v: String = raw.trim().nfc().collect();
    let n = v.chars().count();
    if v.is_empty() {
        row.problem(
            column,
            "is empty or only spaces; the report is addressed to this name",
        );
    } else if n > 120 {
        row.problem(column, format!("is {n} characters long; the limit is 120"));
    } else if has_control(&v) {
        row.problem(
            column,
            "contains a control character (line break, tab or similar); remove it",
        );
    } else if let Some(c) = hidden_format_char(&v) {
        row.problem(column, hidden_format_reason(c, "name"));
    }
    v
}

fn check_text(row: &mut Row, column: &str, raw: &str, max: usize) -> String {
    let v: String = raw.trim().nfc().collect();
    if v.is_empty() {
        row.problem(column, "is empty");
    } else if v.chars().count() > max {
        row.problem(
            column,
            format!(
                "is {} characters long; the limit is {max}",
                v.chars().count()
            ),
        );
    } else if has_control(&v) {
        row.problem(
            column,
            "contains a control character (line break, tab or similar); remove it",
        );
    } else if let Some(c) = hidden_format_char(&v) {
        row.problem(column, hidden_format_reason(c, &column.replace('_', " ")));
    }
    v
}

/// The first invisible format character (General Category Cf) other than ZWNJ and ZWJ. Those
/// two stay: Persian ("نیک‌نام"), Indic scripts and emoji sequences need them to be spelled
/// right. Every other one can reorder what the reader sees (bidi controls: a name that shows
/// differently in the report, the email and the ledger) or hide text, and no keyboard layout
/// types them in a name or title.
fn hidden_format_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        c != '\u{200C}' && c != '\u{200D}' && get_general_category(c) == GeneralCategory::Format
    })
}

/// "contains an invisible right-to-left override (U+202E) that can reorder or hide text; …"
fn hidden_format_reason(c: char, what: &str) -> String {
    let name = match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{061C}' => "Arabic letter mark",
        '\u{200B}' => "zero width space",
        '\u{2060}' => "word joiner",
        '\u{2061}' => "function application",
        '\u{2062}' => "invisible times",
        '\u{2063}' => "invisible separator",
        '\u{2064}' => "invisible plus",
        '\u{FEFF}' => "zero width no-break space",
        '\u{206A}'..='\u{206F}' => "deprecated shaping control",
        '\u{FFF9}'..='\u{FFFB}' => "interlinear annotation mark",
        '\u{180E}' => "Mongolian vowel separator",
        '\u{00AD}' => "soft hyphen",
        '\u{E0001}' | '\u{E0020}'..='\u{E007F}' => "tag character",
        _ => "format character",
    };
    format!(
        "contains an invisible {name} (U+{:04X}) that can reorder or hide text; retype the {what} without it",
        c as u32
    )
}

fn check_role<'c>(
    row: &mut Row,
    cols: &Columns,
    catalog: &'c Catalog,
    title: &str,
) -> Option<&'c Role> {
    let keys = || catalog.roles.iter().map(|r| r.key.as_str());
    let given = row.get(cols.role).trim().to_lowercase();
    if !given.is_empty() {
        return match catalog.role(&given) {
            Some(r) => Some(r),
            None => {
                row.problem(
                    "role",
                    format!(
                        "`{}` is not a role of the catalog; did you mean {}?",
                        printable(&given, 40),
                        list(&closest(&given, keys(), 3))
                    ),
                );
                None
            }
        };
    }
    if title.is_empty() {
        return None;
    }
    match catalog.match_title(title) {
        Some(r) => Some(r),
        None => {
            // The catalog's titles are English: a title in another script has no near key to
            // suggest, so the reader gets them all (a title with the role filled is accepted
            // and shown as typed).
            if !title.chars().any(|c| c.is_ascii_alphabetic()) {
                let all: Vec<&str> = keys().collect();
                row.problem(
                    "job_title",
                    format!("`{}` matches no role of the catalog, whose job titles are in English; fill the role column with the role's key: {}", printable(title, 60), list(&all)),
                );
                return None;
            }
            let slug: String = title
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("-");
            row.problem(
                "job_title",
                format!("`{}` matches no role of the catalog; fill the role column with the closest key, e.g. {}", printable(title, 60), list(&closest(&slug, keys(), 3))),
            );
            None
        }
    }
}

fn check_industry(row: &mut Row, raw: &str, catalog: &Catalog) -> String {
    let v = raw.trim().to_lowercase();
    if v.is_empty() {
        return "technology".into();
    }
    if catalog.industry(&v).is_none() {
        let keys = catalog.industries.iter().map(|i| i.key.as_str());
        row.problem(
            "industry",
            format!(
                "`{}` is not an industry of the catalog; use {} (or leave it empty for technology)",
                printable(&v, 40),
                list(&closest(&v, keys, 3))
            ),
        );
    }
    v
}

fn parse_number(v: &str) -> Option<f64> {
    // Semicolon exports from European locales write decimals with a comma.
    v.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

fn check_years(row: &mut Row, raw: &str) -> Option<f64> {
    match parse_number(raw) {
        Some(y) if (0.0..=60.0).contains(&y) => Some(y),
        Some(y) => {
            row.problem(
                "years_experience",
                format!("the value {y} is outside 0–60; give the years of professional experience"),
            );
            None
        }
        None => {
            row.problem(
                "years_experience",
                format!(
                    "`{}` is not a number; write the years as a number such as 7 or 7.5",
                    printable(raw.trim(), 40)
                ),
            );
            None
        }
    }
}

fn check_tasks(row: &mut Row, raw: &str, role: &Role) -> Option<Vec<TaskShare>> {
    let keys = || role.tasks.iter().map(|t| t.key.as_str());
    let mut shares: Vec<TaskShare> = Vec::new();
    let mut ok = true;
    let parts: Vec<&str> = raw
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        row.problem(
            "tasks",
            format!(
                "is empty; list the tasks as key=percent pairs separated by ';', e.g. {}=60;{}=40",
                role.tasks[0].key, role.tasks[1].key
            ),
        );
        return None;
    }
    for part in parts {
        let Some((k, p)) = part.split_once('=') else {
            row.problem(
                "tasks",
                format!(
                    "`{}` is not a key=percent pair; write e.g. {}=30",
                    printable(part, 40),
                    role.tasks[0].key
                ),
            );
            ok = false;
            continue;
        };
        let k = k.trim().to_lowercase();
        if !role.tasks.iter().any(|t| t.key == k) {
            let all: Vec<&str> = keys().collect();
            row.problem(
                "tasks",
                format!(
                    "`{}` is not a task of {}; did you mean {}? Valid keys: {}",
                    printable(&k, 40),
                    role.key,
                    list(&closest(&k, keys(), 3)),
                    all.join(", ")
                ),
            );
            ok = false;
            continue;
        }
        match parse_number(p.trim_end_matches('%')) {
            Some(x) if x > 0.0 && x <= 100.0 => {
                if shares.iter().any(|s| s.key == k) {
                    row.problem(
                        "tasks",
                        format!("`{k}` is listed twice; give each task once with its total share"),
                    );
                    ok = false;
                } else {
                    shares.push(TaskShare { key: k, share: x });
                }
            }
            _ => {
                row.problem("tasks", format!("the share of `{k}` is `{}`; it must be a percentage above 0 and at most 100", printable(p, 20)));
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let total: f64 = shares.iter().map(|s| s.share).sum();
    if (total - 100.0).abs() > SHARE_TOLERANCE {
        row.problem("tasks", format!("the shares add up to {}%; they are shares of working time and must add up to 100 (±2): adjust the percentages", fmt_num(total)));
        return None;
    }
    for s in &mut shares {
        s.share /= total;
    }
    Some(shares)
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn check_tools(row: &mut Row, raw: &str, catalog: &Catalog) -> Vec<String> {
    let mut tools: Vec<String> = Vec::new();
    for t in raw
        .split(';')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if catalog.tool(&t).is_none() {
            let keys = catalog.tools.iter().map(|t| t.key.as_str());
            row.problem(
                "ai_tools",
                format!(
                    "`{}` is not a tool of the catalog; did you mean {}?",
                    printable(&t, 40),
                    list(&closest(&t, keys, 3))
                ),
            );
        } else if !tools.contains(&t) {
            tools.push(t);
        }
    }
    tools
}

fn check_usage(row: &mut Row, raw: &str) -> Option<Usage> {
    let v = raw.trim().to_lowercase();
    if v.is_empty() {
        return Some(Usage::Never);
    }
    let u = Usage::parse(&v);
    if u.is_none() {
        row.problem(
            "ai_usage",
            format!(
                "`{}` is not one of never, monthly, weekly, daily",
                printable(&v, 20)
            ),
        );
    }
    u
}

fn check_country(row: &mut Row, raw: &str) -> Option<String> {
    let v = raw.trim().to_uppercase();
    if v.is_empty() {
        return None;
    }
    if v.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|c| c == v) {
        Some(v)
    } else {
        row.problem("country", format!("`{}` is not an ISO 3166-1 alpha-2 country code (e.g. DE, PL, VN); leave it empty if unknown", printable(&v, 20)));
        None
    }
}

fn check_consent(row: &mut Row, raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        v => {
            row.problem("consent_email", format!("`{}` is not a yes/no answer; write true or false (yes/no and 1/0 are accepted too)", printable(v, 20)));
            None
        }
    }
}

const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "audit_id,submitted_at,email,full_name,preferred_name,job_title,role,industry,years_experience,tasks,ai_tools,ai_usage,country,consent_email";

    /// Validates one row whose name, preferred name, title and role are the given cells.
    fn validate(full: &str, preferred: &str, title: &str, role: &str) -> Result<Audit, Reject> {
        let header = csv::StringRecord::from(HEADER.split(',').collect::<Vec<_>>());
        let (cols, _) = Columns::from_header(&header).unwrap();
        let record = csv::StringRecord::from(vec![
            "a-1",
            "2026-03-01T09:00:00Z",
            "a@example.com",
            full,
            preferred,
            title,
            role,
            "technology",
            "7",
            "crud-endpoints=50;schema-design=50",
            "copilot",
            "weekly",
            "IR",
            "true",
        ]);
        validate_row(&record, 2, &cols, &Catalog::builtin(), &mut Seen::default())
    }

    fn reasons(r: Result<Audit, Reject>) -> Vec<(String, String)> {
        r.expect_err("rejected")
            .problems
            .into_iter()
            .map(|p| (p.column, p.reason))
            .collect()
    }

    #[test]
    fn every_invisible_format_character_is_rejected_by_code_point_and_name() {
        for (c, name) in [
            ('\u{202A}', "left-to-right embedding"),
            ('\u{202B}', "right-to-left embedding"),
            ('\u{202C}', "pop directional formatting"),
            ('\u{202D}', "left-to-right override"),
            ('\u{202E}', "right-to-left override"),
            ('\u{2066}', "left-to-right isolate"),
            ('\u{2067}', "right-to-left isolate"),
            ('\u{2068}', "first strong isolate"),
            ('\u{2069}', "pop directional isolate"),
            ('\u{200E}', "left-to-right mark"),
            ('\u{200F}', "right-to-left mark"),
            ('\u{061C}', "Arabic letter mark"),
            ('\u{200B}', "zero width space"),
            ('\u{2060}', "word joiner"),
            ('\u{2061}', "function application"),
            ('\u{2062}', "invisible times"),
            ('\u{2063}', "invisible separator"),
            ('\u{2064}', "invisible plus"),
            ('\u{FEFF}', "zero width no-break space"),
            ('\u{206A}', "deprecated shaping control"),
            ('\u{206F}', "deprecated shaping control"),
            ('\u{FFF9}', "interlinear annotation mark"),
            ('\u{FFFB}', "interlinear annotation mark"),
            ('\u{180E}', "Mongolian vowel separator"),
            ('\u{00AD}', "soft hyphen"),
            ('\u{E0001}', "tag character"),
            ('\u{E0041}', "tag character"),
            ('\u{E007F}', "tag character"),
            // Cf without a name of its own still counts (Arabic number sign).
            ('\u{0600}', "format character"),
        ] {
            let code = format!("(U+{:04X})", c as u32);
            let want = format!("contains an invisible {name} {code} that can reorder or hide text; retype the name without it");
            let bad = format!("Ana{c} Silva");
            let full = reasons(validate(&bad, "", "Backend Developer", ""));
            assert_eq!(full, [("full_name".to_string(), want.clone())], "{code}");
            let preferred = reasons(validate("Ana Silva", &bad, "Backend Developer", ""));
            assert_eq!(preferred, [("preferred_name".to_string(), want)], "{code}");
            let title = reasons(validate(
                "Ana Silva",
                "",
                &format!("Backend{c} Developer"),
                "backend-developer",
            ));
            assert_eq!(title.len(), 1, "{code}: {title:?}");
            assert_eq!(title[0].0, "job_title");
            assert!(
                title[0].1.contains(&code)
                    && title[0].1.ends_with("retype the job title without it"),
                "{title:?}"
            );
        }
    }

    #[test]
    fn zwnj_and_zwj_are_part_of_names_and_titles() {
        // Persian writes ZWNJ inside words ("Niknam"); emoji family sequences join with ZWJ.
        let persian = "مهرداد نیک\u{200C}نام";
        let a = validate(persian, "", "Backend Developer", "").unwrap();
        assert_eq!(a.full_name, persian);
        let zwj = "Sam \u{1F469}\u{200D}\u{1F4BB}";
        let a = validate("Sam Lee", zwj, "Backend Developer", "").unwrap();
        assert_eq!(a.preferred_name.as_deref(), Some(zwj));
        let a = validate(
            "Ana Silva",
            "",
            "مهندس نرم\u{200C}افزار",
            "backend-developer",
        )
        .unwrap();
        assert_eq!(a.job_title, "مهندس نرم\u{200C}افزار");
    }

    #[test]
    fn titles_in_any_script_are_kept_as_typed_when_the_role_is_given() {
        for title in [
            "مهندس نرم\u{200C}افزار",
            "ソフトウェアエンジニア",
            "सॉफ्टवेयर इंजीनियर",
            "软件工程师",
            "소프트웨어 엔지니어",
        ] {
            let a = validate("Ana Silva", "", title, "backend-developer")
                .unwrap_or_else(|r| panic!("{title}: {r}"));
            assert_eq!(
                (a.job_title.as_str(), a.role.as_str()),
                (title, "backend-developer")
            );
            // Without a role the title cannot be matched to the English catalog: the row is
            // rejected (product.md) and the reason lists every key instead of arbitrary
            // "closest" ones.
            let r = reasons(validate("Ana Silva", "", title, ""));
            assert_eq!(r.len(), 1, "{r:?}");
            assert_eq!(r[0].0, "job_title");
            assert!(
                r[0].1.contains("whose job titles are in English")
                    && r[0].1.contains("`backend-developer`")
                    && r[0].1.contains("`ux-designer`"),
                "{}",
                r[0].1
            );
        }
        // A Latin title keeps its near suggestions.
        let r = reasons(validate("Ana Silva", "", "Pastry Chef", ""));
        assert!(
            r[0].1.contains("fill the role column with the closest key"),
            "{r:?}"
        );
    }

    #[test]
    fn names_are_nfc_normalised() {
        let nfc = "Nguy\u{1EC5}n Th\u{1ECB} H\u{1ED3}ng";
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Ho\u{302}\u{300}ng";
        assert_ne!(nfc, nfd);
        let a = validate(nfd, nfd, "Backend Developer", "").unwrap();
        let b = validate(nfc, nfc, "Backend Developer", "").unwrap();
        assert_eq!(a.full_name, nfc);
        assert_eq!(a.preferred_name.as_deref(), Some(nfc));
        assert_eq!(a.full_name, b.full_name);
        // The limit counts the characters the reader sees: 120 precomposed letters typed
        // decomposed (240 code points) are still accepted.
        let long = "e\u{301}".repeat(120);
        let a = validate(&long, "", "Backend Developer", "").unwrap();
        assert_eq!(a.full_name, "\u{e9}".repeat(120));
    }
}
