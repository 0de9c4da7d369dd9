//! The JOSE header of both kinds of token: read with the one reader, and the checks every header
//! gets. Each kind adds its own rules on `typ`, `cty` and `twr`.

use std::borrow::Cow;

use crate::error::{Error, Malformed, TokenPart};
use crate::jwt::json::{self, str_field, Field, Findings, Kind};
use crate::jwt::Decoded;

/// The `cty` that marks an Access Token.
pub(crate) const ACCESS_CTY: &str = "twilio-fpa;v=1";

/// The headers the official libraries write, base64url, and what they hold: a header given as
/// one of these texts is not decoded again. `tests::the_known_headers_read_as_they_are` checks
/// that each reads to the value given here.
const KNOWN: [(&str, bool); 5] = [
    // Capability tokens: twilio-php's, and the JOSE order of twilio-python and twilio-node.
    ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9", false),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", false),
    // Access Tokens without a region: twilio-php's (`typ`, `alg`, `cty`), twilio-python's
    // (sorted) and twilio-node's (`alg`, `typ`, `cty`).
    (
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0",
        true,
    ),
    (
        "eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHlwIjoiSldUIn0",
        true,
    ),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0",
        true,
    ),
];

/// A JOSE header as read: the members either kind of token gives a meaning.
#[derive(Debug, Default)]
pub(crate) struct Header<'a> {
    pub(crate) alg: Field<Cow<'a, str>>,
    pub(crate) typ: Field<Cow<'a, str>>,
    pub(crate) cty: Field<Cow<'a, str>>,
    /// `twr`: missing, `null` (present, `None`), or a string.
    pub(crate) twr: Field<Option<Cow<'a, str>>>,
    pub(crate) crit: bool,
    pub(crate) duplicate: Option<String>,
}

impl<'a> Header<'a> {
    /// Reads the header segment, decoding it into `buf`.
    ///
    /// # Errors
    /// Malformed base64url or JSON ([`Error::Malformed`]).
    #[inline(always)]
    pub(crate) fn read(segment: &str, buf: &'a mut Decoded<0>) -> Result<Self, Error> {
        if let Some(&(_, access)) = KNOWN.iter().find(|(known, _)| *known == segment) {
            return Ok(Self::known(access));
        }
        Self::read_text(buf.text(segment, TokenPart::Header)?)
    }

    /// Reads a header's JSON text.
    ///
    /// # Errors
    /// Malformed JSON ([`Error::Malformed`]).
    pub(crate) fn read_text(text: &'a str) -> Result<Self, Error> {
        let mut header = Header::default();
        let mut findings = Findings::default();
        json::object(
            text,
            &mut findings,
            &["alg", "typ", "cty", "twr", "crit"],
            |index, _, r, findings| {
                match index {
                    Some(0) => header.alg = str_field(r, findings)?,
                    Some(1) => header.typ = str_field(r, findings)?,
                    Some(2) => header.cty = str_field(r, findings)?,
                    Some(3) if r.peek()? == Kind::Null => {
                        r.null()?;
                        header.twr = Field::Present(None);
                    }
                    Some(3) => {
                        header.twr = match str_field(r, findings)? {
                            Field::Present(s) => Field::Present(Some(s)),
                            Field::Invalid(found) => Field::Invalid(found),
                            Field::Missing => Field::Missing,
                        }
                    }
                    Some(_) => {
                        header.crit = true;
                        json::skip(r, findings, 0)?;
                    }
                    None => json::skip(r, findings, 0)?,
                }
                Ok(())
            },
        )
        .map_err(|e| e.into_error(text, TokenPart::Header))?;
        header.duplicate = findings.duplicate;
        Ok(header)
    }

    /// A header the official libraries write, of an Access Token or not.
    fn known(access: bool) -> Self {
        Header {
            alg: Field::Present(Cow::Borrowed("HS256")),
            typ: Field::Present(Cow::Borrowed("JWT")),
            cty: match access {
                true => Field::Present(Cow::Borrowed(ACCESS_CTY)),
                false => Field::Missing,
            },
            ..Header::default()
        }
    }

    /// Whether the header marks an Access Token: its `cty` is Twilio's Access Token type
    /// `twilio-fpa`, of any version, in any spelling a media type allows (letters in any case,
    /// spaces, the `application/` prefix a `cty` without one implies). The Access Token verifier
    /// accepts `twilio-fpa;v=1` alone, as written; the capability verifier refuses every one of
    /// them, so that no token whose header names the other kind is read as a capability token.
    pub(crate) fn is_access(&self) -> bool {
        matches!(&self.cty, Field::Present(cty) if names_access_type(cty))
    }

    /// The checks every header gets, of either kind: no key twice, `alg` exactly `HS256`, no
    /// `crit`.
    ///
    /// # Errors
    /// The first check that fails.
    pub(crate) fn check_common(&mut self) -> Result<(), Error> {
        if let Some(key) = self.duplicate.take() {
            return Err(Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Header,
                key,
            }));
        }
        let invalid_alg = |found: &str| Error::InvalidHeader {
            member: "alg",
            expected: "the string `HS256`",
            found: found.to_owned(),
        };
        match &self.alg {
            Field::Present(alg) if alg == "HS256" => {}
            Field::Present(alg) => {
                return Err(Error::UnsupportedAlgorithm {
                    alg: alg.to_string(),
                })
            }
            Field::Missing => return Err(invalid_alg("missing")),
            Field::Invalid(found) => return Err(invalid_alg(found)),
        }
        if self.crit {
            return Err(Error::CriticalHeader);
        }
        Ok(())
    }
}

/// Whether `cty` is the media type `twilio-fpa`, of any version: compared as a media type is,
/// without ASCII case, without whitespace, with or without `application/`.
fn names_access_type(cty: &str) -> bool {
    if cty == ACCESS_CTY {
        return true;
    }
    // The first characters only, which hold `application/twilio-fpa` and what follows it: the
    // cost of a long `cty` stays that of reading it.
    let squeezed: String = cty
        .chars()
        .filter(|c| !c.is_whitespace())
        .take("application/twilio-fpa;".len())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let subtype = squeezed.strip_prefix("application/").unwrap_or(&squeezed);
    subtype
        .strip_prefix("twilio-fpa")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(';'))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;

    fn read(json: &str) -> Header<'static> {
        let segment = URL_SAFE_NO_PAD.encode(json);
        let mut buf = Decoded::<0>::default();
        let header = Header::read(&segment, &mut buf).unwrap();
        // Owned again, so that the buffer can go.
        Header {
            alg: own(header.alg),
            typ: own(header.typ),
            cty: own(header.cty),
            twr: match header.twr {
                Field::Present(twr) => Field::Present(twr.map(|s| Cow::Owned(s.into_owned()))),
                Field::Invalid(found) => Field::Invalid(found),
                Field::Missing => Field::Missing,
            },
            crit: header.crit,
            duplicate: header.duplicate,
        }
    }

    fn own(field: Field<Cow<'_, str>>) -> Field<Cow<'static, str>> {
        match field {
            Field::Present(s) => Field::Present(Cow::Owned(s.into_owned())),
            Field::Invalid(found) => Field::Invalid(found),
            Field::Missing => Field::Missing,
        }
    }

    #[test]
    fn the_known_headers_read_as_they_are() {
        for (segment, access) in KNOWN {
            let json = String::from_utf8(URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap();
            let read = read(&json);
            let known = Header::known(access);
            assert_eq!(
                (read.alg, read.typ, read.cty, read.twr, read.crit),
                (known.alg, known.typ, known.cty, known.twr, known.crit),
                "{json}"
            );
            assert_eq!(read.duplicate, None);
        }
    }

    #[test]
    fn members_are_typed_and_repeats_found() {
        let h = read(r#"{"alg":"none","typ":1e400,"cty":null,"twr":null,"crit":[],"x":{}}"#);
        assert_eq!(h.alg, Field::Present(Cow::Borrowed("none")));
        assert_eq!(h.typ, Field::Invalid("a number"));
        assert_eq!(h.cty, Field::Invalid("null"));
        assert_eq!(h.twr, Field::Present(None));
        assert!(h.crit);
        let h = read(r#"{"alg":"HS256","\u0061lg":"HS256"}"#);
        assert_eq!(h.duplicate.as_deref(), Some("alg"));
    }
}
