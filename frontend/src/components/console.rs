//! `#console`: the connection panel and the message log, with the wire tap's
//! views of the same session underneath.

use yew::prelude::*;

use super::{
    use_strings, Composer, DatagramPanel, FrameInspector, HandshakeView, HowItWorks, LogPanel,
    SideBySide, Status, TargetPicker, TokenField,
};
use crate::hooks::{use_lab, use_session, use_wire_tap};
use crate::i18n::Lesson;
use crate::state::composer::ComposerLoad;
use crate::state::experiments::Lab;
use crate::state::wiretap::TapLink;
use crate::state::Targets;

/// `#tap-status`'s `data-link` and text for the tap's link; nothing while
/// the page does not yet know whether the relay offers a tap.
fn tap_note(link: &TapLink, lab: &Lab, l: &Lesson) -> Option<(&'static str, String)> {
    match link {
        TapLink::Off if matches!(lab, Lab::Loading) => None,
        TapLink::Off => Some(("off", l.tap_off.to_owned())),
        TapLink::Connecting => Some(("connecting", l.tap_connecting.to_owned())),
        TapLink::Ready { .. } => Some(("ready", l.tap_ready.to_owned())),
        TapLink::Lost(why) => Some(("lost", (l.tap_lost)(why))),
    }
}

/// How it works, the workbench (connection panel, composer, log) and the
/// wire views (`#wire`).
#[component]
pub fn Console() -> Html {
    let s = use_strings();
    let l = s.lesson;
    let lab = use_lab();
    let tap = use_wire_tap(matches!(&lab, Lab::Ready(info) if info.tap));
    let session = use_session(tap.tap_id().map(str::to_owned));
    let state = &session.state;
    let active = state.conn.is_active();
    let tap_note = tap_note(&tap.link, &lab, l);
    let latest = tap.latest().cloned();
    // A UDP target: the selected one, and the one the tapped session used.
    let datagrams = state.selected_target().is_some_and(|t| t.datagrams);
    let is_udp = |name: &str| match &state.targets {
        Targets::Loaded(targets) => targets.iter().any(|t| t.name == name && t.datagrams),
        _ => false,
    };
    let latest_datagrams = latest
        .as_ref()
        .and_then(|session| session.target.as_deref())
        .is_some_and(is_udp);
    // The log's Resend, while not connected, fills the composer.
    let load = use_state(|| None::<ComposerLoad>);
    let onload = {
        let load = load.clone();
        Callback::from(move |next: ComposerLoad| load.set(Some(next)))
    };
    html! {
        <div id="console" class="console">
            <HowItWorks />
            <main class="workbench">
                <section class="panel controls" aria-labelledby="connection-title">
                    <h2 id="connection-title">{ s.connection }</h2>
                    <TargetPicker
                        targets={state.targets.clone()}
                        selected={state.selected.clone()}
                        disabled={active}
                        onselect={session.onselect.clone()}
                        onretry={session.onretry.clone()}
                    />
                    if state.selected_target().is_some_and(|t| t.needs_token) {
                        <TokenField value={state.token.clone()} disabled={active}
                            oninput={session.ontoken.clone()} />
                    }
                    <div class="buttons">
                        <button type="button" id="connect" class="primary"
                            disabled={active || state.selected.is_none()}
                            onclick={session.onconnect.clone()}>
                            { s.connect }
                        </button>
                        <button type="button" id="disconnect" class="secondary"
                            disabled={!active} onclick={session.ondisconnect.clone()}>
                            { s.disconnect }
                        </button>
                    </div>
                    <Status conn={state.conn.clone()} />
                    if let Some((link, note)) = tap_note {
                        <p id="tap-status" class="tap-status" data-link={link}>{ note }</p>
                    }
                    <h2 class="compose-title">{ s.compose }</h2>
                    <Composer connected={state.conn.is_open()} onsend={session.onsend.clone()}
                        load={(*load).clone()} />
                    if datagrams {
                        <DatagramPanel connected={state.conn.is_open()} log={state.log.clone()}
                            onsend={session.onsend.clone()} />
                    }
                </section>
                <LogPanel log={state.log.clone()} onclear={session.onclear.clone()}
                    connected={state.conn.is_open()} onsend={session.onsend.clone()} {onload} />
            </main>
            <section id="wire" class="wire" aria-labelledby="wire-title">
                <h2 id="wire-title">{ l.wire_title }</h2>
                <p class="intro">{ l.wire_intro }</p>
                if tap.dropped > 0 {
                    <p class="error">{ (l.dropped)(tap.dropped) }</p>
                }
                <HandshakeView session={latest.clone()} />
                <FrameInspector frames={tap.frames.clone()} />
                <SideBySide session={latest} datagrams={latest_datagrams} />
            </section>
        </div>
    }
}
