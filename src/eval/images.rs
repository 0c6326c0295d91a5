//! `knockoff eval images`: the image comparator against labelled pictures.
//!
//! A labelled set is a directory of image files and a `labels.jsonl`, one
//! line per file: the file name, the registered work it copies (or none),
//! and the edits applied. The comparator sees only the bytes; recall is
//! counted per edit, and every match on an unregistered picture is a false
//! positive, counted per edit as well (and per tag: `lookalike`).
//! `knockoff fixtures images` writes such a set from the fixture catalogue:
//! every copied work as its listing shows it, and the clean listings'
//! pictures, then what the catalogue does not sell: every work turned by
//! every whole angle up to 15°, every work turned and then cropped or
//! pasted onto a background, every work pasted small onto stock photos
//! (and stock photos onto each other), stock photos turned alike, and
//! look-alikes.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ratio;
use crate::fixture::{render_image, Catalogue, Edit, FixtureError, ImageRecipe, Truth, STOCK};
use crate::image::{ImageLimits, Nearness, WorkIndex};
use crate::model::ListingImage;

/// One labelled picture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelledImage {
    pub file: String,
    /// The work it copies; `None` for an unregistered picture. A file may
    /// name it by id, by title or by the file name of one of its images,
    /// and say "none" for no work ([`resolve_works`] reads it so).
    #[serde(alias = "expected", alias = "expected_work")]
    pub work: Option<String>,
    /// The edits applied, by name (resize, crop, background …).
    #[serde(default)]
    pub edits: Vec<String>,
}

/// Reads each label's work as the registry's id: an id as is, a title (any
/// case) or the file name of one of the work's images ("cat.png" or "cat")
/// as that work's id, "none", "null" or an empty label as no work. Returns
/// the labels that name no work, with how many pictures carry each: those
/// pictures count as missed.
pub fn resolve_works(labels: &mut [LabelledImage], registry: &crate::config::Registry) -> BTreeMap<String, usize> {
    // Each work's names, lower case, read once for the whole file: its title
    // and each image's file name, with and without its extension.
    let mut names: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for w in &registry.works {
        let files = w.images.iter().flat_map(|p| [p.file_name(), p.file_stem()]);
        for name in files.flatten().filter_map(|n| n.to_str()).chain([w.title.as_str()]) {
            names.entry(name.to_lowercase()).or_insert(&w.id);
        }
    }
    let mut unknown = BTreeMap::new();
    for l in labels {
        let Some(label) = l.work.as_deref().map(str::trim) else {
            continue;
        };
        if label.is_empty() || label.eq_ignore_ascii_case("none") || label.eq_ignore_ascii_case("null") {
            l.work = None;
            continue;
        }
        if registry.work(label).is_some() {
            continue;
        }
        match names.get(&label.to_lowercase()) {
            Some(id) => l.work = Some(id.to_string()),
            None => *unknown.entry(label.to_string()).or_default() += 1,
        }
    }
    unknown
}

/// The result of [`evaluate_images`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImageEval {
    /// Per edit: found, of. A picture with several edits counts for each.
    pub by_edit: BTreeMap<String, (usize, usize)>,
    /// Copies found with the right work, of all copies.
    pub found: (usize, usize),
    /// Unregistered pictures matched to some work, of all unregistered.
    pub false_positives: (usize, usize),
    /// The same per edit (or tag such as `lookalike`): matched, of.
    pub false_positives_by_edit: BTreeMap<String, (usize, usize)>,
    /// Files that went wrong, by file name.
    pub wrong: Vec<Wrong>,
    /// Files that could not be read or decoded, with the reason.
    pub failures: Vec<(String, String)>,
    /// Labels that name no registered work ([`resolve_works`]), with how
    /// many pictures carry each.
    pub unknown_labels: BTreeMap<String, usize>,
}

/// A picture the comparator got wrong: a copy missed or given to another
/// work, or an unregistered picture matched.
#[derive(Clone, Debug, Serialize)]
pub struct Wrong {
    pub file: String,
    /// The work it copies; `None` for an unregistered picture.
    pub expected: Option<String>,
    /// The works found, each with how many of the bits compared differed,
    /// and how many were compared.
    pub found: Vec<(String, u32, u32)>,
    /// For a copy: how near its work came, so a reader sees whether the
    /// miss was close.
    pub nearness: Option<Nearness>,
}

impl Wrong {
    fn render(&self) -> String {
        let found: Vec<String> = self
            .found
            .iter()
            .map(|(work, differ, of)| format!("{work} differing in {differ} of {of} bits"))
            .collect();
        let mut line = format!(
            "  {}: expected {}, found [{}]",
            self.file,
            self.expected.as_deref().unwrap_or("none"),
            found.join(", ")
        );
        if let Some(n) = &self.nearness {
            line += &format!("; whole {} of 512 (limit {})", n.whole, n.whole_limit);
            line += &match n.nearest {
                Some((d, limit)) => format!(", nearest any stage came {d} (limit {limit})"),
                None => ", no stage proposed it".to_string(),
            };
        }
        line + "\n"
    }
}

impl ImageEval {
    pub fn recall(&self) -> f64 {
        ratio(self.found.0, self.found.1)
    }

    pub fn false_positive_rate(&self) -> f64 {
        if self.false_positives.1 == 0 {
            0.0
        } else {
            self.false_positives.0 as f64 / self.false_positives.1 as f64
        }
    }

    pub fn render(&self) -> String {
        let mut s = String::from("edit             recall (found/of)\n");
        for (edit, (n, of)) in &self.by_edit {
            s += &format!("{edit:<16} {:>6.3} ({n}/{of})\n", ratio(*n, *of));
        }
        s += &format!(
            "{:<16} {:>6.3} ({}/{})\n\nfalse positives on unregistered pictures: {:.4} ({}/{})\n",
            "all",
            self.recall(),
            self.found.0,
            self.found.1,
            self.false_positive_rate(),
            self.false_positives.0,
            self.false_positives.1
        );
        for (edit, (n, of)) in &self.false_positives_by_edit {
            s += &format!("  {edit:<14} {:>6.4} ({n}/{of})\n", ratio(*n, *of));
        }
        for wrong in &self.wrong {
            s += &wrong.render();
        }
        for (file, why) in &self.failures {
            s += &format!("  {file}: {why}\n");
        }
        if !self.unknown_labels.is_empty() {
            s += "\nlabels that name no registered work (their pictures count as missed):\n";
            for (label, n) in &self.unknown_labels {
                s += &format!("  {label:?}: {n} picture{}\n", if *n == 1 { "" } else { "s" });
            }
        }
        s
    }
}

/// Compares every labelled picture in `dir` with the registered works.
pub fn evaluate_images(dir: &Path, labels: &[LabelledImage], index: &WorkIndex, limits: &ImageLimits) -> ImageEval {
    type Found = (Vec<(String, u32, u32)>, Option<Nearness>);
    let results: Vec<(&LabelledImage, Result<Found, String>)> = labels
        .par_iter()
        .map(|l| {
            let found = std::fs::read(dir.join(&l.file))
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    let image = ListingImage {
                        url: l.file.clone(),
                        bytes: bytes.into(),
                    };
                    let (report, nearness) = match &l.work {
                        Some(work) => index.compare_near(&image, limits, work),
                        None => (index.compare(std::slice::from_ref(&image), limits), None),
                    };
                    if let Some(f) = report.failures.first() {
                        return Err(f.reason.clone());
                    }
                    let works: Vec<(String, u32, u32)> = report
                        .matches
                        .into_iter()
                        .map(|m| (m.work_id, m.distance, m.bits))
                        .collect();
                    Ok((works, nearness))
                });
            (l, found)
        })
        .collect();
    let mut e = ImageEval::default();
    for (l, found) in results {
        let (works, nearness) = match found {
            Ok(found) => found,
            Err(why) => {
                e.failures.push((l.file.clone(), why));
                (Vec::new(), None)
            }
        };
        let wrong = |works: Vec<(String, u32, u32)>| Wrong {
            file: l.file.clone(),
            expected: l.work.clone(),
            found: works,
            nearness,
        };
        match &l.work {
            Some(work) => {
                let hit = works.first().map(|w| &w.0) == Some(work);
                e.found.1 += 1;
                e.found.0 += usize::from(hit);
                for edit in &l.edits {
                    let r = e.by_edit.entry(edit.clone()).or_default();
                    r.1 += 1;
                    r.0 += usize::from(hit);
                }
                if !hit {
                    e.wrong.push(wrong(works));
                }
            }
            None => {
                e.false_positives.1 += 1;
                for edit in &l.edits {
                    let r = e.false_positives_by_edit.entry(edit.clone()).or_default();
                    r.1 += 1;
                    r.0 += usize::from(!works.is_empty());
                }
                if !works.is_empty() {
                    e.false_positives.0 += 1;
                    e.wrong.push(wrong(works));
                }
            }
        }
    }
    e.wrong.sort_by(|a, b| a.file.cmp(&b.file));
    e
}

/// The fixture catalogue's pictures as a labelled set: each copied work's
/// picture (labelled with the work and its edits) and every picture of the
/// clean listings (unregistered), then the cases the catalogue does not
/// sell: turned copies of every work ([`turned_copies`]), turned stock
/// photos, small copies ([`small_copies`]) and look-alikes
/// ([`look_alikes`]). `clean_limit` caps the clean
/// listings' pictures.
pub fn labelled_from_catalogue(
    catalogue: &Catalogue,
    truth: &[Truth],
    clean_limit: usize,
) -> Vec<(LabelledImage, ImageRecipe)> {
    let by_id: std::collections::HashMap<&str, &Truth> = truth.iter().map(|t| (t.item_id.as_str(), t)).collect();
    let mut out = Vec::new();
    let mut clean = 0;
    // Each work's source picture, by work: what the extra cases start from.
    let mut works: BTreeMap<String, String> = BTreeMap::new();
    for item in &catalogue.listings {
        let Some(t) = by_id.get(item.id.to_string().as_str()) else {
            continue;
        };
        let copied = t.kind.is_some_and(|k| k != crate::model::RightKind::Trademark);
        for (n, recipe) in item.images.iter().enumerate() {
            let is_work = recipe.source.contains("works/");
            let work = match (copied, is_work, t.case.as_str()) {
                (true, true, _) => t.right_id.clone(),
                (false, false, "clean") if clean < clean_limit => {
                    clean += 1;
                    None
                }
                _ => continue,
            };
            if let Some(id) = &work {
                works.entry(id.clone()).or_insert_with(|| recipe.source.clone());
            }
            let file = format!("{}-{n}.jpg", item.id);
            out.push(labelled(file, work, recipe.source.clone(), recipe.edits.clone(), &[]));
        }
    }
    out.extend(turned_copies(&works));
    out.extend(small_copies(&works));
    out.extend(look_alikes(&works));
    out
}

/// A labelled picture: `source` with `edits` applied, labelled with the
/// work it copies, the `tags` and the edits' names.
fn labelled(
    file: String,
    work: Option<String>,
    source: String,
    edits: Vec<Edit>,
    tags: &[&str],
) -> (LabelledImage, ImageRecipe) {
    let recipe = ImageRecipe { source, edits };
    let mut edits: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    edits.extend(
        recipe
            .edits
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok()?.get("op")?.as_str().map(str::to_string)),
    );
    (LabelledImage { file, work, edits }, recipe)
}

/// The most a turned copy is turned, in degrees: issue 4's "a few degrees".
pub const MAX_TURN: i8 = 15;

/// What a turn leaves in the corners, in turn: cropped away, white, black,
/// a pale tint (as photo editors and sellers' templates do).
const TURN_FILLS: [Option<[u8; 3]>; 4] = [None, Some([255, 255, 255]), Some([0, 0, 0]), Some([236, 228, 214])];

/// Every work turned by every whole angle from 1 to [`MAX_TURN`] degrees,
/// the direction and the corners changing from one copy to the next, and
/// every stock photo turned the same ways as unregistered pictures (a
/// turned photo must not match a work just for its filled corners). The
/// angles are all of them, not a sample, so that no grid of angles the
/// comparator indexes can be favoured by the set. Then every work turned
/// (3°, 6°, 9° or 12°, none of them chosen for the comparator) and cropped
/// further, or pasted onto a background, as sellers also do.
fn turned_copies(works: &BTreeMap<String, String>) -> Vec<(LabelledImage, ImageRecipe)> {
    let turn = |k: usize, degrees: i8| Edit::Rotate {
        degrees: if k % 2 == 0 { degrees } else { -degrees },
        fill: TURN_FILLS[k % TURN_FILLS.len()],
    };
    let mut out = Vec::new();
    for (w, (id, source)) in works.iter().enumerate() {
        for degrees in 1..=MAX_TURN {
            let k = w + degrees as usize;
            out.push(labelled(
                format!("turned-{id}-{degrees}.jpg"),
                Some(id.clone()),
                source.clone(),
                vec![turn(k, degrees)],
                &[],
            ));
        }
    }
    // Turns combined with the other geometric edits: a turned copy cropped
    // further, and a turned copy pasted onto a background.
    for (w, (id, source)) in works.iter().enumerate() {
        let degrees = 3 + (w % 4) as i8 * 3;
        let combos = [
            (
                "crop",
                vec![
                    turn(w, degrees),
                    Edit::Crop {
                        left: 8,
                        top: 0,
                        right: 0,
                        bottom: 8,
                    },
                ],
            ),
            (
                "background",
                vec![
                    turn(w + 1, degrees),
                    Edit::Background {
                        stock: "stock/brick.jpg".into(),
                        percent: 75,
                        x: 40,
                        y: 60,
                    },
                ],
            ),
        ];
        for (what, edits) in combos {
            out.push(labelled(
                format!("turned-{id}-{degrees}-{what}.jpg"),
                Some(id.clone()),
                source.clone(),
                edits,
                &[],
            ));
        }
    }
    for (s, stem) in STOCK.iter().enumerate() {
        for (j, degrees) in [4, 9, 15].into_iter().enumerate() {
            out.push(labelled(
                format!("turned-{stem}-{degrees}.jpg"),
                None,
                format!("stock/{stem}.jpg"),
                vec![turn(s + j, degrees)],
                &[],
            ));
        }
    }
    out
}

/// The shares of a picture's side a work takes in [`small_copies`]: under
/// half, where a work shown among other things (a poster on a wall, a
/// print on a product photo) stands.
const SMALL_PERCENTS: [u8; 3] = [45, 40, 35];

/// Where a small copy sits, as percentages of the free space each way: the
/// corners, the middle and edges, one after another.
const SMALL_PLACES: [(u8, u8); 6] = [(0, 0), (100, 100), (50, 50), (100, 0), (20, 80), (0, 50)];

/// Every work pasted small (each of [`SMALL_PERCENTS`] of the picture's
/// side) onto two stock photos, in changing places, tagged `small`; and
/// every stock photo pasted small onto another, the unregistered pictures
/// of the same make-up (a small picture within a picture must not match a
/// work for its frame).
fn small_copies(works: &BTreeMap<String, String>) -> Vec<(LabelledImage, ImageRecipe)> {
    let paste = |k: usize, percent: u8| {
        let (x, y) = SMALL_PLACES[k % SMALL_PLACES.len()];
        Edit::Background {
            stock: format!("stock/{}.jpg", STOCK[k % STOCK.len()]),
            percent,
            x,
            y,
        }
    };
    let mut out = Vec::new();
    let mut k = 0;
    for (id, source) in works {
        for percent in SMALL_PERCENTS {
            for _ in 0..2 {
                k += 1;
                out.push(labelled(
                    format!("small-{id}-{percent}-{k}.jpg"),
                    Some(id.clone()),
                    source.clone(),
                    vec![paste(k, percent)],
                    &["small"],
                ));
            }
        }
    }
    for (s, stem) in STOCK.iter().enumerate() {
        // The next photo: never the pasted one itself.
        let edit = paste(s + 1, SMALL_PERCENTS[s % SMALL_PERCENTS.len()]);
        out.push(labelled(
            format!("small-{stem}.jpg"),
            None,
            format!("stock/{stem}.jpg"),
            vec![edit],
            &["small"],
        ));
    }
    out
}

/// For each work, an unregistered stock photo of a like subject, and why it
/// is like it. A look-alike is what a seller with their own picture of the
/// same kind of thing shows: it must never match.
const LOOK_ALIKES: &[(&str, &str)] = &[
    ("astronaut", "camera"),        // a person posed with their equipment
    ("chelsea", "horse"),           // an animal, whole, in profile
    ("coffee", "coins"),            // round things seen from above
    ("hubble", "moon"),             // astronomy: a dark, grainy sky object
    ("ihc", "cell"),                // a microscope slide
    ("logo", "text"),               // lettering on a plain ground
    ("motorcycle", "clock_motion"), // a machine, close up, in a studio
    ("rocket", "phantom"),          // a tall shape centred on a flat ground
];

/// Look-alikes: each work's like stock photo, shown the ways copies are (as
/// is, turned with filled or cropped corners, padded, pasted onto a
/// background large and small, grey), labelled `lookalike` and the
/// edits. They try the comparator where it is weakest, on pictures framed
/// like a work, whatever extra views or searches it brings to bear.
fn look_alikes(works: &BTreeMap<String, String>) -> Vec<(LabelledImage, ImageRecipe)> {
    let mut out = Vec::new();
    for source in works.values() {
        let Some(&(_, stock)) = LOOK_ALIKES.iter().find(|(w, _)| source.contains(&format!("/{w}."))) else {
            continue;
        };
        let shows = [
            vec![],
            vec![Edit::Rotate {
                degrees: 6,
                fill: Some([255, 255, 255]),
            }],
            vec![Edit::Rotate {
                degrees: -13,
                fill: None,
            }],
            vec![Edit::Pad {
                percent: 10,
                colour: [255, 255, 255],
            }],
            vec![Edit::Background {
                stock: "stock/brick.jpg".into(),
                percent: 70,
                x: 50,
                y: 50,
            }],
            vec![Edit::Grey],
            vec![Edit::Background {
                stock: "stock/grass.jpg".into(),
                percent: 40,
                x: 30,
                y: 70,
            }],
        ];
        for (n, edits) in shows.into_iter().enumerate() {
            out.push(labelled(
                format!("lookalike-{stock}-{n}.jpg"),
                None,
                format!("stock/{stock}.jpg"),
                edits,
                &["lookalike"],
            ));
        }
    }
    out
}

/// The flat-artwork set ([`crate::fixture::artwork`]): writes the
/// registered drawings to `out/works/` with a registry naming them
/// (`out/registry.toml`), the other drawings to `out/drawings/`, and the
/// labelled pictures with `labels.jsonl` to `out`, rendered with the stock
/// photos of `catalogue_dir`. Every registered drawing under each of 13
/// edits (whole-picture ones, crop, pad, turns, a new background, shown
/// small) and printed on a T-shirt at two sizes; every look-alike as is,
/// turned, on a background and on T-shirts; plain T-shirts.
pub fn write_artwork_set(catalogue_dir: &Path, out: &Path) -> Result<Vec<LabelledImage>, FixtureError> {
    use crate::fixture::artwork;
    for dir in ["works", "drawings"] {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir).map_err(|e| write_err(&dir, e))?;
    }
    let save = |img: &::image::RgbImage, rel: &str| -> Result<String, FixtureError> {
        let path = out.join(rel);
        img.save(&path).map_err(|source| FixtureError::Image { path, source })?;
        Ok(rel.to_string())
    };
    // The drawing printed on a shirt of `colour` at two sizes.
    let shirts = |img: &::image::RgbImage,
                  name: &str,
                  colour: [u8; 3],
                  work: Option<&String>,
                  tags: &[&str],
                  set: &mut Vec<(LabelledImage, ImageRecipe)>|
     -> Result<(), FixtureError> {
        for (n, share) in [0.5, 0.38].into_iter().enumerate() {
            let shirt = save(
                &artwork::on_shirt(img, colour, share),
                &format!("drawings/shirt-{name}-{n}.png"),
            )?;
            set.push(labelled(
                format!("shirt-{name}-{n}.jpg"),
                work.cloned(),
                shirt,
                vec![],
                tags,
            ));
        }
        Ok(())
    };
    let stock = |k: usize| {
        catalogue_dir
            .join(format!("stock/{}.jpg", STOCK[k % STOCK.len()]))
            .display()
            .to_string()
    };
    const SHIRTS: [[u8; 3]; 5] = [
        [40, 60, 140],
        [200, 200, 200],
        [20, 20, 20],
        [250, 250, 250],
        [180, 30, 30],
    ];
    let mut set = Vec::new();
    let mut registry = String::from(ARTWORK_REGISTRY_HEAD);
    for (k, (name, img)) in artwork::registered().iter().enumerate() {
        let source = save(img, &format!("works/{name}.png"))?;
        let id = format!("fa-{name}");
        registry += &format!(
            "\n[[work]]\nid = \"{id}\"\nkind = \"copyright\"\ntitle = \"{name}, flat artwork\"\nholder = \"artwork\"\nregistration = \"FA-{k:04}\"\nimages = [\"{source}\"]\n"
        );
        let edits = [
            (vec![Edit::Resize { percent: 50 }], &[][..]),
            (vec![Edit::Jpeg { quality: 50 }], &[]),
            (
                vec![Edit::Crop {
                    left: 12,
                    top: 5,
                    right: 8,
                    bottom: 10,
                }],
                &[],
            ),
            (
                vec![Edit::Pad {
                    percent: 15,
                    colour: [255, 255, 255],
                }],
                &[],
            ),
            (
                vec![Edit::Pad {
                    percent: 12,
                    colour: [30, 30, 30],
                }],
                &[],
            ),
            (
                vec![Edit::Rotate {
                    degrees: 7,
                    fill: Some([255, 255, 255]),
                }],
                &[],
            ),
            (
                vec![Edit::Rotate {
                    degrees: -13,
                    fill: None,
                }],
                &[],
            ),
            (
                vec![Edit::Background {
                    stock: stock(k),
                    percent: 60,
                    x: 30,
                    y: 60,
                }],
                &[],
            ),
            (
                vec![Edit::Background {
                    stock: stock(k + 3),
                    percent: 42,
                    x: 80,
                    y: 20,
                }],
                &["small"],
            ),
            (vec![Edit::Grey], &[]),
            (vec![Edit::Mirror], &[]),
            (vec![Edit::Hue { degrees: 120 }], &[]),
            (
                vec![Edit::Watermark {
                    top: 40,
                    height: 15,
                    seed: 7,
                }],
                &[],
            ),
        ];
        for (n, (edits, tags)) in edits.into_iter().enumerate() {
            set.push(labelled(
                format!("{name}-{n}.jpg"),
                Some(id.clone()),
                source.clone(),
                edits,
                tags,
            ));
        }
        shirts(img, name, SHIRTS[0], Some(&id), &["shirt"], &mut set)?;
    }
    for (k, (name, img)) in artwork::lookalikes().iter().enumerate() {
        let source = save(img, &format!("drawings/{name}.png"))?;
        let shows = [
            vec![],
            vec![Edit::Rotate {
                degrees: 9,
                fill: Some([255, 255, 255]),
            }],
            vec![Edit::Background {
                stock: stock(k),
                percent: 55,
                x: 40,
                y: 40,
            }],
        ];
        for (n, edits) in shows.into_iter().enumerate() {
            set.push(labelled(
                format!("lookalike-{name}-{n}.jpg"),
                None,
                source.clone(),
                edits,
                &["lookalike"],
            ));
        }
        shirts(img, name, SHIRTS[k % 3], None, &["lookalike", "shirt"], &mut set)?;
    }
    let blank = ::image::RgbImage::from_pixel(8, 8, ::image::Rgb([255, 255, 255]));
    for (n, colour) in SHIRTS.into_iter().enumerate() {
        let shirt = save(
            &artwork::on_shirt(&blank, colour, 0.3),
            &format!("drawings/shirt-plain-{n}.png"),
        )?;
        set.push(labelled(
            format!("shirt-plain-{n}.jpg"),
            None,
            shirt,
            vec![],
            &["shirt"],
        ));
    }
    let path = out.join("registry.toml");
    std::fs::write(&path, registry).map_err(|e| write_err(&path, e))?;
    write_labelled(out, out, &set)?;
    Ok(set.into_iter().map(|(l, _)| l).collect())
}

fn write_err(path: &Path, source: std::io::Error) -> FixtureError {
    FixtureError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The start of the flat-artwork set's registry: its one holder.
const ARTWORK_REGISTRY_HEAD: &str = "# The registered drawings of `knockoff fixtures artwork`, for
# `knockoff eval images DIR --registry DIR/registry.toml`.

[[holder]]
id = \"artwork\"
name = \"Flat Artwork Ltd\"
email = \"rights@artwork.example\"
address = \"1 Example Road, London\"
";

/// Renders a labelled set into `out`: the pictures and `labels.jsonl`.
pub fn write_labelled(
    catalogue_dir: &Path,
    out: &Path,
    set: &[(LabelledImage, ImageRecipe)],
) -> Result<(), FixtureError> {
    std::fs::create_dir_all(out).map_err(|e| write_err(out, e))?;
    set.par_iter().try_for_each(|(label, recipe)| {
        let bytes = render_image(catalogue_dir, recipe)?;
        let path = out.join(&label.file);
        std::fs::write(&path, bytes).map_err(|e| write_err(&path, e))
    })?;
    let lines: String = set
        .iter()
        .map(|(l, _)| serde_json::to_string(l).expect("labels serialise") + "\n")
        .collect();
    let path = out.join("labels.jsonl");
    std::fs::write(&path, lines).map_err(|e| write_err(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_works_by_id_title_or_file() {
        let registry =
            crate::config::Registry::load(&crate::config::default_config_dir().join("registry.toml")).unwrap();
        let label = |work: Option<&str>| LabelledImage {
            file: "x.jpg".into(),
            work: work.map(str::to_string),
            edits: Vec::new(),
        };
        let mut labels = vec![
            label(Some("cr-astronaut")),
            label(Some("astronaut portrait, studio print")),
            label(Some("astronaut.png")),
            label(Some(" astronaut ")),
            label(Some("None")),
            label(Some("")),
            label(None),
            label(Some("mona lisa")),
        ];
        let unknown = resolve_works(&mut labels, &registry);
        let works: Vec<Option<&str>> = labels.iter().map(|l| l.work.as_deref()).collect();
        let a = Some("cr-astronaut");
        assert_eq!(works, [a, a, a, a, None, None, None, Some("mona lisa")]);
        assert_eq!(unknown, BTreeMap::from([("mona lisa".to_string(), 1)]));
        // And a file of such lines, with no edits given, reads.
        let l: LabelledImage = serde_json::from_str(r#"{"file": "a.jpg", "expected": "astronaut"}"#).unwrap();
        assert_eq!((l.work.as_deref(), l.edits.len()), (Some("astronaut"), 0));
    }

    #[test]
    fn a_wrong_picture_says_what_was_found_and_how_near_its_work_came() {
        let missed = Wrong {
            file: "star-3.jpg".into(),
            expected: Some("fa-star".into()),
            found: Vec::new(),
            nearness: Some(Nearness {
                whole: 170,
                whole_limit: 128,
                nearest: Some((110, 102)),
            }),
        };
        assert_eq!(
            missed.render(),
            "  star-3.jpg: expected fa-star, found []; whole 170 of 512 (limit 128), \
             nearest any stage came 110 (limit 102)\n"
        );
        let unseen = Wrong {
            nearness: Some(Nearness {
                nearest: None,
                ..missed.nearness.unwrap()
            }),
            ..missed.clone()
        };
        assert!(unseen.render().ends_with("(limit 128), no stage proposed it\n"));
        let matched = Wrong {
            file: "horse-1.jpg".into(),
            expected: None,
            found: vec![("fa-star".into(), 30, 196)],
            nearness: None,
        };
        assert_eq!(
            matched.render(),
            "  horse-1.jpg: expected none, found [fa-star differing in 30 of 196 bits]\n"
        );
    }
}
