//! Experiment 9: the same TCP echo through the relay's two doors, side by
//! side: WebSockets (`/ws/echo`, one TCP connection each) and streams of one
//! WebTransport session (`/wt/echo`), each handshake, and 8 MiB checked.

use yew::prelude::*;

use super::probe::use_probe;
use super::{door_missing, Experiment};
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::state::experiments::Outcome;
use crate::state::two_doors::{DoorRun, TwoDoorsResult, CONNECTIONS};
use crate::two_doors_lab::two_doors;

const CODE: &str = "new WebSocket(\"/ws/echo\")\nconst wt = new WebTransport(\"https://…/wt/echo\", { serverCertificateHashes })\nawait wt.createBidirectionalStream()";

const WS_HANDSHAKE: &str = "GET /ws/echo HTTP/1.1\nUpgrade: websocket\n← 101 Switching Protocols";
const WT_HANDSHAKE: &str = "CONNECT /wt/echo (HTTP/3)\n:protocol = webtransport\n← 200";

/// `#exp-two-doors`.
#[component]
pub fn TwoDoors() -> Html {
    let s = use_strings().transport;
    let lab = use_lab();
    let probe = use_probe(Some(()), |()| two_doors());
    let outcome = probe
        .result
        .as_ref()
        .map_or(Outcome::Pending, TwoDoorsResult::outcome);
    let body = probe.result.as_ref().map(|r| {
        let door = |run: &DoorRun, class: &'static str, handshake: &'static str, carried: String| {
            html! {
                <td class={class} data-verified={run.bulk.verified().to_string()}>
                    <pre class="code"><code>{ handshake }</code></pre>
                    <p>{ carried }{ ": " }{ (s.echoed)(run.echoed, CONNECTIONS) }</p>
                    <p class="bulk">{ (s.bulk_done)(run.bulk.got as f64 / 1e6, run.bulk_ms, run.mb_per_s(), run.bulk.verified()) }</p>
                    if let Some(why) = &run.problem {
                        <p class="observed-error">{ (s.problem)(why) }</p>
                    }
                </td>
            }
        };
        html! {
            <table class="facts two-doors">
                <tr><th>{ "WebSocket" }</th><th>{ "WebTransport" }</th></tr>
                <tr>
                    { door(&r.websocket, "ws", WS_HANDSHAKE, (s.ws_carried)(CONNECTIONS)) }
                    { door(&r.webtransport, "wt", WT_HANDSHAKE, (s.wt_carried)(CONNECTIONS)) }
                </tr>
            </table>
        }
    });
    html! {
        <Experiment id="exp-two-doors" title={s.doors_title} claim={s.doors_claim} code={CODE}
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={door_missing(&lab, s)}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
