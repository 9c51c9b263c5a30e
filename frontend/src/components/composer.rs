//! The composer: what the visitor types, as a text frame or as hex bytes in
//! a binary frame.

use web_sys::{HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::{saved_messages::SavedMessages, use_strings};
use crate::hex::{format_hex, parse_hex, HexError};
use crate::i18n::Strings;
use crate::saved::SavedMessage;
use crate::state::Payload;

/// How many bytes the preview shows before it cuts off.
const PREVIEW_BYTES: usize = 64;

/// A ready-made message in a real protocol, one click away.
struct Preset {
    /// Protocol and command: names, the same in every language.
    label: &'static str,
    mode: Mode,
    eol: Eol,
    text: &'static str,
}

/// Messages that real TCP services understand.
const PRESETS: [Preset; 6] = [
    Preset {
        label: "Redis PING",
        mode: Mode::Text,
        eol: Eol::Crlf,
        text: "PING",
    },
    Preset {
        // The same command in RESP, Redis's binary-safe framing.
        label: "Redis RESP",
        mode: Mode::Hex,
        eol: Eol::Crlf,
        text: "2a 31 0d 0a 24 34 0d 0a 50 49 4e 47 0d 0a",
    },
    Preset {
        label: "HTTP/1.1 GET",
        mode: Mode::Text,
        eol: Eol::Crlf,
        text: "GET / HTTP/1.1\nHost: localhost\nConnection: close\n",
    },
    Preset {
        label: "SMTP HELO",
        mode: Mode::Text,
        eol: Eol::Crlf,
        text: "HELO playground.local",
    },
    Preset {
        // Registration: every IRC server answers with numeric 001 (welcome).
        // Nicknames of at most 9 characters are the RFC 2812 minimum servers take.
        label: "IRC NICK/USER",
        mode: Mode::Text,
        eol: Eol::Crlf,
        text: "NICK wsplay\nUSER wsplay 0 * :Socket vs WebSocket",
    },
    Preset {
        label: "memcached stats",
        mode: Mode::Text,
        eol: Eol::Crlf,
        text: "stats",
    },
];

/// How the composer's text becomes a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The text as a text frame, with the line ending.
    Text,
    /// The text parsed as hex, as a binary frame.
    Hex,
}

impl Mode {
    /// The `<option>` value: `text` or `hex`.
    pub fn value(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Hex => "hex",
        }
    }

    fn from_value(value: &str) -> Self {
        if value == "hex" {
            Self::Hex
        } else {
            Self::Text
        }
    }
}

/// The line ending of text mode: it ends every line, the last one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    /// Lines are sent as typed (`\n` between them), nothing appended.
    None,
    /// `\n`.
    Lf,
    /// `\r\n`, as Redis inline commands, SMTP, IRC and HTTP want.
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

    fn from_value(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|eol| eol.value() == value)
            .unwrap_or(Self::Crlf)
    }

    fn label(self, s: &Strings) -> &'static str {
        match self {
            Self::None => s.eol_none,
            Self::Lf => s.eol_lf,
            Self::Crlf => s.eol_crlf,
        }
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
    fn text(&self, s: &Strings) -> String {
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

/// Properties of [`Composer`].
#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// True when a socket is open; otherwise sending shows an error.
    pub connected: bool,
    /// Called with each message to send.
    pub onsend: Callback<Payload>,
}

/// `textarea#composer`, `select#mode` (`text`/`hex`), `select#eol`
/// (`none`/`lf`/`crlf`), `button#send`, `#composer-error` (empty unless
/// the last attempt to send failed) and `#preview` (the bytes it would send).
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let s = use_strings();
    let text = use_state(String::new);
    let mode = use_state(|| Mode::Text);
    let eol = use_state(|| Eol::Crlf);
    let error = use_state(|| None::<ComposeError>);
    let last_sent = use_state(|| None::<String>);
    let area = use_node_ref();

    let send = {
        let (text, mode, eol, error, last_sent) = (
            text.clone(),
            mode.clone(),
            eol.clone(),
            error.clone(),
            last_sent.clone(),
        );
        let connected = props.connected;
        let onsend = props.onsend.clone();
        Callback::from(move |()| {
            let result = compose(&text, *mode, *eol).and_then(|payload| {
                if connected {
                    Ok(payload)
                } else {
                    Err(ComposeError::NotOpen)
                }
            });
            match result {
                Ok(payload) => {
                    error.set(None);
                    last_sent.set(Some((*text).clone()));
                    text.set(String::new());
                    onsend.emit(payload);
                }
                Err(err) => error.set(Some(err)),
            }
        })
    };
    let oninput = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            error.set(None);
        })
    };
    let onkeydown = {
        let (send, text, last_sent) = (send.clone(), text.clone(), last_sent.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            // While an input method is composing (e.g. pinyin), Enter picks a
            // candidate: it must not send.
            "Enter" if !e.shift_key() && !e.is_composing() => {
                e.prevent_default();
                send.emit(());
            }
            "ArrowUp" if text.is_empty() => {
                if let Some(last) = (*last_sent).clone() {
                    e.prevent_default();
                    text.set(last);
                }
            }
            _ => {}
        })
    };
    let onmode = {
        let (mode, error) = (mode.clone(), error.clone());
        Callback::from(move |e: Event| {
            mode.set(Mode::from_value(
                &e.target_unchecked_into::<HtmlSelectElement>().value(),
            ));
            error.set(None);
        })
    };
    let oneol = {
        let eol = eol.clone();
        Callback::from(move |e: Event| {
            eol.set(Eol::from_value(
                &e.target_unchecked_into::<HtmlSelectElement>().value(),
            ));
        })
    };

    let presets = PRESETS.iter().map(|preset| {
        let (text, mode, eol, error, area) = (
            text.clone(),
            mode.clone(),
            eol.clone(),
            error.clone(),
            area.clone(),
        );
        let onclick = Callback::from(move |_: MouseEvent| {
            text.set(preset.text.to_owned());
            mode.set(preset.mode);
            eol.set(preset.eol);
            error.set(None);
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                // Focus is a convenience; a refusal changes nothing else.
                let _ = area.focus();
            }
        });
        html! {
            <button type="button" class="preset" data-mode={preset.mode.value()} {onclick}>
                { preset.label }
            </button>
        }
    });

    let current = SavedMessage {
        name: String::new(),
        mode: mode.value().to_owned(),
        eol: eol.value().to_owned(),
        text: (*text).clone(),
    };
    let onuse_saved = {
        let (text, mode, eol, error) = (text.clone(), mode.clone(), eol.clone(), error.clone());
        Callback::from(move |message: SavedMessage| {
            mode.set(Mode::from_value(&message.mode));
            eol.set(Eol::from_value(&message.eol));
            text.set(message.text);
            error.set(None);
        })
    };
    let hex_mode = *mode == Mode::Hex;
    let preview = match compose(&text, *mode, *eol) {
        Ok(payload) if !text.is_empty() || !hex_mode => {
            let bytes = payload.bytes();
            let shown = &bytes[..bytes.len().min(PREVIEW_BYTES)];
            let more = if bytes.len() > PREVIEW_BYTES {
                " …"
            } else {
                ""
            };
            html! {
                <>
                    <span>{ (s.preview)(bytes.len()) }</span>
                    <code>{ format_hex(shown) }{ more }</code>
                </>
            }
        }
        _ => Html::default(),
    };
    let mode_options = [(Mode::Text, s.mode_text), (Mode::Hex, s.mode_hex)].map(|(m, label)| {
        html! { <option value={m.value()} selected={*mode == m}>{ label }</option> }
    });
    let eol_options = Eol::ALL.map(|e| {
        html! { <option value={e.value()} selected={*eol == e}>{ e.label(s) }</option> }
    });
    let error_text = error.as_ref().map(|err| err.text(s)).unwrap_or_default();

    html! {
        <div class="composer">
            <div class="composer-options">
                <label class="inline">
                    <span>{ s.mode }</span>
                    <select id="mode" onchange={onmode}>{ for mode_options }</select>
                </label>
                <label class="inline">
                    <span>{ s.eol }</span>
                    <select id="eol" onchange={oneol} disabled={hex_mode}>{ for eol_options }</select>
                </label>
            </div>
            <div class="presets">
                <span class="label">{ s.examples }</span>
                { for presets }
            </div>
            <textarea
                id="composer"
                ref={area}
                class={classes!(hex_mode.then_some("hex-input"))}
                rows="3"
                spellcheck="false"
                autocomplete="off"
                placeholder={if hex_mode { s.placeholder_hex } else { s.placeholder_text }}
                value={(*text).clone()}
                aria-invalid={error.is_some().to_string()}
                aria-describedby="composer-error"
                {oninput}
                {onkeydown}
            />
            <p id="composer-error" class="error" role="alert" hidden={error.is_none()}>{ error_text }</p>
            <div class="composer-footer">
                <p id="preview" class="preview">{ preview }</p>
                <button type="button" id="send" class="primary" onclick={send.reform(|_| ())}>
                    { s.send }
                </button>
            </div>
            <p class="hint">{ s.send_hint }</p>
            <SavedMessages current={current} onuse={onuse_saved} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_mode_ends_every_line() {
        assert_eq!(
            compose("PING", Mode::Text, Eol::Crlf),
            Ok(Payload::Text("PING\r\n".into()))
        );
        assert_eq!(
            compose("GET / HTTP/1.1\nHost: x\n", Mode::Text, Eol::Crlf),
            Ok(Payload::Text("GET / HTTP/1.1\r\nHost: x\r\n\r\n".into()))
        );
        assert_eq!(
            compose("a\r\nb", Mode::Text, Eol::Lf),
            Ok(Payload::Text("a\nb\n".into()))
        );
        assert_eq!(
            compose("a\nb", Mode::Text, Eol::None),
            Ok(Payload::Text("a\nb".into()))
        );
    }

    #[test]
    fn an_empty_line_is_just_its_ending() {
        assert_eq!(
            compose("", Mode::Text, Eol::Crlf),
            Ok(Payload::Text("\r\n".into()))
        );
        assert_eq!(compose("", Mode::Text, Eol::None), Err(ComposeError::Empty));
    }

    #[test]
    fn hex_mode_sends_binary_and_ignores_the_line_ending() {
        assert_eq!(
            compose("50 49 4e 47 0d 0a", Mode::Hex, Eol::Crlf),
            Ok(Payload::Binary(b"PING\r\n".to_vec()))
        );
        assert_eq!(
            compose("5g", Mode::Hex, Eol::None),
            Err(ComposeError::Hex(HexError::InvalidDigit {
                ch: 'g',
                position: 2
            }))
        );
    }

    #[test]
    fn option_values_round_trip() {
        for eol in Eol::ALL {
            assert_eq!(Eol::from_value(eol.value()), eol);
        }
        for mode in [Mode::Text, Mode::Hex] {
            assert_eq!(Mode::from_value(mode.value()), mode);
        }
    }
}
