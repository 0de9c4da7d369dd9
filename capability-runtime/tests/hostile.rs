//! Hostile input: what the verifier rejects, with which error, and what a policy grants when its
//! parameters are crafted to look like more.
//!
//! Most tokens here are crafted by hand and SIGNED WITH THE RIGHT KEY, so each test proves the
//! check that comes after the signature (a forged signature would stop every one of them at
//! `BadSignature` and prove nothing). `valid_hand_made_tokens_verify` shows the crafting itself
//! produces tokens the verifier accepts.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::{b64, sign_json, sign_segments, ACCOUNT, SECRET};

use capability_runtime::{
    inspect_at, AccountSid, ApiKey, AppSid, ClientName, ClientNameError, Credentials, Error,
    Malformed, Policy, Problem, SidProblem, TokenKind, TokenPart, VerifiedToken, MAX_EXP,
    MAX_OTHER_MEMBERS, MAX_OTHER_SCOPES, MAX_TOKEN_LEN, MAX_VALUES,
};

const APP: &str = "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const NOW: u64 = 1_700_000_000;
const EXP: u64 = NOW + 3600;
/// twilio-php's header, and one the verifier has to parse (not one of the two it knows by heart).
const PHP_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;
const PARSED_HEADER: &str = r#"{"alg":"HS256","kid":"k1"}"#;
const ALICE: &str = "scope:client:incoming?clientName=Alice";

/// `s` as a JSON string literal, quotes included.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn creds() -> Credentials {
    Credentials::new(ACCOUNT, SECRET).unwrap()
}

/// A payload granting `incoming` as Alice, with the given JSON text as the value of `exp`.
fn payload_with_exp(exp: &str) -> String {
    format!(r#"{{"scope":"{ALICE}","iss":"{ACCOUNT}","exp":{exp}}}"#)
}

fn payload() -> String {
    payload_with_exp(&EXP.to_string())
}

fn verify(token: &str) -> Result<VerifiedToken, Error> {
    creds().verify_at(token, NOW)
}

fn err(token: &str) -> Error {
    verify(token).expect_err("the token must be rejected")
}

#[test]
fn valid_hand_made_tokens_verify() {
    for header in [
        PHP_HEADER,
        PARSED_HEADER,
        r#"{"alg":"HS256"}"#,
        r#"{"alg":"H\u0053256"}"#,
    ] {
        let verified = verify(&sign_json(header, &payload())).unwrap();
        assert_eq!(verified.grants().incoming().unwrap(), "Alice");
        assert_eq!(verified.expires_at(), EXP);
        assert_eq!(verified.account_sid().as_str(), ACCOUNT);
    }
    // The same bytes twilio-php writes.
    let policy = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .build()
        .unwrap();
    assert_eq!(
        policy.sign_at(&creds(), NOW).as_str(),
        sign_json(PHP_HEADER, &payload())
    );
    // JSON allows whitespace around values; it is not trailing data.
    let spaced = format!(" {} \n", payload().replace(',', " ,\t"));
    assert_eq!(
        verify(&sign_json(PARSED_HEADER, &spaced))
            .unwrap()
            .expires_at(),
        EXP
    );
}

#[test]
fn algorithms_other_than_hs256_are_rejected() {
    for alg in [
        "none",
        "None",
        "NONE",
        "nOnE",
        "HS512",
        "HS384",
        "RS256",
        "ES256",
        "PS256",
        "hs256",
        "HS256 ",
        " HS256",
        "HS256\u{0}",
        "",
    ] {
        let header = format!(r#"{{"typ":"JWT","alg":{}}}"#, json_string(alg));
        let token = sign_json(&header, &payload());
        assert!(
            matches!(err(&token), Error::UnsupportedAlgorithm { alg: ref found } if found == alg),
            "alg {alg:?}: {:?}",
            err(&token)
        );
        // The classic `none` attack: no signature at all.
        let (unsigned, _) = token.rsplit_once('.').unwrap();
        assert!(matches!(
            err(&format!("{unsigned}.")),
            Error::UnsupportedAlgorithm { .. }
        ));
    }
    // `alg` missing or not a string: the typed errors, as for claims.
    for (header, expected) in [
        (r#"{"typ":"JWT"}"#, invalid_alg("missing")),
        ("{}", invalid_alg("missing")),
        (r#"{"crit":["x"]}"#, invalid_alg("missing")),
        (r#"{"alg":null}"#, invalid_alg("null")),
        (r#"{"alg":256}"#, invalid_alg("a number")),
        (r#"{"alg":1e400}"#, invalid_alg("a number")),
        (r#"{"alg":true}"#, invalid_alg("a boolean")),
        (r#"{"alg":["HS256"]}"#, invalid_alg("an array")),
        (r#"{"alg":{"name":"HS256"}}"#, invalid_alg("an object")),
    ] {
        let token = sign_json(header, &payload());
        assert_eq!(err(&token), expected, "{header}");
        assert!(!err(&token).to_string().contains("JSON"), "{header}");
        // Before the signature: the same error whatever the signature.
        let (unsigned, _) = token.rsplit_once('.').unwrap();
        assert_eq!(err(&format!("{unsigned}.")), expected, "{header}");
    }
    // A header that is not a JSON object at all.
    for header in [
        "",
        "null",
        "\"HS256\"",
        "[\"HS256\"]",
        "{",
        "\u{feff}{\"alg\":\"HS256\"}",
    ] {
        assert!(
            matches!(
                err(&sign_json(header, &payload())),
                Error::Malformed(Malformed::Json {
                    part: TokenPart::Header,
                    ..
                })
            ),
            "{header:?}"
        );
    }
}

fn invalid_alg(found: &str) -> Error {
    Error::InvalidHeader {
        member: "alg",
        expected: "the string `HS256`",
        found: found.into(),
    }
}

#[test]
fn a_header_with_crit_is_rejected() {
    for header in [
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"crit":["b64"],"b64":false,"alg":"HS256"}"#,
        r#"{"alg":"HS256","cr\u0069t":null}"#,
    ] {
        assert_eq!(
            err(&sign_json(header, &payload())),
            Error::CriticalHeader,
            "{header}"
        );
    }
}

#[test]
fn duplicate_keys_are_rejected_in_header_and_payload() {
    for (header, key) in [
        (r#"{"alg":"HS256","alg":"HS256"}"#, "alg"),
        (r#"{"alg":"HS256","alg":"none"}"#, "alg"),
        (r#"{"alg":"none","\u0061lg":"HS256"}"#, "alg"),
        (r#"{"alg":"HS256","typ":"JWT","typ":"JWS"}"#, "typ"),
        (r#"{"alg":"HS256","crit":[],"crit":[]}"#, "crit"),
    ] {
        assert_eq!(
            err(&sign_json(header, &payload())),
            Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Header,
                key: key.into()
            }),
            "{header}"
        );
    }
    let p = payload();
    let body = &p[..p.len() - 1];
    for (extra, key) in [
        (r#","exp":1900000000"#, "exp"),
        (r#","\u0065xp":1900000000"#, "exp"),
        (r#","iss":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb""#, "iss"),
        (
            r#","scope":"scope:client:incoming?clientName=Mallory""#,
            "scope",
        ),
        (r#","nbf":1,"nbf":2"#, "nbf"),
        (r#","iat":1,"iat":2"#, "iat"),
        (r#","x":1,"x":2"#, "x"),
    ] {
        let token = sign_json(PHP_HEADER, &format!("{body}{extra}}}"));
        assert_eq!(
            err(&token),
            Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Payload,
                key: key.into()
            }),
            "{extra}"
        );
    }
    // Keys of nested objects are another scope: not duplicates of the top level.
    let nested = format!(r#"{body},"x":{{"exp":1,"iss":"y"}}}}"#);
    assert_eq!(
        verify(&sign_json(PHP_HEADER, &nested))
            .unwrap()
            .expires_at(),
        EXP
    );
}

/// Every value of the wrong type gets `InvalidClaim` naming what it is, whatever the JSON parser
/// could or could not convert: numbers out of any float's range included.
#[test]
fn exp_must_be_an_integer_up_to_2_pow_53() {
    const FRACTION: &str = "a number with a fraction or an exponent";
    let huge = format!("1{}", "0".repeat(400));
    for (exp, found) in [
        ("\"1700003600\"", "a string"),
        ("1700003600.0", FRACTION),
        ("1700003600.5", FRACTION),
        ("1.7000036e9", FRACTION),
        ("17000036E2", FRACTION),
        ("1e400", FRACTION),
        ("1E+400", FRACTION),
        ("1.5e-400", FRACTION),
        ("-1e400", "a negative number"),
        ("9007199254740992", "an integer beyond 2^53-1"),
        ("18446744073709551615", "an integer beyond 2^53-1"),
        ("18446744073709551616", "an integer beyond 2^53-1"),
        (&huge, "an integer beyond 2^53-1"),
        ("-1", "a negative number"),
        ("-0", "a negative number"),
        ("null", "null"),
        ("true", "a boolean"),
        ("false", "a boolean"),
        ("[1700003600]", "an array"),
        ("{\"$numberLong\":\"1700003600\"}", "an object"),
    ] {
        assert_eq!(
            err(&sign_json(PHP_HEADER, &payload_with_exp(exp))),
            Error::InvalidClaim {
                claim: "exp",
                found
            },
            "exp {exp}"
        );
        // nbf and iat follow the same rule.
        for claim in ["nbf", "iat"] {
            let p = payload();
            let token = sign_json(
                PHP_HEADER,
                &format!(r#"{},"{claim}":{exp}}}"#, &p[..p.len() - 1]),
            );
            assert!(
                matches!(err(&token), Error::InvalidClaim { claim: c, found: f } if c == claim && f == found),
                "{claim} {exp}: {:?}",
                err(&token)
            );
        }
    }
    // 2^53 - 1 itself is accepted.
    let max = verify(&sign_json(
        PHP_HEADER,
        &payload_with_exp(&MAX_EXP.to_string()),
    ))
    .unwrap();
    assert_eq!(max.expires_at(), MAX_EXP);
    // Numbers no float holds are still valid JSON: in members that are not read, they are
    // ignored like any other value.
    let p = payload();
    for value in ["1e400", "-1e400", &huge, "1.5e-400"] {
        let token = sign_json(
            PHP_HEADER,
            &format!(r#"{},"x":{value}}}"#, &p[..p.len() - 1]),
        );
        assert_eq!(verify(&token).unwrap().expires_at(), EXP, "{value}");
        let header = format!(r#"{{"alg":"HS256","x":{value}}}"#);
        assert_eq!(verify(&sign_json(&header, &p)).unwrap().expires_at(), EXP);
    }
}

#[test]
fn required_claims_must_be_present_and_strings() {
    let cases = [
        (
            format!(r#"{{"scope":"{ALICE}","iss":"{ACCOUNT}"}}"#),
            Error::MissingClaim("exp"),
        ),
        (
            format!(r#"{{"iss":"{ACCOUNT}","exp":{EXP}}}"#),
            Error::MissingClaim("scope"),
        ),
        (
            format!(r#"{{"scope":"{ALICE}","exp":{EXP}}}"#),
            Error::MissingClaim("iss"),
        ),
        (
            format!(r#"{{"scope":["{ALICE}"],"iss":"{ACCOUNT}","exp":{EXP}}}"#),
            Error::InvalidClaim {
                claim: "scope",
                found: "an array",
            },
        ),
        (
            format!(r#"{{"scope":"{ALICE}","iss":null,"exp":{EXP}}}"#),
            Error::InvalidClaim {
                claim: "iss",
                found: "null",
            },
        ),
        (
            format!(
                r#"{{"scope":"{ALICE}","iss":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","exp":{EXP}}}"#
            ),
            Error::WrongIssuer {
                found: "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".into(),
                expected: ACCOUNT.into(),
            },
        ),
        (
            // The issuer is compared exactly: no case folding.
            format!(
                r#"{{"scope":"{ALICE}","iss":"{}","exp":{EXP}}}"#,
                ACCOUNT.to_uppercase()
            ),
            Error::WrongIssuer {
                found: ACCOUNT.to_uppercase(),
                expected: ACCOUNT.into(),
            },
        ),
    ];
    for (payload, expected) in cases {
        assert_eq!(err(&sign_json(PHP_HEADER, &payload)), expected, "{payload}");
    }
    // The payload must be a JSON object.
    for payload in ["", "null", "[]", "\"x\"", "1700003600"] {
        assert!(matches!(
            err(&sign_json(PHP_HEADER, payload)),
            Error::Malformed(Malformed::Json {
                part: TokenPart::Payload,
                ..
            })
        ));
    }
}

#[test]
fn trailing_data_is_rejected() {
    for trailer in [" x", "{}", ",", "\0", "}", " null"] {
        let token = sign_json(PHP_HEADER, &format!("{}{trailer}", payload()));
        assert!(
            matches!(
                err(&token),
                Error::Malformed(Malformed::Json {
                    part: TokenPart::Payload,
                    ..
                })
            ),
            "payload trailer {trailer:?}: {:?}",
            err(&token)
        );
        let token = sign_json(&format!("{PARSED_HEADER}{trailer}"), &payload());
        assert!(
            matches!(
                err(&token),
                Error::Malformed(Malformed::Json {
                    part: TokenPart::Header,
                    ..
                })
            ),
            "header trailer {trailer:?}"
        );
    }
    // A fourth segment, empty or not, and fewer than three.
    let token = sign_json(PHP_HEADER, &payload());
    assert!(verify(&token).is_ok());
    for (text, found) in [
        (format!("{token}."), 4),
        (format!("{token}.x"), 4),
        (format!("{token}.{token}"), 6),
        (token.rsplit_once('.').unwrap().0.to_owned(), 2),
        (String::new(), 1),
    ] {
        assert_eq!(
            err(&text),
            Error::Malformed(Malformed::Segments { found }),
            "{text}"
        );
    }
}

/// The base64 decision: segments must be unpadded base64url, canonical. Padding, the standard
/// alphabet (`+`, `/`), whitespace and non-zero trailing bits are REJECTED, never decoded to the
/// same bytes as the canonical text (which would let two texts carry one signature's meaning).
#[test]
fn base64_must_be_canonical_unpadded_base64url() {
    let header = r#"{"alg":"HS256","x":12}"#; // 22 bytes: padded base64 ends in "=="
    let claims = format!(r#"{{"scope":"{ALICE}","iss":"{ACCOUNT}","exp":{EXP},"x":"?>?>~~~"}}"#);
    // The canonical forms verify.
    assert!(verify(&sign_segments(&b64(header), &b64(&claims))).is_ok());

    // Padding.
    let padded = URL_SAFE.encode(header);
    assert!(padded.ends_with("=="));
    assert_eq!(
        err(&sign_segments(&padded, &b64(&claims))),
        Error::Malformed(Malformed::Base64(TokenPart::Header))
    );
    let padded = URL_SAFE.encode(&claims);
    assert!(padded.ends_with('='), "{padded}");
    assert_eq!(
        err(&sign_segments(&b64(header), &padded)),
        Error::Malformed(Malformed::Base64(TokenPart::Payload))
    );

    // The standard alphabet.
    let standard = STANDARD_NO_PAD.encode(&claims);
    assert!(standard.contains(['+', '/']), "{standard}");
    assert_eq!(
        err(&sign_segments(&b64(header), &standard)),
        Error::Malformed(Malformed::Base64(TokenPart::Payload))
    );
    let standard_header = STANDARD_NO_PAD.encode(r#"{"alg":"HS256","x":"?>?>~~~"}"#);
    assert!(standard_header.contains(['+', '/']), "{standard_header}");
    assert_eq!(
        err(&sign_segments(&standard_header, &b64(&claims))),
        Error::Malformed(Malformed::Base64(TokenPart::Header))
    );

    // Whitespace inside a segment.
    let encoded = b64(&claims);
    let (a, b) = encoded.split_at(8);
    for sep in ["\n", " ", "\r\n", "\t"] {
        assert_eq!(
            err(&sign_segments(&b64(header), &format!("{a}{sep}{b}"))),
            Error::Malformed(Malformed::Base64(TokenPart::Payload))
        );
    }

    // Non-canonical trailing bits: the same bytes written with the last character's unused bits
    // set. 22 header bytes leave 4 unused bits; 'Q' stands for 0b010000.
    let canonical = b64(header);
    let last = canonical.chars().last().unwrap();
    let mut tweaked = canonical[..canonical.len() - 1].to_owned();
    tweaked.push(char::from(u8::try_from(u32::from(last) + 1).unwrap()));
    assert_eq!(
        decode_lenient(&tweaked).as_deref(),
        Some(header.as_bytes()),
        "the tweak must only touch unused bits"
    );
    assert_eq!(
        err(&sign_segments(&tweaked, &b64(&claims))),
        Error::Malformed(Malformed::Base64(TokenPart::Header))
    );

    // The signature: padding, standard alphabet, trailing bits.
    let token = sign_segments(&b64(header), &b64(&claims));
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let padded_sig = URL_SAFE.encode(URL_SAFE_NO_PAD.decode(sig).unwrap());
    assert!(padded_sig.ends_with('='));
    assert_eq!(
        err(&format!("{signed}.{padded_sig}")),
        Error::Malformed(Malformed::Base64(TokenPart::Signature))
    );
    let mut exp = EXP;
    let (signed, standard_sig) = loop {
        // Find a signature whose standard form differs (contains '-' or '_').
        let claims = payload_with_exp(&exp.to_string());
        let token = sign_json(PHP_HEADER, &claims);
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let standard = STANDARD_NO_PAD.encode(URL_SAFE_NO_PAD.decode(sig).unwrap());
        if standard != sig {
            break (signed.to_owned(), standard);
        }
        exp += 1;
    };
    assert_eq!(
        err(&format!("{signed}.{standard_sig}")),
        Error::Malformed(Malformed::Base64(TokenPart::Signature))
    );
    // 32 bytes leave 2 unused bits in the 43rd character.
    let sig = sig.to_owned();
    let mut tweaked = sig[..42].to_owned();
    let last = sig.as_bytes()[42];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.iter().position(|&c| c == last).unwrap();
    assert_eq!(index & 0b11, 0);
    tweaked.push(char::from(alphabet[index | 1]));
    let token = sign_segments(&b64(header), &b64(&claims));
    let signed = token.rsplit_once('.').unwrap().0;
    assert_eq!(
        err(&format!("{signed}.{tweaked}")),
        Error::Malformed(Malformed::Base64(TokenPart::Signature))
    );
    // Standard-alphabet padded text is rejected whole, too.
    let standard_padded = STANDARD.encode(&claims);
    assert_eq!(
        err(&sign_segments(&b64(header), &standard_padded)),
        Error::Malformed(Malformed::Base64(TokenPart::Payload))
    );
}

/// Decodes base64url ignoring non-zero trailing bits: for the test's own sanity check only.
fn decode_lenient(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
    let lenient = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    lenient.decode(s).ok()
}

#[test]
fn tokens_over_the_size_limit_are_rejected_before_decoding() {
    // Not even base64, not even ASCII: the length is all that is looked at.
    for garbage in [
        "a".repeat(MAX_TOKEN_LEN + 1),
        "\u{0}".repeat(MAX_TOKEN_LEN + 1),
        "é".repeat(MAX_TOKEN_LEN / 2 + 1),
    ] {
        assert_eq!(
            err(&garbage),
            Error::TokenTooLarge {
                len: garbage.len(),
                max: MAX_TOKEN_LEN
            }
        );
    }
    // At the limit, the token is looked at (and this garbage is one segment).
    assert_eq!(
        err(&"a".repeat(MAX_TOKEN_LEN)),
        Error::Malformed(Malformed::Segments { found: 1 })
    );

    // A validly signed token of exactly MAX_TOKEN_LEN bytes verifies; one byte more does not.
    let token_with_pad = |pad: usize| {
        let p = payload();
        let claims = format!(r#"{},"pad":"{}"}}"#, &p[..p.len() - 1], "x".repeat(pad));
        sign_json(PHP_HEADER, &claims)
    };
    let mut pad = (MAX_TOKEN_LEN - token_with_pad(0).len()) * 3 / 4 - 8;
    while token_with_pad(pad).len() < MAX_TOKEN_LEN {
        pad += 1;
    }
    let at_limit = token_with_pad(pad);
    assert_eq!(at_limit.len(), MAX_TOKEN_LEN);
    assert_eq!(verify(&at_limit).unwrap().expires_at(), EXP);
    let over = token_with_pad(pad + 1);
    assert_eq!(over.len(), MAX_TOKEN_LEN + 1);
    assert_eq!(
        err(&over),
        Error::TokenTooLarge {
            len: MAX_TOKEN_LEN + 1,
            max: MAX_TOKEN_LEN
        }
    );
}

/// Nesting: a value nests at most 32 levels, read or skipped, as in every part of every kind of
/// token; the reader's recursion is bounded by it. A claim that is an array or an object is
/// `InvalidClaim` within that depth; unbalanced brackets are malformed JSON.
#[test]
fn nesting_is_limited_in_skipped_members_too() {
    let p = payload();
    let body = &p[..p.len() - 1];
    let too_deep = |e: Error, part| {
        matches!(e, Error::Malformed(Malformed::Json { part: p, detail })
            if p == part && detail.starts_with("a value nests deeper than 32 levels"))
    };
    // At the limit, past it, and the deepest a token under the size limit can carry.
    for depth in [32, 33, 129, 1000, 6000] {
        let allowed = depth <= 32;
        let arrays = format!(r#"{body},"x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
        // `{"a":` takes 5 bytes a level, and 6000 of them would be over the limit.
        let objects = format!(
            r#"{body},"x":{}1{}}}"#,
            r#"{"a":"#.repeat(depth.min(2000)),
            "}".repeat(depth.min(2000))
        );
        for claims in [arrays, objects] {
            let token = sign_json(PHP_HEADER, &claims);
            assert!(token.len() <= MAX_TOKEN_LEN);
            match allowed {
                true => assert_eq!(verify(&token).unwrap().expires_at(), EXP, "depth {depth}"),
                false => assert!(too_deep(err(&token), TokenPart::Payload), "depth {depth}"),
            }
        }
        let in_exp = payload_with_exp(&format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
        let e = err(&sign_json(PHP_HEADER, &in_exp));
        match allowed {
            true => assert_eq!(
                e,
                Error::InvalidClaim {
                    claim: "exp",
                    found: "an array"
                }
            ),
            false => assert!(too_deep(e, TokenPart::Payload), "depth {depth}"),
        }
        let unclosed = format!(r#"{body},"x":{}"#, "[".repeat(depth));
        assert!(matches!(
            err(&sign_json(PHP_HEADER, &unclosed)),
            Error::Malformed(Malformed::Json {
                part: TokenPart::Payload,
                ..
            })
        ));
        let header = format!(
            r#"{{"alg":"HS256","x":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let result = verify(&sign_json(&header, &payload()));
        match allowed {
            true => assert_eq!(result.unwrap().expires_at(), EXP),
            false => assert!(too_deep(result.unwrap_err(), TokenPart::Header)),
        }
        let header = format!(r#"{{"alg":"HS256","x":{}}}"#, "[".repeat(depth));
        assert!(matches!(
            err(&sign_json(&header, &payload())),
            Error::Malformed(Malformed::Json {
                part: TokenPart::Header,
                ..
            })
        ));
    }
}

#[test]
fn the_signature_covers_everything() {
    let token = sign_json(PHP_HEADER, &payload());
    // Another key.
    let other = Credentials::new(ACCOUNT, "another auth token").unwrap();
    assert_eq!(
        other.verify_at(&token, NOW).unwrap_err(),
        Error::BadSignature
    );
    // A payload swapped in under the old signature.
    let (header, _, sig) = {
        let mut parts = token.split('.');
        (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        )
    };
    let mallory = b64(format!(
        r#"{{"scope":"scope:client:incoming?clientName=Mallory","iss":"{ACCOUNT}","exp":{EXP}}}"#
    ));
    assert_eq!(
        err(&format!("{header}.{mallory}.{sig}")),
        Error::BadSignature
    );
    // The same claims under the other header every library writes: the header is signed too.
    let jose = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload_segment = token.split('.').nth(1).unwrap();
    assert_eq!(
        err(&format!("{jose}.{payload_segment}.{sig}")),
        Error::BadSignature
    );
    // Signatures of the wrong length.
    for sig in [
        "",
        "AAAA",
        &"A".repeat(42),
        &"A".repeat(44),
        &"A".repeat(86),
    ] {
        let (signed, _) = token.rsplit_once('.').unwrap();
        assert_eq!(
            err(&format!("{signed}.{sig}")),
            Error::BadSignature,
            "{sig}"
        );
    }
}

/// Members besides the ones a capability token uses are limited, in the header and in the
/// payload, so that finding a repeated key stays linear; a token stuffed with them is refused
/// before its signature is checked (header) or its claims are read (payload).
#[test]
fn members_besides_the_known_ones_are_limited() {
    let others = |n: usize| {
        (0..n)
            .map(|i| format!(r#","m{i}":[{{"k":{i}}}]"#))
            .collect::<String>()
    };
    let p = payload();
    let body = &p[..p.len() - 1];
    let at_limit = format!("{body}{}}}", others(MAX_OTHER_MEMBERS));
    assert_eq!(
        verify(&sign_json(PHP_HEADER, &at_limit))
            .unwrap()
            .expires_at(),
        EXP
    );
    let over = format!("{body}{}}}", others(MAX_OTHER_MEMBERS + 1));
    assert_eq!(
        err(&sign_json(PHP_HEADER, &over)),
        Error::Malformed(Malformed::TooManyMembers {
            part: TokenPart::Payload,
            max: MAX_OTHER_MEMBERS
        })
    );
    // In the header, the members either kind of token reads (`typ`, `cty`, `twr`, `crit`) do
    // not count among them.
    let header = |n: usize| format!(r#"{{"typ":"JWT","alg":"HS256"{}}}"#, others(n));
    let token = sign_json(&header(MAX_OTHER_MEMBERS), &payload());
    assert_eq!(verify(&token).unwrap().expires_at(), EXP);
    let token = sign_json(&header(MAX_OTHER_MEMBERS + 1), &payload());
    let expected = Error::Malformed(Malformed::TooManyMembers {
        part: TokenPart::Header,
        max: MAX_OTHER_MEMBERS,
    });
    assert_eq!(err(&token), expected);
    let (unsigned, _) = token.rsplit_once('.').unwrap();
    assert_eq!(err(&format!("{unsigned}.x")), expected);
    assert!(
        expected.to_string().contains("more than 32 members"),
        "{expected}"
    );
    // Repeated keys count: a key repeated is refused after as many, in the payload and the
    // header, by `verify_at` and `inspect_at` alike.
    let repeated = r#","k":0"#.repeat(800);
    let stuffed = format!("{body}{repeated}}}");
    let header = format!(r#"{{"typ":"JWT","alg":"HS256"{repeated}}}"#);
    for (token, part) in [
        (sign_json(PHP_HEADER, &stuffed), TokenPart::Payload),
        (sign_json(&header, &payload()), TokenPart::Header),
    ] {
        assert_eq!(
            err(&token),
            Error::Malformed(Malformed::TooManyMembers {
                part,
                max: MAX_OTHER_MEMBERS
            })
        );
        assert_eq!(common::capability_disagreement(&creds(), &token, NOW), None);
    }
}

/// A header or payload holds at most `MAX_VALUES` values, at any depth: one more is refused by
/// `verify_at` and `inspect_at` alike, in the header before the signature is checked.
#[test]
fn values_are_limited_at_any_depth() {
    let expected = |part| {
        Error::Malformed(Malformed::TooManyValues {
            part,
            max: MAX_VALUES,
        })
    };
    let at_limit = common::holding_values(&payload(), MAX_VALUES);
    let token = sign_json(PHP_HEADER, &at_limit);
    assert_eq!(verify(&token).unwrap().expires_at(), EXP);
    assert_eq!(common::capability_disagreement(&creds(), &token, NOW), None);
    let p = payload();
    let body = &p[..p.len() - 1];
    for over in [
        common::holding_values(&p, MAX_VALUES + 1),
        // Nested values count: arrays of arrays, objects in arrays.
        format!(r#"{body},"x":[{}]}}"#, vec!["[0,0,0]"; 65].join(",")),
        format!(r#"{body},"x":[{}]}}"#, vec![r#"{"a":[]}"#; 130].join(",")),
    ] {
        let token = sign_json(PHP_HEADER, &over);
        assert_eq!(err(&token), expected(TokenPart::Payload), "{over}");
        assert_eq!(common::capability_disagreement(&creds(), &token, NOW), None);
    }
    let header = common::holding_values(PARSED_HEADER, MAX_VALUES);
    assert_eq!(
        verify(&sign_json(&header, &payload()))
            .unwrap()
            .expires_at(),
        EXP
    );
    let header = common::holding_values(PARSED_HEADER, MAX_VALUES + 1);
    let token = sign_json(&header, &payload());
    assert_eq!(err(&token), expected(TokenPart::Header));
    assert_eq!(common::capability_disagreement(&creds(), &token, NOW), None);
    let (unsigned, _) = token.rsplit_once('.').unwrap();
    assert_eq!(err(&format!("{unsigned}.x")), expected(TokenPart::Header));
    let message = expected(TokenPart::Header).to_string();
    assert!(message.contains("more than 256 values"), "{message}");
}

/// Scope URIs of other services are kept, each as a string, up to a limit.
#[test]
fn scope_uris_of_other_services_are_limited() {
    let with_others = |n: usize| {
        let scope = format!("{ALICE}{}", " scope:x:y?a=1".repeat(n));
        verify(&sign_json(
            PHP_HEADER,
            &format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":{EXP}}}"#),
        ))
    };
    let verified = with_others(MAX_OTHER_SCOPES).unwrap();
    assert_eq!(verified.grants().other_scopes().len(), MAX_OTHER_SCOPES);
    assert_eq!(verified.grants().incoming().unwrap(), "Alice");
    match with_others(MAX_OTHER_SCOPES + 1) {
        Err(Error::InvalidScope { scope, reason }) => {
            assert_eq!(scope, "scope:x:y?a=1");
            assert_eq!(
                reason,
                "a token holds at most 32 scope URIs of other services"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_scopes_from_a_signed_token_grant_nothing() {
    let with_scope = |scope: &str| {
        let claims = format!(
            r#"{{"scope":{},"iss":"{ACCOUNT}","exp":{EXP}}}"#,
            json_string(scope)
        );
        verify(&sign_json(PHP_HEADER, &claims))
    };
    for scope in [
        "scope:client:incoming?clientName=Alice&clientName=Mallory",
        "scope:client:incoming?clientName=Alice%26clientName%3DMallory",
        "scope:client:incoming?clientName=Alice+scope:client:incoming?clientName=Mallory",
        "scope:client:incoming?clientName=Alice scope:client:incoming?clientName=Mallory",
        "scope:client:incoming?clientName=Alice\nscope:client:incoming?clientName=Mallory",
        "scope:client:incoming?clientName=Alice  scope:x:y",
        "scope:client:incoming?clientName=Alice&admin=1",
        "scope:client:incoming?clientName=",
        "scope:client:incoming",
        "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appSid=APcccccccccccccccccccccccccccccccc",
        "scope:client:outgoing?appSid=ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=%3Dx",
        "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D%25FF",
        "scope:stream:subscribe?path=%2F2010-04-01%2FCalls&params=",
        "scope:stream:subscribe?params=",
        " scope:client:incoming?clientName=Alice",
        "scope:client:incoming?clientName=Alice ",
    ] {
        assert!(
            matches!(with_scope(scope), Err(Error::InvalidScope { .. })),
            "{scope:?}: {:?}",
            with_scope(scope)
        );
    }
    // Scopes of other services are kept verbatim and grant nothing this library knows.
    let verified = with_scope(
        "scope:client:incomingx?clientName=Mallory scope:client:Incoming?clientName=Mallory",
    )
    .unwrap();
    assert!(verified.grants().incoming().is_none());
    assert_eq!(
        verified.grants().other_scopes(),
        [
            "scope:client:incomingx?clientName=Mallory",
            "scope:client:Incoming?clientName=Mallory"
        ]
    );
}

/// Parameter values and keys that look like other scopes or parameters.
const CRAFTED: &[&str] = &[
    "x&clientName=Mallory",
    "&clientName=Mallory",
    "a scope:client:incoming?clientName=Mallory",
    " scope:client:incoming?clientName=Mallory",
    "x&appSid=APcccccccccccccccccccccccccccccccc",
    "x%26clientName%3DMallory",
    "%26",
    "%2526",
    "%",
    "%%",
    "%zz",
    "+",
    "a+b",
    "a b",
    "=",
    "==",
    "&",
    "&&",
    "?",
    "#",
    "\n",
    "\r\nscope:client:incoming?clientName=Mallory",
    "\"",
    "\",\"iss\":\"ACcccccccccccccccccccccccccccccccc\",\"exp\":9007199254740991}",
    "\\",
    "\\u0022",
    "\u{0}",
    "\u{7f}",
    "é",
    "😀",
    "\u{202e}",
    "clientName",
    "appSid",
    "params",
    "path",
];

fn assert_grants_exactly(policy: &Policy) -> VerifiedToken {
    let token = policy.sign_at(&creds(), NOW);
    let verified = creds().verify_at(token.as_str(), NOW).unwrap();
    assert_eq!(verified.grants(), policy.grants());
    assert!(verified.grants().other_scopes().is_empty());
    verified
}

#[test]
fn crafted_parameters_come_back_verbatim_and_grant_nothing_more() {
    let app = AppSid::new(APP).unwrap();
    for &crafted in CRAFTED {
        for (key, value) in [("k", crafted), (crafted, "v"), (crafted, crafted)] {
            // outgoing alone: no incoming, no caller identity may appear.
            let policy = Policy::builder()
                .outgoing(app, [(key, value), ("next", "n")])
                .build()
                .unwrap();
            // Exactly one scope URI: nothing split off at a space.
            assert_eq!(policy.scope().split(' ').count(), 1, "{crafted:?}");
            let verified = assert_grants_exactly(&policy);
            let grants = verified.grants();
            assert!(grants.incoming().is_none(), "{crafted:?}");
            assert!(grants.events().is_none(), "{crafted:?}");
            let outgoing = grants.outgoing().unwrap();
            assert_eq!(outgoing.app_sid().as_str(), APP);
            assert!(outgoing.client_name().is_none(), "{crafted:?}");
            assert_eq!(
                outgoing.params(),
                &[(key, value), ("next", "n")],
                "{crafted:?}"
            );

            // events alone.
            let policy = Policy::builder().events([(key, value)]).build().unwrap();
            assert_eq!(policy.scope().split(' ').count(), 1, "{crafted:?}");
            let verified = assert_grants_exactly(&policy);
            let grants = verified.grants();
            assert!(grants.incoming().is_none() && grants.outgoing().is_none());
            assert_eq!(grants.events().unwrap().filters(), &[(key, value)]);

            // All three: the incoming name is Alice's, and outgoing carries it, nothing else.
            let policy = Policy::builder()
                .outgoing(app, [(key, value)])
                .events([(value, key)])
                .incoming(ClientName::new("Alice").unwrap())
                .build()
                .unwrap();
            assert_eq!(policy.scope().split(' ').count(), 3, "{crafted:?}");
            let verified = assert_grants_exactly(&policy);
            let grants = verified.grants();
            assert_eq!(grants.incoming().unwrap(), "Alice");
            assert_eq!(grants.outgoing().unwrap().client_name().unwrap(), "Alice");
            assert_eq!(grants.outgoing().unwrap().params(), &[(key, value)]);
            assert_eq!(grants.events().unwrap().filters(), &[(value, key)]);
        }
    }
}

#[test]
fn crafted_client_names_are_refused_at_construction() {
    for (name, ch, position) in [
        ("Alice&clientName=Mallory", '&', 6),
        ("Alice scope:client:incoming", ' ', 6),
        ("Alice\n", '\n', 6),
        ("Alice%26", '%', 6),
        ("Alice+", '+', 6),
        ("élise", 'é', 1),
        ("Al\u{0}", '\u{0}', 3),
    ] {
        assert_eq!(
            ClientName::new(name).unwrap_err(),
            Error::InvalidClientName(ClientNameError::InvalidChar { ch, position }),
            "{name:?}"
        );
    }
    assert_eq!(
        ClientName::new(&"a".repeat(122)).unwrap_err(),
        Error::InvalidClientName(ClientNameError::TooLong { len: 122 })
    );
    assert_eq!(
        ClientName::new("").unwrap_err(),
        Error::InvalidClientName(ClientNameError::Empty)
    );
    // Multi-byte text: positions count characters, and nothing slices inside a character.
    assert_eq!(
        ClientName::new(&"é".repeat(61)).unwrap_err(),
        Error::InvalidClientName(ClientNameError::InvalidChar {
            ch: 'é',
            position: 1
        })
    );
}

#[test]
fn crafted_sids_are_refused_at_construction() {
    let problem = |r: Result<AccountSid, Error>| match r.unwrap_err() {
        Error::InvalidSid(e) => e.problem().clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(problem(AccountSid::new("")), SidProblem::Empty);
    // Multi-byte characters where the prefix would be: never sliced inside a character.
    assert_eq!(problem(AccountSid::new("€")), SidProblem::WrongPrefix);
    assert_eq!(problem(AccountSid::new("é")), SidProblem::WrongPrefix);
    assert_eq!(problem(AccountSid::new("A€")), SidProblem::WrongPrefix);
    // 34 bytes, but not 34 hex digits, nor text that is plainly no secret: no character is
    // named.
    assert_eq!(
        problem(AccountSid::new(&format!("AC{}", "é".repeat(16)))),
        SidProblem::WrongLength { len: 18 }
    );
    assert_eq!(
        problem(AccountSid::new(&format!("AC{}\n", "a".repeat(31)))),
        SidProblem::InvalidChar {
            ch: '\n',
            position: 34
        }
    );
    assert_eq!(
        problem(AccountSid::new(&format!("AC{}", "a".repeat(33)))),
        SidProblem::WrongLength { len: 35 }
    );
    assert!(matches!(
        problem(AccountSid::new(APP)),
        SidProblem::WrongKind { .. }
    ));
    assert!(matches!(
        AppSid::new(&format!("{APP}&clientName=Mallory")).unwrap_err(),
        Error::InvalidSid(_)
    ));
    // A forged Account SID is refused before any key is made.
    assert!(matches!(
        Credentials::new("AC\" ,\"exp\":1}", SECRET).unwrap_err(),
        Error::InvalidSid(_)
    ));
    assert_eq!(
        Credentials::new(ACCOUNT, "").unwrap_err(),
        Error::EmptyAuthToken
    );
}

#[test]
fn leeway_defaults_to_zero_and_applies_to_exp_and_nbf() {
    assert_eq!(creds().leeway(), Duration::ZERO);
    let token = sign_json(PHP_HEADER, &payload());
    // exp is exclusive: valid until the second before.
    assert!(creds().verify_at(&token, EXP - 1).is_ok());
    assert_eq!(
        creds().verify_at(&token, EXP).unwrap_err(),
        Error::Expired {
            expired_at: EXP,
            now: EXP
        }
    );
    let lenient = creds().with_leeway(Duration::from_secs(30));
    assert!(lenient.verify_at(&token, EXP + 29).is_ok());
    assert_eq!(
        lenient.verify_at(&token, EXP + 30).unwrap_err(),
        Error::Expired {
            expired_at: EXP,
            now: EXP + 30
        }
    );
    // nbf is inclusive.
    let p = payload();
    let nbf = NOW + 100;
    let token = sign_json(
        PHP_HEADER,
        &format!(r#"{},"nbf":{nbf}}}"#, &p[..p.len() - 1]),
    );
    assert!(creds().verify_at(&token, nbf).is_ok());
    assert_eq!(
        creds().verify_at(&token, nbf - 1).unwrap_err(),
        Error::NotYetValid {
            not_before: nbf,
            now: nbf - 1
        }
    );
    assert!(lenient.verify_at(&token, nbf - 30).is_ok());
    assert_eq!(
        lenient.verify_at(&token, nbf - 31).unwrap_err(),
        Error::NotYetValid {
            not_before: nbf,
            now: nbf - 31
        }
    );
    // Fractions of a second round up; huge leeways saturate instead of wrapping.
    let half = creds().with_leeway(Duration::from_millis(500));
    assert_eq!(half.leeway(), Duration::from_secs(1));
    assert!(half.verify_at(&token, nbf - 1).is_ok());
    let forever = creds().with_leeway(Duration::MAX);
    assert!(forever.verify_at(&token, 0).is_ok());
    assert!(forever.verify_at(&token, u64::MAX).is_ok());
    // At `exp` 0 too, a token is accepted until `exp + leeway - 1`.
    let zero = sign_json(PHP_HEADER, &payload_with_exp("0"));
    let ten = creds().with_leeway(Duration::from_secs(10));
    for now in [0, 5, 9] {
        assert_eq!(ten.verify_at(&zero, now).unwrap().expires_at(), 0, "{now}");
    }
    assert_eq!(
        ten.verify_at(&zero, 10).unwrap_err(),
        Error::Expired {
            expired_at: 0,
            now: 10
        }
    );
    assert!(creds().verify_at(&zero, 0).is_err());
    assert!(forever.verify_at(&zero, 0).is_ok());
    assert!(forever.verify_at(&zero, u64::MAX - 1).is_ok());
    assert!(forever.verify_at(&zero, u64::MAX).is_err());
}

#[test]
fn signing_near_the_end_of_time_clamps_instead_of_wrapping() {
    let policy = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .ttl(Duration::from_secs(86_400))
        .build()
        .unwrap();
    for issued_at in [
        u64::MAX,
        u64::MAX - 1,
        u64::MAX - 86_400,
        MAX_EXP + 1,
        MAX_EXP,
        MAX_EXP - 1,
        MAX_EXP - 86_400 + 1,
    ] {
        let token = policy.sign_at(&creds(), issued_at);
        assert_eq!(token.expires_at(), MAX_EXP, "{issued_at}");
        let payload = URL_SAFE_NO_PAD
            .decode(token.as_str().split('.').nth(1).unwrap())
            .unwrap();
        let payload = String::from_utf8(payload).unwrap();
        assert!(
            payload.ends_with(r#","exp":9007199254740991}"#),
            "{payload}"
        );
        // Valid until 2^53 - 1, then expired: never wrapped around to the past.
        assert_eq!(
            creds()
                .verify_at(token.as_str(), MAX_EXP - 1)
                .unwrap()
                .expires_at(),
            MAX_EXP
        );
        assert_eq!(
            creds().verify_at(token.as_str(), u64::MAX).unwrap_err(),
            Error::Expired {
                expired_at: MAX_EXP,
                now: u64::MAX
            }
        );
    }
    // Just under the clamp, the expiry is exact.
    let token = policy.sign_at(&creds(), MAX_EXP - 86_400);
    assert_eq!(token.expires_at(), MAX_EXP);
    let token = policy.sign_at(&creds(), MAX_EXP - 86_401);
    assert_eq!(token.expires_at(), MAX_EXP - 1);
    assert_eq!(policy.sign_at(&creds(), 0).expires_at(), 86_400);
}

/// Error messages quote untrusted text escaped and cut to 64 characters, so a hostile token
/// cannot flood a log or write control characters to a terminal. (The error's fields keep the
/// whole value for callers that want it.)
/// The refusals among an inspection's problems.
fn inspected_refusals(token: &str) -> (TokenKind, Vec<Error>) {
    let inspection = inspect_at(token, NOW).unwrap();
    let refusals = inspection
        .problems()
        .iter()
        .filter_map(|p| match p {
            Problem::Refused(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    (inspection.kind(), refusals)
}

/// A `cty` of Twilio's Access Token type, spelled in any case, with spaces, with the
/// `application/` prefix, a quoted or other version, or escaped, marks an Access Token: the
/// capability verifier refuses it though its claims hold a valid `scope`, the Access Token
/// verifier refuses every spelling but the exact one, and `inspect_at` calls it an Access Token
/// and refuses it as its verifier does. No verifier reads it as a capability token.
#[test]
fn a_cty_of_access_tokens_in_any_spelling_is_never_a_capability_token() {
    let key = ApiKey::new(ACCOUNT, "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", SECRET).unwrap();
    let payload = payload().replacen(
        '{',
        r#"{"grants":{"identity":"root","voice":{"incoming":{"allow":true}}},"#,
        1,
    );
    for cty in [
        "twilio-fpa;v=1",
        r"twilio-fpa;v\u003d1",
        "TWILIO-FPA;V=1",
        "Twilio-Fpa;v=1",
        " twilio-fpa;v=1",
        "twilio-fpa;v=1 ",
        "twilio-fpa; v=1",
        "twilio-fpa ;v=1",
        r"twilio-fpa;\tv=1",
        r#"twilio-fpa;v=\"1\""#,
        "twilio-fpa;v=2",
        "twilio-fpa",
        "application/twilio-fpa;v=1",
        "Application/Twilio-FPA;v=1",
    ] {
        let token = sign_json(&format!(r#"{{"alg":"HS256","cty":"{cty}"}}"#), &payload);
        assert!(
            matches!(err(&token), Error::InvalidHeader { member: "cty", .. }),
            "{cty}: {:?}",
            err(&token)
        );
        let access = key.verify_at(&token, NOW).unwrap_err();
        let (kind, refusals) = inspected_refusals(&token);
        assert_eq!(kind, TokenKind::Access, "{cty}");
        assert!(
            refusals.contains(&access),
            "{cty}: {access:?} not in {refusals:?}"
        );
    }
    // Other `cty` values are no Access Token's: a capability token, granting its scope.
    for cty in [
        "JWT",
        "twilio",
        "twilio-fpa2",
        "x-twilio-fpa;v=1",
        "fpa;v=1",
        "",
    ] {
        let token = sign_json(&format!(r#"{{"alg":"HS256","cty":"{cty}"}}"#), &payload);
        assert_eq!(
            verify(&token).unwrap().grants().incoming().unwrap(),
            "Alice"
        );
        assert_eq!(inspected_refusals(&token), (TokenKind::Capability, vec![]));
    }
}

/// A `scope` of the wrong type is a capability token's claim all the same: `inspect_at` calls
/// the token a capability token and refuses its `scope` as the verifier does, with `grants`
/// beside it or not.
#[test]
fn a_scope_of_any_type_makes_a_capability_token() {
    let p = payload();
    for scope in ["7", "null", "true", "[]", "{}"] {
        for grants in ["", r#""grants":{"identity":"root"},"#] {
            let payload = p.replacen(&format!(r#""{ALICE}""#), scope, 1).replacen(
                '{',
                &format!("{{{grants}"),
                1,
            );
            let token = sign_json(PHP_HEADER, &payload);
            let refused = err(&token);
            assert!(
                matches!(refused, Error::InvalidClaim { claim: "scope", .. }),
                "{payload}: {refused:?}"
            );
            let (kind, refusals) = inspected_refusals(&token);
            assert_eq!(kind, TokenKind::Capability, "{payload}");
            assert!(refusals.contains(&refused), "{payload}: {refusals:?}");
        }
    }
}

#[test]
fn errors_about_hostile_text_are_short_and_escaped() {
    let evil = format!("Mallory\n\u{1b}[31m{}", "x".repeat(4_000));
    let shown = |e: &Error| {
        let text = e.to_string();
        assert!(!text.contains(['\n', '\u{1b}']), "{text}");
        // 64 characters of at most 10 bytes escaped each, and the fixed text.
        assert!(text.len() < 1000, "{} bytes: {text}", text.len());
        text
    };

    let claims = format!(
        r#"{{"scope":"{ALICE}","iss":{},"exp":{EXP}}}"#,
        json_string(&evil)
    );
    let e = err(&sign_json(PHP_HEADER, &claims));
    assert!(matches!(&e, Error::WrongIssuer { found, .. } if *found == evil));
    assert!(shown(&e).contains(r"Mallory\n\u{1b}[31mxxx"));

    let header = format!(r#"{{"alg":{}}}"#, json_string(&evil));
    let e = err(&sign_json(&header, &payload()));
    assert!(matches!(&e, Error::UnsupportedAlgorithm { alg } if *alg == evil));
    shown(&e);

    let header = format!(r#"{{"alg":"HS256",{}:1,{0}:2}}"#, json_string(&evil));
    let e = err(&sign_json(&header, &payload()));
    assert!(matches!(&e, Error::Malformed(Malformed::DuplicateKey { key, .. }) if *key == evil));
    shown(&e);

    // Invisible characters, and combining ones with nothing to sit on, are escaped: a key of
    // them does not pass for an empty one.
    let hidden = "\u{3164}\u{200B}\u{301}\u{2066}";
    let header = format!(r#"{{"alg":"HS256",{}:1,{0}:2}}"#, json_string(hidden));
    let text = shown(&err(&sign_json(&header, &payload())));
    assert!(
        text.contains(r"`\u{3164}\u{200b}\u{301}\u{2066}`"),
        "{text}"
    );
    assert!(!text.contains(|c| hidden.contains(c)), "{text}");

    // A header or payload that is a long string: the reader says where, and quotes nothing.
    let e = err(&sign_json(PHP_HEADER, &json_string(&evil)));
    assert!(matches!(
        e,
        Error::Malformed(Malformed::Json {
            part: TokenPart::Payload,
            ..
        })
    ));
    assert!(shown(&e).ends_with("expected a JSON object at line 1 column 1"));
    let e = err(&sign_json(&json_string(&evil), &payload()));
    assert!(matches!(
        e,
        Error::Malformed(Malformed::Json {
            part: TokenPart::Header,
            ..
        })
    ));
    shown(&e);

    let encoded = "%0A%1B".repeat(1500);
    for scope in [
        format!("scope:client:incoming?clientName=Alice&{encoded}=1"),
        format!("scope:stream:subscribe?path={encoded}"),
        format!("scope:client:incoming?clientName={encoded}"),
        format!("scope:client:outgoing?appSid={encoded}"),
    ] {
        let claims = format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":{EXP}}}"#);
        let e = err(&sign_json(PHP_HEADER, &claims));
        assert!(matches!(e, Error::InvalidScope { .. }), "{e:?}");
        shown(&e);
    }
}
