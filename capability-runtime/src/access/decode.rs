//! Reading an Access Token's header and claims: the reading side of `encode.rs`.
//!
//! The readers are serde visitors driven by serde_json. Like the capability token readers
//! (`json.rs`, whose string and date fields they share), they never fail on a repeated key or a
//! value of the wrong type: they record the first of each in [`Findings`] and read on, so that
//! the verifier returns a typed [`Error`] rather than a parser message. Every object's keys are
//! checked for repeats (after unescaping: `"\u0065xp"` is `exp`) with flags for the known keys and
//! a hash set for the others, so the work stays linear in the input.
//!
//! Values this library keeps without knowing them (the `player` grant, grants it does not know)
//! and values it skips (unknown claims and header members) go through [`Canon`], which writes
//! them in twilio-php's encoding, checks their keys and limits their nesting to [`MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::access::encode::push_json_str;
use crate::access::grants::{
    AccessGrants, ChatGrant, GrantKind, OutgoingApplication, PlaybackGrant, ServiceFields,
    SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant,
};
use crate::access::identity::Identity;
use crate::error::{Error, Truncated};
use crate::grants::Params;
use crate::json::Field;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};

/// How deeply a JSON value kept or skipped whole may nest, counted from that value.
pub(crate) const MAX_DEPTH: usize = 32;

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

fn invalid_grant(grant: &'static str, reason: String) -> Error {
    Error::InvalidGrant { grant, reason }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// An object key, borrowed from the input unless it has escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The keys of one object seen so far: flags for the known keys (by their index), a hash set,
/// made on first use, for the others.
#[derive(Default)]
struct Keys<'de> {
    known: u64,
    other: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> Keys<'de> {
    /// Whether `key` (number `index` of the known keys, or unknown) was seen before.
    // `&Cow`, not `&str`: cloning a borrowed key into the set does not allocate.
    #[allow(clippy::ptr_arg)]
    fn repeated(&mut self, index: Option<usize>, key: &Cow<'de, str>) -> bool {
        match index {
            Some(i) => {
                let bit = 1 << i;
                let seen = self.known & bit != 0;
                self.known |= bit;
                seen
            }
            None => !self
                .other
                .get_or_insert_with(HashSet::new)
                .insert(key.clone()),
        }
    }
}

/// Reads the members of an object: for each key, its index in `known` (or `None`) goes to
/// `read`, which must read the value. A repeated key is recorded and its value skipped.
fn members<'de, A: MapAccess<'de>>(
    map: &mut A,
    findings: &mut Findings,
    known: &[&str],
    mut read: impl FnMut(Option<usize>, &Cow<'de, str>, &mut A, &mut Findings) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut keys = Keys::default();
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let index = known.iter().position(|k| *k == key);
        if keys.repeated(index, &key) {
            findings.duplicate(&key);
            skip_value(map, findings)?;
            continue;
        }
        read(index, &key, map, findings)?;
    }
    Ok(())
}

/// Reads and drops the next value of `map`.
fn skip_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    findings: &mut Findings,
) -> Result<(), A::Error> {
    let mut scratch = String::new();
    map.next_value_seed(Canon::new(&mut scratch, findings))
}

// ---------------------------------------------------------------------------------------------
// Any value, in twilio-php's encoding

/// Any JSON value, written to `out` in twilio-php's encoding (see `encode::push_json_str`;
/// numbers as serde_json writes them), with repeated keys recorded and nesting limited to
/// [`MAX_DEPTH`].
pub(crate) struct Canon<'o, 'f> {
    out: &'o mut String,
    findings: &'f mut Findings,
    depth: usize,
}

impl<'o, 'f> Canon<'o, 'f> {
    pub(crate) fn new(out: &'o mut String, findings: &'f mut Findings) -> Self {
        Self {
            out,
            findings,
            depth: 0,
        }
    }

    fn nested<E: de::Error>(&mut self) -> Result<Canon<'_, '_>, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format_args!(
                "a value nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(Canon {
            out: self.out,
            findings: self.findings,
            depth: self.depth + 1,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Canon<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Canon<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        // JSON has no NaN or infinity: serde_json never gives one.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.out.push_str(&n.to_string()),
            None => self.out.push_str("null"),
        }
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        push_json_str(self.out, v);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut inner = self.nested::<A::Error>()?;
        inner.out.push('[');
        let mut first = true;
        loop {
            let mark = inner.out.len();
            if !first {
                inner.out.push(',');
            }
            if seq.next_element_seed(inner.nested_same())?.is_none() {
                inner.out.truncate(mark);
                break;
            }
            first = false;
        }
        inner.out.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut inner = self.nested::<A::Error>()?;
        inner.out.push('{');
        let mut keys = Keys::default();
        let mut first = true;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if keys.repeated(None, &key) {
                inner.findings.duplicate(&key);
            }
            if !first {
                inner.out.push(',');
            }
            first = false;
            push_json_str(inner.out, &key);
            inner.out.push(':');
            map.next_value_seed(inner.nested_same())?;
        }
        inner.out.push('}');
        Ok(())
    }
}

impl Canon<'_, '_> {
    /// The same writer at the same depth, for the members of the value being written.
    fn nested_same(&mut self) -> Canon<'_, '_> {
        Canon {
            out: self.out,
            findings: self.findings,
            depth: self.depth,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Typed values

/// Implements the visits of the JSON types a visitor does not want: the type is recorded as a
/// problem by the visitor's `wrong`, and the value read and dropped. `Value` must be `Option`.
macro_rules! other_types_are_problems {
    ($($method:ident),*) => {
        $(other_types_are_problems!(@one $method);)*
    };
    (@one visit_bool) => {
        fn visit_bool<E: de::Error>(mut self, _: bool) -> Result<Self::Value, E> {
            self.wrong("a boolean");
            Ok(None)
        }
    };
    (@one visit_num) => {
        fn visit_u64<E: de::Error>(mut self, _: u64) -> Result<Self::Value, E> {
            self.wrong("a number");
            Ok(None)
        }
        fn visit_i64<E: de::Error>(mut self, _: i64) -> Result<Self::Value, E> {
            self.wrong("a number");
            Ok(None)
        }
        fn visit_f64<E: de::Error>(mut self, _: f64) -> Result<Self::Value, E> {
            self.wrong("a number");
            Ok(None)
        }
    };
    (@one visit_str) => {
        fn visit_str<E: de::Error>(mut self, _: &str) -> Result<Self::Value, E> {
            self.wrong("a string");
            Ok(None)
        }
    };
    (@one visit_unit) => {
        fn visit_unit<E: de::Error>(mut self) -> Result<Self::Value, E> {
            self.wrong("null");
            Ok(None)
        }
    };
    (@one visit_seq) => {
        fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<Self::Value, A::Error> {
            self.wrong("an array");
            let mut scratch = String::new();
            Canon::new(&mut scratch, self.findings).visit_seq(seq)?;
            Ok(None)
        }
    };
    (@one visit_map) => {
        fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<Self::Value, A::Error> {
            self.wrong("an object");
            let mut scratch = String::new();
            Canon::new(&mut scratch, self.findings).visit_map(map)?;
            Ok(None)
        }
    };
}

/// Where a value is: its grant (as the token names it) and its field, for messages.
#[derive(Clone, Copy)]
struct At {
    grant: &'static str,
    field: &'static str,
}

impl At {
    fn problem(self, findings: &mut Findings, reason: impl FnOnce() -> String) {
        findings.problem(|| invalid_grant(self.grant, reason()));
    }
}

/// A non-empty string field.
fn text<'de>(
    value: Field<Cow<'de, str>>,
    at: At,
    findings: &mut Findings,
) -> Option<Cow<'de, str>> {
    match value {
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
    }
}

/// A SID field.
fn sid<'de, T>(
    value: Field<Cow<'de, str>>,
    at: At,
    findings: &mut Findings,
    parse: fn(&str) -> Result<T, Error>,
) -> Option<T> {
    let s = text(value, at, findings)?;
    match parse(&s) {
        Ok(sid) => Some(sid),
        Err(e) => {
            at.problem(findings, || format!("`{}`: {e}", at.field));
            None
        }
    }
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// A boolean.
struct BoolSeed<'f> {
    at: At,
    findings: &'f mut Findings,
}

impl BoolSeed<'_> {
    fn wrong(&mut self, found: &'static str) {
        let at = self.at;
        at.problem(&mut *self.findings, || {
            format!("`{}` must be a boolean, found {found}", at.field)
        });
    }
}

impl<'de> DeserializeSeed<'de> for BoolSeed<'_> {
    type Value = Option<bool>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoolSeed<'_> {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    other_types_are_problems!(visit_num, visit_str, visit_unit, visit_seq, visit_map);
}

/// Declares a seed that reads an object (`visit_map` given) and records any other type.
macro_rules! object_seed {
    ($name:ident, $value:ty, |$self_:ident, $map:ident| $body:block) => {
        object_seed!($name, $value, wrong = |at, found| {
            invalid_grant(at.grant, format!("`{}` must be an object, found {found}", at.field))
        }, |$self_, $map| $body);
    };
    ($name:ident, $value:ty, wrong = |$at:ident, $found:ident| $wrong:block, |$self_:ident, $map:ident| $body:block) => {
        struct $name<'f> {
            at: At,
            findings: &'f mut Findings,
        }

        impl $name<'_> {
            fn wrong(&mut self, $found: &'static str) {
                let $at = self.at;
                self.findings.problem(|| $wrong);
            }
        }

        impl<'de> DeserializeSeed<'de> for $name<'_> {
            type Value = Option<$value>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }

        impl<'de> Visitor<'de> for $name<'_> {
            type Value = Option<$value>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(
                $self_,
                mut $map: A,
            ) -> Result<Self::Value, A::Error> $body
            other_types_are_problems!(visit_bool, visit_num, visit_str, visit_unit, visit_seq);
        }
    };
}

/// Records an unknown field of a grant and skips its value.
fn unknown<'de, A: MapAccess<'de>>(
    at: At,
    key: &str,
    map: &mut A,
    findings: &mut Findings,
) -> Result<(), A::Error> {
    at.problem(findings, || {
        format!("`{}` has no field `{}`", at.field, Truncated(key))
    });
    skip_value(map, findings)
}

// `"incoming": {"allow": true}`
object_seed!(IncomingSeed, bool, |self, map| {
    let at = self.at;
    let mut allow = None;
    members(
        &mut map,
        self.findings,
        &["allow"],
        |index, key, map, findings| {
            let at = At {
                field: "incoming.allow",
                ..at
            };
            match index {
                Some(_) => allow = map.next_value_seed(BoolSeed { at, findings })?,
                None => unknown(
                    At {
                        field: "incoming",
                        ..at
                    },
                    key,
                    map,
                    findings,
                )?,
            }
            Ok(())
        },
    )?;
    if allow.is_none() {
        at.problem(&mut *self.findings, || {
            "`incoming` must be {\"allow\": true}".into()
        });
    }
    Ok(allow)
});

// `"params": {"key": "value", …}`
object_seed!(ParamsSeed, Params, |self, map| {
    let at = self.at;
    let mut text = String::new();
    let mut ends = Vec::new();
    members(&mut map, self.findings, &[], |_, key, map, findings| {
        if key.is_empty() {
            at.problem(findings, || "a parameter has an empty key".into());
        }
        match map.next_value::<Field<Cow<'_, str>>>()? {
            Field::Present(value) => {
                text.push_str(key);
                let key_end = text.len();
                text.push_str(&value);
                ends.push((key_end, text.len()));
            }
            Field::Invalid(found) => at.problem(findings, || {
                format!(
                    "the parameter `{}` must be a string, found {found}",
                    Truncated(key)
                )
            }),
            Field::Missing => {}
        }
        Ok(())
    })?;
    Ok(Some(Params::packed(text, ends)))
});

// `"outgoing": {"application_sid": "AP…", "params": {…}}`
object_seed!(OutgoingSeed, OutgoingApplication, |self, map| {
    let at = self.at;
    let mut app_sid = None;
    let mut params = None;
    members(
        &mut map,
        self.findings,
        &["application_sid", "params"],
        |index, key, map, findings| {
            match index {
                Some(0) => {
                    let at = At {
                        field: "outgoing.application_sid",
                        ..at
                    };
                    app_sid = sid(map.next_value()?, at, findings, AppSid::new);
                }
                Some(_) => {
                    let at = At {
                        field: "outgoing.params",
                        ..at
                    };
                    params = map.next_value_seed(ParamsSeed { at, findings })?;
                }
                None => unknown(at, key, map, findings)?,
            }
            Ok(())
        },
    )?;
    let Some(app_sid) = app_sid else {
        at.problem(&mut *self.findings, || {
            "`outgoing` has no `application_sid`".into()
        });
        return Ok(None);
    };
    Ok(Some(OutgoingApplication::new(
        app_sid,
        params.unwrap_or_default(),
    )))
});

// `"voice": {…}`
object_seed!(VoiceSeed, VoiceGrant, |self, map| {
    let at = self.at;
    let (mut incoming, mut outgoing, mut push, mut endpoint) = (false, None, None, None);
    members(
        &mut map,
        self.findings,
        &["incoming", "outgoing", "push_credential_sid", "endpoint_id"],
        |index, key, map, findings| {
            match index {
                Some(0) => {
                    let at = At {
                        field: "incoming",
                        ..at
                    };
                    incoming = map.next_value_seed(IncomingSeed { at, findings })? == Some(true);
                }
                Some(1) => {
                    let at = At {
                        field: "outgoing",
                        ..at
                    };
                    outgoing = map.next_value_seed(OutgoingSeed { at, findings })?;
                }
                Some(2) => {
                    let at = At {
                        field: "push_credential_sid",
                        ..at
                    };
                    push = sid(map.next_value()?, at, findings, CredentialSid::new);
                }
                Some(_) => {
                    let at = At {
                        field: "endpoint_id",
                        ..at
                    };
                    endpoint = text(map.next_value()?, at, findings).map(owned);
                }
                None => unknown(
                    At {
                        field: "voice",
                        ..at
                    },
                    key,
                    map,
                    findings,
                )?,
            }
            Ok(())
        },
    )?;
    Ok(Some(VoiceGrant::from_parts(
        incoming, outgoing, push, endpoint,
    )))
});

// `"video": {"room": "…"}`
object_seed!(VideoSeed, VideoGrant, |self, map| {
    let at = self.at;
    let mut room = None;
    members(
        &mut map,
        self.findings,
        &["room"],
        |index, key, map, findings| {
            match index {
                Some(_) => {
                    let at = At {
                        field: "room",
                        ..at
                    };
                    room = text(map.next_value()?, at, findings).map(owned);
                }
                None => unknown(
                    At {
                        field: "video",
                        ..at
                    },
                    key,
                    map,
                    findings,
                )?,
            }
            Ok(())
        },
    )?;
    Ok(Some(VideoGrant::from_parts(room)))
});

// `"chat"` and `"data_sync"`: `{"service_sid", "endpoint_id", "deployment_role_sid", "push_credential_sid"}`
object_seed!(ServiceSeed, ServiceFields, |self, map| {
    let at = self.at;
    let mut fields = ServiceFields::new();
    members(
        &mut map,
        self.findings,
        &[
            "service_sid",
            "endpoint_id",
            "deployment_role_sid",
            "push_credential_sid",
        ],
        |index, key, map, findings| {
            let field = |field| At { field, ..at };
            match index {
                Some(0) => {
                    fields.service = sid(
                        map.next_value()?,
                        field("service_sid"),
                        findings,
                        ServiceSid::new,
                    )
                }
                Some(1) => {
                    fields.endpoint =
                        text(map.next_value()?, field("endpoint_id"), findings).map(owned)
                }
                Some(2) => {
                    fields.deployment_role = sid(
                        map.next_value()?,
                        field("deployment_role_sid"),
                        findings,
                        RoleSid::new,
                    )
                }
                Some(_) => {
                    fields.push_credential = sid(
                        map.next_value()?,
                        field("push_credential_sid"),
                        findings,
                        CredentialSid::new,
                    )
                }
                None => unknown(field(at.grant), key, map, findings)?,
            }
            Ok(())
        },
    )?;
    Ok(Some(fields))
});

// `"task_router": {"workspace_sid", "worker_sid", "role"}`
object_seed!(TaskRouterSeed, TaskRouterGrant, |self, map| {
    let at = self.at;
    let (mut workspace, mut worker, mut role) = (None, None, None);
    members(
        &mut map,
        self.findings,
        &["workspace_sid", "worker_sid", "role"],
        |index, key, map, findings| {
            let field = |field| At { field, ..at };
            match index {
                Some(0) => {
                    workspace = sid(
                        map.next_value()?,
                        field("workspace_sid"),
                        findings,
                        WorkspaceSid::new,
                    )
                }
                Some(1) => {
                    worker = sid(
                        map.next_value()?,
                        field("worker_sid"),
                        findings,
                        WorkerSid::new,
                    )
                }
                Some(_) => role = text(map.next_value()?, field("role"), findings).map(owned),
                None => unknown(field("task_router"), key, map, findings)?,
            }
            Ok(())
        },
    )?;
    Ok(Some(TaskRouterGrant::from_parts(workspace, worker, role)))
});

/// `"player"`: an object, kept in twilio-php's encoding, or `null` (twilio-python's unset
/// grant, which twilio-php and twilio-node write `{}`).
struct PlayerSeed<'f> {
    at: At,
    findings: &'f mut Findings,
}

impl PlayerSeed<'_> {
    fn wrong(&mut self, found: &'static str) {
        let at = self.at;
        at.problem(&mut *self.findings, || {
            format!("`player` must be an object or null, found {found}")
        });
    }
}

impl<'de> DeserializeSeed<'de> for PlayerSeed<'_> {
    type Value = Option<PlaybackGrant>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PlayerSeed<'_> {
    type Value = Option<PlaybackGrant>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(PlaybackGrant::from_canonical("{}".into())))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut json = String::new();
        Canon::new(&mut json, self.findings).visit_map(map)?;
        Ok(Some(PlaybackGrant::from_canonical(json)))
    }
    other_types_are_problems!(visit_bool, visit_num, visit_str, visit_seq);
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

object_seed!(
    GrantsSeed,
    ReadGrants,
    wrong = |at, found| {
        let _ = at;
        Error::InvalidClaim {
            claim: "grants",
            found,
        }
    },
    |self, map| {
        let at = self.at;
        let mut read = ReadGrants::default();
        let mut order = Vec::new();
        members(
            &mut map,
            self.findings,
            &GRANT_KEYS,
            |index, key, map, findings| {
                let Some(index) = index else {
                    let mut json = String::new();
                    map.next_value_seed(Canon::new(&mut json, findings))?;
                    read.grants.other.push((key.clone().into_owned(), json));
                    return Ok(());
                };
                let Some(&kind) = GrantKind::ALL.get(index) else {
                    // `identity`
                    let at = At {
                        grant: "identity",
                        field: "identity",
                    };
                    read.identity = match map.next_value::<Field<Cow<'_, str>>>()? {
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
                    };
                    return Ok(());
                };
                order.push(kind);
                let at = At {
                    grant: kind.key(),
                    field: kind.key(),
                };
                let g = &mut read.grants;
                match kind {
                    GrantKind::Voice => {
                        g.voice = map.next_value_seed(VoiceSeed { at, findings })?
                    }
                    GrantKind::Video => {
                        g.video = map.next_value_seed(VideoSeed { at, findings })?
                    }
                    GrantKind::Chat => {
                        g.chat = map
                            .next_value_seed(ServiceSeed { at, findings })?
                            .map(ChatGrant::from_fields)
                    }
                    GrantKind::Sync => {
                        g.sync = map
                            .next_value_seed(ServiceSeed { at, findings })?
                            .map(SyncGrant::from_fields)
                    }
                    GrantKind::TaskRouter => {
                        g.task_router = map.next_value_seed(TaskRouterSeed { at, findings })?
                    }
                    GrantKind::Playback => {
                        g.playback = map.next_value_seed(PlayerSeed { at, findings })?
                    }
                }
                Ok(())
            },
        )?;
        let _ = at;
        read.grants.order = Cow::Owned(order);
        Ok(Some(read))
    }
);

// ---------------------------------------------------------------------------------------------
// Header and claims

/// The JOSE header of an Access Token.
#[derive(Debug, Default)]
pub(crate) struct AccessHeader<'a> {
    pub(crate) alg: Field<Cow<'a, str>>,
    pub(crate) typ: Field<Cow<'a, str>>,
    pub(crate) cty: Field<Cow<'a, str>>,
    /// `twr`: missing, `null`, or a string.
    pub(crate) twr: Field<Option<Cow<'a, str>>>,
    pub(crate) crit: bool,
    pub(crate) findings: Findings,
}

/// A string or `null`.
struct NullableStr;

impl<'de> DeserializeSeed<'de> for NullableStr {
    type Value = Field<Option<Cow<'de, str>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Ok(match Option::<Field<Cow<'de, str>>>::deserialize(d)? {
            None => Field::Present(None),
            Some(Field::Present(s)) => Field::Present(Some(s)),
            Some(Field::Invalid(found)) => Field::Invalid(found),
            Some(Field::Missing) => Field::Missing,
        })
    }
}

use serde::Deserialize as _;

impl<'de> DeserializeSeed<'de> for &mut AccessHeader<'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut AccessHeader<'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let header = self;
        let mut findings = std::mem::take(&mut header.findings);
        members(
            &mut map,
            &mut findings,
            &["alg", "typ", "cty", "twr", "crit"],
            |index, _, map, findings| {
                match index {
                    Some(0) => header.alg = map.next_value()?,
                    Some(1) => header.typ = map.next_value()?,
                    Some(2) => header.cty = map.next_value()?,
                    Some(3) => header.twr = map.next_value_seed(NullableStr)?,
                    Some(_) => {
                        header.crit = true;
                        skip_value(map, findings)?;
                    }
                    None => skip_value(map, findings)?,
                }
                Ok(())
            },
        )?;
        header.findings = findings;
        Ok(())
    }
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
    /// `None` when missing or not an object (a problem is then recorded).
    pub(crate) grants: Option<ReadGrants>,
    pub(crate) grants_present: bool,
    pub(crate) findings: Findings,
}

impl<'de> DeserializeSeed<'de> for &mut AccessClaims<'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut AccessClaims<'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let claims = self;
        let mut findings = std::mem::take(&mut claims.findings);
        members(
            &mut map,
            &mut findings,
            &["jti", "iss", "sub", "exp", "nbf", "iat", "grants"],
            |index, _, map, findings| {
                match index {
                    Some(0) => claims.jti = map.next_value()?,
                    Some(1) => claims.iss = map.next_value()?,
                    Some(2) => claims.sub = map.next_value()?,
                    Some(3) => claims.exp = map.next_value()?,
                    Some(4) => claims.nbf = map.next_value()?,
                    Some(5) => claims.iat = map.next_value()?,
                    Some(_) => {
                        claims.grants_present = true;
                        let at = At {
                            grant: "grants",
                            field: "grants",
                        };
                        claims.grants = map.next_value_seed(GrantsSeed { at, findings })?;
                    }
                    // Other claims (twilio-php's custom claims) are allowed and dropped.
                    None => skip_value(map, findings)?,
                }
                Ok(())
            },
        )?;
        claims.findings = findings;
        Ok(())
    }
}

/// Parses `text` as one JSON value with `seed`, and nothing after it.
pub(crate) fn parse<'de, S: DeserializeSeed<'de>>(
    text: &'de str,
    seed: S,
) -> Result<S::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
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
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let mut out = String::with_capacity(json.len());
        let mut findings = Findings::default();
        let reason = match parse(json, Canon::new(&mut out, &mut findings)) {
            Err(e) => Some(crate::verify::json_detail(&e)),
            Ok(()) if !out.starts_with('{') => Some("it is not a JSON object".to_owned()),
            Ok(()) => findings
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

    fn canon(json: &str) -> Result<(String, Findings), serde_json::Error> {
        let mut out = String::new();
        let mut findings = Findings::default();
        parse(json, Canon::new(&mut out, &mut findings))?;
        Ok((out, findings))
    }

    #[test]
    fn canon_writes_php_s_encoding() {
        let (out, findings) = canon(
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
        let (_, findings) = canon(r#"{"a":{"x":1,"\u0078":2}}"#).unwrap();
        assert_eq!(findings.duplicate.as_deref(), Some("x"));
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(canon(&deep(MAX_DEPTH)).is_ok());
        assert!(canon(&deep(MAX_DEPTH + 1)).is_err());
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
        parse(json, &mut claims).unwrap();
        claims
    }

    #[test]
    fn grants_are_read_whatever_their_order() {
        let c = claims(
            r#"{"grants":{"video":{"room":"r"},"identity":"alice","rtc":{"x":[1]},"player":null},"exp":5}"#,
        );
        assert!(c.findings.problem.is_none() && c.findings.duplicate.is_none());
        let read = c.grants.unwrap();
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
