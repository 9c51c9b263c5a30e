//! The connection status line.

use yew::prelude::*;

use super::use_strings;
use crate::state::Conn;

/// Properties of [`Status`].
#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// The connection to describe.
    pub conn: Conn,
}

/// `#status`, with `data-state` = `idle` | `connecting` | `open` | `closed`
/// and as its only text a sentence saying the same (with the close code and
/// reason once closed); `#status-url` shows the WebSocket URL while there is
/// a socket.
#[component]
pub fn Status(props: &StatusProps) -> Html {
    let s = use_strings();
    let (text, url) = match &props.conn {
        Conn::Idle => (s.status_idle.to_owned(), None),
        Conn::Connecting { url } => (s.status_connecting.to_owned(), Some(url.clone())),
        Conn::Open { url } => (s.status_open.to_owned(), Some(url.clone())),
        Conn::Closed(info) => (s.close_text(info), None),
    };
    html! {
        <div class="status-row">
            <span class="label">{ s.status }</span>
            <div class="status-box" data-state={props.conn.state_name()}>
                <span class="dot" aria-hidden="true"></span>
                <span id="status" data-state={props.conn.state_name()} role="status" aria-live="polite">
                    { text }
                </span>
                if let Some(url) = url {
                    <code id="status-url">{ url }</code>
                }
            </div>
        </div>
    }
}
