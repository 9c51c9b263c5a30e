//! The question the page answers, and where to find the answers.

use yew::prelude::*;

use super::use_strings;

/// `#question`, with links to the page's parts.
#[component]
pub fn Question() -> Html {
    let all = use_strings();
    let s = all.lesson;
    let links = [s.nav[0], s.nav[1], all.scenarios.nav, s.nav[2]]
        .into_iter()
        .zip(["#experiments", "#console", "#scenarios", "#comparison"]);
    html! {
        <section id="question" class="question" aria-labelledby="question-title">
            <h2 id="question-title">{ s.question }</h2>
            <p class="lead">{ s.question_lead }</p>
            <nav class="toc">
                { for links.map(|(text, href)| html! { <a {href}>{ text }</a> }) }
            </nav>
        </section>
    }
}
