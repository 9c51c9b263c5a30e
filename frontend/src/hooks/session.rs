//! The connection panel's state and every callback that changes it: the
//! target list (loaded again on Retry, and quietly when the visitor comes
//! back to the tab), the token, Connect and Disconnect,
//! sending, and clearing the log.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::{session_socket::use_session_socket, target_refresh::use_target_refresh};
use crate::api::fetch_targets;
use crate::browser::now_ms;
use crate::socket::{with_tap, with_token, ws_url_here};
use crate::state::{Action, Payload, SendError, State};

/// The session's state and what the visitor can do with it.
pub struct SessionHandle {
    /// Targets, selection, connection and log.
    pub state: UseReducerHandle<State>,
    /// A target was picked.
    pub onselect: Callback<String>,
    /// Load the target list again.
    pub onretry: Callback<()>,
    /// A token was typed.
    pub ontoken: Callback<String>,
    /// Connect pressed.
    pub onconnect: Callback<MouseEvent>,
    /// Disconnect pressed.
    pub ondisconnect: Callback<MouseEvent>,
    /// A message to send.
    pub onsend: Callback<Payload>,
    /// Clear the log.
    pub onclear: Callback<()>,
}

/// Loads the target list whenever `request` changes.
#[hook]
fn use_target_list(request: u32, state: UseReducerDispatcher<State>) {
    use_effect_with(request, move |_| {
        spawn_local(async move {
            state.dispatch(Action::TargetsLoaded(fetch_targets().await));
        });
    });
}

/// The session: its state, its socket, and the callbacks of the connection
/// panel. A session opened while the page has a wire tap (`tap_id`) is
/// tapped.
#[hook]
pub fn use_session(tap_id: Option<String>) -> SessionHandle {
    let state = use_reducer(State::default);
    use_target_list(state.targets_request, state.dispatcher());
    use_target_refresh(state.dispatcher());
    let link = use_session_socket(state.session.clone(), state.dispatcher());

    let dispatch = |to_action: fn(String) -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |value: String| dispatcher.dispatch(to_action(value)))
    };
    let onselect = dispatch(Action::Select);
    let ontoken = dispatch(Action::SetToken);
    let onretry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ReloadTargets))
    };
    let onclear = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ClearLog))
    };
    let onconnect = {
        let dispatcher = state.dispatcher();
        let selected = state.selected.clone();
        let token = state.token_to_send().map(str::to_owned);
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
    let ondisconnect = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            link.events.push(Action::Disconnect { at_ms: now_ms() });
            if let Some(socket) = link.socket.borrow().as_ref() {
                socket.close();
            }
        })
    };
    let onsend = {
        let session = state.session_id();
        Callback::from(move |payload: Payload| {
            let at_ms = now_ms();
            let sent = match (link.socket.borrow().as_ref(), session) {
                (Some(socket), Some(session)) => socket.send(&payload).map(|()| session),
                _ => Err(SendError::NotOpen),
            };
            link.events.push(match sent {
                Ok(session) => Action::Sent {
                    session,
                    at_ms,
                    payload,
                },
                Err(reason) => Action::SendFailed { at_ms, reason },
            });
        })
    };
    SessionHandle {
        state,
        onselect,
        onretry,
        ontoken,
        onconnect,
        ondisconnect,
        onsend,
        onclear,
    }
}
