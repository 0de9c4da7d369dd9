//! `capability sign`: a token from a policy, signed with the credentials of the environment.

use crate::args::Sign;
use crate::credentials;
use crate::describe;
use crate::output::Outcome;
use crate::policy::{self, Parsed};

pub fn run(args: &Sign) -> Outcome {
    let policy = match policy::read(&args.policy, args.access, false) {
        Ok(policy) => policy,
        Err(outcome) => return outcome,
    };
    let issued_at = match args.at.map_or_else(describe::now, Ok) {
        Ok(now) => now,
        Err(message) => return Outcome::error(2, message),
    };
    let token = match &policy {
        Parsed::Capability(policy) => match credentials::capability() {
            Ok(credentials) => policy.sign_at(&credentials, issued_at),
            Err(e) => return Outcome::error(2, e.0),
        },
        Parsed::Access(policy) => match credentials::access() {
            Ok(key) => policy.sign_at(&key, issued_at),
            Err(e) => return Outcome::error(2, e.0),
        },
    };
    Outcome {
        stdout: format!("{token}\n"),
        stdout_is_token: true,
        ..Outcome::default()
    }
}
