//! The brand's logo (`[brand] logo` in style.toml): a PNG read and decoded once when the
//! layouts load, so every report of the run shares one decoded image, and a missing, broken or
//! oversized file stops the run at start-up, naming the file, the cause and the fix, instead of
//! failing every report.
//!
//! PNG only. SVG is refused with that message rather than drawn badly: a logo's SVG uses
//! curves, gradients, clipping, opacity and text, which the page model (straight segments,
//! circles, flat fills) cannot express, and a partial converter would silently draw a
//! different logo on every report.

use crate::page::Image;
use anyhow::{anyhow, Result};
use std::path::Path;
use std::sync::Arc;

/// A logo is a mark of a few hundred pixels; anything bigger is a wrong file (a print master,
/// a photograph) that would only make every report heavier.
pub const MAX_BYTES: u64 = 2 * 1024 * 1024;
pub const MAX_SIDE: u32 = 4000;

/// The logo as the layouts hold it.
#[derive(Debug, PartialEq)]
pub struct Logo {
    /// The decoded samples, drawn by the PDF stage.
    pub image: Arc<Image>,
    /// The file as it is, the email's inline image.
    pub png: Arc<[u8]>,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

impl Logo {
    /// Reads and decodes `rel` (as style.toml gives it) inside the layouts directory `dir`.
    pub fn load(dir: &Path, rel: &str) -> Result<Logo> {
        load(dir, rel)
    }
}

fn load(dir: &Path, rel: &str) -> Result<Logo> {
    let path = dir.join(rel);
    let what = format!(
        "the brand's logo {} (`logo` under [brand] in {})",
        path.display(),
        dir.join("style.toml").display()
    );
    let fail = |cause: String, fix: &str| anyhow!("{what} {cause}: {fix}");
    if rel.to_ascii_lowercase().ends_with(".svg") {
        return Err(fail(
            "is an SVG".into(),
            "only PNG logos are supported; export it as PNG, a few hundred pixels wide \
             (e.g. `rsvg-convert -h 200 logo.svg -o logo.png`), and name that file",
        ));
    }
    let meta = std::fs::metadata(&path).map_err(|e| {
        fail(
            format!("cannot be read ({e})"),
            "put the PNG file there (the path is relative to the layouts directory) or remove \
             the `logo` line",
        )
    })?;
    if !meta.is_file() {
        return Err(fail(
            "is not a file".into(),
            "give the path of a PNG file, relative to the layouts directory",
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(fail(
            format!(
                "is {:.1} MiB, more than the {} MiB a logo may have",
                meta.len() as f64 / 1048576.0,
                MAX_BYTES / 1048576
            ),
            "export it smaller (a few hundred pixels wide is plenty for print)",
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        fail(
            format!("cannot be read ({e})"),
            "check the file's permissions or remove the `logo` line",
        )
    })?;
    let image = decode(&bytes).map_err(|cause| fail(cause, FIX_FORMAT))?;
    Ok(Logo {
        image: Arc::new(image),
        png: bytes.into(),
    })
}

const FIX_FORMAT: &str = "save the logo as a PNG file (RGB, RGBA, grey or palette), at most \
                          4000 pixels a side";

/// The PNG's pixels as 8-bit RGB and alpha; the error says what is wrong with the file.
fn decode(bytes: &[u8]) -> std::result::Result<Image, String> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_lowercase();
        if head.contains("<svg") || head.trim_start().starts_with("<?xml") {
            return Err("is an SVG file, and only PNG logos are supported".into());
        }
        return Err("is not a PNG file (it does not start with the PNG signature)".into());
    }
    let corrupt = |e: png::DecodingError| format!("is not a readable PNG ({e})");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // 16-bit samples to 8, palettes and grey of 1–4 bits expanded, tRNS to alpha.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    // The pixels are allocated here only after the header's size is checked below; the limit
    // bounds what a crafted file can make the decoder allocate besides.
    decoder.set_limits(png::Limits {
        bytes: MAX_SIDE as usize * MAX_SIDE as usize * 4 + (1 << 20),
    });
    let mut reader = decoder.read_info().map_err(corrupt)?;
    let (width, height) = reader.info().size();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "is {width}×{height} pixels, more than the {MAX_SIDE} pixels a side a logo may have"
        ));
    }
    if width == 0 || height == 0 {
        return Err("has no pixels".into());
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "is too large to decode".to_string())?;
    let mut buf = vec![0; size];
    // An animated PNG shows its first frame, as programs that do not animate do.
    let info = reader.next_frame(&mut buf).map_err(corrupt)?;
    let buf = &buf[..info.buffer_size()];
    let pixels = width as usize * height as usize;
    let mut rgb = Vec::with_capacity(pixels * 3);
    let mut alpha = Vec::new();
    let stride = info.line_size;
    use png::ColorType as C;
    let channels = match info.color_type {
        C::Grayscale => 1,
        C::GrayscaleAlpha => 2,
        C::Rgb => 3,
        C::Rgba => 4,
        C::Indexed => return Err("has a palette the decoder did not expand".into()),
    };
    if info.bit_depth != png::BitDepth::Eight {
        return Err(format!(
            "has samples of {:?} bits the decoder did not reduce to 8",
            info.bit_depth
        ));
    }
    for row in buf.chunks(stride).take(height as usize) {
        for px in row[..width as usize * channels].chunks_exact(channels) {
            match channels {
                1 | 2 => rgb.extend_from_slice(&[px[0], px[0], px[0]]),
                _ => rgb.extend_from_slice(&px[..3]),
            }
            if channels % 2 == 0 {
                alpha.push(px[channels - 1]);
            }
        }
    }
    if rgb.len() != pixels * 3 {
        return Err("ends before its last row".into());
    }
    let alpha = (!alpha.is_empty()).then_some(alpha.as_slice());
    Ok(Image::new(width, height, &rgb, alpha))
}

/// A PNG of `width`×`height` pixels of a colour ramp (RGBA with transparent pixels when
/// `alpha`), for the tests.
#[cfg(test)]
pub fn encode_test_png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(if alpha {
            png::ColorType::Rgba
        } else {
            png::ColorType::Rgb
        });
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        let channels = if alpha { 4 } else { 3 };
        let data: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let v = (i % 251) as u8;
                [v, 255 - v, 40, if i % 7 == 0 { 0 } else { 255 }]
                    .into_iter()
                    .take(channels)
            })
            .collect();
        w.write_image_data(&data).unwrap();
    }
    out
}

#[cfg(test)]
#[path = "logo_tests.rs"]
mod tests;
