//! `Region`: the Twilio region an Access Token is for (its `twr` header).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The longest region code, in characters.
pub(crate) const MAX_REGION_LEN: usize = 16;

/// The region rule in `const` form: a lowercase letter, then 1 to 15 lowercase letters or digits.
const fn is_valid_region(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 2 || bytes.len() > MAX_REGION_LEN || !bytes[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit()) {
            return false;
        }
        i += 1;
    }
    true
}

/// A Twilio region code such as `us1`, `ie1` or `au1`: the home region of the account an Access
/// Token is for, carried in the token's `twr` header.
///
/// A lowercase letter, then 1 to 15 lowercase letters or digits.
///
/// ```
/// use capability_runtime::Region;
///
/// let ireland = Region::new("ie1")?;
/// assert_eq!(ireland.as_str(), "ie1");
/// assert!(Region::new("IE1").is_err());
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(Cow<'static, str>);

impl Region {
    /// Parses a region code.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for text that is not a lowercase region code.
    pub fn new(region: &str) -> Result<Self, Error> {
        if !is_valid_region(region) {
            return Err(Error::InvalidRegion {
                region: region.to_owned(),
            });
        }
        Ok(Self(Cow::Owned(region.to_owned())))
    }

    /// A region known at compile time. In a `const` item an invalid region is a compile error.
    ///
    /// # Panics
    /// When `region` is not a valid region code (at compile time in `const` context).
    ///
    /// ```
    /// use capability_runtime::Region;
    ///
    /// const IRELAND: Region = Region::from_static("ie1");
    /// ```
    pub const fn from_static(region: &'static str) -> Self {
        assert!(
            is_valid_region(region),
            "not a valid region: use Region::new to see why"
        );
        Self(Cow::Borrowed(region))
    }

    /// The region code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({:?})", &*self.0)
    }
}

impl FromStr for Region {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for Region {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Region {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Region {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        for ok in [
            "us1", "ie1", "au1", "jp1", "de1", "br1", "sg1", "us2", "dev", "ab",
        ] {
            assert!(Region::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "u",
            "US1",
            "1us",
            "us-1",
            "us 1",
            "ü1",
            "0",
            "abcdefghijklmnopq",
        ] {
            assert_eq!(
                Region::new(bad).unwrap_err(),
                Error::InvalidRegion { region: bad.into() },
                "{bad}"
            );
        }
        assert!(Region::new("abcdefghijklmnop").is_ok());
    }
}
