//! The experiments that fail on purpose, one component each, and the frame
//! they share: title, claim, Run button, and a result area whose
//! `data-outcome` says how it came out.

pub mod bad_port;
pub mod consent;
pub mod doors;
pub mod fetch_raw;
pub mod lossy_race;
pub mod masking;
pub mod no_socket_api;
pub mod probe;
pub mod through_relay;
pub mod two_doors;
pub mod ws_raw;

pub use bad_port::BadPort;
pub use consent::Consent;
pub use doors::Doors;
pub use fetch_raw::FetchRaw;
pub use lossy_race::LossyRace;
pub use masking::Masking;
pub use no_socket_api::NoSocketApi;
pub use through_relay::ThroughRelay;
pub use two_doors::TwoDoors;
pub use ws_raw::WsRaw;

use yew::prelude::*;

use super::use_strings;
use crate::i18n::{Lesson, Transport};
use crate::state::experiments::{Captured, Lab, Outcome};

/// `#experiments`: the ten experiments, each reading the lab from
/// [`crate::hooks::LabProvider`].
#[component]
pub fn Experiments() -> Html {
    let l = use_strings().lesson;
    html! {
        <section id="experiments" class="experiments" aria-labelledby="experiments-title">
            <h2 id="experiments-title">{ l.exp_title }</h2>
            <p class="intro">{ l.exp_intro }</p>
            <div class="exp-grid">
                <NoSocketApi />
                <FetchRaw />
                <WsRaw />
                <BadPort />
                <ThroughRelay />
                <Consent />
                <Masking />
                <Doors />
                <TwoDoors />
                <LossyRace />
            </div>
        </section>
    }
}

/// Properties of [`Experiment`].
#[derive(Properties, PartialEq)]
pub struct ExperimentProps {
    /// `section` id, e.g. `exp-fetch`.
    pub id: AttrValue,
    /// Heading.
    pub title: AttrValue,
    /// What the experiment claims.
    pub claim: AttrValue,
    /// The code it runs, shown as is.
    pub code: AttrValue,
    /// How the last run came out.
    pub outcome: Outcome,
    /// A run is under way.
    pub running: bool,
    /// Why it cannot run here, if it cannot.
    #[prop_or_default]
    pub unavailable: Option<AttrValue>,
    /// Run pressed.
    pub onrun: Callback<()>,
    /// What the visitor may set before a run (shown above the result).
    #[prop_or_default]
    pub controls: Html,
    /// The result.
    #[prop_or_default]
    pub children: Html,
}

/// One experiment's frame.
#[component]
pub fn Experiment(props: &ExperimentProps) -> Html {
    let s = use_strings().lesson;
    let outcome = props.outcome;
    let label = s.outcome.of(outcome);
    let onclick = props.onrun.reform(|_: MouseEvent| ());
    let disabled = props.running || props.unavailable.is_some();
    html! {
        <section id={props.id.clone()} class="experiment" aria-labelledby={format!("{}-title", props.id)}>
            <div class="exp-head">
                <h3 id={format!("{}-title", props.id)}>{ props.title.clone() }</h3>
                <button type="button" class="run primary" {disabled} {onclick}>
                    { if props.running { s.running } else { s.run } }
                </button>
            </div>
            <p class="claim">{ props.claim.clone() }</p>
            <pre class="code"><code>{ props.code.clone() }</code></pre>
            { props.controls.clone() }
            if let Some(why) = &props.unavailable {
                <p class="unavailable">{ why.clone() }</p>
            }
            <div class="result" data-outcome={outcome.name()} aria-live="polite" aria-busy={props.running.to_string()}>
                <span class="outcome-badge">{ label }</span>
                if outcome != Outcome::Pending {
                    { props.children.clone() }
                }
            </div>
        </section>
    }
}

/// Properties of [`CaptureView`].
#[derive(Properties, PartialEq)]
pub struct CaptureViewProps {
    /// What the recorder said.
    pub captured: Captured,
    /// The port that was aimed at.
    pub port: u16,
}

/// What the recorder received: `.capture-count` and `.captured` (text),
/// then hex.
#[component]
pub fn CaptureView(props: &CaptureViewProps) -> Html {
    let s = use_strings().lesson;
    let count = props.captured.captures().len();
    let bytes = props.captured.bytes();
    let summary = match &props.captured {
        Captured::Unavailable(err) => (s.recorder_unavailable)(err),
        _ if count == 0 => s.recorder_nothing.to_owned(),
        _ => (s.recorder_got)(props.port, count, bytes.len()),
    };
    html! {
        <div class="capture">
            <p class="capture-summary">
                <span class="capture-count" data-count={count.to_string()} hidden=true>{ count }</span>
                { summary }
            </p>
            if let Some(hello) = protocol::tls_hello::ClientHello::parse(&bytes) {
                <p class="tls-hello">{ (s.tls_hello)(hello.server_name.as_deref(), &hello.alpn, hello.offers_tls13) }</p>
            }
            if count > 0 {
                <crate::components::byte_dump::ByteDump {bytes} text_class="captured" highlight=true />
                <p class="note">{ s.highlight_note }</p>
            }
        </div>
    }
}

/// Why an experiment that needs `port` cannot run here: the relay runs
/// without the lab. Nothing while the lab is still being asked for.
pub fn lab_missing(lab: &Lab, port: Option<u16>, s: &Lesson) -> Option<AttrValue> {
    (port.is_none() && *lab != Lab::Loading).then_some(AttrValue::Static(s.lab_missing))
}

/// Why an experiment that aims the browser straight at the recorder cannot
/// run here: no lab, or a loopback-only recorder and a page from another host.
pub fn direct_missing(lab: &Lab, port: Option<u16>, s: &Lesson) -> Option<AttrValue> {
    lab_missing(lab, port, s).or_else(|| {
        lab.recorder_out_of_reach(&page_hostname())
            .then_some(AttrValue::Static(s.lab_unreachable))
    })
}

/// Why an experiment through the WebTransport door cannot run here: no
/// `WebTransport` in this browser, or no door on this relay. Nothing while
/// the lab is still being asked for.
pub fn door_missing(lab: &Lab, s: &Transport) -> Option<AttrValue> {
    if !crate::webtransport::available() {
        return Some(AttrValue::Static(s.no_api));
    }
    match lab {
        Lab::Ready(info) if info.webtransport.is_some() => None,
        Lab::Loading => None,
        _ => Some(AttrValue::Static(s.no_door)),
    }
}

/// The page's host name (`[::1]` for IPv6), the host the relay that served
/// it, and so its recorders, are on.
fn page_hostname() -> String {
    gloo::utils::window()
        .location()
        .hostname()
        .unwrap_or_default()
}

/// Where the page's direct experiments aim: the recorder's port on the
/// page's own host, with `https`/`wss` instead of `http`/`ws` on an https
/// page (which may not fetch plain `http:`: mixed content).
pub fn recorder_url(scheme: &str, port: u16, marker: &str) -> String {
    let secure = gloo::utils::window().location().protocol().as_deref() == Ok("https:");
    let scheme = match (scheme, secure) {
        ("http", true) => "https",
        ("ws", true) => "wss",
        (scheme, _) => scheme,
    };
    format!("{scheme}://{}:{port}/{marker}", page_hostname())
}
