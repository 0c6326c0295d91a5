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
//! A mark in Hangul spaced out ("설 화 수") is spaced by syllables, each of
//! which folds to two or three letters: the matcher's pass over runs of
//! single letters reads a syllable written alone as one letter, and a run
//! of two or more as a word spaced out (`one_syllable` in the matcher).

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

/// Honest-reference phrases that Chinese writes just before the mark,
/// glued to it as every word is ("适用于回力帆布鞋的替换鞋带": laces suitable
/// for Warrior canvas shoes), where the matcher's phrases, read word by
/// word, see one word. Longest first, so the most specific is named.
const NOMINATIVE_BEFORE: &[&str] = &["适用于", "兼容", "适用", "适合", "用于"];

/// The Chinese honest-reference phrase (see [`NOMINATIVE_BEFORE`]) that
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
    let in_hangul = mark.chars().any(hangul);
    if in_hangul && mark.chars().filter(|&c| leading_consonant(c)).count() >= LONG_HANGUL {
        return Some(true);
    }
    if mark.chars().all(katakana) && mark.chars().count() >= LONG_KATAKANA {
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

/// The fewest kana of a mark in katakana read glued anywhere in its
/// script, the long vowel mark counted (see [`cjk_glue`]).
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
    words.iter().map(|w| super::normalize::Doc::new(w).skel).collect()
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
