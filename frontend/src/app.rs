//! The page: state, the WebSocket's lifetime, and the layout of the
//! components.

use std::cell::RefCell;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::fetch_targets;
use crate::components::{Composer, Header, HowItWorks, LogView, Status, TargetPicker};
use crate::i18n::Lang;
use crate::socket::{ws_url_here, Socket, SocketEvent};
use crate::state::{Action, Payload, SendError, State};

/// Where the chosen language is remembered (`localStorage`).
pub const LANG_STORAGE_KEY: &str = "playground.lang";

/// Milliseconds since the Unix epoch, as log entries record time.
fn now_ms() -> u64 {
    // Date.now() is a whole, non-negative number of milliseconds.
    js_sys::Date::now() as u64
}

/// The remembered language, else the browser's.
fn initial_lang() -> Lang {
    let window = gloo::utils::window();
    let stored = window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(LANG_STORAGE_KEY).ok().flatten());
    match stored {
        Some(tag) => Lang::from_tag(&tag),
        None => window
            .navigator()
            .language()
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default(),
    }
}

fn remember_lang(lang: Lang) {
    let storage = gloo::utils::window().local_storage().ok().flatten();
    if let Some(storage) = storage {
        // Private browsing may refuse: the switch still works for this visit.
        if let Err(err) = storage.set_item(LANG_STORAGE_KEY, lang.tag()) {
            web_sys::console::warn_1(&err);
        }
    }
}

/// Point `<html lang>` and the document title at `lang`.
fn show_lang(lang: Lang) {
    let document = gloo::utils::document();
    if let Some(root) = document.document_element() {
        if let Err(err) = root.set_attribute("lang", lang.tag()) {
            web_sys::console::warn_1(&err);
        }
    }
    document.set_title(lang.strings().title);
}

/// The whole playground page.
#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    let state = use_reducer(State::default);
    let socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);

    use_effect_with(*lang, |lang| show_lang(*lang));

    // The target list, loaded again whenever `targets_request` changes.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.targets_request, move |_| {
            spawn_local(async move {
                dispatcher.dispatch(Action::TargetsLoaded(fetch_targets().await));
            });
        });
    }

    // The WebSocket lives exactly as long as the session: opened here when
    // a session starts, dropped (handlers detached, socket closed) by the
    // cleanup when the session ends or the page unmounts.
    {
        let socket = socket.clone();
        let dispatcher = state.dispatcher();
        use_effect_with(state.session.clone(), move |session| {
            if let Some(session) = session {
                let id = session.id;
                let events = dispatcher.clone();
                let on_event = Callback::from(move |event: SocketEvent| {
                    let at_ms = now_ms();
                    events.dispatch(match event {
                        SocketEvent::Open => Action::Opened { session: id, at_ms },
                        SocketEvent::Message(payload) => Action::Received {
                            session: id,
                            at_ms,
                            payload,
                        },
                        SocketEvent::Error => Action::Errored { session: id, at_ms },
                        SocketEvent::Closed(info) => Action::Closed {
                            session: id,
                            at_ms,
                            info,
                        },
                    });
                });
                match Socket::open(&session.url, on_event) {
                    Ok(opened) => *socket.borrow_mut() = Some(opened),
                    Err(reason) => dispatcher.dispatch(Action::OpenFailed {
                        session: id,
                        at_ms: now_ms(),
                        reason,
                    }),
                }
            }
            move || drop(socket.borrow_mut().take())
        });
    }

    let onlang = {
        let lang = lang.clone();
        Callback::from(move |picked: Lang| {
            remember_lang(picked);
            lang.set(picked);
        })
    };
    let onselect = {
        let dispatcher = state.dispatcher();
        Callback::from(move |name: String| dispatcher.dispatch(Action::Select(name)))
    };
    let onretry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ReloadTargets))
    };
    let onconnect = {
        let dispatcher = state.dispatcher();
        let selected = state.selected.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(name) = selected.as_deref() else {
                return;
            };
            match ws_url_here(name) {
                Ok(url) => dispatcher.dispatch(Action::Connect {
                    url,
                    at_ms: now_ms(),
                }),
                Err(err) => web_sys::console::error_1(&err.into()),
            }
        })
    };
    let ondisconnect = {
        let dispatcher = state.dispatcher();
        let socket = socket.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::Disconnect { at_ms: now_ms() });
            if let Some(socket) = socket.borrow().as_ref() {
                socket.close();
            }
        })
    };
    let onsend = {
        let dispatcher = state.dispatcher();
        let socket = socket.clone();
        let session = state.session_id();
        Callback::from(move |payload: Payload| {
            let at_ms = now_ms();
            let sent = match (socket.borrow().as_ref(), session) {
                (Some(socket), Some(session)) => socket.send(&payload).map(|()| session),
                _ => Err(SendError::NotOpen),
            };
            dispatcher.dispatch(match sent {
                Ok(session) => Action::Sent {
                    session,
                    at_ms,
                    payload,
                },
                Err(reason) => Action::SendFailed { at_ms, reason },
            });
        })
    };
    let onclear = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ClearLog))
    };

    let s = lang.strings();
    let active = state.conn.is_active();
    html! {
        <ContextProvider<Lang> context={*lang}>
            <div class="page">
                <Header lang={*lang} {onlang} />
                <HowItWorks />
                <main class="workbench">
                    <section class="panel controls" aria-labelledby="connection-title">
                        <h2 id="connection-title">{ s.connection }</h2>
                        <TargetPicker
                            targets={state.targets.clone()}
                            selected={state.selected.clone()}
                            disabled={active}
                            {onselect}
                            {onretry}
                        />
                        <div class="buttons">
                            <button type="button" id="connect" class="primary"
                                disabled={active || state.selected.is_none()} onclick={onconnect}>
                                { s.connect }
                            </button>
                            <button type="button" id="disconnect" class="secondary"
                                disabled={!active} onclick={ondisconnect}>
                                { s.disconnect }
                            </button>
                        </div>
                        <Status conn={state.conn.clone()} />
                        <h2 class="compose-title">{ s.compose }</h2>
                        <Composer connected={state.conn.is_open()} {onsend} />
                    </section>
                    <LogView log={state.log.clone()} {onclear} />
                </main>
            </div>
        </ContextProvider<Lang>>
    }
}
