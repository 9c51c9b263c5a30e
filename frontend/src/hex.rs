//! Bytes as the visitor types and reads them: hex parsing for the composer,
//! and the hex and escaped-text views of the log. Pure functions, no web-sys.

use thiserror::Error;

/// Why a hex string could not be turned into bytes. Positions are 1-based
/// character columns in what the visitor typed, so they can be shown as-is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    /// Nothing but separators: there is no byte to send.
    #[error("no hex digits")]
    Empty,
    /// A character that is neither a hex digit nor a separator.
    #[error("invalid hex digit {ch:?} at position {position}")]
    InvalidDigit {
        /// The offending character.
        ch: char,
        /// Its 1-based column.
        position: usize,
    },
    /// A group (the digits between separators) with an odd number of digits,
    /// so its last byte is only half there.
    #[error("odd number of hex digits in {group:?} at position {position}")]
    OddDigits {
        /// The group as typed, without its `0x` prefix.
        group: String,
        /// The 1-based column where the group starts.
        position: usize,
    },
}

/// Parse hex such as `"50 49 4e 47 0d 0a"`, `"0x50,0x49"` or `"50494e47"`.
///
/// Groups are separated by whitespace, commas or colons; each group may
/// start with `0x`/`0X` and must hold an even number of digits.
pub fn parse_hex(input: &str) -> Result<Vec<u8>, HexError> {
    let mut bytes = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_separator(chars[i]) {
            i += 1;
            continue;
        }
        let mut start = i;
        if chars[i] == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
            start = i + 2;
        }
        let mut end = start;
        while end < chars.len() && !is_separator(chars[end]) {
            end += 1;
        }
        let group = &chars[start..end];
        let mut digits = Vec::with_capacity(group.len());
        for (offset, &ch) in group.iter().enumerate() {
            match ch.to_digit(16) {
                // to_digit(16) is at most 15, so the cast cannot truncate.
                Some(d) => digits.push(d as u8),
                None => {
                    return Err(HexError::InvalidDigit {
                        ch,
                        position: start + offset + 1,
                    })
                }
            }
        }
        if digits.is_empty() || digits.len() % 2 == 1 {
            return Err(HexError::OddDigits {
                group: group.iter().collect(),
                position: start + 1,
            });
        }
        bytes.extend(digits.chunks_exact(2).map(|pair| pair[0] << 4 | pair[1]));
        i = end;
    }
    if bytes.is_empty() {
        return Err(HexError::Empty);
    }
    Ok(bytes)
}

fn is_separator(ch: char) -> bool {
    ch.is_whitespace() || ch == ',' || ch == ':'
}

/// Lower-case hex, one space between bytes: `"50 49 0d 0a"`.
pub fn format_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// Bytes as readable text: valid UTF-8 is shown as is, `\r` `\n` `\t` `\0`
/// and `\\` as escapes, other control characters and bytes that are not
/// UTF-8 as `\xNN`. Returns one string per line, each line ending just after
/// an escaped `\n`, so a view can break lines where the data does.
pub fn escape_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\n' => {
                    line.push_str("\\n");
                    lines.push(std::mem::take(&mut line));
                }
                '\r' => line.push_str("\\r"),
                '\t' => line.push_str("\\t"),
                '\0' => line.push_str("\\0"),
                '\\' => line.push_str("\\\\"),
                c if (c as u32) < 0x80 && c.is_ascii_control() => {
                    line.push_str(&format!("\\x{:02x}", c as u32));
                }
                c if c.is_control() => line.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => line.push(c),
            }
        }
        for b in chunk.invalid() {
            line.push_str(&format!("\\x{b:02x}"));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// [`escape_lines`] joined into one string.
pub fn escape_text(bytes: &[u8]) -> String {
    escape_lines(bytes).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spaced_prefixed_and_packed_hex() {
        let ping = b"PING\r\n".to_vec();
        assert_eq!(parse_hex("50 49 4e 47 0d 0a"), Ok(ping.clone()));
        assert_eq!(parse_hex("0x50 0x49 0x4E 0x47 0x0d 0x0a"), Ok(ping.clone()));
        assert_eq!(parse_hex("50494e470d0a"), Ok(ping.clone()));
        assert_eq!(parse_hex("0x50494E47,0d:0a\n"), Ok(ping));
        assert_eq!(parse_hex("  ff\t00  "), Ok(vec![0xff, 0x00]));
    }

    #[test]
    fn invalid_digit_names_the_character_and_its_column() {
        assert_eq!(
            parse_hex("50g1"),
            Err(HexError::InvalidDigit {
                ch: 'g',
                position: 3
            })
        );
        assert_eq!(
            parse_hex("0x50 0xzz"),
            Err(HexError::InvalidDigit {
                ch: 'z',
                position: 8
            })
        );
        // Columns count characters, not bytes.
        assert_eq!(
            parse_hex("连 50"),
            Err(HexError::InvalidDigit {
                ch: '连',
                position: 1
            })
        );
        assert_eq!(
            parse_hex("50g1").unwrap_err().to_string(),
            "invalid hex digit 'g' at position 3"
        );
    }

    #[test]
    fn odd_groups_are_rejected_where_they_start() {
        assert_eq!(
            parse_hex("50 4 9"),
            Err(HexError::OddDigits {
                group: "4".into(),
                position: 4
            })
        );
        assert_eq!(
            parse_hex("abc"),
            Err(HexError::OddDigits {
                group: "abc".into(),
                position: 1
            })
        );
        // A bare prefix has no digits at all.
        assert_eq!(
            parse_hex("0x"),
            Err(HexError::OddDigits {
                group: String::new(),
                position: 3
            })
        );
    }

    #[test]
    fn nothing_to_send_is_an_error() {
        assert_eq!(parse_hex(""), Err(HexError::Empty));
        assert_eq!(parse_hex(" ,\n "), Err(HexError::Empty));
    }

    #[test]
    fn formats_lower_case_spaced() {
        assert_eq!(format_hex(b"PING\r\n"), "50 49 4e 47 0d 0a");
        assert_eq!(format_hex(&[]), "");
        assert_eq!(format_hex(&[0, 255]), "00 ff");
    }

    #[test]
    fn round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(parse_hex(&format_hex(&all)), Ok(all));
    }

    #[test]
    fn escapes_control_characters_and_invalid_utf8() {
        assert_eq!(escape_text(b"+PONG\r\n"), "+PONG\\r\\n");
        assert_eq!(escape_text(b"a\tb\0c\\"), "a\\tb\\0c\\\\");
        assert_eq!(escape_text(&[0x1b, b'[', 0x7f]), "\\x1b[\\x7f");
        assert_eq!(escape_text(&[b'o', b'k', 0xff, 0xfe]), "ok\\xff\\xfe");
        assert_eq!(escape_text("你好".as_bytes()), "你好");
        assert_eq!(escape_text("\u{85}".as_bytes()), "\\u{85}");
    }

    #[test]
    fn splits_lines_after_newlines() {
        assert_eq!(
            escape_lines(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"),
            vec!["HTTP/1.1 200 OK\\r\\n", "A: b\\r\\n", "\\r\\n", "body"]
        );
        assert_eq!(escape_lines(b"x\n"), vec!["x\\n"]);
        assert_eq!(escape_lines(b""), vec![""]);
    }
}
