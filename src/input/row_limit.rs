//! Caps how much of one CSV row reaches the parser. The csv crate holds a whole record in
//! memory, so one broken export (an unclosed quote that swallows the rest of the file, a 200 MB
//! cell) would take that much memory before validation could reject it. This reader follows the
//! CSV quoting byte by byte, passes on the first `MAX_ROW_BYTES` of each row, drops the rest up
//! to the row's end, and closes an open quote so the parser still sees a well-formed (short) row,
//! which the audit reader then rejects by its start line.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Longest row passed to the parser: a dozen cells at their 64 KiB limit still fit.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// A row that was cut: where it starts in the file and how long it really was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Line the parser sees the row start on (lines dropped from earlier cuts are missing).
    parser_line: u64,
    /// Line the row starts on in the file.
    pub line: u64,
    pub bytes: u64,
    /// Line breaks inside the dropped part.
    dropped_lines: u64,
}

/// The cuts made so far, shared between the reader (which makes them) and the audit reader
/// (which turns each into a reject and maps the parser's line numbers back to the file's).
#[derive(Default, Clone)]
pub struct Cuts(Arc<Mutex<CutLog>>);

#[derive(Default)]
struct CutLog {
    pending: VecDeque<Cut>,
    /// Lines dropped before the record last resolved.
    shift: u64,
}

impl Cuts {
    /// For a record the parser says starts on `parser_line`: the file's line, and the cut if
    /// this record was one. Records must be resolved in file order.
    pub fn resolve(&self, parser_line: u64) -> (u64, Option<Cut>) {
        let mut log = self.0.lock().expect("no panic holds the cut log");
        while let Some(cut) = log.pending.front().copied() {
            if cut.parser_line > parser_line {
                break;
            }
            log.pending.pop_front();
            if cut.parser_line == parser_line {
                log.shift += cut.dropped_lines;
                return (cut.line, Some(cut));
            }
            log.shift += cut.dropped_lines;
        }
        (parser_line + log.shift, None)
    }
}

/// Where the scanner is inside a record, as csv-core reads it (double quotes escape a quote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records (blank lines are skipped by the parser and are no record).
    Between,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: either the closing quote or the first of a `""`.
    QuoteInQuoted,
}

pub struct RowLimit<R> {
    inner: R,
    delimiter: u8,
    limit: u64,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    state: State,
    record_bytes: u64,
    /// Lines counted as the parser sees them and as the file has them.
    parser_line: u64,
    file_line: u64,
    start: (u64, u64),
    /// Set while the rest of an over-long record is being dropped: (bytes dropped, lines
    /// dropped, the record was inside quotes when cut).
    dropping: Option<(u64, u64, bool)>,
    inject: VecDeque<u8>,
    cuts: Cuts,
}

impl<R: Read> RowLimit<R> {
    pub fn new(inner: R, delimiter: u8, limit: u64, cuts: Cuts) -> Self {
        RowLimit {
            inner,
            delimiter,
            limit,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            len: 0,
            state: State::Between,
            record_bytes: 0,
            parser_line: 1,
            file_line: 1,
            start: (1, 1),
            dropping: None,
            inject: VecDeque::new(),
            cuts,
        }
    }

    /// Advances the quoting state; true when `b` ends the record.
    fn advance(&mut self, b: u8) -> bool {
        let d = self.delimiter;
        let (next, ends) = match (self.state, b) {
            (State::Between, b'\n') => (State::Between, false),
            (State::Between | State::FieldStart, b'"') => (State::Quoted, false),
            (State::FieldStart | State::Unquoted, b'\n') => (State::Between, true),
            (State::Between | State::FieldStart | State::Unquoted, b) if b == d => {
                (State::FieldStart, false)
            }
            (State::Between | State::FieldStart | State::Unquoted, _) => (State::Unquoted, false),
            (State::Quoted, b'"') => (State::QuoteInQuoted, false),
            (State::Quoted, _) => (State::Quoted, false),
            (State::QuoteInQuoted, b'"') => (State::Quoted, false),
            (State::QuoteInQuoted, b'\n') => (State::Between, true),
            (State::QuoteInQuoted, b) if b == d => (State::FieldStart, false),
            (State::QuoteInQuoted, _) => (State::Unquoted, false),
        };
        self.state = next;
        ends
    }

    /// One input byte → the byte to pass on, if any.
    fn step(&mut self, b: u8) -> Option<u8> {
        let was = self.state;
        if was == State::Between && b != b'\n' {
            self.record_bytes = 0;
            self.start = (self.parser_line, self.file_line);
        }
        let ends = self.advance(b);
        if b == b'\n' {
            self.file_line += 1;
        }
        if let Some((bytes, lines, quoted)) = self.dropping.as_mut() {
            *bytes += 1;
            if !ends {
                *lines += u64::from(b == b'\n');
                return None;
            }
            let quoted = *quoted;
            self.finish_cut();
            self.parser_line += 1;
            if quoted {
                self.inject.push_back(b'\n');
                return Some(b'"');
            }
            return Some(b'\n');
        }
        if was == State::Between && b == b'\n' {
            self.parser_line += 1;
            return Some(b);
        }
        self.record_bytes += 1;
        if self.record_bytes > self.limit && !ends {
            self.dropping = Some((0, u64::from(b == b'\n'), was == State::Quoted));
            return None;
        }
        if b == b'\n' {
            self.parser_line += 1;
        }
        Some(b)
    }

    fn finish_cut(&mut self) {
        if let Some((bytes, lines, _)) = self.dropping.take() {
            let cut = Cut {
                parser_line: self.start.0,
                line: self.start.1,
                bytes: self.record_bytes + bytes,
                dropped_lines: lines,
            };
            let mut log = self.cuts.0.lock().expect("no panic holds the cut log");
            log.pending.push_back(cut);
        }
    }
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if let Some(b) = self.inject.pop_front() {
                out[n] = b;
                n += 1;
                continue;
            }
            if self.pos == self.len {
                if n > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.pos = 0;
                if self.len == 0 {
                    // The file ends inside a cut record: end it as its own line would have.
                    if let Some((_, _, quoted)) = self.dropping {
                        self.finish_cut();
                        if quoted {
                            self.inject.push_back(b'"');
                        }
                        self.inject.push_back(b'\n');
                        continue;
                    }
                    return Ok(0);
                }
                continue;
            }
            let b = self.buf[self.pos];
            self.pos += 1;
            if let Some(b) = self.step(b) {
                out[n] = b;
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(input: &[u8], limit: u64) -> (String, Cuts) {
        let cuts = Cuts::default();
        let mut out = String::new();
        RowLimit::new(input, b',', limit, cuts.clone())
            .read_to_string(&mut out)
            .unwrap();
        (out, cuts)
    }

    #[test]
    fn rows_within_the_limit_pass_unchanged() {
        let text = b"id,name\n1,\"a\"\"b\nc\"\n\n2,x\n";
        let (out, cuts) = pass(text, 64);
        assert_eq!(out.as_bytes(), text);
        assert_eq!(cuts.resolve(4), (4, None));
    }

    #[test]
    fn a_long_row_is_cut_and_its_quote_closed_and_later_lines_keep_their_numbers() {
        let text = b"id,name\n1,\"aaaaaaaaaa\nbbbbbbbbbbbb\ncccc\"\n2,x\n";
        let (out, cuts) = pass(text, 8);
        assert_eq!(out, "id,name\n1,\"aaaaa\"\n2,x\n");
        let mut csv = csv::Reader::from_reader(out.as_bytes());
        let rows: Vec<_> = csv.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        let first = rows[0].position().unwrap().line();
        let (line, cut) = cuts.resolve(first);
        assert_eq!(line, 2);
        assert_eq!(cut.unwrap().bytes, 33);
        // Two line breaks were dropped with the row: "2,x" is still line 5 of the file.
        assert_eq!(cuts.resolve(rows[1].position().unwrap().line()), (5, None));
    }

    #[test]
    fn an_unclosed_quote_swallowing_the_file_costs_one_row_of_memory() {
        let mut text = b"id,name\n1,\"never closed\n".to_vec();
        text.extend(std::iter::repeat_n(b"2,filler\n".as_slice(), 1000).flatten());
        let (out, cuts) = pass(&text, 100);
        assert!(out.len() < 120, "{} bytes passed on", out.len());
        assert!(out.ends_with("\"\n"), "the quote is closed: {out:?}");
        let (line, cut) = cuts.resolve(2);
        assert_eq!(
            (line, cut.map(|c| c.bytes)),
            (2, Some(text.len() as u64 - 8))
        );
    }

    #[test]
    fn an_unquoted_long_row_is_cut_without_a_quote() {
        let (out, _) = pass(b"a,b\n0123456789,x\ny,z\n", 5);
        assert_eq!(out, "a,b\n01234\ny,z\n");
    }
}
