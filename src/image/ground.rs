//! Figures on a plain ground, and the cells of a collage: where in a
//! listing image a work may stand whole, found without looking at any
//! work.
//!
//! A logo is rarely shown alone. It is printed on a T-shirt, or pasted on a
//! white card onto a product photograph, and the listing image is mostly
//! something else. The partial-match search finds such a copy only if one
//! of its windows lands on the drawing's own edges closely enough for the
//! few bits a drawing is sure of to agree, and a flat drawing's white
//! margin gives the alignment nothing to hold on to: before this stage, a
//! drawing pasted small or printed on a shirt was found about half the
//! time (`knockoff fixtures artwork`).
//!
//! But a drawing on a plain ground is easy to cut out exactly: the ground
//! (a card, a shirt) is a large region of one colour, and the drawing is a
//! *hole* in it, pixels of other colours that the ground surrounds. The
//! bounding box of the holes is the drawing's own bounding box, which is
//! what a registered drawing is hashed as once its white margin is
//! trimmed. So each large ground's holes give a rectangle (all of them
//! together, for a drawing of several parts, and the largest alone, for a
//! drawing beside a caption), and those rectangles are compared with the
//! works whole. They are chosen by the picture alone, a few of them, so
//! they are judged by the whole picture's limit, as the turned stage's
//! fixed rectangles are.
//!
//! On the drawings' set this finds 12 more of the 120 copies (a drawing on
//! a card on a photograph 14 of 16, small 7 of 8, on a T-shirt 15 of 16),
//! and matches none of the 140 unregistered pictures: the closest a
//! look-alike's figure came counts 154 against the limit of 128, the
//! copies' figures 66 to 128.
//!
//! A watermark laid across the picture spoils that box: where it crosses
//! the white margin and touches the drawing, the hole reaches out along it,
//! and the box with it, out to the band's ends. The band strays from the ground in each line of the
//! margin it crosses by its own thickness, which is not known, while the
//! drawing's edge lines mostly stray more. So each box is also trimmed of
//! lines of which no more than a sixteenth, an eighth or a quarter stray
//! (`LOOSE_TRIMS`; the plain trim allows one pixel in a hundred), and
//! those boxes are compared too where they differ. On the drawings' set the
//! watermarked copies are found 7 times of 8 (5 before); in a scratch set
//! of six other watermark styles (diagonal and tiled bands of dark or
//! light words, a label, a corner box) over the 8 drawings, 43 of 48 (41
//! before); no unregistered picture matched in either, nor in the
//! fixture's labelled set, whose output is unchanged line for line. The
//! image tests' unrelated pictures held 10,448 comparisons of figures with
//! views (4,112 before), none nearer a work than 171 (179 before) against
//! the limit of 128. A looser trim bites into a drawing's thin
//! tips and round edges too, which is why it is only ever tried besides
//! the plain one.
//!
//! An opaque strip laid across the whole picture (a caption band, black
//! or coloured) is worse: it reaches both edges, so the trim keeps the
//! picture's whole width, and it parts the white into a ground above and
//! one below, in each of which the drawing's part reaches the band and so
//! the ground's edge, and is no hole. So a picture whose ground (a colour
//! two corners share, lining half its edge or more) is crossed by a run
//! of rows whose two ends both stray from it, a fiftieth to two fifths of
//! its height, is also cut past that band ([`past_bands`]): what the rows
//! above it and below it hold, each trimmed of the ground, put together.
//! Where the band crosses the drawing its stretch there stays in the box,
//! as a watermark's does. A band down the picture (a banner at its side)
//! is looked for the same way, with rows and columns swapped. The 8
//! drawings under black, blue and white strips at four heights (the image
//! tests) are found 76 times of 96, 57 before, and under black and blue
//! banners down them at the same places 35 of 64, 14 before; a scratch
//! set of such strips at random places, 19 of 24 across (13 before) and
//! 17 of 24 down (12), and none of 198 look-alikes under them, nor of 800
//! unregistered photographs of the labelled set under strips of any
//! colour, across or down, at an edge or not, matched; the image tests' unrelated pictures' figures
//! and cells, these boxes among them (278,352 comparisons with views),
//! come no nearer a work than 153, as before. A strip
//! across a drawing's middle may still hide too much of it for a hash of
//! the whole; a white one reaches no edge as anything but the ground, and
//! is the watermark case above.
//!
//! A collage has no plain ground to cut a picture out of, or one shared by
//! all its pictures (a white gutter, whose two largest holes alone are
//! compared), and a cell of a third of the side, less its gutter, is at
//! the partial-match search's smallest window or under it (a quarter is
//! far under). But a seller's collage is nearly always a grid of equal
//! cells, so the cells of the picture split into every grid of up to 3 by 3
//! and 4 by 4 ([`GRIDS`], [`cells`]), each trimmed of its own border as the
//! whole picture is (a gutter, a picture fitted into its cell), are 51 more
//! rectangles chosen by the picture alone; 102 where the trim took
//! something, as the grid may be the trimmed picture's (a collage on a
//! larger ground) or the whole's (one without gutters whose edge pictures
//! stand between bars, which the trim takes; see [`regions`]). The image
//! tests' 8 works in collages of stock photographs (2 by 2 and 3 by 3 with
//! and without a gutter, 3 by 2, 1 by 3 and 4 by 4) are found 56 times of
//! 56 (54 with the trimmed picture's grid alone); a scratch set of the 8 in
//! a 3 by 3 collage without gutters, 8 of 8 (4 before), and one of 7
//! layouts (1 by 2 to 4 by 4, with a gutter), 55 of 56 (54 with the trimmed
//! picture's grid alone, 43 with its 2 by 2 and 3 by 3 cells alone, 3 by 2
//! and 4 by 4 most of the difference). The rocket on the blue of its own
//! sky, below, the one work shown small on a plain ground that the ground
//! did not cut out, falls in a cell and is found. So, with the whole's
//! grid, does the motorcycle small on a photograph in the fixture's
//! labelled set.
//!
//! With 98 collages of stock photographs (the same 7 layouts) added to the
//! image tests' unrelated pictures (196 pictures in all), their figures and
//! cells hold 262,448 comparisons with views (172,544 with the trimmed
//! picture's grid alone), none nearer a work than 153 against the limit of
//! 128 (166 of 47,840 with the 2 by 2 and 3 by 3 cells alone): more
//! rectangles are more chances, which is why the grids stop at these.
//!
//! A photograph pasted small onto a plain ground beside a caption (a
//! product shot on white, a gallery tile) is cut out the same way, and
//! reached down to a tenth of the side, below the search's smallest window:
//! the tests' 8 works at a fifth of the side on white and on blue are
//! found 15 times of 16, none without this stage.
//!
//! A photograph has few grounds (a sky, a wall), and their holes are
//! whatever stands in front of them: the image tests' 98 unrelated
//! photographs, crops and turns hold 257 figures, which came no closer to
//! a work than 179, as far as whole unrelated pictures come (176). The
//! fixture's labelled set gives the same output line for line.
//!
//! Cost: a fill over the picture at half size, then one over each of the
//! four largest grounds' boxes, and a hash per figure, for a picture that
//! matched nothing whole; a picture whose figure matches skips the search.
//! By `perf`, 2% of the eval's time over the fixture's labelled set on one
//! thread (at full size, the fills took 7–11%).

use std::borrow::Cow;

use ::image::GrayImage;

use super::decode::{self, TRIM_TOLERANCE};
use super::hash::Rect;

/// A ground covers at least a fiftieth of the picture: a card or a shirt,
/// not a patch of flat colour inside a drawing.
const MIN_GROUND: usize = 50;

/// The most grounds looked into, largest first.
const MAX_GROUNDS: usize = 4;

/// A hole of fewer pixels than a fiftieth of the ground's largest is a
/// speck (JPEG noise, a stitch of texture), not part of the figure.
const MIN_PART: usize = 50;

/// Nor is a hole of fewer pixels than this, whatever the largest.
const MIN_PART_PIXELS: usize = 4;

/// A figure must cover at least a hundredth of the picture, and span
/// [`MIN_SIDE`] pixels both ways, for its hashes to mean anything.
const MIN_FIGURE: usize = 100;

const MIN_SIDE: u32 = 16;

/// Besides all of a ground's holes together, the largest this many alone.
const MAX_PARTS: usize = 2;

/// Besides the box trimmed of the ground's colour, the same box trimmed of
/// lines no more than one pixel in each of these strays from it: a
/// watermark laid across the picture strays in each line of the margin it
/// crosses by its own thickness, which is not known.
const LOOSE_TRIMS: [u32; 3] = [16, 8, 4];

/// The most bands across a picture left out ([`past_bands`]), tallest
/// first, for each colour its corners may give the ground, and as many
/// down it.
const MAX_BANDS: usize = 2;

/// A band across is at most this many hundredths of the picture's height
/// (one down it, of its width): a caption strip, not the lower half of a
/// photograph.
const MAX_BAND: u32 = 40;

/// The collages whose cells are compared whole, as columns by rows of
/// pictures of one size: every grid of up to 3 by 3, and 4 by 4 (51 cells
/// in all).
const GRIDS: &[(u32, u32)] = &[(2, 2), (3, 3), (2, 1), (1, 2), (3, 1), (1, 3), (3, 2), (2, 3), (4, 4)];

/// How far (in grey levels) a pixel may differ from its neighbours and
/// still be level with them, where a ground may start.
const LEVEL: u8 = 4;

/// No label yet.
const NONE: u32 = u32::MAX;

/// An inclusive bounding box and the pixels in it that belong.
#[derive(Clone, Copy, Debug)]
struct Blob {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    count: usize,
}

impl Blob {
    fn at(x: u32, y: u32) -> Blob {
        Blob {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
            count: 0,
        }
    }

    fn add_run(&mut self, left: u32, right: u32, y: u32) {
        self.x0 = self.x0.min(left);
        self.x1 = self.x1.max(right);
        self.y0 = self.y0.min(y);
        self.y1 = self.y1.max(y);
        self.count += (right - left + 1) as usize;
    }

    fn union(&self, other: &Blob) -> Blob {
        Blob {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
            count: self.count + other.count,
        }
    }
}

/// Marks `id` on the 4-connected region of `start` that `enter` lets in
/// (given a pixel's mark so far, and where it is), and returns its box.
/// A run of a row at a time: the fill is a good share of the stage's cost.
fn flood(
    marks: &mut [u32],
    (w, h): (u32, u32),
    start: (u32, u32),
    id: u32,
    stack: &mut Vec<(u32, u32)>,
    enter: impl Fn(u32, u32, u32) -> bool,
) -> Blob {
    let open = |marks: &[u32], x: u32, y: u32| {
        let m = marks[(y * w + x) as usize];
        m != id && enter(m, x, y)
    };
    let mut blob = Blob::at(start.0, start.1);
    stack.clear();
    stack.push(start);
    while let Some((x, y)) = stack.pop() {
        // A seed may have been filled from another since it was pushed.
        if !open(marks, x, y) {
            continue;
        }
        let (mut left, mut right) = (x, x);
        while left > 0 && open(marks, left - 1, y) {
            left -= 1;
        }
        while right + 1 < w && open(marks, right + 1, y) {
            right += 1;
        }
        let row = (y * w) as usize;
        marks[row + left as usize..=row + right as usize].fill(id);
        blob.add_run(left, right, y);
        // One seed per run of open pixels above and below.
        for ny in [y.wrapping_sub(1), y + 1] {
            if ny >= h {
                continue;
            }
            let mut in_run = false;
            for nx in left..=right {
                let o = open(marks, nx, ny);
                if o && !in_run {
                    stack.push((nx, ny));
                }
                in_run = o;
            }
        }
    }
    blob
}

/// The rectangles of `grey` that hold figures on a plain ground, at most
/// `MAX_GROUNDS × (1 + MAX_PARTS) × (1 + LOOSE_TRIMS.len())`, and the
/// boxes of up to `4 × MAX_BANDS` [`past_bands`] (two grounds, across and
/// down), none twice.
///
/// Grounds and holes are found at half the size (a quarter of the pixels:
/// the fills were most of the stage's cost), and each figure's box is then
/// trimmed of the ground's colour at full size, so it is as exact as if
/// found there.
pub(crate) fn figures(grey: &GrayImage) -> Vec<Rect> {
    let (w, h) = grey.dimensions();
    let half = w >= 2 * MIN_SIDE && h >= 2 * MIN_SIDE;
    let small = if half {
        Cow::Owned(halved(grey))
    } else {
        Cow::Borrowed(grey)
    };
    let scale = if half { 2 } else { 1 };
    let mut out: Vec<Rect> = Vec::new();
    for (colour, blob) in holes(&small) {
        // The box at full size, a pixel wider each way than the half-size
        // pixels it covers, then trimmed of the ground around the figure.
        let x0 = (blob.x0 * scale).saturating_sub(1);
        let y0 = (blob.y0 * scale).saturating_sub(1);
        let x1 = ((blob.x1 + 1) * scale + 1).min(w);
        let y1 = ((blob.y1 + 1) * scale + 1).min(h);
        let exact = decode::trim_around(grey, (x0, y0, x1 - x0, y1 - y0), colour, decode::TRIM_STRAYS);
        let loose = LOOSE_TRIMS.map(|strays| decode::trim_around(grey, exact, colour, strays));
        for trimmed in std::iter::once(exact).chain(loose) {
            keep_figure(trimmed, (w, h), &mut out);
        }
    }
    for trimmed in past_bands(grey) {
        keep_figure(trimmed, (w, h), &mut out);
    }
    out
}

/// Adds the box `trimmed` of a picture of `size` to `figures` as a
/// rectangle, unless it is too small for its hashes to mean anything or
/// already there.
fn keep_figure(trimmed: (u32, u32, u32, u32), (w, h): (u32, u32), figures: &mut Vec<Rect>) {
    let rect = Rect::from_trim(trimmed);
    let big = (trimmed.2 * trimmed.3) as usize * MIN_FIGURE >= (w * h) as usize;
    if big && trimmed.2 >= MIN_SIDE && trimmed.3 >= MIN_SIDE && !figures.contains(&rect) {
        figures.push(rect);
    }
}

/// The boxes of what a picture on a plain ground holds once a band laid
/// across its whole width is left out: an opaque caption strip over a
/// drawing on white. The band reaches both edges, so the trim keeps the
/// picture's whole width, and the figures' fills see the drawing's parts
/// above and below it reach the band, which is no ground, and so reach
/// out of their ground: the drawing is never cut out. Here a band is a
/// run of rows whose two ends both stray from the ground (whatever is on
/// the band between them), and the box is what the rows above it and
/// below it hold, each trimmed of the ground as the whole picture is, put
/// together: the drawing's own box where the band crosses it (the band's
/// stretch across the drawing stays in, as a watermark's does), or its
/// box beside the band. The ground is a colour that two corners or more
/// share, as a band at an edge takes the other two, and that lines at
/// least half the picture's edge. A band down the picture (a banner at
/// its side) is one across it turned a quarter: the same is asked of the
/// picture with its rows and columns swapped.
fn past_bands(grey: &GrayImage) -> Vec<(u32, u32, u32, u32)> {
    let (w, h) = grey.dimensions();
    if w < MIN_SIDE || h < MIN_SIDE {
        return Vec::new();
    }
    // A plain ground lines at least half the picture's edge (a band takes
    // two short stretches of it, or one long side): one that two corners
    // of a photograph happen to share does not.
    let edge = (0..w)
        .flat_map(|x| [(x, 0), (x, h - 1)])
        .chain((1..h - 1).flat_map(|y| [(0, y), (w - 1, y)]));
    let lines = |colour: u8| {
        2 * edge
            .clone()
            .filter(|&(x, y)| near(grey.get_pixel(x, y)[0], colour))
            .count()
            >= 2 * (w + h) as usize - 4
    };
    let corners = [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)].map(|(x, y)| grey.get_pixel(x, y)[0]);
    let mut grounds: Vec<u8> = Vec::new();
    for &c in &corners {
        let shared = corners.iter().filter(|&&o| near(o, c)).count() >= 2;
        if shared && !grounds.iter().any(|&g| near(g, c)) && lines(c) {
            grounds.push(c);
        }
    }
    if grounds.is_empty() {
        return Vec::new();
    }
    let mut out = past_rows(grey, &grounds);
    let swapped = GrayImage::from_fn(h, w, |x, y| *grey.get_pixel(y, x));
    out.extend(
        past_rows(&swapped, &grounds)
            .into_iter()
            .map(|(x, y, w, h)| (y, x, h, w)),
    );
    out
}

/// Whether grey levels `a` and `b` are one colour, as the trim takes them.
fn near(a: u8, b: u8) -> bool {
    a.abs_diff(b) <= TRIM_TOLERANCE
}

/// [`past_bands`] across the rows of `grey`, whose ground may be any of
/// `grounds`.
fn past_rows(grey: &GrayImage, grounds: &[u8]) -> Vec<(u32, u32, u32, u32)> {
    let (w, h) = grey.dimensions();
    // A row's ends: the mean of its first and last fiftieth, so a speck of
    // JPEG noise at the edge does not end a band.
    let k = (w / 50).max(1);
    let mean = |y: u32, xs: std::ops::Range<u32>| {
        let n = xs.len() as u32;
        (xs.map(|x| u32::from(grey.get_pixel(x, y)[0])).sum::<u32>() / n) as u8
    };
    let ends: Vec<(u8, u8)> = (0..h).map(|y| (mean(y, 0..k), mean(y, w - k..w))).collect();
    let mut out = Vec::new();
    for &colour in grounds {
        let across = |y: usize| !near(ends[y].0, colour) && !near(ends[y].1, colour);
        let mut bands: Vec<(u32, u32)> = Vec::new();
        let mut y = 0;
        while y < h as usize {
            if !across(y) {
                y += 1;
                continue;
            }
            let start = y;
            while y < h as usize && across(y) {
                y += 1;
            }
            let rows = (y - start) as u32;
            if rows >= (h / 50).max(2) && rows * 100 <= h * MAX_BAND {
                bands.push((start as u32, y as u32));
            }
        }
        bands.sort_by_key(|&(a, b)| std::cmp::Reverse(b - a));
        for &(a, b) in bands.iter().take(MAX_BANDS) {
            let held = [(0, a), (b, h)]
                .into_iter()
                .filter(|&(y0, y1)| y1 > y0)
                .map(|(y0, y1)| decode::trim_around(grey, (0, y0, w, y1 - y0), colour, decode::TRIM_STRAYS))
                .filter(|&(_, _, bw, bh)| bw > 0 && bh > 0)
                .reduce(|p, q| {
                    let (x0, y0) = (p.0.min(q.0), p.1.min(q.1));
                    let (x1, y1) = ((p.0 + p.2).max(q.0 + q.2), (p.1 + p.3).max(q.1 + q.3));
                    (x0, y0, x1 - x0, y1 - y0)
                });
            out.extend(held);
        }
    }
    out
}

/// The rectangles of `grey` that may show a work whole, chosen without
/// looking at any, in the order they are compared: its [`figures`] on a
/// plain ground, then (made only when asked for: a picture cut out of its
/// ground needs no grid) the [`cells`] it would have as a collage, of the
/// trimmed picture `trim` and of the whole, that are no figure.
///
/// Both, as the grid may be either's. A collage laid on a larger plain
/// ground is a grid once trimmed; but a collage without gutters whose
/// pictures at its edges were fitted into their cells with bars of white
/// beside them loses those bars to the trim, and its trimmed picture's
/// grid no longer falls where the pictures meet: each cell then holds a
/// strip of its neighbour, which no trim of its own removes.
pub(crate) fn regions(grey: &GrayImage, trim: (u32, u32, u32, u32)) -> impl Iterator<Item = Vec<Rect>> + '_ {
    let figures = figures(grey);
    let later = figures.clone();
    std::iter::once(figures).chain(std::iter::once_with(move || {
        let whole = (0, 0, grey.width(), grey.height());
        let mut all = cells(grey, trim);
        if trim != whole {
            all.extend(cells(grey, whole));
        }
        let mut kept: Vec<Rect> = Vec::with_capacity(all.len());
        for cell in all {
            if !later.contains(&cell) && !kept.contains(&cell) {
                kept.push(cell);
            }
        }
        kept
    }))
}

/// The cells of `(x, y, w, h)` in `grey` split into each of [`GRIDS`]
/// (n by m equal cells), each trimmed of its own border, as the whole
/// picture is: a gutter or frame between a collage's pictures.
pub(crate) fn cells(grey: &GrayImage, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<Rect> {
    let mut out = Vec::new();
    for &(n, m) in GRIDS {
        for (i, j) in (0..n).flat_map(|i| (0..m).map(move |j| (i, j))) {
            let (x0, x1) = (x + w * i / n, x + w * (i + 1) / n);
            let (y0, y1) = (y + h * j / m, y + h * (j + 1) / m);
            let cell = decode::trim_within(grey, (x0, y0, x1 - x0, y1 - y0));
            if cell.2 >= MIN_SIDE && cell.3 >= MIN_SIDE {
                out.push(Rect::from_trim(cell));
            }
        }
    }
    out
}

/// `grey` at half its size, each pixel the mean of four.
fn halved(grey: &GrayImage) -> GrayImage {
    let (w, h) = (grey.width() / 2, grey.height() / 2);
    let at = |x: u32, y: u32| u16::from(grey.as_raw()[(y * grey.width() + x) as usize]);
    GrayImage::from_fn(w, h, |x, y| {
        let sum = at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1);
        ::image::Luma([((sum + 2) / 4) as u8])
    })
}

/// The boxes of what the largest grounds of `grey` hold, each with its
/// ground's colour: all of a ground's holes together, and the largest
/// [`MAX_PARTS`] alone.
fn holes(grey: &GrayImage) -> Vec<(u8, Blob)> {
    let (w, h) = grey.dimensions();
    let pixels = (w * h) as usize;
    let value = |x: u32, y: u32| grey.as_raw()[(y * w + x) as usize];
    let mut stack = Vec::new();
    // A region grows only from a pixel that is level with its neighbours
    // to the right and below: a ground has thousands of them, and the
    // texture of a photograph fewer, so a photograph costs fewer fills.
    let level = |x: u32, y: u32| {
        let p = value(x, y);
        x + 1 < w && y + 1 < h && p.abs_diff(value(x + 1, y)) <= LEVEL && p.abs_diff(value(x, y + 1)) <= LEVEL
    };

    // Regions of one colour: each pixel within the tolerance of the first
    // pixel of its region, not of its neighbour, so a gradient is not a
    // ground.
    let mut label = vec![NONE; pixels];
    let mut grounds: Vec<(u32, u8, Blob)> = Vec::new();
    let mut next = 0;
    for y in 0..h {
        for x in 0..w {
            if label[(y * w + x) as usize] != NONE || !level(x, y) {
                continue;
            }
            let seed = value(x, y);
            let blob = flood(&mut label, (w, h), (x, y), next, &mut stack, |mark, nx, ny| {
                mark == NONE && near(value(nx, ny), seed)
            });
            if blob.count * MIN_GROUND >= pixels {
                grounds.push((next, seed, blob));
            }
            next += 1;
        }
    }
    grounds.sort_by_key(|(_, _, g)| std::cmp::Reverse(g.count));
    grounds.truncate(MAX_GROUNDS);

    let mut out = Vec::new();
    let mut seen = vec![NONE; pixels];
    for (n, &(id, colour, ground)) in grounds.iter().enumerate() {
        // Within the ground's box, what is not the ground and reaches the
        // box's edge around it is outside; what is left is held by it.
        let n = n as u32 * 2;
        let (outside, hole) = (n, n + 1);
        let other = |x: u32, y: u32| label[(y * w + x) as usize] != id;
        let inside = |x: u32, y: u32| x >= ground.x0 && x <= ground.x1 && y >= ground.y0 && y <= ground.y1;
        let edge = (ground.x0..=ground.x1)
            .flat_map(|x| [(x, ground.y0), (x, ground.y1)])
            .chain((ground.y0..=ground.y1).flat_map(|y| [(ground.x0, y), (ground.x1, y)]));
        for (x, y) in edge {
            // Each ground marks its own: a pixel another ground marked is
            // marked again.
            if other(x, y) && seen[(y * w + x) as usize] != outside {
                flood(&mut seen, (w, h), (x, y), outside, &mut stack, |_, nx, ny| {
                    inside(nx, ny) && other(nx, ny)
                });
            }
        }
        let mut parts: Vec<Blob> = Vec::new();
        for y in ground.y0..=ground.y1 {
            for x in ground.x0..=ground.x1 {
                let i = (y * w + x) as usize;
                if other(x, y) && seen[i] != outside && seen[i] != hole {
                    let part = flood(&mut seen, (w, h), (x, y), hole, &mut stack, |_, nx, ny| {
                        inside(nx, ny) && other(nx, ny)
                    });
                    if part.count >= MIN_PART_PIXELS {
                        parts.push(part);
                    }
                }
            }
        }
        parts.sort_by_key(|p| std::cmp::Reverse(p.count));
        let Some(largest) = parts.first().map(|p| p.count) else {
            continue;
        };
        parts.retain(|p| p.count * MIN_PART >= largest);
        let all = parts
            .iter()
            .copied()
            .reduce(|a, b| a.union(&b))
            .expect("the largest part is kept");
        out.extend(
            std::iter::once(all)
                .chain(parts.into_iter().take(MAX_PARTS))
                .map(|b| (colour, b)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::rng::Rng;

    /// A picture of grey noise, like a photograph's texture at its worst.
    fn noise(rng: &mut Rng, (w, h): (u32, u32)) -> GrayImage {
        GrayImage::from_fn(w, h, |_, _| ::image::Luma([rng.below(256) as u8]))
    }

    fn fill(img: &mut GrayImage, (x0, y0, x1, y1): (u32, u32, u32, u32), v: u8) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, ::image::Luma([v]));
            }
        }
    }

    fn disc(img: &mut GrayImage, (cx, cy): (f32, f32), r: f32, v: u8) {
        for (x, y, p) in img.enumerate_pixels_mut() {
            if (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy) <= r {
                *p = ::image::Luma([v]);
            }
        }
    }

    fn rect((x, y, w, h): (u32, u32, u32, u32)) -> Rect {
        Rect::from_trim((x, y, w, h))
    }

    #[test]
    fn a_drawing_on_a_card_is_cut_out_whole_and_by_its_parts() {
        let mut img = noise(&mut Rng::new(7), (256, 200));
        // A white card on the noise, with a disc and a bar on it, at odd
        // places so the half-size search must be trimmed back to them.
        fill(&mut img, (121, 31, 231, 151), 250);
        disc(&mut img, (151.0, 81.0), 20.0, 30);
        fill(&mut img, (181, 63, 203, 135), 90);
        let found = figures(&img);
        assert!(found.contains(&rect((131, 61, 72, 74))), "both parts: {found:?}");
        assert!(found.contains(&rect((131, 61, 40, 40))), "the disc: {found:?}");
        assert!(found.contains(&rect((181, 63, 22, 72))), "the bar: {found:?}");
    }

    #[test]
    fn a_print_is_cut_out_of_its_shirt_and_specks_are_left_out() {
        // A light backdrop, a dark "shirt" with a notch cut into its top
        // edge from outside (a neckline, which is not held by the shirt),
        // a print on it and a speck of two pixels far from the print.
        let mut img = GrayImage::from_pixel(240, 240, ::image::Luma([235]));
        fill(&mut img, (40, 30, 200, 230), 70);
        fill(&mut img, (100, 30, 140, 60), 235);
        disc(&mut img, (120.0, 130.0), 30.0, 200);
        fill(&mut img, (60, 210, 62, 211), 140);
        let found = figures(&img);
        assert!(found.contains(&rect((90, 100, 60, 60))), "the print: {found:?}");
        // The shirt itself, held by the backdrop, is a figure too; nothing
        // reaches out to the speck or into the neckline (the looser trims
        // of the print only take a pixel off its round edge).
        let shirt = rect((40, 30, 160, 200));
        assert!(found.contains(&shirt), "the shirt: {found:?}");
        let print = rect((90, 100, 60, 60));
        for r in found.iter().filter(|&&r| r != shirt) {
            let inside = r.x >= print.x && r.y >= print.y && r.x + r.w <= print.x + print.w;
            assert!(
                inside && r.y + r.h <= print.y + print.h,
                "{r:?} strays out of the print: {found:?}"
            );
        }
    }

    #[test]
    fn a_watermark_across_the_margin_is_trimmed_off_the_figure() {
        // A drawing (a bar and a block) on a white card over noise, and a
        // band of dark "words" laid across the whole card that touches the
        // drawing, so the drawing's hole reaches out along it to the card's
        // edges. Trimmed of lines of which no more than 1 pixel in 100
        // strays, the box keeps the band's reach; trimmed looser, it is the
        // drawing's own.
        let mut img = noise(&mut Rng::new(11), (300, 260));
        fill(&mut img, (20, 20, 280, 240), 250);
        fill(&mut img, (90, 60, 130, 200), 30);
        fill(&mut img, (150, 100, 210, 160), 90);
        let mut x = 24;
        while x < 276 {
            fill(&mut img, (x, 120, (x + 14).min(276), 128), 60);
            x += 20;
        }
        let found = figures(&img);
        assert!(found.contains(&rect((90, 60, 120, 140))), "the drawing: {found:?}");
        // The band is 8 rows of the 140 the drawing spans, under a
        // sixteenth of a column; the exact trim keeps the blocks the
        // drawing touches.
        let exact = found.iter().find(|r| r.y == 60.0 && r.h == 140.0 && r.x < 90.0);
        assert!(exact.is_some(), "the box that keeps the band: {found:?}");
    }

    #[test]
    fn a_band_across_the_picture_is_left_out_of_the_figure() {
        // A drawing (a bar and a block) on white, and an opaque band with
        // light "words" across the whole picture, through the drawing.
        let mut img = GrayImage::from_pixel(300, 260, ::image::Luma([250]));
        fill(&mut img, (90, 60, 130, 200), 30);
        fill(&mut img, (150, 100, 210, 160), 90);
        fill(&mut img, (0, 110, 300, 140), 60);
        let mut x = 20;
        while x < 280 {
            fill(&mut img, (x, 120, (x + 14).min(280), 130), 230);
            x += 20;
        }
        assert_eq!(decode::trim(&img), (0, 60, 300, 140), "the trim keeps the band's width");
        let found = figures(&img);
        assert!(found.contains(&rect((90, 60, 120, 140))), "the drawing: {found:?}");
        // Beside the drawing, the band is left out of the box altogether;
        // at the picture's edge it takes two corners, and the other two
        // still give the ground.
        for band in [(0, 200, 300, 230), (0, 0, 300, 30)] {
            let mut img = GrayImage::from_pixel(300, 260, ::image::Luma([250]));
            fill(&mut img, (90, 60, 130, 180), 30);
            fill(&mut img, band, 60);
            assert!(
                figures(&img).contains(&rect((90, 60, 40, 120))),
                "{band:?}: {:?}",
                figures(&img)
            );
        }
        // Down the picture, the same.
        let mut img = GrayImage::from_pixel(260, 300, ::image::Luma([250]));
        fill(&mut img, (60, 90, 200, 130), 30);
        fill(&mut img, (110, 0, 140, 300), 60);
        assert!(
            figures(&img).contains(&rect((60, 90, 140, 40))),
            "down: {:?}",
            figures(&img)
        );
        // A photograph's rows reach its edges everywhere: no band.
        assert!(past_bands(&noise(&mut Rng::new(5), (200, 200))).is_empty());
    }

    #[test]
    fn noise_and_flat_pictures_hold_no_figure() {
        assert!(figures(&noise(&mut Rng::new(3), (256, 256))).is_empty());
        assert!(figures(&GrayImage::from_pixel(256, 256, ::image::Luma([128]))).is_empty());
        // A gradient is cut into bands (each pixel is within the tolerance
        // of its band's first, not of the far side), none holding anything.
        let ramp = GrayImage::from_fn(256, 256, |x, _| ::image::Luma([x as u8]));
        assert!(figures(&ramp).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the picture (of any size, one pixel wide included, in
        /// blocks of a few colours that make grounds, holes and holes in
        /// holes), the figures lie inside it, each once, and no more than
        /// the limit; and nothing panics.
        #[test]
        fn figures_lie_inside_the_picture(
            w in 1u32..90,
            h in 1u32..90,
            block in 1u32..12,
            colours in proptest::collection::vec(prop_oneof![Just(0u8), Just(128u8), Just(255u8)], 64),
        ) {
            let img = GrayImage::from_fn(w, h, |x, y| {
                ::image::Luma([colours[((x / block) * 7 + (y / block) * 3) as usize % colours.len()]])
            });
            let found = figures(&img);
            prop_assert!(found.len() <= MAX_GROUNDS * (1 + MAX_PARTS) * (1 + LOOSE_TRIMS.len()) + 4 * MAX_BANDS);
            for (i, r) in found.iter().enumerate() {
                prop_assert!(r.x >= 0.0 && r.y >= 0.0 && r.w >= MIN_SIDE as f32 && r.h >= MIN_SIDE as f32);
                prop_assert!(r.x + r.w <= w as f32 && r.y + r.h <= h as f32, "{:?} in {}x{}", r, w, h);
                prop_assert!(!found[..i].contains(r));
            }
        }
    }
}
