//! Reading a policy for `sign` and `check`: the text, then the runtime's parser, whose mistakes
//! are printed as the compiler prints them.

use std::str::FromStr;

use capability_runtime::{inspect_at, AccessPolicy, ApiKey, Credentials, ParseError, Policy};
use serde_json::json;

use crate::decode::{self, json_line};
use crate::input;
use crate::output::{error_line, stderr_has_colour, Outcome};

/// A policy of either kind of token.
pub enum Parsed {
    Capability(Box<Policy>),
    Access(Box<AccessPolicy>),
}

/// The policy of `arg` (its text, `@FILE` or `-`) in the grammar of `access_token!` when
/// `access`, else of `capability!`; or the outcome that reports why not: exit 1 with every
/// mistake (as JSON too when `json`), exit 2 when it cannot be read.
pub fn read(arg: &str, access: bool, json: bool) -> Result<Parsed, Outcome> {
    let (text, name) = input::policy(arg).map_err(|e| mistake(json, e.code, e.message))?;
    if input::looks_like_a_secret(&text) {
        return Err(mistake(
            json,
            1,
            format!(
                "the policy in {name} is one word of {} letters and digits, which looks like a \
                 secret, not a policy (not shown); a policy is statements such as \
                 `incoming \"alice\";`, and secrets are read from the environment",
                text.trim().len()
            ),
        ));
    }
    let parsed = match access {
        false => parse::<Policy>(&text, &name, json, "`--access`", is::<AccessPolicy>)
            .map(|p| Parsed::Capability(Box::new(p)))?,
        true => parse::<AccessPolicy>(&text, &name, json, "no `--access`", is::<Policy>)
            .map(|p| Parsed::Access(Box::new(p)))?,
    };
    if let Some(secret) = secret_held(&parsed) {
        return Err(mistake(
            json,
            1,
            format!(
                "the policy in {name} holds the value of {secret} (not shown): a token carries \
                 its policy in clear, readable by anyone who has it, so nothing is shown or \
                 signed from it; take the secret out of the policy"
            ),
        ));
    }
    Ok(parsed)
}

/// The variable whose secret the policy holds: read from the claims of a token signed from it
/// with made-up credentials, as `decode` reads a token's, so that the scope's encodings are
/// undone the same way.
fn secret_held(parsed: &Parsed) -> Option<&'static str> {
    const ACCOUNT: &str = "AC00000000000000000000000000000000";
    let token = match parsed {
        Parsed::Capability(policy) => {
            let credentials = Credentials::new(ACCOUNT, "made-up").ok()?;
            policy.sign_at(&credentials, 0).into_string()
        }
        Parsed::Access(policy) => {
            let key = ApiKey::new(ACCOUNT, "SK00000000000000000000000000000000", "made-up").ok()?;
            policy.sign_at(&key, 0).into_string()
        }
    };
    decode::secret_held(&inspect_at(&token, 0).ok()?)
}

fn is<P: FromStr>(text: &str) -> bool {
    text.parse::<P>().is_ok()
}

/// `text` parsed as a `P`; on a mistake, a hint when the text is a policy of the other kind
/// (`other` parses it), which `switch` names.
fn parse<P: FromStr<Err = ParseError>>(
    text: &str,
    name: &str,
    json: bool,
    switch: &str,
    other: fn(&str) -> bool,
) -> Result<P, Outcome> {
    text.parse::<P>().map_err(|e| {
        let mut outcome = diagnostics(json, &e.with_path(name));
        if other(text) {
            let kind = match switch {
                "`--access`" => "an Access Token policy",
                _ => "a capability token policy",
            };
            outcome.stderr.push_str(&error_line(
                "help",
                &format!("this is {kind}: try with {switch}"),
            ));
        }
        outcome
    })
}

/// A mistake that is not in the policy's grammar: one line.
fn mistake(json: bool, code: u8, message: String) -> Outcome {
    let mut outcome = Outcome::error(code, &message);
    if json && code == 1 {
        outcome.stdout = json_line(&json!({ "valid": false, "error": message }));
    }
    outcome
}

/// The most mistakes shown: a text that is wrong throughout would otherwise print its lines
/// again for each.
const MAX_SHOWN: usize = 20;

/// The mistakes of a policy (the first [`MAX_SHOWN`]), rendered as rustc renders them, on
/// standard error; as JSON on standard output too when asked.
fn diagnostics(json: bool, error: &ParseError) -> Outcome {
    let count = error.diagnostics().len();
    let mut shown = error.clone();
    shown.truncate(MAX_SHOWN);
    // The parser stops past `MAX_DIAGNOSTICS` mistakes: then their number is not known.
    let more = if error.truncated() { "more than " } else { "" };
    let mut stderr = shown.render(stderr_has_colour());
    stderr.push_str(&error_line(
        "error",
        &match count > MAX_SHOWN {
            true => {
                format!("the policy has {more}{count} mistakes; the first {MAX_SHOWN} are shown")
            }
            false => format!(
                "the policy has {count} mistake{}",
                if count == 1 { "" } else { "s" }
            ),
        },
    ));
    let stdout = match json {
        true => json_line(&json!({
            "valid": false,
            "mistakes": count,
            "truncated": error.truncated(),
            "diagnostics": shown.diagnostics().iter().map(|d| json!({
                "message": d.message(),
                "help": d.help(),
                "line": d.line(),
                "column": d.column(),
                "start": d.byte_range().start,
                "end": d.byte_range().end,
            })).collect::<Vec<_>>(),
        })),
        false => String::new(),
    };
    Outcome {
        stdout,
        stderr,
        code: 1,
        ..Outcome::default()
    }
}
