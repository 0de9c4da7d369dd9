//! `Signer`: one policy prepared for one account, signing below the cost of a generic HMAC.

use std::fmt;

use zeroize::Zeroize as _;

use crate::capability::credentials::Credentials;
use crate::capability::policy::Policy;
use crate::capability::sign::PayloadTail;
use crate::capability::wire::{
    payload_tail_len, HEADER_B64, PAYLOAD_END, PAYLOAD_HEAD, PAYLOAD_ISS,
};
use crate::error::Error;
use crate::jwt::base64url::{encode_slice, push_encoded};
use crate::jwt::mac::{pad_and_compress, HmacKey, LastBlocks, State, BLOCK_LEN};
use crate::jwt::token::Token;
use crate::limits::{self, b64_len, expiry, MAX_EXP_DIGITS, TAG_B64_LEN};
use crate::sid::AccountSid;

/// The most bytes of signing input a token adds after the signer's prefix: the base64url of up
/// to 2 leftover bytes, the expiry's digits and `}`.
const TAIL_B64_MAX: usize = b64_len(2 + MAX_EXP_DIGITS + PAYLOAD_END.len());

/// A policy prepared for one account's credentials: signs the same tokens as
/// [`Policy::sign_at`], for a fraction of the cost.
///
/// Every byte a policy's tokens sign is the same from one token to the next, except the expiry
/// at the end of the payload. A `Signer` computes once the token's text up to the expiry, and the
/// HMAC-SHA256 inner state after all of that text's whole 64-byte blocks. Each token then costs
/// the last one or two SHA-256 blocks and the outer one, whatever the size of the policy, and one
/// allocation, the token's text.
///
/// Use one for a policy that signs many tokens: keep it in a `static` (see below) or in the
/// application's state. For a policy used once or a few times, [`Policy::sign_at`] does the same
/// without preparing anything.
///
/// A `Signer` owns everything it needs, is `Send + Sync`, and signs through `&self`, so one
/// value serves every thread. Its key-derived state is as secret as the auth token: it is wiped
/// when the signer is dropped, and `Debug` does not show it.
///
/// ```
/// use std::sync::LazyLock;
/// use capability_runtime::{ClientName, Credentials, Policy, Signer};
///
/// static CREDENTIALS: LazyLock<Credentials> = LazyLock::new(|| {
///     // In an application: the environment, e.g. `std::env::var("TWILIO_AUTH_TOKEN")`.
///     Credentials::new("AC0123456789abcdef0123456789abcdef", "my auth token")
///         .expect("valid credentials")
/// });
/// static ALICE: LazyLock<Signer> = LazyLock::new(|| {
///     let policy = Policy::builder()
///         .incoming(ClientName::from_static("Alice"))
///         .build()
///         .expect("a valid policy");
///     policy.signer(&CREDENTIALS)
/// });
///
/// let token = ALICE.sign_at(1_700_000_000);
/// let policy = Policy::builder().incoming(ClientName::new("Alice")?).build()?;
/// assert_eq!(token, policy.sign_at(&CREDENTIALS, 1_700_000_000));
/// assert!(!format!("{:?}", *ALICE).contains("my auth token"));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    /// The token's text up to the expiry: the header, `.`, and the base64url of the payload's
    /// whole 3-byte quanta before the expiry.
    prefix: Box<str>,
    /// The payload bytes after those quanta (0 to 2), encoded with the expiry.
    rest: ([u8; 2], usize),
    /// The HMAC's inner SHA-256 state after the key block and the prefix's whole 64-byte blocks.
    inner: State,
    /// How many bytes that state has absorbed: the key block and those whole blocks.
    absorbed: usize,
    /// The prefix's bytes after its whole blocks (`pending` of them, fewer than a block), where
    /// each token's last blocks start, zeros after them.
    last: LastBlocks,
    pending: usize,
    /// The HMAC key, for the outer hash.
    key: HmacKey,
    ttl: u64,
    account_sid: AccountSid,
}

impl Policy {
    /// Prepares this policy for signing many tokens with `credentials`; see [`Signer`].
    ///
    /// ```
    /// use capability_runtime::{ClientName, Credentials, Policy};
    ///
    /// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "secret")?;
    /// let policy = Policy::builder().incoming(ClientName::new("Alice")?).build()?;
    /// let signer = policy.signer(&credentials);
    /// assert_eq!(signer.sign_at(1_700_000_000), policy.sign_at(&credentials, 1_700_000_000));
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn signer(&self, credentials: &Credentials) -> Signer {
        let issuer = credentials.issuer_b64(payload_tail_len(self.scope_len()));

        let scope_len = self.scope_len();
        // The exact length: one allocation, which the boxed prefix keeps.
        let policy_part = PAYLOAD_HEAD.len() + scope_len + PAYLOAD_ISS.len();
        let prefix = self.unsigned_prefix(
            HEADER_B64.len()
                + 1
                + (policy_part - payload_tail_len(scope_len)) / 3 * 4
                + issuer.b64.len(),
            issuer,
        );
        let (blocks, pending) = prefix.as_bytes().as_chunks::<BLOCK_LEN>();
        let mut last = [[0u8; BLOCK_LEN]; 2];
        last.as_flattened_mut()[..pending.len()].copy_from_slice(pending);
        let key = credentials.key().hmac().clone();
        Signer {
            inner: key.inner_after(blocks),
            absorbed: BLOCK_LEN + blocks.len() * BLOCK_LEN,
            last,
            pending: pending.len(),
            key,
            prefix: prefix.into_boxed_str(),
            rest: issuer.rest,
            ttl: self.ttl_secs(),
            account_sid: *credentials.account_sid(),
        }
    }
}

impl Signer {
    /// Signs a token issued at `issued_at` (Unix seconds), valid until `issued_at + ttl`: the
    /// same bytes as [`Policy::sign_at`].
    ///
    /// Never panics: an expiry past [`MAX_EXP`](crate::MAX_EXP) is clamped to it. Makes one
    /// allocation, the token's text.
    pub fn sign_at(&self, issued_at: u64) -> Token {
        let expires_at = expiry(issued_at, self.ttl);
        let (rest, rest_len) = self.rest;
        let tail = PayloadTail::new(&rest[..rest_len], expires_at);
        let mut tail_b64 = [0u8; TAIL_B64_MAX];
        let tail_b64_len = encode_slice(tail.as_bytes(), &mut tail_b64);
        let tail_b64 = &tail_b64[..tail_b64_len];

        // The signing input's last blocks: the prefix's pending bytes, then the encoded tail.
        let mut last = self.last;
        let end = self.pending + tail_b64.len();
        last.as_flattened_mut()[self.pending..end].copy_from_slice(tail_b64);
        // The copy of the midstate becomes the inner hash as it is compressed: nothing of it is
        // left to wipe.
        let mut inner = self.inner;
        pad_and_compress(&mut inner, &mut last, end, self.absorbed + end);
        let tag = self.key.outer_tag(&inner);

        let mut text = String::with_capacity(self.prefix.len() + tail_b64.len() + 1 + TAG_B64_LEN);
        text.push_str(&self.prefix);
        // base64url is ASCII: this never fails.
        text.push_str(std::str::from_utf8(tail_b64).unwrap_or_default());
        text.push('.');
        push_encoded(&mut text, &tag);
        Token::new(text, expires_at)
    }

    /// Signs a token issued now by the system clock.
    ///
    /// # Errors
    /// [`Error::Clock`] if the system clock reads before 1970.
    pub fn sign(&self) -> Result<Token, Error> {
        Ok(self.sign_at(limits::now()?))
    }

    /// The account whose credentials sign the tokens: their issuer.
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    /// How long the tokens are valid: the policy's TTL.
    pub fn ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.ttl)
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("account_sid", &self.account_sid)
            .field("ttl", &self.ttl())
            .field("unsigned_prefix", &self.prefix)
            .field("key", &format_args!("[redacted]"))
            .finish()
    }
}

impl Drop for Signer {
    fn drop(&mut self) {
        // `key` wipes itself; the inner state has absorbed the key block.
        self.inner.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_name::ClientName;
    use crate::limits::MAX_EXP;

    fn credentials() -> Credentials {
        Credentials::new("AC0123456789abcdef0123456789abcdef", "signer test key").unwrap()
    }

    /// Times whose expiry (with a TTL of `ttl`) has each number of digits from 1 to 16, at both
    /// ends of the range, and the clamped end of time.
    fn times(ttl: u64) -> Vec<u64> {
        let mut times = vec![0, MAX_EXP - ttl, MAX_EXP, u64::MAX];
        for digits in 1..=16u32 {
            let (low, high) = (10u64.pow(digits - 1), 10u64.pow(digits) - 1);
            times.extend(
                [low, high]
                    .into_iter()
                    .filter_map(|exp| exp.checked_sub(ttl)),
            );
        }
        times
    }

    #[test]
    fn signs_what_sign_at_signs_at_every_alignment_and_expiry_length() {
        let credentials = credentials();
        let mut pending = std::collections::BTreeSet::new();
        let mut two_blocks = [false; 2];
        for len in 1..=121 {
            let name = ClientName::new(&"n".repeat(len)).unwrap();
            for policy in [
                Policy::builder().incoming(name.clone()).build().unwrap(),
                Policy::builder()
                    .incoming(name)
                    .events([("k", "v".repeat(len % 7))])
                    .ttl(std::time::Duration::from_secs(1))
                    .build()
                    .unwrap(),
            ] {
                let signer = policy.signer(&credentials);
                pending.insert(signer.pending);
                for t in times(policy.ttl().as_secs()) {
                    let token = signer.sign_at(t);
                    assert_eq!(token, policy.sign_at(&credentials, t), "{len} {t}");
                    let text = token.into_string();
                    assert_eq!(text.capacity(), text.len());
                    let signing_len = text.rsplit_once('.').unwrap().0.len();
                    // The signing input's bytes in its last blocks.
                    let tail = signing_len + BLOCK_LEN - signer.absorbed;
                    two_blocks[usize::from(tail + 9 > BLOCK_LEN)] = true;
                }
            }
        }
        // Every position of the expiry in the last block, in one block or two. The prefix is the
        // header, a dot and whole base64 quanta of 4 characters: 16 positions in 64.
        assert_eq!(HEADER_B64.len() % 4, 0);
        assert_eq!(pending.len(), BLOCK_LEN / 4);
        assert_eq!(two_blocks, [true, true]);
    }

    #[test]
    fn debug_shows_no_key_derived_state() {
        let signer = Policy::builder()
            .incoming(ClientName::from_static("Alice"))
            .build()
            .unwrap()
            .signer(&credentials());
        let debug = format!("{signer:?}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert!(!debug.contains("signer test key"));
        for word in signer.inner.iter().chain(&signer.key.outer_state()) {
            for shown in [format!("{word}"), format!("{word:x}"), format!("{word:X}")] {
                assert!(!debug.contains(&shown), "{debug} shows {shown}");
            }
        }
    }

    #[test]
    fn a_clone_signs_the_same() {
        let signer = Policy::builder()
            .incoming(ClientName::from_static("Alice"))
            .build()
            .unwrap()
            .signer(&credentials());
        assert_eq!(
            signer.clone().sign_at(1_700_000_000),
            signer.sign_at(1_700_000_000)
        );
        assert_eq!(signer.ttl(), crate::limits::DEFAULT_TTL);
        assert_eq!(
            signer.account_sid().as_str(),
            "AC0123456789abcdef0123456789abcdef"
        );
    }
}
