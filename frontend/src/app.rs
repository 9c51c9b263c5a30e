//! The page: the language and the lab, provided to everything, and the
//! layout of its sections. Each concern is a hook (`crate::hooks`); the
//! console, where the session lives, is its own component. What lies below
//! the first screen is built just after the first render ([`Deferred`]).

use yew::prelude::*;

use crate::components::experiments::Experiments;
use crate::components::{Comparison, Console, Deferred, Header, Layers, Question, Scenarios};
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
                    // Below the first screen: built after it is painted, a
                    // section per task so that no task blocks for long.
                    <Deferred after_ms={0}><Experiments /></Deferred>
                    <Deferred after_ms={1}><Console /></Deferred>
                    <Deferred after_ms={2}><Scenarios /></Deferred>
                    <Deferred after_ms={3}><Comparison /></Deferred>
                    <Deferred after_ms={4}><Layers /></Deferred>
                </div>
            </LabProvider>
        </ContextProvider<Lang>>
    }
}
