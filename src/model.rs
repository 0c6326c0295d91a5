//! The typed messages that flow between the pipeline's stages.
//!
//! Each stage takes one of these in and hands one on:
//! crawl → [`Listing`] → text/image → [`TextMatch`] / [`ImageMatch`] →
//! score → [`Candidate`] → batch → [`Draft`](crate::report::Draft).
//! Keeping them here, apart from the stages, lets every stage be tested
//! alone with hand-made inputs.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The kind of IP right a complaint rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RightKind {
    Trademark,
    Copyright,
    Design,
}

impl RightKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RightKind::Trademark => "trademark",
            RightKind::Copyright => "copyright",
            RightKind::Design => "design",
        }
    }
}

impl std::fmt::Display for RightKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One image of a listing, as fetched. The bytes are shared so a listing can
/// be handed between threads without copying its gallery.
#[derive(Clone, Debug)]
pub struct ListingImage {
    pub url: String,
    pub bytes: Arc<[u8]>,
}

/// A listing page, crawled and extracted: the message the crawler sends.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// The URL the page was fetched from.
    pub url: String,
    /// The canonical form of the URL (site profile's rule): the identity of
    /// the listing everywhere downstream.
    pub canonical: String,
    /// The platform's item id, taken from the URL by the profile's rule.
    pub item_id: String,
    /// The platform name from the site profile (drafts are per platform).
    pub platform: String,
    pub title: String,
    pub description: String,
    pub seller: String,
    pub category: String,
    pub price: Option<String>,
    pub images: Vec<ListingImage>,
    /// Images that could not be fetched, with the reason.
    pub image_errors: Vec<Failure>,
    /// When the page was fetched (RFC 3339).
    pub captured_at: String,
    /// What the server said identifies this version of the page, for a
    /// conditional request next time.
    pub validators: Validators,
}

/// A page's `ETag` and `Last-Modified`, as the server sent them: sent back
/// as `If-None-Match` and `If-Modified-Since`, they let the server answer
/// 304 Not Modified instead of the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to revalidate with.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A thing that failed (a page, an image) and why, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub url: String,
    pub reason: String,
}

/// Where in a listing a mark was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    Title,
    Description,
    Seller,
}

/// How the mark was disguised, as a reviewer would name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantKind {
    /// The mark as registered (case aside).
    Exact,
    /// Full-width, mathematical or other styled letters (NFKC folds them),
    /// or Han characters in their traditional form for a mark registered
    /// in simplified ones (康師傅 for 康师傅).
    Styled,
    /// Accents and other diacritics added.
    Diacritic,
    /// Look-alike letters from another script (Cyrillic, Greek …).
    Homoglyph,
    /// Digits or symbols for letters (N1ke, Ch@nel, rn for m).
    Leet,
    /// Letters split by spaces or separators (N-I-K-E, G u c c i).
    Spaced,
    /// The mark glued to another word (nikeshoes) or a multi-word mark
    /// written as one (LouisVuitton).
    Joined,
    /// A deliberate misspelling: a letter dropped, doubled, swapped,
    /// replaced or inserted.
    Typo,
    /// Written upside down (ǝʞıN), with letters that look like the
    /// mark's turned over.
    Turned,
    /// A mark of two words written the other way round (Armani Emporio):
    /// a catalogue's surname first, or a seller slipping past a search.
    Reordered,
    /// A mark of names with those before the last cut to initials (J.P.
    /// Gaultier, S. Tacchini).
    Initials,
}

impl VariantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VariantKind::Exact => "exact",
            VariantKind::Styled => "styled",
            VariantKind::Diacritic => "diacritic",
            VariantKind::Homoglyph => "homoglyph",
            VariantKind::Leet => "leet",
            VariantKind::Spaced => "spaced",
            VariantKind::Joined => "joined",
            VariantKind::Typo => "typo",
            VariantKind::Turned => "turned",
            VariantKind::Reordered => "reordered",
            VariantKind::Initials => "initials",
        }
    }
}

/// Words around a match that move its score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cue", content = "words", rename_all = "snake_case")]
pub enum Cue {
    /// An honest reference: "case for", "compatible with" …
    Nominative(String),
    /// A counterfeit tell-tale: "replica", "1:1", "AAA" …
    Counterfeit(String),
    /// The matched token is an ordinary dictionary word.
    OrdinaryWord(String),
}

/// A mark found in a listing's text: the text stage's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextMatch {
    /// The mark's registry id, shared with the matcher: a listing dense
    /// with marks has thousands of matches, and a `String` each was a
    /// third of the text stage's allocations.
    pub mark_id: Arc<str>,
    pub field: TextField,
    /// Byte span of the match in that field's original text.
    pub start: usize,
    pub end: usize,
    /// The text exactly as written in the listing.
    pub matched: String,
    pub variant: VariantKind,
    /// 1.0 for the mark itself, lower for near misses.
    pub similarity: f32,
    /// Context words that move the score.
    pub cues: Vec<Cue>,
}

/// A rectangle in an image, in pixels of the image as fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// A registered work found in a listing image: the image stage's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageMatch {
    /// The work's registry id.
    pub work_id: String,
    pub image_url: String,
    /// SHA-256 of the image bytes as fetched, hex.
    pub image_sha256: String,
    /// How many bits of the hashes differ, of `bits`.
    pub distance: u32,
    /// How many bits were compared, so a reader can judge the distance:
    /// those of the work's hashes that the work is sure of (at most 512;
    /// fewer for flat artwork, whose unsure bits a copy may set either
    /// way).
    pub bits: u32,
    /// The listing image matched the work's mirror image.
    pub mirrored: bool,
    /// The part of the listing image that matched the work.
    pub region: Region,
}

/// What the image stage says of one listing.
#[derive(Clone, Debug, Default)]
pub struct ImageReport {
    pub matches: Vec<ImageMatch>,
    /// SHA-256 of every image looked at, for the draft's evidence.
    pub digests: Vec<String>,
    /// Images that could not be decoded or were refused, with the reason.
    pub failures: Vec<Failure>,
}

/// The evidence a reviewer checks in seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub text: Vec<TextMatch>,
    pub images: Vec<ImageMatch>,
    /// SHA-256 of each listing image examined.
    pub image_digests: Vec<String>,
    /// Counterfeit words found anywhere in the listing.
    pub counterfeit_words: Vec<String>,
}

/// What should happen to a candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "reason", rename_all = "snake_case")]
pub enum Disposition {
    /// Strong enough to go into a complaint draft.
    Draft,
    /// Worth a person's look but not to be filed as it is (nominative use,
    /// weak evidence, an expired right).
    Review(String),
}

/// One infringing listing, scored: the score stage's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub url: String,
    pub item_id: String,
    pub platform: String,
    pub title: String,
    pub seller: String,
    pub captured_at: String,
    /// The right the complaint would rest on.
    pub right_id: String,
    pub right_kind: RightKind,
    pub holder_id: String,
    /// In [0, 1].
    pub score: f32,
    pub disposition: Disposition,
    /// One sentence a reviewer reads first.
    pub explanation: String,
    pub evidence: Evidence,
}
