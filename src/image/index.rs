//! Radius search over hashes cut into 16-bit slots.
//!
//! [`HammingIndex`] holds a list of [`Hash256`]s, each known by its position,
//! and answers "which of them lie within `r` bits of this one?" exactly,
//! without looking at most of them when `r` is small (a quarter of the bits
//! at most). [`SlotIndex`], the comparator's first stage, answers the same
//! question at the comparator's far larger radii for the hashes that also
//! share a slot with the query (below), which it can do without looking
//! at most of them at any radius.
//!
//! # Why multi-index hashing
//!
//! Trees over Hamming space (BK-trees, VP-trees) prune by the triangle
//! inequality, which barely prunes here: between unrelated hashes distances
//! bunch tightly around half the bits, so every branch's interval overlaps
//! the query's. Measured on this machine (per the issue that asked for this
//! index), at radius 10 of 64 bits a BK-tree is 30–70× *slower* than a plain
//! popcount scan, while multi-index hashing (Norouzi, Punjani and Fleet,
//! 2012; also what Meta's PDQ uses), which looks hashes up by exact pieces
//! of them, answers 10^6 codes in about 0.1 ms. This one does: 70–80 µs at
//! radius 32 of 256 over 10^6 hashes, 30× faster than a scan (below).
//!
//! # How
//!
//! Each hash is cut into 16 *slots* of 16 bits (slot `s` is bits
//! `16 s .. 16 s + 16`). For each slot the index keeps every id sorted by
//! that slot's value, as a CSR table: `offsets[key] .. offsets[key + 1]` is
//! the run of ids whose slot holds `key`, so a look-up is two array reads
//! and no hashing. (The sorted `(key, id)` pairs are stored as the ids alone:
//! the offsets already say which key each run belongs to.)
//!
//! A query of radius `r = 16 a + b` (`0 ≤ b < 16`) relies on the pigeonhole
//! principle in Norouzi et al.'s sharpened form: if a hash is within `r`,
//! then one of slots `0..=b` differs in at most `a` bits, or one of slots
//! `b + 1..16` in at most `a - 1` (otherwise the slots would differ in at
//! least `(b + 1)(a + 1) + (15 - b) a = r + 1` bits). So the query probes,
//! in slots `0..=b`, every key within `a` bits of its own slot value, and in
//! the other slots every key within `a - 1` (none when `a = 0`). At radius
//! 32 that is 137 keys in one slot and 17 in each of the other 15, 392 in
//! all, where the plain pigeonhole bound (radius 2 in all 16 slots) would
//! probe 2 192. Every id found is checked with the full popcount distance,
//! so the answer is exact; an id found in several slots is simply checked
//! again (as cheap as a "seen" marker, with no state to reset), and the few
//! matches are sorted and deduplicated.
//!
//! # When it scans instead
//!
//! A probe of `K` keys over `n` hashes of well-spread bits costs `K` table
//! look-ups plus `K · n / 65 536` candidate checks, each a random read;
//! a scan costs `n` sequential popcounts (2.2 ns each here). Measured (one
//! query at a time, 200 distinct random queries, hashes uniformly random;
//! index / scan, µs):
//!
//! | hashes | r = 15    | r = 32     | r = 47     | r = 48     | r = 63      |
//! |-------:|----------:|-----------:|-----------:|-----------:|------------:|
//! | 300    | 0.06/0.74 | 0.88/0.75  | 4.3/0.74   | 5.1/0.73   | 18.7/0.73   |
//! | 1 000  | 0.11/2.5  | 0.95/2.5   | 4.7/2.4    | 5.6/2.5    | 20.2/2.4    |
//! | 3 000  | 0.08/7.3  | 1.3/7.4    | 6.2/7.3    | 6.7/7.4    | 24.1/7.4    |
//! | 10^4   | 0.16/25   | 2.8/25     | 11.5/25    | 11.0/25    | 38/25       |
//! | 10^5   | 1.3/248   | 17/247     | 87/247     | 92/245     | 279/248     |
//! | 10^6   | 9.5/2 564 | 102/2 550  | 472/2 550  | 583/2 531  | 2 229/2 551 |
//!
//! So a key costs about one scanned hash and a candidate about six; no
//! single size or radius is the crossover, and the query decides by that
//! cost model (see `probing_pays`, which counts a candidate as eight for
//! hashes less even than random ones): it probes when
//! `K (1 + n / 8 192) < n`, so at radius 32 (`K` = 392) from about 410
//! hashes, at 48 (2 752) from about 4 100, and at 63 (11 152) never: there
//! the candidates are a sixth of the index and a scan wins. Radius 64 and
//! beyond (`K` ≥ 12 972) always scans. Below [`MIN_INDEXED`] (1 024)
//! hashes no tables are built at all: the tables cost 4 MiB whatever the
//! size, and a scan there takes at most 2.5 µs.
//!
//! # Measured
//!
//! `benches/index.rs` (criterion): uniformly random hashes, radius 32 of
//! 256, one query per iteration taken in turn from 256 distinct ones, on 2
//! shared cores of this machine:
//!
//! | hashes | index, match planted at 20 | index, random query | scan    |
//! |-------:|---------------------------:|--------------------:|--------:|
//! | 10^4   | 2.2 µs                     | 1.75 µs             | 21 µs   |
//! | 10^5   | 6.5–7.1 µs                 | 5.7–6.3 µs          | 213 µs  |
//! | 10^6   | 70–82 µs                   | 69–77 µs            | 2.2 ms  |
//!
//! (Ranges: two runs. A planted query costs a little more than a random
//! one: its match turns up in several slots, and is checked and sorted.)
//!
//! Building the tables for 10^6 hashes takes 130 ms and 68 MiB (an id per
//! hash per slot, plus the offsets); for 10^4, 1 ms.
//!
//! # The comparator's first stage: [`SlotIndex`]
//!
//! The comparator asks for signatures (512 bits: a DCT and a gradient
//! hash) within a quarter or a fifth of their bits, and for 64-bit coarse
//! hashes within 20 bits. No exact index prunes there: 128 of 512 bits is
//! 64 of each half, where the table above already loses to a scan at 63.
//! So the comparator's look-ups go through a [`SlotIndex`], which gives up
//! exactness for a rule it applies the same way at every size: a hash is
//! a *candidate* when some 16-bit slot of it is within
//! [`Slotted::SLOT_RADIUS`] bits of the query's (one for signatures, two
//! for the 4 slots of a coarse hash), and a candidate is answered when it
//! is within the radius. Locality-sensitive hashing, in effect, with the
//! slots as the hash functions: a copy whose bits differ at a rate `p`
//! keeps a slot within one bit with probability
//! `(1-p)^16 + 16 p (1-p)^15`, so at least one of 32 with probability
//! 99.2% at `p` = 20% and 88% at 25%, while an unrelated signature shares
//! such a slot 17 times in 65 536 per slot, 0.83% of them in all.
//!
//! Measured on the labelled set (`knockoff fixtures images`, 1 490
//! pictures, of which 400 copies; the 399 found before this index), the
//! comparison that found each copy, against its view:
//!
//! | found by                  | copies | distance median | max |
//! |---------------------------|-------:|----------------:|----:|
//! | whole picture             |    250 |              15 | 126 |
//! | turned view, whole        |     21 |              48 | 126 |
//! | turned view, cut per angle|     67 |              36 | 109 |
//! | window (search)           |     38 |              23 |  91 |
//! | crop of a work (search)   |     23 |              21 | 100 |
//!
//! (DCT half at most 76 of 256, gradient half 71.) The closest of the 32
//! slots was 0 bits off for 386 of them, 1 bit for 12 and 2 bits for one
//! (a 10% crop, 109 bits off). So a rule of exact slots would have lost 13
//! of them (5 crops, 3 pads, 5 turns), one bit 1, two bits none. The
//! binomial, at each copy's own rate of differing bits, expects 17.4, 0.98
//! and 0.0 lost: edits that disturb a band (a watermark, a border, a
//! crop) bunch the differing bits into few slots and leave the others
//! clean, which helps at 0 bits (watermarks: 0 lost where 1.0 was
//! expected) and is otherwise what the binomial says. One half alone (16
//! slots) would lose more: the DCT half 35, 3 and 0, the gradient half 20,
//! 4 and 1. One bit over all 32 slots it is: two would make 6.7% of
//! unrelated signatures candidates, eight times as many.
//!
//! The partial-match search proposes by coarse hash, 64 bits in 4 slots,
//! within 20 bits (31%): at that rate one bit per slot keeps a window only
//! 8% of the time, two bits 30% (at 20%: 46% and 82%). For the 38 copies
//! the search found in a window, the closest slot over the windows of the
//! work's shape was 0 bits off for 18, 1 for 19 and 2 for one; for the 23
//! found by a crop of a work, 0 for 21 and 1 for 2. With one bit, 4 copies
//! pasted on a background were lost (measured: recall 0.839 there); with
//! two, none. An unrelated coarse hash is a candidate 4 × 137 times in
//! 65 536 (0.84%). The turned views' coarse hashes, 16 a view, are filed
//! under one bit a slot instead ([`StrictCoarse`]): under two, the last
//! stage's windows met so many candidates among 100 000 works that one
//! listing image cost 155 ms of look-ups, against about 30 ms now.
//!
//! The cost model is [`HammingIndex`]'s: a signature query looks up 544
//! keys, a coarse one 548, so probing pays from about 600 hashes, and
//! below [`MIN_INDEXED`] no tables are built. When it scans, the scan
//! applies the same rule ([`candidate_scan`]), so a registry of 8 works
//! finds exactly what it would find among 100 000. The first stage still
//! looks at a fixed share of an unrelated registry (0.8%, a random read
//! each), so it is linear with a small slope rather than logarithmic: see
//! `benches/index.rs` and the README for the figures at 10^4–10^6.

use super::hash::{Hash256, Signature};
use crate::cache::prefetch;

/// Slots per 256-bit hash.
const SLOTS: usize = <Hash256 as Slotted>::SLOTS;
/// Bits per slot.
const SLOT_BITS: u32 = 16;
/// Distinct values of a slot.
const KEYS: usize = 1 << SLOT_BITS;

/// Below this many hashes no tables are built and every query scans: a
/// scan of 1 024 hashes takes about 2.5 µs, and the tables would cost 4 MiB
/// (16 offset tables of 65 537 entries) against 32 KiB of hashes.
pub const MIN_INDEXED: usize = 1_024;

/// The largest per-slot radius the index can probe; the cost model never
/// chooses more (4 bits would be at least 12 972 keys: more than a scan).
const MAX_PROBE: usize = 3;

/// Every 16-bit mask of at most `MAX_PROBE` set bits, ordered by the
/// number of set bits: the masks within `d` bits are the first
/// `MASKS_WITHIN[d]`.
static MASKS: [u16; MASK_COUNT] = masks();
const MASK_COUNT: usize = MASKS_WITHIN[MAX_PROBE];
const MASKS_WITHIN: [usize; 4] = [1, 17, 137, 697];

const fn masks() -> [u16; MASK_COUNT] {
    let mut out = [0u16; MASK_COUNT];
    let mut n = 1;
    let mut i = 0;
    while i < 16 {
        out[n] = 1 << i;
        n += 1;
        i += 1;
    }
    let mut i = 0;
    while i < 16 {
        let mut j = i + 1;
        while j < 16 {
            out[n] = (1 << i) | (1 << j);
            n += 1;
            j += 1;
        }
        i += 1;
    }
    let mut i = 0;
    while i < 16 {
        let mut j = i + 1;
        while j < 16 {
            let mut k = j + 1;
            while k < 16 {
                out[n] = (1 << i) | (1 << j) | (1 << k);
                n += 1;
                k += 1;
            }
            j += 1;
        }
        i += 1;
    }
    assert!(n == MASK_COUNT);
    out
}

/// A hash cut into 16-bit slots, which the slot tables file it under.
pub trait Slotted: Copy {
    /// The number of slots: every bit of the hash is in exactly one.
    const SLOTS: usize;
    /// How many bits a slot may differ by for a hash to be a candidate of
    /// a [`SlotIndex`] query (at most 3). See [`shares_slot`].
    const SLOT_RADIUS: u32;
    /// The value of slot `s`.
    fn slot(&self, s: usize) -> u16;
    /// The Hamming distance over all the bits.
    fn distance(&self, other: &Self) -> u32;
}

/// Slot `s` is bits `16 s .. 16 s + 16`.
impl Slotted for Hash256 {
    const SLOTS: usize = 16;
    const SLOT_RADIUS: u32 = 1;

    #[inline]
    fn slot(&self, s: usize) -> u16 {
        (self.0[s / 4] >> (SLOT_BITS as usize * (s % 4))) as u16
    }

    #[inline]
    fn distance(&self, other: &Self) -> u32 {
        Hash256::distance(self, other)
    }
}

/// The DCT hash's 16 slots, then the gradient hash's: a slot of the
/// gradient hash is one row of its 16×16 samples, of the DCT hash one row
/// of its 16×16 coefficients.
impl Slotted for Signature {
    const SLOTS: usize = 32;
    /// One: a copy whose bits differ at a rate `p` keeps a 16-bit slot
    /// within one bit with probability `(1-p)^16 + 16 p (1-p)^15` (0.14 at
    /// `p` = 20%), so misses all 32 slots with probability 0.8% at 20%,
    /// 12% at 25%; an unrelated signature shares such a slot 17 times in
    /// 65 536 per slot, so 0.83% of them are candidates. Two bits would
    /// make 6.7% of them candidates.
    const SLOT_RADIUS: u32 = 1;

    #[inline]
    fn slot(&self, s: usize) -> u16 {
        if s < Hash256::SLOTS {
            self.dct.slot(s)
        } else {
            self.gradient.slot(s - Hash256::SLOTS)
        }
    }

    #[inline]
    fn distance(&self, other: &Self) -> u32 {
        Signature::distance(self, other)
    }
}

/// The 64-bit coarse hash: slot `s` is bits `16 s .. 16 s + 16`.
impl Slotted for u64 {
    const SLOTS: usize = 4;
    /// Two: with only 4 slots, and proposals up to 20 of 64 bits (31%)
    /// off, one bit would leave too much to chance: at 25% errors a window
    /// keeps some slot within one bit with probability 0.23, within two
    /// 0.57 (and the right work is seen through many windows); an
    /// unrelated hash is a candidate 4 × 137 times in 65 536 (0.84%).
    const SLOT_RADIUS: u32 = 2;

    #[inline]
    fn slot(&self, s: usize) -> u16 {
        (self >> (SLOT_BITS as usize * s)) as u16
    }

    #[inline]
    fn distance(&self, other: &Self) -> u32 {
        (self ^ other).count_ones()
    }
}

/// A coarse hash filed under the stricter rule of one bit a slot: the
/// turned views' coarse hashes, which the last stage's windows look up.
///
/// There are 16 turned views a view, so under the views' rule (two bits
/// a slot) every window would meet 16 times as many unrelated candidates
/// (among 100 000 works' 3.2 million turned views, 27 000 a window, so
/// that one unmatched listing image read the whole table several times
/// over). One bit a slot makes 4 × 17 in 65 536 of them candidates, an
/// eighth as many. What it costs: of the 11 copies on the labelled set
/// that this stage found, the closest slot over the windows was 0 bits
/// off for 9 and 1 bit for 2 (each seen through 2 to 72 windows within
/// one bit), so none was lost; a copy whose every window is two bits off
/// in every slot would be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrictCoarse(pub u64);

impl From<u64> for StrictCoarse {
    fn from(hash: u64) -> Self {
        StrictCoarse(hash)
    }
}

impl Slotted for StrictCoarse {
    const SLOTS: usize = <u64 as Slotted>::SLOTS;
    const SLOT_RADIUS: u32 = 1;

    #[inline]
    fn slot(&self, s: usize) -> u16 {
        self.0.slot(s)
    }

    #[inline]
    fn distance(&self, other: &Self) -> u32 {
        self.0.distance(&other.0)
    }
}

/// Runs `f` compiled with the processor's popcount instruction, where it
/// has one. A build for any x86-64 counts bits with a dozen shifts, adds
/// and masks instead (the instruction came after the first x86-64
/// processors), and the partial-match search counts the bits of millions
/// of pairs a listing image once the registry is large: 481 windows
/// against each of 42,000 candidate views at 100,000 works took 27 ms,
/// 19 with the instruction. Detected when it runs, not assumed when it is
/// built: a virtual machine's default processor model may lack it, and
/// a binary that assumed it would stop there on an illegal instruction.
/// Only what is inlined into `f` is compiled so: the loops it runs are
/// plain loops over functions marked `#[inline(always)]`.
#[inline(always)]
pub fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "popcnt")]
        fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the processor has the one feature `run` is compiled
            // for; checked just above.
            return unsafe { run(f) };
        }
    }
    f()
}

/// The ids in `found` (id and distance pairs, as [`SlotIndex::within`]
/// answers them, from any number of look-ups), each once, in order of id:
/// all of them, or where there are more than `most`, the `most` found
/// nearest (by the least distance any look-up found each at; ties to the
/// lower id).
pub fn nearest_found(found: Vec<(u32, u32)>, most: usize) -> Vec<u32> {
    // Sorted by id, each id once with its least distance.
    let each_once = |mut found: Vec<(u32, u32)>| {
        found.sort_unstable();
        found.dedup_by_key(|p| p.0);
        found
    };
    let mut close = None;
    if found.len() > most {
        // An id's least distance is within `near` exactly when one of its
        // finds is, so where the finds within `near` hold `most` ids or
        // more, the `most` nearest are among them, and only those need
        // sorting (at 100,000 works a picture's windows make some 200,000
        // finds, most of them near the radius).
        const LAST: usize = 64;
        let mut counts = [0usize; LAST + 1];
        for &(_, d) in &found {
            counts[(d as usize).min(LAST)] += 1;
        }
        let mut total = 0;
        let near = counts.iter().position(|&c| {
            total += c;
            total >= most
        });
        if let Some(near) = near.filter(|&near| near < LAST) {
            let within = each_once(found.iter().copied().filter(|&(_, d)| d as usize <= near).collect());
            close = Some(within).filter(|within| within.len() >= most);
        }
    }
    let mut found = close.unwrap_or_else(|| each_once(found));
    if found.len() > most {
        found.select_nth_unstable_by_key(most, |&(id, d)| (d, id));
        found.truncate(most);
        found.sort_unstable();
    }
    found.into_iter().map(|(id, _)| id).collect()
}

/// For each of `targets` in turn, the distance to the closest of `hashes`
/// and where the first at that distance is, given to `each` with the
/// target's position; nothing for no hashes. The partial-match search asks this of every work its
/// windows find, over all the windows of a shape (1,077 in a square
/// picture): at 100,000 works, some 200,000 times a picture. Counted
/// eight hashes at a time with AVX-512's vector popcount where the
/// processor has it (detected at run time), else as [`with_popcnt`]
/// counts.
pub fn closest_each(hashes: &[u64], targets: impl Iterator<Item = u64>, each: impl FnMut(usize, u32, usize)) {
    #[inline(always)]
    fn run(hashes: &[u64], targets: impl Iterator<Item = u64>, mut each: impl FnMut(usize, u32, usize)) {
        if hashes.is_empty() {
            return;
        }
        for (t, target) in targets.enumerate() {
            // The least distance first, a loop the compiler vectorises;
            // then the first at it, eight at a time.
            let mut least = u32::MAX;
            for &h in hashes {
                least = least.min((target ^ h).count_ones());
            }
            let chunks = hashes.chunks_exact(8);
            let rest = chunks.remainder();
            let mut at = None;
            for (c, chunk) in chunks.enumerate() {
                let mut hit = 0u32;
                for (k, &h) in chunk.iter().enumerate() {
                    hit |= u32::from((target ^ h).count_ones() == least) << k;
                }
                if hit != 0 {
                    at = Some(8 * c + hit.trailing_zeros() as usize);
                    break;
                }
            }
            let at = at.or_else(|| {
                let first = hashes.len() - rest.len();
                rest.iter()
                    .position(|&h| (target ^ h).count_ones() == least)
                    .map(|k| first + k)
            });
            if let Some(at) = at {
                each(t, least, at);
            }
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "popcnt,avx512f,avx512vpopcntdq")]
        fn wide(hashes: &[u64], targets: impl Iterator<Item = u64>, each: impl FnMut(usize, u32, usize)) {
            run(hashes, targets, each)
        }
        if std::is_x86_feature_detected!("avx512vpopcntdq") && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has every feature `wide` is compiled
            // for; checked just above.
            return unsafe { wide(hashes, targets, each) };
        }
    }
    with_popcnt(|| run(hashes, targets, each))
}

/// An exact radius search over a fixed list of 256-bit hashes, each known
/// by its position in the list.
#[derive(Clone, Debug, Default)]
pub struct HammingIndex {
    hashes: Vec<Hash256>,
    /// `None` below [`MIN_INDEXED`] hashes.
    tables: Option<Tables>,
}

/// The per-slot CSR tables, flattened.
#[derive(Clone, Debug)]
struct Tables {
    /// `offsets[s * (KEYS + 1) + key]`: where slot `s`'s run of ids with
    /// that key starts in `ids[s * n ..]`.
    offsets: Vec<u32>,
    /// `ids[s * n .. (s + 1) * n]`: every id, ordered by slot `s`'s value
    /// (then by id).
    ids: Vec<u32>,
}

impl Tables {
    /// Counting sort per slot: two passes over the hashes each, so 10^6
    /// hashes take a few tens of milliseconds.
    fn new<T: Slotted>(hashes: &[T]) -> Tables {
        let n = hashes.len();
        let mut offsets = vec![0u32; T::SLOTS * (KEYS + 1)];
        let mut ids = vec![0u32; T::SLOTS * n];
        for s in 0..T::SLOTS {
            let offsets = &mut offsets[s * (KEYS + 1)..(s + 1) * (KEYS + 1)];
            for h in hashes {
                offsets[h.slot(s) as usize + 1] += 1;
            }
            for k in 0..KEYS {
                offsets[k + 1] += offsets[k];
            }
            let ids = &mut ids[s * n..(s + 1) * n];
            // `next[key]` starts at offsets[key] and moves along the run.
            let mut next = offsets[..KEYS].to_vec();
            for (id, h) in hashes.iter().enumerate() {
                let at = &mut next[h.slot(s) as usize];
                ids[*at as usize] = id as u32;
                *at += 1;
            }
        }
        Tables { offsets, ids }
    }

    /// The ids whose slot `s` holds `key`, of `n` hashes.
    #[inline]
    fn run(&self, n: usize, s: usize, key: u16) -> &[u32] {
        &self.ids[self.span(n, s, key)]
    }

    /// Where the ids whose slot `s` holds `key` lie in `ids`, of `n`
    /// hashes.
    #[inline]
    fn span(&self, n: usize, s: usize, key: u16) -> std::ops::Range<usize> {
        let at = s * (KEYS + 1) + key as usize;
        s * n + self.offsets[at] as usize..s * n + self.offsets[at + 1] as usize
    }
}

/// Whether probing `keys` keys of the slot tables beats scanning `n`
/// hashes, in units of one scanned hash (about 2.5 ns here): a key costs
/// about 1 (two offset reads), and each of its `n / 65 536` expected
/// candidates a random read of about 6 (measured 13–16 ns with
/// prefetching; counted as 8 for hashes whose bits are less even than
/// random ones). So: probe when `K (1 + n / 8 192) < n`.
fn probing_pays(keys: usize, n: usize) -> bool {
    let n = n as u64;
    keys as u64 * (8_192 + n) < n * 8_192
}

/// The candidates of `ids` within `radius` of `q`, as `(id, distance)`,
/// in the order given.
#[inline(always)]
fn verify<T: Slotted>(hashes: &[T], ids: &[u32], q: &T, radius: u32) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    // The candidates are random reads into the hashes (a cache miss each
    // once they outgrow the cache); asking for the one 16 places ahead
    // overlaps the misses.
    for (i, &id) in ids.iter().enumerate() {
        if let Some(&ahead) = ids.get(i + 16) {
            prefetch(&hashes[ahead as usize]);
        }
        let d = hashes[id as usize].distance(q);
        if d <= radius {
            found.push((id, d));
        }
    }
    found
}

impl HammingIndex {
    /// Indexes `hashes`; the id of each is its position.
    ///
    /// # Panics
    ///
    /// If there are more than `u32::MAX` hashes.
    pub fn new(hashes: Vec<Hash256>) -> Self {
        assert!(u32::try_from(hashes.len()).is_ok(), "too many hashes for u32 ids");
        let tables = (hashes.len() >= MIN_INDEXED).then(|| Tables::new(&hashes));
        HammingIndex { hashes, tables }
    }

    /// The number of hashes.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether there are no hashes.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Every hash within `radius` bits of `q`, as `(id, distance)`, sorted
    /// by distance and then id.
    pub fn query(&self, q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
        let mut found = self.find(q, radius);
        found.sort_unstable_by_key(|&(id, d)| (d, id));
        found.dedup();
        found
    }

    /// The closest hash within `radius` bits of `q` (the lowest id among
    /// equals), as `(id, distance)`.
    pub fn nearest_within(&self, q: &Hash256, radius: u32) -> Option<(u32, u32)> {
        self.find(q, radius).into_iter().min_by_key(|&(id, d)| (d, id))
    }

    /// Every hash within `radius`, unordered, perhaps more than once: by
    /// probing when the cost model expects that to be cheaper, else by a
    /// scan.
    fn find(&self, q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
        with_popcnt(|| match &self.tables {
            Some(tables) if self.probing_pays(radius) => self.probe(tables, q, radius),
            _ => self.scan(q, radius),
        })
    }

    /// The number of keys a probe of `radius` looks up, if at most
    /// `MAX_PROBE` bits per slot.
    fn keys_probed(radius: u32) -> Option<usize> {
        let (a, b) = ((radius / SLOT_BITS) as usize, (radius % SLOT_BITS) as usize);
        if a > MAX_PROBE {
            return None;
        }
        let rest = if a > 0 { MASKS_WITHIN[a - 1] } else { 0 };
        Some((b + 1) * MASKS_WITHIN[a] + (SLOTS - b - 1) * rest)
    }

    /// Whether probing beats scanning at `radius` (see [`probing_pays`]).
    fn probing_pays(&self, radius: u32) -> bool {
        Self::keys_probed(radius).is_some_and(|k| probing_pays(k, self.hashes.len()))
    }

    /// Whether a query of `radius` would probe the tables (rather than
    /// scan).
    pub fn probes(&self, radius: u32) -> bool {
        self.tables.is_some() && self.probing_pays(radius)
    }

    fn scan(&self, q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
        linear_scan(&self.hashes, q, radius)
    }

    /// Every hash within `radius` (`radius / 16 ≤ MAX_PROBE`), by probing
    /// the slot tables; unordered, and a hash may appear more than once.
    fn probe(&self, tables: &Tables, q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
        let n = self.hashes.len();
        let a = (radius / SLOT_BITS) as usize;
        let b = (radius % SLOT_BITS) as usize;
        let mut candidates = Vec::new();
        for s in 0..SLOTS {
            // Slots 0..=b within a bits; the rest within a - 1, if any.
            let within = if s <= b {
                MASKS_WITHIN[a]
            } else if a > 0 {
                MASKS_WITHIN[a - 1]
            } else {
                break;
            };
            let value = q.slot(s);
            for &mask in &MASKS[..within] {
                candidates.extend_from_slice(tables.run(n, s, value ^ mask));
            }
        }
        verify(&self.hashes, &candidates, q, radius)
    }
}

/// Whether `a` and `b` have some slot within [`Slotted::SLOT_RADIUS`]
/// bits of each other: the first stage's rule, which a [`SlotIndex`]
/// applies whether it probes or scans.
pub fn shares_slot<T: Slotted>(a: &T, b: &T) -> bool {
    shares_slot_within(a, b, T::SLOT_RADIUS)
}

/// Whether `a` and `b` have some slot within `slot_radius` bits of each
/// other.
fn shares_slot_within<T: Slotted>(a: &T, b: &T, slot_radius: u32) -> bool {
    (0..T::SLOTS).any(|s| (a.slot(s) ^ b.slot(s)).count_ones() <= slot_radius)
}

/// Candidate generation over hashes cut into 16-bit slots, then an exact
/// check: [`SlotIndex::within`] answers the hashes within a radius of the
/// query *that share a slot within [`Slotted::SLOT_RADIUS`] bits with it* (see
/// [`shares_slot`]), each known by its position.
///
/// Unlike [`HammingIndex`], this is not every hash within the radius: at
/// the comparator's radii (a quarter or a fifth of the bits) no exact
/// index prunes, so the index trades a measured sliver of recall for a
/// first stage that looks at a fixed `K` keys (every key within the slot
/// radius of each of the query's slots: 544 for a signature, 548 for a
/// coarse hash) and about `n K / 65 536` unrelated candidates. The rule is the same at
/// every size: below [`MIN_INDEXED`] hashes, or wherever the cost model
/// finds a scan cheaper, the scan applies it too, so a small registry
/// never finds what a large one would miss.
#[derive(Clone, Debug)]
pub struct SlotIndex<T> {
    hashes: Vec<T>,
    /// `None` below [`MIN_INDEXED`] hashes.
    tables: Option<Tables>,
    /// Built by [`SlotIndex::with_copies`]: `copies[i]` is the hash whose
    /// id is `ids[i]` of the tables, so that a run's candidates are read
    /// in order rather than each from wherever its hash lies.
    copies: Vec<T>,
}

impl<T> Default for SlotIndex<T> {
    fn default() -> Self {
        SlotIndex {
            hashes: Vec::new(),
            tables: None,
            copies: Vec::new(),
        }
    }
}

impl<T: Slotted> SlotIndex<T> {
    /// The keys a query looks up: every key within [`Slotted::SLOT_RADIUS`] of each
    /// slot of the query.
    const KEYS_PROBED: usize = T::SLOTS * MASKS_WITHIN[T::SLOT_RADIUS as usize];

    /// Indexes `hashes`; the id of each is its position.
    ///
    /// # Panics
    ///
    /// If there are more than `u32::MAX` hashes.
    pub fn new(hashes: Vec<T>) -> Self {
        assert!(u32::try_from(hashes.len()).is_ok(), "too many hashes for u32 ids");
        let tables = (hashes.len() >= MIN_INDEXED).then(|| Tables::new(&hashes));
        SlotIndex {
            hashes,
            tables,
            copies: Vec::new(),
        }
    }

    /// [`SlotIndex::new`], with a copy of each hash filed beside its id in
    /// every slot's table, for an index that each listing image asks
    /// hundreds of times with long runs a key (small hashes only). Each
    /// candidate is then read in turn along its run rather than from
    /// wherever its hash lies, a cache miss each once the hashes outgrow
    /// the cache. For the turned views' coarse hashes (3.2 million at
    /// 100,000 works, 49 candidates a key, 481 windows a picture) the
    /// look-ups took 16 ms rather than 19; for the views' (200,000, 3
    /// candidates a key) nothing changed, the key's run being the miss
    /// either way. The answers are the same; the copies cost
    /// [`Slotted::SLOTS`] hashes a hash.
    ///
    /// # Panics
    ///
    /// If there are more than `u32::MAX` hashes.
    pub fn with_copies(hashes: Vec<T>) -> Self {
        let mut index = SlotIndex::new(hashes);
        if let Some(tables) = &index.tables {
            index.copies = tables.ids.iter().map(|&id| index.hashes[id as usize]).collect();
        }
        index
    }

    /// The number of hashes.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether there are no hashes.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether a query looks the slot tables up (rather than scanning).
    pub fn probes(&self) -> bool {
        self.probes_within(T::SLOT_RADIUS)
    }

    /// Whether a query under the rule of `slot_radius` bits a slot looks
    /// the slot tables up.
    fn probes_within(&self, slot_radius: u32) -> bool {
        let keys = T::SLOTS * MASKS_WITHIN[slot_radius as usize];
        self.tables.is_some() && probing_pays(keys, self.hashes.len())
    }

    /// Every hash within `radius` bits of `q` that shares a slot with it
    /// (within [`Slotted::SLOT_RADIUS`]), as `(id, distance)` in id order: exactly
    /// what [`candidate_scan`] answers.
    pub fn within(&self, q: &T, radius: u32) -> Vec<(u32, u32)> {
        self.within_slots(q, radius, T::SLOT_RADIUS)
    }

    /// [`SlotIndex::within`] under a stricter rule, on the same tables:
    /// only hashes that share a slot with `q` within `slot_radius` bits
    /// (less than [`Slotted::SLOT_RADIUS`]; 0: a slot alike), for a
    /// question asked so often that the usual rule's keys cost too much:
    /// a coarse hash looks up 68 keys at one bit, where the usual two look
    /// up 548.
    pub fn within_strictly(&self, q: &T, radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
        self.within_slots(q, radius, slot_radius.min(T::SLOT_RADIUS))
    }

    fn within_slots(&self, q: &T, radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
        let probes = self.probes_within(slot_radius);
        with_popcnt(|| match &self.tables {
            Some(tables) if probes => self.probe(tables, q, radius, slot_radius),
            _ => scan_within(&self.hashes, q, radius, slot_radius),
        })
    }

    #[inline(always)]
    fn probe(&self, tables: &Tables, q: &T, radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
        if !self.copies.is_empty() {
            return self.probe_copies(tables, q, radius, slot_radius);
        }
        let mut candidates = Vec::new();
        self.each_span(tables, q, slot_radius, |span| {
            candidates.extend_from_slice(&tables.ids[span])
        });
        // A copy turns up in many slots; an unrelated candidate seldom in
        // two. Checking a repeat costs less than remembering what was seen.
        let mut found = verify(&self.hashes, &candidates, q, radius);
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Where the candidates of `q` lie in the tables' ids (and copies),
    /// each given to `f`: the run of every key within `slot_radius` of
    /// each of its slots. (Plain loops: as an iterator of iterators the
    /// probes took 5% longer.)
    #[inline(always)]
    fn each_span(&self, tables: &Tables, q: &T, slot_radius: u32, mut f: impl FnMut(std::ops::Range<usize>)) {
        let n = self.hashes.len();
        for s in 0..T::SLOTS {
            let value = q.slot(s);
            for &mask in &MASKS[..MASKS_WITHIN[slot_radius as usize]] {
                f(tables.span(n, s, value ^ mask));
            }
        }
    }

    /// [`SlotIndex::probe`] through the copies: the same candidates, read
    /// along their runs.
    #[inline(always)]
    fn probe_copies(&self, tables: &Tables, q: &T, radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
        let mut spans = Vec::with_capacity(Self::KEYS_PROBED);
        self.each_span(tables, q, slot_radius, |span| {
            if !span.is_empty() {
                spans.push(span);
            }
        });
        let mut found = Vec::new();
        for (k, span) in spans.iter().enumerate() {
            if let Some(ahead) = spans.get(k + 8) {
                prefetch(&self.copies[ahead.start]);
            }
            for (i, h) in self.copies[span.clone()].iter().enumerate() {
                let d = h.distance(q);
                if d <= radius {
                    found.push((tables.ids[span.start + i], d));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Every hash of `hashes` within `radius` of `q` that shares a slot with
/// it (see [`shares_slot`]), as `(id, distance)` in id order: what a
/// [`SlotIndex`] answers when it scans, and the brute force its probes
/// are tested against.
#[inline(always)]
pub fn candidate_scan<T: Slotted>(hashes: &[T], q: &T, radius: u32) -> Vec<(u32, u32)> {
    scan_within(hashes, q, radius, T::SLOT_RADIUS)
}

/// [`candidate_scan`] with a slot shared within `slot_radius` bits.
#[inline(always)]
fn scan_within<T: Slotted>(hashes: &[T], q: &T, radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for (id, h) in hashes.iter().enumerate() {
        // The distance first: it rejects nearly everything, in a few
        // popcounts.
        let d = h.distance(q);
        if d <= radius && shares_slot_within(h, q, slot_radius) {
            found.push((id as u32, d));
        }
    }
    found
}

/// Every hash of `hashes` within `radius` of `q`, as `(id, distance)` in id
/// order, by popcount over all of them: what the index answers without
/// probing, and the reference it is tested and benchmarked against.
pub fn linear_scan<T: Slotted>(hashes: &[T], q: &T, radius: u32) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for (id, h) in hashes.iter().enumerate() {
        let d = h.distance(q);
        if d <= radius {
            found.push((id as u32, d));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use proptest::prelude::*;

    fn linear(hashes: &[Hash256], q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
        let mut out = linear_scan(hashes, q, radius);
        out.sort_by_key(|&(id, d)| (d, id));
        out
    }

    /// What probing alone finds (sorted, deduplicated), whether or not the
    /// cost model would probe; `None` where the index cannot probe.
    fn probed(index: &HammingIndex, q: &Hash256, radius: u32) -> Option<Vec<(u32, u32)>> {
        let tables = index.tables.as_ref()?;
        HammingIndex::keys_probed(radius)?;
        let mut found = index.probe(tables, q, radius);
        found.sort_unstable_by_key(|&(id, d)| (d, id));
        found.dedup();
        Some(found)
    }

    /// `count` random hashes, then `planted` near-copies of the query at
    /// the given distances, shuffled in by position; returns hashes and
    /// query.
    fn world(seed: u64, count: usize, planted: &[u32]) -> (Vec<Hash256>, Hash256) {
        let mut state = Rng::new(seed);
        let q = Hash256::random(&mut state);
        let mut hashes: Vec<Hash256> = (0..count).map(|_| Hash256::random(&mut state)).collect();
        for &d in planted {
            let near = q.with_flips(d, &mut state);
            let at = state.below(hashes.len() + 1);
            hashes.insert(at, near);
        }
        (hashes, q)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn query_is_a_linear_scan(
            seed: u64,
            // Both sides of MIN_INDEXED, so both the scan and the probes run.
            count in prop_oneof![0usize..300, MIN_INDEXED..6_000],
            planted in proptest::collection::vec(0u32..=40, 0..24),
            radius in 0u32..=64,
        ) {
            let (hashes, q) = world(seed, count, &planted);
            let want = linear(&hashes, &q, radius);
            let index = HammingIndex::new(hashes);
            prop_assert_eq!(index.query(&q, radius), want.clone());
            prop_assert_eq!(index.nearest_within(&q, radius), want.first().copied());
            if let Some(got) = probed(&index, &q, radius) {
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn queries_near_a_stored_hash(seed: u64, radius in 0u32..=64, flips in 0u32..=40) {
            // The query is a near copy of a stored hash that itself has
            // near copies, so matches turn up in many slots at once.
            let (mut hashes, base) = world(seed, MIN_INDEXED, &[0, 3, 9, 17, 25, 33, 40]);
            hashes.push(base);
            let mut state = Rng::new(seed ^ 0x5555);
            let q = base.with_flips(flips, &mut state);
            let want = linear(&hashes, &q, radius);
            let index = HammingIndex::new(hashes);
            prop_assert_eq!(index.query(&q, radius), want.clone());
            prop_assert_eq!(probed(&index, &q, radius), Some(want).filter(|_| radius < 64));
        }
    }

    /// `count` random signatures and near copies of the query, their
    /// distance split every way between the halves.
    fn signature_world(seed: u64, count: usize) -> (Vec<Signature>, Signature) {
        let mut state = Rng::new(seed);
        let sig = |state: &mut Rng| Signature {
            dct: Hash256::random(state),
            gradient: Hash256::random(state),
        };
        let q = sig(&mut state);
        let mut out: Vec<Signature> = (0..count).map(|_| sig(&mut state)).collect();
        for (d, g) in [
            (0, 0),
            (10, 20),
            (40, 40),
            (64, 64),
            (65, 63),
            (0, 120),
            (120, 8),
            (70, 70),
            (90, 10),
            (51, 51),
            (60, 60),
        ] {
            let near = Signature {
                dct: q.dct.with_flips(d, &mut state),
                gradient: q.gradient.with_flips(g, &mut state),
            };
            let at = state.below(out.len() + 1);
            out.insert(at, near);
        }
        (out, q)
    }

    /// The first stage's rule written out over the raw words, apart from
    /// [`Slotted`]: every hash within `radius` with some 16-bit run of its
    /// words within `slot_radius` bits of the query's.
    fn brute_force(words: &[Vec<u64>], q: &[u64], radius: u32, slot_radius: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for (id, w) in words.iter().enumerate() {
            let d: u32 = w.iter().zip(q).map(|(a, b)| (a ^ b).count_ones()).sum();
            let slot_close = w
                .iter()
                .zip(q)
                .any(|(a, b)| (0..4).any(|k| (((a ^ b) >> (16 * k)) & 0xffff).count_ones() <= slot_radius));
            if d <= radius && slot_close {
                out.push((id as u32, d));
            }
        }
        out
    }

    fn words(s: &Signature) -> Vec<u64> {
        s.dct.0.iter().chain(&s.gradient.0).copied().collect()
    }

    /// What probing alone finds, whether or not the cost model would.
    fn slot_probed<T: Slotted>(index: &SlotIndex<T>, q: &T, radius: u32) -> Option<Vec<(u32, u32)>> {
        strictly_probed(index, q, radius, T::SLOT_RADIUS)
    }

    /// What probing alone finds under the rule of `slot_radius` bits a
    /// slot.
    fn strictly_probed<T: Slotted>(
        index: &SlotIndex<T>,
        q: &T,
        radius: u32,
        slot_radius: u32,
    ) -> Option<Vec<(u32, u32)>> {
        Some(index.probe(index.tables.as_ref()?, q, radius, slot_radius))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn slot_index_on_signatures_is_the_brute_force_rule(
            seed: u64,
            count in prop_oneof![0usize..300, MIN_INDEXED..20_000],
            radius in 0u32..=160,
        ) {
            let (signatures, q) = signature_world(seed, count);
            let want = brute_force(&signatures.iter().map(words).collect::<Vec<_>>(), &words(&q), radius, 1);
            prop_assert_eq!(candidate_scan(&signatures, &q, radius), want.clone());
            let index = SlotIndex::new(signatures);
            prop_assert_eq!(index.within(&q, radius), want.clone());
            if let Some(got) = slot_probed(&index, &q, radius) {
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn slot_index_on_coarse_hashes_is_the_brute_force_rule(
            seed: u64,
            count in prop_oneof![0usize..300, MIN_INDEXED..6_000],
            planted in proptest::collection::vec(0u32..=120, 0..24),
            radius in 0u32..=30,
        ) {
            // Near copies of a 64-bit hash: the first word of a 256-bit
            // hash's near copy, about a quarter of the flips each.
            let (hashes, q) = world(seed, count, &planted);
            let coarse: Vec<u64> = hashes.iter().map(|h| h.0[0]).collect();
            let words: Vec<Vec<u64>> = coarse.iter().map(|&c| vec![c]).collect();
            let want = brute_force(&words, &[q.0[0]], radius, 2);
            // Filed plainly, and with copies of the hashes in the tables.
            for index in [SlotIndex::new(coarse.clone()), SlotIndex::with_copies(coarse.clone())] {
                prop_assert_eq!(index.within(&q.0[0], radius), want.clone());
                if let Some(got) = slot_probed(&index, &q.0[0], radius) {
                    prop_assert_eq!(got, want.clone());
                }
                // The same tables asked under a stricter rule (the windows
                // ask the crops' index at one bit a slot).
                for slot_radius in 0..=2 {
                    let want = brute_force(&words, &[q.0[0]], radius, slot_radius);
                    prop_assert_eq!(index.within_strictly(&q.0[0], radius, slot_radius), want.clone());
                    if let Some(got) = strictly_probed(&index, &q.0[0], radius, slot_radius) {
                        prop_assert_eq!(got, want);
                    }
                }
            }
            // The turned views' stricter rule: one bit a slot.
            let want = brute_force(&words, &[q.0[0]], radius, 1);
            let strict: Vec<StrictCoarse> = coarse.into_iter().map(StrictCoarse).collect();
            let q = StrictCoarse(q.0[0]);
            let copied = SlotIndex::with_copies(strict.clone());
            prop_assert_eq!(copied.within(&q, radius), want.clone());
            if let Some(got) = slot_probed(&copied, &q, radius) {
                prop_assert_eq!(got, want.clone());
            }
            let strict = SlotIndex::new(strict);
            prop_assert_eq!(strict.within(&q, radius), want.clone());
            if let Some(got) = slot_probed(&strict, &q, radius) {
                prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn slot_index_probes_at_the_match_distance_from_a_few_hundred_hashes() {
        // The rule makes the comparator's radius cheap: 544 keys and 0.8%
        // of unrelated signatures, so probing pays from about 600 of them
        // (tables are built from MIN_INDEXED); the coarse hashes' 548 keys
        // from about 600 too.
        assert!(!probing_pays(SlotIndex::<Signature>::KEYS_PROBED, 500));
        assert!(probing_pays(SlotIndex::<Signature>::KEYS_PROBED, 700));
        assert!(!probing_pays(SlotIndex::<u64>::KEYS_PROBED, 500));
        assert!(probing_pays(SlotIndex::<u64>::KEYS_PROBED, 700));
        let (signatures, q) = signature_world(1, 200_000);
        let index = SlotIndex::new(signatures.clone());
        assert!(index.probes());
        for radius in [0, 20, 63, 64, 102, 127, 128] {
            assert_eq!(
                index.within(&q, radius),
                candidate_scan(&signatures, &q, radius),
                "radius {radius}"
            );
        }
    }

    #[test]
    fn slots_cover_every_bit_once() {
        let mut state = Rng::new(3);
        for _ in 0..100 {
            let mut sig = || Signature {
                dct: Hash256::random(&mut state),
                gradient: Hash256::random(&mut state),
            };
            let (a, b) = (sig(), sig());
            let by_slot: u32 = (0..<Signature as Slotted>::SLOTS)
                .map(|s| (a.slot(s) ^ b.slot(s)).count_ones())
                .sum();
            assert_eq!(by_slot, a.distance(&b));
            let (x, y) = (a.dct.0[1], b.gradient.0[2]);
            let by_slot: u32 = (0..<u64 as Slotted>::SLOTS)
                .map(|s| (x.slot(s) ^ y.slot(s)).count_ones())
                .sum();
            assert_eq!(by_slot, Slotted::distance(&x, &y));
        }
    }

    proptest! {
        /// The closest hash and the first at its distance, as a plain
        /// search finds them, for lists of any length (not only whole
        /// eights) and hashes near the targets (ties included).
        #[test]
        fn closest_each_is_the_first_closest(
            hashes in proptest::collection::vec(any::<u64>(), 0..40),
            targets in proptest::collection::vec(any::<u64>(), 0..8),
            near in 0usize..40,
        ) {
            // Some targets a hash of the list with a bit or two flipped, or
            // the hash itself, so that there are close ones and ties.
            let targets: Vec<u64> = targets
                .iter()
                .enumerate()
                .map(|(k, &t)| match (hashes.get((near + k) % 40), k % 3) {
                    (Some(&h), 0) => h,
                    (Some(&h), 1) => h ^ (t & t.rotate_left(7) & t.rotate_left(19)),
                    _ => t,
                })
                .collect();
            let mut got = Vec::new();
            closest_each(&hashes, targets.iter().copied(), |t, d, at| got.push((t, d, at)));
            let want: Vec<(usize, u32, usize)> = targets
                .iter()
                .enumerate()
                .filter_map(|(t, &target)| {
                    let d = hashes.iter().map(|&h| (target ^ h).count_ones()).min()?;
                    let at = hashes.iter().position(|&h| (target ^ h).count_ones() == d)?;
                    Some((t, d, at))
                })
                .collect();
            prop_assert_eq!(got, want);
        }

        /// The ids kept are each found id once, in order; all of them up
        /// to `most`, else the `most` with the least distance any find
        /// gave them, ties to the lower id.
        #[test]
        fn nearest_found_keeps_the_nearest_each_once(
            found in proptest::collection::vec((0u32..60, 0u32..21), 0..200),
            most in 0usize..70,
        ) {
            let mut least: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
            for &(id, d) in &found {
                let e = least.entry(id).or_insert(d);
                *e = (*e).min(d);
            }
            let mut by_distance: Vec<(u32, u32)> = least.iter().map(|(&id, &d)| (d, id)).collect();
            by_distance.sort_unstable();
            by_distance.truncate(most);
            let mut want: Vec<u32> = by_distance.into_iter().map(|(_, id)| id).collect();
            want.sort_unstable();
            prop_assert_eq!(nearest_found(found, most), want);
        }
    }

    #[test]
    fn flip_flips_exactly() {
        let mut state = Rng::new(7);
        let h = Hash256::random(&mut state);
        for d in 0..=64 {
            assert_eq!(h.with_flips(d, &mut state).distance(&h), d);
        }
    }

    #[test]
    fn masks_are_all_small_masks_by_weight() {
        for d in 0..=3 {
            let mut got: Vec<u16> = MASKS[..MASKS_WITHIN[d]].to_vec();
            got.sort_unstable();
            let want: Vec<u16> = (0..=u16::MAX).filter(|m| m.count_ones() as usize <= d).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn pigeonhole_boundary() {
        // For each radius, hashes at exactly that distance whose only slot
        // within the probed bits is each slot in turn: the tightest cases
        // of the bound, which random near-copies seldom hit.
        let mut state = Rng::new(5);
        let q = Hash256::random(&mut state);
        for radius in 0..64u32 {
            let (a, b) = (radius / 16, (radius % 16) as usize);
            let mut hashes: Vec<Hash256> = (0..MIN_INDEXED).map(|_| Hash256::random(&mut state)).collect();
            for lucky in (0..16).filter(|&l| l <= b || a > 0) {
                let mut h = q;
                for s in 0..16 {
                    let bits = match (s == lucky, s <= b) {
                        (true, true) => a,
                        (true, false) => a - 1,
                        (false, true) => a + 1,
                        (false, false) => a,
                    };
                    h.0[s / 4] ^= ((1u64 << bits) - 1) << (16 * (s % 4));
                }
                assert_eq!(h.distance(&q), radius);
                hashes.push(h);
            }
            let want = linear(&hashes, &q, radius);
            let index = HammingIndex::new(hashes);
            assert_eq!(probed(&index, &q, radius), Some(want.clone()), "radius {radius}");
            assert_eq!(index.query(&q, radius), want, "radius {radius}");
        }
    }

    #[test]
    fn keys_probed_counts_the_masks() {
        assert_eq!(HammingIndex::keys_probed(0), Some(1));
        assert_eq!(HammingIndex::keys_probed(15), Some(16));
        assert_eq!(HammingIndex::keys_probed(16), Some(17 + 15));
        assert_eq!(HammingIndex::keys_probed(32), Some(137 + 15 * 17));
        assert_eq!(HammingIndex::keys_probed(63), Some(16 * 697));
        assert_eq!(HammingIndex::keys_probed(64), None);
    }

    #[test]
    fn cost_model_matches_the_measurements() {
        let index = |n: usize| HammingIndex {
            hashes: vec![Hash256::default(); n],
            tables: None,
        };
        // Measured (module docs): probing wins at radius 32 from a few
        // hundred hashes, at 48 from a few thousand, and at 63 not even at
        // 10^6.
        assert!(!index(300).probing_pays(32));
        assert!(index(1_000).probing_pays(32));
        assert!(index(100_000).probing_pays(48));
        assert!(index(1_000_000).probing_pays(48));
        assert!(!index(100_000).probing_pays(63));
        assert!(!index(1_000_000).probing_pays(63));
        assert!(!index(1_000_000).probing_pays(64));
    }

    #[test]
    fn empty_index() {
        let index = HammingIndex::new(Vec::new());
        assert!(index.is_empty());
        assert_eq!(index.len(), 0);
        let q = Hash256([1, 2, 3, 4]);
        assert!(index.query(&q, 256).is_empty());
        assert_eq!(index.nearest_within(&q, 256), None);
    }

    #[test]
    fn radius_zero_finds_exact_copies_only() {
        for count in [10, 5_000] {
            let (hashes, q) = world(count as u64, count, &[0, 1, 0, 2]);
            let index = HammingIndex::new(hashes.clone());
            let got = index.query(&q, 0);
            assert_eq!(got.len(), 2);
            assert!(got.iter().all(|&(id, d)| d == 0 && hashes[id as usize] == q));
            assert_eq!(index.nearest_within(&q, 0), Some(got[0]));
        }
    }

    #[test]
    fn duplicate_hashes_all_returned_in_id_order() {
        for count in [0, 4_000] {
            let (mut hashes, q) = world(3, count, &[]);
            let near = q.with_flips(5, &mut Rng::new(11));
            let ids: Vec<u32> = (0..5).map(|i| (i * 97 % (hashes.len() + 1)) as u32).collect();
            for &id in &ids {
                hashes.insert(id as usize, near);
            }
            let want = linear(&hashes, &q, 10);
            let index = HammingIndex::new(hashes);
            let got = index.query(&q, 10);
            assert_eq!(got, want);
            assert_eq!(got.len(), 5);
            assert!(got.iter().all(|&(_, d)| d == 5));
            assert!(got.windows(2).all(|w| w[0].0 < w[1].0));
            assert_eq!(index.nearest_within(&q, 10), Some(got[0]));
            assert_eq!(index.nearest_within(&q, 4), None);
        }
    }

    #[test]
    fn every_radius_at_every_distance() {
        // One planted copy at each distance 0..=70, all radii 0..=70.
        let planted: Vec<u32> = (0..=70).collect();
        let (hashes, q) = world(99, 3_000, &planted);
        let index = HammingIndex::new(hashes.clone());
        for radius in 0..=70 {
            let want = linear(&hashes, &q, radius);
            assert_eq!(index.query(&q, radius), want, "radius {radius}");
            assert_eq!(
                probed(&index, &q, radius),
                Some(want).filter(|_| radius < 64),
                "radius {radius}"
            );
        }
    }
}
