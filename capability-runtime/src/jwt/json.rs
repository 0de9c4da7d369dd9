//! The one JSON reader (RFC 8259) of the crate: the header and claims of both kinds of token,
//! for the verifiers and for `inspect`, pulled value by value by typed readers.
//!
//! Hand-written because a measurement requires it: the claims read with serde_json and typed
//! visitors made verification slower than its target. Its messages follow serde_json's
//! ("expected `:` at line 1 column 8").
//!
//! Strict, and linear in its input whatever it holds:
//! - one JSON value, nothing after it but whitespace; strings valid UTF-8 with valid escapes (a
//!   lone surrogate is an error wherever it is);
//! - no key twice in any object, after unescaping (`"\u0065xp"` is `exp`): [`members`] records
//!   the first repeat in [`Findings`], each key costing at most [`INLINE_KEYS`] comparisons or
//!   one hash (see [`Keys`]);
//! - at most [`MAX_OTHER_MEMBERS`] members besides the known ones in the header and the claims;
//! - no value nested deeper than [`MAX_DEPTH`], read or skipped;
//! - no number converted unless a typed reader asks for it: a skipped number is only scanned.
//!
//! The typed readers never fail on a value of the wrong type: they return [`Field::Invalid`]
//! with what was found, so that the verifiers return a typed [`Error`] rather than a parser
//! message.

use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher, RandomState};

use crate::bytes::{self, HEX_VALUE};
use crate::error::{Error, Malformed, TokenPart};
use crate::limits::{MAX_EXP, MAX_EXP_DIGITS, MAX_OUTGOING_PARAMS};

/// The type of the next value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// A number, as serde_json would hand it to a visitor: a non-negative integer that fits 64
/// bits, a negative one that fits 64 bits, or anything else as a float; or a number no float
/// holds (`1e400`, 400 digits), which is valid JSON all the same and is not converted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
    BeyondFloat,
}

/// Malformed JSON: what was wrong, and where (a byte offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) what: &'static str,
    pub(crate) at: usize,
    /// An object with more members than a token may have there: well-formed as far as it was
    /// read, and refused unread after that.
    too_many: Option<TooMany>,
}

impl SyntaxError {
    /// `<what> at line <l> column <c>`, counted in `text` as serde_json counts (column in
    /// bytes from 1).
    pub(crate) fn detail(&self, text: &str) -> String {
        let before = text.as_bytes().get(..self.at).unwrap_or(text.as_bytes());
        let line = 1 + memchr::memchr_iter(b'\n', before).count();
        let column = before.len() - memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        format!("{} at line {line} column {}", self.what, column + 1)
    }

    /// The verifiers' error for this, in `part` whose JSON text is `text`.
    pub(crate) fn into_error(self, text: &str, part: TokenPart) -> Error {
        Error::Malformed(match self.too_many {
            Some(TooMany::Values) => Malformed::TooManyValues {
                part,
                max: MAX_VALUES,
            },
            Some(TooMany::Members) => Malformed::TooManyMembers {
                part,
                max: MAX_OTHER_MEMBERS,
            },
            Some(TooMany::Params) => Malformed::TooManyParams {
                max: MAX_OUTGOING_PARAMS,
            },
            None => Malformed::Json {
                part,
                detail: self.detail(text),
            },
        })
    }
}

/// Which limit on the members of an object, or on the values of a text, a token broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TooMany {
    /// More than [`MAX_VALUES`] in one JSON text.
    Values,
    /// More than [`MAX_OTHER_MEMBERS`] besides the known ones.
    Members,
    /// More than [`MAX_OUTGOING_PARAMS`] outgoing parameters in an Access Token.
    Params,
}

impl TooMany {
    /// The most members an object may have besides the known ones.
    pub(crate) const fn max(self) -> usize {
        match self {
            TooMany::Values => MAX_VALUES,
            TooMany::Members => MAX_OTHER_MEMBERS,
            TooMany::Params => MAX_OUTGOING_PARAMS,
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, SyntaxError>;

/// The index of the first byte of `bytes` that ends the plain part of a string: `"`, `\\` or a
/// control character (below 0x20); `bytes.len()` if there is none.
#[inline(always)]
fn special_byte(bytes: &[u8]) -> usize {
    bytes::string_end(bytes)
}

/// The number four hex digits (either case) spell, if they are four hex digits.
#[inline(always)]
fn hex_value(digits: [u8; 4]) -> Option<u32> {
    let [a, b, c, d] = digits.map(|x| u32::from(HEX_VALUE[usize::from(x)]));
    // An invalid digit is 0xFF, which sets a bit above the sixteen of four digits.
    ((a | b | c | d) <= 0xF).then_some(a << 12 | b << 8 | c << 4 | d)
}

/// The code point of the UTF-16 surrogate pair `high` (0xD800 to 0xDBFF), `low` (0xDC00 to
/// 0xDFFF).
#[inline(always)]
const fn surrogate_pair(high: u32, low: u32) -> u32 {
    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
}

/// What each byte after a `\\` stands for: the byte it decodes to, [`UNICODE`] for `u`, or
/// [`INVALID`].
static ESCAPED: [u8; 256] = {
    let mut table = [INVALID; 256];
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'/' as usize] = b'/';
    table[b'b' as usize] = 8;
    table[b'f' as usize] = 12;
    table[b'n' as usize] = b'\n';
    table[b'r' as usize] = b'\r';
    table[b't' as usize] = b'\t';
    table[b'u' as usize] = UNICODE;
    table
};

/// In [`ESCAPED`]: no escape.
const INVALID: u8 = 0x80;
/// In [`ESCAPED`]: `\\u`, four hex digits next.
const UNICODE: u8 = 0xFF;
/// In [`ESCAPED`], the byte a simple escape decodes to is below this; [`INVALID`] and
/// [`UNICODE`] are not.
const SIMPLE_END: u8 = 0x80;

/// How many bytes of decoded text are gathered on the stack before they are handed over (and
/// checked as UTF-8, the one way to make a `str` of them without `unsafe`): a power of two.
const GATHERED: usize = 1024;

/// How many plain bytes between escapes are read one by one before the rest of the run is
/// read by words.
const SHORT_RUN: usize = 16;

/// The most bytes [`fill`] gathers between checks for room: an escape's character, and the short
/// run of plain text after it.
const TURN: usize = 4 + SHORT_RUN;

/// How many plain bytes between escapes are read a word at a time before the rest of the run
/// is searched, many words at a time.
const LONG_RUN: usize = 64;

/// Why [`fill`] stopped.
enum Stop {
    /// The buffer has no room for another turn.
    Full,
    /// A run of plain text is [`SHORT_RUN`] bytes long: the rest of it is read by words.
    LongRun,
    /// At a byte that starts no plain byte or escape `fill` reads: the closing quote, a `\u`
    /// escape that needs the long way (to find its error), or an error.
    Other,
}

/// Decodes a string from `i` into `buf` after the `len` gathered (nothing is gathered unless
/// `keeps`: a constant where it is inlined), the common units one by one: plain bytes, simple
/// escapes and `\uXXXX` escapes (two for a surrogate pair). Where it stopped, the length
/// gathered and why.
///
/// The loop holds no call, so its state stays in registers, and room is checked once per
/// escape, for the escape and the short run of plain bytes after it: each byte is stored with
/// no branch, at an index masked into the buffer.
#[inline(always)]
fn fill(
    keeps: bool,
    bytes: &[u8],
    buf: &mut [u8; GATHERED],
    mut i: usize,
    mut len: usize,
) -> (usize, usize, Stop) {
    if keeps && len > GATHERED - TURN {
        return (i, len, Stop::Full);
    }
    // Where the run of plain text being read starts.
    let mut run = i;
    while let Some(&b) = bytes.get(i) {
        // One test per plain byte: the backslash is told apart from the other special bytes
        // only once one is found.
        if bytes::STRING_SPECIAL[usize::from(b)] {
            if b != b'\\' {
                break;
            }
            if keeps && len > GATHERED - TURN {
                return (i, len, Stop::Full);
            }
            let decoded = bytes
                .get(i + 1)
                .map_or(INVALID, |&e| ESCAPED[usize::from(e)]);
            if decoded < SIMPLE_END {
                if keeps {
                    buf[len % GATHERED] = decoded;
                    len += 1;
                }
                i += 2;
                run = i;
                continue;
            }
            if decoded != UNICODE {
                return (i, len, Stop::Other);
            }
            // A `\uXXXX` escape, or two for a surrogate pair.
            let Some((&[b'\\', b'u', a, b, c, d], after)) = bytes[i..].split_first_chunk() else {
                return (i, len, Stop::Other);
            };
            let Some(code) = hex_value([a, b, c, d]) else {
                return (i, len, Stop::Other);
            };
            let (code, taken) = match code {
                // A high surrogate and the low one that must follow: one character.
                0xD800..0xDC00 => match after.first_chunk() {
                    Some(&[b'\\', b'u', e, f, g, h]) => match hex_value([e, f, g, h]) {
                        Some(low @ 0xDC00..0xE000) => (surrogate_pair(code, low), 12),
                        _ => return (i, len, Stop::Other),
                    },
                    _ => return (i, len, Stop::Other),
                },
                _ => (code, 6),
            };
            // A lone low surrogate is no character: the long way finds the error.
            let Some(c) = char::from_u32(code) else {
                return (i, len, Stop::Other);
            };
            if keeps {
                if code < 0x80 {
                    buf[len % GATHERED] = code as u8;
                    len += 1;
                } else if let Some(slot) = buf.get_mut(len..len + 4) {
                    // Always some: room was made for the escape.
                    len += c.encode_utf8(slot).len();
                }
            }
            i += taken;
            run = i;
            continue;
        }
        if keeps {
            buf[len % GATHERED] = b;
            len += 1;
        }
        i += 1;
        // Byte by byte while escapes are near, where a search's setup costs more.
        if i - run == SHORT_RUN {
            return (i, len, Stop::LongRun);
        }
    }
    (i, len, Stop::Other)
}

/// Hands the first `len` bytes of `buf` to `out` but the first bytes of a character they end
/// inside, which are moved to the front of `buf`; their count. Out of line, so that only the
/// buffer is seen outside the loop that fills it, and its length stays in a register.
#[inline(never)]
fn hand_over(out: &mut String, buf: &mut [u8], len: usize) -> usize {
    // The bytes are characters and plain text of a `str`, in order: UTF-8 up to, at most, a
    // character begun at the end.
    let begun = (len.saturating_sub(3)..len)
        .rev()
        .find(|&at| buf[at] & 0xC0 != 0x80)
        .filter(|&at| at + utf8_len(buf[at]) > len)
        .unwrap_or(len);
    match simdutf8::basic::from_utf8(&buf[..begun]) {
        Ok(whole) => {
            out.push_str(whole);
            buf.copy_within(begun..len, 0);
            len - begun
        }
        // Never, as above; were it so, everything is handed over all the same, so that the
        // buffer empties and the caller's loop goes on.
        Err(_) => {
            out.push_str(&String::from_utf8_lossy(&buf[..len]));
            0
        }
    }
}

/// The plain text `text[from..]` after the `len` bytes gathered in `buf`, where `from` may be
/// inside a character whose first bytes were gathered; the new length. Copied into the buffer
/// when it fits, as the short runs between escapes do; else handed over after the buffer.
#[inline(never)]
fn long_run<O: Sink>(out: &mut O, buf: &mut [u8], len: usize, text: &str, from: usize) -> usize {
    let run = &text.as_bytes()[from..];
    if let Some(slot) = buf.get_mut(len..len + run.len()) {
        slot.copy_from_slice(run);
        return len + run.len();
    }
    let start = (from.saturating_sub(3)..=from)
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(from);
    let len = out.take(buf, len - (from - start));
    out.push_str(&text[start..]);
    len
}

/// The length in bytes of the UTF-8 character that begins with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Where the text of a string goes as it is decoded: a `String`; the bytes of the keys of an
/// object, which are compared, not read as text (see [`Key`]); or nowhere ([`Discard`]) when the
/// string is skipped, checked but not kept.
trait Sink {
    /// Whether the text is kept: a skipped string's escapes are checked, not gathered.
    const KEEPS: bool = true;
    fn push_str(&mut self, s: &str);
    /// Takes the first `len` bytes gathered in `buf`: how many it left at the front of `buf`.
    fn take(&mut self, buf: &mut [u8], len: usize) -> usize;
    /// How many bytes it holds.
    fn len(&self) -> usize;
}

impl Sink for String {
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }

    #[inline]
    fn take(&mut self, buf: &mut [u8], len: usize) -> usize {
        hand_over(self, buf, len)
    }

    fn len(&self) -> usize {
        String::len(self)
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn push_str(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }

    /// All of it: bytes need no check, and a character may be split between two takes.
    #[inline(never)]
    fn take(&mut self, buf: &mut [u8], len: usize) -> usize {
        self.extend_from_slice(buf.get(..len).unwrap_or(buf));
        0
    }

    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// The [`Sink`] of a skipped string.
struct Discard;

impl Sink for Discard {
    const KEEPS: bool = false;

    #[inline]
    fn push_str(&mut self, _: &str) {}

    fn take(&mut self, _: &mut [u8], _: usize) -> usize {
        0
    }

    fn len(&self) -> usize {
        0
    }
}

/// Reads one JSON text.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// The members and elements read so far, at every depth (see [`MAX_VALUES`]).
    values: usize,
}

/// A string as [`Reader::string_in`] read it: borrowed from the text, or decoded into the
/// caller's buffer, at `start..end`.
#[derive(Clone, Copy)]
pub(crate) enum Text<'a> {
    Borrowed(&'a str),
    Decoded { start: usize, end: usize },
}

impl<'a> Text<'a> {
    /// The string, `decoded` being the buffer given to [`Reader::string_in`].
    #[inline(always)]
    pub(crate) fn get<'s>(self, decoded: &'s [u8]) -> Key<'s>
    where
        'a: 's,
    {
        match self {
            Text::Borrowed(text) => Key::Text(text),
            Text::Decoded { start, end } => {
                Key::Decoded(decoded.get(start..end).unwrap_or_default())
            }
        }
    }
}

/// The key of a member, as [`members`] hands it to a reader: borrowed from the text, or decoded
/// from escapes into bytes that are made a `str` only when asked for, as most keys are only
/// compared.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key<'k> {
    Text(&'k str),
    Decoded(&'k [u8]),
}

impl<'k> Key<'k> {
    /// Its bytes, UTF-8.
    #[inline(always)]
    pub(crate) fn bytes(self) -> &'k [u8] {
        match self {
            Key::Text(text) => text.as_bytes(),
            Key::Decoded(bytes) => bytes,
        }
    }

    /// The key as text: a decoded key is UTF-8, as the text is and each escape decodes to a
    /// character, so this borrows it.
    pub(crate) fn text(self) -> Cow<'k, str> {
        match self {
            Key::Text(text) => Cow::Borrowed(text),
            Key::Decoded(bytes) => String::from_utf8_lossy(bytes),
        }
    }
}

/// The members of an object being read; see [`Reader::begin_object`].
pub(crate) struct Members {
    first: bool,
}

/// The elements of an array being read; see [`Reader::begin_array`].
pub(crate) struct Elements {
    first: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            values: 0,
        }
    }

    /// How many bytes are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.text.len() - self.pos
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn err<T>(&self, what: &'static str) -> Result<T> {
        Err(self.error(what))
    }

    /// Counts one more member or element, refused past [`MAX_VALUES`].
    #[inline(always)]
    fn count_value(&mut self) -> Result<()> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(too_many(self, TooMany::Values));
        }
        Ok(())
    }

    /// An error at the current position.
    pub(crate) fn error(&self, what: &'static str) -> SyntaxError {
        SyntaxError {
            what,
            at: self.pos,
            too_many: None,
        }
    }

    fn byte(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        // Whitespace is at most `' '`: one comparison for the common case, no whitespace.
        if self.byte().is_some_and(|b| b > b' ') {
            return;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.pos += 1;
        }
    }

    /// The text from `start` to `end`, both at ASCII bytes the reader found (quotes, escapes,
    /// the ends of numbers), so at character boundaries.
    #[inline(always)]
    fn slice(&self, start: usize, end: usize) -> &'a str {
        // `split_at` checks the two boundaries inline, where a range index is a call.
        self.text.split_at(end).0.split_at(start).1
    }

    /// The type of the next value, after any whitespace.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Kind> {
        self.skip_ws();
        match self.byte() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(_) => self.err("expected value"),
            None => self.err("EOF while parsing a value"),
        }
    }

    /// Consumes the `{` of an object; read its members with [`Members::next_key`].
    pub(crate) fn begin_object(&mut self) -> Result<Members> {
        self.skip_ws();
        if self.byte() != Some(b'{') {
            return self.err("expected `{`");
        }
        self.pos += 1;
        Ok(Members { first: true })
    }

    /// Consumes the `[` of an array; read its elements with [`Elements::next`].
    pub(crate) fn begin_array(&mut self) -> Result<Elements> {
        self.skip_ws();
        if self.byte() != Some(b'[') {
            return self.err("expected `[`");
        }
        self.pos += 1;
        Ok(Elements { first: true })
    }

    /// A string.
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>> {
        match self.plain_string()? {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(start) => self.string_owned(start),
        }
    }

    /// The rest of [`string`](Self::string) from its first special byte, out of line.
    #[cold]
    #[inline(never)]
    fn string_owned(&mut self, start: usize) -> Result<Cow<'a, str>> {
        let mut decoded = String::new();
        Ok(match self.string_escaped(start, &mut decoded)? {
            Text::Borrowed(text) => Cow::Borrowed(text),
            Text::Decoded { .. } => Cow::Owned(decoded),
        })
    }

    /// A string: borrowed from the text when it has no escape, else decoded at the end of
    /// `decoded`.
    #[inline(always)]
    pub(crate) fn string_in(&mut self, decoded: &mut Vec<u8>) -> Result<Text<'a>> {
        match self.plain_string()? {
            Ok(text) => Ok(Text::Borrowed(text)),
            Err(start) => self.string_escaped(start, decoded),
        }
    }

    /// The common case of a string, with no escape: its text, borrowed; else where its text
    /// starts, the reader at its first special byte.
    #[inline(always)]
    fn plain_string(&mut self) -> Result<std::result::Result<&'a str, usize>> {
        self.skip_ws();
        if self.byte() != Some(b'"') {
            return self.err("expected a string");
        }
        let start = self.pos + 1;
        self.pos = start + special_byte(&self.bytes()[start..]);
        // The text is UTF-8 and `"` is ASCII, so the slice is too.
        if self.byte() == Some(b'"') {
            self.pos += 1;
            return Ok(Ok(self.slice(start, self.pos - 1)));
        }
        Ok(Err(start))
    }

    /// The rest of a string from its first special byte, decoded at the end of `decoded`; out
    /// of line.
    #[cold]
    #[inline(never)]
    fn string_escaped<O: Sink>(&mut self, start: usize, decoded: &mut O) -> Result<Text<'a>> {
        if self.byte() != Some(b'\\') {
            // A control character or the end of the text: `escaped` returns their error.
            return self.escaped(&mut Discard).map(|()| Text::Borrowed(""));
        }
        let at = decoded.len();
        decoded.push_str(&self.text[start..self.pos]);
        self.escaped(decoded)?;
        Ok(Text::Decoded {
            start: at,
            end: decoded.len(),
        })
    }

    /// A string, appended to `out`.
    pub(crate) fn string_into(&mut self, out: &mut String) -> Result<()> {
        self.string_to(out)
    }

    /// A string, checked as [`string`](Self::string) checks it, and dropped: nothing is
    /// allocated or copied, whatever it holds.
    pub(crate) fn skip_string(&mut self) -> Result<()> {
        self.string_to(&mut Discard)
    }

    fn string_to(&mut self, out: &mut impl Sink) -> Result<()> {
        self.skip_ws();
        if self.byte() != Some(b'"') {
            return self.err("expected a string");
        }
        self.pos += 1;
        let start = self.pos;
        self.pos = start + special_byte(&self.bytes()[start..]);
        out.push_str(self.slice(start, self.pos));
        if self.byte() == Some(b'"') {
            self.pos += 1;
            return Ok(());
        }
        self.escaped(out)
    }

    /// The rest of a string from its first special byte (`"`, `\\` or a control character), into
    /// `out`: each escape decoded; a short run of plain text between them read byte by byte and a
    /// long one found by words, so that text dense with escapes costs no more per byte than
    /// plain text costs per search. What is kept is gathered in a buffer on the stack ([`fill`])
    /// and handed to `out` a buffer at a time, as a call to copy each short piece (a character, a
    /// few plain bytes between escapes) costs more than the piece.
    fn escaped<O: Sink>(&mut self, out: &mut O) -> Result<()> {
        let bytes = self.bytes();
        let buf = &mut [0; GATHERED];
        let (mut i, mut len) = (self.pos, 0);
        loop {
            let stop;
            (i, len, stop) = fill(O::KEEPS, bytes, buf, i, len);
            match stop {
                Stop::Full => len = out.take(buf, len),
                Stop::LongRun => {
                    // Words all plain, copied whole; past `LONG_RUN` bytes, the rest searched.
                    // A word that holds a special byte is left to `fill`, byte by byte: moving
                    // on by the count the search gives would make each read wait for it.
                    let start = i;
                    while let Some(&word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                        if bytes::has_special(word) {
                            break;
                        }
                        if i - start >= LONG_RUN {
                            let end = i + special_byte(&bytes[i..]);
                            if O::KEEPS {
                                len = long_run(out, buf, len, &self.text[..end], i);
                            }
                            i = end;
                            break;
                        }
                        if O::KEEPS {
                            if len > GATHERED - 8 {
                                len = out.take(buf, len);
                            }
                            if let Some(slot) = buf.get_mut(len..len + 8) {
                                slot.copy_from_slice(&word);
                            }
                            len += 8;
                        }
                        i += 8;
                    }
                }
                Stop::Other => match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(b'"'), _) => {
                        if O::KEEPS && len > 0 {
                            out.take(buf, len);
                        }
                        self.pos = i + 1;
                        return Ok(());
                    }
                    (Some(b'\\'), Some(b'u')) => {
                        // A surrogate, or not four hex digits: the long way.
                        self.pos = i + 2;
                        let c = self.unicode_escape()?;
                        if O::KEEPS {
                            if len > GATHERED - TURN {
                                len = out.take(buf, len);
                            }
                            for &b in c.encode_utf8(&mut [0; 4]).as_bytes() {
                                buf[len % GATHERED] = b;
                                len += 1;
                            }
                        }
                        i = self.pos;
                    }
                    (Some(b'\\'), Some(_)) => {
                        self.pos = i + 1;
                        return self.err("invalid escape");
                    }
                    (Some(b'\\'), None) => {
                        self.pos = i + 1;
                        return self.err("EOF while parsing a string");
                    }
                    (Some(_), _) => {
                        self.pos = i;
                        return self.err(
                            "control character (\\u0000-\\u001F) found while parsing a string",
                        );
                    }
                    (None, _) => {
                        self.pos = i;
                        return self.err("EOF while parsing a string");
                    }
                },
            }
        }
    }

    /// Four hex digits.
    #[inline(always)]
    fn hex4(&mut self) -> Result<u16> {
        if let Some(&[a, b, c, d]) = self.bytes().get(self.pos..self.pos + 4) {
            if let Some(n) = hex_value([a, b, c, d]) {
                self.pos += 4;
                return Ok(n as u16);
            }
        }
        // Not four hex digits: the error, at the first byte that is not one.
        let mut n = 0u16;
        for _ in 0..4 {
            let digit = match self.byte() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                Some(_) => return self.err("invalid escape"),
                None => return self.err("EOF while parsing a string"),
            };
            n = n * 16 + u16::from(digit);
            self.pos += 1;
        }
        Ok(n)
    }

    /// The character of a `\u` escape (after the `u`), with its low surrogate if it needs one.
    #[inline(always)]
    fn unicode_escape(&mut self) -> Result<char> {
        let high = self.hex4()?;
        let code = match high {
            0xDC00..=0xDFFF => return self.err("lone trailing surrogate in hex escape"),
            0xD800..=0xDBFF => {
                if self.bytes().get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return self.err("lone leading surrogate in hex escape");
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return self.err("lone leading surrogate in hex escape");
                }
                surrogate_pair(u32::from(high), u32::from(low))
            }
            _ => u32::from(high),
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.err("invalid unicode code point"),
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        // Byte by byte for the short runs of most numbers, where a word's setup costs more;
        // then a word at a time, so that a long number costs no more than other text.
        let start = self.pos;
        for _ in 0..16 {
            match self.byte() {
                Some(b'0'..=b'9') => self.pos += 1,
                _ => return self.pos - start,
            }
        }
        self.more_digits();
        self.pos - start
    }

    /// The digits of a long number past its first sixteen, out of line.
    #[inline(never)]
    fn more_digits(&mut self) {
        self.pos += bytes::digits(&self.bytes()[self.pos..]);
    }

    /// The text of a number, scanned and checked but not converted, and whether it is an
    /// integer (no fraction, no exponent).
    #[inline]
    fn scan_number(&mut self) -> Result<(&'a str, bool)> {
        self.skip_ws();
        let start = self.pos;
        let integer = self.number_end()?;
        Ok((self.slice(start, self.pos), integer))
    }

    /// Moves past a number, checked, and says whether it is an integer: the scan of
    /// [`scan_number`](Self::scan_number) without its text, for numbers that are skipped.
    #[inline(always)]
    fn number_end(&mut self) -> Result<bool> {
        self.skip_ws();
        if self.byte() == Some(b'-') {
            self.pos += 1;
        }
        match self.byte() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        let mut integer = true;
        if self.byte() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.byte() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        Ok(integer)
    }

    /// A number, converted as serde_json converts it, and its text. Only malformed JSON is an
    /// error: a number no float holds is [`Number::BeyondFloat`], valid JSON as it is where it is
    /// skipped, and the caller decides what it means.
    pub(crate) fn number(&mut self) -> Result<(Number, &'a str)> {
        let (text, integer) = self.scan_number()?;
        if integer {
            if let Ok(n) = text.parse::<u64>() {
                return Ok((Number::U64(n), text));
            }
            if let Ok(n) = text.parse::<i64>() {
                if n != 0 {
                    return Ok((Number::I64(n), text));
                }
            }
        }
        Ok(match text.parse::<f64>() {
            Ok(f) if f.is_finite() => (Number::F64(f), text),
            _ => (Number::BeyondFloat, text),
        })
    }

    /// A number's text, checked, not converted.
    pub(crate) fn number_text(&mut self) -> Result<&'a str> {
        self.scan_number().map(|(text, _)| text)
    }

    /// The text of the value `read` reads, as it is written.
    pub(crate) fn text_of(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<&'a str> {
        self.skip_ws();
        let start = self.pos;
        read(self)?;
        Ok(self.slice(start, self.pos))
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self) -> Result<bool> {
        self.skip_ws();
        let rest = &self.bytes()[self.pos..];
        if rest.starts_with(b"true") {
            self.pos += 4;
            Ok(true)
        } else if rest.starts_with(b"false") {
            self.pos += 5;
            Ok(false)
        } else {
            self.err("expected ident")
        }
    }

    /// `null`.
    pub(crate) fn null(&mut self) -> Result<()> {
        self.skip_ws();
        if self.bytes()[self.pos..].starts_with(b"null") {
            self.pos += 4;
            Ok(())
        } else {
            self.err("expected ident")
        }
    }

    /// Checks that nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos != self.text.len() {
            return self.err("trailing characters");
        }
        Ok(())
    }
}

/// The least value no float holds, 2^1024 − 2^970 (halfway between the largest float and
/// 2^1024, which rounds up): its 309 digits.
const FLOAT_LIMIT: &[u8; 309] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether the number `text` (checked JSON) is [`Number::BeyondFloat`], as [`Reader::number`]
/// finds it by conversion: read from its digits and its exponent instead, as converting a long
/// number costs many times its scan.
pub(crate) fn beyond_float(text: &str) -> bool {
    let body = text.as_bytes();
    let body = body.strip_prefix(b"-").unwrap_or(body);
    // Each part found by a search, not byte by byte: a hostile number is 16 KB of digits.
    let (mantissa, exponent) = match memchr::memchr2(b'e', b'E', body) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, &b""[..]),
    };
    let (whole, fraction) = match memchr::memchr(b'.', mantissa) {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, &b""[..]),
    };
    // The exponent, read no further than where it decides alone.
    let (negative, digits) = match exponent.split_first() {
        Some((b'-', digits)) => (true, digits),
        Some((b'+', digits)) => (false, digits),
        _ => (false, exponent),
    };
    let digits = &digits[bytes::leading(digits, b'0')..];
    let e = match digits.len() {
        0..=12 => (digits.iter()).fold(0, |e, &d| e * 10 + i64::from(d.saturating_sub(b'0'))),
        _ => 1 << 40,
    };
    let e = if negative { -e } else { e };
    // The significant digits, and `m`: the value is at least 10^(m−1), less than 10^m.
    let zeros = bytes::leading(whole, b'0');
    let (significant, m) = match &whole[zeros..] {
        [] => match bytes::leading(fraction, b'0') {
            // Zero.
            zeros if zeros == fraction.len() => return false,
            zeros => (fraction[zeros..].iter().chain(&[][..]), e - zeros as i64),
        },
        whole => (whole.iter().chain(fraction), whole.len() as i64 + e),
    };
    match m {
        ..=308 => false,
        310.. => true,
        // As many digits as the limit: compared with it digit by digit. A value with fewer
        // significant digits than the limit is below it, as the limit's last is not 0.
        _ => {
            let mut equal = 0;
            for (&digit, &limit) in significant.zip(FLOAT_LIMIT) {
                if digit != limit {
                    return digit > limit;
                }
                equal += 1;
            }
            equal == FLOAT_LIMIT.len()
        }
    }
}

impl Members {
    /// The key of the next member, with its `:` consumed (its value is next), or `None` at the
    /// `}` (consumed). A key with escapes is decoded at the end of `decoded`.
    #[inline(always)]
    pub(crate) fn next_key<'a>(
        &mut self,
        r: &mut Reader<'a>,
        decoded: &mut Vec<u8>,
    ) -> Result<Option<Text<'a>>> {
        r.skip_ws();
        if self.first {
            self.first = false;
            match r.byte() {
                Some(b'}') => {
                    r.pos += 1;
                    return Ok(None);
                }
                None => return r.err("EOF while parsing an object"),
                _ => {}
            }
        } else {
            match r.byte() {
                Some(b'}') => {
                    r.pos += 1;
                    return Ok(None);
                }
                Some(b',') => {
                    r.pos += 1;
                    r.skip_ws();
                    if r.byte() == Some(b'}') {
                        return r.err("trailing comma");
                    }
                }
                None => return r.err("EOF while parsing an object"),
                _ => return r.err("expected `,` or `}`"),
            }
        }
        match r.byte() {
            Some(b'"') => {}
            None => return r.err("EOF while parsing an object"),
            _ => return r.err("key must be a string"),
        }
        r.count_value()?;
        let key = r.string_in(decoded)?;
        r.skip_ws();
        match r.byte() {
            Some(b':') => r.pos += 1,
            None => return r.err("EOF while parsing an object"),
            _ => return r.err("expected `:`"),
        }
        Ok(Some(key))
    }
}

impl Elements {
    /// Whether another element follows (read it next), or the `]` was reached (consumed).
    #[inline]
    pub(crate) fn next(&mut self, r: &mut Reader<'_>) -> Result<bool> {
        r.skip_ws();
        if self.first {
            self.first = false;
            return match r.byte() {
                Some(b']') => {
                    r.pos += 1;
                    Ok(false)
                }
                None => r.err("EOF while parsing a list"),
                _ => r.count_value().map(|()| true),
            };
        }
        match r.byte() {
            Some(b']') => {
                r.pos += 1;
                Ok(false)
            }
            Some(b',') => {
                r.pos += 1;
                r.skip_ws();
                if r.byte() == Some(b']') {
                    return r.err("trailing comma");
                }
                r.count_value().map(|()| true)
            }
            None => r.err("EOF while parsing a list"),
            _ => r.err("expected `,` or `]`"),
        }
    }
}

/// How deeply a value may nest, counted from the value read or skipped.
pub(crate) const MAX_DEPTH: usize = 32;

/// The most members of the header, of the claims and of every object in them but the outgoing
/// parameters of an Access Token, besides the ones a verifier reads.
///
/// Tokens of the official libraries have at most two (`typ`, and `nbf` or `iat`); other JWT
/// libraries add a few registered ones (`aud`, `kid`, …), and no grant has this many fields. A
/// token stuffed with members is refused after reading this many, before finding repeated keys
/// costs more than reading them.
pub const MAX_OTHER_MEMBERS: usize = 32;

/// The most values the header, or the claims, of a token may hold at any depth: each member of
/// an object and each element of an array counts one.
///
/// The official libraries' test tokens hold at most 22, and an Access Token with every grant and
/// the most outgoing parameters 94. Reading a value costs more than reading its bytes, and the shortest
/// values are two bytes long (`0,`): a text full of them is refused after this many, so that
/// what it costs stays near what a token of its length costs whatever it holds.
pub const MAX_VALUES: usize = 256;

/// A member as found: absent, present with the wrong type (described), or present.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Field<T> {
    #[default]
    Missing,
    Invalid(&'static str),
    Present(T),
}

impl<T> Field<T> {
    /// The value of a claim that must be there.
    pub(crate) fn required(self, claim: &'static str) -> std::result::Result<T, Error> {
        match self {
            Field::Present(v) => Ok(v),
            Field::Missing => Err(Error::MissingClaim(claim)),
            Field::Invalid(found) => Err(Error::InvalidClaim { claim, found }),
        }
    }

    /// The value of a claim that may be missing.
    pub(crate) fn optional(self, claim: &'static str) -> std::result::Result<Option<T>, Error> {
        match self {
            Field::Present(v) => Ok(Some(v)),
            Field::Missing => Ok(None),
            Field::Invalid(found) => Err(Error::InvalidClaim { claim, found }),
        }
    }
}

/// What reading found wrong besides the JSON syntax: the first repeated key and the first other
/// problem. Reading goes on after either, so that the whole text is checked.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) duplicate: Option<String>,
    pub(crate) problem: Option<Error>,
}

impl Findings {
    pub(crate) fn duplicate(&mut self, key: &str) {
        if self.duplicate.is_none() {
            self.duplicate = Some(key.to_owned());
        }
    }

    pub(crate) fn problem(&mut self, problem: impl FnOnce() -> Error) {
        if self.problem.is_none() {
            self.problem = Some(problem());
        }
    }

    /// The repeated key of `part` as an error, if there was one.
    pub(crate) fn check_duplicate(&mut self, part: TokenPart) -> std::result::Result<(), Error> {
        match self.duplicate.take() {
            Some(key) => Err(Error::Malformed(Malformed::DuplicateKey { part, key })),
            None => Ok(()),
        }
    }
}

/// How many unknown keys of one object are compared one by one before they are hashed.
const INLINE_KEYS: usize = 8;

/// The keys of one object seen so far: flags for the known keys (by their index); the others
/// borrowed from the text or, written with escapes, decoded one after another into one buffer
/// (`decoded`), never copied. The first [`INLINE_KEYS`] are compared one by one; past them, each
/// key is hashed, keyed per object ([`RandomState`]) so that keys cannot be chosen to collide,
/// and compared with the hashes of the others (at most [`MAX_OUTGOING_PARAMS`]). Linear in the
/// object's size.
#[derive(Default)]
pub(crate) struct Keys<'a> {
    known: u64,
    /// The keys with escapes, decoded: those kept, then the one being read.
    pub(crate) decoded: Vec<u8>,
    /// Made at the first unknown key: most objects have none.
    inline: Option<[Option<Text<'a>>; INLINE_KEYS]>,
    /// Made when `inline` is full, and takes its keys.
    more: Option<More<'a>>,
}

/// The unknown keys of an object once there are more than [`INLINE_KEYS`], with their hashes.
struct More<'a> {
    hasher: RandomState,
    keys: Vec<(u64, Text<'a>)>,
}

/// A key [`Keys::check`] found new in its object, kept with [`Keys::keep`] once its value is
/// read.
pub(crate) enum New {
    Known,
    Inline,
    Hashed(u64),
}

/// The hash of `key`: its bytes alone, with no length before them as `Hash` for a slice writes
/// (SipHash's last block holds the length).
fn hash(hasher: &RandomState, key: &[u8]) -> u64 {
    let mut h = hasher.build_hasher();
    h.write(key);
    h.finish()
}

/// The fewest bytes a member after the first takes (`,"":0`): what bounds the members left in a
/// text.
const MEMBER_LEN: usize = 5;

impl<'a> Keys<'a> {
    /// `key` (number `index` of the known keys, or unknown), if it was not seen before; at most
    /// `more` keys can follow it (see [`Keys::room`]). A known key is recorded now.
    #[inline]
    pub(crate) fn check(
        &mut self,
        index: Option<usize>,
        key: Text<'a>,
        more: usize,
    ) -> Option<New> {
        if let Some(i) = index {
            let bit = 1 << i;
            let seen = self.known & bit != 0;
            self.known |= bit;
            return (!seen).then_some(New::Known);
        }
        self.check_other(key, more)
    }

    /// [`check`](Self::check) for a key that is not one of the known ones.
    fn check_other(&mut self, key: Text<'a>, more: usize) -> Option<New> {
        let decoded = &self.decoded[..];
        let key = key.get(decoded).bytes();
        let inline = self.inline.get_or_insert_with(Default::default);
        if self.more.is_none() {
            for slot in inline.iter() {
                match slot {
                    Some(seen) if seen.get(decoded).bytes() == key => return None,
                    Some(_) => {}
                    None => return Some(New::Inline),
                }
            }
            // The array is full: its keys, and all that follow, are hashed, in one vector
            // allocated once for as many as can follow.
            let hasher = RandomState::new();
            let mut keys = Vec::with_capacity(INLINE_KEYS + 1 + more);
            keys.extend(
                (inline.iter_mut().filter_map(Option::take))
                    .map(|k| (hash(&hasher, k.get(decoded).bytes()), k)),
            );
            self.more = Some(More { hasher, keys });
        }
        let more = self.more.as_ref()?;
        let hash = hash(&more.hasher, key);
        let seen = (more.keys.iter()).any(|(h, k)| *h == hash && k.get(decoded).bytes() == key);
        (!seen).then_some(New::Hashed(hash))
    }

    /// Records `key`, which `check` found `new`, or forgets it (`None`: it was a repeat): its
    /// decoded text, if any, is dropped unless it is kept.
    #[inline]
    pub(crate) fn keep(&mut self, new: Option<New>, key: Text<'a>) {
        match new {
            Some(New::Inline) => {
                let free = self.inline.iter_mut().flatten().find(|slot| slot.is_none());
                if let Some(slot) = free {
                    *slot = Some(key);
                }
            }
            Some(New::Hashed(hash)) => {
                if let Some(more) = &mut self.more {
                    more.keys.push((hash, key));
                }
            }
            Some(New::Known) | None => {
                if let Text::Decoded { start, .. } = key {
                    self.decoded.truncate(start);
                }
            }
        }
    }

    /// How many keys can follow in the rest of a text, `remaining` bytes, at most `limit` of
    /// them.
    pub(crate) fn room(remaining: usize, limit: usize) -> usize {
        (remaining / MEMBER_LEN).min(limit)
    }
}

/// Reads the members of an object whose `{` was read: for each key, its index in `known` (or
/// `None`) goes to `read`, which must read the value. A repeated key is recorded and its value
/// skipped. More members than `limit` allows besides the first of each known one, repeated ones
/// included, are an error.
// Inlined into each reader of an object, as are `next_key`, `object` and the typed readers: a
// call per member (registers saved, a key returned through memory) measured slower than the
// member's own work.
#[inline(always)]
pub(crate) fn members<'a>(
    r: &mut Reader<'a>,
    mut m: Members,
    findings: &mut Findings,
    known: &[&str],
    limit: TooMany,
    mut read: impl FnMut(Option<usize>, Key<'_>, &mut Reader<'a>, &mut Findings) -> Result<()>,
) -> Result<()> {
    let mut keys = Keys::default();
    let mut others = 0;
    while let Some(key) = m.next_key(r, &mut keys.decoded)? {
        // Compared inline: the keys are short, and a call to `memcmp` per known key costs more
        // than the comparison.
        let text = key.get(&keys.decoded).bytes();
        let index = known
            .iter()
            .position(|k| k.len() == text.len() && k.bytes().zip(text).all(|(a, &b)| a == b));
        let new = keys.check(index, key, Keys::room(r.remaining(), limit.max()));
        if new.is_none() || index.is_none() {
            others += 1;
            if others > limit.max() {
                return Err(too_many(r, limit));
            }
        }
        let text = key.get(&keys.decoded);
        match new {
            Some(_) => read(index, text, r, findings)?,
            None => {
                findings.duplicate(&text.text());
                skip(r, findings, 0)?;
            }
        }
        keys.keep(new, key);
    }
    Ok(())
}

/// The error of an object with more than [`MAX_OTHER_MEMBERS`] members besides the known ones.
pub(crate) fn too_many_members(r: &Reader<'_>) -> SyntaxError {
    too_many(r, TooMany::Members)
}

/// The error of an object that breaks the limit `which`: refused, unread after it.
pub(crate) fn too_many(r: &Reader<'_>, which: TooMany) -> SyntaxError {
    SyntaxError {
        too_many: Some(which),
        ..r.error("too many members")
    }
}

/// Reads the one JSON object `text` holds, nothing after it but whitespace: its members as
/// [`members`] reads them, with at most [`MAX_OTHER_MEMBERS`] besides the `known` ones.
#[inline(always)]
pub(crate) fn object<'a>(
    text: &'a str,
    findings: &mut Findings,
    known: &[&str],
    read: impl FnMut(Option<usize>, Key<'_>, &mut Reader<'a>, &mut Findings) -> Result<()>,
) -> Result<()> {
    let mut r = Reader::new(text);
    if r.peek()? != Kind::Object {
        return Err(r.error("expected a JSON object"));
    }
    let m = r.begin_object()?;
    members(&mut r, m, findings, known, TooMany::Members, read)?;
    r.end()
}

/// The reader, if one more level of nesting is allowed.
pub(crate) fn nest<'r, 'a>(r: &'r mut Reader<'a>, depth: usize) -> Result<&'r mut Reader<'a>> {
    if depth >= MAX_DEPTH {
        return Err(r.error("a value nests deeper than 32 levels"));
    }
    Ok(r)
}

/// Reads and drops any value, `depth` levels below the value being read: checked as every value
/// is (repeated keys recorded), numbers scanned but not converted.
pub(crate) fn skip(r: &mut Reader<'_>, findings: &mut Findings, depth: usize) -> Result<()> {
    match r.peek()? {
        Kind::Object => {
            let m = nest(r, depth)?.begin_object()?;
            members(
                r,
                m,
                findings,
                &[],
                TooMany::Members,
                |_, _, r, findings| skip_inner(r, findings, depth + 1),
            )?;
        }
        Kind::Array => {
            let mut e = nest(r, depth)?.begin_array()?;
            while e.next(r)? {
                skip_inner(r, findings, depth + 1)?;
            }
        }
        Kind::String => r.skip_string()?,
        Kind::Number => {
            r.number_end()?;
        }
        Kind::Bool => {
            r.bool()?;
        }
        Kind::Null => r.null()?,
    }
    Ok(())
}

/// [`skip`] of a member or an element: numbers and strings, most of what a long array or object
/// holds, without a call.
#[inline(always)]
fn skip_inner(r: &mut Reader<'_>, findings: &mut Findings, depth: usize) -> Result<()> {
    match r.peek()? {
        Kind::Number => r.number_end().map(drop),
        Kind::String => r.skip_string(),
        _ => skip(r, findings, depth),
    }
}

/// Reads and drops a value, saying what type it is.
pub(crate) fn found(r: &mut Reader<'_>, findings: &mut Findings) -> Result<&'static str> {
    let kind = r.peek()?;
    skip(r, findings, 0)?;
    Ok(match kind {
        Kind::Number => "a number",
        Kind::String => "a string",
        Kind::Bool => "a boolean",
        Kind::Null => "null",
        Kind::Array => "an array",
        Kind::Object => "an object",
    })
}

/// A string member.
#[inline(always)]
pub(crate) fn str_field<'a>(
    r: &mut Reader<'a>,
    findings: &mut Findings,
) -> Result<Field<Cow<'a, str>>> {
    if r.peek()? == Kind::String {
        return Ok(Field::Present(r.string()?));
    }
    Ok(Field::Invalid(found(r, findings)?))
}

/// A NumericDate member: an integer from 0 to 2^53 − 1. Floats (even `1.0`), strings and larger
/// integers are wrong types, never converted.
#[inline(always)]
pub(crate) fn date_field(r: &mut Reader<'_>, findings: &mut Findings) -> Result<Field<u64>> {
    if r.peek()? != Kind::Number {
        return Ok(Field::Invalid(found(r, findings)?));
    }
    let (text, integer) = r.scan_number()?;
    Ok(if text.starts_with('-') {
        Field::Invalid("a negative number")
    } else if !integer {
        Field::Invalid("a number with a fraction or an exponent")
    } else {
        // Checked JSON: digits alone are an integer without a leading zero, so more digits than
        // `MAX_EXP` has are more than it, and up to that many cannot overflow. Summed by hand,
        // as measured: `str::parse` checks again what the scan checked.
        match text.len() <= MAX_EXP_DIGITS {
            true => match text.bytes().fold(0, |n, d| n * 10 + u64::from(d - b'0')) {
                value if value <= MAX_EXP => Field::Present(value),
                _ => Field::Invalid("an integer beyond 2^53-1"),
            },
            false => Field::Invalid("an integer beyond 2^53-1"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(json: &str) -> Result<Cow<'_, str>> {
        let mut r = Reader::new(json);
        let s = r.string()?;
        r.end()?;
        Ok(s)
    }

    fn number(json: &str) -> Result<Number> {
        let mut r = Reader::new(json);
        let (n, text) = r.number()?;
        r.end()?;
        assert_eq!(text, json.trim());
        Ok(n)
    }

    #[test]
    fn strings() {
        assert!(matches!(string(r#""abc""#), Ok(Cow::Borrowed("abc"))));
        assert_eq!(
            string(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z""#).unwrap(),
            "a\"\\/\u{8}\u{c}\n\r\té😀z"
        );
        assert_eq!(
            string(r#""\u0041\u00""#).unwrap_err().what,
            "invalid escape"
        );
        assert_eq!(
            string(r#""\ud83d""#).unwrap_err().what,
            "lone leading surrogate in hex escape"
        );
        assert_eq!(
            string(r#""\ud83d\u0041""#).unwrap_err().what,
            "lone leading surrogate in hex escape"
        );
        assert_eq!(
            string(r#""\ude00""#).unwrap_err().what,
            "lone trailing surrogate in hex escape"
        );
        assert_eq!(
            string("\"a\nb\"").unwrap_err().what,
            "control character (\\u0000-\\u001F) found while parsing a string"
        );
        assert_eq!(string(r#""\x""#).unwrap_err().what, "invalid escape");
        assert_eq!(
            string(r#""abc"#).unwrap_err().what,
            "EOF while parsing a string"
        );
        assert_eq!(string("\"é\u{7f}\"").unwrap(), "é\u{7f}");
    }

    /// Runs of `\u` escapes of every length, ASCII or not, with surrogate pairs, other escapes
    /// and plain text among them, decode as serde_json decodes them, kept or skipped.
    #[test]
    fn runs_of_unicode_escapes() {
        let pieces = [
            r"\u0061",
            r"\u0000",
            r"\u007f",
            r"\u00e9",
            r"\u2028",
            r"\uFFFF",
            r"\ud83d\ude00",
            r"\n",
            "z",
            "é",
        ];
        for len in [0, 1, 63, 64, 65, 130] {
            for (i, piece) in pieces.iter().enumerate() {
                let run = r"\u0062".repeat(len);
                let json = format!(r#""{run}{piece}{run}{}""#, pieces[(i + 3) % pieces.len()]);
                let expected: String = serde_json::from_str(&json).unwrap();
                assert_eq!(string(&json).unwrap(), expected, "{json}");
                let mut r = Reader::new(&json);
                r.skip_string().unwrap();
                r.end().unwrap();
            }
            let bad = format!(r#""{}\u00g1""#, r"\u0062".repeat(len));
            assert_eq!(string(&bad).unwrap_err().what, "invalid escape");
            let lone = format!(r#""{}\ud800x""#, r"\u0062".repeat(len));
            assert!(string(&lone).is_err());
        }
    }

    /// Plain runs of every length up to past the byte-by-byte part, of characters of one to
    /// four bytes (so that the gathered text ends inside a character at every offset of the
    /// buffer), between simple escapes, decode as serde_json decodes them, kept or skipped.
    #[test]
    fn escapes_among_plain_runs_of_every_length() {
        let runs = (0..=SHORT_RUN + 9).chain(LONG_RUN - 2..=LONG_RUN + 9);
        for (c, run) in ['a', 'é', '€', '😀']
            .iter()
            .flat_map(|&c| runs.clone().map(move |run| (c, run)))
        {
            for escape in [r"\n", r"\u00e9", r"\ud83d\ude00"] {
                for count in [1, 2, GATHERED / 3, GATHERED] {
                    let plain: String = std::iter::repeat_n(c, run).collect();
                    let json = format!(r#""{}""#, format!("{plain}{escape}").repeat(count));
                    let expected: String = serde_json::from_str(&json).unwrap();
                    assert_eq!(
                        string(&json).unwrap(),
                        expected,
                        "{c} {run} {escape} {count}"
                    );
                    let mut r = Reader::new(&json);
                    r.skip_string().unwrap();
                    r.end().unwrap();
                }
            }
        }
    }

    #[test]
    fn the_word_scan_finds_the_first_special_byte() {
        let plain: Vec<u8> = (0x20u8..=0xFF)
            .filter(|&b| b != b'"' && b != b'\\')
            .collect();
        for special in [b'"', b'\\', 0, 0x1F, b'\n'] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| plain[(i * 37 + len) % plain.len()])
                        .collect();
                    if at < len {
                        bytes[at] = special;
                        // Another special byte later does not matter.
                        if at + 1 < len {
                            bytes[len - 1] = b'"';
                        }
                    }
                    assert_eq!(special_byte(&bytes), at, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn strings_into_a_buffer() {
        for json in [r#""abc""#, r#""a\u00e9\"b""#, r#""\\""#, r#""""#] {
            let mut out = String::from("x");
            let mut r = Reader::new(json);
            r.string_into(&mut out).unwrap();
            r.end().unwrap();
            assert_eq!(out, format!("x{}", string(json).unwrap()));
        }
        for json in ["\"\\", "\"a\\", "\"a\\\"", "\"a"] {
            assert!(string(json).is_err(), "{json}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(number("0"), Ok(Number::U64(0)));
        assert_eq!(number("18446744073709551615"), Ok(Number::U64(u64::MAX)));
        assert_eq!(
            number("18446744073709551616"),
            Ok(Number::F64(18446744073709551616.0))
        );
        assert_eq!(number("-5"), Ok(Number::I64(-5)));
        assert_eq!(number("-0"), Ok(Number::F64(-0.0)));
        assert_eq!(number("1.5e3"), Ok(Number::F64(1500.0)));
        assert_eq!(number("1E-2"), Ok(Number::F64(0.01)));
        for bad in ["01", "1.", ".5", "-", "1e", "1e+", "+1", "0x1", "1.e3"] {
            assert!(number(bad).is_err(), "{bad}");
        }
        for beyond in [
            "1e400",
            "-1e400",
            "1E+309",
            &format!("1{}", "0".repeat(400)),
        ] {
            assert_eq!(number(beyond), Ok(Number::BeyondFloat), "{beyond}");
        }
    }

    /// Whether a number is beyond a float, read from its digits, agrees with its conversion:
    /// around the limit in every spelling (the point moved, leading and trailing zeros, signs,
    /// exponents), far from it, and at lengths where conversion is slow.
    #[test]
    fn beyond_float_agrees_with_conversion() {
        let limit = std::str::from_utf8(FLOAT_LIMIT).unwrap();
        let below = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791";
        let mut digit_strings = vec![
            limit.to_owned(),
            below.to_owned(),
            format!("{limit}0"),
            format!("{limit}1"),
            format!("{below}9"),
            format!("{below}{}", "9".repeat(400)),
        ];
        for cut in [1, 2, 16, 17, 18, 100, 308] {
            digit_strings.push(limit[..cut].to_owned());
            // One more in the last digit, where it is no 9.
            let mut up = limit[..cut].to_owned().into_bytes();
            if let Some(last @ b'0'..=b'8') = up.last_mut() {
                *last += 1;
                digit_strings.push(String::from_utf8(up).unwrap());
            }
        }
        digit_strings.push("1".to_owned());
        digit_strings.push("9".repeat(20_000));
        digit_strings.push(format!("1{}", "0".repeat(50)));
        let mut texts = vec![];
        for digits in &digit_strings {
            // As written, the value's digits before the point being `m`: 309, 308 and 310.
            for m in [308, 309, 310, 1, 0, -5] {
                for point in [1, 2, digits.len()] {
                    let point = point.min(digits.len());
                    let (whole, fraction) = digits.split_at(point);
                    let e = m - point as i64;
                    let plus = if e < 0 { "E" } else { "E+" };
                    for (sign, exp) in [("", "e"), ("-", plus)] {
                        let fraction = match fraction {
                            "" => String::new(),
                            f => format!(".{f}00"),
                        };
                        texts.push(format!("{sign}{whole}{fraction}{exp}{e}"));
                    }
                    texts.push(format!(
                        "0.{}{digits}e{}",
                        "0".repeat(point),
                        m + point as i64
                    ));
                }
            }
        }
        texts.extend(
            [
                "0",
                "-0",
                "0e99999999999999999999",
                "1e-99999999999999999999",
                "1e99999999999999999999",
                "0.0e400",
                "1e308",
                "1e309",
                "1.5e308",
                "2e308",
            ]
            .map(str::to_owned),
        );
        texts.push(format!("1{}", "0".repeat(308)));
        texts.push(format!("1{}", "0".repeat(309)));
        for text in &texts {
            assert_eq!(
                beyond_float(text),
                !text.parse::<f64>().expect(text).is_finite(),
                "{text}"
            );
            let mut r = Reader::new(text);
            assert_eq!(
                r.number().unwrap().0 == Number::BeyondFloat,
                beyond_float(text),
                "{text}"
            );
        }
        assert!(texts.len() > 1000, "{}", texts.len());
    }

    #[test]
    fn objects_and_arrays() {
        let mut r = Reader::new(r#" { "a" : [ 1 , true , null ] , "\u0062" : { } } "#);
        let mut decoded = Vec::new();
        let mut key = |m: &mut Members, r: &mut Reader<'_>| {
            let key = m.next_key(r, &mut decoded).unwrap();
            key.map(|key| key.get(&decoded).text().into_owned())
        };
        let mut m = r.begin_object().unwrap();
        assert_eq!(key(&mut m, &mut r).unwrap(), "a");
        let mut e = r.begin_array().unwrap();
        assert!(e.next(&mut r).unwrap());
        assert_eq!(r.number().unwrap(), (Number::U64(1), "1"));
        assert!(e.next(&mut r).unwrap());
        assert!(r.bool().unwrap());
        assert!(e.next(&mut r).unwrap());
        r.null().unwrap();
        assert!(!e.next(&mut r).unwrap());
        assert_eq!(key(&mut m, &mut r).unwrap(), "b");
        let mut inner = r.begin_object().unwrap();
        assert!(key(&mut inner, &mut r).is_none());
        assert!(key(&mut m, &mut r).is_none());
        r.end().unwrap();

        for (bad, what) in [
            (r#"{"a":1,}"#, "trailing comma"),
            (r#"{"a" 1}"#, "expected `:`"),
            (r#"{1:1}"#, "key must be a string"),
            (r#"{"a":1 "b":2}"#, "expected `,` or `}`"),
            (r#"{"a":1"#, "EOF while parsing an object"),
        ] {
            let mut r = Reader::new(bad);
            let mut m = r.begin_object().unwrap();
            let mut result = Ok(());
            loop {
                match m.next_key(&mut r, &mut Vec::new()) {
                    Ok(Some(_)) => {
                        r.number().unwrap();
                    }
                    Ok(None) => break,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            assert_eq!(result.unwrap_err().what, what, "{bad}");
        }
    }

    /// Repeats are found among many unknown keys, past the inline array, whatever their length
    /// and however they are written; keys that differ only in length or in a zero byte are not
    /// repeats.
    #[test]
    fn repeated_keys_among_many() {
        let first_repeat = |json: &str| {
            let mut findings = Findings::default();
            object(json, &mut findings, &[], |_, _, r, f| skip(r, f, 0)).unwrap();
            findings.duplicate
        };
        let distinct = [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            r"abcdefgh\u0000",
            "abcdefghi",
            r"abcdefgh\u0000\u0000",
            "0123456789abcdef",
            "0123456789abcdef0",
            "b",
            "c",
            "d",
            "e",
            "f",
            "g",
            "h",
            "i",
            "j",
        ];
        let members: Vec<String> = distinct.iter().map(|k| format!(r#""{k}":0"#)).collect();
        let json = format!("{{{}}}", members.join(","));
        assert_eq!(first_repeat(&json), None, "{json}");
        for (repeat, key) in [
            (r"\u0061bcdefgh", "abcdefgh"),
            (r"0123456789abcde\u0066", "0123456789abcdef"),
            ("j", "j"),
        ] {
            let json = format!(r#"{{{},"{repeat}":1}}"#, members.join(","));
            assert_eq!(first_repeat(&json).as_deref(), Some(key), "{json}");
        }
    }

    /// Keys decoded from escapes are compared as bytes: long keys whose characters straddle the
    /// buffer they are gathered in are repeats of the same key written plainly, inline and among
    /// hashed keys, and are reported as their text.
    #[test]
    fn long_escaped_keys_are_compared_as_their_text() {
        let first_repeat = |json: &str| {
            let mut findings = Findings::default();
            let mut keys = Vec::new();
            object(json, &mut findings, &[], |_, key, r, f| {
                keys.push(key.text().into_owned());
                skip(r, f, 0)
            })
            .unwrap();
            (findings.duplicate, keys)
        };
        for len in [
            GATHERED / 2 - 3,
            GATHERED / 2 - 1,
            GATHERED / 2,
            GATHERED + 5,
        ] {
            for others in [0, INLINE_KEYS + 3] {
                let plain = format!("{}x😀", "é".repeat(len));
                let escaped = format!(r"{}\u0078\ud83d\ude00", r"\u00e9".repeat(len));
                let mut members: Vec<String> =
                    (0..others).map(|i| format!(r#""k{i}":0"#)).collect();
                members.push(format!(r#""{escaped}":0"#));
                members.push(format!(r#""{plain}y":0"#));
                let (repeat, keys) = first_repeat(&format!("{{{}}}", members.join(",")));
                assert_eq!(repeat, None, "{len} {others}");
                assert_eq!(keys[others], plain, "{len} {others}");
                members.push(format!(r#""{plain}":1"#));
                let (repeat, _) = first_repeat(&format!("{{{}}}", members.join(",")));
                assert_eq!(repeat.as_deref(), Some(&plain[..]), "{len} {others}");
            }
        }
    }

    #[test]
    fn dates_are_integers_up_to_2_to_the_53() {
        let date =
            |json: &str| date_field(&mut Reader::new(json), &mut Findings::default()).unwrap();
        for (json, value) in [
            ("0", 0),
            ("1700000000", 1_700_000_000),
            ("9007199254740991", MAX_EXP),
        ] {
            assert_eq!(date(json), Field::Present(value), "{json}");
        }
        for json in [
            "9007199254740992",
            "9999999999999999",
            "10000000000000000",
            "18446744073709551616",
        ] {
            assert_eq!(
                date(json),
                Field::Invalid("an integer beyond 2^53-1"),
                "{json}"
            );
        }
        assert_eq!(date("-1"), Field::Invalid("a negative number"));
        assert_eq!(
            date("1.0"),
            Field::Invalid("a number with a fraction or an exponent")
        );
        assert_eq!(date("\"1\""), Field::Invalid("a string"));
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let e = SyntaxError {
            what: "x",
            at: 7,
            too_many: None,
        };
        assert_eq!(e.detail("{\n  \"a\" 1}"), "x at line 2 column 6");
        assert_eq!(e.detail("0123456789"), "x at line 1 column 8");
    }
}
