//! Turning untrusted bytes into a small grey picture, within limits.
//!
//! Everything here assumes the bytes came from a stranger: sizes are checked
//! from the header before anything is allocated for the pixels, and a
//! decoder that panics (or, for libjpeg, reports an error, which unwinds)
//! becomes an error rather than the end of a sweep.
//!
//! The stage turns the picture grey, shrinks it to at most [`WORK_SIDE`]
//! pixels by area average, then trims uniform borders. Grey is BT.601 luma
//! (`0.299 R + 0.587 G + 0.114 B`, see [`luma`]), the Y that JPEG stores, so
//! that a JPEG can be decoded straight to grey and still give what its
//! colours would: a PNG work and a JPEG copy of it are compared on the same
//! grey levels.
//!
//! Two paths, by format:
//!
//! - A JPEG (the usual listing image) is decoded by libjpeg (`mozjpeg`)
//!   straight to grey, which skips the chroma's inverse DCT, upsampling and
//!   colour conversion, and scaled down in the DCT domain to the smallest
//!   `n/8` of its size whose longer side is still at least [`WORK_SIDE`]
//!   (3/8 for 800×800), which makes the inverse DCT of each 8×8 block a
//!   cheaper 3×3 one and leaves a smaller picture to shrink. See
//!   [`decode_jpeg`]. CMYK and YCCK JPEGs, which libjpeg cannot turn grey,
//!   take the other path.
//! - Anything else (PNG, WebP, which many marketplaces serve their
//!   pictures as, GIF's first frame) is decoded with `image` and turned
//!   grey and shrunk in
//!   one pass (see [`area_average`]), pixel for pixel what [`to_grey`] and
//!   `image`'s `thumbnail` give (checked in the tests).
//!
//! What is exact and what is not: the Y plane libjpeg gives at full scale
//! is, within a grey level or two (the rounding of YCbCr to RGB and back, and
//! colours clipped to RGB), what [`luma`] gives of the RGB another decoder
//! makes of the same JPEG. Scaled in the DCT domain it is not an area
//! average: each output pixel is the block's low frequencies evaluated at a
//! point, so the shrunk picture differs from shrinking the full-size one by
//! 2–4 grey levels on average (1.8 and 3.9 in the tests; single pixels at
//! sharp edges by far more). The hashes look at
//! 32×32 averages of it: against the same JPEGs decoded whole (BT.601
//! too), the tests' JPEG copies of the works moved by under 10 bits of 512
//! mostly, up to 30 either way (the distance table in the module docs of
//! `image` is remeasured with this path), and the labelled set
//! (`knockoff eval images`) found 398 of 400 copies either way.
//!
//! A picture with transparency (a logo supplied as a PNG on a transparent
//! ground, whose hidden pixels are often black) is laid over white, as a
//! marketplace's page shows it, or over black where what it shows would
//! barely show on white (see [`backdrop`]): taken as stored, the flat
//! artwork's drawings registered that way matched none of their 120
//! copies; laid over white, the same 114 as the opaque drawings.
//!
//! A picture in colour that no stage matched is decoded a second time,
//! in colour, for its value ([`value`]: at each pixel the largest of
//! red, green and blue, which a turn of hue leaves as it was), small: a
//! JPEG at the smallest DCT scale that leaves 96 pixels a side.
//!
//! Last, the shrunk picture is turned upright by its Exif orientation (see
//! [`decode`]): a camera stores its pixels as the sensor saw them and says
//! how to turn them for showing, and browsers show them turned, so a copy
//! saved that way, or a work registered from a camera's file, is compared
//! as a buyer sees it, and the region in the evidence is where a reviewer
//! sees the work. A JPEG's segments are walked for it before the image data
//! ([`jpeg_orientation`]); `image` reads it for the other formats. Stored
//! turned a quarter or half, a picture lands 0–43 bits of 512 from the same
//! picture stored upright (the JPEG's blocks and the shrink's fall
//! elsewhere on it); without the orientation it is a stranger to its work.
//!
//! Measured for an 800×800 q85 baseline JPEG (`benches/image.rs`, and CPU
//! time per image of the decode and shrink alone in a scratch bench, on a
//! shared 2-core machine): `image` (zune-jpeg) to RGB then grey and shrink
//! 3.45 ms; zune-jpeg decoding only Y 2.14 ms; libjpeg (no SIMD) to grey at
//! full size 2.78 ms, at 4/8 2.03 ms, at 3/8 1.61 ms; jpeg-decoder scaled to
//! 1/2 (RGB) 2.67 ms. Entropy decoding, which no scaling avoids, is now
//! most of what is left (two thirds of the 3/8 decode). libjpeg's SIMD
//! (which needs nasm to build) would not help: it has no SIMD Huffman
//! decoder, nor scaled inverse DCTs on x86.

use std::io::Cursor;

use ::image::metadata::Orientation;
use ::image::{imageops, DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader};
use mozjpeg::{ColorSpace, Decompress};

use super::{Excess, ImageLimits};

/// The longest side of the grey picture that hashing works on.
///
/// The hashes look at 32×32 samples at most, and the smallest window the
/// partial-match search uses is about a third of the picture's side, so
/// 256 pixels leaves each sample nearly 3×3 pixels to average (4×4 and
/// more in windows of half the picture and up) while keeping the integral
/// image (and every pass over it) small.
pub(crate) const WORK_SIDE: u32 = 256;

/// How far (in grey levels) a pixel may stray from the border colour and
/// still count as padding. JPEG ringing next to a flat border stays within
/// this after the picture has been shrunk; real picture content rarely does.
pub(crate) const TRIM_TOLERANCE: u8 = 24;

/// A line of pixels is padding when no more than 1 in this many pixels
/// strays from the border colour (a stray speck of noise should not stop
/// the trim).
pub(crate) const TRIM_STRAYS: u32 = 100;

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
    //
    // libjpeg reports a fatal error by calling back into `mozjpeg`, which
    // unwinds from there with the message: the C is built with
    // `-fexceptions` and declared `C-unwind` so that this is defined, and
    // the decompressor's `Drop` (`jpeg_destroy_decompress`, what libjpeg's
    // own `longjmp` recovery calls) frees what it had allocated.
    let loaded = std::panic::catch_unwind(|| {
        let (grey, original) = decode(bytes, limits, WORK_SIDE)?;
        let trim = trim(&grey);
        Ok(Picture { grey, trim, original })
    });
    loaded.unwrap_or_else(|payload| {
        // `mozjpeg` unwinds with libjpeg's message, a `String` under this
        // prefix; any other panic is a decoder's bug, and says nothing useful.
        let reason = match payload.downcast_ref::<String>() {
            Some(message) if message.starts_with("libjpeg") => message.clone(),
            _ => "the decoder crashed on this image".to_string(),
        };
        Err(Refusal::Decode(reason))
    })
}

/// The picture's value, as HSV calls it: at each pixel the largest of its
/// red, green and blue, shrunk and turned upright as [`load`] makes its
/// grey picture, so that it shows what the grey picture shows, at that
/// size or smaller (below). A turn of hue,
/// as image editors make it (HSV or HSL, Photoshop's Hue/Saturation among
/// them), keeps each pixel's largest and smallest channel and only moves
/// which channel holds them, so the value is what such a recolouring
/// leaves as it was, where luma is not (see the module docs of `image`,
/// *Recoloured copies*).
///
/// Decoded again, in colour: asked only of a picture that no stage
/// matched by its grey, so the usual path stays grey. Only the whole
/// picture's value is hashed, from 32×32 averages, so a JPEG is decoded at
/// the smallest scale that leaves [`VALUE_SIDE`] pixels on its longer side
/// (1/8 for 800×800, where the grey is decoded at 3/8; 1.0 ms for a colour
/// photograph that size, most of it entropy decoding, which no scale
/// avoids): the value may be smaller than the grey picture, the same
/// picture at another size, and rectangles of the one are resized to the
/// other
/// ([`super::hash::Rect::resized`]). `None` where the picture is grey (its
/// value would be its grey) or cannot be decoded in colour (it was
/// decoded grey already, so this only skips a stage).
pub(crate) fn value(bytes: &[u8], limits: &ImageLimits) -> Option<GrayImage> {
    colour_plane(bytes, limits, brightest, VALUE_SIDE)
}

/// The picture's colour, as the pattern stage's colour check reads it
/// (see the module docs of `image`, *Patterns in colour*), at the grey
/// picture's size or a little smaller (as [`value`], resized by
/// [`super::hash::Rect::resized`]). Asked only of a picture a pattern's
/// sett placed, and of the registered patterns.
pub(crate) struct Colour {
    /// Each pixel's chroma, as HSV calls it: its largest channel less its
    /// smallest. A turn of hue keeps it, as it keeps the value; where the
    /// value shows the light and dark of a picture, the chroma shows where
    /// its colour is strong: a check's coloured overcheck lines, which are
    /// as light as the threads around them.
    pub chroma: GrayImage,
    /// Where each pixel's colour lies about grey: red against green and
    /// yellow against blue ([`red_green`], [`yellow_blue`]), two axes at
    /// right angles and to one scale across the plane at right angles to
    /// the grey line, so that a turn of hue turns each pixel's pair about
    /// grey (128, 128) by the same angle. Which hue lies where, as the
    /// chroma cannot tell: a palette's colours rearranged keep a chroma
    /// much like the work's.
    pub hue: [GrayImage; 2],
}

/// The picture's [`Colour`]. `None` where the picture is grey or cannot be
/// decoded in colour.
pub(crate) fn colour(bytes: &[u8], limits: &ImageLimits) -> Option<Colour> {
    // As in [`load`]: a decoder's panic costs this picture only.
    let decoded = std::panic::catch_unwind(|| {
        let (image, orientation) = colour_stored(bytes, limits, WORK_SIDE).ok().flatten()?;
        let plane = |level: fn(u8, u8, u8) -> u8| upright(shrunk_by(image.clone(), level, WORK_SIDE), orientation);
        Some(Colour {
            chroma: plane(spread),
            hue: [plane(red_green), plane(yellow_blue)],
        })
    });
    decoded.ok().flatten()
}

/// A plane of the picture in colour, each pixel's `level` of its red,
/// green and blue, upright, at most [`WORK_SIDE`] on its longer side and
/// (a JPEG) decoded at the smallest scale that leaves `least` pixels
/// there. `None` for a grey picture or one that cannot be decoded.
fn colour_plane(
    bytes: &[u8],
    limits: &ImageLimits,
    level: impl Fn(u8, u8, u8) -> u8 + Copy + std::panic::RefUnwindSafe,
    least: u32,
) -> Option<GrayImage> {
    // As in [`load`]: a decoder's panic costs this picture only.
    let decoded = std::panic::catch_unwind(|| {
        let (image, orientation) = colour_stored(bytes, limits, least).ok().flatten()?;
        Some(upright(shrunk_by(image, level, WORK_SIDE), orientation))
    });
    decoded.ok().flatten()
}

/// A plane as stored, turned for showing.
fn upright(plane: GrayImage, orientation: Orientation) -> GrayImage {
    let mut picture = DynamicImage::ImageLuma8(plane);
    picture.apply_orientation(orientation);
    picture.into_luma8()
}

/// The grey picture again, upright and untrimmed, at most `side` pixels
/// on its longer side (larger than [`WORK_SIDE`], and never larger than
/// as fetched): what the pattern stage reads where a pattern's repeat is
/// finer than [`load`]'s picture shows (see the module docs of `image`,
/// *Patterns finer than the picture read*). Asked only of a picture that
/// no stage matched and whose rectangles agree with a pattern's sett.
/// `None` where it cannot be decoded (it was once already; the pattern is
/// then looked for at [`WORK_SIDE`] only).
pub(crate) fn finer(bytes: &[u8], limits: &ImageLimits, side: u32) -> Option<GrayImage> {
    // As in [`load`]: a decoder's panic costs this picture only.
    let decoded = std::panic::catch_unwind(|| decode(bytes, limits, side).ok());
    decoded.ok().flatten().map(|(grey, _)| grey)
}

/// The picture's grey (luma) and value, upright, at most `side` pixels on
/// its longer side: what the fine marks' check reads (see
/// [`super::marks`]), decoded again in colour and at full size, since the
/// marks are a few pixels wide. Asked only of a picture that matched, and
/// of the work it matched. `None` where it cannot be decoded (a stage's
/// check is then skipped: the picture decoded once already).
pub(crate) fn planes(bytes: &[u8], limits: &ImageLimits, side: u32) -> Option<(GrayImage, GrayImage)> {
    if bytes.len() > limits.max_bytes {
        return None;
    }
    // As in [`load`]: a decoder's panic costs this picture only.
    let (mut image, orientation) = std::panic::catch_unwind(|| decode_any(bytes, limits).ok())
        .ok()
        .flatten()?;
    image.apply_orientation(orientation);
    let fit = |grey: GrayImage| {
        let (w, h) = grey.dimensions();
        let long = w.max(h);
        if long <= side {
            return grey;
        }
        let scale = side as f32 / long as f32;
        let size = |n: u32| ((n as f32 * scale).round() as u32).max(1);
        imageops::resize(&grey, size(w), size(h), imageops::FilterType::Triangle)
    };
    let (grey, value) = match image {
        // The usual colour picture in one pass, not copied for the second.
        DynamicImage::ImageRgb8(rgb) => {
            let (w, h) = rgb.dimensions();
            let (grey, value): (Vec<u8>, Vec<u8>) = (rgb.as_raw().chunks_exact(3))
                .map(|p| (luma(p[0], p[1], p[2]), brightest(p[0], p[1], p[2])))
                .unzip();
            let plane = |pixels| GrayImage::from_raw(w, h, pixels).expect("one byte per pixel");
            (plane(grey), plane(value))
        }
        other => (to_grey_by(other.clone(), luma), to_grey_by(other, brightest)),
    };
    Some((fit(grey), fit(value)))
}

/// The fewest pixels on its longer side a JPEG's value is decoded at (see
/// [`value`]): three a sample of the 32×32 the hashes take.
const VALUE_SIDE: u32 = 96;

/// The picture in colour as stored (a JPEG at the smallest scale that
/// leaves `least` pixels on its longer side), and how it is to be turned
/// for showing; `None` for a grey picture.
fn colour_stored(
    bytes: &[u8],
    limits: &ImageLimits,
    least: u32,
) -> Result<Option<(DynamicImage, Orientation)>, Refusal> {
    if ::image::guess_format(bytes).ok() == Some(ImageFormat::Jpeg) {
        let failed = |e: std::io::Error| Refusal::Decode(e.to_string());
        let mut jpeg = Decompress::new_mem(bytes).map_err(failed)?;
        let (width, height) = (jpeg.width() as u32, jpeg.height() as u32);
        check_size(width, height, limits)?;
        match jpeg.color_space() {
            ColorSpace::JCS_GRAYSCALE => return Ok(None),
            ColorSpace::JCS_YCbCr | ColorSpace::JCS_RGB => {
                // As `dct_scale`, for `least`.
                jpeg.scale(((least - 1) * 8 / width.max(height).max(1) + 1).clamp(1, 8) as u8);
                let mut jpeg = jpeg.rgb().map_err(failed)?;
                let (w, h) = (jpeg.width() as u32, jpeg.height() as u32);
                let rgb = jpeg.read_scanlines::<u8>().map_err(failed)?;
                let rgb = ::image::RgbImage::from_raw(w, h, rgb).expect("three bytes per pixel");
                if grey_throughout(&rgb) {
                    return Ok(None);
                }
                let orientation = jpeg_orientation(bytes).unwrap_or(Orientation::NoTransforms);
                return Ok(Some((DynamicImage::ImageRgb8(rgb), orientation)));
            }
            // CMYK and YCCK: `image` decodes them, as it does for the grey.
            _ => {}
        }
    }
    let (image, orientation) = decode_any(bytes, limits)?;
    if !image.color().has_color() || image.as_rgb8().is_some_and(grey_throughout) {
        return Ok(None);
    }
    Ok(Some((image, orientation)))
}

/// Whether every pixel's red, green and blue are within a level or two of
/// each other (a grey picture stored in colour, as JPEG's rounding leaves
/// it): its value would be its grey.
fn grey_throughout(rgb: &::image::RgbImage) -> bool {
    rgb.pixels()
        .all(|p| p[0].abs_diff(p[1]) <= 2 && p[1].abs_diff(p[2]) <= 2)
}

/// The largest of a pixel's red, green and blue: its value (see [`value`]).
#[inline(always)]
fn brightest(r: u8, g: u8, b: u8) -> u8 {
    r.max(g).max(b)
}

/// The largest of a pixel's red, green and blue less the smallest: its
/// chroma (see [`Colour::chroma`]).
#[inline(always)]
fn spread(r: u8, g: u8, b: u8) -> u8 {
    r.max(g).max(b) - r.min(g).min(b)
}

/// A pixel's red against its green, about 128: `0.4 (r − g)`, within
/// 128 ± 102 (see [`Colour::hue`]).
fn red_green(r: u8, g: u8, _: u8) -> u8 {
    // Rounds half up: `round` is a libm call on baseline x86-64.
    (128.5 + HUE_SCALE * (f32::from(r) - f32::from(g))) as u8
}

/// A pixel's yellow (red and green) against its blue, about 128, to the
/// scale of [`red_green`]: `0.4 (r + g − 2b) / √3`, within 128 ± 118.
/// (The grey line's perpendiculars `(1, −1, 0)/√2` and `(1, 1, −2)/√6`
/// are what the two measure, each times `0.4 √2`.)
fn yellow_blue(r: u8, g: u8, b: u8) -> u8 {
    let yellow = f32::from(r) + f32::from(g) - 2.0 * f32::from(b);
    (128.5 + HUE_SCALE * yellow / 3f32.sqrt()) as u8
}

/// How [`red_green`] and [`yellow_blue`] scale a colour's distance from
/// grey: a round figure that keeps both within a byte (0.43 would just).
const HUE_SCALE: f32 = 0.4;

/// A grey picture and the size of the image as fetched.
type Decoded = (GrayImage, (u32, u32));

/// The grey picture, shrunk to at most `side` pixels a side and turned
/// upright, and the size of the image as it is shown (as fetched, its sides swapped where it is shown turned a
/// quarter).
///
/// Upright: a camera stores its pixels as the sensor saw them and says in
/// the Exif orientation how to turn them for showing, and browsers (so the
/// marketplace's buyers and the reviewer) show them turned. A copy saved
/// that way, or a work registered from a camera's file, would otherwise be
/// compared on its side or upside down, where no hash finds it; and the
/// region named in the evidence is where the reviewer sees the work.
fn decode(bytes: &[u8], limits: &ImageLimits, side: u32) -> Result<Decoded, Refusal> {
    let (grey, (w, h), orientation) = decode_stored(bytes, limits, side)?;
    let mut picture = DynamicImage::ImageLuma8(grey);
    picture.apply_orientation(orientation);
    let quarter = matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    let shown = if quarter { (h, w) } else { (w, h) };
    Ok((picture.into_luma8(), shown))
}

/// The grey picture, shrunk, as its pixels are stored; the size of the
/// image as fetched; and how it is to be turned for showing.
fn decode_stored(
    bytes: &[u8],
    limits: &ImageLimits,
    side: u32,
) -> Result<(GrayImage, (u32, u32), Orientation), Refusal> {
    if ::image::guess_format(bytes).ok() == Some(ImageFormat::Jpeg) {
        if let Some((grey, original)) = decode_jpeg(bytes, limits, side)? {
            let orientation = jpeg_orientation(bytes).unwrap_or(Orientation::NoTransforms);
            return Ok((shrink(grey, side), original, orientation));
        }
    }
    let (image, orientation) = decode_any(bytes, limits)?;
    let original = (image.width(), image.height());
    Ok((grey_shrunk(image, side), original, orientation))
}

/// The Exif orientation of a JPEG, from the first APP1 segment that holds
/// Exif before the image data; `None` where there is none, or it is
/// malformed (the picture is then taken as stored).
///
/// The segments are walked here rather than through libjpeg, which would
/// have to be told to keep them before reading the header.
fn jpeg_orientation(bytes: &[u8]) -> Option<Orientation> {
    const SOI: [u8; 2] = [0xFF, 0xD8];
    const APP1: u8 = 0xE1;
    // Start of scan and end of image: no header segment follows.
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let mut at = bytes.starts_with(&SOI).then_some(2)?;
    loop {
        let (&first, &marker) = (bytes.get(at)?, bytes.get(at + 1)?);
        if first != 0xFF {
            return None;
        }
        match marker {
            // A fill byte before a marker.
            0xFF => at += 1,
            SOS | EOI => return None,
            // Markers without a length (TEM, RSTn).
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let len = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
                // The length counts its own two bytes.
                let body = bytes.get(at + 4..(at + 2 + len).max(at + 4))?;
                if marker == APP1 {
                    if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                        return Orientation::from_exif_chunk(tiff);
                    }
                }
                at += 2 + len.max(2);
            }
        }
    }
}

/// Refuses a `width`×`height` image with too many pixels, or none.
fn check_size(width: u32, height: u32, limits: &ImageLimits) -> Result<(), Refusal> {
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
    Ok(())
}

/// Decodes a JPEG with libjpeg straight to grey, scaled down in the DCT
/// domain by [`dct_scale`], with the size of the image as fetched; `None`
/// when its colour space is one libjpeg cannot turn grey (CMYK, YCCK).
///
/// Errors inside libjpeg unwind (see [`load`]); the `io::Error`s here are
/// the few that `mozjpeg` returns instead.
fn decode_jpeg(bytes: &[u8], limits: &ImageLimits, side: u32) -> Result<Option<Decoded>, Refusal> {
    let failed = |e: std::io::Error| Refusal::Decode(e.to_string());
    // Reads the header only: nothing is allocated for pixels before the
    // size is checked.
    let mut jpeg = Decompress::new_mem(bytes).map_err(failed)?;
    let (width, height) = (jpeg.width() as u32, jpeg.height() as u32);
    check_size(width, height, limits)?;
    if !matches!(
        jpeg.color_space(),
        ColorSpace::JCS_YCbCr | ColorSpace::JCS_GRAYSCALE | ColorSpace::JCS_RGB
    ) {
        return Ok(None);
    }
    jpeg.scale(dct_scale(width.max(height), side));
    // For YCbCr the grey output is the Y plane as stored (libjpeg skips the
    // chroma's inverse DCT); an RGB JPEG is turned grey with the weights
    // [`luma`] uses.
    let mut jpeg = jpeg.grayscale().map_err(failed)?;
    let (w, h) = (jpeg.width() as u32, jpeg.height() as u32);
    let grey = jpeg.read_scanlines::<u8>().map_err(failed)?;
    let grey = GrayImage::from_raw(w, h, grey).expect("one byte per pixel");
    Ok(Some((grey, (width, height))))
}

/// The scale, in eighths, at which libjpeg decodes a JPEG whose longer side
/// is `long` to be shrunk to `side` ([`WORK_SIDE`], but for a pattern read
/// finer): the smallest whose longer side is still at least `side`
/// (libjpeg rounds the scaled size up), so that the shrink after it still
/// averages and nothing is enlarged.
fn dct_scale(long: u32, side: u32) -> u8 {
    // `ceil(long · n / 8) >= side` exactly when `long · n` is more than
    // `(side - 1) · 8`.
    ((side.max(1) - 1) * 8 / long.max(1) + 1).clamp(1, 8) as u8
}

/// Decodes any format `image` reads, after checking its size, with how it
/// is to be turned for showing (Exif, where the format carries it).
fn decode_any(bytes: &[u8], limits: &ImageLimits) -> Result<(DynamicImage, Orientation), Refusal> {
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
    let mut decoder = reader.into_decoder().map_err(failed)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, limits)?;
    // Malformed Exif is no reason to refuse the picture: it is taken as
    // stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((DynamicImage::from_decoder(decoder).map_err(failed)?, orientation))
}

/// Turns the picture grey and shrinks it to at most `side` pixels a side
/// ([`WORK_SIDE`]: everything after is cheaper on one small channel).
///
/// An 8-bit RGB picture larger than `side` is turned grey and shrunk
/// in one pass: each pixel's grey level is added straight into the block
/// totals, so the full-size grey picture is never written and read back.
/// Same grey levels, same blocks, same rounding as the two steps (checked
/// in the tests).
fn grey_shrunk(image: DynamicImage, side: u32) -> GrayImage {
    shrunk_by(image, luma, side)
}

/// [`grey_shrunk`], each pixel's level given by `level` of its red, green
/// and blue: [`luma`] for the grey picture, [`brightest`] for the value.
fn shrunk_by(image: DynamicImage, level: impl Fn(u8, u8, u8) -> u8 + Copy, side: u32) -> GrayImage {
    let image = match image {
        DynamicImage::ImageRgba8(_) => image,
        // Transparency of any depth is laid over its backdrop in 8 bits.
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => other,
    };
    let (w, h) = (image.width(), image.height());
    let rgb = |p: &[u8]| level(p[0], p[1], p[2]);
    match (shrink_spans(w, h, side), &image) {
        (Some((columns, rows)), DynamicImage::ImageRgb8(_)) => {
            area_average::<3>(image.as_bytes(), w, &columns, &rows, rgb)
        }
        (Some((columns, rows)), DynamicImage::ImageRgba8(pixels)) => match backdrop(pixels) {
            Some(backdrop) => area_average::<4>(image.as_bytes(), w, &columns, &rows, |p| over(rgb(p), p[3], backdrop)),
            None => area_average::<4>(image.as_bytes(), w, &columns, &rows, rgb),
        },
        _ => shrink(to_grey_by(image, level), side),
    }
}

/// The picture's grey levels, by [`luma`], transparency laid over its
/// [`backdrop`].
#[cfg(test)]
fn to_grey(image: DynamicImage) -> GrayImage {
    to_grey_by(image, luma)
}

/// [`to_grey`], each pixel's level given by `level` of its red, green and
/// blue. (The backdrop is chosen by luma either way: it is how the picture
/// is shown, whatever is read of it.) Generic, not a function pointer, so
/// that `level` is inlined into the loop: a full-size picture's pixels
/// went through an indirect call each, a fifth of a match's check.
fn to_grey_by(image: DynamicImage, level: impl Fn(u8, u8, u8) -> u8 + Copy) -> GrayImage {
    let (w, h) = (image.width(), image.height());
    let grey = |pixels: Vec<u8>| GrayImage::from_raw(w, h, pixels).expect("one byte per pixel");
    match image {
        DynamicImage::ImageLuma8(grey) => grey,
        // Grey already: only the depth changes.
        DynamicImage::ImageLuma16(_) => image.into_luma8(),
        DynamicImage::ImageRgb8(pixels) => grey(pixels.chunks_exact(3).map(|p| level(p[0], p[1], p[2])).collect()),
        DynamicImage::ImageRgba8(pixels) => {
            let backdrop = backdrop(&pixels).unwrap_or(u8::MAX);
            grey(
                pixels
                    .chunks_exact(4)
                    .map(|p| over(level(p[0], p[1], p[2]), p[3], backdrop))
                    .collect(),
            )
        }
        // Deeper colour, or grey with transparency: to 8-bit RGBA first,
        // then the same weights.
        other => to_grey_by(DynamicImage::ImageRgba8(other.into_rgba8()), level),
    }
}

/// A picture whose shown pixels average within this many grey levels of
/// white would barely show on white.
const LIGHT: u8 = 2 * TRIM_TOLERANCE;

/// The grey level a transparent picture is shown over, or `None` where it
/// is opaque throughout.
///
/// A logo is often registered, or put up, as a PNG with a transparent
/// ground, whose hidden pixels are any colour (often black): taken as
/// stored, the drawing stands on black where every copy shows it on a
/// page's white, and it matched none of its copies. So a transparent
/// picture is laid over white, as a marketplace's page shows it, unless
/// what it shows would barely show there (a white logo made for dark
/// grounds), which is laid over black.
fn backdrop(rgba: &[u8]) -> Option<u8> {
    let (mut shown, mut sum, mut transparent) = (0u64, 0u64, false);
    for p in rgba.chunks_exact(4) {
        let alpha = u64::from(p[3]);
        transparent |= p[3] < u8::MAX;
        shown += alpha;
        sum += alpha * u64::from(luma(p[0], p[1], p[2]));
    }
    let light = sum > shown * u64::from(u8::MAX - LIGHT);
    transparent.then_some(if light { 0 } else { u8::MAX })
}

/// The grey level of a pixel of `grey` and `alpha` shown over `backdrop`.
#[inline(always)]
fn over(grey: u8, alpha: u8, backdrop: u8) -> u8 {
    let (g, a, b) = (u32::from(grey), u32::from(alpha), u32::from(backdrop));
    ((g * a + b * (255 - a) + 127) / 255) as u8
}

/// One grey level: BT.601 luma, `0.299 R + 0.587 G + 0.114 B`, exactly as
/// libjpeg computes it (16-bit fixed point, rounded: `jdcolor.c`'s RGB to
/// grey, and the Y of `jccolor.c`'s RGB to YCbCr), so that a JPEG libjpeg
/// decodes straight to grey and a picture turned grey here agree.
///
/// Why BT.601 and not BT.709, which `image`'s `into_luma8` uses (and this
/// stage did before): a JPEG stores BT.601 Y, and decoding only Y (see
/// [`decode_jpeg`]) is what makes a listing JPEG cheap to hash. The two
/// weightings differ most on saturated colours. On the labelled set
/// (`knockoff eval images`) the change alone cost one copy of 400 (a turned
/// rocket, 0.998 to 0.995 recall), no false positive in 1090.
#[inline(always)]
fn luma(r: u8, g: u8, b: u8) -> u8 {
    // FIX(0.299), FIX(0.587), FIX(0.114) with 16 fractional bits; they add
    // up to 65536, so white stays 255.
    let y = 19_595 * u32::from(r) + 38_470 * u32::from(g) + 7_471 * u32::from(b);
    ((y + 32_768) >> 16) as u8
}

/// The size a `w`×`h` picture is shrunk to for at most `side` pixels a
/// side, or `None` when it is small enough already.
fn shrunk_size(w: u32, h: u32, side: u32) -> Option<(u32, u32)> {
    let long = w.max(h);
    if long <= side {
        return None;
    }
    let scale = f64::from(side) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    Some((nw, nh))
}

/// The column and row spans [`area_average`] shrinks a `w`×`h` picture
/// by, or `None` when it is not shrunk that way (small enough already, or
/// an axis that `thumbnail` would interpolate).
fn shrink_spans(w: u32, h: u32, side: u32) -> Option<(Spans, Spans)> {
    let (nw, nh) = shrunk_size(w, h, side)?;
    Some((spans(w, nw)?, spans(h, nh)?))
}

/// Shrinks a grey picture larger than `side` to it.
fn shrink(grey: GrayImage, side: u32) -> GrayImage {
    let (w, h) = grey.dimensions();
    let Some((nw, nh)) = shrunk_size(w, h, side) else {
        return grey;
    };
    // `thumbnail` averages whole source areas: exactly what a hash that
    // looks at coarse structure wants, and faster than a windowed filter.
    // `area_average` computes the same pixels, much faster.
    match shrink_spans(w, h, side) {
        Some((columns, rows)) => area_average::<1>(grey.as_raw(), w, &columns, &rows, |p| p[0]),
        None => imageops::thumbnail(&grey, nw, nh),
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
    trim_within(grey, (0, 0, grey.width(), grey.height()))
}

/// [`trim`] of the part `(x, y, w, h)` of `grey`, by its own corners.
pub(crate) fn trim_within(grey: &GrayImage, whole: (u32, u32, u32, u32)) -> (u32, u32, u32, u32) {
    let (_, _, w, h) = whole;
    if w < 3 || h < 3 {
        return whole;
    }
    let trimmed = trim_around(grey, whole, border(grey, whole), TRIM_STRAYS);
    if trimmed.2 < 8.max(w / 8) || trimmed.3 < 8.max(h / 8) {
        return whole;
    }
    trimmed
}

/// The colour [`trim_within`] takes for the border of the part
/// `(x, y, w, h)` of `grey` (at least 1 by 1): the median of its four
/// corners.
pub(crate) fn border(grey: &GrayImage, (x, y, w, h): (u32, u32, u32, u32)) -> u8 {
    let mut corners = [
        grey.get_pixel(x, y)[0],
        grey.get_pixel(x + w - 1, y)[0],
        grey.get_pixel(x, y + h - 1)[0],
        grey.get_pixel(x + w - 1, y + h - 1)[0],
    ];
    corners.sort_unstable();
    corners[1].midpoint(corners[2])
}

/// The part of `(x, y, w, h)` in `grey` left when its edge lines of the
/// `border` colour are taken off, from the outside in: lines of which no
/// more than 1 pixel in `strays` (at least 1) strays from it: [`TRIM_STRAYS`]
/// for padding, fewer where something may lie across the border (a
/// watermark, `ground.rs`).
pub(crate) fn trim_around(
    grey: &GrayImage,
    (x, y, w, h): (u32, u32, u32, u32),
    border: u8,
    strays: u32,
) -> (u32, u32, u32, u32) {
    debug_assert!(strays > 0, "one pixel in `strays`: at least 1");
    let straying =
        |pixels: &mut dyn Iterator<Item = u8>| pixels.filter(|&p| p.abs_diff(border) > TRIM_TOLERANCE).count() as u32;
    let row_is_border =
        |y: u32, x0: u32, x1: u32| straying(&mut (x0..x1).map(|x| grey.get_pixel(x, y)[0])) <= (x1 - x0) / strays;
    let col_is_border =
        |x: u32, y0: u32, y1: u32| straying(&mut (y0..y1).map(|y| grey.get_pixel(x, y)[0])) <= (y1 - y0) / strays;
    let (mut top, mut bottom) = (y, y + h);
    while top < bottom && row_is_border(top, x, x + w) {
        top += 1;
    }
    while bottom > top && row_is_border(bottom - 1, x, x + w) {
        bottom -= 1;
    }
    let (mut left, mut right) = (x, x + w);
    while left < right && col_is_border(left, top, bottom) {
        left += 1;
    }
    while right > left && col_is_border(right - 1, top, bottom) {
        right -= 1;
    }
    (left, top, right - left, bottom - top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> &'static std::path::Path {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// Saves `image` as a JPEG with libjpeg, in `space` (of the pixels given
    /// and of the file), progressive or not.
    fn libjpeg(pixels: &[u8], (w, h): (u32, u32), space: ColorSpace, progressive: bool) -> Vec<u8> {
        let mut jpeg = mozjpeg::Compress::new(space);
        jpeg.set_size(w as usize, h as usize);
        jpeg.set_quality(90.0);
        if progressive {
            jpeg.set_progressive_mode();
        }
        let mut jpeg = jpeg.start_compress(Vec::new()).expect("start");
        jpeg.write_scanlines(pixels).expect("scanlines");
        jpeg.finish().expect("finish")
    }

    fn jpeg(image: &::image::RgbImage, quality: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode_image(image)
            .expect("encode");
        bytes
    }

    fn open(file: &str) -> DynamicImage {
        ::image::open(root().join(file)).expect(file)
    }

    /// Mean and largest difference, in grey levels, of two pictures of one
    /// size.
    fn difference(a: &GrayImage, b: &GrayImage) -> (f64, u8) {
        assert_eq!(a.dimensions(), b.dimensions());
        let d: Vec<u8> = a.pixels().zip(b.pixels()).map(|(p, q)| p[0].abs_diff(q[0])).collect();
        let mean = d.iter().map(|&x| f64::from(x)).sum::<f64>() / d.len() as f64;
        (mean, d.iter().copied().max().unwrap_or(0))
    }

    /// `luma` is BT.601 rounded to the nearest level, for every colour (the
    /// fixed-point weights are off by less than 1/65536 each, which moves
    /// no colour across a rounding boundary by more than that).
    #[test]
    fn grey_is_bt601_for_every_colour() {
        for c in 0u32..1 << 24 {
            let (r, g, b) = ((c >> 16) as u8, (c >> 8) as u8, c as u8);
            let exact = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
            let got = f64::from(luma(r, g, b));
            assert!((got - exact).abs() <= 0.5 + 1e-2, "{r},{g},{b}: {got} for {exact}");
        }
    }

    /// Grey and shrink in one pass must give the pixels of the two steps,
    /// [`to_grey`] and `image`'s `thumbnail`, for pictures with and without
    /// alpha, JPEG and PNG, and a shape shrunk unevenly.
    #[test]
    fn grey_and_shrink_in_one_pass_is_the_two_steps() {
        for file in [
            "config/works/coffee.png",
            "config/works/logo.png",
            "config/works/rocket.png",
            "fixtures/marketplace/stock/horse.jpg",
        ] {
            let image = open(file);
            let rgba = DynamicImage::ImageRgba8(image.to_rgba8());
            // Half the picture fading out, its hidden pixels kept.
            let mut fading = image.to_rgba8();
            let width = fading.width();
            for (x, _, p) in fading.enumerate_pixels_mut() {
                p[3] = p[3].min((x * 255 * 2 / width).min(255) as u8);
            }
            let fading = DynamicImage::ImageRgba8(fading);
            let odd = image.crop_imm(3, 1, image.width() - 7, image.height() / 2 + 5);
            for image in [image, rgba, fading, odd] {
                let (w, h) = (image.width(), image.height());
                let (nw, nh) = shrunk_size(w, h, WORK_SIDE).expect(file);
                let want = imageops::thumbnail(&to_grey(image.clone()), nw, nh);
                assert_eq!(grey_shrunk(image, WORK_SIDE), want, "{file}: {w}×{h}");
            }
        }
    }

    /// A transparent ground is shown as a page shows it, white, whatever
    /// colour its hidden pixels are, and partly transparent pixels are
    /// mixed with it; a light drawing that would barely show on white is
    /// laid over black; an opaque picture is untouched, whatever its
    /// format.
    #[test]
    fn transparency_is_laid_over_the_backdrop_it_shows_on() {
        let drawing = |ink: [u8; 3]| {
            ::image::RgbaImage::from_fn(40, 30, |x, y| {
                if (10..30).contains(&x) && (8..22).contains(&y) {
                    ::image::Rgba([ink[0], ink[1], ink[2], 255])
                } else if x < 5 {
                    // The ink, half see-through.
                    ::image::Rgba([ink[0], ink[1], ink[2], 128])
                } else {
                    ::image::Rgba([0, 0, 0, 0])
                }
            })
        };
        let red = to_grey(DynamicImage::ImageRgba8(drawing([200, 30, 30])));
        assert_eq!(red.get_pixel(20, 15)[0], luma(200, 30, 30));
        assert_eq!(red.get_pixel(7, 2)[0], 255);
        assert_eq!(red.get_pixel(2, 2)[0], over(luma(200, 30, 30), 128, 255));
        let white = to_grey(DynamicImage::ImageRgba8(drawing([250, 250, 250])));
        assert_eq!((white.get_pixel(20, 15)[0], white.get_pixel(7, 2)[0]), (250, 0));
        // Grey with transparency, and deeper: the same rule.
        let grey_alpha = DynamicImage::ImageRgba8(drawing([90, 90, 90])).into_luma_alpha8();
        let grey_alpha = to_grey(DynamicImage::ImageLumaA8(grey_alpha));
        assert_eq!(
            (grey_alpha.get_pixel(20, 15)[0], grey_alpha.get_pixel(7, 2)[0]),
            (90, 255)
        );
        let deep = DynamicImage::ImageRgba16(DynamicImage::ImageRgba8(drawing([200, 30, 30])).into_rgba16());
        assert_eq!(to_grey(deep), red);
        // Opaque RGBA is RGB.
        let logo = open("config/works/logo.png");
        assert_eq!(to_grey(DynamicImage::ImageRgba8(logo.to_rgba8())), to_grey(logo));
        // And through the whole decode, from a PNG file.
        let mut png = Vec::new();
        DynamicImage::ImageRgba8(drawing([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let pic = load(&png, &ImageLimits::default()).unwrap();
        assert_eq!(pic.grey, red);
    }

    /// The fast shrink must give exactly the pixels `thumbnail` gives.
    #[test]
    fn shrink_is_thumbnails_own() {
        for file in [
            "config/works/coffee.png",
            "config/works/logo.png",
            "fixtures/marketplace/stock/horse.jpg",
        ] {
            let grey = to_grey(open(file));
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

    /// The scale keeps the longer side at least [`WORK_SIDE`] (or whole),
    /// and is the smallest that does.
    #[test]
    fn dct_scale_is_the_smallest_that_keeps_the_work_side() {
        let scaled = |long: u32, n: u8| (long * u32::from(n)).div_ceil(8);
        for long in 1..5000 {
            let n = dct_scale(long, WORK_SIDE);
            assert!(scaled(long, n) >= WORK_SIDE.min(long), "{long}: {n}/8");
            assert!(n == 1 || scaled(long, n - 1) < WORK_SIDE, "{long}: {n}/8");
        }
        assert_eq!(dct_scale(800, WORK_SIDE), 3);
    }

    /// Decoded by libjpeg at full size, a JPEG's grey is, within the
    /// rounding of YCbCr to RGB and back, [`luma`] of the RGB that `image`
    /// decodes: the two paths give the same grey for the same picture.
    #[test]
    fn a_jpegs_y_is_the_luma_of_its_colours() {
        // At most WORK_SIDE a side, so decoded at full size.
        let image = open("fixtures/marketplace/stock/horse.jpg").resize(256, 256, imageops::FilterType::Triangle);
        let bytes = jpeg(&image.to_rgb8(), 90);
        let (y, original) = decode_jpeg(&bytes, &ImageLimits::default(), WORK_SIDE)
            .unwrap()
            .expect("YCbCr");
        assert_eq!(original, (image.width(), image.height()));
        let rgb = ::image::load_from_memory(&bytes).unwrap();
        let (mean, max) = difference(&y, &to_grey(rgb));
        assert!(mean < 0.5 && max <= 3, "mean {mean:.2}, max {max}");
    }

    /// Scaled in the DCT domain, the shrunk picture is close to (not the
    /// same as) the full-size picture shrunk by area average.
    #[test]
    fn a_scaled_jpeg_is_close_to_the_full_size_one_shrunk() {
        let coffee = open("config/works/coffee.png").resize_exact(800, 800, imageops::FilterType::Triangle);
        let horse = open("fixtures/marketplace/stock/horse.jpg");
        for (name, image) in [("coffee 800×800", coffee), ("horse", horse)] {
            let bytes = jpeg(&image.to_rgb8(), 85);
            let (w, h) = (image.width(), image.height());
            let pic = load(&bytes, &ImageLimits::default()).unwrap();
            assert_eq!(pic.original, (w, h));
            let full = grey_shrunk(::image::load_from_memory(&bytes).unwrap(), WORK_SIDE);
            let (mean, max) = difference(&pic.grey, &full);
            println!(
                "{name}: {w}×{h} at {}/8: mean {mean:.2}, max {max}",
                dct_scale(w.max(h), WORK_SIDE)
            );
            assert!(mean < 6.0, "{name}: mean {mean:.2}");
        }
    }

    /// Progressive, greyscale and RGB JPEGs take the libjpeg path; CMYK,
    /// which libjpeg cannot turn grey, takes `image`'s. All give the grey
    /// of the same picture.
    #[test]
    fn every_kind_of_jpeg_is_decoded() {
        let image = open("config/works/coffee.png").to_rgb8();
        let size = image.dimensions();
        let grey = to_grey(DynamicImage::ImageRgb8(image.clone()));
        let cmyk: Vec<u8> = image
            .pixels()
            .flat_map(|p| {
                // Black is what the brightest channel lacks; Adobe's CMYK
                // JPEGs store each ink inverted.
                let max = u32::from(p.0.iter().copied().max().unwrap_or(0));
                let stored = |c: u8| (255 - (max - u32::from(c)) * 255 / max.max(1)) as u8;
                [stored(p[0]), stored(p[1]), stored(p[2]), max as u8]
            })
            .collect();
        let want = shrink(grey.clone(), WORK_SIDE);
        for (name, bytes, fast) in [
            ("baseline", libjpeg(&image, size, ColorSpace::JCS_RGB, false), true),
            ("progressive", libjpeg(&image, size, ColorSpace::JCS_RGB, true), true),
            ("greyscale", libjpeg(&grey, size, ColorSpace::JCS_GRAYSCALE, true), true),
            ("cmyk", libjpeg(&cmyk, size, ColorSpace::JCS_CMYK, false), false),
        ] {
            let limits = ImageLimits::default();
            assert_eq!(
                decode_jpeg(&bytes, &limits, WORK_SIDE).unwrap().is_some(),
                fast,
                "{name}"
            );
            let pic = load(&bytes, &limits).unwrap_or_else(|_| panic!("{name}"));
            let (mean, _) = difference(&pic.grey, &want);
            assert!(mean < 6.0, "{name}: mean {mean:.2}");
        }
    }

    /// A JPEG that libjpeg gives up on is one image's decode error (libjpeg
    /// unwinds from inside its headers here), and a huge one is refused
    /// from its header.
    #[test]
    fn broken_and_huge_jpegs_are_refused() {
        let good = jpeg(&open("config/works/logo.png").to_rgb8(), 80);
        let mut garbled = good.clone();
        // Past the SOI marker, into the headers.
        for b in &mut garbled[4..200] {
            *b ^= 0x5A;
        }
        for (name, bytes) in [("header only", good[..40].to_vec()), ("garbled", garbled)] {
            match load(&bytes, &ImageLimits::default()) {
                Err(Refusal::Decode(_)) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        let limits = ImageLimits {
            max_pixels: 1000,
            ..ImageLimits::default()
        };
        assert!(matches!(
            load(&good, &limits),
            Err(Refusal::TooLarge(Excess::Pixels { limit: 1000, .. }))
        ));
    }

    /// The segments before the image data are walked within the bytes
    /// whatever they say: any bytes after a start marker give an
    /// orientation or none, never a panic or a read past the end; and an
    /// Exif segment after others of every kind is found.
    mod orientation {
        use proptest::prelude::*;

        use super::super::*;

        fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
            let mut out = vec![0xFF, marker];
            out.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            out.extend(body);
            out
        }

        /// Little-endian this time: an IFD of two entries, the orientation
        /// second.
        fn exif(orientation: u16) -> Vec<u8> {
            let mut tiff = b"II\x2a\0".to_vec();
            tiff.extend(8u32.to_le_bytes());
            tiff.extend(2u16.to_le_bytes());
            for (tag, value) in [(0x010Fu16, 0u16), (0x0112, orientation)] {
                tiff.extend(tag.to_le_bytes());
                tiff.extend(3u16.to_le_bytes());
                tiff.extend(1u32.to_le_bytes());
                tiff.extend(value.to_le_bytes());
                tiff.extend([0, 0]);
            }
            [b"Exif\0\0".as_slice(), &tiff].concat()
        }

        proptest! {
            #[test]
            fn any_bytes_after_the_start_are_walked_safely(rest in proptest::collection::vec(any::<u8>(), 0..300)) {
                let bytes = [&[0xFF, 0xD8][..], &rest].concat();
                let _ = jpeg_orientation(&bytes);
            }

            #[test]
            fn exif_is_found_past_other_segments(
                orientation in 1u16..=8,
                before in proptest::collection::vec((0xE0u8..=0xEF, proptest::collection::vec(any::<u8>(), 0..40)), 0..4),
                fill in 0usize..3,
            ) {
                let mut bytes = vec![0xFF, 0xD8];
                for (marker, body) in &before {
                    // An APP1 of other content (XMP) is passed over; one
                    // that starts like Exif would be taken.
                    let body = if body.starts_with(b"Exif") { &body[4..] } else { body };
                    bytes.extend(segment(*marker, body));
                }
                bytes.extend(std::iter::repeat_n(0xFF, fill));
                bytes.extend(segment(0xE1, &exif(orientation)));
                // The image data, after which no segment is looked for.
                bytes.extend(segment(0xDA, &[0; 8]));
                bytes.extend(segment(0xE1, &exif(1 + orientation % 8)));
                let found = jpeg_orientation(&bytes).map(Orientation::to_exif);
                prop_assert_eq!(found, Some(orientation as u8));
            }
        }

        #[test]
        fn no_exif_or_a_broken_one_is_none() {
            assert_eq!(jpeg_orientation(b"not a jpeg"), None);
            let mut bytes = vec![0xFF, 0xD8];
            bytes.extend(segment(0xE0, b"JFIF\0"));
            bytes.extend(segment(0xDA, &[0; 4]));
            assert_eq!(jpeg_orientation(&bytes), None);
            // An orientation of 9 is no orientation; a length past the end
            // of the bytes is no segment.
            let mut bytes = vec![0xFF, 0xD8];
            bytes.extend(segment(0xE1, &exif(9)));
            assert_eq!(jpeg_orientation(&bytes), None);
            let mut cut = vec![0xFF, 0xD8];
            cut.extend(segment(0xE1, &exif(6)));
            cut.truncate(cut.len() - 3);
            assert_eq!(jpeg_orientation(&cut), None);
        }
    }
}
