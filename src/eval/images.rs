//! `knockoff eval images`: the image comparator against labelled pictures.
//!
//! A labelled set is a directory of image files and a `labels.jsonl`, one
//! line per file: the file name, the registered work it copies (or none),
//! and the edits applied. The comparator sees only the bytes; recall is
//! counted per edit, and every match on an unregistered picture is a false
//! positive. `knockoff fixtures images` writes such a set from the fixture
//! catalogue: every copied work as its listing shows it, and the clean
//! listings' pictures.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ratio;
use crate::fixture::{render_image, Catalogue, FixtureError, ImageRecipe, Truth};
use crate::image::{ImageLimits, WorkIndex};
use crate::model::ListingImage;

/// One labelled picture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelledImage {
    pub file: String,
    /// The work it copies; `None` for an unregistered picture.
    pub work: Option<String>,
    /// The edits applied, by name (resize, crop, background …).
    pub edits: Vec<String>,
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
    /// Files that went wrong: the file, what was expected, what was found.
    pub wrong: Vec<(String, Option<String>, Vec<String>)>,
    /// Files that could not be read or decoded, with the reason.
    pub failures: Vec<(String, String)>,
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
        for (file, expected, got) in &self.wrong {
            s += &format!(
                "  {file}: expected {}, found [{}]\n",
                expected.as_deref().unwrap_or("none"),
                got.join(", ")
            );
        }
        for (file, why) in &self.failures {
            s += &format!("  {file}: {why}\n");
        }
        s
    }
}

/// Compares every labelled picture in `dir` with the registered works.
pub fn evaluate_images(dir: &Path, labels: &[LabelledImage], index: &WorkIndex, limits: &ImageLimits) -> ImageEval {
    let results: Vec<(&LabelledImage, Result<Vec<String>, String>)> = labels
        .par_iter()
        .map(|l| {
            let found = std::fs::read(dir.join(&l.file))
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    let image = ListingImage {
                        url: l.file.clone(),
                        bytes: bytes.into(),
                    };
                    let report = index.compare(std::slice::from_ref(&image), limits);
                    match report.failures.first() {
                        Some(f) => Err(f.reason.clone()),
                        None => Ok(report.matches.into_iter().map(|m| m.work_id).collect()),
                    }
                });
            (l, found)
        })
        .collect();
    let mut e = ImageEval::default();
    for (l, found) in results {
        let works = match found {
            Ok(w) => w,
            Err(why) => {
                e.failures.push((l.file.clone(), why));
                Vec::new()
            }
        };
        match &l.work {
            Some(work) => {
                let hit = works.first() == Some(work);
                e.found.1 += 1;
                e.found.0 += usize::from(hit);
                for edit in &l.edits {
                    let r = e.by_edit.entry(edit.clone()).or_default();
                    r.1 += 1;
                    r.0 += usize::from(hit);
                }
                if !hit {
                    e.wrong.push((l.file.clone(), Some(work.clone()), works));
                }
            }
            None => {
                e.false_positives.1 += 1;
                if !works.is_empty() {
                    e.false_positives.0 += 1;
                    e.wrong.push((l.file.clone(), None, works));
                }
            }
        }
    }
    e.wrong.sort();
    e
}

/// The fixture catalogue's pictures as a labelled set: each copied work's
/// picture (labelled with the work and its edits) and every picture of the
/// clean listings (unregistered). `limit` caps the clean pictures.
pub fn labelled_from_catalogue(
    catalogue: &Catalogue,
    truth: &[Truth],
    clean_limit: usize,
) -> Vec<(LabelledImage, ImageRecipe)> {
    let by_id: std::collections::HashMap<&str, &Truth> = truth.iter().map(|t| (t.item_id.as_str(), t)).collect();
    let mut out = Vec::new();
    let mut clean = 0;
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
            let edits = recipe
                .edits
                .iter()
                .filter_map(|e| serde_json::to_value(e).ok()?.get("op")?.as_str().map(str::to_string))
                .collect();
            let file = format!("{}-{n}.jpg", item.id);
            out.push((LabelledImage { file, work, edits }, recipe.clone()));
        }
    }
    out
}

/// Renders a labelled set into `out`: the pictures and `labels.jsonl`.
pub fn write_labelled(
    catalogue_dir: &Path,
    out: &Path,
    set: &[(LabelledImage, ImageRecipe)],
) -> Result<(), FixtureError> {
    let write_err = |path: &Path, source| FixtureError::Write {
        path: path.to_path_buf(),
        source,
    };
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
