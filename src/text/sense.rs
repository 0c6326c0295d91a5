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
//! The scorer asks this only of a match that is an ordinary word, and
//! sends such a listing to review rather than into a complaint: "print"
//! after a mark can be the brand's logo print as well, and a reviewer
//! settles it in seconds.

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

/// The word right after byte `end` of `text`, as written, when it names a
/// likeness of a thing (see [`DEPICTIONS`]; plurals too). Hyphens and
/// spaces between are skipped ("puma-shaped"); `None` when `end` is not a
/// boundary of `text` or the next word is anything else.
pub fn depiction_after(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?;
    let start = rest.len() - rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-').len();
    let word = &rest[start..];
    let len = word.find(|c: char| !c.is_alphabetic()).unwrap_or(word.len());
    let word = &word[..len];
    let lower = word.to_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    (DEPICTIONS.binary_search(&lower.as_str()).is_ok() || DEPICTIONS.binary_search(&singular).is_ok()).then_some(word)
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
    fn the_brands_goods_are_not_a_likeness() {
        assert_eq!(depiction_after("Puma suede classic", 4), None);
        assert_eq!(depiction_after("Puma", 4), None);
        assert_eq!(depiction_after("Puma, plush", 4), None);
        assert_eq!(depiction_after("Puma printer", 4), None);
        // Not a char boundary: no answer rather than a panic.
        assert_eq!(depiction_after("Pümа plush", 2), None);
    }
}
