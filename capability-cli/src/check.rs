//! `capability check`: a policy's mistakes, or what a token signed from it would grant.

use std::fmt::Write as _;

use capability_runtime::{AccessPolicy, Policy, TokenKind};
use serde_json::json;

use crate::args::Check;
use crate::decode::{json_line, kind_name};
use crate::describe;
use crate::output::{clean, styled, Outcome, GOOD, HEADING};
use crate::policy::{self, Parsed};

pub fn run(args: &Check) -> Outcome {
    let stdout = match policy::read(&args.policy, args.access, args.json) {
        Ok(Parsed::Capability(policy)) => capability(&policy, args.json),
        Ok(Parsed::Access(policy)) => access(&policy, args.json),
        Err(outcome) => return outcome,
    };
    Outcome {
        stdout,
        ..Outcome::default()
    }
}

fn capability(policy: &Policy, json: bool) -> String {
    let ttl = policy.ttl().as_secs();
    if json {
        return json_line(&json!({
            "valid": true,
            "kind": kind_name(TokenKind::Capability),
            "ttl": ttl,
            "scope": policy.scope(),
            "grants": describe::grants_json(policy.grants()),
        }));
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
    out
}

fn access(policy: &AccessPolicy, json: bool) -> String {
    let ttl = policy.ttl().as_secs();
    if json {
        return json_line(&json!({
            "valid": true,
            "kind": kind_name(TokenKind::Access),
            "ttl": ttl,
            "identity": policy.identity().as_str(),
            "region": policy.region().map(|r| r.as_str()),
            "not_before": policy.not_before(),
            "grants": describe::access_grants_json(policy.grants()),
        }));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} an Access Token policy; its tokens are valid for {} ({ttl} s)",
        styled(GOOD, "valid:"),
        describe::duration(ttl)
    );
    if let Some(nbf) = policy.not_before() {
        let _ = writeln!(
            out,
            "{}  {} ({nbf})",
            styled(HEADING, "not before"),
            describe::date(nbf)
        );
    }
    describe::access_grants(
        &mut out,
        Some(policy.identity()),
        policy.region(),
        policy.grants(),
    );
    out
}
