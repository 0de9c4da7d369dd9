use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability_runtime::inspect_at;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

fn main() {
    let secret = "0123456789abcdef0123456789abcdef";
    let n: usize = std::env::var("P").ok().map_or(1500, |v| v.parse().unwrap());
    let shape = std::env::var("SHAPE").unwrap_or_default();
    let extra = match shape.as_str() {
        "ints" => format!(
            r#","x":[{}0]"#,
            (0..n)
                .map(|i| format!("{},", 1_000_000 + i))
                .collect::<String>()
        ),
        "rints" => {
            let mut x: u64 = 12345;
            format!(
                r#","x":[{}0]"#,
                (0..n)
                    .map(|_| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let len = 1 + (x >> 60) as usize % 8;
                        format!("{},", &"98765432"[..len])
                    })
                    .collect::<String>()
            )
        }
        "rfloats" => {
            let mut x: u64 = 12345;
            let mut r = |k: usize| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                1 + (x >> 60) as usize % k
            };
            format!(
                r#","x":[{}0]"#,
                (0..n)
                    .map(|_| {
                        let (a, b, c) = (r(4), r(3), r(2));
                        format!("{}.{}e-{},", &"9876"[..a], &"123"[..b], &"12"[..c])
                    })
                    .collect::<String>()
            )
        }
        "ones" => format!(r#","x":[{}0]"#, "1,".repeat(n)),
        "strs" => format!(r#","x":[{}0]"#, "\"\",".repeat(n)),
        "arrs" => format!(r#","x":[{}0]"#, "[],".repeat(n)),
        "objs" => format!(r#","x":[{}0]"#, "{},".repeat(n)),
        "trues" => format!(r#","x":[{}0]"#, "true,".repeat(n)),
        "nl" => format!(r#","x":"{}""#, "\\n".repeat(n)),
        "bs" => format!(r#","x":"{}""#, "\\\\".repeat(n)),
        "mixed" => format!(r#","x":"{}""#, "a\\n".repeat(n)),
        "objs31" => format!(
            r#","x":[{}0]"#,
            (0..n)
                .map(|_| format!(
                    "{{{}}},",
                    (0..31)
                        .map(|k| format!(r#""k{k}":0"#))
                        .collect::<Vec<_>>()
                        .join(",")
                ))
                .collect::<String>()
        ),
        "floats" => format!(
            r#","x":[{}0]"#,
            (0..n).map(|i| format!("{i}.5e-3,")).collect::<String>()
        ),
        "keys" => {
            let keys: Vec<String> = (0..32)
                .map(|i| format!(r#""{}{:02}":0"#, r"\u0061".repeat(n / 32), i))
                .collect();
            format!(r#","x":{{{}}}"#, keys.join(","))
        }
        "ident" | "identmixed" | "identnl" => String::new(),
        _ => format!(r#","x":"{}""#, "v".repeat(n * 8)),
    };
    let identity = match shape.as_str() {
        "ident" => r"\u0061".repeat(n),
        "identmixed" => r"a\n".repeat(n),
        "identnl" => r"\n".repeat(n),
        _ => "alice".into(),
    };
    let claims = format!(
        r#"{{"jti":"SK0123456789abcdef0123456789abcdef-1700000000","iss":"SK0123456789abcdef0123456789abcdef","sub":"AC0123456789abcdef0123456789abcdef","exp":1700003600,"grants":{{"identity":"{identity}","voice":{{"incoming":{{"allow":true}}}}}}{extra}}}"#
    );
    let header = r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#;
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(&claims)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let token = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    let iters: usize = std::env::var("N").ok().map_or(200, |v| v.parse().unwrap());
    let r = inspect_at(&token, 1700000001);
    eprintln!(
        "len {} ok {}",
        token.len(),
        r.as_ref().map(|i| i.problems().is_empty()).unwrap_or(false)
    );
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let _ = std::hint::black_box(inspect_at(std::hint::black_box(&token), 1700000001));
    }
    eprintln!("{:?} per call", t.elapsed() / iters as u32);
}
