//! What the experiments can aim at: [`LabProvider`] asks the relay
//! (`GET /api/lab`) once and provides the answer to everything inside it;
//! [`use_lab`] reads it, as Yew's `contexts` example shares its state.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::fetch_lab;
use crate::state::experiments::Lab;

/// Properties of [`LabProvider`].
#[derive(Properties, PartialEq)]
pub struct LabProviderProps {
    /// What may read the lab.
    #[prop_or_default]
    pub children: Html,
}

/// Fetches the lab when mounted and provides it to its children.
#[component]
pub fn LabProvider(props: &LabProviderProps) -> Html {
    let lab = use_state(Lab::default);
    {
        let lab = lab.clone();
        use_effect_with((), move |()| {
            spawn_local(async move {
                lab.set(match fetch_lab().await {
                    Ok(info) => Lab::Ready(info),
                    Err(err) => Lab::Unavailable(err),
                });
            });
        });
    }
    html! {
        <ContextProvider<Lab> context={(*lab).clone()}>
            { props.children.clone() }
        </ContextProvider<Lab>>
    }
}

/// The lab the nearest [`LabProvider`] fetched ([`Lab::Loading`] until it
/// answers, and where there is no provider, as in a component test).
#[hook]
pub fn use_lab() -> Lab {
    use_context::<Lab>().unwrap_or_default()
}
