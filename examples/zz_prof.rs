use capability::{AccessPolicy, ApiKey, AppSid, Identity, VoiceGrant};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::hint::black_box;
use std::time::{Duration, Instant};
fn main() {
    let key = ApiKey::new(
        "AC0123456789abcdef0123456789abcdef",
        "SK0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let policy = AccessPolicy::builder()
        .identity(Identity::new("Alice").unwrap())
        .voice(VoiceGrant::new().incoming().outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar")],
        ))
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap();
    let token = policy.sign_at(&key, 1_700_000_000);
    let input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
    let floor = Hmac::<Sha256>::new_from_slice(b"0123456789abcdef0123456789abcdef").unwrap();
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode == "ratio" {
        let mut ratios = vec![];
        let mut sv = vec![];
        let mut fv = vec![];
        for round in 0..3000 {
            let mut t = [0f64; 3];
            for k in 0..3 {
                let c = (round + k) % 3;
                let s = Instant::now();
                for _ in 0..40 {
                    match c {
                        0 => {
                            black_box(
                                key.verify_at(black_box(token.as_str()), 1_700_000_001)
                                    .unwrap(),
                            );
                        }
                        1 => {
                            let mut m = floor.clone();
                            m.update(black_box(input.as_bytes()));
                            black_box(m.finalize().into_bytes());
                        }
                        _ => {
                            black_box(policy.sign_at(&key, black_box(1_700_000_000)));
                        }
                    }
                }
                t[c] = s.elapsed().as_nanos() as f64 / 40.0;
            }
            ratios.push(t[0] / t[1]);
            sv.push(t[2] / t[1]);
            fv.push(t[1]);
        }
        for v in [&mut ratios, &mut sv, &mut fv] {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "verify/floor {:.2}  sign/floor {:.2}  floor {:.0} ns",
            ratios[1500], sv[1500], fv[1500]
        );
        return;
    }
    let t = Instant::now();
    let n = 3_000_000;
    for i in 0..n {
        if mode == "sign" {
            black_box(policy.sign_at(&key, 1_700_000_000 + (i & 1)));
        } else {
            black_box(
                key.verify_at(black_box(token.as_str()), 1_700_000_001)
                    .unwrap(),
            );
        }
    }
    println!("{:?}/iter", t.elapsed() / n as u32);
}
