//! `capability sign`: the token on standard output, byte for byte as the libraries sign it;
//! policy mistakes as the compiler reports them.

use std::io::Write as _;

use serde_json::Value;

use crate::common::*;

/// A capability policy in the grammar of `capability!`, from a vector's scopes.
fn policy_text(case: &Value) -> String {
    let pairs = |pairs: &Value| -> String {
        let pairs: Vec<String> = pairs
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{:?} = {:?}",
                    p[0].as_str().unwrap(),
                    p[1].as_str().unwrap()
                )
            })
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let mut text = String::new();
    for scope in case["scopes"].as_array().unwrap() {
        match scope["kind"].as_str().unwrap() {
            "incoming" => text.push_str(&format!("incoming {};\n", scope["client_name"])),
            "outgoing" => text.push_str(&format!(
                "outgoing {} {};\n",
                scope["app_sid"],
                pairs(&scope["params"])
            )),
            "events" => text.push_str(&format!("events {};\n", pairs(&scope["filters"]))),
            other => panic!("{other}"),
        }
    }
    text.push_str(&format!("ttl {}s;\n", case["ttl"]));
    text
}

#[test]
fn signs_twilio_php_tokens_byte_for_byte() {
    let mut checked = 0;
    for case in capability_vectors()
        .iter()
        .filter(|c| c["mode"] == "byte_exact")
    {
        let policy = policy_text(case);
        let text = run_with(
            &["sign", "--at", "1700000000", &policy],
            &CAPABILITY_ENV,
            None,
        );
        assert_eq!(text.code, 0, "{policy}: {text:?}");
        assert_eq!(
            text.stdout,
            format!("{}\n", case["token"].as_str().unwrap()),
            "{policy}"
        );
        assert_eq!(text.stderr, "");
        checked += 1;
    }
    assert!(checked >= 9, "{checked}");
}

#[test]
fn signs_twilio_php_access_tokens_byte_for_byte() {
    for (name, policy) in [
        (
            "voice_incoming_only",
            r#"identity "alice"; voice { incoming };"#,
        ),
        (
            "video_room",
            r#"identity "alice"; video { room "DailyStandup" };"#,
        ),
        (
            "region_ie1",
            r#"identity "alice"; voice { incoming }; region "ie1";"#,
        ),
        (
            "ttl_24h",
            r#"identity "alice"; video { room "DailyStandup" }; ttl 24h;"#,
        ),
    ] {
        let text = run_with(
            &["sign", "--access", "--at", "1700000000", policy],
            &ACCESS_ENV,
            None,
        );
        assert_eq!(text.code, 0, "{name}: {text:?}");
        assert_eq!(
            text.stdout,
            format!("{}\n", access_token(name, "twilio-php")),
            "{name}"
        );
    }
}

#[test]
fn the_policy_is_text_a_file_or_standard_input() {
    let policy = "incoming \"Alice\";\n// a comment\nttl 10m;\n";
    let expected = run_with(
        &["sign", "--at", "1700000000", policy],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(expected.code, 0);
    let mut file = tempfile();
    file.1.write_all(policy.as_bytes()).unwrap();
    let by_file = run_with(
        &[
            "sign",
            "--at",
            "1700000000",
            &format!("@{}", file.0.display()),
        ],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(by_file.stdout, expected.stdout);
    let by_stdin = run_with(
        &["sign", "--at", "1700000000", "-"],
        &CAPABILITY_ENV,
        Some(policy.as_bytes()),
    );
    assert_eq!(by_stdin.stdout, expected.stdout);
    // What was signed verifies, and grants what the policy says.
    let token = expected.stdout.trim();
    let verified = run_with(
        &["verify", "--json", "--at", "1700000001", token],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(
        verified.json()["grants"]["incoming"]["client_name"],
        "Alice"
    );
    assert_eq!(verified.json()["expires_at"], 1_700_000_600);
    std::fs::remove_file(file.0).unwrap();
}

/// A new file in the system's temporary directory.
fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!(
        "capability-cli-test-{}-{:?}.cap",
        std::process::id(),
        std::thread::current().id()
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

#[test]
fn a_policy_mistake_prints_the_compilers_diagnostics_and_exits_1() {
    let text = run_with(
        &[
            "sign",
            "incoming \"al ice\";\nttl 600;\noutgoing \"AP123\";",
        ],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(text.code, 1);
    assert_eq!(text.stdout, "", "no token");
    let expected = "\
error: character 3 (` `) is not allowed in a client name; use letters, digits or `_`
 --> <policy>:1:10
  |
1 | incoming \"al ice\";
  |          ^^^^^^^^
error: the TTL `600` has no unit
 --> <policy>:2:5
  |
2 | ttl 600;
  |     ^^^
  |
  = help: write `600s` for seconds (the units are `s`, `m` and `h`)
error: Application SID `AP123` has 5 characters; it must be `AP` followed by exactly 32 hexadecimal digits (34 characters)
 --> <policy>:3:10
  |
3 | outgoing \"AP123\";
  |          ^^^^^^^
error: the policy has 3 mistakes
";
    assert_eq!(text.stderr, expected);
}

#[test]
fn a_file_is_named_in_the_diagnostics() {
    let mut file = tempfile();
    file.1
        .write_all(b"incoming \"Alice\";\nttl 25h;\n")
        .unwrap();
    let arg = format!("@{}", file.0.display());
    let text = run_with(&["sign", &arg], &CAPABILITY_ENV, None);
    assert_eq!(text.code, 1);
    assert!(
        text.stderr
            .contains(&format!(" --> {}:2:5\n", file.0.display())),
        "{}",
        text.stderr
    );
    std::fs::remove_file(file.0).unwrap();
    let missing = run_with(&["sign", &arg], &CAPABILITY_ENV, None);
    assert_eq!(missing.code, 2);
    assert!(missing
        .one_line_error("error: cannot open the policy file")
        .contains("No such file"));
}

#[test]
fn the_policy_is_checked_before_the_credentials_are_needed() {
    let bad = run(&["sign", "incoming"]);
    assert_eq!(bad.code, 1, "{bad:?}");
    let good = run(&["sign", "incoming \"alice\""]);
    assert_eq!(good.code, 2);
    good.one_line_error("error: TWILIO_ACCOUNT_SID is not set");
    let access = run_with(
        &["sign", "--access", "identity \"alice\"; video"],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(access.code, 2);
    access.one_line_error("error: TWILIO_API_KEY is not set");
}
