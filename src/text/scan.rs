//! The first look at a text: which parts of it can hold a match at all.
//!
//! Most of a listing is ordinary words that are no mark, hold none and are
//! no mark's near miss ("cotton", "hoodie", "free shipping"). Folding them a
//! character at a time, running the automaton over them and looking them up
//! in the deletion index is most of the cost of a listing, and finds
//! nothing. So a first pass reads the text as bytes: each run of ASCII
//! letters is reduced on the fly to the key of its skeleton (the same key
//! [`word_key`] gives the folded word) and looked up in the set
//! of *quiet* dictionary words, made when the matcher is built: words that
//! are no mark's near miss, hold no word of a mark of several words, and in
//! which the automaton finds nothing, or only marks glued inside them where
//! the glue check turns them down ("nike" in "moniker", as any word with
//! the same skeleton would be read). The glue check may take a change from
//! lower to upper case for a word boundary ("NikeThamide"), so a word with
//! one is quiet only if the automaton finds nothing in it at all (the
//! matcher looks for the change only in the few words where it matters).
//! With 10,000 made-up marks about one dictionary word in forty holds a
//! short mark somewhere, and was loud for nothing before this. Everything else is *loud*:
//! unknown words, numbers, leet, anything not ASCII, runs of single letters.
//! Only the loud words, and the words around them that a match of several
//! words or a misspelt run of words could reach, are folded and matched in
//! full.
//!
//! Why the answer does not change: a match lies inside one word, or spans
//! words each of which holds a word of a mark of several words; a misspelt
//! run of words holds a word of its mark intact, or is made of words in no
//! dictionary side by side, each loud, and neighbouring loud words share a
//! region; a spaced-out mark is a run
//! of single letters, and so is a spaced-out word of a mark of several,
//! whose letters each reach its other words; a mark split in two has a half that is no dictionary
//! word, and reaches one word; a mark split in three has such a piece that
//! the byte pass reads as a word, and reaches two; a mark of several words
//! split anew, in up to five pieces, has one too, and reaches as far as
//! its pieces run; a mark parted by
//! punctuation alone ("Bright-well") lies in one piece of text, whose words
//! the pass joins to find it (the matcher reads no other split). Each of those words is loud, and a region reaches as many
//! words either side as the longest mark has; but a word in no dictionary
//! that is no word of a mark of several words (a glued or misspelt mark,
//! most loud words of a listing) can only begin a match that spans words as
//! a piece of a split mark. So it is [`Part::Within`], and its region is
//! its own piece of the text, unless it spells part of a mark of one word,
//! or of a mark of several run together ([`Part::Itself`]), and it and up
//! to [`SPLIT_RUN`] less one neighbours, run together, are the skeleton of
//! such a mark; then its region reaches two words, or as far as the run
//! (a quarter fewer bytes folded on text dense with marks than a reach for
//! every loud word). Loud words reach different distances, so their reaches
//! are merged in order of where they begin.
//! Regions are cut at whitespace, where folding and tokenising restart
//! anyway, so a region matched alone gives exactly what the whole text
//! gives there. Words whose tokenising the byte pass does not mirror
//! exactly (any with digits, leet symbols or non-ASCII characters) are
//! loud, and are not counted when a region reaches for its neighbours, so
//! it reaches further, never less.
//! A test holds this against matching the whole text.

/// The most words the matcher's split pass joins into a mark: three for a
/// mark of one word ("Bal en ciaga"), more for one of several whose words
/// are split anew ("Hel ly Han sen", "Sylva nian Fami lies").
pub(crate) const SPLIT_RUN: usize = 5;

/// What a word of the dictionary can take part in, as the matcher knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Nothing: the word is quiet.
    Nothing,
    /// Matches of itself alone (it is a near miss of a mark, and holds no
    /// mark nor word of one): its neighbours need not be read.
    Alone,
    /// Matches that may reach its neighbours; also any word not in the
    /// dictionary that is a word of a mark of several words.
    Around,
    /// Matches inside itself, and may be a piece of a split mark: a word in
    /// no dictionary that is no word of a mark of several words, and spells
    /// part of a mark of one ("Gu", "ciaga") or of one of several run
    /// together ("ington"). Its region is its own piece of the text, unless
    /// it and its neighbours run together spell a mark ("Gu cci", "Bal en
    /// ciaga", "Hel ly Han sen"), which the scan checks.
    Itself,
    /// Matches inside itself, and is no piece of a split mark: such a word
    /// that spells no part of a mark of one word ("velorashoes",
    /// "Vellora"). Its region is its own piece of the text.
    Within,
}

/// A piece of the text that must be matched in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    /// Byte range, starting and ending at whitespace or the text's ends.
    pub start: usize,
    pub end: usize,
    /// Where to start instead so that the words before the region's first
    /// word can be read (for an honest-reference phrase before a mark).
    pub context: usize,
    /// Where the region is one piece holding one word, a word that matches
    /// alone ([`Part::Alone`]): that word's byte range and key. Its matches
    /// are then the word's known near misses, and the caller need not fold
    /// the region to find them.
    pub alone: Option<Alone>,
}

/// A word of two or more ASCII letters that matches alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Alone {
    pub start: usize,
    pub end: usize,
    pub key: u64,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A word of two or more ASCII letters: its skeleton's key.
    Word(u64),
    /// One ASCII letter alone.
    Single,
    /// A whitespace-delimited piece the byte pass does not tokenise.
    Opaque,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    /// Index into [`Scan::chunks`].
    chunk: u32,
    /// Byte range of the word (of the piece, if opaque).
    start: u32,
    end: u32,
    kind: Kind,
}

impl Tok {
    /// Whether this is exactly one token of the folded text.
    fn counts(self) -> bool {
        !matches!(self.kind, Kind::Opaque)
    }
}

/// Buffers of the byte pass, reused from text to text.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Whitespace-delimited pieces of the text.
    chunks: Vec<(u32, u32)>,
    /// The skeleton of a word with `rn` or `vv`, written out.
    skel: Vec<u8>,
    toks: Vec<Tok>,
    /// Per token: how many words either side its matches can reach and
    /// whether it matches alone, or `None` where it is quiet.
    reach: Vec<Option<(usize, bool)>>,
    /// Per loud token: its first and last token within reach, the token,
    /// and whether it matches alone.
    spans: Vec<(usize, usize, usize, bool)>,
    /// Runs of words, first and last, that only punctuation parts and that
    /// spell a mark of one word ("Hub-lot").
    joined: Vec<(usize, usize)>,
    /// Where each word's skeleton ends in `skel`, when several are written
    /// to be joined.
    ends: Vec<usize>,
    pub regions: Vec<Region>,
}

/// Where folding restarts: the text's whitespace.
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A byte the byte pass cannot tokenise as the folding does: not ASCII, a
/// digit (leet or a number), a leet symbol (a masked letter among them) or
/// a backslash (a letter drawn with strokes, `|\/|`).
#[inline]
fn is_opaque(b: u8) -> bool {
    !b.is_ascii() || b.is_ascii_digit() || matches!(b, b'@' | b'$' | b'!' | b'|' | b'*' | b'\\')
}

/// Whether the byte pass reads bytes `start..end` of `text` as words: the
/// piece of text between whitespace that holds them has no byte it does
/// not tokenise. Only such a word may tell a mark split in three from a
/// phrase: a piece the pass does not read reaches as far as any loud
/// word, not the two words a split in three may need.
pub(crate) fn read_as_words(text: &[u8], start: usize, end: usize) -> bool {
    let from = text[..start].iter().rposition(|&b| is_space(b)).map_or(0, |p| p + 1);
    let to = text[end..]
        .iter()
        .position(|&b| is_space(b))
        .map_or(text.len(), |p| end + p);
    !text[from..to].iter().any(|&b| is_opaque(b))
}

impl Scan {
    /// Finds the regions of `text` to match in full, into
    /// [`Scan::regions`]. `part` says what a word can take part in, given
    /// its skeleton's key and the word as written; `splits`, whether two
    /// or three words' skeletons run together may be a mark split in
    /// pieces, and whether a word, by its key, may be one such piece (it
    /// spells part of a mark of one word); `prefetch`
    /// is told each word's key as soon as it is read, so that what `part`
    /// will look up can start loading; `reach` is how
    /// many words either side of a loud word a match can involve; `context`
    /// how many words before a region an honest-reference phrase can take.
    pub(crate) fn scan(
        &mut self,
        text: &str,
        part: impl Fn(u64, &[u8]) -> Part,
        (splits, piece): (impl Fn(&[u8]) -> bool, impl Fn(u64) -> bool),
        prefetch: impl Fn(u64),
        reach: usize,
        context: usize,
    ) {
        self.chunks.clear();
        self.toks.clear();
        self.joined.clear();
        self.regions.clear();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if is_space(bytes[i]) {
                i += 1;
                continue;
            }
            // One piece: its words as they come, undone should a byte in it
            // turn out to be opaque.
            let start = i;
            let chunk = self.chunks.len() as u32;
            let first = self.toks.len();
            let mut opaque = false;
            // Punctuation in the piece: only then may it part words.
            let mut punctuated = false;
            while i < bytes.len() && !is_space(bytes[i]) {
                if bytes[i].is_ascii_alphabetic() {
                    let (end, key) = word_at(bytes, i, &mut self.skel);
                    prefetch(key);
                    self.toks.push(Tok {
                        chunk,
                        start: i as u32,
                        end: end as u32,
                        kind: if end - i == 1 { Kind::Single } else { Kind::Word(key) },
                    });
                    i = end;
                } else {
                    opaque |= is_opaque(bytes[i]);
                    punctuated = true;
                    i += 1;
                }
            }
            self.chunks.push((start as u32, i as u32));
            if opaque {
                self.toks.truncate(first);
                self.toks.push(Tok {
                    chunk,
                    start: start as u32,
                    end: i as u32,
                    kind: Kind::Opaque,
                });
            } else if punctuated && self.toks.len() - first > 1 {
                let piece = (&self.toks[first..], first);
                let buffers = (&mut self.skel, &mut self.ends);
                join_within_piece(bytes, piece, buffers, &splits, &mut self.joined);
            }
        }
        // Looked up in a loop of their own, once every word's key has been
        // handed to `prefetch`: the lookups miss the cache, and most of
        // them have been loaded by now.
        let toks = &self.toks;
        let (skel, ends) = (&mut self.skel, &mut self.ends);
        self.reach.clear();
        self.reach.extend(toks.iter().enumerate().map(|(t, tok)| {
            match tok.kind {
                Kind::Word(key) => match part(key, &bytes[tok.start as usize..tok.end as usize]) {
                    Part::Nothing => None,
                    Part::Alone => Some((0, true)),
                    Part::Around => Some((reach, false)),
                    // Two words either side, or as many as the pieces of a
                    // split mark it is one of run to: it may begin or end
                    // one.
                    Part::Itself => match splits_with_neighbour(bytes, toks, t, (skel, ends), &splits, &piece) {
                        Some(run) => Some((reach.max(run.max(2)), false)),
                        None => Some((0, false)),
                    },
                    Part::Within => Some((0, false)),
                },
                Kind::Opaque => Some((reach, false)),
                // A letter alone is loud only in a run of them ("V E L O R A"),
                // or next to a piece that may continue one ("V 3 L O R A"),
                // or where it and a word beside it spell a mark ("O mega").
                Kind::Single => ([t.wrapping_sub(1), t + 1]
                    .iter()
                    .any(|&n| toks.get(n).is_some_and(|o| !matches!(o.kind, Kind::Word(_))))
                    || joins_a_word(bytes, toks, t, (skel, ends), &splits))
                .then_some((reach, false)),
            }
        }));
        // A split mark's region is its piece, which holds all its pieces;
        // none of them matches alone.
        for &(lo, hi) in &self.joined {
            for t in lo..=hi {
                self.reach[t] = Some((self.reach[t].map_or(0, |(reach, _)| reach), false));
            }
        }
        // Each loud token's reach, as its first and last token. Words reach
        // different distances (a mark split in three reaches two words,
        // most loud words one), so a later word may reach back past an
        // earlier one: in order of where they begin, that reach is merged
        // like any other.
        self.spans.clear();
        self.spans.extend((0..toks.len()).filter_map(|t| {
            let (reach, alone) = self.reach[t]?;
            Some((walk(toks, t, reach, false), walk(toks, t, reach, true), t, alone))
        }));
        // Stable and nearly in order already.
        self.spans.sort_by_key(|span| span.0);
        // The last token of the last region.
        let mut last_hi: Option<usize> = None;
        for &(lo, hi, t, alone) in &self.spans {
            let first = toks[lo].chunk;
            let touches = last_hi.is_some_and(|h| lo <= h + 1 || first <= toks[h].chunk);
            match self.regions.last_mut() {
                // Next to the region before, or sharing a piece with it: one
                // region, so that a match across both is seen whole.
                Some(r) if touches => {
                    let h = last_hi.map_or(hi, |h| h.max(hi));
                    last_hi = Some(h);
                    r.end = self.chunks[toks[h].chunk as usize].1 as usize;
                    r.alone = None;
                }
                _ => {
                    last_hi = Some(hi);
                    let ctx = toks[walk(toks, lo, context, false)].chunk;
                    // The word is the only token of its piece, and the
                    // region is that piece (should the next region touch
                    // it, the two become one, and this is undone above).
                    let tok = toks[t];
                    let only = |n: usize| toks.get(n).is_none_or(|o| o.chunk != tok.chunk);
                    let alone = match tok.kind {
                        Kind::Word(key) if alone && only(t.wrapping_sub(1)) && only(t + 1) => Some(Alone {
                            start: tok.start as usize,
                            end: tok.end as usize,
                            key,
                        }),
                        _ => None,
                    };
                    self.regions.push(Region {
                        start: self.chunks[first as usize].0 as usize,
                        end: self.chunks[toks[hi].chunk as usize].1 as usize,
                        context: self.chunks[ctx as usize].0 as usize,
                        alone,
                    });
                }
            }
        }
    }
}

impl Scan {
    /// Where a word that `cue` looks for (a counterfeit tell-tale's first
    /// word, an honest-reference word after a match) may begin, in order,
    /// as byte ranges: the words whose key `cue` accepts, and the pieces
    /// the byte pass does not read (`true`), anywhere in which one may
    /// begin.
    pub(crate) fn may_begin_cue<'a>(
        &'a self,
        cue: impl Fn(u64) -> bool + 'a,
    ) -> impl Iterator<Item = (usize, usize, bool)> + 'a {
        self.toks.iter().filter_map(move |tok| match tok.kind {
            Kind::Word(key) if cue(key) => Some((tok.start as usize, tok.end as usize, false)),
            Kind::Opaque => Some((tok.start as usize, tok.end as usize, true)),
            _ => None,
        })
    }

    /// Whether folding bytes `from..to` of the text last scanned may give a
    /// word of two letters or more whose skeleton's key `word` accepts: one
    /// of the byte pass's words there does, or a piece it does not read
    /// lies there. A piece it reads folds to exactly its words (see the
    /// module docs), so a `false` is certain; `from` must start a piece.
    pub(crate) fn may_hold_word(&self, from: usize, to: usize, word: impl Fn(u64) -> bool) -> bool {
        let first = self.toks.partition_point(|tok| (tok.end as usize) <= from);
        self.toks[first..]
            .iter()
            .take_while(|tok| (tok.start as usize) < to)
            .any(|tok| match tok.kind {
                Kind::Word(key) => word(key),
                Kind::Opaque => true,
                Kind::Single => false,
            })
    }
}

/// How many words either side word `t` must reach where it and up to
/// [`SPLIT_RUN`] less one neighbours may be the pieces of a split mark,
/// which the matcher's split pass reads (the longest such run less one),
/// or `None`: `splits` accepts their skeletons run together (each written
/// as folding writes it, then joined, as the split pass joins them). A
/// neighbour the byte pass does not tokenise may hold anything, so it may.
/// Each piece spells part of the mark, so a neighbour that `piece` turns
/// down (most words next to a glued or misspelt mark) ends the runs to
/// look at.
fn splits_with_neighbour(
    bytes: &[u8],
    toks: &[Tok],
    t: usize,
    (skel, ends): (&mut Vec<u8>, &mut Vec<usize>),
    splits: impl Fn(&[u8]) -> bool,
    piece: impl Fn(u64) -> bool,
) -> Option<usize> {
    // Up to a run's length less one tokens either side of the word, as far
    // as each may be a piece (a letter alone may).
    let may = |tok: &Tok| match tok.kind {
        Kind::Word(key) => piece(key),
        Kind::Single | Kind::Opaque => true,
    };
    let first = (t.saturating_sub(SPLIT_RUN - 1)..t)
        .rev()
        .take_while(|&n| may(&toks[n]))
        .last()
        .unwrap_or(t);
    let end = (t + 1..toks.len().min(t + SPLIT_RUN))
        .take_while(|&n| may(&toks[n]))
        .last()
        .unwrap_or(t)
        + 1;
    let around = &toks[first..end];
    if around.len() == 1 {
        return None;
    }
    if around.iter().any(|o| matches!(o.kind, Kind::Opaque)) {
        return Some(SPLIT_RUN - 1);
    }
    let run = write_skeletons(bytes, around, (skel, ends));
    let at = t - first;
    // Every run of two to `SPLIT_RUN` tokens that holds the word.
    (at.saturating_sub(SPLIT_RUN - 1)..=at)
        .flat_map(|lo| (lo + 1..(lo + SPLIT_RUN).min(around.len())).map(move |hi| (lo, hi)))
        .filter(|&(lo, hi)| hi >= at && splits(run(lo, hi)))
        .map(|(lo, hi)| hi - lo)
        .max()
}

/// Whether letter `t`, alone, and the word before or after it spell a mark
/// of one word run together (`splits`), which the matcher's split pass
/// reads as a letter and a word written apart ("O mega", "Role x").
fn joins_a_word(
    bytes: &[u8],
    toks: &[Tok],
    t: usize,
    (skel, ends): (&mut Vec<u8>, &mut Vec<usize>),
    splits: impl Fn(&[u8]) -> bool,
) -> bool {
    let first = t.saturating_sub(1);
    let around = &toks[first..toks.len().min(t + 2)];
    if around.len() == 1 {
        return false;
    }
    let run = write_skeletons(bytes, around, (skel, ends));
    let at = t - first;
    (at.saturating_sub(1)..at + 1).any(|lo| lo + 1 < around.len() && splits(run(lo, lo + 1)))
}

/// Writes the skeletons of `toks` once, one after another, each as folding
/// writes it, into `skel` (`ends` keeping where each ends): the joined
/// skeletons of tokens `lo..=hi`, which the split pass asks about, are
/// then the slice the returned function gives.
fn write_skeletons<'a>(
    bytes: &[u8],
    toks: &[Tok],
    (skel, ends): (&'a mut Vec<u8>, &'a mut Vec<usize>),
) -> impl Fn(usize, usize) -> &'a [u8] {
    skel.clear();
    ends.clear();
    for tok in toks {
        push_skeleton(&bytes[tok.start as usize..tok.end as usize], skel);
        ends.push(skel.len());
    }
    let (skel, ends): (&'a Vec<u8>, &'a Vec<usize>) = (skel, ends);
    move |lo, hi| &skel[if lo == 0 { 0 } else { ends[lo - 1] }..ends[hi]]
}

/// The runs of two or three words of one piece of text (`toks`, two or
/// more, none opaque), first and last, that run together spell a mark of
/// one word (`splits`) where only punctuation parts them ("Hub-lot",
/// "Gar.min"): the matcher's split pass joins such a run whatever its
/// words are, as nobody writes a phrase that way. An apostrophe does not
/// part words ("Levi's" is a possessive, or the mark as registered).
#[cold]
#[inline(never)]
fn join_within_piece(
    bytes: &[u8],
    (toks, first): (&[Tok], usize),
    buffers: (&mut Vec<u8>, &mut Vec<usize>),
    splits: impl Fn(&[u8]) -> bool,
    out: &mut Vec<(usize, usize)>,
) {
    // Letters alone ("N-I-K-E") are the spaced pass's, not a split's: a
    // run is looked at only with a word in it.
    let word = |tok: &Tok| matches!(tok.kind, Kind::Word(_));
    if !toks.iter().any(word) {
        return;
    }
    let run = write_skeletons(bytes, toks, buffers);
    for lo in 0..toks.len() - 1 {
        if !toks[lo..toks.len().min(lo + 3)].iter().any(word) {
            continue;
        }
        for hi in lo + 1..toks.len().min(lo + 3) {
            let gap = &bytes[toks[hi - 1].end as usize..toks[hi].start as usize];
            if !parts_words(gap.iter().map(|&b| char::from(b))) {
                break;
            }
            if splits(run(lo, hi)) {
                out.push((first + lo, first + hi));
            }
        }
    }
}

/// Whether the characters between two words part them within one piece
/// of text, as a space would for a split mark: some, and neither
/// whitespace nor an apostrophe.
pub(crate) fn parts_words(gap: impl IntoIterator<Item = char>) -> bool {
    let mut any = false;
    for c in gap {
        if c.is_whitespace() || matches!(c, '\'' | '\u{2019}') {
            return false;
        }
        any = true;
    }
    any
}

/// The token `n` counted tokens from `t` (backwards or forwards), or the
/// last one there is; pieces that are not counted are passed over.
fn walk(toks: &[Tok], mut t: usize, n: usize, forward: bool) -> usize {
    let mut left = n;
    while left > 0 {
        let next = if forward { t + 1 } else { t.wrapping_sub(1) };
        let Some(tok) = toks.get(next) else {
            break;
        };
        t = next;
        if tok.counts() {
            left -= 1;
        }
    }
    t
}

/// Eight bytes of each: every byte of a word is looked at through these.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
/// The case bit of each byte: set, an ASCII letter is lower case.
const CASE: u64 = ONES * 0x20;

/// The eight bytes from `i` on, little-endian, zero past the end.
#[inline]
fn load(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(i..i + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => {
            let rest = bytes.get(i..).unwrap_or(&[]);
            let mut b = [0; 8];
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

/// The high bit of each byte of `x` that equals `c` (exactly: no carry
/// crosses a byte).
#[inline]
fn eq(x: u64, c: u8) -> u64 {
    zero(x ^ (ONES * u64::from(c)))
}

/// The high bit of each byte of `x` that equals `c` where the same byte of
/// `y` equals `d`: one test of both.
#[inline]
fn eq2(x: u64, c: u8, y: u64, d: u8) -> u64 {
    zero((x ^ (ONES * u64::from(c))) | (y ^ (ONES * u64::from(d))))
}

/// The high bit of each zero byte of `t` (exactly: no carry crosses a
/// byte).
#[inline]
fn zero(t: u64) -> u64 {
    !(((t & LOW7) + LOW7) | t | LOW7)
}

/// The high bit of each byte of `x` that is an ASCII letter: below 0x80,
/// and between `a` and `z` once bit 5 (the case bit) is set.
#[inline]
fn letters(x: u64) -> u64 {
    let y = (x | CASE) & LOW7;
    (y + ONES * 0x1F) & !(y + ONES * 0x05) & !x & HIGH
}

/// The end of the run of ASCII letters that starts at `i`, and the
/// [`word_key`] of its skeleton (lower case, `l` as `i`, `rn` as `m`, `vv`
/// as `w`, as [`super::normalize`] writes it).
///
/// Eight bytes at a time: without `rn` or `vv` the skeleton is the word
/// lower-cased with `l` as `i`, byte for byte, so each eight bytes of the
/// word are eight bytes of the skeleton, found with a few operations on a
/// `u64` and hashed as they are. A word with `rn` or `vv` (a few in a
/// hundred) is written out a byte at a time into `skel` instead.
#[inline(always)]
fn word_at(bytes: &[u8], i: usize, skel: &mut Vec<u8>) -> (usize, u64) {
    let mut key = WordKey::default();
    let mut j = i;
    loop {
        let x = load(bytes, j);
        let stop = !letters(x) & HIGH;
        // Letters in these eight bytes before the word ends.
        let n = if stop == 0 {
            8
        } else {
            (stop.trailing_zeros() / 8) as usize
        };
        if n == 0 {
            break;
        }
        let keep = if n == 8 { !0 } else { (1u64 << (8 * n)) - 1 };
        let low = x | CASE;
        // Each byte against the one after it ("rn" may straddle two loads);
        // a byte that is `n` or `v` with the case bit set is a letter, so
        // both bytes of a pair are in the word.
        let next = load(bytes, j + 1) | CASE;
        let pairs = eq2(low, b'r', next, b'n') | eq2(low, b'v', next, b'v');
        if pairs & keep != 0 {
            return word_at_slowly(bytes, i, skel);
        }
        // `l` (0x6C) less 3 is `i` (0x69); no byte borrows from the next.
        key.push((low - (eq(low, b'l') >> 7) * 3) & keep);
        j += n;
        if n < 8 {
            break;
        }
    }
    (j, key.finish(j - i))
}

/// [`word_at`] a byte at a time, for words with `rn` or `vv`.
#[cold]
fn word_at_slowly(bytes: &[u8], i: usize, skel: &mut Vec<u8>) -> (usize, u64) {
    let end = i + bytes[i..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
    skel.clear();
    push_skeleton(&bytes[i..end], skel);
    (end, word_key(skel))
}

/// Appends the skeleton of `word`, a run of ASCII letters, to `skel`:
/// lower case, `l` as `i`, `rn` as `m`, `vv` as `w`, as
/// [`super::normalize`] writes it.
fn push_skeleton(word: &[u8], skel: &mut Vec<u8>) {
    let lower = |b: &u8| char::from(b.to_ascii_lowercase());
    let mut j = 0;
    while j < word.len() {
        let (out, step) = super::normalize::skeleton_letter(lower(&word[j]), word.get(j + 1).map(lower));
        // An ASCII letter.
        skel.push(out as u8);
        j += step;
    }
}

/// Whether a word changes from a lower-case letter to an upper-case one
/// ("VeloraHoodie"), where the glue check may believe a mark glued inside
/// it. Asked of the few words that hold only marks the glue check turns
/// down, not worked out for every word.
pub(crate) fn changes_case(word: &[u8]) -> bool {
    word.windows(2)
        .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase())
}

/// The key by which the matcher knows a word: a hash of the bytes of its
/// skeleton. Taken eight bytes at a time (the last eight padded with
/// zeros), so that [`word_at`] can hash a word straight from the text's
/// bytes; the length is mixed in at the end, so padding is no ambiguity.
/// Dictionary words, words of marks and the words of a listing all meet
/// under this key.
pub(crate) fn word_key(skel: &[u8]) -> u64 {
    let mut key = WordKey::default();
    let mut blocks = skel.chunks_exact(8);
    for block in &mut blocks {
        key.push(load(block, 0));
    }
    if !blocks.remainder().is_empty() {
        key.push(load(blocks.remainder(), 0));
    }
    key.finish(skel.len())
}

/// [`word_key`], eight bytes at a time.
struct WordKey(u64);

impl Default for WordKey {
    fn default() -> WordKey {
        WordKey(0x243F_6A88_85A3_08D3)
    }
}

impl WordKey {
    /// One multiplication an eight bytes: the first eight (most words,
    /// whole) map one-to-one to the state.
    #[inline]
    fn push(&mut self, block: u64) {
        self.0 = (self.0.rotate_left(23) ^ block).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    /// Mixes the length in and spreads the bits (SplitMix64's finaliser).
    #[inline]
    fn finish(self, len: usize) -> u64 {
        let mut h = self.0 ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^= h >> 30;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 27;
        h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^ (h >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::Doc;
    use super::super::typo::KeySet;
    use super::*;
    use proptest::prelude::*;

    /// The words of `text` as the byte pass reads them: range and key.
    fn words(text: &str) -> Vec<(usize, usize, u64)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphabetic() {
                let (end, key) = word_at(bytes, i, &mut Vec::new());
                out.push((i, end, key));
                i = end;
            } else {
                i += 1;
            }
        }
        out
    }

    /// The key of a word's folded skeleton.
    fn str_key(word: &str) -> u64 {
        word_key(word.as_bytes())
    }

    /// The byte pass reads words and their keys as folding and
    /// tokenising the text would.
    fn check_words(text: &str) {
        let doc = Doc::new(text);
        let words = words(text);
        assert_eq!(words.len(), doc.tokens.len(), "{text}");
        for (&(start, end, key), tok) in words.iter().zip(&doc.tokens) {
            let skel = doc.skel_of(tok);
            assert_eq!((start, end), (tok.start as usize, tok.end as usize), "{text}");
            assert_eq!(key, str_key(skel), "{text}: {skel}");
        }
    }

    #[test]
    fn word_keys_are_the_keys_of_folded_skeletons() {
        for text in [
            "Velora",
            "ALL",
            "Barnes",
            "vvall",
            "Corn-Rnv",
            "x",
            "Hello, world. a-b",
            "abcdefgh",
            "abcdefghijklmnop",
            "abcdefgRN",
            "abcdefgrnxyz",
            "abcdefgVvx",
            "LLLLLLLLLLLLLLLLLLl",
            "[Z]`a{z}^A",
            "internationalisation, rnrnrn vvvvv",
        ] {
            check_words(text);
        }
        assert_ne!(str_key("ab"), str_key("ab\0"));
        assert!(changes_case(b"VeloraHoodie") && changes_case(b"nikeThamide"));
        assert!(!changes_case(b"VELORA") && !changes_case(b"Velora") && !changes_case(b"NIKEthamide"));
    }

    /// `quiet` words are quiet, any other word may reach its neighbours.
    fn part(quiet: &KeySet) -> impl Fn(u64, &[u8]) -> Part + '_ {
        |k, _| {
            if quiet.contains(&k) {
                Part::Nothing
            } else {
                Part::Around
            }
        }
    }

    fn regions<'t>(text: &'t str, quiet: &[&str], reach: usize, context: usize) -> Vec<&'t str> {
        let quiet: KeySet = quiet.iter().map(|w| str_key(&Doc::new(w).skel)).collect();
        let mut scan = Scan::default();
        scan.scan(text, part(&quiet), (|_| false, |_| true), |_| (), reach, context);
        scan.regions.iter().map(|r| &text[r.start..r.end]).collect()
    }

    #[test]
    fn quiet_words_are_left_out() {
        let quiet = ["new", "cotton", "hoodie", "for", "men", "all"];
        assert!(regions("New cotton hoodie for men", &quiet, 1, 5).is_empty());
        assert_eq!(
            regions("New cotton Velora hoodie for men, all new", &quiet, 1, 5),
            ["cotton Velora hoodie"]
        );
        assert_eq!(regions("new V E L O R A hoodie", &quiet, 0, 5), ["V E L O R A"]);
        // A lone letter is quiet; one by a number may be a spaced mark.
        assert!(regions("new a hoodie", &quiet, 0, 5).is_empty());
        assert_eq!(regions("new V 3 hoodie", &quiet, 0, 5), ["V 3"]);
        assert_eq!(regions("new N1ke, hoodie", &quiet, 0, 5), ["N1ke,"]);
        assert_eq!(regions("new Vеlora hoodie", &quiet, 0, 5), ["Vеlora"]);
        // A word that matches alone does not reach its neighbours.
        let alone = str_key("onyx");
        let mut scan = Scan::default();
        let keys: KeySet = quiet.iter().map(|w| str_key(&Doc::new(w).skel)).collect();
        let text = "new onyx hoodie";
        scan.scan(
            text,
            |k, word| if k == alone { Part::Alone } else { part(&keys)(k, word) },
            (|_| false, |_| true),
            |_| (),
            1,
            5,
        );
        assert_eq!((scan.regions[0].start, scan.regions[0].end), (4, 8));
        // Regions that touch are one.
        assert_eq!(regions("x1 new y2 all z3", &quiet, 1, 5), ["x1 new y2 all z3"]);
        assert_eq!(regions("new V  E\tL new", &quiet, 0, 5), ["V  E\tL"]);
        assert_eq!(regions("new all-x1-all new", &quiet, 0, 5), ["all-x1-all"]);
    }

    #[test]
    fn a_word_that_matches_inside_itself_reaches_only_a_split_partner() {
        let quiet: KeySet = ["new", "hoodie", "arc"].iter().map(|w| str_key(w)).collect();
        let marks: KeySet = ["arcturo", "maisoncorveiie"].iter().map(|w| str_key(w)).collect();
        let part = |k: u64, _: &[u8]| {
            if quiet.contains(&k) {
                Part::Nothing
            } else {
                Part::Itself
            }
        };
        let joins = |joined: &[u8]| marks.contains(&word_key(joined));
        let mut scan = Scan::default();
        let mut regions = |text: &'static str| -> Vec<&'static str> {
            scan.scan(text, part, (joins, |_| true), |_| (), 1, 5);
            scan.regions.iter().map(|r| &text[r.start..r.end]).collect()
        };
        assert_eq!(regions("new velorashoes hoodie"), ["velorashoes"]);
        assert_eq!(regions("new Velora-shoes hoodie"), ["Velora-shoes"]);
        // Two such words side by side share a region: they may be a mark
        // of two words misspelt in each ("Botega Venetta").
        assert_eq!(regions("new Botega Venetta hoodie"), ["Botega Venetta"]);
        // "Arc turo" may be "Arcturo" split in two (or three, with a word
        // either side): the region reaches two words.
        assert_eq!(regions("new Arc turo hoodie"), ["new Arc turo hoodie"]);
        assert_eq!(
            regions("new hoodie ARC TURO hoodie new"),
            ["hoodie ARC TURO hoodie new"]
        );
        // A mark of several words split anew in four ("maisoncorveiie" is
        // the skeleton of "Maison Corvelle" run together): each piece
        // reaches three words, as far as the run of them does.
        assert_eq!(
            regions("new hoodie new MAI SON COR VELLE hoodie new hoodie new hoodie"),
            ["new hoodie new MAI SON COR VELLE hoodie new hoodie"]
        );
        // Both halves unknown: each reaches.
        assert_eq!(regions("new Arct uro hoodie"), ["new Arct uro hoodie"]);
        // A neighbour the byte pass does not read may be anything.
        assert_eq!(regions("new velora 2024 hoodie"), ["new velora 2024 hoodie"]);
        // A neighbour that spells no part of a mark is no piece of one:
        // the runs through it are not joined.
        let arc = str_key("arc");
        scan.scan("new Arc turo hoodie", part, (joins, |k| k != arc), |_| (), 1, 5);
        assert_eq!(
            (scan.regions.len(), scan.regions[0].start, scan.regions[0].end),
            (1, 8, 12)
        );
    }

    #[test]
    fn context_reaches_back_over_counted_words() {
        let quiet = ["case", "for", "new", "cotton"];
        let text = "new cotton case for Velora";
        let mut scan = Scan::default();
        let keys: KeySet = quiet.iter().map(|w| str_key(&Doc::new(w).skel)).collect();
        scan.scan(text, part(&keys), (|_| false, |_| true), |_| (), 0, 2);
        assert_eq!(scan.regions.len(), 1);
        assert_eq!(&text[scan.regions[0].context..], "case for Velora");
        scan.scan(text, part(&keys), (|_| false, |_| true), |_| (), 0, 9);
        assert_eq!(scan.regions[0].context, 0);
    }

    proptest! {
        #[test]
        fn words_and_keys_as_folded(text in "[a-zA-Z rnvlRNVL.,'\\-\\[\\]`{}^_~]{0,40}") {
            check_words(&text);
        }
    }
}
