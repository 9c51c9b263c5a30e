//! `#handshake`: the upgrade request and the 101 response as the relay saw
//! them, and `Sec-WebSocket-Accept` recomputed in the page.

use std::rc::Rc;

use protocol::handshake::{header_value, WEBSOCKET_GUID};
use yew::prelude::*;

use super::use_strings;
use crate::hex::escape_lines;
use crate::i18n::Lesson;
use crate::state::experiments::notable_line;
use crate::state::wiretap::{hide_token_in_head, SessionWire};

/// Properties of [`HandshakeView`].
#[derive(Properties, PartialEq)]
pub struct HandshakeProps {
    /// The session to show (the newest).
    pub session: Option<Rc<SessionWire>>,
}

/// A head as text, its token hidden ([`hide_token_in_head`]).
fn head_view(head: &str, id: &'static str) -> Html {
    let lines = escape_lines(hide_token_in_head(head).as_bytes())
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let mark = notable_line(i, &line);
            html! { <span class={classes!("line", mark.then_some("notable"))}>{ line }</span> }
        });
    html! { <pre {id} class="head">{ for lines }</pre> }
}

/// `#hs-extensions`: what the browser offered in `Sec-WebSocket-Extensions`
/// and what the relay answered (`data-deflate`: `accepted` or `declined`).
fn extensions(session: &SessionWire, l: &Lesson) -> Html {
    let offer = session
        .request
        .as_deref()
        .and_then(|head| header_value(head, "Sec-WebSocket-Extensions"));
    let (Some(offer), Some(response)) = (offer, session.response.as_deref()) else {
        return Html::default();
    };
    let answer = header_value(response, "Sec-WebSocket-Extensions");
    let outcome = if answer.is_some() {
        "accepted"
    } else {
        "declined"
    };
    html! {
        <div id="hs-extensions" class="extensions" data-deflate={outcome}>
            <p>{ l.hs_deflate_offered }{ " " }<code>{ offer }</code></p>
            <p>
                if let Some(answer) = answer {
                    { l.hs_deflate_accepted }{ " " }<code>{ answer }</code>
                } else {
                    { l.hs_deflate_declined }
                }
            </p>
        </div>
    }
}

/// The handshake viewer.
#[component]
pub fn HandshakeView(props: &HandshakeProps) -> Html {
    let s = use_strings();
    let l = s.lesson;
    let Some(session) = &props.session else {
        return html! {
            <section id="handshake" class="panel wire-panel" aria-labelledby="handshake-title">
                <h3 id="handshake-title">{ l.hs_title }</h3>
                <p class="intro">{ l.hs_intro }</p>
                <p class="empty">{ l.hs_empty }</p>
            </section>
        };
    };
    let check = session.accept_check();
    let accept = check.map(|check| {
        let matches = check.matches();
        html! {
            <div class="accept">
                <p class="formula"><code>{ format!("base64(SHA-1(\"{}\" + \"{WEBSOCKET_GUID}\"))", check.key) }</code></p>
                <dl>
                    <dt>{ l.hs_computed }</dt>
                    <dd><code id="accept-computed">{ check.computed.clone() }</code></dd>
                    <dt>{ l.hs_received }</dt>
                    <dd><code id="accept-received">{ check.received.clone().unwrap_or_default() }</code></dd>
                </dl>
                <p id="accept-match" data-match={matches.to_string()}
                    class={classes!("match", if matches { "yes" } else { "no" })}>
                    { if matches { format!("✓ {}", l.hs_match) }
                      else if check.received.is_none() { l.hs_waiting.to_owned() }
                      else { format!("✗ {}", l.hs_mismatch) } }
                </p>
            </div>
        }
    });
    html! {
        <section id="handshake" class="panel wire-panel" aria-labelledby="handshake-title">
            <div class="panel-head">
                <h3 id="handshake-title">{ l.hs_title }</h3>
                <span class="count">{ (l.session_label)(session.session, session.target.as_deref()) }</span>
            </div>
            <p class="intro">{ l.hs_intro }</p>
            <div class="heads">
                <div>
                    <h4>{ l.hs_request }</h4>
                    { session.request.as_deref().map(|h| head_view(h, "hs-request")).unwrap_or_default() }
                </div>
                <div>
                    <h4>{ l.hs_response }</h4>
                    { match session.response.as_deref() {
                        Some(h) => head_view(h, "hs-response"),
                        None => html! { <p class="empty">{ l.hs_waiting }</p> },
                    } }
                </div>
            </div>
            { accept.unwrap_or_default() }
            { extensions(session, l) }
        </section>
    }
}
