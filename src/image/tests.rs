//! Listing images made by editing the registered works the way copiers do,
//! and real unregistered photographs that must match nothing.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use ::image::{imageops, DynamicImage, ImageFormat, Rgb, RgbImage};

use super::index::shares_slot;
use super::*;
use crate::fixture::artwork::houndstooth;
use crate::model::RightKind;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn works() -> Vec<Work> {
    files("config/works", "png")
        .into_iter()
        .map(|path| work(format!("cr-{}", stem(&path)), path))
        .collect()
}

/// A copyright work `id` of the one picture at `path`.
fn work(id: String, path: PathBuf) -> Work {
    Work {
        title: stem(&path),
        id,
        kind: RightKind::Copyright,
        holder: "h".into(),
        registration: "1".into(),
        images: vec![path],
        valid_until: None,
    }
}

fn index() -> &'static WorkIndex {
    static INDEX: OnceLock<WorkIndex> = OnceLock::new();
    INDEX.get_or_init(|| WorkIndex::build(&works()).unwrap())
}

fn open(path: &Path) -> RgbImage {
    ::image::open(path).unwrap().to_rgb8()
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut buf = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut buf), ImageFormat::Png)
        .unwrap();
    buf
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut buf = Vec::new();
    ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
        .encode_image(img)
        .unwrap();
    buf
}

fn listing(url: &str, bytes: Vec<u8>) -> ListingImage {
    ListingImage {
        url: url.to_string(),
        bytes: Arc::from(bytes),
    }
}

/// Pastes `work` onto `background` (made square), its longer side
/// `fraction` of the background's, at `(fx, fy)` of the free space.
fn paste(work: &RgbImage, background: &RgbImage, fraction: f64, fx: f64, fy: f64) -> (RgbImage, Region) {
    let side = 600;
    let mut canvas = imageops::resize(background, side, side, imageops::FilterType::Triangle);
    let (ww, wh) = work.dimensions();
    let s = fraction * f64::from(side) / f64::from(ww.max(wh));
    let (pw, ph) = ((f64::from(ww) * s) as u32, (f64::from(wh) * s) as u32);
    let small = imageops::resize(work, pw, ph, imageops::FilterType::Triangle);
    let x = (f64::from(side - pw) * fx) as u32;
    let y = (f64::from(side - ph) * fy) as u32;
    imageops::overlay(&mut canvas, &small, i64::from(x), i64::from(y));
    (
        canvas,
        Region {
            x,
            y,
            width: pw,
            height: ph,
        },
    )
}

/// The edits a copier makes, as (name, listing image bytes, where the work
/// is in it when not the whole image).
fn edits(work: &RgbImage, background: &RgbImage) -> Vec<(&'static str, Vec<u8>, Option<Region>)> {
    let (w, h) = work.dimensions();
    let dynamic = DynamicImage::ImageRgb8(work.clone());
    let mut out = vec![
        (
            "resize 60%",
            png(&imageops::resize(
                work,
                w * 6 / 10,
                h * 6 / 10,
                imageops::FilterType::Triangle,
            )),
            None,
        ),
        ("jpeg q40", jpeg(work, 40), None),
        ("mirror", png(&imageops::flip_horizontal(work)), None),
        ("hue +90°", png(&dynamic.huerotate(90).to_rgb8()), None),
        ("brighter", png(&imageops::colorops::brighten(work, 40)), None),
        (
            "grey",
            png(&DynamicImage::ImageLuma8(dynamic.to_luma8()).to_rgb8()),
            None,
        ),
    ];
    // A dark bar with light text-like blocks across the middle.
    let mut marked = work.clone();
    let (y0, y1) = (h * 45 / 100, h * 57 / 100);
    for y in y0..y1 {
        for x in w / 10..w * 9 / 10 {
            let ink = (x / 6) % 3 != 0 && y > y0 + 3 && y + 3 < y1;
            marked.put_pixel(x, y, if ink { Rgb([250, 250, 250]) } else { Rgb([20, 20, 20]) });
        }
    }
    out.push(("watermark", jpeg(&marked, 85), None));
    out.push((
        "crop 10% right",
        png(&imageops::crop_imm(work, 0, 0, w * 9 / 10, h).to_image()),
        None,
    ));
    out.push((
        "crop 10% around",
        png(&imageops::crop_imm(work, w / 20, h / 20, w * 9 / 10, h * 9 / 10).to_image()),
        None,
    ));
    out.push((
        "crop 20% corner",
        jpeg(&imageops::crop_imm(work, w / 5, 0, w * 4 / 5, h * 4 / 5).to_image(), 85),
        None,
    ));
    let mut padded = RgbImage::from_pixel(w + w / 4, h + h / 4, Rgb([255, 255, 255]));
    imageops::overlay(&mut padded, work, i64::from(w / 8), i64::from(h / 8));
    out.push(("white border", jpeg(&padded, 75), None));
    // Framed on white, then turned with the corners filled black, as an
    // editor turns a picture on its page.
    let framed = turn(&padded, -9.0, Some(Rgb([0, 0, 0])));
    out.push(("white border, turned -9° black", jpeg(&framed, 80), None));
    let (pasted, region) = paste(work, background, 0.7, 0.5, 0.5);
    out.push(("paste 70% centre", jpeg(&pasted, 85), Some(region)));
    let (pasted, region) = paste(work, background, 0.7, 0.15, 0.8);
    out.push(("paste 70% off", jpeg(&pasted, 85), Some(region)));
    let (pasted, region) = paste(work, background, 0.55, 0.3, 0.6);
    out.push(("paste 55%", jpeg(&pasted, 85), Some(region)));
    let (pasted, region) = paste(work, background, 0.85, 0.9, 0.1);
    out.push(("paste 85%", jpeg(&pasted, 85), Some(region)));
    // Small, as on a product photo: under the half-picture windows.
    let (pasted, region) = paste(work, background, 0.4, 0.8, 0.25);
    out.push(("paste 40%", jpeg(&pasted, 85), Some(region)));
    // Turns halfway between the indexed angles (the worst case), with the
    // corners filled or cropped away, then saved as JPEG.
    for (edit, degrees, fill) in [
        ("turn 1.5° white", 1.5, Some(Rgb([255, 255, 255]))),
        ("turn -4.5° crop", -4.5, None),
        ("turn 7.5° black", 7.5, Some(Rgb([0, 0, 0]))),
        ("turn -10.5° grey", -10.5, Some(Rgb([128, 128, 128]))),
        ("turn 13.5° crop", 13.5, None),
        ("turn -15° white", -15.0, Some(Rgb([255, 255, 255]))),
    ] {
        out.push((edit, jpeg(&turn(work, degrees, fill), 85), None));
    }
    out
}

/// Intersection over union of two regions.
fn overlap(a: Region, b: Region) -> f64 {
    let x0 = a.x.max(b.x);
    let y0 = a.y.max(b.y);
    let x1 = (a.x + a.width).min(b.x + b.width);
    let y1 = (a.y + a.height).min(b.y + b.height);
    let inter = f64::from(x1.saturating_sub(x0)) * f64::from(y1.saturating_sub(y0));
    let area = |r: Region| f64::from(r.width) * f64::from(r.height);
    inter / (area(a) + area(b) - inter)
}

/// How much a match's region must overlap the pasted work (intersection
/// over union).
const REGION_OVERLAP: f64 = 0.7;

#[test]
fn edited_works_match_their_work() {
    let index = index();
    let works = files("config/works", "png");
    let stock = files("fixtures/marketplace/stock", "jpg");
    let mut table: Vec<(&str, Vec<String>)> = Vec::new();
    let mut wrong = Vec::new();
    for (i, path) in works.iter().enumerate() {
        let work = open(path);
        let background = open(&stock[i % stock.len()]);
        let want = format!("cr-{}", stem(path));
        for (k, (edit, bytes, region)) in edits(&work, &background).into_iter().enumerate() {
            let url = format!("{want}/{edit}");
            let report = index.compare(&[listing(&url, bytes)], &ImageLimits::default());
            assert!(report.failures.is_empty(), "{url}: {:?}", report.failures);
            let hit = report.matches.iter().find(|m| m.work_id == want);
            let cell = match hit {
                Some(m) => format!("{}{}", m.distance, if m.mirrored { "m" } else { "" }),
                None => "MISS".to_string(),
            };
            if table.len() <= k {
                table.push((edit, Vec::new()));
            }
            table[k].1.push(cell);
            if hit.is_none() {
                wrong.push(format!("{url}: missed"));
            }
            for m in report.matches.iter().filter(|m| m.work_id != want) {
                wrong.push(format!("{url}: also matched {} at {}", m.work_id, m.distance));
            }
            if let (Some(m), Some(region)) = (hit, region) {
                let iou = overlap(m.region, region);
                if iou < REGION_OVERLAP {
                    wrong.push(format!(
                        "{url}: region {:?}, pasted at {region:?} (IoU {iou:.2})",
                        m.region
                    ));
                }
            }
        }
    }
    println!(
        "bits that differ from the right work, of those it is sure of (at most {}; m = matched its mirror image)",
        Signature::BITS
    );
    print!("{:18}", "");
    for path in &works {
        print!("{:>11}", stem(path));
    }
    println!();
    for (edit, cells) in &table {
        print!("{edit:18}");
        for cell in cells {
            print!("{cell:>11}");
        }
        println!();
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A tiny deterministic generator for crop positions (xorshift).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn unregistered_pictures_match_nothing() {
    let index = index();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut images = Vec::new();
    for path in files("fixtures/marketplace/stock", "jpg") {
        let bytes = std::fs::read(&path).unwrap();
        let pic = open(&path);
        images.push(listing(&stem(&path), bytes));
        let (w, h) = pic.dimensions();
        for n in 0..3 {
            let cw = w / 3 + (next(&mut seed) % u64::from(w / 2)) as u32;
            let ch = h / 3 + (next(&mut seed) % u64::from(h / 2)) as u32;
            let x = (next(&mut seed) % u64::from(w - cw + 1)) as u32;
            let y = (next(&mut seed) % u64::from(h - ch + 1)) as u32;
            let crop = imageops::crop_imm(&pic, x, y, cw, ch).to_image();
            images.push(listing(&format!("{}/crop{n}", stem(&path)), jpeg(&crop, 80)));
        }
        // Turned the ways copies are, so that the turned views and the
        // rectangles cut out of turned pictures meet unrelated ones too.
        for (n, (degrees, fill)) in [
            (5.0, Some(Rgb([255, 255, 255]))),
            (-11.0, None),
            (15.0, Some(Rgb([0, 0, 0]))),
        ]
        .into_iter()
        .enumerate()
        {
            let turned = turn(&pic, degrees, fill);
            images.push(listing(&format!("{}/turn{n}", stem(&path)), jpeg(&turned, 80)));
        }
        // Framed on white and turned with black corners, whose cut
        // rectangles are trimmed of the frame too.
        let mut framed = RgbImage::from_pixel(w + w / 4, h + h / 4, Rgb([255, 255, 255]));
        imageops::overlay(&mut framed, &pic, i64::from(w / 8), i64::from(h / 8));
        let framed = turn(&framed, 10.0, Some(Rgb([0, 0, 0])));
        images.push(listing(&format!("{}/framed", stem(&path)), jpeg(&framed, 80)));
    }
    // And collages of them, the way a seller composes a gallery picture,
    // whose cells are compared whole (`ground::cells`).
    let stock: Vec<RgbImage> = files("fixtures/marketplace/stock", "jpg")
        .iter()
        .map(|p| open(p))
        .collect();
    for ((n, m), gutter, side) in COLLAGES {
        for first in 0..stock.len() {
            let pictures: Vec<&RgbImage> = (0..(n * m) as usize)
                .map(|k| &stock[(first + k * 3) % stock.len()])
                .collect();
            let (canvas, _) = collage(&pictures, (n, m), gutter, side);
            images.push(listing(
                &format!("collage {n}x{m} gutter {gutter} from {first}"),
                jpeg(&canvas, 85),
            ));
        }
    }
    let report = index.compare(&images, &ImageLimits::default());
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.digests.len(), images.len());

    // The closest any of them comes, even searching every time, for the
    // module docs.
    let mut global = Vec::new();
    let mut searched = Vec::new();
    let mut turned = Vec::new();
    let mut dct_only = Vec::new();
    let mut figured = Vec::new();
    let mut recoloured = Vec::new();
    for image in &images {
        let pic = decode::load(&image.bytes, &ImageLimits::default()).unwrap();
        let integral = Integral::new(&pic.grey);
        let whole = Rect::from_trim(pic.trim);
        let Some(sig) = hash::fine(&integral, whole) else {
            continue;
        };
        global.extend(index.views.iter().map(|v| v.signature.distance(&sig)));
        dct_only.extend(index.views.iter().map(|v| v.signature.dct.distance(&sig.dct)));
        let coarse = hash::coarse(&integral, whole).unwrap();
        searched.extend(
            index
                .search(&integral, &index.hash_windows(&integral, whole), whole, &sig, coarse)
                .iter()
                .map(|f| f.distance),
        );
        for rect in ground::regions(&pic.grey, pic.trim).flatten().filter(|&r| r != whole) {
            let Some(fig) = hash::fine(&integral, rect) else {
                continue;
            };
            figured.extend(
                (0..index.views.len())
                    .map(|v| {
                        Found::judged(
                            v,
                            &fig,
                            (&index.views[v].signature, &index.views[v].sure),
                            None,
                            MATCH_DISTANCE,
                        )
                    })
                    .map(|f| f.distance),
            );
        }
        if let Some(value) = decode::value(&image.bytes, &ImageLimits::default()) {
            let integral = Integral::new(&value);
            let again = Rect::from_trim(decode::trim_within(&pic.grey, pic.trim));
            for rect in [whole, again] {
                let at = rect.resized(pic.grey.dimensions(), value.dimensions());
                let Some(sig) = hash::fine(&integral, at) else {
                    continue;
                };
                recoloured.extend(index.views.iter().enumerate().filter_map(|(v, view)| {
                    let (held, sure) = view.value.as_ref()?;
                    Some(Found::judged(v, &sig, (held, sure), None, MATCH_DISTANCE).distance)
                }));
            }
        }
        turned.extend(index.turned.iter().map(|t| t.signature.distance(&sig)));
        let all = Rect::from_trim((0, 0, pic.grey.width(), pic.grey.height()));
        for rect in [whole, all] {
            turned.extend(
                index
                    .unturn((&pic.grey, &integral), rect, Signature::BITS)
                    .iter()
                    .map(|f| f.distance),
            );
        }
    }
    turned.sort_unstable();
    global.sort_unstable();
    searched.sort_unstable();
    let n = global.len() as f64;
    let mean = global.iter().map(|&d| f64::from(d)).sum::<f64>() / n;
    let sd = (global.iter().map(|&d| (f64::from(d) - mean).powi(2)).sum::<f64>() / n).sqrt();
    println!(
        "unrelated, whole image: n={} min={} 1%={} mean={mean:.1} sd={sd:.1}",
        global.len(),
        global[0],
        global[global.len() / 100],
    );
    dct_only.sort_unstable();
    println!("unrelated, whole image, DCT hash alone: min={}", dct_only[0]);
    println!(
        "unrelated, after the partial-match search: n={} min={:?}",
        searched.len(),
        searched.first()
    );
    figured.sort_unstable();
    println!(
        "unrelated, figures on a plain ground and cells: n={} min={:?}",
        figured.len(),
        figured.first()
    );
    recoloured.sort_unstable();
    println!(
        "unrelated, values (recoloured copies): n={} min={} 1%={}",
        recoloured.len(),
        recoloured[0],
        recoloured[recoloured.len() / 100]
    );
    println!(
        "unrelated, turned views and unturned rectangles: n={} min={} 1%={}",
        turned.len(),
        turned[0],
        turned[turned.len() / 100]
    );
    assert!(report.matches.is_empty(), "{:#?}", report.matches);
}

/// A work shown small on a plain ground, under the partial-match search's
/// smallest window and beside a caption (so trimming the picture's border
/// does not leave the work alone), is cut out of the ground whole. Without
/// `ground.rs`, none of these was found.
///
/// The rocket on the dark blue of its own sky, which the ground takes in
/// as the border trim takes in the sky of a crop of it, was the one miss;
/// it is now found by the collage cell it stands in (`ground::cells`).
#[test]
fn a_work_small_on_a_plain_ground_is_cut_out_of_it() {
    let index = index();
    let mut missed = Vec::new();
    for path in files("config/works", "png") {
        let work = open(&path);
        for (n, ground) in [Rgb([255, 255, 255]), Rgb([30, 60, 140])].into_iter().enumerate() {
            // A fifth of the side, in the top left corner, and the caption
            // across the bottom: the picture trimmed of its border is some
            // 500 pixels a side, the work a quarter of it.
            let (mut canvas, region) = paste(&work, &RgbImage::from_pixel(600, 600, ground), 0.2, 0.1, 0.1);
            for bar in 0..7 {
                for (x, y) in (0..50).flat_map(|x| (0..14).map(move |y| (x, y))) {
                    canvas.put_pixel(110 + bar * 64 + x, 560 + y, Rgb([20, 20, 20]));
                }
            }
            let name = format!("{}/ground{n}", stem(&path));
            let report = index.compare(&[listing(&name, jpeg(&canvas, 85))], &ImageLimits::default());
            let want = format!("cr-{}", stem(&path));
            let hit = report.matches.iter().find(|m| m.work_id == want);
            let Some(hit) = hit else {
                missed.push(name);
                continue;
            };
            // Within the work, and most of it: a ground of the colour of
            // the work's edge takes that edge (the rocket's dark blue sky on
            // the blue ground), as the border trim does.
            let r = hit.region;
            let inside = r.x + 3 >= region.x
                && r.y + 3 >= region.y
                && r.x + r.width <= region.x + region.width + 3
                && r.y + r.height <= region.y + region.height + 3;
            assert!(inside && overlap(r, region) >= 0.5, "{name}: {r:?} not {region:?}");
            assert_eq!(report.matches.len(), 1, "{name}: {:?}", report.matches);
        }
    }
    assert!(missed.is_empty(), "{missed:?}");
}

/// The collages the tests lay pictures into: (columns, rows), the gutter
/// and a cell's longer side, in pixels.
const COLLAGES: [((u32, u32), u32, u32); 7] = [
    ((2, 2), 0, 300),
    ((2, 2), 10, 300),
    ((3, 3), 0, 200),
    ((3, 3), 6, 200),
    ((3, 2), 0, 260),
    ((1, 3), 8, 400),
    ((4, 4), 4, 150),
];

/// `pictures` laid out `n` columns by `m` rows on a white picture of
/// `side` pixels a cell's longer side, each fitted into its cell (its
/// aspect kept, centred) inside a white gutter of `gutter` pixels, as a
/// seller's collage; and where each stands.
fn collage(pictures: &[&RgbImage], (n, m): (u32, u32), gutter: u32, side: u32) -> (RgbImage, Vec<Region>) {
    // Cells of 4:3 or 3:4, the way the grid leans.
    let (cw, ch) = if n >= m {
        (side, side * 3 / 4)
    } else {
        (side * 3 / 4, side)
    };
    let mut canvas = RgbImage::from_pixel(cw * n, ch * m, Rgb([255, 255, 255]));
    let mut regions = Vec::new();
    for (k, picture) in pictures.iter().enumerate().take((n * m) as usize) {
        let (cx, cy) = ((k as u32 % n) * cw, (k as u32 / n) * ch);
        let (rw, rh) = (cw - 2 * gutter, ch - 2 * gutter);
        let (w, h) = picture.dimensions();
        let s = (f64::from(rw) / f64::from(w)).min(f64::from(rh) / f64::from(h));
        let (pw, ph) = ((f64::from(w) * s) as u32, (f64::from(h) * s) as u32);
        let small = imageops::resize(*picture, pw, ph, imageops::FilterType::Triangle);
        let (x, y) = (cx + gutter + (rw - pw) / 2, cy + gutter + (rh - ph) / 2);
        imageops::overlay(&mut canvas, &small, i64::from(x), i64::from(y));
        regions.push(Region {
            x,
            y,
            width: pw,
            height: ph,
        });
    }
    (canvas, regions)
}

/// A work shown as one picture of a collage of unregistered ones, 2 by 2
/// or 3 by 3, 3 by 2, 1 by 3 or 4 by 4, with or without a gutter, is found
/// in its cell: a cell of a third of the side, less its gutter, is at the
/// partial-match search's smallest window or under it, and a gutter of the collage's white leaves no plain
/// ground around any one picture. Before the cells (`ground::cells`), the
/// scratch set of the 8 works in a 3 by 3 collage without gutters was
/// found 4 times of 8. Before the cells of the untrimmed picture were
/// added to those of the trimmed one, the hubble was missed in the 2 by 2
/// and 3 by 3 collages without a gutter: the white beside the pictures at
/// the collage's edges was trimmed, and the trimmed picture's grid cut
/// each cell a strip of its neighbour.
#[test]
fn a_work_in_a_collage_is_found_in_its_cell() {
    let index = index();
    let stock: Vec<RgbImage> = files("fixtures/marketplace/stock", "jpg")
        .iter()
        .map(|p| open(p))
        .collect();
    let mut missed = Vec::new();
    for (w, path) in files("config/works", "png").iter().enumerate() {
        let work = open(path);
        for ((n, m), gutter, side) in COLLAGES {
            // The work in a different cell each time, the others stock.
            let at = (w * 5 + n as usize) % (n * m) as usize;
            let pictures: Vec<&RgbImage> = (0..(n * m) as usize)
                .map(|k| if k == at { &work } else { &stock[(k + w) % stock.len()] })
                .collect();
            let (canvas, regions) = collage(&pictures, (n, m), gutter, side);
            let name = format!("{}/collage {n}x{m} gutter {gutter}", stem(path));
            let report = index.compare(&[listing(&name, jpeg(&canvas, 85))], &ImageLimits::default());
            let want = format!("cr-{}", stem(path));
            let Some(hit) = report.matches.iter().find(|m| m.work_id == want) else {
                missed.push(name);
                continue;
            };
            assert_eq!(report.matches.len(), 1, "{name}: {:?}", report.matches);
            let (r, region) = (hit.region, regions[at]);
            assert!(overlap(r, region) >= 0.5, "{name}: {r:?} not {region:?}");
        }
    }
    assert!(missed.is_empty(), "{missed:?}");
}

/// A way of turning or flipping a picture.
type Turn = fn(&RgbImage) -> RgbImage;

/// The 8 Exif orientations, each with the turn that undoes it: what a
/// camera stores for a picture shown upright.
const ORIENTATIONS: [(u16, Turn); 8] = [
    (1, |p| p.clone()),
    (2, imageops::flip_horizontal),
    (3, imageops::rotate180),
    (4, imageops::flip_vertical),
    // Turned a quarter and flipped: a transpose, its own inverse.
    (5, |p| imageops::flip_horizontal(&imageops::rotate90(p))),
    // Shown turned a quarter clockwise, so stored turned anticlockwise.
    (6, imageops::rotate270),
    (7, |p| imageops::flip_horizontal(&imageops::rotate270(p))),
    (8, imageops::rotate90),
];

/// A TIFF block (big-endian) with one IFD entry: the orientation.
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a".to_vec();
    tiff.extend(8u32.to_be_bytes());
    tiff.extend(1u16.to_be_bytes());
    // Tag 0x0112, type SHORT, one value, padded to four bytes.
    tiff.extend(0x0112u16.to_be_bytes());
    tiff.extend(3u16.to_be_bytes());
    tiff.extend(1u32.to_be_bytes());
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend(0u32.to_be_bytes());
    tiff
}

/// `jpeg` with an Exif APP1 segment saying `orientation`, after an XMP
/// APP1 (which must be passed over) right after its start marker.
fn jpeg_with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let segment = |body: &[u8]| {
        let mut out = vec![0xFF, 0xE1];
        out.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        out.extend(body);
        out
    };
    let xmp = segment(b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
    let exif = segment(&[b"Exif\0\0".as_slice(), &exif_tiff(orientation)].concat());
    [&jpeg[..2], &xmp, &exif, &jpeg[2..]].concat()
}

/// `png` with an eXIf chunk saying `orientation`, after its IHDR.
fn png_with_orientation(png: &[u8], orientation: u16) -> Vec<u8> {
    // Signature (8) and IHDR (4 + 4 + 13 + 4).
    let (head, rest) = png.split_at(33);
    let mut chunk = b"eXIf".to_vec();
    chunk.extend(exif_tiff(orientation));
    let crc = crc32(&chunk);
    let mut out = head.to_vec();
    out.extend(u32::try_from(chunk.len() - 4).unwrap().to_be_bytes());
    out.extend(chunk);
    out.extend(crc.to_be_bytes());
    out.extend(rest);
    out
}

/// A picture stored as a camera stores it, turned or flipped, with the
/// Exif orientation that says how to show it, is compared as shown: as a
/// listing image (JPEG) it is found, whole, with the region in the shown
/// picture's coordinates; as a registered work (PNG) it finds an upright
/// copy. Without the orientation, six of the eight ways of storing it
/// defeat every hash.
#[test]
fn a_picture_is_compared_as_its_exif_orientation_shows_it() {
    let index = index();
    let limits = ImageLimits::default();
    for path in files("config/works", "png") {
        // Most are wider than high, so a quarter turn shows in the
        // region's sides.
        let shown = open(&path);
        let (w, h) = shown.dimensions();
        let want = format!("cr-{}", stem(&path));
        let upright = hash_bytes(&jpeg(&shown, 85), &limits).unwrap();
        for (orientation, store) in ORIENTATIONS {
            let stored = store(&shown);
            let bytes = jpeg_with_orientation(&jpeg(&stored, 85), orientation);
            let name = format!("{}/exif {orientation}", stem(&path));
            let hashes = hash_bytes(&bytes, &limits).unwrap();
            let d = hashes.signature.distance(&upright.signature);
            // Stored turned, the JPEG's blocks and the shrink's fall
            // elsewhere on the picture: up to 43 bits here.
            assert!(d <= Signature::BITS / 8, "{name}: {d} bits from the upright JPEG");
            let report = index.compare(&[listing(&name, bytes)], &limits);
            assert!(report.failures.is_empty(), "{name}: {:?}", report.failures);
            let hit = report.matches.iter().find(|m| m.work_id == want);
            let hit = hit.unwrap_or_else(|| panic!("{name}: {:?}", report.matches));
            let whole = Region {
                x: 0,
                y: 0,
                width: w,
                height: h,
            };
            assert!(overlap(hit.region, whole) >= 0.9, "{name}: {:?}", hit.region);

            // Registered from such a file, the work is found in the
            // upright copy.
            let camera = Work {
                id: "camera".into(),
                kind: RightKind::Copyright,
                title: name.clone(),
                holder: "h".into(),
                registration: "1".into(),
                images: Vec::new(),
                valid_until: None,
            };
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("work.png");
            std::fs::write(&file, png_with_orientation(&png(&stored), orientation)).unwrap();
            let registered = WorkIndex::build(&[Work {
                images: vec![file],
                ..camera
            }])
            .unwrap();
            let report = registered.compare(&[listing(&name, jpeg(&shown, 85))], &limits);
            assert_eq!(report.matches.len(), 1, "{name} registered: {:?}", report.matches);
        }
    }
}

/// A copy is found in every format a marketplace serves a picture in:
/// WebP (what many serve their JPEGs as, lossy; lossless too), GIF (256
/// colours), PNG and JPEG. The lossy WebP is a file made by libwebp
/// (Pillow, quality 80) from the motorcycle at 400×270, as `image` encodes
/// WebP only losslessly.
#[test]
fn copies_in_every_served_format_are_found() {
    let index = index();
    let limits = ImageLimits::default();
    let work = open(&root().join("config/works/motorcycle.png"));
    let small = imageops::resize(&work, 400, 270, imageops::FilterType::Triangle);
    let encoded = |format: ImageFormat| {
        let mut buf = Vec::new();
        DynamicImage::ImageRgb8(small.clone())
            .write_to(&mut std::io::Cursor::new(&mut buf), format)
            .unwrap();
        buf
    };
    let lossy = std::fs::read(root().join("fixtures/formats/motorcycle-q80.webp")).unwrap();
    for (name, format, bytes) in [
        ("webp lossy", ImageFormat::WebP, lossy),
        ("webp lossless", ImageFormat::WebP, encoded(ImageFormat::WebP)),
        ("gif", ImageFormat::Gif, encoded(ImageFormat::Gif)),
        ("png", ImageFormat::Png, png(&small)),
        ("jpeg", ImageFormat::Jpeg, jpeg(&small, 80)),
    ] {
        assert_eq!(::image::guess_format(&bytes).ok(), Some(format), "{name}");
        let report = index.compare(&[listing(name, bytes)], &limits);
        assert!(report.failures.is_empty(), "{name}: {:?}", report.failures);
        let works: Vec<_> = report.matches.iter().map(|m| m.work_id.as_str()).collect();
        assert_eq!(works, ["cr-motorcycle"], "{name}");
    }
}

#[test]
fn border_padding_does_not_change_the_hash() {
    let work = open(&root().join("config/works/chelsea.png"));
    let (w, h) = work.dimensions();
    let mut padded = RgbImage::from_pixel(w + 200, h + 40, Rgb([0, 0, 0]));
    imageops::overlay(&mut padded, &work, 100, 20);
    let limits = ImageLimits::default();
    let a = hash_bytes(&png(&work), &limits).unwrap();
    let b = hash_bytes(&png(&padded), &limits).unwrap();
    let d = a.signature.distance(&b.signature);
    assert!(d <= Signature::BITS / 20, "{d}");
}

/// A pattern (a check, bars side by side) repeats, and the partial-match
/// search does not look for it: it would line any pattern of its kind up
/// with it. A check of another sett was matched so (the registered plaid
/// to 2 of the 6 checks of `knockoff fixtures artwork`, and to 14 of 300
/// other checks drawn at random, as plain, blurred, noisy, stretched and
/// small pictures). A photograph, or a drawing that does not repeat, is
/// still searched for.
#[test]
fn checks_and_bars_side_by_side_repeat_and_the_works_do_not() {
    use crate::fixture::artwork;
    let registered: Vec<&str> = (artwork::registered().iter())
        .filter(|(_, img)| repeats_in(img))
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(registered, ["plaid"]);
    let lookalikes: Vec<&str> = (artwork::lookalikes().iter())
        .filter(|(_, img)| repeats_in(img))
        .map(|(name, _)| *name)
        .collect();
    for name in ["four-bars", "plaid-red"] {
        assert!(lookalikes.contains(&name), "{name}: {lookalikes:?}");
    }
    let checks = lookalikes.iter().filter(|n| n.starts_with("check-")).count();
    assert_eq!(checks, 6, "{lookalikes:?}");
    // Drawings of one figure do not repeat.
    for name in ["disc", "star4", "heart", "fish", "word-store"] {
        assert!(!lookalikes.contains(&name), "{name}: {lookalikes:?}");
    }
    // Nor do the fixture's photographs: each is searched for, and its
    // crops are indexed.
    let index = index();
    assert!(index.views.iter().all(|v| v.pattern.is_none()));
    assert_eq!(index.crops.len(), index.views.len() * CROPS_PER_VIEW);
}

/// Whether `img`, registered, is held as a pattern ([`repeats`]).
fn repeats_in(img: &RgbImage) -> bool {
    let (trimmed, whole) = cut_to_trim(&decode::load(&png(img), &ImageLimits::default()).unwrap());
    repeats(&Integral::new(&trimmed), whole)
}

/// A houndstooth is a pattern however fine. Of a fine one every place on
/// the grid [`repeats`] starts from is about as near, and the nearest few
/// lined up on one or two repeats of the part, too near each other to
/// count: a registered houndstooth of 15 repeats a side (an 852-pixel
/// work of 7-pixel threads) was searched for as a drawing, and 10 of its
/// 12 copies in a blind set were missed. The places a whole number of
/// repeats away are tried too: another blind set's houndstooth, crossed by
/// a thread every other repeat (40 pixels of the 256 read, two and a half
/// sixteenths of the side), was not taken for a pattern from the grid's
/// places alone. The houndstooth drawn so here is taken for one either
/// way; it is kept as a guard.
#[test]
fn a_houndstooth_repeats_however_fine() {
    use crate::fixture::artwork::houndstooth;
    let (dark, light) = (Rgb([80, 20, 30]), Rgb([230, 215, 220]));
    let missed: Vec<(u32, u32)> = [(852, 7), (816, 8), (800, 5), (840, 6), (780, 9), (830, 4), (860, 3)]
        .into_iter()
        .filter(|&(side, thread)| !repeats_in(&houndstooth(side, thread, dark, light)))
        .collect();
    assert!(missed.is_empty(), "{missed:?}");
    // Crossed by a yellow thread every other repeat, which makes the
    // repeat two of the houndstooth's: 40 pixels of the 256 read.
    let mut overchecked = houndstooth(816, 8, Rgb([30, 30, 80]), Rgb([200, 190, 240]));
    for (x, y, p) in overchecked.enumerate_pixels_mut() {
        let (tx, ty) = (x / 8, y / 8);
        let warp_on_top = (tx + ty) % 4 < 2;
        if if warp_on_top { tx % 16 == 0 } else { ty % 16 == 0 } {
            *p = Rgb([210, 210, 40]);
        }
    }
    assert!(repeats_in(&overchecked));
}

/// The signature's coin-toss odds do not hold between two patterns
/// either: checks of other setts drawn at random came within the whole
/// picture's limit of the registered plaid through the stages that
/// compare fixed rectangles (a collage's cells, a turned view's cut
/// rectangle), 16 of 900 as plain, blurred, noisy, stretched and small
/// pictures (the first 300's ten at 41–69 of the 295 or 356 bits the plaid
/// is sure of). Where their lines lie tells them apart: their profiles
/// agreed with the plaid's by 0.43 at most, its copies' by 0.73 or more
/// (see the module docs, *Patterns*).
#[test]
fn a_check_of_another_sett_is_not_taken_for_the_plaid() {
    use crate::fixture::artwork;
    let registered = artwork::registered();
    let works = artwork_works(&registered);
    let index = WorkIndex::build(&works.1).unwrap();
    let plaid = (index.views.iter().position(|v| index.ids[v.work] == "fa-plaid")).unwrap();
    assert!(index.views[plaid].pattern.is_some());
    // The same works judged by their signatures alone.
    let mut bare = WorkIndex::build(&works.1).unwrap();
    bare.views.iter_mut().for_each(|v| v.pattern = None);
    bare.turned.iter_mut().for_each(|t| t.pattern = None);
    let matched = |index: &WorkIndex, img: &RgbImage| -> Vec<String> {
        let bytes = jpeg(img, 85);
        let pic = decode::load(&bytes, &ImageLimits::default()).unwrap();
        (index
            .find(&pic, || decode::value(&bytes, &ImageLimits::default()), |_| None)
            .into_iter())
        .filter(|f| f.distance <= f.limit)
        .map(|f| index.ids[index.views[f.view].work].clone())
        .collect()
    };
    // Drawn so, one in a few hundred comes near enough; of the 40 of this
    // seed, one does.
    let mut rng = crate::rng::Rng::new(4);
    let checks: Vec<RgbImage> = (0..40).map(|_| artwork::random_check(&mut rng)).collect();
    let taken = |index: &WorkIndex| checks.iter().filter(|c| !matched(index, c).is_empty()).count();
    assert!(taken(&bare) > 0, "no check came near enough to test the profiles");
    assert_eq!(taken(&index), 0);
    // The plaid's own copies still match.
    let (_, img) = registered.iter().find(|(name, _)| *name == "plaid").unwrap();
    let small = imageops::resize(img, 240, 240, imageops::FilterType::Triangle);
    let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img.clone()).to_luma8()).to_rgb8();
    for copy in [small, imageops::flip_horizontal(img), grey] {
        assert_eq!(matched(&index, &copy), ["fa-plaid"]);
    }
}

/// The registered plaid cut anywhere and shown at any scale (zoomed into
/// off its repeat, pasted small on a photograph, printed on a shirt) is
/// found by its sett, where the whole picture's hashes and the
/// partial-match search, which never looks for a pattern, miss it; checks
/// of other setts edited alike are not (see the module docs, *Patterns cut
/// anywhere, at any scale*).
#[test]
fn a_pattern_cut_and_scaled_is_found_by_its_sett() {
    use crate::fixture::artwork;
    let registered = artwork::registered();
    let works = artwork_works(&registered);
    let index = WorkIndex::build(&works.1).unwrap();
    let (_, plaid) = registered.iter().find(|(name, _)| *name == "plaid").unwrap();
    let stock = files("fixtures/marketplace/stock", "jpg");
    let edited = |img: &RgbImage, k: usize| -> Vec<(&'static str, RgbImage, Option<Region>)> {
        let (w, h) = img.dimensions();
        // 55% of each side, from a place that is no multiple of the
        // repeat: 2.2 repeats of the plaid, enlarged (missed before each
        // fold was blurred by the other's pixel, see `sett.rs`; two
        // repeats, at 50%, mostly are).
        let zoom = imageops::resize(
            &imageops::crop_imm(img, w * 13 / 100, h * 17 / 100, w * 55 / 100, h * 55 / 100).to_image(),
            w,
            h,
            imageops::FilterType::Triangle,
        );
        // Pasted at 45% of the side on the brick wall, where every window
        // that agrees best takes in some wall, so the rectangle the
        // pattern is lined up with is not the window (missed before
        // *Where a pattern lies*, see the module docs); and at 35% on
        // another photograph, where the sett's thin lines are blurred.
        let (pasted, region) = paste(img, &open(&stock[k % stock.len()]), 0.45, 0.7, 0.4);
        let (small, small_region) = paste(img, &open(&stock[(k + 5) % stock.len()]), 0.35, 0.2, 0.6);
        let shirt = artwork::on_shirt(img, [30, 40, 140], 0.5);
        vec![
            ("zoom", zoom, None),
            ("pasted", pasted, Some(region)),
            ("pasted small", small, Some(small_region)),
            ("shirt", shirt, None),
        ]
    };
    let matched = |img: &RgbImage| -> Vec<(String, Region)> {
        let report = index.compare(&[listing("u", jpeg(img, 85))], &ImageLimits::default());
        report.matches.into_iter().map(|m| (m.work_id, m.region)).collect()
    };
    for (edit, img, region) in edited(plaid, 0) {
        let found = matched(&img);
        assert_eq!(found.len(), 1, "{edit}: {found:?}");
        assert_eq!(found[0].0, "fa-plaid", "{edit}");
        if let Some(region) = region {
            assert!(
                overlap(found[0].1, region) > 0.3,
                "{edit}: {:?} in {region:?}",
                found[0].1
            );
        }
    }
    let mut rng = crate::rng::Rng::new(21);
    for k in 0..12 {
        let check = artwork::random_check(&mut rng);
        for (edit, img, _) in edited(&check, k) {
            assert_eq!(matched(&img), [], "check {k}, {edit}");
        }
    }
}

/// The ids of the works `img`, saved as a JPEG of quality 85, matches.
fn matched_ids(index: &WorkIndex, img: &RgbImage) -> Vec<String> {
    let report = index.compare(&[listing("u", jpeg(img, 85))], &ImageLimits::default());
    report.matches.into_iter().map(|m| m.work_id).collect()
}

/// A gingham: bands `band` pixels apart, half of them wide, of a
/// translucent `colour` crossing on a light `ground`.
fn gingham(w: u32, h: u32, band: u32, colour: [f32; 3], ground: [f32; 3]) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let mut c = ground;
        for on in [x % band < band / 2, y % band < band / 2] {
            if on {
                c = std::array::from_fn(|i| c[i] * 0.45 + colour[i] * 0.55);
            }
        }
        Rgb(c.map(|v| v as u8))
    })
}

/// Two patterns a sett takes alike: a houndstooth registered and
/// ginghams. Lined up over many repeats the fine signature reads nothing
/// inside a repeat, and 9 of 10 such ginghams came 0 to 8 bits of some
/// 290 from the houndstooth (as in a hold-out drawn apart from these
/// fixtures, 2026-12-04); only their middle repeats tell them apart
/// (`REPEATS_HASHED`). The houndstooth, and a cut of it enlarged, are
/// still found.
#[test]
fn a_pattern_of_a_like_sett_is_not_taken_for_a_registered_one() {
    let houndstooth = houndstooth(820, 6, Rgb([90, 20, 25]), Rgb([240, 232, 225]));
    let (_dir, works) = artwork_works(&[("houndstooth", houndstooth.clone())]);
    let index = WorkIndex::build(&works).unwrap();
    let matched = |img: &RgbImage| matched_ids(&index, img);
    let cut = imageops::crop_imm(&houndstooth, 130, 170, 420, 420).to_image();
    let enlarged = imageops::resize(&cut, 800, 800, imageops::FilterType::Triangle);
    assert_eq!(matched(&houndstooth), ["fa-houndstooth"]);
    assert_eq!(matched(&enlarged), ["fa-houndstooth"]);
    for (w, h, band) in [(900, 675, 40), (900, 675, 60), (640, 640, 30), (640, 640, 70)] {
        let g = gingham(w, h, band, [180.0, 60.0, 160.0], [245.0, 235.0, 245.0]);
        assert_eq!(matched(&g), Vec::<String>::new(), "gingham of {band} px");
    }
}

/// A pattern matched whole shows as many repeats, across and down, as the
/// work: a houndstooth of 12.2 repeats a side registered, and a gingham
/// of the same repeat 1000×750 (as in a hold-out drawn apart from these
/// fixtures, 2026-12-05), whose halves and quarters, read as a collage's
/// cells, show 12.2 repeats across and 18.4 or 9.2 down. Squeezed to the
/// work's square, a cell came within 46–51 of 512 bits of it (the limit
/// is 128), its profile and its sett agreeing; the sett's scale is a
/// third off the cell's down (`Agreement::scaled_as`). The work, a copy
/// of it squashed by a twentieth, and one as a collage's cell beside the
/// gingham, are still found.
#[test]
fn a_pattern_matched_whole_shows_the_works_repeats() {
    let work = houndstooth(783, 8, Rgb([31, 44, 16]), Rgb([224, 230, 196]));
    let (_dir, works) = artwork_works(&[("houndstooth", work.clone())]);
    let index = WorkIndex::build(&works).unwrap();
    let matched = |img: &RgbImage| matched_ids(&index, img);
    assert_eq!(matched(&work), ["fa-houndstooth"]);
    let squashed = imageops::resize(&work, 783, 740, imageops::FilterType::Triangle);
    assert_eq!(matched(&squashed), ["fa-houndstooth"]);
    // A collage's cell: the work beside the gingham.
    let mut collage = gingham(1000, 500, 41, [110.0, 170.0, 220.0], [250.0, 250.0, 250.0]);
    let small = imageops::resize(&work, 500, 500, imageops::FilterType::Triangle);
    imageops::replace(&mut collage, &small, 0, 0);
    assert_eq!(matched(&collage), ["fa-houndstooth"]);
    for colour in [[110.0, 170.0, 220.0], [80.0, 150.0, 200.0]] {
        let g = gingham(1000, 750, 41, colour, [250.0, 250.0, 250.0]);
        assert_eq!(matched(&g), Vec::<String>::new(), "gingham in {colour:?}");
    }
}

/// An argyle: diamonds `a` pixels wide and `b` high of `diamond` on
/// `ground`, crossed by dashed diagonals of `line`.
fn argyle(side: u32, (a, b): (f32, f32), diamond: [u8; 3], ground: [u8; 3], line: [u8; 3]) -> RgbImage {
    RgbImage::from_fn(side, side, |x, y| {
        let (u, v) = ((x as f32 / a).fract(), (y as f32 / b).fract());
        // Each diagonal of the tile, and how far along it the pixel is.
        let dashed = [(u - v, u), (u + v - 1.0, u)]
            .iter()
            .any(|&(off, along)| (off * a).abs() < 3.0 && (along * 8.0).fract() < 0.56);
        if dashed {
            Rgb(line)
        } else if (u - 0.5).abs() + (v - 0.5).abs() <= 0.5 {
            Rgb(diamond)
        } else {
            Rgb(ground)
        }
    })
}

/// An argyle whose two colours are near one grey (a hold-out drawn apart
/// from these fixtures, seed 35, 2026-12-06): its rows' brightness
/// correlates with itself nearly alike at the diamonds' repeat and at a
/// lag near it, so a copy may read its repeat down at the one and the
/// work at the other, and copies matched whole (four there, within 65–83
/// of 512 bits, the limit 128) were refused as repeating otherwise than
/// the work. A copy matched whole is read at the work's repeat too
/// (`Sett::at`). Without that, the first of these copies is refused.
#[test]
fn an_argyle_of_colours_near_one_grey_is_found_whole() {
    let mut seen = 0;
    for (k, (a, ratio)) in [(84.0, 1.63), (120.0, 1.45), (132.0, 1.3)].into_iter().enumerate() {
        let work = argyle(796, (a, a * ratio), [133, 77, 116], [65, 103, 147], [240, 210, 250]);
        let (_dir, works) = artwork_works(&[("argyle", work.clone())]);
        let index = WorkIndex::build(&works).unwrap();
        seen += usize::from(index.views[0].pattern.is_some());
        let resized = imageops::resize(&work, 533, 533, imageops::FilterType::Triangle);
        for copy in [&work, &resized] {
            assert_eq!(matched_ids(&index, copy), ["fa-argyle"], "argyle {k}");
        }
    }
    assert!(seen > 0, "no argyle was taken for a pattern");
}

/// A houndstooth of `thread`-pixel threads in `dark` and `light`, crossed
/// by a thread of `over` every `every` repeats, warp and weft, as the
/// hold-outs' overchecks are woven.
fn overchecked(side: u32, thread: u32, (dark, light): (Rgb<u8>, Rgb<u8>), over: Rgb<u8>, every: u32) -> RgbImage {
    let mut img = houndstooth(side, thread, dark, light);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (tx, ty) = (x / thread, y / thread);
        let warp_on_top = (tx + ty) % 4 < 2;
        if if warp_on_top {
            tx % (8 * every) == 0
        } else {
            ty % (8 * every) == 0
        } {
            *p = over;
        }
    }
    img
}

/// A houndstooth crossed by a green overcheck every third repeat, and a
/// houndstooth of its weave 1.6 times as large in other colours with no
/// overcheck: the look-alike of the hold-outs drawn apart from these
/// fixtures (15 of 3,360 unregistered pictures matched there,
/// 2026-12-06). Lined up by its grey it is the work's cut enlarged (1–27
/// bits of some 300 apart there): a thread in 24 is too thin for the
/// signatures. The work's chroma there is its overcheck, the look-alike's
/// the same throughout (see the module docs, *Patterns in colour*).
/// Without that check it is taken for the work. The work's copies, cut and
/// enlarged, and with their hue turned, are still found. (An overcheck
/// of another colour every fourth of its repeats is not told apart: the
/// part the sett lines up, some two and a half of the work's repeats,
/// shows one line of either.)
#[test]
fn a_pattern_without_the_works_coloured_threads_is_not_taken_for_it() {
    let work = overchecked(816, 6, (Rgb([60, 20, 70]), Rgb([240, 200, 235])), Rgb([40, 200, 40]), 3);
    let (_dir, works) = artwork_works(&[("houndstooth", work.clone())]);
    let index = WorkIndex::build(&works).unwrap();
    let matched = |img: &RgbImage| matched_ids(&index, img);
    let cut = imageops::crop_imm(&work, 100, 140, 560, 560).to_image();
    let enlarged = imageops::resize(&cut, 800, 800, imageops::FilterType::Triangle);
    // A turn of hue by a third: red to green, green to blue.
    let turned: RgbImage = RgbImage::from_fn(800, 800, |x, y| {
        let [r, g, b] = enlarged.get_pixel(x, y).0;
        Rgb([b, r, g])
    });
    for (edit, copy) in [("cut and enlarged", &enlarged), ("its hue turned", &turned)] {
        assert_eq!(matched(copy), ["fa-houndstooth"], "{edit}");
    }
    let look_alike = houndstooth(800, 10, Rgb([20, 60, 40]), Rgb([200, 240, 215]));
    assert_eq!(matched(&look_alike), Vec::<String>::new());
}

/// A pattern whose repeat the picture read shows only a few pixels wide
/// (a fine houndstooth pasted small on a photograph): its sett still
/// agrees, but four repeats are too few pixels for the fine signature, so
/// the picture is decoded again larger to line it up (`FINEST_REPEAT`).
/// Without that second read, none of these was found (measured when it
/// was added, 2026-12-05).
#[test]
fn a_pattern_finer_than_the_picture_read_is_found() {
    let work = houndstooth(800, 4, Rgb([22, 40, 28]), Rgb([214, 232, 212]));
    let (_dir, works) = artwork_works(&[("houndstooth", work.clone())]);
    let index = WorkIndex::build(&works).unwrap();
    let stock = files("fixtures/marketplace/stock", "jpg");
    for (i, side) in [(0, 440), (4, 400), (8, 480)] {
        let mut photo = imageops::resize(&open(&stock[i]), 800, 800, imageops::FilterType::Triangle);
        let small = imageops::resize(&work, side, side, imageops::FilterType::Triangle);
        let (x, y) = (170, 120);
        imageops::replace(&mut photo, &small, x, y);
        let report = index.compare(&[listing("u", jpeg(&photo, 85))], &ImageLimits::default());
        let name = stock[i].display();
        assert_eq!(report.matches.len(), 1, "{name} at {side}");
        let r = &report.matches[0].region;
        // The region named lies on the pasted pattern.
        let inside = |at: u32, len: u32, lo: i64| at as i64 >= lo - 8 && (at + len) as i64 <= lo + side as i64 + 8;
        assert!(
            inside(r.x, r.width, x) && inside(r.y, r.height, y),
            "{name} at {side}: {r:?}"
        );
    }
}

/// A valid PNG signature and IHDR chunk for a `width`×`height` RGB image,
/// followed by junk: the header is all a size check may read.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let crc = crc32(&ihdr);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(13u32.to_be_bytes());
    bytes.extend(ihdr);
    bytes.extend(crc.to_be_bytes());
    // The decoder reads chunks up to the first IDAT before it will say the
    // size; give it one, of junk.
    let mut idat = b"IDAT".to_vec();
    idat.extend([0xAB; 64]);
    bytes.extend(64u32.to_be_bytes());
    let crc = crc32(&idat);
    bytes.extend(idat);
    bytes.extend(crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn huge_image_is_refused_before_decoding() {
    let bytes = png_header(20_000, 20_000);
    let start = Instant::now();
    let err = hash_bytes(&bytes, &ImageLimits::default()).unwrap_err();
    assert!(start.elapsed().as_millis() < 100, "took {:?}", start.elapsed());
    match &err {
        ImageError::TooLarge {
            excess:
                Excess::Pixels {
                    width: 20_000,
                    height: 20_000,
                    ..
                },
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(err.reason(), "image is 20000×20000 = 400 Mpx, over the 40 Mpx limit");

    let report = index().compare(&[listing("https://x.example/huge.png", bytes)], &ImageLimits::default());
    assert_eq!(
        report.failures,
        vec![Failure {
            url: "https://x.example/huge.png".into(),
            reason: "image is 20000×20000 = 400 Mpx, over the 40 Mpx limit".into(),
        }]
    );
    assert_eq!(report.digests.len(), 1);
}

#[test]
fn too_many_bytes_is_refused() {
    let limits = ImageLimits {
        max_bytes: 1000,
        ..ImageLimits::default()
    };
    let err = hash_bytes(&[0u8; 1001], &limits).unwrap_err();
    assert!(matches!(
        err,
        ImageError::TooLarge {
            excess: Excess::Bytes { len: 1001, limit: 1000 },
            ..
        }
    ));
    assert!(
        err.to_string().contains("1001 bytes, over the 1000-byte limit"),
        "{err}"
    );
}

#[test]
fn bad_bytes_are_decode_errors_and_the_rest_go_on() {
    let work = png(&open(&root().join("config/works/rocket.png")));
    let limits = ImageLimits::default();
    let mut bad: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"<html>not an image</html>".to_vec()),
        ("truncated", work[..work.len() / 2].to_vec()),
        ("header only", png_header(100, 100)),
        ("zero size", png_header(0, 10)),
    ];
    let mut corrupt = work.clone();
    for b in corrupt[200..400].iter_mut() {
        *b ^= 0x5A;
    }
    bad.push(("corrupt", corrupt));
    // (A truncated JPEG is not among them: the decoder shows what arrived,
    // as browsers do. It must only not panic.)
    let jpg = jpeg(&open(&root().join("config/works/rocket.png")), 80);
    assert!(hash_bytes(&jpg[..jpg.len() / 3], &limits).is_ok());
    for (name, bytes) in &bad {
        match hash_bytes(bytes, &limits) {
            Err(ImageError::Decode { .. }) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
    let mut images: Vec<ListingImage> = bad.into_iter().map(|(name, b)| listing(name, b)).collect();
    images.push(listing("good", work));
    let report = index().compare(&images, &limits);
    assert_eq!(report.failures.len(), images.len() - 1, "{:?}", report.failures);
    assert!(report
        .failures
        .iter()
        .all(|f| f.reason.starts_with("cannot decode image")));
    assert_eq!(report.digests.len(), images.len());
    assert_eq!(report.matches.len(), 1);
    assert_eq!(report.matches[0].work_id, "cr-rocket");
    assert_eq!(report.matches[0].image_url, "good");
    assert_eq!(report.matches[0].image_sha256, report.digests[images.len() - 1]);
}

#[test]
fn blank_image_matches_nothing_and_is_no_failure() {
    let blank = png(&RgbImage::from_pixel(300, 300, Rgb([255, 255, 255])));
    let report = index().compare(&[listing("blank", blank.clone())], &ImageLimits::default());
    assert!(report.matches.is_empty() && report.failures.is_empty());
    assert!(matches!(
        hash_bytes(&blank, &ImageLimits::default()),
        Err(ImageError::Featureless { .. })
    ));
}

#[test]
fn build_names_the_work_and_file() {
    let mut works = works();
    works[2].images = vec![root().join("config/works/nope.png")];
    let err = WorkIndex::build(&works).unwrap_err().to_string();
    assert!(err.contains(&works[2].id) && err.contains("nope.png"), "{err}");

    let dir = std::env::temp_dir().join(format!("knockoff-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.png");
    std::fs::write(&junk, b"junk").unwrap();
    works[2].images = vec![junk];
    let err = WorkIndex::build(&works).unwrap_err();
    assert!(matches!(err, ImageError::Decode { .. }));
    assert!(err.to_string().contains("junk.png"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_match_per_work_and_image() {
    let work = open(&root().join("config/works/logo.png"));
    let images = vec![
        listing("a", png(&work)),
        listing("b", png(&imageops::flip_horizontal(&work))),
    ];
    let report = index().compare(&images, &ImageLimits::default());
    let mut hits: Vec<(&str, &str, bool)> = report
        .matches
        .iter()
        .map(|m| (m.image_url.as_str(), m.work_id.as_str(), m.mirrored))
        .collect();
    hits.sort();
    assert_eq!(hits, vec![("a", "cr-logo", false), ("b", "cr-logo", true)]);
    // The evidence counts the bits the work is sure of: an exact copy
    // differs in none of them, and a logo on white leaves some unsure.
    let m = &report.matches[0];
    assert_eq!(m.distance, 0);
    assert!((Signature::BITS / 4..Signature::BITS).contains(&m.bits), "{}", m.bits);
    assert_eq!(
        m.region,
        Region {
            x: 0,
            y: 0,
            width: work.width(),
            height: work.height()
        }
    );
}

/// Why turned views are indexed at all: how far each work's turned views
/// are from the view they turn, by angle (printed for the module docs).
/// Past a few degrees the unturned view cannot find a turned copy. (Of
/// the views cut to their corner-free rectangle: a drawing on a plain
/// ground turned whole on its page keeps more of its unturned look.)
#[test]
fn a_turn_of_a_few_degrees_defeats_the_whole_image_hash() {
    let index = index();
    let mut rows = Vec::new();
    for degrees in TURNS.into_iter().filter(|&d| d > 0) {
        let distances: Vec<u32> = index
            .turned
            .iter()
            .filter(|t| t.degrees == degrees && t.inner.is_some() && !index.views[t.view].mirrored)
            .map(|t| index.views[t.view].signature.distance(&t.signature))
            .collect();
        let (lo, hi) = (distances.iter().min().unwrap(), distances.iter().max().unwrap());
        println!("turned {degrees:>2}°: {lo}–{hi} bits from the unturned view");
        rows.push((degrees, *lo));
    }
    // Beyond 6° not one work is within the whole-image limit of itself.
    for (degrees, closest) in rows {
        if degrees > 6 {
            assert!(closest > MATCH_DISTANCE, "{degrees}°: {closest}");
        }
    }
}

/// What `find` answers, by comparing every view, turned view and cut
/// rectangle by popcount under the first stage's rule ([`shares_slot`]):
/// the reference the index-backed path is held to.
fn find_by_scan(index: &WorkIndex, pic: &decode::Picture, value: Option<&GrayImage>) -> Vec<Found> {
    // What a slot index answers: sharing a slot, within the radius by all
    // bits; then judged on the sure bits.
    let candidate = |a: &Signature, b: &Signature| shares_slot(a, b) && a.distance(b) <= CANDIDATE_DISTANCE;
    let integral = Integral::new(&pic.grey);
    let whole = Rect::from_trim(pic.trim);
    let (Some(signature), Some(coarse)) = (hash::fine(&integral, whole), hash::coarse(&integral, whole)) else {
        return Vec::new();
    };
    // The turned views of an angle against the rectangle `at`: by their
    // corner-free rectangle (not the filled views, which have none), or
    // trimmed.
    let turned_at = |sig: &Signature, at: Rect, degrees: i8, trimmed: bool| -> Vec<Found> {
        index
            .turned
            .iter()
            .filter(|t| t.degrees.abs() == degrees)
            .filter_map(|t| {
                if trimmed {
                    Some((t.view, &t.signature, &t.sure))
                } else {
                    let (inner, sure) = t.inner.as_ref()?;
                    Some((t.view, inner, sure))
                }
            })
            .filter(|(_, held, _)| candidate(held, sig))
            .map(|(view, held, sure)| Found::judged(view, sig, (held, sure), Some(at), MATCH_DISTANCE))
            .filter(|f| f.distance <= MATCH_DISTANCE)
            .collect()
    };
    let unturn = |rect: Rect| -> Vec<Found> {
        let mut found = Vec::new();
        for degrees in TURNS.into_iter().filter(|&d| d > 0) {
            let Some(r) = unturned(rect, f32::from(degrees)) else {
                continue;
            };
            if let Some(sig) = hash::fine(&integral, r) {
                found.extend(turned_at(&sig, r, degrees, false));
            }
            if let Some(cut) = trimmed(&pic.grey, r) {
                if let Some(sig) = hash::fine(&integral, cut) {
                    found.extend(turned_at(&sig, cut, degrees, true));
                }
            }
        }
        found
    };
    let whole_matches = |sig: &Signature, window: Option<Rect>| -> Vec<Found> {
        index
            .views
            .iter()
            .enumerate()
            .filter(|(_, v)| candidate(&v.signature, sig))
            .map(|(view, v)| Found::judged(view, sig, (&v.signature, &v.sure), window, MATCH_DISTANCE))
            .filter(|f| f.distance <= MATCH_DISTANCE)
            .collect()
    };
    let untrimmed_matches = |sig: &Signature, window: Rect| -> Vec<Found> {
        (index.views.iter().enumerate())
            .filter_map(|(view, v)| Some((view, v.untrimmed.as_ref()?)))
            .filter(|(_, (held, _))| candidate(held, sig))
            .map(|(view, (held, sure))| Found::judged(view, sig, (held, sure), Some(window), MATCH_DISTANCE))
            .filter(|f| f.distance <= MATCH_DISTANCE)
            .collect()
    };
    let mut found = whole_matches(&signature, None);
    let all = Rect::from_trim((0, 0, pic.grey.width(), pic.grey.height()));
    if let Some(fetched) = hash::fine(&integral, all).filter(|_| found.iter().all(|f| f.distance > MATCH_DISTANCE)) {
        found.extend(untrimmed_matches(&fetched, all));
    }
    if !found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
        for stage in ground::regions(&pic.grey, pic.trim) {
            if found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
                break;
            }
            for rect in stage.into_iter().filter(|&r| r != whole) {
                if let Some(sig) = hash::fine(&integral, rect) {
                    found.extend(whole_matches(&sig, Some(rect)));
                    found.extend(untrimmed_matches(&sig, rect));
                }
            }
        }
    }
    if !found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
        found.extend(index.search(
            &integral,
            &index.hash_windows(&integral, whole),
            whole,
            &signature,
            coarse,
        ));
    }
    if !found.iter().any(|f| f.distance <= f.limit) {
        found.extend(
            index
                .turned
                .iter()
                .filter(|t| candidate(&t.signature, &signature))
                .map(|t| Found::judged(t.view, &signature, (&t.signature, &t.sure), None, MATCH_DISTANCE))
                .filter(|f| f.distance <= MATCH_DISTANCE),
        );
        found.extend(unturn(whole));
        if all != whole {
            found.extend(unturn(all));
        }
    }
    if !found.iter().any(|f| f.distance <= f.limit) {
        found.extend(index.search_turned(&integral, &index.hash_windows(&integral, whole)));
    }
    if !found.iter().any(|f| f.distance <= f.limit) {
        found.extend(index.search_cropped(&integral, &index.hash_windows(&integral, whole)));
    }
    if let Some(value) = value.filter(|_| !found.iter().any(|f| f.distance <= f.limit)) {
        let integral = Integral::new(value);
        let again = Rect::from_trim(decode::trim_within(&pic.grey, pic.trim));
        for (rect, window) in [(whole, None), (again, Some(again))] {
            if window.is_some() && rect == whole {
                continue;
            }
            let at = rect.resized(pic.grey.dimensions(), value.dimensions());
            if let Some(sig) = hash::fine(&integral, at) {
                found.extend(
                    (index.views.iter().enumerate())
                        .filter_map(|(view, v)| Some((view, v.value.as_ref()?)))
                        .filter(|(_, (held, _))| candidate(held, &sig))
                        .map(|(view, (held, sure))| Found::judged(view, &sig, (held, sure), window, MATCH_DISTANCE))
                        .filter(|f| f.distance <= MATCH_DISTANCE),
                );
            }
        }
    }
    best_per_work(&index.views, found)
}

/// A rectangle the partial-match search lined up nearer than a turned view
/// but past the search's stricter limit once hid the turned view's match:
/// the fixtures' stripes turned 13° were lined up at 112 (limit 102) and
/// matched a turned view at 119 (limit 128), and were reported as missed.
#[test]
fn a_find_past_its_limit_does_not_hide_one_within_its_own() {
    let index = index();
    let (a, b) = (0, 2);
    assert_ne!(index.views[a].work, index.views[b].work);
    let found = |view: usize, distance: u32, searched: bool| Found {
        view,
        distance,
        differ: distance,
        of: Signature::BITS,
        window: searched.then_some(Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        }),
        part: None,
        limit: if searched {
            SEARCH_MATCH_DISTANCE
        } else {
            MATCH_DISTANCE
        },
        against: Against::View,
    };
    let best = best_per_work(
        &index.views,
        vec![
            found(a, SEARCH_MATCH_DISTANCE + 10, true),
            found(a, MATCH_DISTANCE - 9, false),
            found(b, SEARCH_MATCH_DISTANCE + 5, true),
        ],
    );
    let kept: Vec<_> = best.iter().map(|f| (f.view, f.distance, f.limit)).collect();
    assert_eq!(
        kept,
        [
            (a, MATCH_DISTANCE - 9, MATCH_DISTANCE),
            // No find of this work is within its limit: the nearest says
            // how near it came.
            (b, SEARCH_MATCH_DISTANCE + 5, SEARCH_MATCH_DISTANCE),
        ]
    );
    // Only the turned view's is a match.
    assert_eq!(reported(index, best).len(), 1);
}

/// What `compare` reports of a `find` answer: the matches within their
/// limit, each as (work, mirrored, distance, region, limit).
fn reported(index: &WorkIndex, found: Vec<Found>) -> Vec<(usize, bool, u32, Option<Rect>, u32)> {
    found
        .into_iter()
        .filter(|f| f.distance <= f.limit)
        .map(|f| {
            let v = &index.views[f.view];
            (v.work, v.mirrored, f.distance, f.window, f.limit)
        })
        .collect()
}

#[test]
fn index_backed_find_reports_what_scanning_every_view_does() {
    // Copies of every work under edits that reach each stage (whole,
    // partial-match search, turned views, cut rectangles) and unregistered
    // pictures, whole and turned, which reach them all and match nothing.
    let index = index();
    let works = files("config/works", "png");
    let stock = files("fixtures/marketplace/stock", "jpg");
    let mut images: Vec<Vec<u8>> = Vec::new();
    for (i, path) in works.iter().enumerate() {
        let work = open(path);
        let background = open(&stock[i % stock.len()]);
        images.extend(edits(&work, &background).into_iter().map(|(_, bytes, _)| bytes));
    }
    for path in &stock {
        let pic = open(path);
        images.push(std::fs::read(path).unwrap());
        images.push(jpeg(&turn(&pic, 7.0, Some(Rgb([255, 255, 255]))), 80));
        images.push(jpeg(&turn(&pic, -13.0, None), 80));
    }
    let mut matched = 0;
    for (n, bytes) in images.iter().enumerate() {
        let pic = decode::load(bytes, &ImageLimits::default()).unwrap();
        let value = decode::value(bytes, &ImageLimits::default());
        let want = reported(index, find_by_scan(index, &pic, value.as_ref()));
        let got = reported(index, index.find(&pic, || value, |_| None));
        assert_eq!(got, want, "image {n}");
        matched += usize::from(!want.is_empty());
    }
    // Both outcomes were exercised.
    assert!(
        matched > works.len() && matched < images.len(),
        "{matched} of {}",
        images.len()
    );
}

proptest::proptest! {
    /// Picking the best few proposals of distinct views by buckets gives
    /// what the plain way (a stable sort by distance, the first of each
    /// view kept, the rest cut) gives, ties and repeated views included.
    #[test]
    fn best_distinct_is_sort_keep_first_truncate(
        proposals in proptest::collection::vec((0u32..=24, 0usize..40), 0..300),
        n in 0usize..10,
    ) {
        let numbered: Vec<(u32, usize, usize)> = proposals.iter().enumerate().map(|(i, &(d, v))| (d, v, i)).collect();
        let mut want = numbered.clone();
        want.sort_by_key(|p| p.0);
        let mut seen = Vec::new();
        want.retain(|p| {
            let first = !seen.contains(&p.1);
            seen.push(p.1);
            first
        });
        want.truncate(n);
        proptest::prop_assert_eq!(best_distinct(&numbered, |p| (p.0, p.1), n), want);
    }

    /// The proposals lined up are the first six of distinct views by coarse
    /// distance, as they always were, and then, of the next ones as far as
    /// [`RANKED`], up to six already within [`hash::GIVE_UP_ABOVE`] by the
    /// signature, closest first: a copy crowded out of the first six by
    /// unrelated views is still lined up.
    #[test]
    fn line_up_the_first_six_and_the_close_ones_past_them(
        proposals in proptest::collection::vec((0u32..=24, 0usize..200, 150u32..300), 0..400),
    ) {
        let key = |p: &(u32, usize, u32)| (p.0, p.1);
        let got = to_line_up(&proposals, key, |p| p.2);
        let ranked = best_distinct(&proposals, key, RANKED);
        let first = ranked.len().min(MAX_ALIGNMENTS);
        proptest::prop_assert_eq!(&got[..first], &ranked[..first]);
        let mut close: Vec<(u32, usize, u32)> = ranked[first..].iter().copied().filter(|p| p.2 <= hash::GIVE_UP_ABOVE).collect();
        close.sort_by_key(|p| p.2);
        close.truncate(MAX_ALIGNMENTS);
        proptest::prop_assert_eq!(&got[first..], &close[..]);
    }
}

/// A copy whose window is tenth by coarse distance behind unrelated views
/// (as among many works), but close by the signature, is lined up; an
/// unrelated view as far down and far by the signature is not.
#[test]
fn a_crowded_out_copy_close_by_the_signature_is_lined_up() {
    // (coarse distance, view, signature distance where it stands)
    let mut proposals: Vec<(u32, usize, u32)> = (0..9).map(|v| (10, v, 240)).collect();
    proposals.push((14, 100, 150));
    proposals.push((14, 101, 235));
    let got = to_line_up(&proposals, |p| (p.0, p.1), |p| p.2);
    assert_eq!(got.len(), MAX_ALIGNMENTS + 1);
    assert!(got.iter().any(|p| p.1 == 100));
    assert!(!got.iter().any(|p| p.1 == 101));
}

#[test]
fn crops_keep_part_of_the_work_and_zoom_into_it() {
    let whole = Rect {
        x: 10.0,
        y: 20.0,
        w: 200.0,
        h: 100.0,
    };
    let all = crops(whole);
    assert_eq!(all.len(), CROPS_PER_VIEW);
    let inside = |r: &Rect| {
        r.x >= whole.x
            && r.y >= whole.y
            && r.x + r.w <= whole.x + whole.w + 1e-3
            && r.y + r.h <= whole.y + whole.h + 1e-3
    };
    assert!(all.iter().all(|r| inside(r) && *r != whole));
    // The middle 60% of both sides, and the top-left 70%.
    let has = |x: f32, y: f32, w: f32, h: f32| {
        all.iter().any(|r| {
            (r.x - x).abs() < 1e-3 && (r.y - y).abs() < 1e-3 && (r.w - w).abs() < 1e-3 && (r.h - h).abs() < 1e-3
        })
    };
    assert!(has(50.0, 40.0, 120.0, 60.0));
    assert!(has(10.0, 20.0, 140.0, 70.0));
    // And a crop of one side only, as before.
    assert!(has(10.0, 20.0, 160.0, 100.0));
    // And bands: the lower 60% of the height, the middle 70% of the width.
    assert!(has(10.0, 60.0, 200.0, 60.0));
    assert!(has(40.0, 20.0, 140.0, 100.0));
}

#[test]
fn windows_reach_every_place_of_a_work_from_30_percent_of_the_picture_up() {
    let side = decode::WORK_SIDE as f32;
    let whole = Rect::from_trim((0, 0, decode::WORK_SIDE, decode::WORK_SIDE));
    let all: Vec<Rect> = windows(whole, 0).map(|(rect, _)| rect).collect();
    assert_eq!(all.len(), windows_per_shape());
    // Largest first, the small ones (proposed apart) last.
    let small: Vec<bool> = windows(whole, 0).map(|(_, small)| small).collect();
    assert!(small.windows(2).all(|w| w[0] <= w[1]));
    assert!(all.iter().zip(&small).all(|(r, &s)| s == (r.w < side / 2.0)));
    assert!(all
        .iter()
        .all(|r| r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= side + 0.01 && r.y + r.h <= side + 0.01));
    // A square work of any size from 30% to 95% of the side, anywhere:
    // some window is within 6.5% of its size, its centre within half a
    // step of the work's.
    let mut state = 7u64;
    for _ in 0..2000 {
        let share = 0.30 + 0.65 * (next(&mut state) % 1000) as f32 / 1000.0;
        let w = share * side;
        let x = (side - w) * (next(&mut state) % 1000) as f32 / 1000.0;
        let y = (side - w) * (next(&mut state) % 1000) as f32 / 1000.0;
        let reached = all.iter().any(|r| {
            let step = window_step(r.w / side);
            let off = |a: f32, b: f32| ((a + r.w / 2.0) - (b + w / 2.0)).abs();
            (r.w / w - 1.0).abs() <= 0.065 && off(r.x, x) <= r.w * step / 2.0 && off(r.y, y) <= r.w * step / 2.0
        });
        assert!(reached, "a work of {share:.3} of the side at ({x:.1}, {y:.1})");
    }
}

/// The flat artwork's `drawings` as works, `fa-` and each one's name,
/// saved in the directory returned with them (which keeps them).
fn artwork_works(drawings: &[(&str, RgbImage)]) -> (tempfile::TempDir, Vec<Work>) {
    let dir = tempfile::tempdir().unwrap();
    let works = (drawings.iter())
        .map(|(name, img)| {
            let path = dir.path().join(format!("{name}.png"));
            img.save(&path).unwrap();
            work(format!("fa-{name}"), path)
        })
        .collect();
    (dir, works)
}

/// A drawing on a plain ground (the fixtures' flat artwork), turned on its
/// page with its corners filled black as an editor fills them: the
/// rectangle cut out of the turned picture holds the drawing's own white
/// ground, so the cut is trimmed of it, and compared with the drawing
/// turned on its page (the turned views cut to their corner-free
/// rectangle cut into a drawing that reaches its corners).
#[test]
fn a_drawing_turned_with_black_corners_is_found() {
    let drawings = crate::fixture::artwork::registered();
    let index = WorkIndex::build(&artwork_works(&drawings).1).unwrap();
    for (name, img) in &drawings {
        for degrees in [-15.0, -12.0, -9.0, -6.0, -3.0, 3.0, 6.0, 9.0, 12.0, 15.0] {
            let turned = turn(img, degrees, Some(Rgb([0, 0, 0])));
            let image = listing(&format!("{name}/{degrees}"), jpeg(&turned, 85));
            let report = index.compare(&[image], &ImageLimits::default());
            assert_eq!(
                report.matches.len(),
                1,
                "{name} turned {degrees}°: {:?}",
                report.matches
            );
            assert_eq!(report.matches[0].work_id, format!("fa-{name}"));
        }
    }
}

/// `img` with an opaque caption strip across its whole width, `top` and
/// `height` hundredths of its height, of `colour`, with blocks of the
/// other extreme on its middle third that read as words.
fn captioned(img: &RgbImage, (top, height): (u32, u32), colour: [u8; 3]) -> RgbImage {
    let mut out = img.clone();
    let (w, h) = img.dimensions();
    let (y0, bh) = (h * top / 100, (h * height / 100).max(3));
    let words = if colour.iter().map(|&c| u32::from(c)).sum::<u32>() > 380 {
        [20; 3]
    } else {
        [240; 3]
    };
    for y in y0..(y0 + bh).min(h) {
        for x in 0..w {
            let word = y >= y0 + bh / 3
                && y < y0 + 2 * bh / 3
                && x >= w / 10
                && x < w * 9 / 10
                && (x / (w / 16).max(1)) % 3 != 2;
            out.put_pixel(x, y, Rgb(if word { words } else { colour }));
        }
    }
    out
}

/// An opaque caption strip across a drawing on white reaches both edges,
/// so neither the trim nor the figures' fills cut the drawing out, and the
/// whole picture's hash sees a different picture: the registered drawings
/// under such strips (black, blue and white, at four heights) were found
/// 57 times of 96 before the box past the band (`ground::past_bands`), 76
/// with it; under black and blue banners down them at the same places,
/// 14 and 35 of 64. The rest are mostly strips across a drawing's middle
/// (the star's, the moon's, the chevrons'), which hide too much of it for
/// a hash of the whole, and white strips, which reach no edge as anything
/// but the ground. Look-alikes under the same strips match nothing.
#[test]
fn an_opaque_caption_strip_across_a_drawing_is_left_out_of_its_box() {
    use crate::fixture::artwork;
    let registered = artwork::registered();
    let index = WorkIndex::build(&artwork_works(&registered).1).unwrap();
    let strips = [(15, 12), (35, 10), (55, 15), (75, 12)];
    let colours = [[0, 0, 0], [30, 90, 200], [255, 255, 255]];
    // Across, and down: a strip across the picture turned a quarter.
    let down = |img: &RgbImage, strip, colour| imageops::rotate270(&captioned(&imageops::rotate90(img), strip, colour));
    let across = strips.into_iter().flat_map(|s| colours.map(|c| (s, c, false)));
    let downs = strips
        .into_iter()
        .flat_map(|s| [(s, colours[0], true), (s, colours[1], true)]);
    let captions: Vec<_> = across.chain(downs).collect();
    let caption = |img: &RgbImage, &(strip, colour, turned): &((u32, u32), [u8; 3], bool)| {
        if turned {
            down(img, strip, colour)
        } else {
            captioned(img, strip, colour)
        }
    };
    let matched = |img: &RgbImage| matched_ids(&index, img);
    let mut found = [0, 0];
    for (name, img) in &registered {
        for c in &captions {
            let got = matched(&caption(img, c));
            assert!(
                got.iter().all(|id| *id == format!("fa-{name}")),
                "{name} {c:?}: {got:?}"
            );
            found[usize::from(c.2)] += usize::from(!got.is_empty());
        }
    }
    println!(
        "captioned drawings found: {} of 96 across, {} of 64 down",
        found[0], found[1]
    );
    assert!(found[0] >= 72, "{} of 96 across", found[0]);
    assert!(found[1] >= 32, "{} of 64 down", found[1]);
    for (name, img) in artwork::lookalikes() {
        for c in captions.iter().step_by(2) {
            let got = matched(&caption(&img, c));
            assert!(got.is_empty(), "look-alike {name} {c:?}: {got:?}");
        }
    }
}

/// The fixtures' photographs (held by `index()`) and flat drawings (held
/// by `art`, built from `drawings`), each with its work's id and the
/// index that holds it.
fn fixture_pictures<'a>(drawings: &[(&str, RgbImage)], art: &'a WorkIndex) -> Vec<(String, RgbImage, &'a WorkIndex)> {
    let mut pictures: Vec<(String, RgbImage, &WorkIndex)> = files("config/works", "png")
        .into_iter()
        .map(|p| (format!("cr-{}", stem(&p)), open(&p), index()))
        .collect();
    pictures.extend(drawings.iter().map(|(n, img)| (format!("fa-{n}"), img.clone(), art)));
    pictures
}

/// A seller's crop rarely falls on the grid of indexed crops, and the one
/// nearest by the coarse hash may have another shape: it is lined up
/// reshaped to the listing image's as well (see the module docs,
/// *Crops*); without that, the bird cut to its lower 78% is missed. Each
/// photograph and drawing of the fixtures is cut to the whole of one side
/// and 76–84% of the other, or to 74–90% of both, none of them an
/// indexed crop's shape (and none the rocket's top, whose corners are all
/// sky, which the border trim takes for padding).
#[test]
fn a_crop_between_the_indexed_ones_is_lined_up_in_the_listing_images_shape() {
    let cuts = [
        (0.0, 0.16, 1.0, 0.84),
        (0.0, 0.22, 1.0, 0.78),
        (0.2, 0.0, 0.76, 1.0),
        (0.0, 0.0, 0.82, 1.0),
        (0.07, 0.13, 0.86, 0.74),
        (0.1, 0.1, 0.74, 0.86),
        (0.0, 0.24, 1.0, 0.76),
        (0.24, 0.0, 0.76, 1.0),
        (0.05, 0.25, 0.9, 0.75),
    ];
    let (missed, tried) = fixture_cuts_missed(&cuts);
    assert!(missed.is_empty(), "missed {} of {tried}: {missed:?}", missed.len());
}

/// The fixture drawings cut to each of `cuts` (left, top, width, height,
/// as shares of the picture) and compared: the cuts whose work was not
/// found, and how many were tried.
fn fixture_cuts_missed(cuts: &[(f64, f64, f64, f64)]) -> (Vec<String>, usize) {
    let drawings = crate::fixture::artwork::registered();
    let (_dir, works) = artwork_works(&drawings);
    let art = WorkIndex::build(&works).unwrap();
    let pictures = fixture_pictures(&drawings, &art);
    let mut missed = Vec::new();
    let mut tried = 0;
    for (id, img, index) in &pictures {
        let (w, h) = img.dimensions();
        for &(fx, fy, fw, fh) in cuts {
            let (x, y) = ((f64::from(w) * fx) as u32, (f64::from(h) * fy) as u32);
            let (cw, ch) = ((f64::from(w) * fw) as u32, (f64::from(h) * fh) as u32);
            let cut = imageops::crop_imm(img, x, y, cw.min(w - x), ch.min(h - y)).to_image();
            let url = format!("{id}/{fx},{fy},{fw},{fh}");
            let report = index.compare(&[listing(&url, jpeg(&cut, 85))], &ImageLimits::default());
            tried += 1;
            if !report.matches.iter().any(|m| &m.work_id == id) {
                missed.push(url);
            }
        }
    }
    (missed, tried)
}

#[test]
fn a_band_cut_off_one_side_is_found() {
    // One side whole, the other cut to three fifths or so, deeper than
    // the crops of both sides reach: 7 of these 32 were missed before the
    // bands were indexed. (Not held here: the upper 63% of the height,
    // missed for the rocket, the star and the chevrons with the bands as
    // without.)
    let (missed, tried) = fixture_cuts_missed(&[(0.0, 0.38, 1.0, 0.62), (0.37, 0.0, 0.63, 1.0)]);
    assert!(missed.is_empty(), "missed {} of {tried}: {missed:?}", missed.len());
}

#[test]
fn a_crop_reshaped_keeps_its_centre_and_area_within_the_work() {
    let crop = Rect {
        x: 20.0,
        y: 10.0,
        w: 160.0,
        h: 80.0,
    };
    let r = reshaped(crop, 1.0, (200.0, 120.0));
    assert!((r.w - r.h).abs() < 1e-3);
    assert!((r.w * r.h - 160.0 * 80.0).abs() < 1.0);
    // Centred on the crop's centre across; moved down to stay within.
    assert!((r.x + r.w / 2.0 - 100.0).abs() < 1e-3);
    assert!(r.y.abs() < 1e-3 && r.h <= 120.0);
    // Too big for the work the other way: shrunk to fit, shape kept.
    let r = reshaped(crop, 4.0, (200.0, 100.0));
    assert!(r.w <= 200.0 + 1e-3 && (r.w / r.h - 4.0).abs() < 1e-3);
    assert!(r.x >= 0.0 && r.x + r.w <= 200.0 + 1e-3);
}

/// A drawing whose left three tenths are a plain band a little darker
/// than its ground (a wall beside a figure), and the drawing brightened as a
/// seller brightens it: the ground goes white and the band nearly so, and
/// the trim, which kept the band in the work, takes it off the copy, so
/// that the copy trimmed is the figure alone. So the picture as fetched
/// is compared with the work as registered too (see the module docs,
/// *What the trim takes*).
#[test]
fn a_copy_the_trim_takes_more_of_is_compared_as_fetched() {
    let (w, h) = (600u32, 450u32);
    let drawing = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let disc = (fx - 0.75).powi(2) + (fy - 0.45).powi(2) * 0.56 < 0.025;
        let bar = fy > 0.3 && fy < 0.75 && ((fx * 30.0) as u32) % 3 == 0 && fx > 0.55;
        if fx < 0.3 && fy > 0.1 && fy < 0.9 {
            Rgb([190, 192, 198])
        } else if disc {
            Rgb([40, 90, 170])
        } else if bar {
            Rgb([200, 120, 30])
        } else {
            Rgb([236, 236, 238])
        }
    });
    let brightened = RgbImage::from_fn(w, h, |x, y| {
        Rgb(drawing
            .get_pixel(x, y)
            .0
            .map(|c| (f32::from(c) * 1.25).min(255.0) as u8))
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wall.png");
    drawing.save(&path).unwrap();
    let index = WorkIndex::build(&[work("fa-wall".into(), path)]).unwrap();
    let report = index.compare(&[listing("brightened", jpeg(&brightened, 85))], &ImageLimits::default());
    assert_eq!(report.matches.len(), 1, "{:?}", report.matches);
    assert_eq!(
        report.matches[0].region,
        Region {
            x: 0,
            y: 0,
            width: w,
            height: h
        }
    );
}

/// A photograph cropped and then pasted onto a background: a window of
/// the listing image shows only the crop, and the crops of the work meet
/// the listing image whole, background and all, so neither half of the
/// partial-match search finds it; the windows are looked up among the
/// crops too (see the module docs, *Crops pasted*). Each of the fixture
/// photographs cut three ways and pasted at 55% of the side: without the
/// stage 4 of the 24 were found, with it 14. The floor is half, and each
/// find must be where the crop was pasted.
#[test]
fn a_crop_pasted_onto_a_background_is_lined_up_with_the_crop() {
    let index = index();
    let stock = files("fixtures/marketplace/stock", "jpg");
    let mut missed = Vec::new();
    let mut tried = 0;
    for (i, path) in files("config/works", "png").iter().enumerate() {
        let id = format!("cr-{}", stem(path));
        let img = open(path);
        let (w, h) = img.dimensions();
        let background = open(&stock[(i + 3) % stock.len()]);
        for (k, (fx, fy, fw, fh)) in [(0.1, 0.1, 0.8, 0.8), (0.0, 0.2, 0.85, 0.8), (0.15, 0.0, 0.85, 0.75)]
            .into_iter()
            .enumerate()
        {
            let (x, y) = ((f64::from(w) * fx) as u32, (f64::from(h) * fy) as u32);
            let (cw, ch) = ((f64::from(w) * fw) as u32, (f64::from(h) * fh) as u32);
            let cut = imageops::crop_imm(&img, x, y, cw, ch).to_image();
            let (pasted, region) = paste(&cut, &background, 0.55, [0.2, 0.8, 0.5][k], [0.7, 0.3, 0.5][k]);
            let url = format!("{id}/{fx},{fy},{fw},{fh}");
            let report = index.compare(&[listing(&url, jpeg(&pasted, 85))], &ImageLimits::default());
            tried += 1;
            match report.matches.iter().find(|m| m.work_id == id) {
                Some(m) => assert!(overlap(m.region, region) > 0.5, "{url}: found at {:?}", m.region),
                None => missed.push(url),
            }
        }
    }
    assert!(
        2 * missed.len() <= tried,
        "missed {} of {tried}: {missed:?}",
        missed.len()
    );
}

/// A picture the trim takes some of (here, even bands of sky and sand
/// across a photograph, alike in brightness, as the trim's border is the
/// median of the corners), turned whole as registered: the turn makes the
/// bands' rows uneven, so the listing image's trim keeps them, and the
/// rectangle cut out of it holds what the view, trimmed, lacks, centred
/// elsewhere. Held turned as registered too, the stock photographs so
/// banded and turned 4° to 13° with white corners are all found (42 of 56
/// were before).
#[test]
fn a_picture_the_trim_takes_bands_of_is_found_turned_as_registered() {
    let dir = tempfile::tempdir().unwrap();
    let banded: Vec<(String, RgbImage)> = files("fixtures/marketplace/stock", "jpg")
        .iter()
        .map(|path| {
            let pic = open(path);
            let (w, h) = pic.dimensions();
            let (top, bottom) = (h / 5, h / 6);
            let mut out = RgbImage::from_pixel(w, h + top + bottom, Rgb([150, 165, 200]));
            imageops::overlay(&mut out, &pic, 0, i64::from(top));
            for y in h + top..h + top + bottom {
                for x in 0..w {
                    out.put_pixel(x, y, Rgb([175, 165, 120]));
                }
            }
            (stem(path), out)
        })
        .collect();
    let works: Vec<Work> = (banded.iter())
        .map(|(name, img)| {
            let path = dir.path().join(format!("{name}.png"));
            img.save(&path).unwrap();
            work(format!("cr-{name}"), path)
        })
        .collect();
    let index = WorkIndex::build(&works).unwrap();
    assert!(
        index.views.iter().all(|v| v.untrimmed.is_some()),
        "the trim took no band"
    );
    let mut missed = Vec::new();
    let mut total = 0;
    for (name, img) in &banded {
        for degrees in [-13.0, -8.0, 4.0, 10.0] {
            let turned = turn(img, degrees, Some(Rgb([255, 255, 255])));
            let url = format!("{name} turned {degrees}°");
            let report = index.compare(&[listing(&url, jpeg(&turned, 85))], &ImageLimits::default());
            let want = format!("cr-{name}");
            assert!(
                report.matches.iter().all(|m| m.work_id == want),
                "{url}: {:?}",
                report.matches
            );
            if report.matches.is_empty() {
                missed.push(url);
            }
            total += 1;
        }
    }
    assert!(missed.is_empty(), "missed {} of {total}: {missed:?}", missed.len());
}

/// Turns every pixel's hue by `degrees` as HSV does, as an image editor's
/// hue slider does: each pixel keeps its largest and smallest channel.
fn hue_turned(img: &RgbImage, degrees: f32) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let [r, g, b] = p.0.map(f32::from);
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let chroma = max - min;
        if chroma == 0.0 {
            continue;
        }
        let hue = if max == r {
            ((g - b) / chroma).rem_euclid(6.0)
        } else if max == g {
            (b - r) / chroma + 2.0
        } else {
            (r - g) / chroma + 4.0
        };
        let hue = (hue + degrees / 60.0).rem_euclid(6.0);
        p.0 = from_hsv(hue, chroma, min).map(|v| v.round() as u8);
    }
    out
}

/// Red, green and blue of a colour given as HSV gives it: its hue in
/// sixths of the circle (0 to 6), its chroma (largest channel less
/// smallest) and its smallest channel, on any one scale.
fn from_hsv(hue: f32, chroma: f32, min: f32) -> [f32; 3] {
    let x = chroma * (1.0 - (hue % 2.0 - 1.0).abs());
    let rgb = match hue as u32 {
        0 => [chroma, x, 0.0],
        1 => [x, chroma, 0.0],
        2 => [0.0, chroma, x],
        3 => [0.0, x, chroma],
        4 => [x, 0.0, chroma],
        _ => [chroma, 0.0, x],
    };
    rgb.map(|c| c + min)
}

/// A rosette drawn by rule: petals whose hue runs round the circle and
/// whose brightness (value) rises and falls in rings, all saturated, so
/// that its grey, by luma, is mostly its hues: what a hue turn moves.
fn rosette(petals: u32, rings: f32, twist: f32) -> RgbImage {
    let side = 400u32;
    let c = side as f32 / 2.0;
    RgbImage::from_fn(side, side, |x, y| {
        let (dx, dy) = (x as f32 - c, y as f32 - c);
        let r = (dx * dx + dy * dy).sqrt() / c;
        let angle = dy.atan2(dx);
        let petal = (angle * petals as f32 + r * twist).cos();
        let hue = (angle.to_degrees() + 360.0 + 90.0 * petal).rem_euclid(360.0);
        let value = 0.55 + 0.4 * (r * rings * std::f32::consts::PI).cos() * (0.6 + 0.4 * petal);
        let chroma = value * 0.9;
        Rgb(from_hsv(hue / 60.0, chroma, value - chroma).map(|v| (v * 255.0).round() as u8))
    })
}

/// A work recoloured as an image editor turns hue (HSV or HSL: each
/// pixel's largest and smallest channel stay) is found by its value (see
/// the module docs, *Recoloured copies*), where grey, by luma, moves with
/// the colours: the fixtures' photographs and flat drawings, and rosettes
/// drawn in saturated colours (whose grey is mostly their hues), turned a
/// quarter, a half and three quarters round. No other work is matched.
#[test]
fn a_copy_recoloured_by_a_hue_turn_is_found_by_its_value() {
    let drawings = crate::fixture::artwork::registered();
    let (_dir, works) = artwork_works(&drawings);
    let art = WorkIndex::build(&works).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rosettes: Vec<(String, RgbImage)> = [(6, 3.0, 2.0), (8, 2.0, -3.0), (5, 4.0, 0.0), (12, 2.5, 5.0)]
        .into_iter()
        .enumerate()
        .map(|(n, (petals, rings, twist))| (format!("rosette-{n}"), rosette(petals, rings, twist)))
        .collect();
    let works: Vec<Work> = (rosettes.iter())
        .map(|(name, img)| {
            let path = dir.path().join(format!("{name}.png"));
            img.save(&path).unwrap();
            work(name.clone(), path)
        })
        .collect();
    let drawn = WorkIndex::build(&works).unwrap();
    let mut pictures = fixture_pictures(&drawings, &art);
    pictures.extend(rosettes.iter().map(|(n, img)| (n.clone(), img.clone(), &drawn)));
    let limits = ImageLimits::default();
    // Those grey alone, by luma, misses: what the test is for.
    let (mut by_luma_missed, mut total, mut missed) = (Vec::new(), 0, Vec::new());
    for (want, img, index) in &pictures {
        for degrees in [90.0, 180.0, 270.0] {
            let bytes = jpeg(&hue_turned(img, degrees), 85);
            let pic = decode::load(&bytes, &limits).unwrap();
            let found = |value: Option<GrayImage>| -> Vec<String> {
                (index.find(&pic, || value, |_| None).into_iter())
                    .filter(|f| f.distance <= f.limit)
                    .map(|f| index.ids[index.views[f.view].work].clone())
                    .collect()
            };
            let with_value = found(decode::value(&bytes, &limits));
            assert!(
                with_value.iter().all(|id| id == want),
                "{want} {degrees}°: {with_value:?}"
            );
            if with_value.is_empty() {
                missed.push(format!("{want} {degrees}°"));
            }
            if found(None).is_empty() {
                by_luma_missed.push(format!("{want} {degrees}°"));
            }
            total += 1;
        }
    }
    println!(
        "hue turned: {} of {total} found; luma alone misses {}: {by_luma_missed:?}",
        total - missed.len(),
        by_luma_missed.len()
    );
    assert!(missed.is_empty(), "missed {} of {total}: {missed:?}", missed.len());
    assert!(
        !by_luma_missed.is_empty(),
        "luma alone found all {total}: the test no longer tells"
    );
}

/// What the recoloured stage stands on: a picture turned in hue has the
/// value of the picture as it was, within JPEG's error, where its grey
/// moves; and a grey picture, stored grey or in colour, has none.
#[test]
fn a_hue_turn_keeps_the_value_and_moves_the_grey() {
    let limits = ImageLimits::default();
    let mean_difference = |a: &GrayImage, b: &GrayImage| -> f64 {
        let total: u64 = (a.pixels().zip(b.pixels()))
            .map(|(p, q)| u64::from(p[0].abs_diff(q[0])))
            .sum();
        total as f64 / f64::from(a.width() * a.height())
    };
    let img = rosette(6, 3.0, 2.0);
    let (original, turned) = (jpeg(&img, 90), jpeg(&hue_turned(&img, 120.0), 90));
    let grey = |bytes: &[u8]| decode::load(bytes, &limits).unwrap().grey;
    let value = |bytes: &[u8]| decode::value(bytes, &limits).expect("a colour picture");
    let (values, greys) = (
        mean_difference(&value(&original), &value(&turned)),
        mean_difference(&grey(&original), &grey(&turned)),
    );
    assert!(values < 3.0 && greys > 20.0, "value moved {values:.1}, grey {greys:.1}");
    let grey_jpeg = {
        let mut out = Vec::new();
        let grey = DynamicImage::ImageRgb8(img.clone()).into_luma8();
        ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&grey)
            .unwrap();
        out
    };
    assert!(decode::value(&grey_jpeg, &limits).is_none());
    let grey_in_colour = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img).into_luma8()).into_rgb8();
    assert!(decode::value(&jpeg(&grey_in_colour, 90), &limits).is_none());
}

/// A look-alike drawn on the work's template, other words in its
/// lettering, is as near the work by the hashes as a copy; the work's
/// fine marks, its letters, are missing from it and kept by every copy
/// (see [`marks`]).
#[test]
fn a_badge_with_other_words_lacks_the_work_s_marks() {
    use crate::fixture::artwork::badge;
    let work = badge(["KESTREL", "MOTORS", "SALON"]);
    let (_dir, works) = artwork_works(&[("badge", work.clone())]);
    let index = WorkIndex::build(&works).unwrap();
    let limits = ImageLimits::default();
    let lookalikes = [
        ["NORMANS", "BAKERS", "TONAL"],
        ["BALMORE", "STONES", "LEMON"],
        ["MONSTER", "BATONS", "LEMON"],
    ];
    for words in lookalikes {
        let image = listing(&words.join(" "), jpeg(&badge(words), 85));
        let (report, near) = index.compare_near(&image, &limits, "fa-badge");
        let near = near.expect("the look-alike is compared with the work");
        assert!(
            near.whole <= near.whole_limit,
            "{words:?}: the hashes alone take it for the work ({} of {})",
            near.whole,
            near.whole_limit
        );
        assert!(report.matches.is_empty(), "{words:?}: {:?}", report.matches);
    }
    let small = imageops::resize(&work, 360, 360, imageops::FilterType::Triangle);
    let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(work.clone()).into_luma8()).into_rgb8();
    let copies = [
        ("JPEG 60", jpeg(&work, 60)),
        ("small", jpeg(&small, 85)),
        ("turned 8°", jpeg(&turn(&work, 8.0, Some(Rgb([255, 255, 255]))), 85)),
        ("grey", jpeg(&grey, 85)),
        ("mirrored", jpeg(&imageops::flip_horizontal(&work), 85)),
    ];
    for (edit, bytes) in copies {
        let report = index.compare(&[listing(edit, bytes)], &limits);
        assert_eq!(report.matches.len(), 1, "{edit}: {:?}", report.matches);
    }
}

/// A pattern of two colours of one grey (an argyle in purple and olive,
/// as the first hold-out's seed 48 drew it: `fixtures/argyle`): its grey
/// is little but its lines, and a copy's is nothing like the work's once
/// its hue is turned, which moves each colour's luma. Its value, which the
/// turn keeps, finds it whole; but the find was then held to the
/// pattern's profile and sett in grey, which are its lines, and turned
/// down. Held to those of its value it stands (see the module docs,
/// *Recoloured copies*): both copies were missed before.
#[test]
fn a_pattern_of_two_colours_of_one_grey_is_held_to_its_value() {
    let dir = root().join("fixtures/argyle");
    let index = WorkIndex::build(&[work("argyle".into(), dir.join("work.jpg"))]).unwrap();
    for copy in ["mirrored-and-turned.jpg", "watermarked-and-small.jpg"] {
        let bytes = std::fs::read(dir.join(copy)).unwrap();
        let report = index.compare(&[listing(copy, bytes)], &ImageLimits::default());
        let ids: Vec<&str> = report.matches.iter().map(|m| m.work_id.as_str()).collect();
        assert_eq!(ids, ["argyle"], "{copy}");
    }
}

/// A tessellation and three look-alikes of the second hold-out (seed
/// 13): hexagons of the work's palette, another size, coloured otherwise
/// (`fixtures/tessellation`). The grey of a grid of hexagons is mostly
/// its white lines, alike wherever it is lined up, and the look-alikes'
/// chroma came nearer the work's than chance; they were taken for the
/// work until the hues were compared (see the module docs, *Patterns in
/// colour*). The two copies cut from the work are lined up by the grey
/// hexagons away from their place, and are still found, by their hues
/// at every repeat. (The seed's fourth look-alike, cut, agrees with the
/// work's hues by 0.78 at some repeat, and is still taken for it.)
#[test]
fn a_tessellation_of_the_works_palette_coloured_otherwise_is_not_taken_for_it() {
    let dir = root().join("fixtures/tessellation");
    let index = WorkIndex::build(&[work("tessellation".into(), dir.join("work.png"))]).unwrap();
    let matched = |file: &str| -> Vec<String> {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let report = index.compare(&[listing(file, bytes)], &ImageLimits::default());
        report.matches.into_iter().map(|m| m.work_id).collect()
    };
    for copy in ["cut-4.jpg", "cut-10.jpg"] {
        assert_eq!(matched(copy), ["tessellation"], "{copy}");
    }
    for j in 0..3 {
        let look_alike = format!("look-alike-{j}.jpg");
        assert_eq!(matched(&look_alike), Vec::<String>::new(), "{look_alike}");
    }
}

/// Works printed whole, each with its plain margin, on a shirt, shaded
/// by the cloth's folds and the light (`fixtures/prints`, from the two
/// hold-out generators): the figure cut out of the shirt is the print,
/// margin and all, which the shading keeps from being trimmed as the work
/// was. All three were missed in their hold-outs' runs before the
/// figures were compared with the works as registered, untrimmed, too
/// (see the module docs, *What the trim takes*), and the first of them is
/// here without it.
#[test]
fn a_work_printed_with_its_margin_is_compared_untrimmed() {
    let dir = root().join("fixtures/prints");
    let names = ["wordmark", "emblem", "mascot"];
    let works: Vec<Work> = (names.iter())
        .map(|n| work(format!("pr-{n}"), dir.join(format!("{n}.png"))))
        .collect();
    let index = WorkIndex::build(&works).unwrap();
    for name in names {
        let file = dir.join(format!("{name}-on-a-shirt.jpg"));
        let report = index.compare(&[listing(name, std::fs::read(&file).unwrap())], &ImageLimits::default());
        let ids: Vec<&str> = report.matches.iter().map(|m| m.work_id.as_str()).collect();
        assert_eq!(ids, [format!("pr-{name}")], "{name}");
    }
}
