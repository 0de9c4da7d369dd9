//! `Keys`: the account's signing keys, read from the environment or labelled demo values;
//! `ConfigError`: a variable of the environment the server cannot start with.

use std::env::{self, VarError};
use std::fmt;

use capability::{ApiKey, Credentials};

/// The made-up Account SID of the demo keys. Twilio accepts no token it signs.
pub const DEMO_ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// The made-up auth token of the demo keys.
pub const DEMO_AUTH_TOKEN: &str = "demo-auth-token-not-a-real-secret";
/// The made-up API Key SID of the demo keys.
pub const DEMO_API_KEY: &str = "SK0123456789abcdef0123456789abcdef";
/// The made-up API key secret of the demo keys.
pub const DEMO_API_SECRET: &str = "demo-api-secret-not-a-real-secret";

/// The variables that hold the capability-token credentials.
const CAPABILITY_VARS: [&str; 2] = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"];
/// The variables that hold the API key that signs Access Tokens.
const ACCESS_VARS: [&str; 3] = ["TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"];

/// What signs the tokens: the account's [`Credentials`] (capability tokens) and an [`ApiKey`]
/// (Access Tokens), each keyed into HMAC once, here, and shared by every request.
///
/// Each comes from the environment when all its variables are set (`TWILIO_ACCOUNT_SID` and
/// `TWILIO_AUTH_TOKEN`; `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY` and `TWILIO_API_SECRET`), the
/// variables of the crate's quickstart, and otherwise from made-up demo values that Twilio will
/// not accept; [`Keys::sources`] says which, naming the variables that were missing. Secrets
/// never appear in `Debug` or in errors.
///
/// ```
/// use capability_token_server::{Keys, DEMO_ACCOUNT_SID};
///
/// // Nothing set: both are the demo keys.
/// let keys = Keys::from_vars(|_| Ok(None))?;
/// assert_eq!(keys.credentials().account_sid().as_str(), DEMO_ACCOUNT_SID);
/// assert!(keys.sources().to_string().contains("DEMO"));
/// # Ok::<(), capability_token_server::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct Keys {
    credentials: Credentials,
    api_key: ApiKey,
    sources: Sources,
}

/// Where the [`Keys`] came from; `Display` gives one line per key, for the server's start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// `None` when the capability-token credentials came from the environment; otherwise the
    /// variables that were unset.
    pub capability_demo: Option<Vec<&'static str>>,
    /// `None` when the Access Token key came from the environment; otherwise the variables that
    /// were unset.
    pub access_demo: Option<Vec<&'static str>>,
}

/// A variable of the environment that the server cannot start with.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The variable is set but is not UTF-8.
    NotUnicode(&'static str),
    /// `PORT` is not a port number.
    Port {
        /// The value of `PORT`.
        value: String,
    },
    /// The variables are set, but the runtime refuses their values. Its message names the value
    /// at fault and never quotes a secret.
    Invalid {
        /// The variables the key was made from.
        vars: &'static [&'static str],
        /// Why the runtime refused them.
        source: capability::Error,
    },
    /// A variable of `POST /voice` (feature `voice`) that the webhook layer refuses.
    #[cfg(feature = "voice")]
    Webhook {
        /// The variable.
        var: &'static str,
        /// Why; it never quotes a secret.
        source: capability::webhook::WebhookError,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NotUnicode(var) => write!(f, "{var} is not valid UTF-8 text"),
            ConfigError::Port { value } => write!(
                f,
                "PORT is `{value}`, not a port number; use 1 to 65535, or 0 for any free port"
            ),
            ConfigError::Invalid { vars, source } => {
                write!(f, "{} do not make a key: {source}", vars.join(", "))
            }
            #[cfg(feature = "voice")]
            ConfigError::Webhook { var, source } => write!(f, "{var}: {source}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::NotUnicode(_) | ConfigError::Port { .. } => None,
            ConfigError::Invalid { source, .. } => Some(source),
            #[cfg(feature = "voice")]
            ConfigError::Webhook { source, .. } => Some(source),
        }
    }
}

/// Reads one variable of the process environment: `None` when unset.
///
/// # Errors
/// [`ConfigError::NotUnicode`] when it is set to text that is not UTF-8.
pub fn env_var(name: &'static str) -> Result<Option<String>, ConfigError> {
    match env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(VarError::NotPresent) => Ok(None),
        Err(VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
    }
}

impl Keys {
    /// The keys from the process environment, or the demo keys; see [`Keys`].
    ///
    /// # Errors
    /// See [`Keys::from_vars`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(env_var)
    }

    /// The keys from the variables `var` gives (`Ok(None)`: unset), or the demo keys.
    ///
    /// # Errors
    /// What `var` returns, and [`ConfigError::Invalid`] when all the variables of a key are set
    /// but the runtime refuses them (a malformed SID, an empty secret).
    pub fn from_vars(
        var: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let account_sid = var("TWILIO_ACCOUNT_SID")?;
        let auth_token = var("TWILIO_AUTH_TOKEN")?;
        let api_key = var("TWILIO_API_KEY")?;
        let api_secret = var("TWILIO_API_SECRET")?;

        let (credentials, capability_demo) = match (&account_sid, auth_token) {
            (Some(sid), Some(token)) => (
                Credentials::new(sid, token).map_err(|source| ConfigError::Invalid {
                    vars: &CAPABILITY_VARS,
                    source,
                })?,
                None,
            ),
            (sid, token) => (
                demo(Credentials::new(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)),
                Some(unset(&CAPABILITY_VARS, [sid.is_some(), token.is_some()])),
            ),
        };
        let (api_key, access_demo) = match (&account_sid, api_key, api_secret) {
            (Some(sid), Some(key), Some(secret)) => (
                ApiKey::new(sid, &key, secret).map_err(|source| ConfigError::Invalid {
                    vars: &ACCESS_VARS,
                    source,
                })?,
                None,
            ),
            (sid, key, secret) => (
                demo(ApiKey::new(DEMO_ACCOUNT_SID, DEMO_API_KEY, DEMO_API_SECRET)),
                Some(unset(
                    &ACCESS_VARS,
                    [sid.is_some(), key.is_some(), secret.is_some()],
                )),
            ),
        };
        Ok(Self {
            credentials,
            api_key,
            sources: Sources {
                capability_demo,
                access_demo,
            },
        })
    }

    /// The account's credentials: sign capability tokens.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The API key: signs Access Tokens.
    pub fn api_key(&self) -> &ApiKey {
        &self.api_key
    }

    /// Where the keys came from.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }
}

/// The demo values are valid constants: the runtime accepts them (a unit test checks it).
fn demo<T>(key: Result<T, capability::Error>) -> T {
    match key {
        Ok(key) => key,
        Err(e) => unreachable!("the demo keys are valid: {e}"),
    }
}

/// The variables among `vars` that are not set.
fn unset<const N: usize>(vars: &[&'static str; N], set: [bool; N]) -> Vec<&'static str> {
    vars.iter()
        .zip(set)
        .filter(|(_, set)| !set)
        .map(|(var, _)| *var)
        .collect()
}

impl fmt::Display for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, what: &str, demo: &Option<Vec<&str>>| match demo {
            None => writeln!(f, "{what}: signed with the keys from the environment"),
            Some(unset) => writeln!(
                f,
                "{what}: signed with DEMO keys that Twilio will not accept ({} unset)",
                unset.join(", ")
            ),
        };
        line(f, "capability tokens", &self.capability_demo)?;
        line(f, "Access Tokens", &self.access_demo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_keys_are_valid() {
        assert!(Credentials::new(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN).is_ok());
        assert!(ApiKey::new(DEMO_ACCOUNT_SID, DEMO_API_KEY, DEMO_API_SECRET).is_ok());
    }
}
