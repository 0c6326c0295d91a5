//! The pipeline: wires the stages into a sweep.
//!
//! ```text
//!  tokio                     │ std threads + rayon
//!  crawl ── mpsc(64) ──────► │ analyse (text inline, images on rayon, score)
//!                            │    └── crossbeam(256) ──► batch + ledger + candidate log
//! ```
//!
//! Async and sync meet once: the analysis thread reads the crawler's tokio
//! channel with `blocking_recv`, so no tokio worker ever blocks on a
//! crossbeam channel. Both channels are bounded: a slow stage slows the
//! crawler rather than filling memory. Matchers are compiled once, before
//! the crawl starts, and shared behind `Arc`.
//!
//! Shutdown runs front to back: when the crawl ends (or Ctrl-C stops it)
//! its sender drops, analysis drains and ends, and the batcher commits the
//! last candidates before the draft files are written from the ledger.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tokio::sync::mpsc;
use url::Url;

use crate::batch::{Batcher, Placement, Skip};
use crate::clock::Clock;
use crate::config::{ConfigError, Registry, SiteProfile};
use crate::crawl::{self, FetchError};
use crate::fixture::{self, FixtureError};
use crate::image::{ImageError, ImageLimits, WorkIndex};
use crate::ledger::{Ledger, LedgerError, Seen};
use crate::model::{Candidate, Disposition, Failure, Listing};
use crate::report::{self, CandidateLog, ReportError, StageCounts, Summary};
use crate::score::{NoCandidate, Scorer};
use crate::text::{TextError, TextMatcher};

/// What to crawl.
#[derive(Clone, Debug)]
pub enum Target {
    /// The built-in fixture marketplace, served on loopback for the sweep.
    Fixture { catalogue: PathBuf },
    /// A marketplace described by a site profile; `starts` overrides the
    /// profile's seeds when not empty.
    Site { profile: PathBuf, starts: Vec<Url> },
}

#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub registry: PathBuf,
    pub target: Target,
    pub out: PathBuf,
    /// The ledger file; `out/ledger.sqlite` when not given.
    pub ledger: Option<PathBuf>,
    pub clock: Clock,
    /// Draw a progress bar on the terminal.
    pub progress: bool,
    /// Stop crawling on Ctrl-C and still write what was found.
    pub handle_interrupt: bool,
    pub image_limits: ImageLimits,
}

impl SweepOptions {
    /// Defaults for a sweep of the fixture marketplace with the shipped
    /// registry into `out`.
    pub fn fixture(out: PathBuf) -> SweepOptions {
        let config = crate::config::default_config_dir();
        SweepOptions {
            registry: config.join("registry.toml"),
            target: Target::Fixture {
                catalogue: fixture::default_dir(),
            },
            out,
            ledger: None,
            clock: Clock::System,
            progress: false,
            handle_interrupt: false,
            image_limits: ImageLimits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    #[error("the {0} stage stopped unexpectedly")]
    Stage(&'static str),
    #[error("cannot read {0}")]
    Io(PathBuf, #[source] std::io::Error),
}

/// Everything analysis needs, compiled once and shared.
struct Analysis {
    registry: Registry,
    site: Arc<SiteProfile>,
    text: TextMatcher,
    images: WorkIndex,
    today: jiff::civil::Date,
    limits: ImageLimits,
}

/// The analysis stage's message to the batcher.
struct Analysed {
    seen: Seen,
    verdict: Result<Candidate, NoCandidate>,
    failures: Vec<Failure>,
}

impl Analysis {
    fn analyse(&self, listing: Listing) -> Analysed {
        let text = self.text.find(&listing);
        let mut counterfeit = self.text.counterfeit_words(&listing.title);
        for w in self.text.counterfeit_words(&listing.description) {
            if !counterfeit.contains(&w) {
                counterfeit.push(w);
            }
        }
        let images = self.images.compare(&listing.images, &self.limits);
        let scorer = Scorer {
            registry: &self.registry,
            site: &self.site,
            today: self.today,
        };
        let verdict = scorer.score(&listing, &text, &images, &counterfeit);
        let mut failures = listing.image_errors.clone();
        failures.extend(images.failures);
        Analysed {
            seen: Seen::from(&listing),
            verdict,
            failures,
        }
    }
}

/// Counts kept by the batch stage.
#[derive(Default)]
struct BatchStats {
    received: usize,
    new_listings: usize,
    candidates: BTreeMap<String, usize>,
    review: usize,
    authorised: usize,
    drafted: usize,
    already: usize,
    failures: Vec<Failure>,
}

/// Runs one sweep end to end and returns its summary.
pub async fn sweep(opts: SweepOptions) -> Result<Summary, SweepError> {
    let started = Instant::now();
    let started_at = opts.clock.stamp();
    let registry = Registry::load(&opts.registry)?;
    let today = opts.clock.today();
    let expired = registry.expired(today);
    for id in &expired {
        tracing::warn!("right {id} has expired: its candidates go to review, never into a draft");
    }

    // Keep the fixture server alive for the whole sweep.
    let mut _server = None;
    let (site, seeds) = match &opts.target {
        Target::Fixture { catalogue } => {
            let server = fixture::start(catalogue).await?;
            let site = SiteProfile::fixture().with_base_url(server.base_url.clone());
            _server = Some(server);
            let seeds = site.seeds(&queries(&registry))?;
            (site, seeds)
        }
        Target::Site { profile, starts } => site_and_seeds(profile, starts.clone(), &queries(&registry))?,
    };
    let site = Arc::new(site);

    let compile = {
        let (registry, site, limits) = (registry.clone(), site.clone(), opts.image_limits.clone());
        tokio::task::spawn_blocking(move || -> Result<Analysis, SweepError> {
            let images = WorkIndex::build(&registry.works)?;
            let text = TextMatcher::for_market(&registry.marks, &site.words)?;
            Ok(Analysis {
                registry,
                site,
                text,
                images,
                today,
                limits,
            })
        })
    };
    let analysis = Arc::new(compile.await.map_err(|_| SweepError::Stage("compile"))??);

    let ledger_path = opts.ledger.clone().unwrap_or_else(|| opts.out.join("ledger.sqlite"));
    let ledger = Arc::new(Ledger::open(&ledger_path).await?);
    let digest = registry_digest(&opts.registry)?;
    let run = ledger.open_run(&started_at, &digest).await?;
    if run.resumed {
        tracing::warn!("the last sweep did not finish: carrying on from where it stopped");
    }
    let memory = Arc::new(ledger.memory(run, &digest).await?);
    let batcher = ledger.batcher(site.max_urls_per_complaint).await?;
    let log = CandidateLog::create(&opts.out)?;

    let bar = if opts.progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} listings · {msg}")
            .expect("static template"),
    );

    let (listing_tx, listing_rx) = mpsc::channel::<Listing>(64);
    let (analysed_tx, analysed_rx) = crossbeam_channel::bounded::<Analysed>(256);
    let analyser = {
        let analysis = analysis.clone();
        std::thread::Builder::new()
            .name("analyse".into())
            .spawn(move || analyse_loop(listing_rx, analysed_tx, &analysis))
            .map_err(|_| SweepError::Stage("analyse"))?
    };
    let batch = {
        let (ledger, rt, clock, bar) = (
            ledger.clone(),
            tokio::runtime::Handle::current(),
            opts.clock,
            bar.clone(),
        );
        std::thread::Builder::new()
            .name("batch".into())
            .spawn(move || batch_loop(analysed_rx, batcher, &ledger, run.id, log, &rt, clock, &bar))
            .map_err(|_| SweepError::Stage("batch"))?
    };

    let progress: Arc<dyn crawl::Progress> = Arc::new(BarProgress(bar.clone()));
    let crawling = crawl::crawl(site.clone(), seeds, listing_tx, opts.clock, progress, memory);
    let crawl_stats = if opts.handle_interrupt {
        tokio::select! {
            r = crawling => r?,
            _ = tokio::signal::ctrl_c() => {
                tracing::warn!("interrupted: finishing what was fetched");
                crawl::CrawlStats::default()
            }
        }
    } else {
        crawling.await?
    };

    ledger.save_pages(&crawl_stats.pages_seen, &opts.clock.stamp()).await?;
    let analysed = join(analyser, "analyse").await?;
    let (batch_stats, log) = join(batch, "batch").await??;
    bar.finish_and_clear();

    let drafts = ledger.drafts().await?;
    let drafts_written = report::write_drafts(&opts.out, &drafts, &registry)?;
    log.finish(&ledger.candidates().await?)?;

    let crawl_failed = crawl_stats.failures.len();
    let mut failures = crawl_stats.failures;
    failures.extend(batch_stats.failures);
    let mut stages = BTreeMap::new();
    stages.insert(
        "crawl".to_string(),
        StageCounts {
            received: crawl_stats.pages + crawl_stats.listings,
            sent: crawl_stats.listings,
            dropped: crawl_stats.duplicates,
            failed: crawl_failed,
        },
    );
    stages.insert("analyse".to_string(), analysed);
    let candidates_total: usize = batch_stats.candidates.values().sum();
    stages.insert(
        "batch".to_string(),
        StageCounts {
            received: batch_stats.received,
            sent: batch_stats.drafted,
            dropped: candidates_total - batch_stats.drafted,
            failed: 0,
        },
    );
    let summary = Summary {
        platform: site.platform.clone(),
        started_at,
        seconds: started.elapsed().as_secs_f64(),
        pages_crawled: crawl_stats.pages,
        listings_crawled: crawl_stats.listings,
        new_listings: batch_stats.new_listings,
        conditional_requests: crawl_stats.conditional,
        unchanged: crawl_stats.unchanged,
        resumed: crawl_stats.resumed,
        images_fetched: crawl_stats.images,
        candidates: batch_stats.candidates,
        review: batch_stats.review,
        authorised_skipped: batch_stats.authorised,
        urls_drafted: batch_stats.drafted,
        already_drafted: batch_stats.already,
        drafts_written,
        expired_rights: expired,
        stages,
        failures,
        out_dir: opts.out.display().to_string(),
    };
    let json = serde_json::to_string_pretty(&summary).expect("summary serialises");
    report::write_atomic(&opts.out.join("summary.json"), json.as_bytes())?;
    ledger.finish_run(run.id, &opts.clock.stamp(), &json).await?;
    // Closing checkpoints the write-ahead log into the ledger file.
    if let Ok(ledger) = Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    Ok(summary)
}

/// Every draft in the ledger at `ledger`, as the filing system receives
/// it, with the rights and holders of the registry at `registry`.
pub async fn drafts(ledger: &std::path::Path, registry: &std::path::Path) -> Result<Vec<report::Draft>, SweepError> {
    let registry = Registry::load(registry)?;
    let ledger = Ledger::open_existing(ledger).await?;
    let stored = ledger.drafts().await?;
    ledger.close().await;
    Ok(stored
        .iter()
        .map(|d| report::Draft::from_stored(d, &registry))
        .collect::<Result<_, _>>()?)
}

/// The site profile at `profile` and where to start: `starts` when given
/// (the first also naming the site's address if the profile does not),
/// else the profile's seeds for `queries`.
fn site_and_seeds(
    profile: &std::path::Path,
    starts: Vec<Url>,
    queries: &[String],
) -> Result<(SiteProfile, Vec<Url>), SweepError> {
    let mut site = SiteProfile::load(profile)?;
    if site.base_url.is_none() {
        if let Some(first) = starts.first() {
            site = site.with_base_url(first.clone());
        }
    }
    let seeds = if starts.is_empty() {
        site.seeds(queries)?
    } else {
        starts
    };
    Ok((site, seeds))
}

/// What [`crawl_only`] did.
#[derive(Debug)]
pub struct CrawlReport {
    pub stats: crawl::CrawlStats,
    /// Wall-clock seconds from the first request to the last.
    pub seconds: f64,
}

impl CrawlReport {
    /// Pages (search, browse and listing pages) fetched a second.
    pub fn pages_per_second(&self) -> f64 {
        (self.stats.pages + self.stats.listings) as f64 / self.seconds.max(1e-9)
    }
}

/// Crawls with the site profile at `profile` from `starts` (or its seeds
/// for `queries`) and hands each extracted listing to `each`, analysing
/// nothing: to check a profile against a marketplace, and to measure the
/// crawler alone.
pub async fn crawl_only(
    profile: &std::path::Path,
    starts: Vec<Url>,
    queries: &[String],
    mut each: impl FnMut(Listing),
) -> Result<CrawlReport, SweepError> {
    let (site, seeds) = site_and_seeds(profile, starts, queries)?;
    let (tx, mut rx) = mpsc::channel::<Listing>(256);
    let started = Instant::now();
    let crawling = crawl::crawl(Arc::new(site), seeds, tx, Clock::System, Arc::new(()), Arc::default());
    let draining = async {
        while let Some(listing) = rx.recv().await {
            each(listing);
        }
    };
    let (stats, ()) = tokio::join!(crawling, draining);
    Ok(CrawlReport {
        stats: stats?,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A digest of the registry file: results computed against one registry
/// stand only while it is unchanged.
fn registry_digest(path: &std::path::Path) -> Result<String, SweepError> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| SweepError::Io(path.to_path_buf(), e))?;
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

/// The search queries: each mark's text, lower-cased.
pub fn queries(registry: &Registry) -> Vec<String> {
    registry.marks.iter().map(|m| m.text.to_lowercase()).collect()
}

/// Waits for a stage's thread without blocking a tokio worker.
async fn join<T: Send + 'static>(h: std::thread::JoinHandle<T>, stage: &'static str) -> Result<T, SweepError> {
    tokio::task::spawn_blocking(move || h.join())
        .await
        .map_err(|_| SweepError::Stage(stage))?
        .map_err(|_| SweepError::Stage(stage))
}

/// Pulls listings off the crawler's channel in small chunks and analyses
/// each chunk across the rayon pool.
fn analyse_loop(
    mut rx: mpsc::Receiver<Listing>,
    tx: crossbeam_channel::Sender<Analysed>,
    analysis: &Analysis,
) -> StageCounts {
    let mut counts = StageCounts::default();
    let chunk_size = rayon::current_num_threads().max(1) * 4;
    while let Some(first) = rx.blocking_recv() {
        let mut chunk = vec![first];
        while chunk.len() < chunk_size {
            match rx.try_recv() {
                Ok(l) => chunk.push(l),
                Err(_) => break,
            }
        }
        counts.received += chunk.len();
        let results: Vec<Analysed> = chunk.into_par_iter().map(|l| analysis.analyse(l)).collect();
        for r in results {
            counts.failed += r.failures.len();
            if tx.send(r).is_err() {
                // The batcher is gone; stop taking listings so the crawl
                // sees its channel close.
                return counts;
            }
            counts.sent += 1;
        }
    }
    counts
}

/// Places candidates, commits each decision to the ledger and logs the
/// candidate.
#[allow(clippy::too_many_arguments)]
fn batch_loop(
    rx: crossbeam_channel::Receiver<Analysed>,
    mut batcher: Batcher,
    ledger: &Ledger,
    run: i64,
    mut log: CandidateLog,
    rt: &tokio::runtime::Handle,
    clock: Clock,
    bar: &ProgressBar,
) -> Result<(BatchStats, CandidateLog), SweepError> {
    let mut stats = BatchStats::default();
    for a in rx {
        stats.received += 1;
        stats.failures.extend(a.failures);
        let (candidate, placement) = match a.verdict {
            Ok(mut c) => {
                let p = batcher.place(&c);
                if let Some(why) = p.review_reason() {
                    c.disposition = Disposition::Review(why);
                }
                (Some(c), Some(p))
            }
            Err(NoCandidate::Authorised) => {
                stats.authorised += 1;
                (None, None)
            }
            Err(_) => (None, None),
        };
        if rt.block_on(ledger.record(run, &a.seen, candidate.as_ref(), placement.as_ref(), &clock.stamp()))? {
            stats.new_listings += 1;
        }
        if let Some(c) = &candidate {
            log.append(c)?;
            *stats.candidates.entry(c.right_kind.to_string()).or_default() += 1;
        }
        match placement {
            Some(Placement::Added { .. }) => stats.drafted += 1,
            Some(Placement::Skipped(Skip::AlreadyPlaced | Skip::InNotice(_))) => stats.already += 1,
            Some(Placement::Skipped(Skip::Review(_) | Skip::Held(_))) => stats.review += 1,
            Some(Placement::Skipped(Skip::MalformedUrl(u))) => stats.failures.push(Failure {
                url: u,
                reason: "malformed canonical URL: not drafted".into(),
            }),
            None => {}
        }
        bar.inc(1);
        bar.set_message(format!("{} drafted", stats.drafted));
    }
    Ok((stats, log))
}

struct BarProgress(ProgressBar);

impl crawl::Progress for BarProgress {
    fn discovered(&self, listings: usize) {
        self.0.set_length(listings as u64);
    }
}
