//! The first screen as plain HTML: `index.html` carries the page's heading
//! and its question (`#shell`, and `#shell-zh` for Chinese) so that the
//! browser paints them as soon as the HTML and the CSS arrive, before the
//! 200 KB of wasm. Without it the page stayed blank until the wasm had
//! loaded and run: that was the Largest Contentful Paint on a phone.
//!
//! A small script in `index.html` swaps in the Chinese copy when the
//! visitor's language is Chinese (the same rule as `hooks::lang`). When the
//! app starts, [`remove`] takes both away and the app renders the same
//! markup in their place, in the same task, so nothing flickers or moves.
//!
//! The copies are not written by hand: a host test renders the real
//! [`Header`](crate::components::Header) and
//! [`Question`](crate::components::Question) in each language and checks
//! that `index.html` holds exactly that. After changing either, or their
//! strings, `UPDATE_SHELL=1 cargo test -p frontend --lib shell` rewrites
//! them.

/// The id of the English first screen in `index.html`.
pub const SHELL_ID: &str = "shell";
/// The id of the `<template>` holding the Chinese one.
pub const SHELL_ZH_ID: &str = "shell-zh";

/// Removes the plain-HTML first screen, just before the app renders its own.
pub fn remove() {
    let document = gloo::utils::document();
    for id in [SHELL_ID, SHELL_ZH_ID] {
        if let Some(element) = document.get_element_by_id(id) {
            element.remove();
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::path::PathBuf;

    use yew::prelude::*;
    use yew::ServerRenderer;

    use super::*;
    use crate::components::{Header, Question};
    use crate::hooks::lang::LANG_STORAGE_KEY;
    use crate::i18n::Lang;

    #[derive(Properties, PartialEq)]
    struct FirstScreenProps {
        lang: Lang,
    }

    /// What the app renders first, inside `.page`.
    #[component]
    fn FirstScreen(props: &FirstScreenProps) -> Html {
        html! {
            <ContextProvider<Lang> context={props.lang}>
                <Header lang={props.lang} onlang={Callback::noop()} />
                <Question />
            </ContextProvider<Lang>>
        }
    }

    fn render(lang: Lang) -> String {
        let renderer = ServerRenderer::<FirstScreen>::with_props(move || FirstScreenProps { lang })
            .hydratable(false);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(renderer.render())
    }

    fn index_html() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../index.html")
    }

    /// The text between `open` and the next `close` in `page`, and where it
    /// starts.
    fn between<'a>(page: &'a str, open: &str, close: &str) -> (usize, &'a str) {
        let start = page
            .find(open)
            .unwrap_or_else(|| panic!("index.html has no {open}"))
            + open.len();
        let len = page[start..]
            .find(close)
            .unwrap_or_else(|| panic!("index.html has no {close} after {open}"));
        (start, &page[start..start + len])
    }

    #[test]
    fn index_html_carries_the_first_screen_the_app_renders() {
        let path = index_html();
        let mut page = std::fs::read_to_string(&path).expect("index.html");
        let blocks = [
            (
                Lang::En,
                format!("<div id=\"{SHELL_ID}\" class=\"page\">"),
                "</div><!--/shell-->",
            ),
            (
                Lang::Zh,
                format!("<template id=\"{SHELL_ZH_ID}\">"),
                "</template>",
            ),
        ];
        let update = std::env::var_os("UPDATE_SHELL").is_some();
        for (lang, open, close) in blocks {
            let rendered = render(lang);
            assert!(rendered.contains(lang.strings().title), "{rendered}");
            let (start, held) = between(&page, &open, close);
            if update {
                let held_len = held.len();
                page.replace_range(start..start + held_len, &rendered);
            } else {
                assert_eq!(
                    held, rendered,
                    "index.html's {lang:?} first screen is not what the app renders; \
                     UPDATE_SHELL=1 cargo test -p frontend --lib shell rewrites it"
                );
            }
        }
        if update {
            std::fs::write(&path, &page).expect("write index.html");
        }
    }

    #[test]
    fn index_html_picks_the_language_as_the_app_does() {
        let page = std::fs::read_to_string(index_html()).expect("index.html");
        let (_, script) = between(&page, "<script>", "</script>");
        // The remembered choice first, else the browser's; Chinese for any
        // `zh` tag (`Lang::from_tag`), which is what the pattern says.
        assert!(script.contains(&format!("localStorage.getItem(\"{LANG_STORAGE_KEY}\")")));
        assert!(script.contains("navigator.language"));
        assert!(script.contains(r#"/^zh(?:[-_]|$)/i"#), "{script}");
        assert!(script.contains(&format!("getElementById(\"{SHELL_ZH_ID}\")")));
        // The title follows, as `hooks::lang` makes it: the heading's text.
        assert!(script.contains("document.title=zh.querySelector(\"h1\").textContent"));
        assert!(script.contains(&format!("lang=\"{}\"", Lang::Zh.tag())));
        for tag in ["zh", "zh-CN", "ZH_tw", "zh-Hans-CN"] {
            assert_eq!(Lang::from_tag(tag), Lang::Zh, "{tag}");
        }
        for tag in ["en-US", "zhx", "fr", ""] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
        }
    }
}
