//! Turning a picture by a small angle, the way a seller tilts a copied
//! photograph: the one piece of geometry both the comparator (which indexes
//! turned views of every work) and the fixture (which renders turned
//! copies) need, so that the two agree on what "turned and cropped" means.

use ::image::{ImageBuffer, Pixel};

/// The largest rectangle of a `w`×`h` picture's own shape, centred, that a
/// copy of it turned by `degrees` still covers everywhere: what is left
/// when a turned picture is cropped so that no corner shows.
///
/// The rectangle `k w × k h` fits when each of its half-diagonals, turned
/// back, stays inside the picture: `k (w cos + h sin) ≤ w` and
/// `k (w sin + h cos) ≤ h`.
pub(crate) fn inscribed(w: f32, h: f32, degrees: f32) -> (f32, f32) {
    let (s, c) = degrees.to_radians().abs().sin_cos();
    let k = (w / (w * c + h * s)).min(h / (w * s + h * c));
    (k * w, k * h)
}

/// The bounding box of a `w`×`h` picture turned by `degrees`.
pub(crate) fn bounds(w: f32, h: f32, degrees: f32) -> (f32, f32) {
    let (s, c) = degrees.to_radians().abs().sin_cos();
    (w * c + h * s, w * s + h * c)
}

/// `img` turned anticlockwise by `degrees` about its centre, sampled
/// bilinearly. With `fill`, the canvas grows to the turned picture's
/// bounding box and the corners it leaves bare take `fill`; without, the
/// result is the [`inscribed`] rectangle, every pixel of it picture.
pub(crate) fn turn<P>(img: &ImageBuffer<P, Vec<u8>>, degrees: f32, fill: Option<P>) -> ImageBuffer<P, Vec<u8>>
where
    P: Pixel<Subpixel = u8>,
{
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (ow, oh) = match fill {
        Some(_) => bounds(w, h, degrees),
        None => inscribed(w, h, degrees),
    };
    let (ow, oh) = ((ow.round() as u32).max(1), (oh.round() as u32).max(1));
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (ox, oy) = (ow as f32 / 2.0, oh as f32 / 2.0);
    let channels = usize::from(P::CHANNEL_COUNT);
    let stride = img.width() as usize * channels;
    let src = img.as_raw();
    let mut out = ImageBuffer::<P, Vec<u8>>::new(ow, oh);
    for (x, y, px) in out.enumerate_pixels_mut() {
        // The output pixel's centre, turned back into the source (y points
        // down, so anticlockwise on screen is clockwise in these axes).
        let (dx, dy) = (x as f32 + 0.5 - ox, y as f32 + 0.5 - oy);
        let sx = c * dx - s * dy + cx - 0.5;
        let sy = s * dx + c * dy + cy - 0.5;
        if sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5 {
            if let Some(f) = fill {
                *px = f;
            }
            continue;
        }
        let (sx, sy) = (sx.clamp(0.0, w - 1.0), sy.clamp(0.0, h - 1.0));
        let (x0, y0) = (sx as usize, sy as usize);
        let (x1, y1) = (
            (x0 + 1).min(img.width() as usize - 1),
            (y0 + 1).min(img.height() as usize - 1),
        );
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let at = |x: usize, y: usize, ch: usize| f32::from(src[y * stride + x * channels + ch]);
        for (ch, v) in px.channels_mut().iter_mut().enumerate() {
            let top = at(x0, y0, ch) * (1.0 - fx) + at(x1, y0, ch) * fx;
            let bottom = at(x0, y1, ch) * (1.0 - fx) + at(x1, y1, ch) * fx;
            *v = (top * (1.0 - fy) + bottom * fy + 0.5) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use ::image::{GrayImage, Luma};

    use super::*;

    #[test]
    fn inscribed_rectangle_keeps_the_shape_and_fits() {
        assert_eq!(inscribed(300.0, 200.0, 0.0), (300.0, 200.0));
        for degrees in [-15.0, -4.0, 7.0, 15.0] {
            let (w, h) = inscribed(300.0, 200.0, degrees);
            assert!((w / h - 1.5).abs() < 1e-4);
            assert!(w < 300.0 && w > 200.0, "{degrees}: {w}");
        }
    }

    #[test]
    fn a_turned_picture_shows_no_fill_inside_the_inscribed_rectangle() {
        let img = GrayImage::from_pixel(120, 80, Luma([200]));
        let filled = turn(&img, 12.0, Some(Luma([0])));
        let (bw, bh) = bounds(120.0, 80.0, 12.0);
        assert_eq!(filled.dimensions(), (bw.round() as u32, bh.round() as u32));
        // The corners are fill, the centre picture.
        assert_eq!(filled.get_pixel(0, 0)[0], 0);
        assert_eq!(filled.get_pixel(filled.width() / 2, filled.height() / 2)[0], 200);
        let cropped = turn(&img, -12.0, None);
        assert!(cropped.pixels().all(|p| p[0] >= 199), "no fill left in the crop");
    }
}
