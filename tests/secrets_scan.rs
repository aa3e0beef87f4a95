//! `scripts/scan-secrets`, the check that no access key secret or security token of the
//! tests reaches an output: `scripts/test-all` runs it over everything the suite printed
//! and logged. Here, on every `cargo test`: the list of test secrets it scans for
//! (`tests/data/test-secrets.txt`) holds every secret the sources use, so a new test
//! secret cannot slip past the scan; and the scan does find a listed secret, as written
//! and percent-encoded.
//!
//! Needs `python3` (Debian/Ubuntu: `apt-get install python3`); without it the tests fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scan(paths: &[PathBuf]) -> Output {
    Command::new("python3")
        .arg(repo_root().join("scripts/scan-secrets"))
        .args(paths)
        .current_dir(repo_root())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): scripts/scan-secrets needs it; install python3")
        })
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A secret of the list with characters a URL escapes (`+`, `/`, `=`), to plant in a file
/// the scan must then refuse.
fn a_listed_secret() -> String {
    let list = std::fs::read_to_string(repo_root().join("tests/data/test-secrets.txt"))
        .expect("read tests/data/test-secrets.txt");
    list.lines()
        .map(str::trim)
        .find(|l| !l.starts_with('#') && l.contains(['+', '/', '=']))
        .expect("the list has a secret with + / or =")
        .to_owned()
}

/// `s` as it appears in a URL query: unreserved characters as they are, the rest `%XX`.
fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn every_secret_of_the_sources_is_in_the_list() {
    let output = scan(&[]);
    assert!(
        output.status.success(),
        "scripts/scan-secrets found test secrets missing from tests/data/test-secrets.txt \
         (add them there):\n{}",
        text(&output)
    );
}

#[test]
fn the_scan_finds_a_listed_secret_in_an_output() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("secrets-scan");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let secret = a_listed_secret();

    let clean = dir.join("clean.log");
    std::fs::write(&clean, "nothing to see here\nsecret: <redacted>\n").expect("write");
    let output = scan(std::slice::from_ref(&clean));
    assert!(output.status.success(), "{}", text(&output));

    for (name, shown) in [
        ("as-written.log", secret.clone()),
        ("percent-encoded.log", percent_encoded(&secret)),
    ] {
        let leaked = dir.join(name);
        std::fs::write(&leaked, format!("line one\nGET /x?token={shown}&y\n")).expect("write");
        let output = scan(&[clean.clone(), leaked.clone()]);
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        let report = text(&output);
        assert!(
            report.contains(&format!("{}:2:", leaked.display())),
            "{name}: the report does not give the file and line:\n{report}"
        );
        std::fs::remove_file(&leaked).expect("remove");
    }

    let missing = dir.join("no-such.log");
    assert_eq!(scan(&[missing]).status.code(), Some(2));
}
