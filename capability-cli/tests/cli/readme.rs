//! The README's session is what the binary prints: every command of it runs again here, in one
//! shell, and its output must be the README's, byte for byte.

use std::process::Command;

#[test]
fn the_readme_session_is_real() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("A session (the installed binary, demo credentials):\n\n```text\n")
        .expect("the session in the README");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```\n").unwrap()];

    let mut script = String::from("set -u\n");
    for line in block.lines().filter_map(|l| l.strip_prefix("$ ")) {
        // Shown as typed, then run, as the session was recorded.
        script.push_str(&format!(
            "printf '%s\\n' {}\n{line}\n",
            shell_quote(&format!("$ {line}"))
        ));
    }
    let dir = std::env::temp_dir().join(format!("capability-readme-{}", std::process::id()));
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
    assert_eq!(String::from_utf8(output.stdout).unwrap(), block);
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
