//! The text stage: finds registered word marks in a listing's text, however
//! they are disguised, and the words around them that matter.
//!
//! Sellers of counterfeits know that brand owners search for their marks, so
//! they write them so that a person still reads the brand but a naive search
//! does not: `Ｖｅｌｏｒａ` (full-width), `Vеlora` (a Cyrillic `е`), `V3l0ra`,
//! `V-E-L-O-R-A`, `velorashoes`, `Vellora`. The matcher undoes each trick and
//! says which one it was ([`VariantKind`]), because a reviewer judges a
//! disguise differently from an honest mention.
//!
//! # How
//!
//! The text is first *folded* ([`normalize`]): NFKD undoes styles and splits
//! accents off, look-alike letters of other scripts are read as the Latin
//! letter they imitate ([`confusables`]), Han in its traditional form as
//! the simplified ([`cjk::simplified`]), everything is lower-cased, and each
//! word is written as a *skeleton* in which leet is undone (`0`→`o`, `1`→`i`,
//! `rn`→`m`; two bars that end a word, "Bu||", are its last letters, where
//! one is punctuation; a letter drawn with strokes, `|\/|` or `/\/\`, is
//! that letter) and `l` and `i` are one letter; a letter masked with
//! `*` ("G*cci"), as words are censored, is kept as a letter no mark has, one
//! edit from the mark, which pass 3 finds. Every folded byte remembers the
//! original bytes it came from, so a match is always reported as a span of
//! the listing's own text. Marks are folded the same way when the matcher is
//! built, so a mark and its disguises have the same skeleton.
//!
//! Then three passes, each linear in the text:
//!
//! 1. One Aho-Corasick automaton (leftmost-longest) holding every mark's
//!    skeleton — and, for marks of several words, the skeleton with the
//!    spaces removed — runs over the text's skeleton. A hit on word
//!    boundaries is the mark, possibly styled, accented, look-alike or leet
//!    (told apart by comparing the folded letters with the mark's); a hit
//!    inside a longer word is a *glued* mark ("velorashoes"), accepted only
//!    where that is believable (see below).
//! 2. Runs of single letters ("V E L O R A", "V.E.L.O.R.A", and two
//!    initials joined by a full stop, "L.V.") are squashed
//!    into one word and run through the same automaton, alone and among
//!    the words beside them, for a mark of several words one of which was
//!    spaced out ("Fruit of the L o o m"); so are two or three
//!    neighbouring words that a one-word mark was split into ("Gu cci",
//!    "N ike", "Rol.ex", "Bal en ciaga"), and up to five that the words of
//!    a mark of several were split into anew ("Hel ly Han sen"), where one
//!    piece is a word of two letters or more that no dictionary holds
//!    ("bright well" stays a phrase). A run of four single letters or more
//!    that spells no mark whole is looked up as one word in pass 3 ("G u c
//!    i", for a mark of five letters or more).
//! 3. Misspellings: each word (and, for marks of several words, each run of
//!    that many words) is looked up in a deletion index ([`typo`]) that
//!    proposes the marks within one edit — two for marks of
//!    [`TWO_EDITS`] letters or more — and the proposal is verified with the
//!    optimal-string-alignment distance. A sound spelt otherwise ("Ralph
//!    Loren", "Ribok", "Roleks": a run of vowels, or "ph" for "f", "ks"
//!    for "x") counts as one edit, where the edits counted are more, as
//!    is a doubling moved ("Gabanna"). A word in no dictionary in which
//!    nothing else was found is also cut in two, a dictionary word (or a
//!    number) glued at one end and a rest, and the rest looked up as a word
//!    alone: a misspelt mark glued ("nikkeshoes"); not in a word that reads
//!    whole as dictionary words. Such a word is cut between the two
//!    letters of an `m` or `w` the skeleton merged from `rn` or `vv` too,
//!    where a mark ends and the glue begins ("cartiernecklace"). Cost per
//!    word does not grow with the number of marks.
//!
//! Overlapping hits of one mark are merged, keeping the most similar. A
//! mark of three words or more that begins with an article ("The North
//! Face") is matched without it as well, one of two names joined by "&"
//! or "and" with the other ("Dolce and Gabbana", "Marks & Spencer"), one
//! of several words with its numbers in words or digits ("Seven For All
//! Mankind", "Forever Twenty-One") and its abbreviations written out or
//! abbreviated ("Warner Brothers", "Yves St Laurent"), and one with a
//! possessive without its apostrophe ("Trader Joes"), and one whose last
//! word is a plural in "-ies" in the singular ("Hush Puppy")
//! ([`forms_of`]); a match inside a longer match of the same mark is
//! dropped.
//!
//! # Rules that keep false hits down
//!
//! These are general rules on the shape of a mark, not tuned to any list:
//!
//! - A mark of fewer than [`SHORT`] letters is matched only as a whole
//!   word (folded, leet or spaced): almost every such string is one edit
//!   from a word, or inside one. The glue it takes: a noun of goods (in
//!   English or another language of [`goods`]'s), alone or in a compound
//!   with a word or another ("8x4*deospray*"), at one end of a word no
//!   dictionary holds ("uggboots", "jblspeaker", "floayakkabi"), only
//!   where the mark is no ordinary word itself; and written as a word of
//!   its own, in capitals or by CamelCase ("DJIMini", "LeeJeans",
//!   "OfficialLeeStore"), as a seller spaces it, an ordinary word too.
//! - A mark of exactly [`SHORT`] letters may be misspelt by one edit that
//!   keeps its first letter (sellers keep the first letter so the buyer
//!   still reads the brand; random words seldom share it); misspelt
//!   shorter ("Orx"), it is as weak as a mark of three letters, and the
//!   scorer drafts it only with other evidence. It may be glued only at
//!   the start or end of a word, to a dictionary word of [`SHORT`]
//!   letters or more or a noun of goods ("oryxtoys", "tumibag",
//!   "tousjoyas"; not
//!   "mars" in "marsala"), two words run together, each of three letters
//!   or more ("oryxtoybox"), a number, or at a change of case
//!   ("OryxHoodie"; not "gl*oryx*box").
//! - A longer glued hit is accepted when the mark has [`LONG_GLUE`] letters
//!   or more, or when what is glued to it is a dictionary word (or two) or
//!   a noun of goods of another language (or such a compound), a number,
//!   at most two letters,
//!   or begins at a change of case. A trailing "s" or
//!   "es" is a plural, not glue.
//! - A near miss or glued word that is itself a dictionary word ("onyx"
//!   for "Oryx", "dovetail" for "Dove") is still reported, with
//!   [`Cue::OrdinaryWord`], for the scorer to weigh. But a sound spelt
//!   otherwise is looked for only in words no dictionary holds, and in a
//!   run of words only where each is one or a word of the mark: such a
//!   spelling that is a word ("gauss" for "Guess", "Canada geese" for
//!   "Canada Goose") is that word, and sounds alike by chance.
//! - Matches never start or end inside a word, except glued ones. In
//!   Chinese and Japanese, written without spaces, a word also starts and
//!   ends where the script changes or a dictionary segmentation says,
//!   and a mark in Hangul or katakana glued to more of its script is read
//!   only beside words listings glue to a brand ("정품": genuine;
//!   "スニーカー": sneakers), or in Korean before a particle, unless it is
//!   three syllables or four kana long ([`cjk`]).
//!
//! # Variant reported
//!
//! When disguises combine, the most telling one is reported, in this order:
//! homoglyph > leet > styled > diacritic > spaced > joined > typo > exact.
//! Look-alike letters from another script are never accidental; leet rarely
//! is; styles and accents can come from a keyboard or a font. Words written
//! upside down ("ǝʞıN") are turned back and matched apart ([`turned`]),
//! and reported as turned, unless misspelt as well (then typo, scored as
//! one). A mark of names turned round ("Armani Emporio") or with its first
//! names cut to initials ("J.P. Gaultier") is matched as a form of its own
//! ([`name_forms`]), and reported as reordered or initials where written
//! so and nothing else.
//!
//! # Cues
//!
//! The matcher does not decide whether a hit is an infringement; it reports
//! what the scorer needs to decide: an honest-reference phrase just before
//! the mark ([`Cue::Nominative`]: "case for", "compatible with", "fit"
//! after goods in the plural: "sleeves fit Hasbro games"; "compatible
//! con", "passend für", "для" in the languages of the marks' markets;
//! "适用于" glued before it in Chinese), or a word
//! just after it that says the goods are made for the brand's, not by it
//! ("Garmin compatible band", "Fenix 6 compatible strap"),
//! counterfeit tell-tales in the same field ([`Cue::Counterfeit`]), and
//! whether the matched word is an ordinary dictionary word
//! ([`Cue::OrdinaryWord`]: a near miss "mike", or a mark like "Kestrel" that
//! is also a bird).

mod cjk;
mod confusables;
pub mod goods;
mod inflect;
mod normalize;
mod scan;
pub mod sense;
pub(crate) mod turned;
mod typo;
mod words;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::config::registry::Mark;
use crate::model::{Cue, Listing, TextField, TextMatch, VariantKind};
use normalize::{Doc, DIACRITIC, DRAWN, HOMOGLYPH, INVISIBLE, STYLED};
use typo::DeletionIndex;
use words::WordList;

/// The English word list shipped with the binary: lower-case dictionary
/// words (proper nouns left out, since brand names are proper nouns). It is
/// SCOWL's large American and British lists together (Debian's
/// `wamerican-large` and `wbritish-large`, 2020.12.07), the words of 3 to
/// 20 letters `a` to `z`: a seller in Britain writes "harbour" and
/// "armour", which are no misspelling of a mark.
pub(crate) const EMBEDDED_WORDS: &str = include_str!("../../config/words/en.txt");

/// Place names (countries, states, cities) as single words, which the
/// English list leaves out with the other proper nouns. A listing names a
/// place honestly ("Colombia flag T-shirt", "Boise State hoodie"), and a
/// place one letter from a mark ("Columbia") is that place, not the mark
/// misspelt: a near miss that needs backing, as any ordinary word's does.
/// A mark that is a place ("Jordan") is still matched as written, with an
/// ordinary-word cue, and the goods decide, as for a mark that is a word.
pub(crate) const EMBEDDED_PLACES: &str = include_str!("../../config/words/places.txt");

/// The embedded word lists: English words and place names.
pub(crate) fn embedded_words<'a>() -> impl Iterator<Item = &'a str> {
    EMBEDDED_WORDS.lines().chain(EMBEDDED_PLACES.lines())
}

/// Marks shorter than this are matched only as whole words; marks of this
/// length get guarded typo and glue matching (see the module docs).
pub const SHORT: usize = 4;
/// The fewest letters of each dictionary word of a mark of one word
/// written as two ([`TextMatcher::split_pass`]); the word list holds no
/// shorter words.
const SPLIT_HALF: usize = 3;
/// Marks of this many letters or more are believable glued to anything.
pub const LONG_GLUE: usize = 6;
/// The fewest letters of each of two dictionary words glued to a mark
/// together ([`words_glued`]): shorter pieces ("ai", "rm") make nearly any
/// string two words of a large word list.
const GLUED_WORD: usize = 3;
/// Marks of this many letters or more allow two edits.
pub const TWO_EDITS: usize = 9;
/// The most pattern bytes for which the mark automaton is built as a full
/// DFA rather than an NFA (some 1,500 marks).
const DFA_PATTERN_BYTES: usize = 16 << 10;
/// The fewest single letters in a row that count as a spaced-out word.
const SPACED_MIN_RUN: usize = 3;
/// The most separator characters between spaced-out letters ("N . I").
const SPACED_MAX_GAP: usize = 3;
/// How many words may stand between an honest-reference phrase and the mark
/// ("strap for *42mm* Arcturo").
const NOMINATIVE_REACH: usize = 2;

/// How many words before a mark [`TextMatcher::nominative`] reads: the
/// reach and the longest phrase.
const NOMINATIVE_CONTEXT: usize = NOMINATIVE_REACH + {
    let mut longest = 0;
    let mut i = 0;
    while i < NOMINATIVE.len() {
        if NOMINATIVE[i].len() > longest {
            longest = NOMINATIVE[i].len();
        }
        i += 1;
    }
    longest
};

/// Honest-reference phrases, longest first so the most specific is named:
/// an accessory made for the brand's goods, or a seller's disclaimer ("not
/// affiliated with"), which a reviewer reads before filing. Marketplaces
/// sell in many languages, and an accessory is sold "compatible con",
/// "passend für" or "для" the brand as often as "for" it: the commonest
/// of those phrases in the languages of the mark's markets are here too,
/// written as the text is folded (accents dropped: "für" is "fur"). Not
/// "für" alone, which folds to the English "fur" ("fur UGG boots").
/// In Czech, "s" (with) folds to a letter alone, which ends no other
/// phrase here.
/// "Holds" is the verb of an organiser or a display made for the brand's
/// goods ("rack holds 60 OPI bottles"), as "fits" is of an accessory.
const NOMINATIVE: &[&[&str]] = &[
    &["replacement", "strap", "for"],
    &["not", "affiliated", "with"],
    &["not", "associated", "with"],
    &["not", "endorsed", "by"],
    &["no", "affiliation", "with"],
    &["unaffiliated", "with"],
    // The same disclaimers in Portuguese, Spanish and French, and as
    // Filipino sellers write it ("hindi kami affiliated sa", we are not
    // affiliated with).
    &["sem", "afiliacao", "com"],
    &["nao", "afiliado", "com"],
    &["sin", "afiliacion", "con"],
    &["no", "afiliado", "con"],
    &["sans", "affiliation", "avec"],
    &["affiliated", "sa"],
    &["for", "use", "with"],
    &["compatible", "with"],
    &["suitable", "for"],
    &["works", "with"],
    &["to", "fit"],
    &["adapter", "for"],
    &["cover", "for"],
    &["case", "for"],
    // Spanish, French, Italian, Portuguese, German, Dutch, and the
    // Scandinavian languages; the adjectives in the plural too.
    &["compatibles", "con"],
    &["compatibles", "avec"],
    &["compatibili", "con"],
    &["compatible", "con"],
    &["compatible", "avec"],
    &["compatibile", "con"],
    &["compativel", "com"],
    &["compativeis", "com"],
    &["kompatibel", "mit"],
    &["passend", "fur"],
    &["geeignet", "fur"],
    &["hulle", "fur"],
    &["ersatz", "fur"],
    &["compatibel", "met"],
    &["kompatibel", "med"],
    &["passer", "til"],
    &["passar", "till"],
    // Polish: "for" is "do", which in Portuguese is "of the" ("camisa do
    // Flamengo" is the club's shirt), so only after an accessory: a
    // strap, case, holder, charger, cable, cover, glass, film.
    &["pasek", "do"],
    &["etui", "do"],
    &["uchwyt", "do"],
    &["ladowarka", "do"],
    &["kabel", "do"],
    &["pokrowiec", "do"],
    &["szklo", "do"],
    &["folia", "do"],
    &["kompatybilny", "z"],
    // Czech and Slovak: "pro" (for) likewise only after an accessory (a
    // glass, film, cover, case, charger, strap), as "Pro" is mostly a
    // model's name.
    &["kompatibilni", "s"],
    &["kompatibilni", "se"],
    &["kompatibilny", "s"],
    &["sklo", "pro"],
    &["folie", "pro"],
    &["kryt", "pro"],
    &["pouzdro", "pro"],
    &["nabijecka", "pro"],
    &["reminek", "pro"],
    &["compatibles"],
    &["compatible"],
    &["fits"],
    &["holds"],
    &["for"],
    // "For" in Spanish and Portuguese, French, Italian, Dutch, Norwegian
    // and Danish, Russian, Indonesian and Malay, Vietnamese, and Thai
    // (สำหรับ, folded: its vowel marks over and under the line are dropped
    // as accents are).
    &["para"],
    &["pour"],
    &["per"],
    &["voor"],
    &["til"],
    &["для"],
    &["untuk"],
    &["cho"],
    &["สาหรบ"],
];

/// The last words of the phrases of [`NOMINATIVE`], each once.
const NOMINATIVE_ENDS: &[&str] = &[
    "for",
    "with",
    "by",
    "fits",
    "holds",
    "con",
    "avec",
    "com",
    "mit",
    "fur",
    "met",
    "para",
    "pour",
    "per",
    "voor",
    "для",
    "untuk",
    "cho",
    "do",
    "z",
    "s",
    "se",
    "pro",
    "sa",
    "compatible",
    "compatibles",
    "fit",
    "med",
    "til",
    "till",
    "สาหรบ",
];

/// "Fit" as the verb of goods named in the plural before it ("card sleeves
/// fit Hasbro games", "cartridges fit Pelikan pens"), an honest reference
/// as "fits" is. After anything else it is mostly a cut ("slim fit",
/// "relaxed fit"), which sells the goods themselves.
const NOMINATIVE_AFTER_PLURAL: &str = "fit";

/// Honest-reference words after the mark: an accessory made for the
/// brand's goods is sold as "Garmin compatible", "Apple-compatible" or
/// "Fenix 6 compatible band" as often as "compatible with Garmin"; in
/// German "kompatibel", in Turkish "uyumlu", in Japanese "対応" and
/// "互換品" (compatible; a compatible part) after the model ("象印 NP-ZG10
/// 対応 内釜": an inner pot for the Zojirushi rice cooker; these are
/// compared with the text as written); "için" in Turkish ("Fitbit Charge 6
/// için kordon": a band for it) and "호환" in Korean (compatible); the
/// postpositions "for" of Hindi ("के लिए", written "लिए" or "लिये"), Urdu
/// ("کے لیے", "لئے") and Bengali ("জন্য"): "Noise ईयरबड्स के लिए केस", a
/// case for Noise earbuds; "dedicated" in Chinese, simplified and
/// traditional, Japanese and Korean ("专用", "專用", "専用", "전용":
/// "Giordano 手錶 專用 替換錶帶", a replacement strap for Giordano
/// watches), how those marketplaces say "for". Not "replacement":
/// "Rolex with replacement box" sells the watch.
const NOMINATIVE_AFTER: &[&str] = &[
    "compatible",
    "kompatibel",
    "uyumlu",
    "için",
    "호환",
    "対応",
    "互換品",
    "专用",
    "專用",
    "専用",
    "전용",
    "लिए",
    "लिये",
    "لیے",
    "لئے",
    "জন্য",
];

/// How many words may stand between the mark and a word of
/// [`NOMINATIVE_AFTER`]: a model name ("Apple *Watch Series 9* compatible",
/// "Nike *Air Force 1* compatible"), longer than what stands between a
/// phrase and the mark after it ([`NOMINATIVE_REACH`]: "strap for *42mm*
/// Arcturo").
const NOMINATIVE_AFTER_REACH: usize = 4;

/// Counterfeit tell-tales, folded. In the text, spaces, hyphens and
/// underscores between the words of a phrase are all one.
const COUNTERFEIT: &[&str] = &[
    "replica",
    "1:1",
    "aaa",
    "mirror quality",
    "original quality",
    "high copy",
    "super copy",
    "fake",
];

/// A matcher that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The automaton outgrew its limits (billions of states: not a registry
    /// anyone keeps).
    #[error("cannot build the mark automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Finds marks in listing text. Build it once per registry and share it
/// (it is `Send + Sync`); every search method takes `&self`.
pub struct TextMatcher {
    marks: Vec<CompiledMark>,
    /// Skeletons of all marks, de-duplicated.
    automaton: AhoCorasick,
    /// Automaton pattern → the marks whose skeleton it is, and in which
    /// form. Several marks can share a skeleton ("Fail" and "Fall").
    owners: Vec<Vec<(u32, Form)>>,
    typos: DeletionIndex,
    /// The marks written in Han, for their look-alike misspellings, which
    /// `typos` (edits of letters) does not allow them.
    han_typos: cjk::Misspelt,
    /// The marks in Cyrillic, by their words' stems, for their case
    /// endings.
    declined: inflect::Declined,
    /// The most words in a mark the typo pass knows, so it looks at runs
    /// of that many words.
    max_words: usize,
    /// Keys of the words of those marks of several words.
    mark_words: typo::KeySet,
    /// Keys of the words of every mark of several words: the words in no
    /// dictionary that a match may reach past ([`scan::Part::Around`]);
    /// any other such word's matches lie inside it ([`scan::Part::Itself`]).
    part_words: typo::KeySet,
    /// Keys of the skeletons of the marks of one word, and of the marks of
    /// several words run together: neighbouring words joined are looked up
    /// here before they are matched as a split mark.
    split_keys: typo::KeySet,
    /// Keys of the marks of several words run together, of `split_keys`:
    /// their words may be split anew ("Hel ly Han sen"), in up to
    /// [`scan::SPLIT_RUN`] pieces.
    solid_keys: typo::KeySet,
    /// Keys of every part of two letters or more of those skeletons, short
    /// of the whole: what a piece of a split mark spells. A word in no
    /// dictionary that is none of them is no such piece, and the byte pass
    /// need not join it with its neighbours to find out (most such words
    /// are glued or misspelt marks, too long or changed to be one). A
    /// filter: a wrong "may be" only costs joining the word with its
    /// neighbours, which answers exactly.
    split_pieces: typo::KeyFilter,
    /// Dictionary words (by the key of their skeleton) → their near misses,
    /// a range of `known_misses`: the words that are not `quiet`.
    known: typo::KeyMap<Known>,
    /// The quiet dictionary words, by the key of their skeleton: no match
    /// can involve them (see [`scan`]). They are most words of most
    /// listings, so most words cost one look-up here, in a set of
    /// fingerprints alone: with their entries in `known` the two took
    /// 4 MiB for the embedded list and stayed out of the cache; now
    /// 1.25 MiB.
    quiet: typo::FingerprintSet,
    /// The words of the marks that are no dictionary word, as `known` has
    /// dictionary words: a disguised mark is mostly the mark's own skeleton
    /// (upper case, leet, look-alikes), and text dense with marks would
    /// otherwise probe the deletion index and run the automaton for each.
    /// Kept apart from `known`, which the byte pass asks about every word.
    mark_known: typo::KeyMap<Known>,
    /// Per word of `known` and `mark_known`: its near misses (mark,
    /// distance), then what the automaton finds in its skeleton (pattern,
    /// start << 16 | end).
    known_misses: Vec<(u32, u32)>,
    /// How many words either side of a word a match can involve: the most
    /// words in a mark, less one, and at least one (a split mark; the byte
    /// pass lets the pieces that may begin or end a mark split in three
    /// reach two).
    reach: usize,
    /// The longest mark skeleton, in bytes: two words joined into more
    /// cannot be a split mark.
    longest_skel: usize,
    words: WordList,
    counterfeit: AhoCorasick,
    /// The first word of each tell-tale, any case: an ASCII text without
    /// one has no tell-tale, and most texts have none.
    counterfeit_first: AhoCorasick,
    /// Keys of the words of [`NOMINATIVE_AFTER`]: where the byte pass sees
    /// none of them, nor a piece it does not read that holds one, no match
    /// in the text has an honest-reference word after it.
    after_keys: typo::FewKeys,
    /// Keys of the first words of the tell-tales that are words of
    /// letters, and of the plurals of those that are one word: where the
    /// byte pass sees none of them, nor a piece it does not read, an ASCII
    /// text has no tell-tale.
    cue_keys: typo::FewKeys,
    /// Keys of the last words of the honest-reference phrases: where the
    /// byte pass sees none of them before a match, nor a piece it does not
    /// read, no phrase ends there.
    phrase_ends: typo::FewKeys,
}

/// What the matcher knows of a dictionary word.
#[derive(Clone, Copy, Debug, Default)]
struct Known {
    /// Its near misses: a range of [`TextMatcher::known_misses`], `start`
    /// on, as many as the low 15 bits of `len` say. The top bit
    /// ([`ORDINARY`]) says whether its skeleton, written out, is an ordinary
    /// word ([`TextMatcher::is_ordinary`]), which a word of a listing with
    /// that skeleton mostly is: the word list need not be asked again (see
    /// [`TextMatcher::report_alone`]).
    start: u32,
    len: u16,
    /// How many matches of the automaton in its skeleton follow its near
    /// misses in [`TextMatcher::known_misses`], or [`NOT_KEPT`].
    found: u8,
    /// What it holds of the automaton's (one byte, so that an entry of
    /// the table stays eight bytes and more of the table stays in cache).
    holds: Holds,
}

/// What the automaton may find in a dictionary word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Holds {
    /// No mark, and no word of a mark of several words.
    #[default]
    Nothing,
    /// Only marks glued inside it where the glue check turns them down
    /// ("nike" in "moniker"), and it is no near miss: written without a
    /// change from lower to upper case (which the glue check may take for
    /// a word boundary), no match can involve it.
    Refused,
    /// A mark, or a word of a mark of several words: it can be part of a
    /// match of the automaton.
    Mark,
}

/// The bit of [`Known::len`] that says the word is ordinary.
const ORDINARY: u16 = 1 << 15;

/// [`Known::found`] of a word whose matches are not kept (too many, or too
/// long a word to say where they are in 16 bits).
const NOT_KEPT: u8 = u8::MAX;

impl Known {
    /// Whether no match can involve the word (see [`scan`]): the text
    /// around it need not even be folded.
    fn quiet(self) -> bool {
        self.misses().is_empty() && self.holds == Holds::Nothing
    }

    /// Where its near misses are in [`TextMatcher::known_misses`].
    fn misses(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + usize::from(self.len & !ORDINARY)
    }

    /// Whether its skeleton, written out, is an ordinary word.
    fn ordinary(self) -> bool {
        self.len & ORDINARY != 0
    }

    /// Whether the automaton finds a mark in it, or it holds a word of a
    /// mark of several words: only then can it be part of a match of the
    /// automaton.
    fn holds(self) -> bool {
        self.holds != Holds::Nothing
    }
}

/// Whether `text` holds a Han character in its traditional form, which
/// folding reads as the simplified one (a match of 康师傅 written 康師傅 is
/// styled).
pub fn in_traditional_han(text: &str) -> bool {
    text.chars().any(|c| cjk::simplified(c).is_some())
}

/// `text` folded as the matcher reads it: case, width, styles, accents
/// and the look-alikes of other scripts all to plain Latin letters.
pub fn skeleton(text: &str) -> String {
    normalize::Doc::new(text).skel
}

/// A mark, folded.
#[derive(Debug)]
struct CompiledMark {
    id: Arc<str>,
    /// Its word characters, folded but without leet, separators left out:
    /// what a faithful spelling folds to.
    plain: String,
    /// Whether `plain` is an ordinary word ([`TextMatcher::is_ordinary`]),
    /// asked of every match and, for most, of this very word.
    ordinary: bool,
    /// Its skeleton with the spaces removed.
    skel: String,
    /// That skeleton as written, where the mark has an `rn` or `vv` the
    /// skeleton reads as `m` or `w` ("Warner Bros." is "wamerbros"): a
    /// typo that breaks the pair ("Wanrer", "Warber") is one edit as
    /// written but two in the skeleton.
    spelt: Option<Box<str>>,
    /// The [`typo::sound_key`] of `skel`.
    sound: Option<u64>,
    /// Letters in `skel`.
    len: usize,
    /// Words in the mark.
    words: usize,
    /// For each gap between its words, whether it is a space (as in
    /// "Maison Corvelle") rather than punctuation (as in "M&M's").
    gaps_have_space: Vec<bool>,
    /// What the form's letters are beyond its skeleton, for the few forms
    /// where that tells a match's variant ([`AsWritten`]); boxed, as the
    /// table of marks is read for every hit.
    written: Option<Box<AsWritten>>,
}

/// How a form of a mark is written, where its skeleton does not say.
#[derive(Debug)]
struct AsWritten {
    /// Where the form is the mark spelt with its twins
    /// ([`confusables::twin_forms`]), the twins: a match that holds one is
    /// a homoglyph, or a misspelling where the twin is of the mark's own
    /// script (a misspelling of the form that holds none is one of the
    /// mark).
    twin: Box<[char]>,
    /// Where folding changes the form's letters beyond their case (accents
    /// or other marks over them, "Hermès", "カルビー": the dakuten; Han in
    /// its traditional form, 鴻星爾克), the form as written, lower case
    /// (NFC): a match written so is exact, not a disguise.
    faithful: Option<Box<str>>,
    /// Where the form is the mark rewritten as sellers disguise it, the
    /// variant a match of it as written is: leet where it writes words
    /// of the mark as digits that sound like them ([`text_speak`]); its
    /// words reordered or its names cut to initials ([`name_forms`]).
    rewritten: Option<VariantKind>,
    /// Whether the form is shaped as a measure, a number and a unit, in
    /// capitals ("3M", [`is_measure`]): written in small letters ("cable
    /// 3m"), it is the measure.
    measure: bool,
    /// Where the form is written in Cyrillic or in Greek throughout,
    /// whose letters folding reads as Latin look-alikes ("Красный
    /// Октябрь"), that script: a match written all in it is written in
    /// the mark's own script, not disguised with another's.
    script: Option<LookalikeScript>,
}

/// The scripts whose letters are read as Latin look-alikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LookalikeScript {
    Cyrillic,
    Greek,
}

impl LookalikeScript {
    /// The one script all the letters of `text` are in, if it is one of
    /// these.
    fn of(text: &str) -> Option<LookalikeScript> {
        let mut letters = text.chars().filter(|c| c.is_alphabetic());
        let first = LookalikeScript::of_char(letters.next()?)?;
        letters
            .all(|c| LookalikeScript::of_char(c) == Some(first))
            .then_some(first)
    }

    fn of_char(c: char) -> Option<LookalikeScript> {
        match c {
            '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}' => {
                Some(LookalikeScript::Cyrillic)
            }
            '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(LookalikeScript::Greek),
            _ => None,
        }
    }
}

impl CompiledMark {
    /// Whether writing the mark in one piece changes it ("MaisonCorvelle").
    fn spaced(&self) -> bool {
        self.gaps_have_space.iter().any(|&g| g)
    }

    /// Whether this form is the mark respelt as a seller disguises it
    /// (with look-alikes of another script, in text-speak, reordered or
    /// in initials): its misspellings are the mark's, found as such, and
    /// a misspelling of a rewriting is too far from the mark to be one.
    fn is_disguise(&self) -> bool {
        self.written
            .as_ref()
            .is_some_and(|w| !w.twin.is_empty() || w.rewritten.is_some())
    }

    /// The variant of a match of this form written `matched`, which the
    /// passes found to combine `disguises`: a homoglyph where it holds a
    /// look-alike of another script (a typo where of its own, Thai);
    /// what the form rewrites it as (leet, reordered, initials); where it
    /// is the form as written letter for letter, accents and all, what
    /// else it is: exact, joined where it is glued to the word around it
    /// (`glued`, asked only then) or a mark of several words written as
    /// one, spaced where written apart.
    fn variant_of(&self, matched: &str, disguises: Disguises, glued: impl FnOnce() -> bool) -> VariantKind {
        use unicode_normalization::UnicodeNormalization;
        let Some(written) = &self.written else {
            return disguises.variant();
        };
        // Written in the mark's own script throughout, what the fold
        // flagged is that script, not a disguise; the others stand
        // ("Каролева" misspelt, "𝚱𝚶𝚸𝚸𝚬𝚺" styled).
        let disguises = match written.script {
            Some(script)
                if disguises.flags & HOMOGLYPH != 0
                    && LookalikeScript::of(&matched.nfkc().collect::<String>()) == Some(script) =>
            {
                disguises.less(HOMOGLYPH)
            }
            _ => disguises,
        };
        let found = disguises.variant();
        if let Some(&c) = written.twin.iter().find(|&&c| matched.contains(c)) {
            // A twin of the mark's own script (Thai ซ for ช, Persian ی for
            // Arabic ي, Devanagari व for ब, Bengali ন for ণ) is a
            // misspelling, by look or by sound, as a Han one is (周大褔).
            if confusables::twin_of_own_script(c) {
                VariantKind::Typo
            } else {
                VariantKind::Homoglyph
            }
        } else if let Some(rewritten) = written
            .rewritten
            .filter(|_| matches!(found, VariantKind::Exact | VariantKind::Joined))
        {
            rewritten
        } else if matches!(found, VariantKind::Diacritic | VariantKind::Styled)
            && written.faithful.is_some()
            && written.faithful.as_deref().map(letters_of) == as_faithful(matched).as_deref().map(letters_of)
        {
            // Written as the form is, letter for letter, the accents are
            // the mark's own; they outranked what else the passes saw,
            // which stands: the glue, or the spaces ("เถ้าแก่ น้อย").
            match disguises.less(DIACRITIC | STYLED).variant() {
                VariantKind::Exact | VariantKind::Joined => {
                    // Glued to its neighbours as segmentation reads them,
                    // or a mark of several words written as one.
                    let as_one = self.spaced() && !matched.chars().any(char::is_whitespace);
                    if glued() || as_one {
                        VariantKind::Joined
                    } else {
                        VariantKind::Exact
                    }
                }
                v => v,
            }
        } else {
            found
        }
    }

    /// Edits a misspelling of this mark may have.
    fn edits(&self) -> usize {
        edits_for(self.len)
    }

    /// How like the mark a misspelling `d` edits from it is.
    fn similarity(&self, d: usize) -> f32 {
        1.0 - d as f32 / self.len.max(1) as f32
    }
}

fn edits_for(len: usize) -> usize {
    if len < SHORT {
        0
    } else if len >= TWO_EDITS {
        2
    } else {
        1
    }
}

/// Which form of a mark an automaton pattern is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// As registered, words separated by one space.
    Spaced,
    /// A mark of several words with the spaces removed.
    Solid,
}

/// How the glue check reads the rest of a word a mark is glued into.
#[derive(Clone, Copy)]
enum Rest<'a> {
    /// As written.
    AsWritten,
    /// As any spelling with the same skeleton ("iamp" as "lamp"): a word
    /// of the dictionary stands for all of them. Holds the dictionary's
    /// words by the keys of their skeletons.
    AnySpelling(&'a typo::KeyMap<Known>),
}

/// Buffers the typo pass reuses from word to word.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    /// A candidate mark's skeleton, to verify against `chars`.
    mark_chars: Vec<char>,
    /// The letters of `chars` as written, for [`typo::sound_slips`].
    plain: Vec<char>,
    candidates: Vec<u32>,
    probes: Vec<u64>,
    /// Per token: its key and its dictionary entry.
    keys: Vec<u64>,
    known: Vec<Option<Known>>,
    /// Per token: whether it is a dictionary word.
    dictionary: Vec<bool>,
    /// Per token: whether the automaton need read it.
    search: Vec<bool>,
    window: String,
    misses: Vec<(u32, usize)>,
    /// The tokens of a region that are no dictionary word nor word of a
    /// mark, as the typo pass met them: what the glued typo pass reads.
    strangers: Vec<u32>,
    /// A region's hits: most regions have one or two, and a fresh vector
    /// for each cost an allocation and a reallocation.
    hits: Vec<Hit>,
    /// A text's matches, before they are moved out.
    found: Vec<TextMatch>,
    /// Words joined by the spaced and split passes.
    joined: Joined,
}

/// Pieces of a text joined into one (a run of single letters, two halves
/// of a split word) and their skeleton, mapped back to their units:
/// buffers reused from region to region.
#[derive(Default)]
struct Joined {
    /// The pieces' units.
    units: Vec<u32>,
    /// The pieces' skeletons run together.
    text: String,
    skel: String,
    map: Vec<(u32, u32)>,
    /// Per token of the region, what piece of a split mark it may be.
    pieces: Vec<Piece>,
    /// Runs of single letters that spell no mark whole, for the typo pass
    /// to look up: their units, and where each run starts and ends there.
    misspelt: Vec<u32>,
    misspelt_runs: Vec<(usize, usize)>,
    /// Runs of single letters that spell no mark whole, as token ranges:
    /// for the respaced pass, each may be one word of a mark of several.
    spaced_words: Vec<(usize, usize)>,
}

/// What piece of a mark split in two or three a word may be, as the split
/// pass tells a split mark from a phrase.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    /// None that tells: a dictionary word, a letter alone, or a word that
    /// spells no part of a mark of one word.
    No,
    /// The piece that tells a mark split in two: a word of two letters or
    /// more in no dictionary that spells part of a mark.
    OfTwo,
    /// Also of one split in three: such a word that is no word of a mark
    /// of several words (see [`TextMatcher::split_pass`]).
    OfThree,
}

/// What a search reuses from listing to listing, one per thread.
#[derive(Default)]
struct Work {
    /// The region being matched.
    doc: Doc,
    /// The whole text, folded only when it may hold a counterfeit word.
    whole: Doc,
    scratch: Scratch,
    scan: scan::Scan,
}

/// Folded characters whose buffers a thread keeps between searches (some
/// 40 bytes each); a longer text's are freed after it.
const KEEP_UNITS: usize = 1 << 16;

thread_local! {
    static WORK: std::cell::RefCell<Work> = std::cell::RefCell::new(Work::default());
}

/// What the matches in one text share: found once, at its first match.
struct Facts {
    /// The text's counterfeit tell-tales.
    counterfeit: Vec<String>,
    /// Whether a word of [`NOMINATIVE_AFTER`] may lie in the text
    /// ([`TextMatcher::may_have_after`]).
    after: bool,
}

impl Facts {
    /// [`nominative_after`], without reading the words after a match where
    /// none of the words it looks for lies after it: it ran after every
    /// match, over the next few words, a tenth of the matcher's
    /// instructions on text dense with marks.
    fn nominative_after(&self, text: &str, end: usize) -> Option<String> {
        if self.after || glued(text, end) {
            nominative_after(text, end)
        } else {
            None
        }
    }
}

/// A region of a text, folded.
#[derive(Clone, Copy)]
struct Found<'a> {
    /// The whole field.
    text: &'a str,
    region: &'a scan::Region,
    /// The region, folded.
    doc: &'a Doc,
    /// The byte pass over the whole field, where it chose the region.
    scan: Option<&'a scan::Scan>,
}

/// A candidate match, in units of the folded text.
#[derive(Debug)]
struct Hit {
    mark: u32,
    u0: u32,
    u1: u32,
    disguises: Disguises,
    similarity: f32,
    /// The matched word characters, for the dictionary check.
    word: String,
}

impl TextMatcher {
    /// Compiles the marks with the embedded word lists (English words and
    /// place names).
    ///
    /// # Panics
    ///
    /// Only where [`TextMatcher::try_with_words`] fails, which takes an
    /// automaton with billions of states.
    pub fn new(marks: &[Mark]) -> TextMatcher {
        TextMatcher::with_words(marks, embedded_words())
    }

    /// Compiles the marks with the embedded word lists and a
    /// marketplace's own (a site profile's `words`, one a line): its
    /// languages' ordinary words near a mark need backing too.
    pub fn for_market(marks: &[Mark], market_words: &str) -> Result<TextMatcher, TextError> {
        TextMatcher::try_with_words(marks, embedded_words().chain(market_words.lines()))
    }

    /// Compiles the marks with a caller-given word list.
    ///
    /// # Panics
    ///
    /// As [`TextMatcher::new`].
    pub fn with_words<'a>(marks: &[Mark], words: impl IntoIterator<Item = &'a str>) -> TextMatcher {
        match TextMatcher::try_with_words(marks, words) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// Compiles the marks with a caller-given word list.
    pub fn try_with_words<'a>(
        marks: &[Mark],
        words: impl IntoIterator<Item = &'a str>,
    ) -> Result<TextMatcher, TextError> {
        let words = WordList::new(words);
        let mut compiled = Vec::with_capacity(marks.len());
        // Each compiled form as written, for the stems of those in Cyrillic.
        let mut form_texts: Vec<(u32, String)> = Vec::with_capacity(marks.len());
        let mut patterns: Vec<String> = Vec::with_capacity(marks.len());
        let mut owners: Vec<Vec<(u32, Form)>> = Vec::with_capacity(marks.len());
        let mut pattern_of: HashMap<String, usize> = HashMap::with_capacity(marks.len());
        let mut add = |pattern: String, mark: u32, form: Form| {
            let next = patterns.len();
            let at = *pattern_of.entry(pattern.clone()).or_insert(next);
            if at == next {
                patterns.push(pattern);
                owners.push(Vec::new());
            }
            owners[at].push((mark, form));
        };
        let mut mark_words = typo::KeySet::default();
        let mut split_keys = typo::KeySet::default();
        let mut solid_keys = typo::KeySet::default();
        let mut split_pieces: Vec<u64> = Vec::new();
        // A skeleton's parts, short of the whole: the pieces it may be
        // split into.
        let mut pieces_of = |skel: &str| {
            let bytes = skel.as_bytes();
            for from in (0..bytes.len()).filter(|&i| skel.is_char_boundary(i)) {
                for to in (from + 2..=bytes.len()).filter(|&i| skel.is_char_boundary(i)) {
                    if to - from < bytes.len() {
                        split_pieces.push(scan::word_key(&bytes[from..to]));
                    }
                }
            }
        };
        let mut part_words = typo::KeySet::default();
        // The skeletons of the words of marks of several words.
        let mut parts: Vec<String> = Vec::new();
        // The skeletons of the words of all marks.
        let mut mark_skels: Vec<String> = Vec::new();
        // Each form as registered, then spelt with look-alikes of another
        // script ("回カ" for 回力).
        let spellings = |form: String| {
            let twins: Vec<(String, Box<[char]>)> = (confusables::twin_forms(&form).into_iter())
                .map(|twin| {
                    // Where they differ: a look-alike may be a letter the
                    // mark holds elsewhere too (ه for ة in جهينة).
                    let swapped = (twin.chars().zip(form.chars()))
                        .filter(|(t, f)| t != f)
                        .map(|(t, _)| t)
                        .collect();
                    (twin, swapped)
                })
                .collect();
            std::iter::once((form, Box::default())).chain(twins)
        };
        for (mark, text, twin, rewritten) in marks.iter().flat_map(|m| {
            let speak = |form: &str| is_text_speak(&m.text, form).then_some(VariantKind::Leet);
            (forms_of(&m.text).into_iter())
                .map(move |form| (speak(&form), form))
                .chain(
                    name_forms(&m.text, &words)
                        .into_iter()
                        .map(|(kind, form)| (Some(kind), form)),
                )
                .flat_map(move |(rewritten, form)| spellings(form).map(move |(t, twin)| (m, t, twin, rewritten)))
        }) {
            let doc = Doc::new(clamp(&text));
            if doc.tokens.is_empty() {
                // No letter or digit: nothing a listing could spell.
                continue;
            }
            let all = doc.skel.len();
            let solid: String = doc.skel.chars().filter(|&c| c != ' ').collect();
            let index = compiled.len() as u32;
            form_texts.push((index, text.clone()));
            // A name rewritten ([`name_forms`]) holds the mark's words, or
            // initials: not words the passes need to know for themselves
            // (a letter alone in `parts` would make every word with it
            // loud).
            let own_words = !matches!(rewritten, Some(VariantKind::Reordered | VariantKind::Initials));
            if own_words {
                mark_skels.extend(doc.skel.split(' ').map(str::to_string));
            }
            let plain = doc.plain(0, all);
            let solid_chars: Vec<char> = solid.chars().collect();
            let mut spelt = String::new();
            let spelt = doc.spelt_skel(&doc.tokens, &mut spelt).then(|| spelt.into_boxed_str());
            compiled.push(CompiledMark {
                id: mark.id.as_str().into(),
                ordinary: is_ordinary(&words, &plain),
                sound: typo::sound_key(&solid_chars),
                plain,
                len: solid.chars().count(),
                words: doc.tokens.len(),
                gaps_have_space: doc.gaps_have_space(0, all),
                skel: solid.clone(),
                spelt,
                written: AsWritten::of(twin, &text, rewritten),
            });
            if doc.tokens.len() > 1 {
                if own_words {
                    parts.extend(doc.skel.split(' ').map(str::to_string));
                    let keys: Vec<u64> = doc.skel.split(' ').map(|w| scan::word_key(w.as_bytes())).collect();
                    if edits_for(solid.chars().count()) > 0 {
                        mark_words.extend(keys.iter().copied());
                    }
                    part_words.extend(keys);
                    let key = scan::word_key(solid.as_bytes());
                    split_keys.insert(key);
                    solid_keys.insert(key);
                    pieces_of(&solid);
                }
                // Run together, a mark with digits folds otherwise than
                // its words' skeletons joined: a digit beside letters is
                // read as leet ("511Tactical", "M150" for M-150).
                let run = Doc::new(&text.chars().filter(|c| c.is_alphanumeric()).collect::<String>());
                if run.tokens.len() == 1 && run.skel != solid {
                    add(run.skel, index, Form::Solid);
                }
                add(solid, index, Form::Solid);
            } else {
                split_keys.insert(scan::word_key(doc.skel.as_bytes()));
                pieces_of(&doc.skel);
            }
            add(doc.skel, index, Form::Spaced);
        }
        // A full DFA costs about 90 bytes of table a pattern byte. It reads
        // only the regions the byte pass picks, a small part of a text, and
        // at 10,000 marks the contiguous NFA read them with 0.6% more
        // instructions and as many cache misses (callgrind, dense bench
        // text), for 1.0 MB of table instead of 9.9 MB, which crowded the
        // other tables out of the cache. A small registry's DFA fits in
        // the cache, and is kept.
        let pattern_bytes: usize = patterns.iter().map(String::len).sum();
        let kind = (pattern_bytes <= DFA_PATTERN_BYTES).then_some(aho_corasick::AhoCorasickKind::DFA);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(&patterns)?;
        // A mark with an `rn` or `vv` is filed as written too, for one
        // edit: its typos that break the pair. One edit, not the two a long
        // mark allows: its two-character deletions would add a tenth to a
        // mark's keys for typos a seller seldom makes. A form that is a
        // disguise already (look-alikes of another script, text-speak) is
        // not filed: its misspellings are the mark's, found as such.
        let typos = DeletionIndex::build(compiled.iter().enumerate().filter(|(_, m)| !m.is_disguise()).flat_map(
            |(i, m)| {
                let spelt = m.spelt.as_deref().map(|s| (i as u32, s, m.edits().min(1)));
                std::iter::once((i as u32, m.skel.as_str(), m.edits())).chain(spelt)
            },
        ));
        let han_typos = cjk::Misspelt::build(
            compiled
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.is_disguise())
                .map(|(i, m)| (i as u32, m.skel.as_str())),
        );
        let declined = inflect::Declined::build(
            (form_texts.iter()).filter_map(|(i, t)| Some((*i, &*compiled.get(*i as usize)?.id, t.as_str()))),
        );
        let longest_skel = compiled.iter().map(|m| m.skel.len()).max().unwrap_or(0);
        // At least one: a mark split in two ("Gu cci") spans two words.
        let compiled_reach = (compiled.iter().map(|m| m.words).max().unwrap_or(1) - 1).max(1);
        let max_words = compiled
            .iter()
            .filter(|m| m.edits() > 0)
            .map(|m| m.words)
            .max()
            .unwrap_or(1);
        // Anchored searches too: an ASCII text is searched only where a
        // tell-tale's first word begins.
        let counterfeit = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Both)
            .build(COUNTERFEIT)?;
        // Leftmost-first, so that a search finds the first of them.
        let counterfeit_first = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .ascii_case_insensitive(true)
            .build(COUNTERFEIT.iter().map(|p| p.split(' ').next().unwrap_or(p)))?;
        let mut matcher = TextMatcher {
            marks: compiled,
            automaton,
            owners,
            typos,
            han_typos,
            declined,
            max_words,
            mark_words,
            part_words,
            split_keys,
            solid_keys,
            split_pieces: {
                split_pieces.sort_unstable();
                split_pieces.dedup();
                typo::KeyFilter::new(&split_pieces)
            },
            known: typo::KeyMap::default(),
            quiet: typo::FingerprintSet::default(),
            mark_known: typo::KeyMap::default(),
            known_misses: Vec::new(),
            reach: compiled_reach,
            longest_skel,
            words,
            counterfeit,
            counterfeit_first,
            after_keys: NOMINATIVE_AFTER.iter().map(|w| skeleton_key(w)).collect(),
            cue_keys: cue_keys(),
            phrase_ends: phrase_ends(),
        };
        let parts = AhoCorasick::new(&parts)?;
        matcher.find_known_words(&parts, &mark_skels);
        Ok(matcher)
    }

    /// All mark matches in a listing's title, description and seller fields.
    pub fn find(&self, listing: &Listing) -> Vec<TextMatch> {
        let mut out = self.find_in(TextField::Title, &listing.title);
        out.extend(self.find_in(TextField::Description, &listing.description));
        out.extend(self.find_in(TextField::Seller, &listing.seller));
        out
    }

    /// Matches in one piece of text, in order of position.
    pub fn find_in(&self, field: TextField, text: &str) -> Vec<TextMatch> {
        let text = clamp(text);
        let mut found = self.find_upright(field, text);
        // Words written upside down, turned back and matched apart: their
        // matches are reported over the characters as written, in order.
        let runs = turned::runs(text);
        for run in runs.iter().cloned() {
            let (upright, from) = turned::upright(text, run);
            for mut m in self.find_upright(field, &upright) {
                let (Some(first), Some(last)) = (from.get(m.start), from.get(m.end.saturating_sub(1))) else {
                    continue;
                };
                // Turned, the match's last character was written first.
                (m.start, m.end) = (last.start, first.end);
                m.matched = text[m.start..m.end].to_string();
                // A misspelling turned is still scored as one.
                if m.variant != VariantKind::Typo {
                    m.variant = VariantKind::Turned;
                }
                found.push(m);
            }
        }
        if !runs.is_empty() {
            found.sort_by(by_place);
            carry_nominative(text, &mut found);
        }
        found
    }

    /// [`TextMatcher::find_in`] of text read as written.
    fn find_upright(&self, field: TextField, text: &str) -> Vec<TextMatch> {
        let run = |work: &mut Work| {
            let found = self.find_with(field, text, work, false);
            // Keep a listing's worth of buffers, not an outlier's.
            if work.doc.units.capacity().max(work.whole.units.capacity()) > KEEP_UNITS {
                *work = Work::default();
            }
            found
        };
        WORK.try_with(|w| match w.try_borrow_mut() {
            Ok(mut work) => run(&mut work),
            Err(_) => run(&mut Work::default()),
        })
        .unwrap_or_else(|_| run(&mut Work::default()))
    }

    /// Matches in `text`: only in the regions the byte pass finds loud
    /// ([`scan`]), or, with `whole`, in all of it (the reference the
    /// regions are tested against).
    fn find_with(&self, field: TextField, text: &str, work: &mut Work, whole: bool) -> Vec<TextMatch> {
        let Work {
            doc,
            whole: whole_doc,
            scratch,
            scan,
        } = work;
        if whole {
            scan.regions.clear();
            scan.regions.push(scan::Region {
                start: 0,
                end: text.len(),
                context: 0,
                alone: None,
            });
        } else {
            let piece = |key| self.split_pieces.may_contain(key);
            let part = |key: u64, word: &[u8]| match self.dictionary_entry(key) {
                Some(k) if k.quiet() || (k.holds == Holds::Refused && !scan::changes_case(word)) => scan::Part::Nothing,
                // A near miss that holds no mark nor word of one: only a
                // run of words could reach past it, and such a run holds a
                // word of its mark, which reaches back.
                Some(k) if !k.holds() => scan::Part::Alone,
                None if !self.part_words.contains(&key) => {
                    if piece(key) {
                        scan::Part::Itself
                    } else {
                        scan::Part::Within
                    }
                }
                _ => scan::Part::Around,
            };
            let splits = |joined: &[u8]| self.joins_to_mark(joined);
            // Only the quiet words' set: most words are quiet, and asking
            // for their slot in `known` too, which they are not in, kept
            // the loads of the ones that matter waiting (up to 5% of the
            // matcher's time on text dense with marks; the loud words'
            // entries, a small table, are mostly in the cache anyway).
            let prefetch = |key| self.quiet.prefetch(key);
            scan.scan(text, part, (splits, piece), prefetch, self.reach, NOMINATIVE_CONTEXT);
        }
        let mut out = std::mem::take(&mut scratch.found);
        out.clear();
        let mut facts: Option<Facts> = None;
        let scanned = (!whole).then_some(&*scan);
        let mut hits = std::mem::take(&mut scratch.hits);
        for region in &scan.regions {
            if let Some(word) = region.alone {
                // A near miss that holds no mark nor word of one, alone in
                // its region: the scan checked what the word is, so it need
                // not be folded and matched again.
                if let Some(&known) = self.known.get(&word.key).filter(|k| !k.quiet() && !k.holds()) {
                    let facts = facts.get_or_insert_with(|| self.facts(text, whole_doc, scanned));
                    let found = (field, text, region, scanned);
                    self.report_alone(found, word, known, facts, whole_doc, &mut out);
                    continue;
                }
            }
            self.hits_in(&text[region.start..region.end], doc, scratch, &mut hits);
            if hits.is_empty() {
                continue;
            }
            let facts = facts.get_or_insert_with(|| self.facts(text, whole_doc, scanned));
            for hit in hits.drain(..) {
                let found = Found {
                    text,
                    region,
                    doc,
                    scan: scanned,
                };
                out.extend(self.report(field, &found, hit, facts, whole_doc));
            }
        }
        scratch.hits = hits;
        out.sort_by(by_place);
        // "The North Face" is found as that and as its form "North Face":
        // one match a mark and place, the longer; and of two forms found
        // at one place ("カルビ一" as a misspelling of カルビー and as it
        // spelt with a look-alike), the more similar, else the first.
        // Spans first: most pairs differ there, and comparing ids is a
        // call to `memcmp`.
        let inside = |(i, m): (usize, &TextMatch), (j, n): (usize, &TextMatch)| {
            n.start <= m.start
                && m.end <= n.end
                && ((n.start, n.end) != (m.start, m.end)
                    || n.similarity > m.similarity
                    || n.similarity == m.similarity && j < i)
                && n.mark_id == m.mark_id
        };
        // Dropped in any order, the same are left: a match inside one that
        // is dropped is inside the one that one is inside.
        let mut i = 0;
        while i < out.len() {
            if out.iter().enumerate().any(|n| inside((i, &out[i]), n)) {
                out.remove(i);
            } else {
                i += 1;
            }
        }
        // Moved out at its size: one allocation, where growing the vector
        // a match at a time reallocated it in most listings of many.
        let mut found = Vec::with_capacity(out.len());
        found.append(&mut out);
        scratch.found = out;
        carry_nominative(text, &mut found);
        found
    }

    /// The three passes over `text`, folded into `doc`, into `hits`;
    /// overlapping hits of a mark merged.
    fn hits_in(&self, text: &str, doc: &mut Doc, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        doc.fold(text);
        // Every word's key, dictionary entry and whether the automaton must
        // read it first, each in a loop of its own, the entries asked for
        // as the keys are reckoned: the lookups miss the cache, and this
        // way they overlap. The byte pass has just read the entries of
        // the ASCII words, but not of the words of pieces it does not
        // read (leet, other scripts: the disguised marks themselves), nor
        // any word's entry among the marks' words.
        let Scratch {
            keys,
            known,
            dictionary,
            search,
            joined,
            ..
        } = scratch;
        keys.clear();
        keys.extend(doc.tokens.iter().map(|tok| {
            let key = scan::word_key(doc.skel_of(tok).as_bytes());
            self.prefetch_entry(key);
            self.mark_known.prefetch(key);
            key
        }));
        known.clear();
        known.extend(keys.iter().map(|&k| self.dictionary_entry(k)));
        // Which are dictionary words, before the words of marks are looked
        // up too: the split pass tells a split mark by a half that is none.
        dictionary.clear();
        dictionary.extend(known.iter().map(Option::is_some));
        for (entry, key) in known.iter_mut().zip(keys.iter()) {
            if entry.is_none() {
                *entry = self.mark_known.get(key).copied();
            }
        }
        search.clear();
        search.extend(known.iter().map(|k| k.is_none_or(|k| k.holds())));
        hits.clear();
        self.whole_pass(doc, search, known, hits);
        self.spaced_pass(doc, joined, hits);
        self.respaced_pass(doc, joined, hits);
        self.split_pass(text.as_bytes(), doc, dictionary, joined, hits);
        self.typo_pass(doc, scratch, hits);
        self.spaced_typo_pass(doc, scratch, hits);
        self.glued_typo_pass(doc, scratch, hits);
        self.han_typo_pass(doc, hits);
        self.declined_pass(text, doc, hits);
        best_per_span(hits);
        // `report` asks the word list about each hit's word: a random read
        // in 1 MiB, or two for a plural, asked for here so that they
        // overlap with each other and with the work before them.
        // (A hit that is its mark as the mark is written takes the mark's
        // own answer there, learnt when the matcher was built.)
        // So, too, the mark's id, whose count each match's copy of it
        // raises (the count lies just before the text, mostly on its cache
        // line): one allocation a mark, a random read among 10,000.
        for hit in hits.iter() {
            let Some(m) = self.marks.get(hit.mark as usize) else {
                continue;
            };
            crate::cache::prefetch(&*m.id);
            if m.plain != hit.word {
                self.prefetch_ordinary(&hit.word);
            }
        }
    }

    /// Counterfeit tell-tales anywhere in the text, lower-cased as written,
    /// each once, in order of first appearance.
    pub fn counterfeit_words(&self, text: &str) -> Vec<String> {
        self.counterfeit_of(clamp(text), &mut Doc::default(), None)
    }

    /// Whether a (folded) word is an ordinary dictionary word.
    pub fn is_word(&self, word: &str) -> bool {
        if word.chars().any(char::is_uppercase) {
            self.words.contains(&word.to_lowercase())
        } else {
            self.words.contains(word)
        }
    }

    /// Approximate heap bytes held: automata, indexes, word list.
    pub fn memory_usage(&self) -> usize {
        let marks: usize = self
            .marks
            .iter()
            .map(|m| {
                std::mem::size_of::<CompiledMark>()
                    + m.id.len()
                    + m.plain.capacity()
                    + m.skel.capacity()
                    + m.gaps_have_space.capacity()
            })
            .sum();
        let owners: usize = self
            .owners
            .iter()
            .map(|o| std::mem::size_of::<Vec<(u32, Form)>>() + o.capacity() * std::mem::size_of::<(u32, Form)>())
            .sum();
        self.automaton.memory_usage()
            + self.counterfeit.memory_usage()
            + self.counterfeit_first.memory_usage()
            + self.typos.heap_bytes()
            + self.han_typos.heap_bytes()
            + self.declined.heap_bytes()
            + self.words.heap_bytes()
            + self.known.heap_bytes()
            + self.quiet.heap_bytes()
            + self.mark_known.heap_bytes()
            + self.known_misses.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.mark_words.capacity() * (std::mem::size_of::<u64>() + 1)
            + self.split_keys.capacity() * (std::mem::size_of::<u64>() + 1)
            + self.solid_keys.capacity() * (std::mem::size_of::<u64>() + 1)
            + self.split_pieces.heap_bytes()
            + self.part_words.capacity() * (std::mem::size_of::<u64>() + 1)
            + marks
            + owners
    }

    /// Pass 1: the automaton over the skeleton, whole words and glued.
    /// Only runs of tokens marked in `search` are read: a dictionary word
    /// that holds no mark, nor a word of one, cannot be part of a match.
    /// `known` is each token's dictionary entry.
    fn whole_pass(&self, doc: &Doc, search: &[bool], known: &[Option<Known>], hits: &mut Vec<Hit>) {
        let mut t = 0;
        while t < doc.tokens.len() {
            if !search[t] {
                t += 1;
                continue;
            }
            let first = t;
            while t < doc.tokens.len() && search[t] {
                t += 1;
            }
            let run = doc.tokens[first].skel_start as usize..doc.tokens[t - 1].skel_end as usize;
            match known.get(first).copied().flatten() {
                // A dictionary word (or a word of a mark) alone: the
                // automaton, which sees nothing outside the run it reads,
                // finds in it what it found in the word when the matcher was
                // built (the word has the same skeleton), so it need not read
                // it again.
                Some(k) if t - first == 1 && k.found != NOT_KEPT => {
                    let at = k.misses().end;
                    let kept = self.known_misses.get(at..at + usize::from(k.found)).unwrap_or(&[]);
                    let found = kept.iter().map(|&(p, span)| {
                        (
                            p as usize,
                            run.start + (span >> 16) as usize,
                            run.start + (span & 0xFFFF) as usize,
                        )
                    });
                    self.whole_hits(doc, found, Rest::AsWritten, hits);
                }
                _ => {
                    let found = self
                        .automaton
                        .find_iter(aho_corasick::Input::new(&doc.skel).range(run))
                        .map(|m| (m.pattern().as_usize(), m.start(), m.end()));
                    self.whole_hits(doc, found, Rest::AsWritten, hits);
                }
            }
        }
    }

    /// [`TextMatcher::whole_pass`] given what the automaton found, in
    /// order: (pattern, start, end) in the skeleton.
    fn whole_hits(
        &self,
        doc: &Doc,
        found: impl Iterator<Item = (usize, usize, usize)>,
        rest: Rest<'_>,
        hits: &mut Vec<Hit>,
    ) {
        let skel = doc.skel.as_bytes();
        for (pattern, s, e) in found {
            let token_start = skel[..s].iter().rposition(|&b| b == b' ').map_or(0, |p| p + 1);
            let token_end = skel[e..].iter().position(|&b| b == b' ').map_or(skel.len(), |p| e + p);
            // A leading or trailing "@" or "$" may be a letter ("@rcturo")
            // or a handle or price sign ("@velora"): either way the mark
            // after it starts the word.
            // In Chinese or Japanese, written without spaces, a word may
            // also start and end where the script or the segmentation says.
            let starts_word = token_start == s
                || (token_start + 1 == s && doc.edge_symbol_at(token_start))
                || cjk::boundary(&doc.skel, s);
            let suffix = doc.skel.get(e..token_end).unwrap_or("");
            let plural = starts_word && matches!(suffix, "s" | "es");
            let whole = starts_word
                && (suffix.is_empty() || (token_end == e + 1 && doc.edge_symbol_at(e)) || cjk::boundary(&doc.skel, e));
            let span_end = if plural { token_end } else { e };
            let (u0, u1) = doc.unit_range(s, span_end);
            let flags = doc.flags(u0, u1);
            // Built for the first owner that passes the glue check.
            let mut plain: Option<String> = None;
            for &(mark, form) in self.owners.get(pattern).map_or(&[][..], Vec::as_slice) {
                let Some(cm) = self.marks.get(mark as usize) else {
                    continue;
                };
                let glued = !(whole || plural);
                if glued && !self.glue_ok(doc, cm, (token_start, s), (e, token_end), rest) {
                    continue;
                }
                let joined = glued
                    || match form {
                        Form::Solid => cm.spaced(),
                        // A space in the mark written as punctuation.
                        Form::Spaced => doc
                            .gaps_have_space(s, e)
                            .iter()
                            .zip(&cm.gaps_have_space)
                            .any(|(&t, &m)| m && !t),
                    };
                let plain = plain.get_or_insert_with(|| doc.plain(s, e));
                hits.push(Hit {
                    mark,
                    u0,
                    u1,
                    disguises: disguises(flags, *plain != cm.plain, false, joined, false),
                    similarity: 1.0,
                    // Glued, the word the reader sees is the whole token;
                    // but a short mark that is an ordinary word is glued
                    // only written apart by case ("Gap|Kids"), and is
                    // read as that word (`short_glue_ok`).
                    word: if glued && !(cm.ordinary && cm.len < SHORT) {
                        doc.plain(token_start, token_end)
                    } else if span_end == e {
                        plain.clone()
                    } else {
                        doc.plain(s, span_end)
                    },
                });
            }
        }
    }

    /// Whether a mark glued inside a longer word is believable; see the
    /// module docs. `before` and `after` are the skeleton ranges of the
    /// rest of the word.
    fn glue_ok(
        &self,
        doc: &Doc,
        mark: &CompiledMark,
        before: (usize, usize),
        after: (usize, usize),
        rest: Rest<'_>,
    ) -> bool {
        let text = |(a, b): (usize, usize)| doc.skel.get(a..b).unwrap_or("");
        if let Some(ok) = cjk::cjk_glue(&mark.skel, text(before), text(after)) {
            return ok;
        }
        // A hashtag glues its words as a rule ("#عصيرجهينة", juice and the
        // mark; "#ஆச்சிமசாலா"): where no word list here reads the rest, in a
        // script without case, a mark of three letters or more at either
        // end of one is a word of it.
        let caseless = !mark.skel.chars().any(|c| c.is_lowercase() || c.is_ascii_alphanumeric());
        if caseless && mark.len >= SHORT - 1 && (before.0 == before.1 || after.0 == after.1) && doc.hashtag_at(before.0)
        {
            return true;
        }
        if mark.len < SHORT {
            return self.short_glue_ok(doc, mark, before, after);
        }
        if mark.len >= LONG_GLUE {
            return true;
        }
        let short = mark.len <= SHORT;
        if short && before.0 != before.1 && after.0 != after.1 {
            // Inside a word, not at its edge: "gl-oryx-box".
            return false;
        }
        // A short mark glued to one word of fewer letters than itself is
        // glued to almost any string of three letters a large word list
        // holds ("mars" + "ala"): that word must name goods ("tumibag").
        // The word list is English; goods are named in other languages
        // too ("tous*joyas*", Spanish jewels).
        let words_ok = |rest: &str, is_word: &dyn Fn(&str) -> bool| {
            if short && rest.chars().count() < SHORT {
                goods::is_goods(rest)
            } else {
                words_glued(rest, is_word) || goods_glued(rest, is_word)
            }
        };
        let rest_ok = |(a, b): (usize, usize), split: usize| {
            if a == b || doc.case_boundary(split) {
                return true;
            }
            match rest {
                Rest::AsWritten => {
                    let rest = doc.plain(a, b);
                    rest.chars().all(|c| c.is_ascii_digit())
                        || words_ok(&rest, &|w| self.words.contains(w))
                        || (!short && rest.chars().count() <= 2)
                }
                // A rest as long as written is at least as long as its
                // skeleton.
                Rest::AnySpelling(dictionary) => {
                    let skel = doc.skel.get(a..b).unwrap_or("");
                    skel.chars().any(|c| c.is_ascii_digit())
                        || words_ok(skel, &|w| dictionary.contains_key(&scan::word_key(w.as_bytes())))
                        || (!short && skel.chars().count() <= 2)
                }
            }
        };
        rest_ok(before, before.1) && rest_ok(after, after.0)
    }

    /// Whether a mark of fewer than [`SHORT`] letters glued into a longer
    /// word is believable: at one end of it, glued to a noun of goods
    /// ("uggboots", "jblspeaker"), as sellers write the brand and what it
    /// is sold on as one word, or written as a word of its own, in
    /// capitals or by CamelCase ("DJIMini4Pro", "MiniDJI", "GapKids":
    /// [`Doc::written_apart`]); or inside it, written apart so both sides
    /// ("OfficialLeeStore"). Glued to goods, not where the mark is itself
    /// an ordinary word ("gap", "sun"): there the letters are more likely
    /// chance; written apart, such a mark is that word as a seller spaces
    /// it, and is reported as such for the scorer to weigh. Never where
    /// the whole is an ordinary word ("sunhat", "foxglove"). The scorer
    /// still asks whether those goods are the mark's.
    fn short_glue_ok(&self, doc: &Doc, mark: &CompiledMark, before: (usize, usize), after: (usize, usize)) -> bool {
        let mark_at = (before.1, after.0);
        let whole_ordinary = || self.is_ordinary(&doc.plain(before.0, after.1));
        let rest = match (before.0 == before.1, after.0 == after.1) {
            (true, false) => after,
            (false, true) => before,
            _ => {
                return doc.written_apart(mark_at, false) && doc.written_apart(mark_at, true) && !whole_ordinary();
            }
        };
        let glue = doc.plain(rest.0, rest.1);
        let apart = doc.written_apart(mark_at, rest == after)
            || (rest == after && doc.capitals_then_small(mark_at) && words_glued(&glue, |w| self.words.contains(w)));
        (apart || !mark.ordinary && goods_glued(&glue, |w| self.words.contains(w))) && !whole_ordinary()
    }

    /// Pass 2: runs of single letters (or syllables of Hangul, see
    /// [`one_syllable`]), squashed and matched whole.
    fn spaced_pass(&self, doc: &Doc, joined: &mut Joined, hits: &mut Vec<Hit>) {
        let Joined {
            units: run,
            skel,
            map,
            misspelt,
            misspelt_runs,
            spaced_words,
            ..
        } = joined;
        misspelt.clear();
        misspelt_runs.clear();
        spaced_words.clear();
        let mut squash = |run: &[u32], tokens: (usize, usize), hits: &mut Vec<Hit>| {
            if self.squash(doc, run, (skel, map), hits) {
                return;
            }
            if run.len() >= SHORT {
                misspelt.extend_from_slice(run);
                misspelt_runs.push((misspelt.len() - run.len(), misspelt.len()));
            }
            if !run.is_empty() && tokens.1 - tokens.0 >= SPACED_MIN_RUN {
                spaced_words.push(tokens);
            }
        };
        run.clear();
        let mut from = 0;
        for (t, tok) in doc.tokens.iter().enumerate() {
            if tok.end - tok.start != 1 && !one_syllable(doc, tok) {
                squash(run, (from, t), hits);
                run.clear();
                continue;
            }
            let continues = t > 0 && !run.is_empty() && {
                let gap = doc
                    .units
                    .get(doc.tokens[t - 1].end as usize..tok.start as usize)
                    .unwrap_or(&[]);
                gap.len() <= SPACED_MAX_GAP && !gap.iter().any(|u| u.ch == '\n')
            };
            if !continues {
                squash(run, (from, t), hits);
                run.clear();
            }
            if run.is_empty() {
                from = t;
            }
            run.extend(tok.start..tok.end);
        }
        squash(run, (from, doc.tokens.len()), hits);
    }

    /// Pass 2c: one word of a mark of several spaced out ("Fruit of the
    /// L o o m", "A l e x and A n i"). Each run of single letters that
    /// spelt no mark whole ([`TextMatcher::spaced_pass`]) is squashed into
    /// one word among the words as written, and the automaton reads the
    /// region so; a match counts where it spans words of its own, at least
    /// two, one of them such a run: a word spaced out is a disguise
    /// whichever word of the mark it is, and one word alone was the spaced
    /// pass's to find.
    fn respaced_pass(&self, doc: &Doc, joined: &mut Joined, hits: &mut Vec<Hit>) {
        let Joined {
            units,
            skel,
            map,
            spaced_words,
            ..
        } = joined;
        if spaced_words.is_empty() {
            return;
        }
        skel.clear();
        map.clear();
        // Where each squashed run lies in `skel`.
        let mut squashed = Vec::with_capacity(spaced_words.len());
        let mut runs = spaced_words.iter().peekable();
        let mut t = 0;
        while let Some(tok) = doc.tokens.get(t) {
            if t > 0 {
                skel.push(' ');
                map.push((doc.tokens[t - 1].end, tok.start));
            }
            let from = skel.len();
            match runs.next_if(|&&(first, _)| first == t) {
                Some(&(first, end)) => {
                    units.clear();
                    units.extend(doc.tokens[first..end].iter().flat_map(|t| t.start..t.end));
                    normalize::skeletonize(&doc.units, units, skel, map);
                    squashed.push((from, skel.len()));
                    t = end;
                }
                None => {
                    let (s, e) = (tok.skel_start as usize, tok.skel_end as usize);
                    skel.push_str(doc.skel_of(tok));
                    map.extend_from_slice(doc.map.get(s..e).unwrap_or(&[]));
                    t += 1;
                }
            }
        }
        let bytes = skel.as_bytes();
        let starts = |at: usize| at == 0 || bytes[at - 1] == b' ';
        let ends = |at: usize| at == bytes.len() || bytes[at] == b' ';
        for m in self.automaton.find_iter(&**skel) {
            let (s, e) = (m.start(), m.end());
            let several = bytes[s..e].contains(&b' ');
            let holds_run = squashed.iter().any(|&(a, b)| s <= a && b <= e);
            if several && holds_run && starts(s) && ends(e) {
                self.spaced_hits(doc, (skel, map), (m.pattern().as_usize(), s, e), false, hits);
            }
        }
    }

    /// Matches the run of single letters `run` squashed into one word;
    /// whether a match spans it whole.
    fn squash(
        &self,
        doc: &Doc,
        run: &[u32],
        (skel, map): (&mut String, &mut Vec<(u32, u32)>),
        hits: &mut Vec<Hit>,
    ) -> bool {
        // Two initials joined by a full stop ("L.V.") are written as an
        // abbreviation, not spaced out by chance as "L V" (a size and a
        // neckline) may be: a mark of two letters is matched so, whole.
        let initials = run.len() == 2
            && matches!(
                doc.units.get(run[0] as usize + 1..run[1] as usize),
                Some([dot]) if dot.ch == '.'
            );
        let fewest = if initials { 2 } else { SPACED_MIN_RUN };
        // A syllable of Hangul is a letter written as two or three (its
        // jamo): alone, it is a word, not a word spaced out.
        let letters = run.windows(2).filter(|w| !same_letter(doc, w[0], w[1])).count() + 1;
        if run.len() < fewest || letters < 2 {
            return false;
        }
        skel.clear();
        map.clear();
        normalize::skeletonize(&doc.units, run, skel, map);
        let mut whole = false;
        for m in self.automaton.find_iter(&**skel) {
            let (s, e) = (m.start(), m.end());
            if skel.get(s..e).is_none_or(|p| p.chars().count() < fewest) {
                continue;
            }
            whole |= s == 0 && e == skel.len();
            self.spaced_hits(doc, (skel, map), (m.pattern().as_usize(), s, e), false, hits);
        }
        whole
    }

    /// Pass 3b: the runs of single letters that spell no mark whole, looked
    /// up as one word for a misspelt mark ("G u c i", "B.a.l.e.n.c.i.g.a"):
    /// a seller who spaces a mark out may misspell it too. Only runs of
    /// [`SHORT`] letters or more, for a mark of more than [`SHORT`]: runs
    /// of a few letters ("S M L", "A B C") are a letter from many a short
    /// mark.
    fn spaced_typo_pass(&self, doc: &Doc, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        if scratch.joined.misspelt_runs.is_empty() {
            return;
        }
        let units = std::mem::take(&mut scratch.joined.misspelt);
        let runs = std::mem::take(&mut scratch.joined.misspelt_runs);
        let mut misses = std::mem::take(&mut scratch.misses);
        let (mut skel, mut map) = (String::new(), Vec::new());
        for &(from, to) in &runs {
            let run = &units[from..to];
            skel.clear();
            map.clear();
            normalize::skeletonize(&doc.units, run, &mut skel, &mut map);
            self.near_misses(&skel, (1, 1..=2), None, scratch, &mut misses);
            let (Some(&(u0, _)), Some(&(_, u1))) = (map.first(), map.last()) else {
                continue;
            };
            let plain = normalize::plain_of(&doc.units, &skel, &map, 0, skel.len());
            let leet = plain.chars().any(|c| !c.is_alphabetic());
            let flags = doc.flags(u0, u1);
            let spaced = |cm: &CompiledMark| (cm.len > SHORT).then(|| disguises(flags, leet, true, false, true));
            self.near_miss_hits(&misses, (u0, u1), &plain, spaced, hits);
        }
        scratch.joined.misspelt = units;
        scratch.joined.misspelt_runs = runs;
        scratch.misses = misses;
    }

    /// The hits of the automaton's match of `pattern` at `s..e` of `skel`,
    /// a skeleton joined from pieces written apart (`map` takes its bytes
    /// back to units): the marks that own the pattern (only those of one
    /// word where `one_word`), spaced, or leet where the letters differ.
    fn spaced_hits(
        &self,
        doc: &Doc,
        (skel, map): (&str, &[(u32, u32)]),
        (pattern, s, e): (usize, usize, usize),
        one_word: bool,
        hits: &mut Vec<Hit>,
    ) {
        let (Some(&(u0, _)), Some(&(_, u1))) = (map.get(s), map.get(e.wrapping_sub(1))) else {
            return;
        };
        let plain = normalize::plain_of(&doc.units, skel, map, s, e);
        let flags = doc.flags(u0, u1);
        for &(mark, _) in self.owners.get(pattern).map_or(&[][..], Vec::as_slice) {
            let Some(cm) = self.marks.get(mark as usize).filter(|cm| !one_word || cm.words == 1) else {
                continue;
            };
            hits.push(Hit {
                mark,
                u0,
                u1,
                disguises: disguises(flags, plain != cm.plain, true, false, false),
                similarity: 1.0,
                word: plain.clone(),
            });
        }
    }

    /// Pass 2b: a one-word mark split in two or three by separators ("Gu
    /// cci", "N ike", "Rol.ex", "Bal en ciaga"): each run of two or three
    /// neighbouring words is joined and matched whole. Only where one piece
    /// is a word of two letters or more that no dictionary holds ("bike I"
    /// is no "Bikel"), or where only punctuation parts the pieces, which no
    /// phrase does ("Bright-well", [`scan::parts_words`]), or where two
    /// dictionary words spell it ("Arm ani", "Play station"): those are
    /// reported as the two words, each an ordinary word, since "bright
    /// well" may be a phrase and not the mark Brightwell written apart, and
    /// count only for the mark's goods. Every split is reported as its
    /// pieces so: one that no dictionary holds makes the whole no ordinary
    /// word, whatever word the pieces spell ("Bu tter fly"). In three
    /// pieces, that word must be one the byte pass reads
    /// ([`scan::read_as_words`]) and no word of a mark of several words:
    /// the byte pass lets only such words ([`scan::Part::Itself`]) reach
    /// two words away, not every loud word.
    ///
    /// A mark of several words is joined so too where its words were split
    /// anew, in up to [`scan::SPLIT_RUN`] pieces ("Hel ly Han sen", "Daniel
    /// Well ington", "Jo seph Jo seph"), by the same tells (in three pieces
    /// or more, a word the byte pass reads that is no word of a mark of
    /// several, which it lets reach as far as the run), but not where each
    /// piece is one of its words as written: that is the mark itself, which
    /// the passes before found.
    /// `text` is the text `doc` folds; `dictionary` says which tokens are
    /// dictionary words.
    fn split_pass(&self, text: &[u8], doc: &Doc, dictionary: &[bool], joined: &mut Joined, hits: &mut Vec<Hit>) {
        let Joined {
            units,
            text: joined,
            skel,
            map,
            pieces: telling,
            ..
        } = joined;
        // A piece of two letters or more that is no dictionary word: what
        // tells a split mark from a phrase, and what the byte pass reads
        // loud, so a region holds every piece. Being part of the mark it
        // spells, it spells part of a mark of one word: most words in no
        // dictionary do not (glued or misspelt marks), and their runs need
        // not be joined.
        telling.clear();
        telling.extend(doc.tokens.iter().enumerate().map(|(i, tok)| {
            if tok.skel_end - tok.skel_start < 2 || dictionary.get(i).copied().unwrap_or(false) {
                return Piece::No;
            }
            let key = scan::word_key(doc.skel_of(tok).as_bytes());
            if !self.split_pieces.may_contain(key) {
                return Piece::No;
            }
            let span = |u: u32| doc.units.get(u as usize).map(|u| (u.start as usize, u.end as usize));
            let read = match (span(tok.start), span(tok.end.wrapping_sub(1))) {
                (Some((from, _)), Some((_, to))) => scan::read_as_words(text, from, to),
                _ => false,
            };
            if read && !self.part_words.contains(&key) {
                Piece::OfThree
            } else {
                Piece::OfTwo
            }
        }));
        for first in 0..doc.tokens.len() {
            for n in 2..=scan::SPLIT_RUN {
                let Some(pieces) = doc.tokens.get(first..first + n) else {
                    break;
                };
                let letters: usize = pieces.iter().map(|t| (t.skel_end - t.skel_start) as usize).sum();
                if letters > self.longest_skel {
                    break;
                }
                if letters < SHORT {
                    continue;
                }
                let gap = |(a, b): (&normalize::Token, &normalize::Token)| {
                    doc.units.get(a.end as usize..b.start as usize).unwrap_or(&[])
                };
                // Or punctuation and no space between every two pieces
                // ("Hub-lot"): a word written apart, whatever its pieces.
                let within = |gap: &[normalize::Unit]| scan::parts_words(gap.iter().map(|u| u.ch));
                let needs = if n == 2 { Piece::OfTwo } else { Piece::OfThree };
                let parted = pieces.iter().zip(&pieces[1..]).map(gap).all(within);
                // Or two dictionary words: found, but as ordinary words,
                // which count only for the mark's goods (the scorer's
                // rule), as "bright well lit room" is a phrase.
                let spaced = |gap: &[normalize::Unit]| gap.iter().any(|u| u.ch.is_whitespace());
                let word = |i: usize| {
                    let t = &pieces[i];
                    dictionary.get(first + i).copied().unwrap_or(false)
                        && t.skel_end - t.skel_start >= SPLIT_HALF as u32
                };
                // Or a letter alone and a dictionary word ("O mega", "B
                // ape", "Role x"), likewise.
                let ordinary = n == 2
                    && pieces.iter().zip(&pieces[1..]).map(gap).all(spaced)
                    && (word(0) && word(1)
                        || word(1) && lone_letter(doc, first)
                        || word(0) && lone_letter(doc, first + 1));
                if !telling[first..first + n].iter().any(|&p| p >= needs) && !parted && !ordinary {
                    continue;
                }
                let apart = |gap: &[normalize::Unit]| gap.len() > SPACED_MAX_GAP || gap.iter().any(|u| u.ch == '\n');
                if pieces.iter().zip(&pieces[1..]).map(gap).any(apart) {
                    break;
                }
                joined.clear();
                pieces.iter().for_each(|t| joined.push_str(doc.skel_of(t)));
                if !self.joins_to_mark(joined.as_bytes()) {
                    continue;
                }
                // A mark of several words: split anew, not as written
                // (each piece a word of such a mark), and in more than
                // three pieces only such a mark.
                let key = scan::word_key(joined.as_bytes());
                let several = self.solid_keys.contains(&key);
                let word_of_mark =
                    |t: &normalize::Token| self.part_words.contains(&scan::word_key(doc.skel_of(t).as_bytes()));
                if several && pieces.iter().all(word_of_mark) || !several && n > 3 {
                    continue;
                }
                units.clear();
                units.extend(pieces.iter().flat_map(|t| t.start..t.end));
                skel.clear();
                map.clear();
                normalize::skeletonize(&doc.units, units, skel, map);
                let Some(m) = self.automaton.find(&**skel) else {
                    continue;
                };
                if m.start() != 0 || m.end() != skel.len() {
                    continue;
                }
                let before = hits.len();
                self.spaced_hits(
                    doc,
                    (skel, map),
                    (m.pattern().as_usize(), 0, skel.len()),
                    !several,
                    hits,
                );
                // Reported as the pieces, each of which the word list is
                // asked about ([`is_ordinary`]): "Butter fly" may be two
                // words, but "But ter fly" is no ordinary word a seller
                // writes, whatever word the pieces spell.
                let plain = |t: &normalize::Token| doc.plain(t.skel_start as usize, t.skel_end as usize);
                let words = pieces.iter().map(plain).collect::<Vec<_>>().join(" ");
                hits[before..].iter_mut().for_each(|hit| hit.word.clone_from(&words));
            }
        }
    }

    /// Whether `joined`, the skeletons of two or three words run together,
    /// is the skeleton of a mark of one word: the split pass's test, which
    /// the byte pass asks too.
    fn joins_to_mark(&self, joined: &[u8]) -> bool {
        (SHORT..=self.longest_skel).contains(&joined.len()) && self.split_keys.contains(&scan::word_key(joined))
    }

    /// Pass 3d: a mark written in Han misspelt with a look-alike character
    /// (周大褔, 康帅傅): [`cjk::Misspelt`].
    fn han_typo_pass(&self, doc: &Doc, hits: &mut Vec<Hit>) {
        if self.han_typos.is_empty() {
            return;
        }
        for tok in &doc.tokens {
            let word = tok.skel_start as usize..tok.skel_end as usize;
            self.han_typos.find(&doc.skel, word, |mark, s, e| {
                let Some(cm) = self.marks.get(mark as usize) else {
                    return;
                };
                let (u0, u1) = doc.unit_range(s, e);
                hits.push(Hit {
                    mark,
                    u0,
                    u1,
                    disguises: disguises(doc.flags(u0, u1), false, false, false, true),
                    similarity: cm.similarity(1),
                    word: doc.plain(s, e),
                });
            });
        }
    }

    /// Pass 3e: marks in Cyrillic declined ([`inflect`]): «Красного
    /// Октября» for Красный Октябрь. Reported as written, as a plural is.
    fn declined_pass(&self, text: &str, doc: &Doc, hits: &mut Vec<Hit>) {
        self.declined.find(text, doc, |mark, first, last| {
            let (Some(a), Some(b)) = (doc.tokens.get(first), doc.tokens.get(last)) else {
                return;
            };
            hits.push(Hit {
                mark,
                u0: a.start,
                u1: b.end,
                disguises: disguises(doc.flags(a.start, b.end), false, false, false, false),
                similarity: 1.0,
                word: doc.plain(a.skel_start as usize, b.skel_end as usize),
            });
        });
    }

    /// Pass 3: misspellings, through the deletion index.
    fn typo_pass(&self, doc: &Doc, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        let skel_of = |tok: &normalize::Token| doc.skel_of(tok);
        // Keys and entries (of `known` or `mark_known`) as `hits_in` looked
        // them up.
        let keys = std::mem::take(&mut scratch.keys);
        let known = std::mem::take(&mut scratch.known);
        let dictionary = std::mem::take(&mut scratch.dictionary);
        let mut window = std::mem::take(&mut scratch.window);
        let mut misses = std::mem::take(&mut scratch.misses);
        scratch.strangers.clear();
        for t in 0..doc.tokens.len() {
            let first = &doc.tokens[t];
            for k in 1..=self.max_words {
                let Some(last) = doc.tokens.get(t + k - 1) else {
                    break;
                };
                if k == 1 {
                    match known[t] {
                        Some(k) if k.misses().is_empty() => continue,
                        Some(k) => {
                            misses.clear();
                            misses.extend(self.near_misses_of(k));
                        }
                        None => {
                            scratch.strangers.push(t as u32);
                            let at = first.skel_start as usize..first.skel_end as usize;
                            self.near_misses(skel_of(first), (1, 1..=2), Some((doc, at)), scratch, &mut misses);
                            // The word as spelt, so read: its "rn" or "vv"
                            // may be the typo itself, one edit as spelt; or
                            // a letter held down was the typo, and the mark
                            // has that letter once or twice.
                            let mut more = Vec::new();
                            for held in [2, 1] {
                                let respelt = doc.respelt_skel_of(first, held, &mut window);
                                let edits = match respelt {
                                    normalize::Respelt::AsIs => break,
                                    normalize::Respelt::Unmerged => 1..=1,
                                    normalize::Respelt::Held => 0..=0,
                                };
                                self.near_misses(&window, (1, edits), None, scratch, &mut more);
                                add_misses(&mut misses, &more);
                                // No letter held down: one spelling.
                                if respelt == normalize::Respelt::Unmerged {
                                    break;
                                }
                            }
                        }
                    }
                } else {
                    let intact = keys[t..t + k].iter().any(|key| self.mark_words.contains(key));
                    // Each word no dictionary holds, or a word of a mark:
                    // what a mark of several words misspelt is made of.
                    // With no word of a mark in the run (most runs), that
                    // asks the dictionary alone.
                    let strange = (t..t + k).all(|i| {
                        !dictionary.get(i).copied().unwrap_or(false) || (intact && self.mark_words.contains(&keys[i]))
                    });
                    // A run with one edit has all its words but one intact:
                    // look it up only if one is a word of a mark. A run
                    // with none intact is misspelt in two words or more
                    // ("Botega Venetta", "Calvinn Klien"), as a mark of
                    // several words allows where it is long enough: looked
                    // up for two edits, but only where no word is a
                    // dictionary word that is no word of a mark, nor a
                    // letter alone (runs of those are the spaced passes'),
                    // as few runs are (the two-edit lookup of a long run
                    // costs a hundred probes).
                    let edits = if intact {
                        1..=1
                    } else if strange && doc.tokens[t..t + k].iter().all(|tok| tok.skel_end - tok.skel_start > 1) {
                        1..=2
                    } else {
                        continue;
                    };
                    window.clear();
                    for tok in &doc.tokens[t..t + k] {
                        window.push_str(skel_of(tok));
                    }
                    // A sound spelt otherwise is an edit too, but not in a
                    // dictionary word that is no word of a mark.
                    let sounds = strange.then_some((doc, first.skel_start as usize..last.skel_end as usize));
                    self.near_misses(&window, (k, edits), sounds, scratch, &mut misses);
                    // A typo that makes an "rn" or "vv" ("Ralph Laurne") is
                    // one edit as written, as in a word alone (above); only
                    // where the run as read is no near miss, as few are,
                    // and that one edit, to spare the look-ups.
                    if misses.is_empty() {
                        self.spelt_run_misses(doc, t..t + k, &mut window, scratch, &mut misses);
                    }
                }
                if misses.is_empty() {
                    continue;
                }
                // The same words for every mark they are a near miss of.
                let (u0, u1) = (first.start, last.end);
                let word = doc.plain(first.skel_start as usize, last.skel_end as usize);
                // Digits or symbols among letters: leet as well.
                let leet = word.chars().any(|c| !c.is_alphabetic());
                let flags = doc.flags(u0, u1);
                let typo = |cm: &CompiledMark| Some(disguises(flags, leet, false, k == 1 && cm.spaced(), true));
                self.near_miss_hits(&misses, (u0, u1), &word, typo, hits);
            }
        }
        scratch.keys = keys;
        scratch.known = known;
        scratch.dictionary = dictionary;
        scratch.window = window;
        scratch.misses = misses;
    }

    /// The marks the run of words `run` of `doc` is one edit from as
    /// written ([`Doc::spelt_skel`]), into `misses`, where it has an "rn"
    /// or "vv" the skeleton reads as one letter. Out of line: few runs
    /// have one, and the typo pass is the matcher's innermost loop.
    #[cold]
    #[inline(never)]
    fn spelt_run_misses(
        &self,
        doc: &Doc,
        run: std::ops::Range<usize>,
        window: &mut String,
        scratch: &mut Scratch,
        misses: &mut Vec<(u32, usize)>,
    ) {
        let k = run.len();
        if doc.tokens.get(run).is_some_and(|run| doc.spelt_skel(run, window)) {
            let mut more = Vec::new();
            self.near_misses(window, (k, 1..=1), None, scratch, &mut more);
            add_misses(misses, &more);
        }
    }

    /// Pass 3c: a misspelt mark glued to a word ("Nikke" in "nikkeshoes",
    /// "Adiddas" in "cheapadiddas"): sellers glue a mark to the next word
    /// of a title whether or not they misspell it. In a word that no
    /// dictionary holds, is no word of a mark, and in which no other pass
    /// found anything, each way of cutting off its start or end as glue
    /// leaves a rest of [`SHORT`] letters or more, which is looked up as if
    /// it stood alone ([`TextMatcher::near_misses`], sounds included) when
    /// it is no dictionary word itself ("bikeshoes" is a bike's shoes,
    /// whatever mark "bike" is one letter from), nor is the word two
    /// dictionary words run together ("hemesale" is no "Hemes" and "ale").
    /// The glue must be what a glued short mark needs: a dictionary word
    /// of [`GLUED_WORD`] letters or more, or two run together
    /// ([`words_glued`]), or a number or model code (a digit). So a
    /// misspelling glued is found where the same misspelling written apart
    /// is, and only beside glue a seller writes; a long mark misspelt and
    /// glued to a word in no dictionary ("Feragamogancini") is not, as
    /// each cut would cost a look-up.
    fn glued_typo_pass(&self, doc: &Doc, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        if scratch.strangers.is_empty() {
            return;
        }
        let strangers = std::mem::take(&mut scratch.strangers);
        let mut misses = std::mem::take(&mut scratch.misses);
        let found = hits.len();
        let is_word = |w: &str| self.dictionary_entry(scan::word_key(w.as_bytes())).is_some();
        // The glue's skeleton, and its place in the text: leet is undone in
        // the skeleton, so a digit is looked for as written.
        let glue_ok = |glue: &str, at: std::ops::Range<usize>| {
            (glue.len() >= GLUED_WORD && words_glued(glue, is_word))
                || doc.plain(at.start, at.end).bytes().any(|b| b.is_ascii_digit())
        };
        for tok in strangers.iter().filter_map(|&t| doc.tokens.get(t as usize)) {
            let skel = doc.skel_of(tok);
            if skel.len() <= SHORT
                || !skel.bytes().all(|b| b.is_ascii_alphanumeric())
                || hits[..found].iter().any(|h| h.u0 < tok.end && tok.start < h.u1)
            {
                continue;
            }
            // Read whole as dictionary words, it is a compound of them
            // ("hemesale"), however else it may be cut ("hemes" and "ale").
            if words_glued(skel, is_word) {
                continue;
            }
            let (start, n) = (tok.skel_start as usize, skel.len());
            // Each cut as (glue, rest): the glue first, then last.
            let cuts = (1..=n - SHORT)
                .map(|p| (0..p, p..n))
                .chain((SHORT..n).map(|p| (p..n, 0..p)));
            for (glue, rest) in cuts {
                let glue_at = start + glue.start..start + glue.end;
                let (glue, window) = (&skel[glue], &skel[rest.clone()]);
                if !window.bytes().all(|b| b.is_ascii_lowercase())
                    || is_word(window)
                    || !glue_ok(glue, glue_at)
                    || self.mark_known.get(&scan::word_key(window.as_bytes())).is_some()
                {
                    continue;
                }
                let at = start + rest.start..start + rest.end;
                let units = doc.unit_range(at.start, at.end);
                let lookup = (1..=2, Some((doc, at.clone())));
                self.glued_near_misses((doc, tok), window, (units, at), lookup, (scratch, &mut misses), hits);
            }
            // Where the skeleton merged two letters across the cut into
            // one ("rn" read as "m": "cartiernecklace", "silvernike"),
            // neither the automaton nor the cuts above see the mark, as
            // written or misspelt: the word is cut between the two, each
            // side spelt as written, and the mark's side looked up with
            // no edit too.
            for (k, merged) in skel.bytes().enumerate() {
                let (lo, hi) = doc.unit_range(start + k, start + k + 1);
                let (end, begin) = match merged {
                    _ if hi - lo != 2 => continue,
                    b'm' => ('r', 'n'),
                    b'w' => ('v', 'v'),
                    _ => continue,
                };
                // A capital after a small letter begins a word of its own
                // ("StaedtlerNoris"): the two were never one letter, and
                // the glue need be no word, as at any change of case.
                let new_word = doc.is_letter(lo, false) && doc.is_letter(lo + 1, true);
                let before = format!("{}{end}", &skel[..k]);
                let after = format!("{begin}{}", &skel[k + 1..]);
                // Each side as (glue, mark's side, its units, its skeleton
                // bytes with the merged letter).
                let sides = [
                    (&after, &before, (tok.start, hi - 1), start..start + k + 1),
                    (&before, &after, (hi - 1, tok.end), start + k..start + n),
                ];
                for (glue, window, (u0, u1), at) in sides {
                    if window.len() < SHORT
                        || !window.bytes().all(|b| b.is_ascii_lowercase())
                        || is_word(window)
                        || !(new_word || (glue.len() >= GLUED_WORD && words_glued(glue, is_word)))
                    {
                        continue;
                    }
                    // The side's letters as written hold the other half
                    // of the merged one: no sounds.
                    let lookup = (0..=2, None);
                    self.glued_near_misses((doc, tok), window, ((u0, u1), at), lookup, (scratch, &mut misses), hits);
                }
            }
        }
        scratch.strangers = strangers;
        scratch.misses = misses;
    }

    /// [`TextMatcher::glued_typo_pass`]'s look-up of `window`, the side
    /// of `tok` that may be a mark (its units, and its skeleton bytes `at`
    /// for what it is written as), within `edits` (and by `sounds`, see
    /// [`TextMatcher::near_misses`]), and its hits: glued, the word the
    /// reader sees is the whole token, as for a mark glued as written.
    fn glued_near_misses(
        &self,
        (doc, tok): (&Doc, &normalize::Token),
        window: &str,
        ((u0, u1), at): ((u32, u32), std::ops::Range<usize>),
        (edits, sounds): (std::ops::RangeInclusive<usize>, Option<(&Doc, std::ops::Range<usize>)>),
        (scratch, misses): (&mut Scratch, &mut Vec<(u32, usize)>),
        hits: &mut Vec<Hit>,
    ) {
        self.near_misses(window, (1, edits), sounds, scratch, misses);
        if misses.is_empty() {
            return;
        }
        let leet = doc.plain(at.start, at.end).chars().any(|c| !c.is_alphabetic());
        let flags = doc.flags(u0, u1);
        let glued = |_: &CompiledMark| Some(disguises(flags, leet, false, true, true));
        let word = doc.plain(tok.skel_start as usize, tok.skel_end as usize);
        self.near_miss_hits(misses, (u0, u1), &word, glued, hits);
    }

    /// The marks `window` (the skeleton of `k` words run together) is a
    /// misspelling of, with the edit distance, into `out`: at most the
    /// mark's [`CompiledMark::edits`], and within `edits` (from 1: the
    /// mark as written is the automaton's to find).
    ///
    /// Where `sounds` gives the window's place in its text (a [`Doc`] and
    /// the window's skeleton bytes there), a mark it spells sound for
    /// sound but for how a sound or two are spelt ([`typo::sound_slips`],
    /// on the letters as written) is a misspelling too, each sound spelt
    /// otherwise one edit: "Ralph Loren", "Ribok", "Roleks". Not for a
    /// short mark, which needs more than a slip, nor a short word ("vera"
    /// is no "Vaira": most short words sound like something), and not
    /// where the window is, or holds, a dictionary word that is no word of
    /// the mark (the caller's to say): "Canada geese" is the birds, and
    /// such a spelling of a mark that is a dictionary word is that word.
    fn near_misses(
        &self,
        window: &str,
        (k, edits): (usize, std::ops::RangeInclusive<usize>),
        sounds: Option<(&Doc, std::ops::Range<usize>)>,
        scratch: &mut Scratch,
        out: &mut Vec<(u32, usize)>,
    ) {
        let (least, most) = edits.into_inner();
        out.clear();
        let Scratch {
            chars,
            mark_chars,
            candidates,
            probes,
            plain,
            ..
        } = scratch;
        chars.clear();
        chars.extend(window.chars());
        if !self.typos.may_match(chars.len()) {
            return;
        }
        // The window's sound key, and its letters as written, reckoned for
        // the first candidate that shares the key.
        let sound = sounds.as_ref().and_then(|_| typo::sound_key(chars));
        self.typos.candidates(chars, (most, sound), probes, candidates);
        plain.clear();
        for &mark in candidates.iter() {
            let Some(cm) = self.marks.get(mark as usize) else {
                continue;
            };
            // A run of words can only be a misspelt mark of as many words;
            // one word can be a misspelt mark of any.
            if k > 1 && cm.words != k {
                continue;
            }
            // A short mark's misspelling keeps its first letter.
            if cm.len <= SHORT && chars.first() != cm.skel.chars().next().as_ref() {
                continue;
            }
            let edits = cm.edits().min(most);
            // Sounds spelt otherwise are as many slips as the mark allows,
            // even where the caller allows fewer edits, as in a run of
            // words with one intact: "Tommy Hillfigger" spells each sound
            // of "Hilfiger", two of them doubled. Not so other edits: two
            // in a word of a few letters change too much of it ("Michael
            // lonrs").
            let slips = cm.edits();
            // Neither a short mark nor a short word: "vera" is no "Vaira".
            let long = cm.len > SHORT && chars.len() > SHORT;
            let by_sound = (edits >= 1 && long && sound.is_some() && sound == cm.sound)
                .then_some(sounds.as_ref())
                .flatten();
            // A sound spelt otherwise may change the length by two ("cks"
            // for "x").
            let reach = if by_sound.is_some() { 2 * slips } else { edits };
            // As written, one letter longer a pair.
            let spelt = cm
                .spelt
                .as_deref()
                .filter(|s| edits >= 1 && chars.len().abs_diff(s.chars().count()) <= 1);
            if chars.len().abs_diff(cm.len) > reach && spelt.is_none() {
                continue;
            }
            mark_chars.clear();
            mark_chars.extend(cm.skel.chars());
            let d = typo::osa_within(chars, mark_chars, edits)
                .or_else(|| {
                    // A doubling moved is one slip, as a letter left out
                    // is; not for a short mark, which needs more than a
                    // slip.
                    (edits >= 1 && cm.len > SHORT && typo::doubling_moved(chars, mark_chars)).then_some(1)
                })
                .or_else(|| {
                    let (doc, at) = by_sound?;
                    if plain.is_empty() {
                        plain.extend(doc.plain(at.start, at.end).chars());
                    }
                    mark_chars.clear();
                    mark_chars.extend(cm.plain.chars());
                    typo::sound_slips(plain, mark_chars).filter(|s| (1..=slips).contains(s))
                })
                .or_else(|| {
                    mark_chars.clear();
                    mark_chars.extend(spelt?.chars());
                    typo::osa_within(chars, mark_chars, 1)
                });
            if let Some(d) = d.filter(|&d| d >= least) {
                out.push((mark, d));
            }
        }
    }

    /// The hits of the words at units `u0..u1`, written `word`, for each
    /// mark they are a near miss of (`misses`, with the distance), as
    /// `disguises` reports the mark's disguises (`None`: not that mark).
    fn near_miss_hits(
        &self,
        misses: &[(u32, usize)],
        (u0, u1): (u32, u32),
        word: &str,
        disguises: impl Fn(&CompiledMark) -> Option<Disguises>,
        hits: &mut Vec<Hit>,
    ) {
        for &(mark, d) in misses {
            let Some((cm, disguises)) = self.marks.get(mark as usize).and_then(|cm| Some((cm, disguises(cm)?))) else {
                continue;
            };
            hits.push(Hit {
                mark,
                u0,
                u1,
                disguises,
                similarity: cm.similarity(d),
                word: word.to_string(),
            });
        }
    }

    /// Looks up every dictionary word's near misses once, so that the typo
    /// pass answers an ordinary word of a listing with one lookup: most
    /// words of a listing are ordinary words, and each would otherwise cost
    /// dozens of probes. The words with none, in which the automaton finds
    /// nothing and which hold none of the `parts` (words of marks of several
    /// words), are quiet: no match can involve them. Then the same for the
    /// words of the marks (`mark_words`, skeletons) that are no dictionary
    /// word, into [`TextMatcher::mark_known`].
    fn find_known_words(&mut self, parts: &AhoCorasick, mark_skels: &[String]) {
        let mut known = typo::KeyMap::default();
        let mut known_misses = Vec::new();
        let mut scratch = Scratch::default();
        // Words that may turn out inert, looked at once every word is known:
        // key, word, and where its automaton finds are kept.
        let mut glued: Vec<(u64, &str, std::ops::Range<usize>)> = Vec::new();
        for word in self.words.iter() {
            let doc = Doc::new(word);
            if doc.tokens.len() != 1 {
                continue;
            }
            let in_part = parts.is_match(&doc.skel);
            let k = self.learn(&doc.skel, in_part, &mut scratch, &mut known_misses);
            let key = scan::word_key(doc.skel.as_bytes());
            if k.holds() && k.misses().is_empty() && !in_part && k.found != NOT_KEPT {
                let found_at = k.misses().end;
                glued.push((key, word, found_at..found_at + usize::from(k.found)));
            }
            known.insert(key, k);
        }
        // Alone in its run of the whole pass, as a listing would show it in
        // lower case, and as any word with its skeleton ("rnoniker" for
        // "moniker"): the glue check reads only the word itself.
        let mut hits = Vec::new();
        let refused: Vec<u64> = glued
            .into_iter()
            .filter(|(_, word, kept)| {
                let doc = Doc::new(word);
                let finds = known_misses[kept.clone()]
                    .iter()
                    .map(|&(p, span)| (p as usize, (span >> 16) as usize, (span & 0xFFFF) as usize));
                hits.clear();
                self.whole_hits(&doc, finds, Rest::AnySpelling(&known), &mut hits);
                hits.is_empty()
            })
            .map(|(key, _, _)| key)
            .collect();
        for key in refused {
            if let Some(k) = known.get_mut(&key) {
                k.holds = Holds::Refused;
            }
        }
        // The halves of a mark of one word written as two dictionary words
        // ("Arm ani", "Play station") are the two words of a match (the
        // split pass's ordinary pairs): neither is quiet, and each reaches
        // the other, as a word of a mark of several words does.
        for cm in self.marks.iter().filter(|cm| cm.words == 1) {
            let skel = cm.skel.as_str();
            for at in (SPLIT_HALF..=skel.len().saturating_sub(SPLIT_HALF)).filter(|&at| skel.is_char_boundary(at)) {
                let halves = [&skel[..at], &skel[at..]].map(|h| scan::word_key(h.as_bytes()));
                if halves.iter().all(|key| known.contains_key(key)) {
                    for key in halves {
                        if let Some(k) = known.get_mut(&key) {
                            k.holds = Holds::Mark;
                        }
                    }
                }
            }
        }
        // The automaton finds a mark's words in them, or they are words of a
        // mark of several words: they are never quiet, so the byte pass,
        // which asks only `known`, reads them as it would any unknown word.
        let mut mark_known = typo::KeyMap::default();
        for skel in mark_skels {
            let key = scan::word_key(skel.as_bytes());
            if known.contains_key(&key) || mark_known.contains_key(&key) {
                continue;
            }
            let k = self.learn(skel, parts.is_match(skel), &mut scratch, &mut known_misses);
            mark_known.insert(key, k);
        }
        known_misses.shrink_to_fit();
        let (mut quiet, mut loud) = (Vec::new(), typo::KeyMap::default());
        for (key, k) in known.iter() {
            if k.quiet() {
                quiet.push(key);
            } else {
                loud.insert(key, k);
            }
        }
        loud.shrink_to_fit();
        mark_known.shrink_to_fit();
        self.quiet = typo::FingerprintSet::new(&quiet);
        self.known = loud;
        self.mark_known = mark_known;
        self.known_misses = known_misses;
    }

    /// What the matcher knows of a word with skeleton `skel`: its near
    /// misses and what the automaton finds in it, appended to
    /// `known_misses`. It holds a mark where the automaton finds one in it
    /// or it is `in_part` (holds a word of a mark of several words).
    fn learn(&self, skel: &str, in_part: bool, scratch: &mut Scratch, known_misses: &mut Vec<(u32, u32)>) -> Known {
        let mut misses = std::mem::take(&mut scratch.misses);
        self.near_misses(skel, (1, 1..=2), None, scratch, &mut misses);
        // No word is within reach of that many marks; should one be, the
        // rest of its near misses are not worth a word.
        misses.truncate(usize::from(!ORDINARY));
        let start = known_misses.len() as u32;
        known_misses.extend(misses.iter().map(|&(m, d)| (m, d as u32)));
        let len = misses.len() as u16 | if self.is_ordinary(skel) { ORDINARY } else { 0 };
        scratch.misses = misses;
        // What the automaton finds in the word, kept for the whole pass.
        let found_at = known_misses.len();
        known_misses.extend(
            self.automaton
                .find_iter(skel)
                .map(|m| (m.pattern().as_u32(), (m.start() << 16 | m.end()) as u32)),
        );
        let any = known_misses.len() > found_at;
        let mut found = (known_misses.len() - found_at) as u8;
        if skel.len() > usize::from(u16::MAX) || known_misses.len() - found_at >= usize::from(NOT_KEPT) {
            known_misses.truncate(found_at);
            found = NOT_KEPT;
        }
        let holds = if any || in_part { Holds::Mark } else { Holds::Nothing };
        Known {
            start,
            len,
            found,
            holds,
        }
    }

    /// What every match in `text` is reported with, found at its first
    /// match (most texts have none).
    fn facts(&self, text: &str, doc: &mut Doc, scan: Option<&scan::Scan>) -> Facts {
        Facts {
            counterfeit: self.counterfeit_of(text, doc, scan),
            after: self.may_have_after(text, scan),
        }
    }

    /// Whether a word of [`NOMINATIVE_AFTER`] may lie in `text`, as
    /// [`nominative_after`] reads words, where it does not start inside a
    /// word of the text ([`glued`]). Where the byte pass ran, such a word
    /// of an ASCII letter piece is one of its words (the words of
    /// [`NOMINATIVE_AFTER`] are letters alone), and a piece it does not
    /// read holds the word's bytes.
    fn may_have_after(&self, text: &str, scan: Option<&scan::Scan>) -> bool {
        let Some(scan) = scan else {
            return true;
        };
        scan.may_begin_cue(|key| self.after_keys.contains(key))
            .any(|(start, end, opaque)| {
                let piece = &text.as_bytes()[start..end];
                !opaque
                    || NOMINATIVE_AFTER
                        .iter()
                        .any(|w| piece.windows(w.len()).any(|b| b.eq_ignore_ascii_case(w.as_bytes())))
            })
    }

    /// The counterfeit tell-tales in a text, each once, in order of first
    /// appearance. A text that is not ASCII is folded into `doc` and
    /// searched whole, unless `scan` shows it has none: a tell-tale's
    /// first word, folded, lies inside one piece of the text (first words
    /// hold no space), in a word [`TextMatcher::cue_keys`] knows or in a
    /// piece the byte pass does not read, which is folded alone to look.
    /// An ASCII text folds to itself lower-cased, one
    /// character a byte, so each tell-tale in its folded form begins where
    /// the tell-tale's first word begins in the text, and only those places
    /// are searched: found by the byte pass's words where `scan` has read
    /// the text ([`TextMatcher::cue_keys`]), else by looking for the first
    /// words.
    fn counterfeit_of(&self, text: &str, doc: &mut Doc, scan: Option<&scan::Scan>) -> Vec<String> {
        if !text.is_ascii() {
            if let Some(scan) = scan {
                let mut piece = String::new();
                let may_hold = scan
                    .may_begin_cue(|key| self.cue_keys.contains(key))
                    .any(|(start, end, opaque)| {
                        !opaque || {
                            doc.fold_units(&text[start..end]);
                            piece.clear();
                            piece.extend(doc.units.iter().map(|u| u.ch));
                            self.counterfeit_first.is_match(&piece)
                        }
                    });
                if !may_hold {
                    return Vec::new();
                }
            }
            doc.fold_units(text);
            let chars = doc.units.iter().map(|u| (u.ch, u.start as usize, u.end as usize));
            return self.counterfeit_in(text, chars);
        }
        let mut starts = Vec::new();
        let first_words = |starts: &mut Vec<usize>, from: usize, to: usize| {
            starts.extend(
                self.counterfeit_first
                    .find_iter(&text[from..to])
                    .map(|m| from + m.start()),
            );
        };
        match scan {
            Some(scan) => {
                for (start, end, opaque) in scan.may_begin_cue(|key| self.cue_keys.contains(key)) {
                    if opaque {
                        // A piece the byte pass does not read may hold a
                        // first word anywhere ("1:1", "x1:1").
                        first_words(&mut starts, start, end);
                    } else {
                        starts.push(start);
                    }
                }
            }
            None => first_words(&mut starts, 0, text.len()),
        }
        self.counterfeit_at(text, &starts)
    }

    /// The counterfeit tell-tales in `text`, given as its folded characters
    /// with the byte span each came from: all of them searched.
    fn counterfeit_in(&self, text: &str, chars: impl Iterator<Item = (char, usize, usize)>) -> Vec<String> {
        let (mut folded, mut map) = (String::with_capacity(text.len()), Vec::with_capacity(text.len()));
        fold_cues(chars, usize::MAX, &mut folded, &mut map);
        let mut found = Vec::new();
        for m in self.counterfeit.find_iter(&folded) {
            if let Some(word) = cue_at(text, &folded, &map, m.start(), m.end()) {
                push_new(&mut found, word);
            }
        }
        found
    }

    /// The tell-tales of an ASCII `text` that begin at the byte offsets
    /// `starts` (ascending), as a search of the whole folded text finds
    /// them: each match there takes its text, so that none starts inside
    /// the one before, whether or not that one stands as a word.
    fn counterfeit_at(&self, text: &str, starts: &[usize]) -> Vec<String> {
        let bytes = text.as_bytes();
        // The most characters in a tell-tale.
        let longest = COUNTERFEIT.iter().map(|p| p.len()).max().unwrap_or(0);
        let mut found = Vec::new();
        let (mut folded, mut map) = (String::new(), Vec::new());
        let mut resume = 0;
        for &start in starts {
            if start < resume {
                continue;
            }
            // From the byte before, which says whether the match starts a
            // word, to the two after the longest tell-tale, which say
            // whether it ends one.
            let from = start.saturating_sub(1);
            let chars = bytes[from..]
                .iter()
                .enumerate()
                .map(|(i, &b)| (char::from(b.to_ascii_lowercase()), from + i, from + i + 1));
            folded.clear();
            map.clear();
            fold_cues(chars, longest + 3, &mut folded, &mut map);
            let input = aho_corasick::Input::new(&folded)
                .range(start - from..)
                .anchored(aho_corasick::Anchored::Yes);
            let Some(m) = self.counterfeit.find(input) else {
                continue;
            };
            resume = map[m.end() - 1].1;
            if let Some(word) = cue_at(text, &folded, &map, m.start(), m.end()) {
                push_new(&mut found, word);
            }
        }
        found
    }

    /// The honest-reference phrase that ends at most [`NOMINATIVE_REACH`]
    /// words before token `first`, within the same sentence.
    fn nominative(&self, doc: &Doc, first: usize) -> Option<String> {
        for reach in 0..=NOMINATIVE_REACH {
            let end = first.checked_sub(1 + reach)?;
            if doc.breaks_after(end) {
                return None;
            }
            if doc.token_is(end, NOMINATIVE_AFTER_PLURAL) {
                let plural = end > 0 && !doc.breaks_after(end - 1) && doc.token_is_plural(end - 1);
                if plural {
                    return Some(NOMINATIVE_AFTER_PLURAL.into());
                }
                // Else only as a phrase ends with it ("to fit").
            }
            // Most words before a match end no phrase: the word is compared
            // with each phrase's last word once, then the phrases that end
            // with it are compared from their last word but one back.
            let Some(last) = NOMINATIVE_ENDS.iter().find(|w| doc.token_is(end, w)) else {
                continue;
            };
            for &phrase in NOMINATIVE.iter().filter(|p| p.last() == Some(last)) {
                let Some(start) = (end + 1).checked_sub(phrase.len()) else {
                    continue;
                };
                let rest = &phrase[..phrase.len() - 1];
                if rest.iter().enumerate().rev().all(|(i, w)| doc.token_is(start + i, w)) {
                    return Some(phrase.join(" "));
                }
                // An accessory and "do" or "pro" with an adjective between
                // them, where Polish (and at times Czech) puts it: "uchwyt
                // rowerowy do", "pasek silikonowy do", "pouzdro kožené
                // pro". Named as written, so the reviewer finds it.
                // The adjective stands where the phrase's first word would.
                if let [accessory, "do" | "pro"] = phrase {
                    if start > 0
                        && doc.token_is(start - 1, accessory)
                        && !doc.breaks_after(start - 1)
                        && !doc.breaks_after(start)
                    {
                        return Some(format!("{accessory} {} {last}", doc.token_string(start)));
                    }
                }
            }
            // German "für" (for) written with its umlaut, whatever goods
            // before it ("Ersatzgriffband für"); without it, it may be
            // the English "fur", and only the phrases above count.
            let umlaut = || {
                doc.tokens
                    .get(end)
                    .is_some_and(|t| doc.flags(t.start, t.end) & normalize::DIACRITIC != 0)
            };
            if *last == "fur" && umlaut() {
                return Some("für".into());
            }
        }
        None
    }

    /// The match `hit`, found in `found`; `spare` is a buffer to fold the
    /// words before the region into, should the honest-reference phrase
    /// need them. `None` where the text cannot be sliced there, or where a
    /// mark shaped as a measure is written as one ([`AsWritten::measure`]).
    fn report(
        &self,
        field: TextField,
        found: &Found<'_>,
        mut hit: Hit,
        facts: &Facts,
        spare: &mut Doc,
    ) -> Option<TextMatch> {
        let Found {
            text,
            region,
            doc,
            scan,
        } = *found;
        let mark = self.marks.get(hit.mark as usize)?;
        let (start, end) = doc.span(hit.u0, hit.u1)?;
        let (start, end) = (region.start + start, region.start + end);
        let matched = text.get(start..end)?.to_string();
        // "3M" written "3m" is three metres (a cable's length).
        if mark.written.as_ref().is_some_and(|w| w.is_measure_written(&matched)) {
            return None;
        }
        // The mark as written, its vowel signs and tone marks with it.
        let own = mark.written.as_ref().and_then(|w| w.faithful.as_deref()).unwrap_or("");
        // In Thai and its neighbours, a tone mark the mark lacks makes
        // another word, and a word boundary is where segmentation puts it.
        let unspaced = cjk::in_unspaced_script(&mark.skel);
        if unspaced && (!cjk::unspaced_marks_agree(own, &matched) || !cjk::unspaced_word(text, start, end)) {
            return None;
        }
        // In the scripts of India, a vowel sign is a letter, which folding
        // drops as an accent: another one, or one left out, misspells the
        // mark, as far as a mark of its letters may be ("पतंजली" for
        // पतंजलि), or spells another word ("खाद", fertiliser, for खादी).
        if cjk::in_indic_script(&mark.skel) {
            let d = cjk::indic_sign_edits(own, &matched);
            if d > 0 {
                // A mark with no sign has no form as written: its letters
                // are its skeleton's.
                let letters = if own.is_empty() {
                    mark.len
                } else {
                    cjk::indic_letters(own)
                };
                if hit.disguises.typo || d > edits_for(letters) {
                    return None;
                }
                hit.disguises.typo = true;
                hit.similarity = 1.0 - d as f32 / letters as f32;
            }
        }
        let first = doc.token_at(hit.u0);
        // The words before the match, whichever way the phrase is read.
        text.get(region.context..start)?;
        let nominative = if first >= NOMINATIVE_CONTEXT || region.context == region.start {
            self.nominative(doc, first)
        } else {
            self.nominative_before(text, region, (start, end), scan, spare)?
        };
        let nominative = (nominative.or_else(|| facts.nominative_after(text, end)))
            .or_else(|| cjk::nominative_before(text.get(..start)?));
        let ordinary = if hit.word == mark.plain {
            mark.ordinary
        } else {
            self.is_ordinary(&hit.word)
        };
        // The word lists are of Latin letters: a word written all in
        // another script's look-alikes of them ("ΙΟΝ" in a Greek title,
        // the Greek mark) is a word of that script, not the Latin word it
        // looks like ("ion").
        let ordinary = (ordinary && !doc.in_lookalikes(hit.u0, hit.u1)).then_some(hit.word);
        let cues = cues(nominative, &facts.counterfeit, ordinary);
        // Glued as the passes tell it: to a letter or digit, where no
        // change of script or segmentation parts them ("ドラえもんの", not
        // "华为手机壳").
        let glued = || {
            let touches = |at: usize, c: Option<char>| c.is_some_and(char::is_alphanumeric) && !cjk::boundary(text, at);
            touches(start, text[..start].chars().next_back()) || touches(end, text[end..].chars().next())
        };
        let variant = mark.variant_of(&matched, hit.disguises, glued);
        // Parted from its neighbours by segmentation, a mark in Thai is
        // written as that script writes every word, as 华为 is in 华为手机壳.
        let variant = match variant {
            VariantKind::Joined if unspaced && !mark.spaced() => VariantKind::Exact,
            v => v,
        };
        Some(TextMatch {
            mark_id: mark.id.clone(),
            field,
            start,
            end,
            matched,
            variant,
            similarity: hit.similarity,
            cues,
        })
    }

    /// The honest-reference phrase before the match at bytes `start..end`
    /// of `text`, read from [`scan::Region::context`] on: for a match too
    /// near its region's start for the region to show the phrase. `None`
    /// where the text cannot be sliced there. `scan`, the byte pass over
    /// `text` where it ran, says without folding whether a phrase may end
    /// there: most matches have none before them.
    fn nominative_before(
        &self,
        text: &str,
        region: &scan::Region,
        (start, end): (usize, usize),
        scan: Option<&scan::Scan>,
        spare: &mut Doc,
    ) -> Option<Option<String>> {
        let before = text.get(region.context..start)?;
        let may_end = match scan {
            Some(scan) => scan.may_hold_word(region.context, start, |key| self.phrase_ends.contains(key)),
            None => may_end_a_phrase(before),
        };
        if !may_end {
            return Some(None);
        }
        // Fold the words before the match as well.
        spare.fold_words(text.get(region.context..end)?);
        let unit = spare
            .units
            .partition_point(|u| (u.start as usize) < start - region.context);
        Some(self.nominative(spare, spare.token_at(unit as u32)))
    }

    /// The matches of `word`, a near miss of marks that holds no mark nor
    /// word of one, alone in its region, into `out`: exactly what folding
    /// the region and [`TextMatcher::report`] would give, found without
    /// either. The typo pass finds its near misses from `known`, and
    /// nothing else (the automaton does not read a word that holds no mark,
    /// and a region of one word has no runs of words). An ASCII word folds
    /// to itself lower-cased, one unit a byte, with no fold that names a
    /// variant, no leet, and no token before it in its region.
    fn report_alone(
        &self,
        (field, text, region, scan): (TextField, &str, &scan::Region, Option<&scan::Scan>),
        word: scan::Alone,
        known: Known,
        facts: &Facts,
        spare: &mut Doc,
        out: &mut Vec<TextMatch>,
    ) {
        let (Some(matched), Some(_)) = (text.get(word.start..word.end), text.get(region.context..word.start)) else {
            return;
        };
        let nominative = if region.context == region.start {
            // `nominative` finds nothing before a region's first token.
            None
        } else {
            match self.nominative_before(text, region, (word.start, word.end), scan, spare) {
                Some(phrase) => phrase,
                None => return,
            }
        };
        let nominative = nominative.or_else(|| facts.nominative_after(text, word.end));
        let plain = matched.to_ascii_lowercase();
        // Its skeleton's key is the entry's: where the word is its own
        // skeleton, it is the skeleton the entry was learnt from.
        let ordinary = if normalize::is_own_skeleton(&plain) {
            known.ordinary()
        } else {
            self.is_ordinary(&plain)
        };
        for (mark, d) in self.near_misses_of(known) {
            let Some(cm) = self.marks.get(mark as usize) else {
                continue;
            };
            let cues = cues(nominative.clone(), &facts.counterfeit, ordinary.then(|| plain.clone()));
            out.push(TextMatch {
                mark_id: cm.id.clone(),
                field,
                start: word.start,
                end: word.end,
                matched: matched.to_string(),
                variant: disguises(0, false, false, cm.spaced(), true).variant(),
                similarity: cm.similarity(d),
                cues,
            });
        }
    }

    /// The near misses a word's entry keeps: mark, edit distance.
    fn near_misses_of(&self, known: Known) -> impl Iterator<Item = (u32, usize)> + '_ {
        let kept = self.known_misses.get(known.misses()).unwrap_or(&[]);
        kept.iter().map(|&(mark, d)| (mark, d as usize))
    }

    /// What the matcher knows of the dictionary word whose skeleton has
    /// key `key`; `None` for a word not in the dictionary. A quiet word's
    /// entry is the default one: no near misses, holds nothing.
    #[inline]
    fn dictionary_entry(&self, key: u64) -> Option<Known> {
        if self.quiet.contains(key) {
            Some(Known::default())
        } else {
            self.known.get(&key).copied()
        }
    }

    /// Starts loading what [`TextMatcher::dictionary_entry`] reads for
    /// `key`, for a loop that knows its words' keys before it looks them
    /// up (see [`crate::cache`]): the byte pass's look-ups, nearly every
    /// one a cache miss, were a sixth of the matcher's time on text dense
    /// with marks, and are under half that with this.
    #[inline]
    fn prefetch_entry(&self, key: u64) {
        self.quiet.prefetch(key);
        self.known.prefetch(key);
    }

    /// A dictionary word, or the plural of one.
    fn is_ordinary(&self, word: &str) -> bool {
        is_ordinary(&self.words, word)
    }

    /// Starts loading what [`TextMatcher::is_ordinary`] reads for `word`.
    fn prefetch_ordinary(&self, word: &str) {
        listed_forms(word).for_each(|w| self.words.prefetch(w));
    }
}

impl fmt::Debug for TextMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextMatcher")
            .field("marks", &self.marks.len())
            .field("patterns", &self.automaton.patterns_len())
            .field("words", &self.words.len())
            .field("memory_usage", &self.memory_usage())
            .finish()
    }
}

/// Whether token `t` of `doc` is a letter alone that may begin or end a
/// mark written apart ("O mega", "Role x"): not "a" or "I", which are
/// words, nor what a dropped apostrophe leaves after a word ("men s
/// watch", "don t"), which would make "Swatch" of every plural.
fn lone_letter(doc: &Doc, t: usize) -> bool {
    let Some(tok) = doc.tokens.get(t) else {
        return false;
    };
    let letter = match doc.units.get(tok.start as usize..tok.end as usize) {
        Some([u]) if u.ch.is_ascii_alphabetic() => u.ch.to_ascii_lowercase(),
        _ => return false,
    };
    let after_word = t.checked_sub(1).and_then(|p| doc.tokens.get(p)).is_some_and(|prev| {
        let gap = doc.units.get(prev.end as usize..tok.start as usize).unwrap_or(&[]);
        gap.iter().all(|u| matches!(u.ch, ' ' | '\'' | '\u{2019}'))
    });
    let word = matches!(letter, 'a' | 'i');
    let left_by_apostrophe = after_word && matches!(letter, 's' | 't' | 'd');
    !(word || left_by_apostrophe)
}

/// [`TextMatcher::is_ordinary`], in `words`. A word with letters masked
/// ([`confusables::MASK`]) is ordinary where some letters in their place
/// spell an ordinary word: "sh*t" is a word censored, whatever mark it is
/// one letter from.
fn is_ordinary(words: &WordList, word: &str) -> bool {
    if word.contains(' ') {
        // Two words a mark was written as ("arm ani"), or a letter alone
        // and a word ("o mega", [`lone_letter`]): the letter is no word
        // of the list, and the word must be.
        let letters = word.split(' ').filter(|w| w.len() == 1).count();
        return (letters == 0 || letters == 1 && word.split(' ').count() == 2)
            && word.split(' ').all(|w| w.len() == 1 || is_ordinary(words, w));
    }
    if word.chars().all(char::is_alphabetic) {
        !word.is_empty() && listed_forms(word).any(|w| words.contains(w))
    } else {
        word.contains(confusables::MASK) && unmasked(word).any(|w| is_ordinary(words, &w))
    }
}

/// Every spelling of `word` with each masked letter ([`confusables::MASK`])
/// written as one of `a` to `z`, for a word with one or two masked (more is
/// no misspelling of a mark, which allows two edits at most): a few
/// hundred at most, and only for a word that matched a mark.
fn unmasked(word: &str) -> impl Iterator<Item = String> + '_ {
    let masks = word.matches(confusables::MASK).count();
    let fills = if (1..=2).contains(&masks) {
        26usize.pow(masks as u32)
    } else {
        0
    };
    (0..fills).map(move |mut n| {
        word.chars()
            .map(|c| {
                if c != confusables::MASK {
                    return c;
                }
                let letter = char::from(b'a' + (n % 26) as u8);
                n /= 26;
                letter
            })
            .collect()
    })
}

/// The forms of `word` the word list is asked about: the word, and the
/// singular of a plural.
fn listed_forms(word: &str) -> impl Iterator<Item = &str> {
    std::iter::once(word).chain(word.strip_suffix('s'))
}

/// Articles a mark of several words may begin with and sellers leave out
/// ("The North Face" written "North Face").
const ARTICLES: &[&str] = &["a", "an", "das", "der", "die", "el", "il", "la", "le", "les", "the"];

/// The texts a mark is matched as: the mark; where it begins with an
/// article and has two words or more after it, those words alone ("The
/// North Face" written "North Face"; not "The Ordinary": alone, that word
/// is an ordinary word, not the mark); and each of those with its joining
/// word written the other ways people write it ([`connected_forms`]), its
/// numbers and abbreviations written the other way ([`respelled`]), a
/// possessive without its apostrophe ([`without_possessive`]), a last
/// word in "-ies" in the singular ([`singular`]), a number's point left
/// out ([`number_run_together`]), words as text-speak ([`text_speak`]),
/// initials run together ([`initials_run_together`]), and a mark in
/// Cyrillic or Greek in capitals and small letters ([`in_capitals`]).
fn forms_of(text: &str) -> Vec<String> {
    let mut words = text.split_whitespace();
    let article = words
        .next()
        .is_some_and(|w| ARTICLES.contains(&w.to_lowercase().as_str()));
    let rest = text
        .trim_start()
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim_start());
    let short = rest.filter(|_| article && words.count() >= 2);
    let forms: Vec<String> = std::iter::once(text)
        .chain(short)
        .flat_map(|form| std::iter::once(form.to_string()).chain(connected_forms(form)))
        .collect();
    let forms = with_each(with_each(with_each(forms, respelled), without_possessive), singular);
    let forms = with_each(with_each(forms, number_run_together), text_speak);
    let forms = with_each(forms, initials_run_together);
    let mut forms = with_each(with_each(forms, in_capitals), in_small_letters);
    let mut seen = std::collections::HashSet::new();
    forms.retain(|f| seen.insert(f.clone()));
    forms
}

/// A mark in Cyrillic or Greek in capitals, where that changes it. Folding
/// reads a capital of those scripts as the Latin capital it looks like
/// (Н as H, for a disguise written in capitals), and the small letter as
/// itself (н looks like no Latin small letter): so "КРАСНЫЙ ОКТЯБРЬ" and
/// "Красный Октябрь" fold apart, and the mark is filed in both cases.
fn in_capitals(form: &str) -> Option<String> {
    LookalikeScript::of(form)?;
    let capitals = form.to_uppercase();
    (capitals != form).then_some(capitals)
}

/// [`in_capitals`] in small letters, for a mark registered in capitals.
fn in_small_letters(form: &str) -> Option<String> {
    LookalikeScript::of(form)?;
    let small = form.to_lowercase();
    (small != form).then_some(small)
}

/// Words of a mark of several that sellers write as the digit or letter
/// that sounds like them ("Sea 2 Summit", "Seven 4 All Mankind").
const TEXT_SPEAK: &[(&str, &str)] = &[("to", "2"), ("too", "2"), ("for", "4"), ("you", "u")];

/// A mark of several words written with [`TEXT_SPEAK`] for its words that
/// have one, all at once; `None` where it has none. Only between other
/// words: "To Go" alone is no mark written "2 Go".
fn text_speak(mark: &str) -> Option<String> {
    let words: Vec<&str> = mark.split_whitespace().collect();
    let spoken = |w: &str| {
        TEXT_SPEAK
            .iter()
            .find(|(word, _)| w.eq_ignore_ascii_case(word))
            .map(|&(_, s)| s)
    };
    let inner = |i: usize| i > 0 && i + 1 < words.len();
    let out: Vec<&str> = (words.iter().enumerate())
        .map(|(i, &w)| spoken(w).filter(|_| inner(i)).unwrap_or(w))
        .collect();
    (out != words).then(|| out.join(" "))
}

/// Whether `form` is `mark` written with [`TEXT_SPEAK`]: a word of the
/// mark written as its digit. Not a number written in digits ("Four
/// Roses" as "4 Roses", [`respelled`]): that is the mark.
fn is_text_speak(mark: &str, form: &str) -> bool {
    let has = |text: &str, word: &str| text.split_whitespace().any(|w| w.eq_ignore_ascii_case(word));
    TEXT_SPEAK
        .iter()
        .any(|(word, spoken)| has(mark, word) && has(form, spoken) && !has(form, word))
}

/// A mark with initials written with points ("L.O.L. Surprise!") as it is
/// as often written, the initials run together ("LOL Surprise!"): a
/// misspelling of that ("LOL Suprise") is one of the mark, which the typo
/// pass reads word by word, and "LOL" is one word, not three. Only a word
/// of two letters or more each followed by a point; not "J.Crew".
fn initials_run_together(mark: &str) -> Option<String> {
    let initials = |w: &str| {
        let pieces: Vec<&str> = w.strip_suffix('.').unwrap_or(w).split('.').collect();
        pieces.len() >= 2
            && pieces
                .iter()
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
    };
    let words: Vec<&str> = mark.split_whitespace().collect();
    words.iter().any(|w| initials(w)).then(|| {
        (words.iter())
            .map(|w| if initials(w) { w.replace('.', "") } else { w.to_string() })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A mark with letters and a number written with a point or a comma
/// ("5.11 Tactical") as the number is written without it ("511
/// Tactical", "511Tactical"), as a mark's letters are without their
/// points ("JCrew"). Not a mark of digits alone: "511" is any number.
fn number_run_together(mark: &str) -> Option<String> {
    let chars: Vec<char> = mark.chars().collect();
    let parts = |i: usize| {
        matches!(chars[i], '.' | ',')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
    };
    let run: String = (0..chars.len()).filter(|&i| !parts(i)).map(|i| chars[i]).collect();
    (run.len() < mark.len() && mark.chars().any(char::is_alphabetic)).then_some(run)
}

/// A mark of several words that ends in a plural in "-ies" ("Hush
/// Puppies") as it is written in the singular ("Hush Puppy", and so its
/// plural misspelt "Hush Puppys", read as a plural would be). Not a mark
/// of one word: alone, the singular is mostly an ordinary word
/// ("Smarties", "smarty").
fn singular(mark: &str) -> Option<String> {
    let (head, last) = mark.trim_end().rsplit_once(char::is_whitespace)?;
    let stem = last.strip_suffix("ies").or_else(|| last.strip_suffix("IES"))?;
    (stem.chars().count() >= 2 && stem.chars().all(char::is_alphabetic)).then(|| {
        let y = if last.ends_with("IES") { "Y" } else { "y" };
        format!("{head} {stem}{y}")
    })
}

impl AsWritten {
    /// For a form written `text`, its look-alikes of another script
    /// `twin`, and how it rewrites the mark (`rewritten`); its accents
    /// and whether it is shaped as a measure are read here. `None` where
    /// none of those tells anything.
    fn of(twin: Box<[char]>, text: &str, rewritten: Option<VariantKind>) -> Option<Box<AsWritten>> {
        let faithful = as_faithful(text);
        let measure = is_measure(text) && !text.chars().any(char::is_lowercase);
        let script = LookalikeScript::of(text);
        (!twin.is_empty() || faithful.is_some() || rewritten.is_some() || measure || script.is_some()).then(|| {
            Box::new(AsWritten {
                twin,
                faithful,
                rewritten,
                measure,
                script,
            })
        })
    }

    /// Whether a match written `matched` is the measure this form is
    /// shaped as: its letters small, as a unit's are written.
    fn is_measure_written(&self, matched: &str) -> bool {
        self.measure && matched.chars().any(char::is_alphabetic) && !matched.chars().any(char::is_uppercase)
    }
}

/// Units a number is written with in listings ("3m", "500ml", "65w"),
/// lower case.
const UNITS_OF_MEASURE: &[&str] = &[
    "m", "cm", "mm", "km", "g", "kg", "mg", "l", "ml", "w", "kw", "v", "a", "mah", "gb", "tb", "mb", "hz", "oz", "lb",
    "ft", "in", "k", "p",
];

/// Whether `text` is a number and a unit of measure ([`UNITS_OF_MEASURE`]),
/// as "3M" is also three metres.
fn is_measure(text: &str) -> bool {
    let text = text.trim();
    let unit = text.trim_start_matches(|c: char| c.is_ascii_digit());
    unit.len() < text.len() && UNITS_OF_MEASURE.iter().any(|u| unit.eq_ignore_ascii_case(u))
}

/// `text` lower case and composed (NFC), where a letter of it has a mark
/// over it (its compatibility decomposition has a combining mark) or is
/// Han in its traditional form: how a mark so written is told from the
/// same letters written otherwise, which fold alike.
fn as_faithful(text: &str) -> Option<Box<str>> {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    text.nfkd()
        .any(|c| is_combining_mark(c) || cjk::simplified(c).is_some())
        .then(|| text.nfc().flat_map(char::to_lowercase).collect())
}

/// The letters of `text` and the marks over them, without what parts
/// them: how a match written apart is compared with its form as written.
fn letters_of(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    text.chars()
        .filter(|&c| c.is_alphanumeric() || is_combining_mark(c))
        .collect()
}

/// `forms`, then what `other` makes of each of them, where it makes one.
fn with_each(forms: Vec<String>, other: fn(&str) -> Option<String>) -> Vec<String> {
    let more: Vec<String> = forms.iter().filter_map(|form| other(form)).collect();
    forms.into_iter().chain(more).collect()
}

/// Words that marks abbreviate, written out and abbreviated.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("brothers", "bros"),
    ("company", "co"),
    ("doctor", "dr"),
    ("junior", "jr"),
    ("mount", "mt"),
    ("saint", "st"),
    ("sainte", "ste"),
];

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// A mark of several words as it is written with its numbers the other
/// way ("7 For All Mankind" as "Seven For All Mankind", "Forever 21" as
/// "Forever Twenty One", and back), and its abbreviations written out
/// ("Warner Bros" as "Warner Brothers") or abbreviated ("Yves Saint
/// Laurent" as "Yves St Laurent"). A word is abbreviated only in a mark
/// that keeps two other words: "Saint Laurent" is not "St Laurent", a
/// river. Numbers up to 99; `None` where no word
/// changes.
fn respelled(mark: &str) -> Option<String> {
    let words: Vec<&str> = mark.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let lower: Vec<String> = words.iter().map(|w| w.trim_end_matches('.').to_lowercase()).collect();
    let unit = |w: &str| UNITS.iter().position(|u| *u == w);
    let digit = |w: &str| unit(w).filter(|u| (1..=9).contains(u));
    let ten = |w: &str| TENS.iter().position(|t| *t == w).map(|t| 10 * t + 20);
    // The number that starts at word `i`, and how many words it takes.
    let number = |i: usize| -> Option<(usize, usize)> {
        let w = lower[i].as_str();
        if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) {
            return w.parse().ok().map(|n| (n, 1));
        }
        let (head, tail) = w.split_once('-').unwrap_or((w, ""));
        match (ten(head), tail.is_empty()) {
            (Some(t), true) => match lower.get(i + 1).and_then(|next| digit(next)) {
                Some(u) => Some((t + u, 2)),
                None => Some((t, 1)),
            },
            (Some(t), false) => digit(tail).map(|u| (t + u, 1)),
            (None, true) => unit(w).map(|u| (u, 1)),
            (None, false) => None,
        }
    };
    let mut out: Vec<String> = Vec::new();
    let mut changed = false;
    let mut i = 0;
    while i < words.len() {
        let w = lower[i].as_str();
        if let Some((n, used)) = number(i) {
            changed = true;
            out.push(if w.bytes().all(|b| b.is_ascii_digit()) {
                spelled(n)
            } else {
                n.to_string()
            });
            i += used;
            continue;
        }
        let others = words.len() - 1;
        let respelled = ABBREVIATIONS.iter().find_map(|&(long, short)| {
            if w == short {
                Some(long)
            } else if w == long && others >= 2 {
                Some(short)
            } else {
                None
            }
        });
        changed |= respelled.is_some();
        out.push(respelled.map_or_else(|| words[i].to_string(), str::to_string));
        i += 1;
    }
    changed.then(|| out.join(" "))
}

/// `n` (under 100) in English words.
fn spelled(n: usize) -> String {
    match n {
        0..=19 => UNITS[n].to_string(),
        _ if n % 10 == 0 => TENS[n / 10 - 2].to_string(),
        _ => format!("{} {}", TENS[n / 10 - 2], UNITS[n % 10]),
    }
}

/// A mark of several words with a possessive ("Trader Joe's", "Ben &
/// Jerry's", "M&M's": "&" parts words as a space does) as it is written
/// without the apostrophe ("Trader Joes", "M&Ms"). A mark of one word
/// needs no such form: its possessive is read as a plural would be.
fn without_possessive(mark: &str) -> Option<String> {
    let words: Vec<&str> = mark.split_whitespace().collect();
    let possessive = |w: &&str| {
        ["'s", "’s", "'S", "’S"]
            .iter()
            .any(|end| w.ends_with(end) && w.len() > end.len())
    };
    let several = mark
        .split(|c: char| c.is_whitespace() || c == '&')
        .filter(|w| !w.is_empty())
        .count()
        >= 2;
    if !several || !words.iter().any(possessive) {
        return None;
    }
    Some(
        words
            .iter()
            .map(|w| {
                if possessive(w) {
                    w.replace(['\'', '’'], "")
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A mark of names ("Karl Lagerfeld", "Emporio Armani", "Jean Paul
/// Gaultier") rewritten as sellers write it to slip past a search for it,
/// and as catalogues list names: its two words the other way round
/// ("Armani Emporio", [`VariantKind::Reordered`]), and its names before
/// the last cut to initials ("J. P. Gaultier", "JP Gaultier", "S.
/// Tacchini", [`VariantKind::Initials`]). Only for a mark of two or three
/// words of letters in the Latin script, each capitalised and none an
/// article or in capitals (an abbreviation already, "LC Waikiki"), whose
/// last word has [`NAME_LETTERS`] letters or more and is no ordinary word
/// (`words`): "C. Goose" names no one. Turned round, neither word may be
/// one ("Boss Hugo" holds a word; "Joseph Joseph" turns into itself).
fn name_forms(mark: &str, words: &WordList) -> Vec<(VariantKind, String)> {
    let names: Vec<&str> = mark.split_whitespace().collect();
    let name = |w: &&str| {
        let mut letters = w.chars();
        letters.next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && letters.any(|c| c.is_ascii_lowercase())
            && !ARTICLES.contains(&w.to_lowercase().as_str())
    };
    let ordinary = |w: &str| is_ordinary(words, &w.to_lowercase());
    let Some(last) = names
        .last()
        .filter(|_| (2..=3).contains(&names.len()) && names.iter().all(name))
    else {
        return Vec::new();
    };
    if last.len() < NAME_LETTERS || ordinary(last) {
        return Vec::new();
    }
    let mut forms = Vec::new();
    if let [first, second] = names[..] {
        if first != second && !ordinary(first) {
            forms.push((VariantKind::Reordered, format!("{second} {first}")));
        }
    }
    let initials: Vec<char> = names[..names.len() - 1]
        .iter()
        .filter_map(|w| w.chars().next())
        .collect();
    let dotted: Vec<String> = initials.iter().map(|c| format!("{c}.")).collect();
    forms.push((VariantKind::Initials, format!("{} {last}", dotted.join(" "))));
    if initials.len() > 1 {
        forms.push((
            VariantKind::Initials,
            format!("{} {last}", String::from_iter(&initials)),
        ));
    }
    forms
}

/// The fewest letters of the last word of a mark [`name_forms`] rewrites:
/// a shorter one after an initial is too like a word ("J. Lee").
const NAME_LETTERS: usize = 5;

/// How a mark of two names joined by "&" or "and" is also written: "Dolce
/// & Gabbana" as "Dolce and Gabbana" and "Dolce n Gabbana", "Marks and
/// Spencer" as "Marks & Spencer" (which reads as "Marks Spencer": "&", as
/// "+" or "/", is no letter). Only between words of two letters or more:
/// "H&M" written "H and M" is a phrase of initials, not the mark.
fn connected_forms(mark: &str) -> Vec<String> {
    let spaced = mark.replace('&', " & ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let name = |w: Option<&&str>| w.is_some_and(|w| w.chars().filter(|c| c.is_alphanumeric()).count() >= 2);
    let joins: Vec<usize> = (1..words.len().saturating_sub(1))
        .filter(|&i| {
            (words[i] == "&" || words[i].eq_ignore_ascii_case("and"))
                && name(words.get(i - 1))
                && name(words.get(i + 1))
        })
        .collect();
    if joins.is_empty() {
        return Vec::new();
    }
    let with = |join: &str| {
        let mut out = words.clone();
        for &i in &joins {
            out[i] = join;
        }
        out.join(" ")
    };
    let amp = words[joins[0]] == "&";
    if amp {
        vec![with("and"), with("n")]
    } else {
        vec![with("&")]
    }
}

/// [`TextMatcher::cue_keys`]: the keys of the tell-tales' first words of
/// letters, and of the plurals of those of one word.
fn cue_keys() -> typo::FewKeys {
    let mut keys = typo::FewKeys::default();
    for phrase in COUNTERFEIT {
        let first = phrase.split(' ').next().unwrap_or(phrase);
        if !first.bytes().all(|b| b.is_ascii_alphabetic()) {
            // The byte pass reads no word here: the piece is opaque.
            continue;
        }
        let mut forms = vec![first.to_string()];
        if !phrase.contains(' ') {
            forms.push(format!("{first}s"));
        }
        for form in forms {
            keys.insert(skeleton_key(&form));
        }
    }
    keys
}

/// The byte pass's key for a word of a text, as folding writes the word.
fn skeleton_key(word: &str) -> u64 {
    scan::word_key(skeleton(word).as_bytes())
}

/// [`TextMatcher::phrase_ends`]: the keys of the honest-reference phrases'
/// last words.
fn phrase_ends() -> typo::FewKeys {
    phrase_last_words().map(skeleton_key).collect()
}

/// The words an honest-reference phrase before a mark may end with.
fn phrase_last_words() -> impl Iterator<Item = &'static str> {
    NOMINATIVE_ENDS.iter().copied().chain([NOMINATIVE_AFTER_PLURAL])
}

/// Folds characters (with the byte span each came from) for the tell-tale
/// search: every run of separators becomes one space. Stops after `limit`
/// characters; `map` gives each byte of `folded` its span.
fn fold_cues(
    chars: impl Iterator<Item = (char, usize, usize)>,
    limit: usize,
    folded: &mut String,
    map: &mut Vec<(usize, usize)>,
) {
    let mut after_space = false;
    let mut count = 0;
    for (ch, start, end) in chars {
        if count == limit {
            break;
        }
        let c = if ch == '-' || ch == '_' || ch.is_whitespace() {
            ' '
        } else {
            ch
        };
        if c == ' ' && after_space {
            continue;
        }
        after_space = c == ' ';
        folded.push(c);
        count += 1;
        for _ in 0..c.len_utf8() {
            map.push((start, end));
        }
    }
}

/// The tell-tale the automaton found at `s..e` of `folded`, as written in
/// `text` and lower-cased, if it stands as a word: "replicas" is still the
/// word; "1:10" is not "1:1", nor "AAAA" "AAA".
fn cue_at(text: &str, folded: &str, map: &[(usize, usize)], s: usize, e: usize) -> Option<String> {
    if folded[..s].chars().next_back().is_some_and(char::is_alphanumeric) || denied(text, map[s].0) {
        return None;
    }
    let mut after = folded[e..].chars();
    if let Some(c) = after.next().filter(|c| c.is_alphanumeric()) {
        let plural = c == 's'
            && folded[..e].ends_with(|c: char| c.is_alphabetic() && c != 's')
            && !after.next().is_some_and(char::is_alphanumeric);
        if !plural {
            return None;
        }
    }
    text.get(map[s].0..map[e - 1].1).map(str::to_lowercase)
}

/// Words that deny the tell-tale after them ("not fake", "no replicas",
/// "non-replica"): a listing that says it is not a copy admits nothing,
/// whether or not it tells the truth.
const DENIALS: &[&str] = &["not", "no", "non", "never", "zero"];

/// Whether the word before byte `at` of `text` (an article skipped: "not a
/// replica") is one of [`DENIALS`].
fn denied(text: &str, at: usize) -> bool {
    let mut words = text
        .get(..at)
        .unwrap_or("")
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let mut word = words.next();
    if word.is_some_and(|w| w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an")) {
        word = words.next();
    }
    word.is_some_and(|w| DENIALS.iter().any(|d| w.eq_ignore_ascii_case(d)))
}

/// A match's cues, in the order the scorer reads them: allocated once, at
/// their number, where pushing them one by one reallocated once or twice a
/// match.
fn cues(nominative: Option<String>, counterfeit: &[String], ordinary: Option<String>) -> Vec<Cue> {
    let mut cues =
        Vec::with_capacity(usize::from(nominative.is_some()) + counterfeit.len() + usize::from(ordinary.is_some()));
    cues.extend(nominative.map(Cue::Nominative));
    cues.extend(counterfeit.iter().cloned().map(Cue::Counterfeit));
    cues.extend(ordinary.map(Cue::OrdinaryWord));
    cues
}

fn push_new(found: &mut Vec<String>, word: String) {
    if !found.contains(&word) {
        found.push(word);
    }
}

/// The honest-reference word ([`NOMINATIVE_AFTER`]) among the words after
/// byte `end` of `text` (the end of a match), lower-cased: the next word,
/// or one up to [`NOMINATIVE_AFTER_REACH`] words on ("Fenix 6 compatible"),
/// before anything that ends the clause. Words are runs of letters and
/// digits; hyphens, spaces and symbols between them are passed over.
fn nominative_after(text: &str, end: usize) -> Option<String> {
    let rest = text.get(end..)?;
    let mut words = 0;
    let mut word_start = None;
    // Read a byte at a time, and a character at a time only where one is
    // not ASCII: this runs after every match, over the next few words.
    let mut i = 0;
    loop {
        let (c, len) = match rest.as_bytes().get(i) {
            None => (' ', 0),
            Some(&b) if b.is_ascii() => (char::from(b), 1),
            Some(_) => rest[i..].chars().next().map_or((' ', 0), |c| (c, c.len_utf8())),
        };
        // A virama or nukta of an Indic script is inside its word
        // ("ईयरबड्स"), though not alphabetic as its vowel signs are.
        if c.is_alphanumeric() || (len > 1 && unicode_normalization::char::is_combining_mark(c)) {
            word_start.get_or_insert(i);
            i += len;
            continue;
        }
        if let Some(s) = word_start.take() {
            let word = &rest[s..i];
            if let Some(&found) = NOMINATIVE_AFTER.iter().find(|w| word.eq_ignore_ascii_case(w)) {
                return Some(found.to_string());
            }
            words += 1;
            if words > NOMINATIVE_AFTER_REACH {
                return None;
            }
        }
        if len == 0 || normalize::ends_clause(c) {
            return None;
        }
        i += len;
    }
}

/// An honest reference carried along a list: a match with none of its
/// own, after a match that has one, with only the joints of a list
/// ([`LIST_JOINTS`], [`LIST_WORDS`]) and at most
/// [`NOMINATIVE_AFTER_REACH`] words of a model name between them, within
/// the clause, is named in the same breath ("fits Baggu Standard, Vera
/// Bradley and Cath Kidston totes", "for Honor Magic6 / Realme C67 /
/// Tecno Spark phones"). `found` is in order of place.
fn carry_nominative(text: &str, found: &mut [TextMatch]) {
    fn phrase(m: &TextMatch) -> Option<&String> {
        m.cues.iter().find_map(|c| match c {
            Cue::Nominative(p) => Some(p),
            _ => None,
        })
    }
    for i in 1..found.len() {
        if phrase(&found[i]).is_some() {
            continue;
        }
        let start = found[i].start;
        // The nearest match before this one, not over it.
        let Some(before) = found[..i].iter().rev().find(|m| m.end <= start) else {
            continue;
        };
        let Some(carried) = phrase(before).filter(|_| text.get(before.end..start).is_some_and(listed)) else {
            continue;
        };
        let carried = Cue::Nominative(carried.clone());
        found[i].cues.insert(0, carried);
    }
}

/// Characters that join the names of a list.
const LIST_JOINTS: &[char] = &[',', '/', '&', '+', '、', '，'];

/// Words that join the last two names of a list, in the languages of
/// [`NOMINATIVE`], lower-cased.
const LIST_WORDS: &[&str] = &[
    "and", "or", "und", "oder", "y", "o", "et", "ou", "e", "en", "ve", "veya", "и", "или", "i", "lub", "dan", "atau",
    "và", "hoặc", "및",
];

/// Whether `gap`, the text between two matches, joins them as names in a
/// list: a joint, at most [`NOMINATIVE_AFTER_REACH`] other words, and
/// nothing that ends the clause.
fn listed(gap: &str) -> bool {
    if gap.contains(normalize::ends_clause) {
        return false;
    }
    let mut joined = gap.contains(LIST_JOINTS);
    let mut words = 0;
    for word in gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if LIST_WORDS.iter().any(|w| word.to_lowercase() == *w) {
            joined = true;
        } else {
            words += 1;
        }
    }
    joined && words <= NOMINATIVE_AFTER_REACH
}

/// Whether byte `at` of `text` lies inside a word of ASCII letters and
/// digits, as the end of a mark glued to the next word does ("Arcturo" in
/// "Arcturocompatible"). Either byte not ASCII makes the piece one the byte
/// pass does not read.
fn glued(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    at > 0 && b.get(at - 1).is_some_and(u8::is_ascii_alphanumeric) && b.get(at).is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether a word is one syllable of Hangul as written: folding writes it
/// as its two or three letters (jamo), and a mark in Hangul spaced out
/// ("설 화 수") is spaced by syllables, as a Latin one is by letters.
fn one_syllable(doc: &Doc, tok: &normalize::Token) -> bool {
    let jamo = |i: u32| {
        doc.units
            .get(i as usize)
            .is_some_and(|u| ('\u{1100}'..='\u{11FF}').contains(&u.ch))
    };
    tok.end > tok.start && (tok.start..tok.end).all(|i| jamo(i) && same_letter(doc, tok.start, i))
}

/// Whether units `a` and `b` are one letter as written (a syllable of
/// Hangul's jamo).
fn same_letter(doc: &Doc, a: u32, b: u32) -> bool {
    match (doc.units.get(a as usize), doc.units.get(b as usize)) {
        (Some(a), Some(b)) => (a.start, a.end) == (b.start, b.end),
        _ => false,
    }
}

/// Whether `rest`, glued to a mark, is a dictionary word (`is_word`) or
/// two run together, each of [`GLUED_WORD`] letters or more ("airmax" in
/// "nikeairmax", "bagwomen" in "guccibagwomen"): sellers glue a mark to
/// the words of a title as readily as to one of them.
fn words_glued(rest: &str, is_word: impl Fn(&str) -> bool) -> bool {
    is_word(rest) || halves(rest).any(|(a, b)| is_word(a) && is_word(b))
}

/// Whether `rest` names goods: a noun of goods ([`goods::is_goods`]), or
/// one glued to another or to a word, as compounds are written in German
/// and Dutch and run together by sellers everywhere ("deo*spray*",
/// "schuh*creme*", "shoe*bag*").
fn goods_glued(rest: &str, is_word: impl Fn(&str) -> bool) -> bool {
    goods::is_goods(rest)
        || halves(rest).any(|(a, b)| {
            let (ga, gb) = (goods::is_goods(a), goods::is_goods(b));
            (ga && (gb || is_word(b))) || (gb && is_word(a))
        })
}

/// Each way to cut `word` in two, both halves of [`GLUED_WORD`] letters
/// or more.
fn halves(word: &str) -> impl Iterator<Item = (&str, &str)> {
    word.char_indices()
        .skip(GLUED_WORD)
        .take_while(|&(k, _)| word[k..].chars().nth(GLUED_WORD - 1).is_some())
        .map(|(k, _)| word.split_at(k))
}

/// Whether an honest-reference phrase could end in `text`: folding it is
/// worth it only then. An ASCII text folds to itself lower-cased, so a
/// phrase's last word must be among its runs of letters and digits; any
/// other text might fold to one.
fn may_end_a_phrase(text: &str) -> bool {
    !text.is_ascii()
        || text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| phrase_last_words().any(|last| w.eq_ignore_ascii_case(last)))
}

/// The order matches are reported in: by place, then by mark.
fn by_place(a: &TextMatch, b: &TextMatch) -> std::cmp::Ordering {
    (a.start, a.end, &a.mark_id).cmp(&(b.start, b.end, &b.mark_id))
}

/// The disguises a hit combines: what folding flagged in its letters
/// ([`normalize::Doc::flags`]) and what the pass that found it saw.
#[derive(Clone, Copy, Debug)]
struct Disguises {
    flags: u8,
    leet: bool,
    spaced: bool,
    joined: bool,
    typo: bool,
}

fn disguises(flags: u8, leet: bool, spaced: bool, joined: bool, typo: bool) -> Disguises {
    Disguises {
        flags,
        leet,
        spaced,
        joined,
        typo,
    }
}

impl Disguises {
    /// The variant to report when disguises combine: the most telling one.
    fn variant(self) -> VariantKind {
        let Disguises {
            flags,
            leet,
            spaced,
            joined,
            typo,
        } = self;
        if flags & HOMOGLYPH != 0 {
            VariantKind::Homoglyph
        } else if leet || flags & DRAWN != 0 {
            VariantKind::Leet
        } else if flags & STYLED != 0 {
            VariantKind::Styled
        } else if flags & DIACRITIC != 0 && !typo {
            // Misspelt, an accent is no disguise of its own: most are a
            // language's own letters ("çelik", Turkish steel, is no Cello
            // made up), and what the reader has is a near miss.
            VariantKind::Diacritic
        } else if spaced || flags & INVISIBLE != 0 {
            VariantKind::Spaced
        } else if joined {
            VariantKind::Joined
        } else if typo {
            VariantKind::Typo
        } else {
            VariantKind::Exact
        }
    }

    /// These but what folding flagged as `flags`, which are the mark's
    /// own (its script, its accents).
    fn less(self, flags: u8) -> Disguises {
        Disguises {
            flags: self.flags & !flags,
            ..self
        }
    }
}

/// Adds near misses found another way (`more`) to `misses`: each mark
/// once, at the fewer edits, and at least one (a respelling may be the
/// typo itself).
fn add_misses(misses: &mut Vec<(u32, usize)>, more: &[(u32, usize)]) {
    for &(mark, d) in more {
        let d = d.max(1);
        match misses.iter_mut().find(|(m, _)| *m == mark) {
            Some((_, had)) => *had = (*had).min(d),
            None => misses.push((mark, d)),
        }
    }
}

/// Of overlapping hits of one mark, the most similar (the first found on a
/// tie: passes run from the most to the least certain), in place.
fn best_per_span(hits: &mut Vec<Hit>) {
    // Stable: keeps pass order among equal keys.
    hits.sort_by_key(|h| (h.mark, h.u0));
    // `last` is the hit kept before `hit`; `hit` is dropped when it
    // overlaps it, after taking its place if more similar.
    hits.dedup_by(|hit, last| {
        let overlaps = last.mark == hit.mark && hit.u0 < last.u1;
        if overlaps && hit.similarity > last.similarity {
            std::mem::swap(hit, last);
        }
        overlaps
    });
}

/// Offsets are kept as `u32`; a text beyond 4 GiB is matched in its first
/// 4 GiB (no listing comes near).
fn clamp(text: &str) -> &str {
    const LIMIT: usize = u32::MAX as usize - 4;
    if text.len() <= LIMIT {
        return text;
    }
    let mut n = LIMIT;
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    &text[..n]
}

#[cfg(test)]
mod tests;
