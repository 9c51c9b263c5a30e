//! Experiment 6: consent. A WebSocket to this same relay under its other
//! loopback name, which makes this page a foreign origin there: the browser
//! reports 1006, and the relay says on this page's own tap why it refused.

use yew::prelude::*;

use super::probe::use_probe;
use super::ws_raw::socket_end_view;
use super::Experiment;
use crate::components::use_strings;
use crate::state::experiments::Outcome;
use crate::state::why::ConsentResult;
use crate::why_lab::{consent_probe, cross_origin_url};

/// `#exp-consent`.
#[component]
pub fn Consent() -> Html {
    let strings = use_strings();
    let (s, l) = (strings.why, strings.lesson);
    let url = use_memo((), |()| cross_origin_url());
    let probe = use_probe((*url).clone(), consent_probe);
    let result = &probe.result;
    let code = format!(
        "const ws = new WebSocket(\"{}?tap=…\");\nws.onclose = (e) => show(e.code, e.reason, e.wasClean);",
        url.as_deref().unwrap_or("ws://localhost:PORT/ws/recorder")
    );
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, ConsentResult::outcome);
    let body = result.as_ref().map(|r| {
        let relay = match &r.relay {
            Some(word) => html! {
                <dl class="close-facts relay-word" data-status={word.status.to_string()} data-reason={word.reason.clone()}>
                    <dt>{ s.consent_origin }</dt>
                    <dd><code class="relay-origin">{ word.origin.clone().unwrap_or_default() }</code></dd>
                    <dt>{ s.consent_status }</dt>
                    <dd><code class="relay-status">{ word.status }</code></dd>
                    <dt>{ s.consent_message }</dt>
                    <dd><code class="relay-message">{ word.message.clone() }</code></dd>
                </dl>
            },
            None => html! { <p class="relay-silent">{ s.consent_silent }</p> },
        };
        html! {
            <>
                if let Some(problem) = &r.problem {
                    <p class="observed"><code class="observed-error">{ (l.relay_problem)(problem) }</code></p>
                }
                { socket_end_view(&r.end, l) }
                <div class="relay-side">
                    <h4>{ s.consent_relay_said }</h4>
                    { relay }
                </div>
                <p class="note">{ s.consent_tap_note }</p>
                <p class="lesson">{ s.consent_hijack }</p>
                <p class="lesson">{ s.consent_rebinding }</p>
            </>
        }
    });
    let unavailable = url
        .is_none()
        .then_some(AttrValue::Static(s.consent_unavailable));
    html! {
        <Experiment id="exp-consent" title={s.consent_title} claim={s.consent_claim} code={code}
            {outcome} running={probe.running} onrun={probe.onrun.clone()} {unavailable}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
