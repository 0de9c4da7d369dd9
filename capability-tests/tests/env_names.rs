//! One set of environment variable names everywhere: the quickstart, the command, the server, the
//! tests and the docs read and name the same variables, those of Twilio's own quickstarts. A user
//! who sets one pair must never get demo keys from a program that reads another.
//!
//! Scans every source and text file of the workspace (not `target/`) for names of the form
//! `TWILIO_…`, and refuses any that is not in the set below.

use std::fs;
use std::path::{Path, PathBuf};

/// The names a user sets. The first four are the credentials; the others are the webhook's (the
/// auth token's secondary during a rotation, a SharedKey secret, the caller ID of `/voice`).
const ALLOWED: [&str; 7] = [
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TWILIO_AUTH_TOKEN_SECONDARY",
    "TWILIO_WEBHOOK_SECRET",
    "TWILIO_CALLER_ID",
];

/// The extensions of the files people and programs read names from.
const SCANNED: [&str; 10] = [
    "rs", "md", "toml", "sh", "py", "mjs", "js", "json", "txt", "yml",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            // Build output, installed interop tools, version control: none of them is the
            // project's text.
            if !matches!(
                name.as_str(),
                "target" | ".git" | "node_modules" | "corpus" | "artifacts"
            ) {
                files(&path, out);
            }
        } else {
            let scanned = path
                .extension()
                .is_some_and(|e| SCANNED.contains(&&*e.to_string_lossy()))
                // `.ci/run` has no extension.
                || name == "run";
            if scanned {
                out.push(path);
            }
        }
    }
}

/// Every `TWILIO_[A-Z0-9_]+` in `text`, with its line.
fn names(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("TWILIO_") {
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(tail.len());
            let name = tail[..len].trim_end_matches('_');
            // `TWILIO_` alone, or followed by a pattern (`TWILIO_[A-Z_]+`), names no variable.
            if name != "TWILIO" {
                found.push((number + 1, name));
            }
            rest = &tail[len.max(1)..];
        }
    }
    found
}

#[test]
fn every_environment_variable_name_is_one_of_the_set() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut paths = Vec::new();
    files(root, &mut paths);
    let mut scanned = 0;
    let mut seen = Vec::new();
    let mut wrong = Vec::new();
    for path in &paths {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        scanned += 1;
        for (line, name) in names(&text) {
            if let Some(&allowed) = ALLOWED.iter().find(|&&a| a == name) {
                if !seen.contains(&allowed) {
                    seen.push(allowed);
                }
            } else {
                wrong.push(format!(
                    "{}:{line}: `{name}`",
                    path.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "environment variables outside the set {ALLOWED:?}; rename them:\n{}",
        wrong.join("\n")
    );
    // The scan read the workspace: the quickstart, the command, the server and the README name
    // the four credentials.
    assert!(scanned > 100, "only {scanned} files scanned");
    for name in &ALLOWED[..4] {
        assert!(seen.contains(name), "`{name}` appears nowhere");
    }
}

#[test]
fn the_scan_finds_a_name_outside_the_set() {
    // Spelled in two pieces, so that this file passes the scan.
    let wrong = concat!("TWILIO_", "API_KEY_SID");
    let text = format!("let sid = env::var(\"{wrong}\")?; // TWILIO_[A-Z_]+ TWILIO_");
    let found = names(&text);
    assert_eq!(found, [(1, wrong)]);
    assert!(!ALLOWED.contains(&found[0].1));
}
