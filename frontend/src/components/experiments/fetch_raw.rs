//! Experiment 2: `fetch()` straight at the recorder's raw TCP port.

use yew::prelude::*;

use super::probe::{use_recorder_probe, WHOLE_HEAD};
use super::{direct_missing, recorder_url, CaptureView, Experiment};
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::lab::fetch_probe;
use crate::state::experiments::{FetchEnd, FetchResult, Outcome};

/// `#exp-fetch`.
#[component]
pub fn FetchRaw() -> Html {
    let s = use_strings().lesson;
    let lab = use_lab();
    let port = lab.recorder_port();
    let probe = use_recorder_probe(
        port,
        "http",
        fetch_probe,
        WHOLE_HEAD,
        |url, end, captured| FetchResult { url, end, captured },
    );
    let result = &probe.result;
    let code = format!(
        "await fetch(\"{}\")",
        recorder_url("http", port.unwrap_or(0), "probe-…")
    );
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, FetchResult::outcome);
    let body = result.as_ref().map(|r| {
        let said = match &r.end {
            FetchEnd::Rejected(err) => err.clone(),
            FetchEnd::Response { kind, status } => (s.fetch_resolved)(kind, *status),
        };
        html! {
            <>
                <p class="observed"><span class="label">{ s.browser_said }</span>
                    <code class="observed-error">{ said }</code></p>
                <CaptureView captured={r.captured.clone()} port={port.unwrap_or(0)} />
                <p class="lesson">{ s.fetch_lesson }</p>
            </>
        }
    });
    html! {
        <Experiment id="exp-fetch" title={s.fetch_title} claim={s.fetch_claim} code={code}
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={direct_missing(&lab, port, s)}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
