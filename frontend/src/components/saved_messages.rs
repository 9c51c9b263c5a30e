//! The composer's saved messages: name what is in the composer and save it;
//! click a saved one to put it back; delete what is no longer wanted. Kept in
//! this browser's `localStorage` (see `crate::saved`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_strings;
use crate::saved::{self, SavedList, SavedMessage};

/// Properties of [`SavedMessages`].
#[derive(Properties, PartialEq)]
pub struct SavedMessagesProps {
    /// What the composer holds now (the name is ignored).
    pub current: SavedMessage,
    /// Called with a saved message the visitor picked.
    pub onuse: Callback<SavedMessage>,
}

/// `#saved-name`, `#save-message`, and `#saved` with one `li.saved-item` per
/// message (`button.use-saved`, `button.delete-saved`).
#[component]
pub fn SavedMessages(props: &SavedMessagesProps) -> Html {
    let s = use_strings().saved;
    let list = use_state(saved::load);
    let name = use_state(String::new);
    let error = use_state(|| false);

    let onname = {
        let (name, error) = (name.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value());
            error.set(false);
        })
    };
    let onsave = {
        let (list, name, error) = (list.clone(), name.clone(), error.clone());
        let current = props.current.clone();
        Callback::from(move |_: MouseEvent| {
            let message = SavedMessage {
                name: (*name).clone(),
                ..current.clone()
            };
            match list.save(message) {
                Some(next) => {
                    saved::store(&next);
                    list.set(next);
                    name.set(String::new());
                }
                None => error.set(true),
            }
        })
    };
    let items = list.items.iter().map(|message| {
        let onuse = {
            let (onuse, message) = (props.onuse.clone(), message.clone());
            Callback::from(move |_: MouseEvent| onuse.emit(message.clone()))
        };
        let ondelete = {
            let (list, victim) = (list.clone(), message.name.clone());
            Callback::from(move |_: MouseEvent| {
                let next: SavedList = list.remove(&victim);
                saved::store(&next);
                list.set(next);
            })
        };
        html! {
            <li class="saved-item" data-name={message.name.clone()}>
                <button type="button" class="use-saved" title={s.use_hint} onclick={onuse}>
                    { &message.name }
                </button>
                <button type="button" class="delete-saved" aria-label={s.delete} onclick={ondelete}>
                    { "×" }
                </button>
            </li>
        }
    });

    html! {
        <div class="saved-messages">
            <span class="label">{ s.title }</span>
            <div class="saved-form">
                <input
                    id="saved-name"
                    type="text"
                    maxlength="40"
                    placeholder={s.name_placeholder}
                    value={(*name).clone()}
                    oninput={onname}
                />
                <button type="button" id="save-message" onclick={onsave}>{ s.save }</button>
            </div>
            if *error {
                <p class="error" role="alert">{ s.name_needed }</p>
            }
            if list.items.is_empty() {
                <p class="hint">{ s.empty }</p>
            } else {
                <ul id="saved">{ for items }</ul>
            }
        </div>
    }
}
