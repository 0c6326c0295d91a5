//! Turning untrusted bytes into a small grey picture, within limits.
//!
//! Everything here assumes the bytes came from a stranger: sizes are checked
//! before anything is allocated for the pixels, and a decoder that panics
//! becomes an error rather than the end of a sweep.

use std::io::Cursor;

use ::image::{imageops, DynamicImage, GrayImage, ImageDecoder, ImageReader};

use super::{Excess, ImageLimits};

/// The longest side of the grey picture that hashing works on.
///
/// The hashes look at 32×32 samples at most, and the smallest window the
/// partial-match search uses is half the picture, so 256 pixels leaves each
/// sample at least 4×4 pixels to average while keeping the integral image
/// (and every pass over it) small.
pub(crate) const WORK_SIDE: u32 = 256;

/// How far (in grey levels) a pixel may stray from the border colour and
/// still count as padding. JPEG ringing next to a flat border stays within
/// this after the picture has been shrunk; real picture content rarely does.
const TRIM_TOLERANCE: u8 = 24;

/// A line of pixels is padding when no more than 1 in this many pixels
/// strays from the border colour (a stray speck of noise should not stop
/// the trim).
const TRIM_STRAYS: u32 = 100;

/// Why bytes could not become a picture (the caller adds the culprit).
#[derive(Debug)]
pub(crate) enum Refusal {
    TooLarge(Excess),
    Decode(String),
}

/// A decoded image, shrunk to grey and trimmed of uniform borders.
#[derive(Clone, Debug)]
pub(crate) struct Picture {
    /// The grey picture, at most [`WORK_SIDE`] on its longest side.
    pub(crate) grey: GrayImage,
    /// The part of `grey` left after trimming borders: `(x, y, w, h)`.
    pub(crate) trim: (u32, u32, u32, u32),
    /// The size of the image as fetched.
    pub(crate) original: (u32, u32),
}

/// Checks `bytes` against `limits`, decodes them and makes a [`Picture`].
pub(crate) fn load(bytes: &[u8], limits: &ImageLimits) -> Result<Picture, Refusal> {
    if bytes.len() > limits.max_bytes {
        return Err(Refusal::TooLarge(Excess::Bytes {
            len: bytes.len(),
            limit: limits.max_bytes,
        }));
    }
    // Decoders are fuzzed, but they are also large and the bytes are a
    // stranger's: a panic in one would otherwise unwind through rayon and end
    // the whole sweep. One bad image must only cost that image.
    let decoded = std::panic::catch_unwind(|| decode(bytes, limits));
    let image = match decoded {
        Ok(result) => result?,
        Err(_) => return Err(Refusal::Decode("the decoder crashed on this image".into())),
    };
    Ok(picture(image))
}

fn decode(bytes: &[u8], limits: &ImageLimits) -> Result<DynamicImage, Refusal> {
    let failed = |e: ::image::ImageError| Refusal::Decode(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Refusal::Decode(e.to_string()))?;
    // The decoder's own memory cap is a second guard behind the pixel check
    // below (the widest pixel we accept is 16-bit RGBA, 8 bytes).
    let mut decoder_limits = ::image::Limits::default();
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(1 << 20));
    reader.limits(decoder_limits);
    // Building the decoder reads only the header, so the dimensions are
    // known before a single pixel is allocated.
    let decoder = reader.into_decoder().map_err(failed)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(Refusal::TooLarge(Excess::Pixels {
            width,
            height,
            limit: limits.max_pixels,
        }));
    }
    if pixels == 0 {
        return Err(Refusal::Decode(format!("image is {width}×{height}: it has no pixels")));
    }
    DynamicImage::from_decoder(decoder).map_err(failed)
}

/// Shrinks to grey first (everything after is cheaper on one small channel)
/// and then trims the borders.
fn picture(image: DynamicImage) -> Picture {
    let original = (image.width(), image.height());
    let grey = image.into_luma8();
    let grey = shrink(&grey);
    let trim = trim(&grey);
    Picture { grey, trim, original }
}

fn shrink(grey: &GrayImage) -> GrayImage {
    let (w, h) = grey.dimensions();
    let long = w.max(h);
    if long <= WORK_SIDE {
        return grey.clone();
    }
    let scale = f64::from(WORK_SIDE) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    // `thumbnail` averages whole source areas: exactly what a hash that
    // looks at coarse structure wants, and faster than a windowed filter.
    // `area_average` computes the same pixels, much faster.
    match (spans(w, nw), spans(h, nh)) {
        (Some(columns), Some(rows)) => area_average(grey, &columns, &rows),
        _ => imageops::thumbnail(grey, nw, nh),
    }
}

/// The source pixels `[start, end)` that each of `to` output pixels
/// averages along one axis of `from` pixels, computed in `f32` exactly as
/// `imageops::thumbnail` computes them; `None` where some output pixel would
/// straddle less than one source pixel (an enlargement, which `thumbnail`
/// interpolates instead).
fn spans(from: u32, to: u32) -> Option<Vec<(u32, u32)>> {
    let ratio = from as f32 / to as f32;
    (0..to)
        .map(|i| {
            let lowf = i as f32 * ratio;
            let low = (lowf.ceil() as u32).clamp(0, from - 1);
            let high = ((lowf + ratio).ceil() as u32).clamp(low, from);
            (low != high).then_some((low, high))
        })
        .collect()
}

/// `imageops::thumbnail` for a grey picture shrunk in both directions: each
/// output pixel the rounded mean of its block of source pixels.
///
/// Why: `thumbnail` reads every source pixel through the generic,
/// bounds-checked `get_pixel`, and was measured to take about half as long
/// as decoding the 800×800 JPEG it shrank. Summing whole source rows into
/// column totals first reads the bytes in order, once, and gives the very
/// same pixels (the same blocks, the same integer rounding), so no hash
/// changes.
fn area_average(grey: &GrayImage, columns: &[(u32, u32)], rows: &[(u32, u32)]) -> GrayImage {
    let width = grey.width() as usize;
    let source = grey.as_raw();
    let mut out = Vec::with_capacity(columns.len() * rows.len());
    let mut totals = vec![0u32; width];
    for &(top, bottom) in rows {
        totals.fill(0);
        for row in source[top as usize * width..bottom as usize * width].chunks_exact(width) {
            for (total, &p) in totals.iter_mut().zip(row) {
                *total += u32::from(p);
            }
        }
        let height = bottom - top;
        out.extend(columns.iter().map(|&(left, right)| {
            // In u64: a block of more than 16.8 million pixels would
            // overflow u32 (the pixel limit allows 40 million).
            let sum: u64 = totals[left as usize..right as usize]
                .iter()
                .map(|&t| u64::from(t))
                .sum();
            let n = u64::from(right - left) * u64::from(height);
            ((sum + n / 2) / n) as u8
        }));
    }
    GrayImage::from_raw(columns.len() as u32, rows.len() as u32, out).expect("one byte per output pixel")
}

/// Finds the picture inside uniform padding: `(x, y, w, h)` of `grey`.
///
/// The border colour is the median of the four corners, so a picture padded
/// on all sides or only on two (letterboxing) is trimmed alike, while a
/// photograph whose corners disagree keeps every line that strays from it.
/// Trimming that would leave a sliver (a blank or nearly blank image) is not
/// done: such images are caught as featureless when hashed instead.
pub(crate) fn trim(grey: &GrayImage) -> (u32, u32, u32, u32) {
    let (w, h) = grey.dimensions();
    let whole = (0, 0, w, h);
    if w < 3 || h < 3 {
        return whole;
    }
    let mut corners = [
        grey.get_pixel(0, 0)[0],
        grey.get_pixel(w - 1, 0)[0],
        grey.get_pixel(0, h - 1)[0],
        grey.get_pixel(w - 1, h - 1)[0],
    ];
    corners.sort_unstable();
    let border = corners[1].midpoint(corners[2]);
    let strays =
        |pixels: &mut dyn Iterator<Item = u8>| pixels.filter(|&p| p.abs_diff(border) > TRIM_TOLERANCE).count() as u32;
    let row_is_border =
        |y: u32, x0: u32, x1: u32| strays(&mut (x0..x1).map(|x| grey.get_pixel(x, y)[0])) <= (x1 - x0) / TRIM_STRAYS;
    let col_is_border =
        |x: u32, y0: u32, y1: u32| strays(&mut (y0..y1).map(|y| grey.get_pixel(x, y)[0])) <= (y1 - y0) / TRIM_STRAYS;
    let (mut top, mut bottom) = (0, h);
    while top < bottom && row_is_border(top, 0, w) {
        top += 1;
    }
    while bottom > top && row_is_border(bottom - 1, 0, w) {
        bottom -= 1;
    }
    let (mut left, mut right) = (0, w);
    while left < right && col_is_border(left, top, bottom) {
        left += 1;
    }
    while right > left && col_is_border(right - 1, top, bottom) {
        right -= 1;
    }
    let (tw, th) = (right - left, bottom - top);
    if tw < 8.max(w / 8) || th < 8.max(h / 8) {
        return whole;
    }
    (left, top, tw, th)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast shrink must give exactly the pixels `thumbnail` gives, or
    /// every hash (and every measured distance) would move.
    #[test]
    fn shrink_is_thumbnails_own() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in [
            "config/works/coffee.png",
            "config/works/logo.png",
            "fixtures/marketplace/stock/horse.jpg",
        ] {
            let image = ::image::open(root.join(file)).expect(file);
            let expected = image.to_luma8();
            let grey = image.into_luma8();
            assert_eq!(grey, expected, "{file}: grey");
            let (w, h) = grey.dimensions();
            for (nw, nh) in [(256, 256.min(h)), (255, 100), (w / 3, h / 7), (1, 1)] {
                let (Some(columns), Some(rows)) = (spans(w, nw), spans(h, nh)) else {
                    panic!("{file}: {nw}×{nh} is no shrink");
                };
                assert_eq!(
                    area_average(&grey, &columns, &rows),
                    imageops::thumbnail(&grey, nw, nh),
                    "{file}: {nw}×{nh}"
                );
            }
        }
    }
}
