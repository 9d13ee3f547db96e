//! Tagged PDF: the page model's structure (`Item::Open`/`Close`) becomes marked content in the
//! content streams (`/P <</MCID 3>> BDC … EMC`, `/Artifact BMC … EMC`) and a structure tree
//! beside them (ISO 32000-1 §14.7–14.8), which screen readers walk instead of the drawing
//! order. The layout decides what is a heading, a table cell or furniture; this only writes it.
//!
//! `Marking` follows one page's items while its content stream is written and grows the `Tree`;
//! once every object has an id, `objects` turns the tree into the StructTreeRoot, the structure
//! elements and the ParentTree that maps each page's marked content back to its element.

use super::document::ObjectId;
use super::pen::Pen;
use crate::page::{Element, Role, Tag};
use anyhow::{bail, Result};

/// A structure element's children, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kid {
    Node(usize),
    /// Marked content on a page (zero-based).
    Content {
        page: usize,
        mcid: u32,
    },
    /// The `index`-th link annotation of all the document's.
    Annot(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub element: Element,
    pub parent: usize,
    pub kids: Vec<Kid>,
    /// The page the element's content starts on.
    pub page: Option<usize>,
}

/// The document's structure; node 0 is the document element.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tree {
    pub nodes: Vec<Node>,
    /// Per page, the element each MCID belongs to (the MCID is the index).
    pub marked: Vec<Vec<usize>>,
    /// Per link annotation in document order: its page and its Link element.
    pub annots: Vec<(usize, usize)>,
}

/// The document element's role: not in `Role`, because layouts never open it.
const DOCUMENT: &str = "Document";

impl Tree {
    pub(super) fn new(pages: usize) -> Tree {
        Tree {
            nodes: vec![Node {
                element: Element::new(Role::Sect),
                parent: 0,
                kids: Vec::new(),
                page: None,
            }],
            marked: vec![Vec::new(); pages],
            annots: Vec::new(),
        }
    }

    /// Adds the elements, marked content and links of `other`, a tree of later pages: its
    /// elements follow this tree's, under the same document element.
    pub(super) fn append(&mut self, other: Tree) {
        let offset = self.nodes.len() - 1;
        let annots = self.annots.len();
        let node = |n: usize| if n == 0 { 0 } else { n + offset };
        let kid = |k: Kid| match k {
            Kid::Node(n) => Kid::Node(node(n)),
            Kid::Annot(i) => Kid::Annot(i + annots),
            content @ Kid::Content { .. } => content,
        };
        let mut nodes = other.nodes.into_iter();
        if let Some(document) = nodes.next() {
            self.nodes[0]
                .kids
                .extend(document.kids.into_iter().map(kid));
            if self.nodes[0].page.is_none() {
                self.nodes[0].page = document.page;
            }
        }
        self.nodes.extend(nodes.map(|n| Node {
            parent: node(n.parent),
            kids: n.kids.into_iter().map(kid).collect(),
            ..n
        }));
        for (page, marked) in other.marked.into_iter().enumerate() {
            if !marked.is_empty() {
                self.marked[page].extend(marked.into_iter().map(node));
            }
        }
        (self.annots).extend(other.annots.into_iter().map(|(page, n)| (page, node(n))));
    }
}

/// Where content goes: an element, or furniture.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Node(usize),
    Artifact { pagination: bool },
}

/// One page's marked content being written.
pub(super) struct Marking<'t> {
    tree: &'t mut Tree,
    page: usize,
    stack: Vec<Open>,
    /// The marked-content sequence open in the stream, if any.
    current: Option<Open>,
}

impl<'t> Marking<'t> {
    pub(super) fn new(tree: &'t mut Tree, page: usize) -> Marking<'t> {
        Marking {
            tree,
            page,
            stack: Vec::new(),
            current: None,
        }
    }

    /// Opens an element or artifact. The stream is untouched: the open marked-content sequence
    /// ends only when content for something else arrives, so furniture drawn between
    /// elements (a table's row rules and stripes) shares one artifact sequence.
    pub(super) fn open(&mut self, tag: &Tag) {
        let open = match (tag, self.stack.last()) {
            // Inside furniture everything is furniture (a name in the running header).
            (_, Some(&a @ Open::Artifact { .. })) => a,
            (Tag::Artifact { pagination }, _) => Open::Artifact {
                pagination: *pagination,
            },
            (Tag::Element(element), top) => {
                let parent = match top {
                    Some(Open::Node(n)) => *n,
                    _ => 0,
                };
                let id = self.tree.nodes.len();
                self.tree.nodes.push(Node {
                    element: element.clone(),
                    parent,
                    kids: Vec::new(),
                    page: None,
                });
                self.tree.nodes[parent].kids.push(Kid::Node(id));
                Open::Node(id)
            }
        };
        self.stack.push(open);
    }

    pub(super) fn close(&mut self) -> Result<()> {
        if self.stack.pop().is_none() {
            bail!(
                "page {}: a structure element closed that was never opened",
                self.page + 1
            );
        }
        Ok(())
    }

    /// Starts the marked content the next drawn item belongs to, unless it is already open.
    pub(super) fn content(&mut self, pen: &mut Pen) -> Result<()> {
        let Some(&target) = self.stack.last() else {
            bail!(
                "page {}: content outside any structure element or artifact",
                self.page + 1
            );
        };
        if self.current == Some(target) {
            return Ok(());
        }
        self.end(pen);
        match target {
            Open::Artifact { pagination: false } => pen.op(b"/Artifact BMC"),
            Open::Artifact { pagination: true } => pen.op(b"/Artifact<</Type/Pagination>>BDC"),
            Open::Node(n) => {
                let marked = &mut self.tree.marked[self.page];
                let mcid = marked.len() as u32;
                marked.push(n);
                let node = &mut self.tree.nodes[n];
                node.kids.push(Kid::Content {
                    page: self.page,
                    mcid,
                });
                node.page.get_or_insert(self.page);
                let out = pen.start();
                out.push(b'/');
                out.extend_from_slice(role_name(node.element.role).as_bytes());
                out.extend_from_slice(b"<</MCID ");
                super::serialize::integer(out, mcid as i64);
                out.extend_from_slice(b">>BDC");
            }
        }
        self.current = Some(target);
        Ok(())
    }

    /// A link annotation of the page: it belongs to the innermost open element, a `Link`.
    pub(super) fn annotation(&mut self) -> Result<()> {
        match self.stack.last() {
            Some(&Open::Node(n)) if self.tree.nodes[n].element.role == Role::Link => {
                let index = self.tree.annots.len();
                self.tree.annots.push((self.page, n));
                self.tree.nodes[n].kids.push(Kid::Annot(index));
                Ok(())
            }
            _ => bail!(
                "page {}: a link area outside a Link structure element",
                self.page + 1
            ),
        }
    }

    /// Ends the open marked-content sequence, if any.
    fn end(&mut self, pen: &mut Pen) {
        if self.current.take().is_some() {
            pen.op(b"EMC");
        }
    }

    pub(super) fn finish(mut self, pen: &mut Pen) -> Result<()> {
        self.end(pen);
        if !self.stack.is_empty() {
            bail!(
                "page {}: {} structure element(s) left open",
                self.page + 1,
                self.stack.len()
            );
        }
        Ok(())
    }
}

pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Sect => "Sect",
        Role::Div => "Div",
        Role::H1 => "H1",
        Role::H2 => "H2",
        Role::H3 => "H3",
        Role::P => "P",
        Role::L => "L",
        Role::LI => "LI",
        Role::Lbl => "Lbl",
        Role::LBody => "LBody",
        Role::Table => "Table",
        Role::THead => "THead",
        Role::TBody => "TBody",
        Role::TR => "TR",
        Role::TH => "TH",
        Role::TD => "TD",
        Role::Figure => "Figure",
        Role::TOC => "TOC",
        Role::TOCI => "TOCI",
        Role::Link => "Link",
        Role::Span => "Span",
    }
}

/// Object ids the tree's objects are written under.
pub(super) struct Ids<'a> {
    pub root: ObjectId,
    pub parent_tree: ObjectId,
    /// One per node.
    pub nodes: &'a [ObjectId],
    /// Per zero-based page.
    pub pages: &'a [ObjectId],
    /// Per link annotation, in document order.
    pub annots: &'a [ObjectId],
}

/// The StructTreeRoot, its elements and the ParentTree, serialised: (object number, bytes of
/// the object). A page's `/StructParents` is its index; the annotations' `/StructParent` keys
/// follow the pages'. Written as bytes directly, not built as lopdf objects first: a report
/// has hundreds of elements, and they are only ever written.
pub(super) fn objects(tree: &Tree, ids: &Ids) -> Vec<(u32, Vec<u8>)> {
    use super::serialize::{integer, literal, reference};
    let mut out = Vec::with_capacity(tree.nodes.len() + 2);
    for (i, node) in tree.nodes.iter().enumerate() {
        let mut b = Vec::with_capacity(64);
        let role = if i == 0 {
            DOCUMENT
        } else {
            role_name(node.element.role)
        };
        b.extend_from_slice(b"<</S/");
        b.extend_from_slice(role.as_bytes());
        let parent = if i == 0 {
            ids.root
        } else {
            ids.nodes[node.parent]
        };
        b.extend_from_slice(b"/P ");
        reference(&mut b, parent);
        if let Some(page) = node.page {
            b.extend_from_slice(b"/Pg ");
            reference(&mut b, ids.pages[page]);
        }
        b.extend_from_slice(b"/K[");
        for (k, kid) in node.kids.iter().enumerate() {
            if k > 0 {
                b.push(b' ');
            }
            match *kid {
                Kid::Node(n) => reference(&mut b, ids.nodes[n]),
                Kid::Content { page, mcid } if node.page == Some(page) => {
                    integer(&mut b, mcid as i64)
                }
                Kid::Content { page, mcid } => {
                    b.extend_from_slice(b"<</Type/MCR/Pg ");
                    reference(&mut b, ids.pages[page]);
                    b.extend_from_slice(b"/MCID ");
                    integer(&mut b, mcid as i64);
                    b.extend_from_slice(b">>");
                }
                Kid::Annot(a) => {
                    b.extend_from_slice(b"<</Type/OBJR/Pg ");
                    reference(&mut b, ids.pages[tree.annots[a].0]);
                    b.extend_from_slice(b"/Obj ");
                    reference(&mut b, ids.annots[a]);
                    b.extend_from_slice(b">>");
                }
            }
        }
        b.push(b']');
        if let Some(alt) = &node.element.alt {
            b.extend_from_slice(b"/Alt");
            literal(&mut b, &super::document::text_bytes(alt));
        }
        if let Some(lang) = node.element.lang {
            // A language tag is ASCII letters, digits and hyphens: nothing to escape.
            b.extend_from_slice(b"/Lang(");
            b.extend_from_slice(lang.as_bytes());
            b.push(b')');
        }
        if node.element.role == Role::TH && i != 0 {
            b.extend_from_slice(b"/A<</O/Table/Scope/Column>>");
        }
        b.extend_from_slice(b">>");
        out.push((ids.nodes[i].0, b));
    }
    let mut b = Vec::with_capacity(16 * tree.nodes.len());
    b.extend_from_slice(b"<</Nums[");
    for (page, marked) in tree.marked.iter().enumerate() {
        integer(&mut b, page as i64);
        b.push(b'[');
        for (k, &n) in marked.iter().enumerate() {
            if k > 0 {
                b.push(b' ');
            }
            reference(&mut b, ids.nodes[n]);
        }
        b.extend_from_slice(b"] ");
    }
    for (a, &(_, node)) in tree.annots.iter().enumerate() {
        integer(&mut b, (tree.marked.len() + a) as i64);
        b.push(b' ');
        reference(&mut b, ids.nodes[node]);
        b.push(b' ');
    }
    b.extend_from_slice(b"]>>");
    out.push((ids.parent_tree.0, b));
    let mut b = Vec::with_capacity(96);
    b.extend_from_slice(b"<</Type/StructTreeRoot/K ");
    reference(&mut b, ids.nodes[0]);
    b.extend_from_slice(b"/ParentTree ");
    reference(&mut b, ids.parent_tree);
    b.extend_from_slice(b"/ParentTreeNextKey ");
    integer(&mut b, (tree.marked.len() + tree.annots.len()) as i64);
    b.extend_from_slice(b">>");
    out.push((ids.root.0, b));
    out
}

#[cfg(test)]
#[path = "tags_tests.rs"]
mod tests;
