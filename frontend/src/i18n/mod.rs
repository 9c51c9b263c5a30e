//! Every string the visitor reads, in each language the page speaks.
//! Components take their text from [`Strings`] (see [`Lang::strings`]) and
//! hold no literals of their own.

use crate::hex::HexError;
use crate::state::{CloseInfo, TargetsError};

mod en;
pub mod lesson;
pub mod saved;
pub mod scenarios;
mod zh;

use en::EN;
pub use lesson::{CompareRow, Lesson};
pub use saved::Saved;
pub use scenarios::Scenarios;
use zh::ZH;

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and for storage.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-CN",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Zh => "简体中文",
        }
    }

    /// The language for a BCP 47 tag such as `navigator.language`: Chinese
    /// for any `zh` tag, English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Self::Zh
        } else {
            Self::En
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::Zh => &ZH,
        }
    }
}

/// The page's text in one language. Fixed text is a `&str`; text with values
/// in it is a function.
#[derive(Debug)]
pub struct Strings {
    /// Page title and heading.
    pub title: &'static str,
    /// One sentence under the title.
    pub tagline: &'static str,
    /// Label of the language switch.
    pub language: &'static str,

    /// Heading of the how-it-works strip.
    pub how_title: &'static str,
    /// The visitor's browser, in the diagram.
    pub how_browser: &'static str,
    /// The WebSocket hop, in the diagram.
    pub how_websocket: &'static str,
    /// The relay, in the diagram.
    pub how_relay: &'static str,
    /// The TCP hop, in the diagram.
    pub how_tcp: &'static str,
    /// The TCP service, in the diagram.
    pub how_service: &'static str,
    /// Why a page gets WebSocket and not raw sockets.
    pub how_note: &'static str,

    /// Heading of the connection panel.
    pub connection: &'static str,
    /// Label of the target picker.
    pub target: &'static str,
    /// Shown while the target list loads.
    pub targets_loading: &'static str,
    /// Button that loads the target list again.
    pub retry: &'static str,
    /// Connect button.
    pub connect: &'static str,
    /// Disconnect button.
    pub disconnect: &'static str,
    /// Label before the connection status.
    pub status: &'static str,
    /// Status before any connection.
    pub status_idle: &'static str,
    /// Status during the handshake.
    pub status_connecting: &'static str,
    /// Status while open.
    pub status_open: &'static str,
    /// What a 1006 close means, since the browser tells the page nothing more.
    pub abnormal_explained: &'static str,

    /// Heading of the composer.
    pub compose: &'static str,
    /// Label of the text/hex switch.
    pub mode: &'static str,
    /// Text mode (a text frame).
    pub mode_text: &'static str,
    /// Hex mode (a binary frame).
    pub mode_hex: &'static str,
    /// Label of the line-ending picker.
    pub eol: &'static str,
    /// No line ending.
    pub eol_none: &'static str,
    /// `\n`.
    pub eol_lf: &'static str,
    /// `\r\n`.
    pub eol_crlf: &'static str,
    /// Composer placeholder in text mode.
    pub placeholder_text: &'static str,
    /// Composer placeholder in hex mode.
    pub placeholder_hex: &'static str,
    /// Send button.
    pub send: &'static str,
    /// Keyboard hint under the composer.
    pub send_hint: &'static str,
    /// Label before the ready-made messages.
    pub examples: &'static str,
    /// Sending while not connected.
    pub not_open: &'static str,
    /// Text mode with nothing to send.
    pub nothing_to_send: &'static str,

    /// Heading of the log.
    pub log: &'static str,
    /// Button that empties the log.
    pub clear_log: &'static str,
    /// Shown while the log is empty.
    pub log_empty: &'static str,
    /// Label of a text frame.
    pub frame_text: &'static str,
    /// Label of a binary frame.
    pub frame_binary: &'static str,
    /// Accessible name of the "sent" arrow.
    pub dir_out: &'static str,
    /// Accessible name of the "received" arrow.
    pub dir_in: &'static str,
    /// Accessible name of an event's marker.
    pub dir_sys: &'static str,
    /// The socket opened.
    pub sys_opened: &'static str,
    /// The visitor pressed Disconnect.
    pub sys_closing: &'static str,
    /// The browser fired `error`.
    pub sys_error: &'static str,
    /// Log line: a send found the socket closed.
    pub send_not_open: &'static str,

    /// Why the target list failed to load.
    pub targets_error: fn(&TargetsError) -> String,
    /// "N earlier entries hidden".
    pub hidden_entries: fn(u64) -> String,
    /// "N earlier entries above": kept, shown once the visitor scrolls up.
    pub entries_above: fn(usize) -> String,
    /// "N entries" in the log header.
    pub entry_count: fn(u64) -> String,
    /// A byte count.
    pub byte_count: fn(usize) -> String,
    /// How many bytes of a long message are not shown.
    pub more_bytes: fn(usize) -> String,
    /// The composer's preview of what will be sent.
    pub preview: fn(usize) -> String,
    /// A hex parse error, saying what and where.
    pub hex_error: fn(&HexError) -> String,
    /// A close code's name.
    pub close_name: fn(u16) -> String,
    /// Log line: the page is opening a WebSocket.
    pub sys_connecting: fn(&str) -> String,
    /// Log line: `new WebSocket()` threw.
    pub sys_open_failed: fn(&str) -> String,
    /// Log line: `send()` threw.
    pub sys_send_failed: fn(&str) -> String,
    /// What starts a close description ("closed: "), separator included.
    pub closed: &'static str,

    /// The lesson's text: experiments, protocol views, comparison.
    pub lesson: &'static Lesson,
    /// The live scenarios' text: chat, quotes, game, lamp.
    pub scenarios: &'static Scenarios,
    /// The composer's saved messages.
    pub saved: &'static Saved,
}

impl Strings {
    /// The status line or log line for a close: code, its name, and the
    /// reason, or for 1006 what that code means.
    pub fn close_text(&self, info: &CloseInfo) -> String {
        let mut text = format!(
            "{}{} {}",
            self.closed,
            info.code,
            (self.close_name)(info.code)
        );
        if !info.reason.is_empty() {
            text.push_str(" — ");
            text.push_str(&info.reason);
        }
        if info.code == protocol::CloseCode::ABNORMAL.0 {
            text.push_str(" — ");
            text.push_str(self.abnormal_explained);
        }
        text
    }

    /// Every fixed string, to check none is missing. Destructured so a new
    /// field cannot be forgotten here.
    #[cfg(test)]
    fn fixed(&self) -> Vec<&'static str> {
        let Strings {
            title,
            tagline,
            language,
            how_title,
            how_browser,
            how_websocket,
            how_relay,
            how_tcp,
            how_service,
            how_note,
            connection,
            target,
            targets_loading,
            retry,
            connect,
            disconnect,
            status,
            status_idle,
            status_connecting,
            status_open,
            abnormal_explained,
            compose,
            mode,
            mode_text,
            mode_hex,
            eol,
            eol_none,
            eol_lf,
            eol_crlf,
            placeholder_text,
            placeholder_hex,
            send,
            send_hint,
            examples,
            not_open,
            nothing_to_send,
            log,
            clear_log,
            log_empty,
            frame_text,
            frame_binary,
            dir_out,
            dir_in,
            dir_sys,
            sys_opened,
            sys_closing,
            sys_error,
            send_not_open,
            closed,
            targets_error: _,
            hidden_entries: _,
            entries_above: _,
            entry_count: _,
            byte_count: _,
            more_bytes: _,
            preview: _,
            hex_error: _,
            close_name: _,
            sys_connecting: _,
            sys_open_failed: _,
            sys_send_failed: _,
            lesson: _,
            scenarios: _,
            saved: _,
        } = *self;
        vec![
            title,
            tagline,
            language,
            how_title,
            how_browser,
            how_websocket,
            how_relay,
            how_tcp,
            how_service,
            how_note,
            connection,
            target,
            targets_loading,
            retry,
            connect,
            disconnect,
            status,
            status_idle,
            status_connecting,
            status_open,
            abnormal_explained,
            compose,
            mode,
            mode_text,
            mode_hex,
            eol,
            eol_none,
            eol_lf,
            eol_crlf,
            placeholder_text,
            placeholder_hex,
            send,
            send_hint,
            examples,
            not_open,
            nothing_to_send,
            log,
            clear_log,
            log_empty,
            frame_text,
            frame_binary,
            dir_out,
            dir_in,
            dir_sys,
            sys_opened,
            sys_closing,
            sys_error,
            send_not_open,
            closed,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string() {
        for lang in Lang::ALL {
            let s = lang.strings();
            let all = s
                .fixed()
                .into_iter()
                .chain(s.lesson.fixed())
                .chain(s.scenarios.fixed())
                .chain(s.saved.fixed());
            for (i, text) in all.enumerate() {
                assert!(
                    !text.trim().is_empty(),
                    "{lang:?}: fixed string #{i} is empty"
                );
            }
            let formatted = [
                (s.targets_error)(&TargetsError::Status(500)),
                (s.targets_error)(&TargetsError::Network("x".into())),
                (s.targets_error)(&TargetsError::Decode("x".into())),
                (s.targets_error)(&TargetsError::Empty),
                (s.hidden_entries)(3),
                (s.entries_above)(3),
                (s.entry_count)(3),
                (s.byte_count)(3),
                (s.more_bytes)(3),
                (s.preview)(3),
                (s.hex_error)(&HexError::Empty),
                (s.close_name)(1000),
                (s.sys_connecting)("ws://h/ws/echo"),
                (s.sys_open_failed)("x"),
                (s.sys_send_failed)("x"),
            ]
            .into_iter()
            .chain(s.scenarios.formatted());
            for text in formatted {
                assert!(
                    !text.trim().is_empty(),
                    "{lang:?}: a formatted string is empty"
                );
            }
        }
    }

    #[test]
    fn languages_differ() {
        let (en, zh) = (Lang::En.strings(), Lang::Zh.strings());
        let same: Vec<_> = en
            .fixed()
            .into_iter()
            .zip(zh.fixed())
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect();
        // Only notation shared by both languages may be identical.
        assert_eq!(same, ["LF (\\n)", "CRLF (\\r\\n)"]);
        let same: Vec<_> = en
            .lesson
            .fixed()
            .into_iter()
            .zip(zh.lesson.fixed())
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect();
        assert_eq!(
            same,
            ["FIN", "Socket", "WebSocket", "WebSocket", "TCP", "IP"]
        );
        let same: Vec<_> = en
            .scenarios
            .fixed()
            .into_iter()
            .zip(zh.scenarios.fixed())
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect();
        assert!(same.is_empty(), "untranslated: {same:?}");
    }

    #[test]
    fn language_follows_the_browser_tag() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH_tw"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("de"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
    }

    #[test]
    fn hex_errors_say_what_and_where() {
        let en = Lang::En.strings();
        let text = (en.hex_error)(&HexError::InvalidDigit {
            ch: 'g',
            position: 3,
        });
        assert!(
            text.contains("Invalid hex digit 'g' at position 3"),
            "{text}"
        );
        let text = (en.hex_error)(&HexError::OddDigits {
            group: "4".into(),
            position: 4,
        });
        assert!(text.contains("Odd number of hex digits"), "{text}");
        assert!(text.contains("position 4"), "{text}");
        let zh = (Lang::Zh.strings().hex_error)(&HexError::InvalidDigit {
            ch: 'g',
            position: 3,
        });
        assert!(zh.contains("'g'") && zh.contains('3'), "{zh}");
    }

    #[test]
    fn close_text_names_the_code_and_explains_1006() {
        let en = Lang::En.strings();
        let refused = CloseInfo {
            code: 1011,
            reason: "upstream 127.0.0.1:6379 refused the connection".into(),
            clean: true,
        };
        assert_eq!(
            en.close_text(&refused),
            "closed: 1011 Internal Error — upstream 127.0.0.1:6379 refused the connection"
        );
        let normal = CloseInfo {
            code: 1000,
            reason: String::new(),
            clean: true,
        };
        assert_eq!(en.close_text(&normal), "closed: 1000 Normal Closure");
        let abnormal = CloseInfo {
            code: 1006,
            reason: String::new(),
            clean: false,
        };
        let text = en.close_text(&abnormal);
        assert!(
            text.starts_with("closed: 1006 Abnormal Closure — "),
            "{text}"
        );
        assert!(text.contains("without a close frame"), "{text}");
        let zh = Lang::Zh.strings().close_text(&refused);
        assert!(
            zh.starts_with("已关闭：1011 内部错误（Internal Error）"),
            "{zh}"
        );
    }
}
