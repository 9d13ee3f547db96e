//! The page markup that templates render to (see layouts/README.md), parsed into blocks.
//! Line based on purpose: copy writers can read it, and a mistake names its line.

#[derive(Debug, Clone, PartialEq)]
pub enum Tone {
    Info,
    Good,
    Warn,
    Risk,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Kicker(String),
    Title(String),
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Lead(String),
    Small(String),
    Bullets(Vec<String>),
    Numbered(Vec<String>),
    Checklist(Vec<String>),
    Callout {
        tone: Tone,
        text: String,
    },
    Kpis(Vec<Kpi>),
    Toc,
    /// A chart `height` points tall, or, with `::chart NAME MIN-MAX`, as tall as the page has
    /// room for between the two.
    Chart {
        name: String,
        height: f32,
        max: f32,
    },
    Table(Table),
    Columns(Vec<Block>, Vec<Block>),
    Space(f32),
    Rule,
    /// `::foot`: what follows is set at the foot of the type area (a page's closing callout
    /// stands in the same place on every page), with the room left above it.
    Foot,
    /// `::spare`: like `::foot`, but what follows is left out when the page has no room for it
    /// (a closing pointer that a full page does without). Each `::spare` starts a group of its
    /// own, kept only with every group after it: when they do not all fit, the first is left out
    /// and the rest tried again.
    Spare,
    /// `::optional`: what follows, up to the next `::optional`, `::spare`, `::foot` or
    /// `::end optional`, is set in place when it fits with what the page keeps after it, and
    /// left out otherwise (a section a full page does without). It takes no room from a growing
    /// chart; `::optional first` does: it is set before a growing chart above it grows, and
    /// left out only when even the chart's least height leaves it no room.
    Optional {
        first: bool,
    },
    /// `::end optional`: ends an `::optional` group; what follows is set whatever the room.
    EndOptional,
}

/// One KPI tile (`::kpi LABEL | VALUE | NOTE`).
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub note: String,
}

/// A data table: `::table`, then a header line `| Title <36 | Title >10 …` (alignment `<` or
/// `>` and the column's share of the width in percent), then one `| cell | cell …` line per row
/// (a closing `|` is optional, as in Markdown).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// One table cell: text, or a list (`- item ;; item`), and optionally a small bar drawn beside
/// it (`… ::bar KIND VALUE/MAX`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell's text, or each item of its list.
    pub items: Vec<String>,
    pub list: bool,
    pub bar: Option<CellBar>,
}

/// A bar repeating a cell's figure: `VALUE` of `MAX` of the cell's width, coloured by `KIND`
/// (`you`, `reference`, `muted`, or a task class: `automated`, `assisted`, `human-safe`).
#[derive(Debug, Clone, PartialEq)]
pub struct CellBar {
    pub kind: String,
    pub value: f32,
    pub max: f32,
}

/// What separates the items of a list in a cell.
const CELL_ITEMS: &str = ";;";

impl Cell {
    /// The cell as the reader reads it: a list's items joined with "; " (what the copy checks
    /// read).
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.items.join("; ")
    }

    fn parse(text: &str, line: usize) -> Result<Cell, MarkupError> {
        let (text, bar) = match text.split_once("::bar ") {
            Some((text, spec)) => {
                let bad = || {
                    err(
                        line,
                        format!("cell bar `{spec}`: write ::bar KIND VALUE/MAX"),
                    )
                };
                let (kind, ratio) = spec.trim().split_once(' ').ok_or_else(bad)?;
                let (v, m) = ratio.split_once('/').ok_or_else(bad)?;
                let (value, max) = (v.trim().parse::<f32>(), m.trim().parse::<f32>());
                let (Ok(value), Ok(max)) = (value, max) else {
                    return Err(bad());
                };
                if !(value.is_finite() && max.is_finite() && value >= 0.0 && max > 0.0) {
                    return Err(bad());
                }
                let kind = kind.to_string();
                (text.trim(), Some(CellBar { kind, value, max }))
            }
            None => (text, None),
        };
        let (items, list) = match text.strip_prefix("- ") {
            Some(rest) => (
                rest.split(CELL_ITEMS)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
                true,
            ),
            None => (vec![text.to_string()], false),
        };
        Ok(Cell { items, list, bar })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Share of the table width, 0–1.
    pub width: f32,
    pub right: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct MarkupError {
    pub line: usize,
    pub message: String,
}

/// The characters the markup gives a meaning to (at a line's start, or `**` inline).
const MARKUP_CHARS: [char; 10] = ['*', ':', '#', '-', '>', '[', ']', '.', '`', '|'];
/// Private-use stand-ins for them, one each, in the same order.
const STAND_IN: u32 = 0xF7A0;

/// Text from the reader's answers (name, job title) enters the templates through `escape`:
/// each markup character becomes a private-use stand-in, and line breaks become spaces, so a
/// name like `::chart x`, `# Bob` or `**Ann**` is only ever text. `parse` puts the characters
/// back once the structure is decided — all but `*`, which the text setter puts back after it
/// has split `**bold**` spans (`unescape_star`).
pub fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match MARKUP_CHARS.iter().position(|m| *m == c) {
            Some(i) => char::from_u32(STAND_IN + i as u32).expect("a private-use code point"),
            None if c == '\n' || c == '\r' => ' ',
            None => c,
        })
        .collect()
}

fn restore(text: &str, star: bool) -> String {
    text.chars()
        .map(|c| match hidden(c) {
            Some('*') if !star => c,
            Some(m) => m,
            None => c,
        })
        .collect()
}

/// The markup character `c` stands in for, if it is one of `escape`'s stand-ins.
fn hidden(c: char) -> Option<char> {
    let i = (c as u32).wrapping_sub(STAND_IN) as usize;
    MARKUP_CHARS.get(i).copied()
}

/// Puts back every character `escape` hid, for text drawn as typed (header, footer, metadata).
pub fn unescape(text: &str) -> String {
    restore(text, true)
}

/// Puts back the `*` that `escape` hid (after `**` spans are split). Borrows when there is
/// none, which is nearly always: this runs for every span of every paragraph.
pub fn unescape_star(text: &str) -> std::borrow::Cow<'_, str> {
    let star = char::from_u32(STAND_IN).expect("a private-use code point");
    if text.contains(star) {
        std::borrow::Cow::Owned(restore(text, true))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

pub fn parse(text: &str) -> Result<Vec<Block>, MarkupError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let blocks = parse_until(&lines, &mut i, false)?;
    Ok(blocks.into_iter().map(restore_block).collect())
}

fn restore_block(b: Block) -> Block {
    // Most text holds nothing `escape` hid (its stand-ins are U+F7A0…U+F7A9, never ASCII):
    // that text is kept as it is, not copied.
    let r = |t: String| {
        if t.is_ascii() || !t.chars().any(|c| hidden(c).is_some()) {
            t
        } else {
            restore(&t, false)
        }
    };
    match b {
        Block::Kicker(t) => Block::Kicker(r(t)),
        Block::Title(t) => Block::Title(r(t)),
        Block::Heading { level, text } => Block::Heading {
            level,
            text: r(text),
        },
        Block::Paragraph(t) => Block::Paragraph(r(t)),
        Block::Lead(t) => Block::Lead(r(t)),
        Block::Small(t) => Block::Small(r(t)),
        Block::Bullets(v) => Block::Bullets(v.into_iter().map(r).collect()),
        Block::Numbered(v) => Block::Numbered(v.into_iter().map(r).collect()),
        Block::Checklist(v) => Block::Checklist(v.into_iter().map(r).collect()),
        Block::Callout { tone, text } => Block::Callout {
            tone,
            text: r(text),
        },
        Block::Columns(a, b) => Block::Columns(
            a.into_iter().map(restore_block).collect(),
            b.into_iter().map(restore_block).collect(),
        ),
        Block::Kpis(tiles) => Block::Kpis(
            tiles
                .into_iter()
                .map(|k| Kpi {
                    label: r(k.label),
                    value: r(k.value),
                    note: r(k.note),
                })
                .collect(),
        ),
        Block::Table(t) => Block::Table(Table {
            columns: t
                .columns
                .into_iter()
                .map(|c| Column {
                    title: r(c.title),
                    ..c
                })
                .collect(),
            rows: t
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|c| Cell {
                            items: c.items.into_iter().map(r).collect(),
                            ..c
                        })
                        .collect()
                })
                .collect(),
        }),
        other => other,
    }
}

/// Consecutive `::kpi LABEL | VALUE | NOTE` lines: one row of tiles.
fn kpis(lines: &[&str], i: &mut usize) -> Result<Vec<Kpi>, MarkupError> {
    let mut tiles = Vec::new();
    while let Some(rest) = lines.get(*i).and_then(|l| l.trim().strip_prefix("::kpi ")) {
        let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
        let [label, value, note] = parts[..] else {
            return Err(err(*i, "`::kpi` needs LABEL | VALUE | NOTE"));
        };
        tiles.push(Kpi {
            label: label.into(),
            value: value.into(),
            note: note.into(),
        });
        *i += 1;
    }
    Ok(tiles)
}

/// The lines after `::table`: the header, then rows, up to the first line not starting with `|`.
fn table(lines: &[&str], i: &mut usize) -> Result<Table, MarkupError> {
    // As in Markdown, a closing `|` is optional: `| a | |` is two cells, the second empty.
    let cells = |l: &str| -> Vec<String> {
        let l = l.trim().trim_start_matches('|');
        l.strip_suffix('|')
            .unwrap_or(l)
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let head = lines
        .get(*i)
        .map(|l| l.trim())
        .filter(|l| l.starts_with('|'))
        .ok_or_else(|| err(*i, "`::table` needs a header line `| Title <36 | …`"))?;
    let mut columns = Vec::new();
    for c in cells(head) {
        let (title, spec) = c.rsplit_once(' ').unwrap_or(("", &c));
        let right = spec.starts_with('>');
        let width = spec
            .strip_prefix(['<', '>'])
            .and_then(|w| w.parse::<f32>().ok())
            .ok_or_else(|| {
                err(
                    *i,
                    format!("table column `{c}`: end it with <WIDTH or >WIDTH (percent)"),
                )
            })?;
        columns.push(Column {
            title: title.trim().to_string(),
            width: width / 100.0,
            right,
        });
    }
    *i += 1;
    let mut rows = Vec::new();
    while let Some(l) = lines
        .get(*i)
        .map(|l| l.trim())
        .filter(|l| l.starts_with('|'))
    {
        let row = cells(l);
        if row.len() != columns.len() {
            return Err(err(
                *i,
                format!(
                    "a table row has {} cells, the header {}",
                    row.len(),
                    columns.len()
                ),
            ));
        }
        rows.push(
            row.iter()
                .map(|c| Cell::parse(c, *i))
                .collect::<Result<_, _>>()?,
        );
        *i += 1;
    }
    Ok(Table { columns, rows })
}

fn err(line: usize, message: impl Into<String>) -> MarkupError {
    MarkupError {
        line: line + 1,
        message: message.into(),
    }
}

/// Parses blocks until the end, or (inside columns) until `::next` / `::end`, which it leaves.
fn parse_until(lines: &[&str], i: &mut usize, in_columns: bool) -> Result<Vec<Block>, MarkupError> {
    let mut blocks = Vec::new();
    while *i < lines.len() {
        let raw = lines[*i];
        let line = raw.trim();
        if line.is_empty() {
            *i += 1;
            continue;
        }
        if line == "::next" || line == "::end" {
            if in_columns {
                return Ok(blocks);
            }
            return Err(err(*i, format!("`{line}` without `::columns`")));
        }
        if let Some(rest) = line.strip_prefix("::") {
            let (cmd, arg) = rest
                .split_once(' ')
                .map(|(c, a)| (c, a.trim()))
                .unwrap_or((rest, ""));
            *i += 1;
            blocks.push(match cmd {
                "kicker" => Block::Kicker(arg.to_string()),
                "lead" => Block::Lead(arg.to_string()),
                "small" => Block::Small(arg.to_string()),
                "kpi" => {
                    *i -= 1;
                    Block::Kpis(kpis(lines, i)?)
                }
                "toc" => Block::Toc,
                "rule" => Block::Rule,
                "foot" => Block::Foot,
                "spare" => Block::Spare,
                "optional" if arg.is_empty() => Block::Optional { first: false },
                "optional" if arg == "first" => Block::Optional { first: true },
                "optional" => {
                    return Err(err(
                        *i - 1,
                        format!("`::optional {arg}`: `::optional` or `::optional first`"),
                    ))
                }
                "end" if arg == "optional" => Block::EndOptional,
                "table" if arg.is_empty() => Block::Table(table(lines, i)?),
                "space" => Block::Space(arg.parse().map_err(|_| {
                    err(*i - 1, format!("`::space {arg}` needs a number of points"))
                })?),
                "chart" => {
                    let mut parts = arg.split_whitespace();
                    let name = parts
                        .next()
                        .ok_or_else(|| err(*i - 1, "`::chart` needs a name and a height"))?;
                    let bad = || {
                        err(
                            *i - 1,
                            "`::chart NAME HEIGHT` or `::chart NAME MIN-MAX`: heights in points",
                        )
                    };
                    let spec = parts.next().ok_or_else(bad)?;
                    let (height, max) = match spec.split_once('-') {
                        Some((lo, hi)) => (lo.parse().ok(), hi.parse().ok()),
                        None => (spec.parse().ok(), spec.parse().ok()),
                    };
                    let (height, max): (f32, f32) = height.zip(max).ok_or_else(bad)?;
                    if max < height {
                        return Err(bad());
                    }
                    Block::Chart {
                        name: name.to_string(),
                        height,
                        max,
                    }
                }
                "columns" => {
                    let left = parse_until(lines, i, true)?;
                    if lines.get(*i).map(|l| l.trim()) != Some("::next") {
                        return Err(err(
                            *i,
                            "`::columns` needs `::next` between the two columns",
                        ));
                    }
                    *i += 1;
                    let right = parse_until(lines, i, true)?;
                    if lines.get(*i).map(|l| l.trim()) != Some("::end") {
                        return Err(err(*i, "`::columns` needs a closing `::end`"));
                    }
                    *i += 1;
                    Block::Columns(left, right)
                }
                _ => return Err(err(*i - 1, format!("unknown directive `::{cmd}`"))),
            });
            continue;
        }
        if let Some(h) = line.strip_prefix("### ") {
            blocks.push(Block::Heading {
                level: 3,
                text: h.trim().into(),
            });
            *i += 1;
        } else if let Some(h) = line.strip_prefix("## ") {
            blocks.push(Block::Heading {
                level: 2,
                text: h.trim().into(),
            });
            *i += 1;
        } else if let Some(h) = line.strip_prefix("# ") {
            blocks.push(Block::Title(h.trim().into()));
            *i += 1;
        } else if line.starts_with("- ") {
            blocks.push(Block::Bullets(list_items(lines, i, |l| {
                l.strip_prefix("- ")
            })));
        } else if line.starts_with("[ ] ") {
            blocks.push(Block::Checklist(list_items(lines, i, |l| {
                l.strip_prefix("[ ] ")
            })));
        } else if numbered(line).is_some() {
            blocks.push(Block::Numbered(list_items(lines, i, numbered)));
        } else if let Some(rest) = line.strip_prefix('>') {
            let rest = rest.trim();
            let (tone, first) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                Some((t, text)) => (
                    match t {
                        "info" => Tone::Info,
                        "good" => Tone::Good,
                        "warn" => Tone::Warn,
                        "risk" => Tone::Risk,
                        other => {
                            return Err(err(
                                *i,
                                format!(
                                    "unknown callout tone `{other}`; use info, good, warn or risk"
                                ),
                            ))
                        }
                    },
                    text.trim(),
                ),
                None => (Tone::Info, rest),
            };
            let mut text = first.to_string();
            *i += 1;
            while let Some(more) = lines.get(*i).and_then(|l| l.trim().strip_prefix('>')) {
                text.push(' ');
                text.push_str(more.trim());
                *i += 1;
            }
            blocks.push(Block::Callout { tone, text });
        } else {
            let mut text = String::new();
            while let Some(l) = lines.get(*i).map(|l| l.trim()) {
                if l.is_empty() || starts_block(l) {
                    break;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(l);
                *i += 1;
            }
            blocks.push(Block::Paragraph(text));
        }
    }
    if in_columns {
        return Err(err(lines.len().saturating_sub(1), "`::columns` is not closed: it needs `::next` between the columns and `::end` after them"));
    }
    Ok(blocks)
}

fn numbered(l: &str) -> Option<&str> {
    let digits = l.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    l[digits..].strip_prefix(". ")
}

fn starts_block(l: &str) -> bool {
    l.starts_with("::")
        || l.starts_with("# ")
        || l.starts_with("## ")
        || l.starts_with("### ")
        || l.starts_with("- ")
        || l.starts_with("[ ] ")
        || l.starts_with('>')
        || numbered(l).is_some()
}

/// Consecutive items with the same marker; an indented line continues the previous item.
fn list_items(lines: &[&str], i: &mut usize, marker: impl Fn(&str) -> Option<&str>) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    while let Some(raw) = lines.get(*i) {
        let l = raw.trim();
        if let Some(item) = marker(l) {
            items.push(item.trim().to_string());
        } else if raw.starts_with("  ") && !l.is_empty() && !items.is_empty() {
            let last = items.last_mut().expect("checked non-empty");
            last.push(' ');
            last.push_str(l);
        } else {
            break;
        }
        *i += 1;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_kpi_tiles_come_from_the_markup() {
        let cell = escape("A | B ::x");
        let text = format!(
            "::table\n| Task <36 | Time >10\n| {cell} | 5%\n| **Bold** | |\n\n::kpi Horizon | 3–5 years | until it changes\n::kpi Score | 52/100 | x\nafter\n"
        );
        let b = parse(&text).unwrap();
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(t.columns[0].title, "Task");
        assert!((t.columns[0].width - 0.36).abs() < 1e-6 && !t.columns[0].right);
        assert!(t.columns[1].right);
        // A `|` in the reader's text is text, never a cell boundary.
        let texts = |row: &[Cell]| row.iter().map(Cell::text).collect::<Vec<_>>();
        assert_eq!(
            texts(&t.rows[0]),
            vec!["A | B ::x".to_string(), "5%".into()]
        );
        assert_eq!(
            texts(&t.rows[1]),
            vec!["**Bold**".to_string(), String::new()]
        );
        assert!(t.rows[0].iter().all(|c| !c.list && c.bar.is_none()));
        let Block::Kpis(k) = &b[1] else {
            panic!("{b:?}")
        };
        assert_eq!(k.len(), 2);
        assert_eq!(k[0].value, "3–5 years");
        assert_eq!(b[2], Block::Paragraph("after".into()));
    }

    #[test]
    fn cells_hold_lists_and_bars() {
        let who = escape("- Ann ;; Bo ::bar you 1/2");
        let text = format!(
            "::table\n| A <50 | B >50\n| - Draft the brief ;; Review **drafts** ;; | 34% ::bar automated 34/50\n| {who} | x\n"
        );
        let b = parse(&text).unwrap();
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        let list = &t.rows[0][0];
        assert!(list.list && list.bar.is_none());
        assert_eq!(list.items, ["Draft the brief", "Review **drafts**"]);
        assert_eq!(list.text(), "Draft the brief; Review **drafts**");
        let bar = t.rows[0][1].bar.as_ref().unwrap();
        assert_eq!(
            (bar.kind.as_str(), bar.value, bar.max),
            ("automated", 34.0, 50.0)
        );
        assert_eq!(t.rows[0][1].items, ["34%"]);
        // The reader's own text never makes a list or a bar.
        let theirs = &t.rows[1][0];
        assert!(!theirs.list && theirs.bar.is_none());
        assert_eq!(theirs.text(), "- Ann ;; Bo ::bar you 1/2");
        let e = parse("::table\n| A <50 | B >50\n| x | 3 ::bar you three\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("::bar KIND VALUE/MAX"), "{e}");
    }

    #[test]
    fn a_malformed_table_or_tile_names_its_line() {
        let e = parse("# T\n::table\n| Task 36\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("<WIDTH"), "{e}");
        let e = parse("::table\n| A <50 | B >50\n| one cell\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("1 cells, the header 2"), "{e}");
        let e = parse("::kpi A | B\n").unwrap_err();
        assert!(e.message.contains("LABEL | VALUE | NOTE"), "{e}");
    }

    #[test]
    fn parses_every_block_kind() {
        let text = "::kicker Section 1\n# Title\n\nFirst line\nsecond line.\n\n- a\n- b\n  continued\n1. one\n2. two\n[ ] box\n> [warn] careful\n> more\n::chart gauge 200\n::columns\nleft\n::next\n## right\n::end\n::space 12\n";
        let b = parse(text).unwrap();
        assert_eq!(b[0], Block::Kicker("Section 1".into()));
        assert_eq!(b[1], Block::Title("Title".into()));
        assert_eq!(b[2], Block::Paragraph("First line second line.".into()));
        assert_eq!(b[3], Block::Bullets(vec!["a".into(), "b continued".into()]));
        assert_eq!(b[4], Block::Numbered(vec!["one".into(), "two".into()]));
        assert_eq!(b[5], Block::Checklist(vec!["box".into()]));
        assert_eq!(
            b[6],
            Block::Callout {
                tone: Tone::Warn,
                text: "careful more".into()
            }
        );
        assert_eq!(
            b[7],
            Block::Chart {
                name: "gauge".into(),
                height: 200.0,
                max: 200.0
            }
        );
        assert!(matches!(&b[8], Block::Columns(l, r) if l.len() == 1 && r.len() == 1));
        assert_eq!(b[9], Block::Space(12.0));
    }

    #[test]
    fn a_chart_may_grow_between_two_heights() {
        let b = parse("::chart salary 170-260\n").unwrap();
        assert_eq!(
            b[0],
            Block::Chart {
                name: "salary".into(),
                height: 170.0,
                max: 260.0
            }
        );
        for bad in [
            "::chart salary 260-170\n",
            "::chart salary 170-\n",
            "::chart salary\n",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.message.contains("MIN-MAX"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_optional_group_may_come_first_and_end_before_the_rest() {
        let b = parse("::optional\n::optional first\n## A\n::end optional\n## B\n").unwrap();
        assert_eq!(b[0], Block::Optional { first: false });
        assert_eq!(b[1], Block::Optional { first: true });
        assert_eq!(b[3], Block::EndOptional);
        let e = parse("::optional last\n").unwrap_err();
        assert!(e.message.contains("::optional first"), "{e}");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("ok\n::columns\nx\n").unwrap_err();
        assert!(e.message.contains("::next"), "{e}");
        let e = parse("a\n\n::bogus\n").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
