//! The `knockoff` command line: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use knockoff::config::default_config_dir;
use knockoff::fixture;
use knockoff::pipeline::{self, SweepOptions, Target};
use url::Url;

/// Finds marketplace listings that infringe your trademarks, copyrighted
/// images and registered designs, and packs them into complaint drafts.
///
/// Start with `knockoff sweep`: it serves the built-in fixture marketplace
/// on a loopback port, crawls it with the registry in config/, and writes
/// drafts to out/.
#[derive(Parser)]
#[command(name = "knockoff", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Crawl a marketplace and write complaint drafts.
    ///
    /// With no --site, sweeps the built-in fixture marketplace. Results go
    /// to --out: drafts/*.json (one complaint each), candidates.ndjson,
    /// summary.json and the ledger (ledger.sqlite), which remembers what
    /// was drafted so a later sweep adds only what is new.
    ///
    /// Exit status: 0 when everything was crawled, 3 when the sweep
    /// finished but some pages or images failed (listed in summary.json),
    /// 1 on an error that stopped it.
    Sweep(SweepArgs),
    /// Serve a fixture catalogue over HTTP, to crawl it by hand.
    ServeFixtures {
        /// The catalogue directory (catalogue.json, truth.jsonl, stock/).
        #[arg(long)]
        catalogue: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// Crawl only: fetch and extract listings with a site profile, judge
    /// nothing.
    ///
    /// Prints each listing found as one JSON line (URL, canonical URL, item
    /// id, title, seller, category, price, image URLs) and, on stderr, the
    /// pages fetched, the failures and the rate. To check a new profile
    /// against a marketplace before sweeping it, and to measure the
    /// crawler alone.
    Crawl {
        /// The site profile (config/sites/NAME.toml).
        #[arg(long, value_name = "PATH")]
        site: PathBuf,
        /// Start URL(s), instead of the profile's seeds. Repeatable.
        #[arg(long = "start", value_name = "URL")]
        starts: Vec<Url>,
        /// The registry whose marks the profile's search seeds ask for.
        #[arg(long, value_name = "PATH")]
        registry: Option<PathBuf>,
        /// Print nothing per listing, only the totals.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Complaint drafts in the ledger: list them, show one, export one, send
    /// them to a filing system.
    #[command(subcommand)]
    Drafts(DraftsCommand),
    /// The life of filed complaints: record a filing, feed the platform's
    /// outcomes, see where every URL stands.
    ///
    /// A URL goes drafted → filed → active → removed / rejected / appealed
    /// (at most three appeals) / reinstated → closed. A URL that has been in
    /// a complaint is never drafted again by a sweep: while the complaint is
    /// open the platform has it, and after (taken down and listed again,
    /// rejected, reinstated on appeal) it goes to review for a person.
    #[command(subcommand)]
    Notices(NoticesCommand),
    /// Work with the fixture catalogue.
    #[command(subcommand)]
    Fixtures(FixturesCommand),
    /// Measure results against ground truth.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand)]
enum DraftsCommand {
    /// One line per draft: id, status, URLs, right, platform reference,
    /// last change.
    List(LedgerArgs),
    /// A draft as the filing system receives it (JSON).
    Show {
        /// The draft's id (as `drafts list` prints it).
        id: String,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// A draft for a filing system: JSON, CSV for bulk upload, or one URL a
    /// line for a form that takes pasted URLs.
    Export {
        id: String,
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Write here instead of stdout (atomically).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Hand drafts to a filing system: a spool directory, stdout, or an
    /// HTTP endpoint.
    ///
    /// Sends every draft not sent yet (or those named with --draft). Each
    /// is frozen first: it takes no more URLs, so what is sent, and its
    /// idempotency key, stay the same however often sending is retried. It
    /// is marked sent once the filing system has it; a sending that was
    /// killed sends it again next time, with the same key. The HTTP sink
    /// retries timeouts, 408, 429 and 5xx with back-off and gives up on
    /// other answers. Exit status 3 when some drafts could not be sent.
    Send {
        #[command(flatten)]
        to: SendTo,
        /// Send this draft (again, if it was sent). Repeatable.
        #[arg(long = "draft", value_name = "ID")]
        drafts: Vec<String>,
        /// Name of an environment variable holding a bearer token for the
        /// endpoint (kept out of the command line and the process list).
        #[arg(long, value_name = "VAR")]
        token_env: Option<String>,
        /// Attempts after the first, per draft.
        #[arg(long, default_value_t = 5)]
        retries: u32,
        /// Seconds allowed for one attempt.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// Milliseconds before the first retry; doubles each time.
        #[arg(long, default_value_t = 500)]
        backoff_ms: u64,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
}

#[derive(Subcommand)]
enum NoticesCommand {
    /// Record that a draft was filed on the platform, under the platform's
    /// reference for the complaint. The draft takes no more URLs.
    MarkFiled {
        /// The draft's id (as `drafts list` prints it).
        draft: String,
        /// The platform's reference for the complaint.
        #[arg(long = "ref", value_name = "PLATFORM_REF")]
        platform_ref: String,
        #[command(flatten)]
        ledger: LedgerPath,
    },
    /// Apply a file of platform outcomes.
    ///
    /// CSV with a header row, a JSON array or JSON lines; each row names a
    /// `url`, or a whole complaint by `ref` (the platform's reference) or
    /// `draft`, and its `outcome`: active, removed, rejected, appealed,
    /// reinstated or closed; optionally `at` (RFC 3339) and `note`. Each
    /// row is applied in one transaction, and once: the same file (or a
    /// longer export with the same rows) can be fed again. Give `at` to
    /// tell two appeals of one URL apart. A row the rules refuse is named
    /// with why, the others still apply, and the exit status is 3.
    Update {
        /// The outcomes file.
        file: PathBuf,
        #[command(flatten)]
        ledger: LedgerPath,
    },
    /// Tables: URLs by state, by right and state, and the sellers named in
    /// filed complaints (repeat sellers marked).
    Status {
        /// How many sellers to list.
        #[arg(long, default_value_t = 20)]
        sellers: usize,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        ledger: LedgerPath,
    },
}

#[derive(Args)]
struct LedgerPath {
    /// The ledger a sweep wrote.
    #[arg(long, value_name = "PATH", default_value = "out/ledger.sqlite")]
    ledger: PathBuf,
}

impl LedgerPath {
    async fn open(&self) -> Result<knockoff::ledger::Ledger> {
        Ok(knockoff::ledger::Ledger::open_existing(&self.ledger).await?)
    }
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct SendTo {
    /// Write each draft as DIR/<id>.json, atomically (a temporary file
    /// renamed into place: a watcher should skip *.tmp).
    #[arg(long, value_name = "DIR")]
    spool: Option<PathBuf>,
    /// Print each draft as one JSON line on stdout.
    #[arg(long)]
    stdout: bool,
    /// POST each draft (JSON) to this endpoint with an Idempotency-Key
    /// header; 2xx is filed, 409 already filed.
    #[arg(long, value_name = "URL")]
    post: Option<Url>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Json,
    Csv,
    Urls,
}

#[derive(Args)]
struct LedgerArgs {
    /// The ledger a sweep wrote.
    #[arg(long, value_name = "PATH", default_value = "out/ledger.sqlite")]
    ledger: PathBuf,
    /// The registry the drafts' rights and holders come from.
    #[arg(long, value_name = "PATH")]
    registry: Option<PathBuf>,
}

impl LedgerArgs {
    fn registry(&self) -> PathBuf {
        self.registry
            .clone()
            .unwrap_or_else(|| default_config_dir().join("registry.toml"))
    }

    async fn drafts(&self) -> Result<Vec<knockoff::report::Draft>> {
        Ok(pipeline::drafts(&self.ledger, &self.registry()).await?)
    }

    async fn draft(&self, id: &str) -> Result<knockoff::report::Draft> {
        let all = self.drafts().await?;
        let known: Vec<&str> = all.iter().map(|d| d.id.as_str()).take(5).collect();
        all.iter().find(|d| d.id == id).cloned().with_context(|| {
            format!(
                "no draft {id} in {} (some there: {})",
                self.ledger.display(),
                known.join(", ")
            )
        })
    }
}

#[derive(Args)]
struct SweepArgs {
    /// The registry of rights (marks, works, designs).
    #[arg(long, value_name = "PATH")]
    registry: Option<PathBuf>,
    /// A site profile (config/sites/NAME.toml) for a real marketplace.
    #[arg(long, value_name = "PATH")]
    site: Option<PathBuf>,
    /// Start URL(s), instead of the profile's seeds. Repeatable.
    #[arg(long = "start", value_name = "URL", requires = "site")]
    starts: Vec<Url>,
    /// The fixture catalogue to serve when no --site is given.
    #[arg(long, value_name = "DIR", conflicts_with = "site")]
    catalogue: Option<PathBuf>,
    /// Where drafts, candidates and the summary go.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// The ledger file [default: OUT/ledger.sqlite].
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Subcommand)]
enum FixturesCommand {
    /// Regenerate the fixture catalogue and its ground truth.
    Generate {
        #[arg(long, default_value_t = fixture::SEED)]
        seed: u64,
        #[arg(long, default_value_t = fixture::COUNT)]
        count: usize,
        /// Output directory [default: the shipped catalogue].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "PATH")]
        registry: Option<PathBuf>,
    },
    /// Render a labelled image set from the catalogue (for `eval images`):
    /// every copied work as its listing shows it, clean listings'
    /// pictures, and what the catalogue does not sell: every work turned
    /// (and turned then cropped or pasted), pasted small onto stock
    /// photos, turned and small stock photos, and look-alikes.
    Images {
        /// Where the pictures and labels.jsonl go.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// At most this many clean (unregistered) pictures.
        #[arg(long, default_value_t = 1000)]
        clean: usize,
        /// The catalogue directory (default: the built-in fixture
        /// marketplace).
        #[arg(long, value_name = "DIR")]
        catalogue: Option<PathBuf>,
    },
    /// Draw flat artwork (logos of a few flat colours on white) and render
    /// a labelled set of it with its own registry: 8 registered drawings
    /// under 13 edits each and printed on T-shirts, 27 look-alikes as is,
    /// turned, on a background and on T-shirts, and plain T-shirts. Score
    /// it with `knockoff eval images DIR --registry DIR/registry.toml`.
    Artwork {
        /// Where the drawings, registry.toml, pictures and labels.jsonl go.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The catalogue directory whose stock photos serve as
        /// backgrounds (default: the built-in fixture marketplace).
        #[arg(long, value_name = "DIR")]
        catalogue: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Precision and recall of a sweep's drafted candidates per kind of
    /// right, against the fixture catalogue's ground truth.
    Sweep {
        /// The sweep's output directory (reads candidates.ndjson).
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// The catalogue directory whose truth.jsonl to use.
        #[arg(long, value_name = "DIR")]
        catalogue: Option<PathBuf>,
    },
    /// Recall per edit and false positives of the image comparator on a
    /// labelled image set (a directory with labels.jsonl: file; work, by
    /// id, title or image file name, or null or "none" for an unregistered
    /// picture; edits, optional), e.g. one written by `knockoff fixtures
    /// images`, or by `knockoff fixtures artwork` with `--registry
    /// DIR/registry.toml`.
    Images {
        dir: PathBuf,
        /// The registry whose works to look for [default: config/registry.toml].
        #[arg(long, value_name = "PATH")]
        registry: Option<PathBuf>,
    },
    /// Recall per disguise and false positives of the text matcher and
    /// scorer on a labelled file of titles (JSONL: text; mark, by id or as
    /// registered, or null or "none" for a title that must not be flagged;
    /// kind; optional category); lists the titles missed, with what became
    /// of each, and those wrongly flagged, with the words matched. Without
    /// a category, the goods the title names decide whether a mark that is
    /// an ordinary word is used for its goods.
    Text {
        /// The labelled titles [default: the fixture catalogue's titles.jsonl].
        file: Option<PathBuf>,
        /// The registry whose marks the titles' labels name [default:
        /// config/registry.toml].
        #[arg(long, value_name = "PATH")]
        registry: Option<PathBuf>,
        /// The marketplace's profile: its categories' Nice classes decide
        /// whether a mark names goods of its classes, and its word lists
        /// (`words`) join the English one [default: the fixture
        /// marketplace's].
        #[arg(long, value_name = "PATH")]
        site: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "knockoff=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    match cli.command {
        Command::Sweep(a) => rt.block_on(sweep(a)),
        Command::ServeFixtures { catalogue, addr } => rt.block_on(async {
            let dir = catalogue.unwrap_or_else(fixture::default_dir);
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            eprintln!(
                "serving {} on http://{}/ (Ctrl-C stops)",
                dir.display(),
                listener.local_addr()?
            );
            tokio::select! {
                r = fixture::serve(listener, dir) => r?,
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Crawl {
            site,
            starts,
            registry,
            quiet,
        } => rt.block_on(crawl(&site, starts, registry, quiet)),
        Command::Drafts(cmd) => rt.block_on(drafts(cmd)),
        Command::Notices(cmd) => rt.block_on(notices(cmd)),
        Command::Fixtures(FixturesCommand::Generate {
            seed,
            count,
            out,
            registry,
        }) => {
            let registry = registry.unwrap_or_else(|| default_config_dir().join("registry.toml"));
            let registry = knockoff::config::Registry::load(&registry)?;
            let out = out.unwrap_or_else(fixture::default_dir);
            let generated = fixture::generate(&registry, seed, count);
            fixture::write(&out, &generated)?;
            let titles = knockoff::eval::text::labelled_from_catalogue(&generated.catalogue, &generated.truth);
            knockoff::report::write_atomic(
                &out.join("titles.jsonl"),
                knockoff::eval::text::to_jsonl(&titles).as_bytes(),
            )?;
            eprintln!(
                "wrote {count} listings and {} labelled titles to {}",
                titles.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Sweep { out, catalogue }) => {
            let dir = catalogue.unwrap_or_else(fixture::default_dir);
            let truth = fixture::load_truth(&dir)?;
            let candidates: Vec<knockoff::model::Candidate> = read_jsonl(&out.join("candidates.ndjson"))?;
            print!("{}", knockoff::eval::evaluate(&truth, &candidates).render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Fixtures(FixturesCommand::Images { out, clean, catalogue }) => {
            let dir = catalogue.unwrap_or_else(fixture::default_dir);
            let set = knockoff::eval::images::labelled_from_catalogue(
                &fixture::load_catalogue(&dir)?,
                &fixture::load_truth(&dir)?,
                clean,
            );
            knockoff::eval::images::write_labelled(&dir, &out, &set)?;
            eprintln!("wrote {} labelled pictures to {}", set.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Fixtures(FixturesCommand::Artwork { out, catalogue }) => {
            let dir = catalogue.unwrap_or_else(fixture::default_dir);
            let set = knockoff::eval::images::write_artwork_set(&dir, &out)?;
            eprintln!(
                "wrote {} labelled pictures to {}; score them with `knockoff eval images {} --registry {}`",
                set.len(),
                out.display(),
                out.display(),
                out.join("registry.toml").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Images { dir, registry }) => {
            let registry = registry.unwrap_or_else(|| default_config_dir().join("registry.toml"));
            let registry = knockoff::config::Registry::load(&registry)?;
            let mut labels: Vec<knockoff::eval::images::LabelledImage> = read_jsonl(&dir.join("labels.jsonl"))?;
            let unknown = knockoff::eval::images::resolve_works(&mut labels, &registry);
            let index = knockoff::image::WorkIndex::build(&registry.works)?;
            let limits = knockoff::image::ImageLimits::default();
            let mut e = knockoff::eval::images::evaluate_images(&dir, &labels, &index, &limits);
            e.unknown_labels = unknown;
            print!("{}", e.render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Text { file, registry, site }) => {
            let registry = registry.unwrap_or_else(|| default_config_dir().join("registry.toml"));
            let registry = knockoff::config::Registry::load(&registry)?;
            let file = file.unwrap_or_else(|| fixture::default_dir().join("titles.jsonl"));
            let lines = read_jsonl(&file)?;
            let site = match site {
                Some(path) => knockoff::config::SiteProfile::load(&path)?,
                None => knockoff::config::SiteProfile::fixture(),
            };
            let matcher = knockoff::text::TextMatcher::for_market(&registry.marks, &site.words)?;
            let today = knockoff::clock::Clock::System.today();
            let e = knockoff::eval::text::evaluate_text(&lines, &registry, &site, &matcher, today);
            print!("{}", e.render());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads a JSON-lines file; an error names the file and the line.
fn read_jsonl<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}", path.display(), i + 1)))
        .collect()
}

async fn sweep(a: SweepArgs) -> Result<ExitCode> {
    let mut opts = SweepOptions::fixture(a.out);
    if let Some(r) = a.registry {
        opts.registry = r;
    }
    opts.target = match (a.site, a.catalogue) {
        (Some(profile), _) => Target::Site {
            profile,
            starts: a.starts,
        },
        (None, Some(catalogue)) => Target::Fixture { catalogue },
        (None, None) => opts.target,
    };
    opts.ledger = a.ledger;
    opts.progress = !a.quiet && std::io::stderr().is_terminal();
    opts.handle_interrupt = true;
    let summary = pipeline::sweep(opts).await?;
    eprint!("{}", summary.render());
    Ok(if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

async fn crawl(site: &std::path::Path, starts: Vec<Url>, registry: Option<PathBuf>, quiet: bool) -> Result<ExitCode> {
    let registry = registry.unwrap_or_else(|| default_config_dir().join("registry.toml"));
    let queries = pipeline::queries(&knockoff::config::Registry::load(&registry)?);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written: std::io::Result<()> = Ok(());
    let report = pipeline::crawl_only(site, starts, &queries, |l| {
        if quiet || written.is_err() {
            return;
        }
        let line = serde_json::json!({
            "url": l.url,
            "canonical": l.canonical,
            "item_id": l.item_id,
            "title": l.title,
            "seller": l.seller,
            "category": l.category,
            "price": l.price,
            "images": l.images.iter().map(|i| &i.url).collect::<Vec<_>>(),
        });
        written = writeln!(out, "{line}");
    })
    .await?;
    written
        .and_then(|()| out.flush())
        .context("writing listings to stdout")?;
    let s = &report.stats;
    eprintln!(
        "{} listings and {} other pages in {:.2}s ({:.0} pages/s), {} images, {} duplicate links, {} failures",
        s.listings,
        s.pages,
        report.seconds,
        report.pages_per_second(),
        s.images,
        s.duplicates,
        s.failures.len()
    );
    for f in s.failures.iter().take(10) {
        eprintln!("  {}: {}", f.url, f.reason);
    }
    Ok(if s.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

async fn drafts(cmd: DraftsCommand) -> Result<ExitCode> {
    match cmd {
        DraftsCommand::List(ledger) => {
            let all = ledger.drafts().await?;
            println!(
                "{:<58} {:<9} {:>5}  {:<22} {:<14} UPDATED",
                "ID", "STATUS", "URLS", "RIGHT", "REF"
            );
            for d in &all {
                println!(
                    "{:<58} {:<9} {:>5}  {:<22} {:<14} {}",
                    d.id,
                    d.status,
                    d.url_count,
                    d.right.id,
                    d.platform_ref.as_deref().unwrap_or("-"),
                    d.updated_at
                );
            }
            eprintln!("{} drafts", all.len());
        }
        DraftsCommand::Show { id, ledger } => {
            let d = ledger.draft(&id).await?;
            println!("{}", serde_json::to_string_pretty(&d)?);
        }
        DraftsCommand::Export {
            id,
            format,
            out,
            ledger,
        } => {
            let d = ledger.draft(&id).await?;
            let text = match format {
                ExportFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
                ExportFormat::Csv => d.csv(),
                ExportFormat::Urls => d.urls(),
            };
            match out {
                Some(path) => knockoff::report::write_atomic(&path, text.as_bytes())?,
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
        DraftsCommand::Send {
            to,
            drafts,
            token_env,
            retries,
            timeout,
            backoff_ms,
            ledger,
        } => {
            use knockoff::filing::{self, HttpOptions, HttpSink, Sink};
            let mut sink = match (to.spool, to.post) {
                (Some(dir), _) => Sink::Spool(dir),
                (None, Some(url)) => {
                    let token = match token_env {
                        Some(var) => {
                            Some(std::env::var(&var).with_context(|| format!("reading the token from ${var}"))?)
                        }
                        None => None,
                    };
                    if !(timeout > 0.0 && timeout.is_finite()) {
                        anyhow::bail!("--timeout must be a positive number of seconds, not {timeout}");
                    }
                    Sink::Http(HttpSink::new(HttpOptions {
                        token,
                        retries,
                        timeout: std::time::Duration::from_secs_f64(timeout),
                        backoff: std::time::Duration::from_millis(backoff_ms),
                        ..HttpOptions::new(url)
                    })?)
                }
                (None, None) => Sink::Lines(Box::new(std::io::stdout())),
            };
            let registry = ledger.registry();
            let registry = knockoff::config::Registry::load(&registry)?;
            let l = knockoff::ledger::Ledger::open_existing(&ledger.ledger).await?;
            let sent = filing::send(&l, &registry, &mut sink, &drafts, knockoff::clock::Clock::System).await;
            l.close().await;
            let sent = sent?;
            let mut failed = 0;
            for s in &sent {
                match &s.result {
                    Ok((urls, d)) => eprintln!("sent {} ({urls} URLs) to {}: {d:?}", s.draft, sink.describe()),
                    Err(e) => {
                        failed += 1;
                        eprintln!("error: {e}");
                    }
                }
            }
            eprintln!("{} drafts sent, {failed} failed", sent.len() - failed);
            if failed > 0 {
                return Ok(ExitCode::from(3));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn notices(cmd: NoticesCommand) -> Result<ExitCode> {
    let clock = knockoff::clock::Clock::System;
    match cmd {
        NoticesCommand::MarkFiled {
            draft,
            platform_ref,
            ledger,
        } => {
            let l = ledger.open().await?;
            let filed = l.mark_filed(&draft, &platform_ref, &clock.stamp()).await;
            l.close().await;
            match filed? {
                knockoff::ledger::Filed::Now(n) => eprintln!("draft {draft} filed as {platform_ref}: {n} URLs"),
                knockoff::ledger::Filed::Already => eprintln!("draft {draft} was filed as {platform_ref} already"),
            }
        }
        NoticesCommand::Update { file, ledger } => {
            use knockoff::ledger::Applied;
            let rows = knockoff::notices::read_outcomes(&file)?;
            let l = ledger.open().await?;
            let (mut moved, mut applied, mut unchanged, mut seen, mut refused) = (0, 0, 0, 0, 0);
            for row in &rows {
                let result = match row {
                    Ok(o) => l.apply(o, &clock.stamp()).await.map_err(anyhow::Error::from),
                    Err(e) => Err(anyhow::anyhow!("{e}")),
                };
                match result {
                    Ok(Applied::Moved(n)) => {
                        applied += 1;
                        moved += n;
                    }
                    Ok(Applied::Unchanged) => unchanged += 1,
                    Ok(Applied::Seen) => seen += 1,
                    Err(e) => {
                        refused += 1;
                        eprintln!("refused: {e:#}");
                    }
                }
            }
            l.close().await;
            eprintln!(
                "{} rows: {applied} applied ({moved} URLs moved), {unchanged} changed nothing, {seen} applied before, {refused} refused",
                rows.len()
            );
            if refused > 0 {
                return Ok(ExitCode::from(3));
            }
        }
        NoticesCommand::Status { sellers, json, ledger } => {
            let l = ledger.open().await?;
            let status = l.status().await;
            l.close().await;
            let status = status?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                print!("{}", status.render(sellers));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
