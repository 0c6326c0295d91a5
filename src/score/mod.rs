//! Scoring: from a listing's text and image matches to one [`Candidate`].
//!
//! A wrongful complaint costs the rights holder as much as a missed one, so
//! every rule here either needs evidence to raise a score or has a reason to
//! lower it, and the candidate says which rules moved it:
//!
//! - A mark found as written or in a deliberate disguise (look-alike letters,
//!   leet, spacing) is strong evidence: nobody writes `V3l0ra` by accident.
//! - A near miss that is itself a dictionary word ("velour"), or a longer
//!   dictionary word that holds the mark ("pineapple" for Apple), is no
//!   evidence on its own; only counterfeit words or a copied image can
//!   back it.
//! - A mark that is an ordinary word ("kestrel") counts only in a category
//!   whose goods the mark is registered for (its Nice classes), and goes
//!   to review when the word after it is a likeness ("kestrel figurine"),
//!   when it and its neighbour are the name of a thing ("American
//!   kestrel"), when the noun after it names goods of other classes
//!   ("kestrel lamp"), or when the title writes it in lower case inside a
//!   phrase of lower-case words though it capitalises ("Vintage wool
//!   kestrel coat"): the listing may show or sell the bird, or other
//!   goods, or use the word, not the brand (`text::sense`). Where
//!   the site profile does not map the listing's category, or there is
//!   none, the goods the title names stand in for it ([`goods`]: "kestrel
//!   *mug*" is not clothing). Written with letters of another script
//!   mixed in ("Kеstrel", a Cyrillic е), the word was hidden from an
//!   alert, which the bird needs no hiding from: it counts unless the
//!   goods are outside the mark's classes, and none of those readings
//!   sends it to review.
//! - Honest references ("strap for …", "not affiliated with …") go to
//!   review as nominative use, never straight into a complaint, whichever
//!   mention of the mark the phrase stands before; counterfeit words
//!   ("replica", "1:1") raise the score.
//! - Listings by the holder's authorised sellers are not candidates.
//! - A right that has expired cannot rest a complaint: its candidates go to
//!   review.
//!
//! Of all the rights a listing touches, the strongest becomes the
//! candidate's right (one complaint rests on one right); ties go to the
//! trademark, whose evidence is quickest to check.

use jiff::civil::Date;

use crate::config::{Registry, SiteProfile};
use crate::model::{
    Candidate, Cue, Disposition, Evidence, ImageReport, Listing, RightKind, TextField, TextMatch, VariantKind,
};
use crate::text::goods;

/// At or above this a candidate goes into a draft (unless a rule sends it
/// to review); below [`REVIEW_THRESHOLD`] it is dropped.
pub const DRAFT_THRESHOLD: f32 = 0.7;
/// Candidates between this and [`DRAFT_THRESHOLD`] go to review.
pub const REVIEW_THRESHOLD: f32 = 0.45;

/// What the scorer needs besides the listing: the rights and the site's
/// category table, and today's date for expiry.
pub struct Scorer<'a> {
    pub registry: &'a Registry,
    pub site: &'a SiteProfile,
    pub today: Date,
}

/// Why a listing with matches produced no candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoCandidate {
    /// Nothing matched.
    Clean,
    /// Sold by one of the holder's authorised sellers.
    Authorised,
    /// Matches were found but every one was explained away (ordinary
    /// words, weak near misses).
    Suppressed(String),
}

struct Scored {
    right_id: String,
    kind: RightKind,
    holder: String,
    score: f32,
    review: Option<String>,
    explanation: String,
    text: Vec<TextMatch>,
    images: Vec<crate::model::ImageMatch>,
}

impl Scorer<'_> {
    /// Scores one listing. `counterfeit` holds the counterfeit words found
    /// anywhere in it.
    pub fn score(
        &self,
        listing: &Listing,
        text: &[TextMatch],
        images: &ImageReport,
        counterfeit: &[String],
    ) -> Result<Candidate, NoCandidate> {
        if text.is_empty() && images.matches.is_empty() {
            return Err(NoCandidate::Clean);
        }
        if self.registry.is_authorised_seller(&listing.seller) {
            return Err(NoCandidate::Authorised);
        }
        let mut options = Vec::new();
        let mut suppressed = Vec::new();
        let mut mark_ids: Vec<&str> = text.iter().map(|m| &*m.mark_id).collect();
        mark_ids.sort_unstable();
        mark_ids.dedup();
        for id in mark_ids {
            let matches: Vec<TextMatch> = text.iter().filter(|m| &*m.mark_id == id).cloned().collect();
            match self.score_mark(id, matches, listing, images, counterfeit) {
                Ok(s) => options.push(s),
                Err(why) => suppressed.push(why),
            }
        }
        let mut work_ids: Vec<&str> = images.matches.iter().map(|m| m.work_id.as_str()).collect();
        work_ids.sort_unstable();
        work_ids.dedup();
        for id in work_ids {
            let Some(work) = self.registry.work(id) else { continue };
            let matches: Vec<_> = images.matches.iter().filter(|m| m.work_id == id).cloned().collect();
            let best = matches
                .iter()
                .min_by_key(|m| (m.distance * 1024) / m.bits.max(1))
                .expect("non-empty");
            // The image stage reports only what it judged a copy; closeness
            // ranks those, never below the drafting bar.
            let closeness = 1.0 - best.distance as f32 / best.bits.max(1) as f32;
            let score = closeness.clamp(DRAFT_THRESHOLD, 1.0);
            let explanation = format!(
                "Image {} matches the registered {} \"{}\" ({} {}) differing in {} of the {} hash bits compared{}{}.",
                best.image_url,
                work.kind,
                work.title,
                work.id,
                work.registration,
                best.distance,
                best.bits,
                if best.mirrored { ", mirrored" } else { "" },
                region_note(best),
            );
            options.push(Scored {
                right_id: work.id.clone(),
                kind: work.kind,
                holder: work.holder.clone(),
                score,
                review: None,
                explanation,
                text: Vec::new(),
                images: matches,
            });
        }
        let Some(best) = options.into_iter().max_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then_with(|| b.kind.cmp(&a.kind))
                .then_with(|| b.right_id.cmp(&a.right_id))
        }) else {
            return Err(NoCandidate::Suppressed(suppressed.join("; ")));
        };
        let mut review = best.review;
        if !self.registry.in_force(&best.right_id, self.today) {
            let until = self.registry.right(&best.right_id).and_then(|r| r.valid_until);
            review = Some(format!(
                "the right {} expired on {}",
                best.right_id,
                until.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        if review.is_none() && best.score < DRAFT_THRESHOLD {
            review = Some(format!(
                "score {:.2} is under the drafting threshold {DRAFT_THRESHOLD}",
                best.score
            ));
        }
        Ok(Candidate {
            url: listing.canonical.clone(),
            item_id: listing.item_id.clone(),
            platform: listing.platform.clone(),
            title: listing.title.clone(),
            seller: listing.seller.clone(),
            captured_at: listing.captured_at.clone(),
            right_id: best.right_id,
            right_kind: best.kind,
            holder_id: best.holder,
            score: (best.score * 1000.0).round() / 1000.0,
            disposition: match review {
                Some(r) => Disposition::Review(r),
                None => Disposition::Draft,
            },
            explanation: best.explanation,
            evidence: Evidence {
                text: best.text,
                images: best.images,
                image_digests: images.digests.clone(),
                counterfeit_words: counterfeit.to_vec(),
            },
        })
    }

    /// One mark's matches in a listing, scored; `Err` says why they do not
    /// count.
    fn score_mark(
        &self,
        id: &str,
        matches: Vec<TextMatch>,
        listing: &Listing,
        images: &ImageReport,
        counterfeit: &[String],
    ) -> Result<Scored, String> {
        let mark = self.registry.mark(id).ok_or_else(|| format!("unknown mark {id}"))?;
        let (in_class, goods) = in_class(self.site, listing, &matches, &mark.classes);
        let goods_said = |fit: &str| match goods {
            Some(noun) => format!("the title's {noun:?} {fit}"),
            None => format!("the category {:?} {fit}", listing.category),
        };
        // Another right of the same holder seen in the images backs a weak
        // text hit: the seller copied the brand's own pictures.
        let image_backing = images
            .matches
            .iter()
            .any(|m| self.registry.work(&m.work_id).is_some_and(|w| w.holder == mark.holder));
        // A tell-tale that is the match itself ("Fake", a letter from
        // Falke) backs nothing: it is the word under judgement.
        let telling = |m: &TextMatch| -> Vec<&str> {
            (counterfeit.iter().map(String::as_str))
                .filter(|w| !m.matched.eq_ignore_ascii_case(w))
                .collect()
        };

        // Letters from another script mixed into the word are never a slip
        // of the keyboard: the seller hid the word from an alert, which the
        // ordinary word needs no hiding from. That backs it where nothing
        // says the goods are outside the mark's classes, against every
        // reading of it as the word.
        let hidden = |m: &TextMatch| m.variant == VariantKind::Homoglyph && in_class != Some(false);
        let mut best: Option<(f32, &TextMatch, Vec<String>)> = None;
        let mut reasons = Vec::new();
        for m in &matches {
            let counterfeit = telling(m);
            let backed = !counterfeit.is_empty() || image_backing;
            let mut notes = Vec::new();
            let ordinary = ordinary_word(m);
            let mut s = match m.variant {
                VariantKind::Exact => 0.85,
                // Disguises are deliberate: they are evidence of intent.
                VariantKind::Styled
                | VariantKind::Diacritic
                | VariantKind::Homoglyph
                | VariantKind::Leet
                | VariantKind::Spaced
                | VariantKind::Turned
                | VariantKind::Reordered => 0.9,
                // As the brand's own shorthand is: the mark.
                VariantKind::Initials => 0.85,
                VariantKind::Joined => 0.8,
                VariantKind::Typo => 0.45 + 0.4 * m.similarity.clamp(0.0, 1.0),
            };
            if let Some(word) = ordinary {
                if m.variant == VariantKind::Typo && !backed {
                    reasons.push(format!("{:?} is an ordinary word near {}", m.matched, mark.text));
                    continue;
                }
                // A longer word that holds the mark ("pineapple" for Apple)
                // is another word, not the mark used in its other sense.
                if !is_the_mark(word, &mark.text) && !backed {
                    reasons.push(format!("{word:?} is an ordinary word that holds {}", mark.text));
                    continue;
                }
                // Two ordinary words that spell the mark ("long champ") are
                // most likely the phrase: counterfeit words may be about the
                // thing ("trophy replica"); only the holder's own picture
                // says the brand is meant outside its goods.
                let phrase = word.contains(' ');
                if in_class != Some(true) && !hidden(m) && !(if phrase { image_backing } else { backed }) {
                    let why = match in_class {
                        Some(_) => goods_said("is outside the mark's classes"),
                        None if listing.category.trim().is_empty() => {
                            "the listing names no category and its title no goods".into()
                        }
                        None => goods_said("is not one the site profile maps to the mark's classes"),
                    };
                    reasons.push(format!("{:?} is an ordinary word and {why}", m.matched));
                    continue;
                }
                notes.push(format!(
                    "ordinary word, used for goods in the mark's classes{}",
                    goods.map(|g| format!(" ({g:?})")).unwrap_or_default()
                ));
            }
            match in_class {
                Some(true) => s += 0.05,
                Some(false) => {
                    s -= 0.25;
                    notes.push(goods_said("is outside the mark's classes"));
                }
                None => {}
            }
            // Short marks collide with ordinary strings far more often:
            // outside the goods the mark is known for, and where misspelt
            // shorter still ("Eco" for Ecco, "Orx" for Oryx), as weak as
            // a mark of three letters, which is matched only as written.
            let letters = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).count();
            let short = letters(&mark.text) <= crate::text::SHORT;
            let shortened = m.variant == VariantKind::Typo && letters(&m.matched) < letters(&mark.text);
            if short && !backed && (in_class != Some(true) || shortened) {
                s -= 0.15;
                notes.push(if shortened {
                    "short mark misspelt shorter, without supporting evidence".into()
                } else {
                    "short mark without supporting evidence".into()
                });
            }
            s -= match m.field {
                TextField::Title => 0.0,
                TextField::Description => 0.05,
                TextField::Seller => 0.1,
            };
            if !counterfeit.is_empty() {
                s += 0.1;
                notes.push(format!("counterfeit words: {}", counterfeit.join(", ")));
            }
            if image_backing {
                s += 0.05;
                notes.push("the holder's registered image appears too".into());
            }
            let s = s.clamp(0.0, 1.0);
            if best.as_ref().is_none_or(|(b, _, _)| s > *b) {
                best = Some((s, m, notes));
            }
        }
        let (score, m, notes) = best.ok_or_else(|| reasons.join("; "))?;
        let backed = !telling(m).is_empty() || image_backing;
        // An honest-reference phrase before any mention of the mark ("patch
        // kit fits Canada Goose parkas") says what the listing is, though
        // the best-scored mention, often the first, has none.
        let nominative = std::iter::once(m).chain(&matches).find_map(|m| {
            m.cues.iter().find_map(|c| match c {
                Cue::Nominative(p) => Some(p.clone()),
                _ => None,
            })
        });
        // An ordinary word followed by a likeness ("puma plush"), half of
        // the name of a thing ("polar bear"), or before goods the mark is
        // not registered for ("head torch"), may name the thing rather
        // than the brand, even where the category is of the mark's goods.
        let thing = match (ordinary_word(m), field_text(listing, m.field)) {
            (Some(word), Some(t)) if !backed && !hidden(m) => {
                use crate::text::sense::{compound_around, depiction_after, other_goods_after, small_among_capitals};
                depiction_after(t, m.end)
                    .map(|w| format!("{w:?} follows it: the listing may show the thing"))
                    .or_else(|| {
                        compound_around(t, m.start, m.end, word)
                            .map(|c| format!("{c:?} is the name of a thing: the listing may sell the thing"))
                    })
                    .or_else(|| {
                        other_goods_after(t, m.end, &mark.classes).map(|g| {
                            format!("{g:?}, goods outside the mark's classes, follows it: the listing may sell those")
                        })
                    })
                    .or_else(|| {
                        let as_written = m.field == TextField::Title && m.variant == VariantKind::Exact;
                        (as_written
                            && mark.text.chars().any(char::is_uppercase)
                            && small_among_capitals(t, m.start, m.end))
                        .then(|| {
                            "it is written in lower case where the title capitalises: the word, not the name".into()
                        })
                    })
            }
            _ => None,
        };
        let explanation = format!(
            "{} {:?} is {} of the mark {} ({} {}){}.",
            field_name(m.field),
            m.matched,
            variant_phrase(m.variant, &m.matched),
            mark.text,
            mark.registry,
            mark.registration,
            if notes.is_empty() {
                String::new()
            } else {
                format!("; {}", notes.join("; "))
            }
        );
        let thing = thing.map(|why| format!("{:?} is an ordinary word and {why}, not the brand", m.matched));
        // Inside a quotation of more words than its own ("'The Girl from
        // Ipanema' lyrics T-shirt", «Esprit de Noël»), the mark is part of
        // a slogan, a title or a motto printed on the goods.
        let quoted = || {
            let t = field_text(listing, m.field).filter(|_| !backed)?;
            crate::text::sense::quotation_around(t, m.start, m.end).map(|q| {
                format!(
                    "{:?} stands inside the quotation {q:?}: a slogan or a title on the goods, not the brand",
                    m.matched
                )
            })
        };
        let (score, review) = match (nominative, thing.or_else(quoted)) {
            (Some(p), _) => (score * 0.6, Some(format!("nominative use: {p:?} next to the mark"))),
            (None, Some(why)) => (score, Some(why)),
            (None, None) if score < REVIEW_THRESHOLD => return Err(format!("score {score:.2} for {}", mark.text)),
            (None, None) => (score, None),
        };
        Ok(Scored {
            right_id: mark.id.clone(),
            kind: RightKind::Trademark,
            holder: mark.holder.clone(),
            score,
            review,
            explanation,
            text: matches,
            images: Vec::new(),
        })
    }
}

/// The ordinary word a match is, if the matcher found it one.
fn ordinary_word(m: &TextMatch) -> Option<&str> {
    m.cues.iter().find_map(|c| match c {
        Cue::OrdinaryWord(w) => Some(w.as_str()),
        _ => None,
    })
}

/// The letters and digits of a mark as written, lower case, accents
/// dropped: "levis" for "Levi's", "hermes" for "Hermès".
pub(crate) fn letters_of(mark: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    mark.nfkd()
        .filter(|&c| c.is_alphanumeric() && !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the ordinary word `word` (as the matcher reports it, lower
/// case) is the mark itself or its plural or possessive, rather than a
/// longer word that holds it.
fn is_the_mark(word: &str, mark: &str) -> bool {
    // The matcher reports the word with its accents folded away ("cafe"
    // for a mark "Café"), and in the Latin letters another script's look
    // like ("ion" for a Greek mark ΙΟΝ written in Latin): the mark is read
    // both ways.
    let word: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let is = |mark: String| {
        let stem = word
            .strip_suffix("es")
            .filter(|s| *s == mark)
            .or_else(|| word.strip_suffix('s'));
        word == mark || stem == Some(mark.as_str())
    };
    is(letters_of(mark)) || is(letters_of(&crate::text::skeleton(mark)))
}

/// The listing's text that a match of `field` was found in; `None` for
/// the seller's name, which has no words after a mark to read.
/// Whether `listing` sells goods of `classes`, and the noun of the title
/// that says so where the category does not. In order: the category as
/// the site profile maps it, whole or in part ([`SiteProfile::category_fit`]);
/// a category it does not map, read for nouns of goods ("Phones &
/// Telecommunications"), which like a category understood in part may say
/// in, never out; then the nouns of goods the title names, apart or glued
/// to a mark of `matches` ("nike*shoes*"). `None` where nothing says.
fn in_class<'l>(
    site: &SiteProfile,
    listing: &'l Listing,
    matches: &[TextMatch],
    classes: &[u16],
) -> (Option<bool>, Option<&'l str>) {
    if let Some(fit) = site.category_fit(&listing.category, classes) {
        return (Some(fit), None);
    }
    if goods::fit(&listing.category, classes).is_some_and(|(fit, _)| fit) {
        return (Some(true), None);
    }
    let glued = || {
        matches
            .iter()
            .filter(|m| m.variant == VariantKind::Joined)
            .find_map(|m| goods::fit_glued(field_text(listing, m.field)?, (m.start, m.end), classes))
    };
    match goods::fit(&listing.title, classes).or_else(glued) {
        Some((fit, noun)) => (Some(fit), Some(noun)),
        None => (None, None),
    }
}

fn field_text(listing: &Listing, field: TextField) -> Option<&str> {
    match field {
        TextField::Title => Some(&listing.title),
        TextField::Description => Some(&listing.description),
        TextField::Seller => None,
    }
}

fn field_name(f: TextField) -> &'static str {
    match f {
        TextField::Title => "Title text",
        TextField::Description => "Description text",
        TextField::Seller => "Seller name",
    }
}

/// How the text as written `matched` stands to the mark, in words.
fn variant_phrase(v: VariantKind, matched: &str) -> &'static str {
    match v {
        VariantKind::Exact => "the registered form",
        VariantKind::Styled if crate::text::in_traditional_han(matched) => "a traditional-character form",
        VariantKind::Styled => "a styled-letter (full-width or mathematical) form",
        VariantKind::Diacritic => "an accented form",
        VariantKind::Homoglyph => "a look-alike-letter (other script) form",
        VariantKind::Leet => "a digit/symbol-for-letter form",
        VariantKind::Spaced => "a spaced-out form",
        VariantKind::Joined => "a joined-up form",
        VariantKind::Typo => "a deliberate misspelling",
        VariantKind::Turned => "an upside-down form",
        VariantKind::Reordered => "a form with its words in another order",
        VariantKind::Initials => "a form with its first names as initials",
    }
}

fn region_note(m: &crate::model::ImageMatch) -> String {
    let r = m.region;
    format!(", region {}×{} at ({}, {})", r.width, r.height, r.x, r.y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ImageMatch, Region};
    use std::path::PathBuf;

    fn registry() -> Registry {
        Registry::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/registry.toml")).unwrap()
    }

    fn listing(category: &str, seller: &str) -> Listing {
        Listing {
            canonical: "http://m.example/item/1.html".into(),
            item_id: "1".into(),
            platform: "fixture-market".into(),
            title: "t".into(),
            seller: seller.into(),
            category: category.into(),
            ..Listing::default()
        }
    }

    fn hit(mark: &str, variant: VariantKind, cues: Vec<Cue>) -> TextMatch {
        TextMatch {
            mark_id: mark.into(),
            field: TextField::Title,
            start: 0,
            end: 6,
            matched: "Velora".into(),
            variant,
            similarity: if variant == VariantKind::Typo { 0.83 } else { 1.0 },
            cues,
        }
    }

    /// A listing titled `title` in `category` whose first word is the mark
    /// Kestrel, as written, reported as the ordinary word "kestrel".
    fn kestrel_in(title: &str, category: &str) -> (Listing, [TextMatch; 1]) {
        exact_in("tm-kestrel", title, category, vec![Cue::OrdinaryWord("kestrel".into())])
    }

    /// A listing of `category` titled `title`, and the match of the mark
    /// `id` in it, written as registered (any case), with `cues`.
    fn exact_in(id: &str, title: &str, category: &str, cues: Vec<Cue>) -> (Listing, [TextMatch; 1]) {
        let mut l = listing(category, "S");
        l.title = title.into();
        let word = id.trim_start_matches("tm-");
        let start = title.to_lowercase().find(word).unwrap();
        let end = start + word.len();
        let m = TextMatch {
            start,
            end,
            matched: title[start..end].into(),
            ..hit(id, VariantKind::Exact, cues)
        };
        (l, [m])
    }

    /// `made` goes to review, for a reason that says `why`, and straight
    /// into a draft where counterfeit words back it.
    fn review_unless_backed((l, m): (Listing, [TextMatch; 1]), why: &str) {
        let c = run(&l, &m, &ImageReport::default(), &[]).unwrap();
        assert!(
            matches!(c.disposition, Disposition::Review(ref r) if r.contains(why)),
            "{c:?}"
        );
        let c = run(&l, &m, &ImageReport::default(), &["replica".into()]).unwrap();
        assert_eq!(c.disposition, Disposition::Draft, "{c:?}");
    }

    fn drafted((l, m): (Listing, [TextMatch; 1])) {
        let c = run(&l, &m, &ImageReport::default(), &[]).unwrap();
        assert_eq!(c.disposition, Disposition::Draft, "{c:?}");
    }

    fn run(l: &Listing, t: &[TextMatch], i: &ImageReport, cf: &[String]) -> Result<Candidate, NoCandidate> {
        let (r, site) = (registry(), SiteProfile::fixture());
        Scorer {
            registry: &r,
            site: &site,
            today: "2026-11-23".parse().unwrap(),
        }
        .score(l, t, i, cf)
    }

    #[test]
    fn disguised_mark_in_class_is_drafted_with_evidence() {
        let c = run(
            &listing("Bags", "Shop"),
            &[hit("tm-velora", VariantKind::Leet, vec![])],
            &ImageReport::default(),
            &[],
        )
        .unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
        assert_eq!(c.right_kind, RightKind::Trademark);
        assert!(c.score >= DRAFT_THRESHOLD);
        assert!(
            c.explanation.contains("Velora") && c.explanation.contains("018234567"),
            "{}",
            c.explanation
        );
    }

    /// A styled match says which style: letters, or Han in its
    /// traditional form.
    #[test]
    fn the_explanation_names_the_style() {
        assert_eq!(
            variant_phrase(VariantKind::Styled, "康師傅"),
            "a traditional-character form"
        );
        assert!(variant_phrase(VariantKind::Styled, "Ｖｅｌｏｒａ").contains("full-width"));
        assert!(variant_phrase(VariantKind::Styled, "康师傅").contains("full-width"));
    }

    /// A short mark misspelt shorter ("Orx" for Oryx, "Eco" for Ecco) is
    /// as weak as a mark of three letters: in the mark's own goods it goes
    /// to review, unless counterfeit words back it.
    #[test]
    fn a_short_mark_misspelt_shorter_needs_backing() {
        let orx = |cf: &[String]| {
            let m = TextMatch {
                end: 3,
                matched: "Orx".into(),
                similarity: 0.75,
                ..hit("tm-oryx", VariantKind::Typo, vec![])
            };
            run(&listing("Clothing", "S"), &[m], &ImageReport::default(), cf).unwrap()
        };
        let c = orx(&[]);
        assert!(matches!(c.disposition, Disposition::Review(_)), "{c:?}");
        assert!(c.explanation.contains("misspelt shorter"), "{}", c.explanation);
        assert_eq!(orx(&["replica".to_string()]).disposition, Disposition::Draft);
        // Misspelt at its own length, in its goods, it needs nothing more.
        let m = TextMatch {
            end: 4,
            matched: "Orxy".into(),
            similarity: 0.75,
            ..hit("tm-oryx", VariantKind::Typo, vec![])
        };
        let c = run(&listing("Clothing", "S"), &[m], &ImageReport::default(), &[]).unwrap();
        assert_eq!(c.disposition, Disposition::Draft, "{c:?}");
    }

    #[test]
    fn a_mark_written_as_two_ordinary_words_counts_only_for_its_goods() {
        // "Kes trel" stands for two dictionary words that spell the mark
        // Kestrel (clothing, toys and sports goods, not homeware).
        let pair = |category: &str, cf: &[String]| {
            let mut l = listing(category, "S");
            l.title = "Kes trel trophy replica cup".into();
            let m = TextMatch {
                end: 8,
                matched: "Kes trel".into(),
                ..hit(
                    "tm-kestrel",
                    VariantKind::Spaced,
                    vec![Cue::OrdinaryWord("kes trel".into())],
                )
            };
            run(&l, &[m], &ImageReport::default(), cf)
        };
        // Counterfeit words back a single ordinary word outside the mark's
        // goods, but not a phrase: the replica may be the trophy's.
        let replica = ["replica".to_string()];
        assert!(matches!(pair("Home", &replica), Err(NoCandidate::Suppressed(_))));
        assert!(matches!(pair("Home", &[]), Err(NoCandidate::Suppressed(_))));
        // For the mark's goods, the mark written apart.
        let c = pair("Sports", &[]).unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
    }

    #[test]
    fn an_ordinary_word_written_in_look_alike_letters_counts_where_the_goods_are_unknown() {
        // "Kеstrel" with a Cyrillic е: hidden from an alert, not the bird.
        let kestrel = |category: &str| {
            let (l, [m]) = kestrel_in("Kestrel hiking gear", category);
            let m = TextMatch {
                variant: VariantKind::Homoglyph,
                ..m
            };
            run(&l, &[m], &ImageReport::default(), &[])
        };
        let c = kestrel("").unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
        // Outside the mark's goods it is still the word.
        assert!(matches!(kestrel("Home"), Err(NoCandidate::Suppressed(_))));
        // Written plainly, with nothing to say what the goods are, the
        // word explains itself away.
        let (l, m) = kestrel_in("Kestrel hiking gear", "");
        assert!(matches!(
            run(&l, &m, &ImageReport::default(), &[]),
            Err(NoCandidate::Suppressed(_))
        ));
    }

    #[test]
    fn an_ordinary_word_written_in_look_alike_letters_is_not_read_as_the_thing() {
        // "Kеstrel plush" with a Cyrillic е: the seller hid the word, which
        // the bird needs no hiding from.
        let hidden = |title: &str| {
            let (l, [m]) = kestrel_in(title, "Toys");
            let m = TextMatch {
                variant: VariantKind::Homoglyph,
                ..m
            };
            (l, [m])
        };
        drafted(hidden("kestrel plush toy 20cm"));
        drafted(hidden("American Kestrel wooden toy 20cm"));
        // Written plainly, the word after it says a bird may be meant.
        review_unless_backed(kestrel_in("kestrel plush toy 20cm", "Toys"), "\"plush\"");
    }

    #[test]
    fn ordinary_word_near_miss_is_suppressed_unless_backed() {
        let near = [hit(
            "tm-velora",
            VariantKind::Typo,
            vec![Cue::OrdinaryWord("velour".into())],
        )];
        assert!(matches!(
            run(&listing("Clothing", "S"), &near, &ImageReport::default(), &[]),
            Err(NoCandidate::Suppressed(_))
        ));
        let c = run(
            &listing("Clothing", "S"),
            &near,
            &ImageReport::default(),
            &["replica".into()],
        )
        .unwrap();
        assert!(c.evidence.counterfeit_words.contains(&"replica".to_string()));
        // The tell-tale that is the word itself backs nothing: "Fake" is a
        // letter from Falke, and "fake" a counterfeit word.
        let fake = [TextMatch {
            end: 4,
            matched: "Fake".into(),
            ..hit("tm-velora", VariantKind::Typo, vec![Cue::OrdinaryWord("fake".into())])
        }];
        let run_fake = |cf: &[String]| run(&listing("Clothing", "S"), &fake, &ImageReport::default(), cf);
        assert!(matches!(run_fake(&["fake".into()]), Err(NoCandidate::Suppressed(_))));
        assert!(run_fake(&["fake".into(), "replica".into()]).is_ok());
    }

    #[test]
    fn ordinary_word_before_a_likeness_goes_to_review_in_class_unless_backed() {
        // Kestrel is registered for toys (28), so the category alone lets
        // "kestrel" count; the word after it says a bird may be meant.
        // Backed by counterfeit words, the brand is meant after all.
        review_unless_backed(kestrel_in("kestrel plush toy 20cm", "Toys"), "\"plush\"");
        // The brand's own goods follow it with a product, not a likeness.
        drafted(kestrel_in("Kestrel trekking poles carbon", "Toys"));
    }

    #[test]
    fn ordinary_word_in_the_name_of_a_thing_goes_to_review_unless_backed() {
        // "American kestrel" is a bird, in the dictionary as one name.
        review_unless_backed(
            kestrel_in("American Kestrel wooden toy 20cm", "Toys"),
            "\"American Kestrel\" is the name of a thing",
        );
        // A word before it that makes no name leaves the brand's goods.
        drafted(kestrel_in("Mens Kestrel wooden toy 20cm", "Toys"));
    }

    #[test]
    fn a_mark_inside_a_quoted_slogan_goes_to_review_unless_backed() {
        let velora = |title: &str| exact_in("tm-velora", title, "Clothing", vec![]);
        review_unless_backed(
            velora("T-shirt « Velora, mon amour » coton bio"),
            "inside the quotation",
        );
        // The brand's name quoted alone is the brand's.
        drafted(velora("Hoodie 'Velora' cotton"));
    }

    #[test]
    fn ordinary_word_before_goods_of_other_classes_goes_to_review_unless_backed() {
        // Kestrel is registered for clothing, toys and sports goods; a
        // kestrel lamp is a lamp, sold under a category of sports goods.
        review_unless_backed(
            kestrel_in("Kestrel lamp for camping", "Sports"),
            "\"lamp\", goods outside",
        );
        drafted(kestrel_in("Kestrel jacket for camping", "Sports"));
    }

    #[test]
    fn with_no_category_the_goods_the_title_names_decide() {
        // Kestrel is registered for clothing, toys and sports goods.
        let kestrel = |title: &str, category: &str| {
            let (l, m) = kestrel_in(title, category);
            run(&l, &m, &ImageReport::default(), &[])
        };
        let why = |title: &str, category: &str| match kestrel(title, category) {
            Err(NoCandidate::Suppressed(why)) => why,
            other => panic!("{title}: {other:?}"),
        };
        let c = kestrel("Kestrel softshell jacket hoodie", "").unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
        assert!(c.explanation.contains("(\"jacket\")"), "{}", c.explanation);
        // The bird on a mug, with no category to say so.
        let w = why("Kestrel mug hand painted", "");
        assert!(w.contains("the title's \"mug\" is outside"), "{w}");
        let w = why("Kestrel nesting facts", "");
        assert!(w.contains("names no category and its title no goods"), "{w}");
        // A category the profile maps decides, whatever the title names.
        let w = why("Kestrel softshell jacket", "Home");
        assert!(w.contains("the category \"Home\" is outside"), "{w}");
        // One it does not map may name goods in the mark's classes (a
        // phone, class 9), never out of them (wigs, 26: the title decides).
        let c = kestrel("Kestrel nesting facts", "Phones & Telecommunications").unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
        let c = kestrel("Kestrel softshell jacket", "Hair Extensions & Wigs").unwrap();
        assert_eq!(c.disposition, Disposition::Draft);
        let w = why("Kestrel mug", "Hair Extensions & Wigs");
        assert!(w.contains("the title's \"mug\" is outside"), "{w}");
    }

    #[test]
    fn a_longer_ordinary_word_that_holds_the_mark_needs_backing() {
        assert!(is_the_mark("kestrel", "Kestrel"));
        assert!(is_the_mark("kestrels", "Kestrel"));
        assert!(!is_the_mark("kestrelware", "Kestrel"));
        assert!(!is_the_mark("pineapple", "Apple"));
        assert!(is_the_mark("cafe", "Café"));
        // A Greek mark whose letters look like Latin ones, written in
        // Latin: the matcher reports the Latin word, which is the mark.
        assert!(is_the_mark("ion", "ΙΟΝ"));
        assert!(is_the_mark("ions", "ΙΟΝ"));
        assert!(!is_the_mark("lion", "ΙΟΝ"));
        // "Kestrel" in a longer dictionary word, in the mark's class.
        let glued = [TextMatch {
            mark_id: "tm-kestrel".into(),
            matched: "kestrel".into(),
            ..hit(
                "tm-kestrel",
                VariantKind::Joined,
                vec![Cue::OrdinaryWord("kestrelware".into())],
            )
        }];
        assert!(matches!(
            run(&listing("Toys", "S"), &glued, &ImageReport::default(), &[]),
            Err(NoCandidate::Suppressed(ref why)) if why.contains("kestrelware")
        ));
        assert!(run(
            &listing("Toys", "S"),
            &glued,
            &ImageReport::default(),
            &["replica".into()]
        )
        .is_ok());
    }

    #[test]
    fn nominative_use_goes_to_review_and_authorised_sellers_are_skipped() {
        let nom = [hit(
            "tm-velora",
            VariantKind::Exact,
            vec![Cue::Nominative("fits".into())],
        )];
        let c = run(&listing("Bags", "S"), &nom, &ImageReport::default(), &[]).unwrap();
        assert!(matches!(c.disposition, Disposition::Review(ref r) if r.contains("nominative")));
        // A phrase before a later mention says what the listing is, though
        // the first scores higher ("Velora patch kit, fits Velora bags").
        let later = [
            hit("tm-velora", VariantKind::Leet, vec![]),
            hit("tm-velora", VariantKind::Exact, vec![Cue::Nominative("fits".into())]),
        ];
        let c = run(&listing("Bags", "S"), &later, &ImageReport::default(), &[]).unwrap();
        assert!(
            matches!(c.disposition, Disposition::Review(ref r) if r.contains("\"fits\"")),
            "{c:?}"
        );
        let exact = [hit("tm-velora", VariantKind::Exact, vec![])];
        assert_eq!(
            run(
                &listing("Bags", "Velora Official Store"),
                &exact,
                &ImageReport::default(),
                &[]
            ),
            Err(NoCandidate::Authorised)
        );
    }

    #[test]
    fn expired_right_goes_to_review_and_image_match_can_win() {
        let exact = [hit("tm-brightwell", VariantKind::Exact, vec![])];
        let c = run(&listing("Posters", "S"), &exact, &ImageReport::default(), &[]).unwrap();
        assert!(matches!(c.disposition, Disposition::Review(ref r) if r.contains("expired")));

        let img = ImageReport {
            matches: vec![ImageMatch {
                work_id: "cr-rocket".into(),
                image_url: "http://m.example/img/1/0.jpg".into(),
                image_sha256: "ab".into(),
                distance: 8,
                bits: 256,
                mirrored: true,
                region: Region {
                    x: 0,
                    y: 0,
                    width: 400,
                    height: 300,
                },
            }],
            digests: vec!["ab".into()],
            failures: vec![],
        };
        let c = run(&listing("Posters", "S"), &exact, &img, &[]).unwrap();
        assert_eq!(c.right_id, "cr-rocket");
        assert_eq!(c.disposition, Disposition::Draft);
        assert!(c.explanation.contains("mirrored") && c.explanation.contains("8 of the 256 hash bits"));
    }
}
