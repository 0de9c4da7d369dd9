//! `capability decode`: what a token holds and what Twilio would refuse it for, without any
//! secret. The signature is not checked, and nothing here says a token is valid.

use std::fmt::Write as _;

use capability_runtime::{
    inspect_at, AccountSid, ApiKeySid, Error, Inspection, LifetimeStart, Malformed, Problem,
    TokenKind,
};
use serde_json::{json, Value};

use crate::args::Decode;
use crate::credentials;
use crate::describe;
use crate::input;
use crate::output::{
    clean, clean_lines, error_line, json_safe, secret_in, styled, Outcome, DIM, HEADING, WARNING,
};

pub fn run(args: &Decode) -> Outcome {
    let now = match args.at.map_or_else(describe::now, Ok) {
        Ok(now) => now,
        Err(message) => return Outcome::error(2, message),
    };
    let token = match input::token(args.token.as_deref(), "decode") {
        Ok(token) => token,
        Err(e) => return not_a_token(args.json, e.code, &e.message),
    };
    let inspection = match inspect_at(&token, now) {
        Ok(inspection) => inspection,
        Err(e) => return not_a_token(args.json, 1, &format!("not a token: {}", explain(&e))),
    };
    if let Some(name) = secret_held(&inspection) {
        return not_a_token(args.json, 1, &token_holds_a_secret(name));
    }
    let mut outcome = match args.json {
        true => Outcome {
            stdout: json_report(&inspection, now),
            ..Outcome::default()
        },
        false => Outcome {
            stdout: prose(&inspection, now),
            ..Outcome::default()
        },
    };
    if inspection.kind() == TokenKind::Other {
        outcome.code = 1;
        outcome.stderr = error_line(
            "error",
            &"this JWT is not a Twilio token: it has neither the `scope` claim of a capability \
              token nor the `grants` claim of an Access Token",
        );
    }
    outcome
}

/// The variable of the environment whose secret the token's header or claims hold, in any
/// string or number, decoded from JSON and from URL-encoding: then nothing of the token is
/// shown, since each way of printing it (the scope as written, `%3D` before a parameter's value;
/// the claims as JSON) encodes the secret differently.
pub fn secret_held(inspection: &Inspection) -> Option<&'static str> {
    // A SID in a secret's variable (the variables swapped) is no secret to a token: its
    // issuer or subject is one.
    let secrets: Vec<_> = credentials::named_secrets()
        .into_iter()
        .filter(|(_, value)| AccountSid::new(value).is_err() && ApiKeySid::new(value).is_err())
        .collect();
    if secrets.is_empty() {
        return None;
    }
    let mut texts = Vec::new();
    for json in [inspection.header_json(), inspection.claims_json()] {
        match serde_json::from_str::<Value>(json) {
            Ok(value) => strings(&value, &mut texts),
            // Not JSON that serde_json reads whole (too deep): its text as it is.
            Err(_) => texts.push(json.to_owned()),
        }
    }
    secret_in(texts.iter().map(String::as_str), &secrets)
}

/// Every string of a JSON value, keys included, and every number as written.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(members) => {
            for (key, v) in members {
                out.push(key.clone());
                strings(v, out);
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// Why a token that holds a secret is not shown.
pub fn token_holds_a_secret(name: &str) -> String {
    format!(
        "this token holds the value of {name} in its claims (perhaps encoded), so none of it is \
         shown; anyone who has the token can read it: replace that secret, and sign tokens \
         that hold none"
    )
}

/// Why a text is not a token, with a hint for the mistakes people make.
fn explain(e: &Error) -> String {
    match e {
        Error::Malformed(Malformed::Segments { found: 1 }) => {
            format!("{e}; a Twilio token starts with `eyJ` (was a secret or a SID passed instead?)")
        }
        _ => e.to_string(),
    }
}

fn not_a_token(json: bool, code: u8, message: &str) -> Outcome {
    let mut outcome = Outcome::error(code, message);
    if json && code == 1 {
        outcome.stdout = json_line(&json!({ "decoded": false, "error": message }));
    }
    outcome
}

/// One JSON object on one line, safe for a terminal.
pub fn json_line(value: &Value) -> String {
    format!("{}\n", json_safe(&value.to_string()))
}

/// A JSON text pretty-printed in its own key order (duplicates included), or as it is when it
/// cannot be (nesting beyond serde_json's limit).
fn pretty(json: &str) -> String {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(json);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"  "),
    );
    match serde_transcode::transcode(&mut de, &mut ser) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| json.to_owned()),
        Err(_) => json.to_owned(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn prose(inspection: &Inspection, now: u64) -> String {
    let mut out = String::new();
    let kind = match inspection.kind() {
        TokenKind::Capability => "capability token",
        TokenKind::Access => "Access Token",
        _ => "JWT, not a Twilio token",
    };
    let _ = writeln!(
        out,
        "{}  {}\n",
        styled(HEADING, kind),
        styled(
            DIM,
            "(signature not checked: `capability verify` checks it)"
        )
    );
    let _ = writeln!(out, "{}", styled(HEADING, "header"));
    out.push_str(&indent(&clean_lines(&pretty(inspection.header_json()))));
    let _ = writeln!(out, "{}", styled(HEADING, "claims"));
    out.push_str(&indent(&clean_lines(&pretty(inspection.claims_json()))));
    out.push('\n');

    if let Some(issuer) = inspection.issuer() {
        let role = match inspection.kind() {
            TokenKind::Access => "the API key",
            _ => "the account",
        };
        let _ = writeln!(
            out,
            "{}      {} ({role})",
            styled(HEADING, "issuer"),
            clean(issuer)
        );
    }
    if let Some(exp) = inspection.expires_at() {
        let _ = writeln!(
            out,
            "{}     {}",
            styled(HEADING, "expires"),
            describe::time(exp, now)
        );
    }
    if let Some(nbf) = inspection.not_before() {
        let _ = writeln!(
            out,
            "{}  {}",
            styled(HEADING, "not before"),
            describe::time(nbf, now)
        );
    }
    if let Some(iat) = inspection.issued_at() {
        let _ = writeln!(
            out,
            "{}   {}",
            styled(HEADING, "issued at"),
            describe::time(iat, now)
        );
    }
    if let Some((secs, start)) = inspection.lifetime() {
        let from = match start {
            LifetimeStart::NotBefore => "nbf",
            _ => "iat",
        };
        let _ = writeln!(
            out,
            "{}    {} (from `{from}` to `exp`)",
            styled(HEADING, "lifetime"),
            describe::duration(secs)
        );
    }
    match (inspection.kind(), inspection.grants()) {
        (TokenKind::Capability, Some(grants)) => describe::grants(&mut out, grants),
        (TokenKind::Capability, None) => {
            let _ = writeln!(out, "{}", styled(HEADING, "grants"));
            let _ = writeln!(out, "  unreadable: see the problems below");
        }
        (TokenKind::Access, _) => match inspection.access_grants() {
            Some(grants) => describe::access_grants(
                &mut out,
                inspection.identity(),
                inspection.region(),
                grants,
            ),
            None => {
                let _ = writeln!(out, "{}", styled(HEADING, "grants"));
                let _ = writeln!(out, "  unreadable: see the problems below");
            }
        },
        _ => {}
    }
    out.push('\n');

    let problems = inspection.problems();
    for problem in problems {
        let message = message(problem, now).replace(['\n', '\r'], " ");
        let _ = writeln!(out, "{}: {}", styled(WARNING, "warning"), clean(&message));
    }
    match problems.len() {
        0 => {
            let _ = writeln!(
                out,
                "no problem found {}",
                styled(DIM, "(the signature was not checked)")
            );
        }
        n => {
            let _ = writeln!(
                out,
                "{n} problem{} Twilio would refuse the token for",
                if n == 1 { "" } else { "s" }
            );
        }
    }
    out
}

/// What a problem means, in the words of a reader at `now`.
fn message(problem: &Problem, now: u64) -> String {
    match problem {
        Problem::Refused(Error::Expired { expired_at, .. }) => format!(
            "the token expired {} ({}); Twilio refuses it: sign a new one",
            describe::relative(*expired_at, now),
            describe::date(*expired_at)
        ),
        Problem::Refused(Error::NotYetValid { not_before, .. }) => format!(
            "the token is not valid before {} ({}); Twilio refuses it until then: check the \
             clock of the machine that signed it",
            describe::date(*not_before),
            describe::relative(*not_before, now)
        ),
        problem => problem.to_string(),
    }
}

fn json_report(inspection: &Inspection, now: u64) -> String {
    let object = |json: &str| -> Value {
        serde_json::from_str(json).unwrap_or_else(|_| Value::String(json.to_owned()))
    };
    let problems: Vec<Value> = inspection
        .problems()
        .iter()
        .map(|p| json!({ "code": p.code(), "message": message(p, now) }))
        .collect();
    json_line(&json!({
        "decoded": true,
        "kind": kind_name(inspection.kind()),
        "signature_checked": false,
        "header": object(inspection.header_json()),
        "claims": object(inspection.claims_json()),
        "issuer": inspection.issuer(),
        "expires_at": inspection.expires_at(),
        "expires_in": inspection.expires_at().map(|exp| describe::seconds_until(exp, now)),
        "not_before": inspection.not_before(),
        "issued_at": inspection.issued_at(),
        "grants": match inspection.kind() {
            TokenKind::Access => inspection.access_grants().map(describe::access_grants_json),
            _ => inspection.grants().map(describe::grants_json),
        },
        "account": inspection.subject(),
        "identity": inspection.identity().map(|i| i.as_str()),
        "region": inspection.region().map(|r| r.as_str()),
        "problems": problems,
    }))
}

/// The name of a kind in JSON.
pub fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Capability => "capability",
        TokenKind::Access => "access",
        _ => "other",
    }
}
