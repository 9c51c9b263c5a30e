//! Experiment 3: `new WebSocket()` straight at the recorder's raw TCP port.

use yew::prelude::*;

use super::probe::{use_recorder_probe, WHOLE_HEAD};
use super::{direct_missing, recorder_url, CaptureView, Experiment};
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::i18n::Lesson;
use crate::lab::socket_probe;
use crate::state::experiments::{DirectSocketResult, Outcome, SocketEnd};

/// `#exp-ws-raw`.
#[component]
pub fn WsRaw() -> Html {
    let s = use_strings().lesson;
    let lab = use_lab();
    let port = lab.recorder_port();
    let probe = use_recorder_probe(
        port,
        "ws",
        socket_probe,
        WHOLE_HEAD,
        |url, end, captured| DirectSocketResult { url, end, captured },
    );
    let result = &probe.result;
    let code = format!(
        "const ws = new WebSocket(\"{}\");\nws.onclose = (e) => show(e.code, e.reason);",
        recorder_url("ws", port.unwrap_or(0), "probe-…")
    );
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, DirectSocketResult::outcome);
    let body = result.as_ref().map(|r| {
        html! {
            <>
                { socket_end_view(&r.end, s) }
                <CaptureView captured={r.captured.clone()} port={port.unwrap_or(0)} />
                <p class="lesson">{ s.ws_lesson }</p>
            </>
        }
    });
    html! {
        <Experiment id="exp-ws-raw" title={s.ws_title} claim={s.ws_claim} code={code}
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={direct_missing(&lab, port, s)}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}

/// What the browser reported about a socket: `.observed-code`,
/// `.observed-reason`, or what `new WebSocket()` threw.
pub fn socket_end_view(end: &SocketEnd, s: &Lesson) -> Html {
    if let Some(thrown) = &end.thrown {
        return html! {
            <p class="observed"><span class="label">{ s.browser_said }</span>
                <code class="observed-error">{ (s.thrown)(thrown) }</code></p>
        };
    }
    match &end.close {
        None => html! { <p class="observed observed-timeout">{ s.timed_out }</p> },
        Some((code, reason, clean)) => html! {
            <div class="observed">
                <span class="label">{ s.browser_said }</span>
                <dl class="close-facts">
                    <dt>{ s.close_code }</dt>
                    <dd><code class="observed-code">{ code }</code></dd>
                    <dt>{ s.close_reason }</dt>
                    <dd><code class="observed-reason" data-empty={reason.is_empty().to_string()}>
                        { if reason.is_empty() { s.empty_reason.to_owned() } else { reason.clone() } }
                    </code></dd>
                    <dt>{ "wasClean" }</dt>
                    <dd><code>{ clean }</code></dd>
                    <dt>{ "error" }</dt>
                    <dd><code class="observed-error-event">{ end.error_event }</code></dd>
                </dl>
            </div>
        },
    }
}
