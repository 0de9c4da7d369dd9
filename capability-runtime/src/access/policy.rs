//! `AccessPolicy`: who an Access Token is for, what it grants and for how long, with everything
//! that depends on neither the key nor the time encoded once.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use crate::access::encode;
use crate::access::grants::{
    AccessGrants, ChatGrant, PlaybackGrant, ServiceFields, SyncGrant, TaskRouterGrant, VideoGrant,
    VoiceGrant,
};
use crate::access::region::Region;
use crate::access::template::TemplateBody;
use crate::client_name::ClientName;
use crate::error::Error;
use crate::identity::Identity;
use crate::kinds::GrantKind;
use crate::limits::{check_token_len, check_ttl, DEFAULT_TTL, MAX_OUTGOING_PARAMS};

/// The largest not-before time: 2^53 − 1, as [`MAX_EXP`](crate::MAX_EXP).
pub(crate) const MAX_NOT_BEFORE: u64 = crate::limits::MAX_EXP;

/// Who an Access Token is for, what it grants, in which region, and for how long.
///
/// Build one with [`AccessPolicy::builder`] (or the `access_token!` macro of the `capability`
/// crate, which checks everything at compile time). The header and every claim that depends on
/// neither the API key nor the time are encoded when the policy is made, so that signing only
/// adds the key's SIDs, the time and the HMAC.
///
/// Two policies are equal when they sign the same tokens.
///
/// ```
/// use std::time::Duration;
/// use capability_runtime::{AccessPolicy, AppSid, Identity, Region, VideoGrant, VoiceGrant};
///
/// let policy = AccessPolicy::builder()
///     .identity(Identity::new("alice")?)
///     .voice(VoiceGrant::new()
///         .incoming()
///         .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("To", "+15551234567")]))
///     .video(VideoGrant::new().room("DailyStandup"))
///     .region(Region::new("ie1")?)
///     .ttl(Duration::from_secs(600))
///     .build()?;
/// assert_eq!(policy.identity().as_str(), "alice");
/// assert_eq!(policy.ttl(), Duration::from_secs(600));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct AccessPolicy {
    identity: Identity,
    ttl: u32,
    region: Option<Region>,
    not_before: Option<u64>,
    body: AccessBody,
}

/// What a policy signs besides its identity, in one of two forms (see `sign.rs`).
// The encoded form is built in `const` context for `access_token!`'s policies of literals, where
// nothing can be boxed; the template form is the small one.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum AccessBody {
    /// Built by the builder, or by `access_token!` from literals: the claims from `,"grants":`
    /// on are one fixed text.
    Encoded {
        grants: AccessGrants,
        /// The base64url of the header.
        header_b64: Cow<'static, str>,
        /// The payload from `,"grants":` on, and its base64url from each of its first 3 bytes.
        tail: Cow<'static, str>,
        tail_b64: [Cow<'static, str>; 3],
    },
    /// Made by `access_token!` from a template and the values of its holes.
    Template(TemplateBody),
}

impl AccessPolicy {
    /// Starts a policy. Grants appear in the token in the order of the calls.
    pub fn builder() -> AccessPolicyBuilder {
        AccessPolicyBuilder::default()
    }

    /// Who the tokens are for.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// What the tokens grant.
    pub fn grants(&self) -> &AccessGrants {
        match &self.body {
            AccessBody::Encoded { grants, .. } => grants,
            AccessBody::Template(t) => t.described(&self.identity).grants(),
        }
    }

    /// How long a token signed from this policy is valid.
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.ttl))
    }

    /// The region of the tokens (`twr` header).
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The time before which the tokens are not valid (`nbf`), in Unix seconds.
    pub fn not_before(&self) -> Option<u64> {
        self.not_before
    }

    #[cfg(feature = "jwt")]
    pub(crate) fn ttl_secs(&self) -> u64 {
        u64::from(self.ttl)
    }

    pub(crate) fn header_b64(&self) -> &str {
        match &self.body {
            AccessBody::Encoded { header_b64, .. } => header_b64,
            AccessBody::Template(t) => t.header_b64(),
        }
    }

    /// The claims from `,"grants":` on.
    pub(crate) fn tail(&self) -> &str {
        match &self.body {
            AccessBody::Encoded { tail, .. } => tail,
            AccessBody::Template(t) => t.described(&self.identity).tail(),
        }
    }

    #[cfg(feature = "jwt")]
    pub(crate) fn body(&self) -> &AccessBody {
        &self.body
    }

    /// What `access_token!` embeds: the base64url of the header, the payload from `,"grants":`
    /// on, and its base64url from each of its first three bytes.
    pub(crate) fn encoded_parts(&self) -> (&str, &str, [&str; 3]) {
        match &self.body {
            AccessBody::Encoded {
                header_b64,
                tail,
                tail_b64,
                ..
            } => (header_b64, tail, [0, 1, 2].map(|shift| &*tail_b64[shift])),
            AccessBody::Template(t) => t.described(&self.identity).encoded_parts(),
        }
    }

    /// A policy made by `access_token!` from a template.
    pub(crate) fn from_template(
        identity: Identity,
        region: Option<Region>,
        ttl: u32,
        not_before: Option<u64>,
        body: TemplateBody,
    ) -> AccessPolicy {
        AccessPolicy {
            identity,
            ttl,
            region,
            not_before,
            body: AccessBody::Template(body),
        }
    }

    /// The policy `access_token!` computed at compile time with this crate's own builder and
    /// encoder, rebuilt in `const` context.
    pub(crate) const fn from_static(p: crate::access::statics::StaticAccessPolicy) -> AccessPolicy {
        assert!(
            p.holds(),
            "not a policy `access_token!` made: its header or claims are not the encoding of its \
             grants, or it breaks a rule of the builder"
        );
        AccessPolicy {
            identity: Identity::from_static(p.identity),
            ttl: p.ttl_secs,
            region: match p.region {
                Some(region) => Some(Region::from_static(region)),
                None => None,
            },
            not_before: p.not_before,
            body: AccessBody::Encoded {
                grants: p.grants(),
                header_b64: Cow::Borrowed(p.header_b64),
                tail: Cow::Borrowed(p.claims_tail),
                tail_b64: [
                    Cow::Borrowed(p.claims_tail_b64[0]),
                    Cow::Borrowed(p.claims_tail_b64[1]),
                    Cow::Borrowed(p.claims_tail_b64[2]),
                ],
            },
        }
    }
}

/// Equal when they sign the same tokens: same header, same claims (grants in the same order),
/// same TTL.
impl PartialEq for AccessPolicy {
    fn eq(&self, other: &AccessPolicy) -> bool {
        self.ttl == other.ttl
            && self.header_b64() == other.header_b64()
            && self.tail() == other.tail()
    }
}

impl Eq for AccessPolicy {}

impl fmt::Debug for AccessPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessPolicy")
            .field("identity", &self.identity)
            .field("grants", self.grants())
            .field("ttl", &self.ttl())
            .field("region", &self.region)
            .field("not_before", &self.not_before)
            .finish()
    }
}

/// Builds an [`AccessPolicy`]; see [`AccessPolicy::builder`].
///
/// Each grant may be given once; setting the identity, TTL, region or not-before time again
/// replaces it. Every rule is checked by [`build`](Self::build).
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct AccessPolicyBuilder {
    identity: Option<Identity>,
    grants: AccessGrants,
    duplicate: Option<GrantKind>,
    ttl: Option<Duration>,
    region: Option<Region>,
    not_before: Option<u64>,
}

impl AccessPolicyBuilder {
    /// Who the tokens are for. Required.
    pub fn identity(mut self, identity: impl Into<Identity>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Grants voice: receive calls, place calls through an application, push notifications.
    /// The identity must then be a valid [`ClientName`], as Twilio requires for voice.
    pub fn voice(mut self, grant: VoiceGrant) -> Self {
        if self.grant(GrantKind::Voice) {
            self.grants.voice = Some(grant);
        }
        self
    }

    /// Grants Video: one room, or any room.
    pub fn video(mut self, grant: VideoGrant) -> Self {
        if self.grant(GrantKind::Video) {
            self.grants.video = Some(grant);
        }
        self
    }

    /// Grants Conversations / Chat.
    pub fn chat(mut self, grant: ChatGrant) -> Self {
        if self.grant(GrantKind::Chat) {
            self.grants.chat = Some(grant);
        }
        self
    }

    /// Grants Sync (`data_sync`).
    pub fn sync(mut self, grant: SyncGrant) -> Self {
        if self.grant(GrantKind::Sync) {
            self.grants.sync = Some(grant);
        }
        self
    }

    /// Grants TaskRouter.
    pub fn task_router(mut self, grant: TaskRouterGrant) -> Self {
        if self.grant(GrantKind::TaskRouter) {
            self.grants.task_router = Some(grant);
        }
        self
    }

    /// Grants Live playback (`player`).
    pub fn playback(mut self, grant: PlaybackGrant) -> Self {
        if self.grant(GrantKind::Playback) {
            self.grants.playback = Some(grant);
        }
        self
    }

    /// How long tokens are valid: a whole number of seconds from 1 s to 24 h. Default 1 h.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The home region of the account (the `twr` header), for accounts outside `us1`.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Tokens are not valid before `not_before` (Unix seconds; the `nbf` claim).
    pub fn not_before(mut self, not_before: u64) -> Self {
        self.not_before = Some(not_before);
        self
    }

    /// Checks the policy and encodes its header and claims.
    ///
    /// # Errors
    /// - [`Error::MissingIdentity`] without an identity;
    /// - [`Error::DuplicateGrant`] when a grant is given twice;
    /// - [`Error::InvalidTtl`] for a TTL outside 1 s ..= 24 h or with a fraction of a second;
    /// - [`Error::InvalidNotBefore`] for a not-before time past 2^53 − 1;
    /// - [`Error::InvalidVoiceIdentity`] for a `voice` grant with an identity that is not a
    ///   valid [`ClientName`];
    /// - [`Error::EmptyGrantField`] for an empty endpoint id, room, role or parameter key;
    /// - [`Error::DuplicateParamKey`] for an outgoing parameter given twice;
    /// - [`Error::TooManyParams`] for more than [`MAX_OUTGOING_PARAMS`] outgoing parameters;
    /// - [`Error::PolicyTooLarge`] when its tokens would be longer than [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
    pub fn build(self) -> Result<AccessPolicy, Error> {
        if let Some(kind) = self.duplicate {
            return Err(Error::DuplicateGrant(kind));
        }
        let identity = self.identity.ok_or(Error::MissingIdentity)?;
        let ttl = self.ttl.unwrap_or(DEFAULT_TTL);
        check_ttl(ttl)?;
        if let Some(nbf) = self.not_before.filter(|&nbf| nbf > MAX_NOT_BEFORE) {
            return Err(Error::InvalidNotBefore(nbf));
        }
        check_grants(&identity, &self.grants)?;

        let header_b64 = encode::b64(&encode::header(self.region.as_ref()));
        let tail = encode::claims_tail(&identity, &self.grants, self.not_before);
        check_token_len(encode::token_len(header_b64.len(), tail.len()))?;
        let tail_b64 = encode::tail_b64(&tail).map(Cow::Owned);
        Ok(AccessPolicy {
            identity,
            ttl: u32::try_from(ttl.as_secs()).unwrap_or(u32::MAX),
            region: self.region,
            not_before: self.not_before,
            body: AccessBody::Encoded {
                grants: self.grants,
                header_b64: Cow::Owned(header_b64),
                tail: Cow::Owned(tail),
                tail_b64,
            },
        })
    }

    /// Records that `kind` is granted; false (and a pending error) if it already was.
    fn grant(&mut self, kind: GrantKind) -> bool {
        if !self.grants.order.push(kind) {
            self.duplicate.get_or_insert(kind);
            return false;
        }
        true
    }
}

/// The rules of the grants' fields: the voice identity, no empty text, no parameter key twice.
pub(crate) fn check_grants(identity: &Identity, grants: &AccessGrants) -> Result<(), Error> {
    let non_empty = |grant: GrantKind, field: &'static str, value: Option<&str>| match value {
        Some("") => Err(Error::EmptyGrantField { grant, field }),
        _ => Ok(()),
    };
    if let Some(voice) = &grants.voice {
        ClientName::new(identity.as_str()).map_err(|e| match e {
            Error::InvalidClientName(e) => Error::InvalidVoiceIdentity(e),
            other => other,
        })?;
        non_empty(GrantKind::Voice, "endpoint id", voice.endpoint_id())?;
        if let Some(app) = voice.outgoing_application() {
            if app.params().len() > MAX_OUTGOING_PARAMS {
                return Err(Error::TooManyParams {
                    count: app.params().len(),
                    max: MAX_OUTGOING_PARAMS,
                });
            }
            let mut keys = HashSet::with_capacity(app.params().len());
            for (key, _) in app.params() {
                non_empty(GrantKind::Voice, "parameter key", Some(key))?;
                if !keys.insert(key) {
                    return Err(Error::DuplicateParamKey {
                        key: key.to_owned(),
                    });
                }
            }
        }
    }
    if let Some(video) = &grants.video {
        non_empty(GrantKind::Video, "room", video.room_name())?;
    }
    for (kind, fields) in [
        (GrantKind::Chat, grants.chat.as_ref().map(ChatGrant::fields)),
        (GrantKind::Sync, grants.sync.as_ref().map(SyncGrant::fields)),
    ] {
        if let Some(ServiceFields { endpoint, .. }) = fields {
            non_empty(kind, "endpoint id", endpoint.as_deref())?;
        }
    }
    if let Some(task_router) = &grants.task_router {
        non_empty(GrantKind::TaskRouter, "role", task_router.role_name())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::grants::OutgoingApplication;
    use crate::client_name::ClientNameError;
    use crate::limits::MAX_TOKEN_LEN;
    use crate::params::Params;
    use crate::sid::AppSid;

    fn alice() -> Identity {
        Identity::from_static("alice")
    }

    fn app() -> AppSid {
        AppSid::from_static("AP0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn builder_errors() {
        assert_eq!(
            AccessPolicy::builder().build().unwrap_err(),
            Error::MissingIdentity
        );
        assert_eq!(
            AccessPolicy::builder()
                .identity(alice())
                .video(VideoGrant::new())
                .chat(ChatGrant::new())
                .video(VideoGrant::new())
                .build()
                .unwrap_err(),
            Error::DuplicateGrant(GrantKind::Video)
        );
        for ttl in [
            Duration::ZERO,
            Duration::from_secs(86_401),
            Duration::from_millis(1500),
        ] {
            assert_eq!(
                AccessPolicy::builder()
                    .identity(alice())
                    .ttl(ttl)
                    .build()
                    .unwrap_err(),
                Error::InvalidTtl(ttl)
            );
        }
        assert_eq!(
            AccessPolicy::builder()
                .identity(alice())
                .not_before(MAX_NOT_BEFORE + 1)
                .build()
                .unwrap_err(),
            Error::InvalidNotBefore(MAX_NOT_BEFORE + 1)
        );
        assert!(AccessPolicy::builder()
            .identity(alice())
            .not_before(MAX_NOT_BEFORE)
            .build()
            .is_ok());
    }

    #[test]
    fn voice_needs_a_client_name_identity() {
        let err = AccessPolicy::builder()
            .identity(Identity::from_static("alice smith"))
            .voice(VoiceGrant::new().incoming())
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidVoiceIdentity(ClientNameError::InvalidChar {
                ch: ' ',
                position: 6
            })
        );
        assert_eq!(
            err.to_string(),
            "a `voice` grant needs an identity that is a valid client name, and Twilio refuses \
             this one: character 6 (` `) is not allowed in a client name; use letters, digits \
             or `_`"
        );
        // The same identity is fine without voice.
        assert!(AccessPolicy::builder()
            .identity(Identity::from_static("alice smith"))
            .video(VideoGrant::new())
            .build()
            .is_ok());
    }

    #[test]
    fn empty_fields_and_repeated_parameters_are_refused() {
        let build = |b: AccessPolicyBuilder| b.identity(alice()).build().unwrap_err();
        let empty = |grant, field| Error::EmptyGrantField { grant, field };
        assert_eq!(
            build(AccessPolicy::builder().voice(VoiceGrant::new().endpoint(""))),
            empty(GrantKind::Voice, "endpoint id")
        );
        assert_eq!(
            build(AccessPolicy::builder().voice(VoiceGrant::new().outgoing(app(), [("", "x")]))),
            empty(GrantKind::Voice, "parameter key")
        );
        assert_eq!(
            build(
                AccessPolicy::builder()
                    .voice(VoiceGrant::new().outgoing(app(), [("a", "1"), ("b", "2"), ("a", "3")]))
            ),
            Error::DuplicateParamKey { key: "a".into() }
        );
        assert_eq!(
            build(AccessPolicy::builder().video(VideoGrant::new().room(""))),
            empty(GrantKind::Video, "room")
        );
        assert_eq!(
            build(AccessPolicy::builder().chat(ChatGrant::new().endpoint(""))),
            empty(GrantKind::Chat, "endpoint id")
        );
        assert_eq!(
            build(AccessPolicy::builder().sync(SyncGrant::new().endpoint(""))),
            empty(GrantKind::Sync, "endpoint id")
        );
        assert_eq!(
            build(AccessPolicy::builder().task_router(TaskRouterGrant::new().role(""))),
            empty(GrantKind::TaskRouter, "role")
        );
    }

    #[test]
    fn policies_whose_tokens_verify_would_refuse_are_refused() {
        let build = |len: usize| {
            AccessPolicy::builder()
                .identity(alice())
                .video(VideoGrant::new().room("r".repeat(len)))
                .build()
        };
        let (mut fits, mut too_long) = (0, MAX_TOKEN_LEN);
        while too_long - fits > 1 {
            let mid = (fits + too_long) / 2;
            match build(mid) {
                Ok(_) => fits = mid,
                Err(_) => too_long = mid,
            }
        }
        assert!(fits > 11_000, "{fits}");
        assert!(matches!(
            build(fits + 1),
            Err(Error::PolicyTooLarge {
                max: MAX_TOKEN_LEN,
                ..
            })
        ));
    }

    #[test]
    fn grants_keep_the_order_of_the_calls() {
        let p = AccessPolicy::builder()
            .task_router(TaskRouterGrant::new())
            .identity(alice())
            .video(VideoGrant::new())
            .voice(VoiceGrant::new())
            .build()
            .unwrap();
        assert_eq!(
            p.grants().kinds(),
            [GrantKind::TaskRouter, GrantKind::Video, GrantKind::Voice]
        );
        assert_eq!(
            p.tail(),
            r#","grants":{"identity":"alice","task_router":{},"video":{},"voice":{}}}"#
        );
    }

    #[test]
    fn equal_when_they_sign_the_same_tokens() {
        let voice = VoiceGrant::from_parts(
            true,
            Some(OutgoingApplication::new(
                app(),
                Params::from_static(&[("a", "b")]),
            )),
            None,
            None,
        );
        let a = AccessPolicy::builder()
            .identity(alice())
            .voice(voice.clone())
            .video(VideoGrant::new())
            .build()
            .unwrap();
        let b = AccessPolicy::builder()
            .identity(alice())
            .voice(VoiceGrant::new().incoming().outgoing(app(), [("a", "b")]))
            .video(VideoGrant::new())
            .build()
            .unwrap();
        assert_eq!(a, b);
        let c = AccessPolicy::builder()
            .identity(alice())
            .video(VideoGrant::new())
            .voice(voice)
            .build()
            .unwrap();
        assert_ne!(a, c);
        assert_eq!(a.grants(), c.grants());
    }
}
