//! One entry of the message log: when, which way, and the message (as
//! escaped text and as hex) or the connection event in words.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::use_strings;
use crate::hex::{escape_lines, format_hex};
use crate::i18n::Strings;
use crate::state::{Entry, EntryBody, Message, SendError, SysEvent};

/// Properties of [`LogEntry`].
#[derive(Properties, PartialEq)]
pub struct LogEntryProps {
    /// Compared by pointer first, so an unchanged entry is not re-rendered.
    pub entry: Rc<Entry>,
    /// When the entry before it happened, for the delta.
    pub prev_at_ms: Option<u64>,
}

/// One `li.entry`: time, delta, direction, and the message or event.
#[component]
pub fn LogEntry(props: &LogEntryProps) -> Html {
    let s = use_strings();
    let entry = &props.entry;
    let (arrow, label) = match entry.body {
        EntryBody::Out(_) => ("→", s.dir_out),
        EntryBody::In(_) => ("←", s.dir_in),
        EntryBody::Sys(_) => ("•", s.dir_sys),
    };
    let delta = props
        .prev_at_ms
        .map(|prev| format_delta(entry.at_ms.saturating_sub(prev)));
    let head = html! {
        <>
            <span class="time">{ clock(entry.at_ms) }</span>
            if let Some(delta) = delta {
                <span class="delta">{ delta }</span>
            }
            <span class="arrow" title={label} aria-label={label}>{ arrow }</span>
        </>
    };
    match &entry.body {
        EntryBody::Out(message) | EntryBody::In(message) => {
            html! {
                <li class="entry" data-dir={entry.dir()} data-id={entry.id.to_string()}
                    data-frame={if message.text { "text" } else { "binary" }}>
                    <div class="entry-head">
                        { head }
                        <span class="frame">{ if message.text { s.frame_text } else { s.frame_binary } }</span>
                        <span class="bytes">{ (s.byte_count)(message.len) }</span>
                    </div>
                    { message_body(message, s) }
                </li>
            }
        }
        EntryBody::Sys(event) => html! {
            <li class="entry" data-dir="sys" data-id={entry.id.to_string()}>
                <div class="entry-head">{ head }</div>
                <div class="text">{ sys_text(event, s) }</div>
            </li>
        },
    }
}

fn message_body(message: &Message, s: &Strings) -> Html {
    let lines = escape_lines(&message.head)
        .into_iter()
        .map(|line| html! { <span class="line">{ line }</span> });
    let more = message
        .truncated()
        .then(|| (s.more_bytes)(message.len - message.head.len()));
    html! {
        <>
            <div class="text">{ for lines }</div>
            <div class="hex">{ format_hex(&message.head) }</div>
            if let Some(more) = more {
                <div class="more">{ more }</div>
            }
        </>
    }
}

fn sys_text(event: &SysEvent, s: &Strings) -> String {
    match event {
        SysEvent::Connecting { url } => (s.sys_connecting)(url),
        SysEvent::Opened => s.sys_opened.to_owned(),
        SysEvent::Closing => s.sys_closing.to_owned(),
        SysEvent::Closed(info) => s.close_text(info),
        SysEvent::Error => s.sys_error.to_owned(),
        SysEvent::OpenFailed { reason } => (s.sys_open_failed)(reason),
        SysEvent::SendFailed(SendError::NotOpen) => s.send_not_open.to_owned(),
        SysEvent::SendFailed(SendError::Browser(reason)) => (s.sys_send_failed)(reason),
    }
}

/// Local wall-clock time with milliseconds: `14:03:07.251`.
fn clock(at_ms: u64) -> String {
    // Milliseconds since the epoch fit an f64 exactly until the year 287396.
    let date = js_sys::Date::new(&JsValue::from_f64(at_ms as f64));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds()
    )
}

/// Time since the previous entry in SI units, the same in every language:
/// `+0 ms`, `+250 ms`, `+1.5 s`, `+125 s`.
fn format_delta(ms: u64) -> String {
    match ms {
        0..=999 => format!("+{ms} ms"),
        1_000..=59_999 => format!("+{:.1} s", ms as f64 / 1000.0),
        _ => format!("+{} s", ms / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::format_delta;

    #[test]
    fn deltas_pick_a_readable_unit() {
        assert_eq!(format_delta(0), "+0 ms");
        assert_eq!(format_delta(999), "+999 ms");
        assert_eq!(format_delta(1_500), "+1.5 s");
        assert_eq!(format_delta(125_400), "+125 s");
    }
}
