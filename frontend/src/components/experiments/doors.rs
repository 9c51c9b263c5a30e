//! Experiment 8: the browser's other doors (Direct Sockets, WebTransport,
//! WebSocketStream, Local Network Access), looked for in this browser, each
//! with what it means for "can a page open a socket?".

use yew::prelude::*;

use super::Experiment;
use crate::components::use_strings;
use crate::state::experiments::Outcome;
use crate::state::why::DoorsScan;
use crate::why_lab::scan_doors;

const CODE: &str = "typeof TCPSocket\ntypeof UDPSocket\ntypeof WebTransport\ntypeof WebSocketStream\nlocation.hostname";

/// `#exp-doors`.
#[component]
pub fn Doors() -> Html {
    let strings = use_strings();
    let s = strings.why;
    let t = strings.transport;
    let scan = use_state(|| None::<DoorsScan>);
    let onrun = {
        let scan = scan.clone();
        Callback::from(move |()| scan.set(Some(scan_doors())))
    };
    let outcome = scan.as_ref().map_or(Outcome::Pending, DoorsScan::outcome);
    let body = scan.as_ref().map(|scan| {
        let rows = [
            ("TCPSocket", scan.tcp_socket, s.door_direct, "door-tcp-socket"),
            ("UDPSocket", scan.udp_socket, s.door_direct, "door-udp-socket"),
            ("WebTransport", scan.web_transport, s.door_webtransport, "door-webtransport"),
            ("WebSocketStream", scan.web_socket_stream, s.door_wss, "door-websocketstream"),
        ];
        html! {
            <>
                <p class="verdict">{ if outcome == Outcome::Failed { s.doors_none } else { s.doors_some } }</p>
                <table class="facts doors">
                    { for rows.into_iter().map(|(name, here, meaning, class)| html! {
                        <tr class={class} data-present={here.to_string()}>
                            <th><code>{ name }</code></th>
                            <td><code class="value">{ if here { s.present } else { s.absent } }</code></td>
                            <td class="meaning">{ meaning }
                                if class == "door-webtransport" {
                                    { " " }<a href="#exp-two-doors">{ t.try_it }{ " ↓" }</a>
                                }
                            </td>
                        </tr>
                    }) }
                    if let Some(mixed) = &scan.mixed_content {
                        <tr class="door-mixed" data-refused={mixed.is_some().to_string()}>
                            <th><code>{ "ws:// from https:" }</code></th>
                            <td><code class="value">{ match mixed {
                                Some(err) => format!("{} {err}", s.refused),
                                None => s.not_refused.to_owned(),
                            } }</code></td>
                            <td class="meaning">{ s.door_mixed }</td>
                        </tr>
                    }
                    <tr class="door-lna" data-space={scan.space.name()}>
                        <th>{ "Local Network Access" }</th>
                        <td><code class="value">{ scan.space.name() }</code></td>
                        <td class="meaning">{ s.door_lna }{ " " }{ (s.lna_here)(scan.space) }</td>
                    </tr>
                </table>
            </>
        }
    });
    html! {
        <Experiment id="exp-doors" title={s.doors_title} claim={s.doors_claim} code={CODE}
            {outcome} running=false {onrun}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
