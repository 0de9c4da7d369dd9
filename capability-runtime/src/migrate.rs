//! `Policy::to_access_policy`: from a capability token policy to an Access Token policy, as
//! Twilio's migration guide maps the parameters.

use crate::access::grants::VoiceGrant;
use crate::access::policy::AccessPolicy;
use crate::capability::policy::Policy;
use crate::error::{Error, MigrationBlocker};
use crate::identity::Identity;

impl Policy {
    /// The Access Token policy that grants what this capability token policy grants, following
    /// Twilio's parameter mapping: the `incoming` client name becomes the identity, with
    /// incoming calls allowed; the `outgoing` application and its parameters become the voice
    /// grant's outgoing application; the TTL stays.
    ///
    /// ```
    /// use capability_runtime::{AppSid, ClientName, Policy};
    ///
    /// let policy = Policy::builder()
    ///     .incoming(ClientName::new("alice")?)
    ///     .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("To", "+15551234567")])
    ///     .build()?;
    /// let access = policy.to_access_policy()?;
    /// assert_eq!(access.identity().as_str(), "alice");
    /// let voice = access.grants().voice().unwrap();
    /// assert!(voice.incoming_allowed());
    /// assert_eq!(voice.outgoing_application().unwrap().params(), &[("To", "+15551234567")]);
    /// assert_eq!(access.ttl(), policy.ttl());
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// - [`Error::CannotMigrate`] with [`MigrationBlocker::Events`] when the policy grants
    ///   `events`, which Access Tokens have no equivalent for;
    /// - [`Error::CannotMigrate`] with [`MigrationBlocker::NoClientName`] when it has no
    ///   `incoming` client name, since an Access Token needs an identity;
    /// - any error of [`AccessPolicyBuilder::build`](crate::AccessPolicyBuilder::build), such
    ///   as [`Error::DuplicateParamKey`] for an outgoing parameter given twice (capability tokens
    ///   allow that, JSON objects do not).
    pub fn to_access_policy(&self) -> Result<AccessPolicy, Error> {
        let grants = self.grants();
        if grants.events().is_some() {
            return Err(Error::CannotMigrate(MigrationBlocker::Events));
        }
        let name = grants
            .incoming()
            .ok_or(Error::CannotMigrate(MigrationBlocker::NoClientName))?;
        let mut voice = VoiceGrant::new().incoming();
        if let Some(outgoing) = grants.outgoing() {
            voice = voice.outgoing(*outgoing.app_sid(), outgoing.params());
        }
        AccessPolicy::builder()
            .identity(Identity::from(name))
            .voice(voice)
            .ttl(self.ttl())
            .build()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::client_name::ClientName;
    use crate::sid::AppSid;

    #[test]
    fn refuses_what_has_no_equivalent() {
        let events = Policy::builder()
            .incoming(ClientName::from_static("alice"))
            .events([("a", "b")])
            .build()
            .unwrap();
        assert_eq!(
            events.to_access_policy().unwrap_err(),
            Error::CannotMigrate(MigrationBlocker::Events)
        );
        let nameless = Policy::builder()
            .outgoing(
                AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                [("a", "b")],
            )
            .build()
            .unwrap();
        let err = nameless.to_access_policy().unwrap_err();
        assert_eq!(err, Error::CannotMigrate(MigrationBlocker::NoClientName));
        assert!(err.to_string().contains("add `incoming"), "{err}");
    }

    #[test]
    fn maps_every_parameter() {
        let policy = Policy::builder()
            .outgoing(
                AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                [("a", "b")],
            )
            .incoming(ClientName::from_static("alice"))
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap();
        let access = policy.to_access_policy().unwrap();
        let expected = AccessPolicy::builder()
            .identity(Identity::from_static("alice"))
            .voice(VoiceGrant::new().incoming().outgoing(
                AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                [("a", "b")],
            ))
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap();
        assert_eq!(access, expected);

        let incoming_only = Policy::builder()
            .incoming(ClientName::from_static("bob"))
            .build()
            .unwrap()
            .to_access_policy()
            .unwrap();
        let voice = incoming_only.grants().voice().unwrap();
        assert!(voice.incoming_allowed() && voice.outgoing_application().is_none());
        assert_eq!(incoming_only.ttl(), Duration::from_secs(3600));
    }

    #[test]
    fn repeated_parameters_cannot_become_a_json_object() {
        let policy = Policy::builder()
            .incoming(ClientName::from_static("alice"))
            .outgoing(
                AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                [("a", "1"), ("a", "2")],
            )
            .build()
            .unwrap();
        assert_eq!(
            policy.to_access_policy().unwrap_err(),
            Error::DuplicateParamKey { key: "a".into() }
        );
    }
}
