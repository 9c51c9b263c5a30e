//! The token field, shown for a target whose entry says it needs a token.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_strings;

/// Properties of [`TokenField`].
#[derive(Properties, PartialEq)]
pub struct TokenFieldProps {
    /// What the visitor typed so far.
    pub value: AttrValue,
    /// True while connected: the token cannot change then.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with every edit.
    pub oninput: Callback<String>,
}

/// `input#token` (a password field: the token is a secret) and a note on
/// how it reaches the relay.
#[component]
pub fn TokenField(props: &TokenFieldProps) -> Html {
    let s = use_strings();
    let oninput = props
        .oninput
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <div class="field token-field">
            <label for="token">{ s.token }</label>
            <input id="token" type="password" autocomplete="off" spellcheck="false"
                value={props.value.clone()} disabled={props.disabled} {oninput}
                aria-describedby="token-hint" />
            <p id="token-hint" class="hint">{ s.token_hint }</p>
        </div>
    }
}
