//! The sessions of the README and of docs/cli.md are what the binary prints: every command of
//! each runs again here, in one shell per document, and its output must be the document's, byte
//! for byte.

use std::process::Command;

#[test]
fn the_documented_sessions_are_real() {
    for doc in ["README.md", "docs/cli.md"] {
        let path = format!("{}/../{doc}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text
            .find("A session (the installed binary, demo credentials):\n\n```text\n")
            .unwrap_or_else(|| panic!("no session in {doc}"));
        let block = &text[start..];
        let block = &block[block.find("```text\n").unwrap() + 8..];
        let block = &block[..block.find("```\n").unwrap()];
        run(doc, block);
    }
}

fn run(doc: &str, block: &str) {
    let mut script = String::from("set -u\n");
    for line in block.lines().filter_map(|l| l.strip_prefix("$ ")) {
        // Shown as typed, then run, as the session was recorded.
        script.push_str(&format!(
            "printf '%s\\n' {}\n{line}\n",
            shell_quote(&format!("$ {line}"))
        ));
    }
    let dir = std::env::temp_dir().join(format!(
        "capability-readme-{}-{}",
        std::process::id(),
        doc.replace('/', "-")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_capability"))
        .parent()
        .unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(format!("exec 2>&1\n{script}"))
        .current_dir(&dir)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        );
    for var in [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd.output().expect("bash runs");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), block, "{doc}");
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
