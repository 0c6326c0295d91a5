//! Throughput of the text matcher on listing-like text, with 1,000 and
//! 10,000 marks.
//!
//! Marks are pronounceable made-up words (some of two words) from a fixed
//! seed; the text is about 1 MB of dictionary words cut into listing-sized
//! pieces, with a mark, often disguised, every 40 words on average
//! (`dense`, a hard case: most listings name several marks) or every 400
//! (`sparse`, nearer a marketplace's catalogue, where most listings name
//! none). Ordinary words cost a byte scan and one lookup; the words at and
//! around a mark, or near one, are folded and matched in full, so the cost
//! per byte follows how much of the text is near a mark. Last, the fixture
//! marketplace's own listings (`fixture`), short and nearly all naming a
//! mark.
//!
//! Beside each, the reference the issue set the target by: raw
//! Aho-Corasick (the crate's defaults, ASCII case folded) over the same
//! marks as written and the same text, which finds only marks written as
//! registered. Run in the same process, minutes apart at most, it gives a
//! ratio this shared machine's moods move far less than either figure.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use knockoff::config::registry::{Mark, Registry};
use knockoff::fixture::load_catalogue;
use knockoff::model::TextField;
use knockoff::text::TextMatcher;

const WORDS: &str = include_str!("../config/words/en.txt");
const TEXT_BYTES: usize = 1 << 20;

/// SplitMix64: a fixed, dependency-free source of randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn word(rng: &mut Rng) -> String {
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "eo"];
    const CODAS: &[&str] = &["", "", "", "n", "r", "s", "x", "l"];
    let syllables = 2 + rng.below(3);
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(rng.pick(ONSETS));
        w.push_str(rng.pick(VOWELS));
        w.push_str(rng.pick(CODAS));
    }
    let mut chars = w.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn marks(n: usize) -> Vec<Mark> {
    let mut rng = Rng(0x5EED);
    (0..n)
        .map(|i| {
            let text = if rng.below(10) == 0 {
                format!("{} {}", word(&mut rng), word(&mut rng))
            } else {
                word(&mut rng)
            };
            Mark {
                id: format!("tm-{i}"),
                text,
                holder: "h".into(),
                registry: "EUIPO".into(),
                registration: i.to_string(),
                classes: vec![25],
                valid_until: jiff::civil::date(2030, 1, 1),
            }
        })
        .collect()
}

/// A mark as a counterfeiter might write it.
fn disguise(rng: &mut Rng, mark: &str) -> String {
    match rng.below(8) {
        0 => mark.to_uppercase(),
        1 => mark.replace('o', "0").replace('e', "3"),
        2 => mark.chars().map(|c| c.to_string()).collect::<Vec<_>>().join("-"),
        3 => format!("{}shoes", mark.to_lowercase().replace(' ', "")),
        4 => mark.replace('a', "а").replace('e', "е"),
        5 => {
            let mut s: String = mark.into();
            let at = s.len() / 2;
            s.remove(at);
            s
        }
        _ => mark.into(),
    }
}

/// About 1 MB of listing-like text, one listing per line, with a mark
/// every `every` words on average.
fn listings(marks: &[Mark], every: usize) -> Vec<String> {
    let mut rng = Rng(0x7E47);
    let words: Vec<&str> = WORDS.lines().collect();
    let mut out = Vec::new();
    let mut total = 0;
    while total < TEXT_BYTES {
        let mut line = String::new();
        for k in 0..(20 + rng.below(120)) {
            if k > 0 {
                line.push_str(if rng.below(12) == 0 { ", " } else { " " });
            }
            if rng.below(every) == 0 {
                let mark = marks[rng.below(marks.len())].text.clone();
                line.push_str(&disguise(&mut rng, &mark));
            } else {
                line.push_str(rng.pick(&words));
            }
        }
        line.push('.');
        total += line.len();
        out.push(line);
    }
    out
}

fn bench(c: &mut Criterion) {
    let all = marks(10_000);
    let matchers: Vec<(usize, Vec<Mark>, TextMatcher)> = [1_000, 10_000]
        .into_iter()
        .map(|n| {
            let built = std::time::Instant::now();
            let matcher = TextMatcher::new(&all[..n]);
            eprintln!(
                "{n} marks: built in {:.0?}, {:.1} MiB",
                built.elapsed(),
                matcher.memory_usage() as f64 / (1 << 20) as f64
            );
            (n, all[..n].to_vec(), matcher)
        })
        .collect();
    for (name, every) in [("dense", 40), ("sparse", 400)] {
        // Only marks of the smaller set are planted, so both sets find them.
        let text = listings(&all[..1_000], every);
        run(c, name, &text, &matchers);
    }
    // The fixture marketplace's own titles and descriptions (about 100
    // bytes a listing, most naming one of its marks, often disguised, many
    // with counterfeit words), with the registry's marks among the made-up
    // ones: the cost of a match, more than of a byte.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let registry = Registry::load(&root.join("config/registry.toml")).expect("the embedded registry");
    let catalogue = load_catalogue(&root.join("fixtures/marketplace")).expect("the fixture marketplace");
    let text: Vec<String> = catalogue
        .listings
        .iter()
        .flat_map(|l| [l.title.clone(), l.description.clone()])
        .collect();
    let matchers: Vec<(usize, Vec<Mark>, TextMatcher)> = [1_000usize, 10_000]
        .into_iter()
        .map(|n| {
            let mut marks = registry.marks.clone();
            marks.extend(all.iter().take(n.saturating_sub(marks.len())).cloned());
            let matcher = TextMatcher::new(&marks);
            (n, marks, matcher)
        })
        .collect();
    run(c, "fixture", &text, &matchers);
}

fn run(c: &mut Criterion, name: &str, text: &[String], matchers: &[(usize, Vec<Mark>, TextMatcher)]) {
    let bytes: usize = text.iter().map(String::len).sum();
    let mut group = c.benchmark_group(format!("find_in/{name}"));
    group.sample_size(10).warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(8));
    group.throughput(Throughput::Bytes(bytes as u64));
    for (n, marks, matcher) in matchers {
        let raw = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(marks.iter().map(|m| m.text.as_str()))
            .expect("the raw automaton");
        eprintln!(
            "{name}, {n} marks: raw Aho-Corasick ({:?}) {:.1} MiB",
            raw.kind(),
            raw.memory_usage() as f64 / (1 << 20) as f64
        );
        group.bench_function(BenchmarkId::new("raw-aho-corasick", n), |b| {
            b.iter(|| text.iter().map(|t| raw.find_iter(t).count()).sum::<usize>())
        });
        let found: usize = text
            .iter()
            .map(|t| matcher.find_in(TextField::Description, t).len())
            .sum();
        eprintln!(
            "{name}, {n} marks: {found} matches in {} texts ({:.2} MiB)",
            text.len(),
            bytes as f64 / (1 << 20) as f64,
        );
        group.bench_function(BenchmarkId::new("marks", n), |b| {
            b.iter(|| {
                text.iter()
                    .map(|t| matcher.find_in(TextField::Description, t).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
