//! `capability sign`: a token from a policy, signed with the credentials of the environment.

use crate::args::Sign;
use crate::credentials;
use crate::describe;
use crate::output::Outcome;
use crate::policy;

pub fn run(args: &Sign) -> Outcome {
    if args.access {
        return Outcome::error(
            2,
            "this version of `capability` does not sign Access Tokens yet; without `--access` \
             it signs capability tokens",
        );
    }
    let policy = match policy::read(&args.policy, false) {
        Ok(policy) => policy,
        Err(outcome) => return outcome,
    };
    let credentials = match credentials::capability() {
        Ok(credentials) => credentials,
        Err(e) => return Outcome::error(2, e.0),
    };
    let issued_at = match args.at.map_or_else(describe::now, Ok) {
        Ok(now) => now,
        Err(message) => return Outcome::error(2, message),
    };
    let token = policy.sign_at(&credentials, issued_at);
    Outcome {
        stdout: format!("{token}\n"),
        stdout_is_token: true,
        ..Outcome::default()
    }
}
