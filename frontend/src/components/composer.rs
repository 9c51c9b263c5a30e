//! The composer: what the visitor types, as a text frame or as hex bytes in
//! a binary frame.

use web_sys::{HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::{saved_messages::SavedMessages, use_strings};
use crate::hex::format_hex;
use crate::saved::SavedMessage;
use crate::state::composer::{ComposerAction, ComposerLoad, ComposerState, Eol, Mode};
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

/// Properties of [`Composer`].
#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// True when a socket is open; otherwise sending shows an error.
    pub connected: bool,
    /// Called with each message to send.
    pub onsend: Callback<Payload>,
    /// A message to put in the composer (replacing what is there).
    #[prop_or_default]
    pub load: Option<ComposerLoad>,
}

/// `textarea#composer`, `select#mode` (`text`/`hex`), `select#eol`
/// (`none`/`lf`/`crlf`), `button#send`, `#composer-error` (empty unless
/// the last attempt to send failed) and `#preview` (the bytes it would send).
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let s = use_strings();
    let state = use_reducer(ComposerState::default);
    let area = use_node_ref();
    {
        let (dispatcher, area) = (state.dispatcher(), area.clone());
        use_effect_with(props.load.clone(), move |load| {
            if let Some(load) = load {
                dispatcher.dispatch(ComposerAction::Load {
                    text: load.text.clone(),
                    mode: load.mode,
                    eol: load.eol,
                });
                if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                    // Focus is a convenience; a refusal changes nothing else.
                    let _ = area.focus();
                }
            }
        });
    }

    let send = {
        let state = state.clone();
        let connected = props.connected;
        let onsend = props.onsend.clone();
        Callback::from(move |()| match state.submit(connected) {
            Ok(payload) => {
                state.dispatch(ComposerAction::Sent);
                onsend.emit(payload);
            }
            Err(err) => state.dispatch(ComposerAction::Refused(err)),
        })
    };
    let oninput = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            dispatcher.dispatch(ComposerAction::Input(text));
        })
    };
    let onkeydown = {
        let (send, state) = (send.clone(), state.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            // While an input method is composing (e.g. pinyin), Enter picks a
            // candidate: it must not send.
            "Enter" if !e.shift_key() && !e.is_composing() => {
                e.prevent_default();
                send.emit(());
            }
            "ArrowUp" if state.can_recall() => {
                e.prevent_default();
                state.dispatch(ComposerAction::Recall);
            }
            _ => {}
        })
    };
    let onmode = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatcher.dispatch(ComposerAction::SetMode(Mode::from_value(&value)));
        })
    };
    let oneol = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatcher.dispatch(ComposerAction::SetEol(Eol::from_value(&value)));
        })
    };

    let presets = PRESETS.iter().map(|preset| {
        let (dispatcher, area) = (state.dispatcher(), area.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(ComposerAction::Load {
                text: preset.text.to_owned(),
                mode: preset.mode,
                eol: preset.eol,
            });
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
        mode: state.mode,
        eol: state.eol,
        text: state.text.clone(),
    };
    let onuse_saved = {
        let dispatcher = state.dispatcher();
        Callback::from(move |message: SavedMessage| {
            dispatcher.dispatch(ComposerAction::Load {
                text: message.text,
                mode: message.mode,
                eol: message.eol,
            });
        })
    };
    let hex_mode = state.mode == Mode::Hex;
    let preview = match state.message() {
        Ok(payload) if !state.text.is_empty() || !hex_mode => {
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
    let mode_options = Mode::ALL.map(|m| {
        html! { <option value={m.value()} selected={state.mode == m}>{ m.label(s) }</option> }
    });
    let eol_options = Eol::ALL.map(|e| {
        html! { <option value={e.value()} selected={state.eol == e}>{ e.label(s) }</option> }
    });
    let error = &state.error;
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
                value={state.text.clone()}
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
