//! What a pattern is made of, at whatever scale it is shown and wherever
//! it is cut: its *sett*.
//!
//! A registered pattern (a check, stripes crossed with stripes) is looked
//! for whole only by the hashes (see the module docs of `image`,
//! *Patterns*): the partial-match search would line any check up with it.
//! But a seller shows a pattern cut anywhere and at any size: a crop
//! zoomed in, a swatch pasted on a photograph, a print on a shirt. What
//! stays is the sett: how far apart the lines repeat across and down, and,
//! within one repeat, where each line lies, how wide and how dark it is.
//!
//! So a rectangle's columns' and rows' mean brightness (a pixel each) are
//! read for their *period* (the first lag at which the line correlates
//! with itself nearly as well as at its best, refined between pixels),
//! and the line is *folded* on it: the mean brightness of each of
//! [`BINS`] places within one repeat, over every whole repeat the
//! rectangle shows (two at least). A registered pattern's fold and a
//! listing rectangle's agree when, at the best shift of one against the
//! other, both the folds and their differences (where the edges lie)
//! correlate by [`SETT_AGREEMENT`] or more, across and down. Each fold is
//! first blurred by the other's pixel (its share of the repeat), twice,
//! so both are compared as the coarser would show them: a copy is
//! resampled twice, when the seller shrinks or enlarges it and when the
//! listing is shrunk to be read (`decode.rs`), and a small copy blurs the
//! thin lines, an enlarged one's edges are as soft as the picture it was
//! enlarged from. A box is read over the line through the fold's places
//! (the line each place's hat function makes), so that a box of one place
//! blurs too. The two periods' ratio must be the work's: a copy is scaled
//! alike both ways.
//!
//! How much the blur matters, in a scratch set (the plaid pasted on each
//! of the 14 stock photographs at two places, 28 pictures a size, and its
//! middle cut out and enlarged at six places): with only the work's fold
//! blurred, by its listing's pixel and once, at 30% of the photograph's
//! side 7 of 28 were found, at 40% 21; blurred twice, 21 and 26; with
//! both folds blurred, each twice by the other's pixel, 25 and 28 (all of
//! 28 from 50% up, 272 of 280 in all), and the enlarged cuts showing 2.2
//! and 2.4 repeats went from 0 and 2 of 6 to 5 and 6 of 6. The random
//! checks that agreed by 0.9 or more, each then lined up and refused,
//! went from none to 15 of 4,800 with the first change.
//!
//! The fold only proposes where the work lies in the rectangle and at what
//! scale; the match is then judged as the partial-match search's are: the
//! part of the work the rectangle shows is hashed, the rectangle lined up
//! with it and held to the search's limit, and their profiles must agree
//! as any pattern's find must.
//!
//! Why differences as well as levels: in a prototype, with levels alone,
//! checks of one line drawn at random (`fixture::artwork::random_check`)
//! agreed with the registered plaid by up to 0.85, their one dark line
//! against its darkest, where its copies agreed by 0.92–0.99; with the
//! differences too, by 0.76 at most. The plaid's edges, six a repeat, are
//! where a check of one line, with two, differs.

use super::hash::{dot, Integral, Rect};

/// Places within one repeat a fold holds.
pub(crate) const BINS: usize = 64;

/// The least agreement, across and down, of a listing rectangle's sett with
/// a work's for the work to be looked for there.
pub(crate) const SETT_AGREEMENT: f32 = 0.9;

/// How far the ratio of a rectangle's periods across and down may be from
/// the work's: a copy is scaled alike both ways, to within its resampling.
/// And, for a rectangle matched to the whole work, how far each period's
/// scale may be from the rectangle's ([`Agreement::scaled_as`]).
const RATIO_TOLERANCE: f32 = 0.1;

/// The least correlation of a line with itself, one repeat on, for the
/// repeat to count.
const MIN_REPEAT: f32 = 0.3;

/// A picture's, or a rectangle's, sett: its repeat across and down.
#[derive(Clone, Debug)]
pub(crate) struct Sett {
    across: Axis,
    down: Axis,
}

/// One direction of a [`Sett`].
#[derive(Clone, Debug)]
struct Axis {
    /// In pixels of the picture it was read from.
    period: f32,
    /// The line's brightness at [`BINS`] places in one repeat, from the
    /// rectangle's edge, centred and scaled to unit deviation.
    fold: [f32; BINS],
}

/// Where a listing rectangle's sett agrees with a work's.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Agreement {
    /// The lesser of the two directions' correlations.
    pub(crate) score: f32,
    /// Listing pixels per work pixel, across and down.
    pub(crate) scale: (f32, f32),
    /// Where the listing rectangle's edge falls in the work's repeat, as a
    /// share of it, across and down.
    pub(crate) phase: (f32, f32),
}

impl Agreement {
    /// Whether the setts' scale is `scale` (listing pixels per work pixel,
    /// across and down), within [`RATIO_TOLERANCE`] each way: where a
    /// rectangle was matched to the whole work, a copy shows as many
    /// repeats across and down as the work does, and a pattern of the same
    /// sett shows as many as its own size happens to hold.
    pub(crate) fn scaled_as(&self, scale: (f32, f32)) -> bool {
        let near = |sett: f32, rect: f32| (sett / rect - 1.0).abs() <= RATIO_TOLERANCE;
        near(self.scale.0, scale.0) && near(self.scale.1, scale.1)
    }
}

impl Sett {
    /// The sett of `rect` of the picture, or `None` where it does not
    /// repeat both ways, twice at least.
    pub(crate) fn of(integral: &Integral, rect: Rect) -> Option<Sett> {
        let (across, down) = integral.line_means(rect)?;
        Some(Sett {
            across: Axis::of(&across)?,
            down: Axis::of(&down)?,
        })
    }

    /// The sett of `rect` of the picture read at the repeat `period`
    /// (pixels across and down) rather than at its own, or `None` where
    /// it shows fewer than two repeats either way: a line whose peaks of
    /// correlation come near alike (an argyle's, its colours near one
    /// grey) may read its own repeat at one of them in one picture and at
    /// another in its copy.
    pub(crate) fn at(integral: &Integral, rect: Rect, period: (f32, f32)) -> Option<Sett> {
        let (across, down) = integral.line_means(rect)?;
        Some(Sett {
            across: Axis::at(&across, period.0)?,
            down: Axis::at(&down, period.1)?,
        })
    }

    /// How well `self`, read from a listing rectangle, agrees with `work`,
    /// a registered pattern's sett; `None` where their periods' ratios
    /// differ, or where it agrees by less than `least` across (then down
    /// is not compared: most rectangles of most pictures end there).
    pub(crate) fn agreement(&self, work: &Sett, least: f32) -> Option<Agreement> {
        let ratio = (self.across.period / self.down.period) / (work.across.period / work.down.period);
        if (ratio - 1.0).abs() > RATIO_TOLERANCE {
            return None;
        }
        let (a, pa) = self.across.agreement(&work.across);
        if a < least {
            return None;
        }
        let (d, pd) = self.down.agreement(&work.down);
        Some(Agreement {
            score: a.min(d),
            scale: (
                self.across.period / work.across.period,
                self.down.period / work.down.period,
            ),
            phase: (pa, pd),
        })
    }

    /// The repeat, across and down, in pixels of the picture it was read
    /// from.
    pub(crate) fn period(&self) -> (f32, f32) {
        (self.across.period, self.down.period)
    }
}

impl Axis {
    fn of(line: &[f32]) -> Option<Axis> {
        Axis::at(line, period(line)?)
    }

    /// `line` folded on `period`, where it shows two repeats or more.
    fn at(line: &[f32], period: f32) -> Option<Axis> {
        (period >= 1.0 && period * 2.0 <= line.len() as f32).then(|| Axis {
            period,
            fold: fold(line, period),
        })
    }

    /// The best correlation of this fold with `work`'s (each blurred by
    /// the other's pixel) over every shift, levels and edges alike, and the
    /// share of the work's repeat at which this line starts.
    fn agreement(&self, work: &Axis) -> (f32, f32) {
        // A fold turned round has its edges turned with it, so the work's
        // are made once, and read twice over so any shift is one slice.
        let twice = |fold: [f32; BINS]| -> [f32; 2 * BINS] { std::array::from_fn(|k| fold[k % BINS]) };
        let work_fold = blurred(&work.fold, self.period);
        let (levels, work_edges) = (twice(work_fold), twice(normal(differences(&work_fold))));
        let own = blurred(&self.fold, work.period);
        let edges = normal(differences(&own));
        let mut best = (f32::MIN, 0.0);
        for shift in 0..BINS {
            // The edges only where the levels could make this shift the best.
            let levels = correlation(&own, &levels[shift..shift + BINS]);
            if levels <= best.0 {
                continue;
            }
            let score = levels.min(correlation(&edges, &work_edges[shift..shift + BINS]));
            if score > best.0 {
                best = (score, shift as f32 / BINS as f32);
            }
        }
        best
    }
}

/// The repeat of `line` in samples: the first lag whose correlation is a
/// peak within 85% of the best peak's (a sett with several lines
/// correlates partly at the gaps between them too), refined between
/// samples by the parabola through it and its neighbours.
fn period(line: &[f32]) -> Option<f32> {
    let n = line.len();
    let mean = line.iter().sum::<f32>() / n.max(1) as f32;
    let centred: Vec<f32> = line.iter().map(|v| v - mean).collect();
    // Each lag's correlation is the cosine of the line's head and tail;
    // their norms come from running sums of squares, so only the products
    // are summed afresh.
    let mut squares = Vec::with_capacity(n + 1);
    squares.push(0f64);
    for v in &centred {
        squares.push(squares.last().copied().unwrap_or(0.0) + f64::from(v * v));
    }
    let r: Vec<f32> = (0..=n / 2 + 1)
        .map(|lag| {
            let lag = lag.min(n);
            let norms = ((squares[n - lag] - squares[0]) * (squares[n] - squares[lag])).sqrt();
            if norms > 0.0 {
                (f64::from(dot(&centred[..n - lag], &centred[lag..])) / norms) as f32
            } else {
                0.0
            }
        })
        .collect();
    let peaks: Vec<usize> = (3..r.len() - 1)
        .filter(|&l| r[l] >= r[l - 1] && r[l] >= r[l + 1] && r[l] > MIN_REPEAT)
        .collect();
    let best = peaks.iter().map(|&l| r[l]).fold(f32::MIN, f32::max);
    let l = *peaks.iter().find(|&&l| r[l] >= 0.85 * best)?;
    let (y0, y1, y2) = (r[l - 1], r[l], r[l + 1]);
    let curve = y0 - 2.0 * y1 + y2;
    let offset = if curve != 0.0 { 0.5 * (y0 - y2) / curve } else { 0.0 };
    Some(l as f32 + offset.clamp(-0.5, 0.5))
}

/// `line` folded on `period`: the mean, over every whole repeat, of its
/// value (interpolated) at each of [`BINS`] places in the repeat.
fn fold(line: &[f32], period: f32) -> [f32; BINS] {
    let at = |x: f32| {
        let i = (x.floor() as usize).min(line.len() - 1);
        let j = (i + 1).min(line.len() - 1);
        let t = x - i as f32;
        line[i] * (1.0 - t) + line[j] * t
    };
    let repeats = ((line.len() - 1) as f32 / period).floor() as usize;
    let mut fold = [0f32; BINS];
    for r in 0..repeats {
        for (k, v) in fold.iter_mut().enumerate() {
            *v += at(r as f32 * period + (k as f32 + 0.5) / BINS as f32 * period);
        }
    }
    normal(fold)
}

/// `fold` as a picture whose repeat is `period` pixels shows it: blurred
/// by a box a pixel wide twice, as a copy is resampled twice (see the
/// module docs).
fn blurred(fold: &[f32; BINS], period: f32) -> [f32; BINS] {
    let pixel = BINS as f32 / period;
    blur(&blur(fold, pixel), pixel)
}

/// `fold` blurred by a box `width` places wide (circularly), as a line of
/// that many places to a pixel shows it.
fn blur(fold: &[f32; BINS], width: f32) -> [f32; BINS] {
    // The fold is read as the line through its places, and each place
    // becomes that line's mean over `width` places around it: the weight
    // of the place `k` away is its hat function's share of the box.
    let hat_below = |t: f32| match t {
        t if t <= -1.0 => 0.0,
        t if t <= 0.0 => (t + 1.0).powi(2) / 2.0,
        t if t <= 1.0 => 1.0 - (1.0 - t).powi(2) / 2.0,
        _ => 1.0,
    };
    let reach = (width / 2.0 + 1.0).ceil() as isize;
    let weights: Vec<(isize, f32)> = (-reach..=reach)
        .map(|k| {
            (
                k,
                hat_below(width / 2.0 - k as f32) - hat_below(-width / 2.0 - k as f32),
            )
        })
        .collect();
    normal(std::array::from_fn(|i| {
        weights
            .iter()
            .map(|&(k, weight)| weight * fold[(i as isize + k).rem_euclid(BINS as isize) as usize])
            .sum()
    }))
}

/// Each place's change to the next, circularly.
fn differences(fold: &[f32; BINS]) -> [f32; BINS] {
    std::array::from_fn(|k| fold[(k + 1) % BINS] - fold[k])
}

/// The correlation of two [`normal`] folds (the second as a slice of a
/// fold read twice over): their products' mean, as both have unit
/// deviation, or none where flat (`hash::cosine` less its norms, in the inner
/// loop of every window's comparison).
fn correlation(a: &[f32; BINS], b: &[f32]) -> f32 {
    dot(a, b) / BINS as f32
}

/// Centred and scaled to unit deviation (left centred where flat).
fn normal(mut fold: [f32; BINS]) -> [f32; BINS] {
    let mean = fold.iter().sum::<f32>() / BINS as f32;
    fold.iter_mut().for_each(|v| *v -= mean);
    let deviation = (fold.iter().map(|v| v * v).sum::<f32>() / BINS as f32).sqrt();
    if deviation > 0.0 {
        fold.iter_mut().for_each(|v| *v /= deviation);
    }
    fold
}

#[cfg(test)]
mod tests {
    use ::image::{GrayImage, Luma};

    use super::*;

    /// A check of `lines` (offset and width in pixels, and darkness) every
    /// `period` pixels across and down, on a light ground, `side` square,
    /// starting `phase` pixels into the repeat.
    fn check(side: u32, period: f32, phase: f32, lines: &[(f32, f32, u8)]) -> GrayImage {
        GrayImage::from_fn(side, side, |x, y| {
            let on = |v: u32| {
                let at = (v as f32 + phase).rem_euclid(period);
                lines.iter().find(|(o, w, _)| (at - o).rem_euclid(period) < *w)
            };
            let v = on(x).or(on(y)).map_or(220, |l| l.2);
            Luma([v])
        })
    }

    fn sett(img: &GrayImage) -> Option<Sett> {
        let (w, h) = img.dimensions();
        Sett::of(&Integral::new(img), Rect::from_trim((0, 0, w, h)))
    }

    const LINES: &[(f32, f32, u8)] = &[(0.0, 6.0, 20), (20.0, 3.0, 120), (32.0, 2.0, 250)];

    #[test]
    fn the_repeat_is_read_between_pixels() {
        let s = sett(&check(256, 51.2, 0.0, LINES)).unwrap();
        let (a, d) = s.period();
        assert!((a - 51.2).abs() < 0.5 && (d - 51.2).abs() < 0.5, "{a} {d}");
        // Under two repeats a side: no sett.
        assert!(sett(&check(90, 51.2, 0.0, LINES)).is_none());
        // Nor in a picture that does not repeat.
        let ramp = GrayImage::from_fn(128, 128, |x, y| Luma([(x + y) as u8]));
        assert!(sett(&ramp).is_none());
    }

    #[test]
    fn a_sett_agrees_with_itself_cut_anywhere_at_any_scale() {
        let work = sett(&check(256, 64.0, 0.0, LINES)).unwrap();
        // Scaled by 0.6, and cut 23 pixels into the repeat.
        let scaled: Vec<(f32, f32, u8)> = LINES.iter().map(|&(o, w, v)| (o * 0.6, w * 0.6, v)).collect();
        let copy = sett(&check(160, 38.4, 23.0 * 0.6, &scaled)).unwrap();
        let a = copy.agreement(&work, f32::MIN).unwrap();
        assert!(a.score >= SETT_AGREEMENT, "{a:?}");
        assert!(
            (a.scale.0 - 0.6).abs() < 0.02 && (a.scale.1 - 0.6).abs() < 0.02,
            "{a:?}"
        );
        let phase = 23.0 / 64.0;
        assert!(
            (a.phase.0 - phase).abs() < 0.03 && (a.phase.1 - phase).abs() < 0.03,
            "{a:?}"
        );
        // Taken for all of the work, the copy's rectangle must be scaled
        // as its repeats are, each way.
        assert!(a.scaled_as((0.6, 0.6)) && a.scaled_as((0.64, 0.57)));
        assert!(!a.scaled_as((0.6, 0.9)) && !a.scaled_as((0.4, 0.6)));
    }

    #[test]
    fn a_sett_is_read_at_the_repeat_it_is_told() {
        let img = check(256, 52.0, 0.0, LINES);
        let (integral, rect) = (Integral::new(&img), Rect::from_trim((0, 0, 256, 256)));
        let work = sett(&img).unwrap();
        // Read down at another peak of its line, as an argyle's rows may
        // be in a copy: its repeats are not the work's shape.
        let misread = Sett::at(&integral, rect, (52.0, 45.7)).unwrap();
        assert!(misread.agreement(&work, f32::MIN).is_none());
        // Read at the work's repeat, as a copy at this scale shows it.
        let told = Sett::at(&integral, rect, work.period()).unwrap();
        let a = told.agreement(&work, f32::MIN).unwrap();
        assert!(a.score >= 0.99 && a.scaled_as((1.0, 1.0)), "{a:?}");
        // Under two repeats either way at the repeat told: none.
        assert!(Sett::at(&integral, rect, (52.0, 200.0)).is_none());
    }

    #[test]
    fn another_sett_does_not_agree() {
        let work = sett(&check(256, 64.0, 0.0, LINES)).unwrap();
        // One line, as dark as the sett's darkest, and the same lines
        // placed otherwise in the repeat.
        for lines in [
            &[(0.0, 6.0, 20)][..],
            &[(0.0, 6.0, 20), (40.0, 3.0, 120), (12.0, 2.0, 250)],
        ] {
            let other = sett(&check(256, 64.0, 0.0, lines)).unwrap();
            let a = other.agreement(&work, f32::MIN).unwrap();
            assert!(a.score < SETT_AGREEMENT, "{lines:?}: {a:?}");
        }
        // Repeats of another shape: none.
        let stretched = GrayImage::from_fn(256, 256, |x, y| {
            let on = |v: f32, p: f32| v.rem_euclid(p) < 6.0;
            Luma([if on(x as f32, 64.0) || on(y as f32, 40.0) {
                20
            } else {
                220
            }])
        });
        assert!(sett(&stretched).unwrap().agreement(&work, f32::MIN).is_none());
    }
}
