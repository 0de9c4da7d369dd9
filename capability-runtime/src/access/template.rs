//! Templates of Access Token policies: what `access_token!` makes of a policy with `{expr}`
//! values.
//!
//! The macro embeds an [`AccessSpec`]: the kinds of its holes and a function that calls the
//! builder with given values. On first use, [`AccessTemplate`] calls it once with a sentinel for
//! each hole (a valid value of the hole's type that the rest of the policy does not contain),
//! builds the policy with the builder, so that every rule is checked and the claims are encoded by
//! the one encoder, and cuts the encoded claims at the sentinels into fixed runs, whose base64url
//! is precomputed for each alignment. Each policy made from it then holds its values; signing
//! encodes their JSON and copies the rest.
//!
//! A second form of the template has the SIDs of the first policy made written in as text (an
//! application's or a service's SID is most often a constant of the server). Policies with those
//! SIDs use it; others the general form.
//!
//! The rules that depend on the values are checked when a policy is made: an empty text where the
//! builder refuses one (found by building once with each text hole empty), a `voice` grant's
//! identity, the size. When one fails, the builder itself is run with the values, so the error is
//! the builder's, in the builder's order.

use std::sync::OnceLock;

use crate::access::encode::{token_len, JsonChar};
use crate::access::policy::{AccessPolicy, AccessPolicyBuilder};
use crate::access::region::Region;
use crate::client_name::is_valid_name;
use crate::error::Error;
use crate::identity::Identity;
use crate::limits::check_token_len;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid, SID_LEN};
use crate::template::Run;

/// The most holes besides the identity a template holds. `access_token!` expands a policy with
/// more to the builder.
pub const MAX_ACCESS_HOLES: usize = 4;

/// The type of a hole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessHoleKind {
    /// Text: an endpoint id, a room, a role, a parameter value.
    Text,
    /// An Application SID.
    App,
    /// A push credential SID.
    Credential,
    /// A service SID.
    Service,
    /// A deployment role SID.
    Role,
    /// A workspace SID.
    Workspace,
    /// A worker SID.
    Worker,
}

/// The value of a hole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessHoleValue {
    /// Text.
    Text(String),
    /// An Application SID.
    App(AppSid),
    /// A push credential SID.
    Credential(CredentialSid),
    /// A service SID.
    Service(ServiceSid),
    /// A deployment role SID.
    Role(RoleSid),
    /// A workspace SID.
    Workspace(WorkspaceSid),
    /// A worker SID.
    Worker(WorkerSid),
}

const NOT_MADE: &str = "not a policy `access_token!` made: a template's holes break a rule of \
                        the builder";

impl AccessHoleValue {
    fn kind(&self) -> AccessHoleKind {
        match self {
            AccessHoleValue::Text(_) => AccessHoleKind::Text,
            AccessHoleValue::App(_) => AccessHoleKind::App,
            AccessHoleValue::Credential(_) => AccessHoleKind::Credential,
            AccessHoleValue::Service(_) => AccessHoleKind::Service,
            AccessHoleValue::Role(_) => AccessHoleKind::Role,
            AccessHoleValue::Workspace(_) => AccessHoleKind::Workspace,
            AccessHoleValue::Worker(_) => AccessHoleKind::Worker,
        }
    }

    /// The text the claims hold, before JSON escaping.
    fn as_str(&self) -> &str {
        match self {
            AccessHoleValue::Text(text) => text,
            AccessHoleValue::App(sid) => sid.as_str(),
            AccessHoleValue::Credential(sid) => sid.as_str(),
            AccessHoleValue::Service(sid) => sid.as_str(),
            AccessHoleValue::Role(sid) => sid.as_str(),
            AccessHoleValue::Workspace(sid) => sid.as_str(),
            AccessHoleValue::Worker(sid) => sid.as_str(),
        }
    }

    /// The bytes of a SID; empty for text.
    #[cfg(feature = "jwt")]
    fn sid_bytes(&self) -> &[u8] {
        match self {
            AccessHoleValue::Text(_) => &[],
            AccessHoleValue::App(sid) => sid.as_bytes(),
            AccessHoleValue::Credential(sid) => sid.as_bytes(),
            AccessHoleValue::Service(sid) => sid.as_bytes(),
            AccessHoleValue::Role(sid) => sid.as_bytes(),
            AccessHoleValue::Workspace(sid) => sid.as_bytes(),
            AccessHoleValue::Worker(sid) => sid.as_bytes(),
        }
    }

    /// A value of `kind` that no policy contains by chance: `salt` varies it.
    fn sentinel(kind: AccessHoleKind, index: usize, salt: u32) -> AccessHoleValue {
        let hex = format!("{:08x}{:08x}5e471e1{:09x}", salt, index, 0x7e3a_96c1_u64);
        let sid = |prefix: &str| format!("{prefix}{hex}");
        let sentinel = match kind {
            AccessHoleKind::Text => AccessHoleValue::Text(format!("Sentinel{hex}")),
            AccessHoleKind::App => {
                AccessHoleValue::App(sid(AppSid::KIND.prefix()).parse().expect(NOT_MADE))
            }
            AccessHoleKind::Credential => AccessHoleValue::Credential(
                sid(CredentialSid::KIND.prefix()).parse().expect(NOT_MADE),
            ),
            AccessHoleKind::Service => {
                AccessHoleValue::Service(sid(ServiceSid::KIND.prefix()).parse().expect(NOT_MADE))
            }
            AccessHoleKind::Role => {
                AccessHoleValue::Role(sid(RoleSid::KIND.prefix()).parse().expect(NOT_MADE))
            }
            AccessHoleKind::Workspace => AccessHoleValue::Workspace(
                sid(WorkspaceSid::KIND.prefix()).parse().expect(NOT_MADE),
            ),
            AccessHoleKind::Worker => {
                AccessHoleValue::Worker(sid(WorkerSid::KIND.prefix()).parse().expect(NOT_MADE))
            }
        };
        debug_assert_eq!(sentinel.kind(), kind);
        sentinel
    }
}

/// The values of a policy's holes, inline: a policy made from a template allocates nothing.
#[derive(Clone, Debug)]
pub struct AccessHoles([Option<AccessHoleValue>; MAX_ACCESS_HOLES]);

impl AccessHoles {
    fn get(&self, i: usize) -> &AccessHoleValue {
        match self.0.get(i) {
            Some(Some(value)) => value,
            _ => panic!("{NOT_MADE}"),
        }
    }

    /// The text of hole `i`, for the spec's builder calls.
    ///
    /// # Panics
    /// When it holds no text: the holes are not those of the spec.
    pub fn text(&self, i: usize) -> String {
        match self.get(i) {
            AccessHoleValue::Text(text) => text.clone(),
            _ => panic!("{NOT_MADE}"),
        }
    }
}

macro_rules! sid_accessors {
    ($($method:ident: $variant:ident($ty:ty);)*) => {
        impl AccessHoles {
            $(
                /// The SID of hole `i`, for the spec's builder calls.
                ///
                /// # Panics
                /// When it holds another value: the holes are not those of the spec.
                pub fn $method(&self, i: usize) -> $ty {
                    match self.get(i) {
                        AccessHoleValue::$variant(sid) => *sid,
                        _ => panic!("{NOT_MADE}"),
                    }
                }
            )*
        }
    };
}

sid_accessors! {
    app: App(AppSid);
    credential: Credential(CredentialSid);
    service: Service(ServiceSid);
    role: Role(RoleSid);
    workspace: Workspace(WorkspaceSid);
    worker: Worker(WorkerSid);
}

/// An `access_token!` policy with holes.
pub struct AccessSpec {
    /// The identity when it is a literal; `None` when it is a hole.
    pub identity: Option<&'static str>,
    /// The kinds of the other holes, by index.
    pub holes: &'static [AccessHoleKind],
    /// The builder calls of the policy, with the identity and the holes' values.
    pub build: fn(Identity, &AccessHoles) -> AccessPolicyBuilder,
}

impl std::fmt::Debug for AccessSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessSpec")
            .field("identity", &self.identity)
            .field("holes", &self.holes)
            .finish_non_exhaustive()
    }
}

/// A part of the claims from `,"grants":` to the end.
#[derive(Debug)]
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
enum Seg {
    Run(Run),
    Identity,
    Hole(usize),
}

/// A spec, encoded.
#[derive(Debug)]
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) struct Template {
    spec: &'static AccessSpec,
    header_b64: String,
    region: Option<Region>,
    ttl: u32,
    not_before: Option<u64>,
    segs: Vec<Seg>,
    /// The length of the claims from `,"grants":` on, without the holes.
    fixed_tail_len: usize,
    /// Whether a `voice` grant needs the identity to be a client name.
    voice: bool,
    /// For each text hole, whether the builder refuses it empty.
    non_empty: Vec<bool>,
    /// The SID holes written in as text, with their values.
    fixed: Vec<(usize, AccessHoleValue)>,
}

/// Whether `s` is written in JSON as it is: printable ASCII but `"`, `\` and `/`.
#[inline]
fn json_plain(s: &str) -> bool {
    s.bytes()
        .all(|b| (b' '..=0x7f).contains(&b) && !matches!(b, b'"' | b'\\' | b'/'))
}

/// The JSON string escaping of `encode::push_json_str`, without the quotes: its length.
#[inline]
fn json_len(s: &str) -> usize {
    if json_plain(s) {
        return s.len();
    }
    s.chars().map(|c| JsonChar::of(c).len()).sum()
}

impl Template {
    /// The template of `spec`, with the SID holes of `fixed` written in as text.
    fn new(spec: &'static AccessSpec, fixed: Vec<(usize, AccessHoleValue)>) -> Template {
        assert!(spec.holes.len() <= MAX_ACCESS_HOLES, "{NOT_MADE}");
        for salt in 0..16 {
            if let Some(template) = Template::with_salt(spec, salt, &fixed) {
                return template;
            }
        }
        panic!("{NOT_MADE}");
    }

    fn holes(spec: &AccessSpec, salt: u32, fixed: &[(usize, AccessHoleValue)]) -> AccessHoles {
        let mut slots = [const { None }; MAX_ACCESS_HOLES];
        for (i, (slot, &kind)) in slots.iter_mut().zip(spec.holes).enumerate() {
            *slot = Some(match fixed.iter().find(|(j, _)| *j == i) {
                Some((_, value)) => value.clone(),
                None => AccessHoleValue::sentinel(kind, i, salt),
            });
        }
        AccessHoles(slots)
    }

    /// The template with the SIDs of `holes` written in, if it has SID holes.
    fn with_sids_of(&self, holes: &[AccessHoleValue]) -> Option<Template> {
        let fixed: Vec<(usize, AccessHoleValue)> = holes
            .iter()
            .enumerate()
            .filter(|(_, value)| value.kind() != AccessHoleKind::Text)
            .map(|(i, value)| (i, value.clone()))
            .collect();
        (!fixed.is_empty()).then(|| Template::new(self.spec, fixed))
    }

    /// Whether `holes` hold the SIDs this template has written in.
    #[inline]
    fn fits(&self, holes: &[AccessHoleValue]) -> bool {
        self.fixed
            .iter()
            .all(|(i, value)| holes.get(*i) == Some(value))
    }

    /// The template, unless a sentinel of `salt` is found elsewhere in the claims.
    fn with_salt(
        spec: &'static AccessSpec,
        salt: u32,
        fixed: &[(usize, AccessHoleValue)],
    ) -> Option<Template> {
        let identity_sentinel = format!("Sentinel{salt:08x}1d3e7717");
        let identity = match spec.identity {
            Some(literal) => Identity::new(literal).expect(NOT_MADE),
            None => Identity::new(&identity_sentinel).expect(NOT_MADE),
        };
        let holes = Template::holes(spec, salt, fixed);
        let policy = match (spec.build)(identity.clone(), &holes).build() {
            Ok(policy) => policy,
            Err(e) => panic!("{NOT_MADE}: {e}"),
        };
        let tail = policy.tail();
        // Where each sentinel is: once, and only once, in the claims.
        let mut cuts: Vec<(usize, usize, Seg)> = Vec::new();
        let mut find = |text: &str, seg: Seg| -> Option<()> {
            let mut found = tail.match_indices(text);
            let (at, _) = found.next()?;
            if found.next().is_some() {
                return None;
            }
            cuts.push((at, text.len(), seg));
            Some(())
        };
        if spec.identity.is_none() {
            find(&identity_sentinel, Seg::Identity)?;
        }
        for i in 0..spec.holes.len() {
            if !fixed.iter().any(|(j, _)| *j == i) {
                find(holes.get(i).as_str(), Seg::Hole(i))?;
            }
        }
        cuts.sort_by_key(|&(at, _, _)| at);
        let mut segs = Vec::new();
        let mut from = 0;
        let mut fixed_tail_len = 0;
        for (at, len, seg) in cuts {
            if at < from {
                return None;
            }
            segs.push(Seg::Run(Run::new(&tail[from..at])));
            fixed_tail_len += at - from;
            segs.push(seg);
            from = at + len;
        }
        segs.push(Seg::Run(Run::new(&tail[from..])));
        fixed_tail_len += tail.len() - from;
        // Which text holes the builder refuses empty.
        let non_empty = (0..spec.holes.len())
            .map(|i| {
                let mut empty = holes.clone();
                if let Some(AccessHoleValue::Text(text)) = &mut empty.0[i] {
                    text.clear();
                    return (spec.build)(identity.clone(), &empty).build().is_err();
                }
                false
            })
            .collect();
        Some(Template {
            spec,
            header_b64: policy.header_b64().to_owned(),
            region: policy.region().cloned(),
            ttl: u32::try_from(policy.ttl().as_secs()).expect(NOT_MADE),
            not_before: policy.not_before(),
            voice: policy.grants().voice().is_some(),
            segs,
            fixed_tail_len,
            non_empty,
            fixed: fixed.to_vec(),
        })
    }

    /// Writes the claims from `,"grants":` on, the holes' values JSON-escaped.
    #[cfg(feature = "jwt")]
    pub(crate) fn write(
        &self,
        identity: &Identity,
        holes: &AccessHoles,
        w: &mut crate::template::B64Writer<'_>,
    ) {
        for seg in &self.segs {
            match seg {
                Seg::Run(run) => w.run(run),
                Seg::Identity => json_escaped(w, identity.as_str()),
                Seg::Hole(i) => match holes.get(*i) {
                    AccessHoleValue::Text(text) => json_escaped(w, text),
                    // Letters and digits.
                    sid => w.bytes(sid.sid_bytes()),
                },
            }
        }
    }
}

/// Appends the JSON escaping of `s` ([`JsonChar`]) without the quotes, into the token as it is
/// encoded: `push_json_str` would need a `String` per token.
#[cfg(feature = "jwt")]
fn json_escaped(w: &mut crate::template::B64Writer<'_>, s: &str) {
    // Most values need no escaping: copied as they are.
    if json_plain(s) {
        return w.bytes(s.as_bytes());
    }
    let mut g = crate::template::Gather::new(w);
    for c in s.chars() {
        g.push(JsonChar::of(c).as_bytes());
    }
}

/// A spec and, once used, its template: what `access_token!` keeps in a `static` for each
/// policy with holes.
#[derive(Debug)]
pub struct AccessTemplate {
    spec: AccessSpec,
    template: OnceLock<Template>,
    /// The template with the SIDs of the first policy made written in: an application's or a
    /// service's SID is most often a constant of the server, the same for every user, and then
    /// its base64url is precomputed too. Policies with other SIDs use `template`.
    with_first_sids: OnceLock<Option<Template>>,
}

impl AccessTemplate {
    /// A spec, encoded on first use.
    pub const fn new(spec: AccessSpec) -> Self {
        Self {
            spec,
            template: OnceLock::new(),
            with_first_sids: OnceLock::new(),
        }
    }

    /// The policy with this identity (`None` when the spec's is a literal) and these values.
    ///
    /// # Errors
    /// What [`AccessPolicyBuilder::build`] returns for the same values: an identity that is not
    /// a client name with a `voice` grant, an empty text where one is refused, tokens longer than
    /// [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
    ///
    /// # Panics
    /// When the identity or the values are not those of the spec's holes, or (on first use) when
    /// the spec's builder calls break a rule.
    #[inline]
    pub fn policy<const N: usize>(
        &'static self,
        identity: Option<Identity>,
        values: [AccessHoleValue; N],
    ) -> Result<AccessPolicy, Error> {
        let general = self
            .template
            .get_or_init(|| Template::new(&self.spec, Vec::new()));
        assert!(
            N == self.spec.holes.len() && identity.is_some() == self.spec.identity.is_none(),
            "{NOT_MADE}"
        );
        for (value, &kind) in values.iter().zip(self.spec.holes) {
            assert!(value.kind() == kind, "{NOT_MADE}");
        }
        let template = match self
            .with_first_sids
            .get_or_init(|| general.with_sids_of(&values))
        {
            Some(specific) if specific.fits(&values) => specific,
            _ => general,
        };
        let identity = match (identity, self.spec.identity) {
            (Some(identity), _) => identity,
            (None, Some(literal)) => Identity::from_static(literal),
            (None, None) => unreachable!("checked above"),
        };
        let mut valid = true;
        if template.voice && self.spec.identity.is_none() {
            valid &= is_valid_name(identity.as_str());
        }
        let mut tail_len = template.fixed_tail_len;
        if self.spec.identity.is_none() {
            tail_len += json_len(identity.as_str());
        }
        for (i, (value, &non_empty)) in values.iter().zip(&template.non_empty).enumerate() {
            tail_len += match value {
                AccessHoleValue::Text(text) => {
                    valid &= !(non_empty && text.is_empty());
                    json_len(text)
                }
                // Written in.
                _ if template.fixed.iter().any(|(j, _)| *j == i) => 0,
                // Letters and digits.
                _ => SID_LEN,
            };
        }
        valid &= check_token_len(token_len(template.header_b64.len(), tail_len)).is_ok();
        let mut slots = [const { None }; MAX_ACCESS_HOLES];
        for (slot, value) in slots.iter_mut().zip(values) {
            *slot = Some(value);
        }
        let holes = AccessHoles(slots);
        if !valid {
            // The builder's own error, in its order of checks.
            return (self.spec.build)(identity, &holes).build();
        }
        Ok(AccessPolicy::from_template(
            identity,
            template.region.clone(),
            template.ttl,
            template.not_before,
            TemplateBody {
                template,
                holes,
                tail_len,
                described: OnceLock::new(),
            },
        ))
    }
}

/// What a policy made from a template holds besides its identity.
#[derive(Clone, Debug)]
pub(crate) struct TemplateBody {
    pub(crate) template: &'static Template,
    pub(crate) holes: AccessHoles,
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    pub(crate) tail_len: usize,
    /// The policy as the builder makes it from the same values, on first call of `grants()`
    /// or of what compares policies.
    described: OnceLock<Box<AccessPolicy>>,
}

impl TemplateBody {
    pub(crate) fn header_b64(&self) -> &str {
        &self.template.header_b64
    }

    pub(crate) fn described(&self, identity: &Identity) -> &AccessPolicy {
        self.described.get_or_init(|| {
            match (self.template.spec.build)(identity.clone(), &self.holes).build() {
                Ok(policy) => Box::new(policy),
                // Every rule was checked when the policy was made.
                Err(e) => unreachable!("{e}"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::grants::{VideoGrant, VoiceGrant};

    static VOICE: AccessTemplate = AccessTemplate::new(AccessSpec {
        identity: None,
        holes: &[
            AccessHoleKind::App,
            AccessHoleKind::Text,
            AccessHoleKind::Text,
        ],
        build: |identity, holes| {
            AccessPolicy::builder()
                .identity(identity)
                .voice(
                    VoiceGrant::new()
                        .incoming()
                        .outgoing(holes.app(0), [("To", holes.text(1))])
                        .endpoint(holes.text(2)),
                )
                .video(VideoGrant::new())
        },
    });

    fn app() -> AppSid {
        AppSid::from_static("AP0123456789abcdef0123456789abcdef")
    }

    fn built(identity: &str, to: &str, endpoint: &str) -> Result<AccessPolicy, Error> {
        AccessPolicy::builder()
            .identity(Identity::new(identity).unwrap())
            .voice(
                VoiceGrant::new()
                    .incoming()
                    .outgoing(app(), [("To", to)])
                    .endpoint(endpoint),
            )
            .video(VideoGrant::new())
            .build()
    }

    fn made(identity: &str, to: &str, endpoint: &str) -> Result<AccessPolicy, Error> {
        VOICE.policy(
            Some(Identity::new(identity).unwrap()),
            [
                AccessHoleValue::App(app()),
                AccessHoleValue::Text(to.into()),
                AccessHoleValue::Text(endpoint.into()),
            ],
        )
    }

    #[test]
    fn a_template_policy_is_the_builders() {
        for (identity, to, endpoint) in
            [("alice", "+1 555 / \"x\"", "e"), ("Bob_2", "", "é😀\u{1}")]
        {
            let policy = made(identity, to, endpoint).unwrap();
            let built = built(identity, to, endpoint).unwrap();
            assert_eq!(policy, built);
            assert_eq!(policy.grants(), built.grants());
            assert_eq!(policy.identity(), built.identity());
            assert_eq!(format!("{policy:?}"), format!("{built:?}"));
            #[cfg(feature = "jwt")]
            {
                let key = crate::ApiKey::new(
                    "AC0123456789abcdef0123456789abcdef",
                    "SK0123456789abcdef0123456789abcdef",
                    "secret",
                )
                .unwrap();
                for issued_at in [0, 7, 99, 1_700_000_000, 17_000_000_000] {
                    assert_eq!(
                        policy.sign_at(&key, issued_at),
                        built.sign_at(&key, issued_at)
                    );
                }
            }
        }
    }

    #[test]
    fn the_rules_that_depend_on_the_values_give_the_builders_errors() {
        for (identity, to, endpoint) in [
            ("alice smith", "x", "e"),
            ("alice", "x", ""),
            ("alice smith", "x", ""),
            ("alice", &"\u{1}".repeat(3000), "e"),
        ] {
            assert_eq!(
                made(identity, to, endpoint).unwrap_err(),
                built(identity, to, endpoint).unwrap_err(),
                "{identity} {endpoint}"
            );
        }
        // An empty parameter value is allowed, as by the builder.
        assert!(made("alice", "", "e").is_ok());
    }

    #[test]
    fn values_of_other_kinds_are_refused() {
        let wrong = std::panic::catch_unwind(|| {
            VOICE.policy(
                Some(Identity::from_static("alice")),
                [
                    AccessHoleValue::Text("x".into()),
                    AccessHoleValue::Text("x".into()),
                    AccessHoleValue::Text("x".into()),
                ],
            )
        });
        assert!(wrong.is_err());
        let no_identity = std::panic::catch_unwind(|| {
            VOICE.policy(
                None,
                [
                    AccessHoleValue::App(app()),
                    AccessHoleValue::Text("x".into()),
                    AccessHoleValue::Text("x".into()),
                ],
            )
        });
        assert!(no_identity.is_err());
    }

    #[test]
    fn json_lengths_are_those_of_the_encoder() {
        for s in ["", "abc", "\"\\/\u{8}\u{c}\n\r\t", "\u{1}\u{7f}é😀\u{2028}"] {
            let mut out = String::new();
            crate::access::encode::push_json_str(&mut out, s);
            assert_eq!(json_len(s) + 2, out.len(), "{s:?}");
        }
    }
}
