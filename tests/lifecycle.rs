//! A complaint's life, played with the real binary against a small fixture
//! catalogue: sweep, file a draft, the platform's outcomes (active, an
//! appeal that reinstates one listing, a take-down of another), and the
//! next sweep: the reinstated URL is held for review, not drafted again;
//! the removed listing is in no later draft; new finds go to a new draft
//! because the filed one never changes.
//!
//! Then the outcomes of every filed complaint are fed with the process
//! killed (SIGKILL) at random points: each time the ledger is consistent,
//! and the finished result is the one an uninterrupted run gives.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use knockoff::fixture::{self, Catalogue};
use knockoff::ledger::{Event, Ledger};
use knockoff::model::Disposition;
use knockoff::notices::UrlState;
use knockoff::report::Draft;

mod common;
use common::{draft_schema, kill_points, knockoff, run_ok, small_catalogue, sweep, valid_draft};

fn write_catalogue(dir: &Path, c: &Catalogue) {
    std::fs::write(dir.join("catalogue.json"), serde_json::to_string(c).unwrap()).unwrap();
}

/// Every draft written, each checked against the published schema.
fn drafts(out: &Path) -> BTreeMap<String, Draft> {
    let schema = draft_schema();
    std::fs::read_dir(out.join("drafts"))
        .unwrap()
        .map(|e| {
            let d: Draft = serde_json::from_value(valid_draft(&schema, &e.unwrap().path())).unwrap();
            (d.id.clone(), d)
        })
        .collect()
}

fn item_id(url: &str) -> u64 {
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".html")
        .parse()
        .unwrap()
}

/// `knockoff notices update OUTCOMES --ledger LEDGER`.
fn update(outcomes: &Path, ledger: &Path) -> Command {
    let mut cmd = knockoff();
    cmd.args(["notices", "update"])
        .arg(outcomes)
        .arg("--ledger")
        .arg(ledger);
    cmd
}

fn quiet(mut cmd: Command) -> Command {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_complaint_life_and_a_kill_at_any_point() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = small_catalogue(dir.path(), 300);
    let full = fixture::load_catalogue(&catalogue).unwrap();
    let truth = fixture::load_truth(&catalogue).unwrap();

    // The first sweep sees the first two thirds of the marketplace.
    let cut = full.listings.len() * 2 / 3;
    let mut first = full.clone();
    first.listings.truncate(cut);
    write_catalogue(&catalogue, &first);
    let out = dir.path().join("out");
    assert!(sweep(&catalogue, &out).status().unwrap().success());
    let ledger = out.join("ledger.sqlite");
    let before = drafts(&out);

    // File the biggest draft whose right the rest of the marketplace also
    // infringes, so the next sweep has new finds for its group.
    let later_rights: HashSet<&str> = truth[cut..].iter().filter_map(|t| t.right_id.as_deref()).collect();
    let filed = before
        .values()
        .filter(|d| d.items.len() >= 2 && later_rights.contains(d.right.id.as_str()))
        .max_by_key(|d| d.items.len())
        .expect("a draft with at least two URLs whose right appears later")
        .clone();
    let out_text = run_ok(&["notices", "mark-filed", &filed.id, "--ref", "IPP-77"], &ledger);
    assert!(out_text.is_empty());
    // Filing it again under the same reference changes nothing; another
    // reference is refused.
    run_ok(&["notices", "mark-filed", &filed.id, "--ref", "IPP-77"], &ledger);
    let other = knockoff()
        .args(["notices", "mark-filed", &filed.id, "--ref", "IPP-78", "--ledger"])
        .arg(&ledger)
        .output()
        .unwrap();
    assert!(!other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("filed as IPP-77 already"));

    // The platform acts: one listing reinstated after the seller's appeal,
    // one taken down; a bad row is named and the others still apply.
    let (kept, gone) = (&filed.items[0].url, &filed.items[1].url);
    let outcomes = dir.path().join("outcomes.csv");
    std::fs::write(
        &outcomes,
        format!(
            "url,ref,outcome,at,note\n\
             ,IPP-77,active,2026-11-24T09:00:00Z,accepted\n\
             {kept},,appealed,2026-11-25T09:00:00Z,seller appealed\n\
             {kept},,reinstated,2026-11-26T09:00:00Z,appeal upheld\n\
             {gone},,removed,2026-11-26T09:00:00Z,\n\
             {gone},,active,2026-11-27T09:00:00Z,\n"
        ),
    )
    .unwrap();
    let fed = update(&outcomes, &ledger).output().unwrap();
    let stderr = String::from_utf8_lossy(&fed.stderr);
    assert_eq!(fed.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("outcomes.csv:6") && stderr.contains("from removed to active"),
        "{stderr}"
    );
    assert!(stderr.contains("4 applied"), "{stderr}");
    // Fed again: every row is known, nothing moves twice.
    let again = update(&outcomes, &ledger).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("4 applied before"));

    // The next sweep: the whole marketplace, less the listing taken down.
    let mut second = full.clone();
    second.listings.retain(|l| l.id != item_id(gone));
    write_catalogue(&catalogue, &second);
    assert!(sweep(&catalogue, &out).status().unwrap().success());
    let after = drafts(&out);

    // The filed draft is as it was filed.
    let now_filed = &after[&filed.id];
    assert_eq!(now_filed.items, filed.items);
    assert_eq!(now_filed.idempotency_key, filed.idempotency_key);
    assert_eq!(
        (now_filed.status.as_str(), now_filed.platform_ref.as_deref()),
        ("filed", Some("IPP-77"))
    );
    // Neither listing is in any other draft, and the reinstated one waits
    // for a person, with why.
    for d in after.values().filter(|d| d.id != filed.id) {
        for i in &d.items {
            assert!(i.url != *kept && i.url != *gone, "{} drafted again in {}", i.url, d.id);
        }
    }
    let candidates: Vec<knockoff::model::Candidate> = std::fs::read_to_string(out.join("candidates.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let held = candidates
        .iter()
        .find(|c| c.url == *kept)
        .expect("the reinstated listing is a candidate");
    assert!(
        matches!(&held.disposition, Disposition::Review(r) if r.contains("reinstated")),
        "{:?}",
        held.disposition
    );
    // New finds of the filed draft's group went to a new draft of it.
    let newer: Vec<&Draft> = after
        .values()
        .filter(|d| {
            d.right.id == filed.right.id && d.complaint_type == filed.complaint_type && !before.contains_key(&d.id)
        })
        .collect();
    assert!(!newer.is_empty(), "no new draft for {}", filed.right.id);
    for d in &newer {
        assert_eq!(d.status, "open");
        for i in &d.items {
            assert!(
                item_id(&i.url) as usize >= full.listings[cut].id as usize,
                "{} was found before",
                i.url
            );
        }
    }
    let mut seen = HashSet::new();
    for d in after.values() {
        for i in &d.items {
            assert!(seen.insert(i.url.clone()), "{} in two drafts", i.url);
        }
    }

    let status = run_ok(&["notices", "status"], &ledger);
    for line in ["reinstated         1", "removed            1", "active       "] {
        assert!(status.contains(line), "{line:?} not in\n{status}");
    }
    let json: serde_json::Value = serde_json::from_str(&run_ok(&["notices", "status", "--json"], &ledger)).unwrap();
    assert_eq!(json["by_state"]["reinstated"], 1);
    assert_eq!(json["by_right"][&filed.right.id]["removed"], 1);
    assert!(json["sellers"].as_array().unwrap().iter().any(|s| s["removed"] == 1));
    let list = run_ok(&["drafts", "list"], &ledger);
    assert!(
        list.lines().any(|l| l.starts_with(&filed.id) && l.contains("filed")),
        "{list}"
    );

    kill_at_random_points(dir.path(), &ledger, &after);
}

/// Files every open draft, then feeds a long outcomes file with the process
/// killed at random points; after each kill the ledger is consistent, and
/// the end is the same as feeding it once without a kill.
fn kill_at_random_points(dir: &Path, ledger: &Path, drafts: &BTreeMap<String, Draft>) {
    let mut rows = String::from("ref,url,outcome,at\n");
    for (n, d) in drafts.values().filter(|d| d.status == "open").enumerate() {
        run_ok(&["notices", "mark-filed", &d.id, "--ref", &format!("K-{n}")], ledger);
        rows += &format!("K-{n},,active,2026-12-01T00:00:00Z\n");
        for (i, item) in d.items.iter().enumerate() {
            let u = &item.url;
            let end = if i % 3 == 0 { "reinstated" } else { "removed" };
            rows += &format!(",{u},appealed,2026-12-02T00:00:00Z\n,{u},{end},2026-12-03T00:00:00Z\n");
            if i % 2 == 0 {
                rows += &format!(",{u},closed,2026-12-04T00:00:00Z\n");
            }
        }
    }
    let outcomes = dir.join("many.csv");
    std::fs::write(&outcomes, &rows).unwrap();
    let wal = |p: &Path| p.with_extension("sqlite-wal");
    let reference = dir.join("reference.sqlite");
    std::fs::copy(ledger, &reference).unwrap();
    if wal(ledger).exists() {
        std::fs::copy(wal(ledger), wal(&reference)).unwrap();
    }
    let started = Instant::now();
    assert!(quiet(update(&outcomes, &reference)).status().unwrap().success());
    let whole = started.elapsed();

    // Random points within the time one uninterrupted run takes.
    let mut points = kill_points();
    let mut kills = 0;
    for _ in 0..6 {
        let at = whole.mul_f64(points.below(1000) as f64 / 1000.0);
        let mut child = quiet(update(&outcomes, ledger)).spawn().unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        consistent(ledger);
    }
    eprintln!("killed {kills} of 6 runs");
    assert!(quiet(update(&outcomes, ledger)).status().unwrap().success());
    assert_eq!(snapshot(ledger), snapshot(&reference));
}

/// Every URL's state is where its last event left it, and no URL is in two
/// drafts.
fn consistent(ledger: &Path) {
    rt().block_on(async {
        let l = Ledger::open_existing(ledger).await.unwrap();
        for (url, state, _, _) in l.url_states().await.unwrap() {
            let history = l.history(&url).await.unwrap();
            assert_eq!(history.last().map(|h| h.to), Some(state), "{url}");
            let appeals = history.iter().filter(|h| h.to == UrlState::Appealed).count();
            assert!(appeals <= 3, "{url} appealed {appeals} times");
        }
        let mut seen = HashSet::new();
        for d in l.drafts().await.unwrap() {
            for c in &d.items {
                assert!(seen.insert(c.url.clone()), "{} in two drafts", c.url);
            }
        }
        l.close().await;
    });
}

/// Each URL's state and full history.
fn snapshot(ledger: &Path) -> Vec<(String, UrlState, Vec<Event>)> {
    rt().block_on(async {
        let l = Ledger::open_existing(ledger).await.unwrap();
        let mut out = Vec::new();
        for (url, state, _, _) in l.url_states().await.unwrap() {
            let history = l.history(&url).await.unwrap();
            out.push((url, state, history));
        }
        l.close().await;
        out
    })
}
