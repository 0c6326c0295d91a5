//! Batching: from candidates to complaint drafts.
//!
//! A complaint rests on one IP right, for one platform, with one complaint
//! type, for one rights holder, and lists at most the platform's limit of
//! unique, well-formed URLs (300 on Alibaba's IPP). The [`Batcher`] decides
//! where each candidate goes under those rules; the ledger persists its
//! decisions, and starts the next run's batcher from them, so a URL is
//! never placed twice and new candidates fill the group's open draft before
//! a new one is begun. Drafts only ever grow, and only until they are sent
//! for filing: a URL once placed stays where it is.
//!
//! A URL that has been in a complaint is held where it stands
//! ([`crate::notices::hold`]): left alone while the complaint is open, and
//! sent to a person, not into a new draft, once it is over.
//!
//! The batcher is plain data and decisions, no I/O, so its invariants are
//! checked by property tests.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::model::{Candidate, Disposition, RightKind};
use crate::notices::{Hold, UrlState};

/// The complaint type, as the filing forms name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintType {
    TrademarkInfringement,
    /// A trademark used on goods sold as imitations of the real thing.
    Counterfeit,
    CopyrightInfringement,
    DesignInfringement,
}

impl ComplaintType {
    pub fn of(c: &Candidate) -> ComplaintType {
        match c.right_kind {
            RightKind::Trademark if !c.evidence.counterfeit_words.is_empty() => ComplaintType::Counterfeit,
            RightKind::Trademark => ComplaintType::TrademarkInfringement,
            RightKind::Copyright => ComplaintType::CopyrightInfringement,
            RightKind::Design => ComplaintType::DesignInfringement,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintType::TrademarkInfringement => "trademark_infringement",
            ComplaintType::Counterfeit => "counterfeit",
            ComplaintType::CopyrightInfringement => "copyright_infringement",
            ComplaintType::DesignInfringement => "design_infringement",
        }
    }

    pub fn parse(s: &str) -> Option<ComplaintType> {
        [
            Self::TrademarkInfringement,
            Self::Counterfeit,
            Self::CopyrightInfringement,
            Self::DesignInfringement,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// The reason a filing form asks for, in a sentence.
    pub fn reason(self) -> &'static str {
        match self {
            ComplaintType::TrademarkInfringement => "The listings use the registered trademark, or a confusingly similar sign, for goods covered by the registration without the holder's consent.",
            ComplaintType::Counterfeit => "The listings offer imitations of the holder's goods bearing the registered trademark, presented as replicas of the genuine product.",
            ComplaintType::CopyrightInfringement => "The listings reproduce the holder's copyrighted work without permission.",
            ComplaintType::DesignInfringement => "The listings offer products that reproduce the holder's registered design.",
        }
    }
}

/// What makes two candidates belong in the same complaint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKey {
    pub platform: String,
    pub right_id: String,
    pub complaint_type: ComplaintType,
    pub holder_id: String,
}

impl GroupKey {
    pub fn of(c: &Candidate) -> GroupKey {
        GroupKey {
            platform: c.platform.clone(),
            right_id: c.right_id.clone(),
            complaint_type: ComplaintType::of(c),
            holder_id: c.holder_id.clone(),
        }
    }

    /// The id of this group's `seq`-th draft: stable, so the same input
    /// gives the same drafts, and readable in a file listing.
    pub fn draft_id(&self, seq: u32) -> String {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                .collect()
        };
        format!(
            "{}.{}.{}.{:04}",
            clean(&self.platform),
            clean(&self.right_id),
            self.complaint_type.as_str(),
            seq
        )
    }
}

/// A group's newest draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenDraft {
    pub id: String,
    pub seq: u32,
    pub urls: usize,
    /// Still taking URLs: not yet sent for filing.
    pub open: bool,
}

/// Where the batcher put a candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Added to draft `draft_id`; `new_draft` when this candidate began it.
    Added {
        draft_id: String,
        group: GroupKey,
        seq: u32,
        new_draft: bool,
    },
    /// Not placed, with the reason (kept in the ledger).
    Skipped(Skip),
}

impl Placement {
    /// Why a person should look at a candidate the batcher did not place,
    /// where a person should: complained of before, or a URL no form takes.
    /// The candidate is kept for review with this reason.
    pub fn review_reason(&self) -> Option<String> {
        match self {
            Placement::Skipped(Skip::Held(r)) => Some(r.clone()),
            Placement::Skipped(Skip::MalformedUrl(u)) => Some(format!("malformed canonical URL {u:?}")),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Already in a draft not yet filed.
    AlreadyPlaced,
    /// In a complaint the platform has not finished with.
    InNotice(UrlState),
    /// Complained of before: a person decides, for this reason.
    Held(String),
    /// The scorer sent it to review.
    Review(String),
    /// The URL is not a well-formed http(s) URL.
    MalformedUrl(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::AlreadyPlaced => f.write_str("already in a draft"),
            Skip::InNotice(s) => write!(f, "in a complaint, {s}"),
            Skip::Held(r) => f.write_str(r),
            Skip::Review(r) => write!(f, "review: {r}"),
            Skip::MalformedUrl(u) => write!(f, "malformed URL {u:?}"),
        }
    }
}

/// Places candidates into drafts.
#[derive(Clone, Debug)]
pub struct Batcher {
    limit: usize,
    /// Each group's newest draft, open or full.
    newest: BTreeMap<GroupKey, OpenDraft>,
    /// URLs that must not be placed, and why.
    held: HashMap<String, Hold>,
}

impl Batcher {
    /// A batcher with nothing placed yet; `limit` is the platform's URL cap.
    pub fn new(limit: usize) -> Batcher {
        assert!(limit > 0, "a draft must be able to take a URL");
        Batcher {
            limit,
            newest: BTreeMap::new(),
            held: HashMap::new(),
        }
    }

    /// Carries on from a ledger's state: every group's newest draft and
    /// every URL held where it stands.
    pub fn resume(
        limit: usize,
        newest: impl IntoIterator<Item = (GroupKey, OpenDraft)>,
        held: impl IntoIterator<Item = (String, Hold)>,
    ) -> Batcher {
        let mut b = Batcher::new(limit);
        b.newest.extend(newest);
        b.held.extend(held);
        b
    }

    /// Decides where `c` goes and records the decision.
    pub fn place(&mut self, c: &Candidate) -> Placement {
        if let Disposition::Review(r) = &c.disposition {
            return Placement::Skipped(Skip::Review(r.clone()));
        }
        if !well_formed(&c.url) {
            return Placement::Skipped(Skip::MalformedUrl(c.url.clone()));
        }
        match self.held.get(&c.url) {
            Some(Hold::Drafted) => return Placement::Skipped(Skip::AlreadyPlaced),
            Some(Hold::InNotice(s)) => return Placement::Skipped(Skip::InNotice(*s)),
            Some(Hold::Review(r)) => return Placement::Skipped(Skip::Held(r.clone())),
            None => {}
        }
        let group = GroupKey::of(c);
        let limit = self.limit;
        let (draft, new_draft) = match self.newest.get_mut(&group) {
            Some(d) if d.open && d.urls < limit => (d, false),
            Some(d) => {
                let seq = d.seq + 1;
                *d = OpenDraft {
                    id: group.draft_id(seq),
                    seq,
                    urls: 0,
                    open: true,
                };
                (d, true)
            }
            None => {
                let d = OpenDraft {
                    id: group.draft_id(1),
                    seq: 1,
                    urls: 0,
                    open: true,
                };
                (self.newest.entry(group.clone()).or_insert(d), true)
            }
        };
        draft.urls += 1;
        self.held.insert(c.url.clone(), Hold::Drafted);
        Placement::Added {
            draft_id: draft.id.clone(),
            group,
            seq: draft.seq,
            new_draft,
        }
    }
}

/// Absolute http(s) with a host, no credentials, no fragment: what a filing
/// form accepts.
pub fn well_formed(url: &str) -> bool {
    match Url::parse(url) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && u.username().is_empty()
                && u.password().is_none()
                && u.fragment().is_none()
                && u.as_str() == url
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    fn cand(url: &str, right: &str, kind: RightKind, counterfeit: bool, review: bool) -> Candidate {
        Candidate {
            url: url.into(),
            item_id: "1".into(),
            platform: "p".into(),
            title: "t".into(),
            seller: "s".into(),
            captured_at: "2026-11-23T00:00:00Z".into(),
            right_id: right.into(),
            right_kind: kind,
            holder_id: "h".into(),
            score: 0.9,
            disposition: if review {
                Disposition::Review("nominative".into())
            } else {
                Disposition::Draft
            },
            explanation: String::new(),
            evidence: Evidence {
                counterfeit_words: if counterfeit { vec!["replica".into()] } else { vec![] },
                ..Evidence::default()
            },
        }
    }

    #[test]
    fn well_formed_urls() {
        assert!(well_formed("https://www.aliexpress.com/item/1005001.html"));
        assert!(!well_formed("https://u:p@x.example/"));
        assert!(!well_formed("ftp://x.example/"));
        assert!(!well_formed("/item/1.html"));
        assert!(!well_formed("http://x.example/a#b"));
    }

    #[test]
    fn fills_to_limit_then_opens_the_next_draft() {
        let mut b = Batcher::new(2);
        let ids: Vec<_> = (0..5)
            .map(|i| {
                match b.place(&cand(
                    &format!("http://m.example/item/{i}.html"),
                    "tm-a",
                    RightKind::Trademark,
                    false,
                    false,
                )) {
                    Placement::Added { draft_id, .. } => draft_id,
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[1], ids[2]);
        assert!(ids[4].ends_with(".0003"), "{}", ids[4]);
        let again = b.place(&cand(
            "http://m.example/item/0.html",
            "tm-a",
            RightKind::Trademark,
            false,
            false,
        ));
        assert_eq!(again, Placement::Skipped(Skip::AlreadyPlaced));
    }

    #[derive(Clone, Debug)]
    struct Input {
        url: u8,
        right: u8,
        counterfeit: bool,
        review: bool,
        malformed: bool,
    }

    fn inputs() -> impl Strategy<Value = Vec<Input>> {
        prop::collection::vec(
            (
                0u8..60,
                0u8..4,
                any::<bool>(),
                prop::bool::weighted(0.1),
                prop::bool::weighted(0.05),
            )
                .prop_map(|(url, right, counterfeit, review, malformed)| Input {
                    url,
                    right,
                    counterfeit,
                    review,
                    malformed,
                }),
            0..300,
        )
    }

    fn to_candidate(i: &Input) -> Candidate {
        let url = if i.malformed {
            format!("item {}", i.url)
        } else {
            format!("https://m.example/item/{}.html", i.url)
        };
        let kind = if i.right % 2 == 0 {
            RightKind::Trademark
        } else {
            RightKind::Copyright
        };
        cand(&url, &format!("r{}", i.right), kind, i.counterfeit, i.review)
    }

    proptest! {
        #[test]
        fn batcher_invariants(first in inputs(), second in inputs(), limit in 1usize..8) {
            let mut b = Batcher::new(limit);
            let mut drafts: HashMap<String, (GroupKey, Vec<String>)> = HashMap::new();
            let run = |b: &mut Batcher, input: &[Input], drafts: &mut HashMap<String, (GroupKey, Vec<String>)>| {
                for i in input {
                    let c = to_candidate(i);
                    let before: HashMap<_, _> = drafts.iter().map(|(k, v)| (k.clone(), v.1.clone())).collect();
                    match b.place(&c) {
                        Placement::Added { draft_id, group, .. } => {
                            prop_assert!(well_formed(&c.url));
                            prop_assert_eq!(&group, &GroupKey::of(&c));
                            let entry = drafts.entry(draft_id).or_insert_with(|| (group.clone(), Vec::new()));
                            prop_assert_eq!(&entry.0, &group);
                            entry.1.push(c.url.clone());
                        }
                        Placement::Skipped(Skip::Review(_)) => prop_assert!(i.review),
                        Placement::Skipped(Skip::MalformedUrl(_)) => prop_assert!(i.malformed),
                        Placement::Skipped(Skip::AlreadyPlaced) => {
                            prop_assert!(drafts.values().any(|(_, urls)| urls.contains(&c.url)));
                        }
                        Placement::Skipped(s @ (Skip::InNotice(_) | Skip::Held(_))) => {
                            prop_assert!(false, "nothing was filed, yet {}", s);
                        }
                    }
                    // URLs already drafted never move.
                    for (id, urls) in before {
                        prop_assert!(drafts[&id].1.starts_with(&urls));
                    }
                }
                Ok(())
            };
            run(&mut b, &first, &mut drafts)?;
            // Resuming from the decisions so far behaves as if never stopped.
            let newest: Vec<(GroupKey, OpenDraft)> = b.newest.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let held: Vec<(String, Hold)> = drafts.values().flat_map(|(_, u)| u.iter().map(|u| (u.clone(), Hold::Drafted))).collect();
            let mut resumed = Batcher::resume(limit, newest, held);
            run(&mut resumed, &second, &mut drafts)?;
            // A rerun of the same input adds nothing.
            let total: usize = drafts.values().map(|(_, u)| u.len()).sum();
            run(&mut resumed, &first, &mut drafts)?;
            prop_assert_eq!(total, drafts.values().map(|(_, u)| u.len()).sum::<usize>());

            let mut all = HashSet::new();
            let mut partial: HashMap<GroupKey, usize> = HashMap::new();
            for (group, urls) in drafts.values() {
                prop_assert!(!urls.is_empty() && urls.len() <= limit);
                for u in urls {
                    prop_assert!(all.insert(u.clone()), "URL {} in two drafts", u);
                }
                if urls.len() < limit {
                    *partial.entry(group.clone()).or_default() += 1;
                }
            }
            prop_assert!(partial.values().all(|&n| n <= 1), "more than one part-filled draft in a group");
            // Every eligible URL landed somewhere.
            for i in first.iter().chain(&second) {
                let c = to_candidate(i);
                if !i.review && !i.malformed {
                    prop_assert!(all.contains(&c.url));
                }
            }
        }
    }
}
