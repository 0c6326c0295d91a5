//! The first look at a text: which parts of it can hold a match at all.
//!
//! Most of a listing is ordinary words that are no mark, hold none and are
//! no mark's near miss ("cotton", "hoodie", "free shipping"). Folding them a
//! character at a time, running the automaton over them and looking them up
//! in the deletion index is most of the cost of a listing, and finds
//! nothing. So a first pass reads the text as bytes: each run of ASCII
//! letters is reduced on the fly to the key of its skeleton (the same key
//! [`super::typo::str_key`] gives the folded word) and looked up in the set
//! of *quiet* dictionary words, made when the matcher is built: words in
//! which the automaton finds nothing, that are no mark's near miss, and that
//! hold no word of a mark of several words. Everything else is *loud*:
//! unknown words, numbers, leet, anything not ASCII, runs of single letters.
//! Only the loud words, and the words around them that a match of several
//! words or a misspelt run of words could reach, are folded and matched in
//! full.
//!
//! Why the answer does not change: a match lies inside one word, or spans
//! words each of which holds a word of a mark of several words; a misspelt
//! run of words holds a word of its mark intact; a spaced-out mark is a run
//! of single letters. Each of those words is loud, and a region reaches as
//! many words either side as the longest mark has. Regions are cut at
//! whitespace, where folding and tokenising restart anyway, so a region
//! matched alone gives exactly what the whole text gives there. Words whose
//! tokenising the byte pass does not mirror exactly (any with digits, leet
//! symbols or non-ASCII characters) are loud, and are not counted when a
//! region reaches for its neighbours, so it reaches further, never less.
//! A test holds this against matching the whole text.

use super::typo::KeyBuilder;

/// What a word of the dictionary can take part in, as the matcher knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Nothing: the word is quiet.
    Nothing,
    /// Matches of itself alone (it is a near miss of a mark, and holds no
    /// mark nor word of one): its neighbours need not be read.
    Alone,
    /// Matches that may reach its neighbours; also any word not in the
    /// dictionary.
    Around,
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
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A word of two or more ASCII letters; its skeleton's key.
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
    toks: Vec<Tok>,
    /// Per token: how many words either side its matches can reach, or
    /// `None` where it is quiet.
    reach: Vec<Option<usize>>,
    pub regions: Vec<Region>,
}

/// Where folding restarts: the text's whitespace.
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A byte the byte pass cannot tokenise as the folding does: not ASCII, a
/// digit (leet or a number) or a leet symbol.
#[inline]
fn is_opaque(b: u8) -> bool {
    !b.is_ascii() || b.is_ascii_digit() || matches!(b, b'@' | b'$' | b'!' | b'|')
}

impl Scan {
    /// Finds the regions of `text` to match in full, into
    /// [`Scan::regions`]. `part` says what the word of a skeleton's key can
    /// take part in; `reach` is how many words either side of a loud word a
    /// match can involve; `context` how many words before a region an
    /// honest-reference phrase can take.
    pub(crate) fn scan(&mut self, text: &str, part: impl Fn(u64) -> Part, reach: usize, context: usize) {
        self.chunks.clear();
        self.toks.clear();
        self.regions.clear();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            let start = i;
            let mut opaque = false;
            while i < bytes.len() && !is_space(bytes[i]) {
                opaque |= is_opaque(bytes[i]);
                i += 1;
            }
            if start == i {
                break;
            }
            let chunk = self.chunks.len() as u32;
            self.chunks.push((start as u32, i as u32));
            if opaque {
                self.toks.push(Tok {
                    chunk,
                    kind: Kind::Opaque,
                });
                continue;
            }
            words(&bytes[start..i], |kind| self.toks.push(Tok { chunk, kind }));
        }
        // Looked up in a loop of their own: the lookups miss the cache, and
        // with nothing between them the processor overlaps them.
        let toks = &self.toks;
        self.reach.clear();
        self.reach.extend(toks.iter().enumerate().map(|(t, tok)| {
            match tok.kind {
                Kind::Word(key) => match part(key) {
                    Part::Nothing => None,
                    Part::Alone => Some(0),
                    Part::Around => Some(reach),
                },
                Kind::Opaque => Some(reach),
                // A letter alone is loud only in a run of them ("V E L O R A"),
                // or next to a piece that may continue one ("V 3 L O R A").
                Kind::Single => [t.wrapping_sub(1), t + 1]
                    .iter()
                    .any(|&n| toks.get(n).is_some_and(|o| !matches!(o.kind, Kind::Word(_))))
                    .then_some(reach),
            }
        }));
        // The last token of the last region.
        let mut last_hi: Option<usize> = None;
        for t in 0..toks.len() {
            let Some(reach) = self.reach[t] else {
                continue;
            };
            let lo = walk(toks, t, reach, false);
            let hi = walk(toks, t, reach, true);
            let (first, last) = (toks[lo].chunk, toks[hi].chunk);
            let touches = last_hi.is_some_and(|h| lo <= h + 1 || first <= toks[h].chunk);
            last_hi = Some(hi);
            match self.regions.last_mut() {
                // Next to the region before, or sharing a piece with it: one
                // region, so that a match across both is seen whole.
                Some(r) if touches => {
                    r.end = self.chunks[last as usize].1 as usize;
                }
                _ => {
                    let ctx = toks[walk(toks, lo, context, false)].chunk;
                    self.regions.push(Region {
                        start: self.chunks[first as usize].0 as usize,
                        end: self.chunks[last as usize].1 as usize,
                        context: self.chunks[ctx as usize].0 as usize,
                    });
                }
            }
        }
    }
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

/// The words of a piece of ASCII letters and punctuation, in order: each
/// run of letters, with the key of its skeleton (lower case, `l` as `i`,
/// `rn` as `m`, `vv` as `w`, as [`super::normalize`] writes it).
fn words(piece: &[u8], mut emit: impl FnMut(Kind)) {
    let mut j = 0;
    while j < piece.len() {
        if !piece[j].is_ascii_alphabetic() {
            j += 1;
            continue;
        }
        let start = j;
        let mut key = KeyBuilder::default();
        while j < piece.len() && piece[j].is_ascii_alphabetic() {
            let c = piece[j].to_ascii_lowercase();
            let next = piece.get(j + 1).map(u8::to_ascii_lowercase);
            let (out, step) = match (c, next) {
                (b'r', Some(b'n')) => (b'm', 2),
                (b'v', Some(b'v')) => (b'w', 2),
                (b'l', _) => (b'i', 1),
                _ => (c, 1),
            };
            key.push(char::from(out));
            j += step;
        }
        emit(if j - start == 1 {
            Kind::Single
        } else {
            Kind::Word(key.finish())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::Doc;
    use super::super::typo::{str_key, KeySet};
    use super::*;

    #[test]
    fn word_keys_are_the_keys_of_folded_skeletons() {
        for text in ["Velora", "ALL", "Barnes", "vvall", "Corn-Rnv", "x", "Hello, world. a-b"] {
            let doc = Doc::new(text);
            let mut keys = Vec::new();
            words(text.as_bytes(), |k| keys.push(k));
            assert_eq!(keys.len(), doc.tokens.len(), "{text}");
            for (kind, tok) in keys.iter().zip(&doc.tokens) {
                let skel = &doc.skel[tok.skel_start as usize..tok.skel_end as usize];
                match *kind {
                    Kind::Word(key) => assert_eq!(key, str_key(skel), "{text}: {skel}"),
                    Kind::Single => assert_eq!(tok.end - tok.start, 1, "{text}"),
                    Kind::Opaque => unreachable!(),
                }
            }
        }
    }

    /// `quiet` words are quiet, any other word may reach its neighbours.
    fn part(quiet: &KeySet) -> impl Fn(u64) -> Part + '_ {
        |k| {
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
        scan.scan(text, part(&quiet), reach, context);
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
        scan.scan(text, |k| if k == alone { Part::Alone } else { part(&keys)(k) }, 1, 5);
        assert_eq!((scan.regions[0].start, scan.regions[0].end), (4, 8));
        // Regions that touch are one.
        assert_eq!(regions("x1 new y2 all z3", &quiet, 1, 5), ["x1 new y2 all z3"]);
        assert_eq!(regions("new V  E\tL new", &quiet, 0, 5), ["V  E\tL"]);
        assert_eq!(regions("new all-x1-all new", &quiet, 0, 5), ["all-x1-all"]);
    }

    #[test]
    fn context_reaches_back_over_counted_words() {
        let quiet = ["case", "for", "new", "cotton"];
        let text = "new cotton case for Velora";
        let mut scan = Scan::default();
        let keys: KeySet = quiet.iter().map(|w| str_key(&Doc::new(w).skel)).collect();
        scan.scan(text, part(&keys), 0, 2);
        assert_eq!(scan.regions.len(), 1);
        assert_eq!(&text[scan.regions[0].context..], "case for Velora");
        scan.scan(text, part(&keys), 0, 9);
        assert_eq!(scan.regions[0].context, 0);
    }
}
