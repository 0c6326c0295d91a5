//! The ledger: the source of truth for what was seen and what was drafted.
//!
//! A SQLite file (through sqlx, SQLite bundled, schema in `migrations/`,
//! SQL kept portable so the same ledger can later live on PostgreSQL).
//! Every listing crawled and every placement the batcher decides is
//! committed in one transaction as it happens, so a sweep killed at any
//! moment loses nothing it had already decided, and the files in `out/` can
//! always be rebuilt from here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;

use crate::batch::{Batcher, ComplaintType, GroupKey, OpenDraft, Placement};
use crate::crawl::{Memory, PageRecord};
use crate::model::{Candidate, Disposition, Listing, Validators};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot open the ledger {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the ledger {path} up to date: {source}")]
    Migrate {
        path: PathBuf,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("ledger query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("ledger holds a record it cannot read: {0}")]
    Corrupt(String),
}

/// What the ledger keeps of a crawled listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub canonical: String,
    pub item_id: String,
    pub platform: String,
    pub title: String,
    pub seller: String,
    pub captured_at: String,
    pub validators: Validators,
}

/// A run as [`Ledger::open_run`] found or made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    /// The last run was killed before it finished, with the same registry,
    /// and this is it again.
    pub resumed: bool,
}

impl From<&Listing> for Seen {
    fn from(l: &Listing) -> Seen {
        Seen {
            canonical: l.canonical.clone(),
            item_id: l.item_id.clone(),
            platform: l.platform.clone(),
            title: l.title.clone(),
            seller: l.seller.clone(),
            captured_at: l.captured_at.clone(),
            validators: l.validators.clone(),
        }
    }
}

/// A draft as stored, with its items in the order they were placed.
#[derive(Clone, Debug)]
pub struct StoredDraft {
    pub id: String,
    pub group: GroupKey,
    pub seq: u32,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub items: Vec<Candidate>,
}

pub struct Ledger {
    pool: SqlitePool,
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and applies any
    /// migrations it lacks.
    pub async fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| LedgerError::Open {
                path: path.into(),
                source: sqlx::Error::Io(e),
            })?;
        }
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| LedgerError::Open {
                path: path.into(),
                source: e,
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with NORMAL survives a killed process; only a power cut
            // can take the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .map_err(|e| LedgerError::Open {
                path: path.into(),
                source: e,
            })?;
        MIGRATOR.run(&pool).await.map_err(|e| LedgerError::Migrate {
            path: path.into(),
            source: e,
        })?;
        Ok(Ledger { pool })
    }

    /// Starts a run against the registry whose digest is `registry`, or
    /// carries on with the last one if it never finished and was against
    /// the same registry.
    pub async fn open_run(&self, now: &str, registry: &str) -> Result<Run, LedgerError> {
        let last: Option<(i64, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, finished_at, registry_digest FROM runs ORDER BY id DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if let Some((id, None, Some(digest))) = last {
            if digest == registry {
                return Ok(Run { id, resumed: true });
            }
        }
        let id = sqlx::query_scalar("INSERT INTO runs (started_at, registry_digest) VALUES ($1, $2) RETURNING id")
            .bind(now)
            .bind(registry)
            .fetch_one(&self.pool)
            .await?;
        Ok(Run { id, resumed: false })
    }

    /// What the crawler should remember for `run`: validators of listings
    /// whose results were computed against the same registry, the pages
    /// last fetched, and, if the run is resumed, what it recorded already.
    pub async fn memory(&self, run: Run, registry: &str) -> Result<Memory, LedgerError> {
        let mut memory = Memory::default();
        let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT l.canonical, l.etag, l.last_modified FROM listings l JOIN runs r ON r.id = l.run_id
             WHERE r.registry_digest = $1 AND (l.etag IS NOT NULL OR l.last_modified IS NOT NULL)",
        )
        .bind(registry)
        .fetch_all(&self.pool)
        .await?;
        for (canonical, etag, last_modified) in rows {
            memory.listings.insert(canonical, Validators { etag, last_modified });
        }
        let rows: Vec<(String, Option<String>, Option<String>, String)> =
            sqlx::query_as("SELECT url, etag, last_modified, links FROM pages")
                .fetch_all(&self.pool)
                .await?;
        for (url, etag, last_modified, links) in rows {
            let (links, next): (Vec<String>, Option<String>) =
                serde_json::from_str(&links).map_err(|e| LedgerError::Corrupt(format!("links of page {url}: {e}")))?;
            let validators = Validators { etag, last_modified };
            memory.pages.insert(
                url.clone(),
                PageRecord {
                    url,
                    validators,
                    links,
                    next,
                },
            );
        }
        if run.resumed {
            memory.done = sqlx::query_scalar("SELECT canonical FROM listings WHERE run_id = $1")
                .bind(run.id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect();
        }
        Ok(memory)
    }

    /// Remembers search and browse pages as fetched, in one transaction.
    pub async fn save_pages(&self, pages: &[PageRecord], now: &str) -> Result<(), LedgerError> {
        let mut tx = self.pool.begin().await?;
        for p in pages {
            let links = serde_json::to_string(&(&p.links, &p.next)).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO pages (url, etag, last_modified, links, fetched_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                     links = excluded.links, fetched_at = excluded.fetched_at",
            )
            .bind(&p.url)
            .bind(&p.validators.etag)
            .bind(&p.validators.last_modified)
            .bind(links)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn finish_run(&self, run: i64, now: &str, summary: &str) -> Result<(), LedgerError> {
        sqlx::query("UPDATE runs SET finished_at = $1, summary = $2 WHERE id = $3")
            .bind(now)
            .bind(summary)
            .bind(run)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A batcher that carries on from every draft and placement so far.
    pub async fn batcher(&self, limit: usize) -> Result<Batcher, LedgerError> {
        let rows = sqlx::query(
            "SELECT d.id, d.platform, d.right_id, d.complaint_type, d.holder_id, d.seq,
                    (SELECT COUNT(*) FROM draft_items i WHERE i.draft_id = d.id) AS n
             FROM drafts d
             ORDER BY d.seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut newest = BTreeMap::new();
        for r in rows {
            let group = group_of(&r)?;
            let draft = OpenDraft {
                id: r.try_get("id")?,
                seq: r.try_get::<i64, _>("seq")? as u32,
                urls: r.try_get::<i64, _>("n")? as usize,
            };
            // Ordered by seq, so the last one written per group is the newest.
            newest.insert(group, draft);
        }
        let placed: Vec<String> = sqlx::query_scalar("SELECT canonical FROM draft_items")
            .fetch_all(&self.pool)
            .await?;
        Ok(Batcher::resume(limit, newest, placed))
    }

    /// Records a crawled listing, its candidate (if any) and where the
    /// batcher placed it, in one transaction. Returns whether the listing
    /// was new to the ledger.
    pub async fn record(
        &self,
        run: i64,
        seen: &Seen,
        candidate: Option<&Candidate>,
        placement: Option<&Placement>,
        now: &str,
    ) -> Result<bool, LedgerError> {
        let mut tx = self.pool.begin().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM listings WHERE canonical = $1")
            .bind(&seen.canonical)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO listings (canonical, item_id, platform, title, seller, first_seen, last_seen, etag, last_modified, run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)
             ON CONFLICT (canonical) DO UPDATE SET title = excluded.title, seller = excluded.seller,
                 last_seen = excluded.last_seen, etag = excluded.etag, last_modified = excluded.last_modified,
                 run_id = excluded.run_id",
        )
        .bind(&seen.canonical)
        .bind(&seen.item_id)
        .bind(&seen.platform)
        .bind(&seen.title)
        .bind(&seen.seller)
        .bind(&seen.captured_at)
        .bind(&seen.validators.etag)
        .bind(&seen.validators.last_modified)
        .bind(run)
        .execute(&mut *tx)
        .await?;
        if candidate.is_none() {
            // Seen again and no longer a candidate (changed, or judged
            // against another registry): its old verdict must not stand.
            sqlx::query("DELETE FROM candidates WHERE canonical = $1")
                .bind(&seen.canonical)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(c) = candidate {
            let body = serde_json::to_string(c).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
            let disposition = match &c.disposition {
                Disposition::Draft => "draft".to_string(),
                Disposition::Review(r) => format!("review: {r}"),
            };
            sqlx::query(
                "INSERT INTO candidates (canonical, right_id, score, disposition, body, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (canonical) DO UPDATE SET right_id = excluded.right_id, score = excluded.score,
                     disposition = excluded.disposition, body = excluded.body, updated_at = excluded.updated_at",
            )
            .bind(&c.url)
            .bind(&c.right_id)
            .bind(c.score as f64)
            .bind(disposition)
            .bind(&body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(Placement::Added {
                draft_id,
                group,
                seq,
                new_draft,
            }) = placement
            {
                if *new_draft {
                    sqlx::query(
                        "INSERT INTO drafts (id, platform, right_id, complaint_type, holder_id, seq, status, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7)",
                    )
                    .bind(draft_id)
                    .bind(&group.platform)
                    .bind(&group.right_id)
                    .bind(group.complaint_type.as_str())
                    .bind(&group.holder_id)
                    .bind(*seq as i64)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query("UPDATE drafts SET updated_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(draft_id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO draft_items (draft_id, canonical, position, candidate, added_at)
                     VALUES ($1, $2, (SELECT COUNT(*) FROM draft_items WHERE draft_id = $1), $3, $4)",
                )
                .bind(draft_id)
                .bind(&c.url)
                .bind(&body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(existing == 0)
    }

    /// Every listing's current candidate, by canonical URL.
    pub async fn candidates(&self) -> Result<Vec<Candidate>, LedgerError> {
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM candidates ORDER BY canonical")
            .fetch_all(&self.pool)
            .await?;
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).map_err(|e| LedgerError::Corrupt(format!("candidate: {e}"))))
            .collect()
    }

    /// Every draft with its items, oldest first.
    pub async fn drafts(&self) -> Result<Vec<StoredDraft>, LedgerError> {
        let rows = sqlx::query(
            "SELECT id, platform, right_id, complaint_type, holder_id, seq, status, created_at, updated_at
             FROM drafts ORDER BY platform, right_id, complaint_type, holder_id, seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            let bodies: Vec<String> =
                sqlx::query_scalar("SELECT candidate FROM draft_items WHERE draft_id = $1 ORDER BY position")
                    .bind(&id)
                    .fetch_all(&self.pool)
                    .await?;
            let items = bodies
                .iter()
                .map(|b| serde_json::from_str(b).map_err(|e| LedgerError::Corrupt(format!("draft {id}: {e}"))))
                .collect::<Result<_, _>>()?;
            out.push(StoredDraft {
                group: group_of(&r)?,
                seq: r.try_get::<i64, _>("seq")? as u32,
                status: r.try_get("status")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
                items,
                id,
            });
        }
        Ok(out)
    }

    /// How many listings the ledger has seen.
    pub async fn listing_count(&self) -> Result<i64, LedgerError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM listings")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

fn group_of(r: &sqlx::sqlite::SqliteRow) -> Result<GroupKey, LedgerError> {
    let t: String = r.try_get("complaint_type")?;
    Ok(GroupKey {
        platform: r.try_get("platform")?,
        right_id: r.try_get("right_id")?,
        complaint_type: ComplaintType::parse(&t)
            .ok_or_else(|| LedgerError::Corrupt(format!("complaint type {t:?}")))?,
        holder_id: r.try_get("holder_id")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, RightKind};

    fn cand(i: u32) -> Candidate {
        Candidate {
            url: format!("https://m.example/item/{i}.html"),
            item_id: i.to_string(),
            platform: "p".into(),
            title: "t".into(),
            seller: "s".into(),
            captured_at: "2026-11-23T00:00:00Z".into(),
            right_id: "tm-a".into(),
            right_kind: RightKind::Trademark,
            holder_id: "h".into(),
            score: 0.9,
            disposition: Disposition::Draft,
            explanation: "e".into(),
            evidence: Evidence::default(),
        }
    }

    fn seen(c: &Candidate) -> Seen {
        Seen {
            canonical: c.url.clone(),
            item_id: c.item_id.clone(),
            platform: c.platform.clone(),
            title: c.title.clone(),
            seller: c.seller.clone(),
            captured_at: c.captured_at.clone(),
            validators: Validators {
                etag: Some(format!("\"{}\"", c.item_id)),
                last_modified: None,
            },
        }
    }

    #[tokio::test]
    async fn placements_survive_reopening_and_are_not_repeated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let now = "2026-11-23T00:00:00Z";
        {
            let ledger = Ledger::open(&path).await.unwrap();
            let mut b = ledger.batcher(2).await.unwrap();
            for i in 0..3 {
                let c = cand(i);
                let p = b.place(&c);
                assert!(ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap());
            }
            ledger.close().await;
        }
        let ledger = Ledger::open(&path).await.unwrap();
        let mut b = ledger.batcher(2).await.unwrap();
        // Seen before: not new, and not placed again.
        let c = cand(1);
        let p = b.place(&c);
        assert_eq!(p, Placement::Skipped(crate::batch::Skip::AlreadyPlaced));
        assert!(!ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap());
        // A new one fills the part-filled second draft.
        let c = cand(9);
        let p = b.place(&c);
        ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap();
        let drafts = ledger.drafts().await.unwrap();
        let sizes: Vec<_> = drafts.iter().map(|d| d.items.len()).collect();
        assert_eq!(sizes, [2, 2]);
        assert_eq!(drafts[1].items[1].url, "https://m.example/item/9.html");
        assert_eq!(ledger.listing_count().await.unwrap(), 4);
    }

    #[tokio::test]
    async fn an_unfinished_run_is_resumed_and_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).await.unwrap();
        let now = "2026-11-23T00:00:00Z";
        let run = ledger.open_run(now, "reg-a").await.unwrap();
        assert!(!run.resumed);
        let c = cand(1);
        ledger.record(run.id, &seen(&c), None, None, now).await.unwrap();
        let page = PageRecord {
            url: "https://m.example/search?q=x".into(),
            validators: Validators {
                etag: None,
                last_modified: Some("Mon, 23 Nov 2026 00:00:00 GMT".into()),
            },
            links: vec![c.url.clone()],
            next: None,
        };
        ledger.save_pages(std::slice::from_ref(&page), now).await.unwrap();
        // Killed before finishing: the next run is the same one, and knows
        // what it had recorded.
        let again = ledger.open_run(now, "reg-a").await.unwrap();
        assert_eq!(
            again,
            Run {
                id: run.id,
                resumed: true
            }
        );
        let memory = ledger.memory(again, "reg-a").await.unwrap();
        assert!(memory.done.contains(&c.url));
        assert_eq!(memory.listings[&c.url], seen(&c).validators);
        assert_eq!(memory.pages[&page.url], page);
        // Another registry: nothing found before stands, nothing resumed.
        ledger.finish_run(run.id, now, "{}").await.unwrap();
        let other = ledger.open_run(now, "reg-b").await.unwrap();
        assert!(!other.resumed && other.id != run.id);
        let memory = ledger.memory(other, "reg-b").await.unwrap();
        assert!(memory.listings.is_empty() && memory.done.is_empty());
        assert_eq!(memory.pages.len(), 1);
        // A finished run is not resumed.
        ledger.finish_run(other.id, now, "{}").await.unwrap();
        assert!(!ledger.open_run(now, "reg-b").await.unwrap().resumed);
    }
}
