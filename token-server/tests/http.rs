//! The token server over real HTTP: each test starts it on 127.0.0.1:0 and calls it with
//! hyper's client, then checks the status, the headers, the JSON and the tokens themselves.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use capability::{ApiKey, ClientName, Credentials, Identity};
use capability_token_server::{
    access_policy, app, run, serve, ApiError, ConfigError, Keys, StartError, DEMO_ACCOUNT_SID,
    DEMO_API_KEY, DEMO_API_SECRET, DEMO_AUTH_TOKEN, TWIML_APP,
};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tokio::net::TcpListener;

/// Runs a test on a runtime of its own, as `#[tokio::test]` would (the crate does without
/// tokio's macros: see `serve`).
fn block_on<F: std::future::Future>(test: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test)
}

/// A running server and what it signs with.
struct Server {
    addr: SocketAddr,
    keys: Arc<Keys>,
    client: Client<HttpConnector, Empty<Bytes>>,
}

/// A response, read whole.
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

impl Reply {
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The member names of the JSON object.
    fn keys(&self) -> BTreeSet<&str> {
        self.json
            .as_object()
            .expect("a JSON object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    fn str(&self, key: &str) -> &str {
        self.json[key]
            .as_str()
            .unwrap_or_else(|| panic!("`{key}` is a string in {}", self.json))
    }
}

fn demo_keys() -> Keys {
    Keys::from_vars(|_| Ok(None)).expect("the demo keys")
}

async fn start(keys: Keys) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let keys = Arc::new(keys);
    let router = app(keys.clone());
    tokio::spawn(serve(listener, router));
    Server {
        addr,
        keys,
        client: Client::builder(TokioExecutor::new()).build_http(),
    }
}

impl Server {
    /// Sends `method path` with these headers (raw bytes, so that tests can send any).
    async fn send(&self, method: Method, path: &str, headers: &[(&str, &[u8])]) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, HeaderValue::from_bytes(value).expect("header"));
        }
        let response = self
            .client
            .request(request.body(Empty::new()).expect("request"))
            .await
            .expect("a response");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("the body")
            .to_bytes();
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "the body is JSON ({e}): {:?}",
                String::from_utf8_lossy(&body)
            )
        });
        Reply {
            status,
            headers,
            json,
        }
    }

    async fn get(&self, path: &str, user: &[u8]) -> Reply {
        self.send(Method::GET, path, &[("x-user", user)]).await
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

/// A 200 with a JSON token and the headers every token response carries.
fn assert_token_reply(reply: &Reply, identity: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(reply.header(header::CONTENT_TYPE), Some("application/json"));
    assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
    assert_eq!(
        reply.keys(),
        BTreeSet::from(["identity", "token", "expires_at"])
    );
    assert_eq!(reply.str("identity"), identity);
}

/// A 4xx with `{"error": message}` and no token.
fn assert_error_reply(reply: &Reply, status: StatusCode, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.json);
    assert_eq!(reply.header(header::CONTENT_TYPE), Some("application/json"));
    assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
    assert_eq!(reply.keys(), BTreeSet::from(["error"]));
    assert_eq!(reply.str("error"), message);
}

#[test]
fn a_capability_token_for_the_caller_verifies_and_grants_their_name() {
    block_on(async {
        let server = start(demo_keys()).await;
        let before = now();
        let reply = server.get("/token/capability", b"alice").await;
        assert_token_reply(&reply, "alice");

        let verified = server
            .keys
            .credentials()
            .verify_at(reply.str("token"), now())
            .expect("the token verifies with the server's credentials");
        assert_eq!(verified.account_sid().as_str(), DEMO_ACCOUNT_SID);
        let grants = verified.grants();
        assert_eq!(grants.incoming().map(|n| n.as_str()), Some("alice"));
        let outgoing = grants.outgoing().expect("an outgoing grant");
        assert_eq!(outgoing.app_sid(), &TWIML_APP);
        assert_eq!(outgoing.client_name().map(|n| n.as_str()), Some("alice"));
        assert!(grants.events().is_none());

        let expires_at = reply.json["expires_at"].as_u64().expect("a number");
        assert_eq!(expires_at, verified.expires_at());
        assert!((before + 3600..=now() + 3600).contains(&expires_at));
    })
}

#[test]
fn an_access_token_for_the_caller_verifies_and_names_them() {
    block_on(async {
        let server = start(demo_keys()).await;
        let before = now();
        let reply = server.get("/token/access", b"bob_42").await;
        assert_token_reply(&reply, "bob_42");

        let verified = server
            .keys
            .api_key()
            .verify_at(reply.str("token"), now())
            .expect("the token verifies with the server's API key");
        assert_eq!(verified.account_sid().as_str(), DEMO_ACCOUNT_SID);
        assert_eq!(verified.api_key_sid().as_str(), DEMO_API_KEY);
        assert_eq!(verified.identity().map(|i| i.as_str()), Some("bob_42"));
        let policy = access_policy(Identity::new("bob_42").expect("identity")).expect("policy");
        assert_eq!(verified.grants(), policy.grants());

        let expires_at = reply.json["expires_at"].as_u64().expect("a number");
        assert_eq!(expires_at, verified.expires_at());
        assert!((before + 3600..=now() + 3600).contains(&expires_at));
    })
}

#[test]
fn tokens_are_signed_with_the_keys_of_the_environment() {
    block_on(async {
        let vars = |name: &'static str| {
            Ok(match name {
                "TWILIO_ACCOUNT_SID" => Some("ACfedcba9876543210fedcba9876543210".to_owned()),
                "TWILIO_AUTH_TOKEN" => Some("an auth token".to_owned()),
                "TWILIO_API_KEY" => Some("SKfedcba9876543210fedcba9876543210".to_owned()),
                "TWILIO_API_SECRET" => Some("an api secret".to_owned()),
                _ => None,
            })
        };
        let keys = Keys::from_vars(vars).expect("keys");
        assert_eq!(keys.sources().capability_demo, None);
        assert_eq!(keys.sources().access_demo, None);
        let server = start(keys).await;

        let capability = server.get("/token/capability", b"alice").await;
        assert_token_reply(&capability, "alice");
        let credentials =
            Credentials::new("ACfedcba9876543210fedcba9876543210", "an auth token").expect("creds");
        assert!(credentials
            .verify_at(capability.str("token"), now())
            .is_ok());
        let demo = Credentials::new(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN).expect("demo");
        assert!(demo.verify_at(capability.str("token"), now()).is_err());

        let access = server.get("/token/access", b"alice").await;
        assert_token_reply(&access, "alice");
        let key = ApiKey::new(
            "ACfedcba9876543210fedcba9876543210",
            "SKfedcba9876543210fedcba9876543210",
            "an api secret",
        )
        .expect("key");
        assert!(key.verify_at(access.str("token"), now()).is_ok());
        let demo = ApiKey::new(DEMO_ACCOUNT_SID, DEMO_API_KEY, DEMO_API_SECRET).expect("demo");
        assert!(demo.verify_at(access.str("token"), now()).is_err());
    })
}

#[test]
fn a_request_without_the_user_header_is_a_401_without_a_token() {
    block_on(async {
        let server = start(demo_keys()).await;
        for path in ["/token/capability", "/token/access"] {
            let reply = server.send(Method::GET, path, &[]).await;
            assert_error_reply(
                &reply,
                StatusCode::UNAUTHORIZED,
                "no X-User header; name the user the token is for, e.g. `X-User: alice`",
            );
            assert_eq!(reply.header(header::WWW_AUTHENTICATE), Some("X-User"));
        }
    })
}

#[test]
fn a_name_that_is_not_a_client_name_gets_the_runtimes_message() {
    block_on(async {
        let server = start(demo_keys()).await;
        let long = "a".repeat(122);
        for name in [
            "alice smith",
            "alice-smith",
            "",
            "jos\u{e9}",
            long.as_str(),
            "a\tb",
        ] {
            let reply = server.get("/token/capability", name.as_bytes()).await;
            let expected = ClientName::new(name).expect_err("not a client name");
            assert_error_reply(
                &reply,
                StatusCode::BAD_REQUEST,
                &format!("invalid X-User header: {expected}"),
            );
        }
        // The messages name the rule.
        let reply = server.get("/token/capability", b"alice-smith").await;
        assert_eq!(
        reply.str("error"),
        "invalid X-User header: character 6 (`-`) is not allowed in a client name; use letters, digits or `_`"
    );
        let reply = server.get("/token/capability", long.as_bytes()).await;
        assert!(reply.str("error").contains("122"), "{}", reply.json);
    })
}

#[test]
fn an_identity_the_access_token_refuses_gets_the_runtimes_message() {
    block_on(async {
        let server = start(demo_keys()).await;
        // Not an identity at all: empty, a control character, too long.
        for name in ["", "a\tb", &"a".repeat(257)] {
            let reply = server.get("/token/access", name.as_bytes()).await;
            let expected = Identity::new(name).expect_err("not an identity");
            assert_error_reply(
                &reply,
                StatusCode::BAD_REQUEST,
                &format!("invalid X-User header: {expected}"),
            );
        }
        // Identities, but the voice grant needs a client name.
        for name in ["alice@example.com", "jos\u{e9}", &"a".repeat(200)] {
            let reply = server.get("/token/access", name.as_bytes()).await;
            let identity = Identity::new(name).expect("an identity");
            let expected = access_policy(identity).expect_err("not for voice");
            assert!(matches!(
                expected,
                capability::Error::InvalidVoiceIdentity(_)
            ));
            assert_error_reply(
                &reply,
                StatusCode::BAD_REQUEST,
                &format!("invalid X-User header: {expected}"),
            );
        }
        let reply = server.get("/token/access", &[b'a'; 257]).await;
        assert_eq!(
        reply.str("error"),
        "invalid X-User header: an identity has at most 256 characters, this one has 257; shorten it"
    );
    })
}

#[test]
fn header_bytes_that_are_not_utf8_are_a_400() {
    block_on(async {
        let server = start(demo_keys()).await;
        for path in ["/token/capability", "/token/access"] {
            // Latin-1 `é` and a lone continuation byte: legal header bytes, not UTF-8.
            for bytes in [b"jos\xe9".as_slice(), b"al\x80ice".as_slice()] {
                let reply = server.get(path, bytes).await;
                assert_error_reply(
                    &reply,
                    StatusCode::BAD_REQUEST,
                    "the X-User header is not UTF-8 text; send the user's name as UTF-8",
                );
            }
        }
    })
}

#[test]
fn a_user_named_twice_is_a_400() {
    block_on(async {
        let server = start(demo_keys()).await;
        for path in ["/token/capability", "/token/access"] {
            let reply = server
                .send(
                    Method::GET,
                    path,
                    &[("x-user", b"alice"), ("X-User", b"mallory")],
                )
                .await;
            assert_error_reply(
                &reply,
                StatusCode::BAD_REQUEST,
                "more than one X-User header; send exactly one",
            );
        }
    })
}

#[test]
fn a_huge_header_is_refused_with_a_4xx_and_no_token() {
    block_on(async {
        let server = start(demo_keys()).await;
        // 64 KiB reaches the handler, which refuses it as too long.
        let big = vec![b'a'; 64 * 1024];
        let reply = server.get("/token/capability", &big).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.keys(), BTreeSet::from(["error"]));

        // 1 MiB is past hyper's header buffer (about 400 KiB): hyper answers 431 itself, empty, and
        // closes the connection, before any handler runs.
        for path in ["/token/capability", "/token/access"] {
            let huge = HeaderValue::from_bytes(&vec![b'a'; 1024 * 1024]).expect("header");
            let request = Request::get(format!("http://{}{path}", server.addr))
                .header("x-user", huge)
                .body(Empty::new())
                .expect("request");
            let response = server.client.request(request).await.expect("a response");
            assert_eq!(
                response.status(),
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            );
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            assert!(body.is_empty(), "{body:?}");
        }
    })
}

#[test]
fn other_paths_and_methods_get_json_errors() {
    block_on(async {
        let server = start(demo_keys()).await;
        let reply = server.get("/token", b"alice").await;
        assert_error_reply(
            &reply,
            StatusCode::NOT_FOUND,
            "no such endpoint; use GET /token/capability or GET /token/access",
        );
        for method in [Method::POST, Method::PUT, Method::DELETE] {
            let reply = server
                .send(method, "/token/capability", &[("x-user", b"alice")])
                .await;
            assert_error_reply(
                &reply,
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed; the token endpoints answer GET",
            );
            assert_eq!(reply.header(header::ALLOW), Some("GET,HEAD"));
        }
    })
}

#[test]
fn each_error_has_its_status() {
    assert_eq!(ApiError::MissingUser.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(ApiError::RepeatedUser.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ApiError::UserNotUtf8.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        ApiError::InvalidUser(capability::Error::EmptyPolicy).status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        ApiError::Signing(capability::Error::EmptyPolicy).status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

/// What `run` writes, shared with the test.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Output {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("lock").clone()).expect("UTF-8")
    }
}

#[test]
fn run_with_port_0_prints_its_url_and_labels_the_demo_keys() {
    block_on(async {
        let output = Output::default();
        let vars = |name: &'static str| Ok((name == "PORT").then(|| "0".to_owned()));
        let server = tokio::spawn(run(vars, output.clone()));

        let deadline = Instant::now() + Duration::from_secs(10);
        let url = loop {
            let text = output.text();
            if let Some(line) = text.lines().find(|l| l.contains("listening on")) {
                break line.rsplit(' ').next().expect("a URL").to_owned();
            }
            assert!(Instant::now() < deadline, "no URL printed: {text:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let text = output.text();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        assert!(!url.ends_with(":0"), "the port the system chose: {url}");
        assert!(
        text.contains("capability tokens: signed with DEMO keys that Twilio will not accept (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN unset)"),
        "{text}"
    );
        assert!(
        text.contains("Access Tokens: signed with DEMO keys that Twilio will not accept (TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET unset)"),
        "{text}"
    );
        assert!(!text.contains(DEMO_AUTH_TOKEN) && !text.contains(DEMO_API_SECRET));

        let client: Client<HttpConnector, Empty<Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let request = Request::get(format!("{url}/token/capability"))
            .header("x-user", "alice")
            .body(Empty::new())
            .expect("request");
        let response = client.request(request).await.expect("a response");
        assert_eq!(response.status(), StatusCode::OK);
        server.abort();
    })
}

#[test]
fn run_refuses_a_bad_port_a_taken_port_and_bad_keys() {
    block_on(async {
        let vars = |port: &'static str| {
            move |name: &'static str| Ok((name == "PORT").then(|| port.to_owned()))
        };
        for port in ["http", "65536", "-1"] {
            let err = run(vars(port), io::sink()).await.expect_err("a bad port");
            assert!(matches!(err, StartError::Config(ConfigError::Port { .. })));
            assert_eq!(
                err.to_string(),
                format!(
                    "PORT is `{port}`, not a port number; use 1 to 65535, or 0 for any free port"
                )
            );
        }

        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = taken.local_addr().expect("address").port().to_string();
        let port: &'static str = Box::leak(port.into_boxed_str());
        let err = run(vars(port), io::sink()).await.expect_err("a taken port");
        assert!(matches!(err, StartError::Bind { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")),
            "{err}"
        );

        // All the variables of a key set, one of them wrong: an error, never the demo keys. A secret
        // given in a SID's place is not repeated.
        let bad_key = |name: &'static str| {
            Ok(match name {
                "PORT" => Some("0".to_owned()),
                "TWILIO_ACCOUNT_SID" => Some("ACfedcba9876543210fedcba9876543210".to_owned()),
                "TWILIO_API_KEY" => Some("the api secret".to_owned()),
                "TWILIO_API_SECRET" => Some("SKfedcba9876543210fedcba9876543210".to_owned()),
                _ => None,
            })
        };
        let err = run(bad_key, io::sink()).await.expect_err("a bad key");
        let message = err.to_string();
        assert!(
            message.starts_with(
                "TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET do not make a key: "
            ),
            "{message}"
        );
        assert!(!message.contains("the api secret"), "{message}");

        let secret_as_sid = |name: &'static str| {
            Ok(match name {
                "TWILIO_ACCOUNT_SID" => Some("the auth token".to_owned()),
                "TWILIO_AUTH_TOKEN" => Some("ACfedcba9876543210fedcba9876543210".to_owned()),
                _ => None,
            })
        };
        let message = Keys::from_vars(secret_as_sid)
            .expect_err("swapped variables")
            .to_string();
        assert!(
            message.starts_with("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN do not make a key: "),
            "{message}"
        );
        assert!(!message.contains("the auth token"), "{message}");

        let empty_token = |name: &'static str| {
            Ok(match name {
                "TWILIO_ACCOUNT_SID" => Some("ACfedcba9876543210fedcba9876543210".to_owned()),
                "TWILIO_AUTH_TOKEN" => Some(String::new()),
                _ => None,
            })
        };
        let err = Keys::from_vars(empty_token).expect_err("an empty auth token");
        assert_eq!(
            err.to_string(),
            format!(
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN do not make a key: {}",
                capability::Error::EmptyAuthToken
            )
        );
    })
}

#[test]
fn keys_from_some_variables_say_which_are_missing() {
    let vars = |name: &'static str| {
        Ok(match name {
            "TWILIO_ACCOUNT_SID" => Some("ACfedcba9876543210fedcba9876543210".to_owned()),
            "TWILIO_AUTH_TOKEN" => Some("an auth token".to_owned()),
            "TWILIO_API_KEY" => Some("SKfedcba9876543210fedcba9876543210".to_owned()),
            _ => None,
        })
    };
    let keys = Keys::from_vars(vars).expect("keys");
    assert_eq!(keys.sources().capability_demo, None);
    assert_eq!(keys.sources().access_demo, Some(vec!["TWILIO_API_SECRET"]));
    assert_eq!(keys.api_key().account_sid().as_str(), DEMO_ACCOUNT_SID);
    assert_eq!(
        keys.sources().to_string(),
        "capability tokens: signed with the keys from the environment\n\
         Access Tokens: signed with DEMO keys that Twilio will not accept (TWILIO_API_SECRET unset)\n"
    );
    let debug = format!("{keys:?}");
    assert!(!debug.contains("an auth token"), "{debug}");
}
