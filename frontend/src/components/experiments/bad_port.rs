//! Experiment 4: `new WebSocket()` at a port on the Fetch standard's
//! bad-ports list, where a recorder listens too.

use yew::prelude::*;

use super::probe::{use_probe, CaptureWait};
use super::ws_raw::socket_end_view;
use super::{recorder_url, Experiment, LabProps};
use crate::components::use_strings;
use crate::lab::{socket_probe, SILENCE_MS};
use crate::state::experiments::{DirectSocketResult, Lab, Outcome};

/// `#exp-bad-port`.
#[component]
pub fn BadPort(props: &LabProps) -> Html {
    let s = use_strings().lesson;
    let port = props.lab.bad_port();
    let probe = use_probe(
        port,
        "ws",
        |url| async move { socket_probe(&url).await },
        // Give a connection that did happen time to show up.
        CaptureWait {
            within_ms: SILENCE_MS,
            done: |captures| !captures.is_empty(),
        },
        |url, end, captured| DirectSocketResult { url, end, captured },
    );
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
    let unavailable = match (&props.lab, port) {
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
