//! Credentials from the environment, under the names of Twilio's quickstarts. Never from an
//! argument, and never shown.

use std::env;

use capability_runtime::{AccountSid, ApiKey, Credentials, Error, SidKind};

pub const ACCOUNT_SID: &str = "TWILIO_ACCOUNT_SID";
pub const AUTH_TOKEN: &str = "TWILIO_AUTH_TOKEN";
pub const API_KEY: &str = "TWILIO_API_KEY";
pub const API_SECRET: &str = "TWILIO_API_SECRET";
pub use crate::webhook::{AUTH_TOKEN_SECONDARY, WEBHOOK_SECRET};

/// Every secret the environment holds, to be taken out of anything printed, whatever the
/// command: the values of the secret variables (the webhook's included), and of a SID variable
/// too when it does not start as its SID does (the values were swapped).
pub fn secrets() -> Vec<String> {
    named_secrets()
        .into_iter()
        .map(|(_, value)| value)
        .collect()
}

/// [`secrets`], each with the name of the variable that holds it: the one list of secret
/// variables, which every command takes out of what it prints and refuses in what it reads.
pub fn named_secrets() -> Vec<(&'static str, String)> {
    [
        (AUTH_TOKEN, ""),
        (API_SECRET, ""),
        (AUTH_TOKEN_SECONDARY, ""),
        (WEBHOOK_SECRET, ""),
        (ACCOUNT_SID, "AC"),
        (API_KEY, "SK"),
    ]
    .iter()
    .filter_map(|&(name, prefix)| {
        let value = env::var(name).ok()?;
        let secret = prefix.is_empty() || !value.starts_with(prefix);
        (secret && !value.is_empty()).then_some((name, value))
    })
    .collect()
}

/// A missing or unusable variable: always a usage error (exit 2).
#[derive(Debug)]
pub struct CredentialsError(pub String);

/// A variable's value, which must be set, non-empty and UTF-8.
fn required(name: &str, what: &str) -> Result<String, CredentialsError> {
    match env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) => Err(CredentialsError(format!(
            "{name} is empty; set it to {what} (it is read from the environment, never from an \
             argument)"
        ))),
        Err(env::VarError::NotPresent) => Err(CredentialsError(format!(
            "{name} is not set; set it to {what} (it is read from the environment, never from an \
             argument)"
        ))),
        Err(env::VarError::NotUnicode(_)) => Err(CredentialsError(format!(
            "{name} is not UTF-8 text; set it to {what}"
        ))),
    }
}

/// The credentials of capability tokens: `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN`.
pub fn capability() -> Result<Credentials, CredentialsError> {
    let account_sid = required(ACCOUNT_SID, "your Account SID (AC…, in the Twilio console)")?;
    let auth_token = required(
        AUTH_TOKEN,
        "your account's auth token (in the Twilio console)",
    )?;
    // `Credentials::new` never quotes the text given as the SID (it may be the auth token,
    // passed in the wrong place); `AccountSid::new` quotes text that does not look like a
    // secret, which helps with a typo in the variable.
    AccountSid::new(&account_sid).map_err(|e| CredentialsError(format!("{ACCOUNT_SID}: {e}")))?;
    Credentials::new(&account_sid, auth_token).map_err(|e| match e {
        Error::InvalidSid(e) => CredentialsError(format!("{ACCOUNT_SID}: {e}")),
        e => CredentialsError(format!("{AUTH_TOKEN}: {e}")),
    })
}

/// The credentials of Access Tokens: `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY` and
/// `TWILIO_API_SECRET`.
pub fn access() -> Result<ApiKey, CredentialsError> {
    let account_sid = required(ACCOUNT_SID, "your Account SID (AC…, in the Twilio console)")?;
    let api_key = required(
        API_KEY,
        "the SID of an API key (SK…, in the Twilio console)",
    )?;
    let secret = required(
        API_SECRET,
        "the secret of that API key, shown when it was created",
    )?;
    ApiKey::new(&account_sid, &api_key, secret).map_err(|e| match e {
        Error::InvalidSid(e) if e.expected() == SidKind::Account => {
            CredentialsError(format!("{ACCOUNT_SID}: {e}"))
        }
        Error::InvalidSid(e) => CredentialsError(format!("{API_KEY}: {e}")),
        e => CredentialsError(format!("{API_SECRET}: {e}")),
    })
}
