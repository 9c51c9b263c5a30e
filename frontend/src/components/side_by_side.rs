//! `#side-by-side`: one session's WebSocket side (message boundaries, one
//! frame each) next to its TCP side (a plain byte stream), in time order.

use std::rc::Rc;

use yew::prelude::*;

use super::use_strings;
use super::virtual_list::VirtualList;
use crate::hex::escape_text;
use crate::i18n::{Datagrams, Lesson};
use crate::state::wiretap::{
    hide_token_in_head, opcode_name, Moment, SessionWire, TcpDir, TimelineEntry, WsDir,
};

/// Height of a timeline row, CSS pixels (`.sbs-row` in style.css).
pub const SBS_ROW_PX: u32 = 30;
/// Height of the timeline, CSS pixels.
pub const SBS_LIST_PX: u32 = 300;
const PREVIEW_BYTES: usize = 40;

/// Properties of [`SideBySide`].
#[derive(Properties, PartialEq)]
pub struct SideBySideProps {
    /// The session to show (the newest).
    pub session: Option<Rc<SessionWire>>,
    /// True when that session's target is UDP: its service side is datagrams.
    #[prop_or_default]
    pub datagrams: bool,
}

fn preview(bytes: &[u8], len: u64) -> String {
    let cut = &bytes[..bytes.len().min(PREVIEW_BYTES)];
    let mut text = escape_text(cut);
    if (cut.len() as u64) < len {
        text.push('…');
    }
    text
}

fn row(entry: &TimelineEntry, start_us: u64, s: &Lesson, datagrams: Option<&Datagrams>) -> Html {
    let time = format!(
        "+{:.1} ms",
        entry.time_us.saturating_sub(start_us) as f64 / 1000.0
    );
    let (side, kind, text) = match &entry.moment {
        Moment::Head { dir, line } => (
            "ws",
            dir.name(),
            format!("HTTP {}", hide_token_in_head(line)),
        ),
        Moment::Frame {
            dir,
            opcode,
            fin,
            len,
            head,
        } => {
            let arrow = if *dir == WsDir::Up { "→" } else { "←" };
            let fin = if *fin { "" } else { " (FIN=0)" };
            (
                "ws",
                dir.name(),
                format!(
                    "{arrow} [{}{fin} · {len} B] {}",
                    opcode_name(*opcode),
                    preview(head, *len)
                ),
            )
        }
        Moment::Tcp { dir, len, head } => {
            let to = *dir == TcpDir::ToService;
            let what = match datagrams {
                Some(d) => (d.datagram_row)(*len, to),
                None => (s.tcp_chunk)(*len, to),
            };
            (
                "tcp",
                if to { "up" } else { "down" },
                format!("{what} {}", preview(head, *len as u64)),
            )
        }
        Moment::Event(event) => ("event", "event", (s.tap_event)(event)),
        Moment::Broken(why) => ("event", "event", why.clone()),
    };
    let (left, right) = match side {
        "ws" => (text, String::new()),
        "tcp" => (String::new(), text),
        _ => (text.clone(), text),
    };
    html! {
        <div role="listitem" class={classes!("sbs-row", side)} data-side={side} data-dir={kind}>
            <span class="sbs-time">{ time }</span>
            <span class="sbs-ws">{ left }</span>
            <span class="sbs-tcp">{ right }</span>
        </div>
    }
}

/// The side-by-side view.
#[component]
pub fn SideBySide(props: &SideBySideProps) -> Html {
    let strings = use_strings();
    let s = strings.lesson;
    let datagrams = props.datagrams.then_some(strings.datagrams);
    let body = match &props.session {
        Some(session) if !session.timeline.is_empty() => {
            let timeline = session.timeline.clone();
            let start = timeline.get(0).map_or(0, |e| e.time_us);
            let render = Callback::from(move |i: usize| match timeline.get(i) {
                Some(entry) => row(&entry, start, s, datagrams),
                None => Html::default(),
            });
            html! {
                <>
                    <div class="sbs-head" aria-hidden="true">
                        <span class="sbs-time"></span>
                        <span class="sbs-ws">{ s.sbs_ws }</span>
                        <span class="sbs-tcp">{ datagrams.map_or(s.sbs_tcp, |d| d.sbs_udp) }</span>
                    </div>
                    <VirtualList len={session.timeline.len()} row_px={SBS_ROW_PX} height_px={SBS_LIST_PX}
                        row={render} class="sbs-list" label={s.sbs_title} />
                </>
            }
        }
        _ => html! { <p class="empty">{ s.sbs_empty }</p> },
    };
    html! {
        <section id="side-by-side" class="panel wire-panel" aria-labelledby="sbs-title">
            <div class="panel-head">
                <h3 id="sbs-title">{ s.sbs_title }</h3>
                if let Some(session) = &props.session {
                    <span class="count">{ (s.session_label)(session.session, session.target.as_deref()) }</span>
                }
            </div>
            <p class="intro">{ s.sbs_intro }</p>
            { body }
        </section>
    }
}
