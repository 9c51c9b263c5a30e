//! Experiment 4: `new WebSocket()` at a port on the Fetch standard's
//! bad-ports list, where a recorder listens too.

use yew::prelude::*;

use super::probe::{use_recorder_probe, CaptureWait};
use super::ws_raw::socket_end_view;
use super::{recorder_url, Experiment};
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::lab::{socket_probe, SILENCE_MS};
use crate::state::experiments::{DirectSocketResult, Lab, Outcome};

/// `#exp-bad-port`.
#[component]
pub fn BadPort() -> Html {
    let s = use_strings().lesson;
    let lab = use_lab();
    let port = lab.bad_port();
    // Give a connection that did happen time to show up.
    let wait = CaptureWait {
        within_ms: SILENCE_MS,
        done: |captures| !captures.is_empty(),
    };
    let probe = use_recorder_probe(port, "ws", socket_probe, wait, |url, end, captured| {
        DirectSocketResult { url, end, captured }
    });
    let result = &probe.result;
    let code = format!(
        "new WebSocket(\"{}\")",
        recorder_url("ws", port.unwrap_or(6667), "probe-…")
    );
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, DirectSocketResult::outcome);
    let body = result.as_ref().map(|r| {
        let count = r.captured.captures().len();
        html! {
            <>
                { socket_end_view(&r.end, s) }
                <p class="capture-summary">
                    <span class="capture-count" data-count={count.to_string()} hidden=true>{ count }</span>
                    { (s.bad_saw)(port.unwrap_or(0), count) }
                </p>
            </>
        }
    });
    let unavailable = match (&lab, port) {
        (_, Some(_)) | (Lab::Loading, _) => None,
        (Lab::Ready(_), None) => Some(AttrValue::Static(s.bad_unavailable)),
        (Lab::Unavailable(_), None) => Some(AttrValue::Static(s.lab_missing)),
    };
    html! {
        <Experiment id="exp-bad-port" title={s.bad_title} claim={s.bad_claim} code={code}
            {outcome} running={probe.running} onrun={probe.onrun.clone()} {unavailable}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
