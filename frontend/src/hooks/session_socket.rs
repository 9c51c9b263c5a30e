//! The session's WebSocket. It lives exactly as long as the session: opened
//! when a session starts, dropped (handlers detached, socket closed) by the
//! effect's cleanup when the session ends or the page unmounts. Its events
//! are stamped when they arrive and reach the reducer once per frame: at
//! thousands of messages a second, one render per message would not keep up.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::browser::now_ms;
use crate::per_frame::PerFrame;
use crate::socket::{Socket, SocketEvent};
use crate::state::{Action, Session, State};

/// The session's socket, while there is one, and the queue its events go
/// through to the reducer.
#[derive(Clone)]
pub struct SessionSocket {
    /// The open socket of the current session.
    pub socket: Rc<RefCell<Option<Socket>>>,
    /// Actions for the reducer, delivered in order once per frame. What the
    /// visitor does goes through it too, so the log keeps the order things
    /// happened in.
    pub events: Rc<PerFrame<Action>>,
}

/// Opens a socket for `session` whenever it changes, reporting to `state`.
#[hook]
pub fn use_session_socket(
    session: Option<Session>,
    state: UseReducerDispatcher<State>,
) -> SessionSocket {
    let socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    let events = {
        let state = state.clone();
        use_memo((), move |()| PerFrame::new(state.to_callback()))
    };
    {
        let (socket, events) = (socket.clone(), events.clone());
        use_effect_with(session, move |session| {
            if let Some(session) = session {
                open(session, &socket, events, &state);
            }
            move || drop(socket.borrow_mut().take())
        });
    }
    SessionSocket { socket, events }
}

/// Opens the socket of `session` into `slot`, its events queued on `events`.
fn open(
    session: &Session,
    slot: &RefCell<Option<Socket>>,
    events: Rc<PerFrame<Action>>,
    state: &UseReducerDispatcher<State>,
) {
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
        Ok(opened) => *slot.borrow_mut() = Some(opened),
        Err(reason) => state.dispatch(Action::OpenFailed {
            session: id,
            at_ms: now_ms(),
            reason,
        }),
    }
}
