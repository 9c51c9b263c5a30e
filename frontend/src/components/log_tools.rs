//! The log's tools above its entries: which directions to show, the search
//! (text or regular expression, with its match count and previous/next), and
//! the export buttons; and a line that confirms what the last action did.

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::use_strings;
use crate::log_export::ExportFormat;
use crate::state::log_query::LogQuery;

/// Properties of [`LogTools`].
#[derive(Properties, PartialEq)]
pub struct LogToolsProps {
    /// The filter and search as they are.
    pub query: LogQuery,
    /// Called with the query as the visitor changed it.
    pub onquery: Callback<LogQuery>,
    /// Why the regular expression is invalid, in the browser's words.
    pub error: Option<String>,
    /// How many shown entries match.
    pub matches: usize,
    /// The 1-based position of the match moved to.
    pub position: Option<usize>,
    /// Move to the previous match.
    pub onprev: Callback<()>,
    /// Move to the next match.
    pub onnext: Callback<()>,
    /// Download the entries shown.
    pub onexport: Callback<ExportFormat>,
    /// What the last copy, resend or export did.
    pub notice: Option<AttrValue>,
}

/// `#show-sent`, `#show-received`, `#show-events` (checkboxes),
/// `#log-search` with `#search-regex`, `#search-case`, `#search-only`,
/// `#match-count`, `#prev-match`, `#next-match`, `#log-search-error` (an
/// invalid regular expression), `#export-text`, `#export-json`, and
/// `#log-notice` (a polite live region).
#[component]
pub fn LogTools(props: &LogToolsProps) -> Html {
    let s = use_strings();
    let t = s.tools;
    let q = &props.query;
    // A checkbox that sets one field of the query.
    let toggle = |id: &'static str, label: &'static str, on: bool, set: fn(&mut LogQuery, bool)| {
        let (query, onquery) = (q.clone(), props.onquery.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut next = query.clone();
            set(
                &mut next,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            );
            onquery.emit(next);
        });
        html! {
            <label class="check" for={id}>
                <input type="checkbox" {id} checked={on} {onchange} />
                <span>{ label }</span>
            </label>
        }
    };
    let oninput = {
        let (query, onquery) = (q.clone(), props.onquery.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = query.clone();
            next.text = e.target_unchecked_into::<HtmlInputElement>().value();
            onquery.emit(next);
        })
    };
    let onkeydown = {
        let (onprev, onnext) = (props.onprev.clone(), props.onnext.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.is_composing() {
                e.prevent_default();
                if e.shift_key() {
                    onprev.emit(());
                } else {
                    onnext.emit(());
                }
            }
        })
    };
    let export = |format: ExportFormat| props.onexport.reform(move |_: MouseEvent| format);
    let count = q
        .searches()
        .then(|| (t.matches)(props.position, props.matches));
    let no_match = props.matches == 0;
    let error = props.error.as_deref().map(t.bad_regex);
    html! {
        <div class="log-tools" role="group" aria-label={t.toolbar}>
            <fieldset class="log-dirs">
                <legend>{ t.show }</legend>
                { toggle("show-sent", t.show_sent, q.dirs.sent, |q, on| q.dirs.sent = on) }
                { toggle("show-received", t.show_received, q.dirs.received, |q, on| q.dirs.received = on) }
                { toggle("show-events", t.show_events, q.dirs.events, |q, on| q.dirs.events = on) }
            </fieldset>
            <div class="log-search">
                <label for="log-search">{ t.search }</label>
                <input type="search" id="log-search" value={q.text.clone()}
                    placeholder={t.search_placeholder} title={t.search_hint}
                    autocomplete="off" spellcheck="false"
                    aria-invalid={error.is_some().to_string()}
                    aria-describedby="match-count log-search-error"
                    {oninput} {onkeydown} />
                <button type="button" id="prev-match" class="secondary small" disabled={no_match}
                    aria-label={t.prev_match} title={t.prev_match} onclick={props.onprev.reform(|_| ())}>
                    { "↑" }
                </button>
                <button type="button" id="next-match" class="secondary small" disabled={no_match}
                    aria-label={t.next_match} title={t.next_match} onclick={props.onnext.reform(|_| ())}>
                    { "↓" }
                </button>
                <span id="match-count" class="count" aria-live="polite">{ count }</span>
            </div>
            <div class="log-search-options">
                { toggle("search-regex", t.regex, q.regex, |q, on| q.regex = on) }
                { toggle("search-case", t.match_case, q.match_case, |q, on| q.match_case = on) }
                { toggle("search-only", t.only_matching, q.only_matching, |q, on| q.only_matching = on) }
                <span class="log-export">
                    <button type="button" id="export-text" class="secondary small"
                        title={t.export_hint} onclick={export(ExportFormat::Text)}>
                        { t.export_text }
                    </button>
                    <button type="button" id="export-json" class="secondary small"
                        title={t.export_hint} onclick={export(ExportFormat::Json)}>
                        { t.export_json }
                    </button>
                </span>
            </div>
            <p id="log-search-error" class="error" role="alert" hidden={error.is_none()}>
                { error.unwrap_or_default() }
            </p>
            <p id="log-notice" class="log-notice" role="status">{ props.notice.clone() }</p>
        </div>
    }
}
