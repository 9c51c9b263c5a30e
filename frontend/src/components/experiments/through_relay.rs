//! Experiment 5: the same recorder, through a WebSocket to the relay, with a
//! wire tap of its own to show what reached the TCP side.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::{Experiment, LabProps};
use crate::components::byte_dump::ByteDump;
use crate::components::use_strings;
use crate::lab::{new_marker, relay_probe};
use crate::state::experiments::{Lab, Outcome, RelayResult};

const CODE: &str = "const ws = new WebSocket(\"/ws/recorder?tap=…\");\nws.onopen = () => ws.send(new Uint8Array([/* any bytes */]));";

/// `#exp-relay`.
#[component]
pub fn ThroughRelay(props: &LabProps) -> Html {
    let s = use_strings().lesson;
    let result = use_state(|| None::<RelayResult>);
    let running = use_state(|| false);
    let available = props.lab.recorder_port().is_some();
    let onrun = {
        let (result, running) = (result.clone(), running.clone());
        Callback::from(move |()| {
            let (result, running) = (result.clone(), running.clone());
            running.set(true);
            spawn_local(async move {
                let marker = new_marker();
                result.set(Some(relay_probe(&marker).await));
                running.set(false);
            });
        })
    };
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, RelayResult::outcome);
    let body = result.as_ref().map(|r| {
        html! {
            <>
                if let Some(problem) = &r.problem {
                    <p class="observed"><code class="observed-error">{ (s.relay_problem)(problem) }</code></p>
                }
                <div class="relay-sent">
                    <h4>{ s.relay_sent }</h4>
                    <ByteDump bytes={r.sent.clone()} />
                </div>
                if let Some(reply) = &r.reply {
                    <div class="relay-reply">
                        <h4>{ s.relay_reply }</h4>
                        <ByteDump bytes={reply.clone()} text_class="reply" />
                    </div>
                }
                <div class="relay-upstream" data-same={(r.upstream == r.sent).to_string()}>
                    <h4>{ s.relay_upstream }</h4>
                    <ByteDump bytes={r.upstream.clone()} text_class="upstream" />
                    <p class="verdict">{ if r.upstream == r.sent { s.relay_same } else { s.relay_differs } }</p>
                </div>
            </>
        }
    });
    html! {
        <Experiment id="exp-relay" title={s.relay_title} claim={s.relay_claim} code={CODE}
            {outcome} running={*running} {onrun}
            unavailable={(!available && props.lab != Lab::Loading).then_some(AttrValue::Static(s.lab_missing))}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
