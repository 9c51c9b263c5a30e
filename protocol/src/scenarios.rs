//! The demo services' line protocols: chat, quotes, game and lamp.
//!
//! Each service speaks lines of UTF-8 text over TCP. Lines are sent ending in
//! `\r\n` and accepted ending in `\n` or `\r\n`. The relay's services and the
//! page both use these parsers and formatters, so each line format is written
//! down once. [`LineBuffer`] cuts a byte stream (TCP reads, or the binary
//! messages the relay forwards to the page) into lines.
//!
//! Errors are lines too: `! reason` for chat, quotes and game, `ERR reason`
//! for the lamp, which follows the habit of real device protocols.

pub mod chat;
pub mod game;
pub mod lamp;
pub mod quotes;

/// The relay targets of the built-in services, as named in `/ws/<target>`:
/// the relay registers them under these names and the page connects to them.
pub mod targets {
    /// The echo service.
    pub const ECHO: &str = "echo";
    /// The same echo service over UDP: each datagram comes back.
    pub const UDP_ECHO: &str = "udp-echo";
    /// The lossy service over TCP: a lost reply comes late, and every reply
    /// behind it waits (see [`crate::lossy`]).
    pub const LOSSY: &str = "lossy";
    /// The lossy service over UDP: a lost reply never comes.
    pub const UDP_LOSSY: &str = "udp-lossy";
    /// The lab's recorder.
    pub const RECORDER: &str = "recorder";
    /// The chat room.
    pub const CHAT: &str = "chat";
    /// The quotes service.
    pub const QUOTES: &str = "quotes";
    /// The arena game.
    pub const GAME: &str = "game";
    /// The lamp.
    pub const LAMP: &str = "lamp";
}

use std::collections::VecDeque;

use thiserror::Error;

/// Longest line accepted, in bytes, not counting its `\r\n` or `\n`.
pub const MAX_LINE_BYTES: usize = 1024;

/// Longest chat nick or game player name.
pub const MAX_NAME_LEN: usize = 24;

/// What every line sent ends with.
pub const LINE_END: &str = "\r\n";

/// Why a received line was dropped instead of being handed on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineError {
    /// More than [`MAX_LINE_BYTES`] before the end of the line.
    #[error("line longer than 1024 bytes was dropped")]
    TooLong,
    /// The line's bytes are not UTF-8.
    #[error("line is not valid UTF-8 and was dropped")]
    InvalidUtf8,
}

/// A line from a peer that does not match the format it should have.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed {kind} line: {line:?}")]
pub struct ParseError {
    /// Which protocol's line it was meant to be (`chat`, `quote`, ...).
    pub kind: &'static str,
    /// The line as received.
    pub line: String,
}

impl ParseError {
    pub(crate) fn new(kind: &'static str, line: &str) -> Self {
        Self {
            kind,
            line: line.to_owned(),
        }
    }
}

/// Cuts a byte stream into lines, keeping at most [`MAX_LINE_BYTES`] (+1 for
/// a `\r`) of an unfinished line. An overlong line yields one
/// [`LineError::TooLong`] as soon as it is known to be too long, and the rest
/// of it, up to the next `\n`, is skipped.
#[derive(Debug, Default)]
pub struct LineBuffer {
    partial: Vec<u8>,
    discarding: bool,
    ready: VecDeque<Result<String, LineError>>,
}

impl LineBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds received bytes. Lines they complete are returned by [`Self::next_line`].
    pub fn push(&mut self, mut bytes: &[u8]) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            self.take(&bytes[..end]);
            self.finish_line();
            bytes = &bytes[end + 1..];
        }
        self.take(bytes);
    }

    /// The next complete line (without its line ending), or why it was dropped.
    pub fn next_line(&mut self) -> Option<Result<String, LineError>> {
        self.ready.pop_front()
    }

    /// At end of stream: the unfinished last line, if any, as a line.
    pub fn finish(&mut self) -> Option<Result<String, LineError>> {
        if !self.partial.is_empty() {
            self.finish_line();
        }
        self.discarding = false;
        self.ready.pop_front()
    }

    fn take(&mut self, part: &[u8]) {
        if self.discarding {
            return;
        }
        if self.partial.len() + part.len() > MAX_LINE_BYTES + 1 {
            self.partial.clear();
            self.discarding = true;
            self.ready.push_back(Err(LineError::TooLong));
        } else {
            self.partial.extend_from_slice(part);
        }
    }

    fn finish_line(&mut self) {
        if std::mem::take(&mut self.discarding) {
            return;
        }
        let mut line = std::mem::take(&mut self.partial);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let item = if line.len() > MAX_LINE_BYTES {
            Err(LineError::TooLong)
        } else {
            String::from_utf8(line).map_err(|_| LineError::InvalidUtf8)
        };
        self.ready.push_back(item);
    }
}

/// True for a chat nick or game player name: 1 to [`MAX_NAME_LEN`] of
/// `[A-Za-z0-9_-]`.
pub fn is_valid_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The text of the error line a client gets when it fell behind a broadcast
/// and `n` messages were dropped for it.
pub fn missed_note(n: u64) -> String {
    format!("you missed {n} messages")
}

/// Plain decimal digits only (`u64::from_str` would also take a `+`).
pub(crate) fn parse_number<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Splits `line` into its first word and the trimmed rest.
pub(crate) fn split_command(line: &str) -> (&str, &str) {
    let line = line.trim();
    match line.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (line, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(buf: &mut LineBuffer) -> Vec<Result<String, LineError>> {
        std::iter::from_fn(|| buf.next_line()).collect()
    }

    #[test]
    fn splits_on_lf_and_crlf_across_chunks() {
        let mut buf = LineBuffer::new();
        buf.push(b"one\r\ntw");
        assert_eq!(lines(&mut buf), vec![Ok("one".to_owned())]);
        buf.push(b"o\nthree\r");
        assert_eq!(lines(&mut buf), vec![Ok("two".to_owned())]);
        buf.push(b"\n\n");
        assert_eq!(
            lines(&mut buf),
            vec![Ok("three".to_owned()), Ok(String::new())]
        );
        assert_eq!(buf.finish(), None);
    }

    #[test]
    fn unfinished_last_line_counts_at_end_of_stream() {
        let mut buf = LineBuffer::new();
        buf.push(b"bye");
        assert_eq!(buf.next_line(), None);
        assert_eq!(buf.finish(), Some(Ok("bye".to_owned())));
    }

    #[test]
    fn overlong_line_is_reported_once_and_skipped() {
        let mut buf = LineBuffer::new();
        buf.push(&vec![b'x'; 600]);
        buf.push(&vec![b'x'; 600]);
        assert_eq!(lines(&mut buf), vec![Err(LineError::TooLong)]);
        buf.push(&vec![b'x'; 5000]);
        buf.push(b"still the long line\nok\n");
        assert_eq!(lines(&mut buf), vec![Ok("ok".to_owned())]);
    }

    #[test]
    fn limit_is_exactly_1024_bytes_plus_line_ending() {
        let mut buf = LineBuffer::new();
        let max = "y".repeat(MAX_LINE_BYTES);
        buf.push(format!("{max}\r\n{max}\n{max}y\r\n{max}y\nend\n").as_bytes());
        assert_eq!(
            lines(&mut buf),
            vec![
                Ok(max.clone()),
                Ok(max),
                Err(LineError::TooLong),
                Err(LineError::TooLong),
                Ok("end".to_owned())
            ]
        );
        // Without a line ending yet: known too long at 1026 bytes, not before.
        buf.push(format!("{}\r", "z".repeat(MAX_LINE_BYTES)).as_bytes());
        assert_eq!(buf.next_line(), None);
        buf.push(b"z");
        assert_eq!(buf.next_line(), Some(Err(LineError::TooLong)));
    }

    #[test]
    fn invalid_utf8_drops_only_that_line() {
        let mut buf = LineBuffer::new();
        buf.push(b"caf\xc3\xa9\n\xff\xfe\nnext\n");
        assert_eq!(
            lines(&mut buf),
            vec![
                Ok("café".to_owned()),
                Err(LineError::InvalidUtf8),
                Ok("next".to_owned())
            ]
        );
    }

    #[test]
    fn names_are_short_and_plain() {
        assert!(is_valid_name("alice_2-b"));
        assert!(is_valid_name(&"n".repeat(MAX_NAME_LEN)));
        for bad in ["", "a b", "é", "a:b", "a;b", &"n".repeat(MAX_NAME_LEN + 1)] {
            assert!(!is_valid_name(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn commands_split_at_the_first_space() {
        assert_eq!(split_command("  MOVE   U  "), ("MOVE", "U"));
        assert_eq!(split_command("/who"), ("/who", ""));
        assert_eq!(split_command(""), ("", ""));
    }

    /// Mangled variants of real lines, multi-byte characters included: every
    /// parser answers each with a value or an error, and never panics.
    #[test]
    fn parsers_never_panic_on_mangled_lines() {
        let seeds = [
            "* welcome, you are guest-1. /nick NAME, /who, /quit",
            "* a is now b",
            "<alice> hi",
            "QUOTE 1 ACME 1.00 5",
            "STATE coin=1,1 players=a:1:1:1;b:2:2:2",
            "STATE power=on brightness=80 color=#ffcc00",
            "COLOR #ffcc00",
            "MOVE U",
            "/nick bob",
            "PING é世",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            for _ in 0..500 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let cut = (state % (chars.len() as u64 + 1)) as usize;
                let junk =
                    ['é', ' ', ':', ';', '#', '9', ',', '\u{0}', '世'][(state >> 20) as usize % 9];
                let mut mangled: String = chars[..cut].iter().collect();
                if state & 1 == 0 {
                    mangled.push(junk);
                }
                mangled.extend(&chars[cut..]);
                let _ = chat::parse_server_line(&mangled);
                let _ = chat::parse_command(&mangled);
                let _ = quotes::parse_server_line(&mangled);
                let _ = game::parse_server_line(&mangled);
                let _ = game::parse_command(&mangled);
                let _ = lamp::parse_server_line(&mangled);
                let _ = lamp::parse_command(&mangled);
            }
        }
    }

    #[test]
    fn numbers_are_plain_digits() {
        assert_eq!(parse_number::<u8>("42"), Some(42));
        for bad in ["", "+1", "-1", " 1", "1x", "256"] {
            assert_eq!(parse_number::<u8>(bad), None, "{bad:?}");
        }
    }
}
