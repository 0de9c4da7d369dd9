//! Reading a token or a policy from an argument, a file or standard input, within limits.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read};

use capability_runtime::MAX_TOKEN_LEN;

use crate::output::clean;

/// The most a policy's text may hold: the library's limit, checked here before the text is read
/// whole.
pub use capability_runtime::MAX_POLICY_LEN;

/// The most read from standard input for a token: the longest token, and room for the
/// whitespace around it.
const MAX_TOKEN_INPUT: usize = MAX_TOKEN_LEN + 1024;

/// Why the input could not be read: the exit status it earns, and a one-line message.
#[derive(Debug)]
pub struct InputError {
    pub code: u8,
    pub message: String,
}

impl InputError {
    fn usage(message: String) -> Self {
        InputError { code: 2, message }
    }
    fn invalid(message: String) -> Self {
        InputError { code: 1, message }
    }
}

/// The token of `capability <command>`: the argument, or standard input for `-` or no
/// argument. Surrounding whitespace (the newline of `echo`, a stray space from a copy) is
/// dropped.
pub fn token(arg: Option<&str>, command: &str) -> Result<String, InputError> {
    let text = match arg {
        Some(text) if text != "-" => text.to_owned(),
        _ => {
            if arg.is_none() && io::stdin().is_terminal() {
                return Err(no_token(command));
            }
            let bytes = read_limited(io::stdin(), MAX_TOKEN_INPUT)
                .map_err(|e| InputError::usage(format!("cannot read standard input: {e}")))?;
            if bytes.len() > MAX_TOKEN_INPUT {
                return Err(InputError::invalid(format!(
                    "not a token: standard input holds more than {MAX_TOKEN_INPUT} bytes, and a \
                     token is at most {MAX_TOKEN_LEN}"
                )));
            }
            String::from_utf8(bytes).map_err(|e| {
                InputError::invalid(format!(
                    "not a token: standard input is not UTF-8 text (byte {} is not)",
                    e.utf8_error().valid_up_to() + 1
                ))
            })?
        }
    };
    Ok(text.trim().to_owned())
}

/// No token given to `capability <command>`, whose standard input is a terminal: how to give
/// one, to that command.
fn no_token(command: &str) -> InputError {
    InputError::usage(format!(
        "no token: pass it as an argument, or on standard input (`… | capability {command}`, or \
         `-` to type it)"
    ))
}

/// A policy's text and the name its diagnostics give it: the argument itself, `@FILE`, or
/// standard input for `-`.
pub fn policy(arg: &str) -> Result<(String, String), InputError> {
    let (bytes, name) = if arg == "-" {
        let bytes = read_limited(io::stdin(), MAX_POLICY_LEN)
            .map_err(|e| InputError::usage(format!("cannot read standard input: {e}")))?;
        (bytes, "<stdin>".to_owned())
    } else if let Some(path) = arg.strip_prefix('@') {
        let shown = clean(path).into_owned();
        let file = File::open(path).map_err(|e| {
            InputError::usage(format!("cannot open the policy file `{shown}`: {e}"))
        })?;
        let bytes = read_limited(file, MAX_POLICY_LEN).map_err(|e| {
            InputError::usage(format!("cannot read the policy file `{shown}`: {e}"))
        })?;
        (bytes, shown)
    } else {
        (arg.as_bytes().to_vec(), "<policy>".to_owned())
    };
    if bytes.len() > MAX_POLICY_LEN {
        return Err(InputError::invalid(format!(
            "the policy in {name} is over {MAX_POLICY_LEN} bytes; a policy is a few statements"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError::invalid(format!(
            "the policy in {name} is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to() + 1
        ))
    })?;
    Ok((text, name))
}

/// Up to `limit + 1` bytes: one more than allowed tells that there was too much, without
/// reading it all.
fn read_limited(reader: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether a policy's text is one long word of letters and digits, the shape of an auth token
/// or an API key secret passed where the policy belongs: its diagnostics would quote it, so it
/// is refused without being shown.
pub fn looks_like_a_secret(text: &str) -> bool {
    let word = text.trim();
    word.len() >= 16 && word.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let input = [b'a'; 100];
        assert_eq!(read_limited(&input[..], 10).unwrap().len(), 11);
        assert_eq!(read_limited(&input[..], 100).unwrap().len(), 100);
    }

    #[test]
    fn no_token_names_the_command_it_was_given_to() {
        for command in ["decode", "verify"] {
            let e = no_token(command);
            assert_eq!(e.code, 2);
            assert!(
                e.message.contains(&format!("`… | capability {command}`")),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn secrets_are_told_from_policies() {
        assert!(looks_like_a_secret("0123456789abcdef0123456789abcdef"));
        assert!(looks_like_a_secret(" AbCdEf0123456789xyz\n"));
        assert!(!looks_like_a_secret("incoming \"alice\";"));
        assert!(!looks_like_a_secret("events"));
        assert!(!looks_like_a_secret("incoming\"alice0123456789\""));
    }
}
