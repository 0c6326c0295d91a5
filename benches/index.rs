//! Radius queries over 256-bit hashes: the multi-index [`HammingIndex`]
//! against a plain popcount scan, at 10^4, 10^5 and 10^6 random hashes and
//! radius 32, for queries with a match planted 20 bits away and for random
//! queries (which match nothing).
//!
//! Each iteration is one query, taken in turn from 256 different ones: one
//! query repeated would keep its buckets and candidates in the cache and
//! flatter the index about tenfold at 10^6.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use knockoff::image::index::linear_scan;
use knockoff::image::index::HammingIndex;
use knockoff::image::Hash256;
use knockoff::rng::Rng;

const RADIUS: u32 = 32;
/// Distinct queries of each kind.
const QUERIES: usize = 256;

/// The linear scan the index replaces.
fn scan(hashes: &[Hash256], q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
    let mut found = linear_scan(hashes, q, radius);
    found.sort_unstable_by_key(|&(id, d)| (d, id));
    found
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("radius_32");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    for n in [10_000usize, 100_000, 1_000_000] {
        let mut state = Rng::new(n as u64);
        let hashes: Vec<Hash256> = (0..n).map(|_| Hash256::random(&mut state)).collect();
        let planted: Vec<Hash256> = (0..QUERIES)
            .map(|i| hashes[i * (n / QUERIES)].with_flips(20, &mut state))
            .collect();
        let random: Vec<Hash256> = (0..QUERIES).map(|_| Hash256::random(&mut state)).collect();
        let index = HammingIndex::new(hashes.clone());
        for (i, q) in planted.iter().enumerate() {
            assert_eq!(index.nearest_within(q, RADIUS), Some(((i * (n / QUERIES)) as u32, 20)));
        }
        assert_eq!(index.query(&random[0], RADIUS), scan(&hashes, &random[0], RADIUS));
        for (name, queries) in [("planted", &planted), ("random", &random)] {
            group.bench_with_input(BenchmarkId::new(format!("index_{name}"), n), queries, |b, queries| {
                let mut next = queries.iter().cycle();
                b.iter(|| index.query(black_box(next.next().unwrap()), RADIUS))
            });
            group.bench_with_input(BenchmarkId::new(format!("scan_{name}"), n), queries, |b, queries| {
                let mut next = queries.iter().cycle();
                b.iter(|| scan(&hashes, black_box(next.next().unwrap()), RADIUS))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
