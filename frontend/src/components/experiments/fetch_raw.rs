//! Experiment 2: `fetch()` straight at the recorder's raw TCP port.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::{recorder_url, CaptureView, Experiment, LabProps};
use crate::components::use_strings;
use crate::lab::{
    deadline_in, fetch_probe, has_whole_head, new_marker, poll_captures, CAPTURE_DEADLINE_MS,
};
use crate::state::experiments::{FetchEnd, FetchResult, Lab, Outcome};

/// `#exp-fetch`.
#[component]
pub fn FetchRaw(props: &LabProps) -> Html {
    let s = use_strings().lesson;
    let result = use_state(|| None::<FetchResult>);
    let running = use_state(|| false);
    let port = props.lab.recorder_port();
    let onrun = {
        let (result, running) = (result.clone(), running.clone());
        Callback::from(move |()| {
            let Some(port) = port else { return };
            let (result, running) = (result.clone(), running.clone());
            running.set(true);
            spawn_local(async move {
                let marker = new_marker();
                let url = recorder_url("http", port, &marker);
                let end = fetch_probe(&url).await;
                let captured =
                    poll_captures(&marker, deadline_in(CAPTURE_DEADLINE_MS), has_whole_head).await;
                result.set(Some(FetchResult { url, end, captured }));
                running.set(false);
            });
        })
    };
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
            {outcome} running={*running} {onrun}
            unavailable={(port.is_none() && props.lab != Lab::Loading).then_some(AttrValue::Static(s.lab_missing))}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
