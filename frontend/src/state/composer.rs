//! The composer's state: what the visitor is writing, how it becomes a
//! message (text frame with a line ending, or hex bytes in a binary frame),
//! and why the last attempt to send was refused. Pure, so it is tested on
//! the host; `crate::components::composer` shows it.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::hex::{parse_hex, HexError};
use crate::i18n::Strings;
use crate::state::Payload;

/// How the composer's text becomes a message. Stored in saved messages as
/// its `<option>` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "&'static str", from = "String")]
pub enum Mode {
    /// The text as a text frame, with the line ending.
    #[default]
    Text,
    /// The text parsed as hex, as a binary frame.
    Hex,
}

impl Mode {
    /// Both modes, in the picker's order.
    pub const ALL: [Mode; 2] = [Mode::Text, Mode::Hex];

    /// The `<option>` value: `text` or `hex`.
    pub fn value(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Hex => "hex",
        }
    }

    /// The mode an `<option>` value names; text for anything else.
    pub fn from_value(value: &str) -> Self {
        if value == "hex" {
            Self::Hex
        } else {
            Self::Text
        }
    }

    /// Its name in the picker.
    pub fn label(self, s: &Strings) -> &'static str {
        match self {
            Self::Text => s.mode_text,
            Self::Hex => s.mode_hex,
        }
    }
}

impl From<Mode> for &'static str {
    fn from(mode: Mode) -> Self {
        mode.value()
    }
}

impl From<String> for Mode {
    fn from(value: String) -> Self {
        Self::from_value(&value)
    }
}

/// The line ending of text mode: it ends every line, the last one included.
/// Stored in saved messages as its `<option>` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "&'static str", from = "String")]
pub enum Eol {
    /// Lines are sent as typed (`\n` between them), nothing appended.
    None,
    /// `\n`.
    Lf,
    /// `\r\n`, as Redis inline commands, SMTP, IRC and HTTP want.
    #[default]
    Crlf,
}

impl Eol {
    /// Every line ending, in the picker's order.
    pub const ALL: [Eol; 3] = [Eol::None, Eol::Lf, Eol::Crlf];

    /// The `<option>` value: `none`, `lf` or `crlf`.
    pub fn value(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Lf => "lf",
            Self::Crlf => "crlf",
        }
    }

    /// The characters it stands for.
    pub fn chars(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Lf => "\n",
            Self::Crlf => "\r\n",
        }
    }

    /// The line ending an `<option>` value names; `\r\n` for anything else.
    pub fn from_value(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|eol| eol.value() == value)
            .unwrap_or_default()
    }

    /// Its name in the picker.
    pub fn label(self, s: &Strings) -> &'static str {
        match self {
            Self::None => s.eol_none,
            Self::Lf => s.eol_lf,
            Self::Crlf => s.eol_crlf,
        }
    }
}

impl From<Eol> for &'static str {
    fn from(eol: Eol) -> Self {
        eol.value()
    }
}

impl From<String> for Eol {
    fn from(value: String) -> Self {
        Self::from_value(&value)
    }
}

/// Why the composer refused to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// No socket is open.
    NotOpen,
    /// Text mode, empty text, no line ending: zero bytes.
    Empty,
    /// Hex mode and the hex is malformed.
    Hex(HexError),
}

impl ComposeError {
    /// What `#composer-error` says.
    pub fn text(&self, s: &Strings) -> String {
        match self {
            Self::NotOpen => s.not_open.to_owned(),
            Self::Empty => s.nothing_to_send.to_owned(),
            Self::Hex(err) => (s.hex_error)(err),
        }
    }
}

/// The message the composer's `text` stands for.
pub fn compose(text: &str, mode: Mode, eol: Eol) -> Result<Payload, ComposeError> {
    match mode {
        Mode::Hex => parse_hex(text)
            .map(Payload::Binary)
            .map_err(ComposeError::Hex),
        Mode::Text => {
            let mut out = match eol {
                Eol::None => text.to_owned(),
                _ => text.replace("\r\n", "\n").replace('\n', eol.chars()),
            };
            out.push_str(eol.chars());
            if out.is_empty() {
                Err(ComposeError::Empty)
            } else {
                Ok(Payload::Text(out))
            }
        }
    }
}

/// Everything the composer shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposerState {
    /// What is in the text area.
    pub text: String,
    /// Text or hex.
    pub mode: Mode,
    /// The line ending of text mode.
    pub eol: Eol,
    /// Why the last attempt to send was refused, until the visitor changes
    /// the text or the mode.
    pub error: Option<ComposeError>,
    /// The text of the last message sent, for ArrowUp.
    pub last_sent: Option<String>,
}

/// A message put in the composer from outside it (the log's Resend while
/// not connected). `seq` tells one request from the next, even for the
/// same message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposerLoad {
    /// Increases with every request.
    pub seq: u64,
    /// The text (hex digits in hex mode).
    pub text: String,
    /// Its mode.
    pub mode: Mode,
    /// Its line ending.
    pub eol: Eol,
}

/// Every change to [`ComposerState`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposerAction {
    /// The visitor typed: the text area now holds this.
    Input(String),
    /// The visitor picked a mode.
    SetMode(Mode),
    /// The visitor picked a line ending.
    SetEol(Eol),
    /// A preset or a saved message was put in the composer.
    Load {
        /// Its text.
        text: String,
        /// Its mode.
        mode: Mode,
        /// Its line ending.
        eol: Eol,
    },
    /// The message [`ComposerState::submit`] gave was handed on to be sent.
    Sent,
    /// [`ComposerState::submit`] refused.
    Refused(ComposeError),
    /// ArrowUp: the last message sent back in an empty composer.
    Recall,
}

impl ComposerState {
    /// The message the composer holds now.
    pub fn message(&self) -> Result<Payload, ComposeError> {
        compose(&self.text, self.mode, self.eol)
    }

    /// The message to send on Send or Enter, or why there is none.
    pub fn submit(&self, connected: bool) -> Result<Payload, ComposeError> {
        let payload = self.message()?;
        if connected {
            Ok(payload)
        } else {
            Err(ComposeError::NotOpen)
        }
    }

    /// True when ArrowUp would bring back the last message sent.
    pub fn can_recall(&self) -> bool {
        self.text.is_empty() && self.last_sent.is_some()
    }

    /// Apply one action.
    pub fn apply(&mut self, action: ComposerAction) {
        match action {
            ComposerAction::Input(text) => {
                self.text = text;
                self.error = None;
            }
            ComposerAction::SetMode(mode) => {
                self.mode = mode;
                self.error = None;
            }
            // A refusal is about the text; the line ending does not clear it.
            ComposerAction::SetEol(eol) => self.eol = eol,
            ComposerAction::Load { text, mode, eol } => {
                self.text = text;
                self.mode = mode;
                self.eol = eol;
                self.error = None;
            }
            ComposerAction::Sent => {
                self.error = None;
                self.last_sent = Some(std::mem::take(&mut self.text));
            }
            ComposerAction::Refused(err) => self.error = Some(err),
            ComposerAction::Recall => {
                if self.text.is_empty() {
                    if let Some(last) = &self.last_sent {
                        self.text = last.clone();
                    }
                }
            }
        }
    }
}

impl Reducible for ComposerState {
    type Action = ComposerAction;

    fn reduce(self: Rc<Self>, action: ComposerAction) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
