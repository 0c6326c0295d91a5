//! The dictionary of ordinary words.
//!
//! The matcher asks it two questions: is a near miss ("mike" for a mark
//! "Nike") or the mark itself ("Kestrel") an ordinary word, which the scorer
//! must know before it accuses anyone, and is the rest of a glued token
//! ("velora*shoes*") a word, which makes the glued match believable.
//!
//! The list is held as one string and a sorted table of spans: about half the
//! memory of a `HashSet<String>` for 60k words, and lookups are rare (only for
//! candidate matches), so a binary search is fast enough.

/// A sorted, de-duplicated set of lower-case words.
#[derive(Debug, Default)]
pub(crate) struct WordList {
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl WordList {
    /// Builds the set; words are trimmed and lower-cased, blank lines and
    /// `#` comments skipped.
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> WordList {
        let mut all: Vec<String> = words
            .into_iter()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        all.sort_unstable();
        all.dedup();
        let mut list = WordList {
            buf: String::with_capacity(all.iter().map(String::len).sum()),
            spans: Vec::with_capacity(all.len()),
        };
        for w in &all {
            let start = list.buf.len() as u32;
            list.buf.push_str(w);
            list.spans.push((start, list.buf.len() as u32));
        }
        list
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        self.spans
            .binary_search_by(|&(s, e)| self.buf[s as usize..e as usize].cmp(word))
            .is_ok()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(s, e)| &self.buf[s as usize..e as usize])
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
    }
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
    }

    #[test]
    fn embedded_list_is_sane() {
        let w = WordList::new(super::super::EMBEDDED_WORDS.lines());
        assert!(w.len() > 50_000, "{}", w.len());
        for word in ["apple", "shoes", "mike", "kestrel", "glory", "box"] {
            assert!(w.contains(word), "{word}");
        }
        // Proper nouns are not ordinary words: brand names live there.
        for word in ["velora", "corvelle", "arcturo", "nike", "gucci"] {
            assert!(!w.contains(word), "{word}");
        }
    }
}
