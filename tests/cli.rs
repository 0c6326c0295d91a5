//! The real binary: help that explains, and errors that name the culprit.

use std::process::Command;

fn knockoff() -> Command {
    Command::new(env!("CARGO_BIN_EXE_knockoff"))
}

/// A registry in `dir` of one holder and one word mark in one Nice class.
fn one_mark_registry(dir: &std::path::Path, id: &str, text: &str, class: u16) -> std::path::PathBuf {
    let registry = dir.join("registry.toml");
    std::fs::write(
        &registry,
        format!(
            "[[holder]]\nid = \"h\"\nname = \"H\"\nemail = \"h@x.example\"\n\n[[mark]]\nid = \"{id}\"\ntext = \"{text}\"\nholder = \"h\"\nregistry = \"EUIPO\"\nregistration = \"1\"\nclasses = [{class}]\nvalid_until = \"2035-01-01\"\n"
        ),
    )
    .unwrap();
    registry
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
    let registry = one_mark_registry(dir.path(), "tm-x", "Xeno", 99);
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

/// A marketplace's own word lists (a profile's `words`) make its
/// language's ordinary words near a mark ordinary, as English ones are; a
/// list that is not one word a line is refused, naming the file and line.
#[test]
fn market_word_lists_explain_away_their_ordinary_words() {
    let dir = tempfile::tempdir().unwrap();
    let registry = one_mark_registry(dir.path(), "tm-brennor", "Brennor", 21);
    let titles = dir.path().join("titles.jsonl");
    std::fs::write(
        &titles,
        concat!(
            "{\"text\": \"Brenner Gasherd Edelstahl\", \"mark\": null, \"kind\": \"near_miss\", \"category\": \"Home\"}\n",
            "{\"text\": \"Brennor Kochtopf Set\", \"mark\": \"tm-brennor\", \"kind\": \"exact\", \"category\": \"Home\"}\n",
            "{\"text\": \"Brenor Kochtopf Set\", \"mark\": \"tm-brennor\", \"kind\": \"typo\", \"category\": \"Home\"}\n",
        ),
    )
    .unwrap();
    let fixture = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/sites/fixture.toml")).unwrap();
    let top = "max_urls_per_complaint = 300\n";
    assert!(fixture.contains(top));
    let profile = dir.path().join("sites/market.toml");
    std::fs::create_dir_all(dir.path().join("sites/words")).unwrap();
    std::fs::write(
        &profile,
        fixture.replace(top, &format!("{top}words = [\"words/de.txt\"]\n")),
    )
    .unwrap();
    let eval = |site: bool| {
        let mut cmd = knockoff();
        cmd.args(["eval", "text"]).arg(&titles).arg("--registry").arg(&registry);
        if site {
            cmd.arg("--site").arg(&profile);
        }
        cmd.output().unwrap()
    };

    std::fs::write(dir.path().join("sites/words/de.txt"), "# Deutsch\nBrenner\nLöwe\n").unwrap();
    let without = eval(false);
    let with = eval(true);
    let (without, with) = (
        String::from_utf8_lossy(&without.stdout),
        String::from_utf8_lossy(&with.stdout),
    );
    let line = |out: &str, kind: &str| {
        out.lines()
            .find(|l| l.starts_with(kind))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert_eq!(line(&without, "near_miss"), "near_miss 1.000 (1/1)", "{without}");
    assert_eq!(line(&with, "near_miss"), "near_miss 0.000 (0/1)", "{with}");
    assert_eq!(line(&with, "all"), "all 1.000", "{with}");

    std::fs::write(dir.path().join("sites/words/de.txt"), "Brenner\nHerd 1234\n").unwrap();
    let out = eval(true);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("de.txt") && err.contains("line 2"), "{err}");
}
