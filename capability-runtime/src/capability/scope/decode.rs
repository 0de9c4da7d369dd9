//! The scope reader. Its functions are `#[inline(always)]` into `decode`: each is called a few
//! times per token, and the calls (registers saved, results returned through memory) measured
//! slower than the work they do.

use std::borrow::Cow;

use super::{EVENTS, EVENTS_PATH, INCOMING, OUTGOING};
use crate::bytes;
use crate::capability::grants::MAX_OTHER_SCOPES;
use crate::capability::grants::{Events, Grants, Outgoing};
use crate::client_name::ClientName;
use crate::error::Error;
use crate::shown::Truncated;
use crate::sid::AppSid;

/// The event path as twilio-php, twilio-python and twilio-ruby encode it.
const EVENTS_PATH_ENCODED: &str = "%2F2010-04-01%2FEvents";

/// `s` cut at its first `delimiter` (ASCII): before and after it, or `None` without one.
#[inline(always)]
fn cut(s: &str, delimiter: u8) -> Option<(&str, &str)> {
    let at = bytes::find(s.as_bytes(), delimiter)?;
    // At an ASCII byte: both sides are at character boundaries (`split_at` checks them inline,
    // where a range index is a call).
    let (before, after) = s.split_at(at);
    Some((before, after.split_at(1).1))
}

/// The parts of `s` separated by `delimiter` (ASCII), as `str::split` gives them.
#[inline(always)]
fn parts(s: &str, delimiter: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let s = rest?;
        Some(match cut(s, delimiter) {
            Some((part, after)) => {
                rest = Some(after);
                part
            }
            None => {
                rest = None;
                s
            }
        })
    })
}

/// Reads a `scope` claim: scope URIs separated by single spaces.
pub(crate) fn decode(scope: &str) -> Result<Grants, Error> {
    let mut grants = Grants::default();
    if scope.is_empty() {
        return Ok(grants);
    }
    for uri in parts(scope, b' ') {
        decode_uri(uri, &mut grants).map_err(|reason| Error::InvalidScope {
            scope: uri.to_owned(),
            reason,
        })?;
    }
    Ok(grants)
}

/// Adds the grant of one scope URI, `scope:<service>:<privilege>[?<query>]`.
#[inline(always)]
fn decode_uri(uri: &str, grants: &mut Grants) -> Result<(), String> {
    if uri.is_empty() {
        return Err("empty scope URI: scope URIs are separated by exactly one space".into());
    }
    let (name, query) = cut(uri, b'?').unwrap_or((uri, ""));
    let twice = |what: &str| format!("{what} is granted twice");
    match name {
        INCOMING => {
            if grants.incoming.is_some() {
                return Err(twice("incoming"));
            }
            grants.incoming = Some(incoming(query)?);
        }
        OUTGOING => {
            if grants.outgoing.is_some() {
                return Err(twice("outgoing"));
            }
            grants.outgoing = Some(outgoing(query)?);
        }
        EVENTS => {
            if grants.events.is_some() {
                return Err(twice("the event stream"));
            }
            grants.events = Some(events(query)?);
        }
        _ if grants.other.len() == MAX_OTHER_SCOPES => {
            return Err(format!(
                "a token holds at most {MAX_OTHER_SCOPES} scope URIs of other services"
            ))
        }
        _ => grants.other.push(uri.to_owned()),
    }
    Ok(())
}

#[inline(always)]
fn incoming(query: &str) -> Result<ClientName, String> {
    let mut name = None;
    for pair in pairs(query) {
        let (key, value) = pair?;
        key_index(key, &["clientName"])?;
        set_once(&mut name, "clientName", form_decode(value)?)?;
    }
    let name = name.ok_or("`clientName` is missing")?;
    ClientName::new(&name).map_err(|e| e.to_string())
}

#[inline(always)]
fn outgoing(query: &str) -> Result<Outgoing, String> {
    let (mut sid, mut params, mut name) = (None, None, None);
    for pair in pairs(query) {
        let (key, value) = pair?;
        match key_index(key, &["appSid", "appParams", "clientName"])? {
            0 => set_once(&mut sid, "appSid", form_decode(value)?)?,
            1 => set_once(&mut params, "appParams", Cow::Borrowed(value))?,
            _ => set_once(&mut name, "clientName", form_decode(value)?)?,
        }
    }
    let sid = AppSid::new(&sid.ok_or("`appSid` is missing")?).map_err(|e| e.to_string())?;
    let params = params
        .as_deref()
        .map(inner_params)
        .transpose()?
        .unwrap_or_default();
    let name = name
        .map(|n| ClientName::new(&n).map_err(|e| e.to_string()))
        .transpose()?;
    Ok(Outgoing::new(sid, params, name))
}

#[inline(always)]
fn events(query: &str) -> Result<Events, String> {
    let (mut path, mut filters) = (None, None);
    for pair in pairs(query) {
        let (key, value) = pair?;
        // twilio-node writes the filters under `appParams`.
        match key_index(key, &["path", "params", "appParams"])? {
            0 => set_once(&mut path, "path", form_decode(value)?)?,
            _ => set_once(&mut filters, "params", Cow::Borrowed(value))?,
        }
    }
    match path.as_deref() {
        Some(EVENTS_PATH) => {}
        Some(other) => {
            return Err(format!(
                "the event path is `{}`, not `{EVENTS_PATH}`",
                Truncated(other)
            ))
        }
        None => return Err("`path` is missing".into()),
    }
    let filters = filters
        .as_deref()
        .map(inner_params)
        .transpose()?
        .unwrap_or_default();
    Ok(Events::new(filters))
}

#[inline(always)]
fn set_once<'a>(
    slot: &mut Option<Cow<'a, str>>,
    key: &str,
    value: Cow<'a, str>,
) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("`{key}` appears twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// Which of `names` the key `raw` (as written) is once decoded, or the message for a key that
/// is none of them. Compared as written first: the libraries write these keys plain, and a key
/// with nothing to decode is its own decoding. (Decoded only when that fails, so that no
/// decoded key is moved around: measured.)
#[inline(always)]
fn key_index(raw: &str, names: &[&str]) -> Result<usize, String> {
    // Compared inline: a call to `memcmp` per name costs more than these few bytes.
    let equal =
        |name: &str| name.len() == raw.len() && name.bytes().zip(raw.bytes()).all(|(a, b)| a == b);
    if let Some(index) = names.iter().position(|name| equal(name)) {
        return Ok(index);
    }
    let key = form_decode(raw)?;
    names
        .iter()
        .position(|name| *name == key)
        .ok_or_else(|| format!("unknown parameter `{}`", Truncated(&key)))
}

/// The `key=value` pairs of a query, keys and values as written (a missing `=` gives an empty
/// value).
#[inline(always)]
fn pairs(query: &str) -> impl Iterator<Item = Result<(&str, &str), String>> {
    parts(query, b'&')
        .filter(move |_| !query.is_empty())
        .map(|segment| {
            if segment.is_empty() {
                return Err("empty parameter: `&&`, or a leading or trailing `&`".to_owned());
            }
            Ok(cut(segment, b'=').unwrap_or((segment, "")))
        })
}

mod form;

use form::{form_decode, inner_params};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn reads_every_librarys_outgoing_order() {
        for q in [
            "appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=Foo%3DBar&clientName=Alice",
            "appParams=Foo%3DBar&appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&clientName=Alice",
            "appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&clientName=Alice&appParams=Foo%3dBar",
        ] {
            let o = outgoing(q).unwrap();
            assert_eq!(o.params(), &[("Foo", "Bar")]);
            assert_eq!(o.client_name().unwrap(), "Alice");
        }
    }

    #[test]
    fn spaces_either_way_and_double_encoding() {
        let o = outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%2Bb%3Dc%2526d%26e%3D%26f%3Dx%2520y").unwrap();
        assert_eq!(o.params(), &[("a b", "c&d"), ("e", ""), ("f", "x y")]);
    }

    #[test]
    fn rejects_what_it_cannot_read_exactly() {
        assert!(incoming("").is_err());
        assert!(incoming("clientName=Alice&clientName=Bob").is_err());
        assert!(incoming("clientName=Alice&x=1").is_err());
        assert!(incoming("clientName=al-ice").is_err());
        assert!(
            outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D1%26%26b").is_err()
        );
        assert!(outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=%3D1").is_err());
        assert!(outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D%25FF").is_err());
        assert!(events("path=/2010-04-01/Calls").is_err());
        assert!(events("path=/2010-04-01/Events&params=a&appParams=b").is_err());
        assert!(decode("scope:client:incoming?clientName=A  scope:x:y").is_err());
        assert!(
            decode("scope:client:incoming?clientName=A scope:client:incoming?clientName=B")
                .is_err()
        );
    }

    #[test]
    fn the_event_path_in_any_encoding() {
        for path in [
            "%2F2010-04-01%2FEvents",
            "/2010-04-01/Events",
            "%2f2010-04-01%2fEvents",
            "%2F2010%2D04-01/Events",
        ] {
            assert!(events(&format!("path={path}")).is_ok(), "{path}");
        }
    }

    #[test]
    fn keeps_unknown_scopes() {
        let g = decode("scope:x:y?a=b scope:client:incoming?clientName=A weird").unwrap();
        assert_eq!(g.other_scopes(), ["scope:x:y?a=b", "weird"]);
        assert_eq!(g.incoming().unwrap(), "A");
    }

    /// Bytes that edits write: those the readers treat specially, and a few others.
    const EDIT_BYTES: &[u8] = b"%+&= ?:_.-/aAzZ09F\n\x00\xc3\xa9\"\\}{,eE";

    /// Every text one edit away from `text` (each byte replaced, deleted, or preceded by each
    /// of [`EDIT_BYTES`], and each appended), as far as it is UTF-8.
    pub(crate) fn single_edits(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut edits = Vec::new();
        for i in 0..=bytes.len() {
            let mut deleted = bytes.to_vec();
            if i < bytes.len() {
                deleted.remove(i);
                edits.push(deleted);
            }
            for &b in EDIT_BYTES {
                let mut inserted = bytes.to_vec();
                inserted.insert(i, b);
                edits.push(inserted);
                if i < bytes.len() {
                    let mut replaced = bytes.to_vec();
                    replaced[i] = b;
                    edits.push(replaced);
                }
            }
        }
        edits
            .into_iter()
            .filter_map(|e| String::from_utf8(e).ok())
            .collect()
    }

    /// Every text one edit away from twilio-php's scopes is read or refused with a reason; what
    /// is read is read again to the same grants from the scope they encode to.
    #[test]
    fn every_single_edit_is_read_or_refused() {
        let mut accepted = 0;
        for scope in [
            "scope:client:incoming?clientName=Alice scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice",
            "scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=a%2Bb%3Dc%2526d%26e%3D scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=Level%3Derror",
            "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params= scope:client:incoming?clientName=B_2",
        ] {
            assert!(decode(scope).is_ok());
            for edited in single_edits(scope) {
                match decode(&edited) {
                    Ok(grants) => {
                        accepted += 1;
                        if grants.other_scopes().is_empty() {
                            use crate::kinds::ScopeKind::{Events, Incoming, Outgoing};
                            let order: Vec<_> = [
                                (Incoming, grants.incoming().is_some()),
                                (Outgoing, grants.outgoing().is_some()),
                                (Events, grants.events().is_some()),
                            ]
                            .into_iter()
                            .filter_map(|(kind, granted)| granted.then_some(kind))
                            .collect();
                            let again = decode(&crate::capability::scope::encode(&grants, &order));
                            assert_eq!(again.as_ref(), Ok(&grants), "{edited}");
                        }
                    }
                    Err(Error::InvalidScope { reason, .. }) => assert!(!reason.is_empty()),
                    Err(e) => panic!("{edited}: {e:?}"),
                }
            }
        }
        // Many edits still read (a changed name, parameter or SID digit), many do not.
        assert!(accepted > 1000, "{accepted}");
    }
}
