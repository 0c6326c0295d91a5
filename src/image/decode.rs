//! Turning untrusted bytes into a small grey picture, within limits.
//!
//! Everything here assumes the bytes came from a stranger: sizes are checked
//! before anything is allocated for the pixels, and a decoder that panics
//! becomes an error rather than the end of a sweep.
//!
//! The stage decodes with `image` (zune-jpeg for JPEG), turns the picture
//! grey and shrinks it to at most [`WORK_SIDE`] pixels by exact area
//! average, then trims uniform borders. Grey and shrink give, pixel for
//! pixel, what `image`'s `into_luma8` and `thumbnail` give, only faster
//! (see [`to_grey`] and [`area_average`]), so that no hash, and no distance
//! measured in the module docs, depends on which path ran.
//!
//! Measured for an 800×800 JPEG (`benches/image.rs`): `hash_bytes` went
//! from 4.35 ms to 3.5 ms when the grey conversion stopped going through
//! `image` and was fused with the shrink; `image`'s decode is now most of
//! what is left (about two thirds, measured on a shared machine). Tried and
//! not taken: decoding only the luma (Y) plane with zune-jpeg, which skips
//! chroma upsampling and colour conversion, made the decode only about 10%
//! faster (8.0–9.2 ms against 8.9–10.4 for RGB in the same runs, times
//! inflated by a shared machine: most of a decode is entropy decoding and
//! the IDCT), and would have changed every grey level, so every hash, for
//! that gain.

use std::io::Cursor;

use ::image::metadata::Cicp;
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

/// Turns the picture grey and shrinks it (everything after is cheaper on
/// one small channel), then trims the borders.
///
/// An 8-bit sRGB picture larger than [`WORK_SIDE`] (the usual listing
/// image) is turned grey and shrunk in one pass: each pixel's grey level is
/// added straight into the block totals, so the full-size grey picture is
/// never written and read back. Same grey levels, same blocks, same
/// rounding as the two steps (checked in the tests).
fn picture(image: DynamicImage) -> Picture {
    let (w, h) = (image.width(), image.height());
    let grey = match (shrink_spans(w, h), srgb_channels(&image)) {
        (Some((columns, rows)), Some(3)) => {
            area_average::<3>(image.as_bytes(), w, &columns, &rows, |p| luma(p[0], p[1], p[2]))
        }
        (Some((columns, rows)), Some(4)) => {
            area_average::<4>(image.as_bytes(), w, &columns, &rows, |p| luma(p[0], p[1], p[2]))
        }
        _ => shrink(&to_grey(image)),
    };
    let trim = trim(&grey);
    Picture {
        grey,
        trim,
        original: (w, h),
    }
}

/// The channels per pixel of an 8-bit sRGB picture with or without alpha,
/// whose grey levels [`luma`] gives; `None` for anything else.
fn srgb_channels(image: &DynamicImage) -> Option<usize> {
    // Another colour space has other weights (or `image` falls back to
    // fixed ones): that is left to `image`.
    if image.color_space() != Cicp::SRGB {
        return None;
    }
    match image {
        DynamicImage::ImageRgb8(_) => Some(3),
        DynamicImage::ImageRgba8(_) => Some(4),
        _ => None,
    }
}

/// `image`'s `into_luma8`, pixel for pixel, done faster for 8-bit sRGB
/// pictures (every JPEG, most PNGs).
///
/// Why: `into_luma8` goes through `image`'s colour-space machinery (each
/// pixel expanded to three `f32`s in a scratch buffer, then a dot product
/// and a rounding per pixel), and was measured at about a third of
/// `hash_bytes` for an 800×800 JPEG. It computes, in `f32`,
/// `round(255 · ((r/255 · kr + g/255 · kg) + b/255 · kb))`, with the
/// luminance weights `image` derives from the sRGB primaries. Looking the
/// three products up in a table per channel and adding them in the same
/// order gives the very same `f32` values, so the same grey levels (checked
/// for all 2^24 colours in the tests): no hash changes. A grey formula of
/// our own (integer BT.709 weights) was tried before and moved hashes
/// enough to lose a labelled copy.
fn to_grey(image: DynamicImage) -> GrayImage {
    let (w, h) = (image.width(), image.height());
    let Some(channels) = srgb_channels(&image) else {
        return image.into_luma8();
    };
    let pixels = image.as_bytes();
    let grey = pixels.chunks_exact(channels).map(|p| luma(p[0], p[1], p[2])).collect();
    GrayImage::from_raw(w, h, grey).expect("one byte per pixel")
}

/// The weights `image` 0.25 uses to turn sRGB into grey: the Y row of the
/// sRGB-to-XYZ matrix as `moxcms` derives it from the BT.709 primaries and
/// D65 white (0.21264784, 0.7151792, 0.07217304; not quite the rounded
/// 0.2126, 0.7152, 0.0722, which give other grey levels for 59 696 of the
/// 2^24 colours). Bit patterns, so that nothing rounds them on the way.
const SRGB_LUMA: [f32; 3] = [
    f32::from_bits(0x3e59_c05b),
    f32::from_bits(0x3f37_15fc),
    f32::from_bits(0x3d93_cf75),
];

/// `LUMA_TERMS[c][v]`: channel `c` at level `v` times its weight, as
/// `image` computes it (`v as f32 * (1 / 255) * weight`).
static LUMA_TERMS: [[f32; 256]; 3] = luma_terms();

const fn luma_terms() -> [[f32; 256]; 3] {
    const INV: f32 = 1.0 / u8::MAX as f32;
    let mut out = [[0f32; 256]; 3];
    let mut c = 0;
    while c < 3 {
        let mut v = 0;
        while v < 256 {
            out[c][v] = v as f32 * INV * SRGB_LUMA[c];
            v += 1;
        }
        c += 1;
    }
    out
}

/// One grey level, as `into_luma8` gives it.
#[inline(always)]
fn luma(r: u8, g: u8, b: u8) -> u8 {
    let [tr, tg, tb] = &LUMA_TERMS;
    let l = tr[usize::from(r)] + tg[usize::from(g)] + tb[usize::from(b)];
    // `(l * 255).round() as u8`, without the call to `roundf` that the
    // baseline x86-64 target makes of `round`: `v` is below 2^23, so
    // `v - trunc(v)` is exact, and a fraction of one half rounds away from
    // zero as `round` does. `as u8` saturates at 255 as `into_luma8` does.
    let v = l * 255.0;
    let t = v as u32;
    let up = u32::from(v - t as f32 >= 0.5);
    (t + up).min(255) as u8
}

/// The size a `w`×`h` picture is shrunk to, or `None` when it is small
/// enough already.
fn shrunk_size(w: u32, h: u32) -> Option<(u32, u32)> {
    let long = w.max(h);
    if long <= WORK_SIDE {
        return None;
    }
    let scale = f64::from(WORK_SIDE) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    Some((nw, nh))
}

/// The column and row spans [`area_average`] shrinks a `w`×`h` picture
/// by, or `None` when it is not shrunk that way (small enough already, or
/// an axis that `thumbnail` would interpolate).
fn shrink_spans(w: u32, h: u32) -> Option<(Spans, Spans)> {
    let (nw, nh) = shrunk_size(w, h)?;
    Some((spans(w, nw)?, spans(h, nh)?))
}

fn shrink(grey: &GrayImage) -> GrayImage {
    let (w, h) = grey.dimensions();
    let Some((nw, nh)) = shrunk_size(w, h) else {
        return grey.clone();
    };
    // `thumbnail` averages whole source areas: exactly what a hash that
    // looks at coarse structure wants, and faster than a windowed filter.
    // `area_average` computes the same pixels, much faster.
    match shrink_spans(w, h) {
        Some((columns, rows)) => area_average::<1>(grey.as_raw(), w, &columns, &rows, |p| p[0]),
        None => imageops::thumbnail(grey, nw, nh),
    }
}

/// Per output pixel along one axis, the source pixels `[start, end)` it
/// averages.
type Spans = Vec<(u32, u32)>;

/// The source pixels `[start, end)` that each of `to` output pixels
/// averages along one axis of `from` pixels, computed in `f32` exactly as
/// `imageops::thumbnail` computes them; `None` where some output pixel would
/// straddle less than one source pixel (an enlargement, which `thumbnail`
/// interpolates instead).
fn spans(from: u32, to: u32) -> Option<Spans> {
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
///
/// `pixels` holds `width`-pixel rows of `C` bytes a pixel, and `grey` gives
/// a pixel's grey level (for `C = 1`, the byte itself).
fn area_average<const C: usize>(
    pixels: &[u8],
    width: u32,
    columns: &[(u32, u32)],
    rows: &[(u32, u32)],
    grey: impl Fn(&[u8]) -> u8,
) -> GrayImage {
    let width = width as usize;
    let mut out = Vec::with_capacity(columns.len() * rows.len());
    let mut totals = vec![0u32; width];
    for &(top, bottom) in rows {
        totals.fill(0);
        let block = &pixels[top as usize * width * C..bottom as usize * width * C];
        for row in block.chunks_exact(width * C) {
            for (total, p) in totals.iter_mut().zip(row.chunks_exact(C)) {
                *total += u32::from(grey(p));
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

    /// The fast grey conversion must give exactly what `into_luma8` gives,
    /// for every colour, with and without alpha.
    #[test]
    fn grey_is_into_luma8_for_every_colour() {
        let rgb: Vec<u8> = (0u32..1 << 24)
            .flat_map(|c| [(c >> 16) as u8, (c >> 8) as u8, c as u8])
            .collect();
        let image = DynamicImage::ImageRgb8(::image::RgbImage::from_raw(4096, 4096, rgb).unwrap());
        let want = image.to_luma8();
        let got = to_grey(image.clone());
        let wrong = got.pixels().zip(want.pixels()).filter(|(a, b)| a != b).count();
        assert_eq!(wrong, 0, "colours whose grey differs from into_luma8");
        // With alpha (which `into_luma8` ignores), on a slice of the colours.
        let rgba = image.crop_imm(0, 0, 4096, 256).to_rgba8();
        let mut rgba = DynamicImage::ImageRgba8(rgba);
        for (i, p) in rgba.as_mut_rgba8().unwrap().pixels_mut().enumerate() {
            p.0[3] = (i * 7) as u8;
        }
        assert_eq!(to_grey(rgba.clone()), rgba.to_luma8());
    }

    /// Grey and shrink in one pass must give the pixels of the two steps
    /// `image` offers, `into_luma8` and `thumbnail`, for pictures with and
    /// without alpha, JPEG and PNG, and a shape shrunk unevenly.
    #[test]
    fn picture_is_into_luma8_then_thumbnail() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in [
            "config/works/coffee.png",
            "config/works/logo.png",
            "config/works/rocket.png",
            "fixtures/marketplace/stock/horse.jpg",
        ] {
            let image = ::image::open(root.join(file)).expect(file);
            let rgba = DynamicImage::ImageRgba8(image.to_rgba8());
            let odd = image.crop_imm(3, 1, image.width() - 7, image.height() / 2 + 5);
            for image in [image, rgba, odd] {
                assert!(srgb_channels(&image).is_some(), "{file}");
                let (w, h) = (image.width(), image.height());
                let (nw, nh) = shrunk_size(w, h).expect(file);
                let want = imageops::thumbnail(&image.to_luma8(), nw, nh);
                assert_eq!(picture(image).grey, want, "{file}: {w}×{h}");
            }
        }
    }

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
                    area_average::<1>(grey.as_raw(), w, &columns, &rows, |p| p[0]),
                    imageops::thumbnail(&grey, nw, nh),
                    "{file}: {nw}×{nh}"
                );
            }
        }
    }
}
