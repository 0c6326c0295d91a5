//! What a listing sells, read from its title when its category does not say.
//!
//! A mark counts for the goods its Nice classes cover, and the scorer asks
//! the listing's category which goods those are (the site profile maps
//! categories to classes). Many listings come without one: a profile with
//! no category selector, a feed, a labelled file of bare titles. Then the
//! title still names the goods, almost always as a common noun ("Vans old
//! skool *sneakers*", "Tiffany *lamp* stained glass", "Canada goose
//! *decoy*"), and that noun says whether a mark that is also an ordinary
//! word is used for the brand's goods or in its ordinary sense.
//!
//! Only the head of a title is read: the words before the first that
//! introduces other goods ("with", "for", "compatible", "fits"; not "fit",
//! which is mostly a cut: "slim fit jeans"), since
//! "Valentina doll with dress" sells a doll and "case for Samsung phone" a
//! case. The nouns are everyday names of goods, each with the classes of
//! the Nice classification that hold it (11th edition); a noun whose goods
//! fall in several classes ("drill": power tools 7, hand tools 8) lists
//! them all, and nouns too vague to place ("case", "set", "top", "board")
//! are left out, so a title names no goods rather than the wrong ones.
//!
//! The category, where the profile maps it, decides; the title is asked
//! only where it does not (`Scorer::score_mark`). A category the profile
//! does not map is read with these nouns too ("Phones &
//! Telecommunications"), but only to say it is of the mark's goods.
//! The matcher asks it too, whether a word glued to a short mark names
//! goods ("ugg*boots*"): a reading of the text, so it lives here.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::words::folded;

/// Everyday nouns for goods, in the singular, sorted, and their Nice
/// classes. Foods and drinks as they are sold packed are among them;
/// not those that as often name a tool or another thing ("rice" cooker,
/// "bread" maker, "jam", "oil", "cream", "chips").
const GOODS: &[(&str, &[u16])] = &[
    ("anklet", &[14]),
    ("apron", &[25]),
    ("art", &[16]),
    ("backpack", &[18]),
    ("bacon", &[29]),
    ("bag", &[18]),
    ("ball", &[28]),
    ("bangle", &[14]),
    ("basketball", &[28]),
    ("beanie", &[25]),
    ("bedding", &[24]),
    ("beer", &[32]),
    ("belt", &[25]),
    ("bench", &[20]),
    ("bicycle", &[12]),
    ("bike", &[12]),
    ("bikini", &[25]),
    ("biscuit", &[30]),
    ("blanket", &[24]),
    ("blazer", &[25]),
    ("blender", &[7]),
    ("blouse", &[25]),
    ("blush", &[3]),
    ("book", &[16]),
    ("boot", &[25]),
    ("bottle", &[21]),
    ("bowl", &[21]),
    ("bra", &[25]),
    ("bracelet", &[14]),
    ("briefcase", &[18]),
    ("brooch", &[14]),
    ("cabinet", &[20]),
    ("calculator", &[9]),
    ("calendar", &[16]),
    ("camera", &[9]),
    ("candle", &[4]),
    ("candy", &[30]),
    ("cap", &[25]),
    ("cardigan", &[25]),
    ("carpet", &[27]),
    ("cereal", &[30]),
    ("chair", &[20]),
    ("charger", &[9]),
    ("cheese", &[29]),
    ("chocolate", &[30]),
    ("chronograph", &[14]),
    ("cigar", &[34]),
    ("cleanser", &[3]),
    ("clog", &[25]),
    ("clutch", &[18]),
    ("coat", &[25]),
    ("coffee", &[30]),
    ("cologne", &[3]),
    ("comb", &[21]),
    ("concealer", &[3]),
    ("console", &[9]),
    ("controller", &[9]),
    ("cookie", &[30]),
    ("costume", &[25]),
    ("cream", &[3]),
    ("cufflink", &[14]),
    ("cup", &[21]),
    ("curtain", &[24]),
    ("cushion", &[20]),
    ("decal", &[16]),
    ("decoy", &[28]),
    ("deodorant", &[3]),
    ("doll", &[28]),
    ("doormat", &[27]),
    ("dress", &[25]),
    ("drill", &[7, 8]),
    ("drone", &[9]),
    ("dryer", &[11]),
    ("dumbbell", &[28]),
    ("duvet", &[24]),
    ("earbud", &[9]),
    ("earphone", &[9]),
    ("earring", &[14]),
    ("eyeliner", &[3]),
    ("eyeshadow", &[3]),
    ("figurine", &[20]),
    ("flashlight", &[11]),
    ("flask", &[21]),
    ("fleece", &[25]),
    ("flour", &[30]),
    ("football", &[28]),
    ("fragrance", &[3]),
    ("ghee", &[29]),
    ("glasses", &[9]),
    ("glove", &[25]),
    ("goggles", &[9]),
    ("granola", &[30]),
    ("guide", &[16]),
    ("guidebook", &[16]),
    ("guitar", &[15]),
    ("hairband", &[26]),
    ("hammer", &[8]),
    ("handbag", &[18]),
    ("hat", &[25]),
    // Headbands of clothing (sweatbands) are in 25, hair bands in 26.
    ("headband", &[25, 26]),
    ("headphone", &[9]),
    ("headset", &[9]),
    ("heater", &[11]),
    ("heel", &[25]),
    ("helmet", &[9]),
    ("honey", &[30]),
    ("hoodie", &[25]),
    ("hoody", &[25]),
    ("jacket", &[25]),
    ("jeans", &[25]),
    ("jersey", &[25]),
    ("jewellery", &[14]),
    ("jewelry", &[14]),
    ("jogger", &[25]),
    ("juice", &[32]),
    ("jumper", &[25]),
    ("ketchup", &[30]),
    ("kettle", &[11]),
    ("keyboard", &[9]),
    ("keychain", &[14, 26]),
    ("keyring", &[14, 26]),
    ("kite", &[28]),
    ("knife", &[8]),
    ("lamp", &[11]),
    ("laptop", &[9]),
    ("leash", &[18]),
    ("leggings", &[25]),
    ("lemonade", &[32]),
    ("lighter", &[34]),
    ("lingerie", &[25]),
    ("lipstick", &[3]),
    ("loafer", &[25]),
    ("lotion", &[3]),
    ("luggage", &[18]),
    ("lunchbox", &[21]),
    ("magazine", &[16]),
    ("makeup", &[3]),
    ("masala", &[30]),
    ("mascara", &[3]),
    ("mattress", &[20]),
    ("mayonnaise", &[30]),
    ("microphone", &[9]),
    ("milk", &[29]),
    ("moisturiser", &[3]),
    ("moisturizer", &[3]),
    ("monitor", &[9]),
    ("mouse", &[9]),
    ("muesli", &[30]),
    ("mug", &[21]),
    ("necklace", &[14]),
    ("noodle", &[30]),
    ("notebook", &[16]),
    ("painting", &[16]),
    ("pajamas", &[25]),
    ("pan", &[21]),
    ("pants", &[25]),
    ("parka", &[25]),
    ("pasta", &[30]),
    ("patch", &[26]),
    ("pen", &[16]),
    ("pencil", &[16]),
    ("pendant", &[14]),
    ("perfume", &[3]),
    ("phone", &[9]),
    ("piano", &[15]),
    ("pillow", &[20]),
    ("pillowcase", &[24]),
    ("plate", &[21]),
    ("plush", &[28]),
    ("plushie", &[28]),
    ("polo", &[25]),
    ("poncho", &[25]),
    ("postcard", &[16]),
    ("poster", &[16]),
    ("pouch", &[18]),
    ("pretzel", &[30]),
    ("printer", &[9]),
    ("projector", &[9]),
    ("purse", &[18]),
    ("puzzle", &[28]),
    ("pyjamas", &[25]),
    ("quilt", &[24]),
    ("racket", &[28]),
    ("racquet", &[28]),
    ("raincoat", &[25]),
    ("razor", &[8]),
    ("ring", &[14]),
    ("router", &[9]),
    ("rucksack", &[18]),
    ("rug", &[27]),
    ("salami", &[29]),
    ("sandal", &[25]),
    ("sardine", &[29]),
    ("satchel", &[18]),
    ("sauce", &[30]),
    ("sausage", &[29]),
    ("saw", &[7, 8]),
    ("scarf", &[25]),
    ("scissors", &[8]),
    ("scooter", &[12, 28]),
    ("screwdriver", &[8]),
    ("scrunchie", &[26]),
    ("seasoning", &[30]),
    ("serum", &[3]),
    ("shampoo", &[3]),
    ("shirt", &[25]),
    ("shoe", &[25]),
    ("shorts", &[25]),
    ("skateboard", &[28]),
    ("skirt", &[25]),
    ("slide", &[25]),
    ("slipper", &[25]),
    ("smartphone", &[9]),
    ("smartwatch", &[9, 14]),
    ("smoothie", &[32]),
    ("sneaker", &[25]),
    ("snowboard", &[28]),
    ("soap", &[3]),
    ("sock", &[25]),
    ("soda", &[32]),
    ("sofa", &[20]),
    ("speaker", &[9]),
    ("spice", &[30]),
    ("statue", &[6, 19, 20]),
    ("sticker", &[16]),
    ("stool", &[20]),
    ("stroller", &[12]),
    ("suit", &[25]),
    ("suitcase", &[18]),
    ("sunglasses", &[9]),
    ("surfboard", &[28]),
    ("sweater", &[25]),
    ("sweatshirt", &[25]),
    ("swimsuit", &[25]),
    ("tablecloth", &[24]),
    ("tablet", &[9]),
    ("tea", &[30]),
    ("teapot", &[21]),
    ("tee", &[25]),
    ("television", &[9]),
    ("tent", &[22]),
    ("thermos", &[21]),
    ("tie", &[25]),
    ("tights", &[25]),
    ("tofu", &[29]),
    ("toothbrush", &[21]),
    ("torch", &[8, 11]),
    ("tote", &[18]),
    ("towel", &[24]),
    ("toy", &[28]),
    ("tracksuit", &[25]),
    ("train", &[12, 28]),
    ("trainer", &[25]),
    ("trousers", &[25]),
    ("tshirt", &[25]),
    ("tumbler", &[21]),
    ("tv", &[9]),
    ("ukulele", &[15]),
    ("umbrella", &[18]),
    ("underwear", &[25]),
    ("vacuum", &[7]),
    ("vase", &[21]),
    ("vest", &[25]),
    ("vinegar", &[30]),
    ("violin", &[15]),
    ("wafer", &[30]),
    ("wallet", &[18]),
    ("wallpaper", &[27]),
    ("watch", &[14]),
    ("wig", &[26]),
    ("windbreaker", &[25]),
    ("wrench", &[8]),
    ("wristwatch", &[14]),
    ("yoghurt", &[29]),
    ("yogurt", &[29]),
];

/// Nouns for goods in the scripts written without spaces between words
/// (Chinese, Japanese) and in Korean, whose words take particles: found
/// anywhere in a title, glued or not ("ユニクロシャツ", "삼성의 정품
/// 충전기"). Only nouns of two characters or more, none of them a common
/// part of other words.
const GOODS_GLUED: &[(&str, &[u16])] = &[
    // Chinese.
    ("运动鞋", &[25]),
    ("衬衫", &[25]),
    ("外套", &[25]),
    ("手表", &[14]),
    ("手机", &[9]),
    ("耳机", &[9]),
    ("钱包", &[18]),
    ("项链", &[14]),
    ("戒指", &[14]),
    ("背包", &[18]),
    // Chinese and Japanese.
    ("香水", &[3]),
    ("帽子", &[25]),
    ("充電器", &[9]),
    ("充电器", &[9]),
    // Japanese.
    ("シャツ", &[25]),
    ("ジャケット", &[25]),
    ("スニーカー", &[25]),
    ("パーカー", &[25]),
    ("バッグ", &[18]),
    ("財布", &[18]),
    ("時計", &[14]),
    ("イヤホン", &[9]),
    ("ネックレス", &[14]),
    // Korean.
    ("충전기", &[9]),
    ("이어폰", &[9]),
    ("운동화", &[25]),
    ("신발", &[25]),
    ("가방", &[18]),
    ("지갑", &[18]),
    ("시계", &[14]),
    ("티셔츠", &[25]),
    ("모자", &[25]),
    ("목걸이", &[14]),
    ("향수", &[3]),
];

/// The same nouns in the languages of other marketplaces (Spanish,
/// Portuguese, French, German, Italian, Dutch, Polish, Turkish,
/// Indonesian, Vietnamese, Russian, Arabic, Hindi), singular and plural,
/// one a line: the word, its classes, the English noun it translates.
/// None of them is an English word (a test holds it): "robe" or "sac"
/// would read an English title otherwise than its writer meant.
const EMBEDDED_GOODS_ABROAD: &str = include_str!("../../config/words/goods-abroad.tsv");

/// [`EMBEDDED_GOODS_ABROAD`], each noun as the matcher folds a listing's
/// text (accents dropped: sellers write "ayakkabi" for "ayakkabı" as
/// often as not), with its classes; a noun two languages share takes the
/// classes of both.
fn goods_abroad() -> &'static HashMap<String, Vec<u16>> {
    static ABROAD: OnceLock<HashMap<String, Vec<u16>>> = OnceLock::new();
    ABROAD.get_or_init(|| {
        let mut abroad: HashMap<String, Vec<u16>> = HashMap::new();
        for line in EMBEDDED_GOODS_ABROAD.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let (Some(word), Some(classes)) = (fields.next(), fields.next()) else {
                continue;
            };
            let word = folded(word.trim());
            // Shorter folded forms are parts of too many other words.
            if word.chars().count() < 3 {
                continue;
            }
            let of = abroad.entry(word).or_default();
            of.extend(classes.split(',').filter_map(|c| c.trim().parse::<u16>().ok()));
            of.sort_unstable();
            of.dedup();
        }
        abroad
    })
}

/// Words that begin a clause naming other goods than the listing's own.
const OTHER_GOODS: &[&str] = &["compatible", "fits", "for", "with"];

/// The Nice classes of `word` (any case), singular or plural, if it is
/// one of [`GOODS`].
pub(crate) fn classes_of(word: &str) -> Option<&'static [u16]> {
    let lower = word.to_lowercase();
    let find = |w: &str| GOODS.binary_search_by(|(g, _)| (*g).cmp(w)).ok().map(|i| GOODS[i].1);
    find(&lower)
        .or_else(|| lower.strip_suffix("es").and_then(find))
        .or_else(|| lower.strip_suffix('s').and_then(find))
        .or_else(|| goods_abroad().get(&folded(&lower)).map(Vec::as_slice))
}

/// Whether `word` (any case, singular or plural) names goods: what the
/// text stage asks of a word glued to a short mark ("ugg*boots*").
pub fn is_goods(word: &str) -> bool {
    classes_of(word).is_some()
}

/// The goods `title` names before any clause about other goods: each noun
/// as written, with its classes.
fn named(title: &str) -> impl Iterator<Item = (&str, &'static [u16])> {
    let spaced = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take_while(|w| !OTHER_GOODS.iter().any(|o| w.eq_ignore_ascii_case(o)))
        .filter_map(|w| classes_of(w).map(|c| (w, c)));
    // Most titles are ASCII, and hold none of these.
    let glued = if title.is_ascii() { &[][..] } else { GOODS_GLUED };
    let glued = glued
        .iter()
        .filter_map(move |&(noun, classes)| title.find(noun).map(|at| (&title[at..at + noun.len()], classes)));
    spaced.chain(glued)
}

/// Whether the goods `title` names are of one of `classes`: `Some(true)`
/// with the first noun that is, `Some(false)` with the first noun when
/// none is, `None` when it names none.
pub fn fit<'t>(title: &'t str, classes: &[u16]) -> Option<(bool, &'t str)> {
    let mut first = None;
    for (word, of) in named(title) {
        if of.iter().any(|c| classes.contains(c)) {
            return Some((true, word));
        }
        first.get_or_insert(word);
    }
    first.map(|w| (false, w))
}

/// [`fit`] over what is glued to a mark inside one word of `text`, the
/// mark at bytes `start..end` ("nike*shoes*", "*rolex*watch"): sellers glue
/// the goods to the brand as often as they write them apart.
pub fn fit_glued<'t>(text: &'t str, (start, end): (usize, usize), classes: &[u16]) -> Option<(bool, &'t str)> {
    let (before, after) = (text.get(..start)?, text.get(end..)?);
    let from = before.trim_end_matches(char::is_alphanumeric).len();
    let to = end + (after.len() - after.trim_start_matches(char::is_alphanumeric).len());
    fit(&text[end..to], classes).or_else(|| fit(&text[from..start], classes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goods_are_sorted_for_the_search() {
        assert!(GOODS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(GOODS_GLUED.iter().all(|(g, _)| g.chars().count() >= 2 && !g.is_ascii()));
        assert!(GOODS
            .iter()
            .all(|(_, c)| !c.is_empty() && c.iter().all(|&c| (1..=45).contains(&c))));
    }

    #[test]
    fn a_title_names_its_goods() {
        assert_eq!(fit("Vans old skool SNEAKERS black", &[25]), Some((true, "SNEAKERS")));
        assert_eq!(fit("Omega seamaster watches", &[14]), Some((true, "watches")));
        assert_eq!(fit("Coach tabby shoulder bag", &[18]), Some((true, "bag")));
        assert_eq!(fit("Tiffany lamp stained glass", &[14]), Some((false, "lamp")));
        assert_eq!(fit("Puma t-shirt, plush toy", &[25, 28]), Some((true, "shirt")));
        assert_eq!(fit("apple juice 1l", &[9]), Some((false, "juice")));
        assert_eq!(fit("Omega 3 fish oil", &[14]), None);
        assert_eq!(fit("Levi's 501 original fit jeans", &[25]), Some((true, "jeans")));
        // Goods beyond clothes and gadgets: the arts, music, tools, the home.
        assert_eq!(fit("Timberlane cabin wall art", &[25]), Some((false, "art")));
        assert_eq!(fit("wooden choo choo train", &[25]), Some((false, "train")));
        assert_eq!(fit("acoustic guitars", &[15]), Some((true, "guitars")));
        assert_eq!(fit("islands travel guide", &[25, 28]), Some((false, "guide")));
        // Food as it is sold packed: the classes of foods and drinks.
        assert_eq!(fit("instant noodles chicken 5 pack", &[30]), Some((true, "noodles")));
        assert_eq!(fit("UHT milk 1l x 12", &[29]), Some((true, "milk")));
        assert_eq!(fit("garam masala 100g", &[25]), Some((false, "masala")));
        assert_eq!(fit("craft beer gift box", &[32]), Some((true, "beer")));
    }

    #[test]
    fn goods_glued_in_scripts_without_spaces_are_found() {
        assert_eq!(fit("メンズユニクロダウンジャケット", &[25]), Some((true, "ジャケット")));
        assert_eq!(fit("삼성의 정품 충전기", &[9]), Some((true, "충전기")));
        assert_eq!(fit("삼성의 정품 충전기", &[25]), Some((false, "충전기")));
        assert_eq!(fit("정품삼성 갤럭시 케이스", &[9]), None);
    }

    #[test]
    fn goods_glued_to_the_mark_are_read() {
        assert_eq!(fit_glued("nikeshoes running", (0, 4), &[25]), Some((true, "shoes")));
        assert_eq!(fit_glued("new goldrolexwatch", (8, 13), &[14]), Some((true, "watch")));
        assert_eq!(fit_glued("new mugrolex", (7, 12), &[14]), Some((false, "mug")));
        assert_eq!(fit_glued("nike shoes", (0, 4), &[25]), None, "not glued");
        assert_eq!(fit_glued("nike", (0, 9), &[25]), None);
    }

    #[test]
    fn goods_named_in_other_languages_are_read() {
        assert_eq!(fit("Zapatillas deportivas hombre", &[25]), Some((true, "Zapatillas")));
        assert_eq!(fit("Damen Handtasche Leder", &[18]), Some((true, "Handtasche")));
        // As sellers write them: without their accents.
        assert_eq!(fit("kadin ayakkabi beyaz", &[18]), Some((false, "ayakkabi")));
        assert_eq!(fit("Кроссовки мужские", &[25]), Some((true, "Кроссовки")));
        assert_eq!(fit("नीम साबुन 125 ग्राम", &[3]), Some((true, "साबुन")));
    }

    #[test]
    fn no_noun_abroad_is_an_english_word() {
        let english = super::super::words::WordList::new(super::super::embedded_words());
        let clashes: Vec<&String> = goods_abroad().keys().filter(|w| english.contains(w)).collect();
        assert!(clashes.is_empty(), "{clashes:?}");
        assert!(goods_abroad().len() > 1_000, "{}", goods_abroad().len());
        assert!(goods_abroad()
            .values()
            .all(|c| !c.is_empty() && c.iter().all(|&c| (1..=45).contains(&c))));
    }

    #[test]
    fn goods_after_a_clause_word_are_others() {
        assert_eq!(fit("Valentina doll with dress", &[25]), Some((false, "doll")));
        assert_eq!(fit("clear case for Apple phone", &[9]), None);
        assert_eq!(fit("strap compatible with Garmin watch", &[14]), None);
    }
}
