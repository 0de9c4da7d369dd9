//! Reading an Access Token's header and claims: the reading side of `encode.rs`.
//!
//! The typed readers pull values from [`Reader`]. Like the capability token readers
//! (`json.rs`, whose [`Field`] they share), they never fail on a repeated key or a value of the
//! wrong type: they record the first of each in [`Findings`] and read on, so that the verifier
//! returns a typed [`Error`] rather than a parser message. Every object's keys are checked for
//! repeats (after unescaping: `"\u0065xp"` is `exp`) by [`Keys`], in work linear in the input.
//!
//! Grants laid out exactly as `encode.rs` (and twilio-php) writes them, without escapes, are
//! read first by [`canonical_grants`], which expects each field in its place; anything else by
//! the general readers, which give the same result for what both read.
//!
//! Values this library keeps without knowing them (the `player` grant, grants it does not know)
//! and values it skips (unknown claims and header members, values of the wrong type) go through
//! [`canon`], which writes them in twilio-php's encoding (or nowhere), checks their keys and
//! limits their nesting to [`MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashSet;

use crate::access::encode::push_json_str;
use crate::access::grants::{
    AccessGrants, ChatGrant, GrantKind, OutgoingApplication, PlaybackGrant, ServiceFields,
    SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant,
};
use crate::access::identity::Identity;
use crate::access::reader::{Kind, Members, Number, Reader, SyntaxError};
use crate::error::{Error, Truncated};
use crate::grants::Params;
use crate::json::Field;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};
use crate::wire::MAX_EXP;

/// How deeply a JSON value kept or skipped whole may nest, counted from that value.
pub(crate) const MAX_DEPTH: usize = 32;

type Result<T> = std::result::Result<T, SyntaxError>;

/// What reading found wrong besides the JSON syntax: the first repeated key and the first other
/// problem.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) duplicate: Option<String>,
    pub(crate) problem: Option<Error>,
}

impl Findings {
    fn duplicate(&mut self, key: &str) {
        if self.duplicate.is_none() {
            self.duplicate = Some(key.to_owned());
        }
    }

    fn problem(&mut self, problem: impl FnOnce() -> Error) {
        if self.problem.is_none() {
            self.problem = Some(problem());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// How many unknown keys of one object are compared one by one before a hash set takes over.
const INLINE_KEYS: usize = 8;

/// The keys of one object seen so far: flags for the known keys (by their index); for the
/// others, made on the first one, an array for the first [`INLINE_KEYS`] and a hash set for the
/// rest. Each key costs at most `INLINE_KEYS` comparisons and one hash: linear in the object's
/// size.
#[derive(Default)]
struct Keys<'a> {
    known: u64,
    unknown: Option<UnknownKeys<'a>>,
}

#[derive(Default)]
struct UnknownKeys<'a> {
    inline: [Option<Cow<'a, str>>; INLINE_KEYS],
    more: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Keys<'a> {
    /// Whether `key` (number `index` of the known keys, or unknown) was seen before.
    // A `Cow`, not a `&str`: it is cloned into the set, and a borrowed key stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn repeated(&mut self, index: Option<usize>, key: &Cow<'a, str>) -> bool {
        if let Some(i) = index {
            let bit = 1 << i;
            let seen = self.known & bit != 0;
            self.known |= bit;
            return seen;
        }
        let unknown = self.unknown.get_or_insert_with(UnknownKeys::default);
        for slot in &mut unknown.inline {
            match slot {
                Some(seen) if seen == key => return true,
                Some(_) => {}
                None => {
                    *slot = Some(key.clone());
                    return false;
                }
            }
        }
        !unknown
            .more
            .get_or_insert_with(HashSet::new)
            .insert(key.clone())
    }
}

/// Reads the members of an object whose `{` was read: for each key, its index in `known` (or
/// `None`) goes to `read`, which must read the value. A repeated key is recorded and its value
/// skipped.
fn members<'a>(
    r: &mut Reader<'a>,
    mut m: Members,
    findings: &mut Findings,
    known: &[&str],
    mut read: impl FnMut(Option<usize>, &Cow<'a, str>, &mut Reader<'a>, &mut Findings) -> Result<()>,
) -> Result<()> {
    let mut keys = Keys::default();
    while let Some(key) = m.next_key(r)? {
        let index = known
            .iter()
            .position(|k| k.len() == key.len() && k.as_bytes() == key.as_bytes());
        if keys.repeated(index, &key) {
            findings.duplicate(&key);
            skip(r, findings)?;
            continue;
        }
        read(index, &key, r, findings)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Any value, in twilio-php's encoding

/// Where [`canon`] writes: a `String`, or nowhere.
pub(crate) trait Out {
    fn raw(&mut self, s: &str);
    fn string(&mut self, s: &str);
}

impl Out for String {
    fn raw(&mut self, s: &str) {
        self.push_str(s);
    }
    fn string(&mut self, s: &str) {
        push_json_str(self, s);
    }
}

/// Reads and drops.
struct Discard;

impl Out for Discard {
    fn raw(&mut self, _: &str) {}
    fn string(&mut self, _: &str) {}
}

/// Reads any value and writes it in twilio-php's encoding (see `encode::push_json_str`; numbers
/// as integers or in Rust's shortest round-trip form), recording repeated keys and refusing
/// nesting deeper than [`MAX_DEPTH`] from this value.
pub(crate) fn canon(
    r: &mut Reader<'_>,
    out: &mut impl Out,
    findings: &mut Findings,
    depth: usize,
) -> Result<()> {
    match r.peek()? {
        Kind::Object => {
            let mut m = nest(r, depth)?.begin_object()?;
            out.raw("{");
            let mut keys = Keys::default();
            let mut first = true;
            while let Some(key) = m.next_key(r)? {
                if keys.repeated(None, &key) {
                    findings.duplicate(&key);
                }
                if !first {
                    out.raw(",");
                }
                first = false;
                out.string(&key);
                out.raw(":");
                canon(r, out, findings, depth + 1)?;
            }
            out.raw("}");
        }
        Kind::Array => {
            let mut e = nest(r, depth)?.begin_array()?;
            out.raw("[");
            let mut first = true;
            while e.next(r)? {
                if !first {
                    out.raw(",");
                }
                first = false;
                canon(r, out, findings, depth + 1)?;
            }
            out.raw("]");
        }
        Kind::String => out.string(&r.string()?),
        Kind::Number => match r.number()? {
            Number::U64(n) => out.raw(itoa::Buffer::new().format(n)),
            Number::I64(n) => out.raw(itoa::Buffer::new().format(n)),
            Number::F64(f) => out.raw(&format!("{f:?}")),
        },
        Kind::Bool => out.raw(if r.bool()? { "true" } else { "false" }),
        Kind::Null => {
            r.null()?;
            out.raw("null");
        }
    }
    Ok(())
}

/// The reader, if one more level of nesting is allowed.
fn nest<'r, 'a>(r: &'r mut Reader<'a>, depth: usize) -> Result<&'r mut Reader<'a>> {
    if depth >= MAX_DEPTH {
        return Err(r.error("a value nests deeper than 32 levels"));
    }
    Ok(r)
}

/// Reads and drops any value.
fn skip(r: &mut Reader<'_>, findings: &mut Findings) -> Result<()> {
    canon(r, &mut Discard, findings, 0)
}

/// Reads and drops a value, saying what type it is, in the words of `json.rs`.
fn found(r: &mut Reader<'_>, findings: &mut Findings) -> Result<&'static str> {
    Ok(match r.peek()? {
        Kind::Number => match r.number()? {
            Number::U64(_) => "a number",
            Number::I64(_) => "a negative number",
            Number::F64(_) => "a number with a fraction or an exponent, or beyond 64 bits",
        },
        kind => {
            skip(r, findings)?;
            match kind {
                Kind::String => "a string",
                Kind::Bool => "a boolean",
                Kind::Null => "null",
                Kind::Array => "an array",
                _ => "an object",
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Typed values

/// A string member.
fn str_field<'a>(r: &mut Reader<'a>, findings: &mut Findings) -> Result<Field<Cow<'a, str>>> {
    if r.peek()? == Kind::String {
        return Ok(Field::Present(r.string()?));
    }
    Ok(Field::Invalid(found(r, findings)?))
}

/// A NumericDate member: an integer from 0 to 2^53 − 1, as in `json.rs`.
fn date_field(r: &mut Reader<'_>, findings: &mut Findings) -> Result<Field<u64>> {
    if r.peek()? != Kind::Number {
        return Ok(Field::Invalid(found(r, findings)?));
    }
    Ok(match r.number()? {
        Number::U64(n) if n <= MAX_EXP => Field::Present(n),
        Number::U64(_) => Field::Invalid("an integer beyond 2^53-1"),
        Number::I64(_) => Field::Invalid("a negative number"),
        Number::F64(_) => {
            Field::Invalid("a number with a fraction or an exponent, or beyond 64 bits")
        }
    })
}

/// The fields of each grant, in the order twilio-php writes them (`encode.rs`): the index of a
/// field in its list is what both the general reader and [`canonical_grants`] match on.
const VOICE_FIELDS: [&str; 4] = ["incoming", "outgoing", "push_credential_sid", "endpoint_id"];
const OUTGOING_FIELDS: [&str; 2] = ["application_sid", "params"];
const VIDEO_FIELDS: [&str; 1] = ["room"];
const SERVICE_FIELDS: [&str; 4] = [
    "service_sid",
    "endpoint_id",
    "deployment_role_sid",
    "push_credential_sid",
];
const TASK_ROUTER_FIELDS: [&str; 3] = ["workspace_sid", "worker_sid", "role"];

/// Where a value is: its grant (as the token names it) and its field, for messages.
#[derive(Clone, Copy)]
struct At {
    grant: &'static str,
    field: &'static str,
}

impl At {
    fn field(self, field: &'static str) -> At {
        At { field, ..self }
    }

    fn problem(self, findings: &mut Findings, reason: impl FnOnce() -> String) {
        findings.problem(|| Error::InvalidGrant {
            grant: self.grant,
            reason: reason(),
        });
    }
}

/// The `{` of an object, or `None` (and a problem recorded) for any other type.
fn object(r: &mut Reader<'_>, findings: &mut Findings, at: At) -> Result<Option<Members>> {
    if r.peek()? == Kind::Object {
        return r.begin_object().map(Some);
    }
    let found = found(r, findings)?;
    at.problem(findings, || {
        format!("`{}` must be an object, found {found}", at.field)
    });
    Ok(None)
}

/// A non-empty string.
fn text<'a>(r: &mut Reader<'a>, findings: &mut Findings, at: At) -> Result<Option<Cow<'a, str>>> {
    Ok(match str_field(r, findings)? {
        Field::Present(s) if !s.is_empty() => Some(s),
        Field::Present(_) => {
            at.problem(findings, || format!("`{}` is empty", at.field));
            None
        }
        Field::Invalid(found) => {
            at.problem(findings, || {
                format!("`{}` must be a string, found {found}", at.field)
            });
            None
        }
        Field::Missing => None,
    })
}

fn owned_text(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
) -> Result<Option<Cow<'static, str>>> {
    Ok(text(r, findings, at)?.map(|s| Cow::Owned(s.into_owned())))
}

/// A SID.
fn sid<T>(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    parse: fn(&str) -> std::result::Result<T, Error>,
) -> Result<Option<T>> {
    let Some(s) = text(r, findings, at)? else {
        return Ok(None);
    };
    Ok(match parse(&s) {
        Ok(sid) => Some(sid),
        Err(e) => {
            at.problem(findings, || format!("`{}`: {e}", at.field));
            None
        }
    })
}

/// Records an unknown field of a grant and skips its value.
fn unknown(r: &mut Reader<'_>, findings: &mut Findings, at: At, key: &str) -> Result<()> {
    at.problem(findings, || {
        format!("`{}` has no field `{}`", at.field, Truncated(key))
    });
    skip(r, findings)
}

/// `"incoming": {"allow": true}`: whether incoming calls are allowed.
fn incoming(r: &mut Reader<'_>, findings: &mut Findings, at: At) -> Result<bool> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(false);
    };
    let mut allow = None;
    members(r, m, findings, &["allow"], |index, key, r, findings| {
        if index.is_none() {
            return unknown(r, findings, at, key);
        }
        if r.peek()? == Kind::Bool {
            allow = Some(r.bool()?);
        } else {
            let found = found(r, findings)?;
            at.problem(findings, || {
                format!("`incoming.allow` must be a boolean, found {found}")
            });
        }
        Ok(())
    })?;
    if allow.is_none() {
        at.problem(findings, || "`incoming` must be {\"allow\": true}".into());
    }
    Ok(allow == Some(true))
}

/// `"params": {"key": "value", …}`.
fn params(r: &mut Reader<'_>, findings: &mut Findings, at: At) -> Result<Params> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(Params::new());
    };
    // Keys and values, unescaped, are shorter than the rest of the input, and each pair takes
    // at least 6 bytes (`"":"",`): one allocation for the text, and from the second pair one for
    // the offsets of the pairs but the last (see `Params::packed_but_last`).
    let rest = r.remaining();
    let mut text = String::with_capacity(rest);
    let mut ends = Vec::new();
    let mut last_key_end = None;
    members(r, m, findings, &[], |_, key, r, findings| {
        if key.is_empty() {
            at.problem(findings, || "a parameter has an empty key".into());
        }
        if r.peek()? != Kind::String {
            let found = found(r, findings)?;
            at.problem(findings, || {
                format!(
                    "the parameter `{}` must be a string, found {found}",
                    Truncated(key)
                )
            });
            return Ok(());
        }
        let pair_start = text.len();
        text.push_str(key);
        if let Some(previous) = last_key_end.replace(text.len()) {
            if ends.capacity() == 0 {
                ends.reserve_exact((rest / 6).min(64));
            }
            ends.push((previous, pair_start));
        }
        r.string_into(&mut text)
    })?;
    Ok(match last_key_end {
        Some(last_key_end) => Params::packed_but_last(text, ends, last_key_end),
        None => Params::new(),
    })
}

/// `"outgoing": {"application_sid": "AP…", "params": {…}}`, into `out`.
fn outgoing(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    out: &mut Option<OutgoingApplication>,
) -> Result<()> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(());
    };
    let (mut app_sid, mut app_params) = (None, Params::new());
    members(
        r,
        m,
        findings,
        &OUTGOING_FIELDS,
        |index, key, r, findings| {
            match index {
                Some(0) => {
                    let at = at.field("outgoing.application_sid");
                    app_sid = sid(r, findings, at, AppSid::new)?;
                }
                Some(_) => app_params = params(r, findings, at.field("outgoing.params"))?,
                None => unknown(r, findings, at, key)?,
            }
            Ok(())
        },
    )?;
    match app_sid {
        Some(app_sid) => *out = Some(OutgoingApplication::new(app_sid, app_params)),
        None => at.problem(findings, || "`outgoing` has no `application_sid`".into()),
    }
    Ok(())
}

/// `"voice": {…}`, into `out`.
fn voice(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    out: &mut Option<VoiceGrant>,
) -> Result<()> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(());
    };
    let grant = out.insert(VoiceGrant::new());
    members(r, m, findings, &VOICE_FIELDS, |index, key, r, findings| {
        match index {
            Some(0) => grant.incoming = incoming(r, findings, at.field("incoming"))?,
            Some(1) => outgoing(r, findings, at.field("outgoing"), &mut grant.outgoing)?,
            Some(2) => {
                let at = at.field("push_credential_sid");
                grant.push_credential = sid(r, findings, at, CredentialSid::new)?;
            }
            Some(_) => grant.endpoint = owned_text(r, findings, at.field("endpoint_id"))?,
            None => unknown(r, findings, at, key)?,
        }
        Ok(())
    })
}

/// `"video": {"room": "…"}`, into `out`.
fn video(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    out: &mut Option<VideoGrant>,
) -> Result<()> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(());
    };
    let grant = out.insert(VideoGrant::new());
    members(r, m, findings, &VIDEO_FIELDS, |index, key, r, findings| {
        match index {
            Some(_) => grant.room = owned_text(r, findings, at.field("room"))?,
            None => unknown(r, findings, at, key)?,
        }
        Ok(())
    })
}

/// `"chat"` and `"data_sync"`: `service_sid`, `endpoint_id`, `deployment_role_sid`,
/// `push_credential_sid`, into `out`.
fn service(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    out: &mut ServiceFields,
) -> Result<()> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(());
    };
    members(
        r,
        m,
        findings,
        &SERVICE_FIELDS,
        |index, key, r, findings| {
            let Some(index) = index else {
                return unknown(r, findings, at, key);
            };
            let at = at.field(SERVICE_FIELDS[index]);
            match index {
                0 => out.service = sid(r, findings, at, ServiceSid::new)?,
                1 => out.endpoint = owned_text(r, findings, at)?,
                2 => out.deployment_role = sid(r, findings, at, RoleSid::new)?,
                _ => out.push_credential = sid(r, findings, at, CredentialSid::new)?,
            }
            Ok(())
        },
    )
}

/// `"task_router": {"workspace_sid", "worker_sid", "role"}`, into `out`.
fn task_router(
    r: &mut Reader<'_>,
    findings: &mut Findings,
    at: At,
    out: &mut Option<TaskRouterGrant>,
) -> Result<()> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(());
    };
    let grant = out.insert(TaskRouterGrant::new());
    members(
        r,
        m,
        findings,
        &TASK_ROUTER_FIELDS,
        |index, key, r, findings| {
            let Some(index) = index else {
                return unknown(r, findings, at, key);
            };
            let at = at.field(TASK_ROUTER_FIELDS[index]);
            match index {
                0 => grant.workspace = sid(r, findings, at, WorkspaceSid::new)?,
                1 => grant.worker = sid(r, findings, at, WorkerSid::new)?,
                _ => grant.role = owned_text(r, findings, at)?,
            }
            Ok(())
        },
    )
}

/// `"player"`: an object, kept in twilio-php's encoding, or `null` (twilio-python's unset
/// grant, which twilio-php and twilio-node write `{}`).
fn player(r: &mut Reader<'_>, findings: &mut Findings, at: At) -> Result<Option<PlaybackGrant>> {
    match r.peek()? {
        Kind::Null => {
            r.null()?;
            Ok(Some(PlaybackGrant::from_canonical("{}".into())))
        }
        Kind::Object => {
            let mut json = String::new();
            canon(r, &mut json, findings, 0)?;
            Ok(Some(PlaybackGrant::from_canonical(json)))
        }
        _ => {
            let found = found(r, findings)?;
            at.problem(findings, || {
                format!("`player` must be an object or null, found {found}")
            });
            Ok(None)
        }
    }
}

/// `grants.identity`.
fn identity(r: &mut Reader<'_>, findings: &mut Findings) -> Result<Option<Identity>> {
    let at = At {
        grant: "identity",
        field: "identity",
    };
    Ok(match str_field(r, findings)? {
        Field::Present(s) => match Identity::try_from(s.into_owned()) {
            Ok(identity) => Some(identity),
            Err(e) => {
                at.problem(findings, || e.to_string());
                None
            }
        },
        Field::Invalid(found) => {
            at.problem(findings, || format!("it must be a string, found {found}"));
            None
        }
        Field::Missing => None,
    })
}

// ---------------------------------------------------------------------------------------------
// The grants claim

/// The `grants` claim: the identity and the grants.
#[derive(Debug, Default)]
pub(crate) struct ReadGrants {
    pub(crate) identity: Option<Identity>,
    pub(crate) grants: AccessGrants,
}

const GRANT_KEYS: [&str; 7] = [
    "voice",
    "video",
    "chat",
    "data_sync",
    "task_router",
    "player",
    "identity",
];

/// The `grants` claim, into `read`.
fn grants<'a>(r: &mut Reader<'a>, findings: &mut Findings, read: &mut ReadGrants) -> Result<()> {
    if r.peek()? != Kind::Object {
        let found = found(r, findings)?;
        findings.problem(|| Error::InvalidClaim {
            claim: "grants",
            found,
        });
        return Ok(());
    }
    let m = r.begin_object()?;
    members(r, m, findings, &GRANT_KEYS, |index, key, r, findings| {
        let Some(index) = index else {
            let mut json = String::new();
            canon(r, &mut json, findings, 0)?;
            read.grants.other.push((key.clone().into_owned(), json));
            return Ok(());
        };
        let Some(&kind) = GrantKind::ALL.get(index) else {
            read.identity = identity(r, findings)?;
            return Ok(());
        };
        read.grants.order.push(kind);
        let at = At {
            grant: kind.key(),
            field: kind.key(),
        };
        let g = &mut read.grants;
        match kind {
            GrantKind::Voice => voice(r, findings, at, &mut g.voice)?,
            GrantKind::Video => video(r, findings, at, &mut g.video)?,
            GrantKind::Chat => {
                let chat = g.chat.insert(ChatGrant::new());
                service(r, findings, at, &mut chat.fields)?;
            }
            GrantKind::Sync => {
                let sync = g.sync.insert(SyncGrant::new());
                service(r, findings, at, &mut sync.fields)?;
            }
            GrantKind::TaskRouter => task_router(r, findings, at, &mut g.task_router)?,
            GrantKind::Playback => g.playback = player(r, findings, at)?,
        }
        Ok(())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Header and claims

/// The JOSE header of an Access Token.
#[derive(Debug, Default)]
pub(crate) struct AccessHeader<'a> {
    pub(crate) alg: Field<Cow<'a, str>>,
    pub(crate) typ: Field<Cow<'a, str>>,
    pub(crate) cty: Field<Cow<'a, str>>,
    /// `twr`: missing, `null` (present, `None`), or a string.
    pub(crate) twr: Field<Option<Cow<'a, str>>>,
    pub(crate) crit: bool,
    pub(crate) findings: Findings,
}

/// The claims of an Access Token.
#[derive(Debug, Default)]
pub(crate) struct AccessClaims<'a> {
    pub(crate) jti: Field<Cow<'a, str>>,
    pub(crate) iss: Field<Cow<'a, str>>,
    pub(crate) sub: Field<Cow<'a, str>>,
    pub(crate) exp: Field<u64>,
    pub(crate) nbf: Field<u64>,
    pub(crate) iat: Field<u64>,
    /// Empty when missing or not an object (a problem is then recorded).
    pub(crate) grants: ReadGrants,
    pub(crate) grants_present: bool,
    pub(crate) findings: Findings,
}

/// The `{` of the top-level object.
fn top_object(r: &mut Reader<'_>) -> Result<Members> {
    if r.peek()? != Kind::Object {
        return Err(r.error("expected a JSON object"));
    }
    r.begin_object()
}

/// Reads a header: one JSON object, nothing after it.
pub(crate) fn read_header<'a>(text: &'a str, header: &mut AccessHeader<'a>) -> Result<()> {
    let mut r = Reader::new(text);
    let m = top_object(&mut r)?;
    let mut findings = Findings::default();
    members(
        &mut r,
        m,
        &mut findings,
        &["alg", "typ", "cty", "twr", "crit"],
        |index, _, r, findings| {
            match index {
                Some(0) => header.alg = str_field(r, findings)?,
                Some(1) => header.typ = str_field(r, findings)?,
                Some(2) => header.cty = str_field(r, findings)?,
                Some(3) => {
                    header.twr = if r.peek()? == Kind::Null {
                        r.null()?;
                        Field::Present(None)
                    } else {
                        match str_field(r, findings)? {
                            Field::Present(s) => Field::Present(Some(s)),
                            Field::Invalid(found) => Field::Invalid(found),
                            Field::Missing => Field::Missing,
                        }
                    }
                }
                Some(_) => {
                    header.crit = true;
                    skip(r, findings)?;
                }
                None => skip(r, findings)?,
            }
            Ok(())
        },
    )?;
    r.end()?;
    header.findings = findings;
    Ok(())
}

/// Reads the claims: one JSON object, nothing after it.
pub(crate) fn read_claims<'a>(text: &'a str, claims: &mut AccessClaims<'a>) -> Result<()> {
    let mut r = Reader::new(text);
    let m = top_object(&mut r)?;
    let mut findings = Findings::default();
    members(
        &mut r,
        m,
        &mut findings,
        &["jti", "iss", "sub", "exp", "nbf", "iat", "grants"],
        |index, _, r, findings| {
            match index {
                Some(0) => claims.jti = str_field(r, findings)?,
                Some(1) => claims.iss = str_field(r, findings)?,
                Some(2) => claims.sub = str_field(r, findings)?,
                Some(3) => claims.exp = date_field(r, findings)?,
                Some(4) => claims.nbf = date_field(r, findings)?,
                Some(5) => claims.iat = date_field(r, findings)?,
                Some(_) => {
                    claims.grants_present = true;
                    grants(r, findings, &mut claims.grants)?;
                }
                // Other claims (twilio-php's custom claims) are allowed and dropped.
                None => skip(r, findings)?,
            }
            Ok(())
        },
    )?;
    r.end()?;
    claims.findings = findings;
    Ok(())
}

/// The claims of a token laid out as twilio-php and this library sign them,
/// `{"jti":"<key>-<digits>","iss":"<key>","sub":"<account>","exp":<int>,"grants":{…}[,"nbf":<int>]}`,
/// read by comparing the parts that depend on the key with what the key expects, `head`
/// (`{"jti":"<key>-`) and `middle` (`","iss":"<key>","sub":"<account>","exp":`), instead of
/// parsing them. The grants are read by the general reader.
///
/// `None` for a text laid out in any other way (`claims` must then be reset and the text read
/// with [`read_claims`]); otherwise the same result as [`read_claims`], which
/// `tests::the_fast_path_reads_as_the_general_path` checks.
pub(crate) fn read_canonical_claims<'a>(
    text: &'a str,
    head: &str,
    middle: &str,
    claims: &mut AccessClaims<'a>,
) -> Option<Result<()>> {
    const ISS: usize = "\",\"iss\":\"".len();
    const SUB: usize = ISS + 34 + "\",\"sub\":\"".len();
    let b = text.as_bytes();
    let time = b.strip_prefix(head.as_bytes())?;
    let digits = time.iter().take_while(|c| c.is_ascii_digit()).count();
    let middle_at = head.len() + digits;
    if digits == 0 || !b[middle_at..].starts_with(middle.as_bytes()) {
        return None;
    }
    let mut pos = middle_at + middle.len();
    let exp = canonical_uint(b, &mut pos)?;
    pos = after(b, pos, b",\"grants\":")?;
    let mut r = Reader::at(text, pos);
    let mut findings = Findings::default();
    // Strings with escapes are left to the general reader, before anything is allocated.
    let escaped = memchr::memchr(b'\\', &b[pos..]).is_some();
    if escaped || !canonical_grants(&mut r, &mut claims.grants) {
        claims.grants = ReadGrants::default();
        r = Reader::at(text, pos);
        if let Err(e) = grants(&mut r, &mut findings, &mut claims.grants) {
            return Some(Err(e));
        }
    }
    pos = r.pos();
    let nbf = match after(b, pos, b",\"nbf\":") {
        Some(at) => {
            pos = at;
            Some(canonical_uint(b, &mut pos)?)
        }
        None => None,
    };
    pos = after(b, pos, b"}")?;
    Reader::at(text, pos).end().ok()?;
    claims.jti = Field::Present(Cow::Borrowed(&text[8..middle_at]));
    claims.iss = Field::Present(Cow::Borrowed(&text[middle_at + ISS..middle_at + ISS + 34]));
    claims.sub = Field::Present(Cow::Borrowed(&text[middle_at + SUB..middle_at + SUB + 34]));
    claims.exp = Field::Present(exp);
    if let Some(nbf) = nbf {
        claims.nbf = Field::Present(nbf);
    }
    claims.grants_present = true;
    claims.findings = findings;
    Some(Ok(()))
}

// ---------------------------------------------------------------------------------------------
// The grants claim as twilio-php writes it

/// Reads the `grants` claim into `read` when it is laid out exactly as `encode.rs` writes it
/// (and twilio-php): no whitespace, the identity first, the fields of each grant in its order,
/// strings without escapes, every value valid, no key twice. `false` for anything else, having
/// read a part that must be dropped: the general reader [`grants`] then reads it, and records
/// what is wrong. What this reads, [`grants`] reads the same (`tests::the_fast_path_reads_as_the_general_path`
/// and the `verify_access_at` fuzz target check it).
///
/// The general reader, which takes any layout and records every problem, measured at twice the
/// cost of this one on a voice grant; it is what kept verifying over twice the HMAC floor.
fn canonical_grants(r: &mut Reader<'_>, read: &mut ReadGrants) -> bool {
    canonical_grants_into(r, read).is_some()
}

fn canonical_grants_into(r: &mut Reader<'_>, read: &mut ReadGrants) -> Option<()> {
    if !r.literal("{") {
        return None;
    }
    // Checked and copied once everything else is read, so that grants left to the general
    // reader waste fewer allocations.
    let identity = match r.literal("\"identity\":") {
        true => Some(r.plain_string()?),
        false => None,
    };
    let mut first = identity.is_none();
    while !r.literal("}") {
        if !std::mem::take(&mut first) && !r.literal(",") {
            return None;
        }
        let key = r.plain_string()?;
        let kind = GrantKind::from_key(key)?;
        if !r.literal(":") || !read.grants.order.push(kind) {
            return None;
        }
        let g = &mut read.grants;
        match kind {
            GrantKind::Voice => {
                let voice = g.voice.insert(VoiceGrant::new());
                in_order(r, &VOICE_FIELDS, |r, index| {
                    match index {
                        0 => voice.incoming = r.literal("{\"allow\":true}").then_some(true)?,
                        1 => voice.outgoing = Some(canonical_outgoing(r)?),
                        2 => voice.push_credential = Some(canonical_sid(r, CredentialSid::new)?),
                        _ => voice.endpoint = Some(canonical_text(r)?),
                    }
                    Some(())
                })?;
            }
            GrantKind::Video => {
                let video = g.video.insert(VideoGrant::new());
                in_order(r, &VIDEO_FIELDS, |r, _| {
                    video.room = Some(canonical_text(r)?);
                    Some(())
                })?;
            }
            GrantKind::Chat => canonical_service(r, &mut g.chat.insert(ChatGrant::new()).fields)?,
            GrantKind::Sync => canonical_service(r, &mut g.sync.insert(SyncGrant::new()).fields)?,
            GrantKind::TaskRouter => {
                let task_router = g.task_router.insert(TaskRouterGrant::new());
                in_order(r, &TASK_ROUTER_FIELDS, |r, index| {
                    match index {
                        0 => task_router.workspace = Some(canonical_sid(r, WorkspaceSid::new)?),
                        1 => task_router.worker = Some(canonical_sid(r, WorkerSid::new)?),
                        _ => task_router.role = Some(canonical_text(r)?),
                    }
                    Some(())
                })?;
            }
            // Kept as canonical JSON text: left to the general reader.
            GrantKind::Playback => return None,
        }
    }
    if let Some(identity) = identity {
        read.identity = Some(Identity::try_from(identity.to_owned()).ok()?);
    }
    Some(())
}

/// An object whose keys are among `fields`, each at most once and in their order, without
/// whitespace: `value` reads the value of field number `index`.
fn in_order<'a>(
    r: &mut Reader<'a>,
    fields: &[&str],
    mut value: impl FnMut(&mut Reader<'a>, usize) -> Option<()>,
) -> Option<()> {
    if !r.literal("{") {
        return None;
    }
    let (mut next, mut first) = (0, true);
    while !r.literal("}") {
        if !std::mem::take(&mut first) && !r.literal(",") {
            return None;
        }
        let key = r.plain_string()?;
        let index = next + fields.get(next..)?.iter().position(|f| *f == key)?;
        if !r.literal(":") {
            return None;
        }
        value(r, index)?;
        next = index + 1;
    }
    Some(())
}

/// A non-empty string without escapes, owned.
fn canonical_text(r: &mut Reader<'_>) -> Option<Cow<'static, str>> {
    let text = r.plain_string()?;
    (!text.is_empty()).then(|| Cow::Owned(text.to_owned()))
}

/// A valid SID without escapes.
fn canonical_sid<T>(
    r: &mut Reader<'_>,
    parse: fn(&str) -> std::result::Result<T, Error>,
) -> Option<T> {
    parse(r.plain_string()?).ok()
}

/// `"chat"` and `"data_sync"` in `encode.rs`'s field order.
fn canonical_service(r: &mut Reader<'_>, out: &mut ServiceFields) -> Option<()> {
    in_order(r, &SERVICE_FIELDS, |r, index| {
        match index {
            0 => out.service = Some(canonical_sid(r, ServiceSid::new)?),
            1 => out.endpoint = Some(canonical_text(r)?),
            2 => out.deployment_role = Some(canonical_sid(r, RoleSid::new)?),
            _ => out.push_credential = Some(canonical_sid(r, CredentialSid::new)?),
        }
        Some(())
    })
}

/// The most parameters [`canonical_params`] reads (their keys compared pairwise); more are left
/// to the general reader.
const CANONICAL_PARAMS: usize = 16;

/// `"outgoing": {"application_sid": "AP…"[, "params": {…}]}`.
fn canonical_outgoing(r: &mut Reader<'_>) -> Option<OutgoingApplication> {
    let (mut app_sid, mut params) = (None, Params::new());
    in_order(r, &OUTGOING_FIELDS, |r, index| {
        match index {
            0 => app_sid = Some(canonical_sid(r, AppSid::new)?),
            _ => params = canonical_params(r)?,
        }
        Some(())
    })?;
    Some(OutgoingApplication::new(app_sid?, params))
}

/// `"params": {"key": "value", …}`: at most [`CANONICAL_PARAMS`], no key empty or twice.
fn canonical_params(r: &mut Reader<'_>) -> Option<Params> {
    if !r.literal("{") {
        return None;
    }
    // As the general reader: one allocation for the text, one for the offsets from the
    // second pair.
    let mut text = String::with_capacity(r.remaining());
    let mut ends = Vec::new();
    let mut keys: [(usize, usize); CANONICAL_PARAMS] = [(0, 0); CANONICAL_PARAMS];
    let mut count = 0;
    while !r.literal("}") {
        if count > 0 && !r.literal(",") {
            return None;
        }
        let key = r.plain_string()?;
        let seen = |&(start, end): &(usize, usize)| text[start..end] == *key;
        if key.is_empty() || count == CANONICAL_PARAMS || keys[..count].iter().any(seen) {
            return None;
        }
        if !r.literal(":") {
            return None;
        }
        let value = r.plain_string()?;
        let pair_start = text.len();
        text.push_str(key);
        keys[count] = (pair_start, text.len());
        if count > 0 {
            if ends.capacity() == 0 {
                ends.reserve_exact(CANONICAL_PARAMS - 1);
            }
            ends.push((keys[count - 1].1, pair_start));
        }
        text.push_str(value);
        count += 1;
    }
    Some(match count {
        0 => Params::new(),
        n => Params::packed_but_last(text, ends, keys[n - 1].1),
    })
}

/// The position after `expected` at `pos`, if it is there.
fn after(b: &[u8], pos: usize, expected: &[u8]) -> Option<usize> {
    b.get(pos..)?
        .starts_with(expected)
        .then_some(pos + expected.len())
}

/// An integer as the official libraries write one (digits, no leading zero) up to 2^53 − 1.
fn canonical_uint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let digits = b
        .get(*pos..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 || digits > 16 || (digits > 1 && b[*pos] == b'0') {
        return None;
    }
    let mut n = 0u64;
    for &d in &b[*pos..*pos + digits] {
        n = n * 10 + u64::from(d - b'0');
    }
    *pos += digits;
    (n <= MAX_EXP).then_some(n)
}

impl PlaybackGrant {
    /// A `playback` grant of the JSON object Twilio's PlaybackGrant API returned for a Live
    /// player, in any spelling: it is kept in twilio-php's encoding (see
    /// [`as_json`](Self::as_json)).
    ///
    /// ```
    /// use capability_runtime::PlaybackGrant;
    ///
    /// let grant = PlaybackGrant::from_json(r#"{"playbackUrl": "https://example.com/x?token=é"}"#)?;
    /// assert_eq!(grant.as_json(), r#"{"playbackUrl":"https:\/\/example.com\/x?token=\u00e9"}"#);
    /// assert!(PlaybackGrant::from_json("[1, 2]").is_err());
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidPlayback`] when `json` is not one JSON object, has a key twice in any of
    /// its objects, or nests deeper than 32 levels.
    pub fn from_json(json: &str) -> std::result::Result<Self, Error> {
        let mut out = String::with_capacity(json.len());
        let mut findings = Findings::default();
        let mut r = Reader::new(json);
        let read: Result<bool> = (|| {
            if r.peek()? != Kind::Object {
                return Ok(false);
            }
            canon(&mut r, &mut out, &mut findings, 0)?;
            r.end()?;
            Ok(true)
        })();
        let reason = match read {
            Err(e) => Some(e.detail(json)),
            Ok(false) => Some("it is not a JSON object".to_owned()),
            Ok(true) => findings
                .duplicate
                .map(|key| format!("the key `{}` appears twice", Truncated(&key))),
        };
        match reason {
            Some(reason) => Err(Error::InvalidPlayback { reason }),
            None => Ok(Self::from_canonical(out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(json: &str) -> Result<(String, Findings)> {
        let mut out = String::new();
        let mut findings = Findings::default();
        let mut r = Reader::new(json);
        canon(&mut r, &mut out, &mut findings, 0)?;
        r.end()?;
        Ok((out, findings))
    }

    #[test]
    fn canon_writes_php_s_encoding() {
        let (out, findings) = canonical(
            r#" { "a" : [1, -2, 1.5, 1e3, true, false, null, "\u00e9/\ud83d\ude00"], "b": {} , "c":[]} "#,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"a":[1,-2,1.5,1000.0,true,false,null,"\u00e9\/\ud83d\ude00"],"b":{},"c":[]}"#
        );
        assert!(findings.duplicate.is_none());
    }

    #[test]
    fn canon_finds_repeated_keys_at_any_depth_and_limits_depth() {
        let (_, findings) = canonical(r#"{"a":{"x":1,"\u0078":2}}"#).unwrap();
        assert_eq!(findings.duplicate.as_deref(), Some("x"));
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(canonical(&deep(MAX_DEPTH)).is_ok());
        assert!(canonical(&deep(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn many_keys_are_checked_inline_then_hashed() {
        let keys: Vec<String> = (0..20).map(|i| format!("\"k{i}\":{i}")).collect();
        for repeat in [0, 5, 7, 8, 12, 19] {
            let json = format!("{{{},\"k{repeat}\":0}}", keys.join(","));
            let (_, findings) = canonical(&json).unwrap();
            assert_eq!(findings.duplicate, Some(format!("k{repeat}")));
        }
        let (_, findings) = canonical(&format!("{{{}}}", keys.join(","))).unwrap();
        assert!(findings.duplicate.is_none());
    }

    #[test]
    fn playback_grants() {
        assert_eq!(
            PlaybackGrant::from_json(r#"{"a":1,"a":2}"#).unwrap_err(),
            Error::InvalidPlayback {
                reason: "the key `a` appears twice".into()
            }
        );
        for bad in ["", "null", "\"x\"", "{} {}", "{", "[{}]"] {
            assert!(PlaybackGrant::from_json(bad).is_err(), "{bad}");
        }
        assert_eq!(PlaybackGrant::from_json(" {} ").unwrap().as_json(), "{}");
    }

    fn claims(json: &str) -> AccessClaims<'_> {
        let mut claims = AccessClaims::default();
        read_claims(json, &mut claims).unwrap();
        claims
    }

    #[test]
    fn grants_are_read_whatever_their_order() {
        let c = claims(
            r#"{"grants":{"video":{"room":"r"},"identity":"alice","rtc":{"x":[1]},"player":null},"exp":5}"#,
        );
        assert!(c.findings.problem.is_none() && c.findings.duplicate.is_none());
        let read = c.grants;
        assert_eq!(read.identity.unwrap(), "alice");
        assert_eq!(read.grants.kinds(), [GrantKind::Video, GrantKind::Playback]);
        assert_eq!(read.grants.playback().unwrap().as_json(), "{}");
        assert_eq!(
            read.grants.other_grants(),
            [("rtc".to_owned(), r#"{"x":[1]}"#.to_owned())]
        );
    }

    #[test]
    fn problems_are_recorded_and_reading_goes_on() {
        for (json, grant, reason) in [
            (r#"{"voice":{"incoming":{"allow":"yes"}}}"#, "voice", "`incoming.allow` must be a boolean, found a string"),
            (r#"{"voice":{"outgoing":{"application_sid":"AC0123456789abcdef0123456789abcdef"}}}"#, "voice", "`outgoing.application_sid`: `AC0123456789abcdef0123456789abcdef` is an Account SID; an Application SID starts with `AP`"),
            (r#"{"voice":{"outgoing":{"params":{}}}}"#, "voice", "`outgoing` has no `application_sid`"),
            (r#"{"voice":{"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"a":1}}}}"#, "voice", "the parameter `a` must be a string, found a number"),
            (r#"{"voice":{"endpoint_id":""}}"#, "voice", "`endpoint_id` is empty"),
            (r#"{"voice":{"x":1}}"#, "voice", "`voice` has no field `x`"),
            (r#"{"video":[]}"#, "video", "`video` must be an object, found an array"),
            (r#"{"data_sync":{"service_sid":"IS0"}}"#, "data_sync", "`service_sid`: Service SID `IS0` has 3 characters; it must be `IS` followed by exactly 32 hexadecimal digits (34 characters)"),
            (r#"{"player":"x"}"#, "player", "`player` must be an object or null, found a string"),
            (r#"{"identity":12}"#, "identity", "it must be a string, found a number"),
            (r#"{"identity":""}"#, "identity", "an identity cannot be empty; use 1 to 256 characters"),
        ] {
            let json = format!(r#"{{"grants":{json},"exp":1}}"#);
            let c = claims(&json);
            assert!(matches!(c.exp, Field::Present(1)), "{json}");
            assert_eq!(
                c.findings.problem,
                Some(Error::InvalidGrant { grant, reason: reason.into() }),
                "{json}"
            );
        }
        let c = claims(r#"{"grants":[1]}"#);
        assert_eq!(
            c.findings.problem,
            Some(Error::InvalidClaim {
                claim: "grants",
                found: "an array"
            })
        );
    }

    #[test]
    fn the_fast_path_reads_as_the_general_path() {
        const HEAD: &str = r#"{"jti":"SK0123456789abcdef0123456789abcdef-"#;
        const MIDDLE: &str = r#"","iss":"SK0123456789abcdef0123456789abcdef","sub":"AC0123456789abcdef0123456789abcdef","exp":"#;
        let canonical = [
            r#"1700000000MIDDLE1700003600,"grants":{"identity":"alice","voice":{"incoming":{"allow":true}}}}"#,
            r#"0MIDDLE0,"grants":{"identity":"a"},"nbf":5}  "#,
            r#"1MIDDLE9007199254740991,"grants":{"identity":"a","video":{},"video":{}},"nbf":0}"#,
            r#"1MIDDLE2,"grants":{"identity":"a","voice":{"x":1}}}"#,
            r#"1MIDDLE2,"grants":{"identity":"a","player":{"a":[1,{"b":2,"b":3}]},"rtc":null}}"#,
            r#"1MIDDLE2,"grants":[1]}"#,
            r#"1MIDDLE2,"grants":{"identity":"a""#,
        ];
        let other = [
            r#"1MIDDLE9007199254740992,"grants":{}}"#,
            r#"1MIDDLE01,"grants":{}}"#,
            r#"1MIDDLE1.5,"grants":{}}"#,
            r#"1MIDDLE2,"grants":{},"nbf":1.0}"#,
            r#"1MIDDLE2,"grants":{},"exp":3}"#,
            r#"1MIDDLE2,"grants":{} }"#,
            r#"1MIDDLE2,"grants":{}}x"#,
            r#"MIDDLE2,"grants":{}}"#,
            r#"1xMIDDLE2,"grants":{}}"#,
            r#"1MIDDLE2 ,"grants":{}}"#,
        ];
        for (tail, fast) in canonical
            .iter()
            .map(|t| (t, true))
            .chain(other.iter().map(|t| (t, false)))
        {
            let text = format!("{HEAD}{}", tail.replace("MIDDLE", MIDDLE));
            let mut a = AccessClaims::default();
            let read = read_canonical_claims(&text, HEAD, MIDDLE, &mut a);
            assert_eq!(read.is_some(), fast, "{text}");
            let mut b = AccessClaims::default();
            let general = read_claims(&text, &mut b);
            if let Some(read) = read {
                assert_eq!(read, general, "{text}");
                // On a syntax error the claims are not used.
                if read.is_ok() {
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}");
                }
            }
        }
    }

    /// The grants reader for twilio-php's layout reads what it accepts exactly as the general
    /// reader does, over grants of every kind and every edit of one byte of them (deleted,
    /// doubled, or replaced by a byte of JSON's syntax or a letter).
    #[test]
    fn canonical_grants_read_as_the_general_reader() {
        let cases = [
            r#"{}"#,
            r#"{"identity":"alice"}"#,
            r#"{"identity":"alice","voice":{"incoming":{"allow":true},"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"To":"+15551234567","a":"b"}},"push_credential_sid":"CR0123456789abcdef0123456789abcdef","endpoint_id":"alice-iphone"}}"#,
            r#"{"identity":"al ice","voice":{"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef"}},"video":{"room":"DailyStandup"}}"#,
            r#"{"identity":"bob","chat":{"service_sid":"IS0123456789abcdef0123456789abcdef","endpoint_id":"e","deployment_role_sid":"RL0123456789abcdef0123456789abcdef","push_credential_sid":"CR0123456789abcdef0123456789abcdef"},"data_sync":{"service_sid":"IS0123456789abcdef0123456789abcdef","endpoint_id":"é"}}"#,
            r#"{"identity":"w","task_router":{"workspace_sid":"WS0123456789abcdef0123456789abcdef","worker_sid":"WK0123456789abcdef0123456789abcdef","role":"worker"},"video":{},"voice":{}}"#,
            r#"{"voice":{"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"k":"v","K":"","x":"y"}}},"player":{}}"#,
        ];
        let replacements = b"{}[]\":,\\ ax0";
        let mut accepted = 0;
        for json in cases {
            let mut texts = vec![json.to_owned()];
            for i in 0..json.len() {
                if !json.is_char_boundary(i) || !json.is_char_boundary(i + 1) {
                    continue;
                }
                texts.push(format!("{}{}", &json[..i], &json[i + 1..]));
                texts.push(format!("{}{}", &json[..i + 1], &json[i..]));
                for &b in replacements {
                    texts.push(format!("{}{}{}", &json[..i], b as char, &json[i + 1..]));
                }
            }
            for text in texts {
                let mut fast = ReadGrants::default();
                let mut r = Reader::new(&text);
                if !canonical_grants(&mut r, &mut fast) {
                    continue;
                }
                accepted += 1;
                let end = r.pos();
                let mut general = ReadGrants::default();
                let mut findings = Findings::default();
                let mut r = Reader::new(&text);
                grants(&mut r, &mut findings, &mut general).unwrap();
                assert_eq!(r.pos(), end, "{text}");
                assert!(
                    findings.duplicate.is_none() && findings.problem.is_none(),
                    "{text}"
                );
                assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{text}");
                assert_eq!(fast.grants, general.grants, "{text}");
            }
        }
        // The unedited grants but the one with `player`, and some edits (of values).
        assert!(accepted > 6 + 100, "{accepted}");
    }

    #[test]
    fn repeated_keys_are_found_at_every_level() {
        for (json, key) in [
            (r#"{"exp":1,"\u0065xp":2}"#, "exp"),
            (r#"{"x":1,"x":2}"#, "x"),
            (r#"{"grants":{"video":{},"video":{}}}"#, "video"),
            (r#"{"grants":{"rtc":{},"rtc":{}}}"#, "rtc"),
            (
                r#"{"grants":{"identity":"a","identit\u0079":"b"}}"#,
                "identity",
            ),
            (
                r#"{"grants":{"voice":{"outgoing":{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{"a":"1","a":"2"}}}}}"#,
                "a",
            ),
            (r#"{"grants":{"player":{"a":{"b":1,"b":2}}}}"#, "b"),
            (r#"{"custom":{"b":1,"b":2}}"#, "b"),
        ] {
            assert_eq!(
                claims(json).findings.duplicate.as_deref(),
                Some(key),
                "{json}"
            );
        }
    }
}
