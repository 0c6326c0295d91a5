//! `knockoff drafts send` against a local filing system that fails, times
//! out and answers twice: every draft is filed exactly once, with one
//! idempotency key however often it is retried; a refusal is not retried; a
//! draft that could not be sent is sent by the next run with the same key;
//! a draft sent is never sent again unasked. And the spool and stdout sinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use knockoff::batch::Placement;
use knockoff::ledger::{Ledger, Seen};
use knockoff::model::{Candidate, Disposition, Evidence, RightKind, TextField, TextMatch, VariantKind};
use knockoff::report::Draft;

mod common;
use common::{draft_schema, kill_points, knockoff, valid_draft};

/// What the filing system saw.
#[derive(Default)]
struct Filer {
    /// Every request: (endpoint, idempotency key, draft id, authorization).
    requests: Vec<(String, String, String, Option<String>)>,
    /// Drafts filed, by idempotency key.
    filed: BTreeMap<String, u32>,
    /// Keys in the order first seen.
    order: Vec<String>,
}

async fn file(
    State(filer): State<Arc<Mutex<Filer>>>,
    UrlPath(endpoint): UrlPath<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let draft: Draft = serde_json::from_str(&body).expect("the body is a draft");
    let key = headers["idempotency-key"].to_str().unwrap().to_string();
    assert_eq!(key, draft.idempotency_key, "the header carries the draft's key");
    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
    let (attempt, index, filed) = {
        let mut f = filer.lock().unwrap();
        f.requests.push((endpoint.clone(), key.clone(), draft.id.clone(), auth));
        if !f.order.contains(&key) {
            f.order.push(key.clone());
        }
        let attempt = f.requests.iter().filter(|r| r.0 == endpoint && r.1 == key).count();
        let index = f.order.iter().position(|k| *k == key).unwrap();
        (attempt, index, f.filed.contains_key(&key))
    };
    match endpoint.as_str() {
        "refuse" => (StatusCode::BAD_REQUEST, "the complaint type is not accepted".into()),
        "down" => (StatusCode::SERVICE_UNAVAILABLE, "maintenance".into()),
        "slow" => {
            // Files each key once, and answers only after a while: a sender
            // killed meanwhile never hears that it was filed.
            if !filed {
                *filer.lock().unwrap().filed.entry(key).or_default() += 1;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            (StatusCode::CREATED, "{\"status\": \"filed\"}".into())
        }
        _ if filed => {
            // The same draft again: a filing system that honours the key
            // answers as before, or with 409.
            if index % 2 == 0 {
                (StatusCode::OK, "{\"status\": \"duplicate\"}".into())
            } else {
                (StatusCode::CONFLICT, "already filed".into())
            }
        }
        _ if attempt == 1 => (StatusCode::INTERNAL_SERVER_ERROR, "try again".into()),
        _ => {
            // Filed, but the answer comes after the client has stopped
            // waiting: it will ask again.
            *filer.lock().unwrap().filed.entry(key).or_default() += 1;
            tokio::time::sleep(Duration::from_secs(2)).await;
            (StatusCode::CREATED, "{\"status\": \"filed\"}".into())
        }
    }
}

/// The filing system on a loopback port; returns what it saw and its base
/// URL.
async fn start_filer() -> (Arc<Mutex<Filer>>, String) {
    let filer = Arc::new(Mutex::new(Filer::default()));
    let app = Router::new().route("/{endpoint}", post(file)).with_state(filer.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (filer, base)
}

fn candidate(i: u32, right: &str, holder: &str) -> Candidate {
    Candidate {
        url: format!("https://fixture-market.test/item/{}.html", 200000 + i),
        item_id: (200000 + i).to_string(),
        platform: "fixture-market".into(),
        title: format!("listing {i}"),
        seller: format!("seller {}", i % 3),
        captured_at: "2026-11-23T00:00:00Z".into(),
        right_id: right.into(),
        right_kind: RightKind::Trademark,
        holder_id: holder.into(),
        score: 0.9,
        disposition: Disposition::Draft,
        explanation: "the mark in the title".into(),
        evidence: Evidence {
            text: vec![TextMatch {
                mark_id: right.into(),
                field: TextField::Title,
                start: 0,
                end: 6,
                matched: "Velora".into(),
                variant: VariantKind::Exact,
                similarity: 1.0,
                cues: vec![],
            }],
            ..Evidence::default()
        },
    }
}

/// Records candidates `range` as a sweep would, drafts of three URLs.
async fn found(ledger: &Path, range: std::ops::Range<u32>) {
    let l = Ledger::open(ledger).await.unwrap();
    let now = "2026-11-23T00:00:00Z";
    let run = l.open_run(now, "registry").await.unwrap();
    let mut b = l.batcher(3).await.unwrap();
    for i in range {
        let (right, holder) = if i % 2 == 0 {
            ("tm-velora", "velora")
        } else {
            ("tm-arcturo", "arcturo")
        };
        let c = candidate(i, right, holder);
        let p = b.place(&c);
        assert!(matches!(p, Placement::Added { .. }), "{p:?}");
        l.record(run.id, &Seen::from(&c), Some(&c), Some(&p), now)
            .await
            .unwrap();
    }
    l.finish_run(run.id, now, "{}").await.unwrap();
    l.close().await;
}

/// Runs `knockoff drafts send ARGS` off the runtime; returns (exit code,
/// stdout, stderr).
async fn send(ledger: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = knockoff();
    cmd.args(["drafts", "send"])
        .args(args)
        .arg("--ledger")
        .arg(ledger)
        .env("KNOCKOFF_TEST_TOKEN", "s3cret");
    let o = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_draft_is_filed_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.sqlite");
    // 7 + 6 URLs in drafts of three: five drafts.
    found(&ledger, 0..13).await;

    let (filer, base) = start_filer().await;
    let fast = ["--timeout", "0.5", "--backoff-ms", "20"];

    let l = Ledger::open_existing(&ledger).await.unwrap();
    let ids = l.unsent().await.unwrap();
    l.close().await;
    assert_eq!(ids.len(), 5);

    // Refused: said at once, not retried, not marked sent.
    let (code, _, err) = send(
        &ledger,
        &[&["--post", &format!("{base}/refuse"), "--draft", &ids[0]][..], &fast].concat(),
    )
    .await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&format!("refused draft {}: HTTP 400", ids[0])), "{err}");
    assert!(err.contains("not accepted"), "{err}");
    // Down: retried, then given up, naming the draft and the last answer.
    let (code, _, err) = send(
        &ledger,
        &[
            &["--post", &format!("{base}/down"), "--draft", &ids[0], "--retries", "2"][..],
            &fast,
        ]
        .concat(),
    )
    .await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("after 3 attempts") && err.contains("503"), "{err}");
    {
        let f = filer.lock().unwrap();
        let count = |e: &str| f.requests.iter().filter(|r| r.0 == e).count();
        assert_eq!((count("refuse"), count("down")), (1, 3));
    }

    // The filing system fails, times out, and answers twice.
    let (code, _, err) = send(
        &ledger,
        &[
            &["--post", &format!("{base}/file"), "--token-env", "KNOCKOFF_TEST_TOKEN"][..],
            &fast,
        ]
        .concat(),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("5 drafts sent, 0 failed"), "{err}");
    {
        let f = filer.lock().unwrap();
        assert_eq!(f.filed.len(), 5, "five drafts filed");
        assert!(f.filed.values().all(|&n| n == 1), "{:?}", f.filed);
        // One key per draft, whatever endpoint and attempt: the draft was
        // frozen when first sent.
        let mut keys: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (_, key, id, _) in &f.requests {
            keys.entry(id.as_str()).or_default().push(key.as_str());
        }
        for (id, k) in &keys {
            assert!(k.windows(2).all(|w| w[0] == w[1]), "{id} sent with two keys");
        }
        assert_eq!(keys.len(), 5);
        let file_requests: Vec<_> = f.requests.iter().filter(|r| r.0 == "file").collect();
        assert_eq!(file_requests.len(), 15, "failed, timed out, answered again");
        assert!(file_requests.iter().all(|r| r.3.as_deref() == Some("Bearer s3cret")));
    }

    // Nothing left to send: nothing is sent.
    let (code, _, err) = send(&ledger, &[&["--post", &format!("{base}/file")][..], &fast].concat()).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 drafts sent"), "{err}");
    assert_eq!(filer.lock().unwrap().requests.len(), 19);

    // New finds go to new drafts: every earlier one is frozen.
    found(&ledger, 13..15).await;
    let l = Ledger::open_existing(&ledger).await.unwrap();
    let fresh = l.unsent().await.unwrap();
    let all = l.drafts().await.unwrap();
    l.close().await;
    assert_eq!(fresh.len(), 2);
    assert!(fresh.iter().all(|id| !ids.contains(id)));
    assert!(all
        .iter()
        .filter(|d| ids.contains(&d.id))
        .all(|d| d.status == "submitted"));

    // The spool: one complete file per draft, nothing half-written.
    let spool = dir.path().join("spool");
    let (code, _, err) = send(&ledger, &["--spool", spool.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{err}");
    let names: Vec<PathBuf> = std::fs::read_dir(&spool).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let schema = draft_schema();
    for p in &names {
        assert_eq!(p.extension().unwrap(), "json");
        let d: Draft = serde_json::from_value(valid_draft(&schema, p)).unwrap();
        assert!(fresh.contains(&d.id));
        assert_eq!(d.status, "submitted");
    }

    // Stdout: asked for by name, sent again, one JSON line.
    let (code, out, err) = send(&ledger, &["--stdout", "--draft", &ids[1]]).await;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let d: Draft = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(d.id, ids[1]);
    let first_key = filer
        .lock()
        .unwrap()
        .requests
        .iter()
        .find(|r| r.2 == ids[1])
        .unwrap()
        .1
        .clone();
    assert_eq!(d.idempotency_key, first_key);

    // A draft that is not there is named; the others named still go.
    let (code, out, err) = send(&ledger, &["--stdout", "--draft", "no-such-draft", "--draft", &ids[2]]).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("no draft no-such-draft"), "{err}");
    assert_eq!(out.lines().count(), 1);

    // No sink named: clap says so.
    let (code, _, err) = send(&ledger, &[]).await;
    assert_eq!(code, 2);
    assert!(err.contains("--spool") && err.contains("--post"), "{err}");
}

/// A sending killed (SIGKILL) at random points, again and again, then left
/// to finish: every draft is filed once, always sent with the same key, and
/// marked sent in the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sending_killed_at_any_point_files_each_draft_once() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.sqlite");
    found(&ledger, 0..13).await;
    let (filer, base) = start_filer().await;
    let url = format!("{base}/slow");
    let mut points = kill_points();
    let mut kills = 0;
    for _ in 0..5 {
        // Somewhere within what is left to send: the filer takes 300 ms a
        // draft, so the sending is always still running.
        let l = Ledger::open_existing(&ledger).await.unwrap();
        let left = l.unsent().await.unwrap().len() as u64;
        l.close().await;
        if left == 0 {
            break;
        }
        let at = Duration::from_millis(points.below(left as usize * 270) as u64);
        let mut child = knockoff()
            .args(["drafts", "send", "--post", &url, "--ledger"])
            .arg(&ledger)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(at).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
    }
    eprintln!("killed {kills} sendings");
    assert!(kills > 0, "every sending finished before it could be killed");
    let (code, _, err) = send(&ledger, &["--post", &url]).await;
    assert_eq!(code, 0, "{err}");
    let l = Ledger::open_existing(&ledger).await.unwrap();
    assert!(l.unsent().await.unwrap().is_empty());
    let drafts = l.drafts().await.unwrap();
    l.close().await;
    let f = filer.lock().unwrap();
    assert_eq!(f.filed.len(), drafts.len(), "{:?}", f.filed);
    assert!(f.filed.values().all(|&n| n == 1));
    for d in &drafts {
        let keys: std::collections::BTreeSet<&str> = f
            .requests
            .iter()
            .filter(|r| r.2 == d.id)
            .map(|r| r.1.as_str())
            .collect();
        assert_eq!(keys.len(), 1, "{} sent with {keys:?}", d.id);
    }
}
