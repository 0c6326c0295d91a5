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
//!
//! Korean spaces its words, but a noun takes its particle unspaced
//! ("삼성의": Samsung's), and folding writes each syllable as its letters
//! (jamo), so a mark of two syllables looked six letters long and was
//! accepted glued anywhere: in 인삼성분 (ginseng extract) and 삼성동 (a
//! district of Seoul). A mark in Hangul glued to more Hangul is now
//! read only before a particle ([`hangul_glue`]).

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

/// For a mark written in Hangul glued to the text around it (`before`
/// and `after`, as folded), whether that is believable: only where no
/// Hangul touches it but a particle after it ("삼성의", "삼성은"). `None`
/// for a mark in another script.
pub(crate) fn hangul_glue(mark: &str, before: &str, after: &str) -> Option<bool> {
    if !mark.chars().any(hangul) {
        return None;
    }
    let before_ok = before.chars().next_back().is_none_or(|c| !hangul(c));
    let after_ok = after.chars().next().is_none_or(|c| !hangul(c)) || particles().iter().any(|p| p == after);
    Some(before_ok && after_ok)
}

fn hangul(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7FF}')
}

/// Korean particles that follow a noun unspaced, as folding writes them
/// (letters, not syllables).
fn particles() -> &'static [String] {
    static PARTICLES: OnceLock<Vec<String>> = OnceLock::new();
    PARTICLES.get_or_init(|| {
        [
            "의", "은", "는", "이", "가", "을", "를", "에", "와", "과", "도", "로", "으로", "에서", "에게", "만",
            "까지", "부터", "처럼", "하고", "랑", "이랑", "용",
        ]
        .iter()
        .map(|p| super::normalize::Doc::new(p).skel)
        .collect()
    })
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

    #[test]
    fn a_hangul_mark_glued_only_before_a_particle() {
        let fold = |t: &str| super::super::normalize::Doc::new(t).skel;
        let mark = fold("삼성");
        assert_eq!(hangul_glue(&mark, "", &fold("의")), Some(true));
        assert_eq!(hangul_glue(&mark, "", "s24"), Some(true));
        assert_eq!(hangul_glue(&mark, &fold("인"), &fold("분")), Some(false));
        assert_eq!(hangul_glue(&mark, "", &fold("동")), Some(false));
        assert_eq!(hangul_glue("velora", "", "shoes"), None);
    }
}
