//! The ledger's side of a complaint's life: where each URL stands, every
//! change as an event, drafts frozen when sent and filed under the
//! platform's reference. The rules themselves are in [`crate::notices`];
//! here each change is one transaction, so a process killed at any point
//! leaves every URL in the state before or after the change, never between.

use sqlx::{Row, SqliteConnection};

use super::{Ledger, LedgerError, StoredDraft};
use crate::model::{Candidate, Disposition};
use crate::notices::{self, Change, Outcome, SellerCount, Status, Target, UrlState};

/// A URL's row in `url_states`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Current {
    pub state: UrlState,
    pub draft: Option<String>,
    pub appeals: u32,
    pub reinstated: bool,
    pub seller: String,
    pub right_id: String,
}

pub(super) async fn state_of(conn: &mut SqliteConnection, canonical: &str) -> Result<Option<Current>, LedgerError> {
    let row = sqlx::query(&format!("{STATE_COLUMNS} WHERE canonical = $1"))
        .bind(canonical)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| current(&r)).transpose()
}

const STATE_COLUMNS: &str = "SELECT canonical, state, draft_id, appeals, reinstated, seller, right_id FROM url_states";

fn current(r: &sqlx::sqlite::SqliteRow) -> Result<Current, LedgerError> {
    Ok(Current {
        state: parse_state(&r.try_get::<String, _>("state")?)?,
        draft: r.try_get("draft_id")?,
        appeals: r.try_get::<i64, _>("appeals")? as u32,
        reinstated: r.try_get::<i64, _>("reinstated")? != 0,
        seller: r.try_get("seller")?,
        right_id: r.try_get("right_id")?,
    })
}

fn parse_state(s: &str) -> Result<UrlState, LedgerError> {
    UrlState::parse(s).ok_or_else(|| LedgerError::Corrupt(format!("URL state {s:?}")))
}

/// One change of a URL's state, as recorded.
pub(super) struct StateChange<'a> {
    pub canonical: &'a str,
    pub from: Option<UrlState>,
    pub to: UrlState,
    pub draft: Option<&'a str>,
    pub appeals: u32,
    pub at: &'a str,
    pub source: &'a str,
    pub note: Option<&'a str>,
}

/// Writes a URL's new state and, when it moved, the event.
pub(super) async fn set_state(
    conn: &mut SqliteConnection,
    c: &StateChange<'_>,
    seller: &str,
    right_id: &str,
    reason: Option<&str>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO url_states (canonical, state, draft_id, appeals, reinstated, seller, right_id, reason, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (canonical) DO UPDATE SET state = excluded.state,
             draft_id = COALESCE(excluded.draft_id, url_states.draft_id), appeals = excluded.appeals,
             reinstated = CASE WHEN url_states.reinstated = 1 THEN 1 ELSE excluded.reinstated END, reason = excluded.reason,
             updated_at = excluded.updated_at",
    )
    .bind(c.canonical)
    .bind(c.to.as_str())
    .bind(c.draft)
    .bind(c.appeals as i64)
    .bind(i64::from(c.to == UrlState::Reinstated))
    .bind(seller)
    .bind(right_id)
    .bind(reason)
    .bind(c.at)
    .execute(&mut *conn)
    .await?;
    if c.from != Some(c.to) || c.to == UrlState::Appealed {
        sqlx::query(
            "INSERT INTO events (canonical, draft_id, from_state, to_state, at, source, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.canonical)
        .bind(c.draft)
        .bind(c.from.map(UrlState::as_str))
        .bind(c.to.as_str())
        .bind(c.at)
        .bind(c.source)
        .bind(c.note)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One change of a URL's state, as the ledger keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// `None` when the ledger first followed the URL.
    pub from: Option<UrlState>,
    pub to: UrlState,
    /// When it happened (the platform's time, where the outcome gave one).
    pub at: String,
    /// What caused it: a sweep, a filing, a row of an outcomes file.
    pub source: String,
    pub note: Option<String>,
}

/// What applying one outcome did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// These many URLs changed state.
    Moved(usize),
    /// Every URL named was there already.
    Unchanged,
    /// The same row was applied before (outcome files are often fed again
    /// with new rows appended).
    Seen,
}

/// What marking a draft filed did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filed {
    /// Filed now, with this many URLs.
    Now(usize),
    /// It was filed under this reference already.
    Already,
}

impl Ledger {
    /// Every URL's state: canonical URL, state, its draft, and whether it
    /// was ever reinstated.
    pub async fn url_states(&self) -> Result<Vec<(String, UrlState, Option<String>, bool)>, LedgerError> {
        let rows = sqlx::query(&format!("{STATE_COLUMNS} ORDER BY canonical"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let c = current(r)?;
                Ok((r.try_get("canonical")?, c.state, c.draft, c.reinstated))
            })
            .collect()
    }

    /// A URL's state and the reason it is held, if the ledger follows it.
    pub async fn url_state(&self, canonical: &str) -> Result<Option<(UrlState, Option<String>)>, LedgerError> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT state, reason FROM url_states WHERE canonical = $1")
                .bind(canonical)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(s, reason)| Ok((parse_state(&s)?, reason))).transpose()
    }

    /// Every change a URL went through, oldest first.
    pub async fn history(&self, canonical: &str) -> Result<Vec<Event>, LedgerError> {
        let rows =
            sqlx::query("SELECT from_state, to_state, at, source, note FROM events WHERE canonical = $1 ORDER BY id")
                .bind(canonical)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Event {
                    from: r
                        .try_get::<Option<String>, _>("from_state")?
                        .as_deref()
                        .map(parse_state)
                        .transpose()?,
                    to: parse_state(&r.try_get::<String, _>("to_state")?)?,
                    at: r.try_get("at")?,
                    source: r.try_get("source")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    /// Freezes an open draft for a filing system: it takes no more URLs, so
    /// what is sent (and its idempotency key) is what was filed, however
    /// often the sending is retried. Returns the draft as frozen.
    pub async fn submit(&self, draft_id: &str, now: &str) -> Result<StoredDraft, LedgerError> {
        sqlx::query("UPDATE drafts SET status = 'submitted', submitted_at = $1 WHERE id = $2 AND status = 'open'")
            .bind(now)
            .bind(draft_id)
            .execute(&self.pool)
            .await?;
        self.draft(draft_id).await
    }

    /// Records that a frozen draft reached a filing system.
    pub async fn mark_sent(&self, draft_id: &str, sent_to: &str, now: &str) -> Result<(), LedgerError> {
        sqlx::query("UPDATE drafts SET sent_to = $1, sent_at = $2 WHERE id = $3")
            .bind(sent_to)
            .bind(now)
            .bind(draft_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Drafts not yet handed to a filing system: open ones, and those frozen
    /// by a sending that did not finish.
    pub async fn unsent(&self) -> Result<Vec<String>, LedgerError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM drafts WHERE status IN ('open', 'submitted') AND sent_at IS NULL
             ORDER BY platform, right_id, complaint_type, holder_id, seq",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks a draft filed under the platform's reference, and every URL in
    /// it with it, in one transaction.
    pub async fn mark_filed(&self, draft_id: &str, platform_ref: &str, now: &str) -> Result<Filed, LedgerError> {
        let platform_ref = platform_ref.trim();
        if platform_ref.is_empty() {
            return Err(LedgerError::Refused("the platform reference is empty".into()));
        }
        let mut tx = self.pool.begin().await?;
        let row: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT platform, status, platform_ref FROM drafts WHERE id = $1")
                .bind(draft_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((platform, status, existing)) = row else {
            return Err(LedgerError::Refused(format!("no draft {draft_id} in the ledger")));
        };
        match existing {
            Some(r) if r == platform_ref => return Ok(Filed::Already),
            Some(r) => {
                return Err(LedgerError::Refused(format!(
                    "draft {draft_id} was filed as {r} already, not {platform_ref}"
                )))
            }
            None if status == "closed" => {
                return Err(LedgerError::Refused(format!("draft {draft_id} is closed")));
            }
            None => {}
        }
        let other: Option<String> =
            sqlx::query_scalar("SELECT id FROM drafts WHERE platform = $1 AND platform_ref = $2")
                .bind(&platform)
                .bind(platform_ref)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(other) = other {
            return Err(LedgerError::Refused(format!(
                "{platform_ref} is the reference of draft {other} already"
            )));
        }
        sqlx::query(
            "UPDATE drafts SET status = 'filed', platform_ref = $1, filed_at = $2,
                 submitted_at = COALESCE(submitted_at, $2), updated_at = $2 WHERE id = $3",
        )
        .bind(platform_ref)
        .bind(now)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
        let urls: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT canonical, seller, right_id FROM url_states WHERE draft_id = $1 AND state = 'drafted'",
        )
        .bind(draft_id)
        .fetch_all(&mut *tx)
        .await?;
        let source = format!("filed as {platform_ref}");
        for (canonical, seller, right) in &urls {
            let change = StateChange {
                canonical,
                from: Some(UrlState::Drafted),
                to: UrlState::Filed,
                draft: Some(draft_id),
                appeals: 0,
                at: now,
                source: &source,
                note: None,
            };
            set_state(&mut tx, &change, seller, right, None).await?;
        }
        tx.commit().await?;
        Ok(Filed::Now(urls.len()))
    }

    /// Applies one platform outcome, in one transaction: every URL it names
    /// moves, or none does.
    pub async fn apply(&self, o: &Outcome, now: &str) -> Result<Applied, LedgerError> {
        let mut tx = self.pool.begin().await?;
        let key = outcome_key(o);
        let seen: Option<String> = sqlx::query_scalar("SELECT source FROM applied_rows WHERE source = $1")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
        if seen.is_some() {
            return Ok(Applied::Seen);
        }
        let refuse = |what: String| LedgerError::Refused(format!("{}: {what}", o.source));
        let urls: Vec<String> = match &o.target {
            Target::Url(u) => vec![u.clone()],
            Target::Ref(r) | Target::Draft(r) => {
                let by = if matches!(o.target, Target::Ref(_)) {
                    "platform_ref"
                } else {
                    "id"
                };
                let draft: Option<String> = sqlx::query_scalar(&format!("SELECT id FROM drafts WHERE {by} = $1"))
                    .bind(r)
                    .fetch_optional(&mut *tx)
                    .await?;
                let draft = draft.ok_or_else(|| refuse(format!("no complaint {r} in the ledger")))?;
                sqlx::query_scalar("SELECT canonical FROM url_states WHERE draft_id = $1 ORDER BY canonical")
                    .bind(&draft)
                    .fetch_all(&mut *tx)
                    .await?
            }
        };
        let at = o.at.as_deref().unwrap_or(now);
        let mut moved = 0;
        let mut drafts = Vec::new();
        for url in &urls {
            let cur = state_of(&mut tx, url)
                .await?
                .ok_or_else(|| refuse(format!("{url} is in no complaint")))?;
            if cur.state == UrlState::Review || (cur.state == UrlState::Drafted && o.state != UrlState::Closed) {
                return Err(refuse(format!(
                    "{url} is {} and has not been filed (`knockoff notices mark-filed` first)",
                    cur.state
                )));
            }
            let appeals = match notices::transition(cur.state, o.state, cur.appeals) {
                Ok(Change::Unchanged) => continue,
                Ok(Change::Move { appeals }) => appeals,
                Err(e) => return Err(refuse(format!("{url}: {e}"))),
            };
            let change = StateChange {
                canonical: url,
                from: Some(cur.state),
                to: o.state,
                draft: cur.draft.as_deref(),
                appeals,
                at,
                source: &o.source,
                note: o.note.as_deref(),
            };
            set_state(&mut tx, &change, &cur.seller, &cur.right_id, None).await?;
            if o.state == UrlState::Reinstated {
                if let Some(notices::Hold::Review(why)) =
                    notices::hold(o.state, true, cur.draft.as_deref().unwrap_or("?"))
                {
                    hold_for_review(&mut tx, url, &why).await?;
                }
            }
            moved += 1;
            drafts.extend(cur.draft);
        }
        drafts.sort();
        drafts.dedup();
        for d in drafts {
            // A complaint is over when every URL in it is.
            sqlx::query(
                "UPDATE drafts SET status = 'closed', updated_at = $1 WHERE id = $2
                 AND NOT EXISTS (SELECT 1 FROM url_states WHERE draft_id = $2 AND state <> 'closed')",
            )
            .bind(at)
            .bind(&d)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("INSERT INTO applied_rows (source, at) VALUES ($1, $2)")
            .bind(&key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(if moved == 0 {
            Applied::Unchanged
        } else {
            Applied::Moved(moved)
        })
    }

    /// URLs by state, by right and state, and sellers across complaints.
    pub async fn status(&self) -> Result<Status, LedgerError> {
        let mut status = Status::default();
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT right_id, state, COUNT(*) FROM url_states GROUP BY right_id, state")
                .fetch_all(&self.pool)
                .await?;
        for (right, state, n) in rows {
            *status.by_state.entry(state.clone()).or_default() += n as u64;
            status.by_right.entry(right).or_default().insert(state, n as u64);
        }
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT s.seller, COUNT(DISTINCT s.draft_id), COUNT(*),
                    SUM(CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.canonical = s.canonical AND e.to_state = 'removed')
                        THEN 1 ELSE 0 END)
             FROM url_states s
             WHERE s.state NOT IN ('review', 'drafted')
             GROUP BY s.seller
             ORDER BY 2 DESC, 3 DESC, s.seller",
        )
        .fetch_all(&self.pool)
        .await?;
        status.sellers = rows
            .into_iter()
            .map(|(seller, complaints, urls, removed)| SellerCount {
                seller,
                complaints: complaints as u64,
                urls: urls as u64,
                removed: removed as u64,
                repeat: complaints > 1,
            })
            .collect();
        Ok(status)
    }
}

/// Turns a URL's standing candidate into one for review: its verdict no
/// longer leads to a draft.
async fn hold_for_review(conn: &mut SqliteConnection, canonical: &str, why: &str) -> Result<(), LedgerError> {
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM candidates WHERE canonical = $1")
        .bind(canonical)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(body) = body else { return Ok(()) };
    let mut c: Candidate =
        serde_json::from_str(&body).map_err(|e| LedgerError::Corrupt(format!("candidate {canonical}: {e}")))?;
    c.disposition = Disposition::Review(why.to_string());
    let body = serde_json::to_string(&c).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE candidates SET disposition = $1, body = $2 WHERE canonical = $3")
        .bind(super::disposition_text(&c.disposition))
        .bind(body)
        .bind(canonical)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Identifies an outcome by what it says (its target, state and time), not
/// by where it sits in a file: platforms' exports grow, and are fed again.
fn outcome_key(o: &Outcome) -> String {
    use sha2::{Digest, Sha256};
    let (kind, target) = match &o.target {
        Target::Url(u) => ("url", u),
        Target::Ref(r) => ("ref", r),
        Target::Draft(d) => ("draft", d),
    };
    let mut h = Sha256::new();
    for part in [kind, target.as_str(), o.state.as_str(), o.at.as_deref().unwrap_or("")] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("outcome:{:x}", h.finalize())
}
