//! The URL a webhook was signed with: its checks, its port variants and its `bodySHA256`.

use std::borrow::Cow;

use super::{WebhookError, MAX_URL_LEN};

/// Refuses a URL the signature cannot be checked against: longer than [`MAX_URL_LEN`], not
/// starting with `http://` or `https://` (ASCII case ignored), or with no host.
pub(crate) fn check(url: &str) -> Result<(), WebhookError> {
    if url.len() > MAX_URL_LEN {
        return Err(WebhookError::UrlTooLong { len: url.len() });
    }
    let parts = split(url).ok_or(WebhookError::InvalidUrl(
        "it does not start with http:// or https://",
    ))?;
    if parts.host.is_empty() {
        return Err(WebhookError::InvalidUrl("it has no host"));
    }
    Ok(())
}

/// A URL cut where the port variants need it; `scheme` includes `://`, `userinfo` its `@`,
/// `port` its `:`.
pub(crate) struct Parts<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) userinfo: &'a str,
    pub(crate) host: &'a str,
    pub(crate) port: &'a str,
    pub(crate) rest: &'a str,
}

/// Splits an `http`/`https` URL as twilio-node's `splitUrl` does, without normalizing
/// anything: the signed URL is compared byte for byte. The authority ends at the first `/`, `?`
/// or `#`; the userinfo ends at its last `@`; a `:` starts the port only after an IPv6
/// literal's `]`.
pub(crate) fn split(url: &str) -> Option<Parts<'_>> {
    let scheme_len = if url.get(..7)?.eq_ignore_ascii_case("http://") {
        7
    } else if url.get(..8)?.eq_ignore_ascii_case("https://") {
        8
    } else {
        return None;
    };
    let after = &url[scheme_len..];
    let authority_len = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..authority_len];
    let userinfo_len = authority.rfind('@').map_or(0, |at| at + 1);
    let host_port = &authority[userinfo_len..];
    let bracket = host_port.rfind(']').map_or(0, |at| at + 1);
    let port_start = host_port[bracket..]
        .find(':')
        .map_or(host_port.len(), |at| bracket + at);
    Some(Parts {
        scheme: &url[..scheme_len],
        userinfo: &authority[..userinfo_len],
        host: &host_port[..port_start],
        port: &host_port[port_start..],
        rest: &after[authority_len..],
    })
}

/// The URL without its port (any port, as both official libraries remove it): borrowed when it
/// has none, as the URL configured in the Twilio Console usually has, so that the usual request
/// costs no allocation.
pub(crate) fn without_port(url: &str) -> Cow<'_, str> {
    match split(url) {
        Some(p) if !p.port.is_empty() => {
            Cow::Owned([p.scheme, p.userinfo, p.host, p.rest].concat())
        }
        _ => Cow::Borrowed(url),
    }
}

/// The URL with the scheme's default port when it has none (`:443` for https, `:80`
/// otherwise); the URL itself when it has one.
pub(crate) fn with_default_port(url: &str) -> Cow<'_, str> {
    match split(url) {
        Some(p) if p.port.is_empty() => {
            let default = if p.scheme.len() == 8 { ":443" } else { ":80" };
            Cow::Owned([p.scheme, p.userinfo, p.host, default, p.rest].concat())
        }
        _ => Cow::Borrowed(url),
    }
}

/// The first `bodySHA256` of the URL's query (the query ends at `#`), percent-decoded, as
/// twilio-python's `parse_qs(...)["bodySHA256"][0]` and twilio-node's
/// `searchParams.get("bodySHA256")` read it.
pub(crate) fn body_sha256(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "bodySHA256")
        .map(|(_, value)| value.into_owned())
}
