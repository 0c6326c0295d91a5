//! Hand-written look-alike tables.
//!
//! Unicode normalisation (NFKD) already folds styled letters (full-width,
//! mathematical, circled …) and splits accents off, but it leaves alone the
//! letters of other scripts that merely *look* Latin: Cyrillic `а`, Greek
//! `Ο`, Armenian `օ`, Cherokee `Ꭼ`. Counterfeiters use exactly those, so
//! this module holds a small skeleton table in the spirit of UTS #39
//! `confusables.txt`, restricted to characters that look like a Latin
//! letter or digit. The full UTS #39 table maps thousands of characters,
//! most of them to non-Latin targets that no mark in a Latin-script
//! registry can contain; a short, reviewed table keeps false folds (and
//! the binary) small. Beside it, the CJK radicals drawn as the Han
//! characters they stand for ([`HAN_RADICALS`]), which no text writes but
//! to look like them.
//!
//! Leet substitutions (`0` for `o`, `rn` for `m`) are context dependent — a
//! digit is only a letter inside a word — so they live in the skeleton step of
//! [`super::normalize`], not here.

/// How a character was folded, which decides the variant a match reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// A letter of another script that looks like a Latin one.
    Homoglyph,
    /// A Latin letter with a stroke, ligature or missing dot that NFKD does
    /// not decompose (`ø`, `ł`, `æ`, `ı`).
    Diacritic,
    /// A Latin small capital or similar typographic form.
    Styled,
    /// Punctuation folded to its ASCII form; no disguise implied.
    Plain,
}

/// The Latin form of a character that NFKD leaves alone, if it has one.
///
/// The input is one character of the NFKD decomposition, before lower-casing:
/// upper-case Greek and Cyrillic letters must be looked up as they are,
/// because their lower-case forms look different (Greek `Η` looks like `H`,
/// its lower case `η` like `n`).
pub(crate) fn fold(c: char) -> Option<(&'static str, Fold)> {
    use Fold::*;
    const LETTERS: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v",
        "w", "x", "y", "z",
    ];
    // Letters in white on a black circle or square, and the regional
    // indicators that flags are made of, used alone as letter emoji
    // ("🅽🅸🅺🅴", "🇳​🇮​🇰​🇪"): styles NFKD leaves alone, where it folds the
    // circled and squared letters in outline.
    for first in ['\u{1F150}', '\u{1F170}', '\u{1F1E6}'] {
        if let Some(k) = (c as u32).checked_sub(first as u32).filter(|&k| k < 26) {
            return Some((LETTERS[k as usize], Styled));
        }
    }
    if ('\u{2E80}'..='\u{2EFF}').contains(&c) {
        let at = HAN_RADICALS.binary_search_by_key(&c, |&(r, _)| r).ok()?;
        return Some((HAN_RADICALS[at].1, Homoglyph));
    }
    let r = match c {
        // Cyrillic, upper and lower case.
        'А' | 'а' => ("a", Homoglyph),
        'В' => ("b", Homoglyph),
        'Е' | 'е' => ("e", Homoglyph),
        'Ѕ' | 'ѕ' => ("s", Homoglyph),
        'І' | 'і' => ("i", Homoglyph),
        'Ј' | 'ј' => ("j", Homoglyph),
        'К' | 'к' => ("k", Homoglyph),
        'М' => ("m", Homoglyph),
        'Н' => ("h", Homoglyph),
        'О' | 'о' => ("o", Homoglyph),
        'Р' | 'р' => ("p", Homoglyph),
        'С' | 'с' => ("c", Homoglyph),
        'Т' => ("t", Homoglyph),
        'У' | 'у' | 'Ү' | 'ү' => ("y", Homoglyph),
        'Х' | 'х' => ("x", Homoglyph),
        'п' => ("n", Homoglyph),
        'Ԁ' | 'ԁ' => ("d", Homoglyph),
        'Ԛ' | 'ԛ' => ("q", Homoglyph),
        'Ԝ' | 'ԝ' => ("w", Homoglyph),
        'Һ' | 'һ' => ("h", Homoglyph),
        'Ӏ' | 'ӏ' => ("l", Homoglyph),
        'Ꙅ' | 'ꙅ' => ("s", Homoglyph),
        // Greek: capitals look like Latin capitals, a few small letters
        // like Latin small letters.
        'Α' | 'α' => ("a", Homoglyph),
        'Β' => ("b", Homoglyph),
        'Ε' => ("e", Homoglyph),
        'Ζ' => ("z", Homoglyph),
        'Η' => ("h", Homoglyph),
        'Ι' | 'ι' => ("i", Homoglyph),
        'Κ' | 'κ' => ("k", Homoglyph),
        'Μ' => ("m", Homoglyph),
        'Ν' => ("n", Homoglyph),
        'Ο' | 'ο' => ("o", Homoglyph),
        'Ρ' | 'ρ' => ("p", Homoglyph),
        'Τ' => ("t", Homoglyph),
        'Υ' => ("y", Homoglyph),
        'Χ' | 'χ' => ("x", Homoglyph),
        'ν' => ("v", Homoglyph),
        'υ' => ("u", Homoglyph),
        'γ' => ("y", Homoglyph),
        'η' => ("n", Homoglyph),
        'ω' => ("w", Homoglyph),
        'ϲ' | 'Ϲ' => ("c", Homoglyph),
        'ϳ' => ("j", Homoglyph),
        // Armenian.
        'օ' => ("o", Homoglyph),
        'ս' => ("u", Homoglyph),
        'հ' => ("h", Homoglyph),
        'ո' => ("n", Homoglyph),
        'զ' => ("q", Homoglyph),
        // Cherokee: capitals drawn as Latin capitals (UTS #39).
        'Ꭺ' => ("a", Homoglyph),
        'Ᏼ' | 'Ꮟ' => ("b", Homoglyph),
        'Ꮯ' => ("c", Homoglyph),
        'Ꭰ' | 'Ꮷ' => ("d", Homoglyph),
        'Ꭼ' => ("e", Homoglyph),
        'Ꮐ' | 'Ᏻ' => ("g", Homoglyph),
        'Ꮋ' | 'Ꮒ' => ("h", Homoglyph),
        'Ꭵ' => ("i", Homoglyph),
        'Ꭻ' => ("j", Homoglyph),
        'Ꮶ' => ("k", Homoglyph),
        'Ꮮ' => ("l", Homoglyph),
        'Ꮇ' => ("m", Homoglyph),
        'Ꮲ' => ("p", Homoglyph),
        'Ꭱ' | 'Ꮢ' => ("r", Homoglyph),
        'Ꮥ' | 'Ꮪ' => ("s", Homoglyph),
        'Ꭲ' => ("t", Homoglyph),
        'Ꮩ' => ("v", Homoglyph),
        'Ꮃ' | 'Ꮤ' => ("w", Homoglyph),
        'Ꭹ' | 'Ꮍ' => ("y", Homoglyph),
        'Ꮓ' => ("z", Homoglyph),
        // Latin letters from phonetic blocks that stand in for plain ones.
        'ɑ' => ("a", Homoglyph),
        'ɡ' => ("g", Homoglyph),
        'ɩ' => ("i", Homoglyph),
        'ȷ' => ("j", Homoglyph),
        // Latin small capitals: a typographic style, not another script.
        'ᴀ' => ("a", Styled),
        'ʙ' => ("b", Styled),
        'ᴄ' => ("c", Styled),
        'ᴅ' => ("d", Styled),
        'ᴇ' => ("e", Styled),
        'ꜰ' => ("f", Styled),
        'ɢ' => ("g", Styled),
        'ʜ' => ("h", Styled),
        'ɪ' => ("i", Styled),
        'ᴊ' => ("j", Styled),
        'ᴋ' => ("k", Styled),
        'ʟ' => ("l", Styled),
        'ᴍ' => ("m", Styled),
        'ɴ' => ("n", Styled),
        'ᴏ' => ("o", Styled),
        'ᴘ' => ("p", Styled),
        'ꞯ' => ("q", Styled),
        'ʀ' => ("r", Styled),
        'ꜱ' => ("s", Styled),
        'ᴛ' => ("t", Styled),
        'ᴜ' => ("u", Styled),
        'ᴠ' => ("v", Styled),
        'ᴡ' => ("w", Styled),
        'ʏ' => ("y", Styled),
        'ᴢ' => ("z", Styled),
        // Latin letters NFKD does not decompose.
        'Ø' | 'ø' => ("o", Diacritic),
        'Ł' | 'ł' => ("l", Diacritic),
        'Đ' | 'đ' | 'Ð' | 'ð' => ("d", Diacritic),
        'Ħ' | 'ħ' => ("h", Diacritic),
        'Ŧ' | 'ŧ' => ("t", Diacritic),
        'ı' => ("i", Diacritic),
        'ĸ' => ("k", Diacritic),
        'Æ' | 'æ' => ("ae", Diacritic),
        'Œ' | 'œ' => ("oe", Diacritic),
        'ß' | 'ẞ' => ("ss", Diacritic),
        // The estimated sign of packaging ("500g ℮"), drawn as an e
        // (UTS #39 pairs them): alone it is a letter alone, no word.
        '℮' => ("e", Homoglyph),
        // Typographic punctuation, so that "Levi’s" and "Levi's" agree.
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' => ("'", Plain),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => ("-", Plain),
        _ => return None,
    };
    Some(r)
}

/// The CJK radicals (the supplement's block, which NFKD leaves alone; the
/// Kangxi radicals it folds) and the Han character each is drawn as, from
/// UTS #39 `confusables.txt` (Unicode 18): a seller writes 卫⻰ for 卫龙,
/// and the title reads the same. Sorted, for the binary search.
const HAN_RADICALS: &[(char, &str)] = &[
    ('⺁', "厂"),
    ('⺂', "乛"),
    ('⺃', "乚"),
    ('⺅', "亻"),
    ('⺆', "冂"),
    ('⺇', "𠘨"),
    ('⺉', "刂"),
    ('⺊', "卜"),
    ('⺋', "㔾"),
    ('⺎', "兀"),
    ('⺏', "尣"),
    ('⺐', "尢"),
    ('⺑', "𡯂"),
    ('⺒', "巳"),
    ('⺓', "幺"),
    ('⺔', "彑"),
    ('⺕', "彐"),
    ('⺖', "忄"),
    ('⺗', "㣺"),
    ('⺘', "扌"),
    ('⺙', "攵"),
    ('⺛', "旡"),
    ('⺝', "月"),
    ('⺞', "歺"),
    ('⺟', "母"),
    ('⺠', "民"),
    ('⺡', "氵"),
    ('⺢', "氺"),
    ('⺣', "灬"),
    ('⺤', "爫"),
    ('⺥', "爫"),
    ('⺦', "丬"),
    ('⺨', "犭"),
    ('⺩', "王"),
    ('⺪', "𤴔"),
    ('⺫', "罒"),
    ('⺬', "示"),
    ('⺭', "礻"),
    ('⺮', "𥫗"),
    ('⺯', "糹"),
    ('⺰', "纟"),
    ('⺱', "罓"),
    ('⺲', "罒"),
    ('⺳', "㓁"),
    ('⺴', "冗"),
    ('⺵', "𦉫"),
    ('⺶', "羊"),
    ('⺷', "𦍌"),
    ('⺸', "𦍋"),
    ('⺹', "耂"),
    ('⺺', "肀"),
    ('⺻', "聿"),
    ('⺽', "𦥑"),
    ('⺾', "艹"),
    ('⺿', "艹"),
    ('⻀', "艹"),
    ('⻁', "虎"),
    ('⻂', "衤"),
    ('⻃', "覀"),
    ('⻄', "西"),
    ('⻅', "见"),
    ('⻆', "角"),
    ('⻇', "𧢲"),
    ('⻈', "讠"),
    ('⻉', "贝"),
    ('⻊', "𧾷"),
    ('⻋', "车"),
    ('⻌', "辶"),
    ('⻍', "辶"),
    ('⻎', "辶"),
    ('⻏', "阝"),
    ('⻐', "钅"),
    ('⻒', "镸"),
    ('⻓', "长"),
    ('⻔', "门"),
    ('⻕', "𨸏"),
    ('⻖', "阝"),
    ('⻘', "青"),
    ('⻙', "韦"),
    ('⻚', "页"),
    ('⻛', "风"),
    ('⻜', "飞"),
    ('⻝', "食"),
    ('⻞', "𩙿"),
    ('⻟', "飠"),
    ('⻠', "饣"),
    ('⻡', "𩠐"),
    ('⻢', "马"),
    ('⻣', "骨"),
    ('⻤', "鬼"),
    ('⻥', "鱼"),
    ('⻦', "鸟"),
    ('⻧', "卤"),
    ('⻨', "麦"),
    ('⻩', "黄"),
    ('⻪', "黾"),
    ('⻫', "斉"),
    ('⻬', "齐"),
    ('⻭', "歯"),
    ('⻮', "齿"),
    ('⻯', "竜"),
    ('⻰', "龙"),
    ('⻱', "龜"),
    ('⻲', "亀"),
    ('⻳', "龟"),
];

/// Kana and Han characters that look alike, as UTS #39 pairs them
/// (katakana カ and Han 力, "power"; エ and 工; ロ and 口; the long vowel
/// mark ー and 一, "one"), and katakana ヘ with hiragana へ: a seller
/// writes a Chinese mark with the kana ("回カ" for 回力) or a Japanese one
/// with the Han character ("力ルビー" for カルビー), and the title reads
/// the same; and Thai and Arabic-script letters that UTS #39 pairs
/// likewise ("ซ้าง" for ช้าง, "شيرين" for شیرین), and letters of the
/// scripts of India a stroke apart ("डावर" for डाबर) or of one sound
/// ("প্রান" for প্রাণ). Folding them in every
/// text would move the word boundaries that a change of script makes
/// ([`super::cjk`]), and read every Thai word with one as another, so a
/// mark is instead registered in its twins' spellings too
/// ([`twin_forms`]).
const TWINS: &[(char, char)] = &[
    ('カ', '力'),
    ('エ', '工'),
    ('ロ', '口'),
    ('ニ', '二'),
    ('ハ', '八'),
    ('タ', '夕'),
    ('ト', '卜'),
    ('ー', '一'),
    ('ヘ', 'へ'),
    ('リ', 'り'),
    // Thai letters a notch or a tail apart, as UTS #39 pairs them (not
    // ด, ต and ค, which it also pairs: each is too common a letter for a
    // swap not to spell another word).
    ('ช', 'ซ'),
    ('ข', 'ฃ'),
    ('ฎ', 'ฏ'),
    // Arabic letters and the Persian and Urdu forms of them that UTS #39
    // draws alike (yeh and Farsi yeh, kaf and keheh), and teh marbuta with
    // the heh it is drawn as with two dots more: a mark registered in one
    // is written with the other by whoever types on the other keyboard
    // ("شيرين" for شیرین), or misspelt so ("جهينه" for جهينة).
    ('ي', 'ی'),
    ('ك', 'ک'),
    ('ة', 'ه'),
    // Urdu's noon ghunna, the noon it is drawn as without its dot, which
    // Urdu search folds into it ("شاں" for شان).
    ('ں', 'ن'),
    // Letters of the scripts of India a stroke apart: Devanagari ba and
    // va ("डावर" for डाबर), and the short a and the long one that is it
    // with a stroke more, in Devanagari, Bengali and Tamil ("அச்சி" for
    // ஆச்சி).
    ('ब', 'व'),
    ('अ', 'आ'),
    ('অ', 'আ'),
    ('அ', 'ஆ'),
    // And the dental and the retroflex n of Bengali and Devanagari, one
    // sound in speech, which spelling confuses as English does doubled
    // letters ("প্রান" for প্রাণ).
    ('ন', 'ণ'),
    ('न', 'ण'),
];

/// The twin of `c` in [`TWINS`]: the character a seller writes for it.
fn twin(c: char) -> Option<char> {
    TWINS.iter().find_map(|&(a, b)| {
        if c == a {
            Some(b)
        } else if c == b {
            Some(a)
        } else {
            None
        }
    })
}

/// Whether `c`, of a pair of [`TWINS`], is of the same script as its twin
/// (Thai, Arabic, the scripts of India), rather than kana for Han or one
/// kana for the other.
pub(crate) fn twin_of_own_script(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{0DFF}' | '\u{0E00}'..='\u{0E7F}' | '\u{0600}'..='\u{06FF}')
}

/// `mark` spelt with its [`TWINS`]: each one swapped alone, each letter
/// swapped wherever the mark holds it (as the other keyboard types it:
/// "شيرين" for شیرین, its ن kept), and all at once where there are
/// several. Only for a mark of two characters or more, each spelling
/// keeping one of them as registered: a single character swapped is
/// another word.
pub(crate) fn twin_forms(mark: &str) -> Vec<String> {
    let chars: Vec<char> = mark.chars().collect();
    let at: Vec<usize> = (0..chars.len()).filter(|&i| twin(chars[i]).is_some()).collect();
    let letters = chars.iter().filter(|c| c.is_alphanumeric()).count();
    if at.is_empty() || letters < 2 {
        return Vec::new();
    }
    let swapped = |which: &[usize]| -> String {
        (chars.iter().enumerate())
            .map(|(i, &c)| if which.contains(&i) { twin(c).unwrap_or(c) } else { c })
            .collect()
    };
    let mut forms: Vec<String> = at.iter().map(|&i| swapped(&[i])).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in &at {
        match groups.iter_mut().find(|g| chars[g[0]] == chars[i]) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.retain(|g| g.len() > 1 && g.len() < at.len());
    forms.extend(groups.iter().map(|g| swapped(g)));
    if at.len() > 1 && at.len() < letters {
        forms.push(swapped(&at));
    }
    forms
}

/// Characters that render as nothing (or nearly) and are dropped before
/// matching: zero-width spaces and joiners, soft hyphens, bidi controls,
/// variation selectors; and the Arabic tatweel (ـ), which only stretches
/// the line between two joined letters ("الربـــيع" is الربيع drawn
/// wide). Inside a word they split a mark without a letter, so a match
/// across one is reported as spaced.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0640}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Symbols that stand for letters when written inside a word ("Ch@nel",
/// "N!ke", "Ve|ora", "V€rsace", "N¥X", "£ay's", "฿enefit"), and the asterisk that masks one ("G*cci",
/// "Ch*nel": no letter is read for it, so the mark is a letter replaced
/// away, which the typo pass finds). At the edge of a word they are
/// punctuation ("*NEW*").
pub(crate) const fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!' | '|' | '€' | '¢' | '¥' | '£' | '฿' | MASK)
}

/// The symbol a seller masks a letter of a mark with, as words are
/// censored.
pub(crate) const MASK: char = '*';

/// The letter a digit or symbol stands for inside a word.
///
/// `1` and `|` could be `i` or `l` (and `£` is an `l`); the skeleton folds
/// `l` to `i` anyway (they are confused in many fonts: "Nlke"), so one
/// answer serves both.
pub(crate) fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' | '£' => 'i',
        '3' | '€' => 'e',
        '¢' => 'c',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' | '฿' => 'b',
        '¥' => 'y',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_han_radical_folds_to_the_character_it_is_drawn_as() {
        assert!(HAN_RADICALS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        assert_eq!(fold('⻰'), Some(("龙", Fold::Homoglyph)));
        assert_eq!(fold('⻢'), Some(("马", Fold::Homoglyph)));
        assert_eq!(fold('龙'), None);
        assert_eq!(fold('\u{2E84}'), None, "a radical UTS #39 draws as no character");
    }

    #[test]
    fn greek_capitals_fold_by_shape_not_by_case() {
        assert_eq!(fold('Η'), Some(("h", Fold::Homoglyph)));
        assert_eq!(fold('η'), Some(("n", Fold::Homoglyph)));
        assert_eq!(fold('Ν'), Some(("n", Fold::Homoglyph)));
        assert_eq!(fold('ν'), Some(("v", Fold::Homoglyph)));
    }

    #[test]
    fn cherokee_capitals_fold_to_the_latin_they_draw() {
        assert_eq!(fold('Ꭼ'), Some(("e", Fold::Homoglyph)));
        assert_eq!(fold('Ꮯ'), Some(("c", Fold::Homoglyph)));
        assert_eq!(fold('Ꮞ'), None, "a Cherokee letter drawn as a digit");
    }

    #[test]
    fn letter_emoji_fold_to_their_letters() {
        for (text, want) in [("🅽🅸🅺🅴", "nike"), ("🅝🅘🅚🅔", "nike"), ("🇳🇮🇰🇪", "nike"), ("🅰🆉", "az")]
        {
            let got: String = text.chars().filter_map(fold).map(|(s, _)| s).collect();
            assert_eq!(got, want, "{text}");
        }
        // The blocks' neighbours are not letters.
        for c in ['\u{1F14F}', '\u{1F16A}', '\u{1F18A}', '\u{1F1E5}'] {
            assert_eq!(fold(c), None, "{c}");
        }
    }

    #[test]
    fn a_mark_is_spelt_with_its_look_alikes_of_the_other_script() {
        assert_eq!(twin_forms("回力"), ["回カ"]);
        // Each alone, and all at once.
        assert_eq!(twin_forms("カルビー"), ["力ルビー", "カルビ一", "力ルビ一"]);
        // A letter the mark holds twice swapped in both places too.
        assert_eq!(twin_forms("شیرین"), ["شيرین", "شیرين", "شیریں", "شيرين", "شيريں"]);
        // Never every character: a single one swapped is another word,
        // and so are two of two.
        assert_eq!(twin_forms("エロ"), ["工ロ", "エ口"]);
        assert!(twin_forms("力").is_empty());
        assert!(twin_forms("ナイキ").is_empty() && twin_forms("Nike").is_empty());
    }

    #[test]
    fn latin_letters_are_not_folded() {
        for c in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
            assert_eq!(fold(c), None, "{c}");
        }
    }

    #[test]
    fn leet_covers_the_documented_set() {
        let got: String = "013457 8@$!|€¢¥£฿".chars().filter_map(leet).collect();
        assert_eq!(got, "oieastbasiiecyib");
        assert_eq!(leet('2'), None);
    }
}
