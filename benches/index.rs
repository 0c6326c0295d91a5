//! Radius queries over hashes, against a plain popcount scan:
//!
//! - `radius_32`: the exact multi-index [`HammingIndex`] over 256-bit
//!   hashes at radius 32, at 10^4, 10^5 and 10^6 random hashes, for queries
//!   with a match planted 20 bits away and for random queries (which match
//!   nothing);
//! - `signature_128`: the comparator's look-up, a [`SlotIndex`] of 512-bit
//!   signatures at [`MATCH_DISTANCE`] (128), over as many random
//!   signatures, for near copies planted 102 bits away (20% of the bits,
//!   split evenly between the halves) and for random queries;
//! - `coarse_20`: the partial-match search's look-up, a [`SlotIndex`] of
//!   64-bit coarse hashes at 20 bits, for copies planted about 10 bits
//!   away and random queries;
//! - `listing`: every look-up one unmatched listing image makes (the
//!   whole picture, the crops, the windows of one shape among the views
//!   (1,077, [`windows_per_shape`]), the turned views and the 8 cut
//!   rectangles, and last the same windows among the turned views), over the synthetic views of 100,
//!   10 000 and 100 000 works (2 views a work, 48 turned views and 66
//!   crops a view, all of one shape: a view the trim took some of has 48,
//!   one it took none of 16), and what the search does with the
//!   windows' finds (each found once, with its closest window); against
//!   the same look-ups by scan, alone. Apart (`windows_among_crops`): the
//!   same windows among the crops, one bit a slot, which an unmatched
//!   picture asks last but for the patterns (*Crops pasted*). Random hashes stand in for the views: the
//!   look-ups, not the hashing, are timed. Before timing, it prints how
//!   many unrelated views lie as near a window as a copy would (the
//!   search lines up only the six nearest), for 100, 10,000 and 100,000
//!   works.
//!
//! Each iteration is one query, taken in turn from 256 different ones: one
//! query repeated would keep its buckets and candidates in the cache and
//! flatter the index about tenfold at 10^6.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use knockoff::image::index::{
    closest_each, linear_scan, nearest_found, HammingIndex, SlotIndex, Slotted, StrictCoarse,
};
use knockoff::image::{
    windows_per_shape, Hash256, Signature, CLOSEST_SOUGHT, CROPS_PER_VIEW, CROP_SLOT_RADIUS, MATCH_DISTANCE,
};
use knockoff::rng::Rng;

const RADIUS: u32 = 32;
/// The partial-match search's proposal radius, of 64 bits.
const PROPOSE_DISTANCE: u32 = 20;
/// Distinct queries of each kind.
const QUERIES: usize = 256;

/// The linear scan the index replaces.
fn scan(hashes: &[Hash256], q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
    let mut found = linear_scan(hashes, q, radius);
    found.sort_unstable_by_key(|&(id, d)| (d, id));
    found
}

fn signature(state: &mut Rng) -> Signature {
    Signature {
        dct: Hash256::random(state),
        gradient: Hash256::random(state),
    }
}

/// `h` with about `flips / 4` of its bits flipped (a 256-bit hash's flips
/// fall a quarter in each word).
fn coarse_near(h: u64, flips: u32, state: &mut Rng) -> u64 {
    Hash256([h, 0, 0, 0]).with_flips(flips, state).0[0]
}

fn groups(c: &mut Criterion) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group("index");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group
}

fn radius_32(c: &mut Criterion) {
    let mut group = groups(c);
    for n in [10_000usize, 100_000, 1_000_000] {
        let mut state = Rng::new(n as u64);
        let hashes: Vec<Hash256> = (0..n).map(|_| Hash256::random(&mut state)).collect();
        let planted: Vec<Hash256> = (0..QUERIES)
            .map(|i| hashes[i * (n / QUERIES)].with_flips(20, &mut state))
            .collect();
        let random: Vec<Hash256> = (0..QUERIES).map(|_| Hash256::random(&mut state)).collect();
        let index = HammingIndex::new(hashes.clone());
        for (i, q) in planted.iter().enumerate() {
            assert_eq!(index.nearest_within(q, RADIUS), Some(((i * (n / QUERIES)) as u32, 20)));
        }
        assert_eq!(index.query(&random[0], RADIUS), scan(&hashes, &random[0], RADIUS));
        for (name, queries) in [("planted", &planted), ("random", &random)] {
            group.bench_with_input(
                BenchmarkId::new(format!("r32_index_{name}"), n),
                queries,
                |b, queries| {
                    let mut next = queries.iter().cycle();
                    b.iter(|| index.query(black_box(next.next().unwrap()), RADIUS))
                },
            );
            group.bench_with_input(
                BenchmarkId::new(format!("r32_scan_{name}"), n),
                queries,
                |b, queries| {
                    let mut next = queries.iter().cycle();
                    b.iter(|| scan(&hashes, black_box(next.next().unwrap()), RADIUS))
                },
            );
        }
    }
    group.finish();
}

/// A slot index against the exact scan at `radius`, for planted and
/// random queries; prints how many planted copies the first stage kept.
fn slot_vs_scan<T: Slotted>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    hashes: &[T],
    planted: &[(u32, T)],
    random: &[T],
    radius: u32,
) {
    let n = hashes.len();
    let index = SlotIndex::new(hashes.to_vec());
    let kept = planted
        .iter()
        .filter(|(id, q)| index.within(q, radius).iter().any(|&(i, _)| i == *id))
        .count();
    let candidates: usize = random.iter().map(|q| index.within(q, radius).len()).sum();
    println!(
        "{name} n={n}: {kept} of {} planted copies kept by the first stage; {candidates} matches for {} random queries",
        planted.len(),
        random.len()
    );
    let planted: Vec<T> = planted.iter().map(|&(_, q)| q).collect();
    for (kind, queries) in [("planted", &planted), ("random", &random.to_vec())] {
        group.bench_with_input(
            BenchmarkId::new(format!("{name}_index_{kind}"), n),
            queries,
            |b, queries| {
                let mut next = queries.iter().cycle();
                b.iter(|| index.within(black_box(next.next().unwrap()), radius))
            },
        );
        group.bench_with_input(
            BenchmarkId::new(format!("{name}_scan_{kind}"), n),
            queries,
            |b, queries| {
                let mut next = queries.iter().cycle();
                b.iter(|| linear_scan(hashes, black_box(next.next().unwrap()), radius))
            },
        );
    }
}

fn comparator_lookups(c: &mut Criterion) {
    let mut group = groups(c);
    for n in [10_000usize, 100_000, 1_000_000] {
        let mut state = Rng::new(n as u64 ^ 0x5157);
        let sigs: Vec<Signature> = (0..n).map(|_| signature(&mut state)).collect();
        let planted: Vec<(u32, Signature)> = (0..QUERIES)
            .map(|i| {
                let id = i * (n / QUERIES);
                let near = Signature {
                    dct: sigs[id].dct.with_flips(51, &mut state),
                    gradient: sigs[id].gradient.with_flips(51, &mut state),
                };
                (id as u32, near)
            })
            .collect();
        let random: Vec<Signature> = (0..QUERIES).map(|_| signature(&mut state)).collect();
        slot_vs_scan(&mut group, "sig128", &sigs, &planted, &random, MATCH_DISTANCE);
        drop(sigs);

        let coarse: Vec<u64> = (0..n).map(|_| state.next_u64()).collect();
        let planted: Vec<(u32, u64)> = (0..QUERIES)
            .map(|i| {
                let id = i * (n / QUERIES);
                (id as u32, coarse_near(coarse[id], 40, &mut state))
            })
            .collect();
        let random: Vec<u64> = (0..QUERIES).map(|_| state.next_u64()).collect();
        slot_vs_scan(&mut group, "coarse20", &coarse, &planted, &random, PROPOSE_DISTANCE);
    }
    group.finish();
}

/// The look-ups of one unmatched listing image, over `works` works' worth
/// of synthetic views.
struct Registry {
    whole: Vec<Signature>,
    crops: Vec<u64>,
    shaped: Vec<u64>,
    turned: Vec<Signature>,
    /// The turned views' coarse hashes, which the last stage's windows
    /// look up (one bit a slot).
    turned_shaped: Vec<StrictCoarse>,
    /// Per angle: the cut rectangles' signatures.
    inner: Vec<Vec<Signature>>,
}

const ANGLES: usize = 8;

/// Turned views a view, at most: a view the trim took some of is held
/// turned 16 ways three times over (cut free of corners, filled with its
/// ground, and all of it as registered cut free of corners); one it took
/// none of, once. The bench takes the most.
const TURNED_A_VIEW: usize = 48;

/// Cut rectangles' signatures a view, an angle, at most: either way, of
/// the view and of all of it as registered.
const INNER_A_VIEW: usize = 4;

impl Registry {
    fn new(works: usize, state: &mut Rng) -> Registry {
        let views = 2 * works;
        Registry {
            whole: (0..views).map(|_| signature(state)).collect(),
            crops: (0..CROPS_PER_VIEW * views).map(|_| state.next_u64()).collect(),
            shaped: (0..views).map(|_| state.next_u64()).collect(),
            turned: (0..TURNED_A_VIEW * views).map(|_| signature(state)).collect(),
            turned_shaped: (0..TURNED_A_VIEW * views)
                .map(|_| StrictCoarse(state.next_u64()))
                .collect(),
            inner: (0..ANGLES)
                .map(|_| (0..INNER_A_VIEW * views).map(|_| signature(state)).collect())
                .collect(),
        }
    }
}

/// A listing image's hashes: whole, coarse, windows, cut rectangles.
struct Listing {
    signature: Signature,
    coarse: u64,
    windows: Vec<u64>,
    cut: Vec<Signature>,
}

/// What the partial-match search does with its windows' look-ups: each
/// hash some window finds, once (the `most` nearest, as the search keeps
/// [`CLOSEST_SOUGHT`]), with the distance of its closest window (the
/// search then lines up the best few), given to `each`. Returns how many
/// were kept.
fn proposals(
    windows: &[u64],
    coarse: impl Fn(usize) -> u64,
    within: impl Fn(u64) -> Vec<(u32, u32)>,
    most: usize,
    mut each: impl FnMut(u32),
) -> usize {
    let found = nearest_found(windows.iter().flat_map(|&w| within(w)).collect(), most);
    closest_each(windows, found.iter().map(|&i| coarse(i as usize)), |_, d, _| each(d));
    found.len()
}

/// Prints, for each distance from 8 to 16 bits, how many unrelated views
/// have their closest window within it (`counts` per distance, summed over
/// `listings` pictures, printed per picture): a copy whose closest window
/// is that far off competes with them for the six proposals the search
/// lines up first.
fn print_crowding(works: usize, what: &str, counts: &[usize], listings: usize) {
    let mut line = format!("{what} at {works} works, unrelated views found within d of a window:");
    let mut total = 0;
    for (d, n) in counts.iter().enumerate().skip(8) {
        total += n;
        if d <= 16 {
            line += &format!(" d={d}: {:.1}", total as f64 / listings as f64);
        }
    }
    println!("{line}");
}

fn listing(c: &mut Criterion) {
    let mut group = groups(c);
    for works in [100usize, 10_000, 100_000] {
        let mut state = Rng::new(works as u64);
        let r = Registry::new(works, &mut state);
        let listings: Vec<Listing> = (0..16)
            .map(|_| Listing {
                signature: signature(&mut state),
                coarse: state.next_u64(),
                windows: (0..windows_per_shape()).map(|_| state.next_u64()).collect(),
                cut: (0..ANGLES).map(|_| signature(&mut state)).collect(),
            })
            .collect();
        let whole = SlotIndex::new(r.whole.clone());
        let crops = SlotIndex::new(r.crops.clone());
        let shaped = SlotIndex::new(r.shaped.clone());
        let turned = SlotIndex::new(r.turned.clone());
        let turned_shaped = SlotIndex::with_copies(r.turned_shaped.clone());
        let inner: Vec<SlotIndex<Signature>> = r.inner.iter().map(|v| SlotIndex::new(v.clone())).collect();
        let turned_coarse = |t: usize| r.turned_shaped[t].0;
        let mut counts = [[0usize; PROPOSE_DISTANCE as usize + 1]; 2];
        for l in &listings {
            let within = |w| shaped.within(&w, PROPOSE_DISTANCE);
            proposals(
                &l.windows,
                |v| r.shaped[v],
                within,
                usize::MAX,
                |d| counts[0][d as usize] += 1,
            );
            let within = |w| turned_shaped.within(&StrictCoarse(w), PROPOSE_DISTANCE);
            proposals(&l.windows, turned_coarse, within, usize::MAX, |d| {
                counts[1][d as usize] += 1
            });
        }
        print_crowding(works, "views", &counts[0], listings.len());
        print_crowding(works, "turned views", &counts[1], listings.len());
        group.bench_with_input(BenchmarkId::new("listing_index", works), &listings, |b, listings| {
            let mut next = listings.iter().cycle();
            b.iter(|| {
                let l = black_box(next.next().unwrap());
                let mut found = whole.within(&l.signature, MATCH_DISTANCE).len();
                found += crops.within(&l.coarse, PROPOSE_DISTANCE).len();
                let mut closest = u32::MAX;
                let within = |w| shaped.within(&w, PROPOSE_DISTANCE);
                let nearest = |d: u32| closest = closest.min(d);
                found += proposals(&l.windows, |v| r.shaped[v], within, CLOSEST_SOUGHT, nearest);
                found += turned.within(&l.signature, MATCH_DISTANCE).len();
                for (index, cut) in inner.iter().zip(&l.cut) {
                    found += index.within(cut, MATCH_DISTANCE).len();
                }
                let within = |w| turned_shaped.within(&StrictCoarse(w), PROPOSE_DISTANCE);
                found += proposals(&l.windows, turned_coarse, within, CLOSEST_SOUGHT, |d| {
                    closest = closest.min(d)
                });
                black_box(closest);
                found
            })
        });
        group.bench_with_input(
            BenchmarkId::new("windows_among_crops", works),
            &listings,
            |b, listings| {
                let mut next = listings.iter().cycle();
                b.iter(|| {
                    let l = black_box(next.next().unwrap());
                    (l.windows.iter())
                        .map(|&w| crops.within_strictly(&w, PROPOSE_DISTANCE, CROP_SLOT_RADIUS).len())
                        .sum::<usize>()
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("listing_scan", works), &listings, |b, listings| {
            let mut next = listings.iter().cycle();
            b.iter(|| {
                let l = black_box(next.next().unwrap());
                let mut found = linear_scan(&r.whole, &l.signature, MATCH_DISTANCE).len();
                found += linear_scan(&r.crops, &l.coarse, PROPOSE_DISTANCE).len();
                for w in &l.windows {
                    found += linear_scan(&r.shaped, w, PROPOSE_DISTANCE).len();
                }
                found += linear_scan(&r.turned, &l.signature, MATCH_DISTANCE).len();
                for (sigs, cut) in r.inner.iter().zip(&l.cut) {
                    found += linear_scan(sigs, cut, MATCH_DISTANCE).len();
                }
                for &w in &l.windows {
                    found += linear_scan(&r.turned_shaped, &StrictCoarse(w), PROPOSE_DISTANCE).len();
                }
                found
            })
        });
    }
    group.finish();
}

criterion_group!(benches, radius_32, comparator_lookups, listing);
criterion_main!(benches);
