//! Reading the `scope` claim back into [`Grants`], whichever official library wrote it.
//!
//! Query strings are form-encoded: `+` and `%20` are spaces, hex may be either case, parameters
//! come in any order, and safe characters may be left unencoded. twilio-node's `appParams` on
//! the event scope is read as `params`.

use std::borrow::Cow;

use percent_encoding::percent_decode;

use crate::client_name::ClientName;
use crate::encode::EVENTS_PATH;
use crate::error::{Error, Truncated};
use crate::grants::{Events, Grants, Outgoing, Params};
use crate::sid::AppSid;

/// The event path as twilio-php, twilio-python and twilio-ruby encode it.
const EVENTS_PATH_ENCODED: &str = "%2F2010-04-01%2FEvents";

/// Parses a `scope` claim: scope URIs separated by single spaces.
pub(crate) fn parse(scope: &str) -> Result<Grants, Error> {
    let mut grants = Grants::default();
    if scope.is_empty() {
        return Ok(grants);
    }
    for uri in split(scope, b' ') {
        parse_uri(uri, &mut grants).map_err(|reason| Error::InvalidScope {
            scope: uri.to_owned(),
            reason,
        })?;
    }
    Ok(grants)
}

/// Adds the grant of one scope URI, `scope:<service>:<privilege>[?<query>]`.
fn parse_uri(uri: &str, grants: &mut Grants) -> Result<(), String> {
    if uri.is_empty() {
        return Err("empty scope URI: scope URIs are separated by exactly one space".into());
    }
    let (name, query) = split_once(uri, b'?').unwrap_or((uri, ""));
    let twice = |what: &str| format!("{what} is granted twice");
    match name {
        "scope:client:incoming" => {
            if grants.incoming.is_some() {
                return Err(twice("incoming"));
            }
            grants.incoming = Some(incoming(query)?);
        }
        "scope:client:outgoing" => {
            if grants.outgoing.is_some() {
                return Err(twice("outgoing"));
            }
            grants.outgoing = Some(outgoing(query)?);
        }
        "scope:stream:subscribe" => {
            if grants.events.is_some() {
                return Err(twice("the event stream"));
            }
            grants.events = Some(events(query)?);
        }
        _ => grants.other.push(uri.to_owned()),
    }
    Ok(())
}

fn incoming(query: &str) -> Result<ClientName, String> {
    let mut name = None;
    for pair in pairs(query) {
        let (key, value) = pair?;
        match &*key {
            "clientName" => set_once(&mut name, "clientName", form_decode(value)?)?,
            _ => return Err(unknown(&key)),
        }
    }
    let name = name.ok_or("`clientName` is missing")?;
    ClientName::new(&name).map_err(|e| e.to_string())
}

fn outgoing(query: &str) -> Result<Outgoing, String> {
    let (mut sid, mut params, mut name) = (None, None, None);
    for pair in pairs(query) {
        let (key, value) = pair?;
        match &*key {
            "appSid" => set_once(&mut sid, "appSid", form_decode(value)?)?,
            "appParams" => set_once(&mut params, "appParams", Cow::Borrowed(value))?,
            "clientName" => set_once(&mut name, "clientName", form_decode(value)?)?,
            _ => return Err(unknown(&key)),
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

fn events(query: &str) -> Result<Events, String> {
    let (mut path, mut filters) = (None, None);
    for pair in pairs(query) {
        let (key, value) = pair?;
        match &*key {
            "path" => set_once(&mut path, "path", form_decode(value)?)?,
            // twilio-node writes the filters under `appParams`.
            "params" | "appParams" => set_once(&mut filters, "params", Cow::Borrowed(value))?,
            _ => return Err(unknown(&key)),
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

fn unknown(key: &str) -> String {
    format!("unknown parameter `{}`", Truncated(key))
}

/// The `key=value` pairs of a query, keys decoded, values still encoded (a missing `=` gives an
/// empty value).
fn pairs(query: &str) -> impl Iterator<Item = Result<(Cow<'_, str>, &str), String>> {
    split(query, b'&')
        .filter(move |_| !query.is_empty())
        .map(|segment| {
            if segment.is_empty() {
                return Err("empty parameter: `&&`, or a leading or trailing `&`".to_owned());
            }
            let (key, value) = split_once(segment, b'=').unwrap_or((segment, ""));
            Ok((form_decode(key)?, value))
        })
}

/// Form-decodes one component: `+` is a space, `%XX` a byte; the result must be UTF-8.
/// Borrows when there is nothing to decode.
fn form_decode(raw: &str) -> Result<Cow<'_, str>, String> {
    if memchr::memchr2(b'+', b'%', raw.as_bytes()).is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    if raw == EVENTS_PATH_ENCODED {
        return Ok(Cow::Borrowed(EVENTS_PATH));
    }
    let mut out = Vec::with_capacity(raw.len());
    form_decode_into(&mut out, raw.as_bytes());
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| "a parameter is not UTF-8 once decoded".into())
}

fn form_decode_into(out: &mut Vec<u8>, raw: &[u8]) {
    for (i, piece) in split_bytes(raw, b'+').enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend(percent_decode(piece));
    }
}

/// The parameters of `appParams`/`params`, as found in the query: `k1=v1&k2=v2…` form-encoded,
/// then form-encoded again as one value. Three allocations however many parameters there are:
/// the first decoding, then all keys and values in one buffer, and their offsets.
fn inner_params(raw: &str) -> Result<Params, String> {
    let mut query = Vec::with_capacity(raw.len());
    form_decode_into(&mut query, raw.as_bytes());
    let query = &query[..];
    if query.is_empty() {
        return Ok(Params::new());
    }
    let mut text = Vec::with_capacity(query.len());
    let mut ends = Vec::with_capacity(memchr::memchr_iter(b'&', query).count() + 1);
    for segment in split_bytes(query, b'&') {
        if segment.is_empty() {
            return Err("empty parameter in the application parameters".into());
        }
        let (key, value) = match memchr::memchr(b'=', segment) {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &[][..]),
        };
        if key.is_empty() {
            return Err("a parameter has an empty key".into());
        }
        form_decode_into(&mut text, key);
        let key_end = text.len();
        form_decode_into(&mut text, value);
        ends.push((key_end, text.len()));
    }
    // Valid as a whole, and cut only between characters: every key and value is valid.
    let text = String::from_utf8(text)
        .ok()
        .filter(|t| {
            ends.iter()
                .all(|&(k, v)| t.is_char_boundary(k) && t.is_char_boundary(v))
        })
        .ok_or("a parameter is not UTF-8 once decoded")?;
    Ok(Params::packed(text, ends))
}

/// `s` split at each byte `sep`, found with `memchr`.
fn split_bytes(s: &[u8], sep: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr(sep, current) {
            Some(i) => {
                rest = Some(&current[i + 1..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `s` split at each ASCII byte `sep`, found with `memchr`.
fn split(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr(sep, current.as_bytes()) {
            Some(i) => {
                rest = current.get(i + 1..);
                current.get(..i)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `s` split at its first ASCII byte `sep`.
fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(sep, s.as_bytes())?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

#[cfg(test)]
mod tests {
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
        assert!(parse("scope:client:incoming?clientName=A  scope:x:y").is_err());
        assert!(
            parse("scope:client:incoming?clientName=A scope:client:incoming?clientName=B").is_err()
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
    fn byte_splitting_matches_str_splitting() {
        for s in ["", "&", "a", "a&b", "&a&&b&", "é&ü", "x=y=z"] {
            assert_eq!(
                split(s, b'&').collect::<Vec<_>>(),
                s.split('&').collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(split_once(s, b'='), s.split_once('='), "{s:?}");
        }
    }

    #[test]
    fn keeps_unknown_scopes() {
        let g = parse("scope:x:y?a=b scope:client:incoming?clientName=A weird").unwrap();
        assert_eq!(g.other_scopes(), ["scope:x:y?a=b", "weird"]);
        assert_eq!(g.incoming().unwrap(), "A");
    }
}
