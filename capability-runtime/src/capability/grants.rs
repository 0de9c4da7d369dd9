//! `Grants`: what a token allows, read from a policy or from a verified token.

use crate::client_name::ClientName;
use crate::params::Params;
use crate::sid::AppSid;

/// The `outgoing` grant: place calls through a TwiML application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    app_sid: AppSid,
    params: Params,
    client_name: Option<ClientName>,
}

impl Outgoing {
    pub(crate) const fn new(
        app_sid: AppSid,
        params: Params,
        client_name: Option<ClientName>,
    ) -> Self {
        Self {
            app_sid,
            params,
            client_name,
        }
    }

    /// The application that handles the calls.
    pub fn app_sid(&self) -> &AppSid {
        &self.app_sid
    }

    /// The parameters Twilio passes to the application, in order.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The caller identity (`client:<name>`) of the calls. Policies set it to the `incoming`
    /// name when they grant both; tokens from twilio-node and twilio-ruby may leave it out.
    pub fn client_name(&self) -> Option<&ClientName> {
        self.client_name.as_ref()
    }
}

/// The `events` grant: subscribe to the account's event stream (`/2010-04-01/Events`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Events {
    filters: Params,
}

impl Events {
    pub(crate) const fn new(filters: Params) -> Self {
        Self { filters }
    }

    /// The filters of the subscription, in order.
    pub fn filters(&self) -> &Params {
        &self.filters
    }
}

/// The most scope URIs of other services a verified token may hold
/// ([`Grants::other_scopes`]). Each is kept as a string of its own; the limit bounds the
/// allocations a token can cause. The official libraries write none.
pub const MAX_OTHER_SCOPES: usize = 32;

/// What a token grants.
///
/// Two `Grants` are equal when they grant the same: the order of the scopes and of the top-level
/// query parameters does not matter; parameters and filters compare in order. Scope URIs of
/// other services are equal when they have the same name and the same query parameters, as
/// written, in any order.
///
/// ```
/// use capability_runtime::{AppSid, ClientName, Policy};
///
/// let policy = Policy::builder()
///     .incoming(ClientName::new("Alice")?)
///     .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("Foo", "Bar")])
///     .build()?;
/// let grants = policy.grants();
/// assert_eq!(grants.incoming().unwrap(), "Alice");
/// let outgoing = grants.outgoing().unwrap();
/// assert_eq!(outgoing.params(), &[("Foo", "Bar")]);
/// assert_eq!(outgoing.client_name().unwrap(), "Alice");
/// assert!(grants.events().is_none());
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Grants {
    pub(crate) incoming: Option<ClientName>,
    pub(crate) outgoing: Option<Outgoing>,
    pub(crate) events: Option<Events>,
    pub(crate) other: Vec<String>,
}

impl Grants {
    /// The client name the device may receive calls as.
    pub fn incoming(&self) -> Option<&ClientName> {
        self.incoming.as_ref()
    }

    /// The application the device may place calls through.
    pub fn outgoing(&self) -> Option<&Outgoing> {
        self.outgoing.as_ref()
    }

    /// The event-stream subscription.
    pub fn events(&self) -> Option<&Events> {
        self.events.as_ref()
    }

    /// Scope URIs of a verified token that this library does not know, verbatim, in token order.
    /// Always empty for a [`Policy`](crate::Policy).
    pub fn other_scopes(&self) -> &[String] {
        &self.other
    }

    /// Whether nothing is granted.
    pub fn is_empty(&self) -> bool {
        self.incoming.is_none()
            && self.outgoing.is_none()
            && self.events.is_none()
            && self.other.is_empty()
    }
}

impl PartialEq for Grants {
    fn eq(&self, other: &Grants) -> bool {
        /// A scope URI of another service as compared: its name, then the parameters of its
        /// query as written, sorted; the URIs sorted too.
        fn canonical(scopes: &[String]) -> Vec<(&str, Vec<&str>)> {
            let mut uris: Vec<(&str, Vec<&str>)> = scopes
                .iter()
                .map(|uri| {
                    let (name, query) = uri.split_once('?').unwrap_or((uri, ""));
                    let mut params: Vec<&str> = query.split('&').collect();
                    params.sort_unstable();
                    (name, params)
                })
                .collect();
            uris.sort_unstable();
            uris
        }
        self.incoming == other.incoming
            && self.outgoing == other.outgoing
            && self.events == other.events
            && self.other.len() == other.other.len()
            && canonical(&self.other) == canonical(&other.other)
    }
}

impl Eq for Grants {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_and_static_params_compare_by_content() {
        const STATIC: Params = Params::from_static(&[("a", ""), ("", "b"), ("c", "d")]);
        let packed = Params::from_pairs([("a", ""), ("", "b"), ("c", "d")]);
        assert_eq!(STATIC, packed);
        assert_eq!(
            packed.iter().collect::<Vec<_>>(),
            [("a", ""), ("", "b"), ("c", "d")]
        );
        assert!(packed.has_empty_key());
        assert_ne!(
            packed,
            Params::from_pairs([("c", "d"), ("a", ""), ("", "b")])
        );
        assert_eq!(
            Params::from_pairs(Vec::<(String, String)>::new()),
            Params::new()
        );
    }

    #[test]
    fn other_scopes_compare_as_a_multiset() {
        let grants = |other: &[&str]| Grants {
            other: other.iter().map(|s| s.to_string()).collect(),
            ..Grants::default()
        };
        assert_eq!(grants(&["x", "y"]), grants(&["y", "x"]));
        assert_ne!(grants(&["x", "y"]), grants(&["y", "y"]));
        assert_ne!(grants(&["x", "y"]), grants(&["x"]));
    }

    #[test]
    fn other_scopes_compare_by_name_and_parameters_in_any_order() {
        let grants = |other: &[&str]| Grants {
            other: other.iter().map(|s| s.to_string()).collect(),
            ..Grants::default()
        };
        let a = grants(&["scope:x:y?a=1&b=2", "scope:x:z"]);
        assert_eq!(a, grants(&["scope:x:z", "scope:x:y?b=2&a=1"]));
        assert_ne!(a, grants(&["scope:x:z", "scope:x:y?b=2&a=3"]));
        assert_ne!(a, grants(&["scope:x:z", "scope:x:w?b=2&a=1"]));
        assert_ne!(a, grants(&["scope:x:z", "scope:x:y?a=1&b=2&b=2"]));
        // Parameters compare as written: another encoding is another text.
        assert_ne!(a, grants(&["scope:x:z", "scope:x:y?a=%31&b=2"]));
        // As for the scopes this library knows, order does not matter, content does.
        assert_eq!(
            grants(&["scope:x:y?a=1&a=2"]),
            grants(&["scope:x:y?a=2&a=1"])
        );
    }
}
