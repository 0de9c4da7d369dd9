//! `capability check`: exit 0 with what the policy grants, or 1 with every mistake.

use serde_json::json;

use crate::common::*;

#[test]
fn a_valid_policy_shows_its_grants_and_scope() {
    let text = run(&["check", "incoming \"Alice\"; outgoing \"APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" { Foo = \"Bar\" }; ttl 10m"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert_eq!(
        text.stdout,
        "\
valid: a capability token policy; its tokens are valid for 10m (600 s)
grants
  incoming  receive calls as client `Alice`
  outgoing  place calls through TwiML application APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
            with parameter Foo = \"Bar\"
            as caller `client:Alice`
scope
  scope:client:incoming?clientName=Alice scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=Foo%3DBar&clientName=Alice
"
    );
    let json = run(&["check", "--json", "events { Level = \"error\" }"]).json();
    assert_eq!(
        json,
        json!({
            "valid": true,
            "kind": "capability",
            "ttl": 3600,
            "scope": "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=Level%3Derror",
            "grants": {
                "incoming": null,
                "outgoing": null,
                "events": { "filters": [["Level", "error"]] },
                "other_scopes": [],
            },
        })
    );
}

#[test]
fn an_access_policy_is_checked_with_access() {
    let policy = "identity \"alice\"; voice { incoming; outgoing \"AP0123456789abcdef0123456789abcdef\" { To = \"+15551234567\" } }; region \"ie1\"; ttl 1h";
    let text = run(&["check", "--access", policy]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text
        .stdout
        .starts_with("valid: an Access Token policy; its tokens are valid for 1h (3600 s)\n"));
    assert!(
        text.stdout
            .contains("                 with parameter To = \"+15551234567\"\n"),
        "{}",
        text.stdout
    );
    let json = run(&["check", "--access", "--json", policy]).json();
    assert_eq!(json["kind"], "access");
    assert_eq!(json["identity"], "alice");
    assert_eq!(json["region"], "ie1");
    assert_eq!(json["grants"]["voice"]["incoming"], true);
    assert_eq!(
        json["grants"]["voice"]["outgoing"]["params"],
        json!([["To", "+15551234567"]])
    );
    // Each grammar says when the text is a policy of the other kind.
    let wrong_kind = run(&["check", policy]);
    assert_eq!(wrong_kind.code, 1);
    assert!(
        wrong_kind
            .stderr
            .ends_with("help: this is an Access Token policy: try with `--access`\n"),
        "{}",
        wrong_kind.stderr
    );
    let wrong_kind = run(&["check", "--access", "incoming \"alice\""]);
    assert!(wrong_kind
        .stderr
        .ends_with("help: this is a capability token policy: try with no `--access`\n"));
}

#[test]
fn every_mistake_is_reported_with_its_place() {
    let text = run(&["check", "incomming \"Alice\";\nttl 0s;"]);
    assert_eq!(text.code, 1);
    assert_eq!(text.stdout, "");
    assert!(
        text.stderr
            .contains("error: unknown statement `incomming`\n --> <policy>:1:1\n"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("  = help: did you mean `incoming`?\n"));
    assert!(text.stderr.ends_with("error: the policy has 2 mistakes\n"));

    let json = run(&["check", "--json", "incomming \"Alice\";\nttl 0s;"]);
    assert_eq!(json.code, 1);
    let json = json.json();
    assert_eq!(json["valid"], false);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2);
    assert_eq!(
        diagnostics[0],
        json!({
            "message": "unknown statement `incomming`",
            "help": "did you mean `incoming`?",
            "line": 1,
            "column": 1,
            "start": 0,
            "end": 9,
        })
    );
    assert_eq!(diagnostics[1]["line"], 2);
    assert_eq!(diagnostics[1]["column"], 5);
}

#[test]
fn check_needs_no_credentials() {
    assert_eq!(run(&["check", "incoming \"alice\""]).code, 0);
    assert_eq!(
        run(&["check", "--access", "identity \"alice\"; video"]).code,
        0
    );
}

#[test]
fn json_counts_the_mistakes_and_says_why_a_text_is_refused_unread() {
    let json = run(&["check", "--json", &"x; ".repeat(25)]);
    assert_eq!(json.code, 1);
    let json = json.json();
    assert_eq!(json["mistakes"], 25);
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 20);
    let refused = run(&["check", "--json", "0123456789abcdef0123456789abcdef"]);
    assert_eq!(refused.code, 1);
    assert!(refused.json()["error"]
        .as_str()
        .unwrap()
        .contains("looks like a secret"));
    let access = run(&["check", "--json", "--access", "identity \"a\"; video"]).json();
    assert_eq!(access["not_before"], serde_json::Value::Null);
    assert_eq!(access["ttl"], 3600);
}

/// A text of 64 KiB that is wrong throughout, in several ways: `check` prints its first mistakes
/// and says there are more, in a bounded output.
#[test]
fn a_text_wrong_throughout_prints_a_bounded_report() {
    let texts = [
        "x;\n".repeat(21_000),
        "ttl 600;\n".repeat(7_000),
        format!("{};", "q".repeat(60_000)),
        format!("events {{ {} }}", "K = \"v\", ".repeat(6_000)),
    ];
    for text in texts {
        assert!(text.len() <= 64 * 1024);
        for json in [false, true] {
            let mut args = vec!["check", "-"];
            if json {
                args.insert(1, "--json");
            }
            let out = command()
                .args(&args)
                .write_stdin(text.clone())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            let printed = out.stdout.len() + out.stderr.len();
            assert!(printed <= 64 * 1024, "{printed} bytes printed");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(
                !stderr.contains(&"q".repeat(200)),
                "the word is quoted whole"
            );
            if json {
                let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(json["diagnostics"].as_array().unwrap().len() <= 20);
            }
        }
    }
    let stderr = run(&["check", &"x;".repeat(30_000)]).stderr;
    assert!(
        stderr.ends_with("error: the policy has more than 50 mistakes; the first 20 are shown\n"),
        "{stderr:.2000}"
    );
}
