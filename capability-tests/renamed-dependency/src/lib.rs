//! A crate that depends on `capability` renamed in `Cargo.toml`
//! (`cap = { package = "capability", … }`): `::capability` does not resolve here, and
//! `crate = ::cap;` names the dependency for literal and run-time policies alike.

/// A policy of literals.
pub const LITERAL: cap::Policy = cap::capability! { crate = ::cap; incoming "Alice"; ttl 10m };

/// A policy with a run-time name.
pub fn dynamic(name: cap::ClientName) -> cap::Policy {
    cap::capability! { crate = ::cap; incoming {name}; ttl 10m }
}

/// A policy with a run-time parameter: a `Result`.
pub fn with_queue(queue: &str) -> Result<cap::Policy, cap::Error> {
    cap::capability! { crate = ::cap; events { Queue = {queue} } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_statement_names_a_renamed_dependency() {
        let name = cap::ClientName::new("Alice").unwrap();
        assert_eq!(LITERAL, dynamic(name));
        assert_eq!(LITERAL.scope(), "scope:client:incoming?clientName=Alice");
        assert_eq!(
            with_queue("billing")
                .unwrap()
                .grants()
                .events()
                .unwrap()
                .filters(),
            &[("Queue", "billing")]
        );
    }
}
