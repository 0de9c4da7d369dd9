//! `capability decode`: no secret, the kind told, grants in words, problems as warnings.

use serde_json::json;

use crate::common::*;

/// Just before every vector expires.
const AT: &str = "1700000500";

#[test]
fn every_capability_token_of_the_official_libraries_decodes_with_its_grants() {
    for case in capability_vectors() {
        let token = case["token"].as_str().unwrap();
        let name = format!("{} {}", case["library"], case["case"]);
        let text = run(&["decode", "--at", AT, token]);
        assert_eq!(text.code, 0, "{name}: {text:?}");
        assert!(text.stdout.starts_with("capability token"), "{name}");
        assert!(
            text.stdout.contains("no problem found"),
            "{name}: {}",
            text.stdout
        );
        assert_eq!(text.stderr, "", "{name}");

        let json = run(&["decode", "--json", "--at", AT, token]).json();
        assert_eq!(json["decoded"], true);
        assert_eq!(json["kind"], "capability");
        assert_eq!(json["signature_checked"], false);
        assert_eq!(json["problems"], json!([]), "{name}");
        assert_eq!(json["issuer"], ACCOUNT);
        assert_eq!(
            json["header"],
            serde_json::from_str::<serde_json::Value>(case["header_json"].as_str().unwrap())
                .unwrap()
        );
        assert_eq!(
            json["claims"],
            serde_json::from_str::<serde_json::Value>(case["payload_json"].as_str().unwrap())
                .unwrap()
        );
        let ttl = case["ttl"].as_u64().unwrap();
        assert_eq!(json["expires_at"], ISSUED_AT + ttl, "{name}");
        assert_eq!(json["expires_in"], ISSUED_AT + ttl - 1_700_000_500);
        // The grants read back are those the library was asked for.
        for scope in case["scopes"].as_array().unwrap() {
            let grants = &json["grants"];
            match scope["kind"].as_str().unwrap() {
                "incoming" => {
                    assert_eq!(grants["incoming"]["client_name"], scope["client_name"]);
                    let words = format!(
                        "incoming  receive calls as client `{}`",
                        scope["client_name"].as_str().unwrap()
                    );
                    assert!(text.stdout.contains(&words), "{name}: {}", text.stdout);
                }
                "outgoing" => {
                    assert_eq!(grants["outgoing"]["app_sid"], scope["app_sid"]);
                    assert_eq!(grants["outgoing"]["params"], scope["params"], "{name}");
                    assert!(text
                        .stdout
                        .contains("outgoing  place calls through TwiML application AP"));
                }
                "events" => {
                    assert_eq!(grants["events"]["filters"], scope["filters"], "{name}");
                    assert!(text
                        .stdout
                        .contains("events    subscribe to the account's event stream"));
                }
                other => panic!("{other}"),
            }
        }
    }
}

#[test]
fn every_access_token_of_the_official_libraries_decodes() {
    for vector in access_vectors() {
        let token = vector["token"].as_str().unwrap();
        let name = format!("{} {}", vector["library"], vector["name"]);
        let inputs = &vector["inputs"];
        let json = run(&["decode", "--json", "--at", "1700000000", token]).json();
        assert_eq!(json["kind"], "access", "{name}");
        assert_eq!(json["issuer"], API_KEY);
        assert_eq!(json["account"], ACCESS_ACCOUNT);
        // The identity is what the token holds (twilio-php leaves out the identity "0").
        assert_eq!(
            json["identity"], json["claims"]["grants"]["identity"],
            "{name}"
        );
        assert!(
            json["identity"] == inputs["identity"] || inputs["identity"] == "0",
            "{name}"
        );
        assert_eq!(json["region"], inputs["region"], "{name}");
        let codes: Vec<&str> = json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        // Only a token without an identity has a problem: Twilio's SDKs need one.
        match json["identity"].is_null() {
            true => assert_eq!(codes, ["grants"], "{name}"),
            false => assert_eq!(codes, [] as [&str; 0], "{name}: {json}"),
        }
        for grant in inputs["grants"].as_array().unwrap() {
            let key = match grant["type"].as_str().unwrap() {
                "player" => "playback",
                other => other,
            };
            assert!(!json["grants"][key].is_null(), "{name}: {key}");
        }
        let text = run(&["decode", "--at", "1700000000", token]);
        assert_eq!(text.code, 0);
        assert!(text.stdout.starts_with("Access Token"), "{name}");
    }
}

#[test]
fn access_grants_in_plain_words() {
    let token = access_token("multiple_grants", "twilio-php");
    let text = run(&["decode", "--at", "1700000001", &token]);
    for line in [
        "identity    alice",
        "  voice        receive calls as client `alice`",
        "               place calls through TwiML application AP0123456789abcdef0123456789abcdef",
        "  video        join the room \"DailyStandup\"",
        "  chat         use Conversations service IS0123456789abcdef0123456789abcdef",
        "  sync         use Sync service IS00000000000000000000000000000001",
        "  task_router  use TaskRouter workspace WS0123456789abcdef0123456789abcdef",
        "               as worker WK0123456789abcdef0123456789abcdef",
        "expires     2023-11-14T23:13:20Z (1700003600), in 59m 59s",
    ] {
        assert!(
            text.stdout.contains(line),
            "{line:?} not in\n{}",
            text.stdout
        );
    }
}

#[test]
fn the_token_comes_from_the_argument_or_standard_input() {
    let token = capability_token("incoming_alice", "twilio-php");
    let by_argument = run(&["decode", "--at", AT, &token]);
    for stdin in [format!("{token}\n"), format!("  {token}  \r\n")] {
        for args in [
            &["decode", "--at", AT][..],
            &["decode", "--at", AT, "-"][..],
        ] {
            let by_stdin = run_with(args, &[], Some(stdin.as_bytes()));
            assert_eq!(by_stdin.code, 0, "{by_stdin:?}");
            assert_eq!(by_stdin.stdout, by_argument.stdout);
        }
    }
}

#[test]
fn expiry_is_told_relative_to_now() {
    let token = capability_token("incoming_alice", "twilio-php");
    let before = run(&["decode", "--at", "1700000001", &token]);
    assert!(
        before
            .stdout
            .contains("expires     2023-11-14T23:13:20Z (1700003600), in 59m 59s"),
        "{}",
        before.stdout
    );
    let after = run(&["decode", "--at", "1700090000", &token]);
    assert_eq!(after.code, 0, "an expired token still decodes");
    assert!(
        after.stdout.contains("(1700003600), 1day ago"),
        "{}",
        after.stdout
    );
    assert!(after.stdout.contains(
        "warning: the token expired 1day ago (2023-11-14T23:13:20Z); Twilio refuses it: sign a new one"
    ));
    assert!(after
        .stdout
        .contains("1 problem Twilio would refuse the token for"));
    let json = run(&["decode", "--json", "--at", "1700090000", &token]).json();
    assert_eq!(json["expires_in"], 1_700_003_600 - 1_700_090_000);
    assert_eq!(json["problems"][0]["code"], "expired");
}

/// Problems Twilio would refuse, each on a token that has only that one.
#[test]
fn problems_twilio_would_refuse_are_warnings() {
    let alice = "scope:client:incoming?clientName=Alice";
    let claims = |scope: &str, extra: &str| {
        format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":1700003600{extra}}}"#)
    };
    let php = r#"{"typ":"JWT","alg":"HS256"}"#;
    for (header, claims, code, words) in [
        (php, claims(alice, r#","nbf":1700000600"#), "not_yet_valid", "the token is not valid before 2023-11-14T22:23:20Z (in 9m 59s)"),
        (php, claims(alice, r#","nbf":1600000000"#), "lifetime", "the token is valid for 100003600 s from its `nbf`, over the 24 h (86400 s) Twilio allows"),
        (php, format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":1800000000}}"#), "lifetime", "from now, over the 24 h"),
        (r#"{"typ":"JWT","alg":"HS512"}"#, claims(alice, ""), "algorithm", "the token is signed with `HS512`; Twilio's tokens, capability tokens and Access Tokens alike, are signed with `HS256`"),
        (r#"{"typ":"JWT","alg":"none"}"#, claims(alice, ""), "algorithm", "signed with `none`"),
        (r#"{"typ":"JOSE","alg":"HS256"}"#, claims(alice, ""), "type", "the header's `typ` is `JOSE`; Twilio's libraries write `JWT`"),
        (r#"{"typ":"JWT","alg":"HS256","cty":"JWT"}"#, claims(alice, ""), "content_type", "the header has a `cty` (`JWT`), which only Access Tokens have"),
        (php, format!(r#"{{"scope":"{alice}","iss":"AC123","exp":1700003600}}"#), "issuer", "the issuer (`iss`) is wrong: Account SID `AC123` has 5 characters"),
        (php, claims("scope:client:outgoing?appSid=APnothex", ""), "scope", "the scope `scope:client:outgoing?appSid=APnothex` is malformed"),
        (php, claims("scope:client:incoming?clientName=al-ice", ""), "scope", "character 3 (`-`) is not allowed in a client name"),
        (php, claims("scope:client:incoming?clientName=A scope:voice:dial", ""), "unknown_scope", "the scope `scope:voice:dial` is not one Twilio Client knows"),
        (php, format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":"1700003600"}}"#), "invalid_claim", "the `exp` claim must be an integer number of seconds"),
        (php, format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}"}}"#), "missing_claim", "the token has no `exp` claim"),
        (php, format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}","iss":"{ACCOUNT}","exp":1700003600}}"#), "duplicate_key", "the token's payload has the key `iss` twice"),
        (r#"{"typ":"JWT","alg":"HS256","crit":["b64"]}"#, claims(alice, ""), "critical_header", "`crit` member"),
    ] {
        let token = unsigned(header, &claims);
        let text = run(&["decode", "--at", "1700000001", &token]);
        assert_eq!(text.code, 0, "{text:?}");
        let warning = text
            .stdout
            .lines()
            .find(|l| l.starts_with("warning: "))
            .unwrap_or_else(|| panic!("no warning for {claims}: {}", text.stdout));
        assert!(warning.contains(words), "{words:?} not in {warning:?}");
        let json = run(&["decode", "--json", "--at", "1700000001", &token]).json();
        assert_eq!(json["problems"].as_array().unwrap().len(), 1, "{json}");
        assert_eq!(json["problems"][0]["code"], code, "{json}");
    }
}

#[test]
fn access_token_problems_are_warnings() {
    let header = r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#;
    let claims = |grants: &str| {
        format!(
            r#"{{"jti":"{API_KEY}-1","iss":"{API_KEY}","sub":"{ACCESS_ACCOUNT}","exp":1700003600,"grants":{grants}}}"#
        )
    };
    for (header, claims, code, words) in [
        (
            header,
            claims(r#"{"identity":"alice smith","voice":{"incoming":{"allow":true}}}"#),
            "grants",
            "a `voice` grant needs an identity that is a valid client name",
        ),
        (
            header,
            claims(r#"{"identity":"","video":{}}"#),
            "grants",
            "an identity cannot be empty",
        ),
        (
            header,
            claims(r#"{"identity":"alice","video":{"room":7}}"#),
            "grants",
            "video",
        ),
        (
            r#"{"alg":"HS256","typ":"JWT"}"#,
            claims(r#"{"identity":"alice"}"#),
            "header",
            "`cty`",
        ),
        (
            header,
            format!(
                r#"{{"iss":"{ACCESS_ACCOUNT}","sub":"{ACCESS_ACCOUNT}","exp":1700003600,"grants":{{"identity":"a"}}}}"#
            ),
            "issuer",
            "API Key SID",
        ),
    ] {
        let token = unsigned(header, &claims);
        let json = run(&["decode", "--json", "--at", "1700000001", &token]).json();
        assert_eq!(json["kind"], "access");
        let problems = json["problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p["code"] == code && p["message"].as_str().unwrap().contains(words)),
            "{code} {words:?} not in {json}"
        );
    }
}

#[test]
fn a_jwt_that_is_not_a_twilio_token_is_shown_and_exits_1() {
    let token = unsigned(
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","name":"John Doe"}"#,
    );
    let text = run(&["decode", "--at", AT, &token]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("\"name\": \"John Doe\""),
        "{}",
        text.stdout
    );
    assert!(text
        .one_line_error("error: ")
        .contains("not a Twilio token"));
    let json = run(&["decode", "--json", &token]);
    assert_eq!(json.code, 1);
    assert_eq!(json.json()["kind"], "other");
}

#[test]
fn what_is_not_a_token_exits_1_with_one_line() {
    for input in ["hello", "a.b", "a.b.c.d", "eyJ.eyJ.x", "", "...."] {
        let text = run(&["decode", input]);
        assert_eq!(text.code, 1, "{input:?}: {text:?}");
        assert_eq!(text.stdout, "");
        assert!(text.one_line_error("error: not a token: ").len() > 10);
        let json = run(&["decode", "--json", input]);
        assert_eq!(json.code, 1);
        assert_eq!(json.json()["decoded"], false);
        assert!(json.json()["error"]
            .as_str()
            .unwrap()
            .starts_with("not a token: "));
    }
}

#[test]
fn usage_mistakes_exit_2() {
    for args in [
        &["decode", "--at", "yesterday", "x"][..],
        &["decode", "--nope"][..],
        &["frobnicate"][..],
        &[][..],
    ] {
        let text = run(args);
        assert_eq!(text.code, 2, "{args:?}: {text:?}");
        assert_eq!(text.stdout, "");
    }
    for args in [
        &["--help"][..],
        &["decode", "--help"][..],
        &["--version"][..],
    ] {
        assert_eq!(run(args).code, 0, "{args:?}");
    }
}

#[test]
fn every_help_has_examples() {
    let top = run(&["--help"]);
    assert!(
        top.stdout.contains("Examples:\n  capability decode"),
        "{}",
        top.stdout
    );
    for command in ["decode", "verify", "sign", "check"] {
        let help = run(&[command, "--help"]);
        assert_eq!(help.code, 0);
        assert!(
            help.stdout
                .contains(&format!("Examples:\n  capability {command}"))
                || help.stdout.contains("Examples:\n  export"),
            "{command}: {}",
            help.stdout
        );
        assert!(help.stdout.contains("Exit status: 0"), "{command}");
    }
}

/// An unknown command is answered with the commands that exist where it was given: the
/// webhook's own under `webhook`, and every command, `webhook` included, at the top.
#[test]
fn an_unknown_command_is_answered_with_the_commands_that_exist_there() {
    for (args, commands) in [
        (
            &["nope"][..],
            "`decode`, `verify`, `sign`, `check` and `webhook`",
        ),
        (
            &["help", "nope"][..],
            "`decode`, `verify`, `sign`, `check` and `webhook`",
        ),
        (&["webhook", "nope"][..], "`sign` and `verify`"),
        (&["webhook", "help", "nope"][..], "`sign` and `verify`"),
    ] {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        let line = run.one_line_error("error: unknown command");
        assert!(
            line.contains(&format!("the commands are {commands};")),
            "{args:?}: {line}"
        );
        assert!(!line.contains("nope"), "{line}");
    }
}
