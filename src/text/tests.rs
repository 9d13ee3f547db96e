use super::*;
use crate::page::TextRun;
use std::process::Command;
use unicode_segmentation::UnicodeSegmentation;

const INK: Color = Color::rgb(0, 0, 0);

fn one_line(text: &str, font: FontId) -> Line {
    let fonts = FontSet::builtin();
    let mut missing = Missing::default();
    let line = line(text, font, 10.0, INK, &fonts, &mut missing);
    assert!(missing.0.is_empty(), "{text:?} lacks {:?}", missing.0);
    line
}

/// `hb-shape`'s glyph ids and advances (font units) for `text` in the built-in face `file`.
fn hb_shape(file: &str, text: &str) -> Vec<(u16, i32)> {
    let path = format!("{}/fonts/{file}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("hb-shape")
        .args(["--no-glyph-names", "--no-clusters", &path, text])
        .output()
        .expect("hb-shape runs (Debian: libharfbuzz-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    s.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split('|')
        .map(|g| {
            // "gid+advance" or "gid@x,y+advance"
            let (gid, rest) = g.split_once(['@', '+']).unwrap();
            let adv = rest.rsplit('+').next().unwrap();
            (gid.parse().unwrap(), adv.parse().unwrap())
        })
        .collect()
}

fn glyphs_in_units(line: &Line, fonts: &FontSet) -> Vec<(u16, i32)> {
    line.runs
        .iter()
        .flat_map(|r| {
            let upem = fonts.get(r.font).units_per_em();
            r.glyphs
                .iter()
                .map(move |g| (g.id, (g.advance / r.size * upem).round() as i32))
        })
        .collect()
}

#[test]
fn arabic_and_devanagari_shape_as_harfbuzz_does() {
    let fonts = FontSet::builtin();
    for text in [
        "محمد عبد الله",
        "مهرداد نیک‌نام",
        "अनन्या शर्मा",
        "क्षत्रिय प्रियंका",
    ] {
        let mut line = one_line(text, FontId::REGULAR);
        let face = line.runs[0].font;
        // Noto Sans Arabic draws its ZWNJ as a bar: the joiner is set alone in a face whose
        // joiner is blank (which keeps the letters either side apart, as the ZWNJ asks).
        for r in line.runs.iter().filter(|r| r.font != face) {
            assert_eq!(&*r.text, "\u{200C}", "{text}");
            assert!(fonts.get(r.font).blank('\u{200C}'));
        }
        line.runs.retain(|r| r.font == face);
        // Noto Sans itself has Devanagari; Arabic comes from Noto Sans Arabic.
        let file = format!("{}.ttf", fonts.get(face).name);
        let ours = glyphs_in_units(&line, &fonts);
        let theirs = hb_shape(&file, text);
        // hb-shape hides the joiner as a zero-width space glyph.
        let visible = |g: &&(u16, i32)| g.1 != 0 || !text.contains('\u{200C}');
        let ours: Vec<_> = ours.iter().filter(visible).collect();
        let theirs: Vec<_> = theirs.iter().filter(visible).collect();
        assert_eq!(ours, theirs, "{text}");
    }
}

#[test]
fn latin_gains_kerning_and_ligatures() {
    let fonts = FontSet::builtin();
    let kerned = one_line("AVATAR", FontId::REGULAR);
    let unkerned: f32 = "AVATAR"
        .chars()
        .map(|c| {
            let f = fonts.get(FontId::REGULAR);
            f.glyph_advance(f.glyph(c).unwrap()) * 10.0
        })
        .sum();
    assert!(
        kerned.width < unkerned - 1.0,
        "{} vs {unkerned}",
        kerned.width
    );
    let office = one_line("office", FontId::REGULAR);
    assert!(office.runs[0].glyphs.len() < 6, "ffi is one ligature glyph");
    assert_eq!(&*office.runs[0].text, "office");
}

#[test]
fn a_right_to_left_name_keeps_its_place_in_an_english_sentence() {
    let sentence = format!("Prepared for {}, Lead Analyst", isolate("محمد عبد الله"));
    let line = one_line(&sentence, FontId::REGULAR);
    let texts: Vec<(&str, bool)> = line.runs.iter().map(|r| (&*r.text, r.rtl)).collect();
    assert_eq!(
        texts,
        [
            ("Prepared for ", false),
            ("محمد عبد الله", true),
            (", Lead Analyst", false)
        ]
    );
    // Drawn left to right in that order, the Arabic glyphs reversed (visual order).
    let xs: Vec<f32> = line.runs.iter().map(|r| r.x).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    let arabic = &line.runs[1];
    let clusters: Vec<u32> = arabic.glyphs.iter().map(|g| g.cluster).collect();
    assert!(clusters.first() > clusters.last(), "{clusters:?}");
}

#[test]
fn hebrew_alone_reads_right_to_left() {
    let line = one_line("דוד כהן", FontId::BOLD);
    assert_eq!(line.runs.len(), 1);
    let run = &line.runs[0];
    assert!(run.rtl);
    assert_eq!(&*run.text, "דוד כהן");
    // The last letter (final nun) is drawn first, at the left.
    let first = run.glyphs[0].cluster as usize;
    assert_eq!(&run.text[first..], "ן");
}

fn set(text: &str, width: f32) -> std::rc::Rc<[Line]> {
    let fonts = FontSet::builtin();
    let mut missing = Missing::default();
    let lines = lines(
        &[(text, FontId::REGULAR)],
        10.0,
        INK,
        width,
        Align::Left,
        &fonts,
        &mut missing,
    );
    assert!(missing.0.is_empty());
    lines
}

fn line_text(l: &Line) -> String {
    l.runs.iter().map(|r| &*r.text).collect()
}

#[test]
fn chinese_breaks_between_ideographs_and_nothing_is_lost() {
    let text = "人工智能正在改变软件开发者的日常工作方式，这份报告说明了哪些任务最先受到影响。";
    let lines = set(text, 80.0);
    assert!(lines.len() >= 4, "{} lines", lines.len());
    for l in lines.iter() {
        assert!(l.width <= 80.0 + 0.01, "{}", l.width);
    }
    let joined: String = lines.iter().map(line_text).collect();
    assert_eq!(joined, text);
    // UAX #14: no line starts with the closing punctuation.
    assert!(lines
        .iter()
        .all(|l| !line_text(l).starts_with(['，', '。'])));
}

#[test]
fn a_word_wider_than_the_line_breaks_between_grapheme_clusters_only() {
    let word = "सॉफ्टवेयरइंजीनियरिंगप्रबंधक";
    let lines = set(word, 40.0);
    assert!(lines.len() >= 2);
    let graphemes: Vec<&str> = word.graphemes(true).collect();
    let mut at = 0;
    for l in lines.iter() {
        let t = line_text(l);
        // Each line is a whole number of the word's grapheme clusters.
        let mut n = 0;
        let mut built = String::new();
        while built.len() < t.len() {
            built.push_str(graphemes[at + n]);
            n += 1;
        }
        assert_eq!(built, t);
        at += n;
    }
    assert_eq!(at, graphemes.len());
}

#[test]
fn decomposed_and_composed_names_set_the_same() {
    let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Ho\u{302}\u{300}ng";
    let nfc = "Nguyễn Thị Hồng";
    let (a, b) = (
        one_line(nfd, FontId::REGULAR),
        one_line(nfc, FontId::REGULAR),
    );
    let ids = |l: &Line| -> Vec<u16> {
        l.runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.id))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(line_text(&a), nfc);
}

#[test]
fn every_script_of_the_issue_has_a_face() {
    let fonts = FontSet::builtin();
    for name in [
        "محمد عبد الله",
        "مهرداد نیک‌نام",
        "דוד כהן",
        "अनन्या शर्मा",
        "সৌমিত্র চট্টোপাধ্যায়",
        "கார்த்திக் சுப்ரமணியம்",
        "สมชาย ใจดี",
        "王小明",
        "陳志明",
        "山田 はなこ",
        "김민준",
        "አበበ ቢቂላ",
        "ნინო ბერიძე",
        "Արամ Խաչատրյան",
        "Kevin 陈",
        "Nguyễn Thị Hồng",
        "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ",
        "ಕನ್ನಡ",
        "සිංහල",
        "ខ្មែរ",
        "မြန်မာ",
    ] {
        for font in [FontId::REGULAR, FontId::BOLD, FontId::ITALIC] {
            let mut missing = Missing::default();
            let l = line(name, font, 12.0, INK, &fonts, &mut missing);
            assert!(missing.0.is_empty(), "{name}: {:?}", missing.0);
            assert_eq!(line_text_logical(&l), name);
            let notdef = l
                .runs
                .iter()
                .flat_map(|r| r.glyphs.iter())
                .any(|g| g.id == 0);
            assert!(!notdef, "{name} draws a .notdef glyph");
        }
    }
}

/// The runs' texts in reading order (runs are in visual order).
fn line_text_logical(l: &Line) -> String {
    let mut runs: Vec<&TextRun> = l.runs.iter().collect();
    if runs.iter().all(|r| r.rtl) {
        runs.reverse();
    }
    runs.iter().map(|r| &*r.text).collect()
}

#[test]
fn characters_no_face_has_are_replaced_and_reported() {
    let fonts = FontSet::builtin();
    let mut missing = Missing::default();
    let l = line(
        "Tifinagh ⵣ",
        FontId::REGULAR,
        10.0,
        INK,
        &fonts,
        &mut missing,
    );
    assert_eq!(missing.0.iter().collect::<String>(), "ⵣ");
    assert!(line_text(&l).ends_with(crate::fonts::REPLACEMENT));
}

/// A word typed as hundreds of combining marks is one Indic syllable; rustybuzz numbers a
/// syllable's glyphs in a byte and would panic. Found by the property test.
#[test]
fn a_syllable_of_hundreds_of_marks_is_set_not_a_panic() {
    for (mark, font) in [
        ('\u{09CB}', FontId::REGULAR),
        ('\u{0BCA}', FontId::BOLD),
        ('\u{094B}', FontId::REGULAR),
    ] {
        let text: String = std::iter::repeat_n(mark, 300).collect();
        let line = one_line(&text, font);
        let glyphs: usize = line.runs.iter().map(|r| r.glyphs.len()).sum();
        assert!(glyphs >= 300, "{glyphs} glyphs for 300 marks");
        let clusters_in_text = line
            .runs
            .iter()
            .all(|r| r.glyphs.iter().all(|g| (g.cluster as usize) < r.text.len()));
        assert!(clusters_in_text);
    }
}

fn set_aligned(text: &str, width: f32, align: Align) -> std::rc::Rc<[Line]> {
    let fonts = FontSet::builtin();
    let mut missing = Missing::default();
    lines(
        &[(text, FontId::REGULAR)],
        10.0,
        INK,
        width,
        align,
        &fonts,
        &mut missing,
    )
}

const SOFT: &str = "\u{AD}";

/// Whether the line ends with a hyphen added at a break: a run of its own, the soft hyphen.
fn hyphenated(l: &Line) -> bool {
    l.runs.last().is_some_and(|r| &*r.text == SOFT)
}

#[test]
fn justified_english_hyphenates_loose_lines_and_reads_whole() {
    let fonts = FontSet::builtin();
    let text = "Administrative responsibilities increasingly accompany organisational \
        transformation, and understanding documentation requirements demonstrates \
        considerable professionalism throughout implementation.";
    let mut any = false;
    for width in (120..=260).step_by(10) {
        let width = width as f32;
        let set = set_aligned(text, width, Align::Justify);
        let mut run = 0;
        for (i, l) in set.iter().enumerate() {
            assert!(l.width <= width + 0.01, "{width}: {}", line_text(l));
            if !hyphenated(l) {
                run = 0;
                continue;
            }
            any = true;
            run += 1;
            assert!(run <= 2, "{width}: three hyphenated lines in a row");
            assert!(i + 1 < set.len(), "the last line never ends with a hyphen");
            // The drawn glyph is the face's hyphen; its text is the soft hyphen.
            let hyphen = l.runs.last().unwrap();
            let face = fonts.get(hyphen.font);
            assert_eq!(hyphen.glyphs.len(), 1);
            assert_eq!(Some(hyphen.glyphs[0].id), face.glyph('-'));
            // At least two letters before the break and three after it.
            let before = line_text(l);
            let before = before.trim_end_matches(SOFT);
            let head = before.rsplit(' ').next().unwrap();
            assert!(head.chars().count() >= 2, "{width}: {head:?}");
            let tail = line_text(&set[i + 1]);
            let tail = tail.split(' ').next().unwrap();
            let tail = tail.trim_end_matches(|c: char| !c.is_alphabetic());
            assert!(tail.chars().count() >= 3, "{width}: {tail:?}");
        }
        // Read line after line with the soft hyphens taken out, the text is whole.
        let read: String = set
            .iter()
            .map(line_text)
            .collect::<String>()
            .replace(SOFT, "");
        assert_eq!(read, text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    assert!(any, "some width hyphenates these long words");
}

#[test]
fn names_figures_and_ragged_text_are_never_hyphenated() {
    let capitalised = "Maximiliana Konstantinopoulou Administrators Understanding Organisations \
        Responsibilities Documentation Implementation Professionalism Transformation";
    let digits = "administration2024 responsibilities2025 documentation2026 \
        understanding2027 implementation2028 organisation2029";
    let lower = "administrative responsibilities accompany organisational transformation \
        understanding documentation demonstrates considerable professionalism";
    for width in (120..=260).step_by(10) {
        let width = width as f32;
        for text in [capitalised, digits] {
            let set = set_aligned(text, width, Align::Justify);
            assert!(!set.iter().any(hyphenated), "{width}: {text}");
        }
        let ragged = set_aligned(lower, width, Align::Left);
        assert!(!ragged.iter().any(hyphenated), "{width}: ragged text");
    }
}

#[test]
fn a_last_line_of_one_short_word_takes_a_word_from_the_line_before() {
    let text = "Your score reflects the tasks you do every week and the tools you already \
        use in the work you do now.";
    let mut pulled = 0;
    for width in (100..=300).step_by(3) {
        let width = width as f32;
        let set = set_aligned(text, width, Align::Left);
        if set.len() < 3 {
            continue;
        }
        let words = |l: &Line| {
            line_text(l)
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        let last = words(&set[set.len() - 1]);
        let before = words(&set[set.len() - 2]);
        let space = crate::text::width(" ", FontId::REGULAR, 10.0, &FontSet::builtin());
        if last.len() == 1 && last[0].chars().count() < 8 {
            // Left a runt only when the word before cannot join it or would leave its line
            // empty.
            let joined = crate::text::width(
                &format!("{} {}", before.last().unwrap(), last[0]),
                FontId::REGULAR,
                10.0,
                &FontSet::builtin(),
            );
            assert!(before.len() < 2 || joined > width, "{width}: runt {last:?}");
        }
        // A word that would have fitted on the line before was brought down on purpose.
        if last.len() == 2
            && set[set.len() - 2].width
                + space
                + crate::text::width(&last[0], FontId::REGULAR, 10.0, &FontSet::builtin())
                <= width
        {
            pulled += 1;
        }
    }
    assert!(pulled > 0, "some width leaves a runt to fix");
}
