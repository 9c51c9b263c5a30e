//! Every string the visitor reads, in each language the page speaks.
//! Components take their text from [`Strings`] (see [`Lang::strings`]) and
//! hold no literals of their own.

use crate::hex::HexError;
use crate::state::{CloseInfo, SendError, SysEvent, TargetsError};

/// For the tests that check every language has every string: destructures
/// `$value` (a strings struct, by reference) in full, so that a field added
/// later and named nowhere here fails to compile, and binds `$all` to the
/// plain string fields, in order. `other` fields stay bound for the caller to
/// add; `skip` fields (formatting functions) are checked elsewhere.
#[cfg(test)]
macro_rules! every_string {
    ($all:ident = $ty:ident from $value:expr;
     strings: $($field:ident),* ;
     other: $($other:ident),* ;
     skip: $($skip:ident),* $(,)?) => {
        let $ty { $($field,)* $($other,)* $($skip: _,)* } = $value;
        #[allow(unused_mut)]
        let mut $all: Vec<&'static str> = vec![$(*$field),*];
    };
}

pub mod datagrams;
mod en;
mod lang;
pub mod lesson;
pub mod saved;
pub mod scenarios;
pub mod tools;
pub mod transport;
pub mod why;
mod zh;

pub use datagrams::Datagrams;
use en::EN;
pub use lang::Lang;
pub use lesson::{CompareRow, Lesson, OutcomeLabels};
pub use saved::Saved;
pub use scenarios::Scenarios;
pub use tools::LogTools;
pub use transport::Transport;
pub use why::Why;
use zh::ZH;

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
    /// Label of the token field, shown for targets that need a token.
    pub token: &'static str,
    /// What the token is for and how it travels.
    pub token_hint: &'static str,
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
    /// The log's filter, search, export, copy and resend.
    pub tools: &'static LogTools,
    /// The experiments that show why: consent, masking, the other doors.
    pub why: &'static Why,
    /// The UDP lesson: datagrams through the relay, a DNS query.
    pub datagrams: &'static Datagrams,
    /// The relay's two doors side by side: WebSocket and WebTransport.
    pub transport: &'static Transport,
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

    /// A connection event as the log says it.
    pub fn sys_text(&self, event: &SysEvent) -> String {
        match event {
            SysEvent::Connecting { url } => (self.sys_connecting)(url),
            SysEvent::Opened => self.sys_opened.to_owned(),
            SysEvent::Closing => self.sys_closing.to_owned(),
            SysEvent::Closed(info) => self.close_text(info),
            SysEvent::Error => self.sys_error.to_owned(),
            SysEvent::OpenFailed { reason } => (self.sys_open_failed)(reason),
            SysEvent::SendFailed(SendError::NotOpen) => self.send_not_open.to_owned(),
            SysEvent::SendFailed(SendError::Browser(reason)) => (self.sys_send_failed)(reason),
        }
    }
}

#[cfg(test)]
mod tests;
