//! `Policy`: what a token grants and for how long, with its `scope` claim encoded once.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::capability::grants::{Events, Grants, Outgoing};
use crate::capability::template::TemplateBody;
use crate::capability::wire::max_token_len;
use crate::capability::{scope, wire};
use crate::client_name::ClientName;
use crate::error::Error;
use crate::kinds::ScopeKind;
use crate::limits::{check_token_len, check_ttl, DEFAULT_TTL, MAX_TOKEN_LEN, MAX_TTL, MIN_TTL};
use crate::params::Params;
use crate::sid::AppSid;

/// What a token grants — receive calls as a client name, place calls through an application,
/// subscribe to events — and for how long.
///
/// Build one at run time with [`Policy::builder`], or at compile time with the `capability!`
/// macro of the `capability` crate. Either way the `scope` claim is encoded once, when the policy
/// is made, so that signing only adds the issuer and expiry and computes the HMAC.
///
/// ```
/// use std::time::Duration;
/// use capability_runtime::{AppSid, ClientName, Policy};
///
/// let policy = Policy::builder()
///     .incoming(ClientName::new("Alice")?)
///     .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("Foo", "Bar")])
///     .ttl(Duration::from_secs(600))
///     .build()?;
/// assert_eq!(
///     policy.scope(),
///     "scope:client:incoming?clientName=Alice \
///      scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice"
/// );
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    ttl: u32,
    body: Body,
}

/// What a policy signs, in one of two forms that the one signing path walks alike (`sign.rs`).
#[derive(Clone)]
pub(crate) enum Body {
    /// Built by the builder, or by `capability!` from literals: the payload up to the issuer is
    /// one fixed run, whose base64url is precomputed from the start of the payload.
    Encoded {
        grants: Grants,
        scope: Cow<'static, str>,
        payload_b64: Cow<'static, str>,
    },
    /// Made by `capability!` from a template and the values of its holes.
    Template(TemplateBody),
}

impl Policy {
    /// Starts a policy. Scopes appear in the token in the order of the calls.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// What the policy grants.
    pub fn grants(&self) -> &Grants {
        match &self.body {
            Body::Encoded { grants, .. } => grants,
            Body::Template(t) => &t.described().grants,
        }
    }

    /// How long a token signed from this policy is valid.
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.ttl))
    }

    /// The `scope` claim of the tokens this policy signs.
    pub fn scope(&self) -> &str {
        match &self.body {
            Body::Encoded { scope, .. } => scope,
            Body::Template(t) => &t.described().scope,
        }
    }

    /// The length of the `scope` claim, known without encoding it.
    pub(crate) fn scope_len(&self) -> usize {
        match &self.body {
            Body::Encoded { scope, .. } => scope.len(),
            Body::Template(t) => t.scope_len,
        }
    }

    #[cfg(feature = "jwt")]
    pub(crate) fn ttl_secs(&self) -> u64 {
        u64::from(self.ttl)
    }

    #[cfg(feature = "jwt")]
    pub(crate) fn body(&self) -> &Body {
        &self.body
    }

    /// The base64url of the payload up to the issuer, which `capability!` embeds.
    pub(crate) fn payload_prefix(&self) -> &str {
        match &self.body {
            Body::Encoded { payload_b64, .. } => payload_b64,
            Body::Template(t) => &t.described().payload_b64,
        }
    }

    /// A policy made by `capability!` from a template.
    pub(crate) fn from_template(body: TemplateBody) -> Policy {
        Policy {
            ttl: body.ttl_secs(),
            body: Body::Template(body),
        }
    }

    /// The policy `capability!` computed at compile time with this crate's own builder and
    /// encoder, rebuilt in `const` context.
    ///
    /// # Panics
    /// When what it is given is not what the builder makes: a TTL out of range, an empty
    /// parameter key, tokens longer than the verifier reads, or a `scope` or payload prefix that
    /// is not the encoding of the grants. `capability!` evaluates it in a `const` block, where
    /// that is a compile error; no policy comes out whose tokens the verifier refuses or whose
    /// grants are not what its tokens grant.
    pub(crate) const fn from_static(p: crate::__private::StaticPolicy) -> Policy {
        const fn no_empty_key(pairs: &[(&str, &str)]) -> bool {
            let mut i = 0;
            while i < pairs.len() {
                if pairs[i].0.is_empty() {
                    return false;
                }
                i += 1;
            }
            true
        }
        let literal = scope::LiteralGrants {
            incoming: p.incoming,
            outgoing: match &p.outgoing {
                Some(o) => Some((o.app_sid, o.params, o.client_name)),
                None => None,
            },
            events: p.events,
        };
        let keys = match (&p.outgoing, p.events) {
            (Some(o), Some(filters)) => no_empty_key(o.params) && no_empty_key(filters),
            (Some(o), None) => no_empty_key(o.params),
            (None, Some(filters)) => no_empty_key(filters),
            (None, None) => true,
        };
        assert!(
            p.ttl_secs as u64 >= MIN_TTL.as_secs()
                && p.ttl_secs as u64 <= MAX_TTL.as_secs()
                && keys
                && max_token_len(p.scope.len()) <= MAX_TOKEN_LEN
                && scope::encodes(p.scope, &literal)
                && wire::is_payload_prefix_b64(p.scope, p.payload_b64),
            "not a policy `capability!` made: its scope or payload is not the encoding of its \
             grants, or it breaks a rule of the builder"
        );
        let incoming = match p.incoming {
            Some(name) => Some(ClientName::from_static(name)),
            None => None,
        };
        let outgoing = match p.outgoing {
            Some(o) => Some(Outgoing::new(
                AppSid::from_static(o.app_sid),
                Params::from_static(o.params),
                match o.client_name {
                    Some(name) => Some(ClientName::from_static(name)),
                    None => None,
                },
            )),
            None => None,
        };
        let events = match p.events {
            Some(filters) => Some(Events::new(Params::from_static(filters))),
            None => None,
        };
        Policy {
            ttl: p.ttl_secs,
            body: Body::Encoded {
                grants: Grants {
                    incoming,
                    outgoing,
                    events,
                    other: Vec::new(),
                },
                scope: Cow::Borrowed(p.scope),
                payload_b64: Cow::Borrowed(p.payload_b64),
            },
        }
    }
}

/// Equal when they grant the same, with the same `scope` claim and TTL: whatever made them.
impl PartialEq for Policy {
    fn eq(&self, other: &Policy) -> bool {
        self.ttl == other.ttl && self.scope() == other.scope() && self.grants() == other.grants()
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grants = self.grants();
        f.debug_struct("Policy")
            .field("incoming", &grants.incoming)
            .field("outgoing", &grants.outgoing)
            .field("events", &grants.events)
            .field("ttl", &self.ttl())
            .field("scope", &self.scope())
            .finish()
    }
}

/// Builds a [`Policy`]; see [`Policy::builder`].
///
/// Each scope may be granted once. Mistakes are reported by [`build`](Self::build).
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    grants: Grants,
    order: Vec<ScopeKind>,
    duplicate: Option<ScopeKind>,
    ttl: Option<Duration>,
}

impl PolicyBuilder {
    /// Lets the device receive calls as `name`.
    pub fn incoming(mut self, name: ClientName) -> Self {
        if self.grant(ScopeKind::Incoming) {
            self.grants.incoming = Some(name);
        }
        self
    }

    /// Lets the device place calls through the application `app_sid`, which Twilio calls with
    /// `params` (in this order). Pass `[]` or an empty `Vec` for none.
    ///
    /// When the policy also grants `incoming`, the outgoing scope carries that client name as
    /// the caller identity, as twilio-php does.
    pub fn outgoing<I, K, V>(mut self, app_sid: AppSid, params: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        if self.grant(ScopeKind::Outgoing) {
            self.grants.outgoing = Some(Outgoing::new(app_sid, Params::from_pairs(params), None));
        }
        self
    }

    /// Lets the device subscribe to the account's event stream, with `filters` (in this order).
    /// Pass `[]` or an empty `Vec` for none.
    pub fn events<I, K, V>(mut self, filters: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        if self.grant(ScopeKind::Events) {
            self.grants.events = Some(Events::new(Params::from_pairs(filters)));
        }
        self
    }

    /// How long tokens are valid: a whole number of seconds from 1 s to 24 h. Default 1 h.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Checks the policy and encodes its `scope` claim.
    ///
    /// # Errors
    /// [`Error::EmptyPolicy`] when nothing is granted, [`Error::DuplicateScope`] when a scope is
    /// granted twice, [`Error::InvalidTtl`] for a TTL outside 1 s ..= 24 h or with a fraction of a
    /// second, [`Error::EmptyParamKey`] for a parameter or filter with an empty key,
    /// [`Error::PolicyTooLarge`] when its tokens would be longer than [`MAX_TOKEN_LEN`].
    pub fn build(self) -> Result<Policy, Error> {
        if let Some(kind) = self.duplicate {
            return Err(Error::DuplicateScope(kind));
        }
        if self.order.is_empty() {
            return Err(Error::EmptyPolicy);
        }
        if let Some(ttl) = self.ttl {
            check_ttl(ttl)?;
        }
        if let Some(o) = &self.grants.outgoing {
            if o.params().has_empty_key() {
                return Err(Error::EmptyParamKey(ScopeKind::Outgoing));
            }
        }
        if let Some(e) = &self.grants.events {
            if e.filters().has_empty_key() {
                return Err(Error::EmptyParamKey(ScopeKind::Events));
            }
        }
        let policy = self.encoded();
        check_token_len(max_token_len(policy.scope_len()))?;
        Ok(policy)
    }

    /// The policy, once every rule was checked.
    fn encoded(mut self) -> Policy {
        let ttl = self.ttl.unwrap_or(DEFAULT_TTL).as_secs();
        if let (Some(name), Some(outgoing)) = (&self.grants.incoming, &mut self.grants.outgoing) {
            *outgoing = Outgoing::new(
                *outgoing.app_sid(),
                outgoing.params().clone(),
                Some(name.clone()),
            );
        }
        let scope = scope::encode(&self.grants, &self.order);
        let payload_b64 = wire::payload_prefix_b64(&scope);
        Policy {
            ttl: u32::try_from(ttl).unwrap_or(u32::MAX),
            body: Body::Encoded {
                grants: self.grants,
                scope: Cow::Owned(scope),
                payload_b64: Cow::Owned(payload_b64),
            },
        }
    }

    /// Records that `kind` is granted; false (and a pending error) if it already was.
    fn grant(&mut self, kind: ScopeKind) -> bool {
        if self.order.contains(&kind) {
            self.duplicate.get_or_insert(kind);
            return false;
        }
        self.order.push(kind);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::{static_policy, StaticOutgoing, StaticPolicy};

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }

    fn leak_pairs(params: &Params) -> &'static [(&'static str, &'static str)] {
        let pairs: Vec<_> = params.iter().map(|(k, v)| (leak(k), leak(v))).collect();
        Box::leak(pairs.into_boxed_slice())
    }

    /// What `capability!` embeds for `policy`.
    fn literal(policy: &Policy) -> StaticPolicy {
        let g = policy.grants();
        StaticPolicy {
            incoming: g.incoming().map(|n| leak(n.as_str())),
            outgoing: g.outgoing().map(|o| StaticOutgoing {
                app_sid: leak(o.app_sid().as_str()),
                params: leak_pairs(o.params()),
                client_name: o.client_name().map(|n| leak(n.as_str())),
            }),
            events: g.events().map(|e| leak_pairs(e.filters())),
            ttl_secs: u32::try_from(policy.ttl().as_secs()).unwrap(),
            scope: leak(policy.scope()),
            payload_b64: leak(policy.payload_prefix()),
        }
    }

    /// Every policy the builder makes is rebuilt from its parts; parts that are not the encoding
    /// of their grants, or that break a rule, are refused (a panic, a compile error in `const`).
    #[test]
    fn a_static_policy_is_checked_against_its_grants() {
        let alice = ClientName::new("alice").unwrap();
        let params = [("To", "+1 555 010"), ("naïve", "a&b=c%d"), ("e", "")];
        let policies = [
            Policy::builder().incoming(alice.clone()).build().unwrap(),
            Policy::builder().outgoing(sid(), params).build().unwrap(),
            Policy::builder()
                .events([("Level", "error")])
                .outgoing(sid(), params)
                .incoming(alice.clone())
                .ttl(Duration::from_secs(86400))
                .build()
                .unwrap(),
            Policy::builder()
                .events(std::iter::empty::<(&str, &str)>())
                .build()
                .unwrap(),
        ];
        for policy in &policies {
            assert_eq!(&static_policy(literal(policy)), policy);
        }
        let refused = |p: StaticPolicy| std::panic::catch_unwind(|| static_policy(p)).is_err();
        let base = &policies[2];
        let other = Policy::builder()
            .incoming(ClientName::new("roots").unwrap())
            .build()
            .unwrap();
        // A scope that grants another name than the grants say.
        assert!(refused(StaticPolicy {
            scope: leak(other.scope()),
            payload_b64: leak(other.payload_prefix()),
            ..literal(&policies[0])
        }));
        // A payload prefix of another scope.
        assert!(refused(StaticPolicy {
            payload_b64: leak(other.payload_prefix()),
            ..literal(&policies[0])
        }));
        // A scope with a grant too many, a grant too few, or one twice.
        let twice = format!("{0} {0}", policies[0].scope());
        for scope in [base.scope(), "", &twice] {
            assert!(refused(StaticPolicy {
                scope: leak(scope),
                ..literal(&policies[0])
            }));
        }
        assert!(refused(StaticPolicy {
            ttl_secs: 0,
            ..literal(base)
        }));
        assert!(refused(StaticPolicy {
            ttl_secs: 86_401,
            ..literal(base)
        }));
        assert!(refused(StaticPolicy {
            events: Some(&[("", "x")]),
            ..literal(base)
        }));
    }

    fn sid() -> AppSid {
        AppSid::from_static("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
    }

    #[test]
    fn builder_errors() {
        assert_eq!(Policy::builder().build().unwrap_err(), Error::EmptyPolicy);
        let alice = ClientName::from_static("Alice");
        assert_eq!(
            Policy::builder()
                .incoming(alice.clone())
                .incoming(alice.clone())
                .build()
                .unwrap_err(),
            Error::DuplicateScope(ScopeKind::Incoming)
        );
        for ttl in [0, 86_401] {
            assert_eq!(
                Policy::builder()
                    .incoming(alice.clone())
                    .ttl(Duration::from_secs(ttl))
                    .build()
                    .unwrap_err(),
                Error::InvalidTtl(Duration::from_secs(ttl))
            );
        }
        assert_eq!(
            Policy::builder()
                .outgoing(sid(), [("", "x")])
                .build()
                .unwrap_err(),
            Error::EmptyParamKey(ScopeKind::Outgoing)
        );
        assert_eq!(
            Policy::builder().events([("", "x")]).build().unwrap_err(),
            Error::EmptyParamKey(ScopeKind::Events)
        );
    }

    #[test]
    fn policies_whose_tokens_verify_would_refuse_are_refused() {
        let build = |len: usize| Policy::builder().events([("k", "v".repeat(len))]).build();
        // The longest value that fits, by bisection.
        let (mut fits, mut too_long) = (0, MAX_TOKEN_LEN);
        while too_long - fits > 1 {
            let mid = (fits + too_long) / 2;
            match build(mid) {
                Ok(_) => fits = mid,
                Err(_) => too_long = mid,
            }
        }
        assert!(fits > 10_000);
        // The largest policy signs, at the latest expiry (the most digits), a token the
        // verifier accepts.
        #[cfg(feature = "jwt")]
        {
            let credentials =
                crate::Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret").unwrap();
            let token = build(fits)
                .unwrap()
                .sign_at(&credentials, crate::MAX_EXP - 1);
            assert!(token.as_str().len() <= MAX_TOKEN_LEN);
            credentials.verify_at(token.as_str(), 0).unwrap();
        }
        assert!(matches!(
            build(fits + 1),
            Err(Error::PolicyTooLarge {
                max: MAX_TOKEN_LEN,
                ..
            })
        ));
    }

    #[test]
    fn ttl_bounds_are_inclusive() {
        for ttl in [1, 86_400] {
            let p = Policy::builder()
                .events(Vec::<(String, String)>::new())
                .ttl(Duration::from_secs(ttl))
                .build()
                .unwrap();
            assert_eq!(p.ttl(), Duration::from_secs(ttl));
        }
    }

    #[test]
    fn outgoing_takes_the_incoming_name_whatever_the_order() {
        let p = Policy::builder()
            .outgoing(sid(), [("Foo", "Bar")])
            .incoming(ClientName::from_static("Alice"))
            .build()
            .unwrap();
        assert_eq!(
            p.grants().outgoing().unwrap().client_name().unwrap(),
            "Alice"
        );
        assert!(p.scope().starts_with("scope:client:outgoing?"));
        assert!(p
            .scope()
            .ends_with("&clientName=Alice scope:client:incoming?clientName=Alice"));
    }
}
