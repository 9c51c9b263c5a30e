//! Experiment 1: what this page has for raw sockets, asked of the browser.

use yew::prelude::*;

use super::Experiment;
use crate::components::use_strings;
use crate::lab::scan_socket_api;
use crate::state::experiments::{ApiScan, Outcome};

const CODE: &str = "typeof TCPSocket\n'TCPSocket' in window\ntypeof navigator.tcp\nwindow.isSecureContext\nwindow.crossOriginIsolated";

/// `#exp-no-socket-api`.
#[component]
pub fn NoSocketApi() -> Html {
    let s = use_strings().lesson;
    let scan = use_state(|| None::<ApiScan>);
    let onrun = {
        let scan = scan.clone();
        Callback::from(move |()| scan.set(Some(scan_socket_api())))
    };
    let outcome = scan.as_ref().map_or(Outcome::Pending, ApiScan::outcome);
    let body = scan.as_ref().map(|scan| {
        let rows = [
            ("typeof TCPSocket", format!("{:?}", scan.typeof_tcp_socket), "typeof-tcp-socket"),
            ("'TCPSocket' in window", scan.tcp_socket_in_window.to_string(), "tcp-socket-in-window"),
            ("typeof navigator.tcp", format!("{:?}", scan.typeof_navigator_tcp), "typeof-navigator-tcp"),
            ("window.isSecureContext", scan.secure_context.to_string(), "secure-context"),
            ("window.crossOriginIsolated", scan.cross_origin_isolated.to_string(), "cross-origin-isolated"),
        ];
        html! {
            <>
                <p class="verdict">{ if outcome == Outcome::Failed { s.nsa_none } else { s.nsa_some } }</p>
                <table class="facts">
                    { for rows.into_iter().map(|(expr, value, class)| html! {
                        <tr class={class}><th><code>{ expr }</code></th><td><code class="value">{ value }</code></td></tr>
                    }) }
                </table>
                <p class="note nsa-context">{ (s.nsa_context)(scan.secure_context, scan.cross_origin_isolated) }</p>
                <p class="note">{ s.nsa_note }</p>
            </>
        }
    });
    html! {
        <Experiment id="exp-no-socket-api" title={s.nsa_title} claim={s.nsa_claim} code={CODE}
            {outcome} running=false {onrun}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
