//! The base64url engine of signing and verifying: RFC 4648 §5, no padding, strict (padding and
//! non-canonical trailing bits are errors). SIMD where the CPU has it, built once.

use base64::engine::general_purpose::NO_PAD;
use base64::Engine as _;

#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) static BASE64URL: std::sync::LazyLock<base64::engine::Simd> =
    std::sync::LazyLock::new(|| base64::engine::Simd::url_safe(NO_PAD));

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
)))]
pub(crate) static BASE64URL: std::sync::LazyLock<base64::engine::GeneralPurpose> =
    std::sync::LazyLock::new(|| {
        base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, NO_PAD)
    });

/// Appends the base64url of `bytes` (at most 96) to `out`, without allocating.
pub(crate) fn push_encoded(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 128];
    let len = BASE64URL.encode_slice(bytes, &mut buf).unwrap_or(0);
    debug_assert_eq!(len, (bytes.len() * 4).div_ceil(3));
    // base64url is ASCII: this never fails.
    out.push_str(std::str::from_utf8(&buf[..len]).unwrap_or_default());
}
