//! Experiment 5: the same recorder, through a WebSocket to the relay, with a
//! wire tap of its own to show what reached the TCP side.

use yew::prelude::*;

use super::probe::use_probe;
use super::{lab_missing, Experiment};
use crate::components::byte_dump::ByteDump;
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::lab::{new_marker, relay_probe};
use crate::state::experiments::{Outcome, RelayResult};

const CODE: &str = "const ws = new WebSocket(\"/ws/recorder?tap=…\");\nws.onopen = () => ws.send(new Uint8Array([/* any bytes */]));";

/// `#exp-relay`.
#[component]
pub fn ThroughRelay() -> Html {
    let s = use_strings().lesson;
    let lab = use_lab();
    // Runs whenever asked: the Run button is what is withheld without a lab.
    let probe = use_probe(Some(()), |()| async { relay_probe(&new_marker()).await });
    let result = &probe.result;
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
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={lab_missing(&lab, lab.recorder_port(), s)}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
