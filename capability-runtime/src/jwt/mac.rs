//! HMAC-SHA256 (RFC 2104) kept as its two keyed midstates, over `sha2`'s block function.
//!
//! `HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m))`. The key blocks are compressed once; what
//! is kept is the SHA-256 state after each of them. Written here rather than taken from the
//! `hmac` crate because a measurement requires it: a midstate can go on absorbing (a `Signer`
//! keeps the inner state after the constant blocks of its tokens and compresses only the last
//! one or two per token, an `ApiKey` the states after the first blocks of its tokens), and
//! cloning a keyed `Hmac` that has absorbed the same blocks copies its block buffers and goes
//! through the generic update, which measured slower (`docs/performance.md`). The message is
//! compressed in place, without a block buffer. Checked against the `hmac` crate in the tests
//! below.

use sha2::block_api::compress256;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use crate::limits::TAG_LEN;

/// The state of SHA-256 between blocks.
pub(crate) type State = [u32; 8];

/// The length of a SHA-256 block.
pub(crate) const BLOCK_LEN: usize = 64;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: State = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// An HMAC-SHA256 key: the SHA-256 states after the inner and the outer key block. As secret as
/// the key itself; wiped on drop.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: State,
    outer: State,
}

impl HmacKey {
    /// Keys HMAC-SHA256 with `key` (of any length: keys longer than a block are hashed first).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK_LEN];
        if key.len() > BLOCK_LEN {
            block[..32].copy_from_slice(&digest(&hash(IV, 0, key)));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let (mut inner, mut outer) = (IV, IV);
        block.iter_mut().for_each(|b| *b ^= 0x36);
        compress256(&mut inner, &[block]);
        block.iter_mut().for_each(|b| *b ^= 0x36 ^ 0x5c);
        compress256(&mut outer, &[block]);
        block.zeroize();
        Self { inner, outer }
    }

    /// The inner state after the key block and `blocks` of the message.
    pub(crate) fn inner_after(&self, blocks: &[[u8; BLOCK_LEN]]) -> State {
        let mut state = self.inner;
        compress256(&mut state, blocks);
        state
    }

    /// The tag of `message`.
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; TAG_LEN] {
        self.outer_tag(&hash(self.inner, BLOCK_LEN, message))
    }

    /// The tag of a message whose first `absorbed` bytes (whole blocks) the inner state
    /// `inner` (from [`inner_after`](Self::inner_after)) has absorbed, and whose other bytes are
    /// `rest`.
    pub(crate) fn tag_after(&self, inner: &State, absorbed: usize, rest: &[u8]) -> [u8; TAG_LEN] {
        self.outer_tag(&hash(*inner, BLOCK_LEN + absorbed, rest))
    }

    /// The tag, given the inner hash's final state: the outer hash over it, one block.
    pub(crate) fn outer_tag(&self, inner: &State) -> [u8; TAG_LEN] {
        // The 32-byte inner hash, 0x80, zeros, and the length of key block + hash in bits.
        let mut block = [0u8; BLOCK_LEN];
        for (bytes, word) in block.chunks_exact_mut(4).zip(inner) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        block[32] = 0x80;
        block[BLOCK_LEN - 8..].copy_from_slice(&(((BLOCK_LEN + 32) * 8) as u64).to_be_bytes());
        let mut outer = self.outer;
        compress256(&mut outer, &[block]);
        digest(&outer)
    }
}

#[cfg(test)]
impl HmacKey {
    /// The outer state, for tests that check it is shown nowhere.
    pub(crate) fn outer_state(&self) -> State {
        self.outer
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// An HMAC key and the inner state after one known first block of message: a message that
/// starts with that block is hashed from there, one block fewer. As secret as the key; wiped
/// on drop.
#[derive(Clone)]
pub(crate) struct KeyAfterBlock {
    hmac: HmacKey,
    block: [u8; BLOCK_LEN],
    after_block: State,
}

impl KeyAfterBlock {
    /// `hmac`, and its state after `block`.
    pub(crate) fn new(hmac: HmacKey, block: [u8; BLOCK_LEN]) -> Self {
        Self {
            after_block: hmac.inner_after(&[block]),
            block,
            hmac,
        }
    }

    /// The HMAC key itself.
    pub(crate) fn hmac(&self) -> &HmacKey {
        &self.hmac
    }

    /// What follows the block, when `message` starts with it.
    pub(crate) fn after<'m>(&self, message: &'m [u8]) -> Option<&'m [u8]> {
        message.strip_prefix(&self.block[..])
    }

    /// The tag of the block followed by `rest`.
    pub(crate) fn tag_after_block(&self, rest: &[u8]) -> [u8; TAG_LEN] {
        self.hmac.tag_after(&self.after_block, BLOCK_LEN, rest)
    }

    /// The tag of `message`: from the state after the block when it starts with it.
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; TAG_LEN] {
        match self.after(message) {
            Some(rest) => self.tag_after_block(rest),
            None => self.hmac.tag(message),
        }
    }
}

impl Drop for KeyAfterBlock {
    fn drop(&mut self) {
        // `hmac` wipes itself.
        self.after_block.zeroize();
    }
}

/// The first [`BLOCK_LEN`] bytes of `text` (at least that long) as a block.
pub(crate) fn first_block(text: &[u8]) -> [u8; BLOCK_LEN] {
    let mut block = [0u8; BLOCK_LEN];
    block.copy_from_slice(&text[..BLOCK_LEN]);
    block
}

/// Whether `a` and `b` are equal, in a time that depends on their lengths only: the differences
/// of all bytes are gathered without a branch, then tested once by `subtle`, which keeps the
/// compiler from testing early; byte by byte, `subtle` measured slower for a tag.
pub(crate) fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    let words = a_words.iter().zip(b_words).fold(0u64, |d, (x, y)| {
        d | (u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y))
    });
    let rest = a_rest
        .iter()
        .zip(b_rest)
        .fold(0u64, |d, (x, y)| d | u64::from(x ^ y));
    (words | rest).ct_eq(&0).into()
}

/// The last one or two blocks of a message: its last bytes (fewer than a block) and SHA-256's
/// padding.
pub(crate) type LastBlocks = [[u8; BLOCK_LEN]; 2];

/// Pads and compresses the last blocks of a message of `message_len` bytes into `state`:
/// `blocks` starts with the message's last `tail_len` bytes, the rest of it zero.
pub(crate) fn pad_and_compress(
    state: &mut State,
    blocks: &mut LastBlocks,
    tail_len: usize,
    message_len: usize,
) {
    // 0x80, zeros, and the length in bits: one block, or two when the tail leaves fewer than 9
    // bytes.
    let n = if tail_len + 9 <= BLOCK_LEN { 1 } else { 2 };
    let flat = blocks.as_flattened_mut();
    debug_assert!(flat[tail_len..].iter().all(|&b| b == 0));
    flat[tail_len] = 0x80;
    let bits = (message_len as u64).wrapping_mul(8);
    flat[n * BLOCK_LEN - 8..n * BLOCK_LEN].copy_from_slice(&bits.to_be_bytes());
    compress256(state, &blocks[..n]);
}

/// The final state of a SHA-256 that has absorbed `absorbed` bytes (whole blocks) into `state`,
/// then `rest`.
fn hash(mut state: State, absorbed: usize, rest: &[u8]) -> State {
    let (blocks, tail) = rest.as_chunks::<BLOCK_LEN>();
    compress256(&mut state, blocks);
    let mut last = [[0u8; BLOCK_LEN]; 2];
    last.as_flattened_mut()[..tail.len()].copy_from_slice(tail);
    pad_and_compress(&mut state, &mut last, tail.len(), absorbed + rest.len());
    state
}

/// The digest of a final state: its words, big-endian.
fn digest(state: &State) -> [u8; 32] {
    let mut digest = [0u8; 32];
    for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};

    fn reference(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn equality_in_constant_time_is_equality() {
        let a = bytes(43, 1);
        for len in 0..43 {
            assert!(equal_in_constant_time(&a[..len], &a[..len]));
            assert!(!equal_in_constant_time(&a[..len], &a[..len + 1]));
            for i in 0..len {
                for bit in 0..8 {
                    let mut b = a[..len].to_vec();
                    b[i] ^= 1 << bit;
                    assert!(!equal_in_constant_time(&a[..len], &b), "{len} {i} {bit}");
                }
            }
        }
    }

    /// Deterministic bytes of any length.
    fn bytes(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn sha256_matches_sha2_at_every_length_around_the_block_boundaries() {
        for len in 0..=300 {
            let message = bytes(len, 7);
            assert_eq!(
                digest(&hash(IV, 0, &message)),
                <[u8; 32]>::from(Sha256::digest(&message)),
                "{len}"
            );
        }
    }

    #[test]
    fn hmac_matches_the_hmac_crate_for_any_key_and_message_length() {
        for key_len in [0, 1, 31, 32, 63, 64, 65, 100, 200] {
            let key = bytes(key_len, 3);
            let hmac_key = HmacKey::new(&key);
            for len in (0..=200).chain([1000, 16_384]) {
                let message = bytes(len, 11);
                let expected = reference(&key, &message);
                assert_eq!(hmac_key.tag(&message), expected, "{key_len} {len}");
                // Resuming from a midstate after any number of whole blocks.
                let whole = len / BLOCK_LEN;
                for split in [0, whole / 2, whole] {
                    let (blocks, _) = message[..split * BLOCK_LEN].as_chunks::<BLOCK_LEN>();
                    let inner = hmac_key.inner_after(blocks);
                    let rest = &message[split * BLOCK_LEN..];
                    let inner = hash(inner, BLOCK_LEN + split * BLOCK_LEN, rest);
                    assert_eq!(hmac_key.outer_tag(&inner), expected);
                }
            }
        }
    }
}
