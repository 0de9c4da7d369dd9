//! How untrusted text is shown in messages: cut and escaped, so that a hostile token cannot flood
//! a log or write control characters to a terminal.

use std::fmt;

/// Shows at most 64 characters of untrusted text, escaped.
pub(crate) struct Truncated<'a>(pub(crate) &'a str);

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 64;
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX {
                return f.write_str("…");
            }
            write!(f, "{}", c.escape_debug())?;
        }
        Ok(())
    }
}
