//! `knockoff eval text`: the text matcher and scorer against labelled titles.
//!
//! Each line of the labelled file is a title, the mark it should be flagged
//! for (or none), its kind, and optionally the listing's category and seller: a disguise ("leet", "homoglyph" …) for titles
//! that infringe, or a reason it must not be flagged ("clean", "near_miss",
//! "nominative", "ordinary_word" …). A title counts as flagged when scoring
//! it as a listing's title, with no image evidence, yields a candidate bound
//! for a draft. That is the decision that matters: a match the scorer sends
//! to review files no complaint.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::ratio;
use crate::config::{Registry, SiteProfile};
use crate::model::{Candidate, Disposition, ImageReport, Listing, TextMatch};
use crate::score::{letters_of, NoCandidate, Scorer};
use crate::text::TextMatcher;

/// One labelled title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelledText {
    pub text: String,
    /// The mark it should be flagged for, by id or as registered ("Nike"
    /// for `tm-nike`); `None` (or "none", or empty) when it must not be.
    #[serde(alias = "expected", alias = "expected_mark")]
    pub mark: Option<String>,
    /// The disguise, or why it must not be flagged; "unspecified" when the
    /// file does not say.
    #[serde(default = "unspecified")]
    pub kind: String,
    /// The listing's category, when known (decides ordinary-word use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The seller, when known (authorised sellers are never flagged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
}

fn unspecified() -> String {
    "unspecified".into()
}

/// The result of [`evaluate_text`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct TextEval {
    /// Per disguise kind: found, of.
    pub recall: BTreeMap<String, (usize, usize)>,
    /// Per must-not-flag kind: flagged, of.
    pub flagged: BTreeMap<String, (usize, usize)>,
    /// Titles flagged wrongly: the title, its kind, and the words matched.
    pub wrong: Vec<(String, String, Vec<String>)>,
    /// Infringing titles not drafted for their mark: the title, its kind,
    /// and what happened instead (nothing matched, sent to review and why,
    /// drafted for another right), so a miss can be read, not only counted.
    pub missed: Vec<(String, String, String)>,
    /// Labels that name no mark of the registry, by id or as registered,
    /// and how many titles carry each: those titles count as missed.
    pub unknown_labels: BTreeMap<String, usize>,
}

impl TextEval {
    /// Recall over every infringing title.
    pub fn overall_recall(&self) -> f64 {
        let (found, of) = self.recall.values().fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1));
        ratio(found, of)
    }

    /// Share of titles of `kind` that were flagged.
    pub fn flagged_rate(&self, kind: &str) -> f64 {
        self.flagged
            .get(kind)
            .map_or(0.0, |(n, of)| if *of == 0 { 0.0 } else { *n as f64 / *of as f64 })
    }

    pub fn render(&self) -> String {
        // A user's file may name its kinds at any length ("typo:transposition").
        let w = self
            .recall
            .keys()
            .chain(self.flagged.keys())
            .map(|k| k.chars().count())
            .fold(16, usize::max);
        let mut s = format!("{:<w$} recall (found/of)\n", "disguise");
        for (k, (n, of)) in &self.recall {
            s += &format!("{k:<w$} {:>6.3} ({n}/{of})\n", ratio(*n, *of));
        }
        s += &format!(
            "{:<w$} {:>6.3}\n\n{:<w$} flagged (n/of)\n",
            "all",
            self.overall_recall(),
            "must not flag"
        );
        for (k, (n, of)) in &self.flagged {
            s += &format!("{k:<w$} {:>6.3} ({n}/{of})\n", self.flagged_rate(k));
        }
        if !self.flagged.is_empty() {
            let (n, of) = self.flagged.values().fold((0, 0), |a, f| (a.0 + f.0, a.1 + f.1));
            s += &format!(
                "{:<w$} {:>6.3} ({n}/{of}): the false positive rate\n",
                "all",
                ratio(n, of)
            );
        }
        if !self.unknown_labels.is_empty() {
            s += "\nlabels that name no mark of the registry (their titles count as missed):\n";
            for (label, n) in &self.unknown_labels {
                s += &format!("  {label:?}: {n} title{}\n", if *n == 1 { "" } else { "s" });
            }
        }
        if !self.missed.is_empty() {
            s += "\nmissed (kind: title: what happened):\n";
            for (title, kind, outcome) in &self.missed {
                s += &format!("  {kind}: {title}: {outcome}\n");
            }
        }
        if !self.wrong.is_empty() {
            s += "\nwrongly flagged (kind: title [words]):\n";
            for (title, kind, words) in &self.wrong {
                s += &format!("  {kind}: {title} [{}]\n", words.join(", "));
            }
        }
        s
    }
}

/// Scores each labelled title with the matcher and the scorer.
pub fn evaluate_text(
    lines: &[LabelledText],
    registry: &Registry,
    site: &SiteProfile,
    matcher: &TextMatcher,
    today: jiff::civil::Date,
) -> TextEval {
    let scorer = Scorer { registry, site, today };
    let by_text = marks_by_text(registry);
    let mut e = TextEval::default();
    for l in lines {
        let listing = Listing {
            canonical: "https://eval.invalid/item/0.html".into(),
            item_id: "0".into(),
            title: l.text.clone(),
            category: l.category.clone().unwrap_or_default(),
            seller: l.seller.clone().unwrap_or_default(),
            ..Listing::default()
        };
        let matches: Vec<TextMatch> = matcher.find(&listing);
        let counterfeit = matcher.counterfeit_words(&l.text);
        let verdict = scorer.score(&listing, &matches, &ImageReport::default(), &counterfeit);
        let flagged_for = match &verdict {
            Ok(c) if c.disposition == Disposition::Draft => Some(c.right_id.clone()),
            _ => None,
        };
        match labelled_marks(l.mark.as_deref(), registry, &by_text) {
            Some(marks) => {
                if marks.is_empty() {
                    *e.unknown_labels.entry(l.mark.clone().unwrap_or_default()).or_default() += 1;
                }
                let r = e.recall.entry(l.kind.clone()).or_default();
                r.1 += 1;
                if flagged_for.is_some_and(|f| marks.contains(&f)) {
                    r.0 += 1;
                } else {
                    e.missed
                        .push((l.text.clone(), l.kind.clone(), outcome(&verdict, &matches)));
                }
            }
            None => {
                let f = e.flagged.entry(l.kind.clone()).or_default();
                f.1 += 1;
                if flagged_for.is_some() {
                    f.0 += 1;
                    let words = matches.iter().map(|m| m.matched.clone()).collect();
                    e.wrong.push((l.text.clone(), l.kind.clone(), words));
                }
            }
        }
    }
    e
}

/// The ids of the marks a label names: its id, or its text as registered
/// (any case, accents and punctuation aside: "levis" for "Levi's", several
/// marks where several are registered so); `None` for a title that must
/// not be flagged (no label, "none", "null" or an empty one); empty when
/// it names no mark of `registry`. `by_text` is [`marks_by_text`].
fn labelled_marks(
    label: Option<&str>,
    registry: &Registry,
    by_text: &HashMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let label = label
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("none") && !l.eq_ignore_ascii_case("null"))?;
    if registry.mark(label).is_some() {
        return Some(vec![label.to_string()]);
    }
    Some(by_text.get(&letters_of(label)).cloned().unwrap_or_default())
}

/// The registry's mark ids by their text's letters ([`letters_of`]), read
/// once for a whole labelled file.
fn marks_by_text(registry: &Registry) -> HashMap<String, Vec<String>> {
    let mut by_text: HashMap<String, Vec<String>> = HashMap::new();
    for m in &registry.marks {
        by_text.entry(letters_of(&m.text)).or_default().push(m.id.clone());
    }
    by_text
}

/// What became of a title that was not drafted for its mark, in words.
fn outcome(verdict: &Result<Candidate, NoCandidate>, matches: &[TextMatch]) -> String {
    let words = || {
        matches
            .iter()
            .map(|m| format!("{:?} as {} ({:?})", m.matched, m.mark_id, m.variant))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match verdict {
        Ok(c) => match &c.disposition {
            Disposition::Draft => format!("drafted for {} [{}]", c.right_id, words()),
            Disposition::Review(why) => format!("sent to review: {why} [{}]", words()),
        },
        Err(NoCandidate::Clean) => "nothing matched".into(),
        Err(NoCandidate::Authorised) => "sold by an authorised seller".into(),
        Err(NoCandidate::Suppressed(why)) => format!("explained away: {why} [{}]", words()),
    }
}

/// The labelled titles of a fixture catalogue: each listing's title (or its
/// description, where the ground truth says the mark sits there) with the
/// truth's mark and case. Image-only cases are left out: their text carries
/// no mark, and they are the image evaluation's business.
pub fn labelled_from_catalogue(
    catalogue: &crate::fixture::Catalogue,
    truth: &[crate::fixture::Truth],
) -> Vec<LabelledText> {
    let by_id: std::collections::HashMap<&str, &crate::fixture::Truth> =
        truth.iter().map(|t| (t.item_id.as_str(), t)).collect();
    catalogue
        .listings
        .iter()
        .filter_map(|item| {
            let t = by_id.get(item.id.to_string().as_str())?;
            let text_case = t.kind.is_none_or(|k| k == crate::model::RightKind::Trademark);
            if !text_case {
                return None;
            }
            let text = if t.note.contains("in the description") {
                &item.description
            } else {
                &item.title
            };
            Some(LabelledText {
                text: text.clone(),
                mark: t.right_id.clone(),
                kind: t.case.clone(),
                category: Some(item.category.clone()),
                seller: Some(item.seller.clone()),
            })
        })
        .collect()
}

/// The labelled titles as JSON lines.
pub fn to_jsonl(lines: &[LabelledText]) -> String {
    lines
        .iter()
        .map(|l| serde_json::to_string(l).expect("labelled text serialises") + "\n")
        .collect()
}
