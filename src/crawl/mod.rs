//! Crawling: from seed URLs to [`Listing`]s, on tokio.
//!
//! One loop owns the frontier and the sets of what has been seen; fetches
//! run as tasks (the fetcher holds each host to the profile's concurrency) and report back
//! what they found. Because only the loop touches the frontier there is no
//! lock to get wrong, and the canonical-URL set means a listing reached by
//! ten links (tracking parameters, alternate paths) is fetched once.
//!
//! Finished listings go out on a bounded channel: when the analysis side is
//! slower than the network, `send` waits and the crawl slows down instead of
//! filling memory.

pub mod fetch;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

use crate::clock::Clock;
use crate::config::SiteProfile;
use crate::extract;
use crate::model::{Failure, Listing, ListingImage, Validators};
pub use fetch::{FetchError, Fetcher, HostRules};

/// What the crawl did, for the summary.
#[derive(Clone, Debug, Default)]
pub struct CrawlStats {
    /// Search and browse pages fetched.
    pub pages: usize,
    /// Listings fetched and sent on.
    pub listings: usize,
    pub images: usize,
    /// Links to a listing already queued, skipped.
    pub duplicates: usize,
    /// Pages, listings and images that failed, with the reason.
    pub failures: Vec<Failure>,
    /// Requests made conditionally (a page or listing seen before), and
    /// how many of them the server answered "not modified".
    pub conditional: usize,
    pub unchanged: usize,
    /// Listings an interrupted run had already recorded, not fetched again.
    pub resumed: usize,
    /// Search and browse pages fetched in full, for the next sweep.
    pub pages_seen: Vec<PageRecord>,
}

/// What the crawler remembers from earlier sweeps (the ledger keeps it).
#[derive(Clone, Debug, Default)]
pub struct Memory {
    /// Listings by canonical URL: how to ask whether they changed. Their
    /// earlier result stands when they did not.
    pub listings: HashMap<String, Validators>,
    /// Search and browse pages by [`page_key`]: how to ask whether they
    /// changed, and the links they held.
    pub pages: HashMap<String, PageRecord>,
    /// Listings the interrupted run being resumed had recorded already.
    pub done: HashSet<String>,
}

/// A search or browse page as last fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRecord {
    /// Its [`page_key`].
    pub url: String,
    pub validators: Validators,
    /// Listing links, then the next page's link, if any; relative to the
    /// page (path and query) where they stay on its origin.
    pub links: Vec<String>,
    pub next: Option<String>,
}

/// How a search or browse page is remembered: the platform, then the path
/// and query. Not the origin: the same site may be reached at another
/// address next time (the fixture's port changes every sweep), and its
/// pages are the same pages.
pub fn page_key(platform: &str, url: &Url) -> String {
    format!("{platform}:{}", relative(url, url))
}

/// `link` as path and query where it has `base`'s origin, else whole.
fn relative(base: &Url, link: &Url) -> String {
    if link.origin() == base.origin() {
        match link.query() {
            Some(q) => format!("{}?{q}", link.path()),
            None => link.path().to_string(),
        }
    } else {
        link.to_string()
    }
}

/// Something to fetch.
#[derive(Debug)]
enum Job {
    Page {
        url: Url,
        depth: usize,
    },
    Listing {
        url: Url,
        canonical: String,
        item_id: String,
    },
}

/// What a finished job hands back to the loop.
enum Done {
    Page {
        links: extract::Links,
        depth: usize,
        /// The page as fetched, to remember; `None` when it was unchanged.
        fetched: Option<PageRecord>,
    },
    Listing {
        images: usize,
    },
    /// Asked conditionally and not modified.
    Unchanged,
    /// Recorded by the interrupted run this one resumes.
    Resumed,
    Failed(Failure),
}

/// Observes crawl progress (the terminal's progress bar, or nothing).
pub trait Progress: Send + Sync {
    fn discovered(&self, _listings: usize) {}
}

impl Progress for () {}

/// Crawls from `seeds`, sending each listing on `tx`. Returns when the
/// frontier is empty, the page budget is spent, or the receiver is gone.
pub async fn crawl(
    site: Arc<SiteProfile>,
    seeds: Vec<Url>,
    tx: mpsc::Sender<Listing>,
    clock: Clock,
    progress: Arc<dyn Progress>,
    memory: Arc<Memory>,
) -> Result<CrawlStats, FetchError> {
    let fetcher = Fetcher::new(&site)?;
    let mut stats = CrawlStats::default();
    let mut frontier = VecDeque::new();
    let mut seen_pages = HashSet::new();
    let mut seen_listings = HashSet::new();
    let mut budget = site.limits.max_pages;

    let mut enqueue = |url: Url, depth: usize, frontier: &mut VecDeque<Job>, stats: &mut CrawlStats| {
        let mut url = url;
        url.set_fragment(None);
        if let Some((canonical, item_id)) = site.canonical(&url) {
            if seen_listings.insert(canonical.clone()) {
                frontier.push_back(Job::Listing {
                    url,
                    canonical,
                    item_id,
                });
                progress.discovered(seen_listings.len());
            } else {
                stats.duplicates += 1;
            }
        } else if depth <= site.limits.max_depth && seen_pages.insert(url.to_string()) {
            frontier.push_back(Job::Page { url, depth });
        }
    };
    for seed in seeds {
        enqueue(seed, 0, &mut frontier, &mut stats);
    }

    let mut running = JoinSet::new();
    loop {
        // Twice the per-host limit in tasks keeps every host's slots busy
        // while some tasks are parsing; the fetcher enforces the limit.
        while running.len() < site.limits.concurrency * 2 && budget > 0 {
            let Some(job) = frontier.pop_front() else { break };
            budget -= 1;
            if job_is_conditional(&job, &memory, &site.platform) {
                stats.conditional += 1;
            }
            let (fetcher, site, tx, memory) = (fetcher.clone(), site.clone(), tx.clone(), memory.clone());
            running.spawn(run_job(job, fetcher, site, tx, clock, memory));
        }
        let Some(done) = running.join_next().await else { break };
        match done {
            Ok(Some(Done::Page { links, depth, fetched })) => {
                stats.pages += 1;
                match fetched {
                    Some(record) => stats.pages_seen.push(record),
                    None => stats.unchanged += 1,
                }
                for url in links.listings {
                    enqueue(url, depth + 1, &mut frontier, &mut stats);
                }
                if let Some(next) = links.next {
                    enqueue(next, depth + 1, &mut frontier, &mut stats);
                }
            }
            Ok(Some(Done::Listing { images })) => {
                stats.listings += 1;
                stats.images += images;
            }
            Ok(Some(Done::Unchanged)) => stats.unchanged += 1,
            Ok(Some(Done::Resumed)) => stats.resumed += 1,
            Ok(Some(Done::Failed(f))) => {
                tracing::warn!("{}: {}", f.url, f.reason);
                stats.failures.push(f);
            }
            // The receiver is gone: the run is being torn down.
            Ok(None) => {
                running.abort_all();
                break;
            }
            Err(e) if e.is_panic() => stats.failures.push(Failure {
                url: String::new(),
                reason: format!("crawl task panicked: {e}"),
            }),
            Err(_) => {}
        }
    }
    if budget == 0 && !frontier.is_empty() {
        tracing::warn!(
            "page budget of {} spent; {} URLs left unvisited",
            site.limits.max_pages,
            frontier.len()
        );
    }
    Ok(stats)
}

/// Whether the job will be asked for conditionally.
fn job_is_conditional(job: &Job, memory: &Memory, platform: &str) -> bool {
    match job {
        Job::Page { url, .. } => memory
            .pages
            .get(&page_key(platform, url))
            .is_some_and(|p| !p.validators.is_empty()),
        Job::Listing { canonical, .. } => {
            !memory.done.contains(canonical) && memory.listings.get(canonical).is_some_and(|v| !v.is_empty())
        }
    }
}

/// Fetches one job. `None` means the listing receiver has gone away.
async fn run_job(
    job: Job,
    fetcher: Fetcher,
    site: Arc<SiteProfile>,
    tx: mpsc::Sender<Listing>,
    clock: Clock,
    memory: Arc<Memory>,
) -> Option<Done> {
    let failed = |url: &Url, reason: String| {
        Some(Done::Failed(Failure {
            url: url.to_string(),
            reason,
        }))
    };
    match job {
        Job::Page { url, depth } => {
            let key = page_key(&site.platform, &url);
            let known = memory.pages.get(&key);
            let none = Validators::default();
            let page = match fetcher
                .revalidate(&url, site.limits.max_page_bytes, known.map_or(&none, |p| &p.validators))
                .await
            {
                Ok(Some(p)) => p,
                // Unchanged: its links are the ones it held last time.
                Ok(None) => {
                    let record = known?;
                    let parse = |s: &String| url.join(s).ok();
                    let links = extract::Links {
                        listings: record.links.iter().filter_map(parse).collect(),
                        next: record.next.as_ref().and_then(parse),
                    };
                    return Some(Done::Page {
                        links,
                        depth,
                        fetched: None,
                    });
                }
                Err(e) => return failed(&url, e.to_string()),
            };
            let html = String::from_utf8_lossy(&page.body);
            let links = extract::links(&html, &page.url, &site);
            let record = PageRecord {
                url: key,
                validators: page.validators,
                links: links.listings.iter().map(|l| relative(&page.url, l)).collect(),
                next: links.next.as_ref().map(|l| relative(&page.url, l)),
            };
            Some(Done::Page {
                links,
                depth,
                fetched: Some(record),
            })
        }
        Job::Listing {
            url,
            canonical,
            item_id,
        } => {
            if memory.done.contains(&canonical) {
                return Some(Done::Resumed);
            }
            let none = Validators::default();
            let known = memory.listings.get(&canonical).unwrap_or(&none);
            let page = match fetcher.revalidate(&url, site.limits.max_page_bytes, known).await {
                Ok(Some(p)) => p,
                // Its earlier result stands.
                Ok(None) => return Some(Done::Unchanged),
                Err(e) => return failed(&url, e.to_string()),
            };
            let captured_at = clock.stamp();
            let fields = match extract::listing(&String::from_utf8_lossy(&page.body), &page.url, &site) {
                Ok(f) => f,
                Err(e) => return failed(&url, e.to_string()),
            };
            let mut images = Vec::new();
            let mut image_errors = Vec::new();
            for img in fields.images.iter().take(site.limits.max_images_per_listing) {
                match fetcher.get(img, site.limits.max_image_bytes).await {
                    Ok(f) => images.push(ListingImage {
                        url: img.to_string(),
                        bytes: f.body.into(),
                    }),
                    Err(e) => image_errors.push(Failure {
                        url: img.to_string(),
                        reason: e.to_string(),
                    }),
                }
            }
            let n = images.len();
            let listing = Listing {
                url: url.to_string(),
                canonical,
                item_id,
                platform: site.platform.clone(),
                title: fields.title,
                description: fields.description,
                seller: fields.seller,
                category: fields.category,
                price: fields.price,
                images,
                image_errors,
                captured_at,
                validators: page.validators,
            };
            tx.send(listing).await.ok()?;
            Some(Done::Listing { images: n })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_remembered_whatever_the_address() {
        let a = Url::parse("http://127.0.0.1:4000/search?q=velora&page=2").unwrap();
        let b = Url::parse("http://127.0.0.1:5000/search?q=velora&page=2").unwrap();
        assert_eq!(page_key("m", &a), page_key("m", &b));
        assert_eq!(page_key("m", &a), "m:/search?q=velora&page=2");
        assert_ne!(page_key("m", &a), page_key("other", &a));
        // Links on the page's origin are kept relative, so they lead to the
        // address the page is reached at next time; others stay whole.
        let here = Url::parse("http://127.0.0.1:4000/item/1.html?spm=x").unwrap();
        let there = Url::parse("https://cdn.example/item/1.html").unwrap();
        assert_eq!(relative(&a, &here), "/item/1.html?spm=x");
        assert_eq!(b.join(&relative(&a, &here)).unwrap().port(), Some(5000));
        assert_eq!(relative(&a, &there), there.as_str());
    }
}
