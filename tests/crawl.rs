//! The crawler against a misbehaving marketplace on loopback: duplicate
//! links, a 503 that clears, a 429 that does not, a redirect to a metadata
//! address and one to another host, an oversized page, a page with no
//! title, a body cut off mid-way (the connection dropped), a body that
//! trickles slower than the timeout, an endless body, binary garbage, HTML
//! nested thousands deep, a 20,000×20,000 PNG, and a robots.txt with a
//! Disallow and a Crawl-delay. The server records every request it gets.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use knockoff::clock::Clock;
use knockoff::config::site::FIXTURE_PROFILE_TOML;
use knockoff::config::SiteProfile;
use knockoff::crawl::crawl;
use tokio::sync::mpsc;
use url::Url;

#[derive(Default)]
struct Hits {
    by_path: Mutex<HashMap<String, usize>>,
    /// When each request arrived.
    times: Mutex<Vec<std::time::Instant>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Hits {
    fn count(&self, path: &str) -> usize {
        self.times.lock().unwrap().push(std::time::Instant::now());
        let mut m = self.by_path.lock().unwrap();
        let n = m.entry(path.to_string()).or_default();
        *n += 1;
        *n
    }

    fn get(&self, path: &str) -> usize {
        self.by_path.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn listing_page(id: &str) -> String {
    format!(
        r#"<html><body><h1 class="title">Listing {id}</h1><div class="description">Plain goods</div>
        <a class="seller">Shop {id}</a><span class="category">Home</span>
        <div class="gallery"><img src="/img/{id}.jpg"></div></body></html>"#
    )
}

/// The start of a PNG that claims 20,000 × 20,000 pixels: small on the
/// wire, 1.6 GB once decoded.
fn huge_png_header() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

const CRAWL_DELAY: Duration = Duration::from_millis(150);

async fn robots(State(hits): State<Arc<Hits>>) -> &'static str {
    hits.count("/robots.txt");
    "User-agent: *\nDisallow: /item/8.html\nCrawl-delay: 0.15\n"
}

async fn search(State(hits): State<Arc<Hits>>) -> impl IntoResponse {
    hits.count("/search");
    let links = [
        "/item/1.html?spm=a.b&algo_pvid=1",
        "/i/1?ref=browse",
        "/item/1.html#reviews",
        "/item/2.html",
        "/item/3.html",
        "/item/4.html",
        "/item/5.html",
        "/item/6.html",
        "/item/7.html",
        "/item/8.html",
        "/item/9.html",
        "/item/10.html",
        "/item/11.html",
        "/item/12.html",
        "/item/13.html",
        "/item/14.html",
        "/item/15.html",
    ];
    let body: String = links
        .iter()
        .map(|l| format!(r#"<a class="listing-link" href="{l}">x</a>"#))
        .collect();
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!("<html><body>{body}</body></html>"),
    )
}

async fn item(State(hits): State<Arc<Hits>>, Path(file): Path<String>) -> Response {
    let id = file.trim_end_matches(".html").to_string();
    let n = hits.count(&format!("/item/{file}"));
    let now = hits.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    hits.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(40)).await;
    hits.in_flight.fetch_sub(1, Ordering::SeqCst);
    match id.as_str() {
        "2" if n <= 2 => (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "0")], "busy").into_response(),
        "3" => (
            StatusCode::FOUND,
            [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")],
            "",
        )
            .into_response(),
        "4" => "x".repeat(300_000).into_response(),
        "5" => (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "0")], "slow down").into_response(),
        "6" => "<html><body><p>layout changed</p></body></html>".into_response(),
        // Half a page, then the connection drops.
        "9" => {
            let parts: Vec<Result<&'static str, std::io::Error>> = vec![
                Ok("<html><body><h1 class=\"title\">Listing 9"),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")),
            ];
            Body::from_stream(futures_util::stream::iter(parts)).into_response()
        }
        // A byte at a time, slower than the request timeout allows.
        "10" => {
            let trickle = futures_util::stream::unfold(0, |n| async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                (n < 20).then_some((Ok::<_, std::io::Error>("<"), n + 1))
            });
            Body::from_stream(trickle).into_response()
        }
        // A body that never ends.
        "11" => {
            let endless = futures_util::stream::repeat_with(|| Ok::<_, std::io::Error>("<p>more</p>".repeat(100)));
            Body::from_stream(endless).into_response()
        }
        "12" => (0..5_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>()
            .into_response(),
        "13" => {
            let depth = 8_000;
            let html = format!(
                "<html><body>{}<h1 class=\"title\">Listing 13</h1>{}</body></html>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            );
            ([(header::CONTENT_TYPE, "text/html")], html).into_response()
        }
        "15" => (
            StatusCode::FOUND,
            [(header::LOCATION, "http://elsewhere.example/item/15.html")],
            "",
        )
            .into_response(),
        _ => ([(header::CONTENT_TYPE, "text/html")], listing_page(&id)).into_response(),
    }
}

async fn item_alias(State(hits): State<Arc<Hits>>, Path(id): Path<String>) -> Response {
    item(State(hits), Path(format!("{id}.html"))).await
}

async fn image(State(hits): State<Arc<Hits>>, Path(file): Path<String>) -> Response {
    hits.count(&format!("/img/{file}"));
    if file == "7.jpg" {
        return vec![0u8; 600_000].into_response();
    }
    if file == "14.jpg" {
        return huge_png_header().into_response();
    }
    vec![0xffu8, 0xd8, 0xff, 0xe0].into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawler_survives_a_misbehaving_marketplace() {
    let hits = Arc::new(Hits::default());
    let app = Router::new()
        .route("/robots.txt", get(robots))
        .route("/search", get(search))
        .route("/item/{file}", get(item))
        .route("/i/{id}", get(item_alias))
        .route("/img/{file}", get(image))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let profile = FIXTURE_PROFILE_TOML
        .replace("concurrency = 8", "concurrency = 2")
        .replace("max_page_bytes = 2_000_000", "max_page_bytes = 100_000")
        .replace("max_image_bytes = 8_000_000", "max_image_bytes = 500_000")
        .replace("backoff_ms = 100", "backoff_ms = 5")
        .replace("request_timeout_secs = 20", "request_timeout_secs = 1.5");
    let site = SiteProfile::parse(&profile, "test.toml").unwrap();
    let base = Url::parse(&format!("http://{addr}/")).unwrap();
    let site = Arc::new(site.with_base_url(base.clone()));
    let seeds = vec![base.join("/search").unwrap()];

    let (tx, mut rx) = mpsc::channel(4);
    let collect = tokio::spawn(async move {
        let mut got = Vec::new();
        while let Some(l) = rx.recv().await {
            got.push(l);
        }
        got
    });
    let stats = crawl(site, seeds, tx, Clock::System, Arc::new(()), Arc::default())
        .await
        .unwrap();
    let mut listings = collect.await.unwrap();
    listings.sort_by(|a, b| a.item_id.cmp(&b.item_id));

    // Listing 1 is reached by three links but fetched once.
    let ids: Vec<_> = listings.iter().map(|l| l.item_id.as_str()).collect();
    assert_eq!(ids, ["1", "13", "14", "2", "7"], "{:#?}", stats.failures);
    assert_eq!(hits.get("/item/1.html"), 1);
    assert!(stats.duplicates >= 2);
    assert_eq!(listings[0].canonical, "https://fixture-market.test/item/1.html");
    assert_eq!(listings[0].title, "Listing 1");
    assert_eq!(listings[0].images.len(), 1);
    // The 503 cleared on the third try.
    assert_eq!(hits.get("/item/2.html"), 3);
    // The image over the limit is reported on its listing, the listing kept.
    let by_id = |id: &str| listings.iter().find(|l| l.item_id == id).unwrap();
    assert_eq!(by_id("7").images.len(), 0);
    assert!(
        by_id("7").image_errors[0].reason.contains("limit"),
        "{:?}",
        by_id("7").image_errors
    );
    // HTML nested 8,000 deep still yields its title.
    assert_eq!(by_id("13").title, "Listing 13");
    // The decompression bomb is small on the wire: fetched, then refused
    // from its header before any pixel is decoded.
    let bomb = &by_id("14").images[0].bytes;
    let err = knockoff::image::hash_bytes(bomb, &knockoff::image::ImageLimits::default()).unwrap_err();
    assert!(err.to_string().contains("20000"), "{err}");

    let reason = |id: &str| {
        stats
            .failures
            .iter()
            .find(|f| f.url.contains(&format!("/item/{id}.html")))
            .map(|f| f.reason.clone())
            .unwrap_or_else(|| panic!("no failure recorded for {id}: {:?}", stats.failures))
    };
    assert!(reason("3").contains("169.254.169.254"), "{}", reason("3"));
    assert!(reason("4").contains("limit"), "{}", reason("4"));
    assert!(reason("5").contains("429"), "{}", reason("5"));
    assert!(reason("6").contains("no title"), "{}", reason("6"));
    assert!(reason("8").contains("robots.txt"), "{}", reason("8"));
    for id in ["9", "10"] {
        assert!(
            reason(id).contains("error") || reason(id).contains("timed out"),
            "{id}: {}",
            reason(id)
        );
    }
    assert!(reason("11").contains("limit"), "{}", reason("11"));
    assert!(reason("12").contains("no title"), "{}", reason("12"));
    assert!(reason("15").contains("elsewhere.example"), "{}", reason("15"));
    // Nothing was asked of another host or a refused address: this server
    // saw every request, and only for its own paths.
    assert!(hits.by_path.lock().unwrap().keys().all(|p| p.starts_with('/')));
    assert_eq!(hits.get("/item/8.html"), 0, "fetched a page robots.txt disallows");
    assert_eq!(hits.get("/robots.txt"), 1);
    // Retries are bounded: first try plus three.
    assert_eq!(hits.get("/item/5.html"), 4);
    assert!(hits.max_in_flight.load(Ordering::SeqCst) <= 2, "per-host limit broken");
    // Crawl-delay spaces the requests that follow robots.txt (a little
    // slack for the server's own scheduling, never early by more).
    let times = hits.times.lock().unwrap();
    for pair in times[1..].windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= CRAWL_DELAY - Duration::from_millis(20), "requests {gap:?} apart");
    }
}
