//! The page: the language and the lab, provided to everything, and the
//! layout of its sections. Each concern is a hook (`crate::hooks`); the
//! console, where the session lives, is its own component.

use yew::prelude::*;

use crate::components::experiments::Experiments;
use crate::components::{Comparison, Console, Header, Layers, Question, Scenarios};
use crate::hooks::{use_lang, LabProvider};
use crate::i18n::Lang;

/// The whole playground page.
#[component]
pub fn App() -> Html {
    let (lang, onlang) = use_lang();
    html! {
        <ContextProvider<Lang> context={lang}>
            <LabProvider>
                <div class="page">
                    <Header {lang} {onlang} />
                    <Question />
                    <Experiments />
                    <Console />
                    <Scenarios />
                    <Comparison />
                    <Layers />
                </div>
            </LabProvider>
        </ContextProvider<Lang>>
    }
}
