//! `#datagrams`: shown for a UDP target. It says what a datagram is to a
//! page (nothing: there is no API), builds a DNS query from a name the
//! visitor types, sends it as one binary message (one datagram), and decodes
//! the newest datagram that came back.

use protocol::dns;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_strings;
use crate::i18n::Datagrams;
use crate::state::{EntryBody, Log, Payload};

/// The name asked for until the visitor types another (the test resolver's
/// zone answers it; a real resolver says it does not exist).
const DEFAULT_NAME: &str = "a.zone.test";

/// Properties of [`DatagramPanel`].
#[derive(Properties, PartialEq)]
pub struct DatagramPanelProps {
    /// True while the session is open.
    pub connected: bool,
    /// The message log, where the datagrams that came back are.
    pub log: Log,
    /// Sends a message through the session.
    pub onsend: Callback<Payload>,
}

/// What the newest datagram from the service says, as lines to show.
fn decode(log: &Log, d: &Datagrams) -> Vec<String> {
    let newest = log.entries().rev().find_map(|entry| match &entry.body {
        EntryBody::In(message) if !message.text => Some(message.head.clone()),
        _ => None,
    });
    let Some(bytes) = newest else {
        return vec![d.reply_none.to_owned()];
    };
    let Ok(message) = dns::Message::parse(&bytes) else {
        return vec![d.reply_not_dns.to_owned()];
    };
    if !message.is_reply {
        return vec![(d.echoed)(&message.questions.join(", "))];
    }
    let mut lines = vec![(d.reply)(message.id, message.rcode, message.answers.len())];
    lines.extend(message.answers.iter().map(|record| {
        let kind = match record.record_type {
            dns::TYPE_A => "A".to_owned(),
            dns::TYPE_AAAA => "AAAA".to_owned(),
            dns::TYPE_CNAME => "CNAME".to_owned(),
            other => format!("TYPE{other}"),
        };
        format!(
            "{} {kind} {} (ttl {})",
            record.name, record.data, record.ttl
        )
    }));
    lines
}

/// The UDP panel.
#[component]
pub fn DatagramPanel(props: &DatagramPanelProps) -> Html {
    let d = use_strings().datagrams;
    let name = use_state(|| DEFAULT_NAME.to_owned());
    let next_id = use_mut_ref(|| 1u16);
    let problem = use_state(|| None::<String>);
    let oninput = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let (name, problem, onsend) = (name.clone(), problem.clone(), props.onsend.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let id = {
                let mut next = next_id.borrow_mut();
                let id = *next;
                *next = next.wrapping_add(1).max(1);
                id
            };
            match dns::query(id, &name, dns::TYPE_A) {
                Ok(query) => {
                    problem.set(None);
                    onsend.emit(Payload::Binary(query));
                }
                Err(_) => problem.set(Some((d.bad_name)(&name))),
            }
        })
    };
    let lines = decode(&props.log, d);
    html! {
        <section id="datagrams" class="datagrams" aria-labelledby="datagrams-title">
            <h3 id="datagrams-title">{ d.title }</h3>
            <p class="intro">{ d.lesson }</p>
            <form class="dns-query" {onsubmit}>
                <label for="dns-name">{ d.dns_label }</label>
                <input id="dns-name" type="text" spellcheck="false" autocomplete="off"
                    value={(*name).clone()} {oninput} />
                <button type="submit" id="dns-send" class="secondary" disabled={!props.connected}>
                    { d.dns_send }
                </button>
            </form>
            if let Some(problem) = &*problem {
                <p id="dns-problem" class="error" role="alert">{ problem }</p>
            }
            <ul id="dns-reply" class="dns-reply" aria-live="polite">
                { for lines.into_iter().map(|line| html! { <li>{ line }</li> }) }
            </ul>
        </section>
    }
}
