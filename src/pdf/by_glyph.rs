//! A table by glyph id that costs memory only where glyphs are: pages of 256 ids, each made
//! when an id in it is first written. A report shows some hundred glyphs of a face, but the
//! CJK face has 50,000 ids, and tables sized by the largest id cost each report (and each
//! worker's peak) over a MiB for a name's three characters.

const PAGE: usize = 256;

pub(super) struct ByGlyph<T> {
    pages: Vec<Option<Box<[T]>>>,
}

impl<T> Default for ByGlyph<T> {
    fn default() -> Self {
        ByGlyph { pages: Vec::new() }
    }
}

impl<T: Default + Clone> ByGlyph<T> {
    /// The value of `gid`, if its page was made (else `T::default()` is what it holds).
    pub(super) fn get(&self, gid: u16) -> Option<&T> {
        let gid = gid as usize;
        let page = self.pages.get(gid / PAGE)?.as_ref()?;
        Some(&page[gid % PAGE])
    }

    /// The value of `gid`, its page made (holding defaults) if need be.
    pub(super) fn entry(&mut self, gid: u16) -> &mut T {
        let gid = gid as usize;
        let p = gid / PAGE;
        if self.pages.len() <= p {
            self.pages.resize_with(p + 1, || None);
        }
        let page = self.pages[p].get_or_insert_with(|| vec![T::default(); PAGE].into());
        &mut page[gid % PAGE]
    }

    /// Every glyph id of the pages made, in order, with its value.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u16, &T)> {
        self.pages.iter().enumerate().flat_map(|(p, page)| {
            page.iter()
                .flat_map(|page| page.iter())
                .enumerate()
                .map(move |(i, v)| ((p * PAGE + i) as u16, v))
        })
    }

    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.pages
            .iter_mut()
            .flatten()
            .flat_map(|page| page.iter_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::ByGlyph;

    #[test]
    fn ids_far_apart_make_only_their_pages_and_iterate_in_order() {
        let mut t: ByGlyph<u16> = ByGlyph::default();
        *t.entry(40_000) = 7;
        *t.entry(3) = 1;
        *t.entry(65_535) = 9;
        assert_eq!(t.get(3), Some(&1));
        assert_eq!(t.get(4), Some(&0));
        assert_eq!(t.get(1_000), None);
        assert_eq!(t.pages.iter().flatten().count(), 3);
        let set: Vec<_> = t.iter().filter(|(_, &v)| v != 0).collect();
        assert_eq!(set, [(3, &1), (40_000, &7), (65_535, &9)]);
        t.values_mut().for_each(|v| *v += 1);
        assert_eq!(t.get(65_535), Some(&10));
    }
}
