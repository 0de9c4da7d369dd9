//! The claims of both kinds of token: the registered ones (RFC 7519) read here, each kind's own
//! (`scope`, `grants`) by the kind, in one pass of the one reader.

use std::borrow::Cow;

use crate::error::{Error, TokenPart};
use crate::jwt::json::{self, date_field, str_field, Field, Findings, Reader};
use crate::limits::check_lifetime;

/// The registered claims the verifiers read; the others are skipped.
const REGISTERED: [&str; 6] = ["iss", "sub", "jti", "exp", "nbf", "iat"];

/// The registered claims of a token, as found.
#[derive(Debug, Default)]
pub(crate) struct Registered<'a> {
    pub(crate) iss: Field<Cow<'a, str>>,
    pub(crate) sub: Field<Cow<'a, str>>,
    pub(crate) jti: Field<Cow<'a, str>>,
    pub(crate) exp: Field<u64>,
    pub(crate) nbf: Field<u64>,
    pub(crate) iat: Field<u64>,
}

/// Reads a payload's JSON text: the registered claims, and the kind's `own` claims, whose values
/// `read_own` reads (it gets the index of the key in `own`). Repeated keys and other problems go
/// to `findings`.
///
/// # Errors
/// Malformed JSON, or too many members ([`Error::Malformed`]).
#[inline]
pub(crate) fn read<'a>(
    text: &'a str,
    findings: &mut Findings,
    own: &[&str],
    mut read_own: impl FnMut(usize, &mut Reader<'a>, &mut Findings) -> json::Result<()>,
) -> Result<Registered<'a>, Error> {
    let mut known = [""; REGISTERED.len() + 2];
    known[..REGISTERED.len()].copy_from_slice(&REGISTERED);
    known[REGISTERED.len()..][..own.len()].copy_from_slice(own);
    let known = &known[..REGISTERED.len() + own.len()];
    let mut claims = Registered::default();
    json::object(text, findings, known, |index, _, r, findings| {
        match index {
            Some(0) => claims.iss = str_field(r, findings)?,
            Some(1) => claims.sub = str_field(r, findings)?,
            Some(2) => claims.jti = str_field(r, findings)?,
            Some(3) => claims.exp = date_field(r, findings)?,
            Some(4) => claims.nbf = date_field(r, findings)?,
            Some(5) => claims.iat = date_field(r, findings)?,
            Some(i) => read_own(i - REGISTERED.len(), r, findings)?,
            None => json::skip(r, findings, 0)?,
        }
        Ok(())
    })
    .map_err(|e| e.into_error(text, TokenPart::Payload))?;
    Ok(claims)
}

/// The times of a token: `exp`, and `nbf` and `iat` when it has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) expires_at: u64,
    pub(crate) not_before: Option<u64>,
    pub(crate) issued_at: Option<u64>,
}

impl Registered<'_> {
    /// The times: `exp` required, `nbf` and `iat` optional, each an integer from 0 to 2^53 − 1.
    ///
    /// # Errors
    /// [`Error::MissingClaim`] or [`Error::InvalidClaim`], in the order `exp`, `nbf`, `iat`.
    pub(crate) fn times(&mut self) -> Result<Times, Error> {
        Ok(Times {
            expires_at: std::mem::take(&mut self.exp).required("exp")?,
            not_before: std::mem::take(&mut self.nbf).optional("nbf")?,
            issued_at: std::mem::take(&mut self.iat).optional("iat")?,
        })
    }
}

impl Times {
    /// The lifetime rule at `now` with `leeway` seconds.
    ///
    /// # Errors
    /// [`Error::Expired`] or [`Error::NotYetValid`].
    pub(crate) fn check(&self, now: u64, leeway: u64) -> Result<(), Error> {
        check_lifetime(self.expires_at, self.not_before, now, leeway)
    }
}
