//! Notices: the life of a complaint after it is drafted.
//!
//! A draft is sent to a filing system, filed on the platform under a
//! reference, and then each URL in it meets its own fate: the platform
//! takes the listing down, rejects the complaint, the seller appeals, the
//! listing comes back. This module holds the rules of that life as plain
//! data, with no I/O, so they are tested on their own; the ledger applies
//! them, one transaction per change, and keeps every change as an event.
//!
//! ```text
//!            review ◄────────────────────────────── (found, held for a person)
//!   drafted ──► filed ──► active ──► removed ──────► closed
//!                  │        │  │        ▲  │            ▲
//!                  │        │  └► appealed ─► reinstated ┤
//!                  └────────┴──► rejected ◄─┘            │
//!                                   └────────────────────┘
//! ```
//!
//! Two rules protect the rights holder's account. A URL that has been in a
//! complaint is never put into a new draft by a sweep: while the complaint
//! is open the platform already has it, and once it is over (removed and
//! listed again, rejected, reinstated after an appeal) a person must decide
//! whether to complain again. And a URL is appealed at most
//! [`MAX_APPEALS`] times.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Appeals a URL may go through, counting both sides'.
pub const MAX_APPEALS: u32 = 3;

/// Where a URL stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlState {
    /// Found, and held for a person to decide (nominative use, an expired
    /// right, or the end of an earlier complaint): never drafted as it is.
    Review,
    /// In a draft not yet filed.
    Drafted,
    /// In a complaint the platform has received.
    Filed,
    /// The platform accepted the complaint and is acting on it.
    Active,
    /// The listing was taken down.
    Removed,
    /// The platform refused the complaint.
    Rejected,
    /// One side appealed the platform's decision.
    Appealed,
    /// The listing was put back after an appeal.
    Reinstated,
    /// Nothing more will happen to this complaint.
    Closed,
}

impl UrlState {
    pub const ALL: [UrlState; 9] = [
        UrlState::Review,
        UrlState::Drafted,
        UrlState::Filed,
        UrlState::Active,
        UrlState::Removed,
        UrlState::Rejected,
        UrlState::Appealed,
        UrlState::Reinstated,
        UrlState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UrlState::Review => "review",
            UrlState::Drafted => "drafted",
            UrlState::Filed => "filed",
            UrlState::Active => "active",
            UrlState::Removed => "removed",
            UrlState::Rejected => "rejected",
            UrlState::Appealed => "appealed",
            UrlState::Reinstated => "reinstated",
            UrlState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<UrlState> {
        let s = s.trim().to_ascii_lowercase();
        UrlState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A state a platform's outcome can put a URL in (the others are set
    /// by knockoff itself).
    pub fn is_outcome(self) -> bool {
        !matches!(self, UrlState::Review | UrlState::Drafted | UrlState::Filed)
    }
}

impl std::fmt::Display for UrlState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change the rules refuse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("cannot go from {from} to {to}")]
    Illegal { from: UrlState, to: UrlState },
    #[error("already appealed {MAX_APPEALS} times")]
    TooManyAppeals,
}

/// What a change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Already there: a repeated outcome changes nothing.
    Unchanged,
    /// Moves to the new state with this many appeals so far.
    Move { appeals: u32 },
}

/// Whether a URL in `from`, appealed `appeals` times so far, may go to `to`.
pub fn transition(from: UrlState, to: UrlState, appeals: u32) -> Result<Change, StateError> {
    use UrlState::*;
    if from == to && to != Appealed {
        return Ok(Change::Unchanged);
    }
    let legal = match from {
        Review => matches!(to, Drafted),
        Drafted => matches!(to, Filed | Closed),
        Filed => matches!(to, Active | Removed | Rejected | Closed),
        Active => matches!(to, Removed | Rejected | Appealed | Closed),
        // The seller appeals a take-down, the holder a refusal or a
        // reinstatement.
        Removed | Rejected | Reinstated => matches!(to, Appealed | Closed),
        Appealed => matches!(to, Appealed | Active | Removed | Rejected | Reinstated | Closed),
        Closed => false,
    };
    if !legal {
        return Err(StateError::Illegal { from, to });
    }
    if to == Appealed {
        if appeals >= MAX_APPEALS {
            return Err(StateError::TooManyAppeals);
        }
        return Ok(Change::Move { appeals: appeals + 1 });
    }
    Ok(Change::Move { appeals })
}

/// Why a URL a sweep finds again is not drafted, given where it stands; or
/// `None` when it may be drafted.
pub fn hold(state: UrlState, reinstated: bool, draft: &str) -> Option<Hold> {
    use UrlState::*;
    let again = || {
        Some(Hold::Review(format!(
            "reinstated after an appeal on draft {draft}: a person decides whether to complain again"
        )))
    };
    match state {
        Review if reinstated => again(),
        Review => None,
        Reinstated => again(),
        Drafted => Some(Hold::Drafted),
        Filed | Active | Appealed => Some(Hold::InNotice(state)),
        Removed => Some(Hold::Review(format!("taken down on draft {draft}, and listed again"))),
        Rejected => Some(Hold::Review(format!("the complaint on draft {draft} was rejected"))),
        Closed if reinstated => Some(Hold::Review(format!(
            "reinstated after an appeal on draft {draft}, since closed"
        ))),
        Closed => Some(Hold::Review(format!("complained of before, on draft {draft}"))),
    }
}

/// Why the batcher leaves a URL where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hold {
    /// In a draft not yet filed.
    Drafted,
    /// In a complaint the platform has not finished with.
    InNotice(UrlState),
    /// A person must decide, for this reason.
    Review(String),
}

/// One platform outcome, as a row of the file `notices update` reads.
///
/// Names a URL, or a whole complaint by its platform reference or draft id
/// (then every URL in it), and the state it reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The platform's reference for the complaint.
    #[serde(
        default,
        rename = "ref",
        alias = "platform_ref",
        skip_serializing_if = "Option::is_none"
    )]
    pub platform_ref: Option<String>,
    #[serde(default, alias = "draft_id", skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    #[serde(alias = "state", alias = "status")]
    pub outcome: String,
    /// When the platform decided (RFC 3339); when it was read if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A row of an outcomes file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `FILE:LINE`, so an error names the row and a row is applied once.
    pub source: String,
    pub target: Target,
    pub state: UrlState,
    pub at: Option<String>,
    pub note: Option<String>,
}

/// What an outcome applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Url(String),
    /// Every URL of the complaint with this platform reference.
    Ref(String),
    /// Every URL of this draft.
    Draft(String),
}

#[derive(Debug, thiserror::Error)]
pub enum OutcomeError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, #[source] std::io::Error),
    #[error("{row}: {message}")]
    Row { row: String, message: String },
}

impl OutcomeRow {
    fn check(self, source: String) -> Result<Outcome, OutcomeError> {
        let err = |message: String| OutcomeError::Row {
            row: source.clone(),
            message,
        };
        let state = UrlState::parse(&self.outcome)
            .filter(|s| s.is_outcome())
            .ok_or_else(|| {
                err(format!(
                    "outcome {:?} is not one of active, removed, rejected, appealed, reinstated, closed",
                    self.outcome
                ))
            })?;
        let some = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let target = match (some(self.url), some(self.platform_ref), some(self.draft)) {
            (Some(u), _, _) => Target::Url(u),
            (None, Some(r), _) => Target::Ref(r),
            (None, None, Some(d)) => Target::Draft(d),
            (None, None, None) => return Err(err("names no url, ref or draft".into())),
        };
        let at = some(self.at);
        if let Some(at) = &at {
            at.parse::<jiff::Timestamp>()
                .map_err(|e| err(format!("`at` {at:?} is not an RFC 3339 time: {e}")))?;
        }
        Ok(Outcome {
            source,
            target,
            state,
            at,
            note: some(self.note),
        })
    }
}

/// Reads a file of platform outcomes: CSV with a header row (`url`, `ref`,
/// `draft`, `outcome`, `at`, `note`; only `outcome` and one of the first
/// three are needed), a JSON array, or JSON lines. Each row is checked on
/// its own: a bad row is an error naming it, and the others still count.
pub fn read_outcomes(path: &Path) -> Result<Vec<Result<Outcome, OutcomeError>>, OutcomeError> {
    let text = std::fs::read_to_string(path).map_err(|e| OutcomeError::Read(path.to_path_buf(), e))?;
    let name = path.display().to_string();
    Ok(parse_outcomes(&name, &text))
}

/// See [`read_outcomes`]; `name` prefixes each row's source.
pub fn parse_outcomes(name: &str, text: &str) -> Vec<Result<Outcome, OutcomeError>> {
    let at = |line: usize| format!("{name}:{line}");
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Vec<serde_json::Value>>(trimmed) {
            Ok(rows) => rows
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let source = format!("{name}[{i}]");
                    serde_json::from_value::<OutcomeRow>(v)
                        .map_err(|e| OutcomeError::Row {
                            row: source.clone(),
                            message: e.to_string(),
                        })
                        .and_then(|r| r.check(source))
                })
                .collect(),
            Err(e) => vec![Err(OutcomeError::Row {
                row: name.to_string(),
                message: format!("not a JSON array of outcomes: {e}"),
            })],
        };
    }
    if trimmed.starts_with('{') {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str::<OutcomeRow>(l)
                    .map_err(|e| OutcomeError::Row {
                        row: at(i + 1),
                        message: e.to_string(),
                    })
                    .and_then(|r| r.check(at(i + 1)))
            })
            .collect();
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return vec![Err(OutcomeError::Row {
                row: name.to_string(),
                message: format!("not a CSV with a header row: {e}"),
            })]
        }
    };
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| OutcomeError::Row {
                row: name.to_string(),
                message: e.to_string(),
            })?;
            let source = at(record.position().map_or(0, |p| p.line() as usize));
            let fields: BTreeMap<String, String> = headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_ascii_lowercase(), v.to_string()))
                .collect();
            let value = serde_json::to_value(&fields).expect("strings serialise");
            serde_json::from_value::<OutcomeRow>(value)
                .map_err(|e| OutcomeError::Row {
                    row: source.clone(),
                    message: e.to_string(),
                })
                .and_then(|r| r.check(source))
        })
        .collect()
}

/// What `notices status` prints: URLs by state, by right and by seller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    pub by_state: BTreeMap<String, u64>,
    /// Right → state → URLs.
    pub by_right: BTreeMap<String, BTreeMap<String, u64>>,
    /// Sellers with a URL in a filed complaint, most complaints first.
    pub sellers: Vec<SellerCount>,
}

/// One seller's record across complaints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SellerCount {
    pub seller: String,
    /// Filed complaints naming at least one of the seller's listings.
    pub complaints: u64,
    /// The seller's URLs in filed complaints.
    pub urls: u64,
    pub removed: u64,
    /// Named in more than one complaint.
    pub repeat: bool,
}

impl Status {
    /// Plain-text tables.
    pub fn render(&self, sellers: usize) -> String {
        use std::fmt::Write;
        let mut s = String::from("URLs by state\n");
        for st in UrlState::ALL {
            let n = self.by_state.get(st.as_str()).copied().unwrap_or(0);
            let _ = writeln!(s, "  {:<12} {n:>7}", st.as_str());
        }
        let shown: Vec<UrlState> = UrlState::ALL
            .into_iter()
            .filter(|st| self.by_right.values().any(|m| m.contains_key(st.as_str())))
            .collect();
        s += "\nURLs by right and state\n";
        let _ = write!(s, "  {:<24}", "RIGHT");
        for st in &shown {
            let _ = write!(s, " {:>10}", st.as_str());
        }
        s.push('\n');
        for (right, counts) in &self.by_right {
            let _ = write!(s, "  {right:<24}");
            for st in &shown {
                let _ = write!(s, " {:>10}", counts.get(st.as_str()).copied().unwrap_or(0));
            }
            s.push('\n');
        }
        let repeat = self.sellers.iter().filter(|c| c.repeat).count();
        let _ = writeln!(
            s,
            "\nSellers in filed complaints: {} ({repeat} in more than one)",
            self.sellers.len()
        );
        let _ = writeln!(
            s,
            "  {:<32} {:>10} {:>6} {:>8}  REPEAT",
            "SELLER", "COMPLAINTS", "URLS", "REMOVED"
        );
        for c in self.sellers.iter().take(sellers) {
            let _ = writeln!(
                s,
                "  {:<32} {:>10} {:>6} {:>8}  {}",
                c.seller,
                c.complaints,
                c.urls,
                c.removed,
                if c.repeat { "yes" } else { "" }
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UrlState::*;

    #[test]
    fn a_complaint_life_follows_the_rules() {
        assert_eq!(transition(Drafted, Filed, 0), Ok(Change::Move { appeals: 0 }));
        assert_eq!(transition(Filed, Active, 0), Ok(Change::Move { appeals: 0 }));
        assert_eq!(transition(Active, Appealed, 0), Ok(Change::Move { appeals: 1 }));
        assert_eq!(transition(Appealed, Reinstated, 1), Ok(Change::Move { appeals: 1 }));
        assert_eq!(transition(Reinstated, Appealed, 1), Ok(Change::Move { appeals: 2 }));
        assert_eq!(transition(Appealed, Appealed, 2), Ok(Change::Move { appeals: 3 }));
        assert_eq!(transition(Appealed, Appealed, 3), Err(StateError::TooManyAppeals));
        assert_eq!(transition(Active, Active, 0), Ok(Change::Unchanged));
        assert!(transition(Drafted, Active, 0).is_err());
        assert!(transition(Closed, Active, 0).is_err());
        assert!(transition(Removed, Active, 0).is_err());
        for s in UrlState::ALL {
            assert!(transition(s, s, 0).is_ok(), "{s}");
            assert_eq!(UrlState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_url_once_complained_of_is_never_drafted_again_by_itself() {
        for s in UrlState::ALL {
            let h = hold(s, false, "d");
            assert_eq!(h.is_none(), s == Review, "{s}");
        }
        assert!(matches!(hold(Review, true, "d"), Some(Hold::Review(r)) if r.contains("reinstated")));
        assert!(matches!(hold(Closed, true, "d"), Some(Hold::Review(r)) if r.contains("reinstated")));
        assert_eq!(hold(Active, false, "d"), Some(Hold::InNotice(Active)));
    }

    #[test]
    fn outcome_files_in_three_shapes() {
        let csv = "URL,ref,outcome,at,note\nhttps://m.example/1,,removed,2026-11-23T10:00:00Z,\n,IPP-9,closed,,\"done, all\"\nhttps://m.example/2,,teleported,,\n,,active,,\n";
        let rows = parse_outcomes("o.csv", csv);
        assert_eq!(rows.len(), 4);
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.target, Target::Url("https://m.example/1".into()));
        assert_eq!(first.state, Removed);
        assert_eq!(first.source, "o.csv:2");
        let second = rows[1].as_ref().unwrap();
        assert_eq!(second.target, Target::Ref("IPP-9".into()));
        assert_eq!(second.note.as_deref(), Some("done, all"));
        let bad = rows[2].as_ref().unwrap_err().to_string();
        assert!(bad.starts_with("o.csv:4:") && bad.contains("teleported"), "{bad}");
        assert!(rows[3].as_ref().unwrap_err().to_string().contains("names no url"));

        let json = r#"[{"draft": "d.0001", "outcome": "active"}, {"url": "x", "outcome": "drafted"}]"#;
        let rows = parse_outcomes("o.json", json);
        assert_eq!(rows[0].as_ref().unwrap().target, Target::Draft("d.0001".into()));
        assert!(rows[1].as_ref().unwrap_err().to_string().starts_with("o.json[1]"));

        let ndjson = "{\"url\": \"u\", \"state\": \"Appealed\", \"at\": \"yesterday\"}\n\n{\"url\": \"u\", \"outcome\": \"reinstated\"}\n";
        let rows = parse_outcomes("o.ndjson", ndjson);
        assert!(rows[0].as_ref().unwrap_err().to_string().contains("RFC 3339"));
        assert_eq!(rows[1].as_ref().unwrap().source, "o.ndjson:3");
    }
}
