use super::*;
use crate::model::{Evidence, RightKind};

fn cand(i: u32) -> Candidate {
    Candidate {
        url: format!("https://m.example/item/{i}.html"),
        item_id: i.to_string(),
        platform: "p".into(),
        title: "t".into(),
        seller: "s".into(),
        captured_at: "2026-11-23T00:00:00Z".into(),
        right_id: "tm-a".into(),
        right_kind: RightKind::Trademark,
        holder_id: "h".into(),
        score: 0.9,
        disposition: Disposition::Draft,
        explanation: "e".into(),
        evidence: Evidence::default(),
    }
}

fn seen(c: &Candidate) -> Seen {
    Seen {
        validators: Validators {
            etag: Some(format!("\"{}\"", c.item_id)),
            last_modified: None,
        },
        ..Seen::from(c)
    }
}

#[tokio::test]
async fn placements_survive_reopening_and_are_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let now = "2026-11-23T00:00:00Z";
    {
        let ledger = Ledger::open(&path).await.unwrap();
        let mut b = ledger.batcher(2).await.unwrap();
        for i in 0..3 {
            let c = cand(i);
            let p = b.place(&c);
            assert!(ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap());
        }
        ledger.close().await;
    }
    let ledger = Ledger::open(&path).await.unwrap();
    let mut b = ledger.batcher(2).await.unwrap();
    // Seen before: not new, and not placed again.
    let c = cand(1);
    let p = b.place(&c);
    assert_eq!(p, Placement::Skipped(crate::batch::Skip::AlreadyPlaced));
    assert!(!ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap());
    // A new one fills the part-filled second draft.
    let c = cand(9);
    let p = b.place(&c);
    ledger.record(1, &seen(&c), Some(&c), Some(&p), now).await.unwrap();
    let drafts = ledger.drafts().await.unwrap();
    let sizes: Vec<_> = drafts.iter().map(|d| d.items.len()).collect();
    assert_eq!(sizes, [2, 2]);
    assert_eq!(drafts[1].items[1].url, "https://m.example/item/9.html");
    assert_eq!(ledger.listing_count().await.unwrap(), 4);
}

#[tokio::test]
async fn an_unfinished_run_is_resumed_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).await.unwrap();
    let now = "2026-11-23T00:00:00Z";
    let run = ledger.open_run(now, "reg-a").await.unwrap();
    assert!(!run.resumed);
    let c = cand(1);
    ledger.record(run.id, &seen(&c), None, None, now).await.unwrap();
    let page = PageRecord {
        url: "https://m.example/search?q=x".into(),
        validators: Validators {
            etag: None,
            last_modified: Some("Mon, 23 Nov 2026 00:00:00 GMT".into()),
        },
        links: vec![c.url.clone()],
        next: None,
    };
    ledger.save_pages(std::slice::from_ref(&page), now).await.unwrap();
    // Killed before finishing: the next run is the same one, and knows
    // what it had recorded.
    let again = ledger.open_run(now, "reg-a").await.unwrap();
    assert_eq!(
        again,
        Run {
            id: run.id,
            resumed: true
        }
    );
    let memory = ledger.memory(again, "reg-a").await.unwrap();
    assert!(memory.done.contains(&c.url));
    assert_eq!(memory.listings[&c.url], seen(&c).validators);
    assert_eq!(memory.pages[&page.url], page);
    // Another registry: nothing found before stands, nothing resumed.
    ledger.finish_run(run.id, now, "{}").await.unwrap();
    let other = ledger.open_run(now, "reg-b").await.unwrap();
    assert!(!other.resumed && other.id != run.id);
    let memory = ledger.memory(other, "reg-b").await.unwrap();
    assert!(memory.listings.is_empty() && memory.done.is_empty());
    assert_eq!(memory.pages.len(), 1);
    // A finished run is not resumed.
    ledger.finish_run(other.id, now, "{}").await.unwrap();
    assert!(!ledger.open_run(now, "reg-b").await.unwrap().resumed);
}

use crate::batch::{GroupKey, Skip};
use crate::notices::{parse_outcomes, Target};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Places and records candidates as a sweep does; returns the placements.
async fn sweep(ledger: &Ledger, limit: usize, cands: &[Candidate], now: &str) -> Vec<Placement> {
    let run = ledger.open_run(now, "reg").await.unwrap();
    let mut b = ledger.batcher(limit).await.unwrap();
    let mut out = Vec::new();
    for c in cands {
        let p = b.place(c);
        let mut c = c.clone();
        if let Some(why) = p.review_reason() {
            c.disposition = Disposition::Review(why);
        }
        ledger.record(run.id, &seen(&c), Some(&c), Some(&p), now).await.unwrap();
        out.push(p);
    }
    ledger.finish_run(run.id, now, "{}").await.unwrap();
    out
}

fn outcome(url: &str, state: &str, at: &str) -> crate::notices::Outcome {
    let line = format!("{{\"url\": \"{url}\", \"outcome\": \"{state}\", \"at\": \"{at}\"}}");
    parse_outcomes("t", &line).remove(0).unwrap()
}

#[tokio::test]
async fn a_complaint_life_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).await.unwrap();
    let now = "2026-11-23T00:00:00Z";
    let first: Vec<_> = (0..3).map(cand).collect();
    sweep(&ledger, 10, &first, now).await;
    let id = ledger.drafts().await.unwrap()[0].id.clone();
    // An outcome before filing is refused, and changes nothing.
    let early = ledger.apply(&outcome(&first[0].url, "active", now), now).await;
    assert!(matches!(early, Err(LedgerError::Refused(m)) if m.contains("mark-filed")));

    // Sent: frozen, so the next sweep begins a second draft.
    ledger.submit(&id, now).await.unwrap();
    ledger.mark_sent(&id, "stdout", now).await.unwrap();
    assert!(ledger.unsent().await.unwrap().is_empty());
    sweep(&ledger, 10, &[cand(3)], now).await;
    let drafts = ledger.drafts().await.unwrap();
    assert_eq!(drafts.iter().map(|d| d.items.len()).collect::<Vec<_>>(), [3, 1]);
    assert_eq!(ledger.unsent().await.unwrap(), [drafts[1].id.clone()]);

    assert_eq!(ledger.mark_filed(&id, "IPP-1", now).await.unwrap(), Filed::Now(3));
    assert_eq!(ledger.mark_filed(&id, "IPP-1", now).await.unwrap(), Filed::Already);
    assert!(ledger.mark_filed(&id, "IPP-2", now).await.is_err());
    assert!(
        ledger.mark_filed(&drafts[1].id, "IPP-1", now).await.is_err(),
        "one reference, one complaint"
    );

    let (u0, u1, u2) = (&first[0].url, &first[1].url, &first[2].url);
    let steps = [
        (u0, "active", "2026-11-24T00:00:00Z"),
        (u0, "appealed", "2026-11-25T00:00:00Z"),
        (u0, "reinstated", "2026-11-26T00:00:00Z"),
        (u1, "removed", "2026-11-24T00:00:00Z"),
        (u2, "rejected", "2026-11-24T00:00:00Z"),
    ];
    for (u, s, at) in steps {
        assert_eq!(
            ledger.apply(&outcome(u, s, at), now).await.unwrap(),
            Applied::Moved(1),
            "{u} {s}"
        );
    }
    // The same row again is recognised; a refused one names its row.
    assert_eq!(
        ledger
            .apply(&outcome(u1, "removed", "2026-11-24T00:00:00Z"), now)
            .await
            .unwrap(),
        Applied::Seen
    );
    let bad = ledger.apply(&outcome(u1, "active", "2026-11-27T00:00:00Z"), now).await;
    assert!(
        matches!(&bad, Err(LedgerError::Refused(m)) if m.contains("from removed to active")),
        "{bad:?}"
    );
    // Appeals are counted, three at most.
    for day in 27..=28 {
        let at = format!("2026-11-{day}T00:00:00Z");
        ledger.apply(&outcome(u0, "appealed", &at), now).await.unwrap();
    }
    let fourth = ledger
        .apply(&outcome(u0, "appealed", "2026-11-29T00:00:00Z"), now)
        .await;
    assert!(
        matches!(&fourth, Err(LedgerError::Refused(m)) if m.contains("3 times")),
        "{fourth:?}"
    );
    ledger
        .apply(&outcome(u0, "reinstated", "2026-11-30T00:00:00Z"), now)
        .await
        .unwrap();

    // The next sweep finds all three again: none is drafted; each is held
    // for review with why.
    let placements = sweep(&ledger, 10, &first, now).await;
    for p in &placements {
        assert!(matches!(p, Placement::Skipped(Skip::Held(_))), "{p:?}");
    }
    let held = ledger.candidates().await.unwrap();
    let reason = |u: &str| match &held.iter().find(|c| c.url == u).unwrap().disposition {
        Disposition::Review(r) => r.clone(),
        d => panic!("{u}: {d:?}"),
    };
    assert!(reason(u0).contains("reinstated"), "{}", reason(u0));
    assert!(reason(u1).contains("taken down"), "{}", reason(u1));
    assert!(reason(u2).contains("rejected"), "{}", reason(u2));
    assert_eq!(ledger.url_state(u0).await.unwrap().unwrap().0, UrlState::Reinstated);
    let history: Vec<&str> = ledger
        .history(u0)
        .await
        .unwrap()
        .iter()
        .map(|h| h.to.as_str())
        .collect();
    assert_eq!(
        history,
        [
            "drafted",
            "filed",
            "active",
            "appealed",
            "reinstated",
            "appealed",
            "appealed",
            "reinstated"
        ]
    );

    // Closing every URL closes the complaint.
    let close = parse_outcomes("t", "{\"ref\": \"IPP-1\", \"outcome\": \"closed\"}")
        .remove(0)
        .unwrap();
    assert_eq!(close.target, Target::Ref("IPP-1".into()));
    assert_eq!(ledger.apply(&close, now).await.unwrap(), Applied::Moved(3));
    assert_eq!(ledger.draft(&id).await.unwrap().status, "closed");

    let status = ledger.status().await.unwrap();
    assert_eq!(status.by_state["closed"], 3);
    assert_eq!(status.by_state["drafted"], 1);
    assert_eq!(status.sellers.len(), 1);
    assert_eq!((status.sellers[0].urls, status.sellers[0].removed), (3, 1));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        /// A sweep finding these (url, right, to review).
        Sweep(Vec<(u8, u8, bool)>),
        /// Send the n-th draft (mod the number of drafts).
        Send(usize),
        File(usize),
        /// An outcome for the n-th URL followed.
        Outcome(usize, UrlState),
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        let outcome = prop::sample::select(UrlState::ALL.into_iter().filter(|s| s.is_outcome()).collect::<Vec<_>>());
        let op = prop_oneof![
            3 => prop::collection::vec((0u8..40, 0u8..3, prop::bool::weighted(0.1)), 1..30).prop_map(Op::Sweep),
            1 => any::<usize>().prop_map(Op::Send),
            2 => any::<usize>().prop_map(Op::File),
            4 => (any::<usize>(), outcome).prop_map(|(i, s)| Op::Outcome(i, s)),
        ];
        prop::collection::vec(op, 1..24)
    }

    fn candidate(url: u8, right: u8, review: bool) -> Candidate {
        let mut c = cand(u32::from(url));
        c.right_id = format!("tm-{right}");
        c.seller = format!("seller {}", url % 5);
        if review {
            c.disposition = Disposition::Review("nominative".into());
        }
        c
    }

    /// Draft id → URLs, and the ledger's checks on every draft.
    async fn check(ledger: &Ledger, limit: usize) -> Result<BTreeMap<String, (String, Vec<String>)>, TestCaseError> {
        let drafts = ledger.drafts().await.unwrap();
        let mut all = HashSet::new();
        let mut open: HashMap<GroupKey, usize> = HashMap::new();
        let mut out = BTreeMap::new();
        let states: HashMap<String, (UrlState, Option<String>)> = ledger
            .url_states()
            .await
            .unwrap()
            .into_iter()
            .map(|(u, s, d, _)| (u, (s, d)))
            .collect();
        for d in &drafts {
            prop_assert!(
                !d.items.is_empty() && d.items.len() <= limit,
                "{} has {} URLs",
                d.id,
                d.items.len()
            );
            for c in &d.items {
                prop_assert!(crate::batch::well_formed(&c.url));
                prop_assert_eq!(&GroupKey::of(c), &d.group);
                prop_assert!(all.insert(c.url.clone()), "{} in two drafts", c.url);
                let (state, draft) = &states[&c.url];
                prop_assert!(*state != UrlState::Review);
                prop_assert_eq!(draft.as_deref(), Some(d.id.as_str()));
            }
            if d.status == "open" && d.items.len() < limit {
                *open.entry(d.group.clone()).or_default() += 1;
            }
            out.insert(
                d.id.clone(),
                (d.status.clone(), d.items.iter().map(|c| c.url.clone()).collect()),
            );
        }
        prop_assert!(
            open.values().all(|&n| n <= 1),
            "two part-filled open drafts in one group"
        );
        let appeals: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(appeals), 0) FROM url_states")
            .fetch_one(&ledger.pool)
            .await
            .unwrap();
        prop_assert!(appeals <= i64::from(crate::notices::MAX_APPEALS));
        Ok(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn the_ledger_never_loses_or_repeats_a_url(ops in ops(), limit in 1usize..6) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).await.unwrap();
                let now = "2026-11-23T00:00:00Z";
                let mut before = check(&ledger, limit).await?;
                for (step, op) in ops.iter().enumerate() {
                    let states: HashMap<String, UrlState> =
                        ledger.url_states().await.unwrap().into_iter().map(|(u, s, _, _)| (u, s)).collect();
                    match op {
                        Op::Sweep(found) => {
                            // A URL once per sweep, as the crawler sends it.
                            let mut urls = HashSet::new();
                            let cands: Vec<Candidate> = found
                                .iter()
                                .filter(|(u, _, _)| urls.insert(*u))
                                .map(|&(u, r, rev)| candidate(u, r, rev))
                                .collect();
                            let placements = sweep(&ledger, limit, &cands, now).await;
                            for (c, p) in cands.iter().zip(&placements) {
                                let prior = states.get(&c.url).copied();
                                let eligible = c.disposition == Disposition::Draft
                                    && prior.is_none_or(|s| s == UrlState::Review);
                                match p {
                                    Placement::Added { .. } => prop_assert!(eligible, "{} placed from {:?}", c.url, prior),
                                    Placement::Skipped(Skip::Review(_)) => prop_assert!(c.disposition != Disposition::Draft),
                                    Placement::Skipped(_) => prop_assert!(prior.is_some_and(|s| s != UrlState::Review)),
                                }
                            }
                            // Every ineligible one is in none, with the reason kept.
                            let kept: HashMap<String, Candidate> =
                                ledger.candidates().await.unwrap().into_iter().map(|c| (c.url.clone(), c)).collect();
                            for (c, p) in cands.iter().zip(&placements) {
                                match p {
                                    Placement::Skipped(Skip::Review(why)) if states.get(&c.url).is_none_or(|s| *s == UrlState::Review) => {
                                        let (state, reason) = ledger.url_state(&c.url).await.unwrap().unwrap();
                                        prop_assert_eq!(state, UrlState::Review);
                                        prop_assert_eq!(reason.as_deref(), Some(why.as_str()));
                                    }
                                    Placement::Skipped(Skip::Held(why)) => {
                                        prop_assert_eq!(&kept[&c.url].disposition, &Disposition::Review(why.clone()));
                                    }
                                    _ => {}
                                }
                            }
                            let after = check(&ledger, limit).await?;
                            // Every eligible URL is in exactly one draft.
                            for c in &cands {
                                let prior = states.get(&c.url).copied();
                                if c.disposition == Disposition::Draft && prior.is_none_or(|s| s == UrlState::Review) {
                                    prop_assert_eq!(after.values().filter(|(_, u)| u.contains(&c.url)).count(), 1);
                                }
                            }
                            // The same sweep again adds nothing.
                            sweep(&ledger, limit, &cands, now).await;
                            prop_assert_eq!(&check(&ledger, limit).await?, &after);
                        }
                        Op::Send(k) | Op::File(k) => {
                            let ids: Vec<String> = before.keys().cloned().collect();
                            if ids.is_empty() { continue; }
                            let id = &ids[k % ids.len()];
                            if let Op::Send(_) = op {
                                ledger.submit(id, now).await.unwrap();
                                ledger.mark_sent(id, "stdout", now).await.unwrap();
                            } else {
                                let _ = ledger.mark_filed(id, &format!("REF-{id}"), now).await;
                            }
                        }
                        Op::Outcome(i, s) => {
                            let urls: Vec<&String> = states.keys().collect();
                            if urls.is_empty() { continue; }
                            let mut urls = urls;
                            urls.sort();
                            let at = format!("2026-12-01T00:00:{:02}Z", step % 60);
                            let _ = ledger.apply(&outcome(urls[i % urls.len()], s.as_str(), &at), now).await;
                        }
                    }
                    let after = check(&ledger, limit).await?;
                    // Drafts only grow, and only while open.
                    for (id, (status, urls)) in &before {
                        let (_, now_urls) = &after[id];
                        prop_assert!(now_urls.starts_with(urls), "{} lost or moved URLs", id);
                        if status != "open" {
                            prop_assert_eq!(now_urls, urls, "{} changed after it was sent", id);
                        }
                    }
                    before = after;
                }
                ledger.close().await;
                Ok(())
            })?;
        }
    }
}
