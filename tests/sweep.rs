//! A full sweep of the fixture marketplace over loopback HTTP, checked
//! against the catalogue's ground truth; then a second sweep on the same
//! ledger, which must add nothing.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use knockoff::batch::well_formed;
use knockoff::clock::Clock;
use knockoff::config::Registry;
use knockoff::eval::evaluate;
use knockoff::fixture;
use knockoff::model::{Candidate, RightKind};
use knockoff::pipeline::{sweep, SweepOptions};
use knockoff::report::Draft;

mod common;
use common::{draft_schema, valid_draft};

/// Floors this test holds (README states what the sweep reached).
const FLOORS: [(&str, f64, f64); 3] = [
    // kind, precision, recall
    ("trademark", 0.97, 0.85),
    ("copyright", 0.97, 0.80),
    ("design", 0.97, 0.80),
];

/// Every draft written, each checked against the published schema.
fn read_drafts(out: &Path) -> BTreeMap<String, Draft> {
    let schema = draft_schema();
    let mut drafts = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("drafts")).unwrap() {
        let path = entry.unwrap().path();
        let json = valid_draft(&schema, &path);
        // The schema has teeth: a draft over the URL limit, or without its
        // statements, is refused.
        let mut over = json.clone();
        let items = over["items"].as_array().unwrap().clone();
        over["items"] = serde_json::Value::Array(items.iter().cycle().take(301).cloned().collect());
        assert!(!schema.is_valid(&over));
        let mut unsigned = json.clone();
        unsigned.as_object_mut().unwrap().remove("statements");
        assert!(!schema.is_valid(&unsigned));
        let d: Draft = serde_json::from_value(json).unwrap();
        assert_eq!(path.file_stem().unwrap().to_str().unwrap(), d.id);
        drafts.insert(d.id.clone(), d);
    }
    drafts
}

fn read_candidates(out: &Path) -> Vec<Candidate> {
    std::fs::read_to_string(out.join("candidates.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_fixture_marketplace_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut opts = SweepOptions::fixture(out.clone());
    opts.clock = Clock::Fixed("2026-11-23T09:00:00Z".parse().unwrap());
    let registry = Registry::load(&opts.registry).unwrap();
    let today = opts.clock.today();

    let first = sweep(opts.clone()).await.expect("first sweep");
    eprintln!("{}", first.render());
    assert!(
        first.failures.is_empty(),
        "fixture sweep failed on: {:?}",
        first.failures
    );
    let catalogue = fixture::load_catalogue(&fixture::default_dir()).unwrap();
    assert_eq!(
        first.listings_crawled,
        catalogue.listings.len(),
        "every listing crawled exactly once"
    );
    assert_eq!(first.new_listings, first.listings_crawled);

    // Drafts obey the platform's rules.
    let drafts = read_drafts(&out);
    assert!(!drafts.is_empty());
    assert_eq!(drafts.len(), first.drafts_written);
    let mut all_urls = HashSet::new();
    for d in drafts.values() {
        assert!(
            (1..=300).contains(&d.items.len()),
            "{} has {} URLs",
            d.id,
            d.items.len()
        );
        assert_eq!(d.url_count, d.items.len());
        let right = registry.right(&d.right.id).expect("draft names a registered right");
        assert_eq!(right, d.right);
        assert!(
            registry.in_force(&d.right.id, today),
            "{} rests on an expired right",
            d.id
        );
        assert_eq!(d.holder.id, right.holder);
        for item in &d.items {
            assert!(well_formed(&item.url), "{} is malformed", item.url);
            assert!(all_urls.insert(item.url.clone()), "{} appears twice", item.url);
            assert!(!item.explanation.is_empty());
            let evidence = &item.evidence;
            match d.right.kind {
                RightKind::Trademark => assert!(evidence.text.iter().any(|t| *t.mark_id == *d.right.id)),
                _ => assert!(evidence.images.iter().any(|m| m.work_id == d.right.id)),
            }
        }
    }

    // Against the ground truth.
    let truth = fixture::load_truth(&fixture::default_dir()).unwrap();
    let candidates = read_candidates(&out);
    let eval = evaluate(&truth, &candidates);
    eprintln!("{}", eval.render());
    for (kind, precision, recall) in FLOORS {
        let r = eval
            .by_kind
            .get(kind)
            .unwrap_or_else(|| panic!("no {kind} listings in the truth"));
        assert!(
            r.precision() >= precision,
            "{kind} precision {:.3} < {precision}",
            r.precision()
        );
        assert!(r.recall() >= recall, "{kind} recall {:.3} < {recall}", r.recall());
    }

    // A second sweep on the same ledger asks about every page and listing
    // conditionally, is told nothing changed, fetches no image and drafts
    // nothing new; earlier results stand and the drafts keep their URLs.
    let second = sweep(opts).await.expect("second sweep");
    assert_eq!(second.listings_crawled, 0, "unchanged listings fetched in full");
    assert_eq!(second.images_fetched, 0);
    assert_eq!(second.unchanged, first.listings_crawled + first.pages_crawled);
    assert_eq!(second.conditional_requests, second.unchanged);
    assert_eq!(second.new_listings, 0);
    assert_eq!(second.urls_drafted, 0, "a rerun drafted again");
    let mut before: Vec<String> = candidates.iter().map(|c| c.url.clone()).collect();
    let mut after: Vec<String> = read_candidates(&out).iter().map(|c| c.url.clone()).collect();
    before.sort();
    after.sort();
    assert_eq!(before, after, "earlier candidates no longer stand");
    let again = read_drafts(&out);
    assert_eq!(again.keys().collect::<Vec<_>>(), drafts.keys().collect::<Vec<_>>());
    for (id, d) in &drafts {
        let urls = |d: &Draft| d.items.iter().map(|i| i.url.clone()).collect::<Vec<_>>();
        assert_eq!(urls(d), urls(&again[id]), "{id} changed");
    }
}
