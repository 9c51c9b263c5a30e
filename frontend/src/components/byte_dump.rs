//! Bytes shown twice: as text (escaped, line by line, notable header lines
//! highlighted) and as hex.

use yew::prelude::*;

use super::use_strings;
use crate::hex::{escape_lines, format_hex};
use crate::state::experiments::notable_line;

/// Properties of [`ByteDump`].
#[derive(Properties, PartialEq)]
pub struct ByteDumpProps {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Class of the text part (e.g. `captured`), for tests and styling.
    #[prop_or_default]
    pub text_class: Classes,
    /// Highlight the request line and notable headers.
    #[prop_or_default]
    pub highlight: bool,
}

/// `<pre>` with the bytes as text and a hex block under it.
#[component]
pub fn ByteDump(props: &ByteDumpProps) -> Html {
    let s = use_strings().lesson;
    let lines = escape_lines(&props.bytes)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let mark = props.highlight && notable_line(i, &line);
            html! { <span class={classes!("line", mark.then_some("notable"))}>{ line }</span> }
        });
    html! {
        <div class="dump">
            <div class="dump-label">{ s.as_text }</div>
            <pre class={classes!("dump-text", props.text_class.clone())}>{ for lines }</pre>
            <div class="dump-label">{ s.as_hex }</div>
            <div class="dump-hex hex">{ format_hex(&props.bytes) }</div>
        </div>
    }
}
