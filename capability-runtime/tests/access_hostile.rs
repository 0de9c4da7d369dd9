//! Hostile Access Tokens: what `ApiKey::verify_at` rejects, with which error.
//!
//! Most tokens here are crafted by hand and SIGNED WITH THE RIGHT KEY, so each test proves the
//! check that comes after the signature. `valid_hand_made_tokens_verify` shows the crafting itself
//! produces tokens the verifier accepts. The JSON reader is compared with serde_json.

mod common;

use common::access::{ACCOUNT, KEY_SECRET, KEY_SID};
use common::{b64, sign_json, sign_segments};

use capability_runtime::{
    inspect_at, AccessPolicy, ApiKey, AppSid, ClientName, Credentials, Error, GrantKind, Identity,
    Malformed, PlaybackGrant, Policy, Problem, TokenKind, TokenPart, VerifiedAccessToken,
    VideoGrant, VoiceGrant, MAX_OTHER_MEMBERS, MAX_OUTGOING_PARAMS, MAX_TOKEN_LEN, MAX_VALUES,
};

const NOW: u64 = 1_700_000_000;
const EXP: u64 = NOW + 3600;
const PHP_HEADER: &str = r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#;
/// A header the verifier has to parse (not one of those it knows by heart).
const PARSED_HEADER: &str = r#"{"cty":"twilio-fpa;v=1","alg":"HS256","kid":"k1"}"#;

fn key() -> ApiKey {
    ApiKey::new(ACCOUNT, KEY_SID, KEY_SECRET).unwrap()
}

/// A payload with these grants (a JSON object's text).
fn payload_with_grants(grants: &str) -> String {
    format!(
        r#"{{"jti":"{KEY_SID}-{NOW}","iss":"{KEY_SID}","sub":"{ACCOUNT}","exp":{EXP},"grants":{grants}}}"#
    )
}

fn payload() -> String {
    payload_with_grants(r#"{"identity":"alice","video":{"room":"r"}}"#)
}

fn verify(token: &str) -> Result<VerifiedAccessToken, Error> {
    key().verify_at(token, NOW)
}

fn err(token: &str) -> Error {
    verify(token).expect_err("the token must be rejected")
}

fn with_payload(payload: &str) -> Error {
    err(&sign_json(PHP_HEADER, payload))
}

#[test]
fn valid_hand_made_tokens_verify() {
    for header in [
        PHP_HEADER,
        PARSED_HEADER,
        r#"{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}"#,
        r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1","twr":null}"#,
        r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1","twr":""}"#,
        r#" { "alg" : "HS256" , "cty" : "twilio-fpa;v=1" } "#,
    ] {
        let verified = verify(&sign_json(header, &payload())).unwrap();
        assert_eq!(verified.identity().unwrap(), "alice", "{header}");
        assert_eq!(verified.region(), None);
    }
    let verified = verify(&sign_json(
        r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":"ie1"}"#,
        &payload(),
    ))
    .unwrap();
    assert_eq!(verified.region().unwrap(), "ie1");
}

#[test]
fn the_layouts_of_every_library_read_the_same() {
    // Ours and twilio-php's (read by comparing with the key's own claims), then reordered,
    // spaced and escaped (read by the general reader): the same token.
    let grants = r#"{"identity":"alice","voice":{"incoming":{"allow":true},"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"To":"+1 555"}}},"video":{}}"#;
    let canonical = payload_with_grants(grants);
    let others = [
        format!(
            r#"{{"grants":{grants},"sub":"{ACCOUNT}","iss":"{KEY_SID}","exp":{EXP},"jti":"{KEY_SID}-{NOW}"}}"#
        ),
        format!(
            r#" {{ "jti" : "{KEY_SID}-{NOW}" , "iss" : "{KEY_SID}" , "sub" : "{ACCOUNT}" , "exp" : {EXP} , "grants" : {grants} }} "#
        ),
        canonical.replace(r#""jti""#, r#""\u006a\u0074\u0069""#),
        canonical.replace("alice", r"\u0061lice"),
        canonical.replace("video", r"vid\u0065o"),
    ];
    let expected = verify(&sign_json(PHP_HEADER, &canonical)).unwrap();
    for other in others {
        assert_eq!(
            verify(&sign_json(PHP_HEADER, &other)).unwrap(),
            expected,
            "{other}"
        );
    }
}

#[test]
fn oversized_tokens_are_not_decoded() {
    let token = "a".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(
        err(&token),
        Error::TokenTooLarge {
            len: MAX_TOKEN_LEN + 1,
            max: MAX_TOKEN_LEN
        }
    );
}

#[test]
fn malformed_shapes() {
    let good = sign_json(PHP_HEADER, &payload());
    let (head, sig) = good.rsplit_once('.').unwrap();
    for (token, found) in [("", 1), ("abc", 1), ("a.b", 2), ("a.b.c.d", 4), ("..", 3)] {
        let e = err(token);
        if found != 3 {
            assert_eq!(
                e,
                Error::Malformed(Malformed::Segments { found }),
                "{token}"
            );
        }
    }
    let extra_dot = format!("{}.x.{sig}", head);
    assert_eq!(
        err(&extra_dot),
        Error::Malformed(Malformed::Segments { found: 4 })
    );
    // Padding, the standard alphabet, spaces.
    for token in [
        format!("{head}.{sig}="),
        format!("{head}.{}", sig.replace(['-', '_'], "+")),
    ] {
        assert!(
            matches!(
                err(&token),
                Error::Malformed(Malformed::Base64(TokenPart::Signature)) | Error::BadSignature
            ),
            "{token}"
        );
    }
    let padded_payload = sign_segments(&b64(PHP_HEADER), &format!("{}=", b64(payload())));
    assert_eq!(
        err(&padded_payload),
        Error::Malformed(Malformed::Base64(TokenPart::Payload))
    );
}

#[test]
fn headers() {
    let cases: [(&str, Error); 11] = [
        (
            r#"{"alg":"none","cty":"twilio-fpa;v=1"}"#,
            Error::UnsupportedAlgorithm { alg: "none".into() },
        ),
        (
            r#"{"alg":"HS512","cty":"twilio-fpa;v=1"}"#,
            Error::UnsupportedAlgorithm {
                alg: "HS512".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","crit":["exp"]}"#,
            Error::CriticalHeader,
        ),
        (
            r#"{"typ":"JWT","alg":"HS256"}"#,
            Error::InvalidHeader {
                member: "cty",
                expected: "`twilio-fpa;v=1`",
                found: "missing".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=2"}"#,
            Error::InvalidHeader {
                member: "cty",
                expected: "`twilio-fpa;v=1`",
                found: "`twilio-fpa;v=2`".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":1}"#,
            Error::InvalidHeader {
                member: "cty",
                expected: "`twilio-fpa;v=1`",
                found: "a number".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JOSE"}"#,
            Error::InvalidHeader {
                member: "typ",
                expected: "`JWT`, or no `typ`",
                found: "`JOSE`".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":"IE1"}"#,
            Error::InvalidHeader {
                member: "twr",
                expected: "a region code such as `us1`, null, or no `twr`",
                found: "`IE1`".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":5}"#,
            Error::InvalidHeader {
                member: "twr",
                expected: "a region code such as `us1`, null, or no `twr`",
                found: "a number".into(),
            },
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","\u0061lg":"none"}"#,
            Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Header,
                key: "alg".into(),
            }),
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","x":{"a":1,"a":2}}"#,
            Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Header,
                key: "a".into(),
            }),
        ),
    ];
    for (header, expected) in cases {
        assert_eq!(err(&sign_json(header, &payload())), expected, "{header}");
    }
    // Not JSON, not an object, trailing data, not UTF-8: all malformed headers.
    for header in [&b"[]"[..], b"{} {}", b"{", b"\xff{}", b"\"x\""] {
        let token = sign_segments(&b64(header), &b64(payload()));
        assert!(
            matches!(
                err(&token),
                Error::Malformed(Malformed::Json {
                    part: TokenPart::Header,
                    ..
                })
            ),
            "{header:?}"
        );
    }
}

#[test]
fn claims() {
    let base = payload();
    let replace = |from: &str, to: &str| base.replacen(from, to, 1);
    let exp = format!(r#""exp":{EXP}"#);
    for (payload, expected) in [
        (
            replace(&exp, r#""exp":"1700003600""#),
            Error::InvalidClaim {
                claim: "exp",
                found: "a string",
            },
        ),
        (
            replace(&exp, r#""exp":1700003600.0"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "a number with a fraction or an exponent",
            },
        ),
        // Numbers are typed from their text, never converted: as large as JSON allows.
        (
            replace(&exp, r#""exp":1e999"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "a number with a fraction or an exponent",
            },
        ),
        (
            replace(&exp, r#""exp":18446744073709551616"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "an integer beyond 2^53-1",
            },
        ),
        (
            replace(&exp, r#""exp":-1"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "a negative number",
            },
        ),
        (
            replace(&exp, r#""exp":9007199254740992"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "an integer beyond 2^53-1",
            },
        ),
        (
            replace(&exp, r#""exp":null"#),
            Error::InvalidClaim {
                claim: "exp",
                found: "null",
            },
        ),
        (replace(&format!(",{exp}"), ""), Error::MissingClaim("exp")),
        (
            replace(&format!(r#""iss":"{KEY_SID}","#), ""),
            Error::MissingClaim("iss"),
        ),
        (
            replace(&format!(r#""sub":"{ACCOUNT}","#), ""),
            Error::MissingClaim("sub"),
        ),
        (
            replace(&format!(r#""sub":"{ACCOUNT}""#), r#""sub":5"#),
            Error::InvalidClaim {
                claim: "sub",
                found: "a number",
            },
        ),
        (
            replace(&format!(r#""jti":"{KEY_SID}-{NOW}""#), r#""jti":[]"#),
            Error::InvalidClaim {
                claim: "jti",
                found: "an array",
            },
        ),
        (
            payload_with_grants("[]"),
            Error::InvalidClaim {
                claim: "grants",
                found: "an array",
            },
        ),
        (
            base.replace(r#","grants":{"identity":"alice","video":{"room":"r"}}"#, ""),
            Error::MissingClaim("grants"),
        ),
        (
            replace(&exp, &format!(r#""nbf":"x",{exp}"#)),
            Error::InvalidClaim {
                claim: "nbf",
                found: "a string",
            },
        ),
        (
            replace(&exp, &format!(r#""iat":true,{exp}"#)),
            Error::InvalidClaim {
                claim: "iat",
                found: "a boolean",
            },
        ),
        (
            replace(
                &format!(r#""iss":"{KEY_SID}""#),
                r#""iss":"SK00000000000000000000000000000000""#,
            ),
            Error::WrongApiKey {
                found: "SK00000000000000000000000000000000".into(),
                expected: KEY_SID.into(),
            },
        ),
        (
            replace(
                &format!(r#""sub":"{ACCOUNT}""#),
                r#""sub":"AC00000000000000000000000000000000""#,
            ),
            Error::WrongAccount {
                found: "AC00000000000000000000000000000000".into(),
                expected: ACCOUNT.into(),
            },
        ),
        (
            replace(&exp, &format!(r#""exp":{NOW}"#)),
            Error::Expired {
                expired_at: NOW,
                now: NOW,
            },
        ),
        (
            replace(&exp, &format!(r#""nbf":{},{exp}"#, NOW + 1)),
            Error::NotYetValid {
                not_before: NOW + 1,
                now: NOW,
            },
        ),
    ] {
        assert_eq!(with_payload(&payload), expected, "{payload}");
    }
}

#[test]
fn repeated_keys_at_any_level_in_any_spelling() {
    let base = payload();
    for (payload, key) in [
        (base.replacen(r#""exp""#, r#""exp":1,"\u0065xp""#, 1), "exp"),
        (
            base.replacen(r#""iss""#, &format!(r#""iss":"{KEY_SID}","iss""#), 1),
            "iss",
        ),
        (
            payload_with_grants(r#"{"identity":"a","identity":"b"}"#),
            "identity",
        ),
        (
            payload_with_grants(r#"{"identity":"a","video":{},"vide\u006f":{}}"#),
            "video",
        ),
        (
            payload_with_grants(r#"{"identity":"a","video":{"room":"x","room":"y"}}"#),
            "room",
        ),
        (
            payload_with_grants(
                r#"{"identity":"a","voice":{"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"a":"1","b":"2","a":"3"}}}}"#,
            ),
            "a",
        ),
        (
            payload_with_grants(r#"{"identity":"a","player":{"x":{"y":1,"y":2}}}"#),
            "y",
        ),
        (
            payload_with_grants(r#"{"identity":"a","rtc":{"k":1,"k":2}}"#),
            "k",
        ),
        (
            payload_with_grants(r#"{"identity":"a","rtc":1,"rtc":2}"#),
            "rtc",
        ),
        (base.replacen("{", r#"{"custom":{"z":1,"z":2},"#, 1), "z"),
    ] {
        assert_eq!(
            with_payload(&payload),
            Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Payload,
                key: key.into()
            }),
            "{payload}"
        );
    }
    // Distinct keys: up to 32 in an object the verifier does not know, where a repeat among
    // them is still found; one more is refused before finding repeats costs more than reading.
    let keys = |n: usize| (0..n).map(|i| format!(r#""k{i}":{i}"#)).collect::<Vec<_>>();
    let grant = |keys: &[String]| {
        payload_with_grants(&format!(
            r#"{{"identity":"a","rtc":{{{}}}}}"#,
            keys.join(",")
        ))
    };
    assert!(verify(&sign_json(PHP_HEADER, &grant(&keys(32)))).is_ok());
    let mut repeated = keys(31);
    repeated.push(r#""k30":0"#.into());
    assert_eq!(
        with_payload(&grant(&repeated)),
        Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Payload,
            key: "k30".into()
        })
    );
    for (payload, part) in [
        (grant(&keys(33)), TokenPart::Payload),
        (
            base.replacen(
                "{",
                &format!(r#"{{"custom":{{{}}},"#, keys(800).join(",")),
                1,
            ),
            TokenPart::Payload,
        ),
    ] {
        assert_eq!(
            with_payload(&payload),
            Error::Malformed(Malformed::TooManyMembers {
                part,
                max: MAX_OTHER_MEMBERS
            })
        );
    }
    // Repeats count: an object of one key repeated is refused after as many members.
    let same = vec![r#""k":0"#.to_owned(); 800];
    assert_eq!(
        with_payload(&grant(&same)),
        Error::Malformed(Malformed::TooManyMembers {
            part: TokenPart::Payload,
            max: MAX_OTHER_MEMBERS
        })
    );
    // The outgoing parameters: up to `MAX_OUTGOING_PARAMS`, a repeat among them found; one
    // more, or a repeat past them, is refused unread.
    let params = |n: usize| (0..n).map(|i| format!(r#""k{i}":"v""#)).collect::<Vec<_>>();
    let voice = |params: &[String]| {
        payload_with_grants(&format!(
            r#"{{"identity":"a","voice":{{"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{{}}}}}}}}}"#,
            params.join(",")
        ))
    };
    let most = params(MAX_OUTGOING_PARAMS);
    let verified = verify(&sign_json(PHP_HEADER, &voice(&most))).unwrap();
    let outgoing = verified
        .grants()
        .voice()
        .unwrap()
        .outgoing_application()
        .unwrap();
    assert_eq!(outgoing.params().len(), MAX_OUTGOING_PARAMS);
    let mut repeated = params(MAX_OUTGOING_PARAMS - 1);
    repeated.push(r#""k3":"w""#.into());
    assert_eq!(
        with_payload(&voice(&repeated)),
        Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Payload,
            key: "k3".into()
        })
    );
    let mut repeated = most.clone();
    repeated.push(r#""k3":"w""#.into());
    for payload in [
        voice(&params(MAX_OUTGOING_PARAMS + 1)),
        voice(&params(800)),
        voice(&repeated),
        voice(&vec![r#""k":"v""#.to_owned(); 800]),
    ] {
        let token = sign_json(PHP_HEADER, &payload);
        assert_eq!(common::access_disagreement(&key(), &token, NOW), None);
        let error = err(&token);
        assert_eq!(
            error,
            Error::Malformed(Malformed::TooManyParams {
                max: MAX_OUTGOING_PARAMS
            })
        );
        assert_eq!(
            error.to_string(),
            "the token's `voice` grant has more than 64 outgoing parameters, the most an Access \
             Token may carry; it was not read further"
        );
    }
    // Unknown fields of a grant count as well.
    let fields = |n: usize| {
        payload_with_grants(&format!(
            r#"{{"identity":"a","video":{{"room":"r",{}}}}}"#,
            keys(n).join(",")
        ))
    };
    assert_eq!(
        with_payload(&fields(MAX_OTHER_MEMBERS + 1)),
        Error::Malformed(Malformed::TooManyMembers {
            part: TokenPart::Payload,
            max: MAX_OTHER_MEMBERS
        })
    );
}

/// A header or payload holds at most `MAX_VALUES` values, at any depth, grants and unknown
/// members alike: one more is refused by `verify_at` and `inspect_at` alike, in the header
/// before the signature is checked.
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
    assert_eq!(verify(&token).unwrap().identity().unwrap(), "alice");
    assert_eq!(common::access_disagreement(&key(), &token, NOW), None);
    for over in [
        common::holding_values(&payload(), MAX_VALUES + 1),
        // In an unknown grant, nested.
        payload_with_grants(&format!(
            r#"{{"identity":"alice","other":[{}]}}"#,
            vec!["[[],[]]"; 90].join(",")
        )),
    ] {
        let token = sign_json(PHP_HEADER, &over);
        assert_eq!(err(&token), expected(TokenPart::Payload), "{over}");
        assert_eq!(common::access_disagreement(&key(), &token, NOW), None);
    }
    let header = common::holding_values(PARSED_HEADER, MAX_VALUES);
    assert_eq!(
        verify(&sign_json(&header, &payload()))
            .unwrap()
            .identity()
            .unwrap(),
        "alice"
    );
    let header = common::holding_values(PARSED_HEADER, MAX_VALUES + 1);
    let token = sign_json(&header, &payload());
    assert_eq!(err(&token), expected(TokenPart::Header));
    assert_eq!(common::access_disagreement(&key(), &token, NOW), None);
    let (unsigned, _) = token.rsplit_once('.').unwrap();
    assert_eq!(err(&format!("{unsigned}.x")), expected(TokenPart::Header));
}

#[test]
fn malformed_json_payloads() {
    let base = payload();
    for payload in [
        format!("{base} x"),
        format!("{base}}}"),
        base.replacen('}', ",}", 1),
        base.replacen(':', " ", 1),
        base[..base.len() - 1].to_owned(),
        "[]".to_owned(),
        String::new(),
        base.replace("alice", r"\ud800"),
        base.replace("alice", r"\udc00x"),
        base.replace("alice", r"\u00"),
        base.replace("alice", "a\nb"),
        base.replace("alice", r"\q"),
        base.replacen(&EXP.to_string(), "01", 1),
        base.replacen(&EXP.to_string(), "1.", 1),
        base.replacen(&EXP.to_string(), "+1", 1),
        base.replacen(&EXP.to_string(), "NaN", 1),
        base.replacen(r#""room":"r""#, r#""room":tru"#, 1),
    ] {
        assert!(
            matches!(
                with_payload(&payload),
                Error::Malformed(Malformed::Json {
                    part: TokenPart::Payload,
                    ..
                })
            ),
            "{payload}"
        );
        // serde_json refuses them too.
        assert!(
            serde_json::from_str::<serde_json::Value>(&payload).is_err()
                || !payload.starts_with('{'),
            "{payload}"
        );
    }
    // Not UTF-8.
    let token = sign_segments(
        &b64(PHP_HEADER),
        &b64([b"{\"a\":\"\xff\"}".as_slice()].concat()),
    );
    assert!(matches!(
        err(&token),
        Error::Malformed(Malformed::Json { .. })
    ));
}

#[test]
fn nesting_is_limited_whatever_the_spelling() {
    for depth in [31, 32, 33, 10_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let in_grant = payload_with_grants(&format!(r#"{{"identity":"a","rtc":{deep}}}"#));
        let result = verify(&sign_json(PHP_HEADER, &in_grant));
        assert_eq!(result.is_ok(), depth <= 32, "{depth}");
        let deep = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let in_claim = payload().replacen('{', &format!(r#"{{"custom":{deep},"#), 1);
        let result = verify(&sign_json(PHP_HEADER, &in_claim));
        assert_eq!(result.is_ok(), depth <= 32, "{depth}");
    }
}

/// A number no float holds (`1e400`, 400 digits) is valid JSON wherever it is. In a grant kept
/// in twilio-php's encoding, which has no such number, it is a grant the verifier refuses, and
/// `inspect_at` reads the token and refuses the grant too, instead of calling the JSON malformed;
/// without the `cty`, the token is read as the capability verifier reads it. Unread, such a
/// number is ignored.
#[test]
fn numbers_beyond_a_float_are_json_in_kept_grants_too() {
    let huge = format!("1{}", "0".repeat(400));
    let credentials = Credentials::new(ACCOUNT, KEY_SECRET).unwrap();
    for number in ["1e400", "-1e400", "1E+309", &huge] {
        for (grants, grant) in [
            (
                format!(r#"{{"identity":"a","rtc":{{"x":[1,{number}]}}}}"#),
                "grants",
            ),
            (
                format!(r#"{{"identity":"a","player":{{"x":{{"y":{number}}}}}}}"#),
                "player",
            ),
        ] {
            let payload = payload_with_grants(&grants);
            let token = sign_json(PHP_HEADER, &payload);
            let refused = err(&token);
            assert!(
                matches!(refused, Error::InvalidGrant { grant: g, .. } if g == grant),
                "{payload}: {refused:?}"
            );
            let inspection = inspect_at(&token, NOW).unwrap();
            assert_eq!(inspection.kind(), TokenKind::Access);
            assert!(
                inspection.problems().contains(&Problem::Refused(refused)),
                "{payload}: {:?}",
                inspection.problems()
            );

            let token = sign_json(r#"{"typ":"JWT","alg":"HS256"}"#, &payload);
            assert_eq!(
                credentials.verify_at(&token, NOW).unwrap_err(),
                Error::MissingClaim("scope")
            );
            let inspection = inspect_at(&token, NOW).unwrap();
            assert_eq!(inspection.kind(), TokenKind::Access, "{payload}");
        }
        let custom = payload().replacen('{', &format!(r#"{{"custom":{{"x":[{number}]}},"#), 1);
        assert!(verify(&sign_json(PHP_HEADER, &custom)).is_ok(), "{custom}");
    }
    // Numbers a float holds, however written, are kept as twilio-php writes them.
    let payload =
        payload_with_grants(r#"{"identity":"a","rtc":{"x":[-0,1E+2,0.0e0,18446744073709551616]}}"#);
    let verified = verify(&sign_json(PHP_HEADER, &payload)).unwrap();
    assert_eq!(
        verified.grants().other_grants(),
        [(
            "rtc".to_owned(),
            r#"{"x":[-0.0,100.0,0.0,1.8446744073709552e19]}"#.to_owned()
        )]
    );
}

#[test]
fn grants_this_library_knows_must_be_well_formed() {
    for (grants, grant) in [
        (
            r#"{"identity":"a","voice":{"incoming":{"allow":1}}}"#,
            "voice",
        ),
        (
            r#"{"identity":"a","voice":{"outgoing":{"application_sid":"AC0123456789abcdef0123456789abcdef"}}}"#,
            "voice",
        ),
        (
            r#"{"identity":"a","voice":{"push_credential_sid":"CRx"}}"#,
            "voice",
        ),
        (r#"{"identity":"a","voice":{"extra":true}}"#, "voice"),
        (r#"{"identity":"a","video":{"room":""}}"#, "video"),
        (r#"{"identity":"a","chat":{"service_sid":"IS0"}}"#, "chat"),
        (r#"{"identity":"a","data_sync":"x"}"#, "data_sync"),
        (
            r#"{"identity":"a","task_router":{"worker_sid":"WS0123456789abcdef0123456789abcdef"}}"#,
            "task_router",
        ),
        (r#"{"identity":"a","player":[]}"#, "player"),
        (r#"{"identity":5}"#, "identity"),
        (r#"{"identity":"a\u0000"}"#, "identity"),
    ] {
        match with_payload(&payload_with_grants(grants)) {
            Error::InvalidGrant { grant: g, .. } => assert_eq!(g, grant, "{grants}"),
            other => panic!("{grants}: {other:?}"),
        }
    }
}

#[test]
fn unknown_grants_and_claims_are_kept_or_dropped_not_refused() {
    let payload = payload_with_grants(
        r#"{"ip_messaging":{"service_sid":"IS0123456789abcdef0123456789abcdef"},"identity":"a","rtc":{"configuration_profile_sid":"CP1"},"player":null}"#,
    )
    .replacen('{', r#"{"foo":"bar\/baz","#, 1);
    let verified = verify(&sign_json(PHP_HEADER, &payload)).unwrap();
    assert_eq!(
        verified.grants().other_grants(),
        [
            (
                "ip_messaging".to_owned(),
                r#"{"service_sid":"IS0123456789abcdef0123456789abcdef"}"#.to_owned()
            ),
            (
                "rtc".to_owned(),
                r#"{"configuration_profile_sid":"CP1"}"#.to_owned()
            ),
        ]
    );
    assert_eq!(verified.grants().kinds(), [GrantKind::Playback]);
    assert_eq!(verified.grants().playback().unwrap().as_json(), "{}");
}

#[test]
fn the_other_token_kind_is_refused_by_each_verifier() {
    let access = AccessPolicy::builder()
        .identity(Identity::new("alice").unwrap())
        .video(VideoGrant::new())
        .build()
        .unwrap()
        .sign_at(&key(), NOW);
    let credentials = Credentials::new(ACCOUNT, KEY_SECRET).unwrap();
    // Same secret on purpose: the header tells the kinds apart, not only the key.
    assert!(matches!(
        credentials.verify_at(access.as_str(), NOW).unwrap_err(),
        Error::InvalidHeader { member: "cty", .. }
    ));
    let capability = Policy::builder()
        .incoming(ClientName::new("alice").unwrap())
        .build()
        .unwrap()
        .sign_at(&credentials, NOW);
    assert!(matches!(
        key().verify_at(capability.as_str(), NOW).unwrap_err(),
        Error::InvalidHeader { member: "cty", .. }
    ));
}

/// A verifier's refusal of a token of the other kind says which kinds are involved and what
/// verifies the token, and quotes no secret: a capability token given to `ApiKey::verify_at`
/// (with no `cty`, or another one), an Access Token given to `Credentials::verify_at` (with its
/// `cty`, or without it and so without a `scope`), and a token of neither kind.
#[test]
fn refusals_of_the_other_kind_name_the_kinds() {
    let credentials = Credentials::new(ACCOUNT, KEY_SECRET).unwrap();
    let capability = Policy::builder()
        .incoming(ClientName::new("alice").unwrap())
        .build()
        .unwrap()
        .sign_at(&credentials, NOW);
    let (_, capability_claims, _) = {
        let mut parts = capability.as_str().split('.');
        (parts.next(), parts.next().unwrap(), parts.next())
    };
    let capability_claims = String::from_utf8(common::b64_decode(capability_claims)).unwrap();
    let cases = [
        (
            key().verify_at(capability.as_str(), NOW).unwrap_err(),
            ["capability token", "`Credentials`"],
        ),
        (
            verify(&sign_json(
                r#"{"alg":"HS256","cty":"JWT"}"#,
                &capability_claims,
            ))
            .unwrap_err(),
            ["capability token", "`Credentials`"],
        ),
        (
            credentials
                .verify_at(&sign_json(PHP_HEADER, &payload()), NOW)
                .unwrap_err(),
            ["Access Token", "`ApiKey`"],
        ),
        (
            credentials
                .verify_at(
                    &sign_json(r#"{"typ":"JWT","alg":"HS256"}"#, &payload()),
                    NOW,
                )
                .unwrap_err(),
            ["capability token", "`scope`"],
        ),
        (
            with_payload(&format!(
                r#"{{"iss":"{KEY_SID}","sub":"{ACCOUNT}","exp":{EXP},"scope":"scope:client:incoming?clientName=alice"}}"#
            )),
            ["Access Token", "`grants`"],
        ),
    ];
    for (error, words) in cases {
        let text = error.to_string();
        for word in words {
            assert!(text.contains(word), "{word} not in {text:?}");
        }
        assert!(!text.contains(KEY_SECRET), "{text}");
    }
}

#[test]
fn leeway_applies_to_exp_and_nbf() {
    let key = key().with_leeway(std::time::Duration::from_millis(29_500));
    let token = sign_json(
        PHP_HEADER,
        &payload().replacen(
            &format!(r#""exp":{EXP}"#),
            &format!(r#""nbf":{},"exp":{EXP}"#, NOW + 30),
            1,
        ),
    );
    assert!(key.verify_at(&token, NOW).is_ok());
    assert!(key.verify_at(&token, NOW - 1).is_err());
    assert!(key.verify_at(&token, EXP + 29).is_ok());
    assert_eq!(
        key.verify_at(&token, EXP + 30).unwrap_err(),
        Error::Expired {
            expired_at: EXP,
            now: EXP + 30
        }
    );
}

#[test]
fn a_wrong_secret_or_a_changed_byte_is_a_bad_signature() {
    let token = sign_json(PHP_HEADER, &payload());
    let other = ApiKey::new(ACCOUNT, KEY_SID, "another secret").unwrap();
    assert_eq!(
        other.verify_at(&token, NOW).unwrap_err(),
        Error::BadSignature
    );
    let (unsigned, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{unsigned}.{}", b64([0u8; 32]));
    assert_eq!(err(&forged), Error::BadSignature);
    let short = format!("{unsigned}.{}", b64([0u8; 31]));
    assert_eq!(err(&short), Error::BadSignature);
}

#[test]
fn errors_about_hostile_text_are_short_and_escaped() {
    let long = format!("{}\n\u{1b}", "x".repeat(10_000));
    let json = serde_json::to_string(&long).unwrap();
    for token in [
        sign_json(
            &format!(r#"{{"alg":{json},"cty":"twilio-fpa;v=1"}}"#),
            &payload(),
        ),
        sign_json(&format!(r#"{{"alg":"HS256","cty":{json}}}"#), &payload()),
        sign_json(
            &format!(r#"{{"alg":"HS256","cty":"twilio-fpa;v=1","twr":{json}}}"#),
            &payload(),
        ),
        sign_json(
            PHP_HEADER,
            &payload().replacen(
                &format!(r#""iss":"{KEY_SID}""#),
                &format!(r#""iss":{json}"#),
                1,
            ),
        ),
        sign_json(
            PHP_HEADER,
            &payload_with_grants(&format!(r#"{{"identity":"a","voice":{{{json}:1}}}}"#)),
        ),
        sign_json(
            PHP_HEADER,
            &payload_with_grants(&format!(
                r#"{{"identity":"a","voice":{{"outgoing":{{"application_sid":{json}}}}}}}"#
            )),
        ),
        sign_json(
            PHP_HEADER,
            &payload_with_grants(&format!(
                r#"{{"identity":"a","rtc":{{{json}:1,{json}:2}}}}"#
            )),
        ),
        sign_json(
            PHP_HEADER,
            &payload_with_grants(&format!(r#"{{"identity":{json}}}"#)),
        ),
    ] {
        let text = err(&token).to_string();
        assert!(text.len() < 600, "{} bytes: {text}", text.len());
        assert!(!text.contains(['\n', '\u{1b}']), "{text:?}");
    }
    // Invisible characters, and combining ones with nothing to sit on, are escaped, by the
    // verifier and in what `inspect_at` reports alike.
    let hidden = "\u{3164}\u{200B}\u{301}\u{2066}";
    let json = serde_json::to_string(hidden).unwrap();
    let token = sign_json(
        PHP_HEADER,
        &payload_with_grants(&format!(
            r#"{{"identity":"a","rtc":{{{json}:1,{json}:2}}}}"#
        )),
    );
    let refused = err(&token);
    let inspected = capability_runtime::inspect_at(&token, NOW).unwrap();
    assert!(inspected
        .problems()
        .iter()
        .any(|p| p.to_string() == refused.to_string()));
    let text = refused.to_string();
    assert!(text.contains(r"\u{3164}\u{200b}\u{301}\u{2066}"), "{text}");
    assert!(!text.contains(|c| hidden.contains(c)), "{text}");
}

/// JSON texts at the edges of the grammar: the reader accepts exactly what serde_json accepts.
#[test]
fn the_reader_accepts_what_serde_json_accepts() {
    let texts = [
        "{}",
        " {} ",
        "{\t\n\r}",
        r#"{"a":1}"#,
        r#"{"a":-0}"#,
        r#"{"a":-0.0e-0}"#,
        r#"{"a":1E+2}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":.1}"#,
        r#"{"a":+1}"#,
        r#"{"a":1e}"#,
        r#"{"a":0x1}"#,
        r#"{"a":18446744073709551616}"#,
        r#"{"a":-9223372036854775809}"#,
        r#"{"a":1e308}"#,
        r#"{"a":1e309}"#,
        r#"{"a":-1e309}"#,
        r#"{"a":1e-400}"#,
        r#"{"a":[]}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":[,1]}"#,
        r#"{"a":[1 2]}"#,
        r#"{"a":{}}"#,
        r#"{"a":{},}"#,
        r#"{,"a":1}"#,
        r#"{"a"}"#,
        r#"{"a":}"#,
        r#"{a:1}"#,
        r#"{'a':1}"#,
        r#"{"a":true,"b":false,"c":null}"#,
        r#"{"a":True}"#,
        r#"{"a":nul}"#,
        r#"{"a":"\u0000"}"#,
        r#"{"a":"\uD834\uDD1E"}"#,
        r#"{"a":"\uDD1E"}"#,
        r#"{"a":"\uD834"}"#,
        r#"{"a":"\uD834\u0041"}"#,
        r#"{"a":"\x"}"#,
        r#"{"a":"\/"}"#,
        "{\"a\":\"\t\"}",
        "{\"a\":\"\u{7f}\"}",
        "{\"a\":\"é😀\"}",
        r#"{"a":"\u00e9"}"#,
        r#"{"a":1}x"#,
        r#"{"a":1}}"#,
        "{\"a\":1}\u{a0}",
        r#"[1]"#,
        r#""s""#,
        "1",
        "",
        " ",
        "{",
        "}",
        "{\"a\":\"\\",
        r#"{"a":"\u12"}"#,
        r#"{"a":"\uZZZZ"}"#,
        "\u{feff}{}",
    ];
    for text in texts {
        let serde = serde_json::from_str::<serde_json::Value>(text);
        let ours = PlaybackGrant::from_json(text);
        assert_eq!(
            ours.is_ok(),
            matches!(serde, Ok(serde_json::Value::Object(_))),
            "{text:?}: {ours:?} / {serde:?}"
        );
        if let (Ok(ours), Ok(serde)) = (ours, serde) {
            // The kept text means the same.
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(ours.as_json()).unwrap(),
                serde,
                "{text}"
            );
        }
    }
}

#[test]
fn a_policy_with_what_the_verifier_refuses_cannot_be_built() {
    // Parameters with the same key twice cannot be a JSON object.
    let app = AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap();
    let err = AccessPolicy::builder()
        .identity(Identity::new("alice").unwrap())
        .voice(VoiceGrant::new().outgoing(app, [("a", "1"), ("a", "2")]))
        .build()
        .unwrap_err();
    assert_eq!(err, Error::DuplicateParamKey { key: "a".into() });
    // A playback grant deeper than the verifier reads.
    let deep = |n: usize| format!(r#"{{"a":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
    assert!(PlaybackGrant::from_json(&deep(31)).is_ok());
    assert!(PlaybackGrant::from_json(&deep(32)).is_err());
    let playback = PlaybackGrant::from_json(&deep(31)).unwrap();
    let policy = AccessPolicy::builder()
        .identity(Identity::new("alice").unwrap())
        .playback(playback)
        .build()
        .unwrap();
    let token = policy.sign_at(&key(), NOW);
    assert_eq!(verify(token.as_str()).unwrap().grants(), policy.grants());
}
