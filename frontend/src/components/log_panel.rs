//! The log with its tools: the filter and search over the kept entries, the
//! match moved to, the exports, and each message's Copy hex and Resend.

use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use super::log_entry::EntryAction;
use super::log_tools::LogTools;
use super::{use_strings, LogView};
use crate::hex::format_hex;
use crate::log_export::ExportFormat;
use crate::log_search::{filter, Filtered, Matcher};
use crate::share::{copy_text, download};
use crate::state::composer::{ComposerLoad, Eol, Mode};
use crate::state::log_query::{next_match, position, prev_match, LogQuery};
use crate::state::{EntryBody, Log, Payload};

/// Properties of [`LogPanel`].
#[derive(Properties, PartialEq)]
pub struct LogPanelProps {
    /// The log.
    pub log: Log,
    /// Called when the visitor presses Clear.
    pub onclear: Callback<()>,
    /// True while a session is open: Resend sends; otherwise it fills the
    /// composer.
    pub connected: bool,
    /// Sends a message on the open session.
    pub onsend: Callback<Payload>,
    /// Puts a message in the composer.
    pub onload: Callback<ComposerLoad>,
}

/// [`LogView`] with [`LogTools`] above its entries.
#[component]
pub fn LogPanel(props: &LogPanelProps) -> Html {
    let s = use_strings();
    let query = use_state(LogQuery::default);
    let current = use_state(|| None::<u64>);
    let jump = use_state(|| 0u64);
    let notice = use_state(|| None::<AttrValue>);
    let loads = use_mut_ref(|| 0u64);

    let matcher = use_memo((*query).clone(), Matcher::new);
    let (marks, error) = match &*matcher {
        Ok(marks) => (marks.clone(), None),
        Err(reason) => (None, Some(reason.clone())),
    };
    // The strings are part of the key: events are searched in the page's
    // language.
    let lang_key = std::ptr::from_ref(s) as usize;
    let filtered: Rc<Filtered> = use_memo(
        (props.log.clone(), (*query).clone(), marks.clone(), lang_key),
        move |(log, query, marks, _)| filter(log.entries(), query, marks.as_ref(), s),
    );

    let onquery = {
        let (query, current) = (query.clone(), current.clone());
        Callback::from(move |next: LogQuery| {
            if next.text != query.text || next.regex != query.regex {
                current.set(None);
            }
            query.set(next);
        })
    };
    let step = |pick: fn(&[u64], Option<u64>) -> Option<u64>| {
        let (current, jump, matches) = (current.clone(), jump.clone(), filtered.matches.clone());
        Callback::from(move |()| {
            if let Some(id) = pick(&matches, *current) {
                current.set(Some(id));
                jump.set(*jump + 1);
            }
        })
    };
    let onexport = {
        let (notice, shown) = (notice.clone(), filtered.shown.clone());
        Callback::from(move |format: ExportFormat| {
            let content = format.write(&shown, s);
            let said = match download(format.file_name(), format.mime(), &content) {
                Ok(()) => (s.tools.exported)(shown.len(), format.name()),
                Err(reason) => (s.tools.export_failed)(&reason),
            };
            notice.set(Some(said.into()));
        })
    };
    let onentry = {
        let (notice, log) = (notice.clone(), props.log.clone());
        let (connected, onsend, onload) =
            (props.connected, props.onsend.clone(), props.onload.clone());
        Callback::from(move |(action, id): (EntryAction, u64)| {
            let Some(entry) = log.entries().find(|e| e.id == id) else {
                return;
            };
            let (EntryBody::Out(message) | EntryBody::In(message)) = &entry.body else {
                return;
            };
            match action {
                EntryAction::CopyHex => {
                    let (hex, len, notice) = (
                        format_hex(&message.head),
                        message.head.len(),
                        notice.clone(),
                    );
                    spawn_local(async move {
                        let said = match copy_text(&hex).await {
                            Ok(()) => (s.tools.copied)(len),
                            Err(reason) => (s.tools.copy_failed)(&reason),
                        };
                        notice.set(Some(said.into()));
                    });
                }
                EntryAction::Resend => {
                    let Some(payload) = message.payload() else {
                        notice.set(Some(s.tools.resend_truncated.into()));
                        return;
                    };
                    if connected {
                        onsend.emit(payload);
                        notice.set(Some(s.tools.resent.into()));
                    } else {
                        let mut seq = loads.borrow_mut();
                        *seq += 1;
                        let (text, mode) = match payload {
                            Payload::Text(text) => (text, Mode::Text),
                            Payload::Binary(bytes) => (format_hex(&bytes), Mode::Hex),
                        };
                        onload.emit(ComposerLoad {
                            seq: *seq,
                            text,
                            mode,
                            eol: Eol::None,
                        });
                        notice.set(Some(s.tools.resent_to_composer.into()));
                    }
                }
            }
        })
    };

    let shown_all = !query.searches() && query.dirs == Default::default();
    html! {
        <LogView log={props.log.clone()} onclear={props.onclear.clone()}
            shown={(!shown_all).then(|| filtered.shown.clone())}
            marks={marks.clone()} current={*current} jump={*jump} {onentry}>
            <LogTools query={(*query).clone()} {onquery} {error}
                matches={filtered.matches.len()}
                position={position(&filtered.matches, *current)}
                onprev={step(prev_match)} onnext={step(next_match)}
                {onexport} notice={(*notice).clone()} />
        </LogView>
    }
}
