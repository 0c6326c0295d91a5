//! Marks in Cyrillic, declined.
//!
//! Russian and Ukrainian decline nouns and adjectives, brand names among
//! them: a box of Красный Октябрь sweets is sold as «конфеты «Красного
//! Октября»» (of Red October), a doll for «Алёнки» or «Алёнку». Each word
//! of the mark keeps its stem and takes a case ending, so neither the
//! automaton (which reads the mark as registered) nor the typo index (an
//! ending of two or three letters is as many edits, and on every word)
//! finds it. Latin plurals and possessives ("Nikes", "Levi's") are a
//! letter or two after the whole mark; these endings replace the mark's
//! own.
//!
//! So each word of a mark in Cyrillic is filed by its stem, the word less
//! the longest case ending it ends in ([`ENDINGS`], those of Russian and
//! Ukrainian nouns and adjectives) that leaves three letters or more, and
//! a listing's words in Cyrillic are stemmed the same way: a run of them
//! whose stems are the mark's, word for word, is the mark declined. Only
//! marks of five letters or more are filed: a shorter stem is too easily
//! another word's.

use std::collections::HashMap;

use super::normalize::Doc;

/// Case endings of Russian and Ukrainian nouns and adjectives, as
/// Snowball's stemmers list them, the longest first where one ends
/// another.
const ENDINGS: &[&str] = &[
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ий", "ый", "ой", "ей", "ая", "яя", "ое", "ее", "ые", "ие",
    "ых", "их", "ым", "им", "ую", "юю", "ою", "ею", "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ию", "ия", "ии",
    "ій", "ої", "ім", "ів", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й", "і", "ї", "є",
];

/// The fewest letters a stem keeps.
const MIN_STEM: usize = 3;

/// The fewest letters of a mark filed by its stems.
const MIN_MARK: usize = 5;

/// Each word of a mark: its stem and the word ([`lower`]).
type Words = Box<[(String, String)]>;

/// A mark filed: its compiled index, and its words.
type Filed = (u32, Words);

/// The marks in Cyrillic, by the stems of their words.
#[derive(Debug, Default)]
pub(crate) struct Declined {
    /// First word's stem → the marks.
    by_first: HashMap<String, Vec<Filed>>,
}

impl Declined {
    /// Files each of `forms` (compiled index, the mark's id, the form as
    /// written) that is written in Cyrillic, of [`MIN_MARK`] letters or
    /// more; once a mark where its forms differ only in case.
    pub(crate) fn build<'a>(forms: impl Iterator<Item = (u32, &'a str, &'a str)>) -> Declined {
        let mut by_first: HashMap<String, Vec<Filed>> = HashMap::new();
        let mut filed: std::collections::HashSet<(&str, Words)> = std::collections::HashSet::new();
        for (index, id, text) in forms {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let letters: usize = words.iter().map(|w| w.chars().count()).sum();
            if words.is_empty() || letters < MIN_MARK || !words.iter().all(|w| w.chars().all(cyrillic)) {
                continue;
            }
            let stems: Words = words.iter().map(|w| (stem(w), lower(w))).collect();
            if filed.insert((id, stems.clone())) {
                by_first.entry(stems[0].0.clone()).or_default().push((index, stems));
            }
        }
        Declined { by_first }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.by_first
            .iter()
            .map(|(k, v)| {
                k.capacity()
                    + v.iter()
                        .map(|(_, s)| {
                            std::mem::size_of::<Filed>()
                                + s.iter().map(|(a, b)| a.capacity() + b.capacity()).sum::<usize>()
                        })
                        .sum::<usize>()
            })
            .sum()
    }

    /// Calls `found(mark, first, last)` for each run of `doc`'s tokens
    /// `first..=last` (folded from `text`) whose words, read in `text`,
    /// have a mark's stems and are not all written as the mark is.
    pub(crate) fn find(&self, text: &str, doc: &Doc, mut found: impl FnMut(u32, usize, usize)) {
        // Cyrillic's lead bytes in UTF-8 (U+0400 to U+052F): a byte scan,
        // as most texts hold none.
        if self.is_empty() || !text.bytes().any(|b| (0xD0..=0xD4).contains(&b)) {
            return;
        }
        // Each token's word as written, when it is all Cyrillic, and its stem.
        let words: Vec<Option<(&str, String)>> = doc
            .tokens
            .iter()
            .map(|tok| {
                let (s, e) = doc.span(tok.start, tok.end)?;
                let word = text.get(s..e)?;
                word.chars().all(cyrillic).then(|| (word, stem(word)))
            })
            .collect();
        for (t, first) in words.iter().enumerate() {
            let Some((_, first_stem)) = first else {
                continue;
            };
            for (mark, stems) in self.by_first.get(first_stem).map_or(&[][..], Vec::as_slice) {
                let Some(run) = words.get(t..t + stems.len()) else {
                    continue;
                };
                // Each word's stem the mark's, and some word declined
                // (written as the mark, the automaton finds it).
                let same = run
                    .iter()
                    .zip(stems.iter())
                    .all(|(w, (s, _))| w.as_ref().is_some_and(|(_, ws)| ws == s));
                let declined = run
                    .iter()
                    .zip(stems.iter())
                    .any(|(w, (_, mw))| w.as_ref().is_some_and(|(w, _)| lower(w) != *mw));
                if same && declined {
                    found(*mark, t, t + stems.len() - 1);
                }
            }
        }
    }
}

fn cyrillic(c: char) -> bool {
    super::LookalikeScript::of_char(c) == Some(super::LookalikeScript::Cyrillic)
}

/// `word` in lower case, ё read as е (Russian writes either).
fn lower(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// `word` ([`lower`]) less the longest of [`ENDINGS`] it ends in that
/// leaves [`MIN_STEM`] letters or more.
fn stem(word: &str) -> String {
    let mut word = lower(word);
    let letters = word.chars().count();
    let cut = ENDINGS
        .iter()
        .filter(|e| word.ends_with(*e) && letters - e.chars().count() >= MIN_STEM)
        .map(|e| e.len())
        .max();
    if let Some(cut) = cut {
        word.truncate(word.len() - cut);
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_and_its_cases_share_a_stem() {
        for word in ["Красный", "Красного", "красному", "КРАСНЫМ"] {
            assert_eq!(stem(word), "красн", "{word}");
        }
        for word in ["Октябрь", "Октября", "октябрю", "Октябрём"] {
            assert_eq!(stem(word), "октябр", "{word}");
        }
        assert_eq!(stem("Алёнка"), stem("Алёнки"));
        assert_eq!(stem("Аленку"), stem("Алёнка"));
        // Three letters are kept: "мир" (peace), not "ми".
        assert_eq!(stem("Мира"), "мир");
        assert_eq!(stem("мир"), "мир");
    }

    #[test]
    fn a_mark_declined_is_found_word_for_word() {
        let marks = ["Красный Октябрь", "Алёнка", "Мир", "Nike"];
        let declined = Declined::build(marks.iter().enumerate().map(|(i, m)| (i as u32, *m, *m)));
        let find = |text: &str| {
            let doc = Doc::new(text);
            let mut out = Vec::new();
            declined.find(text, &doc, |m, a, b| out.push((marks[m as usize], a, b)));
            out
        };
        assert_eq!(find("Конфеты «Красного Октября» ассорти"), [("Красный Октябрь", 1, 2)]);
        assert_eq!(find("шоколад Алёнки 100 г"), [("Алёнка", 1, 1)]);
        assert_eq!(find("шоколад Аленку"), [("Алёнка", 1, 1)]);
        // As registered, the automaton's; one word alone, or another word
        // between, is not the mark; a mark of three letters is not filed.
        assert!(find("Красный Октябрь конфеты").is_empty());
        assert!(find("красного цвета октября").is_empty());
        assert!(find("Красного платья").is_empty());
        assert!(find("карта мира").is_empty());
        assert!(find("Nikes shoes").is_empty());
    }
}
