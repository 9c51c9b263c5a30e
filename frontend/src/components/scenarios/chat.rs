//! `#sc-chat`: a chat room shared with other tabs and with `nc`.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::link::{use_line_link, LinkEvent};
use super::link_bar::LinkBar;
use crate::components::use_strings;
use crate::components::virtual_list::VirtualList;
use crate::hex::{escape_text, format_hex};
use crate::scenarios::chat::{Chat, ChatAction};
use crate::scenarios::targets;

/// Height of a message row, CSS pixels (`.chat-line` agrees).
const ROW_PX: u32 = 24;
/// Height of the message list, CSS pixels.
const LIST_PX: u32 = 264;

/// The chat panel.
#[component]
pub fn ChatPanel() -> Html {
    let s = use_strings().scenarios;
    let chat = use_reducer(Chat::default);
    let on_event = {
        let chat = chat.dispatcher();
        Callback::from(move |event: LinkEvent| match event {
            LinkEvent::Started => chat.dispatch(ChatAction::Reset),
            LinkEvent::Line(line) => chat.dispatch(ChatAction::Received(line)),
            LinkEvent::Message { .. } => {}
        })
    };
    let link = use_line_link(targets::CHAT, on_event);
    let input = use_node_ref();
    let nick = use_node_ref();
    let open = link.status == super::link::LinkStatus::Open;

    let send = {
        let (link, chat) = (link.clone(), chat.dispatcher());
        move |line: String| {
            if !line.trim().is_empty() && link.send_line(&line) {
                chat.dispatch(ChatAction::Sent(line));
            }
        }
    };
    let onsend = {
        let (input, send) = (input.clone(), send.clone());
        move || {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                send(el.value());
                el.set_value("");
            }
        }
    };
    let onclick_send = {
        let onsend = onsend.clone();
        Callback::from(move |_: MouseEvent| onsend())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            onsend();
        }
    });
    let onnick = {
        let nick = nick.clone();
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = nick.cast::<HtmlInputElement>() {
                let name = el.value();
                if !name.trim().is_empty() {
                    send(format!("/nick {}", name.trim()));
                }
            }
        })
    };

    let log = chat.log.clone();
    let row = Callback::from(move |i: usize| match log.get(i) {
        Some(entry) => html! {
            <div class="chat-line" data-kind={entry.kind.as_str()}>
                if let Some(from) = &entry.from {
                    <b class="from">{ from }</b>{ " " }
                }
                { entry.text.clone() }
            </div>
        },
        None => Html::default(),
    });
    let bytes = |label: &'static str, class: &'static str, line: &Option<String>| match line {
        Some(line) => html! {
            <div class={classes!("wire-line", class)}>
                <span class="label">{ label }</span>
                <code class="as-text">{ escape_text(line.as_bytes()) }</code>
                <code class="as-hex">{ format_hex(line.as_bytes()) }</code>
            </div>
        },
        None => html! {
            <div class={classes!("wire-line", class)}>
                <span class="label">{ label }</span><span class="muted">{ s.none_yet }</span>
            </div>
        },
    };
    html! {
        <section id="sc-chat" class="panel scenario" aria-labelledby="sc-chat-title">
            <h3 id="sc-chat-title">{ s.chat_title }</h3>
            <p class="claim">{ s.chat_claim }</p>
            <LinkBar status={link.status.clone()} traffic={link.traffic.clone()}
                onstart={link.onstart.clone()} onstop={link.onstop.clone()} />
            <form class="chat-nick" onsubmit={onnick}>
                <label for="chat-nick">{ s.chat_nick }</label>
                <input id="chat-nick" ref={nick} maxlength="24" autocomplete="off" disabled={!open} />
                <button type="submit" id="chat-nick-set" class="secondary small" disabled={!open}>
                    { s.chat_nick_set }
                </button>
                if let Some(me) = &chat.me {
                    <span class="chat-me">{ (s.chat_you_are)(me) }</span>
                }
            </form>
            <div id="chat-log">
                <VirtualList len={chat.log.len()} row_px={ROW_PX} height_px={LIST_PX}
                    {row} class={classes!("chat-log")} label={s.chat_log} />
            </div>
            <div class="chat-compose">
                <input id="chat-input" ref={input} placeholder={s.chat_placeholder}
                    autocomplete="off" disabled={!open} {onkeydown} />
                <button type="button" id="chat-send" class="primary" disabled={!open}
                    onclick={onclick_send}>{ s.chat_send }</button>
            </div>
            <div class="chat-bytes">
                <h4>{ s.chat_bytes_title }</h4>
                { bytes(s.chat_last_sent, "sent", &chat.last_sent) }
                { bytes(s.chat_last_received, "received", &chat.last_received) }
                <p class="note">{ s.chat_nc_note }</p>
            </div>
        </section>
    }
}
