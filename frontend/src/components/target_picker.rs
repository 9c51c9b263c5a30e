//! The target picker, fed by `GET /api/targets`.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::use_strings;
use crate::state::Targets;

/// Properties of [`TargetPicker`].
#[derive(Properties, PartialEq)]
pub struct TargetPickerProps {
    /// The target list as loaded so far.
    pub targets: Targets,
    /// The target shown as selected.
    pub selected: Option<String>,
    /// True while connected: the target cannot change then.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with the name the visitor picks.
    pub onselect: Callback<String>,
    /// Called when the visitor asks to load the list again.
    pub onretry: Callback<()>,
}

/// `select#target` (one option per target: name and description), or while
/// the list is missing a loading note or `#targets-error` with a retry button.
#[component]
pub fn TargetPicker(props: &TargetPickerProps) -> Html {
    let s = use_strings();
    let onchange = {
        let onselect = props.onselect.clone();
        Callback::from(move |e: Event| {
            onselect.emit(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let select = match &props.targets {
        Targets::Loading => html! {
            <select id="target" disabled=true>
                <option>{ s.targets_loading }</option>
            </select>
        },
        Targets::Failed(_) => html! {
            <select id="target" disabled=true></select>
        },
        Targets::Loaded(targets) => {
            let options = targets.iter().map(|t| {
                let selected = props.selected.as_deref() == Some(t.name.as_str());
                let mut label = if t.description.is_empty() {
                    t.name.clone()
                } else {
                    format!("{} — {}", t.name, t.description)
                };
                if t.datagrams {
                    label = format!("{label} · {}", s.datagrams.picker_udp);
                }
                html! {
                    <option key={t.name.clone()} value={t.name.clone()} {selected}>{ label }</option>
                }
            });
            html! {
                <select id="target" disabled={props.disabled} {onchange}>
                    { for options }
                </select>
            }
        }
    };
    let error = match &props.targets {
        Targets::Failed(err) => {
            let onretry = props.onretry.clone();
            html! {
                <div class="targets-error" role="alert">
                    <p id="targets-error">{ (s.targets_error)(err) }</p>
                    <button type="button" id="retry-targets" class="secondary"
                        onclick={Callback::from(move |_| onretry.emit(()))}>
                        { s.retry }
                    </button>
                </div>
            }
        }
        _ => Html::default(),
    };
    html! {
        <div class="field target-picker">
            <label for="target">{ s.target }</label>
            { select }
            { error }
        </div>
    }
}
