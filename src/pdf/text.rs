//! Text runs → one text object each. Justification is drawn with TJ offsets after every space
//! because `Tw` does not apply to the two-byte (Identity-H) codes printpdf writes.

use super::embed::Faces;
use super::pen::{round, Pen};
use crate::page::TextRun;
use printpdf::{Op, PdfFontHandle, Pt, TextItem, TextMatrix};

pub(super) fn draw(ops: &mut Vec<Op>, pen: &mut Pen, run: &TextRun, faces: &Faces) {
    // embed() registered a face for every run with text, so a miss means there is nothing to draw.
    let Some(Some(face)) = faces.get(run.font.0 as usize) else {
        return;
    };
    if run.text.is_empty() || run.size.is_nan() || run.size <= 0.0 {
        return;
    }
    let size = round(run.size, 100.0);
    ops.push(Op::StartTextSection);
    if pen.font != Some((run.font.0, size)) {
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(face.clone()),
            size: Pt(size),
        });
        pen.font = Some((run.font.0, size));
    }
    pen.fill(ops, run.color);
    let (x, y) = (pen.x(run.x).0, pen.y(run.y).0);
    let matrix = if run.rotation == 0.0 {
        TextMatrix::Translate(Pt(x), Pt(y))
    } else {
        // Counter-clockwise on the page is counter-clockwise in PDF space too: the y flip
        // moves the origin, it does not mirror the text.
        let (sin, cos) = run.rotation.to_radians().sin_cos();
        let (sin, cos) = (round(sin, 10000.0), round(cos, 10000.0));
        TextMatrix::Raw([cos, sin, -sin + 0.0, cos, x, y])
    };
    ops.push(Op::SetTextMatrix { matrix });
    ops.push(Op::ShowText {
        items: items(&run.text, run.word_gap, size),
    });
    ops.push(Op::EndTextSection);
}

/// The run's text, with a TJ offset after each space when the line is justified.
fn items(text: &str, word_gap: f32, size: f32) -> Vec<TextItem> {
    // TJ numbers are thousandths of an em and move the pen left, so wider is negative.
    let offset = round(-word_gap * 1000.0 / size, 10.0);
    if offset == 0.0 || !text.contains(' ') {
        return vec![TextItem::Text(text.to_string())];
    }
    let mut items = Vec::new();
    for piece in text.split_inclusive(' ') {
        items.push(TextItem::Text(piece.to_string()));
        if piece.ends_with(' ') {
            items.push(TextItem::Offset(offset));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn justification_puts_a_negative_offset_after_every_space() {
        let items = items("a b  c", 1.5, 10.0);
        let expected = ["a ", "b ", " ", "c"];
        let texts: Vec<_> = items
            .iter()
            .filter_map(|i| {
                if let TextItem::Text(t) = i {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(texts, expected);
        let offsets: Vec<_> = items
            .iter()
            .filter_map(|i| {
                if let TextItem::Offset(o) = i {
                    Some(*o)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(offsets, vec![-150.0; 3]);
        assert_eq!(
            super::items("a b", 0.0, 10.0),
            vec![TextItem::Text("a b".into())]
        );
    }
}
