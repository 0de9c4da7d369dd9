//! `capability webhook sign` and `capability webhook verify`, run for real: twilio-python's
//! vectors, repeats, JSON bodies, SharedKeys, rotation, the diagnosis of the usual mistakes, the
//! exit statuses, and secrets that never come out.

use std::io::Write as _;

use crate::common::{command, Run};

const TOKEN: &str = "12345";
const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const PARAMS: [&str; 10] = [
    "--param",
    "CallSid=CA1234567890ABCDE",
    "--param",
    "Digits=1234",
    "--param",
    "From=+14158675309",
    "--param",
    "To=+18005551212",
    "--param",
    "Caller=+14158675309",
];

/// Runs `capability webhook args…` with exactly these secrets in the environment.
fn webhook(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Run {
    let mut cmd = command();
    for var in ["TWILIO_AUTH_TOKEN_SECONDARY", "TWILIO_WEBHOOK_SECRET"] {
        cmd.env_remove(var);
    }
    cmd.arg("webhook")
        .args(args)
        .envs(env.iter().copied())
        .write_stdin(stdin.to_vec());
    let output = cmd.output().unwrap();
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn with(args: &[&str], more: &[&str]) -> Vec<String> {
    args.iter().chain(more).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

const TOKEN_ENV: &[(&str, &str)] = &[("TWILIO_AUTH_TOKEN", TOKEN)];

#[test]
fn sign_gives_twilio_pythons_signature() {
    let args = with(&["sign", "--url", URL], &PARAMS);
    let run = webhook(&strs(&args), TOKEN_ENV, b"");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "RSOYDt4T1cUTdK1PDd93/VVr8B8=\n", "")
    );
    let json = webhook(&strs(&with(&strs(&args), &["--json"])), TOKEN_ENV, b"").json();
    assert_eq!(json["signature"], SIGNATURE);
    assert_eq!(json["algorithm"], "HMAC_SHA1");
    // Repeats (twilio-python's duplicate vector), in any order.
    let run = webhook(
        &[
            "sign",
            "--url",
            URL,
            "--param",
            "Sid=CA123",
            "--param",
            "SidAccount=AC123",
            "--param",
            "Digits=5678",
            "--param",
            "Digits=1234",
        ],
        TOKEN_ENV,
        b"",
    );
    assert_eq!(run.stdout, "IK+Dwps556ElfBT0I3Rgjkr1wJU=\n");
    // Split at the first '=': the value keeps the others.
    let a = webhook(&["sign", "--url", URL, "--param", "Q=a=b"], TOKEN_ENV, b"");
    let b = webhook(&["sign", "--url", URL, "--param", "Q=a=c"], TOKEN_ENV, b"");
    assert_eq!(a.code, 0);
    assert_ne!(a.stdout, b.stdout);
}

#[test]
fn verify_accepts_and_names_the_key_and_url() {
    let args = with(&["verify", "--url", URL, "--signature", SIGNATURE], &PARAMS);
    let run = webhook(&strs(&args), TOKEN_ENV, b"");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "valid: signed with the auth token (TWILIO_AUTH_TOKEN), for the URL as given\n"
    );
    let json = webhook(&strs(&with(&strs(&args), &["--json"])), TOKEN_ENV, b"").json();
    assert_eq!(
        json,
        serde_json::json!({"valid": true, "signed_with": "auth_token", "url_form": "as_given"})
    );
    // With the port, as twilio-python's port vectors.
    let with_port = URL.replace(".com", ".com:1234");
    let run = webhook(
        &strs(&with(
            &["verify", "--url", &with_port, "--signature", SIGNATURE],
            &PARAMS,
        )),
        TOKEN_ENV,
        b"",
    );
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("without its port"), "{run:?}");
    // Rotation: signed with the secondary.
    let env = [
        ("TWILIO_AUTH_TOKEN", "new token"),
        ("TWILIO_AUTH_TOKEN_SECONDARY", TOKEN),
    ];
    let run = webhook(&strs(&args), &env, b"");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("secondary auth token (TWILIO_AUTH_TOKEN_SECONDARY)"),
        "{run:?}"
    );
}

/// The mistakes the diagnosis names: the variant is found, the signature stays invalid.
#[test]
fn verify_diagnoses_the_usual_mistakes() {
    let token = TOKEN_ENV;
    let sign = |url: &str| {
        webhook(&strs(&with(&["sign", "--url", url], &PARAMS)), token, b"")
            .stdout
            .trim()
            .to_owned()
    };
    let cases = [
        // Signed for https (the public URL), checked against what the server sees behind a proxy.
        (
            "https://example.com/voice",
            "http://example.com/voice",
            "a proxy or tunnel terminates TLS",
        ),
        (
            "http://example.com/voice",
            "https://example.com/voice",
            "configured with http://",
        ),
        (
            "https://example.com/voice/",
            "https://example.com/voice",
            "ends with '/'",
        ),
        (
            "https://example.com/voice",
            "https://example.com/voice/",
            "no trailing '/'",
        ),
        (
            "https://example.com/voice",
            "https://example.com/voice?x=1",
            "no query string",
        ),
        (
            "https://example.com/voice",
            "http://example.com:3000/voice",
            "a proxy or tunnel terminates TLS",
        ),
    ];
    for (signed, given, hint) in cases {
        let signature = sign(signed);
        let run = webhook(
            &strs(&with(
                &["verify", "--url", given, "--signature", &signature],
                &PARAMS,
            )),
            token,
            b"",
        );
        assert_eq!(run.code, 1, "{run:?}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{run:?}");
        assert!(
            lines[0].starts_with("invalid: the signature does not match"),
            "{run:?}"
        );
        assert!(
            lines[1].starts_with(&format!("diagnosis: the signature is for {signed}")),
            "{signed} {given}: {run:?}"
        );
        assert!(lines[1].contains(hint), "{run:?}");
        let json = webhook(
            &strs(&with(
                &[
                    "verify",
                    "--json",
                    "--url",
                    given,
                    "--signature",
                    &signature,
                ],
                &PARAMS,
            )),
            token,
            b"",
        );
        assert_eq!(json.code, 1);
        let json = json.json();
        assert_eq!(json["valid"], false);
        assert_eq!(json["diagnosis"]["url"], signed);
    }
    // A parameter changed: no variant matches, and it says so.
    let signature = sign("https://example.com/voice");
    let mut params = PARAMS.to_vec();
    params[9] = "Caller=+14158675300";
    let run = webhook(
        &strs(&with(
            &[
                "verify",
                "--url",
                "https://example.com/voice",
                "--signature",
                &signature,
            ],
            &params,
        )),
        token,
        b"",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("diagnosis: no variant matches"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("TWILIO_AUTH_TOKEN_SECONDARY is not set"),
        "{run:?}"
    );
}

#[test]
fn shared_keys() {
    let env = [("TWILIO_WEBHOOK_SECRET", "shared secret")];
    let run = webhook(
        &strs(&with(
            &["sign", "--url", URL, "--algorithm", "HMAC_SHA256"],
            &PARAMS,
        )),
        &env,
        b"",
    );
    assert_eq!(run.code, 0, "{run:?}");
    let signature = run.stdout.trim().to_owned();
    assert_eq!(signature.len(), 44);
    let settings = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256";
    let args = with(
        &[
            "verify",
            "--url",
            URL,
            "--signature",
            &signature,
            "--signature-settings",
            settings,
        ],
        &PARAMS,
    );
    let run = webhook(&strs(&args), &env, b"");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run
        .stdout
        .contains("SharedKey secret (TWILIO_WEBHOOK_SECRET)"));
    // Unsupported algorithm: named; exit 1.
    let args = with(
        &[
            "verify",
            "--url",
            URL,
            "--signature",
            &signature,
            "--signature-settings",
            "key=k,algorithm=HMAC_MD5",
        ],
        &PARAMS,
    );
    let run = webhook(&strs(&args), &env, b"");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("\"HMAC_MD5\""), "{run:?}");
    // Malformed settings: exit 1, says how it should look.
    let run = webhook(
        &[
            "verify",
            "--url",
            URL,
            "--signature",
            &signature,
            "--signature-settings",
            "nonsense",
        ],
        &env,
        b"",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("key=<id>,algorithm=<name>"), "{run:?}");
    // Missing secret: exit 2, naming the variable.
    let run = webhook(
        &strs(&with(
            &[
                "verify",
                "--url",
                URL,
                "--signature",
                &signature,
                "--signature-settings",
                settings,
            ],
            &PARAMS,
        )),
        TOKEN_ENV,
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("TWILIO_WEBHOOK_SECRET is not set"),
        "{run:?}"
    );
}

#[test]
fn json_bodies() {
    let body = br#"{"property": "value", "boolean": true}"#;
    let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let url = format!("{URL}&bodySHA256={hash}");
    let mut file = tempfile();
    file.1.write_all(body).unwrap();
    let path = file.0.to_str().unwrap().to_owned();
    // twilio-python's test_validation_of_body_succeeds.
    let run = webhook(&["sign", "--url", &url, "--body", &path], TOKEN_ENV, b"");
    assert_eq!(run.stdout, "a9nBmqA0ju/hNViExpshrM61xv4=\n", "{run:?}");
    let run = webhook(
        &[
            "verify",
            "--url",
            &url,
            "--signature",
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            "--body",
            "-",
        ],
        TOKEN_ENV,
        body,
    );
    assert_eq!(run.code, 0, "{run:?}");
    // Another body, the same signature: refused for the body.
    let run = webhook(
        &[
            "verify",
            "--url",
            &url,
            "--signature",
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            "--body",
            "-",
        ],
        TOKEN_ENV,
        b"{}",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bodySHA256"), "{run:?}");
    // Signing a body whose URL has no bodySHA256: exit 2, with the value to add.
    let run = webhook(&["sign", "--url", URL, "--body", "-"], TOKEN_ENV, body);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&format!("bodySHA256={hash}")),
        "{run:?}"
    );
    // --body and --param together: a usage error.
    let run = webhook(
        &["sign", "--url", &url, "--body", "-", "--param", "a=b"],
        TOKEN_ENV,
        body,
    );
    assert_eq!(run.code, 2);
    std::fs::remove_file(&file.0).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let run = webhook(&["sign", "--url", URL], &[], b"");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("TWILIO_AUTH_TOKEN is not set"),
        "{run:?}"
    );
    let run = webhook(
        &["sign", "--url", URL, "--param", "novalue"],
        TOKEN_ENV,
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--param number 1 has no '='"),
        "{run:?}"
    );
    let run = webhook(&["verify", "--url", URL], TOKEN_ENV, b"");
    assert_eq!(run.code, 2);
    let run = webhook(&["sign", "--url", "example.com/voice"], TOKEN_ENV, b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("http:// or https://"), "{run:?}");
    let run = webhook(
        &["sign", "--url", URL, "--algorithm", "HMAC_MD5"],
        TOKEN_ENV,
        b"",
    );
    assert_eq!(run.code, 2);
}

#[test]
fn secrets_never_come_out() {
    let secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let env = [
        ("TWILIO_AUTH_TOKEN", secret),
        (
            "TWILIO_AUTH_TOKEN_SECONDARY",
            "ffeeddccbbaa99887766554433221100",
        ),
        ("TWILIO_WEBHOOK_SECRET", "00112233445566778899aabbccddeeff"),
    ];
    // The secrets passed where the request goes, by mistake.
    for args in [
        vec!["verify", "--url", secret, "--signature", secret],
        vec![
            "verify",
            "--url",
            URL,
            "--signature",
            secret,
            "--param",
            &format!("{secret}={secret}"),
        ],
        vec![
            "verify",
            "--json",
            "--url",
            URL,
            "--signature",
            SIGNATURE,
            "--signature-settings",
            "00112233445566778899aabbccddeeff",
        ],
        vec![
            "verify",
            "--url",
            URL,
            "--signature",
            SIGNATURE,
            "--signature-settings",
            "key=ffeeddccbbaa99887766554433221100",
        ],
        vec!["sign", "--url", secret],
    ] {
        let run = webhook(&args, &env, b"");
        assert_ne!(run.code, 0);
        for value in env.iter().map(|e| e.1) {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "{args:?}: {run:?}"
            );
        }
    }
}

/// A file in the temporary directory, unique to this process and call.
fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "capability-webhook-{}-{}.json",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

/// The webhook sessions of docs/webhooks.md and README.md are what the binary prints: every
/// command runs again here, in one shell, and the output must be the document's, byte for byte.
#[test]
fn the_documented_sessions_are_real() {
    for doc in ["docs/webhooks.md", "README.md"] {
        let path = format!("{}/../{doc}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let marker = "A webhook session:\n\n```text\n";
        let start = text
            .find(marker)
            .unwrap_or_else(|| panic!("no webhook session in {doc}"));
        let block = &text[start + marker.len()..];
        let block = &block[..block.find("```\n").unwrap()];
        // Each command shown as typed, then run with `$?` as the previous command left it.
        let mut script = String::from("set -u\nstatus=0\n");
        for line in block.lines().filter_map(|l| l.strip_prefix("$ ")) {
            let shown = format!("$ {line}").replace('\'', "'\\''");
            script.push_str(&format!(
                "printf '%s\\n' '{shown}'\n(exit $status)\n{line}\nstatus=$?\n"
            ));
        }
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_capability"))
            .parent()
            .unwrap();
        let mut cmd = std::process::Command::new("bash");
        cmd.arg("-c").arg(format!("exec 2>&1\n{script}")).env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        );
        for var in [
            "TWILIO_AUTH_TOKEN",
            "TWILIO_AUTH_TOKEN_SECONDARY",
            "TWILIO_WEBHOOK_SECRET",
            "NO_COLOR",
            "CLICOLOR_FORCE",
        ] {
            cmd.env_remove(var);
        }
        let output = cmd.output().expect("bash runs");
        assert_eq!(String::from_utf8(output.stdout).unwrap(), block, "{doc}");
    }
}
