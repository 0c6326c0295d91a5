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
//! kana script there is no boundary, so a mark of katakana glued to more
//! katakana is not read as a word.

use std::sync::OnceLock;

use jieba_rs::Jieba;

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

/// The segmenter, its dictionary loaded on first use (0.2–0.3 s and about
/// 50 MB): only a mark of Han characters found with more beside it asks.
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
