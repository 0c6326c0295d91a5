//! The ledger: the source of truth for what was seen and what was drafted.
//!
//! A SQLite file (through sqlx, SQLite bundled, schema in `migrations/`,
//! SQL kept portable so the same ledger can later live on PostgreSQL).
//! Every listing crawled and every placement the batcher decides is
//! committed in one transaction as it happens, so a sweep killed at any
//! moment loses nothing it had already decided, and the files in `out/` can
//! always be rebuilt from here.
//!
//! After drafting, it follows each complaint's life (`lifecycle`): drafts
//! frozen when sent and filed under the platform's reference, each URL's
//! state through the platform's outcomes, every change kept as an event.
//! The batcher it starts holds every URL that has been in a complaint where
//! it stands, so a sweep never drafts it again by itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;

use crate::batch::{Batcher, ComplaintType, GroupKey, OpenDraft, Placement};
use crate::crawl::{Memory, PageRecord};
use crate::model::{Candidate, Disposition, Listing, Validators};
use crate::notices::{self, UrlState};

mod lifecycle;
use lifecycle::{set_state, state_of, StateChange};
pub use lifecycle::{Applied, Event, Filed};

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
    #[error("no ledger at {0}: run a sweep first, or pass --ledger")]
    Missing(PathBuf),
    /// A change the complaint's rules do not allow; nothing was written.
    #[error("{0}")]
    Refused(String),
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

/// What the ledger keeps of the listing a candidate came from, with no
/// validators to revalidate it by.
impl From<&Candidate> for Seen {
    fn from(c: &Candidate) -> Seen {
        Seen {
            canonical: c.url.clone(),
            item_id: c.item_id.clone(),
            platform: c.platform.clone(),
            title: c.title.clone(),
            seller: c.seller.clone(),
            captured_at: c.captured_at.clone(),
            validators: Validators::default(),
        }
    }
}

/// A draft as stored, with its items in the order they were placed.
#[derive(Clone, Debug)]
pub struct StoredDraft {
    pub id: String,
    pub group: GroupKey,
    pub seq: u32,
    /// `open`, `submitted`, `filed` or `closed`.
    pub status: String,
    /// The platform's reference, once filed.
    pub platform_ref: Option<String>,
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

    /// Opens a ledger that must exist already: reading must not leave an
    /// empty ledger where none was.
    pub async fn open_existing(path: &Path) -> Result<Ledger, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::Missing(path.to_path_buf()));
        }
        Ledger::open(path).await
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

    /// A batcher that carries on from every draft and placement so far,
    /// holding every URL that has been in a complaint where it stands.
    pub async fn batcher(&self, limit: usize) -> Result<Batcher, LedgerError> {
        let rows = sqlx::query(
            "SELECT d.id, d.platform, d.right_id, d.complaint_type, d.holder_id, d.seq, d.status,
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
                open: r.try_get::<String, _>("status")? == "open",
            };
            // Ordered by seq, so the last one written per group is the newest.
            newest.insert(group, draft);
        }
        let mut held = Vec::new();
        for (canonical, state, draft, reinstated) in self.url_states().await? {
            if let Some(h) = notices::hold(state, reinstated, draft.as_deref().unwrap_or("?")) {
                held.push((canonical, h));
            }
        }
        Ok(Batcher::resume(limit, newest, held))
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
        let state = state_of(&mut tx, &seen.canonical).await?;
        if candidate.is_none() {
            // Seen again and no longer a candidate (changed, or judged
            // against another registry): its old verdict must not stand.
            sqlx::query("DELETE FROM candidates WHERE canonical = $1")
                .bind(&seen.canonical)
                .execute(&mut *tx)
                .await?;
            if state.as_ref().is_some_and(|s| s.state == UrlState::Review) {
                sqlx::query("DELETE FROM url_states WHERE canonical = $1")
                    .bind(&seen.canonical)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(c) = candidate {
            let body = serde_json::to_string(c).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
            let disposition = disposition_text(&c.disposition);
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
                    // The last guard behind the batcher: a draft sent for
                    // filing while this sweep ran takes nothing more.
                    let open = sqlx::query("UPDATE drafts SET updated_at = $1 WHERE id = $2 AND status = 'open'")
                        .bind(now)
                        .bind(draft_id)
                        .execute(&mut *tx)
                        .await?;
                    if open.rows_affected() == 0 {
                        return Err(LedgerError::Refused(format!(
                            "draft {draft_id} was sent for filing while this sweep ran; run the sweep again to carry on"
                        )));
                    }
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
                let change = StateChange {
                    canonical: &c.url,
                    from: state.as_ref().map(|s| s.state),
                    to: UrlState::Drafted,
                    draft: Some(draft_id),
                    appeals: 0,
                    at: now,
                    source: &format!("sweep run {run}"),
                    note: None,
                };
                set_state(&mut tx, &change, &c.seller, &c.right_id, None).await?;
            } else if let Disposition::Review(reason) = &c.disposition {
                // Held for a person: kept with why, unless the URL already
                // stands somewhere in a complaint's life.
                if state.as_ref().is_none_or(|s| s.state == UrlState::Review) {
                    let change = StateChange {
                        canonical: &c.url,
                        from: state.as_ref().map(|s| s.state),
                        to: UrlState::Review,
                        draft: None,
                        appeals: 0,
                        at: now,
                        source: &format!("sweep run {run}"),
                        note: Some(reason),
                    };
                    set_state(&mut tx, &change, &c.seller, &c.right_id, Some(reason)).await?;
                }
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
        let rows = sqlx::query(&format!(
            "{DRAFT_COLUMNS} ORDER BY platform, right_id, complaint_type, holder_id, seq"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.stored(&r).await?);
        }
        Ok(out)
    }

    /// One draft with its items.
    pub async fn draft(&self, id: &str) -> Result<StoredDraft, LedgerError> {
        let row = sqlx::query(&format!("{DRAFT_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| LedgerError::Refused(format!("no draft {id} in the ledger")))?;
        self.stored(&row).await
    }

    async fn stored(&self, r: &sqlx::sqlite::SqliteRow) -> Result<StoredDraft, LedgerError> {
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
        Ok(StoredDraft {
            group: group_of(r)?,
            seq: r.try_get::<i64, _>("seq")? as u32,
            status: r.try_get("status")?,
            platform_ref: r.try_get("platform_ref")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            items,
            id,
        })
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

/// A disposition as the `candidates` table keeps it.
fn disposition_text(d: &Disposition) -> String {
    match d {
        Disposition::Draft => "draft".to_string(),
        Disposition::Review(r) => format!("review: {r}"),
    }
}

const DRAFT_COLUMNS: &str =
    "SELECT id, platform, right_id, complaint_type, holder_id, seq, status, platform_ref, created_at, updated_at FROM drafts";

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
mod tests;
