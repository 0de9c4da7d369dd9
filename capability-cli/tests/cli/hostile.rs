//! Hostile input: garbage, a megabyte, invalid UTF-8, forged signatures, text that would
//! drive a terminal. Each run ends quickly with a clear message and bounded output.

use std::time::{Duration, Instant};

use crate::common::*;

const MEGABYTE: usize = 1024 * 1024;

/// Runs and checks that the run was quick and its output small.
fn bounded(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let start = Instant::now();
    let run = run_with(args, env, stdin);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{args:?} took {:?}",
        start.elapsed()
    );
    assert!(
        run.stdout.len() + run.stderr.len() < 20_000,
        "{args:?}: {} bytes",
        run.stdout.len() + run.stderr.len()
    );
    run
}

#[test]
fn garbage_is_not_a_token() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for len in [1, 10, 100, 1000, 10_000] {
        let bytes: Vec<u8> = (0..len).map(|_| (next() % 95 + 32) as u8).collect();
        let text = String::from_utf8(bytes).unwrap();
        for command in ["decode", "verify"] {
            let run = bounded(&[command, "--", &text], &CAPABILITY_ENV, None);
            assert_eq!(run.code, 1, "{command} {text:?}: {run:?}");
            run.one_line_error(match command {
                "decode" => "error: not a token: ",
                _ => "invalid: not a token: ",
            });
        }
        // Three segments of garbage.
        let dotted = format!(
            "{}.{}.{}",
            &text[..len / 3],
            &text[len / 3..2 * len / 3],
            &text[2 * len / 3..]
        )
        .replace(' ', "");
        let run = bounded(&["decode", &dotted.replace("..", ".x.")], &[], None);
        assert!(run.code == 1, "{run:?}");
    }
}

#[test]
fn a_megabyte_on_standard_input_is_refused_unread() {
    let mut big = capability_token("incoming_alice", "twilio-php").into_bytes();
    big.resize(MEGABYTE, b'A');
    for command in ["decode", "verify"] {
        let run = bounded(&[command, "-"], &CAPABILITY_ENV, Some(&big));
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains(
                "standard input holds more than 17408 bytes, and a token is at most 16384"
            ),
            "{run:?}"
        );
    }
    for command in ["sign", "check"] {
        let run = bounded(
            &[command, "-"],
            &CAPABILITY_ENV,
            Some(&vec![b'x'; MEGABYTE]),
        );
        assert_eq!(run.code, 1, "{run:?}");
        run.one_line_error("error: the policy in <stdin> is over 65536 bytes");
    }
}

#[test]
fn a_long_token_in_an_argument_is_refused() {
    let token = format!("{}.{}.{}", "e".repeat(40_000), "e".repeat(40_000), "e");
    let run = bounded(&["decode", &token], &[], None);
    assert_eq!(run.code, 1);
    run.one_line_error(
        "error: not a token: the token is 80003 bytes long, over the limit of 16384",
    );
}

#[test]
fn policies_that_are_wrong_throughout_end_quickly() {
    for policy in [
        "x; ".repeat(20_000),
        format!("events {}{}", "{".repeat(30_000), "}".repeat(30_000)),
        format!("{}{}", "[".repeat(30_000), "]".repeat(30_000)),
        format!("ttl 1{}s", "0".repeat(60_000)),
        "\"".repeat(3),
        "/*".repeat(30_000),
        format!("incoming \"{}\"", "é".repeat(30_000)),
    ] {
        let run = bounded(&["check", "-"], &[], Some(policy.as_bytes()));
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr
                .lines()
                .last()
                .unwrap()
                .starts_with("error: the policy has"),
            "{run:?}"
        );
    }
    let run = bounded(&["check", "-"], &[], Some("x; ".repeat(20_000).as_bytes()));
    assert!(run
        .stderr
        .ends_with("error: the policy has more than 50 mistakes; the first 20 are shown\n"));
}

#[test]
fn invalid_utf8_on_standard_input_is_one_clear_line() {
    let mut token = capability_token("incoming_alice", "twilio-php").into_bytes();
    token.insert(10, 0xff);
    for command in ["decode", "verify"] {
        let run = bounded(&[command], &CAPABILITY_ENV, Some(&token));
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr
                .contains("standard input is not UTF-8 text (byte 11 is not)"),
            "{run:?}"
        );
    }
    let run = bounded(&["check", "-"], &[], Some(b"incoming \"al\xc3\x28ice\""));
    assert_eq!(run.code, 1);
    run.one_line_error("error: the policy in <stdin> is not UTF-8 text (byte 13 is not)");
    // Invalid UTF-8 in an argument is a usage error.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let output = command()
            .arg("decode")
            .arg(std::ffi::OsStr::from_bytes(b"ey\xffJ"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
    }
}

#[test]
fn a_forged_signature_decodes_but_does_not_verify() {
    let token = capability_token("all_three", "twilio-python");
    let (head, _) = token.rsplit_once('.').unwrap();
    for signature in [b64(&[0; 32]), b64(&[0; 31]), "!!!".into(), String::new()] {
        let forged = format!("{head}.{signature}");
        let decoded = bounded(&["decode", "--at", "1700000001", &forged], &[], None);
        assert_eq!(decoded.code, 0, "{decoded:?}");
        assert!(decoded.stdout.contains("signature not checked"));
        let verified = bounded(
            &["verify", "--at", "1700000001", &forged],
            &CAPABILITY_ENV,
            None,
        );
        assert_eq!(verified.code, 1, "{verified:?}");
        verified.one_line_error("invalid: ");
    }
    // A short or malformed signature is a problem even without a key.
    let cut = bounded(
        &[
            "decode",
            "--json",
            "--at",
            "1700000001",
            &format!("{head}.{}", b64(&[0; 31])),
        ],
        &[],
        None,
    )
    .json();
    assert_eq!(cut["problems"][0]["code"], "signature");
}

#[test]
fn text_that_would_drive_a_terminal_is_shown_escaped() {
    let claims = format!(
        r#"{{"scope":"scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D%1B%5B31mred%E2%80%AE%C2%9B","iss":"{ACCOUNT}","exp":1700003600,"x":"\u001b]0;title\u0007 \u009b \u202e"}}"#
    );
    let token = unsigned(r#"{"typ":"JWT","alg":"HS256"}"#, &claims);
    for args in [
        &["decode", "--at", "1700000001", &token][..],
        &["decode", "--json", "--at", "1700000001", &token][..],
    ] {
        let run = bounded(args, &[], None);
        assert_eq!(run.code, 0, "{run:?}");
        for c in run.stdout.chars().chain(run.stderr.chars()) {
            assert!(
                c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{c:?} printed raw: {}",
                run.stdout
            );
        }
    }
    let text = bounded(&["decode", "--at", "1700000001", &token], &[], None);
    assert!(
        text.stdout
            .contains(r#"with parameter a = "\u{1b}[31mred\u{202e}\u{9b}""#),
        "{}",
        text.stdout
    );
    let json = bounded(
        &["decode", "--json", "--at", "1700000001", &token],
        &[],
        None,
    )
    .json();
    assert_eq!(
        json["claims"]["x"], "\u{1b}]0;title\u{7} \u{9b} \u{202e}",
        "the JSON holds the text as it is"
    );
}

/// Invisible and line-breaking characters in an identity (zero-width, the line and paragraph
/// separators, bidirectional isolates, format characters, spaces other than U+0020) are shown
/// escaped by `decode` and `verify`, in words and in JSON, so that an identity cannot pass for
/// another; the JSON still holds the identity as it is.
#[test]
fn invisible_characters_of_an_identity_are_shown_escaped() {
    let env = [
        ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
        ("TWILIO_API_KEY", API_KEY),
        ("TWILIO_API_SECRET", SECRET),
    ];
    for c in [
        '\u{200B}',
        '\u{200D}',
        '\u{2028}',
        '\u{2029}',
        '\u{2066}',
        '\u{2069}',
        '\u{202E}',
        '\u{A0}',
        '\u{3000}',
        '\u{AD}',
        '\u{FEFF}',
        '\u{E0041}',
    ] {
        let identity = format!("ali{c}ce");
        let policy = format!("identity \"{identity}\"; video");
        let signed = run_with(&["sign", "--access", &policy], &env, None);
        assert_eq!(signed.code, 0, "{c:?}: {signed:?}");
        let token = signed.stdout.trim();
        for args in [
            vec!["decode", token],
            vec!["decode", "--json", token],
            vec!["verify", token],
            vec!["verify", "--json", token],
        ] {
            let run = run_with(&args, &env, None);
            assert_eq!(run.code, 0, "{args:?}: {run:?}");
            assert!(
                !run.stdout.contains(c) && !run.stderr.contains(c),
                "{c:?} printed raw by {:?}: {}",
                args[..args.len() - 1].to_vec(),
                run.stdout
            );
            if args.contains(&"--json") {
                let json = run.json();
                let shown = json["identity"]
                    .as_str()
                    .or(json["claims"]["grants"]["identity"].as_str());
                assert_eq!(shown, Some(identity.as_str()), "{}", run.stdout);
            } else {
                let escaped = c.escape_unicode().to_string();
                assert!(
                    run.stdout.contains(&format!("ali{escaped}ce")),
                    "{c:?}: {}",
                    run.stdout
                );
            }
        }
    }
}

/// Whether `c` may be printed raw: not a control character (line breaks aside), not one of the
/// invisible characters, and not a combining mark (which, at the start of a field, would join
/// the punctuation before it).
fn printed_raw_is_wrong(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{0300}'..='\u{036f}'
                | '\u{0483}'..='\u{0489}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{20d0}'..='\u{20ff}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
        )
}

fn assert_nothing_raw(run: &Run, what: &str) {
    for c in run.stdout.chars().chain(run.stderr.chars()) {
        assert!(
            !printed_raw_is_wrong(c),
            "{what}: {c:?} printed raw: {run:?}"
        );
    }
}

/// Text that is only combining marks, or invisible characters that are not format characters
/// (Hangul fillers, the combining grapheme joiner, variation selectors), in every field of an
/// Access Token that `decode` prints: escaped, in words and in JSON, which still holds the text.
#[test]
fn combining_and_filler_text_is_escaped_in_every_field() {
    for text in [
        "\u{301}",
        "\u{301}\u{302}",
        "\u{20dd}",
        "\u{3164}",
        "\u{115f}\u{1160}",
        "\u{ffa0}",
        "\u{34f}",
        "\u{fe0f}",
        "\u{200b}\u{301}",
    ] {
        let t = serde_json::Value::from(text).to_string();
        let header =
            format!(r#"{{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1","kid":{t},{t}:{t}}}"#);
        let claims = format!(
            r#"{{"jti":"{API_KEY}-1","iss":"{API_KEY}","sub":"{ACCESS_ACCOUNT}","exp":1700003600,"grants":{{"identity":{t},"voice":{{"incoming":{{"allow":true}},"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{{t}:{t}}}}},"endpoint_id":{t}}},"video":{{"room":{t}}},"task_router":{{"role":{t}}},{t}:{{{t}:{t}}}}},{t}:{t}}}"#
        );
        let token = unsigned(&header, &claims);
        for args in [
            vec!["decode", "--at", "1700000001", &token],
            vec!["decode", "--json", "--at", "1700000001", &token],
        ] {
            let run = run_with(&args, &[], None);
            assert_eq!(run.code, 0, "{text:?}: {run:?}");
            assert_nothing_raw(&run, &format!("{text:?} {:?}", &args[..2]));
            if args[1] == "--json" {
                let json = run.json();
                assert_eq!(json["identity"], text, "{run:?}");
                assert_eq!(json["header"]["kid"], text, "{run:?}");
            }
        }
    }
}

/// What the webhook command prints back from its arguments (the URL of the diagnosis) is
/// escaped as token text is.
#[test]
fn a_webhook_url_is_shown_escaped() {
    let env = [("TWILIO_AUTH_TOKEN", "12345")];
    for odd in [
        "\u{202e}",
        "\u{200b}",
        "\u{2028}",
        "\u{1b}]0;x\u{7}",
        "\u{9b}",
        "\u{3164}",
    ] {
        let url = format!("https://example.com/v{odd}oice?a={odd}");
        for (run, json) in verify_over_http(&url, &env, &env).iter().zip([false, true]) {
            assert_eq!(run.code, 1, "{run:?}");
            assert!(
                run.stderr
                    .contains("diagnosis: the signature is for https://"),
                "{run:?}"
            );
            assert_nothing_raw(run, &format!("{odd:?} json {json}"));
            if json {
                assert_eq!(run.json()["diagnosis"]["url"], url.as_str());
            }
        }
    }
}

/// A policy's mistakes quote its line: invisible characters in it are shown escaped, and so is
/// a combining character that would be drawn on the quote before it.
#[test]
fn a_policy_line_with_invisible_characters_is_shown_escaped() {
    for odd in ["\u{200b}", "\u{2060}", "\u{feff}", "\u{301}", "\u{3164}"] {
        let policy = format!("incoming \"{odd}alice\"; tll 10m");
        for args in [
            vec!["check", policy.as_str()],
            vec!["check", "--json", policy.as_str()],
        ] {
            let run = run_with(&args, &[], None);
            assert_eq!(run.code, 1, "{run:?}");
            assert_nothing_raw(&run, &format!("{odd:?} {args:?}"));
        }
    }
}
