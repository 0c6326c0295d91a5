//! Evaluation: how a sweep's drafted candidates compare with ground truth.
//!
//! Only drafted candidates count as positives: a candidate sent to review
//! is not a complaint. A positive is right only when it names the right the
//! ground truth names; a complaint on the wrong right is as wrong as one on
//! a clean listing.

pub mod images;
pub mod text;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::fixture::Truth;
use crate::model::{Candidate, Disposition};

/// Precision and recall for one kind of right.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Rates {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Rates {
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }
}

/// 1.0 when there is nothing to get wrong.
fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        1.0
    } else {
        n as f64 / d as f64
    }
}

/// A sweep's result against the ground truth.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepEval {
    /// By right kind: trademark, copyright, design.
    pub by_kind: BTreeMap<String, Rates>,
    /// Recall by ground-truth case (a disguise or an image edit): found, of.
    pub by_case: BTreeMap<String, (usize, usize)>,
    /// Drafted candidates the truth does not back: item id, the truth's
    /// case, and the right the candidate named.
    pub false_positives: Vec<(String, String, String)>,
    /// Infringing listings not drafted: item id and case.
    pub misses: Vec<(String, String)>,
}

/// Compares drafted candidates with the truth, by item id.
pub fn evaluate(truth: &[Truth], candidates: &[Candidate]) -> SweepEval {
    let drafted: HashMap<&str, &Candidate> = candidates
        .iter()
        .filter(|c| c.disposition == Disposition::Draft)
        .map(|c| (c.item_id.as_str(), c))
        .collect();
    let by_id: HashMap<&str, &Truth> = truth.iter().map(|t| (t.item_id.as_str(), t)).collect();
    let mut e = SweepEval::default();
    for t in truth {
        let (Some(right), Some(kind)) = (&t.right_id, t.kind) else {
            continue;
        };
        let rates = e.by_kind.entry(kind.to_string()).or_default();
        let case = e.by_case.entry(t.case.clone()).or_default();
        case.1 += 1;
        match drafted.get(t.item_id.as_str()) {
            Some(c) if &c.right_id == right => {
                rates.true_positives += 1;
                case.0 += 1;
            }
            _ => {
                rates.false_negatives += 1;
                e.misses.push((t.item_id.clone(), t.case.clone()));
            }
        }
    }
    for c in drafted.values() {
        let t = by_id.get(c.item_id.as_str());
        if t.and_then(|t| t.right_id.as_deref()) != Some(c.right_id.as_str()) {
            e.by_kind.entry(c.right_kind.to_string()).or_default().false_positives += 1;
            let case = t.map(|t| t.case.clone()).unwrap_or_else(|| "not in truth".into());
            e.false_positives.push((c.item_id.clone(), case, c.right_id.clone()));
        }
    }
    e.false_positives.sort();
    e.misses.sort();
    e
}

impl SweepEval {
    /// A table for the terminal.
    pub fn render(&self) -> String {
        let mut s = String::from("kind        precision  recall   tp   fp   fn\n");
        for (k, r) in &self.by_kind {
            s += &format!(
                "{k:<11} {:>9.3} {:>7.3} {:>4} {:>4} {:>4}\n",
                r.precision(),
                r.recall(),
                r.true_positives,
                r.false_positives,
                r.false_negatives
            );
        }
        s += "\ncase             recall (found/of)\n";
        for (case, (found, of)) in &self.by_case {
            s += &format!("{case:<16} {:>6.3} ({found}/{of})\n", ratio(*found, *of));
        }
        if !self.false_positives.is_empty() {
            s += "\nfalse positives (item, truth case, right drafted):\n";
            for (id, case, right) in &self.false_positives {
                s += &format!("  {id} {case} {right}\n");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, RightKind};

    fn truth(id: &str, right: Option<&str>, kind: Option<RightKind>, case: &str) -> Truth {
        Truth {
            item_id: id.into(),
            right_id: right.map(Into::into),
            kind,
            case: case.into(),
            note: String::new(),
        }
    }

    fn cand(id: &str, right: &str, kind: RightKind, draft: bool) -> Candidate {
        Candidate {
            url: format!("http://m.example/item/{id}.html"),
            item_id: id.into(),
            platform: "p".into(),
            title: String::new(),
            seller: String::new(),
            captured_at: String::new(),
            right_id: right.into(),
            right_kind: kind,
            holder_id: "h".into(),
            score: 0.9,
            disposition: if draft {
                Disposition::Draft
            } else {
                Disposition::Review("x".into())
            },
            explanation: String::new(),
            evidence: Evidence::default(),
        }
    }

    #[test]
    fn counts_right_wrong_and_missed() {
        let t = [
            truth("1", Some("tm-a"), Some(RightKind::Trademark), "leet"),
            truth("2", Some("tm-a"), Some(RightKind::Trademark), "typo"),
            truth("3", None, None, "clean"),
            truth("4", Some("cr-x"), Some(RightKind::Copyright), "crop"),
            truth("5", None, None, "nominative"),
        ];
        let c = [
            cand("1", "tm-a", RightKind::Trademark, true),
            cand("3", "tm-a", RightKind::Trademark, true),
            cand("4", "cr-y", RightKind::Copyright, true),
            cand("5", "tm-a", RightKind::Trademark, false),
        ];
        let e = evaluate(&t, &c);
        let tm = &e.by_kind["trademark"];
        assert_eq!((tm.true_positives, tm.false_positives, tm.false_negatives), (1, 1, 1));
        assert_eq!(tm.precision(), 0.5);
        let cr = &e.by_kind["copyright"];
        assert_eq!((cr.true_positives, cr.false_positives, cr.false_negatives), (0, 1, 1));
        assert_eq!(e.by_case["leet"], (1, 1));
        assert_eq!(e.false_positives.len(), 2);
        assert!(e.render().contains("trademark"));
    }
}
