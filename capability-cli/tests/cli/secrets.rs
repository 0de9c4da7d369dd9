//! Secrets are read from the environment only, and never printed: whatever the command, when
//! the variables are swapped, and when a secret is passed where a token or policy belongs.

use crate::common::*;

/// An auth token and an API key secret, as Twilio makes them, and not part of any SID here.
const AUTH_TOKEN: &str = "f3a9c2e8b17d4c6a9e0b5d2f8a1c7e43";
const API_SECRET: &str = "Zq8vN3xT1mK7pL0wR5yB2cH9dF4gJ6sA";

fn assert_no_secret(run: &Run, what: &str) {
    assert_none_of(run, &[AUTH_TOKEN, API_SECRET], what);
}

fn assert_none_of(run: &Run, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{what}: the secret came out: {run:?}"
        );
    }
}

/// Every way the variables can be set, right or wrong.
fn environments() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ],
        vec![
            ("TWILIO_ACCOUNT_SID", AUTH_TOKEN),
            ("TWILIO_AUTH_TOKEN", ACCOUNT),
        ],
        vec![
            ("TWILIO_ACCOUNT_SID", AUTH_TOKEN),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ],
        vec![("TWILIO_AUTH_TOKEN", AUTH_TOKEN)],
        vec![
            ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
            ("TWILIO_API_KEY", API_KEY),
            ("TWILIO_API_SECRET", API_SECRET),
        ],
        vec![
            ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
            ("TWILIO_API_KEY", API_SECRET),
            ("TWILIO_API_SECRET", API_KEY),
        ],
        vec![
            ("TWILIO_ACCOUNT_SID", API_SECRET),
            ("TWILIO_API_KEY", API_KEY),
            ("TWILIO_API_SECRET", ACCESS_ACCOUNT),
        ],
        vec![
            ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
            ("TWILIO_API_KEY", AUTH_TOKEN),
            ("TWILIO_API_SECRET", API_SECRET),
            ("TWILIO_AUTH_TOKEN", API_SECRET),
        ],
    ]
}

#[test]
fn no_command_prints_a_secret() {
    let capability = capability_token("all_three", "twilio-node");
    let access = access_token("multiple_grants", "twilio-php");
    let policy = "incoming \"alice\"; ttl 10m";
    let access_policy = "identity \"alice\"; voice { incoming }";
    let token_flag = format!("--token={AUTH_TOKEN}");
    let in_policy = format!("incomming \"{AUTH_TOKEN}\"");
    let in_ttl = format!("ttl {API_SECRET}");
    let mut runs = 0;
    for env in environments() {
        let mut commands: Vec<Vec<&str>> = vec![
            vec!["decode", &capability],
            vec!["decode", "--json", &access],
            vec!["verify", &capability],
            vec!["verify", "--json", &capability],
            vec!["verify", &access],
            vec!["verify", "--json", &access],
            vec!["sign", policy],
            vec!["sign", "--access", access_policy],
            vec!["check", policy],
            vec!["check", "--json", "--access", access_policy],
            // A secret where the token or the policy belongs, or as one argument too many.
            vec!["decode", AUTH_TOKEN],
            vec!["verify", API_SECRET],
            vec!["verify", "--json", AUTH_TOKEN],
            vec!["sign", AUTH_TOKEN],
            vec!["sign", "--access", API_SECRET],
            vec!["check", "--json", AUTH_TOKEN],
            vec!["verify", &capability, AUTH_TOKEN],
            vec!["sign", policy, API_SECRET],
            vec!["check", policy, "--auth-token", AUTH_TOKEN],
            vec!["decode", &token_flag],
        ];
        commands.push(vec!["--help"]);
        for args in &commands {
            let run = run_with(args, &env, None);
            assert_no_secret(&run, &format!("{args:?} with {env:?}"));
            runs += 1;
        }
        // In a policy's text, where the diagnostics quote it: taken out when the environment
        // holds it (the command cannot know other text to be a secret).
        let held: Vec<&str> = env
            .iter()
            .map(|(_, v)| *v)
            .filter(|v| [AUTH_TOKEN, API_SECRET].contains(v))
            .collect();
        for args in [
            &["check", &in_policy][..],
            &["sign", &in_ttl][..],
            &["check", "--json", &in_ttl][..],
        ] {
            let run = run_with(args, &env, None);
            assert_none_of(&run, &held, &format!("{args:?} with {env:?}"));
            runs += 1;
        }
        // On standard input too.
        for args in [
            &["decode"][..],
            &["verify", "-"][..],
            &["check", "-"][..],
            &["sign", "-"][..],
        ] {
            for secret in [AUTH_TOKEN, API_SECRET] {
                let run = run_with(args, &env, Some(format!("{secret}\n").as_bytes()));
                assert_no_secret(&run, &format!("{args:?} < secret with {env:?}"));
                runs += 1;
            }
        }
    }
    assert!(runs > 200, "{runs}");
}

#[test]
fn a_secret_passed_as_the_policy_is_refused_unseen_even_without_the_environment() {
    let run = run(&["check", AUTH_TOKEN]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.one_line_error("error: "),
        "the policy in <policy> is one word of 32 letters and digits, which looks like a secret, \
         not a policy (not shown); a policy is statements such as `incoming \"alice\";`, and \
         secrets are read from the environment\n"
    );
    assert_no_secret(&run, "check");
}

#[test]
fn arguments_beyond_the_token_are_never_shown() {
    let run = run(&["verify", "x", AUTH_TOKEN]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.one_line_error("error: "),
        "1 argument too many (not shown, in case of a secret); pass one token or policy, and \
         secrets in the environment (see --help)\n"
    );
}

#[test]
fn a_wrong_account_sid_is_shown_but_a_secret_in_its_place_is_not() {
    let token = capability_token("incoming_alice", "twilio-php");
    let run = run_with(
        &["verify", &token],
        &[
            ("TWILIO_ACCOUNT_SID", AUTH_TOKEN),
            ("TWILIO_AUTH_TOKEN", ACCOUNT),
        ],
        None,
    );
    assert_eq!(run.code, 2);
    let line = run.one_line_error("error: TWILIO_ACCOUNT_SID: ");
    assert!(
        line.contains("32 characters, not shown in case it is a secret"),
        "{line}"
    );
    let run = run_with(
        &["verify", &token],
        &[
            ("TWILIO_ACCOUNT_SID", "AC12345"),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ],
        None,
    );
    assert!(run.stderr.contains("`AC12345`"), "{run:?}");
}

#[test]
fn a_secret_of_the_environment_quoted_by_a_diagnostic_is_redacted() {
    let run = run_with(
        &["check", &format!("incomming \"{AUTH_TOKEN}\"")],
        &[("TWILIO_AUTH_TOKEN", AUTH_TOKEN)],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1 | incomming \"[redacted]\"\n"),
        "{}",
        run.stderr
    );
    assert_no_secret(&run, "check");
}

/// A secret with characters that URL-encoding and JSON change.
const ODD_SECRET: &str = "Kq7+vN3x/T1mK7pL=0wR5yB2cH9dF4gJ";

/// Every form in which printing could carry `secret`: as is, URL-encoded once and twice (the
/// scope's parameters), and base64 at each of the three alignments (a token's segments),
/// without the characters at its edges that depend on its neighbours.
fn encodings(secret: &str) -> Vec<String> {
    let once: String = secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let twice = once.replace('%', "%25");
    let mut forms = vec![secret.to_owned(), once, twice];
    for pad in 0..3 {
        let text = format!("{}{secret}", "x".repeat(pad));
        let encoded = b64(text.as_bytes());
        forms.push(encoded[4..encoded.len() - 4].to_owned());
    }
    forms
}

fn assert_no_form_of(run: &Run, secret: &str, what: &str) {
    for form in encodings(secret) {
        assert!(
            !run.stdout.contains(&form) && !run.stderr.contains(&form),
            "{what}: `{form}` came out: {run:?}"
        );
    }
}

/// A secret of the environment in a policy is found in the policy's values, before the scope
/// encodes it (`K%3D…`): nothing is shown or signed, in text or JSON.
#[test]
fn a_secret_in_a_policy_is_refused_before_any_encoding() {
    for secret in [AUTH_TOKEN, ODD_SECRET] {
        let env = [
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", secret),
        ];
        let escaped = secret.replace('+', "\\u{2b}");
        for policy in [
            format!("events {{ K = \"{secret}\" }}"),
            format!("outgoing \"AP0123456789abcdef0123456789abcdef\" {{ Key = \"{escaped}\" }}"),
            format!("events {{ \"{secret}\" = \"v\" }}"),
        ] {
            for args in [
                vec!["check", policy.as_str()],
                vec!["check", "--json", policy.as_str()],
                vec!["sign", policy.as_str()],
            ] {
                let run = run_with(&args, &env, None);
                let what = format!("{args:?}");
                assert_refused_for_the_auth_token(&run, &what);
                assert_no_form_of(&run, secret, &what);
            }
        }
    }
    let env = [
        ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
        ("TWILIO_API_KEY", API_KEY),
        ("TWILIO_API_SECRET", ODD_SECRET),
    ];
    let policy = format!(
        "identity \"alice\"; voice {{ outgoing \"AP0123456789abcdef0123456789abcdef\" {{ K = \"{ODD_SECRET}\" }} }}"
    );
    for args in [
        vec!["check", "--access", policy.as_str()],
        vec!["sign", "--access", policy.as_str()],
    ] {
        let run = run_with(&args, &env, None);
        assert_eq!(run.code, 1, "{run:?}");
        assert_no_form_of(&run, ODD_SECRET, &format!("{args:?}"));
    }
}

/// A token that holds a secret of the environment, in its scope after `%3D`, escaped in its
/// JSON, or in an Access Token's grants: `decode` and `verify` show none of it.
#[test]
fn a_secret_in_a_token_is_refused_before_any_encoding() {
    let env = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", ODD_SECRET),
        ("TWILIO_API_KEY", API_KEY),
        ("TWILIO_API_SECRET", API_SECRET),
    ];
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let once: String = encodings(ODD_SECRET)[1].clone();
    let scope = format!(
        "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=K%3D{}",
        once.replace('%', "%25")
    );
    let tokens = [
        unsigned(
            header,
            &format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":4000000000}}"#),
        ),
        unsigned(
            header,
            &format!(
                r#"{{"scope":"scope:client:incoming?clientName=a","iss":"{ACCOUNT}","exp":4000000000,"x":"{}"}}"#,
                ODD_SECRET.replace('K', "\\u004b")
            ),
        ),
        unsigned(
            r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#,
            &format!(
                r#"{{"jti":"{API_KEY}-1","iss":"{API_KEY}","sub":"{ACCESS_ACCOUNT}","exp":4000000000,"grants":{{"identity":"alice","voice":{{"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{"K":"{ODD_SECRET}"}}}}}}}}}}"#
            ),
        ),
    ];
    for token in &tokens {
        for args in [
            vec!["decode", token.as_str()],
            vec!["decode", "--json", token.as_str()],
            vec!["verify", token.as_str()],
            vec!["verify", "--json", token.as_str()],
        ] {
            let run = run_with(&args, &env, None);
            let what = format!("{args:?}");
            assert_refused_for_the_auth_token(&run, &what);
            assert_no_form_of(&run, ODD_SECRET, &what);
        }
    }
}

/// clap quotes the values of arguments in its errors: the command says what is wrong with an
/// argument without showing its value, even when nothing in the environment says it is secret.
#[test]
fn arguments_clap_would_quote_are_refused_unseen() {
    let cases: [(&[&str], &str); 7] = [
        (&["verify", "--at", AUTH_TOKEN], "`--at` takes a Unix time"),
        (
            &["verify", &format!("--at={AUTH_TOKEN}")],
            "`--at` takes a Unix time",
        ),
        (
            &["decode", "--at", AUTH_TOKEN, "x"],
            "`--at` takes a Unix time",
        ),
        (
            &["sign", &format!("--access={AUTH_TOKEN}"), "x"],
            "`--access` takes no value",
        ),
        (
            &["check", &format!("--json={AUTH_TOKEN}"), "x"],
            "`--json` takes no value",
        ),
        (&[AUTH_TOKEN], "unknown command"),
        (
            &[&format!("--auth-token={AUTH_TOKEN}"), "decode"],
            "unknown option `--auth-token`",
        ),
    ];
    for (args, message) in cases {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        let line = run.one_line_error("error: ");
        assert!(line.contains(message), "{args:?}: {line}");
        assert!(line.contains("not shown"), "{args:?}: {line}");
        assert_no_form_of(&run, AUTH_TOKEN, &format!("{args:?}"));
    }
    // Help and a missing argument are clap's own, which quote nothing given.
    assert_eq!(run(&["--help"]).code, 0);
    assert!(run(&["check"]).stderr.contains("<POLICY>"));
}

/// `text` percent-encoded as a URL's query writes it, hexadecimal digits in lowercase.
fn percent_lower(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02x}"),
        })
        .collect()
}

/// Every form of `secret` that [`encodings`] lists, and its lowercase percent-encodings.
fn assert_no_form_at_all(run: &Run, secret: &str, what: &str) {
    assert_no_form_of(run, secret, what);
    let once = percent_lower(secret);
    for form in [once.clone(), once.replace('%', "%25")] {
        assert!(
            !run.stdout.contains(&form) && !run.stderr.contains(&form),
            "{what}: `{form}` came out: {run:?}"
        );
    }
}

/// The webhook secrets (`TWILIO_AUTH_TOKEN_SECONDARY`, `TWILIO_WEBHOOK_SECRET`) are secrets of
/// the environment like the others: a policy or a token that holds one is refused unseen, in
/// every encoding a scope or a token gives it.
#[test]
fn every_secret_variable_is_refused_in_policies_and_tokens() {
    for (name, secret) in [
        ("TWILIO_AUTH_TOKEN_SECONDARY", ODD_SECRET),
        ("TWILIO_WEBHOOK_SECRET", "a webhook secret of words"),
    ] {
        let env = [
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            (name, secret),
        ];
        let policy = format!("events {{ K = \"{secret}\" }}");
        for args in [
            vec!["check", policy.as_str()],
            vec!["check", "--json", policy.as_str()],
            vec!["sign", policy.as_str()],
        ] {
            let run = run_with(&args, &env, None);
            let what = format!("{args:?} with {name}");
            assert_eq!(run.code, 1, "{what}: {run:?}");
            assert!(
                run.stderr.contains(&format!("holds the value of {name}")),
                "{what}: {run:?}"
            );
            assert_no_form_at_all(&run, secret, &what);
        }
        let scope = format!(
            "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=K%3D{}",
            percent_lower(&percent_lower(secret))
        );
        let token = unsigned(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":4000000000}}"#),
        );
        for args in [
            vec!["decode", token.as_str()],
            vec!["decode", "--json", token.as_str()],
            vec!["verify", token.as_str()],
        ] {
            let run = run_with(&args, &env, None);
            let what = format!("{args:?} with {name}");
            assert_eq!(run.code, 1, "{what}: {run:?}");
            assert_no_form_at_all(&run, secret, &what);
        }
    }
}

/// A secret of the environment is found wherever it stands: inside a longer word, and in
/// base64, as well as alone.
#[test]
fn a_secret_inside_a_word_or_in_base64_is_refused() {
    let env = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
    ];
    let in_base64 = b64(AUTH_TOKEN.as_bytes());
    for value in [
        format!("x{AUTH_TOKEN}"),
        format!("{AUTH_TOKEN}0"),
        format!("Bearer{AUTH_TOKEN}Z"),
        in_base64,
    ] {
        let policy = format!("events {{ K = \"{value}\" }}");
        for args in [
            vec!["check", policy.as_str()],
            vec!["check", "--json", policy.as_str()],
            vec!["sign", policy.as_str()],
        ] {
            let run = run_with(&args, &env, None);
            let what = format!("{args:?}");
            assert_refused_for_the_auth_token(&run, &what);
            assert_no_form_at_all(&run, AUTH_TOKEN, &what);
        }
    }
}

/// Text the command prints back from its arguments (a webhook's URL in the diagnosis) is
/// cleared of a secret of the environment in whatever encoding it was given: percent-encoded
/// once or twice, in either case of hexadecimal digits, `+` for a space.
#[test]
fn a_secret_in_an_encoded_argument_is_not_printed_back() {
    let secret = "Kq7+vN3x/T1mK7pL=0wR5 yB2cH9dF4gJ";
    let env = [("TWILIO_AUTH_TOKEN", AUTH_TOKEN)];
    let once = percent_lower(secret);
    let upper = ["%2b", "%2f", "%3d"]
        .iter()
        .fold(once.clone(), |text, e| text.replace(e, &e.to_uppercase()));
    let forms = [
        once.clone(),
        upper,
        once.replace("%20", "+"),
        once.replace('%', "%25"),
    ];
    for form in forms {
        let url = format!("https://example.com/voice?k={form}");
        let verify_env = [env[0], ("TWILIO_WEBHOOK_SECRET", secret)];
        for run in verify_over_http(&url, &env, &verify_env) {
            assert_eq!(run.code, 1, "{run:?}");
            assert!(
                run.stderr.contains("diagnosis: the signature is for"),
                "{run:?}"
            );
            assert!(
                !run.stdout.contains(&form) && !run.stderr.contains(&form),
                "`{form}` came out: {run:?}"
            );
        }
    }
}

/// The refusal of a token or a policy that holds a secret is one sentence, its words separated
/// by single spaces.
#[test]
fn the_refusal_of_a_held_secret_reads_as_one_sentence() {
    let env = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
    ];
    let policy = format!("events {{ K = \"{AUTH_TOKEN}\" }}");
    let token = unsigned(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"scope":"scope:client:incoming?clientName=a","iss":"{ACCOUNT}","exp":4000000000,"x":"{AUTH_TOKEN}"}}"#
        ),
    );
    for args in [
        vec!["check", policy.as_str()],
        vec!["check", "--json", policy.as_str()],
        vec!["sign", policy.as_str()],
        vec!["decode", token.as_str()],
        vec!["decode", "--json", token.as_str()],
        vec!["verify", token.as_str()],
    ] {
        let run = run_with(&args, &env, None);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        let line = run.one_line_error(if args[0] == "verify" {
            "invalid: "
        } else {
            "error: "
        });
        assert!(
            line.contains("holds the value of TWILIO_AUTH_TOKEN"),
            "{line}"
        );
        assert!(!line.contains("  "), "{args:?}: {line:?}");
        assert!(!run.stdout.contains("  "), "{args:?}: {:?}", run.stdout);
    }
}

/// `run` refused what it was given, as holding the value of `TWILIO_AUTH_TOKEN`.
fn assert_refused_for_the_auth_token(run: &Run, what: &str) {
    assert_eq!(run.code, 1, "{what}: {run:?}");
    assert!(
        run.stderr.contains("holds the value of TWILIO_AUTH_TOKEN"),
        "{what}: {run:?}"
    );
}
