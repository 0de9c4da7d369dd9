//! `capability verify`: the signature and the claims checked with the account's credentials.

use std::fmt::Write as _;

use capability_runtime::{inspect_at, TokenKind, VerifiedAccessToken, VerifiedToken};
use serde_json::json;

use crate::args::Verify;
use crate::credentials;
use crate::decode::{json_line, kind_name, secret_held, token_holds_a_secret};
use crate::describe;
use crate::input;
use crate::output::{error_line, styled, Outcome, GOOD, HEADING};

pub fn run(args: &Verify) -> Outcome {
    let now = match args.at.map_or_else(describe::now, Ok) {
        Ok(now) => now,
        Err(message) => return Outcome::error(2, message),
    };
    let token = match input::token(args.token.as_deref(), "verify") {
        Ok(token) => token,
        Err(e) if e.code == 1 => return invalid(args.json, &e.message),
        Err(e) => return Outcome::error(e.code, e.message),
    };
    // The kind chooses the credentials; it accepts nothing. A text that is not even a JWT is
    // invalid whatever the credentials, which are then not needed.
    let kind = match inspect_at(&token, now) {
        Ok(inspection) if secret_held(&inspection).is_some() => {
            let name = secret_held(&inspection).unwrap_or_default();
            return invalid(args.json, &token_holds_a_secret(name));
        }
        Ok(inspection) => inspection.kind(),
        Err(e) => return invalid(args.json, &format!("not a token: {e}")),
    };
    match kind {
        TokenKind::Access => access(args, &token, now),
        _ => capability(args, &token, now),
    }
}

fn capability(args: &Verify, token: &str, now: u64) -> Outcome {
    let credentials = match credentials::capability() {
        Ok(credentials) => credentials,
        Err(e) => return Outcome::error(2, e.0),
    };
    match credentials.verify_at(token, now) {
        Ok(verified) => valid(args.json, &verified, now),
        Err(e) => invalid(args.json, &e.to_string()),
    }
}

fn access(args: &Verify, token: &str, now: u64) -> Outcome {
    let key = match credentials::access() {
        Ok(key) => key,
        Err(e) => return Outcome::error(2, e.0),
    };
    match key.verify_at(token, now) {
        Ok(verified) => valid_access(args.json, &verified, now),
        Err(e) => invalid(args.json, &e.to_string()),
    }
}

/// Exit 1, with one line on standard error saying why (and the same in JSON when asked).
fn invalid(json: bool, reason: &str) -> Outcome {
    let mut outcome = Outcome {
        stderr: error_line("invalid", &reason),
        code: 1,
        ..Outcome::default()
    };
    if json {
        outcome.stdout = json_line(&json!({ "valid": false, "error": reason }));
    }
    outcome
}

fn valid(json: bool, verified: &VerifiedToken, now: u64) -> Outcome {
    if json {
        return Outcome {
            stdout: json_line(&json!({
                "valid": true,
                "kind": kind_name(TokenKind::Capability),
                "account_sid": verified.account_sid().as_str(),
                "expires_at": verified.expires_at(),
                "expires_in": describe::seconds_until(verified.expires_at(), now),
                "not_before": verified.not_before(),
                "issued_at": verified.issued_at(),
                "grants": describe::grants_json(verified.grants()),
            })),
            ..Outcome::default()
        };
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} capability token, issued by {}",
        styled(GOOD, "valid"),
        verified.account_sid()
    );
    let _ = writeln!(
        out,
        "{}     {}",
        styled(HEADING, "expires"),
        describe::time(verified.expires_at(), now)
    );
    describe::grants(&mut out, verified.grants());
    Outcome {
        stdout: out,
        ..Outcome::default()
    }
}

fn valid_access(json: bool, verified: &VerifiedAccessToken, now: u64) -> Outcome {
    if json {
        return Outcome {
            stdout: json_line(&json!({
                "valid": true,
                "kind": kind_name(TokenKind::Access),
                "account_sid": verified.account_sid().as_str(),
                "api_key_sid": verified.api_key_sid().as_str(),
                "identity": verified.identity().map(|i| i.as_str()),
                "region": verified.region().map(|r| r.as_str()),
                "expires_at": verified.expires_at(),
                "expires_in": describe::seconds_until(verified.expires_at(), now),
                "not_before": verified.not_before(),
                "issued_at": verified.issued_at(),
                "grants": describe::access_grants_json(verified.grants()),
            })),
            ..Outcome::default()
        };
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} Access Token, issued by API key {} of account {}",
        styled(GOOD, "valid"),
        verified.api_key_sid(),
        verified.account_sid()
    );
    let _ = writeln!(
        out,
        "{}     {}",
        styled(HEADING, "expires"),
        describe::time(verified.expires_at(), now)
    );
    describe::access_grants(
        &mut out,
        verified.identity(),
        verified.region(),
        verified.grants(),
    );
    Outcome {
        stdout: out,
        ..Outcome::default()
    }
}
