//! The WebSocket one scenario panel holds: opened by Start in an effect,
//! closed by the effect's cleanup (Stop, or the panel unmounting). It cuts
//! what arrives into lines with [`LineBuffer`], hands every line on, and
//! counts the traffic both ways.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use protocol::scenarios::{LineBuffer, LINE_END};
use yew::prelude::*;

use crate::browser::now_ms;
use crate::scenarios::frame_wire_bytes;
use crate::scenarios::traffic::{Traffic, TrafficAction};
use crate::socket::{ws_url_here, Socket, SocketEvent};
use crate::state::Payload;

/// Where the link is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Never started.
    Idle,
    /// Handshake under way.
    Connecting,
    /// Open: lines flow.
    Open,
    /// Closed, with the close code and reason.
    Closed(u16, String),
    /// The browser refused to open it.
    Failed(String),
}

impl LinkStatus {
    /// The `data-state` value.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closed(..) | Self::Failed(_) => "closed",
        }
    }

    /// True while a socket exists (Stop makes sense, Start does not).
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Connecting | Self::Open)
    }
}

/// Something the link hands to its panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// A new connection is opening: forget the old one.
    Started,
    /// A message of this many bytes on the wire arrived (before its lines).
    Message {
        /// Frame header plus payload.
        wire_bytes: u64,
    },
    /// A whole line (without its ending).
    Line(String),
}

/// A panel's handle on its link.
#[derive(Clone)]
pub struct LineLink {
    /// Where the link is.
    pub status: LinkStatus,
    /// Traffic both ways.
    pub traffic: Rc<Traffic>,
    /// Opens a new connection.
    pub onstart: Callback<()>,
    /// Closes the connection.
    pub onstop: Callback<()>,
    socket: Rc<RefCell<Option<Socket>>>,
    traffic_out: UseReducerDispatcher<Traffic>,
}

impl LineLink {
    /// Sends `line` plus `\r\n` as a text frame; false when not open.
    pub fn send_line(&self, line: &str) -> bool {
        let text = format!("{line}{LINE_END}");
        let sent = match self.socket.borrow().as_ref() {
            Some(socket) => socket.send(&Payload::Text(text.clone())).is_ok(),
            None => false,
        };
        if sent {
            self.traffic_out.dispatch(TrafficAction::Out {
                wire_bytes: frame_wire_bytes(text.len(), true),
            });
        }
        sent
    }
}

/// The link to `target`, handing every [`LinkEvent`] to `on_event` (the
/// latest one given, so a panel may pass a fresh callback on every render).
#[hook]
pub fn use_line_link(target: &'static str, on_event: Callback<LinkEvent>) -> LineLink {
    let status = use_state(|| LinkStatus::Idle);
    let traffic = use_reducer(Traffic::default);
    let socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    // 0: stopped; each Start picks a new number, so the effect runs again.
    let session = use_state(|| 0u32);
    let handler = use_mut_ref(Callback::noop);
    *handler.borrow_mut() = on_event;

    {
        let socket = socket.clone();
        let status = status.clone();
        let traffic = traffic.dispatcher();
        use_effect_with(*session, move |session| {
            let mut ticker = None;
            if *session != 0 {
                let emit = move |event: LinkEvent| {
                    // Clone first: the panel may re-render (and replace the
                    // handler) while handling the event.
                    let cb = handler.borrow().clone();
                    cb.emit(event);
                };
                emit(LinkEvent::Started);
                traffic.dispatch(TrafficAction::Reset);
                status.set(LinkStatus::Connecting);
                let lines = RefCell::new(LineBuffer::new());
                let (status_ev, traffic_ev) = (status.clone(), traffic.clone());
                let on_socket = Callback::from(move |event: SocketEvent| match event {
                    SocketEvent::Open => status_ev.set(LinkStatus::Open),
                    SocketEvent::Message(payload) => {
                        let bytes = match payload {
                            Payload::Binary(bytes) => bytes,
                            Payload::Text(text) => text.into_bytes(),
                        };
                        let wire_bytes = frame_wire_bytes(bytes.len(), false);
                        traffic_ev.dispatch(TrafficAction::In { wire_bytes });
                        emit(LinkEvent::Message { wire_bytes });
                        lines.borrow_mut().push(&bytes);
                        loop {
                            // Not borrowed while a line is handled.
                            let next = lines.borrow_mut().next_line();
                            match next {
                                Some(Ok(line)) => emit(LinkEvent::Line(line)),
                                // Dropped lines (too long, not UTF-8) are not shown.
                                Some(Err(_)) => {}
                                None => break,
                            }
                        }
                    }
                    SocketEvent::Error => {}
                    SocketEvent::Closed(info) => {
                        status_ev.set(LinkStatus::Closed(info.code, info.reason))
                    }
                });
                match ws_url_here(target).and_then(|url| Socket::open(&url, on_socket)) {
                    Ok(opened) => *socket.borrow_mut() = Some(opened),
                    Err(why) => status.set(LinkStatus::Failed(why)),
                }
                let traffic = traffic.clone();
                ticker = Some(Interval::new(1_000, move || {
                    traffic.dispatch(TrafficAction::Tick { at_ms: now_ms() })
                }));
            }
            move || {
                drop(ticker);
                drop(socket.borrow_mut().take());
            }
        });
    }

    let onstart = {
        let session = session.clone();
        Callback::from(move |()| session.set((*session).wrapping_add(1).max(1)))
    };
    let onstop = {
        let (session, status) = (session.clone(), status.clone());
        Callback::from(move |()| {
            session.set(0);
            status.set(LinkStatus::Closed(
                protocol::CloseCode::NORMAL.0,
                String::new(),
            ));
        })
    };
    LineLink {
        status: (*status).clone(),
        traffic: Rc::new((*traffic).clone()),
        onstart,
        onstop,
        socket,
        traffic_out: traffic.dispatcher(),
    }
}
