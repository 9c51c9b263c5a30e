//! Builds its children a moment after the first render instead of during
//! it. The page is large: built in one go, its first render was one long
//! task (267 ms under Lighthouse's mobile CPU) in which the visitor could not
//! scroll or click. Each deferred section is built in a task of its own,
//! top to bottom, after the top of the page has been painted.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DeferredProps {
    pub children: Html,
    /// Milliseconds after the first render; sections further down wait
    /// longer, so they are built in order and never push content up.
    #[prop_or(0)]
    pub after_ms: u32,
}

/// Renders nothing, then `children` once `after_ms` has passed.
#[component]
pub fn Deferred(props: &DeferredProps) -> Html {
    let shown = use_state(|| false);
    {
        let shown = shown.clone();
        use_effect_with(props.after_ms, move |after_ms| {
            let timeout = Timeout::new(*after_ms, move || shown.set(true));
            move || drop(timeout)
        });
    }
    if *shown {
        props.children.clone()
    } else {
        Html::default()
    }
}
