//! The page heading and the language switch.

use yew::prelude::*;

use super::use_strings;
use crate::i18n::Lang;

/// Properties of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The language in use.
    pub lang: Lang,
    /// Called with the language the visitor picks.
    pub onlang: Callback<Lang>,
}

/// Title, tagline and the 简体中文 / English switch (`#lang-zh`, `#lang-en`).
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let s = use_strings();
    let switch = Lang::ALL.iter().map(|&lang| {
        let onlang = props.onlang.clone();
        let active = lang == props.lang;
        html! {
            <button
                type="button"
                id={format!("lang-{}", if lang == Lang::Zh { "zh" } else { "en" })}
                class={classes!("lang", active.then_some("active"))}
                lang={lang.tag()}
                aria-pressed={active.to_string()}
                onclick={Callback::from(move |_| onlang.emit(lang))}
            >
                { lang.native_name() }
            </button>
        }
    });
    html! {
        <header class="page-header">
            <div class="titles">
                <h1>{ s.title }</h1>
                <p class="tagline">{ s.tagline }</p>
            </div>
            <nav class="lang-switch" aria-label={s.language}>
                { for switch }
            </nav>
        </header>
    }
}
