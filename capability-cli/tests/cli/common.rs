//! Running the binary, and the reference vectors of the official libraries.

use std::sync::OnceLock;

use serde_json::Value;

/// The auth token of the capability token vectors, and the secret of the Access Token vectors'
/// API key.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The account of the capability token vectors.
pub const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// The account and API key of the Access Token vectors.
pub const ACCESS_ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const API_KEY: &str = "SK0123456789abcdef0123456789abcdef";
/// The time every vector was signed at.
pub const ISSUED_AT: u64 = 1_700_000_000;

/// What a run printed, and its exit status.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as the one JSON object it must be.
    pub fn json(&self) -> Value {
        assert_eq!(self.stdout.lines().count(), 1, "{self:?}");
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    /// Standard error is exactly one line, starting with `prefix`.
    pub fn one_line_error(&self, prefix: &str) -> &str {
        assert_eq!(self.stderr.lines().count(), 1, "{self:?}");
        assert!(self.stderr.ends_with('\n'), "{self:?}");
        self.stderr
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("not `{prefix}…`: {self:?}"))
    }
}

/// The binary with no credentials and no colour settings from the environment of the tests.
pub fn command() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_capability"));
    for var in [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_AUTH_TOKEN_SECONDARY",
        "TWILIO_WEBHOOK_SECRET",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// Runs `capability args…` with `env` set and `stdin` (empty if `None`).
pub fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = command();
    cmd.args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.write_stdin(stdin.unwrap_or_default().to_vec());
    let output = cmd.output().unwrap();
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 on stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 on stderr"),
    }
}

/// `webhook sign` of `url` (https) with `sign_env`, then `webhook verify` of that signature for
/// the same URL over plain http, as a proxy that ends TLS forwards it, with `verify_env`: the
/// run without `--json` and the run with it.
pub fn verify_over_http(
    url: &str,
    sign_env: &[(&str, &str)],
    verify_env: &[(&str, &str)],
) -> [Run; 2] {
    let signed = run_with(&["webhook", "sign", "--url", url], sign_env, None);
    assert_eq!(signed.code, 0, "{signed:?}");
    let http = url.replacen("https", "http", 1);
    let args = [
        "webhook",
        "verify",
        "--url",
        &http,
        "--signature",
        signed.stdout.trim(),
    ];
    [
        run_with(&args, verify_env, None),
        run_with(&[&args[..], &["--json"]].concat(), verify_env, None),
    ]
}

pub fn run(args: &[&str]) -> Run {
    run_with(args, &[], None)
}

/// The environment of the capability token vectors.
pub const CAPABILITY_ENV: [(&str, &str); 2] = [
    ("TWILIO_ACCOUNT_SID", ACCOUNT),
    ("TWILIO_AUTH_TOKEN", SECRET),
];

/// The environment of the Access Token vectors.
pub const ACCESS_ENV: [(&str, &str); 3] = [
    ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
    ("TWILIO_API_KEY", API_KEY),
    ("TWILIO_API_SECRET", SECRET),
];

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../capability-runtime/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The capability token vectors: tokens of twilio-php, twilio-python and twilio-node.
pub fn capability_vectors() -> &'static [Value] {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| load("reference-vectors.json"))["cases"]
        .as_array()
        .unwrap()
}

/// The Access Token vectors: tokens of twilio-php, twilio-python and twilio-node.
pub fn access_vectors() -> &'static [Value] {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| load("access-token-vectors.json"))["vectors"]
        .as_array()
        .unwrap()
}

/// The token of the vector named `case` from `library` (a prefix such as `twilio-php`).
pub fn capability_token(case: &str, library: &str) -> String {
    vector_token(capability_vectors(), "case", case, library)
}

pub fn access_token(name: &str, library: &str) -> String {
    vector_token(access_vectors(), "name", name, library)
}

fn vector_token(vectors: &[Value], key: &str, name: &str, library: &str) -> String {
    vectors
        .iter()
        .find(|v| v[key] == name && v["library"].as_str().unwrap().starts_with(library))
        .unwrap_or_else(|| panic!("no vector {name} of {library}"))["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token of these JSON texts with a made-up signature: what `decode` reads without a key.
pub fn unsigned(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(claims.as_bytes()),
        b64(&[7; 32])
    )
}
