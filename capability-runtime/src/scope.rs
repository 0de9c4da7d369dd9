//! The `scope` claim: scope URIs separated by single spaces, written as twilio-php writes them and
//! read back whichever official library wrote them.
//!
//! ```text
//! scope:client:incoming?clientName=<name>
//! scope:client:outgoing?appSid=<AP…>&appParams=<params>[&clientName=<name>]
//! scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=<params>
//! ```
//!
//! `<params>` is `k1=v1&k2=v2…` with each key and value url-encoded, then url-encoded again as one
//! value. Writing is the one implementation: the builder calls it at run time and `capability!` at
//! compile time, so both give the same bytes. Reading (with the `jwt` feature) is form decoding:
//! `+` and `%20` are spaces, hex may be either case, parameters come in any order, and safe
//! characters may be left unencoded. twilio-node's `appParams` on the event scope is read as
//! `params`.

use crate::client_name::ClientName;
use crate::grants::{Events, Grants, Outgoing, Params, ScopeKind};

/// The event stream every `events` grant subscribes to.
pub(crate) const EVENTS_PATH: &str = "/2010-04-01/Events";

/// The scope URI names of the three grants.
const INCOMING: &str = "scope:client:incoming";
const OUTGOING: &str = "scope:client:outgoing";
const EVENTS: &str = "scope:stream:subscribe";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// PHP's `urlencode` of the UTF-8 bytes of `s`, appended to `out`: `A-Z a-z 0-9 - _ .` stay,
/// a space becomes `+`, every other byte `%XX` in upper-case hex.
pub(crate) fn urlencode_into(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xF)] as char);
            }
        }
    }
}

/// `k1=v1&k2=v2…`, each key and value url-encoded, then url-encoded again as one value: the
/// double encoding of `appParams` and `params`.
fn params_into(out: &mut String, params: &Params) {
    let mut query = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            query.push('&');
        }
        urlencode_into(&mut query, k);
        query.push('=');
        urlencode_into(&mut query, v);
    }
    urlencode_into(out, &query);
}

/// `scope:client:incoming?clientName=…`
fn incoming_into(out: &mut String, name: &ClientName) {
    out.push_str(INCOMING);
    out.push_str("?clientName=");
    urlencode_into(out, name.as_str());
}

/// `scope:client:outgoing?appSid=…&appParams=…[&clientName=…]`
fn outgoing_into(out: &mut String, outgoing: &Outgoing) {
    out.push_str(OUTGOING);
    out.push_str("?appSid=");
    urlencode_into(out, outgoing.app_sid().as_str());
    out.push_str("&appParams=");
    params_into(out, outgoing.params());
    if let Some(name) = outgoing.client_name() {
        out.push_str("&clientName=");
        urlencode_into(out, name.as_str());
    }
}

/// `scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=…`
fn events_into(out: &mut String, events: &Events) {
    out.push_str(EVENTS);
    out.push_str("?path=");
    urlencode_into(out, EVENTS_PATH);
    out.push_str("&params=");
    params_into(out, events.filters());
}

/// The `scope` claim: the scope URIs of `grants` in `order`, joined by single spaces.
pub(crate) fn encode(grants: &Grants, order: &[ScopeKind]) -> String {
    let mut out = String::new();
    for kind in order {
        if !out.is_empty() {
            out.push(' ');
        }
        match kind {
            ScopeKind::Incoming => {
                if let Some(name) = grants.incoming() {
                    incoming_into(&mut out, name);
                }
            }
            ScopeKind::Outgoing => {
                if let Some(outgoing) = grants.outgoing() {
                    outgoing_into(&mut out, outgoing);
                }
            }
            ScopeKind::Events => {
                if let Some(events) = grants.events() {
                    events_into(&mut out, events);
                }
            }
        }
    }
    out
}

#[cfg(all(test, feature = "jwt"))]
pub(crate) use decode::tests::single_edits;
#[cfg(feature = "jwt")]
pub(crate) use decode::{decode, decode_into};

/// Reading the claim back into [`Grants`].
#[cfg(feature = "jwt")]
mod decode {
    use std::borrow::Cow;

    use super::{EVENTS, EVENTS_PATH, INCOMING, OUTGOING};
    use crate::client_name::ClientName;
    use crate::error::{Error, Truncated};
    use crate::grants::MAX_OTHER_SCOPES;
    use crate::grants::{Events, Grants, Outgoing, Params};
    use crate::sid::{AppSid, SID_LEN};

    /// The event path as twilio-php, twilio-python and twilio-ruby encode it.
    const EVENTS_PATH_ENCODED: &str = "%2F2010-04-01%2FEvents";

    /// Reads a `scope` claim: scope URIs separated by single spaces. With `fast`, each URI in
    /// exactly twilio-php's form is read by [`decode_php`]; any other by the general reader.
    pub(crate) fn decode(scope: &str, fast: bool) -> Result<Grants, Error> {
        let mut grants = Grants::default();
        decode_into(scope, fast, &mut grants)?;
        Ok(grants)
    }

    /// [`decode`] into `grants`, which starts empty: built where it is kept, not moved there.
    pub(crate) fn decode_into(scope: &str, fast: bool, grants: &mut Grants) -> Result<(), Error> {
        if scope.is_empty() {
            return Ok(());
        }
        let mut rest = scope;
        if fast {
            // The URIs in twilio-php's form, in one pass; from the first that is not, the general
            // reader reads the rest.
            while let Some(after) = decode_php(rest, grants) {
                match after.strip_prefix(' ') {
                    Some(next) => rest = next,
                    None => return Ok(()),
                }
            }
        }
        for uri in rest.split(' ') {
            decode_uri(uri, grants).map_err(|reason| Error::InvalidScope {
                scope: uri.to_owned(),
                reason,
            })?;
        }
        Ok(())
    }

    /// Adds the grant of the scope URI at the start of `scope` when it is written exactly as
    /// twilio-php writes it (parameters in its order, client names and SIDs that need no
    /// decoding), and returns what follows the URI: nothing, or a space and more. `None`, having
    /// added nothing, for any other URI. What it reads, [`decode_uri`] reads the same.
    fn decode_php<'a>(scope: &'a str, grants: &mut Grants) -> Option<&'a str> {
        /// A client name, which has nothing to decode (letters, digits and `_`), up to the end
        /// of its URI; and what follows.
        fn client_name(s: &str) -> Option<(ClientName, &str)> {
            let len = s
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(s.len());
            let (name, rest) = s.split_at(len);
            let end_of_uri = rest.is_empty() || rest.starts_with(' ');
            end_of_uri
                .then(|| ClientName::new(name).ok())
                .flatten()
                .map(|n| (n, rest))
        }
        /// Encoded parameters, up to the next `&` or the end of the URI; and what follows.
        fn params(s: &str) -> Option<(Params, &str)> {
            let len = memchr::memchr2(b'&', b' ', s.as_bytes()).unwrap_or(s.len());
            let (params, rest) = s.split_at(len);
            Some((inner_params(params).ok()?, rest))
        }

        if let Some(rest) = scope.strip_prefix("scope:client:incoming?clientName=") {
            if grants.incoming.is_some() {
                return None;
            }
            let (name, rest) = client_name(rest)?;
            grants.incoming = Some(name);
            Some(rest)
        } else if let Some(rest) = scope.strip_prefix("scope:client:outgoing?appSid=") {
            if grants.outgoing.is_some() {
                return None;
            }
            // Nor has a valid SID: letters and digits.
            let (sid, rest) = rest.split_at_checked(SID_LEN)?;
            let sid = AppSid::new(sid).ok()?;
            let (params, rest) = params(rest.strip_prefix("&appParams=")?)?;
            let (name, rest) = match rest.strip_prefix("&clientName=") {
                Some(rest) => client_name(rest).map(|(name, rest)| (Some(name), rest))?,
                None if rest.is_empty() || rest.starts_with(' ') => (None, rest),
                None => return None,
            };
            grants.outgoing = Some(Outgoing::new(sid, params, name));
            Some(rest)
        } else if let Some(rest) =
            scope.strip_prefix("scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=")
        {
            if grants.events.is_some() {
                return None;
            }
            let (filters, rest) = params(rest)?;
            if rest.starts_with('&') {
                return None;
            }
            grants.events = Some(Events::new(filters));
            Some(rest)
        } else {
            None
        }
    }

    /// Adds the grant of one scope URI, `scope:<service>:<privilege>[?<query>]`.
    fn decode_uri(uri: &str, grants: &mut Grants) -> Result<(), String> {
        if uri.is_empty() {
            return Err("empty scope URI: scope URIs are separated by exactly one space".into());
        }
        let (name, query) = uri.split_once('?').unwrap_or((uri, ""));
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

    /// The `key=value` pairs of a query, keys decoded, values still encoded (a missing `=` gives
    /// an empty value).
    fn pairs(query: &str) -> impl Iterator<Item = Result<(Cow<'_, str>, &str), String>> {
        query
            .split('&')
            .filter(move |_| !query.is_empty())
            .map(|segment| {
                if segment.is_empty() {
                    return Err("empty parameter: `&&`, or a leading or trailing `&`".to_owned());
                }
                let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
                Ok((form_decode(key)?, value))
            })
    }

    const NOT_UTF8: &str = "a parameter is not UTF-8 once decoded";

    /// Form-decodes one component (see [`form_decoded`]); the result must be UTF-8. Borrows
    /// when there is nothing to decode.
    fn form_decode(raw: &str) -> Result<Cow<'_, str>, String> {
        if memchr::memchr2(b'+', b'%', raw.as_bytes()).is_none() {
            return Ok(Cow::Borrowed(raw));
        }
        if raw == EVENTS_PATH_ENCODED {
            return Ok(Cow::Borrowed(EVENTS_PATH));
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut rest = raw.as_bytes();
        while let Some((b, tail)) = form_decoded(rest) {
            out.push(b);
            rest = tail;
        }
        String::from_utf8(out)
            .map(Cow::Owned)
            .map_err(|_| NOT_UTF8.into())
    }

    /// Form decoding, one byte: `+` is a space, `%` and two hex digits (either case) a byte, any
    /// other byte (a `%` without two hex digits included) itself, as PHP's `urldecode` and
    /// Python's `unquote_plus` read them. Returns the decoded byte and what follows it.
    ///
    /// Hand-written rather than `percent-encoding`'s iterator: the parameters are decoded twice
    /// in one pass (see [`inner_params`]), which that iterator cannot do, at a fifth of its cost
    /// (measured on a 50-parameter token).
    #[inline]
    fn form_decoded(raw: &[u8]) -> Option<(u8, &[u8])> {
        Some(match raw {
            [b'%', high, low, rest @ ..] => match hex_pair(*high, *low) {
                Some(b) => (b, rest),
                None => (b'%', &raw[1..]),
            },
            [b'+', rest @ ..] => (b' ', rest),
            [b, rest @ ..] => (*b, rest),
            [] => return None,
        })
    }

    /// The byte two hex digits (either case) spell.
    #[inline]
    fn hex_pair(high: u8, low: u8) -> Option<u8> {
        let (high, low) = (HEX[usize::from(high)], HEX[usize::from(low)]);
        ((high | low) < 16).then_some(high << 4 | low)
    }

    /// The value of each hex digit; 0xFF for other bytes.
    static HEX: [u8; 256] = {
        let mut table = [0xFF; 256];
        let mut b = 0;
        while b < 10 {
            table[b'0' as usize + b] = b as u8;
            b += 1;
        }
        let mut b = 0;
        while b < 6 {
            table[b'a' as usize + b] = 10 + b as u8;
            table[b'A' as usize + b] = 10 + b as u8;
            b += 1;
        }
        table
    };

    /// The bytes both decodings of [`inner_params`] keep as they are: all but `%`, `+`, `&`
    /// and `=`.
    static PLAIN: [bool; 256] = {
        let mut table = [true; 256];
        table[b'%' as usize] = false;
        table[b'+' as usize] = false;
        table[b'&' as usize] = false;
        table[b'=' as usize] = false;
        table
    };

    /// The parameters of `appParams`/`params`: `k1=v1&k2=v2…` with each key and value
    /// form-encoded, then form-encoded again as one value (`raw`, a value of the scope's query,
    /// has no `&`). Both decodings in one pass, into one buffer of keys and values and one of
    /// their offsets, however many parameters there are.
    fn inner_params(raw: &str) -> Result<Params, String> {
        if raw.is_empty() {
            return Ok(Params::new());
        }
        let raw = raw.as_bytes();
        // Decoding never lengthens: the text fits in `raw.len()` bytes, written by index (which
        // measured faster than pushing).
        let mut text = vec![0u8; raw.len()];
        let mut len = 0;
        // The ends of each pair but the last (see `Params::packed_but_last`): allocated at the second
        // pair, for all. Each pair after the first takes at least `%26` and one byte.
        let mut ends = Vec::new();
        let (mut pair_start, mut key_end, mut last_key_end, mut empty) = (0, None, None, true);
        let mut at = 0;
        loop {
            // Most bytes: kept by both decodings.
            if let Some(&b) = raw.get(at) {
                if PLAIN[usize::from(b)] {
                    text[len] = b;
                    (len, at, empty) = (len + 1, at + 1, false);
                    continue;
                }
            }
            // The once-decoded byte; the end reads as a last `&`.
            let b = form_decoded(&raw[at..]).map(|(b, rest)| {
                at = raw.len() - rest.len();
                b
            });
            // Decoded again: `&` and the first `=` delimit, `+` and `%XX` decode.
            let decoded = match b {
                None | Some(b'&') => {
                    if empty {
                        return Err("empty parameter in the application parameters".into());
                    }
                    let key_end = key_end.take().unwrap_or(len);
                    if key_end == pair_start {
                        return Err("a parameter has an empty key".into());
                    }
                    if let Some(previous) = last_key_end.replace(key_end) {
                        if ends.capacity() == 0 {
                            ends.reserve_exact(raw.len().div_ceil(4));
                        }
                        ends.push((previous, pair_start));
                    }
                    (pair_start, empty) = (len, true);
                    match b {
                        None => break,
                        Some(_) => continue,
                    }
                }
                Some(b'=') if key_end.is_none() => {
                    key_end = Some(len);
                    empty = false;
                    continue;
                }
                Some(b'+') => b' ',
                Some(b'%') => {
                    let escape = form_decoded(&raw[at..]).and_then(|(high, rest)| {
                        let (low, rest) = form_decoded(rest)?;
                        Some((hex_pair(high, low)?, rest))
                    });
                    match escape {
                        Some((b, rest)) => {
                            at = raw.len() - rest.len();
                            b
                        }
                        None => b'%',
                    }
                }
                Some(b) => b,
            };
            text[len] = decoded;
            (len, empty) = (len + 1, false);
        }
        text.truncate(len);
        let last_key_end = last_key_end.unwrap_or(text.len());
        // Valid as a whole, and cut only between characters: every key and value is valid.
        let text = String::from_utf8(text)
            .ok()
            .filter(|t| {
                t.is_char_boundary(last_key_end)
                    && ends
                        .iter()
                        .all(|&(k, v)| t.is_char_boundary(k) && t.is_char_boundary(v))
            })
            .ok_or(NOT_UTF8)?;
        Ok(Params::packed_but_last(text, ends, last_key_end))
    }

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
                outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D1%26%26b")
                    .is_err()
            );
            assert!(outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=%3D1").is_err());
            assert!(
                outgoing("appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=a%3D%25FF").is_err()
            );
            assert!(events("path=/2010-04-01/Calls").is_err());
            assert!(events("path=/2010-04-01/Events&params=a&appParams=b").is_err());
            assert!(decode("scope:client:incoming?clientName=A  scope:x:y", false).is_err());
            for fast in [false, true] {
                assert!(decode(
                    "scope:client:incoming?clientName=A scope:client:incoming?clientName=B",
                    fast
                )
                .is_err());
            }
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
            let g = decode(
                "scope:x:y?a=b scope:client:incoming?clientName=A weird",
                true,
            )
            .unwrap();
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

        /// The fast reader of twilio-php's URIs reads every text one edit away from twilio-php's
        /// scopes exactly as the general reader does: the same grants, or the same error.
        #[test]
        fn the_fast_reader_agrees_with_the_general_one_on_every_single_edit() {
            let mut accepted = 0;
            for scope in [
                "scope:client:incoming?clientName=Alice scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice",
                "scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=a%2Bb%3Dc%2526d%26e%3D scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=Level%3Derror",
                "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params= scope:client:incoming?clientName=B_2",
            ] {
                assert!(decode(scope, true).is_ok());
                for edited in single_edits(scope) {
                    let fast = decode(&edited, true);
                    // Compared as printed: in the same order, not only equal as grants.
                    let general = decode(&edited, false);
                    assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{edited}");
                    accepted += usize::from(fast.is_ok());
                }
            }
            // Many edits still read (a changed name, parameter or SID digit), many do not.
            assert!(accepted > 1000, "{accepted}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sid::AppSid;

    fn outgoing_scope(app_sid: AppSid, params: Params, client_name: Option<ClientName>) -> String {
        let mut out = String::new();
        outgoing_into(&mut out, &Outgoing::new(app_sid, params, client_name));
        out
    }

    fn enc(s: &str) -> String {
        let mut out = String::new();
        urlencode_into(&mut out, s);
        out
    }

    #[test]
    fn urlencode_matches_php() {
        assert_eq!(enc("AZaz09-_."), "AZaz09-_.");
        assert_eq!(enc(" "), "+");
        assert_eq!(enc("~*/&=+%'\"!()"), "%7E%2A%2F%26%3D%2B%25%27%22%21%28%29");
        assert_eq!(enc("é"), "%C3%A9");
        assert_eq!(enc("😀"), "%F0%9F%98%80");
        assert_eq!(enc("\n\0"), "%0A%00");
        assert_eq!(enc(""), "");
    }

    #[test]
    fn params_are_double_encoded() {
        let sid = AppSid::from_static("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        let scope = outgoing_scope(sid, Params::from_pairs([("Foo", "Bar")]), None);
        assert_eq!(
            scope,
            "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=Foo%3DBar"
        );
        let scope = outgoing_scope(
            sid,
            Params::from_pairs([("a b", "c&d"), ("e", "")]),
            Some(ClientName::from_static("Al")),
        );
        assert_eq!(
            scope,
            "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\
             &appParams=a%2Bb%3Dc%2526d%26e%3D&clientName=Al"
        );
    }
}
