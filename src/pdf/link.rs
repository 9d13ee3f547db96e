//! Link areas → link annotations: internal links jump to the top of a page, others open a
//! URI. No border or highlight colour, since the page itself shows what is a link.

use super::pen::round;
use crate::page::{LinkTarget, Rect};
use anyhow::{bail, Result};
use printpdf::{Actions, BorderArray, ColorArray, Destination, LinkAnnotation, Op, Pt};

pub(super) fn add(
    ops: &mut Vec<Op>,
    page_height: f32,
    rect: &Rect,
    target: &LinkTarget,
    page_count: usize,
) -> Result<()> {
    let action = match target {
        LinkTarget::Page(index) => {
            if *index >= page_count {
                bail!(
                    "link to page {} but the document has {page_count} pages",
                    index + 1
                );
            }
            // printpdf numbers destination pages from 1.
            Actions::Goto(Destination::Xyz {
                page: index + 1,
                left: Some(0.0),
                top: Some(page_height),
                zoom: None,
            })
        }
        LinkTarget::Uri(uri) => Actions::Uri(uri.clone()),
    };
    let area = printpdf::Rect {
        x: Pt(round(rect.x, 100.0)),
        y: Pt(round(page_height - rect.bottom(), 100.0)),
        width: Pt(round(rect.w, 100.0)),
        height: Pt(round(rect.h, 100.0)),
        mode: None,
        winding_order: None,
    };
    let link = LinkAnnotation::new(
        area,
        action,
        Some(BorderArray::Solid([0.0, 0.0, 0.0])),
        Some(ColorArray::Transparent),
        None,
    );
    ops.push(Op::LinkAnnotation { link });
    Ok(())
}
