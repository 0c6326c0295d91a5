//! The dictionary of ordinary words.
//!
//! The matcher asks it two questions: is a near miss ("mike" for a mark
//! "Nike") or the mark itself ("Kestrel") an ordinary word, which the scorer
//! must know before it accuses anyone, and is the rest of a glued token
//! ("velora*shoes*") a word, which makes the glued match believable.
//!
//! The list is held as one string and a sorted table of spans: about half the
//! memory of a `HashSet<String>` for 60k words. Lookups go through an
//! open-addressing table of the words' 64-bit hashes (8 bytes a slot, half
//! full): a binary search would touch a dozen cache lines a lookup, and the
//! matcher asks about every word it reports. A lookup reads one cache line
//! and compares the hash, not the word: going on to the word's span and
//! its bytes cost two more cache misses, and the table being bigger than
//! the cache, each was a third of the time. Two words sharing a 64-bit hash
//! are as unlikely as two sharing a word key, which the matcher's tables
//! already take for the same word.

/// A sorted, de-duplicated set of lower-case words.
#[derive(Debug, Default)]
pub(crate) struct WordList {
    buf: String,
    spans: Vec<(u32, u32)>,
    /// Hash table of the words' hashes ([`slot_hash`]), 0 for an empty
    /// slot; its length is a power of two at least twice the number of
    /// words.
    slots: Vec<u64>,
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
            slots: vec![0; (all.len() * 2).next_power_of_two().max(2)],
        };
        let mask = list.slots.len() - 1;
        for w in &all {
            let start = list.buf.len() as u32;
            list.buf.push_str(w);
            list.spans.push((start, list.buf.len() as u32));
            let h = slot_hash(w.as_bytes());
            let mut at = h as usize & mask;
            while list.slots[at] != 0 && list.slots[at] != h {
                at = (at + 1) & mask;
            }
            list.slots[at] = h;
        }
        list
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        let Some(mask) = self.slots.len().checked_sub(1) else {
            return false;
        };
        let h = slot_hash(word.as_bytes());
        let mut at = h as usize & mask;
        loop {
            match self.slots[at] {
                0 => return false,
                x if x == h => return true,
                _ => at = (at + 1) & mask,
            }
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(s, e)| &self.buf[s as usize..e as usize])
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity()
            + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.slots.capacity() * std::mem::size_of::<u64>()
    }
}

/// [`hash`], never 0 (an empty slot).
fn slot_hash(bytes: &[u8]) -> u64 {
    hash(bytes).max(1)
}

/// A fast, well-spread hash of a short byte string (words are short; this
/// takes them eight bytes at a time).
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
