//! The one place CSV readers for audits are built: checks the file can be read as CSV at all
//! (UTF-8, not binary, a header with the required columns), detects `;` exports, and then
//! streams validated rows.

use super::columns::{Columns, REQUIRED};
use super::reject::{Problem, Reject};
use super::row_limit::{Cuts, RowLimit, MAX_ROW_BYTES};
use super::validate::{note_id, validate_row, Seen};
use super::Audit;
use crate::catalog::Catalog;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// Why a file cannot be read as an audit CSV at all (exit status 2). An io error is the `source`,
/// not part of the message: `{:#}` prints the chain, and would otherwise print it twice.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot open {path}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is empty: expected a header row naming the columns ({})", REQUIRED.join(", "))]
    Empty { path: PathBuf },
    #[error("{path} looks like a binary file (a NUL byte at offset {offset}), not a CSV export: export the audits as CSV (UTF-8)")]
    Binary { path: PathBuf, offset: u64 },
    #[error("{path} is not UTF-8: line {line} has the byte 0x{byte:02X}, which is not valid UTF-8 (the file is probably Latin-1 or Windows-1252); re-export it as \"CSV UTF-8\" or convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8`")]
    NotUtf8 { path: PathBuf, line: u64, byte: u8 },
    #[error("{path}: {message}")]
    Header { path: PathBuf, message: String },
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The file as UTF-8 bytes: a UTF-16 export with its byte-order mark (what spreadsheets save
/// as "Unicode text") is transcoded on the fly; anything else is read as it is.
fn open_text(path: &Path) -> Result<Box<dyn Read + Send>, InputError> {
    let read_err = |source| InputError::Read {
        path: path.into(),
        source,
    };
    let mut file = File::open(path).map_err(|source| InputError::Open {
        path: path.into(),
        source,
    })?;
    let mut bom = [0u8; 2];
    let n = file.read(&mut bom).map_err(read_err)?;
    file.rewind().map_err(read_err)?;
    let utf16 = n == 2 && (bom == [0xFF, 0xFE] || bom == [0xFE, 0xFF]);
    Ok(if utf16 {
        // The decoder takes the byte order from the BOM and drops it.
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .bom_sniffing(true)
                .build(file),
        )
    } else {
        Box::new(file)
    })
}

/// What the first pass learns about the file.
struct Scan {
    lines: u64,
    delimiter: u8,
}

/// The first of the two passes over the file: checks the whole file is UTF-8 text before any
/// row is processed, in constant memory, so a wrongly encoded export stops the run instead of
/// rejecting (or rendering) half its rows; counts its lines for the progress estimate and
/// takes the header line to tell `,` from `;`.
fn prescan(path: &Path) -> Result<Scan, InputError> {
    let mut reader = open_text(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let mut header: Vec<u8> = Vec::new();
    let mut header_done = false;
    let (mut line, mut offset, mut total) = (1u64, 0u64, 0u64);
    let mut start: Vec<u8> = Vec::with_capacity(3);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(InputError::Read {
                    path: path.into(),
                    source,
                })
            }
        };
        total += n as u64;
        if n == 0 {
            if !carry.is_empty() {
                return Err(InputError::NotUtf8 {
                    path: path.into(),
                    line,
                    byte: carry[0],
                });
            }
            break;
        }
        if start.len() < 3 {
            start.extend(buf[..n].iter().take(3 - start.len()));
        }
        if !header_done {
            let upto = buf[..n].iter().position(|&b| b == b'\n');
            header.extend_from_slice(&buf[..upto.unwrap_or(n)]);
            header_done = upto.is_some() || header.len() > 1 << 16;
        }
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(&buf[..n]);
        if let Some(pos) = chunk.iter().position(|&b| b == 0) {
            return Err(InputError::Binary {
                path: path.into(),
                offset: offset + pos as u64,
            });
        }
        let valid_up_to = match std::str::from_utf8(&chunk) {
            Ok(_) => chunk.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => {
                let bad = e.valid_up_to();
                line += chunk[..bad].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(InputError::NotUtf8 {
                    path: path.into(),
                    line,
                    byte: chunk[bad],
                });
            }
        };
        line += chunk[..valid_up_to].iter().filter(|&&b| b == b'\n').count() as u64;
        offset += valid_up_to as u64;
        carry = chunk[valid_up_to..].to_vec();
    }
    if total == 0 || start == [0xEF, 0xBB, 0xBF] && total == 3 {
        return Err(InputError::Empty { path: path.into() });
    }
    Ok(Scan {
        lines: line - 1,
        delimiter: sniff_delimiter(&header),
    })
}

/// Picks `;` when the header line has more semicolons than commas outside quotes.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas {
        b';'
    } else {
        b','
    }
}

/// Turns CRLF and lone CR line ends into LF before the CSV parser sees them. The csv crate counts
/// lines on LF only, and after a CRLF it dates the next record one line early
/// (BurntSushi/rust-csv#395), so every message about a Windows export named the wrong line.
/// Inside a quoted cell this only changes which line break the value holds.
struct LfOnly<R> {
    inner: R,
    after_cr: bool,
}

impl<R: Read> LfOnly<R> {
    fn new(inner: R) -> Self {
        LfOnly {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for LfOnly<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(out)?;
            let mut kept = 0;
            for i in 0..n {
                let b = out[i];
                if b == b'\n' && self.after_cr {
                    // The LF of a CRLF: its CR was already passed on as LF.
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                out[kept] = if b == b'\r' { b'\n' } else { b };
                kept += 1;
            }
            // Only a chunk holding nothing but the LF of a split CRLF is empty: read on.
            if kept > 0 || n == 0 {
                return Ok(kept);
            }
        }
    }
}

/// The bytes the CSV parser reads: the file as UTF-8, LF line ends, rows capped in length.
type Source = RowLimit<LfOnly<BufReader<Box<dyn Read + Send>>>>;

/// Streams an audit CSV: each item is a validated `Audit` or the `Reject` saying why not.
pub struct AuditReader<'c> {
    csv: csv::Reader<Source>,
    cuts: Cuts,
    columns: Columns,
    catalog: &'c Catalog,
    seen: Seen,
    record: csv::StringRecord,
    path: PathBuf,
    /// Non-fatal notes about the file (unknown columns), to show once.
    pub warnings: Vec<String>,
    /// Lines after the header: the rows, give or take blank lines and line breaks in cells.
    pub estimated_rows: u64,
}

/// Opens an audit CSV: the first pass checks and measures it, the second (the returned
/// reader) streams its rows.
pub fn open<'c>(path: &Path, catalog: &'c Catalog) -> Result<AuditReader<'c>, InputError> {
    let Scan { lines, delimiter } = prescan(path)?;
    let file = open_text(path)?;
    let cuts = Cuts::default();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(RowLimit::new(
            LfOnly::new(BufReader::with_capacity(1 << 16, file)),
            delimiter,
            MAX_ROW_BYTES,
            cuts.clone(),
        ));
    let header = csv
        .headers()
        .map_err(|e| InputError::Header {
            path: path.into(),
            message: format!("cannot read the header row: {e}"),
        })?
        .clone();
    let (columns, warnings) =
        Columns::from_header(&header).map_err(|message| InputError::Header {
            path: path.into(),
            message,
        })?;
    Ok(AuditReader {
        csv,
        cuts,
        columns,
        catalog,
        seen: Seen::default(),
        record: csv::StringRecord::new(),
        path: path.into(),
        warnings,
        estimated_rows: lines.saturating_sub(1),
    })
}

impl AuditReader<'_> {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AuditReader<'_> {
    /// The next row whose audit_id (as typed, trimmed) `wanted` accepts, validated; the rows
    /// before it are only read far enough to note their ids for duplicate detection, so
    /// `render --id` does not pay for validating (matching titles, checking tasks) every row
    /// before the ones it renders.
    pub fn next_wanted(&mut self, wanted: &dyn Fn(&str) -> bool) -> Option<Result<Audit, Reject>> {
        loop {
            match self.csv.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    // A line with nothing on it is not a row anybody submitted.
                    if self.record.len() == 1 && self.record[0].trim().is_empty() {
                        continue;
                    }
                    let parser_line = self.record.position().map(|p| p.line()).unwrap_or(0);
                    let (line, cut) = self.cuts.resolve(parser_line);
                    let id = self.record.get(self.columns.audit_id).unwrap_or("").trim();
                    if !wanted(id) {
                        if cut.is_none() {
                            note_id(&self.record, line, &self.columns, &mut self.seen);
                        }
                        continue;
                    }
                    if let Some(cut) = cut {
                        return Some(Err(too_long(
                            &self.record,
                            self.columns.audit_id,
                            line,
                            cut.bytes,
                        )));
                    }
                    return Some(validate_row(
                        &self.record,
                        line,
                        &self.columns,
                        self.catalog,
                        &mut self.seen,
                    ));
                }
                Err(e) => {
                    if !wanted("") {
                        continue;
                    }
                    let parser_line = e.position().map(|p| p.line()).unwrap_or(0);
                    let line = self.cuts.resolve(parser_line).0;
                    let reason = format!("the row cannot be read as CSV ({e}); check its quoting");
                    return Some(Err(Reject {
                        line,
                        audit_id: String::new(),
                        problems: vec![Problem {
                            column: "(row)".into(),
                            reason,
                        }],
                    }));
                }
            }
        }
    }
}

impl Iterator for AuditReader<'_> {
    type Item = Result<Audit, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_wanted(&|_| true)
    }
}

/// A row over `MAX_ROW_BYTES`: only its start was read, so only its id (when it looks like one)
/// is named.
fn too_long(record: &csv::StringRecord, id_column: usize, line: u64, bytes: u64) -> Reject {
    let first = record.get(id_column).unwrap_or("").trim();
    Reject {
        line,
        audit_id: if super::is_audit_id(first) {
            first.to_string()
        } else {
            String::new()
        },
        problems: vec![Problem {
            column: "(row)".into(),
            reason: format!(
                "the row is {bytes} bytes long; the limit is {MAX_ROW_BYTES} bytes (1 MiB), so it was not read — the export is probably broken here (often a quote that is never closed, which swallows the rows after it): check this row's quoting and export again"
            ),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out one byte per read, so every CRLF is split across two reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    const HEADER: &str = "audit_id,submitted_at,email,full_name,job_title,role,industry,years_experience,tasks,ai_tools,ai_usage,country,consent_email";

    fn row(id: &str, years: &str) -> String {
        format!("{id},2026-03-01T09:00:00Z,{id}@example.com,Ana Silva,Senior Backend Engineer,backend-developer,technology,{years},crud-endpoints=50;schema-design=50,copilot,weekly,PT,true\n")
    }

    /// `render --id`'s reading: only the wanted rows come back, validated, and the rows
    /// skipped on the way (even invalid ones) still claim their ids, so a wanted row that
    /// repeats one is rejected as the full pass rejects it.
    #[test]
    fn next_wanted_validates_only_wanted_rows_and_still_sees_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        let csv = format!(
            "{HEADER}\n{}{}{}{}",
            row("A-1", "not a number"),
            row("b-2", "7"),
            row("c-3", "sixty"),
            row("a-1", "7"),
        );
        std::fs::write(&path, csv).unwrap();
        let catalog = Catalog::builtin();
        let mut reader = open(&path, &catalog).unwrap();
        let wanted = |id: &str| ["b-2", "c-3", "a-1"].contains(&id);

        let b = reader.next_wanted(&wanted).unwrap().expect("b-2 is valid");
        assert_eq!((b.audit_id.as_str(), b.line), ("b-2", 3));
        let c = reader.next_wanted(&wanted).unwrap().unwrap_err();
        assert_eq!((c.audit_id.as_str(), c.line), ("c-3", 4));
        assert_eq!(c.problems[0].column, "years_experience");
        let dup = reader.next_wanted(&wanted).unwrap().unwrap_err();
        assert_eq!(dup.audit_id, "a-1");
        assert!(
            dup.problems[0].reason.contains("already used on line 2"),
            "{:?}",
            dup.problems
        );
        assert!(reader.next_wanted(&wanted).is_none());
    }

    #[test]
    fn line_ends_become_lf_even_when_split_across_reads() {
        let mut out = String::new();
        LfOnly::new(Trickle(b"a\r\nb\rc\n\r\n\"x\r\ny\"\r"))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\nc\n\n\"x\ny\"\n");
    }
}
