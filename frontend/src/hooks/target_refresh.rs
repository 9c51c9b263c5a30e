//! Keeps the target list current without a page reload: whenever the
//! visitor comes back to the tab (it regains focus or becomes visible), the
//! list is asked for again, quietly. A relay reloads its configuration
//! without a restart (SIGHUP, an edited config file), so a page left open
//! picks up added and removed targets the next time anyone looks at it.

use wasm_bindgen::{closure::Closure, JsCast};
use yew::prelude::*;

use crate::state::{Action, State};

/// Dispatches [`Action::RefreshTargets`] on window focus and when the
/// document becomes visible; the listeners go with the component.
#[hook]
pub fn use_target_refresh(state: UseReducerDispatcher<State>) {
    use_effect_with((), move |()| {
        let window = web_sys::window();
        let document = window.as_ref().and_then(|w| w.document());
        let on_return = {
            let document = document.clone();
            Closure::<dyn FnMut()>::new(move || {
                if !document.as_ref().is_some_and(|d| d.hidden()) {
                    state.dispatch(Action::RefreshTargets);
                }
            })
        };
        let listener = on_return
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone();
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback("focus", &listener);
        }
        if let Some(document) = &document {
            let _ = document.add_event_listener_with_callback("visibilitychange", &listener);
        }
        move || {
            if let Some(window) = &window {
                let _ = window.remove_event_listener_with_callback("focus", &listener);
            }
            if let Some(document) = &document {
                let _ = document.remove_event_listener_with_callback("visibilitychange", &listener);
            }
            drop(on_return);
        }
    });
}
