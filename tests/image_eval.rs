//! `knockoff eval images` on a labelled set rendered from the fixture
//! catalogue: every copied work as its listing shows it, every work turned
//! by every whole angle up to 15°, every work pasted small onto stock
//! photos, clean listings' pictures, turned stock photos, and look-alikes
//! (a stock photo of a like subject for each work); held above the floors
//! issue 4 sets.

use knockoff::config::registry::Work;
use knockoff::config::{default_config_dir, Registry};
use knockoff::eval::images::{
    evaluate_images, labelled_from_catalogue, write_artwork_set, write_labelled, ImageEval, LabelledImage,
};
use knockoff::fixture;
use knockoff::image::{ImageLimits, WorkIndex};

const MIN_RECALL: f64 = 0.90;
const MIN_RECALL_GEOMETRIC: f64 = 0.80;
const MAX_FALSE_POSITIVES: f64 = 0.01;

#[test]
fn fixture_images_hold_the_floors() {
    let dir = fixture::default_dir();
    let set = labelled_from_catalogue(
        &fixture::load_catalogue(&dir).unwrap(),
        &fixture::load_truth(&dir).unwrap(),
        300,
    );
    let out = tempfile::tempdir().unwrap();
    write_labelled(&dir, out.path(), &set).unwrap();
    let labels: Vec<_> = set.into_iter().map(|(l, _)| l).collect();
    assert!(labels.iter().filter(|l| l.work.is_none()).count() >= 300);

    let registry = Registry::load(&default_config_dir().join("registry.toml")).unwrap();
    let e = evaluate(out.path(), &labels, &registry.works);
    holds_overall_floors(&e);
    // Look-alikes and turned unregistered pictures are held on their own
    // too: among a thousand clean pictures a few matches would hide under
    // the overall rate.
    for tag in ["lookalike", "rotate", "small"] {
        let (matched, of) = e.false_positives_by_edit.get(tag).copied().unwrap_or_default();
        assert!(of > 0, "no unregistered {tag} pictures in the set");
        assert!(
            matched as f64 / of as f64 <= MAX_FALSE_POSITIVES,
            "{tag}: {matched}/{of} unregistered pictures matched"
        );
    }
    // Works shown small (under half the picture's side) are pasted onto a
    // background too, and held to the same floor on their own.
    for edit in ["crop", "pad", "background", "rotate", "small"] {
        let (found, of) = e.by_edit.get(edit).copied().unwrap_or_default();
        assert!(of > 0, "no {edit} pictures in the set");
        assert!(found as f64 / of as f64 >= MIN_RECALL_GEOMETRIC, "{edit}: {found}/{of}");
    }
}

/// Flat artwork (`knockoff fixtures artwork`: logos of a few flat colours
/// on white, and look-alikes in the same shapes) is held to the floors the
/// photographs are, but for a watermark across a drawing, which is found
/// 7 times of 8 (see README) and held to the geometric edits' floor: a bar
/// across a drawing of few sure bits turns many of them.
#[test]
fn flat_artwork_is_found_whole_on_a_ground_and_no_lookalike_matches() {
    let out = tempfile::tempdir().unwrap();
    let mut labels = write_artwork_set(&fixture::default_dir(), out.path()).unwrap();
    let registry = Registry::load(&out.path().join("registry.toml")).unwrap();
    assert_eq!(registry.works.len(), 8);
    // Every copy of the set is found; one too small for any stage (a
    // drawing a twelfth of a photograph's side, in its corner) makes sure
    // there is a miss to say how near it came, below.
    labels.push(too_small(&registry.works[0], out.path()));
    let e = evaluate(out.path(), &labels, &registry.works);
    // A false positive costs as much as a miss: held as for photographs,
    // overall and on the look-alikes and T-shirts alone.
    assert!(
        e.false_positive_rate() <= MAX_FALSE_POSITIVES,
        "false positives {:.4}",
        e.false_positive_rate()
    );
    for tag in ["lookalike", "shirt"] {
        let (matched, of) = e.false_positives_by_edit.get(tag).copied().unwrap_or_default();
        assert!(of > 0, "no unregistered {tag} pictures in the set");
        assert!(
            matched as f64 / of as f64 <= MAX_FALSE_POSITIVES,
            "{tag}: {matched}/{of} unregistered pictures matched"
        );
    }
    for edit in ["resize", "jpeg", "grey", "hue", "mirror", "pad"] {
        let (found, of) = e.by_edit.get(edit).copied().unwrap_or_default();
        assert!(of > 0, "no {edit} pictures in the set");
        assert!(found as f64 / of as f64 >= MIN_RECALL, "{edit}: {found}/{of}");
    }
    // A drawing on a photograph, small, or printed on a T-shirt is cut out
    // of its plain ground (`image/ground.rs`); so is a watermarked one, whose
    // watermark crosses the white margin.
    for edit in ["crop", "rotate", "background", "small", "shirt", "watermark"] {
        let (found, of) = e.by_edit.get(edit).copied().unwrap_or_default();
        assert!(of > 0, "no {edit} pictures in the set");
        assert!(found as f64 / of as f64 >= MIN_RECALL_GEOMETRIC, "{edit}: {found}/{of}");
    }
    assert!(e.recall() >= MIN_RECALL, "recall {:.3}", e.recall());
    // Each copy missed says how near it came. None was lost by the index,
    // which proposes only views that share a slot with the picture: the
    // closest of all the work's views, compared whole, is past the limit,
    // as is whatever a stage lined up.
    let missed: Vec<_> = e.wrong.iter().filter(|w| w.expected.is_some()).collect();
    assert!(missed.iter().any(|w| w.file == "too-small.jpg"), "{missed:?}");
    let rendered = e.render();
    for w in missed {
        let n = w.nearness.unwrap_or_else(|| panic!("{}: how near is not said", w.file));
        assert!(n.whole > n.whole_limit, "{}: {n:?}", w.file);
        if let Some((d, limit)) = n.nearest {
            assert!(d > limit, "{}: {n:?}", w.file);
        }
        assert!(rendered.contains(&format!("{}: expected", w.file)));
    }
}

/// The same drawings registered as a logo is often supplied, a PNG whose
/// white ground is transparent (its hidden pixels black, as many tools
/// leave them), are found as the opaque ones are: the ground is shown as
/// a page shows it, white. Taken as stored, the drawings stood on black
/// and matched none of their 120 copies (and 5 unregistered pictures).
#[test]
fn transparent_logos_are_found_as_shown_on_a_page() {
    let out = tempfile::tempdir().unwrap();
    let labels = write_artwork_set(&fixture::default_dir(), out.path()).unwrap();
    let registry = Registry::load(&out.path().join("registry.toml")).unwrap();
    for work in &registry.works {
        for path in &work.images {
            let mut logo = image::open(path).unwrap().to_rgba8();
            for p in logo.pixels_mut() {
                if p.0[..3].iter().all(|&c| c >= 250) {
                    *p = image::Rgba([0, 0, 0, 0]);
                }
            }
            logo.save(path).unwrap();
        }
    }
    holds_overall_floors(&evaluate(out.path(), &labels, &registry.works));
}

/// `work`'s first image shrunk to a twelfth of the side of a stock
/// photograph and pasted in its corner, written to `dir`, labelled.
fn too_small(work: &Work, dir: &std::path::Path) -> LabelledImage {
    let stock = fixture::default_dir().join("stock");
    let mut photos: Vec<_> = std::fs::read_dir(stock).unwrap().map(|e| e.unwrap().path()).collect();
    photos.sort();
    let mut photo = image::open(&photos[0]).unwrap().to_rgb8();
    let side = photo.width().min(photo.height()) / 12;
    let drawing = image::open(&work.images[0]).unwrap().to_rgb8();
    let small = image::imageops::resize(&drawing, side, side, image::imageops::FilterType::Triangle);
    image::imageops::overlay(&mut photo, &small, 8, 8);
    photo.save(dir.join("too-small.jpg")).unwrap();
    LabelledImage {
        file: "too-small.jpg".to_string(),
        work: Some(work.id.clone()),
        edits: vec!["too small".to_string()],
    }
}

/// The labelled pictures in `dir` scored against `works`, the table
/// printed; no picture may fail to be read.
fn evaluate(dir: &std::path::Path, labels: &[LabelledImage], works: &[Work]) -> ImageEval {
    let index = WorkIndex::build(works).unwrap();
    let e = evaluate_images(dir, labels, &index, &ImageLimits::default());
    eprintln!("{}", e.render());
    assert!(e.failures.is_empty(), "{:?}", e.failures);
    e
}

/// Recall and false positives over the whole set, at issue 4's floors.
fn holds_overall_floors(e: &ImageEval) {
    assert!(e.recall() >= MIN_RECALL, "recall {:.3}", e.recall());
    assert!(
        e.false_positive_rate() <= MAX_FALSE_POSITIVES,
        "false positives {:.4}",
        e.false_positive_rate()
    );
}
