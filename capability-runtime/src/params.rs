//! `Params`: the ordered key–value pairs that Twilio passes to a TwiML application (`outgoing`
//! of a capability token, the voice grant of an Access Token) or that filter events.

use std::fmt;

/// Ordered key–value pairs: the parameters of `outgoing`, the filters of `events`.
///
/// Keys may repeat; order is kept and is significant for equality.
///
/// ```
/// use capability_runtime::Params;
///
/// let params = Params::from_pairs([("Foo", "Bar"), ("Queue", "support desk")]);
/// assert_eq!(params.get("Queue"), Some("support desk"));
/// assert_eq!(params, [("Foo", "Bar"), ("Queue", "support desk")]);
/// ```
#[derive(Clone)]
pub struct Params(Repr);

#[derive(Clone)]
enum Repr {
    /// Pairs known at compile time (from `capability!`).
    Static(&'static [(&'static str, &'static str)]),
    /// At least one pair, all keys and values in one buffer. `ends` holds the end offsets of
    /// the key and the value of each pair but the last, whose key ends at `last_key_end` and
    /// whose value ends the text: one allocation for one pair, two for more, however many.
    Packed {
        text: String,
        ends: Vec<(usize, usize)>,
        last_key_end: usize,
    },
}

impl Params {
    /// No pairs.
    pub const fn new() -> Self {
        Params(Repr::Static(&[]))
    }

    /// Pairs known at compile time.
    pub const fn from_static(pairs: &'static [(&'static str, &'static str)]) -> Self {
        Params(Repr::Static(pairs))
    }

    /// Collects pairs of anything that converts into `String`.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut text = String::new();
        let mut ends = Vec::new();
        let mut last_key_end = None;
        for (k, v) in pairs {
            let pair_start = text.len();
            text.push_str(&k.into());
            if let Some(previous) = last_key_end.replace(text.len()) {
                ends.push((previous, pair_start));
            }
            text.push_str(&v.into());
        }
        match last_key_end {
            Some(last_key_end) => Params::packed_but_last(text, ends, last_key_end),
            None => Params::new(),
        }
    }

    /// At least one pair packed in one buffer: `ends` holds the end offsets of the key and the
    /// value of each pair but the last, whose key ends at `last_key_end`, its value at the end.
    pub(crate) fn packed_but_last(
        text: String,
        ends: Vec<(usize, usize)>,
        last_key_end: usize,
    ) -> Self {
        Params(Repr::Packed {
            text,
            ends,
            last_key_end,
        })
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Static(pairs) => pairs.len(),
            Repr::Packed { ends, .. } => ends.len() + 1,
        }
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pairs in order.
    pub fn iter(&self) -> ParamsIter<'_> {
        ParamsIter {
            params: self,
            index: 0,
        }
    }

    /// The value of the first pair with this key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Whether any key is empty.
    pub(crate) fn has_empty_key(&self) -> bool {
        self.iter().any(|(k, _)| k.is_empty())
    }

    fn pair(&self, index: usize) -> Option<(&str, &str)> {
        match &self.0 {
            Repr::Static(pairs) => pairs.get(index).copied(),
            Repr::Packed {
                text,
                ends,
                last_key_end,
            } => {
                let (key_end, value_end) = match ends.get(index) {
                    Some(&ends) => ends,
                    None if index == ends.len() => (*last_key_end, text.len()),
                    None => return None,
                };
                let start = match index {
                    0 => 0,
                    _ => ends[index - 1].1,
                };
                let key = text.get(start..key_end)?;
                let value = text.get(key_end..value_end)?;
                Some((key, value))
            }
        }
    }
}

impl Default for Params {
    fn default() -> Self {
        Self::new()
    }
}

/// Iterator over the pairs of [`Params`].
#[derive(Clone)]
pub struct ParamsIter<'a> {
    params: &'a Params,
    index: usize,
}

impl<'a> Iterator for ParamsIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let pair = self.params.pair(self.index)?;
        self.index += 1;
        Some(pair)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.params.len().saturating_sub(self.index);
        (n, Some(n))
    }
}

impl ExactSizeIterator for ParamsIter<'_> {}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = ParamsIter<'a>;
    fn into_iter(self) -> ParamsIter<'a> {
        self.iter()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Params) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Params {}

impl<K: AsRef<str>, V: AsRef<str>> PartialEq<[(K, V)]> for Params {
    fn eq(&self, other: &[(K, V)]) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other)
                .all(|((k, v), (ok, ov))| k == ok.as_ref() && v == ov.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> PartialEq<[(K, V); N]> for Params {
    fn eq(&self, other: &[(K, V); N]) -> bool {
        *self == other[..]
    }
}

impl<K: AsRef<str>, V: AsRef<str>> PartialEq<Vec<(K, V)>> for Params {
    fn eq(&self, other: &Vec<(K, V)>) -> bool {
        *self == other[..]
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Params::from_pairs(iter)
    }
}
