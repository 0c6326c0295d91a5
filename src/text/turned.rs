//! Text written upside down: "ǝʞıN ɹıɐ" is "Nike air" turned half a
//! circle, as generators of "flipped text" write it, and a seller who
//! wants a buyer, and no keyword alert, to read a mark writes it so.
//!
//! Such text is its words in reverse order, each letter replaced by the
//! character that looks like it turned over: some are letters of other
//! alphabets kept for the purpose (`ǝ`, `ɐ`, `ʞ`, `ɹ`, `ʇ`, `∀`, `⅄`), some
//! are ordinary letters that turn into one another (`u` and `n`, `p` and
//! `d`, `b` and `q`, `M` and `W`, `6` and `9`), and some turn into
//! themselves (`o`, `s`, `x`, `z`, `N`, `H`). Only the first kind tells
//! turned text from upright text, so a run of words is read turned only
//! where it holds one ([`runs`]); the run is then turned back
//! ([`upright`]) and matched as any text is, and its matches are reported
//! over the characters as written.

use std::ops::Range;

/// Each character flipped-text generators write, and the upright
/// character it is turned over, in the order of the characters written
/// (for a binary search): those only turned text uses, and ordinary
/// characters that turn into one another or themselves. Where several
/// stand for one upright character, the first is the one [`turn`]
/// writes.
const TURNED: &[(char, char)] = &[
    ('\'', '\''),
    ('-', '-'),
    ('0', '0'),
    ('6', '9'),
    ('8', '8'),
    ('9', '6'),
    ('H', 'H'),
    ('I', 'I'),
    ('M', 'W'),
    ('N', 'N'),
    ('O', 'O'),
    ('S', 'S'),
    ('W', 'M'),
    ('X', 'X'),
    ('Z', 'Z'),
    ('b', 'q'),
    ('d', 'p'),
    ('l', 'l'),
    ('n', 'u'),
    ('o', 'o'),
    ('p', 'd'),
    ('q', 'b'),
    ('s', 's'),
    ('u', 'n'),
    ('x', 'x'),
    ('z', 'z'),
    ('¡', '!'),
    ('¿', '?'),
    ('ı', 'i'),
    ('ſ', 'J'),
    ('ƃ', 'g'),
    ('Ɔ', 'C'),
    ('Ǝ', 'E'),
    ('Ɛ', '3'),
    ('Ɩ', '1'),
    ('ǝ', 'e'),
    ('ɐ', 'a'),
    ('ɔ', 'c'),
    ('ɟ', 'f'),
    ('ɥ', 'h'),
    ('ɯ', 'm'),
    ('ɹ', 'r'),
    ('ɾ', 'j'),
    ('ʇ', 't'),
    ('ʌ', 'v'),
    ('ʍ', 'w'),
    ('ʎ', 'y'),
    ('ʞ', 'k'),
    ('˙', '.'),
    ('˥', 'L'),
    ('Λ', 'V'),
    ('ϛ', '5'),
    ('Ԁ', 'P'),
    ('פ', 'G'),
    ('ᄅ', '2'),
    ('ᗡ', 'D'),
    ('ᗺ', 'B'),
    ('ᴚ', 'R'),
    ('ᵷ', 'g'),
    ('Ⅎ', 'F'),
    ('⅁', 'G'),
    ('⅂', 'L'),
    ('⅄', 'Y'),
    ('∀', 'A'),
    ('∩', 'U'),
    ('⊥', 'T'),
    ('┴', 'T'),
    ('Ɐ', 'A'),
    ('ㄣ', '4'),
    ('ㄥ', '7'),
    ('ꓘ', 'K'),
    ('Ꝺ', 'Q'),
    ('Ʞ', 'K'),
    ('Ʇ', 'T'),
    ('𐐒', 'B'),
];

/// The upright character `c` is `c` turned over; `None` for a character
/// no flipped text writes.
fn turned_back(c: char) -> Option<char> {
    TURNED.binary_search_by_key(&c, |&(t, _)| t).ok().map(|i| TURNED[i].1)
}

/// `text` written upside down, as flipped-text generators write it: the
/// fixture generator's disguise, and what [`upright`] undoes.
pub(crate) fn turn(text: &str) -> String {
    text.chars()
        .rev()
        .map(|c| TURNED.iter().find(|&&(_, up)| up == c).map_or(c, |&(t, _)| t))
        .collect()
}

/// Whether `c` is a character only turned text uses: a letter no
/// upright text of the languages listings are written in has (`ı`, which
/// Turkish writes, and `Ԁ`, a Cyrillic letter, are read turned only
/// beside one of these).
fn only_turned(c: char) -> bool {
    in_turned_blocks(c) && c != 'ı' && c != 'Ԁ' && turned_back(c).is_some()
}

/// Whether `c` lies in a block that holds one of the characters outside
/// ASCII that turned text uses: asked before the table, as most
/// characters outside ASCII in listings are Chinese, Japanese or Korean,
/// far from all of them.
fn in_turned_blocks(c: char) -> bool {
    matches!(u32::from(c), 0xA1..=0x3FF | 0x500 | 0x5E4 | 0x1100..=0x1D7F | 0x2100..=0x2C6F | 0x3123..=0x3125 | 0xA4D0..=0xA7FF | 0x10412)
}

/// Whether `b` may be the first byte, in UTF-8, of a character in
/// [`in_turned_blocks`]: of two bytes, U+0080 to U+03FF, U+0500 to
/// U+053F and U+05C0 to U+05FF; of three, U+1000 to U+3FFF and U+A000 to
/// U+AFFF; of four, U+10000 to U+3FFFF.
fn may_begin_turned(b: u8) -> bool {
    matches!(b, 0xC2..=0xCF | 0xD4 | 0xD7 | 0xE1..=0xE3 | 0xEA | 0xF0)
}

/// Whether `text` holds a character only turned text uses
/// ([`only_turned`]). Every text is asked, so it is read sixteen bytes at
/// a time, a run of ASCII passed over at once, and a character is decoded
/// only where its first byte may begin one: a text with a look-alike
/// letter from Cyrillic (a disguise met often) costs little more than an
/// ASCII one, where decoding each character of such a text and asking
/// about it took near a tenth of the matcher's instructions on text
/// dense with marks.
fn holds_only_turned(text: &str) -> bool {
    const CHUNK: usize = 16;
    let bytes = text.as_bytes();
    bytes
        .chunks(CHUNK)
        .enumerate()
        .filter(|(_, chunk)| !chunk.is_ascii())
        .any(|(k, chunk)| {
            // A byte that may begin a character begins one: none of them is a
            // continuation byte (0x80 to 0xBF).
            chunk
                .iter()
                .enumerate()
                .any(|(i, &b)| may_begin_turned(b) && text[k * CHUNK + i..].chars().next().is_some_and(only_turned))
        })
}

/// The byte ranges of `text` written upside down: each a run of
/// neighbouring words, every one of them made of characters that turn
/// back ([`turned_back`]) and punctuation, with a word holding a
/// character only turned text uses at either end of the run.
pub(crate) fn runs(text: &str) -> Vec<Range<usize>> {
    // Most texts are ASCII, and hold none.
    if !holds_only_turned(text) {
        return Vec::new();
    }
    let words = text.split_whitespace().map(|w| {
        let at = w.as_ptr() as usize - text.as_ptr() as usize;
        (at..at + w.len(), w)
    });
    let mut out: Vec<Range<usize>> = Vec::new();
    // The run being read, and where its last word holding a character
    // only turned text uses ends.
    let mut open: Option<(usize, usize)> = None;
    for (at, word) in words {
        // Punctuation is kept as it is ("ǝʞıN,").
        if !word.chars().all(|c| turned_back(c).is_some() || !c.is_alphanumeric()) {
            if let Some((start, end)) = open.take() {
                out.push(start..end);
            }
            continue;
        }
        let telling = word.chars().any(only_turned);
        open = match open {
            Some((start, end)) => Some((start, if telling { at.end } else { end })),
            None if telling => Some((at.start, at.end)),
            None => None,
        };
    }
    out.extend(open.map(|(start, end)| start..end));
    out
}

/// `run` of `text` turned back upright, and for each of its bytes the
/// byte range of the character it came from in `text`.
pub(crate) fn upright(text: &str, run: Range<usize>) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(run.len());
    let mut from = Vec::with_capacity(run.len());
    for (i, c) in text[run.clone()].char_indices().rev() {
        let at = run.start + i;
        let up = if c.is_whitespace() {
            ' '
        } else {
            turned_back(c).unwrap_or(c)
        };
        out.push(up);
        from.extend(std::iter::repeat_n(at..at + c.len_utf8(), up.len_utf8()));
    }
    (out, from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_turns_back() {
        assert!(TURNED.windows(2).all(|w| w[0].0 < w[1].0));
        // Every character outside ASCII in the table lies in a block
        // `only_turned` asks about.
        let outside: Vec<char> = TURNED
            .iter()
            .map(|&(t, _)| t)
            .filter(|&t| !t.is_ascii() && !in_turned_blocks(t))
            .collect();
        assert!(outside.is_empty(), "{outside:?}");
        // And every character in those blocks begins with a byte the
        // byte-wise reading stops at.
        let mut buf = [0; 4];
        let missed: Vec<char> = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| in_turned_blocks(c) && !may_begin_turned(c.encode_utf8(&mut buf).as_bytes()[0]))
            .collect();
        assert!(missed.is_empty(), "{missed:?}");
        let text = "Nike AIR max 97, Gucci belt";
        assert_eq!(upright(&turn(text), 0..turn(text).len()).0, text);
    }

    proptest::proptest! {
        /// Read a byte at a time, a text holds a character only turned text
        /// uses exactly where read a character at a time it does.
        #[test]
        fn the_byte_wise_reading_is_the_character_wise(text in "[a-zN ǝʞıɐ∀ᴚ𐐒Кіе™é中ı,]{0,40}") {
            proptest::prop_assert_eq!(holds_only_turned(&text), text.chars().any(only_turned));
        }
    }

    #[test]
    fn turned_words_are_found_and_turned_back() {
        let text = "ǝʞıN ɹıɐ sneakers, ɹǝɥʇɐǝl ʇlǝq";
        let runs = runs(text);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(&text[runs[0].clone()], "ǝʞıN ɹıɐ");
        assert_eq!(upright(text, runs[0].clone()).0, "air Nike");
        assert_eq!(upright(text, runs[1].clone()).0, "belt leather");
        // Each byte of the upright text points back at its character.
        let (up, from) = upright(text, runs[0].clone());
        let n = up.find("Nike").unwrap();
        assert_eq!(&text[from[n + 3].start..from[n].end], "ǝʞıN");
    }

    #[test]
    fn upright_text_has_no_runs() {
        assert!(runs("Nike air sneakers").is_empty());
        assert!(runs("Ｎｉｋｅ sneakers, café, Іnstagram").is_empty());
        // A dotless i alone is Turkish, not turned text.
        assert!(runs("Kırmızı ayakkabı").is_empty());
        assert!(runs("Кроссовки Nіkе, 𝐍𝐢𝐤𝐞 ™").is_empty());
        // Words that turn into themselves read upright unless beside a
        // turned one.
        let text = "sos zoo ¿";
        let found: Vec<&str> = runs(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["¿"]);
    }
}
