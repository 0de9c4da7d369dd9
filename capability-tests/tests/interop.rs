//! Live interop with the official Twilio helper libraries, in both directions.
//!
//! Runs only when asked, as it needs python3, node, npm and the registries, which `cargo test`
//! must not: its tests are `#[ignore]`d, and
//!
//! ```text
//! cargo test -p capability-tests --test interop -- --ignored
//! ```
//!
//! runs them (`.ci/run` always does). `capability-capability-tests/interop/setup.sh` installs twilio-python + PyJWT and
//! twilio-node + jsonwebtoken, at the versions pinned in `capability-tests/interop/`, into `target/interop/`
//! (once; later runs reuse them); the test runs it first. When asked, a missing tool or an
//! unreachable registry makes the test FAIL with setup.sh's message: it never skips.
//!
//! 1. Tokens we sign for a broad set of policies must be accepted by PyJWT, by twilio-python's
//!    `Jwt.from_jwt` and by node's `jsonwebtoken.verify`, with exactly our claims; their `scope`,
//!    decoded by Python's `urllib.parse` and by node's `decodeURIComponent`, must read back the
//!    policy's grants, in order. Controls: an expired token and a wrong key must be rejected.
//! 2. Tokens twilio-python and twilio-node generate in this run for the same policies must verify
//!    in our library and read back the same grants.
//!
//! Clocks: node verifies our tokens at a fixed `now` (`clockTimestamp`). PyJWT takes no clock, so
//! our tokens are signed at the system time this test reads once, with TTLs of 10 minutes or more.
//! The official libraries generate at the fixed time `GENERATE_AT`, under a patched `time.time`
//! (Python) and Node's mock timers; we verify their tokens at that same time.
//!
//! Policies an official library cannot express are listed in `UNSUPPORTED`: the scripts report
//! them and this test checks that the list is exact.
//!
//! Access Tokens, the same way: ours (for the policies of `ACCESS_CASES`) must be accepted by
//! PyJWT, twilio-python's `Jwt.from_jwt` and jsonwebtoken with exactly the header and claims the
//! wire format prescribes (written here from the case, not by our library); the tokens of
//! twilio-python's and twilio-node's `AccessToken` for the same policies must verify in our
//! library to the same identity, grants, region and times.
//!
//! Webhook signatures: see `interop/webhook.rs`.

#[path = "../../capability-runtime/tests/common/mod.rs"]
mod common;
#[path = "interop/webhook.rs"]
mod webhook;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use capability::{AccessPolicy, ApiKey, VerifiedAccessToken};
use capability::{
    AppSid, ClientName, Credentials, Error, Grants, Policy, VerifiedToken, MAX_CLIENT_NAME_LEN,
};
use common::access::policy_from_inputs;
use common::ordered::Json;
use serde_json::{json, Map, Value};

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const WRONG_AUTH_TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f1";
const APP_SID: &str = "APfedcba9876543210fedcba9876543210";
/// When the official libraries generate their tokens (2023-11-14T22:13:20Z).
const GENERATE_AT: u64 = 1_700_000_000;
const EVENTS_PATH: &str = "/2010-04-01/Events";

/// How long setup.sh may take: a first install downloads the packages (about 20 s here).
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
/// How long one script may take.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// (policy, library) pairs the library's API cannot express; the scripts report why.
const UNSUPPORTED: &[(&str, &str)] = &[
    // Keyword arguments group a repeated key; an object holds a key once.
    ("outgoing, a key repeated after another", "twilio-python"),
    ("outgoing, a key repeated after another", "twilio-node"),
    ("outgoing, a repeated key", "twilio-node"),
    // A JavaScript object enumerates integer-like keys first.
    ("events, integer-like keys", "twilio-node"),
];

/// One grant of a test policy, in declaration order.
#[derive(Clone, Debug)]
enum Scope {
    Incoming(String),
    Outgoing(Vec<(String, String)>),
    Events(Vec<(String, String)>),
}

#[derive(Clone, Debug)]
struct Case {
    name: &'static str,
    ttl: u64,
    scopes: Vec<Scope>,
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Keys and values with every character the encodings treat specially.
fn awkward() -> Vec<(String, String)> {
    pairs(&[
        ("with space", "two  spaces and a trailing one "),
        ("amp&ersand", "Tom & Jerry&co"),
        ("equals=", "a=b==c="),
        ("plus+", "1+1 = 2 +"),
        ("percent%", "100% %41 %2B %zz %"),
        ("tilde~", "~user/~"),
        ("star*", "*.* *"),
        ("slash/", "/2010-04-01/Events/"),
        ("quote'\"", "'single' \"double\" `back`"),
        ("emoji😀", "👍🏽 家族 é ß ☎"),
        ("empty", ""),
        (" ", "a value under a key made of one space"),
        ("?#;,:@$!()[]", "a?b#c;d,e:f@g$h!i(j)k[l]m"),
        ("control", "line\nbreak\ttab\r\u{7f}"),
    ])
}

fn cases() -> Vec<Case> {
    use Scope::{Events, Incoming, Outgoing};
    let alice = || Incoming("Alice".to_owned());
    let foo_bar = || pairs(&[("Foo", "Bar"), ("Queue", "support desk")]);
    vec![
        Case {
            name: "incoming",
            ttl: 3600,
            scopes: vec![alice()],
        },
        Case {
            name: "incoming, the longest name",
            ttl: 3600,
            scopes: vec![Incoming(
                "Alice_0123456789"
                    .chars()
                    .cycle()
                    .take(MAX_CLIENT_NAME_LEN)
                    .collect(),
            )],
        },
        Case {
            name: "incoming, the name 0",
            ttl: 3600,
            scopes: vec![Incoming("0".to_owned())],
        },
        Case {
            name: "outgoing without params",
            ttl: 3600,
            scopes: vec![Outgoing(vec![])],
        },
        Case {
            name: "outgoing with params",
            ttl: 600,
            scopes: vec![Outgoing(foo_bar())],
        },
        Case {
            name: "outgoing, awkward params",
            ttl: 3600,
            scopes: vec![Outgoing(awkward())],
        },
        Case {
            name: "outgoing, empty values",
            ttl: 3600,
            scopes: vec![Outgoing(pairs(&[("a", ""), ("b", ""), ("c", "")]))],
        },
        Case {
            name: "outgoing, a repeated key",
            ttl: 3600,
            scopes: vec![Outgoing(pairs(&[
                ("to", "alice"),
                ("to", "bob"),
                ("from", "carol"),
            ]))],
        },
        Case {
            name: "outgoing, a key repeated after another",
            ttl: 3600,
            scopes: vec![Outgoing(pairs(&[
                ("to", "alice"),
                ("from", "carol"),
                ("to", "bob"),
            ]))],
        },
        Case {
            name: "events without filters",
            ttl: 3600,
            scopes: vec![Events(vec![])],
        },
        Case {
            name: "events with filters",
            ttl: 3600,
            scopes: vec![Events(pairs(&[
                ("CallSid", "CA0123456789abcdef0123456789abcdef"),
                ("Status", "ringing"),
            ]))],
        },
        Case {
            name: "events, awkward filters",
            ttl: 3600,
            scopes: vec![Events(awkward())],
        },
        Case {
            name: "events, integer-like keys",
            ttl: 3600,
            scopes: vec![Events(pairs(&[("b", "1"), ("10", "x"), ("2", "y")]))],
        },
        Case {
            name: "incoming and outgoing",
            ttl: 3600,
            scopes: vec![alice(), Outgoing(foo_bar())],
        },
        Case {
            name: "outgoing then incoming",
            ttl: 3600,
            scopes: vec![Outgoing(vec![]), Incoming("Bob_2".to_owned())],
        },
        Case {
            name: "all three",
            ttl: 86_400,
            scopes: vec![
                alice(),
                Outgoing(foo_bar()),
                Events(pairs(&[("Status", "ringing")])),
            ],
        },
        Case {
            name: "all three, reversed, awkward",
            ttl: 600,
            scopes: vec![Events(awkward()), Outgoing(awkward()), alice()],
        },
        Case {
            name: "all three, nothing in them",
            ttl: 3600,
            scopes: vec![Outgoing(vec![]), Events(vec![]), alice()],
        },
    ]
}

impl Case {
    fn policy(&self) -> Policy {
        let mut builder = Policy::builder().ttl(Duration::from_secs(self.ttl));
        for scope in &self.scopes {
            builder = match scope {
                Scope::Incoming(name) => {
                    builder.incoming(ClientName::new(name).expect("test name is valid"))
                }
                Scope::Outgoing(params) => builder.outgoing(app_sid(), params.clone()),
                Scope::Events(filters) => builder.events(filters.clone()),
            };
        }
        builder
            .build()
            .unwrap_or_else(|e| panic!("policy {:?}: {e}", self.name))
    }

    fn incoming(&self) -> Option<&str> {
        self.scopes.iter().find_map(|s| match s {
            Scope::Incoming(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// The case as the scripts read it.
    fn to_json(&self) -> Value {
        let scopes: Vec<Value> = self
            .scopes
            .iter()
            .map(|s| match s {
                Scope::Incoming(name) => json!({"kind": "incoming", "client_name": name}),
                Scope::Outgoing(params) => {
                    json!({"kind": "outgoing", "app_sid": APP_SID, "params": params})
                }
                Scope::Events(filters) => json!({"kind": "events", "filters": filters}),
            })
            .collect();
        json!({"name": self.name, "ttl": self.ttl, "scopes": scopes})
    }

    /// What a form decoder must read from the scope claim: the scope URIs in order and the
    /// parameters of each (`appParams`/`params` decoded again into pairs). Written from the case
    /// itself, not from our library. `client_name_on_outgoing`: whether the outgoing scope carries
    /// the incoming name (ours and twilio-python's always do, twilio-node's only when asked).
    fn expected_reading(&self, client_name_on_outgoing: bool) -> Value {
        let mut order = Vec::new();
        let mut scopes = Map::new();
        for scope in &self.scopes {
            let (name, params) = match scope {
                Scope::Incoming(name) => ("scope:client:incoming", json!({"clientName": name})),
                Scope::Outgoing(params) => {
                    let mut p = json!({"appSid": APP_SID, "appParams": params});
                    if let (true, Some(name)) = (client_name_on_outgoing, self.incoming()) {
                        p["clientName"] = json!(name);
                    }
                    ("scope:client:outgoing", p)
                }
                Scope::Events(filters) => (
                    "scope:stream:subscribe",
                    json!({"path": EVENTS_PATH, "params": filters}),
                ),
            };
            order.push(name);
            scopes.insert(name.to_owned(), params);
        }
        json!({"order": order, "scopes": scopes})
    }
}

fn app_sid() -> AppSid {
    AppSid::new(APP_SID).expect("test SID is valid")
}

fn credentials() -> Credentials {
    Credentials::new(ACCOUNT_SID, AUTH_TOKEN).expect("test credentials are valid")
}

/// Our library's reading of a token's grants, in the shape of `expected_reading()["scopes"]`.
fn grants_reading(grants: &Grants) -> Value {
    let list = |p: &capability::Params| -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    };
    let mut scopes = Map::new();
    if let Some(name) = grants.incoming() {
        scopes.insert(
            "scope:client:incoming".into(),
            json!({"clientName": name.as_str()}),
        );
    }
    if let Some(o) = grants.outgoing() {
        let mut p = json!({"appSid": o.app_sid().as_str(), "appParams": list(o.params())});
        if let Some(name) = o.client_name() {
            p["clientName"] = json!(name.as_str());
        }
        scopes.insert("scope:client:outgoing".into(), p);
    }
    if let Some(e) = grants.events() {
        scopes.insert(
            "scope:stream:subscribe".into(),
            json!({"path": EVENTS_PATH, "params": list(e.filters())}),
        );
    }
    for other in grants.other_scopes() {
        scopes.insert(other.clone(), json!("(a scope our library does not know)"));
    }
    Value::Object(scopes)
}

// ---------------------------------------------------------------------------------------------
// Running the setup and the scripts.

/// The workspace's root, where `target/` is.
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The harness beside this test: the pinned libraries and the scripts that drive them.
fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

fn interop_dir() -> PathBuf {
    std::env::var_os("CAPABILITY_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/interop"))
}

/// Runs `command` with `input` on stdin; its stdout, or a message with its stderr.
fn run(mut command: Command, input: &str, timeout: Duration) -> Result<String, String> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_owned();
    let writer = thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });

    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{shown} did not finish within {timeout:?}: killed"));
            }
            Err(e) => return Err(format!("waiting for {shown}: {e}")),
        }
    };
    let _ = writer.join();
    let stdout = out
        .join()
        .expect("reader thread")
        .unwrap_or_else(|e| format!("<unreadable: {e}>"));
    let stderr = err
        .join()
        .expect("reader thread")
        .unwrap_or_else(|e| format!("<unreadable: {e}>"));
    if status.success() {
        Ok(stdout)
    } else {
        Err(format!("{shown} failed ({status}):\n{stderr}"))
    }
}

fn setup() -> Result<PathBuf, String> {
    let mut command = Command::new("bash");
    command.arg(harness().join("setup.sh"));
    run(command, "", SETUP_TIMEOUT).map_err(|e| {
        format!(
            "the interop test needs the official libraries installed by capability-tests/interop/setup.sh, \
             which needs python3, node and npm, and PyPI and the npm registry reachable:\n{e}"
        )
    })?;
    Ok(interop_dir())
}

/// A token we signed, for the scripts to verify with `auth_token`.
struct Signed {
    name: String,
    token: String,
    auth_token: &'static str,
    policy: Policy,
    case: Option<Case>,
}

/// Everything the scripts answered, computed once for all the tests of this file.
struct Exchange {
    /// The time our tokens were signed at (and node verified them at).
    now: u64,
    signed: Vec<Signed>,
    access_signed: Vec<AccessSigned>,
    python: Value,
    node: Value,
}

fn exchange() -> &'static Exchange {
    static EXCHANGE: OnceLock<Result<Exchange, String>> = OnceLock::new();
    match EXCHANGE.get_or_init(make_exchange) {
        Ok(exchange) => exchange,
        Err(message) => panic!("{message}"),
    }
}

fn make_exchange() -> Result<Exchange, String> {
    let dir = setup()?;
    let credentials = credentials();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();

    let mut signed: Vec<Signed> = cases()
        .into_iter()
        .map(|case| {
            let policy = case.policy();
            Signed {
                name: case.name.to_owned(),
                token: policy.sign_at(&credentials, now).into_string(),
                auth_token: AUTH_TOKEN,
                policy,
                case: Some(case),
            }
        })
        .collect();
    // Controls: tokens every verifier must reject.
    let control = cases()[0].policy();
    signed.push(Signed {
        name: "control: wrong key".into(),
        token: control.sign_at(&credentials, now).into_string(),
        auth_token: WRONG_AUTH_TOKEN,
        policy: control.clone(),
        case: None,
    });
    signed.push(Signed {
        name: "control: expired".into(),
        token: control
            .sign_at(&credentials, now - control.ttl().as_secs() - 60)
            .into_string(),
        auth_token: AUTH_TOKEN,
        policy: control,
        case: None,
    });

    let access_signed = access_signed(now);
    let request = json!({
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "now": now,
        "verify": signed
            .iter()
            .map(|s| json!({"name": s.name, "token": s.token, "auth_token": s.auth_token}))
            .collect::<Vec<_>>(),
        "generate": {"at": GENERATE_AT, "cases": cases().iter().map(Case::to_json).collect::<Vec<_>>()},
    })
    .to_string();
    // The Access Token part is spliced in as text: its cases keep the order of their members
    // (parameters in particular), which `serde_json::Value` would sort.
    let request = format!(
        "{},\"access\":{}}}",
        request.strip_suffix('}').expect("an object"),
        access_request(now, &access_signed)
    );

    let mut python = Command::new(dir.join("venv/bin/python"));
    python.arg(harness().join("check.py"));
    let mut node = Command::new("node");
    node.arg("--disable-warning=ExperimentalWarning")
        .arg(harness().join("check.mjs"))
        .arg(dir.join("node"));
    let parse = |out: String, who: &str| -> Result<Value, String> {
        serde_json::from_str(&out)
            .map_err(|e| format!("{who} printed no JSON answer ({e}):\n{out}"))
    };
    let python = parse(run(python, &request, SCRIPT_TIMEOUT)?, "check.py")?;
    let node = parse(run(node, &request, SCRIPT_TIMEOUT)?, "check.mjs")?;
    Ok(Exchange {
        now,
        signed,
        access_signed,
        python,
        node,
    })
}

/// The answer's entry named `name` in its list `list`.
fn entry<'a>(answer: &'a Value, list: &str, name: &str) -> &'a Value {
    answer[list]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["name"] == name))
        .unwrap_or_else(|| panic!("the answer has no {list} entry {name:?}:\n{answer:#}"))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Fails with every problem found, each with the policy, the token and what each side read.
fn report(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn the_pinned_versions_are_the_ones_running() {
    let exchange = exchange();
    let requirements = std::fs::read_to_string(harness().join("requirements.txt")).unwrap();
    let pin = |name: &str| {
        requirements
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix("=="))
            .unwrap_or_else(|| panic!("requirements.txt pins no {name}"))
            .trim()
            .to_owned()
    };
    assert_eq!(
        exchange.python["versions"]["twilio"],
        pin("twilio"),
        "{}",
        exchange.python["versions"]
    );
    assert_eq!(
        exchange.python["versions"]["PyJWT"],
        pin("PyJWT"),
        "{}",
        exchange.python["versions"]
    );

    let package: Value =
        serde_json::from_str(&std::fs::read_to_string(harness().join("package.json")).unwrap())
            .unwrap();
    for name in ["twilio", "jsonwebtoken"] {
        assert_eq!(
            exchange.node["versions"][name], package["dependencies"][name],
            "{}",
            exchange.node["versions"]
        );
    }
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn official_libraries_accept_our_tokens_and_read_our_grants() {
    let exchange = exchange();
    let mut problems = Vec::new();
    for signed in exchange.signed.iter().filter(|s| s.case.is_some()) {
        let case = signed.case.as_ref().expect("filtered");
        let claims = json!({
            "scope": signed.policy.scope(),
            "iss": ACCOUNT_SID,
            "exp": exchange.now + signed.policy.ttl().as_secs(),
        });
        let expected = case.expected_reading(true);
        let py = entry(&exchange.python, "verified", &signed.name);
        let js = entry(&exchange.node, "verified", &signed.name);
        let results = [
            ("PyJWT", &py["pyjwt"]),
            ("twilio-python Jwt.from_jwt", &py["twilio"]),
            ("jsonwebtoken.verify", &js["jsonwebtoken"]),
        ];
        for (verifier, result) in results {
            if result["ok"] != true || result["claims"] != claims {
                problems.push(format!(
                    "{verifier} did not accept policy {:?} with our claims\n  token: {}\n  ours: {claims}\n  {verifier}: {result}",
                    signed.name, signed.token
                ));
            }
        }
        for (reader, reading) in [
            ("Python urllib.parse", &py["reading"]),
            ("node decodeURIComponent", &js["reading"]),
        ] {
            if *reading != expected {
                problems.push(format!(
                    "{reader} reads other grants from policy {:?}\n  token: {}\n  scope: {}\n  expected: {}\n  {reader}: {}",
                    signed.name,
                    signed.token,
                    signed.policy.scope(),
                    pretty(&expected),
                    pretty(reading)
                ));
            }
        }
        // Our own verifier agrees with itself, for completeness.
        match credentials().verify_at(&signed.token, exchange.now) {
            Ok(v) if v.grants() == signed.policy.grants() => {}
            other => problems.push(format!(
                "we do not read back policy {:?}: {other:?}",
                signed.name
            )),
        }
    }
    report(problems);
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn official_libraries_reject_a_wrong_key_and_an_expired_token() {
    let exchange = exchange();
    let mut problems = Vec::new();
    check_controls_refused(&exchange.python, &exchange.node, "", &mut problems);
    // And so do we.
    let signed = |name: &str| {
        exchange
            .signed
            .iter()
            .find(|s| s.name == name)
            .expect("control token")
    };
    let wrong = Credentials::new(ACCOUNT_SID, WRONG_AUTH_TOKEN).unwrap();
    assert_eq!(
        wrong.verify_at(&signed("control: wrong key").token, exchange.now),
        Err(Error::BadSignature)
    );
    assert!(matches!(
        credentials().verify_at(&signed("control: expired").token, exchange.now),
        Err(Error::Expired { .. })
    ));
    report(problems);
}

/// Checks that PyJWT, twilio-python and jsonwebtoken refuse the control tokens (signed with a
/// wrong key, expired) of one kind, each with its own error: `python` and `node` are their
/// answers for that kind, `kind` names it in the problems found.
fn check_controls_refused(python: &Value, node: &Value, kind: &str, problems: &mut Vec<String>) {
    let expectations = [
        (
            "control: wrong key",
            [
                "InvalidSignatureError:",
                "JwtDecodeError: Signature verification failed",
                "JsonWebTokenError: invalid signature",
            ],
        ),
        (
            "control: expired",
            [
                "ExpiredSignatureError:",
                "JwtDecodeError: Signature has expired",
                "TokenExpiredError: jwt expired",
            ],
        ),
    ];
    for (name, [pyjwt, twilio, jsonwebtoken]) in expectations {
        let py = entry(python, "verified", name);
        let js = entry(node, "verified", name);
        for (verifier, result, prefix) in [
            ("PyJWT", &py["pyjwt"], pyjwt),
            ("twilio-python", &py["twilio"], twilio),
            ("jsonwebtoken", &js["jsonwebtoken"], jsonwebtoken),
        ] {
            let error = result["error"].as_str().unwrap_or("");
            if result["ok"] != false || !error.starts_with(prefix) {
                problems.push(format!(
                    "{verifier} on {kind}{name:?}: expected an error starting {prefix:?}, got {result}"
                ));
            }
        }
    }
}

/// Checks the tokens one official library generated: each verifies in our library at the time it
/// was generated, carries that time, and reads back the case's grants.
fn check_generated(
    library: &str,
    answer: &Value,
    check_times: impl Fn(&VerifiedToken) -> Result<(), String>,
) {
    let credentials = credentials();
    let mut problems = Vec::new();
    let mut unsupported = BTreeSet::new();
    let mut answered = BTreeSet::new();
    for generated in answer["generated"]
        .as_array()
        .expect("a list of generated tokens")
    {
        let name = generated["name"].as_str().expect("a name");
        answered.insert(name.to_owned());
        if let Some(why) = generated["unsupported"].as_str() {
            eprintln!("{library} cannot express policy {name:?}: {why}");
            unsupported.insert(name.to_owned());
            continue;
        }
        let token = generated["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{library} gave no token for {name:?}: {generated}"));
        let (case_name, client_name_on_outgoing) = match name.strip_suffix(" (no clientName)") {
            Some(base) => (base, false),
            None => (name, true),
        };
        let case = cases()
            .into_iter()
            .find(|c| c.name == case_name)
            .expect("a known case");
        let expected = case.expected_reading(client_name_on_outgoing)["scopes"].clone();
        let verified = match credentials.verify_at(token, GENERATE_AT) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!(
                    "we reject {library}'s token for policy {name:?}: {e}\n  token: {token}"
                ));
                continue;
            }
        };
        let ours = grants_reading(verified.grants());
        if ours != expected {
            problems.push(format!(
                "we read other grants from {library}'s token for policy {name:?}\n  token: {token}\n  expected: {}\n  we read: {}",
                pretty(&expected),
                pretty(&ours)
            ));
        }
        if client_name_on_outgoing && verified.grants() != case.policy().grants() {
            problems.push(format!(
                "{library}'s token for policy {name:?} grants other than our policy\n  token: {token}\n  its grants: {:?}\n  our policy: {:?}",
                verified.grants(),
                case.policy().grants()
            ));
        }
        if verified.expires_at() != GENERATE_AT + case.ttl {
            problems.push(format!(
                "{library}'s token for {name:?} expires at {}",
                verified.expires_at()
            ));
        }
        if let Err(e) = check_times(&verified) {
            problems.push(format!("{library}'s token for {name:?}: {e}"));
        }
        // Our verifier is not vacuous on these tokens: a second late, or another key, fails.
        if credentials.verify_at(token, GENERATE_AT + case.ttl).is_ok()
            || Credentials::new(ACCOUNT_SID, WRONG_AUTH_TOKEN)
                .unwrap()
                .verify_at(token, GENERATE_AT)
                .is_ok()
        {
            problems.push(format!(
                "we accept {library}'s token for {name:?} expired or under another key"
            ));
        }
    }
    // Every policy was answered: a token, or a reason the library's API cannot express it.
    let base = |name: &str| {
        name.strip_suffix(" (no clientName)")
            .unwrap_or(name)
            .to_owned()
    };
    let expected_names: BTreeSet<String> = cases()
        .iter()
        .flat_map(|c| {
            let both =
                c.incoming().is_some() && c.scopes.iter().any(|s| matches!(s, Scope::Outgoing(_)));
            let mut names = vec![c.name.to_owned()];
            if both && library == "twilio-node" {
                names.push(format!("{} (no clientName)", c.name));
            }
            names
        })
        .collect();
    let expected_unsupported: BTreeSet<String> = expected_names
        .iter()
        .filter(|name| UNSUPPORTED.contains(&(base(name).as_str(), library)))
        .cloned()
        .collect();
    assert_eq!(
        answered, expected_names,
        "the policies {library} answered for"
    );
    assert_eq!(
        unsupported, expected_unsupported,
        "the policies {library} cannot express"
    );
    report(problems);
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn we_accept_the_tokens_of_twilio_python() {
    check_generated("twilio-python", &exchange().python, |v| {
        match (v.not_before(), v.issued_at()) {
            (Some(GENERATE_AT), None) => Ok(()),
            other => Err(format!(
                "expected nbf = {GENERATE_AT} and no iat, got (nbf, iat) = {other:?}"
            )),
        }
    });
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn we_accept_the_tokens_of_twilio_node() {
    check_generated("twilio-node", &exchange().node, |v| {
        match (v.not_before(), v.issued_at()) {
            (None, Some(GENERATE_AT)) => Ok(()),
            other => Err(format!(
                "expected iat = {GENERATE_AT} and no nbf, got (nbf, iat) = {other:?}"
            )),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Access Tokens.

const API_KEY_SID: &str = "SKfedcba9876543210fedcba9876543210";
const API_KEY_SECRET: &str = "a7Bc9dE1fG3hJ5kL7mN9pQ1rS3tU5vW7";
const WRONG_API_KEY_SECRET: &str = "a7Bc9dE1fG3hJ5kL7mN9pQ1rS3tU5vW8";

/// Policies in the `inputs` format of `capability-runtime/tests/data/access-token-vectors.json`, kept as text so
/// that the order of their members reaches the scripts. Every one can be expressed by both
/// official libraries.
const ACCESS_CASES: &[(&str, &str)] = &[
    (
        "voice, incoming",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"voice","incoming_allow":true}]}"#,
    ),
    (
        "voice, everything, awkward parameters",
        r#"{"identity":"Agent_007","ttl":600,"nbf":null,"region":null,"grants":[{"type":"voice","incoming_allow":true,"outgoing_application_sid":"APfedcba9876543210fedcba9876543210","outgoing_application_params":{"To":"+15551234567","with space":"Tom & Jerry = 2","slash/":"/2010-04-01/Calls?x=<y>","quote'\"":"say \"hi\" \\ bye","emoji😀":"👍🏽 家族 é ß ☎","control":"line\nbreak\ttab\r\u007f","empty":"","sep\u2028":"\u2029"},"push_credential_sid":"CRfedcba9876543210fedcba9876543210","endpoint_id":"alice-iphone:1"}]}"#,
    ),
    (
        "voice, outgoing without parameters",
        r#"{"identity":"bob","ttl":null,"nbf":null,"region":null,"grants":[{"type":"voice","outgoing_application_sid":"APfedcba9876543210fedcba9876543210"}]}"#,
    ),
    (
        "video, a room",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"video","room":"Daily Standup / Ünïcode"}]}"#,
    ),
    (
        "video, any room",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"video"}]}"#,
    ),
    (
        "chat, every field",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"chat","service_sid":"ISfedcba9876543210fedcba9876543210","endpoint_id":"MyApp:alice:iphone","deployment_role_sid":"RLfedcba9876543210fedcba9876543210","push_credential_sid":"CRfedcba9876543210fedcba9876543210"}]}"#,
    ),
    (
        "sync",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"sync","service_sid":"ISfedcba9876543210fedcba9876543210","endpoint_id":"MyApp:alice:iphone"}]}"#,
    ),
    (
        "task_router",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"task_router","workspace_sid":"WSfedcba9876543210fedcba9876543210","worker_sid":"WKfedcba9876543210fedcba9876543210","role":"supervisor"}]}"#,
    ),
    (
        "playback",
        r#"{"identity":"alice","ttl":null,"nbf":null,"region":null,"grants":[{"type":"player","grant":{"requestCredentials":null,"playbackUrl":"https://example.com/v1/x.m3u8?token=é","nested":{"list":[1,-2,true,"a/b"]}}}]}"#,
    ),
    (
        "every grant, a region, a TTL, a not-before time",
        r#"{"identity":"carol_3","ttl":86400,"nbf":1600000000,"region":"ie1","grants":[{"type":"task_router","workspace_sid":"WSfedcba9876543210fedcba9876543210","role":"worker"},{"type":"sync","service_sid":"ISfedcba9876543210fedcba9876543210"},{"type":"video","room":"RMfedcba9876543210fedcba9876543210"},{"type":"chat","service_sid":"ISfedcba9876543210fedcba9876543210"},{"type":"voice","incoming_allow":true,"outgoing_application_sid":"APfedcba9876543210fedcba9876543210","outgoing_application_params":{"a":"1"}},{"type":"player","grant":{}}]}"#,
    ),
    (
        "identity with e-mail, slash and Unicode",
        r#"{"identity":"josé/ünï+42@exämple.com 用户 😀","ttl":null,"nbf":null,"region":"au1","grants":[{"type":"chat","service_sid":"ISfedcba9876543210fedcba9876543210"}]}"#,
    ),
    (
        "identity 0",
        r#"{"identity":"0","ttl":null,"nbf":null,"region":null,"grants":[{"type":"video"}]}"#,
    ),
    (
        "identity only, the longest",
        r#"{"identity":"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH","ttl":null,"nbf":null,"region":null,"grants":[]}"#,
    ),
];

fn api_key() -> ApiKey {
    ApiKey::new(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET).expect("test key is valid")
}

fn access_inputs(text: &str) -> Json {
    Json::parse(text)
}

fn access_policy(text: &str) -> AccessPolicy {
    policy_from_inputs(&access_inputs(text)).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// An Access Token we signed, for the scripts to verify with `secret`.
struct AccessSigned {
    name: String,
    token: String,
    secret: &'static str,
    inputs: Option<&'static str>,
}

fn access_signed(now: u64) -> Vec<AccessSigned> {
    let key = api_key();
    let mut signed: Vec<AccessSigned> = ACCESS_CASES
        .iter()
        .map(|&(name, inputs)| AccessSigned {
            name: name.to_owned(),
            token: access_policy(inputs).sign_at(&key, now).into_string(),
            secret: API_KEY_SECRET,
            inputs: Some(inputs),
        })
        .collect();
    let control = access_policy(ACCESS_CASES[0].1);
    signed.push(AccessSigned {
        name: "control: wrong key".into(),
        token: control.sign_at(&key, now).into_string(),
        secret: WRONG_API_KEY_SECRET,
        inputs: None,
    });
    signed.push(AccessSigned {
        name: "control: expired".into(),
        token: control
            .sign_at(&key, now - control.ttl().as_secs() - 60)
            .into_string(),
        secret: API_KEY_SECRET,
        inputs: None,
    });
    signed
}

/// The `access` part of the scripts' request, as JSON text.
fn access_request(now: u64, signed: &[AccessSigned]) -> String {
    let verify: Vec<Value> = signed
        .iter()
        .map(|s| json!({"name": s.name, "token": s.token, "secret": s.secret}))
        .collect();
    let cases: Vec<String> = ACCESS_CASES
        .iter()
        .map(|&(name, inputs)| format!(r#"{{"name":{},"inputs":{inputs}}}"#, json!(name)))
        .collect();
    format!(
        r#"{{"account_sid":{},"api_key_sid":{},"secret":{},"now":{now},"verify":{},"generate":{{"at":{GENERATE_AT},"cases":[{}]}}}}"#,
        json!(ACCOUNT_SID),
        json!(API_KEY_SID),
        json!(API_KEY_SECRET),
        Value::Array(verify),
        cases.join(",")
    )
}

fn to_value(json: &Json) -> Value {
    serde_json::from_str(&json.to_text()).expect("valid JSON")
}

/// The header and payload an Access Token of `inputs` signed at `now` must have, written from
/// the wire format (the fields of each grant, emitted only when set), not by our library.
fn expected_access_claims(inputs: &Json, now: u64) -> Value {
    let mut header = json!({"typ": "JWT", "alg": "HS256", "cty": "twilio-fpa;v=1"});
    if let Some(region) = inputs["region"].as_str() {
        header["twr"] = json!(region);
    }
    let mut grants = Map::new();
    grants.insert("identity".into(), to_value(&inputs["identity"]));
    for g in inputs["grants"].as_array().expect("grants") {
        let copy = |fields: &[&str]| {
            let mut out = Map::new();
            for &field in fields {
                if let Some(value) = g.get(field) {
                    out.insert(field.into(), to_value(value));
                }
            }
            Value::Object(out)
        };
        let (key, value) = match g["type"].as_str().expect("type") {
            "voice" => {
                let mut voice = copy(&["push_credential_sid", "endpoint_id"]);
                if g["incoming_allow"] == Json::Bool(true) {
                    voice["incoming"] = json!({"allow": true});
                }
                if let Some(app) = g["outgoing_application_sid"].as_str() {
                    let mut outgoing = json!({"application_sid": app});
                    if let Some(params) = g.get("outgoing_application_params") {
                        if !params.as_object().expect("params").is_empty() {
                            outgoing["params"] = to_value(params);
                        }
                    }
                    voice["outgoing"] = outgoing;
                }
                ("voice", voice)
            }
            "video" => ("video", copy(&["room"])),
            "chat" => (
                "chat",
                copy(&[
                    "service_sid",
                    "endpoint_id",
                    "deployment_role_sid",
                    "push_credential_sid",
                ]),
            ),
            "sync" => ("data_sync", copy(&["service_sid", "endpoint_id"])),
            "task_router" => (
                "task_router",
                copy(&["workspace_sid", "worker_sid", "role"]),
            ),
            "player" => ("player", to_value(&g["grant"])),
            other => panic!("unknown grant {other}"),
        };
        grants.insert(key.into(), value);
    }
    let mut payload = json!({
        "jti": format!("{API_KEY_SID}-{now}"),
        "iss": API_KEY_SID,
        "sub": ACCOUNT_SID,
        "exp": now + inputs["ttl"].as_u64().unwrap_or(3600),
        "grants": grants,
    });
    if let Some(nbf) = inputs["nbf"].as_u64() {
        payload["nbf"] = json!(nbf);
    }
    json!({"header": header, "payload": payload})
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn official_libraries_accept_our_access_tokens_with_the_prescribed_claims() {
    let exchange = exchange();
    let mut problems = Vec::new();
    for signed in &exchange.access_signed {
        let Some(inputs) = signed.inputs else {
            continue;
        };
        let expected = expected_access_claims(&access_inputs(inputs), exchange.now);
        let py = entry(&exchange.python["access"], "verified", &signed.name);
        let js = entry(&exchange.node["access"], "verified", &signed.name);
        for (verifier, result) in [
            ("PyJWT", &py["pyjwt"]),
            ("twilio-python Jwt.from_jwt", &py["twilio"]),
            ("jsonwebtoken.verify", &js["jsonwebtoken"]),
        ] {
            if result["ok"] != true || result["claims"] != expected {
                problems.push(format!(
                    "{verifier} did not accept Access Token {:?} with the prescribed header and claims\n  token: {}\n  expected: {}\n  {verifier}: {}",
                    signed.name,
                    signed.token,
                    pretty(&expected),
                    pretty(result)
                ));
            }
        }
        // Our own verifier reads back the policy.
        let policy = access_policy(inputs);
        match api_key().verify_at(&signed.token, exchange.now) {
            Ok(v) if v.grants() == policy.grants() && v.identity() == Some(policy.identity()) => {}
            other => problems.push(format!("we do not read back {:?}: {other:?}", signed.name)),
        }
    }
    report(problems);
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn official_libraries_reject_a_wrong_key_and_an_expired_access_token() {
    let exchange = exchange();
    let mut problems = Vec::new();
    check_controls_refused(
        &exchange.python["access"],
        &exchange.node["access"],
        "Access Token ",
        &mut problems,
    );
    report(problems);
}

/// Checks the Access Tokens one official library generated: each verifies in our library at the
/// time it was generated to the case's identity, grants and region, and carries that time.
fn check_generated_access(
    library: &str,
    answer: &Value,
    check_times: impl Fn(&VerifiedAccessToken, &Json) -> Result<(), String>,
) {
    let key = api_key();
    let wrong = ApiKey::new(ACCOUNT_SID, API_KEY_SID, WRONG_API_KEY_SECRET).unwrap();
    let mut problems = Vec::new();
    let generated = answer["access"]["generated"]
        .as_array()
        .expect("a list of generated Access Tokens");
    assert_eq!(
        generated.len(),
        ACCESS_CASES.len(),
        "{library} answered every case"
    );
    for &(name, text) in ACCESS_CASES {
        let item = entry(&answer["access"], "generated", name);
        let token = item["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{library} gave no token for {name:?}: {item}"));
        let inputs = access_inputs(text);
        let policy = access_policy(text);
        let verified = match key.verify_at(token, GENERATE_AT) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!(
                    "we reject {library}'s Access Token for {name:?}: {e}\n  token: {token}"
                ));
                continue;
            }
        };
        if verified.grants() != policy.grants()
            || verified.identity() != Some(policy.identity())
            || verified.region() != policy.region()
            || !verified.grants().other_grants().is_empty()
        {
            problems.push(format!(
                "{library}'s Access Token for {name:?} reads other than our policy\n  token: {token}\n  read: {verified:?}\n  policy: {policy:?}"
            ));
        }
        if verified.expires_at() != GENERATE_AT + policy.ttl().as_secs() {
            problems.push(format!(
                "{library}'s Access Token for {name:?} expires at {}",
                verified.expires_at()
            ));
        }
        if let Err(e) = check_times(&verified, &inputs) {
            problems.push(format!("{library}'s Access Token for {name:?}: {e}"));
        }
        if key
            .verify_at(token, GENERATE_AT + policy.ttl().as_secs())
            .is_ok()
            || wrong.verify_at(token, GENERATE_AT).is_ok()
        {
            problems.push(format!(
                "we accept {library}'s Access Token for {name:?} expired or under another key"
            ));
        }
    }
    report(problems);
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn we_accept_the_access_tokens_of_twilio_python() {
    check_generated_access("twilio-python", &exchange().python, |v, inputs| {
        // twilio-python sets `nbf` to the time of generation unless given one.
        let nbf = inputs["nbf"].as_u64().unwrap_or(GENERATE_AT);
        match (v.not_before(), v.issued_at()) {
            (Some(n), None) if n == nbf => Ok(()),
            other => Err(format!(
                "expected nbf = {nbf} and no iat, got (nbf, iat) = {other:?}"
            )),
        }
    });
}

#[test]
#[ignore = "live interop (python3, node, npm): cargo test -p capability-tests --test interop -- --ignored"]
fn we_accept_the_access_tokens_of_twilio_node() {
    check_generated_access("twilio-node", &exchange().node, |v, inputs| {
        let nbf = inputs["nbf"].as_u64();
        match (v.not_before(), v.issued_at()) {
            (n, Some(GENERATE_AT)) if n == nbf => Ok(()),
            other => Err(format!(
                "expected nbf = {nbf:?} and iat = {GENERATE_AT}, got (nbf, iat) = {other:?}"
            )),
        }
    });
}
