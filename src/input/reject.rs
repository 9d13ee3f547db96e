//! Rejected rows: what was wrong, where, and how to fix it; written to `rejects.csv`.

use serde::Serialize;
use std::fmt;
use std::io::Write;

/// One problem with one cell (or with the row as a whole, column `(row)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub column: String,
    pub reason: String,
}

/// A row that will not be scored, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    pub line: u64,
    /// The row's audit_id as written, possibly empty or invalid itself.
    pub audit_id: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let id = if self.audit_id.is_empty() {
                String::new()
            } else {
                format!(" (audit_id {})", printable(&self.audit_id, 64))
            };
            write!(
                f,
                "line {}{id}, column {}: {}",
                self.line, p.column, p.reason
            )?;
        }
        Ok(())
    }
}

/// Shortens and makes control characters visible so a message stays one readable line.
pub fn printable(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if s.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// Writes `rejects.csv`: one line per problem, spreadsheet-formula cells neutralised.
pub struct RejectWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> RejectWriter<W> {
    pub fn new(w: W) -> csv::Result<Self> {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(["line", "audit_id", "column", "reason"])?;
        Ok(RejectWriter { csv })
    }

    pub fn write(&mut self, r: &Reject) -> csv::Result<()> {
        let line = r.line.to_string();
        let id = defuse(&printable(&r.audit_id, 64));
        for p in &r.problems {
            self.csv
                .write_record([line.as_str(), &id, &defuse(&p.column), &defuse(&p.reason)])?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.csv.flush()?;
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_every_problem_is_a_line() {
        let r = Reject {
            line: 4,
            audit_id: "=HYPERLINK(\"x\")".into(),
            problems: vec![
                Problem {
                    column: "email".into(),
                    reason: "bad".into(),
                },
                Problem {
                    column: "tasks".into(),
                    reason: "@sum".into(),
                },
            ],
        };
        let mut w = RejectWriter::new(Vec::new()).unwrap();
        w.write(&r).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out.lines().count(), 3);
        assert!(out.contains("'=HYPERLINK"));
        assert!(out.contains("'@sum"));
    }
}
