//! Experiment 10: datagrams against messages. The same numbered messages to
//! the `lossy` service as WebTransport datagrams (`udp-lossy`) and as
//! WebSocket messages over TCP (`lossy`): what arrived, what was lost, what
//! waited.

use yew::prelude::*;

use super::probe::use_probe;
use super::{door_missing, Experiment};
use crate::components::use_strings;
use crate::hooks::use_lab;
use crate::state::experiments::Outcome;
use crate::state::lossy_race::{Arrivals, LossyRace as Race, WAITED_MS};
use crate::two_doors_lab::lossy_race;

const CODE: &str = "wt.datagrams.writable.getWriter().write(bytes) // udp-lossy\nws.send(\"17\\n\") // lossy, over TCP";

/// `#exp-lossy`.
#[component]
pub fn LossyRace() -> Html {
    let s = use_strings().transport;
    let lab = use_lab();
    let probe = use_probe(Some(()), |()| lossy_race());
    let outcome = probe
        .result
        .as_ref()
        .map_or(Outcome::Pending, Race::outcome);
    let door = |name: &'static str, class: &'static str, a: &Arrivals| {
        let sent = a.sent_ms.len();
        let cells = (1..=sent as u32).map(|n| {
            let state = match a.wait_of(n) {
                None => "lost",
                Some(ms) if ms >= WAITED_MS => "late",
                Some(_) => "ok",
            };
            html! { <i data-s={state}></i> }
        });
        html! {
            <div class={classes!("arrivals", class)} data-sent={sent.to_string()}
                data-lost={a.lost().to_string()} data-waited={a.waited().to_string()}>
                <h4>{ name }</h4>
                <p>{ (s.arrived)(sent - a.lost(), sent, a.waited(), a.longest_ms()) }</p>
                <div class="cells">{ for cells }</div>
                if let Some(why) = &a.problem {
                    <p class="observed-error">{ (s.problem)(why) }</p>
                }
            </div>
        }
    };
    let body = probe.result.as_ref().map(|r| {
        html! {
            <>
                { door("WebTransport datagrams", "datagrams", &r.datagrams) }
                { door("WebSocket (TCP)", "messages", &r.messages) }
                <p class="note">{ s.race_legend }</p>
            </>
        }
    });
    html! {
        <Experiment id="exp-lossy" title={s.race_title} claim={s.race_claim} code={CODE}
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={door_missing(&lab, s)}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
