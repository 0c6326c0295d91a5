//! Perceptual hashes of rectangles of a grey picture, and the search that
//! lines a rectangle up with a registered work.

use std::sync::OnceLock;

use ::image::GrayImage;

use crate::rng::Rng;

/// A 256-bit perceptual hash, as four words so a distance is four popcounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hash256(pub [u64; 4]);

impl Hash256 {
    /// The number of bits in the hash.
    pub const BITS: u32 = 256;

    /// Hamming distance: the number of bits that differ.
    #[inline]
    pub fn distance(&self, other: &Hash256) -> u32 {
        let (a, b) = (&self.0, &other.0);
        (a[0] ^ b[0]).count_ones()
            + (a[1] ^ b[1]).count_ones()
            + (a[2] ^ b[2]).count_ones()
            + (a[3] ^ b[3]).count_ones()
    }

    /// The bits that differ among those `mask` sets.
    #[inline]
    pub fn distance_within(&self, other: &Hash256, mask: &Hash256) -> u32 {
        (0..4)
            .map(|i| ((self.0[i] ^ other.0[i]) & mask.0[i]).count_ones())
            .sum()
    }

    /// The number of bits set.
    #[inline]
    pub fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// A random hash, for the synthetic data of tests and benches.
    pub fn random(rng: &mut Rng) -> Hash256 {
        Hash256([rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64()])
    }

    /// This hash with `flips` distinct random bits flipped: at exactly that
    /// distance, for tests and benches.
    pub fn with_flips(&self, flips: u32, rng: &mut Rng) -> Hash256 {
        let mut out = *self;
        while out.distance(self) < flips {
            let bit = rng.below(256);
            let mask = 1u64 << (bit % 64);
            // Only bits still equal to ours, so each flip adds one.
            if (out.0[bit / 64] ^ self.0[bit / 64]) & mask == 0 {
                out.0[bit / 64] ^= mask;
            }
        }
        out
    }
}

/// A rectangle in picture pixels; fractional so that the alignment search
/// can move it by less than a pixel's worth of the picture as fetched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
}

impl Rect {
    pub(crate) fn from_trim((x, y, w, h): (u32, u32, u32, u32)) -> Rect {
        Rect {
            x: x as f32,
            y: y as f32,
            w: w as f32,
            h: h as f32,
        }
    }

    /// The same rectangle of a picture of `to` pixels, `self` being of
    /// one of `from`: the same picture at another size.
    pub(crate) fn resized(self, from: (u32, u32), to: (u32, u32)) -> Rect {
        let (sx, sy) = (to.0 as f32 / from.0 as f32, to.1 as f32 / from.1 as f32);
        Rect {
            x: self.x * sx,
            y: self.y * sy,
            w: self.w * sx,
            h: self.h * sy,
        }
    }

    /// The same rectangle of the mirror image of a picture `width` wide.
    pub(crate) fn mirrored(self, width: u32) -> Rect {
        Rect {
            x: width as f32 - self.x - self.w,
            ..self
        }
    }

    /// The part of `self` inside `other`; `None` where they do not meet.
    pub(crate) fn intersection(self, other: Rect) -> Option<Rect> {
        let (x, y) = (self.x.max(other.x), self.y.max(other.y));
        let w = (self.x + self.w).min(other.x + other.w) - x;
        let h = (self.y + self.h).min(other.y + other.h) - y;
        (w > 0.0 && h > 0.0).then_some(Rect { x, y, w, h })
    }
}

/// Summed-area table of a grey picture: the mean of any rectangle in four
/// look-ups, so sampling a window down to 32×32 costs the same whatever
/// its size, and dozens of windows cost less than one resize of the
/// picture.
#[derive(Clone, Debug)]
pub(crate) struct Integral {
    width: u32,
    height: u32,
    /// `(width + 1) × (height + 1)`, row-major, with a zero first row and
    /// column. u32 is enough: pictures are at most 256×256 of values ≤ 255.
    sums: Vec<u32>,
}

impl Integral {
    pub(crate) fn new(grey: &GrayImage) -> Integral {
        let (width, height) = grey.dimensions();
        let stride = width as usize + 1;
        let mut sums = vec![0u32; stride * (height as usize + 1)];
        for (y, row) in grey.as_raw().chunks_exact(width as usize).enumerate() {
            let mut run = 0u32;
            for (x, &p) in row.iter().enumerate() {
                run += u32::from(p);
                sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + run;
            }
        }
        Integral { width, height, sums }
    }

    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// Averages `rect` down to `W`×`H` samples, each the mean of the pixels
    /// under it (unrounded). Returns `None` when the samples are (nearly)
    /// all alike: a blank area has no structure, and the median hash of a
    /// flat signal is noise that could match anything.
    ///
    /// Writes into a caller's array rather than an image: the search takes
    /// thousands of samples per listing image, and this is its inner loop.
    fn sample<const W: usize, const H: usize>(&self, rect: Rect, out: &mut [[f32; W]; H]) -> Option<()> {
        let stride = self.width as usize + 1;
        // The cells' edges, in whole pixels; a cell thinner than a pixel
        // borrows the pixel it falls on.
        let cells =
            |start: f32, len: f32, limit: u32, n: usize, lo: &mut [usize], hi: &mut [usize], inv: &mut [f32]| {
                let edge = |i: usize| {
                    let at = start + len * i as f32 / n as f32;
                    // Rounds half up: `round` is a libm call on baseline x86-64.
                    (((at + 0.5).max(0.0)) as u32).min(limit) as usize
                };
                let mut a = edge(0);
                for i in 0..n {
                    let b = edge(i + 1);
                    let (c0, c1) = cell(a, b, limit as usize);
                    lo[i] = c0;
                    hi[i] = c1;
                    inv[i] = 1.0 / (c1 - c0) as f32;
                    a = b;
                }
            };
        let (mut x0, mut x1, mut xinv) = ([0usize; W], [0usize; W], [0f32; W]);
        let (mut y0, mut y1, mut yinv) = ([0usize; H], [0usize; H], [0f32; H]);
        cells(rect.x, rect.w, self.width, W, &mut x0, &mut x1, &mut xinv);
        cells(rect.y, rect.h, self.height, H, &mut y0, &mut y1, &mut yinv);
        if x1[..W - 1] == x0[1..] && y1[..H - 1] == y0[1..] {
            // Neighbouring cells share their edges (none is thinner than a
            // pixel): the table is read once per corner of the grid, not
            // four times per cell, under a third of the reads, and the
            // labelled set's eval takes 11% less time. The sums are the
            // same integers either way.
            const { assert!(W <= MAX_CELLS) };
            let mut edges = [0usize; MAX_CELLS + 1];
            edges[..W].copy_from_slice(&x0);
            edges[W] = x1[W - 1];
            let edges = &edges[..=W];
            let corners = |y: usize| {
                let line = &self.sums[y * stride..(y + 1) * stride];
                let mut row = [0u32; MAX_CELLS + 1];
                for (c, &e) in row.iter_mut().zip(edges) {
                    *c = line[e];
                }
                row
            };
            let mut above = corners(y0[0]);
            for (j, row) in out.iter_mut().enumerate() {
                let below = corners(y1[j]);
                for (i, v) in row.iter_mut().enumerate() {
                    let sum = (below[i + 1] - below[i]) - (above[i + 1] - above[i]);
                    *v = sum as f32 * (xinv[i] * yinv[j]);
                }
                above = below;
            }
        } else {
            for (j, row) in out.iter_mut().enumerate() {
                let top = &self.sums[y0[j] * stride..y0[j] * stride + stride];
                let bottom = &self.sums[y1[j] * stride..y1[j] * stride + stride];
                for (i, v) in row.iter_mut().enumerate() {
                    let sum = (bottom[x1[i]] + top[x0[i]]) - (top[x1[i]] + bottom[x0[i]]);
                    *v = sum as f32 * (xinv[i] * yinv[j]);
                }
            }
        }
        let (lo, hi) = spread(out.as_flattened());
        (hi - lo >= MIN_CONTRAST).then_some(())
    }

    /// How brightness runs across `rect` and down it: the mean of each of
    /// [`PROFILE`] columns (each the rectangle's full height) and of each
    /// of as many rows. A direction with no structure (a picture of
    /// stripes, read down them) is flat, not refused: it is still what the
    /// picture does there.
    pub(crate) fn profile(&self, rect: Rect) -> Profile {
        let (mut across, mut down) = ([[0f32; PROFILE]; 1], [[0f32; 1]; PROFILE]);
        // `sample` refuses a flat direction; its means are written anyway.
        let _ = self.sample(rect, &mut across);
        let _ = self.sample(rect, &mut down);
        Profile {
            across: across[0],
            down: down.map(|[v]| v),
        }
    }

    /// The mean brightness of each pixel column of `rect` (rounded to
    /// whole pixels), and of each row: what a sett is read from
    /// (`sett.rs`). `None` where it is under 8 pixels either way.
    pub(crate) fn line_means(&self, rect: Rect) -> Option<(Vec<f32>, Vec<f32>)> {
        let edge = |at: f32, limit: u32| ((at + 0.5).max(0.0) as u32).min(limit) as usize;
        let (x0, x1) = (edge(rect.x, self.width), edge(rect.x + rect.w, self.width));
        let (y0, y1) = (edge(rect.y, self.height), edge(rect.y + rect.h, self.height));
        if x1 < x0 + 8 || y1 < y0 + 8 {
            return None;
        }
        let stride = self.width as usize + 1;
        let at = |x: usize, y: usize| self.sums[y * stride + x];
        let columns = (x0..x1)
            .map(|x| (at(x + 1, y1) + at(x, y0) - at(x, y1) - at(x + 1, y0)) as f32 / (y1 - y0) as f32)
            .collect();
        let rows = (y0..y1)
            .map(|y| (at(x1, y + 1) + at(x0, y) - at(x0, y + 1) - at(x1, y)) as f32 / (x1 - x0) as f32)
            .collect();
        Some((columns, rows))
    }
}

/// How many columns and rows a [`Profile`] has.
const PROFILE: usize = MAX_CELLS;

/// The brightness of a picture's columns and of its rows
/// ([`Integral::profile`]): what a pattern is made of. A check is its sett
/// crossed with itself, a row of bars their widths and spacing, so two
/// checks that the 512-bit signature cannot tell apart (its coin-toss odds
/// do not hold between pictures whose parts repeat) differ here where the
/// lines lie.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Profile {
    across: [f32; PROFILE],
    down: [f32; PROFILE],
}

impl Profile {
    /// The correlation of two profiles, both directions together: 1 where
    /// one is the other brighter or with more contrast, about 0 where they
    /// are unrelated, below 0 where one is the other's negative. Each
    /// direction is centred on its own mean, so a direction flat in both
    /// adds nothing and one flat in only one of them counts against.
    pub(crate) fn agreement(&self, other: &Profile) -> f32 {
        let centred = |p: &[f32; PROFILE]| {
            let mean = p.iter().sum::<f32>() / PROFILE as f32;
            p.map(|v| v - mean)
        };
        let (a, b) = (
            [centred(&self.across), centred(&self.down)],
            [centred(&other.across), centred(&other.down)],
        );
        cosine(a.as_flattened(), b.as_flattened())
    }
}

/// The cosine of two series, which for series centred on their means is
/// their correlation; 0 where either is all zeros.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let norms = (dot(a, a) * dot(b, b)).sqrt();
    if norms > 0.0 {
        dot(a, b) / norms
    } else {
        0.0
    }
}

/// The sum of the products of `a` and `b` pair by pair (the shorter's
/// length), kept in eight lanes: a sum of floats taken in order cannot be
/// vectorised, as reordering it rounds otherwise, and the sett's
/// autocorrelations (`sett.rs`), a few hundred of these a window, took
/// most of its stage's time so.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let n = a.len().min(b.len());
    let (a, b) = (a[..n].chunks_exact(LANES), b[..n].chunks_exact(LANES));
    let rest: f32 = a.remainder().iter().zip(b.remainder()).map(|(p, q)| p * q).sum();
    let mut lanes = [0f32; LANES];
    for (x, y) in a.zip(b) {
        for k in 0..LANES {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + rest
}

/// The least and the greatest of `values`, kept in eight lanes so that no
/// comparison waits on the one before and they go eight at a time (one
/// running minimum in the sampling loop, the search's inner loop, made it
/// wait on every sample: with the small windows, the labelled set's eval
/// took 8% longer).
fn spread(values: &[f32]) -> (f32, f32) {
    const LANES: usize = 8;
    let (mut lo, mut hi) = ([f32::MAX; LANES], [f32::MIN; LANES]);
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for k in 0..LANES {
            lo[k] = lo[k].min(chunk[k]);
            hi[k] = hi[k].max(chunk[k]);
        }
    }
    for (k, &v) in rest.iter().enumerate() {
        lo[k] = lo[k].min(v);
        hi[k] = hi[k].max(v);
    }
    let lo = lo.into_iter().fold(f32::MAX, f32::min);
    let hi = hi.into_iter().fold(f32::MIN, f32::max);
    (lo, hi)
}

/// The most cells a sample has across (the signature's DCT hash, 32).
const MAX_CELLS: usize = 32;

/// Samples that span fewer grey levels than this carry no picture.
const MIN_CONTRAST: f32 = 8.0;

fn cell(a: usize, b: usize, limit: usize) -> (usize, usize) {
    if b > a {
        (a, b)
    } else if a < limit {
        (a, a + 1)
    } else {
        (limit - 1, limit)
    }
}

/// The DCT plans, built once.
struct Plans {
    /// pHash: the 16×16 lowest DCT coefficients of a 32×32 sample, each
    /// compared with their median. 256 bits.
    fine: DctPlan<32, 16>,
    /// pHash of only the 8×8 lowest coefficients of a 16×16 sample: 64 bits
    /// that propose.
    coarse: DctPlan<16, 8>,
}

fn plans() -> &'static Plans {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    PLANS.get_or_init(|| Plans {
        fine: DctPlan::new(),
        coarse: DctPlan::new(),
    })
}

/// A separable 2-D DCT-II of an `N`×`N` sample that computes only the
/// `K`×`K` lowest frequencies, from a precomputed cosine table.
///
/// The partial-match search hashes about a thousand windows and lines up a
/// few with dozens of probes each, so the hash is the hot path. A general
/// DCT (image_hasher's, which also resizes and allocates per call) computes
/// every coefficient and then throws three quarters away; this computes the
/// ones kept, in N·K·(N+K) multiply-adds (24k for the 32→16 hash), with no
/// allocation, each pass a run of `K`-wide multiply-adds that the compiler
/// turns into vector instructions.
struct DctPlan<const N: usize, const K: usize> {
    /// `cos[x][u]` = cos(π (2x + 1) u / 2N).
    cos: [[f32; K]; N],
}

impl<const N: usize, const K: usize> DctPlan<N, K> {
    fn new() -> Self {
        let mut cos = [[0f32; K]; N];
        for (x, row) in cos.iter_mut().enumerate() {
            for (u, c) in row.iter_mut().enumerate() {
                let angle = std::f64::consts::PI * (2 * x + 1) as f64 * u as f64 / (2 * N) as f64;
                *c = angle.cos() as f32;
            }
        }
        DctPlan { cos }
    }

    /// The `K`×`K` lowest DCT coefficients of a sample, row `v` column `u`.
    fn coefficients(&self, sample: &[[f32; N]; N]) -> [[f32; K]; K] {
        // Rows first: every row of the sample to its K lowest frequencies.
        let mut rows = [[0f32; K]; N];
        for (row, acc) in sample.iter().zip(rows.iter_mut()) {
            for (&p, c) in row.iter().zip(&self.cos) {
                for u in 0..K {
                    acc[u] += p * c[u];
                }
            }
        }
        // Then columns of that.
        let mut coef = [[0f32; K]; K];
        for (v, acc) in coef.iter_mut().enumerate() {
            for (row, c) in rows.iter().zip(&self.cos) {
                let c = c[v];
                for u in 0..K {
                    acc[u] += c * row[u];
                }
            }
        }
        coef
    }

    /// Hashes a sample: bit `v * K + u` is set when coefficient (u, v) is
    /// above the median of the `K`×`K` kept.
    fn hash(&self, sample: &[[f32; N]; N], out: &mut [u64]) {
        let coef = self.coefficients(sample);
        let coef = coef.as_flattened();
        set_bits(out, coef, median(coef));
    }
}

/// Sets bit `i` of `out` where `values[i]` is above `threshold`, clearing
/// the rest.
fn set_bits(out: &mut [u64], values: &[f32], threshold: f32) {
    out.iter_mut().for_each(|w| *w = 0);
    // Without a branch: each bit is a coin toss that a branch would
    // mispredict half the time.
    for (i, &c) in values.iter().enumerate() {
        out[i / 64] |= u64::from(c > threshold) << (i % 64);
    }
}

/// The median of an even number of values: the mean of the middle two.
fn median(values: &[f32]) -> f32 {
    let mut buf = [0f32; 256];
    let buf = &mut buf[..values.len()];
    buf.copy_from_slice(values);
    let mid = buf.len() / 2;
    let (below, &mut upper, _) = buf.select_nth_unstable_by(mid, f32::total_cmp);
    let lower = below.iter().copied().fold(f32::MIN, f32::max);
    (lower + upper) / 2.0
}

/// The two 256-bit hashes of `rect` that decide a match together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The DCT hash (pHash): the picture's broad shapes.
    pub dct: Hash256,
    /// The gradient hash (dHash): where brightness rises left to right.
    pub gradient: Hash256,
}

impl Signature {
    /// The number of bits in a signature.
    pub const BITS: u32 = 2 * Hash256::BITS;

    /// The Hamming distance over both hashes.
    #[inline]
    pub fn distance(&self, other: &Signature) -> u32 {
        self.dct.distance(&other.dct) + self.gradient.distance(&other.gradient)
    }

    /// Every bit set: a mask that keeps the whole signature.
    pub const ALL: Signature = Signature {
        dct: Hash256([u64::MAX; 4]),
        gradient: Hash256([u64::MAX; 4]),
    };

    /// The distance over the bits `sure` sets, as the distance over all
    /// [`Signature::BITS`] that is as unlikely by chance, so that one limit
    /// holds whatever their number: between unrelated pictures each bit is
    /// a coin toss, so `of` bits differ in `of/2 ± √of/2`, and a distance
    /// is as unlikely as its number of those deviations below the middle.
    /// Over every bit it is the plain distance. Fewer bits judged must
    /// agree more closely: a perfect match on 250 sure bits counts as 77.
    #[inline]
    pub fn distance_sure(&self, other: &Signature, sure: &Signature) -> u32 {
        Signature::as_likely(self.distance_within(other, sure))
    }

    /// `differ` bits of `of` as the distance over all [`Signature::BITS`]
    /// as unlikely by chance (see [`Signature::distance_sure`]).
    pub fn as_likely((differ, of): (u32, u32)) -> u32 {
        let half = Signature::BITS as f32 / 2.0;
        let below = (of as f32 / 2.0 - differ as f32) * (Signature::BITS as f32 / of.max(1) as f32).sqrt();
        (half - below).round().clamp(0.0, Signature::BITS as f32) as u32
    }

    /// How many of the bits `sure` sets differ, and how many it sets.
    pub fn distance_within(&self, other: &Signature, sure: &Signature) -> (u32, u32) {
        (
            self.dct.distance_within(&other.dct, &sure.dct)
                + self.gradient.distance_within(&other.gradient, &sure.gradient),
            sure.dct.count() + sure.gradient.count(),
        )
    }
}

/// The signature of `rect`, or `None` when it is featureless.
pub(crate) fn fine(integral: &Integral, rect: Rect) -> Option<Signature> {
    let mut sample = [[0f32; 32]; 32];
    integral.sample(rect, &mut sample)?;
    let mut dct = Hash256::default();
    plans().fine.hash(&sample, &mut dct.0);
    // The gradient hash compares 17 columns in each of 16 rows.
    let mut sample = [[0f32; 17]; 16];
    integral.sample(rect, &mut sample)?;
    Some(Signature {
        dct,
        gradient: gradient(&sample),
    })
}

/// The signature of `rect`, and which of its bits the picture is *sure*
/// of: those whose value does not sit at its threshold. A DCT coefficient
/// within [`SURE_DCT`] of the coefficients' spread of their median, or a
/// step between neighbouring samples under [`SURE_GRADIENT`] of the
/// sample's contrast, is a bit any copy may set either way: flat artwork
/// (a logo on white) is mostly such bits, where a photograph has few.
/// `None` when the rectangle is featureless.
pub(crate) fn fine_sure(integral: &Integral, rect: Rect) -> Option<(Signature, Signature)> {
    let mut sample = [[0f32; 32]; 32];
    integral.sample(rect, &mut sample)?;
    let coef = plans().fine.coefficients(&sample);
    let coef = coef.as_flattened();
    let median = median(coef);
    // Leaving out the first coefficient, the mean brightness, which dwarfs
    // the rest.
    let spread = (coef[1..].iter().map(|c| (c - median).powi(2)).sum::<f32>() / (coef.len() - 1) as f32).sqrt();
    let (mut signature, mut sure) = (Signature::default(), Signature::default());
    set_bits(&mut signature.dct.0, coef, median);
    let margins: [f32; 256] = std::array::from_fn(|i| (coef[i] - median).abs());
    set_bits(&mut sure.dct.0, &margins, SURE_DCT * spread);
    let mut sample = [[0f32; 17]; 16];
    integral.sample(rect, &mut sample)?;
    let (lo, hi) = self::spread(sample.as_flattened());
    let steps = steps(&sample);
    set_bits(&mut signature.gradient.0, &steps, 0.0);
    set_bits(&mut sure.gradient.0, &steps.map(f32::abs), SURE_GRADIENT * (hi - lo));
    if sure.dct.count() + sure.gradient.count() < MIN_SURE {
        // Too few to judge by: the whole signature is.
        sure = Signature::ALL;
    }
    Some((signature, sure))
}

/// Fewer sure bits than this, and a picture is judged on all of them.
const MIN_SURE: u32 = Signature::BITS / 4;

/// A DCT coefficient nearer its median than this share of the
/// coefficients' spread about it sets an unsure bit.
const SURE_DCT: f32 = 0.1;

/// A step between neighbouring samples smaller than this share of the
/// sample's contrast sets an unsure bit.
const SURE_GRADIENT: f32 = 0.01;

/// dHash: bit `16 y + x` is set when sample `x + 1` of row `y` is brighter
/// than sample `x`.
fn gradient(sample: &[[f32; 17]; 16]) -> Hash256 {
    let mut hash = Hash256::default();
    set_bits(&mut hash.0, &steps(sample), 0.0);
    hash
}

/// Step `16 y + x`: how much brighter sample `x + 1` of row `y` is than
/// sample `x`.
fn steps(sample: &[[f32; 17]; 16]) -> [f32; 256] {
    std::array::from_fn(|i| sample[i / 16][i % 16 + 1] - sample[i / 16][i % 16])
}

/// The mean level of `rect`, and its contrast: how far its darkest and
/// lightest of the 32×32 cells [`fine`] samples lie apart, however
/// little.
pub(crate) fn levels(integral: &Integral, rect: Rect) -> (f32, f32) {
    let mut sample = [[0f32; 32]; 32];
    // Sampled whether or not it is featureless: how much is what is asked.
    let _ = integral.sample(rect, &mut sample);
    let cells = sample.as_flattened();
    let (lo, hi) = spread(cells);
    (cells.iter().sum::<f32>() / cells.len() as f32, hi - lo)
}

/// A rectangle's colours about grey ([`super::decode::Colour::hue`]),
/// each sample's pair as one complex number, less their mean: at 32×32
/// samples, and at 8×8, where a copy's colours bled by a JPEG or a
/// garment's folds still agree. What [`Hues::agreement`] compares.
pub(crate) struct Hues {
    fine: Vec<[f32; 2]>,
    coarse: Vec<[f32; 2]>,
}

impl Hues {
    /// The hues of `rect` in the planes `hue`.
    pub(crate) fn of(hue: &[Integral; 2], rect: Rect) -> Hues {
        Hues {
            fine: centred::<32>(hue, rect),
            coarse: centred::<8>(hue, rect),
        }
    }

    /// How alike two rectangles' hues are arranged, whatever turn of hue
    /// one was given: the magnitude of their complex correlation, 1 where
    /// one is the other turned (a turn of hue multiplies every sample by
    /// the same unit number) or made more or less colourful, near 0 where
    /// the hues lie unrelated; at 32×32 samples or at 8×8, the larger.
    pub(crate) fn agreement(&self, other: &Hues) -> f32 {
        correlation(&self.fine, &other.fine).max(correlation(&self.coarse, &other.coarse))
    }
}

/// `rect` of the two planes at `N`×`N` samples, less their means.
fn centred<const N: usize>(hue: &[Integral; 2], rect: Rect) -> Vec<[f32; 2]> {
    let (mut a, mut b) = ([[0f32; N]; N], [[0f32; N]; N]);
    // A plane flat throughout is still the colours there.
    let _ = hue[0].sample(rect, &mut a);
    let _ = hue[1].sample(rect, &mut b);
    let mean = |plane: &[f32]| plane.iter().sum::<f32>() / plane.len() as f32;
    let (a, b) = (a.as_flattened(), b.as_flattened());
    let (ma, mb) = (mean(a), mean(b));
    a.iter().zip(b).map(|(x, y)| [x - ma, y - mb]).collect()
}

/// The magnitude of the correlation of two runs of complex numbers: the
/// sum of each product of one with the other's conjugate, over the root
/// of the product of their energies; 0 where either is flat.
fn correlation(p: &[[f32; 2]], q: &[[f32; 2]]) -> f32 {
    let (mut re, mut im, mut ep, mut eq) = (0f32, 0f32, 0f32, 0f32);
    for ([pr, pi], [qr, qi]) in p.iter().zip(q) {
        re += pr * qr + pi * qi;
        im += pi * qr - pr * qi;
        ep += pr * pr + pi * pi;
        eq += qr * qr + qi * qi;
    }
    let energy = (ep * eq).sqrt();
    if energy < f32::EPSILON {
        return 0.0;
    }
    (re * re + im * im).sqrt() / energy
}

/// The 64-bit hash of `rect`, or `None` when it is featureless.
pub(crate) fn coarse(integral: &Integral, rect: Rect) -> Option<u64> {
    let mut sample = [[0f32; 16]; 16];
    integral.sample(rect, &mut sample)?;
    let mut out = [0u64; 1];
    plans().coarse.hash(&sample, &mut out);
    Some(out[0])
}

/// After this many probes (the first, then three rounds of twelve nudges),
/// [`align`] gives up on a rectangle still farther than
/// [`GIVE_UP_ABOVE`] from its target.
const GIVE_UP_AFTER: usize = 37;

/// Three eighths of the signature's bits: 64 closer than unrelated pictures'
/// typical distance (256, sd about 17), and far from any match. Lining up a
/// rectangle that shows the work closes the gap fast: over the labelled set
/// every alignment that ended a match was within 155 bits after three
/// rounds (most far closer), while 95% of the alignments of unrelated
/// proposals were still beyond 192, and went on to spend another 60 probes
/// for nothing. A proposal that ended a near miss (106–125 bits) was within
/// 192 by then too. Giving up there cuts the probes of an unmatched picture
/// by more than half and changes no answer on that set.
pub(crate) const GIVE_UP_ABOVE: u32 = Signature::BITS * 3 / 8;

/// `r` cut to the picture, or `None` where too little of it is left to
/// hash (a side under 12 pixels).
fn clamped(integral: &Integral, r: Rect) -> Option<Rect> {
    const MIN_SIDE: f32 = 12.0;
    let (iw, ih) = (integral.width() as f32, integral.height() as f32);
    let x = r.x.max(0.0);
    let y = r.y.max(0.0);
    let w = (r.x + r.w).min(iw) - x;
    let h = (r.y + r.h).min(ih) - y;
    (w >= MIN_SIDE && h >= MIN_SIDE).then_some(Rect { x, y, w, h })
}

/// How far `target` is from the signature of `start` as it stands (cut to
/// the picture): where [`align`] begins, `u32::MAX` where it cannot.
pub(crate) fn distance_at(integral: &Integral, start: Rect, target: &Signature, sure: &Signature) -> u32 {
    clamped(integral, start)
        .and_then(|r| fine(integral, r))
        .map_or(u32::MAX, |h| h.distance_sure(target, sure))
}

/// Moves and resizes `start` over `integral` to bring its signature as
/// close to `target` as it will go; returns the best rectangle, its
/// distance and its signature.
///
/// The coarse hash only gets a rectangle to within several percent of the
/// right place, and the fine hash is sharp: a 5% misplacement already costs
/// it about 50 of its 256 bits. So the candidate is lined up by greedy
/// descent: try nudging each edge and the whole rectangle by a step, keep
/// the best nudge, halve the step when none helps. Each probe is one
/// summed-area sample and one 32×32 DCT, and a search takes a few dozen.
/// `None` when the rectangle is too small, or when the search gives up on a
/// rectangle that is not lining up (see [`GIVE_UP_ABOVE`]).
pub(crate) fn align(
    integral: &Integral,
    start: Rect,
    target: &Signature,
    sure: &Signature,
) -> Option<(Rect, u32, Signature)> {
    const MAX_PROBES: usize = 120;
    let clamp = |r: Rect| clamped(integral, r);
    let probe = |r: Rect| fine(integral, r).map(|h| (h.distance_sure(target, sure), h));
    let mut best = clamp(start)?;
    let (mut best_d, mut best_h) = probe(best).unwrap_or((u32::MAX, Signature::default()));
    let mut step = 0.04 * best.w.max(best.h);
    let mut probes = 1;
    while step >= 0.5 && probes < MAX_PROBES {
        let r = best;
        let (sx, sy) = (step, step * r.h / r.w.max(1.0));
        let moves = [
            Rect { x: r.x - sx, ..r },
            Rect { x: r.x + sx, ..r },
            Rect { y: r.y - sy, ..r },
            Rect { y: r.y + sy, ..r },
            Rect { w: r.w + sx, ..r },
            Rect { w: r.w - sx, ..r },
            Rect { h: r.h + sy, ..r },
            Rect { h: r.h - sy, ..r },
            Rect {
                x: r.x - sx,
                w: r.w + sx,
                ..r
            },
            Rect {
                x: r.x + sx,
                w: r.w - sx,
                ..r
            },
            Rect {
                y: r.y - sy,
                h: r.h + sy,
                ..r
            },
            Rect {
                y: r.y + sy,
                h: r.h - sy,
                ..r
            },
        ];
        let mut improved = false;
        for m in moves {
            let Some(m) = clamp(m) else { continue };
            probes += 1;
            if let Some((d, h)) = probe(m) {
                if d < best_d {
                    best = m;
                    best_d = d;
                    best_h = h;
                    improved = true;
                }
            }
        }
        if !improved {
            step /= 2.0;
        }
        if probes >= GIVE_UP_AFTER && best_d > GIVE_UP_ABOVE {
            return None;
        }
    }
    (best_d != u32::MAX).then_some((best, best_d, best_h))
}

#[cfg(test)]
mod tests {
    use ::image::{GrayImage, Luma};

    use super::*;

    fn grey() -> GrayImage {
        GrayImage::from_fn(64, 48, |x, y| Luma([((x * 37 + y * 91 + x * y) % 256) as u8]))
    }

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn cells_that_share_edges_average_their_pixels() {
        // 16 cells over 32 pixels from (3, 5): each cell is a 2×2 block,
        // read through the shared corners.
        let grey = grey();
        let mut out = [[0f32; 16]; 16];
        Integral::new(&grey)
            .sample(rect(3.0, 5.0, 32.0, 32.0), &mut out)
            .unwrap();
        for (j, row) in out.iter().enumerate() {
            for (i, &v) in row.iter().enumerate() {
                let (x, y) = (3 + 2 * i as u32, 5 + 2 * j as u32);
                let sum: u32 = [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)]
                    .iter()
                    .map(|&(x, y)| u32::from(grey.get_pixel(x, y).0[0]))
                    .sum();
                assert_eq!(v, sum as f32 / 4.0, "cell ({i}, {j})");
            }
        }
    }

    #[test]
    fn cells_thinner_than_a_pixel_borrow_the_pixel_they_fall_on() {
        // 16 cells over 8 pixels from (3, 5): no two neighbours share an
        // edge, and each cell is the pixel its start rounds to (cell 0
        // starts at 3, cells 1 and 2 at 3.5 and 4, rounding to 4, …).
        let grey = grey();
        let mut out = [[0f32; 16]; 16];
        Integral::new(&grey).sample(rect(3.0, 5.0, 8.0, 8.0), &mut out).unwrap();
        for (j, row) in out.iter().enumerate() {
            for (i, &v) in row.iter().enumerate() {
                let pixel = grey.get_pixel(3 + (i as u32).div_ceil(2), 5 + (j as u32).div_ceil(2)).0[0];
                assert_eq!(v, f32::from(pixel), "cell ({i}, {j})");
            }
        }
    }

    #[test]
    fn the_sure_bits_come_with_the_same_signature() {
        let grey = grey();
        let integral = Integral::new(&grey);
        for r in [
            rect(0.0, 0.0, 64.0, 48.0),
            rect(3.0, 5.0, 40.0, 30.0),
            rect(10.0, 2.0, 12.0, 40.0),
        ] {
            let (signature, _) = fine_sure(&integral, r).unwrap();
            assert_eq!(Some(signature), fine(&integral, r));
        }
    }

    /// Flat artwork leaves many bits unsure: a disc in the middle of white
    /// is symmetric both ways, so its DCT coefficients of odd order are
    /// zero, and most of its neighbouring samples are equal. Alone it is
    /// sure of too few bits to be judged by them, and is judged by all;
    /// with a bar beside it, of more, but still far fewer than a textured
    /// picture, which is sure of nearly all.
    #[test]
    fn flat_artwork_is_sure_of_fewer_bits() {
        let disc = |x: u32, y: u32| {
            let (dx, dy) = (x as f32 - 47.5, y as f32 - 47.5);
            dx * dx + dy * dy < 900.0
        };
        let sure = |img: &GrayImage| {
            let (w, h) = img.dimensions();
            fine_sure(&Integral::new(img), rect(0.0, 0.0, w as f32, h as f32))
                .unwrap()
                .1
        };
        let alone = GrayImage::from_fn(96, 96, |x, y| Luma([if disc(x, y) { 30 } else { 255 }]));
        assert_eq!(sure(&alone), Signature::ALL);
        let with_bar = GrayImage::from_fn(96, 96, |x, y| {
            Luma([if disc(x, y) || (x > 85 && y < 60) { 30 } else { 255 }])
        });
        let count = |s: Signature| s.dct.count() + s.gradient.count();
        let (flat, textured) = (count(sure(&with_bar)), count(sure(&grey())));
        assert!((MIN_SURE..Signature::BITS * 3 / 4).contains(&flat), "{flat}");
        assert!(textured > Signature::BITS * 3 / 4, "{textured}");
    }

    #[test]
    fn fewer_sure_bits_must_agree_more_closely() {
        let mut rng = Rng::new(7);
        let a = Signature {
            dct: Hash256::random(&mut rng),
            gradient: Hash256::random(&mut rng),
        };
        let b = Signature {
            dct: a.dct.with_flips(40, &mut rng),
            gradient: a.gradient.with_flips(40, &mut rng),
        };
        // Over every bit, the plain distance.
        assert_eq!(a.distance_sure(&b, &Signature::ALL), a.distance(&b));
        // Over the DCT half alone, 40 of 256 count as 132 of 512, as many
        // deviations below the middle: 256 - (128 - 40)·√2.
        let half = Signature {
            dct: Hash256([u64::MAX; 4]),
            gradient: Hash256::default(),
        };
        assert_eq!(a.distance_within(&b, &half), (40, 256));
        assert_eq!(a.distance_sure(&b, &half), 132);
        // A perfect match on a quarter of the bits is no better than
        // 256 - 64·2 = 128: as likely by chance as 128 of 512.
        let quarter = Signature {
            dct: Hash256([u64::MAX, u64::MAX, 0, 0]),
            gradient: Hash256::default(),
        };
        assert_eq!(a.distance_sure(&a, &quarter), 128);
    }

    #[test]
    fn a_flat_rectangle_has_no_sample() {
        let flat = GrayImage::from_pixel(40, 40, Luma([120]));
        let mut out = [[0f32; 16]; 16];
        assert!(Integral::new(&flat)
            .sample(rect(2.0, 2.0, 30.0, 30.0), &mut out)
            .is_none());
    }

    #[test]
    fn spread_finds_the_least_and_greatest_in_every_lane_and_the_rest() {
        let mut values: Vec<f32> = (0..45).map(|i| ((i * 29) % 45) as f32).collect();
        assert_eq!(spread(&values), (0.0, 44.0));
        // In the remainder past the last whole chunk of eight.
        values[44] = -3.0;
        values[43] = 99.0;
        assert_eq!(spread(&values), (-3.0, 99.0));
    }
}
