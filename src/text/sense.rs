//! Which sense of an ordinary word a listing means.
//!
//! A mark that is an ordinary word ("Puma", "Apple", "Kestrel") names a
//! thing as well as a brand, and the Nice classes alone cannot always tell
//! them apart: a puma plush toy is sold in the toy category, which is one
//! of the sports brand's classes. What a listing of the thing says, and a
//! listing of the brand's goods does not, is that it shows the thing: the
//! word after it is a picture or a model of something ("puma *plush*",
//! "apple *print*", "kestrel *figurine*"). The brand's own goods follow it
//! with a product or a model name ("Puma *suede*", "Kestrel *jacket*").
//!
//! A listing of the thing may also name it by a compound the word is half
//! of, a name the dictionary holds whole: "*polar* bear", "tongue
//! *twister*", "*head* scarf", "Bruce *Lee*". The brand's goods are named
//! by the mark and a noun that makes no such name ("Polar watch", "Lee
//! jeans"). The names are WordNet's nouns of two words
//! (`config/words/compounds.txt`, written by `compounds.py` beside it),
//! less those WordNet itself calls a trademark or brand.
//!
//! Or the word is followed by a noun of goods of other classes than the
//! mark's ("*Head* torch" for a mark of sports goods, "*apple* juice" for
//! one of computers): it says what kind of those goods, as any word
//! before a noun does, and the brand's own goods are others.
//!
//! The scorer asks this only of a match that is an ordinary word, and
//! sends such a listing to review rather than into a complaint: "print"
//! after a mark can be the brand's logo print as well, "polo shirt" a
//! shirt of the brand's, and a reviewer settles it in seconds.

use std::sync::OnceLock;

/// Whether the match at bytes `start..end` of `text` is written in lower
/// case inside a phrase of words in lower case, in a text that writes
/// capitals: a brand is a name, and a seller who capitalises a title
/// capitalises the brand too, while an ordinary word inside a phrase is
/// written small as the phrase is ("College campus hoodie", "wool topper
/// coat", "sabor sublime, frasco"). At least one word beside it, with
/// nothing but spaces between, is in lower case, and none is capitalised
/// or holds a digit (the text's first word aside, capitalised as the
/// sentence's): a model after it ("molten BG5000") or a word written
/// apart by a dash ("olive green - oryx") names the brand. Nor after
/// "by", which names a maker ("Jacket … by regatta"). A text in lower
/// case throughout says nothing.
pub fn small_among_capitals(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(word), Some(after)) = (text.get(..start), text.get(start..end), text.get(end..)) else {
        return false;
    };
    let small = |w: &str| w.chars().all(char::is_lowercase);
    if !word.chars().any(char::is_alphabetic) || word.chars().any(char::is_uppercase) {
        return false;
    }
    if !before.chars().chain(after.chars()).any(char::is_uppercase) {
        return false;
    }
    // The words beside the match with one space between, if any; the one
    // before with whether it is the text's first word.
    let left = before.strip_suffix(' ').filter(|b| !b.ends_with(' ')).and_then(|b| {
        let from = b.trim_end_matches(char::is_alphanumeric).len();
        (from < b.len()).then(|| (&b[from..], b[..from].trim().is_empty()))
    });
    let right = after.strip_prefix(' ').filter(|a| !a.starts_with(' ')).and_then(|a| {
        let to = a.len() - a.trim_start_matches(char::is_alphanumeric).len();
        (to > 0).then(|| &a[..to])
    });
    if left.is_some_and(|(w, _)| w.eq_ignore_ascii_case("by")) {
        return false;
    }
    let beside_small = left.is_some_and(|(w, _)| small(w)) || right.is_some_and(small);
    let none_capitalised = left.is_none_or(|(w, first)| small(w) || first) && right.is_none_or(small);
    beside_small && none_capitalised
}

/// Nouns for a picture, a model or a likeness of a thing, in the singular.
const DEPICTIONS: &[&str] = &[
    "costume",
    "decal",
    "drawing",
    "figure",
    "figurine",
    "illustration",
    "motif",
    "ornament",
    "painting",
    "pattern",
    "photo",
    "picture",
    "plush",
    "plushie",
    "poster",
    "print",
    "sculpture",
    "shaped",
    "statue",
    "sticker",
    "toy",
];

/// Two-word names of things, one pair of lower-case words a line, sorted.
const COMPOUNDS: &str = include_str!("../../config/words/compounds.txt");

/// The word right after byte `end` of `text`, as written, when it names a
/// likeness of a thing (see [`DEPICTIONS`]; plurals too). Hyphens and
/// spaces between are skipped ("puma-shaped"); `None` when `end` is not a
/// boundary of `text` or the next word is anything else.
pub fn depiction_after(text: &str, end: usize) -> Option<&str> {
    let word = word_after(text, end)?;
    let lower = word.to_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    (DEPICTIONS.binary_search(&lower.as_str()).is_ok() || DEPICTIONS.binary_search(&singular).is_ok()).then_some(word)
}

/// The name of a thing that the word `word` (lower case) at bytes
/// `start..end` of `text` makes with the word before or after it, as
/// written ("Polar Bear", "Tongue Twisters", "Head-Scarf"); `None` when
/// it makes none, or the range is not on boundaries of `text`. The words
/// stand apart by spaces or a hyphen only: a comma or a slash between
/// them parts the names. The second word may be a plural ("polar bears").
pub fn compound_around<'t>(text: &'t str, start: usize, end: usize, word: &str) -> Option<&'t str> {
    let names = |a: &str, b: &str| singulars(b).any(|b| is_compound(a, &b));
    if let Some(after) = word_after(text, end) {
        if names(word, &after.to_lowercase()) {
            let to = after.as_ptr() as usize - text.as_ptr() as usize + after.len();
            return text.get(start..to);
        }
    }
    let before = word_before(text, start)?;
    let from = before.as_ptr() as usize - text.as_ptr() as usize;
    names(&before.to_lowercase(), word).then(|| &text[from..end])
}

/// The noun right after byte `end` of `text`, as written, when it names
/// goods none of `classes` holds ("Head *Torch*" for a mark of sports
/// goods and clothing, "Apple *juice*" for one of computers): the word
/// before it then says what kind of those goods, and the brand's goods are
/// others. Plurals too; `None` when the next word names no goods, or goods
/// of the classes.
pub fn other_goods_after<'t>(text: &'t str, end: usize, classes: &[u16]) -> Option<&'t str> {
    let word = word_after(text, end)?;
    let of = super::goods::classes_of(word)?;
    (!of.iter().any(|c| classes.contains(c))).then_some(word)
}

/// Quotation marks that open a quotation, each with the one that closes
/// it: English, French (and the German and Danish order of guillemets),
/// German low-high, Japanese corner brackets.
const QUOTES: &[(char, char)] = &[
    ('\'', '\''),
    ('"', '"'),
    ('«', '»'),
    ('»', '«'),
    ('‹', '›'),
    ('“', '”'),
    ('‘', '’'),
    ('„', '“'),
    ('‚', '‘'),
    ('「', '」'),
    ('『', '』'),
];

/// The quotation of `text` that holds bytes `start..end` and more words
/// than they do ("The Girl from Ipanema" around "Ipanema"), its inside as
/// written; `None` where no quotation holds them, or it holds only them
/// («Алёнка»: a brand's name quoted, as Russian writes it). An apostrophe
/// inside a word ("Levi's", "don't") opens and closes nothing.
pub fn quotation_around(text: &str, start: usize, end: usize) -> Option<&str> {
    let words = |t: &str| {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count()
    };
    let inside_word = |at: usize, c: char| {
        let before = text[..at].chars().next_back().is_some_and(char::is_alphanumeric);
        let after = text[at + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        c == '\'' && before && after
    };
    let mut at = 0;
    while let Some((open, (o, close))) = text[at..].char_indices().find_map(|(i, c)| {
        let pair = QUOTES.iter().find(|(o, _)| *o == c)?;
        // An apostrophe after a letter ends a word ("Levi's", "Chris'").
        let apostrophe = c == '\'' && text[..at + i].ends_with(char::is_alphanumeric);
        (!apostrophe).then_some((at + i, *pair))
    }) {
        let from = open + o.len_utf8();
        if from > start {
            return None;
        }
        let to = text[from..]
            .char_indices()
            .map(|(i, c)| (from + i, c))
            .find(|&(i, c)| c == close && !inside_word(i, c))
            .map(|(i, _)| i)?;
        if to >= end {
            let inside = &text[from..to];
            return (words(inside) > words(text.get(start..end)?)).then_some(inside);
        }
        at = to + close.len_utf8();
    }
    None
}

/// The word of letters right after byte `end` of `text`, past spaces and
/// hyphens, as written; empty where something else comes first.
fn word_after(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?;
    let word = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-');
    let len = word.find(|c: char| !c.is_alphabetic()).unwrap_or(word.len());
    Some(&word[..len])
}

/// The word of letters right before byte `start` of `text`, past spaces
/// and hyphens, as written; `None` where something else comes first or
/// nothing parts it from `start`.
fn word_before(text: &str, start: usize) -> Option<&str> {
    let head = text.get(..start)?;
    let gap = head.trim_end_matches(|c: char| c.is_whitespace() || c == '-');
    let len = gap.len() - gap.trim_end_matches(char::is_alphabetic).len();
    (gap.len() < head.len() && len > 0).then(|| &gap[gap.len() - len..])
}

/// `word` and the singulars it may be of, by English's regular plurals
/// and "men" for "man" (WordNet's rules for nouns).
fn singulars(word: &str) -> impl Iterator<Item = String> + '_ {
    const RULES: &[(&str, &str)] = &[
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ];
    std::iter::once(word.to_string()).chain(
        RULES
            .iter()
            .filter_map(move |(plural, one)| word.strip_suffix(plural).map(|stem| format!("{stem}{one}"))),
    )
}

/// Whether `a b` is the name of a thing ([`COMPOUNDS`]).
fn is_compound(a: &str, b: &str) -> bool {
    static LINES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let lines = LINES.get_or_init(|| COMPOUNDS.lines().filter(|l| !l.starts_with('#')).collect());
    !a.is_empty() && !b.is_empty() && lines.binary_search(&format!("{a} {b}").as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depictions_are_sorted_for_the_search() {
        assert!(DEPICTIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_likeness_after_the_word_is_found() {
        let text = "Puma plush toy soft";
        assert_eq!(depiction_after(text, 4), Some("plush"));
        assert_eq!(depiction_after("apple-shaped cushion", 5), Some("shaped"));
        assert_eq!(depiction_after("Kestrel  FIGURINES set", 7), Some("FIGURINES"));
        assert_eq!(depiction_after("kestrel print", 7), Some("print"));
    }

    #[test]
    fn a_word_written_small_inside_a_phrase_is_found() {
        fn small(text: &str, word: &str) -> bool {
            let start = text.find(word).unwrap();
            small_among_capitals(text, start, start + word.len())
        }
        assert!(small("College campus hoodie, 'Class of 2027' print", "campus"));
        assert!(small("Vintage 1960s wool topper coat, swing style", "topper"));
        assert!(small("Mermelada de fresa, sabor sublime, frasco 350 g", "sublime"));
        assert!(small("Active noise cancelling headphones", "noise"));
        // Capitalised, or in a text in lower case throughout.
        assert!(!small("College Campus hoodie", "Campus"));
        assert!(!small("college campus hoodie", "campus"));
        // Written apart from the words beside it, or beside a model, or
        // after "by": the brand.
        assert!(!small("Unisex canvas slippers, olive green - oryx", "oryx"));
        assert!(!small("Official Size 7 Basketball molten BG5000 Ball", "molten"));
        assert!(!small("Shell Jacket Navy XL by regatta", "regatta"));
        assert!(!small("Shell Jacket Navy regatta", "regatta"));
    }

    #[test]
    fn compounds_are_sorted_for_the_search() {
        let lines: Vec<&str> = COMPOUNDS.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(lines.len() > 50_000);
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
        assert!(lines.iter().all(|l| l.split(' ').count() == 2));
    }

    #[test]
    fn a_name_the_word_is_half_of_is_found() {
        fn around<'t>(text: &'t str, word: &str) -> Option<&'t str> {
            let start = text.to_lowercase().find(word).unwrap();
            compound_around(text, start, start + word.len(), word)
        }
        assert_eq!(around("Kids Polar Bear Watch", "polar"), Some("Polar Bear"));
        assert_eq!(around("Tongue Twisters for kids", "twisters"), Some("Tongue Twisters"));
        assert_eq!(around("Tongue Twister cards", "twister"), Some("Tongue Twister"));
        assert_eq!(around("polar  bears plush", "polar"), Some("polar  bears"));
        assert_eq!(around("Satin Head-Scarf", "head"), Some("Head-Scarf"));
        assert_eq!(around("Bruce Lee poster", "lee"), Some("Bruce Lee"));
        // The brand's goods, and names the dictionary does not hold.
        assert_eq!(around("Polar watch bear", "polar"), None);
        assert_eq!(around("Lee jeans", "lee"), None);
        assert_eq!(around("Polar, Bear", "polar"), None);
        assert_eq!(around("Tongue/Twister", "twister"), None);
        assert_eq!(around("Polar", "polar"), None);
        // Names WordNet calls a brand are the brand's.
        assert_eq!(around("Coca Cola can", "cola"), None);
    }

    #[test]
    fn goods_of_other_classes_after_the_word_are_found() {
        // Sports goods and clothing (18, 25, 28).
        let head = [18, 25, 28];
        assert_eq!(other_goods_after("Head Torch LED", 4, &head), Some("Torch"));
        assert_eq!(other_goods_after("head-lamps 2 pack", 4, &head), Some("lamps"));
        assert_eq!(other_goods_after("Head backpack 30l", 4, &head), None);
        assert_eq!(other_goods_after("Head tennis racket", 4, &head), None);
        assert_eq!(other_goods_after("Head, lamp", 4, &head), None);
        assert_eq!(other_goods_after("apple juice", 5, &[9]), Some("juice"));
    }

    #[test]
    fn a_quotation_of_more_words_than_the_match_is_found() {
        fn quoted<'t>(text: &'t str, word: &str) -> Option<&'t str> {
            let start = text.find(word).unwrap();
            quotation_around(text, start, start + word.len())
        }
        assert_eq!(
            quoted("Bossa Nova 'The Girl from Ipanema' Lyrics Tee", "Ipanema"),
            Some("The Girl from Ipanema")
        );
        assert_eq!(
            quoted("Pull « Esprit de Noël » Rouge", "Esprit"),
            Some(" Esprit de Noël ")
        );
        assert_eq!(quoted("Anillo «Festina Lente» plata", "Festina"), Some("Festina Lente"));
        assert_eq!(quoted("Tasse „Elle ist schön“ weiß", "Elle"), Some("Elle ist schön"));
        assert_eq!(
            quoted("Tee 'I Don't Run, I Only Walk' gym", "Only"),
            Some("I Don't Run, I Only Walk")
        );
        // The brand's name alone quoted, an apostrophe, no quotation, a
        // quotation elsewhere, or one left open: none.
        assert_eq!(quoted("Шоколад «Алёнка» молочный", "Алёнка"), None);
        assert_eq!(quoted("Levi's 501 jeans 'slim fit'", "Levi"), None);
        assert_eq!(quoted("Esprit dress 'summer sale' blue", "Esprit"), None);
        assert_eq!(quoted("Mug 'best dad' Esprit blue", "Esprit"), None);
        assert_eq!(quoted("Mug 'Esprit blue", "Esprit"), None);
    }

    #[test]
    fn the_brands_goods_are_not_a_likeness() {
        assert_eq!(depiction_after("Puma suede classic", 4), None);
        assert_eq!(depiction_after("Puma", 4), None);
        assert_eq!(depiction_after("Puma, plush", 4), None);
        assert_eq!(depiction_after("Puma printer", 4), None);
        // Not a char boundary: no answer rather than a panic.
        assert_eq!(depiction_after("Pümа plush", 2), None);
    }
}
