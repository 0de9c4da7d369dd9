//! The limits every token obeys, of either kind, signed or verified: its length, its lifetime,
//! and the one rule that decides whether a token is expired or not yet valid.
//!
//! Always compiled: the policy builders check TTLs and sizes without the `jwt` feature.

use std::time::Duration;

use crate::error::Error;

/// The longest token `verify_at` decodes, in bytes; longer input is rejected before any work.
/// The policy builders refuse a policy whose tokens would be longer.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The most parameters an Access Token's outgoing application carries (`voice.outgoing.params`).
///
/// Twilio passes them to the TwiML application with each call; the official libraries' tokens
/// carry a handful. The builders and `access_token!` refuse a policy with more, and the verifiers
/// and `inspect_at` refuse a token with more after reading this many: each
/// parameter costs a reader more than the bytes it takes, and a token of many one-byte
/// parameters would otherwise cost many times one of the same length.
pub const MAX_OUTGOING_PARAMS: usize = 64;

/// The length of an HMAC-SHA256 tag, the signature of every token, in bytes.
pub(crate) const TAG_LEN: usize = 32;
/// The length of its base64url.
pub(crate) const TAG_B64_LEN: usize = b64_len(TAG_LEN);

/// The length of the unpadded base64url of `n` bytes.
pub(crate) const fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// The TTL of a policy that does not set one: one hour, as in every official library.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// The shortest TTL: one second.
pub const MIN_TTL: Duration = Duration::from_secs(1);
/// The longest TTL Twilio accepts: 24 hours.
pub const MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// The largest `exp` a token carries: 2^53 − 1, the largest integer every JSON reader holds
/// exactly. Signing clamps to it rather than wrap or panic; a larger `exp`, `nbf` or `iat` is a
/// claim of the wrong type to the verifiers.
pub const MAX_EXP: u64 = (1 << 53) - 1;
/// The number of decimal digits of [`MAX_EXP`], the longest expiry.
pub(crate) const MAX_EXP_DIGITS: usize = 16;
const _: () = assert!(MAX_EXP >= 10u64.pow(MAX_EXP_DIGITS as u32 - 1));
const _: () = assert!(MAX_EXP < 10u64.pow(MAX_EXP_DIGITS as u32));

/// The TTL rule: whole seconds, from 1 s to 24 h.
pub(crate) fn check_ttl(ttl: Duration) -> Result<(), Error> {
    if ttl.subsec_nanos() != 0 || ttl < MIN_TTL || ttl > MAX_TTL {
        return Err(Error::InvalidTtl(ttl));
    }
    Ok(())
}

/// The size rule: a policy whose tokens would be `token_len` bytes long at the most is refused
/// when they would be longer than [`MAX_TOKEN_LEN`], which the verifiers decode.
pub(crate) fn check_token_len(token_len: usize) -> Result<(), Error> {
    if token_len > MAX_TOKEN_LEN {
        return Err(Error::PolicyTooLarge {
            token_len,
            max: MAX_TOKEN_LEN,
        });
    }
    Ok(())
}

#[cfg(feature = "jwt")]
/// The expiry of a token issued at `issued_at` for `ttl` seconds: clamped to [`MAX_EXP`], never
/// wrapped.
pub(crate) fn expiry(issued_at: u64, ttl: u64) -> u64 {
    issued_at.saturating_add(ttl).min(MAX_EXP)
}

#[cfg(feature = "jwt")]
/// A leeway in whole seconds: fractions round up.
pub(crate) fn whole_seconds(leeway: Duration) -> u64 {
    leeway
        .as_secs()
        .saturating_add(u64::from(leeway.subsec_nanos() > 0))
}

#[cfg(feature = "jwt")]
/// The lifetime rule, for both kinds of token and for `inspect`: at `now`, with clocks allowed to
/// disagree by `leeway` seconds, a token is accepted from `nbf - leeway` (from any time without
/// an `nbf`) until `exp + leeway - 1`, with no end when `exp + leeway` is past `u64::MAX`.
///
/// # Errors
/// [`Error::Expired`] first, then [`Error::NotYetValid`]: a token whose `nbf` is past its `exp`
/// is valid only where the two windows the leeway opens overlap (never without a leeway, nor
/// when `nbf` is `2 × leeway` or more past `exp`), and is called expired once its end has passed.
pub(crate) fn check_lifetime(
    exp: u64,
    nbf: Option<u64>,
    now: u64,
    leeway: u64,
) -> Result<(), Error> {
    if exp.checked_add(leeway).is_some_and(|end| now >= end) {
        return Err(Error::Expired {
            expired_at: exp,
            now,
        });
    }
    match nbf {
        Some(nbf) if now.saturating_add(leeway) < nbf => Err(Error::NotYetValid {
            not_before: nbf,
            now,
        }),
        _ => Ok(()),
    }
}

#[cfg(feature = "jwt")]
/// Seconds since the Unix epoch by the system clock.
pub(crate) fn now() -> Result<u64, Error> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| Error::Clock)
}

#[cfg(all(test, feature = "jwt"))]
mod tests {
    use super::*;

    /// Every boundary of the rule: the verifiers and `inspect` call this one function, and
    /// `tests/lifetime.rs` checks that both kinds of token get these verdicts.
    #[test]
    fn the_boundaries() {
        let expired = |exp, nbf, now, leeway| {
            matches!(
                check_lifetime(exp, nbf, now, leeway),
                Err(Error::Expired { .. })
            )
        };
        let early = |exp, nbf, now, leeway| {
            matches!(
                check_lifetime(exp, nbf, now, leeway),
                Err(Error::NotYetValid { .. })
            )
        };
        for leeway in [0, 1, 60] {
            // exp = 0: expired from `leeway` on.
            assert_eq!(expired(0, None, 0, leeway), leeway == 0);
            if leeway > 0 {
                assert!(check_lifetime(0, None, leeway - 1, leeway).is_ok());
            }
            assert!(expired(0, None, leeway, leeway));
            // The last second and the first second after.
            assert!(check_lifetime(1000, None, 1000 + leeway - 1, leeway).is_ok());
            assert!(expired(1000, None, 1000 + leeway, leeway));
            // `exp + leeway` past u64::MAX: no end.
            assert_eq!(
                check_lifetime(u64::MAX - leeway / 2, None, u64::MAX, leeway).is_ok(),
                leeway > 0
            );
            assert!(check_lifetime(u64::MAX, None, u64::MAX - 1, leeway).is_ok());
            // nbf: accepted from `nbf - leeway`.
            assert!(early(2000, Some(1000), 1000 - leeway - 1, leeway));
            assert!(check_lifetime(2000, Some(1000), 1000 - leeway, leeway).is_ok());
            // nbf = exp: valid only within the leeway around that second.
            assert_eq!(
                check_lifetime(1000, Some(1000), 1000, leeway).is_ok(),
                leeway > 0
            );
            // nbf > exp: never valid; expired once the end has passed, early before.
            assert!(early(1000, Some(1000 + 2 * leeway + 10), 1000 - 1, leeway));
            assert!(expired(1000, Some(5000), 1000 + leeway, leeway));
            // nbf past exp by less than twice the leeway: valid where the windows overlap.
            assert_eq!(
                check_lifetime(1000, Some(1000 + leeway), 1000, leeway).is_ok(),
                leeway > 0
            );
            // By twice the leeway: valid at no time.
            assert!((0..1000 + 3 * leeway).all(|now| check_lifetime(
                1000,
                Some(1000 + 2 * leeway),
                now,
                leeway
            )
            .is_err()));
        }
        // now near u64::MAX and nbf: no overflow.
        assert!(check_lifetime(u64::MAX, Some(u64::MAX), u64::MAX - 1, u64::MAX).is_ok());
    }

    #[test]
    fn the_expiry_is_clamped_and_leeways_round_up() {
        assert_eq!(expiry(u64::MAX, 3600), MAX_EXP);
        assert_eq!(expiry(MAX_EXP - 1, 3600), MAX_EXP);
        assert_eq!(expiry(1000, 3600), 4600);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::MAX), u64::MAX);
    }
}
