//! The layer over a real HTTP server on 127.0.0.1:0: an axum app behind `TwilioWebhookLayer`,
//! spoken to in raw HTTP/1.1 so that any header and body can be sent.
//!
//! `signed_by_twilio_python` (ignored: it needs `capability-tests/interop/setup.sh`'s
//! twilio-python) sends requests signed by twilio-python's `RequestValidator`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Extension;
use axum::routing::post;
use axum::Router;
use capability_runtime::webhook::{
    body_sha256, Algorithm, AuthToken, FormParams, SharedKey, SignedWith, Validated, Validator,
};
use capability_tower::{PublicUrl, TwilioWebhookLayer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "12345";
const PUBLIC: &str = "https://mycompany.com";

/// A server whose `/myapp.php` echoes what reached it, and counts the calls.
struct Server {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
}

struct Reply {
    status: u16,
    body: String,
}

async fn start(public_url: PublicUrl, limit: usize) -> Server {
    let validator = Validator::new(AuthToken::new(TOKEN).unwrap())
        .with_secondary(AuthToken::new("old token").unwrap())
        .with_shared_key(SharedKey::new("k1", "shared secret").unwrap())
        .unwrap();
    let layer = TwilioWebhookLayer::new(validator, public_url).body_limit(limit);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let handler = move |Extension(validated): Extension<Validated>,
                        params: Option<Extension<FormParams>>,
                        body: Bytes| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let params: Vec<(String, String)> = params
                .map(|Extension(p)| p.iter().map(|(n, v)| (n.into(), v.into())).collect())
                .unwrap_or_default();
            serde_json::json!({
                "signed_with": format!("{:?}", validated.signed_with()),
                "params": params,
                "body": String::from_utf8_lossy(&body),
            })
            .to_string()
        }
    };
    let app = Router::new().route("/myapp.php", post(handler).layer(layer));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server { addr, calls }
}

impl Server {
    async fn send(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        // A body over the limit may be refused before it is all sent.
        let _ = stream.write_all(body).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_owned();
        Reply { status, body }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

fn form() -> &'static [u8] {
    b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const PATH: &str = "/myapp.php?foo=1&bar=2";
const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

#[tokio::test]
async fn a_signed_form_reaches_the_service_intact() {
    let server = start(PublicUrl::base(PUBLIC).unwrap(), 64 * 1024).await;
    let reply = server
        .send(PATH, &[FORM, ("X-Twilio-Signature", SIGNATURE)], form())
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["body"], std::str::from_utf8(form()).unwrap());
    assert_eq!(json["params"][4], serde_json::json!(["To", "+18005551212"]));
    assert_eq!(json["signed_with"], "AuthToken");
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn refusals_never_reach_the_service() {
    let server = start(PublicUrl::base(PUBLIC).unwrap(), 1024).await;
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<u8>, u16);
    let cases: Vec<Case> = vec![
        (vec![FORM], form().to_vec(), 403),
        (
            vec![FORM, ("X-Twilio-Signature", "kvajT1Ptam85bY51eRf/AJRuM3x=")],
            form().to_vec(),
            403,
        ),
        (
            vec![FORM, ("X-Twilio-Signature", "not base64")],
            form().to_vec(),
            403,
        ),
        (
            vec![
                FORM,
                ("X-Twilio-Signature", SIGNATURE),
                ("X-Twilio-Signature", SIGNATURE),
            ],
            form().to_vec(),
            403,
        ),
        (
            vec![FORM, ("X-Twilio-Signature", SIGNATURE)],
            [form(), b"&Extra=1"].concat(),
            403,
        ),
        (
            vec![FORM, ("X-Twilio-Signature", SIGNATURE)],
            b"To=%FF".to_vec(),
            403,
        ),
        (
            vec![FORM, ("X-Twilio-Signature", SIGNATURE)],
            b"To=%G1".to_vec(),
            403,
        ),
        (
            vec![FORM, ("X-Twilio-Signature", SIGNATURE)],
            vec![b'a'; 4096],
            413,
        ),
        (
            vec![
                FORM,
                ("X-Twilio-Signature", SIGNATURE),
                (
                    "X-Twilio-Webhooks-Signature-Settings",
                    "key=nope,algorithm=HMAC_SHA256",
                ),
            ],
            form().to_vec(),
            403,
        ),
        (
            vec![
                FORM,
                ("X-Twilio-Signature", SIGNATURE),
                ("X-Twilio-Webhooks-Signature-Settings", "garbage"),
            ],
            form().to_vec(),
            403,
        ),
        (
            vec![
                FORM,
                ("X-Twilio-Signature", SIGNATURE),
                ("X-Twilio-Webhooks-Signature-Settings", "key=k1"),
                ("X-Twilio-Webhooks-Signature-Settings", "key=k1"),
            ],
            form().to_vec(),
            403,
        ),
    ];
    for (headers, body, status) in cases {
        let reply = server.send(PATH, &headers, &body).await;
        assert_eq!(reply.status, status, "{headers:?}: {}", reply.body);
        assert!(!reply.body.contains(TOKEN) || reply.body.contains("validation failed"));
    }
    // Thousands of parameters, under a larger limit.
    let big = start(PublicUrl::base(PUBLIC).unwrap(), 1024 * 1024).await;
    let many = vec!["a=1"; 5000].join("&");
    let reply = big
        .send(
            PATH,
            &[FORM, ("X-Twilio-Signature", SIGNATURE)],
            many.as_bytes(),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(server.calls() + big.calls(), 0);
}

#[tokio::test]
async fn the_url_is_the_public_one_not_the_servers() {
    // The request arrives as http://127.0.0.1:port/myapp.php?...; Twilio signed the public URL.
    let server = start(
        PublicUrl::base("https://mycompany.com/").unwrap(),
        64 * 1024,
    )
    .await;
    assert_eq!(
        server
            .send(PATH, &[FORM, ("X-Twilio-Signature", SIGNATURE)], form())
            .await
            .status,
        200
    );
    // Another path or query is another URL.
    assert_eq!(
        server
            .send(
                "/myapp.php?foo=1&bar=3",
                &[FORM, ("X-Twilio-Signature", SIGNATURE)],
                form()
            )
            .await
            .status,
        403
    );
    let wrong_base = start(PublicUrl::base("http://mycompany.com").unwrap(), 64 * 1024).await;
    assert_eq!(
        wrong_base
            .send(PATH, &[FORM, ("X-Twilio-Signature", SIGNATURE)], form())
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn a_trusted_proxy_names_the_url() {
    let server = start(PublicUrl::trusted_proxy(), 64 * 1024).await;
    let proxied = [
        FORM,
        ("X-Twilio-Signature", SIGNATURE),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "mycompany.com"),
    ];
    assert_eq!(server.send(PATH, &proxied, form()).await.status, 200);
    // The first of a list (the proxy nearest the client appends).
    let chained = [
        FORM,
        ("X-Twilio-Signature", SIGNATURE),
        ("X-Forwarded-Proto", "https, http"),
        ("X-Forwarded-Host", "mycompany.com, internal"),
    ];
    assert_eq!(server.send(PATH, &chained, form()).await.status, 200);
    // Without the headers, the URL cannot be known: refused, never guessed from Host.
    assert_eq!(
        server
            .send(PATH, &[FORM, ("X-Twilio-Signature", SIGNATURE)], form())
            .await
            .status,
        403
    );
    let http = [
        FORM,
        ("X-Twilio-Signature", SIGNATURE),
        ("X-Forwarded-Proto", "http"),
        ("X-Forwarded-Host", "mycompany.com"),
    ];
    assert_eq!(server.send(PATH, &http, form()).await.status, 403);
    let hostile = [
        FORM,
        ("X-Twilio-Signature", SIGNATURE),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "evil.example/x?"),
    ];
    assert_eq!(server.send(PATH, &hostile, form()).await.status, 403);
    assert_eq!(server.calls(), 2);
}

#[tokio::test]
async fn json_bodies_and_shared_keys() {
    let server = start(PublicUrl::base(PUBLIC).unwrap(), 64 * 1024).await;
    let body = br#"{"CallSid":"CA123","To":"+15551234567"}"#;
    let path = format!("/myapp.php?bodySHA256={}", body_sha256(body));
    let key = SharedKey::new("k1", "shared secret").unwrap();
    let url = format!("{PUBLIC}{path}");
    let signature = key
        .sign(Algorithm::HmacSha256, &url, &FormParams::new())
        .unwrap();
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Twilio-Signature", signature.as_str()),
        (
            "X-Twilio-Webhooks-Signature-Settings",
            "key=k1,algorithm=HMAC_SHA256",
        ),
    ];
    let reply = server.send(&path, &headers, body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["body"], std::str::from_utf8(body).unwrap());
    assert_eq!(
        json["signed_with"],
        format!("{:?}", SignedWith::SharedKey("k1".into()))
    );
    // The same signature, another body: refused for the body hash.
    assert_eq!(
        server
            .send(&path, &headers, br#"{"CallSid":"CA124"}"#)
            .await
            .status,
        403
    );
    // Rotation: the secondary auth token.
    let old = AuthToken::new("old token").unwrap();
    let params = FormParams::from_form(form()).unwrap();
    let sig = old.sign(&format!("{PUBLIC}{PATH}"), &params).unwrap();
    let reply = server
        .send(PATH, &[FORM, ("X-Twilio-Signature", sig.as_str())], form())
        .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("SecondaryAuthToken"), "{}", reply.body);
    assert_eq!(server.calls(), 2);
}

/// Requests signed by twilio-python (`compute_signature`), sent over loopback.
#[tokio::test]
#[ignore = "needs twilio-python from capability-tests/interop/setup.sh"]
async fn signed_by_twilio_python() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let setup = std::process::Command::new("bash")
        .arg(format!("{root}/capability-tests/interop/setup.sh"))
        .status()
        .expect("bash runs setup.sh");
    assert!(
        setup.success(),
        "capability-tests/interop/setup.sh failed (its output is above)"
    );
    let python = std::env::var("CAPABILITY_INTEROP_DIR")
        .unwrap_or_else(|_| format!("{root}/target/interop"))
        + "/venv/bin/python";
    let server = start(PublicUrl::base(PUBLIC).unwrap(), 64 * 1024).await;
    // Forms with repeats, Unicode and reserved characters, on several paths and queries.
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            PATH.into(),
            vec![("To", "+18005551212"), ("From", "client:alice")],
        ),
        (
            "/myapp.php".into(),
            vec![
                ("Digits", "2"),
                ("Digits", "1"),
                ("Digits", "2"),
                ("Body", "café ✓ 😀 & = + %"),
            ],
        ),
        (
            "/myapp.php?a=%27quoted%27&b=".into(),
            vec![("CallSid", "CA1"), ("Empty", "")],
        ),
    ];
    for (path, pairs) in cases {
        let url = format!("{PUBLIC}{path}");
        let script = "import json, sys\nfrom twilio.request_validator import RequestValidator\n\
                      class Multi(dict):\n    def getlist(self, name):\n        return self[name]\n\
                      req = json.load(sys.stdin)\nparams = Multi()\n\
                      for n, v in req['pairs']:\n    params.setdefault(n, []).append(v)\n\
                      print(RequestValidator(req['token']).compute_signature(req['url'], params))\n";
        let input = serde_json::json!({"token": TOKEN, "url": url, "pairs": pairs}).to_string();
        let mut child = std::process::Command::new(&python)
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python runs");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let signature = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let body: String = form_urlencode(&pairs);
        let reply = server
            .send(
                &path,
                &[FORM, ("X-Twilio-Signature", &signature)],
                body.as_bytes(),
            )
            .await;
        assert_eq!(reply.status, 200, "{path} {pairs:?}: {}", reply.body);
        // And a tampered one is refused.
        let reply = server
            .send(
                &path,
                &[FORM, ("X-Twilio-Signature", &signature)],
                format!("{body}&x=1").as_bytes(),
            )
            .await;
        assert_eq!(reply.status, 403);
    }
}

fn form_urlencode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A chunked body (no `Content-Length`) over the limit is cut off as it streams: `413`.
#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused() {
    let server = start(PublicUrl::base(PUBLIC).unwrap(), 1024).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let chunk = vec![b'a'; 2048];
    let mut request = format!(
        "POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: {SIGNATURE}\r\n\r\n{:x}\r\n",
        chunk.len()
    )
    .into_bytes();
    request.extend_from_slice(&chunk);
    request.extend_from_slice(b"\r\n0\r\n\r\n");
    let _ = stream.write_all(&request).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert_eq!(server.calls(), 0);
}

/// Without HTTP: a refusal carries the `WebhookError` as a response extension, and the inner
/// service is not called.
#[tokio::test]
async fn a_refusal_carries_its_error() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use capability_runtime::webhook::WebhookError;
    use tower_layer::Layer as _;
    use tower_service::Service as _;

    #[derive(Clone)]
    struct Inner(Arc<AtomicUsize>);
    impl tower_service::Service<axum::http::Request<axum::body::Body>> for Inner {
        type Response = axum::http::Response<axum::body::Body>;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, _: axum::http::Request<axum::body::Body>) -> Self::Future {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(axum::http::Response::new(axum::body::Body::empty())) })
        }
    }

    let calls = Arc::new(AtomicUsize::new(0));
    let layer = TwilioWebhookLayer::new(
        Validator::new(AuthToken::new(TOKEN).unwrap()),
        PublicUrl::base(PUBLIC).unwrap(),
    );
    let mut service = layer.layer(Inner(Arc::clone(&calls)));
    let request = axum::http::Request::post(PATH)
        .header("X-Twilio-Signature", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")
        .body(axum::body::Body::from(form()))
        .unwrap();
    let response = service.call(request).await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.extensions().get::<WebhookError>(),
        Some(&WebhookError::Mismatch)
    );
    let request = axum::http::Request::post(PATH)
        .header("X-Twilio-Signature", SIGNATURE)
        .body(axum::body::Body::from(form()))
        .unwrap();
    assert_eq!(service.call(request).await.unwrap().status(), 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// A body that fails as it is read (the client went away): `400`, the service not called.
#[tokio::test]
async fn an_unreadable_body_is_a_bad_request() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use axum::body::Bytes;
    use tower_layer::Layer as _;
    use tower_service::Service as _;

    struct Failing;
    impl http_body::Body for Failing {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(Some(Err(std::io::Error::other("connection reset"))))
        }
    }
    impl From<Bytes> for Failing {
        fn from(_: Bytes) -> Self {
            Failing
        }
    }

    #[derive(Clone)]
    struct Inner(Arc<AtomicUsize>);
    impl tower_service::Service<axum::http::Request<Failing>> for Inner {
        type Response = axum::http::Response<axum::body::Body>;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, _: axum::http::Request<Failing>) -> Self::Future {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(axum::http::Response::new(axum::body::Body::empty())) })
        }
    }

    let calls = Arc::new(AtomicUsize::new(0));
    let layer = TwilioWebhookLayer::new(
        Validator::new(AuthToken::new(TOKEN).unwrap()),
        PublicUrl::base(PUBLIC).unwrap(),
    );
    let mut service = layer.layer(Inner(Arc::clone(&calls)));
    let request = axum::http::Request::post(PATH)
        .header("X-Twilio-Signature", SIGNATURE)
        .body(Failing)
        .unwrap();
    assert_eq!(service.call(request).await.unwrap().status(), 400);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
