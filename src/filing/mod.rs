//! Filing: hands drafts to a filing system.
//!
//! Three ways out, for three kinds of filing system: a spool directory that
//! a filer watches (each draft written to a temporary name and renamed, so
//! the filer never reads half a file), JSON lines on stdout for a pipe, and
//! an HTTP POST to a filing system's endpoint.
//!
//! A draft is frozen in the ledger before it is sent (it takes no more URLs)
//! and marked sent only once the filing system has it. A sending killed in
//! between sends it again next time, with the same content and the same
//! `Idempotency-Key` header (the draft's key), so a filing system that
//! honours the key files it once. The HTTP sink retries what may pass (no
//! answer, a timeout, 408, 429, 5xx) with exponential back-off, heeds
//! `Retry-After`, takes 409 Conflict as "already filed", and gives up on any
//! other answer at once, naming the draft and what the endpoint said.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use url::Url;

use crate::clock::Clock;
use crate::config::Registry;
use crate::ledger::{Ledger, LedgerError};
use crate::report::{self, Draft, ReportError};

#[derive(Debug, thiserror::Error)]
pub enum FilingError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cannot write draft {draft} to stdout: {source}")]
    Stdout {
        draft: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{url} refused draft {draft}: HTTP {status}: {body}")]
    Refused {
        url: String,
        draft: String,
        status: u16,
        body: String,
    },
    #[error("gave up sending draft {draft} to {url} after {attempts} attempts; the last: {last}")]
    GaveUp {
        url: String,
        draft: String,
        attempts: u32,
        last: String,
    },
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("the bearer token holds characters an HTTP header cannot carry")]
    Token,
}

/// How the HTTP sink behaves.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub url: Url,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
    /// Attempts after the first.
    pub retries: u32,
    /// Time allowed for one attempt, answer included.
    pub timeout: Duration,
    /// The first wait between attempts; it doubles each time, up to
    /// [`MAX_BACKOFF`].
    pub backoff: Duration,
}

/// The longest wait between two attempts, `Retry-After` included.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

impl HttpOptions {
    pub fn new(url: Url) -> HttpOptions {
        HttpOptions {
            url,
            token: None,
            retries: 5,
            timeout: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
        }
    }
}

/// Where drafts go.
pub enum Sink {
    /// Each draft as `<id>.json` in this directory.
    Spool(PathBuf),
    /// Each draft as one JSON line.
    Lines(Box<dyn Write + Send>),
    Http(HttpSink),
}

/// POSTs drafts to a filing system.
pub struct HttpSink {
    opts: HttpOptions,
    client: reqwest::Client,
    /// `Bearer …`, marked sensitive so that it is never logged.
    auth: Option<HeaderValue>,
}

impl HttpSink {
    pub fn new(opts: HttpOptions) -> Result<HttpSink, FilingError> {
        let client = reqwest::Client::builder()
            .timeout(opts.timeout)
            // A POST redirected turns into a GET: a filing endpoint that
            // redirects is a wrong URL, said so rather than followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("knockoff/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(FilingError::Client)?;
        let auth = match &opts.token {
            Some(token) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| FilingError::Token)?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        Ok(HttpSink { opts, client, auth })
    }

    /// Sends one draft until the endpoint has it.
    async fn post(&self, draft: &Draft, body: &[u8]) -> Result<Delivery, FilingError> {
        let url = &self.opts.url;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut req = self
                .client
                .post(url.clone())
                .header(CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", &draft.idempotency_key)
                .body(body.to_vec());
            if let Some(auth) = &self.auth {
                req = req.header(AUTHORIZATION, auth.clone());
            }
            let (last, wait) = match req.send().await {
                Ok(r) if r.status().is_success() => return Ok(Delivery::Filed(r.status().as_u16())),
                Ok(r) if r.status() == StatusCode::CONFLICT => return Ok(Delivery::Duplicate),
                Ok(r) if retryable(r.status()) => {
                    let wait = r
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    (format!("HTTP {}", r.status()), wait)
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    let body = r.text().await.unwrap_or_default();
                    return Err(FilingError::Refused {
                        url: url.to_string(),
                        draft: draft.id.clone(),
                        status,
                        body: body.chars().take(300).collect(),
                    });
                }
                Err(e) if e.is_timeout() => (format!("no answer within {:?}", self.opts.timeout), None),
                Err(e) => (crate::crawl::fetch::error_chain(&e), None),
            };
            if attempts > self.opts.retries {
                return Err(FilingError::GaveUp {
                    url: url.to_string(),
                    draft: draft.id.clone(),
                    attempts,
                    last,
                });
            }
            let backoff = self.opts.backoff.saturating_mul(1 << (attempts - 1).min(16));
            let wait = wait.unwrap_or(backoff).min(MAX_BACKOFF);
            tracing::warn!("draft {}: {last}; trying again in {wait:?}", draft.id);
            tokio::time::sleep(wait + jitter(wait)).await;
        }
    }
}

/// Up to a quarter of `wait`, so that many senders retrying at once spread
/// out.
fn jitter(wait: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    wait.mul_f64(f64::from(nanos % 1000) / 4000.0)
}

fn retryable(s: StatusCode) -> bool {
    s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT || s == StatusCode::TOO_MANY_REQUESTS
}

/// What the filing system said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Written to the spool or stdout.
    Written,
    /// Accepted, with this HTTP status.
    Filed(u16),
    /// The filing system had it already (409).
    Duplicate,
}

impl Sink {
    /// How the ledger names this sink.
    pub fn describe(&self) -> String {
        match self {
            Sink::Spool(dir) => format!("spool:{}", dir.display()),
            Sink::Lines(_) => "stdout".into(),
            Sink::Http(h) => format!("http:{}", h.opts.url),
        }
    }

    async fn deliver(&mut self, draft: &Draft) -> Result<Delivery, FilingError> {
        match self {
            Sink::Spool(dir) => {
                let json = serde_json::to_vec_pretty(draft).expect("drafts serialise");
                report::write_atomic(&dir.join(format!("{}.json", draft.id)), &json)?;
                Ok(Delivery::Written)
            }
            Sink::Lines(out) => {
                let mut line = serde_json::to_vec(draft).expect("drafts serialise");
                line.push(b'\n');
                out.write_all(&line)
                    .and_then(|()| out.flush())
                    .map_err(|source| FilingError::Stdout {
                        draft: draft.id.clone(),
                        source,
                    })?;
                Ok(Delivery::Written)
            }
            Sink::Http(h) => {
                let json = serde_json::to_vec(draft).expect("drafts serialise");
                h.post(draft, &json).await
            }
        }
    }
}

/// One draft's sending.
#[derive(Debug)]
pub struct Sent {
    pub draft: String,
    /// The URLs in it, and what the filing system said.
    pub result: Result<(usize, Delivery), FilingError>,
}

/// Sends the drafts named (or, when `ids` is empty, every draft not sent
/// yet) to `sink`, one after another; a draft that fails is reported and
/// the others still go.
pub async fn send(
    ledger: &Ledger,
    registry: &Registry,
    sink: &mut Sink,
    ids: &[String],
    clock: Clock,
) -> Result<Vec<Sent>, FilingError> {
    let ids = if ids.is_empty() {
        ledger.unsent().await?
    } else {
        ids.to_vec()
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let result = send_one(ledger, registry, sink, &id, clock).await;
        out.push(Sent { draft: id, result });
    }
    Ok(out)
}

/// Freezes the draft, delivers it, and marks it sent once delivered.
async fn send_one(
    ledger: &Ledger,
    registry: &Registry,
    sink: &mut Sink,
    id: &str,
    clock: Clock,
) -> Result<(usize, Delivery), FilingError> {
    let stored = ledger.submit(id, &clock.stamp()).await?;
    let draft = Draft::from_stored(&stored, registry)?;
    let delivery = sink.deliver(&draft).await?;
    ledger.mark_sent(id, &sink.describe(), &clock.stamp()).await?;
    Ok((draft.items.len(), delivery))
}
