//! `capability::webhook`: the official libraries' published vectors, the algorithm's cases
//! (ports, repeats, Unicode, query strings, JSON bodies, SharedKeys, rotation), hostile input and
//! the limits. A plain reference implementation of the documented algorithm (`reference_sign`)
//! is checked against the validator on generated requests.

use capability::webhook::{
    body_sha256, Algorithm, AuthToken, FormParams, Request, SharedKey, SignatureSettings,
    SignedWith, UrlForm, Validator, WebhookError, MAX_BODY_LEN, MAX_PARAMS, MAX_URL_LEN,
};
use hmac::{Hmac, KeyInit, Mac};

/// twilio-python's tests/unit/test_request_validator.py: the token, URL and parameters.
const TOKEN: &str = "12345";
const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: [(&str, &str); 5] = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
    ("Caller", "+14158675309"),
];
const EXPECTED: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const BODY: &str = "{\"property\": \"value\", \"boolean\": true}";
const BODY_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

fn validator() -> Validator {
    Validator::new(AuthToken::new(TOKEN).unwrap())
}

fn params() -> FormParams {
    FormParams::from_pairs(PARAMS).unwrap()
}

fn check(url: &str, params: &FormParams, signature: &str) -> Result<(), WebhookError> {
    validator()
        .validate(&Request::form(url, params).signature(Some(signature)))
        .map(drop)
}

/// The documented algorithm, written as plainly as possible: the URL, then for each name in
/// sorted order its distinct values in sorted order, HMAC'd and base64'd.
fn reference_sign(algorithm: Algorithm, key: &[u8], url: &str, params: &[(&str, &str)]) -> String {
    use base64::Engine as _;
    let mut names: Vec<&str> = params.iter().map(|p| p.0).collect();
    names.sort();
    names.dedup();
    let mut data = url.to_owned();
    for name in names {
        let mut values: Vec<&str> = params.iter().filter(|p| p.0 == name).map(|p| p.1).collect();
        values.sort();
        values.dedup();
        for value in values {
            data.push_str(name);
            data.push_str(value);
        }
    }
    let tag = match algorithm {
        Algorithm::HmacSha1 => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
            mac.update(data.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::HmacSha256 => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            mac.update(data.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    base64::engine::general_purpose::STANDARD.encode(tag)
}

// twilio-python's vectors.

#[test]
fn python_vector_signs_and_validates() {
    let token = AuthToken::new(TOKEN).unwrap();
    assert_eq!(token.sign(URL, &params()).unwrap(), EXPECTED);
    check(URL, &params(), EXPECTED).unwrap();
    assert_eq!(
        reference_sign(Algorithm::HmacSha1, TOKEN.as_bytes(), URL, &PARAMS),
        EXPECTED
    );
}

#[test]
fn python_vector_with_repeated_names() {
    // test_compute_signature_duplicate_multi_dict: Digits twice, out of order.
    let params = FormParams::from_pairs([
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
    ])
    .unwrap();
    let expected = "IK+Dwps556ElfBT0I3Rgjkr1wJU=";
    assert_eq!(
        AuthToken::new(TOKEN).unwrap().sign(URL, &params).unwrap(),
        expected
    );
    check(URL, &params, expected).unwrap();
    // The same form as a body (Django's QueryDict in the same test).
    let from_body =
        FormParams::from_form(b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234").unwrap();
    check(URL, &from_body, expected).unwrap();
}

#[test]
fn python_vectors_for_ports() {
    // test_validation_removes_port_on_https: signed without the port, validated with it.
    let with_port = URL.replace(".com", ".com:1234");
    check(&with_port, &params(), EXPECTED).unwrap();
    // test_validation_removes_port_on_http.
    let http_port = with_port.replace("https", "http");
    check(&http_port, &params(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=").unwrap();
    // test_validation_adds_port_on_https: signed with :443, validated without.
    check(URL, &params(), "kvajT1Ptam85bY51eRf/AJRuM3w=").unwrap();
    // test_validation_adds_port_on_http: signed with :80.
    check(
        &URL.replace("https", "http"),
        &params(),
        "0ZXoZLH/DfblKGATFgpif+LLRf4=",
    )
    .unwrap();
}

#[test]
fn which_url_form_and_key_matched() {
    let v = validator();
    let p = params();
    let as_given = v
        .validate(&Request::form(URL, &p).signature(Some(EXPECTED)))
        .unwrap();
    assert_eq!(as_given.url_form(), UrlForm::AsGiven);
    assert_eq!(as_given.signed_with(), &SignedWith::AuthToken);
    let with_port = URL.replace(".com", ".com:1234");
    let without = v
        .validate(&Request::form(&with_port, &p).signature(Some(EXPECTED)))
        .unwrap();
    assert_eq!(without.url_form(), UrlForm::WithoutPort);
    let added = v
        .validate(&Request::form(URL, &p).signature(Some("kvajT1Ptam85bY51eRf/AJRuM3w=")))
        .unwrap();
    assert_eq!(added.url_form(), UrlForm::WithDefaultPort);
}

#[test]
fn python_vector_json_body() {
    // test_compute_hash_unicode and test_validation_of_body_succeeds.
    assert_eq!(body_sha256(BODY.as_bytes()), BODY_HASH);
    let url = format!("{URL}&bodySHA256={BODY_HASH}");
    let v = validator();
    let signature = "a9nBmqA0ju/hNViExpshrM61xv4=";
    v.validate(&Request::json(&url, BODY.as_bytes()).signature(Some(signature)))
        .unwrap();
    // The right signature over an altered body: refused for the body.
    assert_eq!(
        v.validate(&Request::json(&url, b"{\"property\": \"other\"}").signature(Some(signature))),
        Err(WebhookError::BodyHashMismatch)
    );
    // A JSON body needs bodySHA256 in the URL.
    let sig = AuthToken::new(TOKEN)
        .unwrap()
        .sign(URL, &FormParams::new())
        .unwrap();
    assert_eq!(
        v.validate(&Request::json(URL, BODY.as_bytes()).signature(Some(&sig))),
        Err(WebhookError::NoBodyHash)
    );
    // Uppercase hex is not what Twilio writes, and twilio-python compares the text: refused.
    let upper = format!("{URL}&bodySHA256={}", BODY_HASH.to_uppercase());
    let sig = AuthToken::new(TOKEN)
        .unwrap()
        .sign(&upper, &FormParams::new())
        .unwrap();
    assert_eq!(
        v.validate(&Request::json(&upper, BODY.as_bytes()).signature(Some(&sig))),
        Err(WebhookError::BodyHashMismatch)
    );
}

#[test]
fn mismatch_for_any_change() {
    let p = params();
    // Another URL, a parameter changed, added or removed, another token.
    assert_eq!(
        check("https://mycompany.com/myapp.php?foo=1&bar=3", &p, EXPECTED),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        check(&URL.replace("https", "http"), &p, EXPECTED),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        check(&format!("{URL}/"), &p, EXPECTED),
        Err(WebhookError::Mismatch)
    );
    let mut more = params();
    more.push("Extra", "1").unwrap();
    assert_eq!(check(URL, &more, EXPECTED), Err(WebhookError::Mismatch));
    let fewer = FormParams::from_pairs(PARAMS[..4].iter().copied()).unwrap();
    assert_eq!(check(URL, &fewer, EXPECTED), Err(WebhookError::Mismatch));
    let other = Validator::new(AuthToken::new("54321").unwrap());
    assert_eq!(
        other.validate(&Request::form(URL, &p).signature(Some(EXPECTED))),
        Err(WebhookError::Mismatch)
    );
}

#[test]
fn repeats_are_sorted_and_deduplicated_as_the_official_libraries_do() {
    let token = AuthToken::new(TOKEN).unwrap();
    let a = FormParams::from_pairs([("b", "2"), ("a", "z"), ("a", "y"), ("a", "z")]).unwrap();
    let b = FormParams::from_pairs([("a", "y"), ("a", "z"), ("b", "2")]).unwrap();
    assert_eq!(token.sign(URL, &a).unwrap(), token.sign(URL, &b).unwrap());
    let manual = reference_sign(
        Algorithm::HmacSha1,
        TOKEN.as_bytes(),
        &format!("{URL}aya z b2").replace(' ', ""),
        &[],
    );
    assert_eq!(token.sign(URL, &a).unwrap(), manual);
    // A name that prefixes another: "Sid" < "SidAccount", by name first.
    let p = FormParams::from_pairs([("SidAccount", "A"), ("Sid", "Z")]).unwrap();
    let manual = reference_sign(
        Algorithm::HmacSha1,
        TOKEN.as_bytes(),
        &format!("{URL}SidZSidAccountA"),
        &[],
    );
    assert_eq!(token.sign(URL, &p).unwrap(), manual);
}

#[test]
fn unicode_and_query_strings() {
    let token = AuthToken::new(TOKEN).unwrap();
    let url = "https://example.com/voice?name=J%C3%BCrgen&q='quoted'&empty=";
    let p = FormParams::from_form(
        "Body=%E2%9C%93+caf%C3%A9+%F0%9F%98%80&From=%2B15550001111".as_bytes(),
    )
    .unwrap();
    assert_eq!(p.get("Body"), Some("✓ café 😀"));
    let signature = token.sign(url, &p).unwrap();
    assert_eq!(
        signature,
        reference_sign(
            Algorithm::HmacSha1,
            TOKEN.as_bytes(),
            url,
            &[("Body", "✓ café 😀"), ("From", "+15550001111")]
        )
    );
    check(url, &p, &signature).unwrap();
    // The query is signed as written: the same query decoded is another URL.
    assert_eq!(
        check(
            "https://example.com/voice?name=Jürgen&q='quoted'&empty=",
            &p,
            &signature
        ),
        Err(WebhookError::Mismatch)
    );
    // Without the query string.
    assert_eq!(
        check("https://example.com/voice", &p, &signature),
        Err(WebhookError::Mismatch)
    );
}

#[test]
fn shared_keys() {
    let key = SharedKey::new("webhooks_sharedkey_1", "shared secret").unwrap();
    let v = Validator::new(AuthToken::new(TOKEN).unwrap())
        .with_shared_key(key.clone())
        .unwrap();
    let p = params();
    for (algorithm, settings) in [
        (
            Algorithm::HmacSha256,
            "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256",
        ),
        (
            Algorithm::HmacSha256,
            " algorithm = hmac_sha256 , key = webhooks_sharedkey_1 ",
        ),
        (
            Algorithm::HmacSha1,
            "key=webhooks_sharedkey_1,algorithm=HMAC_SHA1",
        ),
        (Algorithm::HmacSha1, "key=webhooks_sharedkey_1"),
    ] {
        let sig = key.sign(algorithm, URL, &p).unwrap();
        assert_eq!(
            sig,
            reference_sign(algorithm, b"shared secret", URL, &PARAMS)
        );
        let accepted = v
            .validate(
                &Request::form(URL, &p)
                    .signature(Some(&sig))
                    .settings(Some(settings)),
            )
            .unwrap();
        assert_eq!(
            accepted.signed_with(),
            &SignedWith::SharedKey("webhooks_sharedkey_1".into())
        );
        // Without the settings header, the auth token is used: refused.
        assert_eq!(
            v.validate(&Request::form(URL, &p).signature(Some(&sig)))
                .map(drop),
            Err(if algorithm == Algorithm::HmacSha1 {
                WebhookError::Mismatch
            } else {
                WebhookError::MalformedSignature
            })
        );
    }
    // The auth token's signature under SharedKey settings: refused.
    assert_eq!(
        v.validate(
            &Request::form(URL, &p)
                .signature(Some(EXPECTED))
                .settings(Some("key=webhooks_sharedkey_1"))
        ),
        Err(WebhookError::Mismatch)
    );
    // A SHA-1 tag where the settings say SHA-256.
    let sha1 = key.sign(Algorithm::HmacSha1, URL, &p).unwrap();
    assert_eq!(
        v.validate(
            &Request::form(URL, &p)
                .signature(Some(&sha1))
                .settings(Some("key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"))
        ),
        Err(WebhookError::MalformedSignature)
    );
    // Unknown id and algorithm, named.
    let err = v
        .validate(
            &Request::form(URL, &p)
                .signature(Some(&sha1))
                .settings(Some("key=webhooks_sharedkey_2,algorithm=HMAC_SHA256")),
        )
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::UnknownKey {
            id: "webhooks_sharedkey_2".into()
        }
    );
    assert!(
        err.to_string().contains("\"webhooks_sharedkey_2\""),
        "{err}"
    );
    let err = v
        .validate(
            &Request::form(URL, &p)
                .signature(Some(&sha1))
                .settings(Some("key=webhooks_sharedkey_1,algorithm=HMAC_SHA512")),
        )
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::UnsupportedAlgorithm {
            name: "HMAC_SHA512".into()
        }
    );
    assert!(err.to_string().contains("HMAC_SHA512"), "{err}");
    // SharedKeys only: a request without settings.
    let only = Validator::shared_keys_only().with_shared_key(key).unwrap();
    assert_eq!(
        only.validate(&Request::form(URL, &p).signature(Some(EXPECTED))),
        Err(WebhookError::NoAuthToken)
    );
}

#[test]
fn shared_key_json_body() {
    let key = SharedKey::new("k", "secret").unwrap();
    let v = Validator::shared_keys_only()
        .with_shared_key(key.clone())
        .unwrap();
    let url = format!("https://example.com/events?bodySHA256={BODY_HASH}");
    let sig = key
        .sign(Algorithm::HmacSha256, &url, &FormParams::new())
        .unwrap();
    v.validate(
        &Request::json(&url, BODY.as_bytes())
            .signature(Some(&sig))
            .settings(Some("key=k,algorithm=HMAC_SHA256")),
    )
    .unwrap();
    assert_eq!(
        v.validate(
            &Request::json(&url, b"{}")
                .signature(Some(&sig))
                .settings(Some("key=k,algorithm=HMAC_SHA256"))
        ),
        Err(WebhookError::BodyHashMismatch)
    );
}

#[test]
fn rotation_accepts_the_primary_and_the_secondary() {
    let p = params();
    let old = AuthToken::new(TOKEN).unwrap();
    let v = Validator::new(AuthToken::new("new token").unwrap()).with_secondary(old);
    let accepted = v
        .validate(&Request::form(URL, &p).signature(Some(EXPECTED)))
        .unwrap();
    assert_eq!(accepted.signed_with(), &SignedWith::SecondaryAuthToken);
    let new_sig = AuthToken::new("new token").unwrap().sign(URL, &p).unwrap();
    let accepted = v
        .validate(&Request::form(URL, &p).signature(Some(&new_sig)))
        .unwrap();
    assert_eq!(accepted.signed_with(), &SignedWith::AuthToken);
    let third = AuthToken::new("third").unwrap().sign(URL, &p).unwrap();
    assert_eq!(
        v.validate(&Request::form(URL, &p).signature(Some(&third))),
        Err(WebhookError::Mismatch)
    );
}

#[test]
fn malformed_signatures_and_headers() {
    let p = params();
    let v = validator();
    assert_eq!(
        v.validate(&Request::form(URL, &p)),
        Err(WebhookError::NoSignature)
    );
    for bad in [
        "",
        "RSOYDt4T1cUTdK1PDd93/VVr8B8",   // no padding
        "RSOYDt4T1cUTdK1PDd93/VVr8B8= ", // a space
        "RSOYDt4T1cUTdK1PDd93_VVr8B8=",  // base64url
        "RSOYDt4T1cUTdK1PDd93/VVr8B9=",  // non-canonical last character
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
        "sha1=RSOYDt4T1cUTdK1PDd93/VVr8B8=",
    ] {
        assert_eq!(
            check(URL, &p, bad),
            Err(WebhookError::MalformedSignature),
            "{bad:?}"
        );
    }
    let long = "A".repeat(100_000);
    assert_eq!(check(URL, &p, &long), Err(WebhookError::MalformedSignature));
    for settings in [
        "",
        "key",
        "algorithm=HMAC_SHA256",
        "key=",
        "key=a,key=b",
        "key=a,algorithm=HMAC_SHA1,algorithm=HMAC_SHA256",
    ] {
        assert!(
            matches!(
                v.validate(
                    &Request::form(URL, &p)
                        .signature(Some(EXPECTED))
                        .settings(Some(settings))
                ),
                Err(WebhookError::MalformedSettings(_))
            ),
            "{settings:?}"
        );
    }
    let huge = format!("key={}", "k".repeat(5000));
    assert!(matches!(
        SignatureSettings::parse(&huge),
        Err(WebhookError::MalformedSettings(_))
    ));
    // A hostile key id is quoted short and escaped.
    let hostile = format!("key={}\n\u{1b}[31m", "x".repeat(500));
    let with_key = Validator::shared_keys_only()
        .with_shared_key(SharedKey::new("k", "s").unwrap())
        .unwrap();
    let err = with_key
        .validate(
            &Request::form(URL, &p)
                .signature(Some(EXPECTED))
                .settings(Some(&hostile)),
        )
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.len() < 400 && !message.contains('\n') && !message.contains('\u{1b}'),
        "{message}"
    );
}

#[test]
fn urls_and_their_limit() {
    let p = FormParams::new();
    for (url, _) in [
        ("example.com/voice", ""),
        ("ftp://example.com/", ""),
        ("https://", ""),
        ("https:///path", ""),
        ("", ""),
    ] {
        assert!(
            matches!(check(url, &p, EXPECTED), Err(WebhookError::InvalidUrl(_))),
            "{url:?}"
        );
    }
    let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
    assert_eq!(
        check(&long, &p, EXPECTED),
        Err(WebhookError::UrlTooLong { len: long.len() })
    );
    let at_limit = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN - 20));
    assert_eq!(at_limit.len(), MAX_URL_LEN);
    let sig = AuthToken::new(TOKEN).unwrap().sign(&at_limit, &p).unwrap();
    check(&at_limit, &p, &sig).unwrap();
    assert!(AuthToken::new(TOKEN).unwrap().sign(&long, &p).is_err());
    // IPv6 literals and user info keep their colons; the port after them is the port.
    let token = AuthToken::new(TOKEN).unwrap();
    let sig = token.sign("https://user:pw@[::1]/voice", &p).unwrap();
    check("https://user:pw@[::1]:8443/voice", &p, &sig).unwrap();
    let sig = token.sign("http://[::1]:80/voice", &p).unwrap();
    check("http://[::1]/voice", &p, &sig).unwrap();
}

#[test]
fn hostile_forms_and_limits() {
    assert_eq!(
        FormParams::from_form(b"a=%FF"),
        Err(WebhookError::InvalidUtf8 { at: 2 })
    );
    assert_eq!(
        FormParams::from_form(b"a=\xFF"),
        Err(WebhookError::InvalidUtf8 { at: 2 })
    );
    assert_eq!(
        FormParams::from_form(b"%C3=%A9"),
        Err(WebhookError::InvalidUtf8 { at: 0 })
    );
    assert_eq!(
        FormParams::from_form(b"a=%zz"),
        Err(WebhookError::InvalidPercentEncoding { at: 2 })
    );
    assert_eq!(
        FormParams::from_form(b"a=%2"),
        Err(WebhookError::InvalidPercentEncoding { at: 2 })
    );
    assert_eq!(
        FormParams::from_form(b"a=%"),
        Err(WebhookError::InvalidPercentEncoding { at: 2 })
    );
    // A genuine U+FFFD (written raw or escaped) is text like any other; next to invalid UTF-8,
    // the invalid byte is still found.
    let p = FormParams::from_form("a=%EF%BF%BD&b=\u{FFFD}".as_bytes()).unwrap();
    assert_eq!(
        p.iter().collect::<Vec<_>>(),
        [("a", "\u{FFFD}"), ("b", "\u{FFFD}")]
    );
    assert_eq!(
        FormParams::from_form(b"a=%EF%BF%BD&b=%FF"),
        Err(WebhookError::InvalidUtf8 { at: 8 })
    );
    // Invalid UTF-8 is reported before the parameter count.
    let many = format!("{}&z=%FF", vec!["a=1"; MAX_PARAMS + 5].join("&"));
    assert!(matches!(
        FormParams::from_form(many.as_bytes()),
        Err(WebhookError::InvalidUtf8 { .. })
    ));
    // What form_urlencoded does with the rest: empty pairs skipped, a bare name has "".
    let p = FormParams::from_form(b"&&a&=b&c==d&%26=%3D").unwrap();
    assert_eq!(
        p.iter().collect::<Vec<_>>(),
        [("a", ""), ("", "b"), ("c", "=d"), ("&", "=")]
    );
    // Thousands of parameters: the limit, exactly.
    let at_limit = vec!["a=1"; MAX_PARAMS].join("&");
    assert_eq!(
        FormParams::from_form(at_limit.as_bytes()).unwrap().len(),
        MAX_PARAMS
    );
    let over = vec!["a=1"; MAX_PARAMS + 1].join("&");
    assert_eq!(
        FormParams::from_form(over.as_bytes()),
        Err(WebhookError::TooManyParams)
    );
    let mut p = FormParams::from_form(at_limit.as_bytes()).unwrap();
    assert_eq!(p.push("b", "2"), Err(WebhookError::TooManyParams));
    // A huge body.
    let huge = vec![b'a'; MAX_BODY_LEN + 1];
    assert_eq!(
        FormParams::from_form(&huge),
        Err(WebhookError::BodyTooLarge { max: MAX_BODY_LEN })
    );
    let url = format!("{URL}&bodySHA256={BODY_HASH}");
    assert_eq!(
        validator().validate(&Request::json(&url, &huge).signature(Some(EXPECTED))),
        Err(WebhookError::BodyTooLarge { max: MAX_BODY_LEN })
    );
    let at = vec![b'a'; MAX_BODY_LEN];
    assert_eq!(FormParams::from_form(&at).unwrap().len(), 1);
}

#[test]
fn secrets_never_shown() {
    let token = AuthToken::new("s3cr3t-token").unwrap();
    let key = SharedKey::new("kid", "s3cr3t-shared").unwrap();
    let v = Validator::new(token.clone())
        .with_secondary(token.clone())
        .with_shared_key(key.clone())
        .unwrap();
    for shown in [format!("{token:?}"), format!("{key:?}"), format!("{v:?}")] {
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
    // A secret passed where the request text goes (URL, signature, settings, body): no message
    // quotes it.
    let secret = "s3cr3tfedcba9876543210fedcba98";
    let p = FormParams::from_pairs([(secret, secret)]).unwrap();
    let attempts = [
        v.validate(&Request::form(secret, &p).signature(Some(secret))),
        v.validate(&Request::form(URL, &p).signature(Some(secret))),
        v.validate(
            &Request::form(URL, &p)
                .signature(Some(EXPECTED))
                .settings(Some(secret)),
        ),
        v.validate(&Request::json(URL, secret.as_bytes()).signature(Some(EXPECTED))),
        v.validate(&Request::form(URL, &p).signature(Some(EXPECTED))),
    ];
    for result in attempts {
        let err = result.unwrap_err();
        assert!(
            !err.to_string().contains("s3cr3t") && !format!("{err:?}").contains("s3cr3t"),
            "{err}"
        );
    }
    assert_eq!(AuthToken::new("").unwrap_err(), WebhookError::EmptySecret);
    assert_eq!(
        SharedKey::new("k", "").unwrap_err(),
        WebhookError::EmptySecret
    );
    assert!(matches!(
        SharedKey::new("", "s"),
        Err(WebhookError::InvalidKeyId(_))
    ));
}

/// Generated requests (a small deterministic generator, no crate): the validator agrees with
/// the reference, accepts what the reference signs, and refuses it once one byte of a value
/// changes.
#[test]
fn agrees_with_the_reference_on_generated_requests() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    const ALPHABET: [&str; 12] = ["a", "b", "A", "Z", "0", " ", "+", "&", "=", "é", "😀", "✓"];
    let urls = [
        "https://example.com/voice",
        "http://example.com:8080/a?x=1",
        "https://h.example/p/?q=a%20b#f",
    ];
    for round in 0..300 {
        let mut pairs = Vec::new();
        for _ in 0..next(8) {
            let name: String = (0..1 + next(3))
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            let value: String = (0..next(4))
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            pairs.push((name, value));
            if next(3) == 0 {
                pairs.push(pairs[next(pairs.len())].clone());
            }
        }
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let url = urls[round % urls.len()];
        let algorithm = if round % 2 == 0 {
            Algorithm::HmacSha1
        } else {
            Algorithm::HmacSha256
        };
        let expected = reference_sign(algorithm, b"k3y", url, &refs);
        let params = FormParams::from_pairs(refs.iter().copied()).unwrap();
        let key = SharedKey::new("k", "k3y").unwrap();
        assert_eq!(key.sign(algorithm, url, &params).unwrap(), expected);
        let v = Validator::shared_keys_only().with_shared_key(key).unwrap();
        let settings = format!("key=k,algorithm={algorithm}");
        v.validate(
            &Request::form(url, &params)
                .signature(Some(&expected))
                .settings(Some(&settings)),
        )
        .unwrap();
        // Form-encoded and read back: the same pairs.
        let body: String = form_encode(&refs);
        assert_eq!(FormParams::from_form(body.as_bytes()).unwrap(), params);
        if let Some((name, value)) = refs.first() {
            let mut changed = refs.clone();
            let altered = format!("{value}x");
            changed[0] = (name, &altered);
            let changed = FormParams::from_pairs(changed).unwrap();
            assert_eq!(
                v.validate(
                    &Request::form(url, &changed)
                        .signature(Some(&expected))
                        .settings(Some(&settings))
                ),
                Err(WebhookError::Mismatch)
            );
        }
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for (j, text) in [name, value].into_iter().enumerate() {
            if j == 1 {
                out.push('=');
            }
            for byte in text.bytes() {
                if byte.is_ascii_alphanumeric() {
                    out.push(byte as char);
                } else if byte == b' ' {
                    out.push('+');
                } else {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    out
}
