//! The message log: every message sent and received, and the connection's
//! events, newest at the bottom.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::Element;
use yew::prelude::*;

use super::use_strings;
use crate::hex::{escape_lines, format_hex};
use crate::i18n::Strings;
use crate::state::{Entry, EntryBody, Log, Message, SendError, SysEvent};

/// How close to the bottom (in CSS pixels) still counts as "at the bottom":
/// then new entries scroll into view; otherwise the visitor is reading
/// further up and the view stays put.
const STICK_TO_BOTTOM_PX: i32 = 48;

/// Entries in the DOM while the log follows the newest: more than a panel
/// shows. The rest of the window is rendered once the visitor scrolls up.
/// With thousands of messages a second a frame brings hundreds of entries;
/// rendering all [`crate::state::LOG_WINDOW`] of them anew each frame is
/// what made the page stutter (bench: `wsload page`).
pub const FOLLOW_TAIL: usize = 50;

/// Where the log last scrolled itself, and the visitor's distance from the
/// bottom when they stopped following (kept when the older entries appear).
#[derive(Default)]
struct Scroll {
    set_top: Option<i32>,
    bottom_gap: Option<i32>,
}

/// Properties of [`LogView`].
#[derive(Properties, PartialEq)]
pub struct LogViewProps {
    /// The log to show.
    pub log: Log,
    /// Called when the visitor presses Clear.
    pub onclear: Callback<()>,
}

/// `#log`: one `.entry` per message or event with `data-dir` = `out` | `in`
/// | `sys`; message entries hold `.text` (escaped) and `.hex`. Shows the kept
/// entries only, with `#log-hidden` counting the others; while it follows the
/// newest, only the last [`FOLLOW_TAIL`] of them, `#log-above` counting the
/// rest until the visitor scrolls up. `#log-count` counts all, `#clear-log`
/// empties the log.
#[component]
pub fn LogView(props: &LogViewProps) -> Html {
    let s = use_strings();
    let scroller = use_node_ref();
    let following = use_state_eq(|| true);
    let scroll = use_mut_ref(Scroll::default);
    {
        let (scroller, scroll) = (scroller.clone(), scroll.clone());
        use_effect_with((props.log.total(), *following), move |(_, following)| {
            let Some(el) = scroller.cast::<Element>() else {
                return;
            };
            let mut scroll = scroll.borrow_mut();
            if *following {
                el.set_scroll_top(el.scroll_height());
                scroll.set_top = Some(el.scroll_top());
            } else if let Some(gap) = scroll.bottom_gap.take() {
                // The older entries just appeared above: keep in view what
                // the visitor was looking at.
                el.set_scroll_top(el.scroll_height() - gap);
                scroll.set_top = Some(el.scroll_top());
            }
        });
    }
    let onscroll = {
        let (scroller, scroll, following) = (scroller.clone(), scroll.clone(), following.clone());
        Callback::from(move |_: Event| {
            let Some(el) = scroller.cast::<Element>() else {
                return;
            };
            let mut scroll = scroll.borrow_mut();
            // The scroll event of our own jump to the bottom can arrive after
            // more entries made the list taller: that is not the visitor
            // scrolling away.
            if scroll.set_top == Some(el.scroll_top()) {
                return;
            }
            scroll.set_top = None;
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            let stick = gap < STICK_TO_BOTTOM_PX;
            if !stick && *following {
                scroll.bottom_gap = Some(el.scroll_height() - el.scroll_top());
            }
            following.set(stick);
        })
    };
    let onclear = props.onclear.reform(|_| ());

    let hidden = props.log.hidden();
    let kept: Vec<Rc<Entry>> = props.log.entries().collect();
    let above = if *following {
        kept.len().saturating_sub(FOLLOW_TAIL)
    } else {
        0
    };
    let entries: Html = (above..kept.len())
        .map(|i| {
            let entry = &kept[i];
            let prev_at_ms = i.checked_sub(1).map(|p| kept[p].at_ms);
            html! { <LogEntry key={entry.id} entry={entry.clone()} {prev_at_ms} /> }
        })
        .collect();

    html! {
        <section class="panel log-panel" aria-labelledby="log-title">
            <div class="panel-head">
                <h2 id="log-title">{ s.log }</h2>
                <span id="log-count" class="count">{ (s.entry_count)(props.log.total()) }</span>
                <button type="button" id="clear-log" class="secondary small" onclick={onclear}>
                    { s.clear_log }
                </button>
            </div>
            <div id="log" class="log" ref={scroller} {onscroll} tabindex="0">
                if hidden > 0 {
                    <p id="log-hidden" class="log-hidden">{ (s.hidden_entries)(hidden) }</p>
                }
                if props.log.total() == 0 {
                    <p class="log-empty">{ s.log_empty }</p>
                }
                if above > 0 {
                    <p id="log-above" class="log-hidden">{ (s.entries_above)(above) }</p>
                }
                <ol class="entries">{ entries }</ol>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LogEntryProps {
    /// Compared by pointer first, so an unchanged entry is not re-rendered.
    entry: Rc<Entry>,
    prev_at_ms: Option<u64>,
}

#[component]
fn LogEntry(props: &LogEntryProps) -> Html {
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
                <li class="entry" data-dir={entry.dir()}
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
            <li class="entry" data-dir="sys">
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
