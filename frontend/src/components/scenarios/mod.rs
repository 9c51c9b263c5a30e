//! `#scenarios`: the article's use cases as live panels, each with its own
//! WebSocket to one of the relay's demo services.

pub mod chat;
pub mod game;
pub mod lamp;
pub mod link;
pub mod link_bar;
pub mod quotes;

pub use chat::ChatPanel;
pub use game::GamePanel;
pub use lamp::{LampPanel, LampView};
pub use quotes::QuotesPanel;

use yew::prelude::*;

use super::use_strings;

/// The section with the four panels.
#[component]
pub fn Scenarios() -> Html {
    let s = use_strings().scenarios;
    html! {
        <section id="scenarios" class="scenarios" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title">{ s.title }</h2>
            <p class="intro">{ s.intro }</p>
            <div class="scenario-grid">
                <ChatPanel />
                <QuotesPanel />
                <GamePanel />
                <LampPanel />
            </div>
        </section>
    }
}
