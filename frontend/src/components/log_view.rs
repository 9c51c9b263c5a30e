//! The message log: every message sent and received, and the connection's
//! events, newest at the bottom.

use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::log_entry::{EntryAction, LogEntry};
use super::use_strings;
use crate::log_search::Matcher;
use crate::state::window::{row_at, Slice};
use crate::state::{Entry, Log};

/// How close to the bottom (in CSS pixels) still counts as "at the bottom":
/// then new entries scroll into view; otherwise the visitor is reading
/// further up and the view stays put.
const STICK_TO_BOTTOM_PX: i32 = 48;

/// Entries in the DOM while the log follows the newest: more than a panel
/// shows. The rest of the window is rendered once the visitor scrolls up.
/// With thousands of messages a second a frame brings hundreds of entries;
/// rendering all [`crate::state::LOG_WINDOW`] of them anew each frame is
/// what made the page stutter (bench: `wsload page`).
pub const FOLLOW_TAIL: usize = 50;

/// While the visitor reads further up, entries are in the DOM this far (CSS
/// pixels) above and below the visible part too, so scrolling shows no gap.
pub const OVERSCAN_PX: f64 = 400.0;

/// Height assumed for an entry not measured yet, until some are (then their
/// mean): about a one-line message with its hex.
const GUESS_ENTRY_PX: f64 = 64.0;

/// How far below the top of the log a match moved to is shown, CSS pixels.
const JUMP_MARGIN_PX: f64 = 24.0;

/// Height of the log assumed before it has been read.
const GUESS_VIEWPORT_PX: f64 = 600.0;

/// The entry to hold still while the visitor reads further up: its id and
/// where its top is, CSS pixels below the top of the visible part (negative:
/// partly scrolled past).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Anchor {
    id: u64,
    offset_px: f64,
}

/// Where the log last scrolled itself, and what it knows about the entries'
/// layout while the visitor reads further up.
#[derive(Default)]
struct Scroll {
    set_top: Option<i32>,
    /// Each entry's height (its top to the next one's top), as measured.
    heights: HashMap<u64, f64>,
    anchor: Option<Anchor>,
    viewport_px: Option<f64>,
}

impl Scroll {
    /// Every kept entry's height, measured or guessed.
    fn heights_of(&self, kept: &[Rc<Entry>]) -> Vec<f64> {
        let guess = if self.heights.is_empty() {
            GUESS_ENTRY_PX
        } else {
            self.heights.values().sum::<f64>() / self.heights.len() as f64
        };
        kept.iter()
            .map(|e| self.heights.get(&e.id).copied().unwrap_or(guess))
            .collect()
    }
}

/// Properties of [`LogView`].
#[derive(Properties, PartialEq)]
pub struct LogViewProps {
    /// The log to show.
    pub log: Log,
    /// Called when the visitor presses Clear.
    pub onclear: Callback<()>,
    /// The entries to show, when a filter picked them; else every kept one.
    #[prop_or_default]
    pub shown: Option<Rc<Vec<Rc<Entry>>>>,
    /// The search, whose matches the entries mark.
    #[prop_or_default]
    pub marks: Option<Matcher>,
    /// The id of the match the visitor moved to.
    #[prop_or_default]
    pub current: Option<u64>,
    /// Bumped to scroll [`LogViewProps::current`] into view.
    #[prop_or_default]
    pub jump: u64,
    /// A message's button was pressed: which, and the entry's id.
    #[prop_or_default]
    pub onentry: Callback<(EntryAction, u64)>,
    /// Shown between the heading and the entries (the log's tools).
    #[prop_or_default]
    pub children: Html,
}

/// `#log`: one `.entry` per message or event with `data-dir` = `out` | `in`
/// | `sys`; message entries hold `.text` (escaped) and `.hex`. Shows the kept
/// entries only, with `#log-hidden` counting the others; while it follows the
/// newest, only the last [`FOLLOW_TAIL`] of them, `#log-above` counting the
/// rest until the visitor scrolls up. Scrolled up, only the entries in and
/// near the visible part are in the DOM, between two `.log-spacer`s as tall
/// as the others. `#log-count` counts all, `#clear-log` empties the log.
#[component]
pub fn LogView(props: &LogViewProps) -> Html {
    let s = use_strings();
    let scroller = use_node_ref();
    let list = use_node_ref();
    let following = use_state_eq(|| true);
    let scroll = use_mut_ref(Scroll::default);
    // Scrolled up, every scroll and measurement renders the slice anew.
    let rerender = use_force_update();
    let kept: Rc<Vec<Rc<Entry>>> = props
        .shown
        .clone()
        .unwrap_or_else(|| Rc::new(props.log.entries().collect()));
    {
        // Moving to a match: read from there, as if scrolled up to it.
        let (scroll, following, rerender) = (scroll.clone(), following.clone(), rerender.clone());
        let current = props.current;
        use_effect_with(props.jump, move |jump| {
            if let (true, Some(id)) = (*jump > 0, current) {
                scroll.borrow_mut().anchor = Some(Anchor {
                    id,
                    offset_px: JUMP_MARGIN_PX,
                });
                following.set(false);
                rerender.force_update();
            }
        });
    }
    {
        let (scroller, scroll) = (scroller.clone(), scroll.clone());
        let key = (props.log.total(), kept.len(), *following);
        use_effect_with(key, move |(total, _, following)| {
            let Some(el) = scroller.cast::<Element>() else {
                return;
            };
            // An empty log has nothing to scroll to, and reading its height
            // would force a layout of the whole page while it is being built.
            if *following && *total > 0 {
                let mut scroll = scroll.borrow_mut();
                el.set_scroll_top(el.scroll_height());
                scroll.set_top = Some(el.scroll_top());
                scroll.anchor = None;
            }
        });
    }
    let onscroll = {
        let (scroller, list, scroll) = (scroller.clone(), list.clone(), scroll.clone());
        let (following, rerender) = (following.clone(), rerender.clone());
        let kept = kept.clone();
        Callback::from(move |_: Event| {
            let (Some(el), Some(list)) = (scroller.cast::<Element>(), list.cast::<Element>())
            else {
                return;
            };
            let mut scroll = scroll.borrow_mut();
            // The scroll event of our own jump (to the bottom, or to keep the
            // anchor still) can arrive after more entries changed the list:
            // that is not the visitor scrolling away.
            if scroll.set_top == Some(el.scroll_top()) {
                return;
            }
            scroll.set_top = None;
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            let stick = gap < STICK_TO_BOTTOM_PX;
            if !stick {
                // Hold still what the visitor now looks at while the entries
                // around it are rendered in place of the others.
                measure(&list, &mut scroll.heights);
                let heights = scroll.heights_of(&kept);
                scroll.anchor = anchor_in(&el, &list, &kept, &heights);
                scroll.viewport_px = Some(f64::from(el.client_height()));
            }
            following.set(stick);
            if !stick {
                rerender.force_update();
            }
        })
    };
    let onclear = props.onclear.reform(|_| ());

    let onclick = {
        let onentry = props.onentry.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(pressed) = pressed_action(&e) {
                onentry.emit(pressed);
            }
        })
    };

    let hidden = props.log.hidden();
    let row = |i: usize| {
        let entry = &kept[i];
        let prev_at_ms = i.checked_sub(1).map(|p| kept[p].at_ms);
        let current = props.current == Some(entry.id);
        html! {
            <LogEntry key={entry.id} entry={entry.clone()} {prev_at_ms}
                marks={props.marks.clone()} {current} />
        }
    };
    let (above, entries, held) = if *following {
        let above = kept.len().saturating_sub(FOLLOW_TAIL);
        let entries: Html = (above..kept.len()).map(row).collect();
        (above, entries, None)
    } else {
        let state = scroll.borrow();
        let heights = state.heights_of(&kept);
        // Where the anchor is now (entries may have come and gone since);
        // if it is gone, the oldest kept entry at the top.
        let anchor = state
            .anchor
            .and_then(|a| {
                let i = kept.iter().position(|e| e.id == a.id)?;
                Some((i, a))
            })
            .or_else(|| {
                let first = kept.first()?;
                Some((
                    0,
                    Anchor {
                        id: first.id,
                        offset_px: 0.0,
                    },
                ))
            });
        let view_top = anchor.map_or(0.0, |(i, a)| heights[..i].iter().sum::<f64>() - a.offset_px);
        let view_px = state.viewport_px.unwrap_or(GUESS_VIEWPORT_PX);
        let slice = Slice::of(
            &heights,
            view_top - OVERSCAN_PX,
            view_top + view_px + OVERSCAN_PX,
        );
        // One flat keyed list, so moving the slice keeps the entries' DOM.
        let mut items = Vec::with_capacity(slice.rows.len() + 2);
        items.push(spacer("above", slice.above_px));
        items.extend(slice.rows.clone().map(row));
        items.push(spacer("below", slice.below_px));
        let entries: Html = items.into_iter().collect();
        (0, entries, anchor.map(|(_, a)| a))
    };
    {
        // Scrolled up: measure what was rendered, keep the anchor where the
        // visitor saw it, and render again if the guessed heights were off.
        let (scroller, list, scroll) = (scroller.clone(), list.clone(), scroll.clone());
        let oldest = kept.first().map(|e| e.id);
        use_effect(move || {
            let Some(anchor) = held else {
                return;
            };
            let (Some(el), Some(list)) = (scroller.cast::<Element>(), list.cast::<Element>())
            else {
                return;
            };
            let mut scroll = scroll.borrow_mut();
            if let Some(oldest) = oldest {
                scroll.heights.retain(|id, _| *id >= oldest);
            }
            let remeasured = measure(&list, &mut scroll.heights);
            let view_top = view_top(&el);
            if let Some(top) = rows(&list)
                .find(|(id, _)| *id == anchor.id)
                .map(|(_, row)| row.get_bounding_client_rect().top())
            {
                let drift = (top - view_top - anchor.offset_px).round();
                if drift != 0.0 {
                    // Spacers turned into entries above it: move with them.
                    el.set_scroll_top(el.scroll_top() + drift as i32);
                    scroll.set_top = Some(el.scroll_top());
                }
            }
            scroll.anchor = Some(anchor);
            scroll.viewport_px = Some(f64::from(el.client_height()));
            if remeasured {
                rerender.force_update();
            }
        });
    }

    html! {
        <section class="panel log-panel" aria-labelledby="log-title">
            <div class="panel-head">
                <h2 id="log-title">{ s.log }</h2>
                <span id="log-count" class="count">{ (s.entry_count)(props.log.total()) }</span>
                <button type="button" id="clear-log" class="secondary small" onclick={onclear}>
                    { s.clear_log }
                </button>
            </div>
            { props.children.clone() }
            <div id="log" class="log" ref={scroller} {onscroll} tabindex="0">
                if hidden > 0 {
                    <p id="log-hidden" class="log-hidden">{ (s.hidden_entries)(hidden) }</p>
                }
                if props.log.total() == 0 {
                    <p class="log-empty">{ s.log_empty }</p>
                } else if kept.is_empty() {
                    <p id="log-none" class="log-empty">{ s.tools.none_shown }</p>
                }
                if above > 0 {
                    <p id="log-above" class="log-hidden">{ (s.entries_above)(above) }</p>
                }
                <ol class="entries" ref={list} {onclick}>{ entries }</ol>
            </div>
        </section>
    }
}

/// Which message button a click in the list pressed, and its entry's id.
fn pressed_action(e: &MouseEvent) -> Option<(EntryAction, u64)> {
    let target: Element = e.target()?.dyn_into().ok()?;
    let button = target.closest("button[data-action]").ok()??;
    let action = EntryAction::from_value(&button.get_attribute("data-action")?)?;
    let entry = button.closest("li.entry").ok()??;
    Some((action, entry.get_attribute("data-id")?.parse().ok()?))
}

/// Stands in for entries not in the DOM.
fn spacer(key: &'static str, height_px: f64) -> Html {
    html! {
        <li {key} class="log-spacer" role="none" aria-hidden="true"
            style={format!("height:{height_px}px;margin:0;padding:0;list-style:none")} />
    }
}

/// The top of the log's visible part, in the viewport's coordinates.
fn view_top(el: &Element) -> f64 {
    el.get_bounding_client_rect().top() + f64::from(el.client_top())
}

/// The entries in the list's DOM, with their ids.
fn rows(list: &Element) -> impl Iterator<Item = (u64, Element)> {
    let children = list.children();
    (0..children.length())
        .filter_map(move |i| children.item(i))
        .filter_map(|el| Some((el.get_attribute("data-id")?.parse().ok()?, el)))
}

/// Records the height of every entry in the list that has something after
/// it (its top to the next one's top, so margins count); true if one was new
/// or changed.
fn measure(list: &Element, heights: &mut HashMap<u64, f64>) -> bool {
    let children = list.children();
    let tops: Vec<(Option<u64>, f64)> = (0..children.length())
        .filter_map(|i| children.item(i))
        .map(|el| {
            let id = el.get_attribute("data-id").and_then(|id| id.parse().ok());
            (id, el.get_bounding_client_rect().top())
        })
        .collect();
    let mut changed = false;
    for pair in tops.windows(2) {
        let [(Some(id), top), (_, next)] = pair else {
            continue;
        };
        let height = next - top;
        if height > 0.0 && heights.get(id).is_none_or(|h| (h - height).abs() > 0.5) {
            heights.insert(*id, height);
            changed = true;
        }
    }
    changed
}

/// What the visitor looks at: the first entry in the DOM that reaches into
/// the visible part (or, following the newest with only the notes above them
/// in view, the first entry below). When only a spacer shows (a jump with
/// the scrollbar), the entry the heights put there.
fn anchor_in(el: &Element, list: &Element, kept: &[Rc<Entry>], heights: &[f64]) -> Option<Anchor> {
    let top = view_top(el);
    let bottom = top + f64::from(el.client_height());
    let spacer = list
        .first_element_child()
        .filter(|first| first.get_attribute("data-id").is_none());
    let below_top = rows(list).find_map(|(id, row)| {
        let rect = row.get_bounding_client_rect();
        (rect.bottom() > top).then(|| Anchor {
            id,
            offset_px: rect.top() - top,
        })
    });
    if let Some(anchor) = below_top {
        if spacer.is_none() || top + anchor.offset_px < bottom {
            return Some(anchor);
        }
    }
    let origin = spacer.map_or_else(
        || list.get_bounding_client_rect().top(),
        |spacer| spacer.get_bounding_client_rect().top(),
    );
    let (i, row_top) = row_at(heights, top - origin)?;
    Some(Anchor {
        id: kept[i].id,
        offset_px: origin + row_top - top,
    })
}
