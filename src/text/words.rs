//! The dictionary of ordinary words.
//!
//! The matcher asks it two questions: is a near miss ("mike" for a mark
//! "Nike") or the mark itself ("Kestrel") an ordinary word, which the scorer
//! must know before it accuses anyone, and is the rest of a glued token
//! ("velora*shoes*") a word, which makes the glued match believable.
//!
//! The list is held as one string and a sorted table of spans: about half the
//! memory of a `HashSet<String>` for 60k words. Lookups go through a set of
//! the words' hashes held as 32-bit fingerprints
//! ([`FingerprintSet`], 1 MiB for the embedded list's 118,000 words): a
//! binary search would touch a dozen cache lines a lookup, and the matcher
//! asks about every word it reports. A lookup reads one cache line and
//! compares a fingerprint, not the word: going on to the word's span and
//! its bytes cost two more cache misses, and the table being bigger than
//! the cache, each was a third of the time. A word that is not in the list
//! is taken for one that is about once in a billion look-ups (see
//! [`FingerprintSet`]): then a near miss carries an ordinary-word cue it
//! should not, which lowers its score, never raises it.

use super::normalize::Doc;
use super::typo::FingerprintSet;

/// A sorted, de-duplicated set of lower-case words.
#[derive(Debug, Default)]
pub(crate) struct WordList {
    buf: String,
    spans: Vec<(u32, u32)>,
    /// The words' hashes ([`hash`]).
    set: FingerprintSet,
}

impl WordList {
    /// Builds the set; words are trimmed and lower-cased, blank lines and
    /// `#` comments skipped. A word of other letters than `a` to `z` is kept
    /// as the matcher folds a listing's text ("für" as "fur", see
    /// [`Doc`]), since that is the form it will be looked up in.
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> WordList {
        let mut all: Vec<String> = words
            .into_iter()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .map(folded)
            .filter(|w| !w.is_empty())
            .collect();
        all.sort_unstable();
        all.dedup();
        let mut list = WordList {
            buf: String::with_capacity(all.iter().map(String::len).sum()),
            spans: Vec::with_capacity(all.len()),
            set: FingerprintSet::default(),
        };
        let mut hashes = Vec::with_capacity(all.len());
        for w in &all {
            let start = list.buf.len() as u32;
            list.buf.push_str(w);
            list.spans.push((start, list.buf.len() as u32));
            hashes.push(hash(w.as_bytes()));
        }
        list.set = FingerprintSet::new(&hashes);
        list
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        !word.is_empty() && self.set.contains(hash(word.as_bytes()))
    }

    /// Starts loading what [`WordList::contains`] reads for `word`.
    pub(crate) fn prefetch(&self, word: &str) {
        self.set.prefetch(hash(word.as_bytes()));
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(s, e)| &self.buf[s as usize..e as usize])
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.spans.capacity() * std::mem::size_of::<(u32, u32)>() + self.set.heap_bytes()
    }
}

/// `word` as the matcher folds a listing's text: lower case, without
/// diacritics, look-alikes read as the letter they imitate ("Für" as
/// "fur"); its word characters only.
pub(crate) fn folded(word: &str) -> String {
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    let doc = Doc::new(word);
    doc.plain(0, doc.skel.len())
}

/// [`hash`], never 0 (an empty slot).
fn hash(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let w = WordList::new(["Shoes", "bag", "", "# comment", "bag", "new "]);
        assert_eq!(w.len(), 3);
        assert!(w.contains("shoes") && w.contains("bag") && w.contains("new"));
        assert!(!w.contains("Shoes") && !w.contains("velora") && !w.contains(""));
        assert!(!WordList::default().contains("bag"));
        let none = WordList::new(Vec::<&str>::new());
        assert!(!none.contains("") && !none.contains("bag"));
    }

    #[test]
    fn words_are_kept_folded_as_text_is() {
        // Looked up as a listing's text is folded: without diacritics, in
        // lower case, whatever the list's spelling.
        let w = WordList::new(["Löwe", "Straße", "crème", "ｂａｇ", "!!"]);
        assert_eq!(w.len(), 4);
        for word in ["lowe", "strasse", "creme", "bag"] {
            assert!(w.contains(word), "{word}");
        }
        assert!(!w.contains("löwe"));
    }

    #[test]
    fn embedded_list_is_sane() {
        let w = WordList::new(super::super::embedded_words());
        assert!(w.len() > 50_000, "{}", w.len());
        for word in [
            "apple", "shoes", "mike", "kestrel", "glory", "box", "colombia", "boise", "sao",
        ] {
            assert!(w.contains(word), "{word}");
        }
        // Proper nouns are not ordinary words: brand names live there.
        for word in ["velora", "corvelle", "arcturo", "nike", "gucci"] {
            assert!(!w.contains(word), "{word}");
        }
    }
}
