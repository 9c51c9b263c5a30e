//! Component tests of the message log in a real browser (headless Chromium
//! through wasm-bindgen-test-runner): what it renders while following the
//! newest entries and while the visitor has scrolled up.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test log`
#![cfg(target_arch = "wasm32")]

use frontend::components::log_view::{LogView, LogViewProps, FOLLOW_TAIL};
use frontend::state::{Action, Payload, State, LOG_WINDOW};
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::{Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{bubbling, find, find_all, mount_point, sleep_ms, text};

/// A state whose session is open and that received `n` binary messages.
fn state_with_messages(n: usize) -> State {
    let (mut state, session) = common::open_echo_session();
    state.apply(Action::Sent {
        session,
        at_ms: 1_020,
        payload: Payload::Text("PING\r\n".into()),
    });
    for i in 0..n {
        state.apply(Action::Received {
            session,
            at_ms: 1_030 + i as u64,
            payload: Payload::Binary(b"+PONG\r\n".to_vec()),
        });
    }
    state
}

#[wasm_bindgen_test]
async fn log_shows_each_message_as_text_and_hex() {
    let root = mount_point();
    let state = state_with_messages(2);
    let props = yew::props!(LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    });
    Renderer::<LogView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let dirs: Vec<String> = find_all(&root, ".entry")
        .iter()
        .filter_map(|e| e.get_attribute("data-dir"))
        .collect();
    assert_eq!(dirs, ["sys", "sys", "out", "in", "in"]);
    let incoming = find_all(&root, ".entry[data-dir=in]");
    let first = &incoming[0];
    assert_eq!(text(first, ".text"), "+PONG\\r\\n");
    assert_eq!(text(first, ".hex"), "2b 50 4f 4e 47 0d 0a");
    assert!(text(first, ".bytes").contains('7'));
    assert!(root.query_selector("#log-hidden").ok().flatten().is_none());
}

#[wasm_bindgen_test]
async fn a_long_log_renders_only_its_window() {
    let root = mount_point();
    let state = state_with_messages(LOG_WINDOW + 20);
    let total = state.log.total();
    let props = yew::props!(LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    });
    Renderer::<LogView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    // Following the newest: only the tail is in the DOM, newest last.
    let entries = find_all(&root, ".entry");
    assert_eq!(entries.len(), FOLLOW_TAIL);
    let above = LOG_WINDOW - FOLLOW_TAIL;
    assert_eq!(
        text(&root, "#log-above"),
        format!("{above} earlier entries above: scroll up to show them")
    );
    let hidden = total - LOG_WINDOW as u64;
    assert_eq!(
        text(&root, "#log-hidden"),
        format!("{hidden} earlier entries hidden")
    );
    assert!(text(&root, "#log-count").contains(&total.to_string()));

    // Scrolled up, only the entries near the view are in the DOM.
    let log = find(&root, "#log");
    log.set_attribute("style", "height: 200px; overflow-y: auto")
        .expect("set a style");
    // The visitor at the bottom of the now scrollable log, then scrolling up.
    for top in [log.scroll_height(), 0] {
        scroll_to(&log, top).await;
    }
    assert!(root.query_selector("#log-above").ok().flatten().is_none());
    let rendered = find_all(&root, ".entry").len();
    assert!(
        rendered < FOLLOW_TAIL,
        "{rendered} of {LOG_WINDOW} entries in the DOM while scrolled up"
    );
    // What was at the top stays there, with the older entries now above it:
    // scrolling to the top once more reaches the oldest kept one.
    scroll_to(&log, 0).await;
    let first = find_all(&root, ".entry")[0].get_bounding_client_rect();
    let view = log.get_bounding_client_rect();
    assert!(
        first.top() >= view.top() && first.top() < view.top() + 200.0,
        "the oldest kept entry is at the top: {} in {}",
        first.top(),
        view.top()
    );
}

/// A state whose session received `n` text messages `line 0`, `line 1`, …
fn state_with_lines(n: usize) -> State {
    let mut state = state_with_messages(0);
    let session = state.session_id().expect("a session");
    for i in 0..n {
        state.apply(Action::Received {
            session,
            at_ms: 2_000 + i as u64,
            payload: Payload::Text(format!("line {i}")),
        });
    }
    state
}

/// Scrolls `log` as a visitor would and waits for the log to settle.
async fn scroll_to(log: &Element, top: i32) {
    log.set_scroll_top(top);
    log.dispatch_event(&bubbling("scroll"))
        .expect("dispatch scroll");
    for _ in 0..3 {
        yew::scheduler::flush().await;
        sleep_ms(20).await;
    }
}

/// The entries the visitor sees in `log`: their text and their top, CSS
/// pixels below the top of the log's visible part.
fn visible(log: &Element) -> Vec<(String, f64)> {
    let view = log.get_bounding_client_rect();
    let (top, bottom) = (view.top(), view.top() + f64::from(log.client_height()));
    find_all(log, ".entry")
        .into_iter()
        .filter_map(|entry| {
            let rect = entry.get_bounding_client_rect();
            (rect.bottom() > top && rect.top() < bottom)
                .then(|| (text(&entry, ".text"), rect.top() - top))
        })
        .collect()
}

/// The `n` in the text `line n`.
fn line_number(text: &str) -> usize {
    text.strip_prefix("line ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a line: {text:?}"))
}

#[wasm_bindgen_test]
async fn a_scrolled_up_log_renders_only_what_is_near_the_view() {
    let root = mount_point();
    let n = LOG_WINDOW + 20;
    let state = state_with_lines(n);
    let props = yew::props!(LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    });
    Renderer::<LogView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let log = find(&root, "#log");
    log.set_attribute("style", "height: 200px; overflow-y: auto")
        .expect("set a style");
    let bottom = log.scroll_height() - log.client_height();
    scroll_to(&log, bottom).await;
    let newest = visible(&log).last().map(|(text, _)| text.clone());
    assert_eq!(newest, Some(format!("line {}", n - 1)));

    // A little way up: what the visitor saw stays exactly where it was.
    let top = log.scroll_top() - 120;
    log.set_scroll_top(top);
    let before = visible(&log);
    scroll_to(&log, top).await;
    let after = visible(&log);
    assert_eq!(
        after.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        before.iter().map(|(t, _)| t).collect::<Vec<_>>()
    );
    for ((_, was), (_, is)) in before.iter().zip(&after) {
        assert!((was - is).abs() <= 1.0, "moved from {was} to {is}");
    }

    // Every position of the log: a handful of entries in the DOM, consecutive,
    // and they fill the visible part.
    let height = log.scroll_height();
    for top in [height / 2, height / 4, 0, height / 3] {
        scroll_to(&log, top).await;
        let rendered = find_all(&root, ".entry");
        assert!(
            rendered.len() < FOLLOW_TAIL,
            "{} of {LOG_WINDOW} entries in the DOM at {top} px",
            rendered.len()
        );
        let shown = visible(&log);
        assert!(shown.len() >= 2, "at {top} px the log shows {shown:?}");
        let numbers: Vec<usize> = shown.iter().map(|(t, _)| line_number(t)).collect();
        assert!(
            numbers.windows(2).all(|w| w[1] == w[0] + 1),
            "at {top} px: {numbers:?}"
        );
        let last = &rendered[rendered.len() - 1];
        let view_bottom = log.get_bounding_client_rect().top() + f64::from(log.client_height());
        assert!(
            last.get_bounding_client_rect().bottom() >= view_bottom,
            "a gap at the bottom at {top} px"
        );
    }
    scroll_to(&log, 0).await;
    // The 3 first entries (connecting, opened, sent) and lines 0..20 are
    // no longer kept.
    assert_eq!(visible(&log)[0].0, format!("line {}", n - LOG_WINDOW));

    // Back at the bottom, the log follows the newest again.
    scroll_to(&log, log.scroll_height()).await;
    assert_eq!(
        visible(&log).last().map(|(text, _)| text.clone()),
        Some(format!("line {}", n - 1))
    );
    assert_eq!(find_all(&root, ".entry").len(), FOLLOW_TAIL);
}
