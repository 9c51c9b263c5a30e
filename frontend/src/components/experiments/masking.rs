//! Experiment 7: masking. An HTTP request typed by the visitor goes as one
//! WebSocket message through the relay to the recorder; the page's own tap
//! shows the masked bytes a proxy on the path would have seen, and the bytes
//! the recorder got once the relay unmasked them.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::probe::use_probe;
use super::{lab_missing, Experiment};
use crate::components::byte_dump::ByteDump;
use crate::components::use_strings;
use crate::hex::format_hex;
use crate::hooks::use_lab;
use crate::state::experiments::Outcome;
use crate::state::why::{http_bytes, MaskingResult, POISON_REQUEST};
use crate::why_lab::masking_probe;

const CODE: &str = "const ws = new WebSocket(\"/ws/recorder?tap=…\");\nws.onopen = () => ws.send(request); // masked by the browser";

/// `#exp-masking`.
#[component]
pub fn Masking() -> Html {
    let strings = use_strings();
    let s = strings.why;
    let lab = use_lab();
    let typed = use_state(|| POISON_REQUEST.to_owned());
    let input = lab.recorder_port().map(|_| http_bytes(&typed));
    let probe = use_probe(input, masking_probe);
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
        })
    };
    let controls = html! {
        <label class="mask-input">
            <span class="label">{ s.mask_input }</span>
            <textarea id="mask-request" rows="4" spellcheck="false" value={(*typed).clone()} {oninput} />
        </label>
    };
    let result = &probe.result;
    let outcome = result
        .as_ref()
        .map_or(Outcome::Pending, MaskingResult::outcome);
    let body = result.as_ref().map(|r| {
        let hidden = r.wire_hides_request();
        let same = r.upstream == r.sent;
        html! {
            <>
                if let Some(problem) = &r.problem {
                    <p class="observed"><code class="observed-error">{ (s.mask_problem)(problem) }</code></p>
                }
                <div class="mask-wire" data-hidden={hidden.to_string()}>
                    <h4>{ s.mask_wire }</h4>
                    <p><span class="label">{ s.mask_key }</span>{ " " }
                        <code class="mask-key">{ r.mask_key.map(|k| format_hex(&k)).unwrap_or_default() }</code></p>
                    <ByteDump bytes={r.wire.clone()} text_class="wire" />
                    <p class="verdict">{ if hidden { s.mask_hidden } else { s.mask_visible } }</p>
                </div>
                <div class="mask-service" data-same={same.to_string()}>
                    <h4>{ s.mask_service }</h4>
                    <ByteDump bytes={r.upstream.clone()} text_class="upstream" highlight=true />
                    <p class="verdict">{ if same { s.mask_same } else { s.mask_differs } }</p>
                </div>
                <p class="lesson">{ s.mask_lesson }</p>
            </>
        }
    });
    html! {
        <Experiment id="exp-masking" title={s.mask_title} claim={s.mask_claim} code={CODE}
            {outcome} running={probe.running} onrun={probe.onrun.clone()}
            unavailable={lab_missing(&lab, lab.recorder_port(), strings.lesson)} {controls}>
            { body.unwrap_or_default() }
        </Experiment>
    }
}
