//! `#frames`: every frame of the page's tapped sessions as it was on the
//! wire, one fixed-height row each (virtualised), and every byte of the
//! frame the visitor picks.

use std::rc::Rc;

use yew::prelude::*;

use super::use_strings;
use super::virtual_list::VirtualList;
use crate::hex::{escape_text, format_hex};
use crate::i18n::Lesson;
use crate::state::append_log::AppendLog;
use crate::state::wiretap::{length_bits, opcode_name, FrameRow, WsDir};

/// Height of a frame row, CSS pixels (`#frames .frame` in style.css).
pub const FRAME_ROW_PX: u32 = 30;
/// Height of the list, CSS pixels.
pub const FRAME_LIST_PX: u32 = 300;
/// Bytes of payload shown in a row.
const ROW_PAYLOAD_BYTES: usize = 48;

/// Properties of [`FrameInspector`].
#[derive(Properties, PartialEq)]
pub struct FrameInspectorProps {
    /// The frames.
    pub frames: AppendLog<FrameRow>,
}

fn mask_text(row: &FrameRow) -> String {
    match row.frame.header.mask {
        Some(key) => format!("1 · {}", format_hex(&key)),
        None => "0".to_owned(),
    }
}

fn payload_summary(row: &FrameRow, s: &Lesson) -> String {
    if let Some((code, reason)) = row.close() {
        return (s.fr_close)(code, &reason);
    }
    let payload = &row.frame.payload;
    let cut = &payload[..payload.len().min(ROW_PAYLOAD_BYTES)];
    let mut text = escape_text(cut);
    if cut.len() < payload.len() {
        text.push('…');
    }
    text
}

fn frame_row(row: &FrameRow, s: &Lesson, selected: bool, onpick: Callback<usize>) -> Html {
    let header = &row.frame.header;
    let index = usize::try_from(row.number - 1).unwrap_or(0);
    let (arrow, dir_label) = match row.dir {
        WsDir::Up => ("→", s.fr_up),
        WsDir::Down => ("←", s.fr_down),
    };
    html! {
        <div role="listitem"
            class={classes!("frame", selected.then_some("selected"))}
            data-dir={row.dir.name()}
            data-opcode={opcode_name(header.opcode)}
            data-masked={header.mask.is_some().to_string()}
            data-fin={header.fin.to_string()}
            onclick={Callback::from(move |_| onpick.emit(index))}>
            <span class="c-num">{ row.number }</span>
            <span class="c-session">{ row.session }</span>
            <span class="c-dir" title={dir_label}>{ arrow }</span>
            <span class="c-fin">{ if header.fin { "1" } else { "0" } }</span>
            <span class="c-opcode">{ format!("{:#x} {}", header.opcode.bits(), opcode_name(header.opcode)) }</span>
            <span class="c-mask">{ mask_text(row) }</span>
            <span class="c-len">{ (s.fr_len)(header.payload_len, length_bits(header.length_encoding)) }</span>
            <span class="c-header hex">{ format_hex(&row.frame.header_bytes) }</span>
            <span class="c-payload">{ payload_summary(row, s) }</span>
        </div>
    }
}

fn detail(row: &FrameRow, s: &Lesson) -> Html {
    let header = &row.frame.header;
    let masked = header.mask.is_some();
    html! {
        <div id="frame-detail" class="frame-detail" data-masked={masked.to_string()}>
            <h4>{ (s.fr_detail)(row.number) }{ " · " }{ if row.dir == WsDir::Up { s.fr_up } else { s.fr_down } }</h4>
            <dl>
                <dt>{ "FIN · RSV · opcode" }</dt>
                <dd><code>{ format!("{} · {:03b} · {:#x} ({})", u8::from(header.fin), header.rsv, header.opcode.bits(), opcode_name(header.opcode)) }</code></dd>
                <dt>{ s.fr_mask_key }</dt>
                <dd><code class="mask-key">{ header.mask.map(|k| format_hex(&k)).unwrap_or_else(|| s.fr_no_mask.to_owned()) }</code></dd>
                <dt>{ s.fr_cols[6] }</dt>
                <dd><code>{ (s.fr_len)(header.payload_len, length_bits(header.length_encoding)) }</code></dd>
                <dt>{ s.fr_header }</dt>
                <dd><code class="header-hex">{ format_hex(&row.frame.header_bytes) }</code></dd>
                if masked {
                    <dt>{ s.fr_wire_payload }</dt>
                    <dd><code class="wire-payload-hex">{ format_hex(&row.frame.wire_payload) }</code></dd>
                }
                <dt>{ s.fr_payload }</dt>
                <dd><code class="payload-hex">{ format_hex(&row.frame.payload) }</code></dd>
                <dt>{ s.as_text }</dt>
                <dd><code class="payload-text">{ escape_text(&row.frame.payload) }</code></dd>
                if let Some((code, reason)) = row.close() {
                    <dt>{ "close" }</dt>
                    <dd><code class="close-code">{ (s.fr_close)(code, &reason) }</code></dd>
                }
            </dl>
        </div>
    }
}

/// The frame inspector.
#[component]
pub fn FrameInspector(props: &FrameInspectorProps) -> Html {
    let s = use_strings().lesson;
    let picked = use_state(|| None::<usize>);
    let onpick = {
        let picked = picked.clone();
        Callback::from(move |index: usize| picked.set(Some(index)))
    };
    let frames = props.frames.clone();
    let selected = *picked;
    let row = {
        let frames = frames.clone();
        Callback::from(move |index: usize| match frames.get(index) {
            Some(row) => frame_row(&row, s, selected == Some(index), onpick.clone()),
            None => Html::default(),
        })
    };
    let shown: Option<Rc<FrameRow>> = selected.and_then(|i| frames.get(i));
    let heads = s.fr_cols.iter().zip([
        "c-num",
        "c-session",
        "c-dir",
        "c-fin",
        "c-opcode",
        "c-mask",
        "c-len",
        "c-header",
        "c-payload",
    ]);
    html! {
        <section id="frames" class="panel wire-panel" aria-labelledby="frames-title">
            <div class="panel-head">
                <h3 id="frames-title">{ s.fr_title }</h3>
                <span id="frame-count" class="count" data-count={frames.len().to_string()}>{ (s.fr_count)(frames.len()) }</span>
            </div>
            <p class="intro">{ s.fr_intro }</p>
            if frames.is_empty() {
                <p class="empty">{ s.fr_empty }</p>
            } else {
                <div class="frame-table">
                    <div class="frame-head" aria-hidden="true">
                        { for heads.map(|(text, class)| html! { <span class={class}>{ *text }</span> }) }
                    </div>
                    <VirtualList len={frames.len()} row_px={FRAME_ROW_PX} height_px={FRAME_LIST_PX}
                        {row} class="frame-list" label={s.fr_title} />
                </div>
                { match shown {
                    Some(row) => detail(&row, s),
                    None => html! { <p class="hint">{ s.fr_pick }</p> },
                } }
            }
        </section>
    }
}
