//! One entry of the message log: when, which way, and the message (as
//! escaped text and as hex, with its Copy hex and Resend buttons) or the
//! connection event in words; the search's matches marked.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::use_strings;
use crate::hex::{escape_lines, format_hex};
use crate::i18n::Strings;
use crate::log_search::Matcher;
use crate::state::{Entry, EntryBody, Message};

/// What a message's buttons ask for (`data-action` on the button; the log
/// hears the click and finds the entry by its `data-id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryAction {
    /// Copy the message's bytes as hex.
    CopyHex,
    /// Send the message again, or put it in the composer.
    Resend,
}

impl EntryAction {
    /// The button's `data-action`.
    pub fn value(self) -> &'static str {
        match self {
            Self::CopyHex => "copy-hex",
            Self::Resend => "resend",
        }
    }

    /// The action a `data-action` names.
    pub fn from_value(value: &str) -> Option<Self> {
        [Self::CopyHex, Self::Resend]
            .into_iter()
            .find(|a| a.value() == value)
    }
}

/// Properties of [`LogEntry`].
#[derive(Properties, PartialEq)]
pub struct LogEntryProps {
    /// Compared by pointer first, so an unchanged entry is not re-rendered.
    pub entry: Rc<Entry>,
    /// When the entry before it happened, for the delta.
    pub prev_at_ms: Option<u64>,
    /// The search, whose matches are marked.
    #[prop_or_default]
    pub marks: Option<Matcher>,
    /// This entry is the match the visitor moved to.
    #[prop_or_default]
    pub current: bool,
}

/// One `li.entry`: time, delta, direction, and the message or event. A
/// binary message's `.frame` is a filled badge (`.frame.binary`); matches are
/// `<mark>`s; the current match has `aria-current` and `.current`.
#[component]
pub fn LogEntry(props: &LogEntryProps) -> Html {
    let s = use_strings();
    let entry = &props.entry;
    let marks = props.marks.as_ref();
    let class = classes!("entry", props.current.then_some("current"));
    let current = props.current.then_some("true");
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
                <li {class} data-dir={entry.dir()} data-id={entry.id.to_string()}
                    data-frame={if message.text { "text" } else { "binary" }}
                    aria-current={current}>
                    <div class="entry-head">
                        { head }
                        <span class={classes!("frame", (!message.text).then_some("binary"))}>
                            { if message.text { s.frame_text } else { s.frame_binary } }
                        </span>
                        <span class="bytes">{ (s.byte_count)(message.len) }</span>
                        { actions(message, s) }
                    </div>
                    { message_body(message, marks, s) }
                </li>
            }
        }
        EntryBody::Sys(event) => html! {
            <li {class} data-dir="sys" data-id={entry.id.to_string()} aria-current={current}>
                <div class="entry-head">{ head }</div>
                <div class="text">{ marked(&s.sys_text(event), marks) }</div>
            </li>
        },
    }
}

/// A message's Copy hex and Resend buttons (Resend is off for a message
/// only partly kept).
fn actions(message: &Message, s: &Strings) -> Html {
    let t = s.tools;
    let (resend_title, resend_off) = if message.truncated() {
        (t.resend_truncated, true)
    } else {
        (t.resend_hint, false)
    };
    html! {
        <span class="entry-actions">
            <button type="button" class="link-button" data-action={EntryAction::CopyHex.value()}>
                { t.copy_hex }
            </button>
            <button type="button" class="link-button" data-action={EntryAction::Resend.value()}
                title={resend_title} disabled={resend_off}>
                { t.resend }
            </button>
        </span>
    }
}

/// `line` with each match of `marks` in a `<mark>`.
fn marked(line: &str, marks: Option<&Matcher>) -> Html {
    let ranges = marks.map(|m| m.ranges(line)).unwrap_or_default();
    if ranges.is_empty() {
        return html! { { line.to_owned() } };
    }
    let mut parts = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for range in ranges {
        if range.start > at {
            parts.push(html! { { line[at..range.start].to_owned() } });
        }
        parts.push(html! { <mark>{ line[range.clone()].to_owned() }</mark> });
        at = range.end;
    }
    if at < line.len() {
        parts.push(html! { { line[at..].to_owned() } });
    }
    parts.into_iter().collect()
}

fn message_body(message: &Message, marks: Option<&Matcher>, s: &Strings) -> Html {
    let lines = escape_lines(&message.head)
        .into_iter()
        .map(|line| html! { <span class="line">{ marked(&line, marks) }</span> });
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
