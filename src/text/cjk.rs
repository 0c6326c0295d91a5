//! Word boundaries in Chinese and Japanese, which are written without
//! spaces.
//!
//! A title on a Chinese marketplace reads "华为手机壳" (Huawei phone case)
//! or "正品华为P30保护套": the mark 华为 is glued to the words around it, as
//! every word is, and the glue check (written for "velorashoes") would
//! turn it down. So within such text a word boundary is found as a reader
//! finds it: where the script changes (Han to kana, to Latin letters, to
//! digits: "华为P30", "ユニクロのTシャツ"), and, between two Han
//! characters, where a dictionary segmentation (jieba) puts one. That is
//! what keeps 华为 out of "中华为人民服务" (中华 / 为 / 人民 / 服务: "serve the
//! people of China") and 小米 (Xiaomi; also "millet") out of 小米粥 (millet
//! porridge, one word). Kana have no dictionary here: within a run of one
//! kana script there is no boundary.
//!
//! Korean spaces its words, but a noun takes its particle unspaced
//! ("삼성의": Samsung's), and folding writes each syllable as its letters
//! (jamo), so a mark of two syllables looked six letters long and was
//! accepted glued anywhere: in 인삼성분 (ginseng extract) and 삼성동 (a
//! district of Seoul). So a mark in Hangul or katakana glued to more of
//! its script is read only where what it is glued to is made of the
//! words listings glue to a brand ("삼성정품": Samsung genuine;
//! "ナイキスニーカー": Nike sneakers), and in Korean a particle after them
//! ([`cjk_glue`]); a mark of three syllables or four kana, anywhere.
//!
//! A Han character may be written in its traditional form (Hong Kong,
//! Taiwan, and sellers who know a keyword alert reads only the simplified
//! one: 康師傅 for 康师傅, 鴻星爾克 for 鸿星尔克). Folding reads each as its
//! simplified form ([`simplified`]), character for character, as it reads
//! a full-width letter as the letter: marks are folded so too, and a mark
//! registered in either form is found in both.
//!
//! Thai, Lao, Khmer and Myanmar are written without spaces between words
//! too ("เบียร์ช้าง": Chang beer), and have no script change to part them.
//! A mark in one of them glued to more of its script is read where a
//! dictionary segmentation of the run (ICU's, [`unspaced_word`]) puts a
//! word boundary at each of its edges: ช้าง in เบียร์|ช้าง, not in a word
//! that merely holds its letters. Their vowel signs and tone marks are
//! spelling, not accents: folding drops them as it drops accents, so a
//! match that writes one the mark does not have (ช่าง, a craftsman, for
//! ช้าง, an elephant) is another word ([`unspaced_marks_agree`]); one left
//! out (ชาง) is the mark written carelessly or disguised.
//!
//! The scripts of India (Devanagari to Sinhala) space their words, but
//! their vowel signs and viramas are letters too, which folding drops as
//! accents: "खाद" (fertiliser) read as खादी. A match whose signs differ
//! from the mark's is a misspelling, as far as a mark of its letters may
//! be misspelt, else another word ([`indic_sign_edits`]).
//!
//! A mark in Hangul spaced out ("설 화 수") is spaced by syllables, each of
//! which folds to two or three letters: the matcher's pass over runs of
//! single letters reads a syllable written alone as one letter, and a run
//! of two or more as a word spaced out (`one_syllable` in the matcher).

use std::collections::HashMap;
use std::sync::OnceLock;

use jieba_rs::Jieba;

/// The simplified form of a Han character written in its traditional
/// form, as `fast2s`'s table has it alone (without the words around it,
/// which the table reads for a few characters): `None` for any other
/// character.
pub(crate) fn simplified(c: char) -> Option<char> {
    static TABLE: OnceLock<Vec<(char, char)>> = OnceLock::new();
    if script(c) != Script::Han {
        return None;
    }
    // `fast2s` converts strings only; its table, read out once a
    // character at a time (some 28,000 in the planes it converts), is
    // looked up per character as folding needs.
    let table = TABLE.get_or_init(|| {
        let mut one = [0u8; 4];
        ('\u{3400}'..='\u{9FFF}')
            .filter(|&t| script(t) == Script::Han)
            .filter_map(|t| {
                let s = fast2s::convert(t.encode_utf8(&mut one));
                let mut s = s.chars();
                match (s.next(), s.next()) {
                    (Some(c), None) if c != t => Some((t, c)),
                    _ => None,
                }
            })
            .collect()
    });
    table.binary_search_by_key(&c, |&(t, _)| t).ok().map(|i| table[i].1)
}

/// Han characters by their Kangxi radical and the strokes beyond it, from
/// Unicode's Unihan database (`config/han/radicals.py` writes it).
const RADICALS: &str = include_str!("../../config/han/radicals.txt");

/// The first character [`RADICALS`] covers; it covers up to U+9FFF.
const FIRST_HAN: u32 = 0x3400;

/// Radicals drawn alike, a dot or a stroke apart, by Kangxi number: 示 and
/// 衣 (礻, 衤), 冫 and 水 (氵), 刀 and 力, 日, 曰 and 目, 土 and 士, 人 (亻),
/// 入 and 彳, 宀 and 冖, 厂 and 广, 木 and 禾, 大 and 犬, 口 and 囗.
const RADICALS_ALIKE: &[(u8, u8)] = &[
    (113, 145),
    (15, 85),
    (18, 19),
    (72, 73),
    (72, 109),
    (32, 33),
    (9, 11),
    (9, 60),
    (40, 14),
    (27, 53),
    (75, 115),
    (37, 94),
    (30, 31),
];

/// A Han character's radical and strokes beyond it, where Unihan gives
/// them.
fn radical_strokes(c: char) -> Option<(u8, i8)> {
    static TABLE: OnceLock<Vec<(u8, i8)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = vec![(0, 0); 0xA000 - FIRST_HAN as usize];
        for line in RADICALS.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.splitn(3, ' ');
            let (Some(Ok(radical)), Some(Ok(strokes)), Some(chars)) = (
                parts.next().map(str::parse::<u8>),
                parts.next().map(str::parse::<i8>),
                parts.next(),
            ) else {
                continue;
            };
            for c in chars.chars() {
                if let Some(slot) = (c as usize)
                    .checked_sub(FIRST_HAN as usize)
                    .and_then(|i| table.get_mut(i))
                {
                    *slot = (radical, strokes);
                }
            }
        }
        table
    });
    (c as u32)
        .checked_sub(FIRST_HAN)
        .and_then(|i| table.get(i as usize))
        .copied()
        .filter(|&(radical, _)| radical != 0)
}

/// Whether the Han character `written`, written for `mark`'s, looks like
/// it: the same radical, or radicals drawn alike ([`RADICALS_ALIKE`]), and
/// a stroke more or less beyond it at most (师 and 帅, 大 and 太, 福 and
/// 褔, 治 and 冶, 力 and 刀). A seller who misspells a Han mark on purpose
/// writes a character a reader takes for the mark's at a glance; one of
/// another radical or shape is a misspelling no reader makes.
pub(crate) fn looks_like(mark: char, written: char) -> bool {
    let (Some((r, s)), Some((q, t))) = (radical_strokes(mark), radical_strokes(written)) else {
        return false;
    };
    mark != written
        && (s - t).abs() <= 1
        && (r == q || RADICALS_ALIKE.iter().any(|&pair| pair == (r, q) || pair == (q, r)))
}

/// Marks written in Han, filed once for each of their characters with that
/// character left out ("周大_"), so that a run of Han characters that
/// differs from a mark in one character, a look-alike ([`looks_like`]), is
/// found in a look-up for each character left out, whatever the number of
/// marks: a misspelt Han mark (周大褔, 康帅傅, 周太福 for 周大福 and
/// 康师傅), which the deletion index, built for words of letters, allows
/// no edit at two or three characters.
#[derive(Debug, Default)]
pub(crate) struct Misspelt {
    /// A mark's characters with one left out (as `HOLE`) → the marks, the
    /// place left out and the character there.
    holes: HashMap<Box<str>, Vec<(u32, u8, char)>>,
    /// The lengths in characters of the marks filed.
    lengths: Vec<usize>,
}

/// What stands for the character left out in [`Misspelt`]'s keys.
const HOLE: char = '\0';

/// The fewest and most characters of a mark [`Misspelt`] files: of one, a
/// look-alike is another character; past eight, no Han mark.
const MISSPELT_CHARS: std::ops::RangeInclusive<usize> = 2..=8;

impl Misspelt {
    /// Files `marks`, each its index and its skeleton, that are Han
    /// throughout.
    pub(crate) fn build<'a>(marks: impl Iterator<Item = (u32, &'a str)>) -> Misspelt {
        let mut filed = Misspelt::default();
        for (mark, skel) in marks {
            let chars: Vec<char> = skel.chars().collect();
            if !MISSPELT_CHARS.contains(&chars.len()) || !chars.iter().all(|&c| script(c) == Script::Han) {
                continue;
            }
            for (at, &c) in chars.iter().enumerate() {
                let key: String = chars
                    .iter()
                    .enumerate()
                    .map(|(i, &k)| if i == at { HOLE } else { k })
                    .collect();
                filed.holes.entry(key.into()).or_default().push((mark, at as u8, c));
            }
            if !filed.lengths.contains(&chars.len()) {
                filed.lengths.push(chars.len());
            }
        }
        filed
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.holes.is_empty()
    }

    /// Bytes on the heap, about: the table's slots and each key and list.
    pub(crate) fn heap_bytes(&self) -> usize {
        let slot = std::mem::size_of::<(Box<str>, Vec<(u32, u8, char)>)>() + 1;
        self.holes.capacity() * slot
            + self
                .holes
                .iter()
                .map(|(key, marks)| key.len() + marks.capacity() * std::mem::size_of::<(u32, u8, char)>())
                .sum::<usize>()
            + self.lengths.capacity() * std::mem::size_of::<usize>()
    }

    /// The marks misspelt in the word `skel[word]` (a word of a folded
    /// text's skeleton, `skel`): each mark and the byte range of its
    /// misspelling, a run of Han characters a word of its own there (the
    /// word's edges, or where [`boundary`] says) that no dictionary holds
    /// (明洁, a word, is no misspelling of 明治).
    pub(crate) fn find(&self, skel: &str, word: std::ops::Range<usize>, mut found: impl FnMut(u32, usize, usize)) {
        let Some(text) = skel.get(word.clone()) else {
            return;
        };
        if text.is_ascii() {
            return;
        }
        let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (word.start + i, c)).collect();
        let end_of = |k: usize| chars.get(k).map_or(word.end, |&(i, _)| i);
        let mut key = String::new();
        for start in 0..chars.len() {
            for &n in &self.lengths {
                let Some(window) = chars.get(start..start + n) else {
                    continue;
                };
                if !window.iter().all(|&(_, c)| script(c) == Script::Han) {
                    continue;
                }
                let (s, e) = (window[0].0, end_of(start + n));
                // Whether the window is a word of its own: asked once a
                // window, and only of one that some mark's look-up hits.
                let own_word = || {
                    (s == word.start || boundary(skel, s))
                        && (e == word.end || boundary(skel, e))
                        && !jieba().has_word(&skel[s..e])
                };
                let mut own = None;
                for hole in 0..n {
                    key.clear();
                    key.extend(
                        window
                            .iter()
                            .enumerate()
                            .map(|(i, &(_, c))| if i == hole { HOLE } else { c }),
                    );
                    let Some(marks) = self.holes.get(key.as_str()) else {
                        continue;
                    };
                    let written = window[hole].1;
                    for &(mark, at, c) in marks {
                        if usize::from(at) == hole && looks_like(c, written) && *own.get_or_insert_with(own_word) {
                            found(mark, s, e);
                        }
                    }
                }
            }
        }
    }
}

/// The scripts that tell words apart where no space does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Han,
    Hiragana,
    Katakana,
    /// Anything else: Latin letters, digits, other scripts.
    Other,
}

fn script(c: char) -> Script {
    match c {
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}' => {
            Script::Han
        }
        '\u{3040}'..='\u{309F}' => Script::Hiragana,
        '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => Script::Katakana,
        _ => Script::Other,
    }
}

/// Whether byte `at` of `text` (a char boundary, inside a word: not at a
/// space or the text's ends) is a word boundary because of the scripts
/// around it: one side Chinese or Japanese and the other of another
/// script, or both Han and a boundary of the segmentation of the Han
/// characters around it.
pub(crate) fn boundary(text: &str, at: usize) -> bool {
    let (Some(before), Some(after)) = (
        text.get(..at).and_then(|t| t.chars().next_back()),
        text.get(at..).and_then(|t| t.chars().next()),
    ) else {
        return false;
    };
    // The common case, costing two comparisons: no CJK here.
    if before.is_ascii() && after.is_ascii() {
        return false;
    }
    let (sb, sa) = (script(before), script(after));
    if sb == Script::Other && sa == Script::Other {
        return false;
    }
    if sb != sa {
        return true;
    }
    if sb != Script::Han {
        return false;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| script(c) == Script::Han)
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|&(_, c)| script(c) != Script::Han)
        .map_or(text.len(), |(i, _)| at + i);
    let mut edge = start;
    for word in jieba().cut(&text[start..end], false) {
        edge += word.len();
        if edge >= at {
            return edge == at;
        }
    }
    false
}

/// Letters (and vowel signs and tone marks) of the scripts of South-East
/// Asia written without spaces: Thai, Lao, Myanmar, Khmer, and their
/// extensions.
fn unspaced(c: char) -> bool {
    matches!(
        c,
        '\u{0E00}'..='\u{0EFF}'
            | '\u{1000}'..='\u{109F}'
            | '\u{1780}'..='\u{17FF}'
            | '\u{19E0}'..='\u{19FF}'
            | '\u{A9E0}'..='\u{A9FF}'
            | '\u{AA60}'..='\u{AA7F}'
    )
}

/// Whether `mark` (a skeleton, or as written) is in Thai, Lao, Khmer or
/// Myanmar.
pub(crate) fn in_unspaced_script(mark: &str) -> bool {
    mark.chars().any(unspaced)
}

/// Whether the match at bytes `start..end` of `text`, of a mark in one of
/// those scripts, is a word of its own there: where letters of its script
/// touch it, the segmentation of the run they make together must put a
/// boundary at each of its edges. `false` when the range is not on
/// boundaries of `text`.
pub(crate) fn unspaced_word(text: &str, start: usize, end: usize) -> bool {
    let (Some(head), Some(tail)) = (text.get(..start), text.get(end..)) else {
        return false;
    };
    let from = head.trim_end_matches(unspaced).len();
    let to = end + (tail.len() - tail.trim_start_matches(unspaced).len());
    if (from, to) == (start, end) {
        return true;
    }
    let (mut at_start, mut at_end) = (false, false);
    for edge in segmenter().segment_str(&text[from..to]).map(|b| from + b) {
        at_start |= edge == start;
        at_end |= edge == end;
    }
    at_start && at_end
}

/// Whether `written`, a match of `mark` in one of those scripts, writes
/// no vowel sign or tone mark the mark does not: its marks are the mark's,
/// in order, some perhaps left out.
pub(crate) fn unspaced_marks_agree(mark: &str, written: &str) -> bool {
    use unicode_normalization::char::is_combining_mark;
    let marks = |t: &'_ str| {
        t.chars()
            .filter(|&c| unspaced(c) && is_combining_mark(c))
            .collect::<Vec<char>>()
    };
    let mut own = marks(mark).into_iter();
    marks(written).into_iter().all(|w| own.any(|m| m == w))
}

/// Whether `c` is of a Brahmic script of India or Sri Lanka (Devanagari
/// to Sinhala), where a vowel is written as a sign over, under or beside
/// its consonant, or by a virama's silence.
fn indic(c: char) -> bool {
    ('\u{0900}'..='\u{0DFF}').contains(&c)
}

/// Whether `mark` (a skeleton, or as written) is in one of those scripts.
pub(crate) fn in_indic_script(mark: &str) -> bool {
    mark.chars().any(indic)
}

/// How many of the mark's vowel signs and viramas `written`, a match of
/// `mark` in one of those scripts, changes, adds or leaves out (0 where
/// it writes them all, in order): each is a letter there, not an accent,
/// so a difference is a misspelling ("पतंजली" for पतंजलि) or another word
/// ("खाद", fertiliser, for खादी). A nukta or a sign of nasalisation
/// (anusvara, candrabindu; Gurmukhi's tippi and addak) may come or go, as
/// spellings of a word vary so ("चाँद", "चांद").
pub(crate) fn indic_sign_edits(mark: &str, written: &str) -> usize {
    strsim::osa_distance(&indic_signs(mark), &indic_signs(written))
}

/// The letters of `mark` in one of those scripts, its vowel signs and
/// viramas counted as letters.
pub(crate) fn indic_letters(mark: &str) -> usize {
    use unicode_normalization::char::is_combining_mark;
    let letters = mark
        .chars()
        .filter(|&c| c.is_alphanumeric() && !is_combining_mark(c))
        .count();
    letters + indic_signs(mark).chars().count()
}

fn indic_signs(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    // At the same place in each script's block of 128.
    let optional =
        |c: char| matches!((c as u32 - 0x0900) % 0x80, 0x00..=0x02 | 0x3C) || matches!(c, '\u{0A70}' | '\u{0A71}');
    text.chars()
        .filter(|&c| indic(c) && is_combining_mark(c) && !optional(c))
        .collect()
}

/// ICU's dictionary word segmenter, for the scripts above (its data is
/// compiled in; built on first use).
fn segmenter() -> &'static icu_segmenter::WordSegmenterBorrowed<'static> {
    use icu_segmenter::{options::WordBreakInvariantOptions, WordSegmenter};
    static SEGMENTER: OnceLock<icu_segmenter::WordSegmenterBorrowed<'static>> = OnceLock::new();
    SEGMENTER.get_or_init(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()))
}

/// Honest-reference phrases that Chinese writes just before the mark,
/// glued to it as every word is ("适用于回力帆布鞋的替换鞋带": laces suitable
/// for Warrior canvas shoes), where the matcher's phrases, read word by
/// word, see one word; and Thai "สำหรับ" (for), glued to the goods before
/// it ("เคสซิลิโคนสำหรับ GoPro": a silicone case for). Longest first, so the
/// most specific is named.
const NOMINATIVE_BEFORE: &[&str] = &["适用于", "สำหรับ", "兼容", "适用", "适合", "用于"];

/// The Chinese or Thai honest-reference phrase (see [`NOMINATIVE_BEFORE`]) that
/// `before` (the text before a mark) ends with, spaces after it aside.
pub(crate) fn nominative_before(before: &str) -> Option<String> {
    let before = before.trim_end();
    NOMINATIVE_BEFORE
        .iter()
        .find(|p| before.ends_with(*p))
        .map(|p| p.to_string())
}

/// For a mark written in Hangul or katakana glued to more of its own
/// script (`before` and `after`: the rest of its token, as folded),
/// whether that is believable: only where what touches it on each side is
/// made of words a seller glues to a brand ([`HANGUL_WORDS`],
/// [`KATAKANA_WORDS`]), and in Korean a particle after them ("삼성의",
/// "삼성정품", "정품삼성", "ナイキスニーカー"). `None` for a mark in another
/// script.
///
/// Neither script has a dictionary here, and a word that merely holds the
/// mark's letters must not pass: 인삼성분 (ginseng extract) and 삼성동 (a
/// district of Seoul) hold 삼성. So only the words of listings are known:
/// what the thing is, whom it is for, that it is genuine, new or on sale.
/// A mark glued to any other word is missed, unless it is long
/// ([`LONG_HANGUL`], [`LONG_KATAKANA`]): the words that hid a mark by
/// chance held one of two syllables, and a run of three syllables or
/// four kana that spells a mark is seldom anything else
/// ("라네즈립슬리핑마스크", "グリコポッキーチョコ").
pub(crate) fn cjk_glue(mark: &str, before: &str, after: &str) -> Option<bool> {
    // Read against the text as written, which the segmentation needs, when
    // the match is reported ([`unspaced_word`]).
    if in_unspaced_script(mark) {
        return Some(true);
    }
    let in_hangul = mark.chars().any(hangul);
    if in_hangul && mark.chars().filter(|&c| leading_consonant(c)).count() >= LONG_HANGUL {
        return Some(true);
    }
    // Katakana throughout, or kana of both scripts (ドラえもん, written so
    // as a name): hiragana alone is how grammar is written, and glued to
    // more of it is a word or an ending as often as a mark.
    let kana = |c: char| katakana(c) || script(c) == Script::Hiragana;
    if mark.chars().all(kana) && mark.chars().any(katakana) && mark.chars().count() >= LONG_KATAKANA {
        return Some(true);
    }
    let (script, words): (fn(char) -> bool, &[String]) = if in_hangul {
        (hangul, &listing_words().hangul)
    } else if mark.chars().next().is_some_and(katakana) && mark.chars().next_back().is_some_and(katakana) {
        (katakana, &listing_words().katakana)
    } else {
        return None;
    };
    // Where the script changes, another word begins.
    let touching_before = &before[before.trim_end_matches(script).len()..];
    let touching_after = &after[..after.len() - after.trim_start_matches(script).len()];
    let tail: &[String] = if in_hangul { particles() } else { &[] };
    Some(spelt_with(touching_before, words, &[]) && spelt_with(touching_after, words, tail))
}

/// Whether `run` is some of `words` one after another (or nothing), then
/// at most one of `tail`.
fn spelt_with(run: &str, words: &[String], tail: &[String]) -> bool {
    // `ends[i]`: `run[..i]` is some of `words`; only such `i` are sliced
    // at, and they fall between characters.
    let mut ends = vec![false; run.len() + 1];
    ends[0] = true;
    for i in 0..run.len() {
        if !ends[i] {
            continue;
        }
        for w in words.iter().filter(|w| run[i..].starts_with(w.as_str())) {
            ends[i + w.len()] = true;
        }
    }
    ends[run.len()] || (0..run.len()).any(|i| ends[i] && tail.iter().any(|t| run[i..] == **t))
}

/// The fewest syllables of a mark in Hangul read glued anywhere in its
/// script (see [`cjk_glue`]).
const LONG_HANGUL: usize = 3;

/// The fewest kana of a mark in katakana (or in kana of both scripts)
/// read glued anywhere in its script, the long vowel mark counted (see
/// [`cjk_glue`]).
const LONG_KATAKANA: usize = 4;

/// A syllable's first letter as folding writes Hangul (NFKD's conjoining
/// jamo: one leading consonant, or its filler, a syllable).
fn leading_consonant(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115F}')
}

fn hangul(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7FF}')
}

/// Katakana, the long vowel mark included; not the middle dot (・), which
/// parts words.
fn katakana(c: char) -> bool {
    script(c) == Script::Katakana && c != '・'
}

/// Korean particles that follow a noun unspaced, as folding writes them
/// (letters, not syllables).
fn particles() -> &'static [String] {
    static PARTICLES: OnceLock<Vec<String>> = OnceLock::new();
    PARTICLES.get_or_init(|| {
        folded(&[
            "의", "은", "는", "이", "가", "을", "를", "에", "와", "과", "도", "로", "으로", "에서", "에게", "만",
            "까지", "부터", "처럼", "하고", "랑", "이랑", "용",
        ])
    })
}

/// Words Korean listings glue to a brand: genuine, new, used, on sale;
/// what the thing is; whom it is for.
const HANGUL_WORDS: &[&str] = &[
    "정품",
    "새상품",
    "새제품",
    "신품",
    "신상",
    "중고",
    "미개봉",
    "특가",
    "할인",
    "세일",
    "공식",
    "국내",
    "해외",
    "케이스",
    "커버",
    "충전기",
    "케이블",
    "이어폰",
    "헤드폰",
    "폰",
    "휴대폰",
    "스마트폰",
    "노트북",
    "태블릿",
    "모니터",
    "가방",
    "백팩",
    "지갑",
    "신발",
    "운동화",
    "스니커즈",
    "슬리퍼",
    "샌들",
    "부츠",
    "시계",
    "티셔츠",
    "셔츠",
    "후드",
    "후드티",
    "자켓",
    "재킷",
    "패딩",
    "점퍼",
    "바지",
    "청바지",
    "모자",
    "양말",
    "벨트",
    "향수",
    "화장품",
    "선글라스",
    "안경",
    "목걸이",
    "반지",
    "팔찌",
    "귀걸이",
    "로고",
    "남성",
    "여성",
    "남자",
    "여자",
    "아동",
    "키즈",
    "세트",
    "블랙",
    "화이트",
    "쿠션",
    "립스틱",
    "크림",
    "세럼",
    "토너",
];

/// Words Japanese listings glue to a brand written in katakana: what the
/// thing is, whom it is for, its colour, that it is a sale.
const KATAKANA_WORDS: &[&str] = &[
    "スニーカー",
    "シューズ",
    "サンダル",
    "ブーツ",
    "ジャケット",
    "パーカー",
    "シャツ",
    "セーター",
    "ニット",
    "トレーナー",
    "スウェット",
    "ジャージ",
    "コート",
    "ダウン",
    "ベスト",
    "パンツ",
    "ジーンズ",
    "デニム",
    "スカート",
    "ワンピース",
    "ソックス",
    "キャップ",
    "ハット",
    "ベルト",
    "バッグ",
    "リュック",
    "トート",
    "ショルダー",
    "ポーチ",
    "ウォレット",
    "ケース",
    "カバー",
    "ケーブル",
    "イヤホン",
    "ヘッドホン",
    "ウォッチ",
    "メンズ",
    "レディース",
    "キッズ",
    "ベビー",
    "ブランド",
    "ロゴ",
    "セット",
    "コラボ",
    "モデル",
    "サイズ",
    "カラー",
    "ホワイト",
    "ブラック",
    "ネイビー",
    "グレー",
    "レッド",
    "ブルー",
    "オリジナル",
    "スポーツ",
    "ランニング",
    "ゴルフ",
    "アウトレット",
    "セール",
    "ショップ",
    "ウェア",
];

/// [`HANGUL_WORDS`] and [`KATAKANA_WORDS`] as folding writes them.
struct ListingWords {
    hangul: Vec<String>,
    katakana: Vec<String>,
}

fn listing_words() -> &'static ListingWords {
    static WORDS: OnceLock<ListingWords> = OnceLock::new();
    WORDS.get_or_init(|| ListingWords {
        hangul: folded(HANGUL_WORDS),
        katakana: folded(KATAKANA_WORDS),
    })
}

fn folded(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| super::skeleton(w)).collect()
}

/// The segmenter, its dictionary loaded on first use (0.2–0.3 s and about
/// 50 MB): only a mark of Han characters found with more beside it asks.
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_in_thai_is_where_segmentation_puts_its_edges() {
        let word = |text: &str, w: &str| {
            let s = text.find(w).expect("in text");
            unspaced_word(text, s, s + w.len())
        };
        assert!(word("เบียร์ช้าง คลาสสิก", "ช้าง"));
        assert!(word("ช้างโซดา 325มล", "ช้าง"));
        assert!(word("มาลีสามพราน", "มาลี"));
        // Sam Phran, a district: พราน (a hunter) is inside its name.
        assert!(!word("มาลีสามพราน", "พราน"));
        // Alone in its script: nothing to ask.
        assert!(word("ช้าง beer", "ช้าง"));
        assert!(!unspaced_word("ช้าง", 1, 3));
    }

    #[test]
    fn a_tone_mark_the_mark_lacks_makes_another_word() {
        assert!(unspaced_marks_agree("ช้าง", "ช้าง"));
        // Left out: the mark written carelessly, or to slip past an alert.
        assert!(unspaced_marks_agree("ช้าง", "ชาง"));
        // ช่าง, a craftsman; ช้าง, an elephant.
        assert!(!unspaced_marks_agree("ช้าง", "ช่าง"));
        assert!(!unspaced_marks_agree("", "ช่าง"));
    }

    fn at(text: &str, before: &str) -> usize {
        text.find(before).expect("in text") + before.len()
    }

    #[test]
    fn han_words_are_told_apart_by_the_dictionary() {
        let t = "华为手机壳";
        assert!(boundary(t, at(t, "华为")));
        assert!(!boundary(t, at(t, "华")));
        let t = "中华为人民服务";
        // 中华 / 为 / 人民 / 服务: 华为 would start inside 中华.
        assert!(!boundary(t, at(t, "中")));
        assert!(boundary(t, at(t, "中华")));
        assert!(boundary(t, at(t, "中华为")));
        let t = "小米粥";
        assert!(!boundary(t, at(t, "小米")));
    }

    #[test]
    fn look_alike_han_characters_share_a_radical_drawn_alike_and_a_stroke() {
        // The same radical, a stroke apart.
        assert!(looks_like('师', '帅') && looks_like('大', '太') && looks_like('兔', '免'));
        // Radicals drawn alike: 礻 and 衤, 氵 and 冫, 力 and 刀.
        assert!(looks_like('福', '褔') && looks_like('治', '冶') && looks_like('力', '刀'));
        // Not itself, not another radical, not strokes apart.
        assert!(!looks_like('福', '福') && !looks_like('大', '小') && !looks_like('师', '币'));
        assert!(!looks_like('治', '湖'), "four strokes more");
        assert!(!looks_like('a', 'b') && !looks_like('ナ', 'メ'));
    }

    #[test]
    fn a_han_mark_misspelt_with_a_look_alike_is_found_as_a_word_of_its_own() {
        let filed = Misspelt::build([(0, "周大福"), (1, "明治"), (2, "nike")].into_iter());
        let find = |text: &str| {
            let mut found = Vec::new();
            filed.find(text, 0..text.len(), |mark, s, e| {
                found.push((mark, text[s..e].to_string()))
            });
            found
        };
        assert_eq!(find("周大褔"), [(0, "周大褔".to_string())]);
        assert_eq!(find("周太福黄金项链"), [(0, "周太福".to_string())]);
        assert_eq!(find("明冶"), [(1, "明冶".to_string())]);
        // The mark itself is the automaton's; a character unlike the
        // mark's is no look-alike; 明洁 (bright and clean) is a word.
        assert!(find("周大福").is_empty() && find("周大华").is_empty() && find("明洁").is_empty());
        // Not across words: 光明 / 冶金 (metallurgy).
        assert!(find("光明冶金").is_empty());
    }

    #[test]
    fn a_change_of_script_is_a_boundary() {
        let t = "正品华为p30保护套";
        assert!(boundary(t, at(t, "华为")));
        assert!(boundary(t, at(t, "p30")));
        let t = "ユニクロのtシャツ";
        assert!(boundary(t, at(t, "ユニクロ")));
        assert!(boundary(t, at(t, "の")));
        // Within one kana script, none.
        assert!(!boundary(t, at(t, "ユニ")));
        // Latin letters alone are not this module's business.
        assert!(!boundary("velorashoes", 6));
        assert!(!boundary("naïveté", 3));
    }

    #[test]
    fn a_mark_glued_only_to_listing_words_and_particles() {
        let fold = |t: &str| super::super::normalize::Doc::new(t).skel;
        let mark = fold("삼성");
        assert_eq!(cjk_glue(&mark, "", &fold("의")), Some(true));
        assert_eq!(cjk_glue(&mark, "", "s24"), Some(true));
        // Genuine, genuine's, a genuine charger; genuine before it.
        assert_eq!(cjk_glue(&mark, "", &fold("정품")), Some(true));
        assert_eq!(cjk_glue(&mark, "", &fold("정품의")), Some(true));
        assert_eq!(cjk_glue(&mark, "", &fold("정품충전기")), Some(true));
        assert_eq!(cjk_glue(&mark, &fold("정품"), ""), Some(true));
        // Ginseng extract, a district, a particle before the mark, a
        // listing word with more after it.
        assert_eq!(cjk_glue(&mark, &fold("인"), &fold("분")), Some(false));
        assert_eq!(cjk_glue(&mark, "", &fold("동")), Some(false));
        assert_eq!(cjk_glue(&mark, &fold("의"), ""), Some(false));
        assert_eq!(cjk_glue(&mark, "", &fold("폰트")), Some(false));
        let mark = fold("ナイキ");
        assert_eq!(cjk_glue(&mark, "", &fold("スニーカー")), Some(true));
        assert_eq!(
            cjk_glue(&mark, &fold("メンズ"), &fold("ブラックスニーカー")),
            Some(true)
        );
        assert_eq!(cjk_glue(&mark, "", &fold("スニーカーズ")), Some(false));
        assert_eq!(cjk_glue(&mark, &fold("ア"), ""), Some(false));
        assert_eq!(cjk_glue("velora", "", "shoes"), None);
        assert_eq!(cjk_glue(&fold("华为"), "", &fold("手机")), None);
    }
}
