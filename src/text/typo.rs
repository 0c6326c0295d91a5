//! Near-miss lookup: which marks are within one or two edits of a word.
//!
//! Comparing every word of every listing with every mark is quadratic and
//! hopeless at 10,000 marks. Instead, as in SymSpell, each mark is indexed
//! under every string obtained by deleting up to `k` of its characters; a
//! word is looked up under its own deletions. Two strings within `k`
//! insertions, deletions, substitutions or adjacent transpositions of each
//! other always share such a deletion, so the lookup finds every candidate;
//! the caller verifies each with an edit distance.
//!
//! Keys are 64-bit hashes of the deleted strings rather than the strings,
//! held in the table as 32-bit fingerprints: the index is then a flat table
//! of integers, and a collision merely adds a candidate that the
//! verification throws out. The hash is polynomial in the
//! character positions, so the hash of a word with one or two characters
//! deleted is computed from prefix sums in constant time: a word of `n`
//! characters costs `O(n²)` probes, not `O(n³)` hashing.
//!
//! A seller also spells a mark as it sounds: "Ralph Loren", "Ribok",
//! "Roleks", "Patek Filippe". Spelling one sound otherwise ("au" as "o",
//! "ph" as "f", "x" as "ks") is two edits or more by the distance, more
//! than a mark of fewer than nine letters, or a run of words, allows; but
//! to a reader, and to the hand that typed it, it is one slip. So each mark
//! is filed under one more key, its [`sound_key`]: its sounds, a run of
//! vowels being one sound whichever vowels spell it, and "ph" being "f".
//! A word is looked up under its own, and [`sound_slips`] counts, on the
//! letters as written, how many sounds it spells otherwise.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::cache::prefetch;

/// The longest word looked up; longer tokens are not typos of a mark.
const MAX_CHARS: usize = 64;

/// Marks indexed under their deletions.
#[derive(Debug, Default)]
pub(crate) struct DeletionIndex {
    /// Hash of a deleted form → the id of the one mark that has it (most,
    /// at 10,000 marks), or [`MANY`] and where its marks' list starts in
    /// `ids` (their count, then their ids): a look-up that passes the
    /// filter then reads one cache line, not three (a `HashMap`'s control
    /// bytes and entry, then `ids`). Keys are held as fingerprints, 8 bytes
    /// a slot (8 MiB at 10,000 marks, where whole keys and a range took
    /// 16): a stranger taken for a key only adds candidates, which are
    /// verified.
    table: FingerprintMap<u32>,
    ids: Vec<u32>,
    /// Shortest and longest indexed mark, in characters.
    min_len: usize,
    max_len: usize,
    /// Shortest and longest mark that allows two edits, so that only words
    /// in reach of one have their two-character deletions looked up; `None`
    /// when no mark does.
    two_edits: Option<(usize, usize)>,
    /// A Bloom filter over the keys of `table`, two bits a key in one
    /// 64-bit word ([`DeletionIndex::filter_word`]). Most words are no
    /// mark's near miss, so most probes miss; the filter (about 14 bits a
    /// key: 1 MiB at 10,000 marks) answers those without touching the
    /// table (8 MiB), one load a probe. One bit a key in twice the bits
    /// let more absent keys through (3.2% against 1.8%, by the Poisson
    /// model at 10,000 marks) and missed the cache more (callgrind, 1 MiB
    /// last level: 2.5% more misses on dense text).
    ///
    /// A key's word lies in the run of words of its [`group`]: the
    /// deleted strings of one length that begin with the same two
    /// characters. A word's deletions mostly keep its first two
    /// characters (36 of the 45 two-character deletions of ten
    /// characters), so most of its probes read the few cache lines of one
    /// run, where a word anywhere in the filter cost a cache miss a probe:
    /// those loads were three fifths of the lookups' time.
    filter: Vec<u64>,
    /// Group → its run of `filter`: first word, number of words.
    runs: Vec<(u32, u32)>,
    /// Whether marks are filed under their [`sound_key`] too (in `table`,
    /// with their deletions; in the filter, in [`SOUND_GROUP`]'s run).
    sounds: bool,
}

/// Marks of more letters than this are filed under their [`sound_key`]: a
/// short mark's misspelling needs more than a slip (see
/// [`super::SHORT`]).
const SOUND_MIN: usize = super::SHORT;

/// The filter group of the sound keys: that of strings of no characters,
/// which no deletion of a mark leaves.
const SOUND_GROUP: u16 = 0;

impl DeletionIndex {
    /// Indexes `(id, skeleton, edits allowed)`; marks allowing no edits are
    /// left out.
    pub(crate) fn build<'a>(marks: impl IntoIterator<Item = (u32, &'a str, usize)>) -> DeletionIndex {
        // Each key with the mark it is a deletion of, and its filter group.
        let mut pairs: Vec<(u64, u32, u16)> = Vec::new();
        let mut index = DeletionIndex {
            min_len: usize::MAX,
            ..DeletionIndex::default()
        };
        let mut chars = Vec::new();
        for (id, skel, edits) in marks {
            chars.clear();
            chars.extend(skel.chars());
            if edits == 0 || chars.is_empty() || chars.len() > MAX_CHARS {
                continue;
            }
            let n = chars.len();
            index.min_len = index.min_len.min(n);
            index.max_len = index.max_len.max(n);
            if edits >= 2 {
                let (lo, hi) = index.two_edits.unwrap_or((usize::MAX, 0));
                index.two_edits = Some((lo.min(n), hi.max(n)));
            }
            let keys = Keys::new(&chars);
            let groups = Groups::new(&chars);
            pairs.push((keys.whole(), id, groups.whole));
            if let Some(key) = sound_key(&chars).filter(|_| n > SOUND_MIN) {
                pairs.push((key, id, SOUND_GROUP));
                index.sounds = true;
            }
            for i in 0..n {
                pairs.push((keys.without(i), id, groups.without(i)));
                if edits >= 2 {
                    for j in i + 1..n {
                        pairs.push((keys.without_two(i, j), id, groups.without_two(i, j)));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let keys = pairs.chunk_by(|a, b| a.0 == b.0).count();
        if keys > 0 {
            index.table = FingerprintMap::with_keys(keys);
        }
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            index.insert(run[0].0, run.iter().map(|p| p.1));
        }
        index.ids.shrink_to_fit();
        index.fill_filter(&pairs);
        index
    }

    /// Sizes each group's run of the filter by its keys, about
    /// [`FILTER_BITS`] bits a key, and sets their bits. A deletion several
    /// marks share is counted for each.
    fn fill_filter(&mut self, pairs: &[(u64, u32, u16)]) {
        let mut count = vec![0usize; GROUPS];
        for &(_, _, group) in pairs {
            count[usize::from(group)] += 1;
        }
        let mut first = 0u32;
        self.runs = count
            .iter()
            .map(|&keys| {
                let words = (keys * FILTER_BITS).div_ceil(64).max(1) as u32;
                first += words;
                (first - words, words)
            })
            .collect();
        self.filter = vec![0; first as usize];
        for &(key, _, group) in pairs {
            let (word, bits) = self.filter_word(key, group);
            self.filter[word] |= bits;
        }
    }

    /// Where key `hash` of a string in `group` lies in the filter: the
    /// word, and its two bits there. Taken from the high bits: the
    /// table's slot is the low ones.
    #[inline]
    fn filter_word(&self, hash: u64, group: u16) -> (usize, u64) {
        let (first, words) = self.runs[usize::from(group)];
        let (word, bits) = filter_bits(hash, words as usize);
        (first as usize + word, bits)
    }

    /// Whether a word of `len` characters could be within reach of a mark.
    pub(crate) fn may_match(&self, len: usize) -> bool {
        // A sound spelt otherwise may be two letters longer or shorter
        // ("cks" for "x").
        let reach = if self.two_edits.is_some() || self.sounds { 2 } else { 1 };
        !self.table.is_empty() && len + reach >= self.min_len && len <= self.max_len + reach && len <= MAX_CHARS
    }

    /// The ids of marks that share a deletion with `word`, sorted and
    /// de-duplicated, into `out`: all marks within `edits` (at most 2) of
    /// it, those filed under `sound` (the word's [`sound_key`], where a
    /// sound spelt otherwise is to be found) where `edits` is one or more,
    /// and some others. They still need verifying.
    /// `probes` is a buffer for the keys looked up.
    pub(crate) fn candidates(
        &self,
        word: &[char],
        (edits, sound): (usize, Option<u64>),
        probes: &mut Vec<u64>,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        if !self.may_match(word.len()) {
            return;
        }
        // The probe keys that pass the filter first, then the table for
        // them: the filter's loads depend on nothing but the key, so the
        // processor overlaps them, where probing the table one key at a
        // time would wait for each cache miss in turn; and most keys stop
        // at the filter, so they are never stored. A key's slot in the
        // table is asked for as soon as the filter passes it.
        let n = word.len();
        // Two of the word's characters deleted leave `n - 2`, which a mark
        // of `m` characters reaches by deleting `m - n + 2`: at most two
        // (a mark allows no more), so only marks of `n - 2` to `n`
        // characters that allow two edits are found this way. Longer
        // marks, and those that allow one edit, are found by the word
        // whole or less one character.
        let two = self
            .two_edits
            .filter(|_| edits >= 2)
            .is_some_and(|(lo, hi)| n >= lo && n <= hi + 2);
        let keys = Keys::new(word);
        probes.clear();
        let mut probe = |k: u64, group: u16| {
            let (word, bits) = self.filter_word(k, group);
            if self.filter[word] & bits == bits {
                self.table.prefetch(k);
                probes.push(k);
            }
        };
        let groups = Groups::new(word);
        probe(keys.whole(), groups.whole);
        if let Some(key) = sound.filter(|_| self.sounds && edits >= 1) {
            probe(key, SOUND_GROUP);
        }
        for i in 0..n {
            // A repeated letter gives the same deletion twice; skip it.
            if i > 0 && word[i] == word[i - 1] {
                continue;
            }
            probe(keys.without(i), groups.without(i));
        }
        if two {
            for i in 0..n {
                for j in i + 1..n {
                    probe(keys.without_two(i, j), groups.without_two(i, j));
                }
            }
        }
        for &k in probes.iter() {
            if let Some(entry) = self.table.get(k) {
                // Pushed one by one: the lists are a few ids long, shorter
                // than a call to `memcpy` is worth.
                for &id in marks_of(&self.ids, &entry) {
                    out.push(id);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Files the marks `ids` (one or more) under `key`. Two keys with one
    /// fingerprint share a slot, so there each finds the other's marks
    /// too: rare (about one key in a thousand million), and harmless, as
    /// every candidate is verified.
    fn insert(&mut self, key: u64, mut ids: impl ExactSizeIterator<Item = u32>) {
        let entry = if ids.len() == 1 {
            let id = ids.next().unwrap_or_default();
            assert!(id < MANY, "mark id {id} past the deletion index's range");
            id
        } else {
            list_entry(&mut self.ids, ids)
        };
        let ids = &mut self.ids;
        self.table.insert(key, entry, |old, new| {
            let mut both = [marks_of(ids, &old), marks_of(ids, &new)].concat();
            both.sort_unstable();
            both.dedup();
            list_entry(ids, both.into_iter())
        });
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.heap_bytes()
            + self.ids.capacity() * std::mem::size_of::<u32>()
            + self.filter.capacity() * std::mem::size_of::<u64>()
            + self.runs.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

/// The flag of a deletion-index entry that is a list in `ids`, not a mark.
const MANY: u32 = 1 << 31;

/// The entry for a list of marks, appended to `ids`.
fn list_entry(ids: &mut Vec<u32>, marks: impl ExactSizeIterator<Item = u32>) -> u32 {
    let at = u32::try_from(ids.len()).ok().filter(|&at| at < MANY);
    let at = at.expect("the deletion index's lists past 2^31 ids");
    ids.push(marks.len() as u32);
    ids.extend(marks);
    MANY | at
}

/// The marks of a deletion-index entry.
#[inline]
fn marks_of<'a>(ids: &'a [u32], entry: &'a u32) -> &'a [u32] {
    if entry & MANY == 0 {
        std::slice::from_ref(entry)
    } else {
        let at = (entry & !MANY) as usize;
        let len = ids[at] as usize;
        &ids[at + 1..at + 1 + len]
    }
}

/// Bits of the deletion index's filter a key, about.
const FILTER_BITS: usize = 14;

/// Filter groups: strings hash into one of these by length and first two
/// characters; groups that collide share a run.
const GROUPS: usize = 1 << 12;

/// The filter group of strings of `len` characters that begin with `a`
/// then `b` (`None` past the end).
#[inline]
fn group(len: usize, a: Option<&char>, b: Option<&char>) -> u16 {
    let c = |c: Option<&char>| c.map_or(0, |&c| u64::from(c) + 1);
    let h = (len as u64 | c(a) << 8 | c(b) << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - GROUPS.trailing_zeros())) as u16
}

/// The filter groups of a word's deletions. A deletion past the second
/// character keeps the first two, so a word's deletions fall in a few
/// groups, each reckoned once.
struct Groups {
    whole: u16,
    /// Deleting character 0, 1, or one past them.
    one: [u16; 3],
    /// Deleting characters `i` < 2 and `j`: by `i`, then by `j` (`i + 1`,
    /// `i + 2`, or past); deleting two past the first two.
    two: [[u16; 3]; 2],
    two_kept: u16,
}

impl Groups {
    fn new(word: &[char]) -> Groups {
        let n = word.len();
        // Of `len` characters, beginning with the word's characters `a`
        // then `b`.
        let head = |len: usize, a: usize, b: usize| group(len, word.get(a), word.get(b));
        let (one, two) = (n.saturating_sub(1), n.saturating_sub(2));
        Groups {
            whole: head(n, 0, 1),
            one: [head(one, 1, 2), head(one, 0, 2), head(one, 0, 1)],
            two: [
                [head(two, 2, 3), head(two, 1, 3), head(two, 1, 2)],
                [head(two, 0, 3), head(two, 0, 2), head(two, 0, 2)],
            ],
            two_kept: head(two, 0, 1),
        }
    }

    fn without(&self, i: usize) -> u16 {
        self.one[i.min(2)]
    }

    /// `i` < `j`.
    fn without_two(&self, i: usize, j: usize) -> u16 {
        match self.two.get(i) {
            Some(by_j) => by_j[(j - i - 1).min(2)],
            None => self.two_kept,
        }
    }
}

/// The optimal-string-alignment distance between `a` and `b`
/// (insertions, deletions, substitutions and swaps of neighbours, no
/// character edited twice), if it is at most `k`; `None` past it, or for a
/// word longer than any the index holds. Only the band of cells within `k`
/// of the diagonal is computed, in three rows on the stack: a near miss is
/// verified for every candidate the index gives, and an allocating,
/// quadratic distance was a tenth of the matcher's time on text dense with
/// marks.
pub(crate) fn osa_within(a: &[char], b: &[char], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k || n > MAX_CHARS || m > MAX_CHARS || k >= usize::from(u8::MAX) {
        return None;
    }
    // Every cell is kept at most `far`: a cell past `k` is as good as any
    // other past it, and none off the band can be within it. So cells fit
    // a byte, and the rows are small to set.
    let far = k as u8 + 1;
    let mut rows = [[far; MAX_CHARS + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(m.min(k) + 1) {
        *cell = j as u8;
    }
    for i in 1..=n {
        let (cur, prev, prev2) = (i % 3, (i - 1) % 3, (i + 1) % 3);
        rows[cur][..=m].fill(far);
        if i <= k {
            rows[cur][0] = i as u8;
        }
        for j in i.saturating_sub(k).max(1)..=(i + k).min(m) {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d.min(far);
        }
    }
    let d = usize::from(rows[n % 3][m]);
    (d <= k).then_some(d)
}

/// Whether `a` and `b` differ only in which letter is doubled: the same
/// letters in the same order, one run of a letter a letter longer in `a`
/// and another a letter longer in `b` ("Gabanna" for "Gabbana",
/// "Tomy Hillfiger" for "Tommy Hilfiger"). The edit distance counts two
/// edits, a letter left out and another doubled, but to a reader, and to
/// the hand that typed it, it is one slip: the doubling moved.
pub(crate) fn doubling_moved(a: &[char], b: &[char]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    let (mut longer_a, mut longer_b) = (0, 0);
    while i < a.len() && j < b.len() {
        let c = a[i];
        if b[j] != c {
            return false;
        }
        let run_a = a[i..].iter().take_while(|&&x| x == c).count();
        let run_b = b[j..].iter().take_while(|&&x| x == c).count();
        match run_a as isize - run_b as isize {
            0 => {}
            1 => longer_a += 1,
            -1 => longer_b += 1,
            _ => return false,
        }
        (i, j) = (i + run_a, j + run_b);
    }
    i == a.len() && j == b.len() && longer_a == 1 && longer_b == 1
}

/// One sound of a word of ASCII letters as it is spelt: a run of vowels
/// (whichever they are), or a consonant, in which "ph" is "f", "ck" is
/// "k", "x" is "k" then "s" (the "s" spelt by nothing), and a consonant
/// doubled is the consonant once. Each is `(sound, start, end)`: what it
/// sounds like, and which letters of the word spell it.
///
/// A seller who spells a mark as it sounds ("Ralph Loren", "Ribok",
/// "Roleks", "Patek Filippe") changes how one sound is spelt, which the
/// edit distance counts as two edits or more; spelt sound by sound the
/// words are the same but for one sound, as a reader hears them.
struct Sounds<'a> {
    word: &'a [char],
    at: usize,
    /// The "s" of an "x" just read.
    pending_s: bool,
    /// The sound read after the one last given.
    peeked: Option<(char, usize, usize)>,
}

/// [`Sounds`]' sound for a run of vowels.
const VOWELS: char = '*';

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

impl<'a> Sounds<'a> {
    /// `None` for a word with a character other than `a` to `z`.
    fn of(word: &'a [char]) -> Option<Sounds<'a>> {
        word.iter().all(char::is_ascii_lowercase).then_some(Sounds {
            word,
            at: 0,
            pending_s: false,
            peeked: None,
        })
    }

    /// The next letters that spell one sound, before a sound spelt twice
    /// running is made one.
    fn spelling(&mut self) -> Option<(char, usize, usize)> {
        let w = self.word;
        let i = self.at;
        if std::mem::take(&mut self.pending_s) {
            return Some(('s', i, i));
        }
        let c = *w.get(i)?;
        if is_vowel(c) {
            let run = w[i..].iter().take_while(|&&c| is_vowel(c)).count();
            self.at = i + run;
            return Some((VOWELS, i, i + run));
        }
        let (sound, end) = match (c, w.get(i + 1)) {
            ('p', Some('h')) => ('f', i + 2),
            ('c', Some('k')) => ('k', i + 2),
            ('x', _) => {
                self.pending_s = true;
                ('k', i + 1)
            }
            _ => (c, i + 1),
        };
        self.at = end;
        Some((sound, i, end))
    }
}

impl Iterator for Sounds<'_> {
    type Item = (char, usize, usize);

    fn next(&mut self) -> Option<(char, usize, usize)> {
        let (sound, start, mut end) = self.peeked.take().or_else(|| self.spelling())?;
        // A consonant sound spelt twice running is one: "ff" is "f", as
        // "kx" is "x" and "phf" is "f".
        while let Some(next) = self.spelling() {
            if next.0 == sound && sound != VOWELS {
                end = next.2;
            } else {
                self.peeked = Some(next);
                break;
            }
        }
        Some((sound, start, end))
    }
}

/// The key a word is filed and looked up under for [`sound_slips`]: the
/// hash of its sounds ([`Sounds`]), so that words spelt the same sound for
/// sound but for how some are spelt share it. `None` for a word with a
/// character other than `a` to `z`.
///
/// Taken of skeletons, where `l` is written `i`, so an `l` beside vowels
/// joins their run: words whose letters differ only in how one run of
/// vowels is spelt still share the key (a run of vowels one side is a run,
/// with or without an `l`, the other), which is all a look-up needs; the
/// slip is then verified on the letters as written.
pub(crate) fn sound_key(word: &[char]) -> Option<u64> {
    let mut sounds = Sounds::of(word)?;
    let (mut h, mut power, mut len, mut last) = (0u64, 1u64, 0usize, '\0');
    // The spellings one by one, a sound spelt twice running once, as
    // [`Sounds`] reads them, without its merged spans.
    while let Some((sound, _, _)) = sounds.spelling() {
        if sound != last {
            h = h.wrapping_add((u64::from(sound) + 1).wrapping_mul(power));
            power = power.wrapping_mul(BASE);
            len += 1;
            last = sound;
        }
    }
    Some(finish(h ^ SOUND_SALT, len))
}

/// Set apart from the deletion keys of a string of the same characters
/// (only a tidiness: a key taken for another only adds candidates).
const SOUND_SALT: u64 = 0x5EED_50DD_0F5E_A5E5;

/// How many sounds `a` spells otherwise than `b` where the two are the
/// same word sound for sound ([`Sounds`]): each run of vowels spelt
/// otherwise ("au" for "o", "ee" for "i"), and each run of consonant
/// sounds ("ph" for "f", "cks" for "x", "ff" for "f"). `None` where they
/// are not the same sound for sound, where either has a character other
/// than `a` to `z`, or where they begin with different letters: a seller
/// keeps the first letter, so the buyer still reads the brand.
pub(crate) fn sound_slips(a: &[char], b: &[char]) -> Option<usize> {
    if a.first() != b.first() {
        return None;
    }
    let (mut sa, mut sb) = (Sounds::of(a)?, Sounds::of(b)?);
    let mut slips = 0;
    let mut in_consonants = false;
    loop {
        match (sa.next(), sb.next()) {
            (None, None) => return Some(slips),
            (Some((x, a0, a1)), Some((y, b0, b1))) if x == y => {
                let differ = a[a0..a1] != b[b0..b1];
                if differ && (x == VOWELS || !in_consonants) {
                    slips += 1;
                }
                in_consonants = differ && x != VOWELS;
            }
            _ => return None,
        }
    }
}

/// A set of word keys ([`super::scan::word_key`]).
pub(crate) type KeySet = HashSet<u64, BuildHasherDefault<PreHashed>>;

/// A map keyed by word keys ([`super::scan::word_key`]) or other 64-bit
/// hashes: a flat table of `(key, value)` pairs, open addressing, at most
/// five eighths full.
///
/// The byte pass asks about every word of a text, and the deletion index
/// is probed dozens of times a misspelt word, in tables bigger than the
/// cache. A `HashMap` reads its control bytes and then its entry, two
/// cache misses a look-up; here the first slot probed holds the answer
/// more often than not, one miss. Key 0 marks an empty slot, so a key of 0 is stored as 1: two
/// words taken for one where their 64-bit keys are 0 and 1 are as unlikely
/// as any two keys being equal, which the matcher already takes for the
/// same word.
#[derive(Debug, Default)]
pub(crate) struct KeyMap<V> {
    slots: Vec<(u64, V)>,
    len: usize,
}

impl<V: Copy + Default> KeyMap<V> {
    fn stored(key: u64) -> u64 {
        key.max(1)
    }

    /// The slot holding `key`, or the empty one where it would go.
    #[inline]
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = home(key, &self.slots);
        while self.slots[at].0 != key && self.slots[at].0 != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    #[inline]
    pub(crate) fn get(&self, key: &u64) -> Option<&V> {
        if self.slots.is_empty() {
            return None;
        }
        let key = Self::stored(*key);
        let slot = &self.slots[self.slot(key)];
        (slot.0 == key).then_some(&slot.1)
    }

    /// Starts loading the slot where a look-up of `key` begins.
    #[inline]
    pub(crate) fn prefetch(&self, key: u64) {
        prefetch_home(Self::stored(key), &self.slots);
    }

    pub(crate) fn get_mut(&mut self, key: &u64) -> Option<&mut V> {
        if self.slots.is_empty() {
            return None;
        }
        let key = Self::stored(*key);
        let at = self.slot(key);
        let slot = &mut self.slots[at];
        (slot.0 == key).then_some(&mut slot.1)
    }

    pub(crate) fn contains_key(&self, key: &u64) -> bool {
        self.get(key).is_some()
    }

    /// Inserts or replaces the value for `key`.
    pub(crate) fn insert(&mut self, key: u64, value: V) {
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.resize((self.len + 1) * 2);
        }
        let key = Self::stored(key);
        let at = self.slot(key);
        if self.slots[at].0 == 0 {
            self.len += 1;
        }
        self.slots[at] = (key, value);
    }

    /// Makes the table as small as it may be: the least power of two of
    /// slots it fills at most five eighths of.
    pub(crate) fn shrink_to_fit(&mut self) {
        if self.len > 0 {
            self.resize(slots_for(self.len));
        }
    }

    /// Rebuilds the table with room for `slots` slots (rounded up to a
    /// power of two).
    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(
            &mut self.slots,
            vec![(0, V::default()); slots.next_power_of_two().max(8)],
        );
        for (key, value) in old.into_iter().filter(|&(key, _)| key != 0) {
            let at = self.slot(key);
            self.slots[at] = (key, value);
        }
    }

    /// Every entry, in no order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.slots.iter().copied().filter(|&(key, _)| key != 0)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(u64, V)>()
    }
}

/// The slot of a table of `slots` (a power of two of them) where probing
/// for `key` begins: its low bits. Past the end for no slots.
#[inline]
fn home<T>(key: u64, slots: &[T]) -> usize {
    key as usize & slots.len().wrapping_sub(1)
}

/// Starts loading `key`'s [`home`] slot, if there is one.
#[inline]
fn prefetch_home<T>(key: u64, slots: &[T]) {
    if let Some(slot) = slots.get(home(key, slots)) {
        prefetch(slot);
    }
}

/// The least power of two of slots (at least 8) that `keys` keys fill at
/// most five eighths of: how full [`KeyMap`] and [`FingerprintSet`] may be.
fn slots_for(keys: usize) -> usize {
    (keys * 8 / 5 + 1).next_power_of_two().max(8)
}

/// A fixed map from 64-bit keys (hashes) to small values, each key held
/// as a 32-bit fingerprint: half the bytes of a [`KeyMap`], for a table
/// asked about every word of a text and too big for the cache in full. A
/// key's home slot is its low bits and the high 32 are what is stored, so
/// a key that is not in the map is taken for one that is only where its
/// fingerprint equals one of the few it passes while probing: about once
/// in a billion look-ups (an absent key passes about four slots at five
/// eighths full). Fingerprint 0 marks an empty slot, so 0 is stored as 1.
///
/// As a set ([`FingerprintSet`]) it holds the quiet dictionary words
/// ([`super::TextMatcher`]): a word of a listing skipped by the byte pass
/// as ordinary once in a billion words, where a table of 8-byte keys
/// (2 MiB at the embedded list) cost the byte pass a sixth of its time in
/// cache misses; the word list ([`super::words`]) holds its words' hashes
/// the same way. As a map it is the deletion index's table, where a
/// stranger taken for a member only adds a candidate that verification
/// throws out.
#[derive(Debug, Default)]
pub(crate) struct FingerprintMap<V> {
    slots: Vec<(u32, V)>,
}

/// A [`FingerprintMap`] without values.
pub(crate) type FingerprintSet = FingerprintMap<()>;

impl<V: Copy + Default> FingerprintMap<V> {
    /// An empty map with room for `keys` keys: the least power of two of
    /// slots they fill at most five eighths of.
    fn with_keys(keys: usize) -> FingerprintMap<V> {
        FingerprintMap {
            slots: vec![(0, V::default()); slots_for(keys)],
        }
    }

    fn print(key: u64) -> u32 {
        ((key >> 32) as u32).max(1)
    }

    /// The slot holding `key`'s fingerprint, or the empty one where it
    /// would go.
    #[inline]
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let print = Self::print(key);
        let mut at = home(key, &self.slots);
        while self.slots[at].0 != print && self.slots[at].0 != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    /// Stores `value` for `key`, or, where a key with its fingerprint is
    /// already there (itself, or a stranger), `merge(old, value)`: two keys
    /// that share a fingerprint share a slot. Never more keys than the map
    /// was made for.
    fn insert(&mut self, key: u64, value: V, merge: impl FnOnce(V, V) -> V) {
        let at = self.slot(key);
        let slot = &mut self.slots[at];
        slot.1 = if slot.0 == 0 { value } else { merge(slot.1, value) };
        slot.0 = Self::print(key);
    }

    /// The value for `key`, but for the rare stranger with a fingerprint
    /// like a member's (see the type's docs).
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<V> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[self.slot(key)];
        (slot.0 != 0).then_some(slot.1)
    }

    /// Starts loading the slot where a look-up of `key` begins.
    #[inline]
    pub(crate) fn prefetch(&self, key: u64) {
        prefetch_home(key, &self.slots);
    }

    /// Whether the map has no slots: made by `default`, not for keys.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(u32, V)>()
    }
}

impl FingerprintSet {
    /// The set of `keys`.
    pub(crate) fn new(keys: &[u64]) -> FingerprintSet {
        let mut set = FingerprintSet::with_keys(keys.len());
        for &key in keys {
            set.insert(key, (), |_, _| ());
        }
        set
    }

    /// Whether `key` is in the set, but for the rare stranger.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        self.get(key).is_some()
    }
}

/// Where `hash` lies in a Bloom filter of `words` 64-bit words, two bits a
/// key within one word: the word, and its two bits there. Taken from the
/// high bits: a table's slot is the low ones.
#[inline]
fn filter_bits(hash: u64, words: usize) -> (usize, u64) {
    let word = (((hash >> 32) * words as u64) >> 32) as usize;
    (word, (1 << ((hash >> 20) & 63)) | (1 << ((hash >> 26) & 63)))
}

/// A Bloom filter of word keys, laid out as the deletion index's
/// ([`filter_bits`]): "no" is certain, "yes" wrong for a stranger a few
/// times in a hundred at [`FILTER_BITS`] bits a key, and the look-up reads
/// one word of a table small enough to stay in the cache (a third of a MiB
/// for 10,000 marks' split pieces, where a set of their fingerprints took
/// 2 MiB and a cache miss a look-up). For questions where a wrong "yes"
/// only costs the work that answers them exactly.
#[derive(Debug, Default)]
pub(crate) struct KeyFilter {
    words: Vec<u64>,
}

impl KeyFilter {
    pub(crate) fn new(keys: &[u64]) -> KeyFilter {
        let mut filter = KeyFilter {
            words: vec![0; (keys.len() * FILTER_BITS).div_ceil(64).max(1)],
        };
        for &key in keys {
            let (word, bits) = filter_bits(key, filter.words.len());
            filter.words[word] |= bits;
        }
        filter
    }

    /// Whether `key` may be one of the keys; `false` is certain.
    #[inline]
    pub(crate) fn may_contain(&self, key: u64) -> bool {
        let (word, bits) = filter_bits(key, self.words.len());
        self.words[word] & bits == bits
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<u64>()
    }
}

/// A handful of word keys, asked about every word of a text: a Bloom
/// filter of 256 bits answers most of those questions (the word is none of
/// them) with a load and a mask, where a hash table would take a probe.
#[derive(Debug, Default)]
pub(crate) struct FewKeys {
    /// Bit `key >> 56` of every key.
    bits: [u64; 4],
    keys: Vec<u64>,
}

impl FewKeys {
    pub(crate) fn insert(&mut self, key: u64) {
        self.bits[(key >> 62) as usize] |= 1 << ((key >> 56) & 63);
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
    }

    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        self.bits[(key >> 62) as usize] & (1 << ((key >> 56) & 63)) != 0 && self.keys.contains(&key)
    }
}

impl FromIterator<u64> for FewKeys {
    fn from_iter<I: IntoIterator<Item = u64>>(keys: I) -> FewKeys {
        let mut few = FewKeys::default();
        for key in keys {
            few.insert(key);
        }
        few
    }
}

/// The base of the polynomial hash; odd, so it has an inverse modulo 2⁶⁴.
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
const BASE_INV: u64 = inverse(BASE);

/// The inverse of an odd number modulo 2⁶⁴ (Newton's iteration doubles the
/// correct low bits each step: 1 → 64 in six).
const fn inverse(b: u64) -> u64 {
    let mut x = b;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(b.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// Hashes of a string and of its deletions, from prefix sums of
/// `H(s) = Σ (s[k] + 1)·BASEᵏ`: deleting position `i` shifts everything
/// after it down one power, which is a multiplication by `BASE⁻¹`.
struct Keys {
    /// `prefix[k]` = hash of the first `k` characters.
    prefix: [u64; MAX_CHARS + 1],
    n: usize,
}

impl Keys {
    fn new(chars: &[char]) -> Keys {
        let n = chars.len().min(MAX_CHARS);
        let mut prefix = [0u64; MAX_CHARS + 1];
        let mut power = 1u64;
        for (k, &c) in chars[..n].iter().enumerate() {
            prefix[k + 1] = prefix[k].wrapping_add((u64::from(c) + 1).wrapping_mul(power));
            power = power.wrapping_mul(BASE);
        }
        Keys { prefix, n }
    }

    /// The hash of characters `a..b`, as they stand.
    fn range(&self, a: usize, b: usize) -> u64 {
        self.prefix[b].wrapping_sub(self.prefix[a])
    }

    fn whole(&self) -> u64 {
        finish(self.prefix[self.n], self.n)
    }

    fn without(&self, i: usize) -> u64 {
        let h = self
            .range(0, i)
            .wrapping_add(self.range(i + 1, self.n).wrapping_mul(BASE_INV));
        finish(h, self.n - 1)
    }

    fn without_two(&self, i: usize, j: usize) -> u64 {
        let h = self
            .range(0, i)
            .wrapping_add(self.range(i + 1, j).wrapping_mul(BASE_INV))
            .wrapping_add(self.range(j + 1, self.n).wrapping_mul(BASE_INV.wrapping_mul(BASE_INV)));
        finish(h, self.n - 2)
    }
}

/// Mixes the length in and spreads the bits (SplitMix64's finaliser), so
/// that the table's buckets and the filter's bits are evenly used.
fn finish(h: u64, len: usize) -> u64 {
    let mut h = h ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 30;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(index: &DeletionIndex, word: &str) -> Vec<u32> {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        index.candidates(&chars, (2, None), &mut Vec::new(), &mut out);
        out
    }

    #[test]
    fn key_map_is_a_map() {
        let mut map = KeyMap::<u32>::default();
        assert_eq!(map.get(&7), None);
        let keys: Vec<u64> = (0..1_000u64).map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
        for (i, &key) in keys.iter().enumerate() {
            map.insert(key, i as u32);
        }
        // Replaced, not added again.
        map.insert(keys[3], 77);
        map.shrink_to_fit();
        assert!(map.heap_bytes() <= 2_048 * std::mem::size_of::<(u64, u32)>());
        for (i, key) in keys.iter().enumerate() {
            let want = if i == 3 { 77 } else { i as u32 };
            assert_eq!(map.get(key), Some(&want), "{i}");
        }
        *map.get_mut(&keys[5]).unwrap() = 55;
        assert_eq!(map.get(&keys[5]), Some(&55));
        assert!(!map.contains_key(&12_345) && map.get_mut(&12_345).is_none());
        // Key 0 is kept as 1: both find it.
        assert_eq!(map.get(&0), Some(&0));
    }

    #[test]
    fn fingerprint_set_holds_its_keys() {
        let mix = |k: u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let keys: Vec<u64> = (0..10_000u64).map(mix).chain([0]).collect();
        let set = FingerprintSet::new(&keys);
        assert!(set.heap_bytes() <= 16_384 * std::mem::size_of::<u32>());
        assert!(keys.iter().all(|&k| set.contains(k)));
        // Strangers: none of 100,000 is taken for a member (the chance that
        // one would be is about 1 in 10,000).
        assert!((10_000..110_000u64).map(mix).all(|k| !set.contains(k)));
        assert!(!FingerprintSet::default().contains(7));
    }

    #[test]
    fn keys_that_share_a_fingerprint_share_their_marks() {
        // Same high 32 bits (the fingerprint), same home slot among 8.
        let (a, b) = (0x0000_0005_0000_0001, 0x0000_0005_0000_0009);
        let mut index = DeletionIndex {
            table: FingerprintMap::with_keys(2),
            ..DeletionIndex::default()
        };
        index.insert(a, [3].into_iter());
        index.insert(b, [1, 9].into_iter());
        let marks = |k| index.table.get(k).map(|e| marks_of(&index.ids, &e).to_vec());
        assert_eq!(marks(a), Some(vec![1, 3, 9]));
        assert_eq!(marks(b), Some(vec![1, 3, 9]));
        // Another fingerprint in the same home slot is a stranger.
        assert_eq!(marks(0x0000_0006_0000_0001), None);
    }

    #[test]
    fn every_single_edit_is_found() {
        let index = DeletionIndex::build([(7, "veiora", 1), (8, "arcturo", 1), (9, "oryx", 0)]);
        for word in ["veiora", "viora", "veiiora", "vexora", "eviora", "veioar", "veioraa"] {
            assert!(found(&index, word).contains(&7), "{word}");
        }
        assert!(found(&index, "arcutro").contains(&8));
        // Marks allowing no edits are not indexed.
        assert!(found(&index, "oryx").is_empty());
        assert!(found(&index, "oryxx").is_empty());
    }

    #[test]
    fn deletion_keys_equal_keys_of_deleted_strings() {
        let word: Vec<char> = "brightwéll".chars().collect();
        let keys = Keys::new(&word);
        // And the filter groups likewise.
        let groups = Groups::new(&word);
        let group_of = |s: &[char]| group(s.len(), s.first(), s.get(1));
        assert_eq!(groups.whole, group_of(&word));
        for i in 0..word.len() {
            let mut one = word.clone();
            one.remove(i);
            assert_eq!(keys.without(i), Keys::new(&one).whole());
            assert_eq!(groups.without(i), group_of(&one), "{i}");
            for j in i + 1..word.len() {
                let mut two = word.clone();
                two.remove(j);
                two.remove(i);
                assert_eq!(keys.without_two(i, j), Keys::new(&two).whole());
                assert_eq!(groups.without_two(i, j), group_of(&two), "{i} {j}");
            }
        }
        assert_eq!(BASE.wrapping_mul(BASE_INV), 1);
    }

    proptest::proptest! {
        #[test]
        fn osa_within_is_the_distance_up_to_k(a in "[abcd]{0,9}", b in "[abcd]{0,9}", k in 0usize..4) {
            let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let d = strsim::osa_distance(&a, &b);
            proptest::prop_assert_eq!(osa_within(&x, &y, k), (d <= k).then_some(d));
        }
    }

    /// `word` with `edits` made: (kind, position, character), the kind
    /// one of substitute, delete, insert, swap with the next.
    fn edited(word: &str, edits: &[(u8, usize, char)]) -> String {
        let mut chars: Vec<char> = word.chars().collect();
        for &(kind, at, c) in edits {
            let at = at % (chars.len() + 1);
            match kind {
                0 if at < chars.len() => chars[at] = c,
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                2 => chars.insert(at, c),
                _ if at + 1 < chars.len() => chars.swap(at, at + 1),
                _ => {}
            }
        }
        chars.into_iter().collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The filter's groups as a probe reckons them are the groups of
        /// the deleted strings: no mark within reach is lost to them, at
        /// whichever positions the edits fall.
        #[test]
        fn every_mark_within_reach_is_a_candidate(
            marks in proptest::collection::vec("[abcdé]{1,10}", 1..6),
            pick in 0usize..6,
            // Most at the front, where a deletion changes the first two
            // characters and so the group.
            edits in proptest::collection::vec(
                (0u8..4, proptest::prop_oneof![0usize..3, 0usize..12], proptest::char::range('a', 'f')),
                0..=2,
            ),
        ) {
            let index = DeletionIndex::build(marks.iter().enumerate().map(|(id, m)| {
                (id as u32, m.as_str(), if m.chars().count() >= 5 { 2 } else { 1 })
            }));
            let word = edited(&marks[pick % marks.len()], &edits);
            let chars: Vec<char> = word.chars().collect();
            for reach in [1, 2] {
                let mut found = Vec::new();
                index.candidates(&chars, (reach, None), &mut Vec::new(), &mut found);
                for (id, mark) in marks.iter().enumerate() {
                    let allowed = reach.min(if mark.chars().count() >= 5 { 2 } else { 1 });
                    if strsim::osa_distance(mark, &word) <= allowed {
                        proptest::prop_assert!(found.contains(&(id as u32)), "{mark} for {word} ({reach})");
                    }
                }
            }
        }
    }

    #[test]
    fn a_doubling_moved_is_one_slip() {
        let moved = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            doubling_moved(&a, &b)
        };
        assert!(moved("gabanna", "gabbana"));
        assert!(moved("tomyhillfiger", "tommyhilfiger"));
        assert!(moved("goggle", "google"));
        // The same word, one letter doubled, two doublings moved, a
        // letter tripled or a doubling swapped for another letter are not.
        assert!(!moved("gabbana", "gabbana"));
        assert!(!moved("gabbanna", "gabbana"));
        assert!(!moved("tomyhillfigger", "tommmyhilfiger"));
        assert!(!moved("gabbbana", "gabanaa"));
        assert!(!moved("gabanxa", "gabbana"));
        assert!(!moved("", ""));
    }

    proptest::proptest! {
        /// A doubling moved is found by the index at one edit's reach, and
        /// is at most two edits by the distance (one where the runs are
        /// neighbours: "aab" for "abb"), either way round.
        #[test]
        fn a_doubling_moved_is_a_candidate_at_one_edit(
            word in "[abcd]{2,10}",
            from in 0usize..10,
            to in 0usize..10,
        ) {
            let mark: Vec<char> = word.chars().collect();
            let (from, to) = (from % mark.len(), to % mark.len());
            // Double the letter at `to`, and undouble one at `from`.
            let mut moved = mark.clone();
            moved.insert(to, mark[to]);
            let at = if from >= to { from + 1 } else { from };
            moved.remove(at);
            let mark_s: String = mark.iter().collect();
            let moved_s: String = moved.iter().collect();
            proptest::prop_assert_eq!(doubling_moved(&moved, &mark), doubling_moved(&mark, &moved));
            if doubling_moved(&moved, &mark) {
                proptest::prop_assert!((1..=2).contains(&strsim::osa_distance(&mark_s, &moved_s)));
                let index = DeletionIndex::build([(1, mark_s.as_str(), 1)]);
                let mut found = Vec::new();
                index.candidates(&moved, (1, None), &mut Vec::new(), &mut found);
                proptest::prop_assert!(found.contains(&1), "{} for {}", moved_s, mark_s);
            }
        }
    }

    #[test]
    fn a_sound_spelt_otherwise_is_one_slip() {
        let slips = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            sound_slips(&a, &b)
        };
        assert_eq!(slips("loren", "lauren"), Some(1));
        assert_eq!(slips("ribok", "reebok"), Some(1));
        assert_eq!(slips("adeedas", "adidas"), Some(1));
        assert_eq!(slips("ralf", "ralph"), Some(1));
        assert_eq!(slips("roleks", "rolex"), Some(1));
        assert_eq!(slips("rolecks", "rolex"), Some(1));
        assert_eq!(slips("tifany", "tiffany"), Some(1));
        assert_eq!(slips("rolex", "rolex"), Some(0));
        // Each sound spelt otherwise is a slip: two runs of vowels; a
        // vowel and the consonants after it.
        assert_eq!(slips("ribuk", "reebok"), Some(2));
        assert_eq!(slips("raleks", "rolex"), Some(2));
        // A consonant left out, added or changed, a vowel left out, and
        // the first letter changed are not a sound spelt otherwise.
        assert_eq!(slips("boova", "bulova"), None);
        assert_eq!(slips("crox", "crocs"), None);
        assert_eq!(slips("rlex", "rolex"), None);
        assert_eq!(slips("shanel", "chanel"), None);
        assert_eq!(slips("eesics", "asics"), None);
        assert_eq!(slips("n1ke", "nike"), None);
    }

    proptest::proptest! {
        /// Two words share a sound key where [`Sounds`] reads the same
        /// sounds in them.
        #[test]
        fn the_sound_key_is_the_sounds(a in "[aeilpshckxf]{0,9}", b in "[aeilpshckxf]{0,9}") {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let sounds = |w: &[char]| Sounds::of(w).map(|s| s.map(|(sound, _, _)| sound).collect::<Vec<_>>());
            proptest::prop_assert_eq!(sounds(&a) == sounds(&b), sound_key(&a) == sound_key(&b));
            proptest::prop_assert_eq!(sound_key(&a).is_some(), sounds(&a).is_some());
            // Its vowels spelt otherwise, it sounds the same.
            let e: Vec<char> = a.iter().map(|&c| if is_vowel(c) { 'e' } else { c }).collect();
            proptest::prop_assert_eq!(sounds(&a), sounds(&e));
            proptest::prop_assert_eq!(sound_key(&a), sound_key(&e));
        }
    }

    proptest::proptest! {
        /// A run of one or two vowels spelt otherwise (by one or two), "f"
        /// for "ph" or "ks" for "x" is one slip on the letters as written,
        /// either way round, and the index proposes the mark for the
        /// word's skeleton from the mark's, at one edit's reach, where
        /// both are longer than a short mark.
        #[test]
        fn a_sound_spelt_otherwise_is_a_candidate(
            word in "[a-z]{5,12}",
            at in 0usize..12,
            vowels in "[aeiou]{1,2}",
            which in 0usize..3,
        ) {
            let mark: Vec<char> = word.chars().collect();
            let at = at % mark.len();
            let respelt: Vec<char> = match which {
                // The run of vowels around `at`, or the next one.
                0 => {
                    let Some(start) = (at..mark.len()).find(|&i| is_vowel(mark[i])) else {
                        return Ok(());
                    };
                    let start = (0..=start).rev().take_while(|&i| is_vowel(mark[i])).last().unwrap_or(start);
                    let end = start + mark[start..].iter().take_while(|&&c| is_vowel(c)).count();
                    // A sound of one or two vowels, as English spells them.
                    if end - start > 2 {
                        return Ok(());
                    }
                    [&mark[..start], &vowels.chars().collect::<Vec<_>>()[..], &mark[end..]].concat()
                }
                1 => word.replacen("ph", "f", 1).chars().collect(),
                // Not after a "c": "cks" is "ck" then "s".
                _ => match word.find('x').filter(|&x| !word[..x].ends_with('c')) {
                    Some(x) => [&word[..x], "ks", &word[x + 1..]].concat().chars().collect(),
                    None => return Ok(()),
                },
            };
            if respelt == mark || respelt.first() != mark.first() {
                return Ok(());
            }
            let (mark_s, respelt_s): (String, String) = (mark.iter().collect(), respelt.iter().collect());
            proptest::prop_assert_eq!(sound_slips(&respelt, &mark), Some(1), "{} for {}", respelt_s, mark_s);
            proptest::prop_assert_eq!(sound_slips(&mark, &respelt), Some(1));
            let skeleton = |w: &str| crate::text::normalize::Doc::new(w).skel;
            let (skel, respelt_skel) = (skeleton(&mark_s), skeleton(&respelt_s));
            let respelt_skel: Vec<char> = respelt_skel.chars().collect();
            if skel.chars().count() > SOUND_MIN && respelt_skel.len() > SOUND_MIN {
                let index = DeletionIndex::build([(1, skel.as_str(), 1)]);
                let mut found = Vec::new();
                index.candidates(&respelt_skel, (1, sound_key(&respelt_skel)), &mut Vec::new(), &mut found);
                proptest::prop_assert!(found.contains(&1), "{} for {}", respelt_s, mark_s);
            }
        }
    }

    #[test]
    fn two_edits_for_long_marks() {
        let index = DeletionIndex::build([(1, "brightweii", 2)]);
        assert!(found(&index, "brihgtwei").contains(&1));
        assert!(found(&index, "brightwe").contains(&1));
        assert!(found(&index, "xx").is_empty());
    }
}
