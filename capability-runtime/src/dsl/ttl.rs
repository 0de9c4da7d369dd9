//! Durations: the `ttl` literal of both grammars (`600s`, `10m`, `1h30m`), read into seconds and
//! checked by the runtime's TTL rule.

use std::time::Duration;

use super::ast::TtlLit;
use crate::limits::check_ttl;

/// The units of a TTL, largest first, with their length in seconds.
const UNITS: [(&str, u64); 3] = [("h", 3600), ("m", 60), ("s", 1)];

/// The number of seconds a `ttl` literal stands for, checked by the runtime's `check_ttl`; or the
/// message saying what is wrong.
pub fn ttl_seconds(lit: &TtlLit) -> Result<u64, String> {
    let text = &lit.text;
    if ["0x", "0o", "0b"].iter().any(|p| text.starts_with(p)) {
        return Err(format!(
            "write the TTL `{text}` in decimal, such as `600s` or `10m`"
        ));
    }
    if lit.suffix.is_empty() {
        return Err(format!(
            "the TTL `{text}` has no unit\nhelp: write `{}s` for seconds (the units are `s`, `m` and `h`)",
            lit.digits
        ));
    }
    let overflow = || {
        format!("the TTL `{text}` is too large to count in seconds\nhelp: the longest TTL is `24h`")
    };
    let mut total: u64 = 0;
    let mut number = lit.digits.clone();
    let mut rest = lit.suffix.as_str();
    let mut previous: Option<usize> = None;
    loop {
        let end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (unit, tail) = rest.split_at(end);
        let Some(index) = UNITS.iter().position(|&(u, _)| u == unit) else {
            let lower = unit.to_ascii_lowercase();
            if UNITS.iter().any(|&(u, _)| u == lower) {
                return Err(format!(
                    "the unit `{unit}` of the TTL `{text}` is written in lowercase\nhelp: write `{}`",
                    text.replace(unit, &lower)
                ));
            }
            return Err(format!(
                "unknown unit `{unit}` in the TTL `{text}`; use `s` (seconds), `m` (minutes) or `h` (hours), such as `10m` or `1h30m`"
            ));
        };
        if previous.is_some_and(|p| index <= p) {
            return Err(format!(
                "the units of the TTL `{text}` must go from the largest to the smallest, each at most once, such as `1h30m15s`"
            ));
        }
        previous = Some(index);
        let n: u64 = number.parse().map_err(|_| overflow())?;
        total = n
            .checked_mul(UNITS[index].1)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(overflow)?;
        if tail.is_empty() {
            break;
        }
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        number = tail[..end].replace('_', "");
        rest = &tail[end..];
        if rest.is_empty() {
            let help = match UNITS.get(index + 1) {
                Some((unit, _)) => format!("write `{text}{unit}`"),
                None => "the units are `h`, `m` and `s`, in this order".to_owned(),
            };
            return Err(format!(
                "the number `{number}` at the end of the TTL `{text}` has no unit\nhelp: {help}"
            ));
        }
    }
    if let Err(e) = check_ttl(Duration::from_secs(total)) {
        let help = if total == 0 {
            "the shortest TTL is `1s`"
        } else {
            "the longest TTL is `24h`"
        };
        return Err(format!("`{text}`: {e}\nhelp: {help}"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ttl(text: &str) -> Result<u64, String> {
        let lit: syn::LitInt = syn::parse_str(text).unwrap();
        ttl_seconds(&TtlLit {
            text: lit.to_string(),
            digits: lit.base10_digits().to_owned(),
            suffix: lit.suffix().to_owned(),
            span: lit.span(),
        })
    }

    #[test]
    fn durations() {
        assert_eq!(ttl("600s"), Ok(600));
        assert_eq!(ttl("10m"), Ok(600));
        assert_eq!(ttl("1h"), Ok(3600));
        assert_eq!(ttl("1h30m"), Ok(5400));
        assert_eq!(ttl("1h30m15s"), Ok(5415));
        assert_eq!(ttl("2h15s"), Ok(7215));
        assert_eq!(ttl("1_000s"), Ok(1000));
        assert_eq!(ttl("24h"), Ok(86_400));
        assert_eq!(ttl("23h59m60s"), Ok(86_400));
        assert_eq!(ttl("1s"), Ok(1));
    }

    #[test]
    fn duration_mistakes() {
        assert_eq!(
            ttl("600").unwrap_err(),
            "the TTL `600` has no unit\nhelp: write `600s` for seconds (the units are `s`, `m` and `h`)"
        );
        assert!(ttl("10min")
            .unwrap_err()
            .starts_with("unknown unit `min` in the TTL `10min`"));
        assert!(ttl("10ms").unwrap_err().starts_with("unknown unit `ms`"));
        assert_eq!(
            ttl("1h30").unwrap_err(),
            "the number `30` at the end of the TTL `1h30` has no unit\nhelp: write `1h30m`"
        );
        assert!(ttl("1m30").unwrap_err().ends_with("help: write `1m30s`"));
        assert!(ttl("1s30")
            .unwrap_err()
            .ends_with("help: the units are `h`, `m` and `s`, in this order"));
        assert!(ttl("30m1h")
            .unwrap_err()
            .contains("from the largest to the smallest"));
        assert!(ttl("1m1m")
            .unwrap_err()
            .contains("from the largest to the smallest"));
        assert_eq!(
            ttl("0s").unwrap_err(),
            "`0s`: a TTL of 0 s is not allowed; use from 1 s to 24 h (86400 s)\nhelp: the shortest TTL is `1s`"
        );
        assert_eq!(
            ttl("24h1s").unwrap_err(),
            "`24h1s`: a TTL of 86401 s is not allowed; use from 1 s to 24 h (86400 s)\nhelp: the longest TTL is `24h`"
        );
        let overflow = "is too large to count in seconds\nhelp: the longest TTL is `24h`";
        assert!(ttl("99999999999999999999s")
            .unwrap_err()
            .ends_with(overflow));
        assert!(ttl("9999999999999999999h").unwrap_err().ends_with(overflow));
        assert!(ttl("1h18446744073709551615s")
            .unwrap_err()
            .ends_with(overflow));
        assert!(ttl("0x10s").unwrap_err().contains("in decimal"));
    }
}
