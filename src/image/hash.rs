//! Perceptual hashes of rectangles of a grey picture, and the search that
//! lines a rectangle up with a registered work.

use std::sync::OnceLock;

use ::image::GrayImage;
use image_hasher::{HashAlg, Hasher, HasherConfig};

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

    fn from_bytes(bytes: &[u8]) -> Hash256 {
        let mut words = [0u64; 4];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            *word = u64::from_le_bytes(buf);
        }
        Hash256(words)
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

    /// Averages `rect` down to an `n`×`n` grey image, each sample the mean
    /// of the pixels under it. Returns `None` when the samples are (nearly)
    /// all alike: a blank area has no structure, and the median hash of a
    /// flat signal is noise that could match anything.
    fn sample(&self, rect: Rect, n: u32) -> Option<GrayImage> {
        self.sample_wh(rect, n, n)
    }

    /// Like [`Integral::sample`], to `nw`×`nh` samples.
    fn sample_wh(&self, rect: Rect, nw: u32, nh: u32) -> Option<GrayImage> {
        let stride = self.width as usize + 1;
        let edges = |start: f32, len: f32, limit: u32, n: u32| -> Vec<usize> {
            (0..=n)
                .map(|i| {
                    let at = start + len * i as f32 / n as f32;
                    (at.round().max(0.0) as u32).min(limit) as usize
                })
                .collect()
        };
        let xs = edges(rect.x, rect.w, self.width, nw);
        let ys = edges(rect.y, rect.h, self.height, nh);
        let mut out = Vec::with_capacity((nw * nh) as usize);
        let (mut lo, mut hi) = (u8::MAX, u8::MIN);
        for j in 0..nh as usize {
            // A cell thinner than a pixel borrows the pixel it falls on.
            let (y0, y1) = cell(ys[j], ys[j + 1], self.height as usize);
            for i in 0..nw as usize {
                let (x0, x1) = cell(xs[i], xs[i + 1], self.width as usize);
                let sum = self.sums[y1 * stride + x1] + self.sums[y0 * stride + x0]
                    - self.sums[y0 * stride + x1]
                    - self.sums[y1 * stride + x0];
                let area = ((x1 - x0) * (y1 - y0)) as u32;
                let mean = ((sum + area / 2) / area) as u8;
                lo = lo.min(mean);
                hi = hi.max(mean);
                out.push(mean);
            }
        }
        if hi - lo < MIN_CONTRAST {
            return None;
        }
        GrayImage::from_raw(nw, nh, out)
    }
}

/// Samples that span fewer grey levels than this carry no picture.
const MIN_CONTRAST: u8 = 8;

fn cell(a: usize, b: usize, limit: usize) -> (usize, usize) {
    if b > a {
        (a, b)
    } else if a < limit {
        (a, a + 1)
    } else {
        (limit - 1, limit)
    }
}

/// The hashers, built once.
struct Hashers {
    /// pHash: the 16×16 lowest DCT coefficients of a 32×32 sample, each
    /// compared with their median. 256 bits.
    fine: DctPlan,
    /// dHash: whether each of 16×16 samples is brighter than its left
    /// neighbour. 256 bits.
    gradient: Hasher,
    /// pHash of only the 8×8 lowest coefficients of a 16×16 sample: 64 bits
    /// that propose.
    coarse: DctPlan,
}

fn hashers() -> &'static Hashers {
    static HASHERS: OnceLock<Hashers> = OnceLock::new();
    HASHERS.get_or_init(|| {
        let gradient = HasherConfig::new()
            .hash_size(16, 16)
            .hash_alg(HashAlg::Gradient)
            .to_hasher();
        Hashers {
            fine: DctPlan::new(32, 16),
            gradient,
            coarse: DctPlan::new(16, 8),
        }
    })
}

/// A separable 2-D DCT-II of an `n`×`n` sample that computes only the
/// `k`×`k` lowest frequencies, from a precomputed cosine table.
///
/// The partial-match search hashes about a thousand windows and lines up a
/// few with dozens of probes each, so the hash is the hot path. A general
/// DCT (image_hasher's, which also resizes and allocates per call) computes
/// every coefficient and then throws three quarters away; this computes the
/// ones kept, in n·k·(n+k) multiply-adds (12k for the 32→16 hash), with no
/// allocation beyond the output.
struct DctPlan {
    n: usize,
    k: usize,
    /// `cos[u * n + x]` = cos(π (2x + 1) u / 2n).
    cos: Vec<f32>,
}

impl DctPlan {
    fn new(n: usize, k: usize) -> DctPlan {
        let mut cos = Vec::with_capacity(n * k);
        for u in 0..k {
            for x in 0..n {
                let angle = std::f64::consts::PI * (2 * x + 1) as f64 * u as f64 / (2 * n) as f64;
                cos.push(angle.cos() as f32);
            }
        }
        DctPlan { n, k, cos }
    }

    /// Hashes an `n`×`n` sample: bit `v * k + u` is set when coefficient
    /// (u, v) is above the median of the `k`×`k` kept.
    fn hash(&self, sample: &[u8], out: &mut [u64]) {
        let (n, k) = (self.n, self.k);
        debug_assert_eq!(sample.len(), n * n);
        // Rows first: every row of the sample to its k lowest frequencies.
        let mut rows = vec![0f32; n * k];
        for (y, row) in sample.chunks_exact(n).enumerate() {
            for u in 0..k {
                let c = &self.cos[u * n..(u + 1) * n];
                rows[y * k + u] = row.iter().zip(c).map(|(&p, &c)| p as f32 * c).sum();
            }
        }
        // Then columns of that.
        let mut coef = vec![0f32; k * k];
        for v in 0..k {
            let c = &self.cos[v * n..(v + 1) * n];
            for u in 0..k {
                coef[v * k + u] = (0..n).map(|y| rows[y * k + u] * c[y]).sum();
            }
        }
        let mut sorted = coef.clone();
        sorted.sort_unstable_by(f32::total_cmp);
        let median = (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0;
        out.iter_mut().for_each(|w| *w = 0);
        for (i, &c) in coef.iter().enumerate() {
            if c > median {
                out[i / 64] |= 1 << (i % 64);
            }
        }
    }
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
}

/// The signature of `rect`, or `None` when it is featureless.
pub(crate) fn fine(integral: &Integral, rect: Rect) -> Option<Signature> {
    let hashers = hashers();
    let sample = integral.sample(rect, 32)?;
    let mut dct = Hash256::default();
    hashers.fine.hash(sample.as_raw(), &mut dct.0);
    // The gradient hash compares 17 columns in each of 16 rows.
    let sample = integral.sample_wh(rect, 17, 16)?;
    let gradient = Hash256::from_bytes(hashers.gradient.hash_image(&sample).as_bytes());
    Some(Signature { dct, gradient })
}

/// The 64-bit hash of `rect`, or `None` when it is featureless.
pub(crate) fn coarse(integral: &Integral, rect: Rect) -> Option<u64> {
    let sample = integral.sample(rect, 16)?;
    let mut out = [0u64; 1];
    hashers().coarse.hash(sample.as_raw(), &mut out);
    Some(out[0])
}

/// Moves and resizes `start` over `integral` to bring its signature as
/// close to `target` as it will go; returns the best rectangle and distance.
///
/// The coarse hash only gets a rectangle to within several percent of the
/// right place, and the fine hash is sharp: a 5% misplacement already costs
/// it about 50 of its 256 bits. So the candidate is lined up by greedy
/// descent: try nudging each edge and the whole rectangle by a step, keep
/// the best nudge, halve the step when none helps. Each probe is one
/// summed-area sample and one 32×32 DCT, and a search takes a few dozen.
pub(crate) fn align(integral: &Integral, start: Rect, target: &Signature) -> Option<(Rect, u32)> {
    const MAX_PROBES: usize = 120;
    let min_side = 12.0f32;
    let (iw, ih) = (integral.width() as f32, integral.height() as f32);
    let clamp = |r: Rect| -> Option<Rect> {
        let x = r.x.max(0.0);
        let y = r.y.max(0.0);
        let w = (r.x + r.w).min(iw) - x;
        let h = (r.y + r.h).min(ih) - y;
        (w >= min_side && h >= min_side).then_some(Rect { x, y, w, h })
    };
    let mut best = clamp(start)?;
    let mut best_d = fine(integral, best).map_or(u32::MAX, |h| h.distance(target));
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
            if let Some(d) = fine(integral, m).map(|h| h.distance(target)) {
                if d < best_d {
                    best = m;
                    best_d = d;
                    improved = true;
                }
            }
        }
        if !improved {
            step /= 2.0;
        }
    }
    (best_d != u32::MAX).then_some((best, best_d))
}
