//! Templates of capability-token policies: what `capability!` makes of a policy with `{expr}`
//! values.
//!
//! The macro embeds a [`CapabilitySpec`]: the grants in statement order, each value a literal or
//! the index of a hole. On its first use, [`CapabilityTemplate`] encodes the spec once, with the
//! scope encoder the builder uses, into the runs of the payload between the holes, and
//! precomputes their base64url for each alignment ([`Run`]). Each policy made from it then holds
//! only its hole values: it validates nothing the compiler checked, allocates nothing and encodes
//! no scope; signing encodes the holes' bytes and copies the rest.
//!
//! A second form of the template has the Application SIDs of the first policy made written in as
//! text: a server's application SID is most often a constant, the same for every user. Policies
//! with those SIDs use it; others the general form.
//!
//! `grants()` and `scope()` of such a policy are built on first call, with the builder's types
//! and encoder.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::capability::grants::{Events, Grants, Outgoing};
use crate::capability::scope::{
    self, twice_urlencoded, urlencode_into, EVENTS, EVENTS_PATH, INCOMING, OUTGOING,
};
use crate::capability::wire::{self, max_token_len, PAYLOAD_HEAD, PAYLOAD_ISS};
use crate::client_name::{ClientName, MAX_CLIENT_NAME_LEN};
use crate::error::Error;
use crate::kinds::ScopeKind;
use crate::limits::{check_token_len, MAX_TTL, MIN_TTL};
use crate::params::Params;
use crate::sid::{AppSid, SID_LEN};
use crate::template::Run;

/// The most holes a template holds. `capability!` expands a policy with more to the builder.
pub const MAX_HOLES: usize = 4;

/// A value of a spec: a literal, or the index of a hole.
#[derive(Clone, Copy, Debug)]
pub enum Src {
    /// A literal.
    Lit(&'static str),
    /// The hole at this index of the values given to [`CapabilityTemplate::policy`].
    Hole(usize),
}

/// A grant of a spec.
#[derive(Debug)]
pub enum SpecGrant {
    /// `incoming`: a client name.
    Incoming(Src),
    /// `outgoing`: an Application SID and the parameters (literal keys).
    Outgoing {
        /// The Application SID.
        app_sid: Src,
        /// The parameters.
        params: &'static [(&'static str, Src)],
    },
    /// `events`: the filters (literal keys).
    Events(&'static [(&'static str, Src)]),
}

/// A policy of `capability!` with holes: the grants in statement order and the TTL.
#[derive(Debug)]
pub struct CapabilitySpec {
    /// The grants, in the order of the scopes in the token.
    pub grants: &'static [SpecGrant],
    /// The TTL in seconds.
    pub ttl_secs: u32,
}

/// The value of a hole: a client name, an Application SID or a parameter's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoleValue {
    /// A client name (`incoming`).
    Name(ClientName),
    /// An Application SID (`outgoing`).
    Sid(AppSid),
    /// A parameter or filter value.
    Text(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HoleKind {
    Name,
    Sid,
    Text,
}

impl HoleValue {
    #[inline]
    fn kind(&self) -> HoleKind {
        match self {
            HoleValue::Name(_) => HoleKind::Name,
            HoleValue::Sid(_) => HoleKind::Sid,
            HoleValue::Text(_) => HoleKind::Text,
        }
    }

    /// The length of the value in the `scope` claim: client names and SIDs are letters, digits
    /// and `_`, which URL encoding keeps; a parameter value is URL-encoded twice.
    #[inline]
    fn encoded_len(&self) -> usize {
        match self {
            HoleValue::Name(name) => name.as_str().len(),
            HoleValue::Sid(_) => SID_LEN,
            HoleValue::Text(text) => text.bytes().map(twice_encoded_len).sum(),
        }
    }
}

/// The length of PHP's `urlencode` applied twice to the byte `b`.
fn twice_encoded_len(b: u8) -> usize {
    twice_urlencoded(b).as_bytes().len()
}

/// Whether two SIDs are the same, compared eight bytes at a time: `==` on the arrays calls
/// `memcmp`, which costs more than the comparison (measured).
#[inline]
pub(crate) fn same_sid(a: &AppSid, b: &AppSid) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    a8.iter().zip(b8).fold(a_rest == b_rest, |same, (x, y)| {
        same & (u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
    })
}

/// The hole values of one policy, inline: a policy made from a template allocates nothing.
#[derive(Clone, Debug)]
pub(crate) struct Holes([Option<HoleValue>; MAX_HOLES]);

impl Holes {
    fn get(&self, i: usize) -> &HoleValue {
        match &self.0[i] {
            Some(value) => value,
            // The template checked every index against the values when the policy was made.
            None => unreachable!("a hole without a value"),
        }
    }
}

/// A part of the payload from `{"scope":"` to `","iss":"`.
#[derive(Debug)]
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
enum Seg {
    Run(Run),
    Hole(usize),
}

/// A spec, encoded.
#[derive(Debug)]
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) struct Template {
    spec: &'static CapabilitySpec,
    segs: Vec<Seg>,
    /// The length of the scope without the holes.
    fixed_scope_len: usize,
    /// For each hole, its kind and how many times the scope holds it.
    holes: Vec<(HoleKind, usize)>,
    /// Whether a hole is a parameter value, of any length: only then is the size checked when
    /// a policy is made.
    text_holes: bool,
    /// The Application SID holes written in as text, with their values.
    fixed: Vec<(usize, AppSid)>,
}

/// The runs and holes of a template, as the scope encoder writes them.
struct Writer<'f> {
    segs: Vec<Seg>,
    text: String,
    holes: Vec<Option<(HoleKind, usize)>>,
    /// Application SIDs written as text rather than left as holes.
    fixed: &'f [(usize, AppSid)],
}

impl Writer<'_> {
    /// Records that hole `i` is of `kind`, used `uses` more times.
    fn register(&mut self, i: usize, kind: HoleKind, uses: usize) {
        assert!(i < MAX_HOLES, "{NOT_MADE}");
        if self.holes.len() <= i {
            self.holes.resize(i + 1, None);
        }
        match &mut self.holes[i] {
            Some((k, n)) if *k == kind => *n += uses,
            Some(_) => panic!("{NOT_MADE}"),
            slot @ None => *slot = Some((kind, uses)),
        }
    }

    fn hole(&mut self, i: usize, kind: HoleKind) {
        if let Some(&(_, sid)) = self.fixed.iter().find(|&&(j, _)| j == i) {
            self.register(i, kind, 0);
            assert!(kind == HoleKind::Sid, "{NOT_MADE}");
            return self.text.push_str(sid.as_str());
        }
        self.register(i, kind, 1);
        self.segs.push(Seg::Run(Run::new(&self.text)));
        self.segs.push(Seg::Hole(i));
        self.text.clear();
    }

    /// A client name or Application SID, checked when literal.
    fn plain(&mut self, src: Src, kind: HoleKind) {
        match src {
            Src::Lit(text) => {
                let valid = match kind {
                    HoleKind::Name => ClientName::new(text).is_ok(),
                    _ => AppSid::new(text).is_ok(),
                };
                assert!(valid, "{NOT_MADE}");
                urlencode_into(&mut self.text, text);
            }
            Src::Hole(i) => self.hole(i, kind),
        }
    }

    /// `k1=v1&k2=v2…` URL-encoded twice, as `scope::params_into` writes it.
    fn params(&mut self, kind: ScopeKind, params: &[(&str, Src)]) {
        let twice = |out: &mut String, s: &str| {
            let mut once = String::new();
            urlencode_into(&mut once, s);
            urlencode_into(out, &once);
        };
        for (i, &(key, value)) in params.iter().enumerate() {
            assert!(!key.is_empty(), "{}", Error::EmptyParamKey(kind));
            if i > 0 {
                urlencode_into(&mut self.text, "&");
            }
            twice(&mut self.text, key);
            urlencode_into(&mut self.text, "=");
            match value {
                Src::Lit(text) => twice(&mut self.text, text),
                Src::Hole(i) => self.hole(i, HoleKind::Text),
            }
        }
    }
}

const NOT_MADE: &str = "not a policy `capability!` made: a template's holes or literals break a \
                        rule of the builder";

impl Template {
    /// Encodes `spec`, checking every rule the builder checks.
    ///
    /// # Panics
    /// When the spec breaks one; `capability!` checked them at compile time.
    fn new(spec: &'static CapabilitySpec, fixed: Vec<(usize, AppSid)>) -> Template {
        let ttl = u64::from(spec.ttl_secs);
        assert!(
            ttl >= MIN_TTL.as_secs() && ttl <= MAX_TTL.as_secs(),
            "{NOT_MADE}"
        );
        let order = spec_order(spec);
        assert!(!order.is_empty(), "{}", Error::EmptyPolicy);
        for (i, kind) in order.iter().enumerate() {
            assert!(
                !order[..i].contains(kind),
                "{}",
                Error::DuplicateScope(*kind)
            );
        }
        let incoming = spec.grants.iter().find_map(|g| match g {
            SpecGrant::Incoming(src) => Some(*src),
            _ => None,
        });
        let mut w = Writer {
            segs: Vec::new(),
            text: String::from(PAYLOAD_HEAD),
            holes: Vec::new(),
            fixed: &fixed,
        };
        for (i, grant) in spec.grants.iter().enumerate() {
            if i > 0 {
                w.text.push(' ');
            }
            match grant {
                SpecGrant::Incoming(name) => {
                    w.text.push_str(INCOMING);
                    w.text.push_str("?clientName=");
                    w.plain(*name, HoleKind::Name);
                }
                SpecGrant::Outgoing { app_sid, params } => {
                    w.text.push_str(OUTGOING);
                    w.text.push_str("?appSid=");
                    w.plain(*app_sid, HoleKind::Sid);
                    w.text.push_str("&appParams=");
                    w.params(ScopeKind::Outgoing, params);
                    if let Some(name) = incoming {
                        w.text.push_str("&clientName=");
                        w.plain(name, HoleKind::Name);
                    }
                }
                SpecGrant::Events(filters) => {
                    w.text.push_str(EVENTS);
                    w.text.push_str("?path=");
                    urlencode_into(&mut w.text, EVENTS_PATH);
                    w.text.push_str("&params=");
                    w.params(ScopeKind::Events, filters);
                }
            }
        }
        w.text.push_str(PAYLOAD_ISS);
        w.segs.push(Seg::Run(Run::new(&w.text)));
        let holes: Vec<(HoleKind, usize)> = w
            .holes
            .into_iter()
            .map(|hole| hole.expect(NOT_MADE))
            .collect();
        let fixed_len = w
            .segs
            .iter()
            .map(|seg| match seg {
                Seg::Run(run) => run.len(),
                Seg::Hole(_) => 0,
            })
            .sum::<usize>();
        let fixed_scope_len = fixed_len - PAYLOAD_HEAD.len() - PAYLOAD_ISS.len();
        let text_holes = holes.iter().any(|&(kind, _)| kind == HoleKind::Text);
        if !text_holes {
            // Every value of the holes' types fits: the longest client names.
            let longest = fixed_scope_len
                + holes
                    .iter()
                    .map(|&(kind, uses)| {
                        uses * match kind {
                            HoleKind::Name => MAX_CLIENT_NAME_LEN,
                            _ => SID_LEN,
                        }
                    })
                    .sum::<usize>();
            if let Err(e) = check_token_len(max_token_len(longest)) {
                panic!("{e}");
            }
        }
        Template {
            spec,
            segs: w.segs,
            fixed_scope_len,
            holes,
            text_holes,
            fixed,
        }
    }

    /// The template with the Application SIDs of `holes` written in, if it has SID holes.
    fn with_sids_of(&self, holes: &[HoleValue]) -> Option<Template> {
        let fixed: Vec<(usize, AppSid)> = holes
            .iter()
            .enumerate()
            .filter_map(|(i, value)| match value {
                HoleValue::Sid(sid) => Some((i, *sid)),
                _ => None,
            })
            .collect();
        (!fixed.is_empty()).then(|| Template::new(self.spec, fixed))
    }

    /// Whether `holes` hold the SIDs this template has written in.
    #[inline]
    fn fits(&self, holes: &[HoleValue]) -> bool {
        self.fixed
            .iter()
            .all(|(i, sid)| matches!(holes.get(*i), Some(HoleValue::Sid(s)) if same_sid(s, sid)))
    }

    /// Writes the payload from `{"scope":"` to `","iss":"`, the holes' values encoded.
    #[cfg(feature = "jwt")]
    pub(crate) fn write(&self, holes: &Holes, w: &mut crate::template::B64Writer<'_>) {
        for seg in &self.segs {
            match seg {
                Seg::Run(run) => w.run(run),
                Seg::Hole(i) => match holes.get(*i) {
                    HoleValue::Name(name) => w.bytes(name.as_str().as_bytes()),
                    HoleValue::Sid(sid) => w.bytes(sid.as_bytes()),
                    HoleValue::Text(text) => {
                        let mut g = crate::template::Gather::new(w);
                        for &b in text.as_bytes() {
                            g.push(twice_urlencoded(b).as_bytes());
                        }
                    }
                },
            }
        }
    }
}

fn spec_order(spec: &CapabilitySpec) -> Vec<ScopeKind> {
    spec.grants
        .iter()
        .map(|grant| match grant {
            SpecGrant::Incoming(_) => ScopeKind::Incoming,
            SpecGrant::Outgoing { .. } => ScopeKind::Outgoing,
            SpecGrant::Events(_) => ScopeKind::Events,
        })
        .collect()
}

/// A spec and, once used, its template: what `capability!` keeps in a `static` for each policy
/// with holes.
#[derive(Debug)]
pub struct CapabilityTemplate {
    spec: CapabilitySpec,
    template: OnceLock<Template>,
    /// The template with the Application SIDs of the first policy made written in: an
    /// application's SID is most often a constant of the server, the same for every user, and
    /// then its base64url is precomputed too. Policies with other SIDs use `template`.
    with_first_sids: OnceLock<Option<Template>>,
}

impl CapabilityTemplate {
    /// A spec, encoded on first use.
    pub const fn new(spec: CapabilitySpec) -> Self {
        Self {
            spec,
            template: OnceLock::new(),
            with_first_sids: OnceLock::new(),
        }
    }

    fn template(&'static self) -> &'static Template {
        self.template
            .get_or_init(|| Template::new(&self.spec, Vec::new()))
    }

    /// The template for `holes`: with their SIDs written in when they are those of the first
    /// policy.
    #[inline]
    fn template_for(
        &'static self,
        general: &'static Template,
        holes: &[HoleValue],
    ) -> &'static Template {
        match self
            .with_first_sids
            .get_or_init(|| general.with_sids_of(holes))
        {
            Some(specific) if specific.fits(holes) => specific,
            _ => general,
        }
    }

    /// The policy with these hole values, when every value of their types fits the size limit
    /// (no parameter value among them).
    ///
    /// # Panics
    /// When the values are not those of the spec's holes, or a parameter value is among them;
    /// or when the spec breaks a rule of the builder (on first use).
    #[inline]
    pub fn policy<const N: usize>(&'static self, holes: [HoleValue; N]) -> super::Policy {
        let template = self.template();
        assert!(!template.text_holes, "{NOT_MADE}");
        self.fill(template, holes)
    }

    /// The policy with these hole values, of which a parameter value may make the tokens too
    /// long.
    ///
    /// # Errors
    /// [`Error::PolicyTooLarge`] when its tokens would be longer than [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
    ///
    /// # Panics
    /// As [`policy`](Self::policy), parameter values allowed.
    pub fn checked_policy<const N: usize>(
        &'static self,
        holes: [HoleValue; N],
    ) -> Result<super::Policy, Error> {
        let template = self.template();
        let policy = self.fill(template, holes);
        check_token_len(max_token_len(policy.scope_len()))?;
        Ok(policy)
    }

    #[inline]
    fn fill<const N: usize>(
        &'static self,
        template: &'static Template,
        holes: [HoleValue; N],
    ) -> super::Policy {
        assert!(N == template.holes.len(), "{NOT_MADE}");
        for (value, &(kind, _)) in holes.iter().zip(&template.holes) {
            assert!(value.kind() == kind, "{NOT_MADE}");
        }
        let template = self.template_for(template, &holes);
        let mut scope_len = template.fixed_scope_len;
        for (value, &(_, uses)) in holes.iter().zip(&template.holes) {
            scope_len += uses * value.encoded_len();
        }
        let mut slots = [const { None }; MAX_HOLES];
        for (slot, value) in slots.iter_mut().zip(holes) {
            *slot = Some(value);
        }
        super::Policy::from_template(TemplateBody {
            template,
            holes: Holes(slots),
            scope_len,
            described: OnceLock::new(),
        })
    }
}

/// What a policy made from a template holds.
#[derive(Clone, Debug)]
pub(crate) struct TemplateBody {
    pub(crate) template: &'static Template,
    pub(crate) holes: Holes,
    pub(crate) scope_len: usize,
    /// The grants, the scope and the payload prefix, built on first call of `grants()`,
    /// `scope()` or `payload_prefix()`.
    described: OnceLock<Box<Described>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Described {
    pub(crate) grants: Grants,
    pub(crate) scope: String,
    pub(crate) payload_b64: String,
}

impl TemplateBody {
    pub(crate) fn ttl_secs(&self) -> u32 {
        self.template.spec.ttl_secs
    }

    pub(crate) fn described(&self) -> &Described {
        self.described.get_or_init(|| Box::new(self.describe()))
    }

    /// The grants as the builder makes them, and the scope its encoder writes for them.
    fn describe(&self) -> Described {
        let holes = &self.holes;
        let name = |src: Src| match src {
            Src::Lit(text) => ClientName::from_static(text),
            Src::Hole(i) => match holes.get(i) {
                HoleValue::Name(name) => name.clone(),
                _ => unreachable!("checked when the policy was made"),
            },
        };
        let text = |src: Src| -> Cow<'static, str> {
            match src {
                Src::Lit(text) => Cow::Borrowed(text),
                Src::Hole(i) => match holes.get(i) {
                    HoleValue::Text(text) => Cow::Owned(text.clone()),
                    _ => unreachable!("checked when the policy was made"),
                },
            }
        };
        let pairs = |params: &'static [(&'static str, Src)]| {
            Params::from_pairs(params.iter().map(|&(k, v)| (k, text(v).into_owned())))
        };
        let spec = self.template.spec;
        let mut grants = Grants::default();
        for grant in spec.grants {
            if let SpecGrant::Incoming(src) = grant {
                grants.incoming = Some(name(*src));
            }
        }
        for grant in spec.grants {
            match grant {
                SpecGrant::Incoming(_) => {}
                SpecGrant::Outgoing { app_sid, params } => {
                    let sid = match *app_sid {
                        Src::Lit(text) => AppSid::from_static(text),
                        Src::Hole(i) => match holes.get(i) {
                            HoleValue::Sid(sid) => *sid,
                            _ => unreachable!("checked when the policy was made"),
                        },
                    };
                    grants.outgoing =
                        Some(Outgoing::new(sid, pairs(params), grants.incoming.clone()));
                }
                SpecGrant::Events(filters) => grants.events = Some(Events::new(pairs(filters))),
            }
        }
        let scope = scope::encode(&grants, &spec_order(spec));
        debug_assert_eq!(scope.len(), self.scope_len);
        let payload_b64 = wire::payload_prefix_b64(&scope);
        Described {
            grants,
            scope,
            payload_b64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPEC: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
        grants: &[
            SpecGrant::Incoming(Src::Hole(0)),
            SpecGrant::Outgoing {
                app_sid: Src::Lit("AP0123456789abcdef0123456789abcdef"),
                params: &[("Foo", Src::Lit("Bar")), ("To", Src::Hole(1))],
            },
        ],
        ttl_secs: 3600,
    });

    #[test]
    fn a_template_policy_describes_itself_as_the_builder_would() {
        let policy = SPEC
            .checked_policy([
                HoleValue::Name(ClientName::from_static("alice")),
                HoleValue::Text("+1 555 & é".into()),
            ])
            .unwrap();
        let built = super::super::Policy::builder()
            .incoming(ClientName::from_static("alice"))
            .outgoing(
                AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                [("Foo", "Bar"), ("To", "+1 555 & é")],
            )
            .build()
            .unwrap();
        assert_eq!(policy.scope(), built.scope());
        assert_eq!(policy.grants(), built.grants());
        assert_eq!(policy, built);
        assert_eq!(format!("{policy:?}"), format!("{built:?}"));
        #[cfg(feature = "jwt")]
        {
            let credentials =
                crate::Credentials::new("AC0123456789abcdef0123456789abcdef", "secret").unwrap();
            for issued_at in [0, 7, 99, 1_700_000_000, 17_000_000_000] {
                assert_eq!(
                    policy.sign_at(&credentials, issued_at),
                    built.sign_at(&credentials, issued_at)
                );
            }
            assert_eq!(
                policy.signer(&credentials).sign_at(5),
                built.sign_at(&credentials, 5)
            );
        }
    }

    #[test]
    fn values_of_other_kinds_are_refused() {
        let wrong = std::panic::catch_unwind(|| {
            SPEC.checked_policy([HoleValue::Text("alice".into()), HoleValue::Text("x".into())])
        });
        assert!(wrong.is_err());
        let too_few =
            std::panic::catch_unwind(|| SPEC.checked_policy([HoleValue::Text("x".into())]));
        assert!(too_few.is_err());
        // A parameter value may be too long: only `checked_policy` takes one.
        let unchecked = std::panic::catch_unwind(|| {
            SPEC.policy([
                HoleValue::Name(ClientName::from_static("alice")),
                HoleValue::Text("x".into()),
            ])
        });
        assert!(unchecked.is_err());
    }

    #[test]
    fn specs_that_break_a_rule_are_refused() {
        static EMPTY_KEY: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
            grants: &[SpecGrant::Events(&[("", Src::Hole(0))])],
            ttl_secs: 3600,
        });
        static TWICE: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
            grants: &[
                SpecGrant::Incoming(Src::Hole(0)),
                SpecGrant::Incoming(Src::Hole(0)),
            ],
            ttl_secs: 3600,
        });
        static TTL: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
            grants: &[SpecGrant::Incoming(Src::Hole(0))],
            ttl_secs: 0,
        });
        static BAD_LITERAL: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
            grants: &[
                SpecGrant::Incoming(Src::Lit("a\"b")),
                SpecGrant::Events(&[]),
            ],
            ttl_secs: 60,
        });
        let name = || HoleValue::Name(ClientName::from_static("alice"));
        assert!(std::panic::catch_unwind(
            || EMPTY_KEY.checked_policy([HoleValue::Text("x".into())])
        )
        .is_err());
        assert!(std::panic::catch_unwind(|| TWICE.policy([name()])).is_err());
        assert!(std::panic::catch_unwind(|| TTL.policy([name()])).is_err());
        assert!(std::panic::catch_unwind(|| BAD_LITERAL.policy([])).is_err());
    }

    #[test]
    fn parameter_values_are_checked_against_the_size_limit() {
        let fits = |len: usize| {
            SPEC.checked_policy([
                HoleValue::Name(ClientName::from_static("alice")),
                HoleValue::Text("%".repeat(len)),
            ])
        };
        let built = |len: usize| {
            super::super::Policy::builder()
                .incoming(ClientName::from_static("alice"))
                .outgoing(
                    AppSid::from_static("AP0123456789abcdef0123456789abcdef"),
                    [("Foo", "Bar".to_owned()), ("To", "%".repeat(len))],
                )
                .build()
        };
        for len in [0, 1, 100, 2000, 2300, 2400, 3000] {
            assert_eq!(fits(len).map(|_| ()), built(len).map(|_| ()), "{len}");
        }
        assert!(fits(3000).is_err());
    }
}
