//! Reading an Access Token's claims: the reading side of `encode.rs`, with the one JSON reader.
//!
//! The typed readers never fail on a value of the wrong type: they record the first problem in
//! [`Findings`] and read on, so that the verifier returns a typed [`Error`] rather than a parser
//! message.
//!
//! Values this library keeps without knowing them (the `player` grant, grants it does not know)
//! go through [`canon`], which writes them in twilio-php's encoding, checks their keys and limits
//! their nesting to `MAX_DEPTH`.

use std::borrow::Cow;

use crate::access::encode::push_json_str;
use crate::access::grants::{
    AccessGrants, ChatGrant, OutgoingApplication, PlaybackGrant, ServiceFields, SyncGrant,
    TaskRouterGrant, VideoGrant, VoiceGrant,
};
use crate::error::Error;
use crate::identity::Identity;
use crate::jwt::claims::{self, Registered};
use crate::jwt::json::{
    self, found, members, nest, skip, str_field, too_many_members, Field, Findings, Key, Keys,
    Kind, Members, Number, Reader, Result, TooMany, MAX_OTHER_MEMBERS,
};
use crate::kinds::GrantKind;
use crate::params::Params;
use crate::shown::Truncated;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};

// ---------------------------------------------------------------------------------------------
// Any value, in twilio-php's encoding

/// Reads any value of the grant `grant` and writes it in twilio-php's encoding (see
/// `encode::push_json_str`; numbers as integers or in Rust's shortest round-trip form) to `out`,
/// recording repeated keys and refusing nesting deeper than `MAX_DEPTH` from this value.
///
/// A number no float holds (`1e400`) is valid JSON, as it is wherever the reader skips it, but
/// twilio-php's encoding has none (PHP decodes it as `INF`, which its encoder refuses): it is
/// recorded as a problem of the grant, written as found.
pub(crate) fn canon(
    r: &mut Reader<'_>,
    out: &mut impl Encoding,
    findings: &mut Findings,
    depth: usize,
    grant: &'static str,
) -> Result<()> {
    match r.peek()? {
        Kind::Object => {
            let mut m = nest(r, depth)?.begin_object()?;
            out.push("{");
            let mut keys = Keys::default();
            let mut first = true;
            let mut count = 0;
            while let Some(key) = m.next_key(r, &mut keys.decoded)? {
                count += 1;
                if count > MAX_OTHER_MEMBERS {
                    return Err(too_many_members(r));
                }
                let new = keys.check(None, key, Keys::room(r.remaining(), MAX_OTHER_MEMBERS));
                let text = key.get(&keys.decoded);
                if new.is_none() {
                    findings.duplicate(&text.text());
                }
                if !first {
                    out.push(",");
                }
                first = false;
                out.key(text);
                out.push(":");
                canon(r, out, findings, depth + 1, grant)?;
                keys.keep(new, key);
            }
            out.push("}");
        }
        Kind::Array => {
            let mut e = nest(r, depth)?.begin_array()?;
            out.push("[");
            let mut first = true;
            while e.next(r)? {
                if !first {
                    out.push(",");
                }
                first = false;
                canon(r, out, findings, depth + 1, grant)?;
            }
            out.push("]");
        }
        Kind::String => out.string(r)?,
        Kind::Number => out.number(r, findings, grant)?,
        Kind::Bool => out.push(if r.bool()? { "true" } else { "false" }),
        Kind::Null => {
            r.null()?;
            out.push("null");
        }
    }
    Ok(())
}

/// Where [`canon`] writes what it reads: twilio-php's encoding in a `String`, or nothing
/// ([`Checked`]), for a value kept as found and encoded later: the same reading and checks.
pub(crate) trait Encoding {
    /// JSON text as it is.
    fn push(&mut self, json: &str);
    /// A key, made text only where it is written.
    fn key(&mut self, key: Key<'_>);
    /// A string value, read from `r`.
    fn string(&mut self, r: &mut Reader<'_>) -> Result<()>;
    /// A number, read from `r`; one beyond a float is a problem of `grant`.
    fn number(
        &mut self,
        r: &mut Reader<'_>,
        findings: &mut Findings,
        grant: &'static str,
    ) -> Result<()>;
}

impl Encoding for String {
    fn push(&mut self, json: &str) {
        self.push_str(json);
    }

    fn key(&mut self, key: Key<'_>) {
        push_json_str(self, &key.text());
    }

    fn string(&mut self, r: &mut Reader<'_>) -> Result<()> {
        push_json_str(self, &r.string()?);
        Ok(())
    }

    fn number(
        &mut self,
        r: &mut Reader<'_>,
        findings: &mut Findings,
        grant: &'static str,
    ) -> Result<()> {
        match r.number()? {
            (Number::U64(n), _) => self.push_str(itoa::Buffer::new().format(n)),
            (Number::I64(n), _) => self.push_str(itoa::Buffer::new().format(n)),
            (Number::F64(f), _) => self.push_str(&format!("{f:?}")),
            (Number::BeyondFloat, text) => {
                beyond_float(findings, grant, text);
                self.push_str(text);
            }
        }
        Ok(())
    }
}

/// The checks of [`canon`] alone: strings checked, not decoded; numbers scanned, not converted
/// (one beyond a float told from its digits).
pub(crate) struct Checked;

impl Encoding for Checked {
    fn push(&mut self, _: &str) {}

    fn key(&mut self, _: Key<'_>) {}

    fn string(&mut self, r: &mut Reader<'_>) -> Result<()> {
        r.skip_string()
    }

    fn number(
        &mut self,
        r: &mut Reader<'_>,
        findings: &mut Findings,
        grant: &'static str,
    ) -> Result<()> {
        let text = r.number_text()?;
        if json::beyond_float(text) {
            beyond_float(findings, grant, text);
        }
        Ok(())
    }
}

/// Records the number `text`, beyond the range of a float, as a problem of `grant`.
fn beyond_float(findings: &mut Findings, grant: &'static str, text: &str) {
    findings.problem(|| Error::InvalidGrant {
        grant,
        reason: format!(
            "the number `{}` is beyond the range of a float, and twilio-php's encoding has no \
             way to write it",
            Truncated(text)
        ),
    });
}

/// The value of a grant kept in twilio-php's encoding, as found: read by [`canon`], which checks
/// it, writing nothing ([`Checked`]), and copied. Its encoding is made when it is first asked for
/// ([`php_encoding`]): writing each character as PHP escapes it costs more than reading it, and
/// most verifiers never ask.
fn kept(r: &mut Reader<'_>, findings: &mut Findings, grant: &'static str) -> Result<String> {
    r.text_of(|r| canon(r, &mut Checked, findings, 0, grant))
        .map(str::to_owned)
}

/// twilio-php's encoding of the value of `grant`, `found` in a token as [`kept`] checked it.
pub(crate) fn php_encoding(found: &str, grant: &'static str) -> String {
    let mut out = String::with_capacity(found.len());
    let mut r = Reader::new(found);
    match canon(&mut r, &mut out, &mut Findings::default(), 0, grant) {
        Ok(()) => out,
        // Never: the text was read as `canon` reads it; were it not so, it stays as found.
        Err(_) => found.to_owned(),
    }
}

/// The fields of each grant, in the order twilio-php writes them (`encode.rs`).
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
fn unknown(r: &mut Reader<'_>, findings: &mut Findings, at: At, key: Key<'_>) -> Result<()> {
    at.problem(findings, || {
        format!("`{}` has no field `{}`", at.field, Truncated(&key.text()))
    });
    skip(r, findings, 0)
}

/// `"incoming": {"allow": true}`: whether incoming calls are allowed.
fn incoming(r: &mut Reader<'_>, findings: &mut Findings, at: At) -> Result<bool> {
    let Some(m) = object(r, findings, at)? else {
        return Ok(false);
    };
    let mut allow = None;
    members(
        r,
        m,
        findings,
        &["allow"],
        TooMany::Members,
        |index, key, r, findings| {
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
        },
    )?;
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
    members(
        r,
        m,
        findings,
        &[],
        TooMany::Params,
        |_, key, r, findings| {
            if key.bytes().is_empty() {
                at.problem(findings, || "a parameter has an empty key".into());
            }
            if r.peek()? != Kind::String {
                let found = found(r, findings)?;
                at.problem(findings, || {
                    format!(
                        "the parameter `{}` must be a string, found {found}",
                        Truncated(&key.text())
                    )
                });
                return Ok(());
            }
            let pair_start = text.len();
            text.push_str(&key.text());
            if let Some(previous) = last_key_end.replace(text.len()) {
                if ends.capacity() == 0 {
                    ends.reserve_exact((rest / 6).min(64));
                }
                ends.push((previous, pair_start));
            }
            r.string_into(&mut text)
        },
    )?;
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
        TooMany::Members,
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
    members(
        r,
        m,
        findings,
        &VOICE_FIELDS,
        TooMany::Members,
        |index, key, r, findings| {
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
        },
    )
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
    members(
        r,
        m,
        findings,
        &VIDEO_FIELDS,
        TooMany::Members,
        |index, key, r, findings| {
            match index {
                Some(_) => grant.room = owned_text(r, findings, at.field("room"))?,
                None => unknown(r, findings, at, key)?,
            }
            Ok(())
        },
    )
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
        TooMany::Members,
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
        TooMany::Members,
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
            Ok(Some(PlaybackGrant::encoded("{}".into())))
        }
        Kind::Object => Ok(Some(PlaybackGrant::found(kept(r, findings, at.grant)?))),
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
    members(
        r,
        m,
        findings,
        &GRANT_KEYS,
        TooMany::Members,
        |index, key, r, findings| {
            let Some(index) = index else {
                let json = kept(r, findings, "grants")?;
                read.grants.other.push(key.text().into_owned(), json);
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
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The claims

/// The claims of an Access Token, as read.
#[derive(Debug, Default)]
pub(crate) struct AccessClaims<'a> {
    pub(crate) registered: Registered<'a>,
    /// Empty when missing or not an object (a problem is then recorded).
    pub(crate) grants: ReadGrants,
    pub(crate) grants_present: bool,
    pub(crate) findings: Findings,
}

/// Reads a payload's JSON text as an Access Token's claims.
///
/// # Errors
/// Malformed JSON, or too many members ([`Error::Malformed`]).
pub(crate) fn read_claims(text: &str) -> std::result::Result<AccessClaims<'_>, Error> {
    let mut read = ReadGrants::default();
    let mut grants_present = false;
    let mut findings = Findings::default();
    let registered = claims::read(text, &mut findings, &["grants"], |_, r, findings| {
        grants_present = true;
        grants(r, findings, &mut read)
    })?;
    Ok(AccessClaims {
        registered,
        grants: read,
        grants_present,
        findings,
    })
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
            canon(
                &mut r,
                &mut out,
                &mut findings,
                0,
                GrantKind::Playback.key(),
            )?;
            r.end()?;
            Ok(true)
        })();
        let reason = match read {
            Err(e) => Some(e.detail(json)),
            Ok(false) => Some("it is not a JSON object".to_owned()),
            Ok(true) => match (findings.duplicate, findings.problem) {
                (Some(key), _) => Some(format!("the key `{}` appears twice", Truncated(&key))),
                (None, Some(Error::InvalidGrant { reason, .. })) => Some(reason),
                (None, Some(problem)) => Some(problem.to_string()),
                (None, None) => None,
            },
        };
        match reason {
            Some(reason) => Err(Error::InvalidPlayback { reason }),
            None => Ok(Self::encoded(out)),
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
        canon(&mut r, &mut out, &mut findings, 0, "player")?;
        r.end()?;
        Ok((out, findings))
    }

    /// A grant kept as found is checked as `canon` reads it, with the same errors and problems,
    /// and its encoding, made later, is what `canon` writes.
    #[test]
    fn a_grant_kept_as_found_is_read_as_canon_reads_it() {
        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        let many: String = (0..40).map(|i| format!(r#""k{i}":{i},"#)).collect();
        let many = format!("{{{many}\"end\":0}}");
        for json in [
            r#"{"a":[1,-2,1.5,1e3,true,null,"\u00e9/\ud83d\ude00"],"b":{}}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":1e400,"b":[-1E+999,2.5e-400]}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":[1,]}"#,
            r#" { "a" : [ 1 , "x" ] } "#,
            &deep,
            &many,
        ] {
            let mut findings = Findings::default();
            let mut r = Reader::new(json);
            let found = kept(&mut r, &mut findings, "player").and_then(|found| {
                r.end()?;
                Ok(found)
            });
            let canonical = canonical(json);
            match (found, canonical) {
                (Ok(found), Ok((encoded, canon_findings))) => {
                    assert_eq!(php_encoding(&found, "player"), encoded, "{json}");
                    assert_eq!(findings.duplicate, canon_findings.duplicate, "{json}");
                    assert_eq!(findings.problem, canon_findings.problem, "{json}");
                }
                (Err(e), Err(canon_e)) => assert_eq!(e, canon_e, "{json}"),
                (found, canonical) => panic!("{json}: {found:?} against {canonical:?}"),
            }
        }
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
        assert!(canonical(&deep(crate::jwt::json::MAX_DEPTH)).is_ok());
        assert!(canonical(&deep(crate::jwt::json::MAX_DEPTH + 1)).is_err());
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
        read_claims(json).unwrap()
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
            assert!(matches!(c.registered.exp, Field::Present(1)), "{json}");
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

    /// Grants of every kind, and every edit of one byte of them (deleted, doubled, or replaced
    /// by a byte of JSON's syntax or a letter): read or refused, never a panic; what is read
    /// without a problem keeps the identity and every grant of the kinds it names.
    #[test]
    fn every_edit_of_grants_is_read_or_refused() {
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
        let (mut accepted, mut refused) = (0, 0);
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
                let mut read = ReadGrants::default();
                let mut findings = Findings::default();
                let mut r = Reader::new(&text);
                let clean = grants(&mut r, &mut findings, &mut read).and_then(|()| r.end());
                if clean.is_err() || findings.duplicate.is_some() || findings.problem.is_some() {
                    refused += 1;
                    continue;
                }
                accepted += 1;
                for kind in read.grants.kinds() {
                    assert!(text.contains(&format!("\"{}\"", kind.key())), "{text}");
                }
                if let Some(identity) = &read.identity {
                    assert!(text.contains(identity.as_str()), "{text}");
                }
            }
        }
        assert!(accepted > 6 + 100 && refused > 1000, "{accepted} {refused}");
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
