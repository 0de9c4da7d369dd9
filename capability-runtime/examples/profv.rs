use capability_runtime::*;
fn main() {
    let creds = Credentials::new(
        "AC0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let app = AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap();
    let shape = std::env::var("SHAPE").unwrap_or_default();
    let mut b = Policy::builder();
    if shape.contains('i') {
        b = b.incoming(ClientName::new("alice").unwrap());
    }
    if shape.contains('o') {
        b = b.outgoing(app, [("Foo", "Bar")]);
    }
    if shape.contains('n') {
        b = b.outgoing(app, Vec::<(String, String)>::new());
    }
    if shape.contains('x') {
        b = b.events(Vec::<(String, String)>::new());
    }
    let policy = b.ttl(std::time::Duration::from_secs(600)).build().unwrap();
    let token = policy.sign_at(&creds, 1_700_000_000);
    let iters: usize = std::env::var("N")
        .ok()
        .map_or(200000, |v| v.parse().unwrap());
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let _ = std::hint::black_box(
            creds.verify_at(std::hint::black_box(token.as_str()), 1_700_000_001),
        );
    }
    let v = t.elapsed() / iters as u32;
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit, Mac};
    let keyed = Hmac::<sha2::Sha256>::new_from_slice(b"0123456789abcdef0123456789abcdef").unwrap();
    let signed = &token.as_str()[..token.as_str().rfind('.').unwrap()];
    let t = std::time::Instant::now();
    for _ in 0..(if std::env::var("NOFLOOR").is_ok() {
        0
    } else {
        iters
    }) {
        let mut m = keyed.clone();
        m.update(std::hint::black_box(signed.as_bytes()));
        let tag = m.finalize().into_bytes();
        std::hint::black_box(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag));
    }
    let f = t.elapsed() / iters as u32;
    eprintln!(
        "{shape} {} verify {v:?} floor {f:?} ratio {:.2}",
        token.as_str().len(),
        v.as_secs_f64() / f.as_secs_f64()
    );
    eprintln!(
        "{shape} {} {:?} per call",
        token.as_str().len(),
        t.elapsed() / iters as u32
    );
}
