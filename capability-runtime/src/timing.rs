// TEMPORARY timing harness, not committed.
#![allow(warnings)]
use crate::error::TokenPart;
use crate::jwt::{self, Decoded, Header};
use crate::*;
use std::hint::black_box as bb;
use std::time::{Duration, Instant};

fn time(name: &str, n: u32, mut f: impl FnMut()) {
    for _ in 0..n / 10 {
        f();
    }
    let mut best = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    println!("{name:30} {best:8.1} ns");
}

#[test]
#[ignore]
fn stages() {
    let creds = Credentials::new(
        "AC0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let key = ApiKey::new(
        "AC0123456789abcdef0123456789abcdef",
        "SK0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let now = 1_700_000_001;
    let card = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar")],
        )
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap()
        .sign_at(&creds, now - 1)
        .into_string();
    let params: Vec<(String, String)> = (1..=50)
        .map(|i| (format!("Param{i:02}"), format!("value {i:02}")))
        .collect();
    let fifty = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            params,
        )
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap()
        .sign_at(&creds, now - 1)
        .into_string();
    let access = AccessPolicy::builder()
        .identity(Identity::new("Alice").unwrap())
        .voice(VoiceGrant::new().incoming().outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar")],
        ))
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap()
        .sign_at(&key, now - 1)
        .into_string();
    let n = 200_000;
    for (name, tok) in [("card", &card), ("fifty", &fifty)] {
        let seg = jwt::split(tok).unwrap();
        let mut buf: Decoded = Decoded::default();
        let payload = buf
            .text(seg.payload, TokenPart::Payload)
            .unwrap()
            .to_owned();
        let mut claims = crate::capability::read_payload(&payload).unwrap();
        let scope = claims.scope().unwrap().into_owned();
        time(&format!("{name} verify_at"), n, || {
            bb(creds.verify_at(bb(tok), now).unwrap());
        });
        time(&format!("{name} split"), n, || {
            bb(jwt::split(bb(tok)).unwrap());
        });
        time(&format!("{name} header"), n, || {
            bb(Header::read(bb(seg.header), &mut Decoded::default()).unwrap());
        });
        time(&format!("{name} check_signature"), n, || {
            bb(jwt::check_signature(&seg, bb(&creds).verifying_keys(), |k, i| k.tag(i)).unwrap());
        });
        time(&format!("{name} decoded text"), n, || {
            let mut b: Decoded = Decoded::default();
            bb(b.text(bb(seg.payload), TokenPart::Payload).unwrap().len());
        });
        time(&format!("{name} read_payload"), n, || {
            bb(crate::capability::read_payload(bb(&payload)).unwrap());
        });
        time(&format!("{name} scope decode"), n, || {
            bb(crate::capability::scope::decode(bb(&scope)).unwrap());
        });
    }
    let seg = jwt::split(&access).unwrap();
    let mut buf: Decoded = Decoded::default();
    let payload = buf
        .text(seg.payload, TokenPart::Payload)
        .unwrap()
        .to_owned();
    time("access verify_at", n, || {
        bb(key.verify_at(bb(&access), now).unwrap());
    });
    time("access check_signature", n, || {
        bb(jwt::check_signature(&seg, bb(&key).verifying_keys(), ApiKey::tag_of).unwrap());
    });
    time("access decoded text", n, || {
        let mut b: Decoded = Decoded::default();
        bb(b.text(bb(seg.payload), TokenPart::Payload).unwrap().len());
    });
    time("access read_claims", n, || {
        bb(crate::access::read_claims(bb(&payload)).unwrap());
    });
}

#[test]
#[ignore]
fn scope_parts() {
    use crate::capability::scope::decode as d;
    let n = 500_000;
    time("decode incoming uri", n, || {
        bb(crate::capability::scope::decode(bb("scope:client:incoming?clientName=Alice")).unwrap());
    });
    time("decode outgoing uri", n, || {
        bb(crate::capability::scope::decode(bb("scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice")).unwrap());
    });
    time("incoming(query)", n, || {
        bb(d::incoming(bb("clientName=Alice")).unwrap());
    });
    time("outgoing(query)", n, || {
        bb(d::outgoing(bb(
            "appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice",
        ))
        .unwrap());
    });
    time("ClientName::new", n, || {
        bb(ClientName::new(bb("Alice")).unwrap());
    });
    time("AppSid::new", n, || {
        bb(AppSid::new(bb("AP0123456789abcdef0123456789abcdef")).unwrap());
    });
    time("inner_params Foo", n, || {
        bb(d::inner_params(bb("Foo%3DBar")).unwrap());
    });
    time("form_decode clean", n, || {
        bb(d::form_decode(bb("clientName")).unwrap());
    });
    time("String alloc 5", n, || {
        bb(String::from(bb("Alice")));
    });
    let params: Vec<String> = (1..=50)
        .map(|i| format!("Param{i:02}%3Dvalue%2B{i:02}"))
        .collect();
    let params = params.join("%26");
    time("inner_params 50", 100_000, || {
        bb(d::inner_params(bb(&params)).unwrap());
    });
}
