//! Throughput of the image stage on a typical gallery image: an 800×800
//! baseline JPEG at quality 85, made at start from a registered work.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use image::{Rgb, RgbImage};
use knockoff::config::registry::Work;
use knockoff::image::{hash_bytes, ImageLimits, WorkIndex};
use knockoff::model::{ListingImage, RightKind};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn works() -> Vec<Work> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("config/works"))
        .expect("config/works")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| Work {
            id: stem(&path),
            kind: RightKind::Copyright,
            title: stem(&path),
            holder: "h".into(),
            registration: "1".into(),
            images: vec![path],
            valid_until: None,
        })
        .collect()
}

/// The 8 works and a registered pattern, `name`: with a pattern
/// registered, a picture that matches nothing is also read for its sett
/// (the pattern stage, `sett.rs`).
fn works_and(name: &str, pattern: &RgbImage) -> Vec<Work> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    pattern.save(&path).expect(name);
    let mut works = works();
    works.push(Work {
        id: name.into(),
        title: name.into(),
        images: vec![path],
        ..works[0].clone()
    });
    works
}

/// The flat artwork's plaid.
fn plaid() -> RgbImage {
    let (_, plaid) = knockoff::fixture::artwork::registered()
        .into_iter()
        .find(|(name, _)| *name == "plaid")
        .expect("the plaid");
    plaid
}

/// A fine houndstooth (30-pixel repeats, 800 pixels square), and a copy
/// of it pasted at 55% of the side on a stock photograph, 800×800, q85
/// JPEG: read at 256 pixels its repeat is 5 pixels, too fine to line up,
/// and the picture is decoded again larger (`image`'s module docs,
/// *Patterns finer than the picture read*).
fn fine_pattern() -> (RgbImage, Vec<u8>) {
    let pattern = knockoff::fixture::artwork::houndstooth(800, 4, Rgb([22, 40, 28]), Rgb([214, 232, 212]));
    let photo = image::open(root().join("fixtures/marketplace/stock/brick.jpg"))
        .expect("brick.jpg")
        .to_rgb8();
    let mut photo = image::imageops::resize(&photo, 800, 800, image::imageops::FilterType::Triangle);
    let small = image::imageops::resize(&pattern, 440, 440, image::imageops::FilterType::Triangle);
    image::imageops::replace(&mut photo, &small, 170, 120);
    (pattern, q85(&photo))
}

/// `img` as a q85 JPEG.
fn q85(img: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(img)
        .expect("encode");
    bytes
}

/// A check of a sett drawn at random, as a q85 JPEG: a pattern, but not
/// the registered one.
fn check_jpeg() -> Vec<u8> {
    let check = knockoff::fixture::artwork::random_check(&mut knockoff::rng::Rng::new(7));
    q85(&check)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The coffee work, stretched to 800×800 and saved as a q85 JPEG.
fn listing_jpeg() -> Vec<u8> {
    let work = image::open(root().join("config/works/coffee.png"))
        .expect("coffee.png")
        .to_rgb8();
    let big = image::imageops::resize(&work, 800, 800, image::imageops::FilterType::Triangle);
    q85(&big)
}

/// An unregistered stock photograph, squeezed to `side`×`side` and saved as
/// a q85 JPEG: the common listing image that matches nothing.
fn stock_jpeg(name: &str, side: u32) -> Vec<u8> {
    let pic = image::open(root().join("fixtures/marketplace/stock").join(name))
        .expect(name)
        .to_rgb8();
    let small = image::imageops::resize(&pic, side, side, image::imageops::FilterType::Triangle);
    q85(&small)
}

/// The coffee work turned 9° in a white frame, 400 pixels wide, q85 JPEG.
fn turned_jpeg() -> Vec<u8> {
    let work = image::open(root().join("config/works/coffee.png"))
        .expect("coffee.png")
        .to_rgb8();
    // The bench sees only the public API, so the turn is the plain
    // nearest-pixel one of a bounding box, not the crate's own helper.
    let (w, h) = (work.width() as f32, work.height() as f32);
    let (s, c) = 9f32.to_radians().sin_cos();
    let (bw, bh) = (w * c + h * s, w * s + h * c);
    let mut out = image::RgbImage::from_pixel(bw as u32, bh as u32, image::Rgb([255, 255, 255]));
    for (x, y, px) in out.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 - bw / 2.0, y as f32 - bh / 2.0);
        let (sx, sy) = (c * dx - s * dy + w / 2.0, s * dx + c * dy + h / 2.0);
        if sx >= 0.0 && sy >= 0.0 && sx < w && sy < h {
            *px = *work.get_pixel(sx as u32, sy as u32);
        }
    }
    let small = image::imageops::resize(
        &out,
        400,
        (400.0 * bh / bw) as u32,
        image::imageops::FilterType::Triangle,
    );
    q85(&small)
}

/// The coffee work at a fifth of the side of a white 400×400 picture, a
/// caption of dark bars under it, q85 JPEG: found by cutting it out of
/// its plain ground, before the partial-match search.
fn on_ground_jpeg() -> Vec<u8> {
    let work = image::open(root().join("config/works/coffee.png"))
        .expect("coffee.png")
        .to_rgb8();
    let mut canvas = image::RgbImage::from_pixel(400, 400, image::Rgb([255, 255, 255]));
    let h = 80 * work.height() / work.width();
    let small = image::imageops::resize(&work, 80, h, image::imageops::FilterType::Triangle);
    image::imageops::overlay(&mut canvas, &small, 40, 40);
    for bar in 0..5 {
        for (x, y) in (0..40).flat_map(|x| (0..10).map(move |y| (x, y))) {
            canvas.put_pixel(60 + bar * 60 + x, 360 + y, image::Rgb([20, 20, 20]));
        }
    }
    q85(&canvas)
}

fn bench(c: &mut Criterion) {
    let jpeg = listing_jpeg();
    let limits = ImageLimits::default();
    let index = WorkIndex::build(&works()).expect("index");
    let listing = [ListingImage {
        url: "bench".into(),
        bytes: Arc::from(jpeg.clone()),
    }];
    // An unregistered picture: the usual case, where the partial-match
    // search runs because the whole image matched nothing.
    let stock = std::fs::read(root().join("fixtures/marketplace/stock/horse.jpg")).expect("horse.jpg");
    let other = [ListingImage {
        url: "stock".into(),
        bytes: Arc::from(stock),
    }];
    // The same as a typical gallery image: 400×400, q85.
    let small = [ListingImage {
        url: "stock400".into(),
        bytes: Arc::from(stock_jpeg("horse.jpg", 400)),
    }];
    // Most stock photographs are grey; a listing image in colour that
    // matches nothing whole is also compared by its value (the
    // recoloured stage), decoded again in colour.
    let colour = [ListingImage {
        url: "colour".into(),
        bytes: Arc::from(stock_jpeg("retina.jpg", 800)),
    }];

    let mut group = c.benchmark_group("image");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));

    let naive = image_hasher::HasherConfig::new().to_hasher();
    group.bench_function("naive: load_from_memory + image_hasher defaults", |b| {
        b.iter(|| {
            let img = image::load_from_memory(&jpeg).expect("decode");
            naive.hash_image(&img)
        })
    });
    group.bench_function("hash_bytes", |b| b.iter(|| hash_bytes(&jpeg, &limits).expect("hash")));
    group.bench_function("compare vs 8 works (a match)", |b| {
        b.iter(|| index.compare(&listing, &limits))
    });
    group.bench_function("compare vs 8 works (no match, full search)", |b| {
        b.iter(|| index.compare(&other, &limits))
    });
    group.bench_function("compare vs 8 works (no match, 400×400 JPEG)", |b| {
        b.iter(|| index.compare(&small, &limits))
    });
    assert!(index.compare(&colour, &limits).matches.is_empty());
    group.bench_function("compare vs 8 works (no match, 800×800 colour JPEG)", |b| {
        b.iter(|| index.compare(&colour, &limits))
    });
    // A copy turned 9° with white corners: found only by the last stage,
    // after the whole image and the partial-match search found nothing.
    let turned = [ListingImage {
        url: "turned".into(),
        bytes: Arc::from(turned_jpeg()),
    }];
    group.bench_function("compare vs 8 works (turned 9°, corners filled)", |b| {
        b.iter(|| index.compare(&turned, &limits))
    });
    let grounded = [ListingImage {
        url: "ground".into(),
        bytes: Arc::from(on_ground_jpeg()),
    }];
    assert_eq!(
        index.compare(&grounded, &limits).matches.len(),
        1,
        "the work on a ground"
    );
    group.bench_function("compare vs 8 works (small on a plain ground)", |b| {
        b.iter(|| index.compare(&grounded, &limits))
    });
    // The pattern stage: only where nothing else matched and the registry
    // holds a pattern.
    let patterned = WorkIndex::build(&works_and("plaid", &plaid())).expect("index");
    let check = [ListingImage {
        url: "check".into(),
        bytes: Arc::from(check_jpeg()),
    }];
    // Against the 8 works alone, the horse is the full search above.
    group.bench_function("compare vs 8 works (no match, a random check)", |b| {
        b.iter(|| index.compare(&check, &limits))
    });
    for (name, listing) in [("full search", &other), ("a random check", &check)] {
        assert!(patterned.compare(listing, &limits).matches.is_empty(), "{name}");
        group.bench_function(format!("compare vs 8 works and a pattern (no match, {name})"), |b| {
            b.iter(|| patterned.compare(listing, &limits))
        });
    }
    // A pattern too fine for the picture read: found once decoded larger.
    let (houndstooth, pasted) = fine_pattern();
    let fine = WorkIndex::build(&works_and("houndstooth", &houndstooth)).expect("index");
    let pasted = [ListingImage {
        url: "pasted".into(),
        bytes: Arc::from(pasted),
    }];
    assert_eq!(fine.compare(&pasted, &limits).matches.len(), 1, "the fine pattern");
    group.bench_function(
        "compare vs 8 works and a fine pattern (pasted small: decoded again)",
        |b| b.iter(|| fine.compare(&pasted, &limits)),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
