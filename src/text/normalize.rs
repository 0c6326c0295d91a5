//! Folding text into the form marks are matched in, with a way back.
//!
//! Matching happens on a folded copy of the text, never on the text itself,
//! so every folded character must remember where it came from: a reviewer is
//! shown the listing's own words, and the span must slice the original.
//!
//! Folding is done in two layers:
//!
//! 1. [`Doc::units`]: one [`Unit`] per output character of NFKD, look-alike
//!    folding and lower-casing, each carrying the byte span of the original
//!    character it came from and flags saying which folds applied (so the
//!    match can be reported as styled, diacritic or homoglyph). Units keep
//!    punctuation and digits as they are.
//! 2. [`Doc::skel`]: the *skeleton* the automaton runs over. Each token (a
//!    run of letters and digits, plus leet symbols inside it) is written with
//!    leet folded (`0`→`o`, `1`→`i`, `rn`→`m`, `vv`→`w`) and `l` folded to
//!    `i`, and tokens are separated by exactly one space. Every skeleton byte
//!    maps back to a range of units.
//!
//! Marks go through exactly the same folding, so a mark and its disguise meet
//! in the skeleton; comparing their units afterwards tells which disguise it
//! was.

use unicode_normalization::char::{decompose_canonical, decompose_compatible, is_combining_mark};

use super::cjk;
use super::confusables::{self, Fold};

/// A compatibility decomposition changed the character (full-width,
/// mathematical, circled, ligature, small capital), or a Han character
/// was written in its traditional form ([`cjk::simplified`]).
pub(crate) const STYLED: u8 = 1;
/// A combining mark was dropped, or a stroked letter folded.
pub(crate) const DIACRITIC: u8 = 2;
/// A letter of another script was read as the Latin letter it looks like.
pub(crate) const HOMOGLYPH: u8 = 4;
/// An invisible character inside the word was dropped just before this unit.
pub(crate) const INVISIBLE: u8 = 8;
/// The original character was upper case; kept to see "VeloraHoodie" as
/// two words.
pub(crate) const UPPER: u8 = 16;
/// The letter was drawn with slashes and bars (`|\/|` for `m`): leet.
pub(crate) const DRAWN: u8 = 32;

/// One folded character and the original bytes it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Lower-case, NFKD-folded, look-alikes read as Latin, traditional Han
    /// as simplified.
    pub ch: char,
    /// Byte span in the original text; several units can share one (a
    /// ligature) and one unit can cover several characters (a letter and the
    /// combining marks dropped after it).
    pub start: u32,
    pub end: u32,
    pub flags: u8,
}

/// A word: a maximal run of letters and digits (and leet symbols between
/// them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// Unit range.
    pub start: u32,
    pub end: u32,
    /// Byte range of the token in [`Doc::skel`].
    pub skel_start: u32,
    pub skel_end: u32,
}

/// A text, folded.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub units: Vec<Unit>,
    pub tokens: Vec<Token>,
    /// Token skeletons separated by single spaces.
    pub skel: String,
    /// For each byte of `skel`, the unit range it stands for. A space stands
    /// for the whole gap between two tokens.
    pub map: Vec<(u32, u32)>,
}

/// How [`Doc::respelt_skel_of`] spelt a word otherwise than its skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Respelt {
    /// It did not: the word has neither `rn`, `vv` nor a letter held down.
    AsIs,
    /// `rn` or `vv` kept as two letters: the word as spelt.
    Unmerged,
    /// A letter held down written twice (and any `rn` or `vv` kept): that
    /// was a typo.
    Held,
}

/// Pushes a skeleton's letter as written: `m` and `w` that stand for two
/// units (`two`) as the `rn` and `vv` they were.
fn push_spelt(out: &mut String, c: char, two: bool) {
    match c {
        'm' if two => out.push_str("rn"),
        'w' if two => out.push_str("vv"),
        _ => out.push(c),
    }
}

/// Leet symbols that stand for a letter even at the edge of a word, next
/// to a letter ("@rcturo", "¢larks", "£ay's"): a sign of currency is
/// written by a number ("€25"), where it is no letter.
pub(crate) fn is_edge_letter(c: char) -> bool {
    matches!(c, '@' | '$' | '€' | '¢' | '¥' | '£' | '฿')
}

/// Where a word is single characters parted by one leet symbol written
/// two times or more ("N|I|K|E", "C*A*R*T*I*E*R"), the places of its
/// characters: the symbol parts them, as full stops do, rather than
/// standing for letters ("N!ke", "G*cci"), as one symbol between single
/// letters may ("C@T").
fn parted_letters(word: &[Unit]) -> Option<impl Iterator<Item = usize> + '_> {
    let symbol = word.get(1)?.ch;
    if symbol.is_alphanumeric() || word.len() < 5 || word.len() % 2 == 0 {
        return None;
    }
    let parted = word.iter().enumerate().all(|(k, u)| {
        if k % 2 == 1 {
            u.ch == symbol
        } else {
            u.ch.is_alphanumeric()
        }
    });
    parted.then(|| (0..word.len()).step_by(2))
}

/// Whether a folded character belongs to a word.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    // An ASCII character (most of a listing) is answered by one look-up in
    // a table: it is alphanumeric only as ASCII, and most leet symbols are
    // ASCII.
    match ASCII_WORD_CHARS.get(c as usize) {
        Some(&word) => word,
        None => c.is_alphanumeric() || confusables::is_leet_symbol(c),
    }
}

/// [`is_word_char`] of each ASCII character.
const ASCII_WORD_CHARS: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        table[b] = c.is_ascii_alphanumeric() || confusables::is_leet_symbol(c);
        b += 1;
    }
    table
};

impl Doc {
    /// Folds `text`. Offsets are kept as `u32`; callers clamp texts to
    /// 4 GiB first.
    pub(crate) fn new(text: &str) -> Doc {
        let mut doc = Doc::default();
        doc.fold(text);
        doc
    }

    /// Folds `text` into this document, reusing its buffers: a matcher
    /// keeps one per thread, so that a listing costs no allocation here.
    pub(crate) fn fold(&mut self, text: &str) {
        self.fold_words(text);
        self.skeletonize();
    }

    /// Folds `text` into units and finds its tokens, but writes no
    /// skeleton: enough to read the words around a match.
    pub(crate) fn fold_words(&mut self, text: &str) {
        self.fold_units(text);
        self.tokenize();
    }

    /// Folds `text` into units only: enough to look for phrases in it.
    pub(crate) fn fold_units(&mut self, text: &str) {
        self.units.clear();
        self.tokens.clear();
        self.skel.clear();
        self.map.clear();
        fold_into(text, &mut self.units);
        // Every drawn letter has a backslash or is `|_|`, which few
        // listings hold.
        let bytes = text.as_bytes();
        if bytes.contains(&b'\\') || (bytes.contains(&b'|') && bytes.windows(3).any(|w| w == b"|_|")) {
            join_drawn_letters(&mut self.units);
        }
    }

    fn tokenize(&mut self) {
        let units = &self.units;
        let tokens = &mut self.tokens;
        let mut i = 0;
        while i < units.len() {
            if !is_word_char(units[i].ch) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < units.len() && is_word_char(units[j].ch) {
                j += 1;
            }
            // Leet symbols count as letters inside a word ("N!ke") but not
            // at its edges ("Velora!"), except `@` and `$` against a letter
            // ("@rcturo", "Velor@"), which punctuation rarely is.
            let (mut a, mut b) = (i, j);
            while a < b && !units[a].ch.is_alphanumeric() {
                if is_edge_letter(units[a].ch) && units.get(a + 1).is_some_and(|u| u.ch.is_alphabetic()) && a + 1 < b {
                    break;
                }
                a += 1;
            }
            while b > a && !units[b - 1].ch.is_alphanumeric() {
                if is_edge_letter(units[b - 1].ch) && b >= a + 2 && units[b - 2].ch.is_alphabetic() {
                    break;
                }
                // Two bars that end a word are its last letters ("Bu||"
                // for "Bull"): no punctuation doubles a bar against a word.
                if b >= a + 3 && units[b - 2..b].iter().all(|u| u.ch == '|') && units[b - 3].ch.is_alphabetic() {
                    break;
                }
                b -= 1;
            }
            let token = |start: usize, end: usize| Token {
                start: start as u32,
                end: end as u32,
                skel_start: 0,
                skel_end: 0,
            };
            let word = units.get(a..b).unwrap_or(&[]);
            if let Some(letters) = parted_letters(word) {
                tokens.extend(letters.map(|k| token(a + k, a + k + 1)));
            } else if a < b {
                tokens.push(token(a, b));
            }
            i = j;
        }
    }

    /// Writes the skeleton of the tokens found.
    fn skeletonize(&mut self) {
        let (units, tokens) = (&self.units, &mut self.tokens);
        let skel = &mut self.skel;
        let map = &mut self.map;
        skel.reserve(units.len());
        map.reserve(units.len());
        for k in 0..tokens.len() {
            if k > 0 {
                skel.push(' ');
                map.push((tokens[k - 1].end, tokens[k].start));
            }
            let (start, end) = (tokens[k].start, tokens[k].end);
            tokens[k].skel_start = skel.len() as u32;
            let word = &units[start as usize..end as usize];
            if !skeletonize_letters(word, start, skel, map) {
                skeletonize_by(units, word.len(), |i| start + i as u32, skel, map);
            }
            tokens[k].skel_end = skel.len() as u32;
        }
    }

    /// The skeleton of a token.
    pub(crate) fn skel_of(&self, tok: &Token) -> &str {
        self.skel
            .get(tok.skel_start as usize..tok.skel_end as usize)
            .unwrap_or("")
    }

    /// The skeletons of `tokens` run together as written, into `out`:
    /// `rn` and `vv` kept as two letters, where the skeleton reads them as
    /// `m` and `w`, the letters they look like. False, with nothing
    /// written, where no token has either. A typo can make such a pair
    /// ("Givrnchy", "Ralph Laurne"), and is then one edit as written but
    /// two in the skeleton. (A typo that breaks such a pair in a mark,
    /// "Wanrer" for "Warner", is found by filing the mark as written too:
    /// `CompiledMark::spelt`.)
    pub(crate) fn spelt_skel(&self, tokens: &[Token], out: &mut String) -> bool {
        out.clear();
        let skel_and_map = |tok: &Token| {
            let (s, e) = (tok.skel_start as usize, tok.skel_end as usize);
            Option::zip(self.skel.get(s..e), self.map.get(s..e))
        };
        let merged = |(skel, map): (&str, &[(u32, u32)])| {
            skel.bytes()
                .zip(map)
                .any(|(b, &(u0, u1))| matches!(b, b'm' | b'w') && u1 - u0 == 2)
        };
        // Most words have neither, and are answered by this alone.
        if !tokens.iter().filter_map(skel_and_map).any(merged) {
            return false;
        }
        for (skel, map) in tokens.iter().filter_map(skel_and_map) {
            for (k, c) in skel.char_indices() {
                push_spelt(out, c, map[k].1 - map[k].0 == 2);
            }
        }
        true
    }

    /// The skeleton of a token as a seller's typo may have spelt it, into
    /// `out`, and how it differs from the skeleton (nothing written where
    /// it does not): `rn` and `vv` kept as two letters, and a letter written
    /// three times or more in a row written `held` times (1 or 2, as the
    /// mark may have it once or twice). The skeleton reads `rn` as `m`, the
    /// letter it looks like, but a typo can make one ("Givrnchy"), and it
    /// is then two edits from the mark, not one; and a letter held down
    /// ("Verrrsace") is as many edits as it has extra letters, where no
    /// word repeats a letter thrice.
    pub(crate) fn respelt_skel_of(&self, tok: &Token, held: usize, out: &mut String) -> Respelt {
        out.clear();
        let (s, e) = (tok.skel_start as usize, tok.skel_end as usize);
        let (Some(skel), Some(map)) = (self.skel.get(s..e), self.map.get(s..e)) else {
            return Respelt::AsIs;
        };
        // Most words have neither, and are answered by this alone.
        let two = |k: usize| map[k].1 - map[k].0 == 2;
        let b = skel.as_bytes();
        let held_at = |k: usize| k >= 2 && b[k] == b[k - 1] && b[k] == b[k - 2];
        if !(0..b.len()).any(|k| held_at(k) || (matches!(b[k], b'm' | b'w') && two(k))) {
            return Respelt::AsIs;
        }
        let is_held = (2..b.len()).any(held_at);
        for (k, c) in skel.char_indices() {
            push_spelt(out, c, two(k));
        }
        if !is_held {
            return Respelt::Unmerged;
        }
        // Rare: a new string is no cost worth saving.
        let mut squeezed = String::with_capacity(out.len());
        let mut chars = out.chars().peekable();
        while let Some(c) = chars.next() {
            let mut run = 1;
            while chars.next_if_eq(&c).is_some() {
                run += 1;
            }
            (0..if run > 2 { held } else { run }).for_each(|_| squeezed.push(c));
        }
        *out = squeezed;
        Respelt::Held
    }

    /// The unit range behind skeleton bytes `s..e`.
    pub(crate) fn unit_range(&self, s: usize, e: usize) -> (u32, u32) {
        match (self.map.get(s), e.checked_sub(1).and_then(|l| self.map.get(l))) {
            (Some(a), Some(b)) if s < e => (a.0, b.1),
            _ => (0, 0),
        }
    }

    /// The original byte span of units `u0..u1`.
    pub(crate) fn span(&self, u0: u32, u1: u32) -> Option<(usize, usize)> {
        let first = self.units.get(u0 as usize)?;
        let last = self.units.get((u1 as usize).checked_sub(1)?)?;
        Some((first.start as usize, last.end as usize))
    }

    /// The word characters of the units behind skeleton bytes `s..e`, as
    /// folded but before leet: what the listing spells, separators left out.
    ///
    /// The skeleton of a token maps to its units in order, one run of them
    /// (unlike a squashed run of single letters, see [`plain_of`]), so each
    /// token's part is read from its units in one go.
    pub(crate) fn plain(&self, s: usize, e: usize) -> String {
        let mut out = String::with_capacity(e.saturating_sub(s));
        let Some(part) = self.skel.get(s..e) else {
            return out;
        };
        let mut at = s;
        for piece in part.as_bytes().split(|&b| b == b' ') {
            let first = self.map.get(at).map(|&(u0, _)| u0 as usize);
            let last = (at + piece.len()).checked_sub(1).and_then(|l| self.map.get(l));
            if let (false, Some(u0), Some(&(_, u1))) = (piece.is_empty(), first, last) {
                for u in self.units.get(u0..u1 as usize).unwrap_or(&[]) {
                    if is_word_char(u.ch) {
                        out.push(u.ch);
                    }
                }
            }
            at += piece.len() + 1;
        }
        out
    }

    /// Whether units `u0..u1` have letters and every one of them was
    /// written in another script's look-alike of a Latin letter ("ΙΟΝ",
    /// Greek): a word of that script, whatever Latin word it looks like.
    pub(crate) fn in_lookalikes(&self, u0: u32, u1: u32) -> bool {
        let units = self.units.get(u0 as usize..u1 as usize).unwrap_or(&[]);
        let mut letters = units.iter().filter(|u| u.ch.is_alphabetic()).peekable();
        letters.peek().is_some() && letters.all(|u| u.flags & HOMOGLYPH != 0)
    }

    /// The fold flags of units `u0..u1`, or-ed.
    pub(crate) fn flags(&self, u0: u32, u1: u32) -> u8 {
        self.units
            .get(u0 as usize..u1 as usize)
            .unwrap_or(&[])
            .iter()
            .fold(0, |f, u| f | u.flags)
    }

    /// For each token gap inside skeleton bytes `s..e`, in order: whether the
    /// original gap holds any whitespace ("Maison Corvelle") or only
    /// punctuation ("Maison-Corvelle").
    pub(crate) fn gaps_have_space(&self, s: usize, e: usize) -> Vec<bool> {
        let bytes = self.skel.as_bytes();
        (s..e.min(bytes.len()))
            .filter(|&b| bytes[b] == b' ')
            .map(|b| {
                let (u0, u1) = self.map.get(b).copied().unwrap_or((0, 0));
                self.units
                    .get(u0 as usize..u1 as usize)
                    .unwrap_or(&[])
                    .iter()
                    .any(|u| u.ch.is_whitespace())
            })
            .collect()
    }

    /// Whether skeleton position `p` (between bytes `p - 1` and `p`) falls
    /// where the original goes from a lower-case to an upper-case letter,
    /// as between the words of "VeloraHoodie".
    pub(crate) fn case_boundary(&self, p: usize) -> bool {
        let before = p
            .checked_sub(1)
            .and_then(|q| self.map.get(q))
            .and_then(|&(_, b)| b.checked_sub(1));
        let after = self.map.get(p).map(|&(a, _)| a);
        match (
            before.and_then(|i| self.units.get(i as usize)),
            after.and_then(|i| self.units.get(i as usize)),
        ) {
            (Some(x), Some(y)) => {
                x.ch.is_alphabetic() && y.ch.is_alphabetic() && x.flags & UPPER == 0 && y.flags & UPPER != 0
            }
            _ => false,
        }
    }

    /// Whether the token whose skeleton starts at byte `p` is written right
    /// after a "#": a hashtag.
    pub(crate) fn hashtag_at(&self, p: usize) -> bool {
        let unit = self.map.get(p).map(|&(a, _)| a as usize);
        unit.and_then(|u| u.checked_sub(1))
            .and_then(|u| self.units.get(u))
            .is_some_and(|u| u.ch == '#')
    }

    /// Whether the skeleton byte at `p` stands for a leet symbol at the edge
    /// of its word ("@" in "@rcturo").
    pub(crate) fn edge_symbol_at(&self, p: usize) -> bool {
        let unit = self.map.get(p).and_then(|&(a, _)| self.units.get(a as usize));
        unit.is_some_and(|u| is_edge_letter(u.ch))
    }

    /// The token whose units contain unit `u`, or the first one after it.
    pub(crate) fn token_at(&self, u: u32) -> usize {
        self.tokens.partition_point(|t| t.end <= u)
    }

    /// Whether token `t` spells `word` (folded, lower-case).
    pub(crate) fn token_is(&self, t: usize, word: &str) -> bool {
        let Some(tok) = self.tokens.get(t) else {
            return false;
        };
        let units = self.units.get(tok.start as usize..tok.end as usize).unwrap_or(&[]);
        units.iter().map(|u| u.ch).eq(word.chars())
    }

    /// Token `t` as folded: lower case, accents dropped.
    pub(crate) fn token_string(&self, t: usize) -> String {
        let Some(tok) = self.tokens.get(t) else {
            return String::new();
        };
        let units = self.units.get(tok.start as usize..tok.end as usize).unwrap_or(&[]);
        units.iter().map(|u| u.ch).collect()
    }

    /// Whether token `t` reads as a noun in the plural: four letters or
    /// more, all letters, ending in one "s" ("sleeves", "cartridges"; not
    /// "glass").
    pub(crate) fn token_is_plural(&self, t: usize) -> bool {
        let Some(tok) = self.tokens.get(t) else {
            return false;
        };
        let units = self.units.get(tok.start as usize..tok.end as usize).unwrap_or(&[]);
        let n = units.len();
        n >= 4 && units.iter().all(|u| u.ch.is_alphabetic()) && units[n - 1].ch == 's' && units[n - 2].ch != 's'
    }

    /// Whether skeleton bytes `s..e` (a short mark glued into a word, at
    /// one end of it) are written as a word of their own: in capitals,
    /// digits among them ([`Doc::in_capitals`]), and, where the rest of
    /// the word follows (`rest_after`), the rest begins with a capital and
    /// a small letter ("DJI|Mini", as CamelCase parts an acronym), else the
    /// rest ends in a small letter ("Mini|DJI", "Genuine|3M"); or with a
    /// capital first, parted from the rest by CamelCase ("Eti|Burçak",
    /// "Official|Eti").
    pub(crate) fn written_apart(&self, (s, e): (usize, usize), rest_after: bool) -> bool {
        let (u0, u1) = self.unit_range(s, e);
        let camel = if rest_after {
            self.case_boundary(e)
        } else {
            self.case_boundary(s)
        };
        if camel && self.is_letter(u0, true) {
            return true;
        }
        if !self.in_capitals(u0, u1) {
            return false;
        }
        if rest_after {
            self.is_letter(u1, true) && self.is_letter(u1 + 1, false)
        } else {
            u0.checked_sub(1).is_some_and(|u| self.is_letter(u, false))
        }
    }

    /// Whether skeleton bytes `s..e` (a short mark at the start of a word)
    /// are written in capitals, digits among them, and the rest of the
    /// word in small letters ("COS|store", "7UP|soda"): as a seller glues
    /// an acronym to the goods, where CamelCase would read the last
    /// capital as the next word's ("CO|Sstore"), so the caller asks more of
    /// the rest.
    pub(crate) fn capitals_then_small(&self, (s, e): (usize, usize)) -> bool {
        let (u0, u1) = self.unit_range(s, e);
        self.in_capitals(u0, u1) && self.is_letter(u1, false)
    }

    /// Whether units `u0..u1` are written in capitals: capital letters and
    /// digits, a capital among them ("DJI", "3M", "7UP").
    fn in_capitals(&self, u0: u32, u1: u32) -> bool {
        let capital_or_digit =
            |u: u32| self.is_letter(u, true) || self.units.get(u as usize).is_some_and(|unit| unit.ch.is_ascii_digit());
        u0 < u1 && (u0..u1).all(capital_or_digit) && (u0..u1).any(|u| self.is_letter(u, true))
    }

    /// Whether unit `u` is a letter, a capital where `capital`, else a
    /// small one.
    pub(crate) fn is_letter(&self, u: u32, capital: bool) -> bool {
        self.units
            .get(u as usize)
            .is_some_and(|unit| unit.ch.is_alphabetic() && (unit.flags & UPPER != 0) == capital)
    }

    /// The original gap after token `t` (up to the next token) holds
    /// something that ends a sentence or a clause of a title.
    pub(crate) fn breaks_after(&self, t: usize) -> bool {
        let Some(tok) = self.tokens.get(t) else {
            return true;
        };
        let end = self.tokens.get(t + 1).map_or(self.units.len(), |n| n.start as usize);
        self.units
            .get(tok.end as usize..end)
            .unwrap_or(&[])
            .iter()
            .any(|u| ends_clause(u.ch))
    }
}

/// A character that ends a sentence or a clause of a title: no honest-
/// reference phrase reaches across it.
pub(crate) fn ends_clause(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '|' | '\n' | '•' | '。')
}

/// The word characters of `units` behind bytes `s..e` of a skeleton (`skel`
/// with its byte map `map`); see [`Doc::plain`].
pub(crate) fn plain_of(units: &[Unit], skel: &str, map: &[(u32, u32)], s: usize, e: usize) -> String {
    // Sized once, at about a byte a skeleton byte, not grown a letter at a
    // time.
    let mut out = String::with_capacity(e.saturating_sub(s));
    let Some(part) = skel.get(s..e) else {
        return out;
    };
    // Each character's first byte maps to its units (the others repeat
    // it); a space stands for a gap between words.
    for (off, &b) in part.as_bytes().iter().enumerate() {
        if b == b' ' || b & 0xC0 == 0x80 {
            continue;
        }
        let Some(&(u0, u1)) = map.get(s + off) else {
            continue;
        };
        for u in units.get(u0 as usize..u1 as usize).unwrap_or(&[]) {
            if is_word_char(u.ch) {
                out.push(u.ch);
            }
        }
    }
    out
}

/// Appends the skeleton of the units at `idx` (one word, or a run of spaced
/// single letters) to `skel`, mapping each byte to its units.
pub(crate) fn skeletonize(units: &[Unit], idx: &[u32], skel: &mut String, map: &mut Vec<(u32, u32)>) {
    skeletonize_by(units, idx.len(), |k| idx[k], skel, map);
}

/// [`skeletonize`] for the `n` units `at(0)`, `at(1)` …: a token's units are
/// a range, and most of the text is tokens.
#[inline]
fn skeletonize_by(units: &[Unit], n: usize, at: impl Fn(usize) -> u32, skel: &mut String, map: &mut Vec<(u32, u32)>) {
    // Digits are letters only in a word that has letters: "N1ke" is a
    // disguise, "2024" and "15" are numbers.
    let has_letter = (0..n).any(|k| units[at(k) as usize].ch.is_alphabetic());
    let mut k = 0;
    while k < n {
        let here = at(k);
        let c = units[here as usize].ch;
        let (out, last) = match c {
            'a'..='z' => {
                // The unit after, for the two-letter folds.
                let next = (k + 1 < n).then(|| at(k + 1));
                match skeleton_letter(c, next.map(|j| units[j as usize].ch)) {
                    (out, 2) => (out, next.unwrap_or(here)),
                    (out, _) => (out, here),
                }
            }
            _ if has_letter => (confusables::leet(c).unwrap_or(c), here),
            _ => (c, here),
        };
        skel.push(out);
        for _ in 0..out.len_utf8() {
            map.push((here, last + 1));
        }
        k += if last == here { 1 } else { 2 };
    }
}

/// [`skeletonize_by`] for a word of ASCII lower-case letters only (most
/// words of a region), the units `start..` of `word`: no leet to undo and
/// one byte a letter, so only `rn`, `vv` and `l` are looked for. Regions
/// around loud words are folded in full, and writing their skeletons the
/// general way was about half of that cost. Returns `false`, having
/// written nothing, for any other word.
fn skeletonize_letters(word: &[Unit], start: u32, skel: &mut String, map: &mut Vec<(u32, u32)>) -> bool {
    let (skel_len, map_len) = (skel.len(), map.len());
    let mut k = 0;
    while k < word.len() {
        let c = word[k].ch;
        if !c.is_ascii_lowercase() {
            skel.truncate(skel_len);
            map.truncate(map_len);
            return false;
        }
        let (out, step) = skeleton_letter(c, word.get(k + 1).map(|u| u.ch));
        skel.push(out);
        let at = start + k as u32;
        map.push((at, at + step as u32));
        k += step;
    }
    true
}

/// Whether a word of ASCII lower-case letters is its own skeleton: it has
/// no letter the skeleton writes otherwise.
pub(crate) fn is_own_skeleton(word: &str) -> bool {
    let b = word.as_bytes();
    (0..b.len()).all(|k| {
        let c = char::from(b[k]);
        skeleton_letter(c, b.get(k + 1).map(|&n| char::from(n))) == (c, 1)
    })
}

/// The skeleton's letter for the lower-case letter `c` followed by `next`,
/// and how many letters it stands for: `rn` is `m`, `vv` is `w`, `l` is
/// `i` (each confused with the other in many fonts), any other itself.
#[inline]
pub(crate) fn skeleton_letter(c: char, next: Option<char>) -> (char, usize) {
    match (c, next) {
        ('r', Some('n')) => ('m', 2),
        ('v', Some('v')) => ('w', 2),
        ('l', _) => ('i', 1),
        _ => (c, 1),
    }
}

/// The units of ASCII `bytes` found at byte `at` of the text: one a byte,
/// lower-cased, nothing else to undo (no ASCII character is invisible,
/// combining or a look-alike).
fn ascii_units(bytes: &[u8], at: usize) -> impl Iterator<Item = Unit> + '_ {
    bytes.iter().enumerate().map(move |(k, &b)| Unit {
        ch: char::from(b.to_ascii_lowercase()),
        start: (at + k) as u32,
        end: (at + k + 1) as u32,
        flags: if b.is_ascii_uppercase() { UPPER } else { 0 },
    })
}

/// Folds text into units: NFKD, combining marks dropped, look-alikes read
/// as Latin, lower-cased, invisible characters dropped.
fn fold_into(text: &str, units: &mut Vec<Unit>) {
    units.reserve(text.len());
    let bytes = text.as_bytes();
    // Start of a run of invisible characters not yet attached to a unit.
    let mut invisible_from: Option<u32> = None;
    let mut compat: Vec<char> = Vec::new();
    let mut canon: Vec<char> = Vec::new();
    if text.is_ascii() {
        // Most regions of a listing are ASCII throughout, which `is_ascii`
        // checks eight bytes at a time: no run to find a byte at a time.
        units.extend(ascii_units(bytes, 0));
        return;
    }
    let mut next = 0;
    while next < bytes.len() {
        if invisible_from.is_none() {
            // Runs of ASCII between the rest.
            let run = bytes[next..].iter().take_while(|b| b.is_ascii()).count();
            units.extend(ascii_units(&bytes[next..next + run], next));
            next += run;
        }
        let Some(c) = text.get(next..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let start = next as u32;
        next += c.len_utf8();
        let end = next as u32;
        if c.is_ascii() {
            let flags = if c.is_ascii_uppercase() { UPPER } else { 0 };
            push(units, &mut invisible_from, c.to_ascii_lowercase(), start, end, flags);
            continue;
        }
        if confusables::is_invisible(c) {
            invisible_from.get_or_insert(start);
            continue;
        }
        if is_combining_mark(c) {
            // A mark written after its letter: the letter's unit grows to
            // cover it, so the span still slices whole characters.
            if let Some(last) = units.last_mut().filter(|u| u.end == start) {
                last.end = end;
                last.flags |= DIACRITIC;
            }
            continue;
        }
        // The registered sign follows a mark, before a space or a new word
        // ("LEGO®Duplo"); between two small letters of one word it is the
        // circled letter it is drawn as ("Ha®ley").
        if c == '®'
            && units
                .last()
                .is_some_and(|u| u.end == start && u.ch.is_lowercase() && u.flags & UPPER == 0)
            && text[next..].chars().next().is_some_and(char::is_lowercase)
        {
            push(units, &mut invisible_from, 'r', start, end, STYLED);
            continue;
        }
        if matches!(c, '\u{2122}' | '\u{2120}') {
            // ™ and ℠ decompose to the letters "TM" and "SM", which would
            // glue onto the mark they follow ("NIKE™" read as "niketm");
            // they are symbols after a word, like ® and ©.
            push(units, &mut invisible_from, c, start, end, 0);
            continue;
        }
        compat.clear();
        canon.clear();
        decompose_compatible(c, |d| compat.push(d));
        decompose_canonical(c, |d| canon.push(d));
        let mut flags = if compat != canon { STYLED } else { 0 };
        if c.is_uppercase() {
            flags |= UPPER;
        }
        for &d in &compat {
            if is_combining_mark(d) {
                flags |= DIACRITIC;
            }
        }
        for &d in &compat {
            if is_combining_mark(d) {
                continue;
            }
            let mut one = [0u8; 4];
            let (latin, fold_flag) = match confusables::fold(d) {
                Some((s, Fold::Homoglyph)) => (s, HOMOGLYPH),
                Some((s, Fold::Diacritic)) => (s, DIACRITIC),
                Some((s, Fold::Styled)) => (s, STYLED),
                Some((s, Fold::Plain)) => (s, 0),
                None => match cjk::simplified(d) {
                    Some(s) => (&*s.encode_utf8(&mut one), STYLED),
                    None => (&*d.encode_utf8(&mut one), 0),
                },
            };
            for l in latin.chars().flat_map(char::to_lowercase) {
                if is_combining_mark(l) {
                    // 'İ' lower-cases to 'i' and a combining dot.
                    continue;
                }
                let ch = if l.is_whitespace() && l != '\n' { ' ' } else { l };
                push(units, &mut invisible_from, ch, start, end, flags | fold_flag);
            }
        }
    }
}

/// Letters drawn with slashes and bars, as leet writes them. Each has a
/// backslash, which little else in a listing runs into a word, but `|_|`
/// for `u`, a cup of two bars. Not the lone `\/` for `v`: it is also how
/// JSON escapes a slash (`\/velora` would read "vvelora").
const DRAWN_LETTERS: [(&str, char); 5] = [
    ("/\\/\\", 'm'),
    ("|\\/|", 'm'),
    ("\\/\\/", 'w'),
    ("|\\|", 'n'),
    ("|_|", 'u'),
];

/// Reads each letter drawn with slashes and bars ([`DRAWN_LETTERS`]) as
/// the one unit of that letter, spanning the strokes: `|\/|DH` is a word
/// of three letters, where the strokes alone would part it.
fn join_drawn_letters(units: &mut Vec<Unit>) {
    let mut out = 0;
    let mut k = 0;
    while k < units.len() {
        let drawn = DRAWN_LETTERS.iter().find_map(|&(strokes, letter)| {
            let n = strokes.len();
            let run = units.get(k..k + n)?;
            let adjacent = run.windows(2).all(|w| w[0].end == w[1].start);
            // "://" escaped as JSON writes it (`https:\/\/`) is no `w`.
            let scheme = out > 0 && units[out - 1].ch == ':';
            (adjacent && !scheme && run.iter().map(|u| u.ch).eq(strokes.chars())).then_some((n, letter))
        });
        let unit = match drawn {
            Some((n, letter)) => {
                let unit = Unit {
                    ch: letter,
                    start: units[k].start,
                    end: units[k + n - 1].end,
                    flags: DRAWN,
                };
                k += n;
                unit
            }
            None => {
                k += 1;
                units[k - 1]
            }
        };
        units[out] = unit;
        out += 1;
    }
    units.truncate(out);
}

fn push(units: &mut Vec<Unit>, invisible_from: &mut Option<u32>, ch: char, start: u32, end: u32, flags: u8) {
    let mut unit = Unit { ch, start, end, flags };
    if let Some(from) = invisible_from.take() {
        // Only an invisible character *inside* a word is a disguise; then
        // the span takes it in so that the reviewer sees it.
        let inside = is_word_char(ch) && units.last().is_some_and(|u| is_word_char(u.ch) && u.end == from);
        if inside {
            unit.start = from;
            unit.flags |= INVISIBLE;
        }
    }
    units.push(unit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(doc: &Doc) -> String {
        doc.units.iter().map(|u| u.ch).collect()
    }

    #[test]
    fn a_word_is_its_own_skeleton_as_folding_writes_it() {
        for word in [
            "cotton", "hoodie", "iron", "corner", "large", "savvy", "vivid", "m", "rnr", "",
        ] {
            assert_eq!(is_own_skeleton(word), Doc::new(word).skel == word, "{word}");
        }
        assert!(is_own_skeleton("cotton") && !is_own_skeleton("corner") && !is_own_skeleton("savvy"));
    }

    #[test]
    fn folds_styles_accents_and_lookalikes() {
        let doc = Doc::new("Ｎｉｋｅ nïkë Nіke 𝐍𝐢𝐤𝐞");
        assert_eq!(chars(&doc), "nike nike nike nike");
        assert_eq!(doc.flags(0, 4), STYLED | UPPER);
        assert_eq!(doc.flags(5, 9), DIACRITIC);
        assert_eq!(doc.flags(10, 14), HOMOGLYPH | UPPER);
        // Every unit still points at whole characters of the original.
        let text = "Ｎｉｋｅ nïkë Nіke 𝐍𝐢𝐤𝐞";
        for u in &doc.units {
            assert!(text.get(u.start as usize..u.end as usize).is_some());
        }
        // Traditional Han as simplified, a character for a character.
        let doc = Doc::new("康師傅 康师傅");
        assert_eq!(chars(&doc), "康师傅 康师傅");
        assert_eq!((doc.flags(0, 1), doc.flags(1, 2), doc.flags(4, 7)), (0, STYLED, 0));
        assert_eq!((doc.units[1].start, doc.units[1].end), (3, 6));
    }

    #[test]
    fn ascii_folds_to_one_lower_case_unit_a_byte() {
        let text = "Nike AIR-max 97, V3l0ra @home $25 N!ke rn\tvv\n_x~";
        // Alone, after a non-ASCII letter, and after an invisible character
        // (which sends the next character the long way).
        for (prefix, shift) in [("", 0), ("é", 1), ("\u{200B}", 0)] {
            let doc = Doc::new(&format!("{prefix}{text}"));
            let units = &doc.units[shift..];
            assert_eq!(units.len(), text.len());
            let at = prefix.len() as u32;
            for (k, (u, b)) in units.iter().zip(text.bytes()).enumerate() {
                let k = k as u32;
                let flags = if b.is_ascii_uppercase() { UPPER } else { 0 };
                let want = Unit {
                    ch: char::from(b.to_ascii_lowercase()),
                    start: at + k,
                    end: at + k + 1,
                    flags,
                };
                assert_eq!(*u, want, "{prefix:?} {k}");
            }
        }
        // A reused document folds as a fresh one.
        let fresh = Doc::new(text);
        let mut doc = Doc::new("Ｖｅｌｏｒａ shoes");
        doc.fold(text);
        assert_eq!(
            (&doc.units, &doc.tokens, &doc.skel, &doc.map),
            (&fresh.units, &fresh.tokens, &fresh.skel, &fresh.map)
        );
    }

    #[test]
    fn combining_marks_extend_their_letter() {
        let text = "ne\u{0301}e";
        let doc = Doc::new(text);
        assert_eq!(chars(&doc), "nee");
        assert_eq!((doc.units[1].start, doc.units[1].end), (1, 4));
        assert_eq!(doc.units[1].flags, DIACRITIC);
    }

    #[test]
    fn invisible_characters_inside_words_are_dropped_and_flagged() {
        let doc = Doc::new("ni\u{200B}ke \u{200B}x");
        assert_eq!(chars(&doc), "nike x");
        assert_eq!(doc.units[2].flags, INVISIBLE);
        let doc = Doc::new("VeloraHoodie");
        assert!(doc.case_boundary(6) && !doc.case_boundary(5) && !doc.case_boundary(1));
        assert_eq!(doc.units[2].start, 2);
        // Before a word, the invisible character is just dropped.
        assert_eq!(doc.units[5].flags, 0);
        // The registered sign between two small letters is an r.
        assert_eq!(
            chars(&Doc::new("Ha®ley LEGO®Duplo Nike® x")),
            "harley lego®duplo nike® x"
        );
        // The tatweel stretches an Arabic word; it is no letter.
        let doc = Doc::new("الربـــيع");
        assert_eq!(chars(&doc), "الربيع");
        assert_eq!(doc.units[4].flags, INVISIBLE);
    }

    #[test]
    fn skeleton_folds_leet_inside_words_only() {
        let doc = Doc::new("N1ke, 2024! Ve|ora! rn @home Velora!");
        assert_eq!(doc.skel, "nike 2024 veiora m ahome veiora");
        let doc = Doc::new("$25 @velora @ $ Velor@ @2");
        assert_eq!(doc.skel, "25 aveiora veiora 2");
        // Two bars ending a word are its letters; one is punctuation.
        let doc = Doc::new("Bu|| Ve|| Velor| ||| Ve||a");
        assert_eq!(doc.skel, "buii veii veior veiia");
    }

    #[test]
    fn one_symbol_between_single_letters_parts_them() {
        let doc = Doc::new("N|I|K|E C*A*R*T*I*E*R G*cci N!ke C@T A*B 1|2|3 *NEW*");
        assert_eq!(doc.skel, "n i k e c a r t i e r g*cci nike cat a*b 1 2 3 new");
    }

    #[test]
    fn word_characters_are_letters_digits_and_leet_symbols() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let want = c.is_alphanumeric() || confusables::is_leet_symbol(c);
            assert_eq!(is_word_char(c), want, "{c:?}");
        }
    }

    /// The shortcuts for words of lower-case letters and for reading a
    /// token's plain letters give what the general way gives.
    #[test]
    fn shortcuts_agree_with_the_general_way() {
        for text in [
            "Barnes vvall LLama rnrn vvv Ｖｅｌｏｒａ N1ke V3l0ra! @home Vеlora nïkë",
            "Maison-Corvelle, velorashoes; i|l x $25 ße ǅ ﬁne 𝐍𝐢𝐤𝐞",
        ] {
            let doc = Doc::new(text);
            let (mut skel, mut map) = (String::new(), Vec::new());
            for (k, tok) in doc.tokens.iter().enumerate() {
                if k > 0 {
                    skel.push(' ');
                    map.push((doc.tokens[k - 1].end, tok.start));
                }
                let n = (tok.end - tok.start) as usize;
                skeletonize_by(&doc.units, n, |i| tok.start + i as u32, &mut skel, &mut map);
            }
            assert_eq!((&doc.skel, &doc.map), (&skel, &map), "{text}");
            for s in 0..doc.skel.len() {
                for e in s + 1..=doc.skel.len() {
                    let general = plain_of(&doc.units, &doc.skel, &doc.map, s, e);
                    assert_eq!(doc.plain(s, e), general, "{text} {s}..{e}");
                }
            }
        }
    }

    #[test]
    fn skeleton_maps_back_to_units() {
        let doc = Doc::new("Ba-rnes");
        assert_eq!(doc.skel, "ba mes");
        let (u0, u1) = doc.unit_range(3, 4);
        assert_eq!((u0, u1), (3, 5));
        assert_eq!(doc.plain(0, doc.skel.len()), "barnes");
        assert_eq!(doc.gaps_have_space(0, doc.skel.len()), vec![false]);
    }
}
