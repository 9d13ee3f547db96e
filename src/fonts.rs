//! The report's fonts: Noto Sans (OFL, in `fonts/`) compiled in, plus any fallback fonts from
//! `--font-dir`. Gives the layout real advances and glyph coverage, and the PDF stage the bytes.
//! Loaded once per process and shared read-only by every render thread.

use std::path::Path;

/// Index into the font set. The first three are the built-in faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

impl FontId {
    pub const REGULAR: FontId = FontId(0);
    pub const BOLD: FontId = FontId(1);
    pub const ITALIC: FontId = FontId(2);
}

/// Shown in place of a character that no font has, so the gap is visible rather than silent.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Code points whose advances are tabulated up front: Latin, Greek, Cyrillic (U+0000–U+052F).
const FAST_RANGE: usize = 0x0530;

pub struct Font {
    pub name: String,
    pub data: &'static [u8],
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// Advance in em for each code point below FAST_RANGE; negative when the font lacks it.
    fast: Vec<f32>,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
}

impl Font {
    fn parse(name: String, data: &'static [u8]) -> Result<Font, String> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| format!("{name}: not a usable TrueType/OpenType font ({e})"))?;
        let units_per_em = face.units_per_em() as f32;
        let mut font = Font {
            ascender: face.ascender() as f32 / units_per_em,
            descender: face.descender() as f32 / units_per_em,
            cap_height: face
                .capital_height()
                .map(|c| c as f32 / units_per_em)
                .unwrap_or(0.71),
            name,
            data,
            face,
            units_per_em,
            fast: Vec::new(),
        };
        font.fast = (0..FAST_RANGE as u32)
            .map(|c| {
                char::from_u32(c)
                    .and_then(|ch| font.slow_advance(ch))
                    .unwrap_or(-1.0)
            })
            .collect();
        Ok(font)
    }

    fn slow_advance(&self, ch: char) -> Option<f32> {
        let gid = self.face.glyph_index(ch)?;
        Some(self.face.glyph_hor_advance(gid).unwrap_or(0) as f32 / self.units_per_em)
    }

    /// Advance width of `ch` in em, or `None` when the font has no glyph for it.
    pub fn advance(&self, ch: char) -> Option<f32> {
        match self.fast.get(ch as usize) {
            Some(&a) if a >= 0.0 => Some(a),
            Some(_) => None,
            None => self.slow_advance(ch),
        }
    }

    pub fn has(&self, ch: char) -> bool {
        self.advance(ch).is_some()
    }
}

pub struct FontSet {
    fonts: Vec<Font>,
}

static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-Italic.ttf");

impl FontSet {
    /// The built-in faces only.
    pub fn builtin() -> FontSet {
        let fonts = [
            ("NotoSans-Regular", REGULAR),
            ("NotoSans-Bold", BOLD),
            ("NotoSans-Italic", ITALIC),
        ]
        .into_iter()
        .map(|(n, d)| Font::parse(n.to_string(), d).expect("built-in fonts parse"))
        .collect();
        FontSet { fonts }
    }

    /// The built-in faces plus every `.ttf`/`.otf` in `dir` as fallbacks, in file-name order.
    pub fn with_fallback_dir(dir: &Path) -> Result<FontSet, String> {
        let mut set = FontSet::builtin();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read font directory {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("ttf") || x.eq_ignore_ascii_case("otf"))
            })
            .collect();
        paths.sort();
        for p in paths {
            let bytes =
                std::fs::read(&p).map_err(|e| format!("cannot read font {}: {e}", p.display()))?;
            // Fonts live for the whole process; leaking gives the parsed face a 'static borrow.
            let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            set.fonts.push(Font::parse(name, data)?);
        }
        Ok(set)
    }

    pub fn get(&self, id: FontId) -> &Font {
        &self.fonts[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    /// A typographic stand-in for characters the built-in faces lack but copy and charts use:
    /// the minus sign is drawn as an en dash, which Noto Sans has and reads the same.
    pub fn substitute(&self, font: FontId, ch: char) -> char {
        match ch {
            '\u{2212}' if !self.get(font).has(ch) => '\u{2013}',
            _ => ch,
        }
    }

    /// The font that will draw `ch`: the preferred one if it can, else the first fallback that
    /// can, else `None` (the caller draws `REPLACEMENT` and reports the character).
    pub fn font_for(&self, preferred: FontId, ch: char) -> Option<FontId> {
        if self.get(preferred).has(ch) {
            return Some(preferred);
        }
        (3..self.fonts.len() as u16)
            .map(FontId)
            .find(|&f| self.get(f).has(ch))
    }

    /// Width of `text` at `size` pt in `font`, using fallbacks exactly as drawing will.
    pub fn measure(&self, font: FontId, text: &str, size: f32) -> f32 {
        let primary = self.get(font);
        let mut em = 0.0;
        for ch in text.chars() {
            em += match primary.advance(ch) {
                Some(a) => a,
                None => self.fallback_advance(ch),
            };
        }
        em * size
    }

    fn fallback_advance(&self, ch: char) -> f32 {
        self.fonts[3..]
            .iter()
            .find_map(|f| f.advance(ch))
            .or_else(|| self.get(FontId::REGULAR).advance(REPLACEMENT))
            .unwrap_or(0.6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fonts_cover_the_scripts_of_our_readers() {
        let set = FontSet::builtin();
        for name in [
            "Łukasz Wójcik",
            "Nguyễn Thị Hồng Nhung",
            "Γιώργος Παπαδόπουλος",
            "Олександр Коваленко",
            "Siobhán Ó Súilleabháin",
        ] {
            for ch in name.chars() {
                assert!(set.get(FontId::REGULAR).has(ch), "regular lacks {ch:?}");
                assert!(set.get(FontId::BOLD).has(ch), "bold lacks {ch:?}");
            }
        }
        assert!(!set.get(FontId::REGULAR).has('漢'));
        assert_eq!(set.font_for(FontId::REGULAR, '漢'), None);
    }

    #[test]
    fn measuring_uses_real_advances() {
        let set = FontSet::builtin();
        let w_i = set.measure(FontId::REGULAR, "iiii", 10.0);
        let w_m = set.measure(FontId::REGULAR, "MMMM", 10.0);
        assert!(w_m > 2.0 * w_i, "{w_i} {w_m}");
        assert!(
            (set.measure(FontId::REGULAR, "ab", 20.0)
                - 2.0 * set.measure(FontId::REGULAR, "ab", 10.0))
            .abs()
                < 1e-4
        );
    }
}
