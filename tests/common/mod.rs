//! What several integration tests need: the real binary, and a small
//! fixture catalogue generated into a temporary directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn knockoff() -> Command {
    Command::new(env!("CARGO_BIN_EXE_knockoff"))
}

/// `knockoff ARGS --ledger LEDGER`, which must succeed; returns stdout.
pub fn run_ok(args: &[&str], ledger: &Path) -> String {
    let o = knockoff().args(args).arg("--ledger").arg(ledger).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A sweep of `catalogue` into `out`, quiet.
pub fn sweep(catalogue: &Path, out: &Path) -> Command {
    let mut cmd = knockoff();
    cmd.args(["sweep", "--quiet", "--catalogue"])
        .arg(catalogue)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Generates a catalogue of `count` listings under `root`, laid out as in
/// the repository (recipes name stock photos beside the catalogue and
/// registered works at ../../config/works); returns its directory.
pub fn small_catalogue(root: &Path, count: usize) -> PathBuf {
    let catalogue = root.join("fixtures/small");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("fixtures/marketplace/stock"), &catalogue.join("stock"));
    copy_dir(&repo.join("config/works"), &root.join("config/works"));
    let status = knockoff()
        .args(["fixtures", "generate", "--count", &count.to_string(), "--out"])
        .arg(&catalogue)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    catalogue
}

/// The published schema of a draft, compiled.
pub fn draft_schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/draft.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the published schema compiles")
}

/// The draft at `path`, which must match the published schema.
pub fn valid_draft(schema: &jsonschema::Validator, path: &Path) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let errors: Vec<String> = schema.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{} does not match the schema: {errors:#?}",
        path.display()
    );
    json
}

/// A generator for kill points, seeded from the clock so each run tries
/// other points; the seed is printed so a failing run can be replayed.
pub fn kill_points() -> knockoff::rng::Rng {
    let seed = std::env::var("KNOCKOFF_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("kill points from KNOCKOFF_KILL_SEED={seed}");
    knockoff::rng::Rng::new(seed)
}
