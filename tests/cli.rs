//! The real binary: help that explains, and errors that name the culprit.

use std::process::Command;

fn knockoff() -> Command {
    Command::new(env!("CARGO_BIN_EXE_knockoff"))
}

#[test]
fn help_lists_the_commands() {
    let out = knockoff().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "sweep",
        "serve-fixtures",
        "crawl",
        "drafts",
        "notices",
        "fixtures",
        "eval",
    ] {
        assert!(text.contains(cmd), "--help lacks {cmd}:\n{text}");
    }
    let out = knockoff().args(["sweep", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--registry") && text.contains("--site") && text.contains("--out"),
        "{text}"
    );
}

#[test]
fn invalid_registry_is_named_and_nothing_is_crawled() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry.toml");
    std::fs::write(
        &registry,
        "[[holder]]\nid = \"h\"\nname = \"H\"\nemail = \"h@x.example\"\n\n[[mark]]\nid = \"tm-x\"\ntext = \"Xeno\"\nholder = \"h\"\nregistry = \"EUIPO\"\nregistration = \"1\"\nclasses = [99]\nvalid_until = \"2030-01-01\"\n",
    )
    .unwrap();
    let out = knockoff()
        .args(["sweep", "--quiet", "--registry"])
        .arg(&registry)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("registry.toml") && err.contains("tm-x") && err.contains("classes"),
        "{err}"
    );
    assert!(!dir.path().join("out/drafts").exists());
}

#[test]
fn start_urls_need_a_site_profile() {
    let out = knockoff()
        .args(["sweep", "--start", "https://example.com/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--site"));
}

#[test]
fn notices_explain_themselves_and_need_a_ledger() {
    let out = knockoff().args(["notices", "update", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["outcome", "reinstated", "ref", "RFC 3339"] {
        assert!(text.contains(word), "{word}:\n{text}");
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.sqlite");
    let out = knockoff()
        .args(["notices", "status", "--ledger"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nowhere.sqlite") && err.contains("run a sweep first"),
        "{err}"
    );
    assert!(!missing.exists(), "reading made an empty ledger");
    // An outcomes file that is not there is named.
    let out = knockoff()
        .args(["notices", "update"])
        .arg(dir.path().join("outcomes.csv"))
        .arg("--ledger")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outcomes.csv"));
}
