//! Reporting: the files a sweep leaves in `out/`.
//!
//! - `drafts/<id>.json`: one complaint draft per file, with what a filing
//!   form asks for (the right and its registration, the holder and agent,
//!   the listings and their evidence, the statements notice regimes want);
//! - `candidates.ndjson`: this run's candidates, one per line;
//! - `summary.json`: the run's counts and failures.
//!
//! They are views of the ledger, each written to a temporary file and
//! renamed into place, so a reader never sees half a file. The candidate log
//! is streamed to `candidates.ndjson.partial` as candidates arrive (a crash
//! leaves it readable) and renamed when the run ends.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::batch::ComplaintType;
use crate::config::registry::Holder;
use crate::config::{Registry, RightRef};
use crate::ledger::StoredDraft;
use crate::model::{Candidate, Evidence, Failure};

/// Identifies the draft file format; bumped on incompatible change.
pub const DRAFT_FORMAT: &str = "knockoff.draft/1";

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("draft {draft} names {what} {id:?}, which the registry does not hold")]
    Unknown {
        draft: String,
        what: &'static str,
        id: String,
    },
}

/// The agent filing for the holder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentDoc {
    pub name: String,
    pub email: String,
    /// Reference of the holder's letter of authorisation.
    pub authorisation: Option<String>,
}

/// One listing in a draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftItem {
    pub url: String,
    pub item_id: String,
    pub title: String,
    pub seller: String,
    pub captured_at: String,
    pub score: f32,
    pub explanation: String,
    pub evidence: Evidence,
}

/// The statements DMCA 512(c)(3) and the EU DSA art. 16 ask of a notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statements {
    pub good_faith: String,
    pub accuracy: String,
    pub signature: String,
}

/// A complaint draft, as written to `drafts/<id>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub format: String,
    pub id: String,
    /// A digest of the draft's id and URLs: the same for the same draft
    /// with the same URLs, however often it is written or sent, so that a
    /// filing system can refuse a second copy; it changes when URLs are
    /// added to an open draft.
    pub idempotency_key: String,
    /// `open` (still taking URLs), `submitted` (frozen, sent to a filing
    /// system), `filed` or `closed`.
    pub status: String,
    /// The platform's reference for the complaint, once filed.
    #[serde(default)]
    pub platform_ref: Option<String>,
    pub platform: String,
    pub complaint_type: ComplaintType,
    pub reason: String,
    pub right: RightRef,
    pub holder: Holder,
    pub agent: Option<AgentDoc>,
    pub created_at: String,
    pub updated_at: String,
    pub url_count: usize,
    pub items: Vec<DraftItem>,
    pub statements: Statements,
}

impl Draft {
    pub fn from_stored(d: &StoredDraft, registry: &Registry) -> Result<Draft, ReportError> {
        let unknown = |what, id: &str| ReportError::Unknown {
            draft: d.id.clone(),
            what,
            id: id.to_string(),
        };
        let right = registry
            .right(&d.group.right_id)
            .ok_or_else(|| unknown("right", &d.group.right_id))?;
        let holder = registry
            .holder(&d.group.holder_id)
            .ok_or_else(|| unknown("holder", &d.group.holder_id))?
            .clone();
        let agent = registry.agent.as_ref().map(|a| AgentDoc {
            name: a.name.clone(),
            email: a.email.clone(),
            authorisation: a.authorisation.get(&holder.id).cloned(),
        });
        let filer = agent
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_else(|| holder.name.clone());
        Ok(Draft {
            format: DRAFT_FORMAT.into(),
            id: d.id.clone(),
            idempotency_key: idempotency_key(&d.id, d.items.iter().map(|c| c.url.as_str())),
            status: d.status.clone(),
            platform_ref: d.platform_ref.clone(),
            platform: d.group.platform.clone(),
            complaint_type: d.group.complaint_type,
            reason: d.group.complaint_type.reason().into(),
            statements: Statements {
                good_faith: format!(
                    "{filer} has a good faith belief that use of the material in the manner complained of is not authorised by {}, its agent, or the law.",
                    holder.name
                ),
                accuracy: format!(
                    "The information in this notice is accurate, and under penalty of perjury, {filer} is authorised to act on behalf of {}, the owner of the right ({} {}).",
                    holder.name, right.name, right.registration
                ),
                signature: "[signature of the filer]".into(),
            },
            right,
            holder,
            agent,
            created_at: d.created_at.clone(),
            updated_at: d.updated_at.clone(),
            url_count: d.items.len(),
            items: d
                .items
                .iter()
                .map(|c| DraftItem {
                    url: c.url.clone(),
                    item_id: c.item_id.clone(),
                    title: c.title.clone(),
                    seller: c.seller.clone(),
                    captured_at: c.captured_at.clone(),
                    score: c.score,
                    explanation: c.explanation.clone(),
                    evidence: c.evidence.clone(),
                })
                .collect(),
        })
    }
}

/// See [`Draft::idempotency_key`].
fn idempotency_key<'a>(id: &'a str, urls: impl Iterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    // Each part after its length, so that no two lists run together.
    let mut h = Sha256::new();
    for part in std::iter::once(id).chain(urls) {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("{:x}", h.finalize())
}

impl Draft {
    /// One line per URL, for a filing form that takes pasted URLs.
    pub fn urls(&self) -> String {
        self.items.iter().map(|i| format!("{}\n", i.url)).collect()
    }

    /// A CSV for bulk upload: a header, then one row per URL with the
    /// draft's right and the item's evidence in brief.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("draft_id,platform,right_id,complaint_type,url,item_id,seller,title,score,explanation\n");
        for i in &self.items {
            let row = [
                self.id.as_str(),
                self.platform.as_str(),
                self.right.id.as_str(),
                self.complaint_type.as_str(),
                i.url.as_str(),
                i.item_id.as_str(),
                i.seller.as_str(),
                i.title.as_str(),
                &format!("{:.3}", i.score),
                i.explanation.as_str(),
            ];
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out += &cells.join(",");
            out.push('\n');
        }
        out
    }
}

/// A CSV cell (RFC 4180): quoted where it holds a comma, quote or line
/// break, and prefixed with `'` where a spreadsheet would read it as a
/// formula (a listing title is untrusted text).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// Writes every draft to `out/drafts/`; returns how many.
pub fn write_drafts(out: &Path, drafts: &[StoredDraft], registry: &Registry) -> Result<usize, ReportError> {
    let dir = out.join("drafts");
    for d in drafts {
        let doc = Draft::from_stored(d, registry)?;
        let json = serde_json::to_vec_pretty(&doc).expect("drafts serialise");
        write_atomic(&dir.join(format!("{}.json", d.id)), &json)?;
    }
    Ok(drafts.len())
}

/// Streams this run's candidates to `candidates.ndjson`.
pub struct CandidateLog {
    partial: PathBuf,
    path: PathBuf,
    out: BufWriter<File>,
}

impl CandidateLog {
    pub fn create(out_dir: &Path) -> Result<CandidateLog, ReportError> {
        let path = out_dir.join("candidates.ndjson");
        let partial = out_dir.join("candidates.ndjson.partial");
        let err = |source| ReportError::Write {
            path: partial.clone(),
            source,
        };
        std::fs::create_dir_all(out_dir).map_err(err)?;
        let out = BufWriter::new(File::create(&partial).map_err(err)?);
        Ok(CandidateLog { partial, path, out })
    }

    /// Appends one candidate and flushes, so a crash keeps every line.
    pub fn append(&mut self, c: &Candidate) -> Result<(), ReportError> {
        let err = |source| ReportError::Write {
            path: self.partial.clone(),
            source,
        };
        serde_json::to_writer(&mut self.out, c).map_err(|e| err(e.into()))?;
        self.out.write_all(b"\n").map_err(err)?;
        self.out.flush().map_err(err)
    }

    /// Puts the finished log in place: every current candidate, `all`
    /// (from the ledger: found in this run, or found earlier on a listing
    /// that has not changed since), so that the file is the same whether
    /// the run was interrupted and resumed or asked only about changes.
    pub fn finish(mut self, all: &[Candidate]) -> Result<PathBuf, ReportError> {
        let err = |source| ReportError::Write {
            path: self.path.clone(),
            source,
        };
        self.out.flush().map_err(err)?;
        let mut lines = Vec::new();
        for c in all {
            serde_json::to_writer(&mut lines, c).map_err(|e| err(e.into()))?;
            lines.push(b'\n');
        }
        write_atomic(&self.path, &lines)?;
        std::fs::remove_file(&self.partial).map_err(err)?;
        Ok(self.path)
    }
}

/// Counts for one stage of the pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCounts {
    pub received: usize,
    pub sent: usize,
    pub dropped: usize,
    pub failed: usize,
}

/// What a sweep did: printed at the end and written to `summary.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub platform: String,
    pub started_at: String,
    pub seconds: f64,
    pub pages_crawled: usize,
    pub listings_crawled: usize,
    pub new_listings: usize,
    /// Requests for pages and listings seen before, asked conditionally;
    /// those the server answered "not modified" (their earlier result
    /// stands); listings an interrupted run had recorded, not asked again.
    #[serde(default)]
    pub conditional_requests: usize,
    #[serde(default)]
    pub unchanged: usize,
    #[serde(default)]
    pub resumed: usize,
    pub images_fetched: usize,
    /// Candidates by right kind (trademark, copyright, design).
    pub candidates: BTreeMap<String, usize>,
    /// Candidates sent to review instead of a draft.
    pub review: usize,
    pub authorised_skipped: usize,
    pub urls_drafted: usize,
    pub already_drafted: usize,
    pub drafts_written: usize,
    pub expired_rights: Vec<String>,
    pub stages: BTreeMap<String, StageCounts>,
    pub failures: Vec<Failure>,
    pub out_dir: String,
}

impl Summary {
    /// A few lines for the terminal.
    pub fn render(&self) -> String {
        let kinds: Vec<String> = self.candidates.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut s = format!(
            "{} listings crawled ({} new) from {} pages in {:.1}s; {} unchanged since the last sweep\n\
             candidates: {} ({} to review, {} from authorised sellers skipped)\n\
             drafts: {} URLs newly drafted, {} already in a draft, {} draft files in {}/drafts\n",
            self.listings_crawled,
            self.new_listings,
            self.pages_crawled,
            self.seconds,
            self.unchanged,
            if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds.join(", ")
            },
            self.review,
            self.authorised_skipped,
            self.urls_drafted,
            self.already_drafted,
            self.drafts_written,
            self.out_dir,
        );
        if !self.expired_rights.is_empty() {
            s += &format!("expired rights (never drafted): {}\n", self.expired_rights.join(", "));
        }
        if !self.failures.is_empty() {
            s += &format!(
                "failures: {} (listed in {}/summary.json)\n",
                self.failures.len(),
                self.out_dir
            );
            for f in self.failures.iter().take(5) {
                s += &format!("  {}: {}\n", f.url, f.reason);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(!p.with_extension("tmp").exists());
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-5"), "'-5");
    }

    #[test]
    fn idempotency_keys_follow_the_urls() {
        let a = idempotency_key("d1", ["u1", "u2"].into_iter());
        assert_eq!(a, idempotency_key("d1", ["u1", "u2"].into_iter()));
        assert_ne!(a, idempotency_key("d1", ["u1", "u2", "u3"].into_iter()));
        assert_ne!(a, idempotency_key("d2", ["u1", "u2"].into_iter()));
        // No two lists run together into the same key.
        assert_ne!(
            idempotency_key("d1", ["u1\nu2"].into_iter()),
            idempotency_key("d1", ["u1", "u2"].into_iter())
        );
    }
}
