//! The `capability` binary, run for real: every subcommand and exit status, the tokens of the
//! official libraries, hostile input, colour, and secrets that never come out.

mod check;
mod colour;
mod common;
mod decode;
mod hostile;
mod readme;
mod secrets;
mod sign;
mod verify;
mod webhook;
