//! `capability check`: a policy's mistakes, or what a token signed from it would grant.

use std::fmt::Write as _;

use serde_json::json;

use crate::args::Check;
use crate::decode::{json_line, kind_name};
use crate::describe;
use crate::output::{clean, styled, Outcome, GOOD, HEADING};
use crate::policy;

pub fn run(args: &Check) -> Outcome {
    if args.access {
        return Outcome::error(
            2,
            "this version of `capability` does not check Access Token policies yet; without \
             `--access` it checks capability token policies",
        );
    }
    let policy = match policy::read(&args.policy, args.json) {
        Ok(policy) => policy,
        Err(outcome) => return outcome,
    };
    let ttl = policy.ttl().as_secs();
    if args.json {
        return Outcome {
            stdout: json_line(&json!({
                "valid": true,
                "kind": kind_name(capability_runtime::TokenKind::Capability),
                "ttl": ttl,
                "scope": policy.scope(),
                "grants": describe::grants_json(policy.grants()),
            })),
            ..Outcome::default()
        };
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} a capability token policy; its tokens are valid for {} ({ttl} s)",
        styled(GOOD, "valid:"),
        describe::duration(ttl)
    );
    describe::grants(&mut out, policy.grants());
    let _ = writeln!(
        out,
        "{}\n  {}",
        styled(HEADING, "scope"),
        clean(policy.scope())
    );
    Outcome {
        stdout: out,
        ..Outcome::default()
    }
}
