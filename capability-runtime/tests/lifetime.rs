//! One lifetime rule for both kinds of token and for `inspect_at`: at every boundary, a
//! capability token and an Access Token with the same `exp` and `nbf` get the same verdict from
//! their verifiers, with the same leeway; and `inspect_at` gives the verdict of a verifier without
//! leeway.

mod common;

use std::time::Duration;

use capability_runtime::{inspect_at, ApiKey, Credentials, Error, Problem, MAX_EXP};
use common::{sign_json, ACCOUNT, SECRET};

const KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const ACCESS_HEADER: &str = r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#;
const CAPABILITY_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

/// The verdict on a token's lifetime, whatever the kind.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Expired,
    NotYetValid,
    /// A time the verifiers do not read: beyond 2^53 − 1.
    InvalidTime,
}

fn verdict<T>(result: Result<T, Error>) -> Verdict {
    match result {
        Ok(_) => Verdict::Valid,
        Err(Error::Expired { .. }) => Verdict::Expired,
        Err(Error::NotYetValid { .. }) => Verdict::NotYetValid,
        Err(Error::InvalidClaim { .. }) => Verdict::InvalidTime,
        Err(e) => panic!("not a lifetime error: {e:?}"),
    }
}

fn times(exp: u64, nbf: Option<u64>) -> String {
    match nbf {
        Some(nbf) => format!(r#""exp":{exp},"nbf":{nbf}"#),
        None => format!(r#""exp":{exp}"#),
    }
}

fn capability_token(exp: u64, nbf: Option<u64>) -> String {
    let claims = format!(
        r#"{{"scope":"scope:client:incoming?clientName=alice","iss":"{ACCOUNT}",{}}}"#,
        times(exp, nbf)
    );
    sign_json(CAPABILITY_HEADER, &claims)
}

fn access_token(exp: u64, nbf: Option<u64>) -> String {
    let claims = format!(
        r#"{{"jti":"{KEY_SID}-1","iss":"{KEY_SID}","sub":"{ACCOUNT}",{},"grants":{{"identity":"alice"}}}}"#,
        times(exp, nbf)
    );
    sign_json(ACCESS_HEADER, &claims)
}

/// What `inspect_at` says of the lifetime: the verifiers' errors among its problems.
fn inspected(token: &str, now: u64) -> Verdict {
    let inspection = inspect_at(token, now).unwrap();
    let refusals: Vec<&Error> = inspection
        .problems()
        .iter()
        .filter_map(|p| match p {
            Problem::Refused(e) => Some(e),
            _ => None,
        })
        .collect();
    match refusals.as_slice() {
        [] => Verdict::Valid,
        [e] => verdict::<()>(Err((*e).clone())),
        more => panic!("{more:?}"),
    }
}

#[test]
fn both_kinds_and_inspect_agree_at_every_boundary() {
    let mut exps = vec![0, 1, 59, 60, 61, 1000, MAX_EXP - 1, MAX_EXP, MAX_EXP + 1];
    exps.extend([u64::MAX - 1, u64::MAX]);
    let mut checked = 0;
    for leeway in [0, 1, 60] {
        let credentials = Credentials::new(ACCOUNT, SECRET)
            .unwrap()
            .with_leeway(Duration::from_secs(leeway));
        let key = ApiKey::new(ACCOUNT, KEY_SID, SECRET)
            .unwrap()
            .with_leeway(Duration::from_secs(leeway));
        for &exp in &exps {
            // No `nbf`, `nbf` = `exp`, `nbf` past `exp`, and `nbf` well before it.
            let nbfs = [
                None,
                Some(exp),
                Some(exp.saturating_add(100)),
                Some(exp / 2),
            ];
            for nbf in nbfs {
                let nows = [
                    0,
                    leeway.saturating_sub(1),
                    leeway,
                    exp.saturating_sub(leeway + 1),
                    exp.saturating_sub(leeway),
                    exp.saturating_sub(1),
                    exp,
                    exp.saturating_add(leeway).saturating_sub(1),
                    exp.saturating_add(leeway),
                    exp.saturating_add(leeway + 1),
                    u64::MAX,
                ];
                for now in nows {
                    let capability = capability_token(exp, nbf);
                    let access = access_token(exp, nbf);
                    let of_capability = verdict(credentials.verify_at(&capability, now));
                    let of_access = verdict(key.verify_at(&access, now));
                    assert_eq!(
                        of_capability, of_access,
                        "exp {exp}, nbf {nbf:?}, now {now}, leeway {leeway}"
                    );
                    // The rule itself: valid from `nbf - leeway` until `exp + leeway - 1`.
                    let expected = if exp > MAX_EXP || nbf.is_some_and(|nbf| nbf > MAX_EXP) {
                        Verdict::InvalidTime
                    } else if exp.checked_add(leeway).is_some_and(|end| now >= end) {
                        Verdict::Expired
                    } else if nbf.is_some_and(|nbf| now.saturating_add(leeway) < nbf) {
                        Verdict::NotYetValid
                    } else {
                        Verdict::Valid
                    };
                    assert_eq!(
                        of_capability, expected,
                        "exp {exp}, nbf {nbf:?}, now {now}, leeway {leeway}"
                    );
                    if leeway == 0 && expected != Verdict::InvalidTime {
                        assert_eq!(inspected(&capability, now), expected);
                        assert_eq!(inspected(&access, now), expected);
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// The case the two verifiers once disagreed on: `exp` 0, verified at a time below the leeway.
#[test]
fn exp_zero_is_valid_within_the_leeway_for_both_kinds() {
    let leeway = Duration::from_secs(60);
    let credentials = Credentials::new(ACCOUNT, SECRET)
        .unwrap()
        .with_leeway(leeway);
    let key = ApiKey::new(ACCOUNT, KEY_SID, SECRET)
        .unwrap()
        .with_leeway(leeway);
    assert!(credentials
        .verify_at(&capability_token(0, None), 30)
        .is_ok());
    assert!(key.verify_at(&access_token(0, None), 30).is_ok());
    assert_eq!(
        verdict(credentials.verify_at(&capability_token(0, None), 60)),
        Verdict::Expired
    );
    assert_eq!(
        verdict(key.verify_at(&access_token(0, None), 60)),
        Verdict::Expired
    );
}
