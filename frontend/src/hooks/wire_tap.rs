//! The page's wire tap: a WebSocket to the relay's tap endpoint, opened once
//! the relay says it offers taps and kept for the page's lifetime. Every
//! record it sends reaches the [`WireTap`] reducer, once per frame.

use std::cell::RefCell;
use std::rc::Rc;

use protocol::tap::{TapEvent, TapHello, TapRecord, TAP_PATH};
use yew::prelude::*;

use crate::json;
use crate::per_frame::PerFrame;
use crate::socket::{ws_url_for_path_here, Socket, SocketEvent};
use crate::state::wiretap::{TapAction, WireTap};
use crate::state::Payload;
use crate::tap_event;

/// The tap's state; its connection is opened while `offered` holds.
#[hook]
pub fn use_wire_tap(offered: bool) -> UseReducerHandle<WireTap> {
    let tap = use_reducer(WireTap::default);
    let socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    let queue = {
        let dispatcher = tap.dispatcher();
        use_memo((), move |()| PerFrame::new(dispatcher.to_callback()))
    };
    use_effect_with(offered, move |offered| {
        if *offered {
            open_tap(&socket, queue);
        }
        move || drop(socket.borrow_mut().take())
    });
    tap
}

/// Opens the page's wire tap into `slot` and queues everything it says.
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
            } else if let Some(TapEvent::Dropped { records }) = tap_event::from_str(&text) {
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
