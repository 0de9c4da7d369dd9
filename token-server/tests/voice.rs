//! `POST /voice` (feature `voice`) over loopback: TwiML for numbers, client names and the rest,
//! written escaped; `403` for a missing or wrong signature; `405` for another method.
#![cfg(feature = "voice")]

use std::net::SocketAddr;

use capability::webhook::{AuthToken, FormParams, Validator};
use capability_token_server::{serve, voice_router, Twiml, VoiceConfig};
use capability_tower::PublicUrl;
use std::io::{Read, Write};
use std::net::TcpStream;

use tokio::net::TcpListener;

const TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PUBLIC: &str = "https://abc.ngrok.app";

/// A server on its own runtime (kept alive by the returned handle); the tests talk to it with
/// blocking std I/O from the test's thread.
fn start(caller_id: Option<&str>) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let addr = runtime.block_on(listen(caller_id));
    (runtime, addr)
}

async fn listen(caller_id: Option<&str>) -> SocketAddr {
    let config = VoiceConfig::new(
        Validator::new(AuthToken::new(TOKEN).unwrap()),
        PublicUrl::base(PUBLIC).unwrap(),
        caller_id.map(str::to_owned),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, voice_router(config)));
    addr
}

/// Sends a request; the status, the Content-Type and the body.
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    signature: Option<&str>,
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(signature) = signature {
        head.push_str(&format!("X-Twilio-Signature: {signature}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}

/// A form signed as Twilio signs it for `PUBLIC` + `path`.
fn signed(path: &str, pairs: &[(&str, &str)]) -> (String, String) {
    let params = FormParams::from_pairs(pairs.iter().copied()).unwrap();
    let signature = AuthToken::new(TOKEN)
        .unwrap()
        .sign(&format!("{PUBLIC}{path}"), &params)
        .unwrap();
    let body = pairs
        .iter()
        .map(|(n, v)| {
            format!(
                "{n}={}",
                v.replace('%', "%25")
                    .replace('+', "%2B")
                    .replace('&', "%26")
                    .replace('<', "%3C")
                    .replace(' ', "+")
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    (signature, body)
}

const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

#[test]
fn dials_a_number_with_the_caller_id() {
    let (_runtime, addr) = start(Some("+15550001111"));
    let (sig, body) = signed(
        "/voice",
        &[
            ("To", "+15551234567"),
            ("From", "client:alice"),
            ("CallSid", "CA1"),
        ],
    );
    let (status, content_type, xml) = send(addr, "POST", "/voice", Some(&sig), &body);
    assert_eq!((status, content_type.as_str()), (200, "text/xml"), "{xml}");
    assert_eq!(
        xml,
        format!(
            r#"{DECL}<Response><Dial callerId="+15550001111"><Number>+15551234567</Number></Dial></Response>"#
        )
    );
}

#[test]
fn dials_a_client_and_says_otherwise() {
    let (_runtime, addr) = start(None);
    let (sig, body) = signed("/voice?from=app", &[("To", "alice")]);
    let (status, _, xml) = send(addr, "POST", "/voice?from=app", Some(&sig), &body);
    assert_eq!(status, 200, "{xml}");
    assert_eq!(
        xml,
        format!("{DECL}<Response><Dial><Client>alice</Client></Dial></Response>")
    );
    for to in ["+0123", "+1234567890123456", "<Play>x</Play>", ""] {
        let (sig, body) = signed("/voice", &[("To", to)]);
        let (status, _, xml) = send(addr, "POST", "/voice", Some(&sig), &body);
        assert_eq!(status, 200);
        assert!(
            xml.starts_with(&format!("{DECL}<Response><Say>")),
            "{to}: {xml}"
        );
        assert!(!xml.contains("<Play>"), "{xml}");
    }
    // No To at all.
    let (sig, body) = signed("/voice", &[("From", "client:alice")]);
    let (_, _, xml) = send(addr, "POST", "/voice", Some(&sig), &body);
    assert!(xml.contains("<Say>"), "{xml}");
}

#[test]
fn refuses_unsigned_requests_and_other_methods() {
    let (_runtime, addr) = start(None);
    let (sig, body) = signed("/voice", &[("To", "+15551234567")]);
    assert_eq!(send(addr, "POST", "/voice", None, &body).0, 403);
    let tampered = body.replace("4567", "4568");
    assert_eq!(send(addr, "POST", "/voice", Some(&sig), &tampered).0, 403);
    // Signed for another path.
    assert_eq!(send(addr, "POST", "/voice?x=1", Some(&sig), &body).0, 403);
    assert_eq!(send(addr, "GET", "/voice", Some(&sig), "").0, 405);
}

#[test]
fn xml_is_escaped_by_the_writer() {
    let params = FormParams::from_pairs([("To", "+15551234567")]).unwrap();
    let xml = Twiml::for_params(&params)
        .to_xml(Some("\"><Hangup/><x a=\"&"))
        .unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains(r#"callerId="&quot;&gt;&lt;Hangup/&gt;&lt;x a=&quot;&amp;""#),
        "{xml}"
    );
    assert!(!xml.contains("<Hangup/>"));
}
