//! A scrolling list of fixed-height rows that puts only the visible rows in
//! the DOM, so 100,000 rows scroll as smoothly as ten. It follows new rows
//! while scrolled to the bottom.

use web_sys::Element;
use yew::prelude::*;

use crate::state::window::Viewport;

/// Rows rendered beyond the visible ones, each side.
const OVERSCAN: usize = 6;

/// Properties of [`VirtualList`].
#[derive(Properties, PartialEq)]
pub struct VirtualListProps {
    /// How many rows there are.
    pub len: usize,
    /// Height of each row, CSS pixels (the rows' CSS must agree).
    pub row_px: u32,
    /// Height of the list, CSS pixels.
    pub height_px: u32,
    /// Renders row `index`.
    pub row: Callback<usize, Html>,
    /// Class of the scrolling element.
    #[prop_or_default]
    pub class: Classes,
    /// Accessible name.
    #[prop_or_default]
    pub label: AttrValue,
}

/// The list (`data-len`: how many rows). Rows are positioned inside a spacer
/// as tall as all of them.
#[component]
pub fn VirtualList(props: &VirtualListProps) -> Html {
    let scroller = use_node_ref();
    let scroll_top = use_state(|| 0u32);
    let stick = use_mut_ref(|| true);
    let viewport = Viewport {
        row_px: props.row_px,
        height_px: props.height_px,
        scroll_top_px: *scroll_top,
        overscan: OVERSCAN,
    };
    {
        // Follow new rows while at the bottom.
        let (scroller, stick, scroll_top) = (scroller.clone(), stick.clone(), scroll_top.clone());
        use_effect_with(props.len, move |len| {
            // Nothing to follow yet: reading the scroll position would force
            // a layout of the whole page while it is being built.
            if *len > 0 && *stick.borrow() {
                if let Some(el) = scroller.cast::<Element>() {
                    let bottom = u32::try_from(viewport.bottom_px(*len)).unwrap_or(u32::MAX);
                    el.set_scroll_top(i32::try_from(bottom).unwrap_or(i32::MAX));
                    let now = u32::try_from(el.scroll_top().max(0)).unwrap_or(0);
                    if now != *scroll_top {
                        scroll_top.set(now);
                    }
                }
            }
        });
    }
    let onscroll = {
        let (scroller, stick, scroll_top) = (scroller.clone(), stick.clone(), scroll_top.clone());
        let row_px = props.row_px;
        Callback::from(move |_: Event| {
            let Some(el) = scroller.cast::<Element>() else {
                return;
            };
            let top = u32::try_from(el.scroll_top().max(0)).unwrap_or(0);
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            *stick.borrow_mut() = gap <= i32::try_from(row_px).unwrap_or(i32::MAX);
            scroll_top.set(top);
        })
    };
    let range = viewport.visible(props.len);
    let offset = viewport.offset_px(range.start);
    let rows: Html = range.map(|i| props.row.emit(i)).collect();
    html! {
        <div class={classes!("vlist", props.class.clone())} ref={scroller} {onscroll}
            style={format!("height:{}px", props.height_px)} tabindex="0" data-len={props.len.to_string()}
            role="list" aria-label={props.label.clone()}>
            <div class="vlist-spacer" style={format!("height:{}px", viewport.content_px(props.len))}>
                <div class="vlist-rows" style={format!("transform:translateY({offset}px)")}>
                    { rows }
                </div>
            </div>
        </div>
    }
}
