//! A sweep killed with SIGKILL at several points and run again ends with the
//! same candidates and the same drafts as a sweep never interrupted.
//!
//! The real binary against a smaller fixture catalogue (generated here, so
//! the test does not take the full catalogue's minutes): one uninterrupted
//! sweep as the reference, then one that is killed once some listings are
//! recorded, killed again further on, and finally left to finish.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use knockoff::report::Draft;

mod common;
use common::{knockoff, run_ok, small_catalogue, sweep};

/// Lines the running sweep has appended to its candidate log so far.
fn logged(out: &Path) -> usize {
    std::fs::read_to_string(out.join("candidates.ndjson.partial"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

/// Kills the sweep with SIGKILL once it has logged `at` candidates (or
/// when it ends by itself first). Returns whether it was killed.
fn kill_at(mut child: Child, out: &Path, at: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if logged(out) >= at || Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Candidate URLs by right, sorted.
fn candidates(out: &Path) -> BTreeMap<String, Vec<String>> {
    let mut by_right: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in std::fs::read_to_string(out.join("candidates.ndjson")).unwrap().lines() {
        let c: serde_json::Value = serde_json::from_str(line).unwrap();
        let right = c["right_id"].as_str().unwrap().to_string();
        by_right
            .entry(right)
            .or_default()
            .push(c["url"].as_str().unwrap().to_string());
    }
    by_right.values_mut().for_each(|v| v.sort());
    by_right
}

/// Drafted URLs by right, each URL once across all drafts (checked).
fn drafted(out: &Path) -> BTreeMap<String, Vec<String>> {
    let mut by_right: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut all = std::collections::HashSet::new();
    for entry in std::fs::read_dir(out.join("drafts")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let draft: Draft = serde_json::from_str(&text).unwrap();
        assert!(!draft.items.is_empty() && draft.items.len() <= 300);
        for item in &draft.items {
            assert!(all.insert(item.url.clone()), "{} in two drafts", item.url);
            by_right
                .entry(draft.right.id.clone())
                .or_default()
                .push(item.url.clone());
        }
    }
    by_right.values_mut().for_each(|v| v.sort());
    by_right
}

#[test]
fn a_killed_sweep_resumes_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = small_catalogue(dir.path(), 300);

    let reference = dir.path().join("reference");
    let status = sweep(&catalogue, &reference).status().unwrap();
    assert!(status.success(), "reference sweep: {status}");
    let want_candidates = candidates(&reference);
    let want_drafts = drafted(&reference);
    assert!(!want_drafts.is_empty(), "the reference sweep drafted nothing");

    let out = dir.path().join("interrupted");
    let total: usize = want_candidates.values().map(Vec::len).sum();
    let mut kills = 0;
    for at in [total / 5, total / 2] {
        let child = sweep(&catalogue, &out).spawn().unwrap();
        kills += usize::from(kill_at(child, &out, at.max(1)));
    }
    let status = sweep(&catalogue, &out).status().unwrap();
    assert!(status.success(), "resumed sweep: {status}");
    assert!(kills >= 1, "the sweep finished before it could be killed");

    assert_eq!(candidates(&out), want_candidates);
    assert_eq!(drafted(&out), want_drafts);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["resumed"].as_u64().unwrap() > 0,
        "the last run fetched again what the killed runs had recorded: {summary}"
    );

    // The drafts commands read the same drafts back from the ledger.
    let ledger = out.join("ledger.sqlite");
    let run = |args: &[&str]| run_ok(args, &ledger);
    let list = run(&["drafts", "list"]);
    let files: Vec<_> = std::fs::read_dir(out.join("drafts")).unwrap().collect();
    assert_eq!(list.lines().count(), files.len() + 1, "{list}");
    let first = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let written: Draft =
        serde_json::from_slice(&std::fs::read(out.join("drafts").join(format!("{first}.json"))).unwrap()).unwrap();
    let urls: Vec<String> = written.items.iter().map(|i| i.url.clone()).collect();
    assert_eq!(
        run(&["drafts", "export", &first, "--format", "urls"])
            .lines()
            .collect::<Vec<_>>(),
        urls
    );
    let csv = run(&["drafts", "export", &first, "--format", "csv"]);
    assert_eq!(csv.lines().count(), urls.len() + 1);
    let shown: Draft = serde_json::from_str(&run(&["drafts", "show", &first])).unwrap();
    assert_eq!(shown, written);
    let missing = knockoff()
        .args(["drafts", "show", "no-such-draft", "--ledger"])
        .arg(&ledger)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no draft no-such-draft"));
}
