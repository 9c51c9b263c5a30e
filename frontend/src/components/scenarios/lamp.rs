//! `#sc-lamp`: a lamp everyone controls; the page draws it from `STATE`.

use protocol::scenarios::lamp::{Command, Rgb, MAX_BRIGHTNESS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::link::{use_line_link, LinkEvent, LinkStatus};
use super::link_bar::LinkBar;
use crate::components::use_strings;
use crate::scenarios::lamp::{bulb_style, command_line, Lamp, LampAction};
use crate::scenarios::targets;

/// Properties of [`LampView`].
#[derive(Properties, PartialEq)]
pub struct LampViewProps {
    /// What the device said last.
    pub lamp: Lamp,
    /// Controls enabled.
    pub enabled: bool,
    /// A command to send.
    pub oncommand: Callback<Command>,
}

/// The lamp drawing (`#lamp`) and its controls, drawn from a [`Lamp`].
#[component]
pub fn LampView(props: &LampViewProps) -> Html {
    let s = use_strings().scenarios;
    let state = props.lamp.state;
    let (power, brightness, color) = match state {
        Some(st) => (
            if st.power { "on" } else { "off" },
            st.brightness.to_string(),
            st.color.to_string(),
        ),
        None => ("unknown", String::new(), String::new()),
    };
    let send = |command: Command| {
        let cb = props.oncommand.clone();
        Callback::from(move |_: MouseEvent| cb.emit(command.clone()))
    };
    let onbrightness = {
        let cb = props.oncommand.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<u8>() {
                cb.emit(Command::Brightness(n));
            }
        })
    };
    let oncolor = {
        let cb = props.oncommand.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(rgb) = input.value().parse::<Rgb>() {
                cb.emit(Command::Color(rgb));
            }
        })
    };
    let enabled = props.enabled && state.is_some();
    html! {
        <div class="lamp-body">
            <div id="lamp" class="lamp" data-power={power} data-brightness={brightness.clone()}
                data-color={color.clone()} style={state.map(|st| bulb_style(&st))}
                role="img" aria-label={s.lamp_label}>
                <div class="bulb"></div>
                <div class="stand"></div>
            </div>
            <div class="lamp-controls">
                if let Some(st) = state {
                    <p class="lamp-state">{ (s.lamp_state)(st.power, st.brightness, &color) }</p>
                }
                <div class="buttons">
                    <button type="button" id="lamp-on" class="secondary" disabled={!enabled}
                        aria-pressed={(power == "on").to_string()} onclick={send(Command::On)}>{ s.lamp_on }</button>
                    <button type="button" id="lamp-off" class="secondary" disabled={!enabled}
                        aria-pressed={(power == "off").to_string()} onclick={send(Command::Off)}>{ s.lamp_off }</button>
                </div>
                <label class="field">
                    <span class="label">{ s.lamp_brightness }</span>
                    <input type="range" id="lamp-brightness" min="0" max={MAX_BRIGHTNESS.to_string()}
                        value={brightness} disabled={!enabled} onchange={onbrightness} />
                </label>
                <label class="field">
                    <span class="label">{ s.lamp_color }</span>
                    <input type="color" id="lamp-color" value={if color.is_empty() { "#ffcc00".to_owned() } else { color }}
                        disabled={!enabled} onchange={oncolor} />
                </label>
                <p id="lamp-error" class="error" hidden={props.lamp.error.is_none()}>
                    { props.lamp.error.clone().unwrap_or_default() }
                </p>
            </div>
        </div>
    }
}

/// The lamp panel.
#[component]
pub fn LampPanel() -> Html {
    let s = use_strings().scenarios;
    let lamp = use_reducer(Lamp::default);
    let on_event = {
        let lamp = lamp.dispatcher();
        Callback::from(move |event: LinkEvent| match event {
            LinkEvent::Started => lamp.dispatch(LampAction::Reset),
            LinkEvent::Line(line) => lamp.dispatch(LampAction::Received(line)),
            LinkEvent::Message { .. } => {}
        })
    };
    let link = use_line_link(targets::LAMP, on_event);
    let open = link.status == LinkStatus::Open;
    let oncommand = {
        let link = link.clone();
        Callback::from(move |command: Command| {
            link.send_line(&command_line(&command));
        })
    };
    html! {
        <section id="sc-lamp" class="panel scenario" aria-labelledby="sc-lamp-title">
            <h3 id="sc-lamp-title">{ s.lamp_title }</h3>
            <p class="claim">{ s.lamp_claim }</p>
            <LinkBar status={link.status.clone()} traffic={link.traffic.clone()}
                onstart={link.onstart.clone()} onstop={link.onstop.clone()} />
            <LampView lamp={(*lamp).clone()} enabled={open} {oncommand} />
            <p class="note">{ s.lamp_nc_note }</p>
        </section>
    }
}
