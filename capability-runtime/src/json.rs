//! Reading the JWT header and claims: serde_json strictly, and a fast path for the claims as
//! twilio-php writes them.
//!
//! The readers never fail on a member of the wrong type or a repeated key: they record it, so
//! that the verifier can return a typed [`Error`](crate::Error) rather than a parser message.
//! The members read are taken as raw JSON text and typed here, so that no number is converted
//! by the parser (`1e400` is a number with an exponent, not a parser error). Other members are
//! skipped without being converted either; serde_json skips them iteratively, so deep nesting
//! costs time in proportion to its length and no stack. Every step is linear in the input: each
//! key is compared with at most [`MAX_OTHER_MEMBERS`] others to find a repeat.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::wire::{MAX_EXP, MAX_EXP_DIGITS, PAYLOAD_END, PAYLOAD_EXP, PAYLOAD_HEAD, PAYLOAD_ISS};

/// A member as found: absent, present with the wrong type (described), or present.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) enum Field<T> {
    #[default]
    Missing,
    Invalid(&'static str),
    Present(T),
}

/// The JOSE header.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    pub alg: Field<Cow<'a, str>>,
    pub crit: bool,
    pub duplicate: Option<String>,
}

/// The claims of a capability token.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Claims<'a> {
    pub scope: Field<Cow<'a, str>>,
    pub iss: Field<Cow<'a, str>>,
    pub exp: Field<u64>,
    pub nbf: Field<u64>,
    pub iat: Field<u64>,
    pub duplicate: Option<String>,
}

impl<'a> Claims<'a> {
    /// The claims of a payload exactly as twilio-php writes it,
    /// `{"scope":"…","iss":"…","exp":…}`, with a scope and issuer that need no unescaping and an
    /// expiry from 0 to 2^53 − 1; `None` for anything else, which the general reader then reads.
    /// Whatever this accepts, serde_json reads to the same claims.
    pub(crate) fn read_php_order(payload: &'a str) -> Option<Self> {
        let rest = payload.strip_prefix(PAYLOAD_HEAD)?;
        let (scope, rest) = plain_string(rest)?;
        let rest = rest.strip_prefix(&PAYLOAD_ISS[1..])?;
        let (iss, rest) = plain_string(rest)?;
        let digits = rest
            .strip_prefix(&PAYLOAD_EXP[1..])?
            .strip_suffix(PAYLOAD_END)?;
        Some(Claims {
            scope: Field::Present(Cow::Borrowed(scope)),
            iss: Field::Present(Cow::Borrowed(iss)),
            exp: Field::Present(plain_integer(digits)?),
            ..Claims::default()
        })
    }
}

/// The text of a JSON string at the start of `s` (after its opening quote) that has no escape
/// and no control character, and what follows its closing quote.
fn plain_string(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let end = memchr::memchr2(b'"', b'\\', bytes)?;
    // A fold rather than `any`: it compiles to a vector loop.
    let control = bytes[..end]
        .iter()
        .fold(false, |found, &b| found | (b < 0x20));
    let plain = bytes[end] == b'"' && !control;
    // `end` is at an ASCII byte: both slices are at character boundaries.
    plain.then(|| (&s[..end], &s[end + 1..]))
}

/// A JSON integer from 0 to 2^53 − 1 written as JSON writes it: digits, no leading zero.
fn plain_integer(digits: &str) -> Option<u64> {
    let bytes = digits.as_bytes();
    if bytes.is_empty()
        || bytes.len() > MAX_EXP_DIGITS
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes[0] == b'0' && bytes.len() > 1)
    {
        return None;
    }
    digits.parse().ok().filter(|&value| value <= MAX_EXP)
}

/// What the JSON value `raw` (valid JSON, as serde_json checked it) is, when it is not a number.
fn non_number(raw: &str) -> Option<&'static str> {
    Some(match raw.as_bytes().first()? {
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        b'[' => "an array",
        b'{' => "an object",
        _ => return None,
    })
}

/// A string member, typed from its raw JSON text (serde_json only).
impl<'de> Deserialize<'de> for Field<Cow<'de, str>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&RawValue>::deserialize(d).map(string)
    }
}

/// A NumericDate member, typed from its raw JSON text (serde_json only).
impl<'de> Deserialize<'de> for Field<u64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&RawValue>::deserialize(d).map(date)
    }
}

/// A string member.
fn string(raw: &RawValue) -> Field<Cow<'_, str>> {
    let text = raw.get();
    if !text.starts_with('"') {
        return Field::Invalid(non_number(text).unwrap_or("a number"));
    }
    match text.contains('\\') {
        // serde_json checked the string: between the quotes is its text.
        false => Field::Present(Cow::Borrowed(&text[1..text.len() - 1])),
        true => match serde_json::from_str::<String>(text) {
            Ok(unescaped) => Field::Present(Cow::Owned(unescaped)),
            Err(_) => Field::Invalid("a string"),
        },
    }
}

/// A NumericDate member: an integer from 0 to 2^53 − 1. Floats (even `1.0`), strings and
/// larger integers are wrong types, never converted.
fn date(raw: &RawValue) -> Field<u64> {
    let text = raw.get();
    if let Some(found) = non_number(text) {
        return Field::Invalid(found);
    }
    // serde_json checked the number: digits alone are an integer without a leading zero.
    if text.starts_with('-') {
        Field::Invalid("a negative number")
    } else if text.contains(['.', 'e', 'E']) {
        Field::Invalid("a number with a fraction or an exponent")
    } else {
        match text.parse::<u64>() {
            Ok(value) if value <= MAX_EXP => Field::Present(value),
            _ => Field::Invalid("an integer beyond 2^53-1"),
        }
    }
}

/// The most members of the header, and of the payload, besides the ones the verifier reads.
///
/// Tokens of the official libraries have at most two (`typ`, and `nbf` or `iat`); other JWT
/// libraries add a few registered ones (`sub`, `aud`, `jti`, `kid`, …). With the limit, each key
/// is compared with at most this many others to find a repeat: the work stays linear in the
/// token's length whatever it holds, with no hashing, and a token stuffed with members is
/// refused after reading this many.
pub const MAX_OTHER_MEMBERS: usize = 32;

/// The keys of one object, to find a repeated one: the known keys as flags, the others in order.
struct Seen<'a> {
    known: u8,
    other: [Cow<'a, str>; MAX_OTHER_MEMBERS],
    others: usize,
}

/// Why a header or payload could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not one JSON object (serde_json's description).
    Json(serde_json::Error),
    /// More than [`MAX_OTHER_MEMBERS`] members besides the known ones.
    TooManyMembers,
}

/// Reads a JOSE header.
pub(crate) fn read_header(text: &str) -> Result<Header<'_>, ReadError> {
    let mut too_many = false;
    let header = read(
        text,
        HeaderVisitor {
            too_many: &mut too_many,
        },
    );
    header.map_err(|e| ReadError::new(e, too_many))
}

/// Reads the claims of a payload (see also [`Claims::read_php_order`]).
pub(crate) fn read_claims(text: &str) -> Result<Claims<'_>, ReadError> {
    let mut too_many = false;
    let claims = read(
        text,
        ClaimsVisitor {
            too_many: &mut too_many,
        },
    );
    claims.map_err(|e| ReadError::new(e, too_many))
}

impl ReadError {
    /// The error of a visitor that noted in `too_many` whether it stopped at too many members.
    fn new(e: serde_json::Error, too_many: bool) -> Self {
        match too_many {
            true => ReadError::TooManyMembers,
            false => ReadError::Json(e),
        }
    }
}

/// Reads the one JSON object `text` holds, nothing after it but whitespace.
fn read<'a, V: Visitor<'a>>(text: &'a str, visitor: V) -> Result<V::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de.deserialize_map(visitor)?;
    de.end()?;
    Ok(value)
}

/// A key, borrowed from the input unless it has escapes (`"\u0065xp"` is the key `exp`).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
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

/// Reads the members of an object: `read(index, map)` reads the value of known key number
/// `index`; other values are skipped. Returns the first repeated key; fails after more than
/// [`MAX_OTHER_MEMBERS`] other members, noting it in `too_many`.
fn members<'de, A: MapAccess<'de>>(
    mut map: A,
    known: &[&str],
    too_many: &mut bool,
    mut read: impl FnMut(usize, &mut A) -> Result<(), A::Error>,
) -> Result<Option<String>, A::Error> {
    let mut seen = Seen {
        known: 0,
        other: std::array::from_fn(|_| Cow::Borrowed("")),
        others: 0,
    };
    let mut duplicate = None;
    while let Some(Key(key)) = map.next_key()? {
        let index = known.iter().position(|&k| k == key);
        let repeated = match index {
            Some(i) => {
                let bit = 1 << i;
                let repeated = seen.known & bit != 0;
                seen.known |= bit;
                repeated
            }
            None if seen.other[..seen.others].contains(&key) => true,
            None if seen.others == MAX_OTHER_MEMBERS => {
                *too_many = true;
                return Err(de::Error::custom("too many members"));
            }
            None => {
                seen.other[seen.others] = key.clone();
                seen.others += 1;
                false
            }
        };
        if repeated {
            duplicate.get_or_insert_with(|| key.into_owned());
            map.next_value::<IgnoredAny>()?;
            continue;
        }
        match index {
            Some(i) => read(i, &mut map)?,
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(duplicate)
}

struct HeaderVisitor<'f> {
    too_many: &'f mut bool,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_> {
    type Value = Header<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Header<'de>, A::Error> {
        let mut header = Header::default();
        header.duplicate = members(map, &["alg", "crit"], self.too_many, |i, map| {
            match i {
                0 => header.alg = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    header.crit = true;
                }
            }
            Ok(())
        })?;
        Ok(header)
    }
}

struct ClaimsVisitor<'f> {
    too_many: &'f mut bool,
}

impl<'de> Visitor<'de> for ClaimsVisitor<'_> {
    type Value = Claims<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Claims<'de>, A::Error> {
        let mut claims = Claims::default();
        let known = ["scope", "iss", "exp", "nbf", "iat"];
        claims.duplicate = members(map, &known, self.too_many, |i, map| {
            match i {
                0 => claims.scope = map.next_value()?,
                1 => claims.iss = map.next_value()?,
                2 => claims.exp = map.next_value()?,
                3 => claims.nbf = map.next_value()?,
                _ => claims.iat = map.next_value()?,
            }
            Ok(())
        })?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Claims<'_> {
        read_claims(json).unwrap()
    }

    #[test]
    fn reads_claims_and_borrows_plain_strings() {
        let c = claims(r#"{"scope":"s","iss":"i","exp":5,"nbf":1,"iat":2,"x":[{"y":null}]}"#);
        assert!(matches!(c.scope, Field::Present(Cow::Borrowed("s"))));
        assert!(matches!(c.exp, Field::Present(5)));
        assert!(matches!(c.nbf, Field::Present(1)));
        assert!(matches!(c.iat, Field::Present(2)));
        assert!(c.duplicate.is_none());
        let c = claims(r#"{"scope":"a\"b\u00e9","iss":"\\"}"#);
        assert_eq!(c.scope, Field::Present(Cow::Owned("a\"bé".into())));
        assert_eq!(c.iss, Field::Present(Cow::Owned("\\".into())));
    }

    #[test]
    fn escaped_keys_are_the_same_keys() {
        let c = claims(r#"{"exp":1,"\u0065xp":2}"#);
        assert_eq!(c.duplicate.as_deref(), Some("exp"));
        let c = claims(r#"{"a":1,"b":2,"a":3}"#);
        assert_eq!(c.duplicate.as_deref(), Some("a"));
        let c = claims(r#"{"a":1,"b":2,"\u0061":3}"#);
        assert_eq!(c.duplicate.as_deref(), Some("a"));
    }

    #[test]
    fn wrong_types_are_recorded() {
        for (json, found) in [
            (r#"{"exp":"1"}"#, "a string"),
            (r#"{"exp":1.0}"#, "a number with a fraction or an exponent"),
            (r#"{"exp":1e3}"#, "a number with a fraction or an exponent"),
            (r#"{"exp":1E3}"#, "a number with a fraction or an exponent"),
            (
                r#"{"exp":1e400}"#,
                "a number with a fraction or an exponent",
            ),
            (r#"{"exp":-1e400}"#, "a negative number"),
            (r#"{"exp":-1}"#, "a negative number"),
            (r#"{"exp":-0}"#, "a negative number"),
            (r#"{"exp":9007199254740992}"#, "an integer beyond 2^53-1"),
            (
                r#"{"exp":18446744073709551616}"#,
                "an integer beyond 2^53-1",
            ),
            (
                &format!(r#"{{"exp":1{}}}"#, "0".repeat(400)),
                "an integer beyond 2^53-1",
            ),
            (r#"{"exp":null}"#, "null"),
            (r#"{"exp":[1]}"#, "an array"),
            (r#"{"exp":{}}"#, "an object"),
            (r#"{"exp":true}"#, "a boolean"),
            (r#"{"exp":false}"#, "a boolean"),
        ] {
            assert_eq!(claims(json).exp, Field::Invalid(found), "{json}");
        }
        for (json, found) in [
            (r#"{"scope":1}"#, "a number"),
            (r#"{"scope":-1.5e400}"#, "a number"),
            (r#"{"iss":null}"#, "null"),
            (r#"{"iss":[]}"#, "an array"),
        ] {
            let c = claims(json);
            assert_eq!(
                (c.scope, c.iss),
                match json.contains("scope") {
                    true => (Field::Invalid(found), Field::Missing),
                    false => (Field::Missing, Field::Invalid(found)),
                },
                "{json}"
            );
        }
    }

    #[test]
    fn members_besides_the_known_ones_are_limited() {
        let others = |n: usize| {
            (0..n)
                .map(|i| format!(r#","k{i}":{{"nested":[1,2,3]}}"#))
                .collect::<String>()
        };
        let at_limit = format!(r#"{{"exp":1,"iss":"i"{}}}"#, others(MAX_OTHER_MEMBERS));
        assert_eq!(claims(&at_limit).exp, Field::Present(1));
        let over = format!(r#"{{"exp":1,"iss":"i"{}}}"#, others(MAX_OTHER_MEMBERS + 1));
        assert!(matches!(read_claims(&over), Err(ReadError::TooManyMembers)));
        let over = format!(r#"{{"alg":"HS256"{}}}"#, others(MAX_OTHER_MEMBERS + 1));
        assert!(matches!(read_header(&over), Err(ReadError::TooManyMembers)));
        // A repeat among them is still found, at the limit too.
        let repeated = format!(r#"{{"exp":1{},"k0":2}}"#, others(MAX_OTHER_MEMBERS));
        assert_eq!(claims(&repeated).duplicate.as_deref(), Some("k0"));
    }

    #[test]
    fn non_objects_and_trailing_data_fail() {
        for json in ["[]", "{} x", "", "{", "\"x\"", "{\"a\":1,}"] {
            assert!(
                matches!(read_claims(json), Err(ReadError::Json(_))),
                "{json}"
            );
            assert!(
                matches!(read_header(json), Err(ReadError::Json(_))),
                "{json}"
            );
        }
    }

    #[test]
    fn skipped_members_are_never_converted_and_nest_without_a_stack() {
        let deep = format!(
            r#"{{"x":{}{},"y":1e400,"z":-{}1,"exp":7}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000),
            "9".repeat(500)
        );
        assert_eq!(claims(&deep).exp, Field::Present(7));
        let deep = format!(r#"{{"exp":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(claims(&deep).exp, Field::Invalid("an array"));
    }

    /// Every text one edit away from a payload in twilio-php's form is read by the fast path
    /// as serde_json reads it, or left to serde_json.
    #[test]
    fn the_php_order_agrees_with_serde_json_on_every_single_edit() {
        let payload = r#"{"scope":"scope:client:incoming?clientName=A","iss":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","exp":1700003600}"#;
        let mut fast = 0;
        for edited in crate::scope::single_edits(payload) {
            if let Some(claims) = Claims::read_php_order(&edited) {
                assert_eq!(Ok(claims), read_claims(&edited).map_err(|_| ()), "{edited}");
                fast += 1;
            }
        }
        assert!(fast > 500, "{fast}");
    }

    #[test]
    fn the_php_order_reads_what_serde_json_reads() {
        for json in [
            r#"{"scope":"s","iss":"i","exp":5}"#,
            r#"{"scope":"","iss":"","exp":0}"#,
            r#"{"scope":"é €","iss":"AC","exp":9007199254740991}"#,
        ] {
            assert_eq!(Claims::read_php_order(json), Some(claims(json)), "{json}");
        }
        for json in [
            r#"{"scope":"s","iss":"i","exp":05}"#,
            r#"{"scope":"s","iss":"i","exp":9007199254740992}"#,
            r#"{"scope":"s","iss":"i","exp":5.0}"#,
            r#"{"scope":"s","iss":"i","exp":}"#,
            r#"{"scope":"s","iss":"i","exp":5} "#,
            r#"{"scope":"s\"","iss":"i","exp":5}"#,
            r#"{"scope":"s\n","iss":"i","exp":5}"#,
            "{\"scope\":\"s\t\",\"iss\":\"i\",\"exp\":5}",
            r#"{"scope":"s","iss":"i","exp":5,"exp":6}"#,
            r#"{"scope":"s","iss":"i","exp":-5}"#,
            r#"{"scope":"s","iss":"i""#,
            r#"{"scope":"s""#,
        ] {
            assert_eq!(Claims::read_php_order(json), None, "{json}");
        }
    }
}
