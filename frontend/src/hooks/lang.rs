//! The page's language: the one the visitor picked last time (kept in
//! `localStorage`), else the browser's; shown in `<html lang>` and the
//! document title.

use yew::prelude::*;

use crate::browser::{local_storage, stored_item};
use crate::i18n::Lang;

/// Where the chosen language is remembered (`localStorage`).
pub const LANG_STORAGE_KEY: &str = "playground.lang";

/// The remembered language, else the browser's.
fn initial_lang() -> Lang {
    match stored_item(LANG_STORAGE_KEY) {
        Some(tag) => Lang::from_tag(&tag),
        None => gloo::utils::window()
            .navigator()
            .language()
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default(),
    }
}

fn remember_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        // Private browsing may refuse: the switch still works for this visit.
        if let Err(err) = storage.set_item(LANG_STORAGE_KEY, lang.tag()) {
            web_sys::console::warn_1(&err);
        }
    }
}

/// Point `<html lang>` and the document title at `lang`.
fn show_lang(lang: Lang) {
    let document = gloo::utils::document();
    if let Some(root) = document.document_element() {
        if let Err(err) = root.set_attribute("lang", lang.tag()) {
            web_sys::console::warn_1(&err);
        }
    }
    document.set_title(lang.strings().title);
}

/// The language in use, and the callback that switches (and remembers) it.
#[hook]
pub fn use_lang() -> (Lang, Callback<Lang>) {
    let lang = use_state(initial_lang);
    use_effect_with(*lang, |lang| show_lang(*lang));
    let onlang = {
        let lang = lang.clone();
        Callback::from(move |picked: Lang| {
            remember_lang(picked);
            lang.set(picked);
        })
    };
    (*lang, onlang)
}
