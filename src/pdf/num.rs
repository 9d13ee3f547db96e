//! Numbers as content-stream bytes, without `core::fmt`. The output is the same as lopdf's
//! (`{}` for reals), so numbers read as printpdf would have written them; `number` falls back
//! to `{}` whenever it cannot prove that its fast form equals it.
//!
//! Kept over `ryu` after measuring (2026-11-29, `riskreport bench`, 2 cores): with ryu the PDF
//! stage took 9.67 ms a report against 9.2–9.4 ms here, and ryu breaks ties differently from
//! `{}` (6972.4062 where `{}` prints 6972.4063), so its output would need this check anyway.

use std::io::Write;

/// Appends `v` exactly as `format!("{v}")` prints it.
pub(super) fn number(out: &mut Vec<u8>, v: f32) {
    if v == 0.0 {
        out.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    if let Some((n, decimals)) = short_decimal(v.abs()) {
        if v < 0.0 {
            out.push(b'-');
        }
        push_decimal(out, n, decimals);
        return;
    }
    // Rare: values with many digits. `{}` on a Vec cannot fail.
    let _ = write!(out, "{v}");
}

/// The fewest decimals `k` (0..=4) and the integer `n` with `n / 10^k` reading back as `a`.
///
/// `{}` prints the shortest decimal that reads back as the same f32, so when such an `n`
/// exists at `k` decimals and at no fewer, and no other integer does at `k` (guaranteed when
/// 10^-k is more than the float's spacing), that decimal is what `{}` prints.
fn short_decimal(a: f32) -> Option<(u32, u32)> {
    if !(a.is_finite() && a < 100_000.0) {
        return None;
    }
    // Distance to the next float up: no two k-decimals fit in one rounding interval if the
    // decimal step is larger.
    let spacing = f32::from_bits(a.to_bits() + 1) - a;
    let mut scale = 1u32;
    for decimals in 0..=4 {
        let step = 1.0 / scale as f64;
        if step <= 2.0 * spacing as f64 {
            return None;
        }
        // a·10^k is exact (24 significant bits times less than 2^14); adding a half and
        // truncating rounds it to the nearest integer without a libm call. Where that could
        // be off, near a tie, no k-decimal reads back as `a` anyway (the step check above).
        let rounded = a as f64 * scale as f64 + 0.5;
        if rounded < (1u32 << 24) as f64 {
            let n = rounded as u32;
            // Both operands are exact in f32, so this is the correctly rounded n / 10^k,
            // the value a parser gives for the decimal string.
            if n as f32 / scale as f32 == a {
                return Some((n, decimals));
            }
        }
        scale *= 10;
    }
    None
}

/// `n / 10^decimals` with exactly `decimals` digits after the point (none when zero).
fn push_decimal(out: &mut Vec<u8>, n: u32, decimals: u32) {
    let mut digits = [0u8; 12];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let decimals = decimals as usize;
    // Leading zeros so there is at least one digit before the point.
    while len <= decimals {
        digits[len] = b'0';
        len += 1;
    }
    for i in (0..len).rev() {
        out.push(digits[i]);
        if i == decimals && i != 0 {
            out.push(b'.');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(v: f32) -> String {
        let mut out = Vec::new();
        number(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    fn check(v: f32) {
        assert_eq!(fast(v), format!("{v}"), "bits {:#x}", v.to_bits());
    }

    #[test]
    fn numbers_print_as_display_does() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.05,
            0.001,
            0.0001,
            0.00001,
            1e-20,
            841.89,
            595.28,
            1e5,
            99_999.99,
            123_456.79,
            1e30,
            0.1,
            0.2,
            0.3,
            16_777_216.0,
            f32::MAX,
            f32::MIN_POSITIVE,
        ] {
            check(v);
            check(-v);
        }
        // Every value the writer's rounding produces, over and beyond the page's range.
        for scale in [1.0f32, 10.0, 100.0, 1000.0, 10000.0] {
            let limit = (2_000_000.0 / scale.sqrt()) as i32;
            for n in -limit..=limit {
                check(n as f32 / scale);
                check(super::super::pen::round(n as f32 / scale * 1.0001, scale));
            }
        }
        // And arbitrary floats, which mostly take the fallback.
        let mut x = 0x2545_f491_u32;
        for _ in 0..2_000_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let v = f32::from_bits(x);
            if v.is_finite() {
                check(v);
            }
            check((x % 10_000_000) as f32 / 997.0);
        }
    }
}
