//! The log written out for a download: plain text for reading, JSON for
//! tools. Pure functions of the entries shown, no web-sys (tested on the
//! host). Times are UTC in ISO 8601, whatever the visitor's time zone.

use std::fmt::Write;
use std::rc::Rc;

use crate::hex::{escape_lines, format_hex};
use crate::i18n::Strings;
use crate::state::{Entry, EntryBody, Message};

/// The two formats a log is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One entry per line (and its hex on the next), for people.
    Text,
    /// An array of objects, for tools.
    Json,
}

impl ExportFormat {
    /// The file's name.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Text => "websocket-log.txt",
            Self::Json => "websocket-log.json",
        }
    }

    /// The file's media type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Text => "text/plain;charset=utf-8",
            Self::Json => "application/json",
        }
    }

    /// The format's name, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "JSON",
        }
    }

    /// `entries` in this format.
    pub fn write(self, entries: &[Rc<Entry>], s: &Strings) -> String {
        match self {
            Self::Text => as_text(entries, s),
            Self::Json => as_json(entries, s),
        }
    }
}

/// `2026-12-01T16:17:45.123Z`.
pub fn iso_time(at_ms: u64) -> String {
    let (days, ms) = (at_ms / 86_400_000, at_ms % 86_400_000);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn arrow(entry: &Entry) -> &'static str {
    match entry.body {
        EntryBody::Out(_) => "→",
        EntryBody::In(_) => "←",
        EntryBody::Sys(_) => "•",
    }
}

/// One entry per line: time, arrow, frame type and size, the text as the log
/// shows it (escapes such as `\r\n` included), then its hex indented.
pub fn as_text(entries: &[Rc<Entry>], s: &Strings) -> String {
    let mut out = String::new();
    for entry in entries {
        let time = iso_time(entry.at_ms);
        let arrow = arrow(entry);
        match &entry.body {
            EntryBody::Out(m) | EntryBody::In(m) => {
                let frame = if m.text { s.frame_text } else { s.frame_binary };
                let text = escape_lines(&m.head).concat();
                let size = (s.byte_count)(m.len);
                let _ = writeln!(out, "{time} {arrow} [{frame}, {size}] {text}");
                let _ = writeln!(out, "    {}", format_hex(&m.head));
                if m.truncated() {
                    let _ = writeln!(out, "    {}", (s.more_bytes)(m.len - m.head.len()));
                }
            }
            EntryBody::Sys(event) => {
                let _ = writeln!(out, "{time} {arrow} {}", s.sys_text(event));
            }
        }
    }
    out
}

/// A JSON array, one object per entry: `id`, `time`, `at_ms`, `dir`
/// (`out`, `in`, `sys`); messages add `frame` (`text`, `binary`), `bytes`
/// (the full length), `truncated`, `text` (the bytes kept, as UTF-8 with
/// U+FFFD for what is not) and `hex`; events add `event` (in the page's
/// language).
pub fn as_json(entries: &[Rc<Entry>], s: &Strings) -> String {
    let mut out = String::from("[");
    for (i, entry) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
        let _ = write!(
            out,
            "\"id\": {}, \"time\": \"{}\", \"at_ms\": {}, \"dir\": \"{}\"",
            entry.id,
            iso_time(entry.at_ms),
            entry.at_ms,
            entry.dir()
        );
        match &entry.body {
            EntryBody::Out(m) | EntryBody::In(m) => message_fields(&mut out, m),
            EntryBody::Sys(event) => {
                out.push_str(", \"event\": ");
                json_string(&mut out, &s.sys_text(event));
            }
        }
        out.push('}');
    }
    out.push_str(if entries.is_empty() { "]\n" } else { "\n]\n" });
    out
}

fn message_fields(out: &mut String, m: &Message) {
    let _ = write!(
        out,
        ", \"frame\": \"{}\", \"bytes\": {}, \"truncated\": {}, \"text\": ",
        if m.text { "text" } else { "binary" },
        m.len,
        m.truncated()
    );
    json_string(out, &String::from_utf8_lossy(&m.head));
    out.push_str(", \"hex\": \"");
    out.push_str(&format_hex(&m.head));
    out.push('"');
}

/// `text` as a JSON string, quotes included.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// serde_json is a host dependency only (the page uses the browser's parser).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::state::SysEvent;

    fn entry(id: u64, at_ms: u64, body: EntryBody) -> Rc<Entry> {
        Rc::new(Entry { id, at_ms, body })
    }

    fn message(text: bool, bytes: &[u8]) -> Message {
        Message {
            text,
            len: bytes.len(),
            head: bytes.to_vec(),
        }
    }

    #[test]
    fn times_are_utc_iso_8601() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso_time(1_796_142_465_123), "2026-12-01T16:27:45.123Z");
    }

    #[test]
    fn json_escapes_what_it_must_and_parses() {
        let s = Lang::En.strings();
        let entries = [
            entry(1, 0, EntryBody::Sys(SysEvent::Opened)),
            entry(2, 5, EntryBody::Out(message(true, b"say \"hi\"\r\n"))),
            entry(3, 9, EntryBody::In(message(false, &[0xff, 0x01]))),
        ];
        let json = as_json(&entries, s);
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(parsed[0]["event"], s.sys_opened);
        assert_eq!(parsed[1]["text"], "say \"hi\"\r\n");
        assert_eq!(parsed[1]["frame"], "text");
        assert_eq!(parsed[2]["hex"], "ff 01");
        assert_eq!(parsed[2]["frame"], "binary");
        assert_eq!(parsed[2]["dir"], "in");
        assert_eq!(as_json(&[], s), "[]\n");
    }
}
