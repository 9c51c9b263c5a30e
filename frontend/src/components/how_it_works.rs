//! The strip that shows the path a message takes: page, WebSocket, relay,
//! TCP, service.

use yew::prelude::*;

use super::use_strings;

/// A small diagram of the bridge and why it is needed.
#[component]
pub fn HowItWorks() -> Html {
    let s = use_strings();
    html! {
        <section class="how" aria-labelledby="how-title">
            <h2 id="how-title">{ s.how_title }</h2>
            <ol class="hops">
                <li class="node browser">{ s.how_browser }</li>
                <li class="link ws"><span>{ s.how_websocket }</span></li>
                <li class="node relay">{ s.how_relay }</li>
                <li class="link tcp"><span>{ s.how_tcp }</span></li>
                <li class="node service">{ s.how_service }</li>
            </ol>
            <p class="how-note">{ s.how_note }</p>
        </section>
    }
}
