//! One HTTP fetch, made safe and polite: only allowed hosts, a cap on
//! redirects and on body size (streamed, cut off when exceeded), retries
//! with exponential backoff and jitter on 429, 5xx and transport errors,
//! honouring Retry-After; per host, robots.txt obeyed (Disallow and
//! Crawl-delay), a least delay between requests and a concurrency limit.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;

use reqwest::{header, StatusCode};
use url::Url;

use crate::config::site::{CrawlLimits, SiteProfile};
use crate::model::Validators;

/// Why a URL was not fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: refused: {reason}")]
    Forbidden { url: String, reason: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: body over the {limit}-byte limit")]
    TooLarge { url: String, limit: usize },
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// Worth another try: the server may answer better later.
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status == 429 || (500..600).contains(status),
            FetchError::Transport { .. } => true,
            _ => false,
        }
    }
}

/// Which hosts and addresses requests may go to.
#[derive(Clone, Debug)]
pub struct HostRules {
    allowed_hosts: Vec<String>,
    allow_loopback: bool,
}

impl HostRules {
    pub fn new(site: &SiteProfile) -> HostRules {
        HostRules {
            allowed_hosts: site.allowed_hosts.clone(),
            allow_loopback: site.allow_loopback,
        }
    }

    /// Ok when `url` may be fetched; else the reason it may not.
    pub fn check(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("scheme {:?} is not http(s)", url.scheme()));
        }
        let host = match url.host() {
            Some(h) => h,
            None => return Err("no host".into()),
        };
        let ip = match host {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        };
        if let Some(ip) = ip {
            address_allowed(ip, self.allow_loopback)?;
        }
        let name = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if self.allowed_hosts.iter().any(|h| h == name) {
            Ok(())
        } else {
            Err(format!("host {name} is not in the site profile's allowed hosts"))
        }
    }
}

/// Ok when requests may go to `ip`; else the reason they may not.
fn address_allowed(ip: IpAddr, allow_loopback: bool) -> Result<(), String> {
    if ip.is_loopback() {
        if allow_loopback {
            Ok(())
        } else {
            Err(format!("{ip} is a loopback address"))
        }
    } else if is_internal(ip) {
        Err(format!("{ip} is a private, link-local or metadata address"))
    } else {
        Ok(())
    }
}

/// Resolves host names and keeps only addresses requests may go to, so an
/// allowed name that points at 10.0.0.8 or 169.254.169.254 (a poisoned or
/// rebinding DNS answer) is refused like the literal address would be.
struct SafeResolver {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for SafeResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let safe: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| address_allowed(a.ip(), allow_loopback).is_ok())
                .collect();
            if safe.is_empty() {
                let ips: Vec<String> = all.iter().map(|a| a.ip().to_string()).collect();
                return Err(format!("{host} resolves only to refused addresses ({})", ips.join(", ")).into());
            }
            Ok(Box::new(safe.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast() || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            v6.is_unspecified() || (seg[0] & 0xfe00) == 0xfc00 || (seg[0] & 0xffc0) == 0xfe80
        }
    }
}

/// A fetched body and the URL it finally came from.
#[derive(Debug)]
pub struct Fetched {
    pub url: Url,
    pub body: Vec<u8>,
    /// The response's `ETag` and `Last-Modified`.
    pub validators: Validators,
}

/// The token we look for in robots.txt user-agent lines.
const ROBOTS_AGENT: &str = "knockoff";

/// The largest robots.txt we read (Google reads 500 KiB).
const MAX_ROBOTS_BYTES: usize = 500 << 10;

/// What a host's robots.txt says.
enum Robots {
    AllowAll,
    /// robots.txt could not be fetched (5xx, transport): RFC 9309 says to
    /// assume everything is disallowed.
    DisallowAll(String),
    Rules(Box<texting_robots::Robot>),
}

/// Politeness state of one host (scheme, host and port).
struct Host {
    /// At most `limits.concurrency` requests in flight, however many tasks
    /// want the host.
    slots: Semaphore,
    robots: OnceCell<Robots>,
    /// When the next request to the host may start.
    next: tokio::sync::Mutex<Instant>,
}

/// An HTTP client bound to one site's rules and limits.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    rules: Arc<HostRules>,
    limits: CrawlLimits,
    hosts: Arc<Mutex<HashMap<String, Arc<Host>>>>,
}

impl Fetcher {
    pub fn new(site: &SiteProfile) -> Result<Fetcher, FetchError> {
        let rules = Arc::new(HostRules::new(site));
        let limits = site.limits.clone();
        let redirect_rules = rules.clone();
        let max_redirects = limits.max_redirects;
        // Every hop of a redirect chain is checked, so a listing cannot
        // bounce the crawler to a metadata address or another host.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            match redirect_rules.check(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(reason) => {
                    let msg = format!("redirect to {} refused: {reason}", attempt.url());
                    tracing::warn!("{msg}");
                    attempt.error(msg)
                }
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(limits.user_agent.clone())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.request_timeout)
            .redirect(policy)
            .dns_resolver(Arc::new(SafeResolver {
                allow_loopback: site.allow_loopback,
            }))
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            rules,
            limits,
            hosts: Arc::default(),
        })
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let origin = url.origin().ascii_serialization();
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(origin)
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Semaphore::new(self.limits.concurrency),
                    robots: OnceCell::new(),
                    next: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Fetches `url` if the host's robots.txt allows it, paced and retried.
    pub async fn get(&self, url: &Url, max_bytes: usize) -> Result<Fetched, FetchError> {
        match self.fetch(url, max_bytes, None).await? {
            Some(f) => Ok(f),
            // Only a conditional request is answered "not modified".
            None => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
            }),
        }
    }

    /// Fetches `url` unless it is unchanged since the version `known`
    /// identifies (`None`: the server answered 304 Not Modified).
    pub async fn revalidate(
        &self,
        url: &Url,
        max_bytes: usize,
        known: &Validators,
    ) -> Result<Option<Fetched>, FetchError> {
        self.fetch(url, max_bytes, Some(known).filter(|v| !v.is_empty())).await
    }

    async fn fetch(
        &self,
        url: &Url,
        max_bytes: usize,
        known: Option<&Validators>,
    ) -> Result<Option<Fetched>, FetchError> {
        let host = self.host(url);
        let mut delay = self.limits.delay;
        if self.limits.obey_robots {
            let robots = host.robots.get_or_init(|| self.robots(url)).await;
            let refuse = |reason: String| {
                Err(FetchError::Forbidden {
                    url: url.to_string(),
                    reason,
                })
            };
            match robots {
                Robots::AllowAll => {}
                Robots::DisallowAll(why) => return refuse(why.clone()),
                Robots::Rules(r) => {
                    if !r.allowed(url.as_str()) {
                        return refuse("disallowed by robots.txt".into());
                    }
                    if let Some(d) = r.delay.filter(|d| d.is_finite() && *d > 0.0) {
                        delay = delay.max(Duration::from_secs_f32(d).min(self.limits.max_crawl_delay));
                    }
                }
            }
        }
        self.get_paced(&host, url, max_bytes, delay, known).await
    }

    /// Reads the robots.txt of `url`'s host.
    async fn robots(&self, url: &Url) -> Robots {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Robots::AllowAll;
        };
        let host = self.host(url);
        match self
            .get_paced(&host, &robots_url, MAX_ROBOTS_BYTES, self.limits.delay, None)
            .await
        {
            // Not asked conditionally, so never "not modified".
            Ok(None) => Robots::AllowAll,
            Ok(Some(f)) => match texting_robots::Robot::new(ROBOTS_AGENT, &f.body) {
                Ok(r) => Robots::Rules(Box::new(r)),
                Err(e) => {
                    tracing::warn!("{robots_url}: unreadable, treated as allowing all: {e}");
                    Robots::AllowAll
                }
            },
            // No robots.txt (4xx): no rules.
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) && status != 429 => Robots::AllowAll,
            Err(e) => Robots::DisallowAll(format!("robots.txt could not be read, so nothing is allowed: {e}")),
        }
    }

    /// Fetches `url`, holding the host to its concurrency and delay, and
    /// retrying transient failures with backoff.
    async fn get_paced(
        &self,
        host: &Host,
        url: &Url,
        max_bytes: usize,
        delay: Duration,
        known: Option<&Validators>,
    ) -> Result<Option<Fetched>, FetchError> {
        let mut attempt = 0;
        loop {
            // The permit is held for one attempt, not across the backoff
            // sleep, so a host that asks us to wait does not starve others.
            let permit = host.slots.acquire().await.expect("host semaphores are never closed");
            if !delay.is_zero() {
                let mut next = host.next.lock().await;
                tokio::time::sleep_until(*next).await;
                *next = Instant::now() + delay;
            }
            let result = self.get_once(url, max_bytes, known).await;
            drop(permit);
            match result {
                Ok(f) => return Ok(f),
                Err((e, retry_after)) if e.is_transient() && attempt < self.limits.retries => {
                    let wait = retry_after.unwrap_or_else(|| backoff(self.limits.backoff, attempt, url));
                    tracing::debug!("{e}; retry {} in {:?}", attempt + 1, wait);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err((e, _)) => return Err(e),
            }
        }
    }

    async fn get_once(
        &self,
        url: &Url,
        max_bytes: usize,
        known: Option<&Validators>,
    ) -> Result<Option<Fetched>, (FetchError, Option<Duration>)> {
        let u = url.to_string();
        self.rules
            .check(url)
            .map_err(|reason| (FetchError::Forbidden { url: u.clone(), reason }, None))?;
        let transport = |e: reqwest::Error| {
            let message = error_chain(&e);
            // A refused redirect is final, not a transient fault.
            if e.is_redirect() {
                (
                    FetchError::Forbidden {
                        url: u.clone(),
                        reason: message,
                    },
                    None,
                )
            } else {
                (
                    FetchError::Transport {
                        url: u.clone(),
                        message,
                    },
                    None,
                )
            }
        };
        let mut request = self.client.get(url.clone());
        if let Some(known) = known {
            if let Some(etag) = &known.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(date) = &known.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, date);
            }
        }
        let mut resp = request.send().await.map_err(transport)?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED && known.is_some() {
            return Ok(None);
        }
        if !status.is_success() {
            let retry_after = retry_after(&resp, self.limits.request_timeout);
            return Err((
                FetchError::Status {
                    url: u,
                    status: status.as_u16(),
                },
                retry_after,
            ));
        }
        if let Some(len) = resp.content_length() {
            if len > max_bytes as u64 {
                return Err((
                    FetchError::TooLarge {
                        url: u,
                        limit: max_bytes,
                    },
                    None,
                ));
            }
        }
        let final_url = resp.url().clone();
        let text_header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: text_header(header::ETAG),
            last_modified: text_header(header::LAST_MODIFIED),
        };
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > max_bytes {
                return Err((
                    FetchError::TooLarge {
                        url: u,
                        limit: max_bytes,
                    },
                    None,
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Some(Fetched {
            url: final_url,
            body,
            validators,
        }))
    }
}

/// Retry-After in seconds, capped so a hostile server cannot park us.
fn retry_after(resp: &reqwest::Response, cap: Duration) -> Option<Duration> {
    if resp.status() != StatusCode::TOO_MANY_REQUESTS && resp.status() != StatusCode::SERVICE_UNAVAILABLE {
        return None;
    }
    let secs: u64 = resp
        .headers()
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(cap))
}

/// Exponential backoff with deterministic jitter (hash of the URL and
/// attempt), so retries spread out without a random source.
fn backoff(base: Duration, attempt: u32, url: &Url) -> Duration {
    let exp = base.saturating_mul(1 << attempt.min(6));
    let mut h: u64 = 0xcbf29ce484222325;
    for b in url.as_str().bytes().chain([attempt as u8]) {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    let jitter = exp.mul_f64((h % 1000) as f64 / 2000.0);
    exp + jitter
}

/// An error with every cause after it: reqwest's own text ("client error
/// (Connect)") rarely says what went wrong.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_rules_refuse_internal_and_foreign_hosts() {
        let site = SiteProfile::fixture().with_base_url(Url::parse("http://127.0.0.1:5/").unwrap());
        let rules = HostRules::new(&site);
        assert!(rules
            .check(&Url::parse("http://127.0.0.1:5/item/1.html").unwrap())
            .is_ok());
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.8/",
            "http://192.168.1.1/",
            "http://evil.example/",
            "http://[::1]:5/",
            "file:///etc/passwd",
        ] {
            assert!(rules.check(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
        let mut strict = site.clone();
        strict.allow_loopback = false;
        assert!(HostRules::new(&strict)
            .check(&Url::parse("http://127.0.0.1:5/").unwrap())
            .is_err());
    }

    #[tokio::test]
    async fn names_that_resolve_to_refused_addresses_are_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let url = Url::parse(&format!("http://localhost:{port}/")).unwrap();

        let mut site = SiteProfile::fixture().with_base_url(url.clone());
        site.limits.retries = 0;
        let fetched = Fetcher::new(&site).unwrap().get(&url, 1000).await.unwrap();
        assert_eq!(fetched.body, b"ok");

        // The same name, on a profile that does not allow loopback.
        site.allow_loopback = false;
        let err = Fetcher::new(&site)
            .unwrap()
            .get(&url, 1000)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("refused addresses"), "{err}");
    }

    #[test]
    fn backoff_grows_and_jitters_within_bounds() {
        let u = Url::parse("http://a.example/x").unwrap();
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff(base, attempt, &u);
            let exp = base * (1 << attempt);
            assert!(d >= exp && d <= exp + exp / 2, "{d:?}");
        }
    }
}
