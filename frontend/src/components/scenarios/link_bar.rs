//! A scenario's Start/Stop button, its link status and its traffic.

use std::rc::Rc;

use yew::prelude::*;

use super::link::LinkStatus;
use crate::components::use_strings;
use crate::scenarios::traffic::Traffic;

/// Properties of [`LinkBar`].
#[derive(Properties, PartialEq)]
pub struct LinkBarProps {
    /// Where the link is.
    pub status: LinkStatus,
    /// Traffic both ways.
    pub traffic: Rc<Traffic>,
    /// Start pressed.
    pub onstart: Callback<()>,
    /// Stop pressed.
    pub onstop: Callback<()>,
}

/// `button.start` / `button.stop`, `.link-status[data-state]`, and `.traffic`
/// with `.in-mps`, `.out-mps`, `.in-bps`, `.out-bps`.
#[component]
pub fn LinkBar(props: &LinkBarProps) -> Html {
    let s = use_strings().scenarios;
    let status_text = match &props.status {
        LinkStatus::Idle => s.idle.to_owned(),
        LinkStatus::Connecting => s.connecting.to_owned(),
        LinkStatus::Open => s.open.to_owned(),
        LinkStatus::Closed(code, reason) => (s.closed)(*code, reason),
        LinkStatus::Failed(why) => (s.failed)(why),
    };
    let button = if props.status.is_active() {
        let onstop = props.onstop.reform(|_: MouseEvent| ());
        html! { <button type="button" class="secondary stop" onclick={onstop}>{ s.stop }</button> }
    } else {
        let onstart = props.onstart.reform(|_: MouseEvent| ());
        html! { <button type="button" class="primary start" onclick={onstart}>{ s.start }</button> }
    };
    let r = props.traffic.rates;
    html! {
        <div class="link-bar">
            { button }
            <span class="link-status" data-state={props.status.name()} role="status">
                <span class="dot" aria-hidden="true"></span>{ status_text }
            </span>
            <dl class="traffic">
                <dt>{ s.traffic_in }</dt>
                <dd><span class="in-mps">{ format!("{:.1}", r.in_mps) }</span>{ " " }{ s.per_second_msgs }</dd>
                <dd><span class="in-bps">{ format!("{:.0}", r.in_bps) }</span>{ " " }{ s.per_second_bytes }</dd>
                <dt>{ s.traffic_out }</dt>
                <dd><span class="out-mps">{ format!("{:.1}", r.out_mps) }</span>{ " " }{ s.per_second_msgs }</dd>
                <dd><span class="out-bps">{ format!("{:.0}", r.out_bps) }</span>{ " " }{ s.per_second_bytes }</dd>
            </dl>
        </div>
    }
}
