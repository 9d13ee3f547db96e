//! The report's fonts: the faces compiled in (`builtin`, licences in `fonts/`) plus any from
//! `--font-dir`, and the fallback order the text stage picks a face from for each run. Gives the
//! layout real advances, glyph coverage and the faces the shaper reads; the PDF stage the bytes.
//! Built-in faces are parsed once per process and shared read-only by every render thread.

mod builtin;

use std::path::Path;
use std::sync::OnceLock;

/// Index into the font set. The first three are Noto Sans regular, bold and italic; the other
/// built-in faces follow, then the `--font-dir` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

impl FontId {
    pub const REGULAR: FontId = FontId(0);
    pub const BOLD: FontId = FontId(1);
    pub const ITALIC: FontId = FontId(2);
}

/// A face's design, for choosing fallbacks: a bold run in a script with no bold face is set in
/// its regular face and emboldened; an italic one is set upright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
    Italic,
}

/// Shown in place of a character that no font has, so the gap is visible rather than silent.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Code points whose advances are tabulated up front for the Latin faces: Latin, Greek,
/// Cyrillic (U+0000–U+052F), the text most reports are made of.
const FAST_RANGE: usize = 0x0530;

pub struct Font {
    pub name: String,
    pub data: &'static [u8],
    pub style: Style,
    /// Its place among the built-in faces, which the copy's pre-shaped words are keyed by;
    /// `None` for a `--font-dir` face.
    pub builtin: Option<u8>,
    /// Whether to tabulate `fast` (the Latin faces).
    fast_range: bool,
    /// Parsed on first use: a report in Latin script reads only the Noto Sans faces, and
    /// parsing all 40 faces (the shaper collects every face's lookups) cost a `render --id`
    /// 3 ms and the memory of faces it never used, the 4 MiB CJK one among them.
    parsed: OnceLock<Parsed>,
}

/// What is read from a face's tables.
struct Parsed {
    face: ttf_parser::Face<'static>,
    /// The same face as the shaper reads it.
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
    /// Whether the face has each code point below FAST_RANGE; empty for faces that are not
    /// Latin.
    fast: Vec<bool>,
    ascender: f32,
    descender: f32,
    cap_height: f32,
}

impl Parsed {
    fn new(name: &str, data: &'static [u8], fast: bool) -> Result<Parsed, String> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| format!("{name}: not a usable TrueType/OpenType font ({e})"))?;
        let shaper = rustybuzz::Face::from_face(face.clone());
        let units_per_em = face.units_per_em() as f32;
        let fast = if fast {
            (0..FAST_RANGE as u32)
                .map(|c| char::from_u32(c).is_some_and(|ch| face.glyph_index(ch).is_some()))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Parsed {
            ascender: face.ascender() as f32 / units_per_em,
            descender: face.descender() as f32 / units_per_em,
            cap_height: face
                .capital_height()
                .map(|c| c as f32 / units_per_em)
                .unwrap_or(0.71),
            face,
            shaper,
            units_per_em,
            fast,
        })
    }
}

impl Font {
    /// A face whose tables are read when first asked for (the built-in ones, which the test
    /// suite checks parse).
    fn lazy(
        name: String,
        style: Style,
        data: &'static [u8],
        fast: bool,
        builtin: Option<u8>,
    ) -> Font {
        Font {
            name,
            data,
            style,
            builtin,
            fast_range: fast,
            parsed: OnceLock::new(),
        }
    }

    /// A face parsed now, so a file that is no font is refused at start.
    fn parse(name: String, style: Style, data: &'static [u8], fast: bool) -> Result<Font, String> {
        let parsed = Parsed::new(&name, data, fast)?;
        let font = Font::lazy(name, style, data, fast, None);
        let _ = font.parsed.set(parsed);
        Ok(font)
    }

    fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| {
            Parsed::new(&self.name, self.data, self.fast_range).expect("built-in fonts parse")
        })
    }

    pub fn units_per_em(&self) -> f32 {
        self.parsed().units_per_em
    }

    /// Ascender, descender (negative) and cap height, in em.
    pub fn ascender(&self) -> f32 {
        self.parsed().ascender
    }

    pub fn descender(&self) -> f32 {
        self.parsed().descender
    }

    pub fn cap_height(&self) -> f32 {
        self.parsed().cap_height
    }

    /// Advance of glyph `gid` in em, as the font's metrics give it (before shaping).
    pub fn glyph_advance(&self, gid: u16) -> f32 {
        self.parsed()
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0) as f32
            / self.units_per_em()
    }

    /// The glyph the font's character map gives `ch`.
    pub fn glyph(&self, ch: char) -> Option<u16> {
        self.parsed().face.glyph_index(ch).map(|g| g.0)
    }

    /// Whether the face has a glyph for `ch` that draws nothing (no outline).
    pub fn blank(&self, ch: char) -> bool {
        let face = &self.parsed().face;
        face.glyph_index(ch)
            .is_some_and(|g| face.glyph_bounding_box(g).is_none())
    }

    /// How far glyph `gid`'s ink reaches below the baseline, in ems (0 for none).
    pub fn ink_depth(&self, gid: u16) -> f32 {
        self.parsed()
            .face
            .glyph_bounding_box(ttf_parser::GlyphId(gid))
            .map_or(0.0, |b| (-(b.y_min as f32) / self.units_per_em()).max(0.0))
    }

    pub fn has(&self, ch: char) -> bool {
        let p = self.parsed();
        match p.fast.get(ch as usize) {
            Some(&has) => has,
            None => p.face.glyph_index(ch).is_some(),
        }
    }

    pub fn shaper(&self) -> &rustybuzz::Face<'static> {
        &self.parsed().shaper
    }
}

pub struct FontSet {
    /// Unique per set in the process, so caches of measured text never mix two sets.
    pub id: u64,
    fonts: Vec<&'static Font>,
    /// For each font, the faces to try in order when it lacks a run's characters.
    chains: Vec<Vec<FontId>>,
}

/// The built-in faces, each parsed once per process when first used.
fn builtin_faces() -> &'static [Font] {
    static FACES: OnceLock<Vec<Font>> = OnceLock::new();
    FACES.get_or_init(|| {
        builtin::FACES
            .iter()
            .enumerate()
            .map(|(i, &(name, style, data))| {
                let index = u8::try_from(i).expect("fewer than 256 built-in faces");
                Font::lazy(name.to_string(), style, data, i < 3, Some(index))
            })
            .collect()
    })
}

impl FontSet {
    /// The built-in faces only.
    pub fn builtin() -> FontSet {
        FontSet::new(builtin_faces().iter().collect())
    }

    fn new(fonts: Vec<&'static Font>) -> FontSet {
        let n = fonts.len() as u16;
        let builtin = builtin_faces().len() as u16;
        let chains = (0..n)
            .map(|i| {
                let own = fonts[i as usize].style;
                let mut chain = vec![FontId(i)];
                // Faces of the same style first (a bold run stays bold where the script has a
                // bold face), then the regular faces, then the --font-dir ones in file order.
                let same = (3..builtin).filter(|&j| fonts[j as usize].style == own);
                let regular = (3..builtin).filter(|&j| fonts[j as usize].style == Style::Regular);
                for j in same.chain(regular).chain(builtin..n) {
                    if !chain.contains(&FontId(j)) {
                        chain.push(FontId(j));
                    }
                }
                if i >= 3 && !chain.contains(&FontId::REGULAR) {
                    chain.insert(1, FontId::REGULAR);
                }
                chain
            })
            .collect();
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        FontSet { id, fonts, chains }
    }

    /// The built-in faces plus every `.ttf`/`.otf` in `dir` as fallbacks, in file-name order.
    pub fn with_fallback_dir(dir: &Path) -> Result<FontSet, String> {
        let mut fonts: Vec<&'static Font> = builtin_faces().iter().collect();
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
            // The PDF writer embeds TrueType outlines (glyf) only; refused here, a CFF face
            // would fail every report that needs it.
            if bytes.starts_with(b"OTTO") {
                return Err(format!(
                    "font {} has CFF (PostScript) outlines, which riskreport cannot embed; \
                     use the TrueType (.ttf) version of the face",
                    p.display()
                ));
            }
            // Fonts live for the whole process; leaking gives the parsed face a 'static borrow.
            let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let font = Font::parse(name, Style::Regular, data, false)?;
            fonts.push(Box::leak(Box::new(font)));
        }
        Ok(FontSet::new(fonts))
    }

    pub fn get(&self, id: FontId) -> &Font {
        self.fonts[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    /// The faces to set text in when `preferred` lacks some of it, `preferred` first.
    pub fn chain(&self, preferred: FontId) -> &[FontId] {
        &self.chains[preferred.0 as usize]
    }

    /// The first face of `preferred`'s chain that has `ch`.
    pub fn font_for(&self, preferred: FontId, ch: char) -> Option<FontId> {
        self.chain(preferred)
            .iter()
            .copied()
            .find(|&f| self.get(f).has(ch))
    }

    /// Whether text asked for in `preferred` but set in `chosen` needs drawing heavier: a bold
    /// run in a script whose only face is regular.
    pub fn embolden(&self, preferred: FontId, chosen: FontId) -> bool {
        self.get(preferred).style == Style::Bold && self.get(chosen).style != Style::Bold
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
        let cjk = set
            .font_for(FontId::REGULAR, '漢')
            .expect("a CJK face is built in");
        assert_eq!(set.get(cjk).name, "WenQuanYiMicroHei");
        assert!(
            set.get(FontId::REGULAR).has('\u{2212}'),
            "a real minus sign"
        );
    }

    /// Built-in faces are parsed on first use, where a bad one would panic mid-run.
    #[test]
    fn every_builtin_face_parses() {
        for (i, font) in builtin_faces().iter().enumerate() {
            let parsed = Parsed::new(&font.name, font.data, i < 3).unwrap();
            assert!(parsed.units_per_em > 0.0, "{}", font.name);
        }
    }

    #[test]
    fn bold_falls_back_to_bold_faces_then_regular_ones_emboldened() {
        let set = FontSet::builtin();
        let arabic = set.font_for(FontId::BOLD, 'م').unwrap();
        assert_eq!(set.get(arabic).name, "NotoSansArabic-Bold");
        assert!(!set.embolden(FontId::BOLD, arabic));
        let han = set.font_for(FontId::BOLD, '漢').unwrap();
        assert!(
            set.embolden(FontId::BOLD, han),
            "no bold CJK face: emboldened"
        );
        let hebrew = set.font_for(FontId::ITALIC, 'ש').unwrap();
        assert_eq!(
            set.get(hebrew).name,
            "NotoSansHebrew-Regular",
            "set upright"
        );
        assert!(!set.embolden(FontId::ITALIC, hebrew));
    }

    #[test]
    fn a_cff_fallback_face_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let mut cff = b"OTTO".to_vec();
        cff.extend_from_slice(&[0; 60]);
        std::fs::write(dir.path().join("Tifinagh.otf"), cff).unwrap();
        let err = FontSet::with_fallback_dir(dir.path())
            .err()
            .expect("refused");
        assert!(err.contains("Tifinagh.otf"), "{err}");
        assert!(err.contains("CFF"), "{err}");
        assert!(err.contains(".ttf"), "{err}");
    }
}
