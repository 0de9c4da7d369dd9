//! Reading the JWT header and claims with serde_json, strictly.
//!
//! The visitors never fail on a claim of the wrong type or a repeated key: they record it, so
//! that the verifier can return a typed [`Error`](crate::Error) rather than a parser message.
//! Unknown members are skipped by [`Skip`], which nests through serde_json's recursion limit, so
//! a depth bomb is an error rather than a long walk.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::wire::MAX_EXP;

/// Any JSON value, read and dropped. Unlike `serde::de::IgnoredAny`, which serde_json skips
/// without a depth limit, it goes through `deserialize_any`, so nesting deeper than serde_json's
/// recursion limit (128) fails.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// A member as found: absent, present with the wrong type (described), or present.
#[derive(Debug, Default)]
pub(crate) enum Field<T> {
    #[default]
    Missing,
    Invalid(&'static str),
    Present(T),
}

/// The JOSE header.
#[derive(Debug, Default)]
pub(crate) struct Header<'a> {
    pub alg: Field<Cow<'a, str>>,
    pub crit: bool,
    pub duplicate: Option<String>,
}

/// The claims of a capability token.
#[derive(Debug, Default)]
pub(crate) struct Claims<'a> {
    pub scope: Field<Cow<'a, str>>,
    pub iss: Field<Cow<'a, str>>,
    pub exp: Field<u64>,
    pub nbf: Field<u64>,
    pub iat: Field<u64>,
    pub duplicate: Option<String>,
}

/// Tracks the keys of one object to find a repeated one. Known keys are flags; other keys are
/// kept in a list, allocated only when an object has unknown keys.
#[derive(Default)]
struct Seen<'a> {
    known: u8,
    other: Vec<Cow<'a, str>>,
}

impl<'a> Seen<'a> {
    /// Whether `key` (number `index` among the known keys, or unknown) was seen before.
    fn repeated(&mut self, index: Option<u8>, key: Cow<'a, str>) -> bool {
        match index {
            Some(i) => {
                let bit = 1 << i;
                let seen = self.known & bit != 0;
                self.known |= bit;
                seen
            }
            None if self.other.contains(&key) => true,
            None => {
                self.other.push(key);
                false
            }
        }
    }
}

/// A key, borrowed from the input unless it has escapes (`"\u0065xp"` is the key `exp`).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
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

/// Implements the visits of every JSON type other than the wanted ones as "found <type>".
macro_rules! wrong_types {
    ($($method:ident),*) => {
        $(wrong_types!(@one $method);)*
    };
    (@one visit_str) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Field::Invalid("a string"))
        }
    };
    (@one visit_u64) => {
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Field::Invalid("a number"))
        }
    };
    (@one visit_i64) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Field::Invalid("a negative number"))
        }
    };
    (@one visit_f64) => {
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Field::Invalid("a number with a fraction or an exponent, or beyond 64 bits"))
        }
    };
    (@one visit_bool) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Field::Invalid("a boolean"))
        }
    };
    (@one visit_unit) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Field::Invalid("null"))
        }
    };
    (@one visit_seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<Skip>()?.is_some() {}
            Ok(Field::Invalid("an array"))
        }
    };
    (@one visit_map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<Skip, Skip>()?.is_some() {}
            Ok(Field::Invalid("an object"))
        }
    };
}

/// A string member.
struct StrField;

impl<'de> Visitor<'de> for StrField {
    type Value = Field<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Present(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Present(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Present(Cow::Owned(v)))
    }
    wrong_types!(visit_u64, visit_i64, visit_f64, visit_bool, visit_unit, visit_seq, visit_map);
}

impl<'de> Deserialize<'de> for Field<Cow<'de, str>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrField)
    }
}

/// A NumericDate member: an integer from 0 to 2^53 − 1. Floats (even `1.0`), strings and
/// larger integers are wrong types, never converted.
struct DateField;

impl<'de> Visitor<'de> for DateField {
    type Value = Field<u64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match v {
            0..=MAX_EXP => Field::Present(v),
            _ => Field::Invalid("an integer beyond 2^53-1"),
        })
    }
    wrong_types!(visit_str, visit_i64, visit_f64, visit_bool, visit_unit, visit_seq, visit_map);
}

impl<'de> Deserialize<'de> for Field<u64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateField)
    }
}

impl<'de> Deserialize<'de> for Header<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Header<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header<'de>, A::Error> {
                let mut header = Header::default();
                let mut seen = Seen::default();
                while let Some(Key(key)) = map.next_key()? {
                    let index = match &*key {
                        "alg" => Some(0),
                        "crit" => Some(1),
                        _ => None,
                    };
                    if seen.repeated(index, key.clone()) {
                        header
                            .duplicate
                            .get_or_insert_with(|| key.clone().into_owned());
                        map.next_value::<Skip>()?;
                        continue;
                    }
                    match index {
                        Some(0) => header.alg = map.next_value()?,
                        Some(_) => {
                            header.crit = true;
                            map.next_value::<Skip>()?;
                        }
                        None => {
                            map.next_value::<Skip>()?;
                        }
                    }
                }
                Ok(header)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Claims<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Claims<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims<'de>, A::Error> {
                let mut claims = Claims::default();
                let mut seen = Seen::default();
                while let Some(Key(key)) = map.next_key()? {
                    let index = match &*key {
                        "scope" => Some(0),
                        "iss" => Some(1),
                        "exp" => Some(2),
                        "nbf" => Some(3),
                        "iat" => Some(4),
                        _ => None,
                    };
                    if seen.repeated(index, key.clone()) {
                        claims
                            .duplicate
                            .get_or_insert_with(|| key.clone().into_owned());
                        map.next_value::<Skip>()?;
                        continue;
                    }
                    match index {
                        Some(0) => claims.scope = map.next_value()?,
                        Some(1) => claims.iss = map.next_value()?,
                        Some(2) => claims.exp = map.next_value()?,
                        Some(3) => claims.nbf = map.next_value()?,
                        Some(_) => claims.iat = map.next_value()?,
                        None => {
                            map.next_value::<Skip>()?;
                        }
                    }
                }
                Ok(claims)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Claims<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_claims_and_borrows_plain_strings() {
        let c = claims(r#"{"scope":"s","iss":"i","exp":5,"nbf":1,"iat":2,"x":[{"y":null}]}"#);
        assert!(matches!(c.scope, Field::Present(Cow::Borrowed("s"))));
        assert!(matches!(c.exp, Field::Present(5)));
        assert!(matches!(c.nbf, Field::Present(1)));
        assert!(matches!(c.iat, Field::Present(2)));
        assert!(c.duplicate.is_none());
    }

    #[test]
    fn escaped_keys_are_the_same_keys() {
        let c = claims(r#"{"exp":1,"\u0065xp":2}"#);
        assert_eq!(c.duplicate.as_deref(), Some("exp"));
        let c = claims(r#"{"a":1,"b":2,"a":3}"#);
        assert_eq!(c.duplicate.as_deref(), Some("a"));
    }

    #[test]
    fn wrong_types_are_recorded() {
        for (json, found) in [
            (r#"{"exp":"1"}"#, "a string"),
            (
                r#"{"exp":1.0}"#,
                "a number with a fraction or an exponent, or beyond 64 bits",
            ),
            (
                r#"{"exp":1e3}"#,
                "a number with a fraction or an exponent, or beyond 64 bits",
            ),
            (r#"{"exp":-1}"#, "a negative number"),
            (r#"{"exp":9007199254740992}"#, "an integer beyond 2^53-1"),
            (r#"{"exp":null}"#, "null"),
            (r#"{"exp":[1]}"#, "an array"),
            (r#"{"exp":{}}"#, "an object"),
            (r#"{"exp":true}"#, "a boolean"),
        ] {
            assert!(
                matches!(claims(json).exp, Field::Invalid(f) if f == found),
                "{json}"
            );
        }
        assert!(matches!(
            claims(r#"{"scope":1}"#).scope,
            Field::Invalid("a number")
        ));
    }

    #[test]
    fn non_objects_and_trailing_data_fail() {
        assert!(serde_json::from_str::<Claims<'_>>("[]").is_err());
        assert!(serde_json::from_str::<Claims<'_>>("{} x").is_err());
        for depth in [100, 10_000] {
            let deep = format!("{{\"x\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                serde_json::from_str::<Claims<'_>>(&deep).is_err(),
                depth > 100,
                "{depth}"
            );
            let deep = format!(
                "{{\"exp\":{}1{}}}",
                "{\"a\":".repeat(depth),
                "}".repeat(depth)
            );
            assert_eq!(
                serde_json::from_str::<Claims<'_>>(&deep).is_err(),
                depth > 100,
                "{depth}"
            );
        }
    }
}
