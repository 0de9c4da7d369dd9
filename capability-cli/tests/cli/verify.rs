//! `capability verify`: exit 0 valid, 1 invalid with one line saying why, 2 usage or missing
//! credentials.

use serde_json::json;

use crate::common::*;

#[test]
fn every_capability_token_of_the_official_libraries_verifies() {
    for case in capability_vectors() {
        let token = case["token"].as_str().unwrap();
        let text = run_with(
            &["verify", "--at", "1700000001", token],
            &CAPABILITY_ENV,
            None,
        );
        assert_eq!(text.code, 0, "{}: {text:?}", case["case"]);
        assert!(text
            .stdout
            .starts_with(&format!("valid capability token, issued by {ACCOUNT}\n")));
        assert_eq!(text.stderr, "");
        let json = run_with(
            &["verify", "--json", "--at", "1700000001", token],
            &CAPABILITY_ENV,
            None,
        )
        .json();
        assert_eq!(json["valid"], true);
        assert_eq!(json["kind"], "capability");
        assert_eq!(json["account_sid"], ACCOUNT);
        assert_eq!(
            json["expires_at"],
            ISSUED_AT + case["ttl"].as_u64().unwrap()
        );
    }
}

#[test]
fn every_access_token_of_the_official_libraries_verifies() {
    for vector in access_vectors() {
        let token = vector["token"].as_str().unwrap();
        let json = run_with(
            &["verify", "--json", "--at", "1700000000", token],
            &ACCESS_ENV,
            None,
        );
        assert_eq!(
            json.code, 0,
            "{} {}: {json:?}",
            vector["library"], vector["name"]
        );
        let json = json.json();
        assert_eq!(json["kind"], "access");
        assert_eq!(json["api_key_sid"], API_KEY);
        assert_eq!(json["account_sid"], ACCESS_ACCOUNT);
        let decoded = run(&["decode", "--json", token]).json();
        assert_eq!(json["identity"], decoded["claims"]["grants"]["identity"]);
    }
}

#[test]
fn an_invalid_token_exits_1_with_one_line_saying_why() {
    let token = capability_token("incoming_alice", "twilio-php");
    let (head, signature) = token.rsplit_once('.').unwrap();
    // The payload of another token under this token's signature.
    let other = capability_token("all_three", "twilio-php");
    let forged_payload = format!(
        "{}.{}.{signature}",
        head.split('.').next().unwrap(),
        other.split('.').nth(1).unwrap()
    );
    let forged_signature = format!("{head}.{}", b64(&[0; 32]));
    let wrong_account = [
        ("TWILIO_ACCOUNT_SID", "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        ("TWILIO_AUTH_TOKEN", SECRET),
    ];
    let wrong_secret = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", "another auth token"),
    ];
    for (token, env, at, why) in [
        (
            &forged_payload,
            &CAPABILITY_ENV[..],
            "1700000001",
            "signature does not match",
        ),
        (
            &forged_signature,
            &CAPABILITY_ENV[..],
            "1700000001",
            "signature does not match",
        ),
        (
            &token,
            &wrong_secret[..],
            "1700000001",
            "signature does not match",
        ),
        (
            &token,
            &wrong_account[..],
            "1700000001",
            "issued by `ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, not by this account",
        ),
        (
            &token,
            &CAPABILITY_ENV[..],
            "1700003600",
            "the token expired at 1700003600",
        ),
        (
            &"not.a.token".to_owned(),
            &CAPABILITY_ENV[..],
            "1700000001",
            "not a token",
        ),
        (
            &"garbage".to_owned(),
            &[][..],
            "1700000001",
            "not a token: a token is three base64url segments",
        ),
    ] {
        let text = run_with(&["verify", "--at", at, token], env, None);
        assert_eq!(text.code, 1, "{why}: {text:?}");
        assert_eq!(text.stdout, "");
        let line = text.one_line_error("invalid: ");
        assert!(line.contains(why), "{why:?} not in {line:?}");

        let json = run_with(&["verify", "--json", "--at", at, token], env, None);
        assert_eq!(json.code, 1);
        assert_eq!(json.json()["valid"], false);
        assert!(json.json()["error"].as_str().unwrap().contains(why));
    }
}

#[test]
fn an_access_token_is_verified_with_the_api_key() {
    let token = access_token("region_ttl_nbf_combined", "twilio-node");
    let text = run_with(&["verify", "--at", "1700000001", &token], &ACCESS_ENV, None);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.starts_with(&format!(
        "valid Access Token, issued by API key {API_KEY} of account {ACCESS_ACCOUNT}\n"
    )));
    assert!(text.stdout.contains("region      au1\n"));
    // After its 10 minutes, and with the secret of another key.
    let expired = run_with(&["verify", "--at", "1700000600", &token], &ACCESS_ENV, None);
    assert_eq!(expired.code, 1);
    expired.one_line_error("invalid: the token expired at 1700000600");
    let other_key = [
        ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
        ("TWILIO_API_KEY", API_KEY),
        ("TWILIO_API_SECRET", "the secret of another key"),
    ];
    let forged = run_with(&["verify", "--at", "1700000001", &token], &other_key, None);
    assert_eq!(forged.code, 1);
    assert!(forged
        .one_line_error("invalid: ")
        .contains("signature does not match"));
}

#[test]
fn missing_or_unusable_credentials_exit_2() {
    let capability = capability_token("incoming_alice", "twilio-php");
    let access = access_token("video_room", "twilio-php");
    for (token, env, why) in [
        (&capability, &[][..], "TWILIO_ACCOUNT_SID is not set"),
        (
            &capability,
            &[("TWILIO_ACCOUNT_SID", ACCOUNT)][..],
            "TWILIO_AUTH_TOKEN is not set",
        ),
        (
            &capability,
            &[("TWILIO_ACCOUNT_SID", ACCOUNT), ("TWILIO_AUTH_TOKEN", "")][..],
            "TWILIO_AUTH_TOKEN is empty",
        ),
        (
            &capability,
            &[
                ("TWILIO_ACCOUNT_SID", "AC123"),
                ("TWILIO_AUTH_TOKEN", SECRET),
            ][..],
            "TWILIO_ACCOUNT_SID: Account SID `AC123` has 5 characters",
        ),
        // An Access Token needs the API key, whatever else is set.
        (&access, &CAPABILITY_ENV[..], "TWILIO_API_KEY is not set"),
        (
            &access,
            &[
                ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
                ("TWILIO_API_KEY", API_KEY),
            ][..],
            "TWILIO_API_SECRET is not set",
        ),
        (
            &access,
            &[
                ("TWILIO_ACCOUNT_SID", ACCESS_ACCOUNT),
                ("TWILIO_API_KEY", ACCOUNT),
                ("TWILIO_API_SECRET", SECRET),
            ][..],
            "TWILIO_API_KEY: ",
        ),
    ] {
        let text = run_with(&["verify", "--at", "1700000001", token], env, None);
        assert_eq!(text.code, 2, "{why}: {text:?}");
        assert_eq!(text.stdout, "");
        let line = text.one_line_error("error: ");
        assert!(line.starts_with(why), "{why:?}: {line:?}");
    }
}

#[test]
fn the_time_of_verification_is_now_unless_given() {
    // Signed now: valid now, and not at a time long past.
    let token = run_with(
        &["sign", "incoming \"alice\"; ttl 1m"],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(token.code, 0, "{token:?}");
    let token = token.stdout.trim();
    assert_eq!(run_with(&["verify", token], &CAPABILITY_ENV, None).code, 0);
    let past = run_with(&["verify", "--at", "1000", token], &CAPABILITY_ENV, None);
    assert_eq!(past.code, 0, "no nbf: valid before its issue");
    let future = run_with(
        &["verify", "--at", "99999999999", token],
        &CAPABILITY_ENV,
        None,
    );
    assert_eq!(future.code, 1);
    assert_eq!(
        run_with(&["verify", "--json", token], &CAPABILITY_ENV, None).json()["grants"]["incoming"],
        json!({ "client_name": "alice" })
    );
}
