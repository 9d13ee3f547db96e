//! The palette's promises: text meets WCAG AA where the layout puts it, and the members of each
//! colour group stay apart for readers with deuteranopia or protanopia.

use crate::chart::theme::contrast;
use crate::page::Color;
use crate::report::Layouts;

fn linear(v: u8) -> f32 {
    let v = v as f32 / 255.0;
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// CIELAB under D65, for colour differences.
fn lab(c: [f32; 3]) -> [f32; 3] {
    let [r, g, b] = c;
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

/// Machado, Oliveira & Fernandes (2009), severity 1, in linear RGB.
const DEUTAN: [[f32; 3]; 3] = [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
];
const PROTAN: [[f32; 3]; 3] = [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
];
const IDENTITY: [[f32; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

fn seen(c: Color, m: &[[f32; 3]; 3]) -> [f32; 3] {
    let v = [linear(c.r), linear(c.g), linear(c.b)];
    let row = |i: usize| (m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]).clamp(0.0, 1.0);
    lab([row(0), row(1), row(2)])
}

fn delta_e(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[test]
fn text_colours_meet_wcag_aa_where_the_layout_sets_them() {
    let st = Layouts::builtin().style;
    let c = &st.colors;
    let theme = st.chart_theme();
    let mut pairs = vec![
        ("ink on paper", c.ink, c.paper),
        ("muted on paper", c.muted, c.paper),
        ("headings (primary) on paper", c.accent, c.paper),
        ("kickers (secondary) on paper", c.accent2, c.paper),
        ("KPI label on its tile", c.muted, c.accent.tint(0.93)),
        ("KPI value on its tile", c.ink, c.accent.tint(0.93)),
        ("cover text on the brand band", c.paper, c.accent),
        (
            "cover kicker on the brand band",
            c.accent2.tint(0.5),
            c.accent,
        ),
    ];
    for tone in [c.accent, c.low, c.high, c.very_high] {
        pairs.push(("callout text on its tint", c.ink, tone.tint(0.88)));
    }
    for band in crate::score::Band::ALL {
        pairs.push(("band name as text", theme.band_text(band), c.paper));
        let fill = theme.band_color(band);
        pairs.push(("text on a band fill", theme.on(fill), fill));
    }
    for fill in theme.class.iter().chain([&theme.you, &theme.reference]) {
        pairs.push(("text on a class or reader fill", theme.on(*fill), *fill));
    }
    let failing: Vec<_> = pairs
        .iter()
        .map(|(what, fg, bg)| (what, contrast(*fg, *bg)))
        .filter(|(_, r)| *r < crate::chart::theme::TEXT_CONTRAST)
        .collect();
    assert!(failing.is_empty(), "below 4.5:1: {failing:?}");
}

#[test]
fn each_colour_group_stays_distinct_under_colour_blindness() {
    let st = Layouts::builtin().style;
    let c = &st.colors;
    let groups: [(&str, Vec<Color>); 3] = [
        ("risk bands", vec![c.low, c.moderate, c.high, c.very_high]),
        ("task classes", vec![c.automated, c.assisted, c.human_safe]),
        ("you and the reference", vec![c.you, c.reference]),
    ];
    for (vision, m) in [
        ("normal", IDENTITY),
        ("deuteranopia", DEUTAN),
        ("protanopia", PROTAN),
    ] {
        for (group, colors) in &groups {
            for (i, a) in colors.iter().enumerate() {
                for b in &colors[i + 1..] {
                    let d = delta_e(seen(*a, &m), seen(*b, &m));
                    assert!(
                        d >= 20.0,
                        "{group} under {vision}: {a:?} and {b:?} only ΔE {d:.1} apart"
                    );
                }
            }
        }
    }
}
