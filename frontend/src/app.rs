//! The page: state, the WebSocket's lifetime, and the layout of the
//! components.

use std::cell::RefCell;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use protocol::tap::{TapEvent, TapHello, TapRecord, TAP_PATH};

use crate::api::fetch_targets;
use crate::components::experiments::{BadPort, FetchRaw, NoSocketApi, ThroughRelay, WsRaw};
use crate::components::{
    Comparison, Composer, FrameInspector, HandshakeView, Header, HowItWorks, Layers, LogView,
    Question, Scenarios, SideBySide, Status, TargetPicker, TokenField,
};
use crate::i18n::Lang;
use crate::json;
use crate::lab::fetch_lab;
use crate::per_frame::PerFrame;
use crate::socket::{with_tap, with_token, ws_url_for_path_here, ws_url_here, Socket, SocketEvent};
use crate::state::experiments::Lab;
use crate::state::wiretap::{TapAction, TapLink, WireTap};
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

    // What the experiments can aim at.
    let lab = use_state(Lab::default);
    {
        let lab = lab.clone();
        use_effect_with((), move |()| {
            spawn_local(async move {
                lab.set(match fetch_lab().await {
                    Ok(info) => Lab::Ready(info),
                    Err(err) => Lab::Unavailable(err),
                });
            });
        });
    }

    // The wire tap: opened once the relay says it offers taps, kept for the
    // page's lifetime; every record it sends is dispatched, once per frame.
    let tap = use_reducer(WireTap::default);
    let tap_socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    let tap_queue = {
        let dispatcher = tap.dispatcher();
        use_memo((), move |()| PerFrame::new(dispatcher.to_callback()))
    };
    {
        let tap_socket = tap_socket.clone();
        let offered = matches!(&*lab, Lab::Ready(info) if info.tap);
        use_effect_with(offered, move |offered| {
            if *offered {
                open_tap(&tap_socket, tap_queue);
            }
            move || drop(tap_socket.borrow_mut().take())
        });
    }

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
    // cleanup when the session ends or the page unmounts. Its events are
    // stamped when they arrive and reach the reducer once per frame: at
    // thousands of messages a second, one render per message would not keep up.
    let events = {
        let dispatcher = state.dispatcher();
        use_memo((), move |()| PerFrame::new(dispatcher.to_callback()))
    };
    {
        let socket = socket.clone();
        let dispatcher = state.dispatcher();
        let events = events.clone();
        use_effect_with(state.session.clone(), move |session| {
            if let Some(session) = session {
                let id = session.id;
                let on_event = Callback::from(move |event: SocketEvent| {
                    let at_ms = now_ms();
                    events.push(match event {
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
    let ontoken = {
        let dispatcher = state.dispatcher();
        Callback::from(move |token: String| dispatcher.dispatch(Action::SetToken(token)))
    };
    let onconnect = {
        let dispatcher = state.dispatcher();
        let selected = state.selected.clone();
        let token = state.token_to_send().map(str::to_owned);
        let tap_id = tap.tap_id().map(str::to_owned);
        Callback::from(move |_: MouseEvent| {
            let Some(name) = selected.as_deref() else {
                return;
            };
            match ws_url_here(name) {
                Ok(mut url) => {
                    if let Some(token) = &token {
                        url = with_token(&url, token);
                    }
                    if let Some(id) = &tap_id {
                        url = with_tap(&url, id);
                    }
                    dispatcher.dispatch(Action::Connect {
                        url,
                        at_ms: now_ms(),
                    });
                }
                Err(err) => web_sys::console::error_1(&err.into()),
            }
        })
    };
    // What the visitor does goes through the same queue as what arrives, so
    // the log keeps the order things happened in.
    let ondisconnect = {
        let events = events.clone();
        let socket = socket.clone();
        Callback::from(move |_: MouseEvent| {
            events.push(Action::Disconnect { at_ms: now_ms() });
            if let Some(socket) = socket.borrow().as_ref() {
                socket.close();
            }
        })
    };
    let onsend = {
        let events = events.clone();
        let socket = socket.clone();
        let session = state.session_id();
        Callback::from(move |payload: Payload| {
            let at_ms = now_ms();
            let sent = match (socket.borrow().as_ref(), session) {
                (Some(socket), Some(session)) => socket.send(&payload).map(|()| session),
                _ => Err(SendError::NotOpen),
            };
            events.push(match sent {
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
    let l = s.lesson;
    let active = state.conn.is_active();
    let tap_note = match &tap.link {
        TapLink::Off if matches!(&*lab, Lab::Loading) => None,
        TapLink::Off => Some(("off", l.tap_off.to_owned())),
        TapLink::Connecting => Some(("connecting", l.tap_connecting.to_owned())),
        TapLink::Ready { .. } => Some(("ready", l.tap_ready.to_owned())),
        TapLink::Lost(why) => Some(("lost", (l.tap_lost)(why))),
    };
    let latest = tap.latest().cloned();
    html! {
        <ContextProvider<Lang> context={*lang}>
            <div class="page">
                <Header lang={*lang} {onlang} />
                <Question />
                <section id="experiments" class="experiments" aria-labelledby="experiments-title">
                    <h2 id="experiments-title">{ l.exp_title }</h2>
                    <p class="intro">{ l.exp_intro }</p>
                    <div class="exp-grid">
                        <NoSocketApi />
                        <FetchRaw lab={(*lab).clone()} />
                        <WsRaw lab={(*lab).clone()} />
                        <BadPort lab={(*lab).clone()} />
                        <ThroughRelay lab={(*lab).clone()} />
                    </div>
                </section>
                <div id="console" class="console">
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
                            if state.selected_target().is_some_and(|t| t.needs_token) {
                                <TokenField value={state.token.clone()} disabled={active} oninput={ontoken} />
                            }
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
                            if let Some((link, note)) = tap_note {
                                <p id="tap-status" class="tap-status" data-link={link}>{ note }</p>
                            }
                            <h2 class="compose-title">{ s.compose }</h2>
                            <Composer connected={state.conn.is_open()} {onsend} />
                        </section>
                        <LogView log={state.log.clone()} {onclear} />
                    </main>
                    <section id="wire" class="wire" aria-labelledby="wire-title">
                        <h2 id="wire-title">{ l.wire_title }</h2>
                        <p class="intro">{ l.wire_intro }</p>
                        if tap.dropped > 0 {
                            <p class="error">{ (l.dropped)(tap.dropped) }</p>
                        }
                        <HandshakeView session={latest.clone()} />
                        <FrameInspector frames={tap.frames.clone()} />
                        <SideBySide session={latest} />
                    </section>
                </div>
                <Scenarios />
                <Comparison />
                <Layers />
            </div>
        </ContextProvider<Lang>>
    }
}

/// Opens the page's wire tap and queues everything it says.
fn open_tap(slot: &Rc<RefCell<Option<Socket>>>, queue: Rc<PerFrame<TapAction>>) {
    let url = match ws_url_for_path_here(TAP_PATH) {
        Ok(url) => url,
        Err(err) => return queue.push(TapAction::Lost(err)),
    };
    queue.push(TapAction::Connecting);
    let events = queue.clone();
    let on_event = Callback::from(move |event: SocketEvent| match event {
        SocketEvent::Message(Payload::Binary(bytes)) => {
            events.push(match TapRecord::decode(&bytes) {
                Ok(record) => TapAction::Record(record),
                Err(_) => TapAction::Undecodable,
            })
        }
        SocketEvent::Message(Payload::Text(text)) => {
            if let Ok(hello) = json::from_str::<TapHello>(&text) {
                events.push(TapAction::Hello(hello.tap));
            } else if let Ok(TapEvent::Dropped { records }) = json::from_str(&text) {
                events.push(TapAction::Dropped(records));
            }
        }
        SocketEvent::Closed(info) => {
            let why = if info.reason.is_empty() {
                info.code.to_string()
            } else {
                format!("{} {}", info.code, info.reason)
            };
            events.push(TapAction::Lost(why));
        }
        SocketEvent::Open | SocketEvent::Error => {}
    });
    match Socket::open(&url, on_event) {
        Ok(socket) => *slot.borrow_mut() = Some(socket),
        Err(err) => queue.push(TapAction::Lost(err)),
    }
}
