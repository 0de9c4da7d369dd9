//! Webhook signatures, live, with twilio-python's `RequestValidator` (`interop/webhook.py`) and
//! twilio-node's webhooks module (`interop/webhook.mjs`), at the versions setup.sh pins.
//!
//! Requests are generated at random (the seed is printed; `CAPABILITY_WEBHOOK_SEED` replays
//! one): forms with repeated names and values, Unicode and reserved characters, JSON bodies;
//! URLs over http and https, with and without ports, paths with and without a trailing slash,
//! queries; keys that are auth tokens (HMAC-SHA1) or SharedKey secrets (HMAC-SHA1 and
//! HMAC-SHA256).
//!
//! - theirs sign, ours validates, and all three signatures are the same;
//! - ours signs, theirs validate; with one value changed, theirs refuse;
//! - the port: signed with the scheme's default port, validated without it, and the reverse;
//! - JSON bodies: the body's SHA-256 is the same in all three, and a changed body is refused.
//!
//! Characters are drawn from below U+D800 and above U+FFFF only: JavaScript sorts strings by
//! UTF-16 code units, which orders a character above U+FFFF before one in U+E000..=U+FFFF, where
//! Python and this library (code points) order it after (see docs/webhooks.md).

use std::process::Command;

use capability::webhook::{
    body_sha256, Algorithm, AuthToken, FormParams, Request, SharedKey, Validator,
};
use serde_json::{json, Value};

use super::{harness, run, setup, SCRIPT_TIMEOUT};

/// A small xorshift generator: no crate, and a seed that replays a run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn text(&mut self, max: usize) -> String {
        const PIECES: [&str; 20] = [
            "a", "B", "z", "0", "9", " ", "+", "&", "=", "%", "'", "\"", "/", "?", "é", "中", "✓",
            "😀", "client:", "%20",
        ];
        (0..self.below(max + 1))
            .map(|_| self.pick(&PIECES))
            .collect()
    }
}

#[derive(Clone, Debug)]
struct Case {
    key: String,
    algorithm: Algorithm,
    /// A SharedKey secret (false: the auth token).
    shared: bool,
    url: String,
    pairs: Option<Vec<(String, String)>>,
    body: Option<String>,
}

impl Case {
    fn params(&self) -> FormParams {
        FormParams::from_pairs(self.pairs.clone().unwrap_or_default()).unwrap()
    }

    fn to_json(&self, signature: Option<&str>) -> Value {
        let mut v = json!({
            "key": self.key,
            "algorithm": self.algorithm.name(),
            "url": self.url,
            "pairs": self.pairs,
            "body": self.body,
        });
        if let Some(signature) = signature {
            v["signature"] = json!(signature);
        }
        v
    }

    fn validator(&self) -> Validator {
        if self.shared {
            Validator::shared_keys_only()
                .with_shared_key(SharedKey::new("k1", &self.key).unwrap())
                .unwrap()
        } else {
            Validator::new(AuthToken::new(&self.key).unwrap())
        }
    }

    fn settings(&self) -> Option<String> {
        self.shared
            .then(|| format!("key=k1,algorithm={}", self.algorithm.name()))
    }

    /// Our validation of `signature` for this case, at `url`.
    fn ours_accepts(&self, url: &str, signature: &str) -> bool {
        let params = self.params();
        let settings = self.settings();
        let request = match &self.body {
            Some(body) => Request::json(url, body.as_bytes()),
            None => Request::form(url, &params),
        };
        self.validator()
            .validate(
                &request
                    .signature(Some(signature))
                    .settings(settings.as_deref()),
            )
            .is_ok()
    }

    /// Our signature (for a JSON body: over the URL alone).
    fn ours_signs(&self, url: &str) -> String {
        let params = if self.body.is_some() {
            FormParams::new()
        } else {
            self.params()
        };
        if self.shared {
            SharedKey::new("k1", &self.key)
                .unwrap()
                .sign(self.algorithm, url, &params)
                .unwrap()
        } else {
            AuthToken::new(&self.key)
                .unwrap()
                .sign(url, &params)
                .unwrap()
        }
    }
}

fn generate(rng: &mut Rng) -> Case {
    let shared = rng.below(2) == 0;
    let algorithm = if shared && rng.below(3) > 0 {
        Algorithm::HmacSha256
    } else {
        Algorithm::HmacSha1
    };
    let key: String = (0..32).map(|_| format!("{:x}", rng.below(16))).collect();
    let scheme = rng.pick(&["https", "http"]);
    let host = rng.pick(&[
        "example.com",
        "abc.ngrok.app",
        "Mixed.Example.ORG",
        "127.0.0.1",
    ]);
    let port = rng.pick(&["", "", ":8080", ":3000"]);
    let path = rng.pick(&["/voice", "/voice/", "/", "/a/b.php", "/hook%20x"]);
    let mut query = match rng.below(3) {
        0 => String::new(),
        1 => "?foo=1&bar=2".to_owned(),
        _ => "?q=%27quoted%27&e=%C3%A9&plus=a+b".to_owned(),
    };
    let json_body = rng.below(4) == 0;
    let (pairs, body) = if json_body {
        let body =
            json!({"CallSid": "CA123", "Text": rng.text(12), "n": rng.below(1000)}).to_string();
        let hash = body_sha256(body.as_bytes());
        query = if query.is_empty() {
            format!("?bodySHA256={hash}")
        } else {
            format!("{query}&bodySHA256={hash}")
        };
        (None, Some(body))
    } else {
        const NAMES: [&str; 10] = [
            "To",
            "From",
            "CallSid",
            "Digits",
            "Sid",
            "SidAccount",
            "Body",
            "é",
            "a b",
            "X&Y",
        ];
        let mut pairs: Vec<(String, String)> = Vec::new();
        for _ in 0..rng.below(25) {
            let name = rng.pick(&NAMES).to_owned();
            let value = rng.text(6);
            pairs.push((name, value));
            if rng.below(4) == 0 {
                let again = pairs[rng.below(pairs.len())].clone();
                pairs.push(again);
            }
        }
        (Some(pairs), None)
    };
    Case {
        key,
        algorithm,
        shared,
        url: format!("{scheme}://{host}{port}{path}{query}"),
        pairs,
        body,
    }
}

/// `url` with the scheme's default port, when it has no port.
fn with_default_port(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    if rest[..end].contains(':') {
        return None;
    }
    let port = if scheme == "https" { ":443" } else { ":80" };
    Some(format!("{scheme}://{}{port}{}", &rest[..end], &rest[end..]))
}

/// Runs both scripts on one request.
fn exchange(request: &Value) -> [(String, Value); 2] {
    let dir = setup().unwrap_or_else(|e| panic!("{e}"));
    let mut python = Command::new(dir.join("venv/bin/python"));
    python.arg(harness().join("webhook.py"));
    let mut node = Command::new("node");
    node.arg(harness().join("webhook.mjs"))
        .arg(dir.join("node"));
    let input = request.to_string();
    let parse = |who: &str, out: Result<String, String>| -> (String, Value) {
        let out = out.unwrap_or_else(|e| panic!("{e}"));
        let value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{who} printed no JSON ({e}):\n{out}"));
        (who.to_owned(), value)
    };
    [
        parse("twilio-python", run(python, &input, SCRIPT_TIMEOUT)),
        parse("twilio-node", run(node, &input, SCRIPT_TIMEOUT)),
    ]
}

fn seed() -> u64 {
    let seed = std::env::var("CAPABILITY_WEBHOOK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("webhook interop seed: CAPABILITY_WEBHOOK_SEED={seed}");
    seed
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn webhook_signatures_agree_both_ways() {
    let mut rng = Rng(seed());
    let cases: Vec<Case> = (0..300).map(|_| generate(&mut rng)).collect();
    assert!(
        cases.iter().any(|c| c.body.is_some())
            && cases.iter().any(|c| c.algorithm == Algorithm::HmacSha256)
    );

    // What theirs must validate: ours, at the URL as given and across the port; a tampered one.
    let mut validate: Vec<(Value, bool, String)> = Vec::new();
    for case in &cases {
        let ours = case.ours_signs(&case.url);
        validate.push((
            case.to_json(Some(&ours)),
            true,
            format!("ours for {case:?}"),
        ));
        if let Some(with_port) = with_default_port(&case.url) {
            // Signed with the default port, validated without it; and the reverse.
            let signed_with_port = case.ours_signs(&with_port);
            validate.push((
                case.to_json(Some(&signed_with_port)),
                true,
                format!("signed with :443/:80 {case:?}"),
            ));
            let mut at_port = case.clone();
            at_port.url = with_port;
            validate.push((
                at_port.to_json(Some(&ours)),
                true,
                format!("validated with :443/:80 {case:?}"),
            ));
        }
        let mut tampered = case.clone();
        match (&mut tampered.pairs, &mut tampered.body) {
            (Some(pairs), _) if !pairs.is_empty() => pairs[0].1.push('x'),
            (Some(pairs), _) => pairs.push(("Extra".into(), "1".into())),
            (None, Some(body)) => body.push(' '),
            (None, None) => unreachable!(),
        }
        validate.push((
            tampered.to_json(Some(&ours)),
            false,
            format!("tampered {tampered:?}"),
        ));
    }
    let request = json!({
        "sign": cases.iter().map(|c| c.to_json(None)).collect::<Vec<_>>(),
        "validate": validate.iter().map(|v| v.0.clone()).collect::<Vec<_>>(),
    });
    let mut problems = Vec::new();
    for (who, answer) in exchange(&request) {
        let signed = answer["signed"].as_array().expect("signed");
        for (case, theirs) in cases.iter().zip(signed) {
            let signature = theirs["signature"].as_str().expect("a signature");
            if signature != case.ours_signs(&case.url) {
                problems.push(format!(
                    "{who} signs {signature}, ours {}: {case:?}",
                    case.ours_signs(&case.url)
                ));
            }
            if !case.ours_accepts(&case.url, signature) {
                problems.push(format!("ours refuses {who}'s signature: {case:?}"));
            }
            if let Some(body) = &case.body {
                if theirs["body_sha256"] != json!(body_sha256(body.as_bytes())) {
                    problems.push(format!("{who}'s body hash differs: {case:?}"));
                }
            }
        }
        let validated = answer["validated"].as_array().expect("validated");
        assert_eq!(validated.len(), validate.len());
        for ((_, expected, what), theirs) in validate.iter().zip(validated) {
            if theirs != &json!(expected) {
                problems.push(format!(
                    "{who} answers {theirs} (expected {expected}): {what}"
                ));
            }
        }
        println!(
            "{who} {}: {} signed, {} validated",
            answer["version"],
            signed.len(),
            validated.len()
        );
    }
    // Ours refuses what theirs refuse: the tampered requests.
    for (value, expected, what) in &validate {
        if !expected {
            let case = cases
                .iter()
                .find(|c| c.url == value["url"])
                .expect("its case");
            let mut tampered = case.clone();
            tampered.pairs = serde_json::from_value(value["pairs"].clone()).unwrap();
            tampered.body = serde_json::from_value(value["body"].clone()).unwrap();
            if tampered.ours_accepts(&tampered.url, value["signature"].as_str().unwrap()) {
                problems.push(format!("ours accepts {what}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
