//! Component tests in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): render a component, act on the DOM as a visitor
//! would, check what the DOM shows.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test web`
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::components::composer::{Composer, ComposerProps};
use frontend::components::log_view::{LogView, LogViewProps, FOLLOW_TAIL};
use frontend::components::status::{Status, StatusProps};
use frontend::state::{Action, CloseInfo, Conn, Payload, State, LOG_WINDOW};
use frontend::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
    KeyboardEventInit,
};
use yew::{Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{find, find_all, mount_point, text};

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).expect("create an event")
}

/// Type into the composer the way the browser reports typing.
fn type_text(root: &Element, value: &str) {
    let area: HtmlTextAreaElement = find(root, "#composer").unchecked_into();
    area.set_value(value);
    area.dispatch_event(&bubbling("input"))
        .expect("dispatch input");
}

fn choose(root: &Element, selector: &str, value: &str) {
    let select: HtmlSelectElement = find(root, selector).unchecked_into();
    select.set_value(value);
    select
        .dispatch_event(&bubbling("change"))
        .expect("dispatch change");
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

fn press_enter(root: &Element, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("create a keydown");
    find(root, "#composer")
        .dispatch_event(&event)
        .expect("dispatch keydown");
}

/// Render a Composer whose sent messages land in the returned vector.
async fn composer(connected: bool) -> (Element, Rc<RefCell<Vec<Payload>>>) {
    let root = mount_point();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let sink = sent.clone();
    let props = ComposerProps {
        connected,
        onsend: Callback::from(move |payload| sink.borrow_mut().push(payload)),
    };
    Renderer::<Composer>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    (root, sent)
}

#[wasm_bindgen_test]
async fn bad_hex_shows_what_and_where_and_sends_nothing() {
    let (root, sent) = composer(true).await;
    choose(&root, "#mode", "hex");
    type_text(&root, "50g1");
    yew::scheduler::flush().await;
    click(&root, "#send");
    yew::scheduler::flush().await;

    let error = text(&root, "#composer-error");
    assert!(
        error.contains("Invalid hex digit 'g' at position 3"),
        "error shown: {error:?}"
    );
    assert!(sent.borrow().is_empty(), "malformed hex must not be sent");

    type_text(&root, "50 4");
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "#composer-error"),
        "",
        "editing clears the error"
    );
    click(&root, "#send");
    yew::scheduler::flush().await;
    let error = text(&root, "#composer-error");
    assert!(
        error.contains("Odd number of hex digits in '4' at position 4"),
        "{error:?}"
    );
    assert!(sent.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn good_hex_is_sent_as_one_binary_message() {
    let (root, sent) = composer(true).await;
    choose(&root, "#mode", "hex");
    type_text(&root, "0x50 49 4e 47 0d 0a");
    yew::scheduler::flush().await;
    assert!(
        text(&root, "#preview").contains("50 49 4e 47 0d 0a"),
        "preview: {:?}",
        text(&root, "#preview")
    );
    click(&root, "#send");
    yew::scheduler::flush().await;

    assert_eq!(*sent.borrow(), [Payload::Binary(b"PING\r\n".to_vec())]);
    assert_eq!(text(&root, "#composer-error"), "");
    let area: HtmlTextAreaElement = find(&root, "#composer").unchecked_into();
    assert_eq!(area.value(), "", "the composer empties after a send");
}

#[wasm_bindgen_test]
async fn enter_sends_text_with_the_chosen_line_ending_and_shift_enter_does_not() {
    let (root, sent) = composer(true).await;
    type_text(&root, "PING");
    yew::scheduler::flush().await;
    press_enter(&root, true);
    yew::scheduler::flush().await;
    assert!(
        sent.borrow().is_empty(),
        "Shift+Enter is a new line, not a send"
    );

    press_enter(&root, false);
    yew::scheduler::flush().await;
    choose(&root, "#eol", "lf");
    type_text(&root, "QUIT");
    yew::scheduler::flush().await;
    press_enter(&root, false);
    yew::scheduler::flush().await;
    assert_eq!(
        *sent.borrow(),
        [
            Payload::Text("PING\r\n".into()),
            Payload::Text("QUIT\n".into())
        ]
    );
}

#[wasm_bindgen_test]
async fn sending_while_not_connected_explains_and_sends_nothing() {
    let (root, sent) = composer(false).await;
    type_text(&root, "PING");
    yew::scheduler::flush().await;
    click(&root, "#send");
    yew::scheduler::flush().await;
    let error = text(&root, "#composer-error");
    assert!(error.contains("Not connected"), "error shown: {error:?}");
    assert!(sent.borrow().is_empty());
}

/// A state whose session is open and that received `n` binary messages.
fn state_with_messages(n: usize) -> State {
    let mut state = State::default();
    state.apply(Action::TargetsLoaded(Ok(vec![protocol::TargetInfo {
        name: "echo".into(),
        description: String::new(),
        builtin: true,
        needs_token: false,
    }])));
    state.apply(Action::Connect {
        url: "ws://127.0.0.1:8080/ws/echo".into(),
        at_ms: 1_000,
    });
    let session = state.session_id().expect("connect starts a session");
    state.apply(Action::Opened {
        session,
        at_ms: 1_010,
    });
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
    let props = LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    };
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
    let props = LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    };
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
    let props = LogViewProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
    };
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

#[wasm_bindgen_test]
async fn status_explains_an_abnormal_close() {
    let root = mount_point();
    let props = StatusProps {
        conn: Conn::Closed(CloseInfo {
            code: 1006,
            reason: String::new(),
            clean: false,
        }),
    };
    Renderer::<Status>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let status = find(&root, "#status");
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("closed")
    );
    let shown = status.text_content().unwrap_or_default();
    assert!(shown.contains("1006"), "{shown:?}");
    assert!(shown.contains("without a close frame"), "{shown:?}");
}

/// The test runner's server has no `/api/targets`: the page must say so
/// instead of showing an empty picker.
#[wasm_bindgen_test]
async fn the_app_reports_a_missing_target_list() {
    let root = mount_point();
    Renderer::<App>::with_root(root.clone()).render();
    let deadline = js_sys::Date::now() + 5_000.0;
    loop {
        yew::scheduler::flush().await;
        if root
            .query_selector("#targets-error")
            .ok()
            .flatten()
            .is_some()
        {
            break;
        }
        assert!(
            js_sys::Date::now() < deadline,
            "no #targets-error within 5 s"
        );
        sleep_ms(20).await;
    }
    let error = text(&root, "#targets-error");
    assert!(error.contains("/api/targets"), "{error:?}");
    let status = find(&root, "#status");
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("idle"));
    let connect: web_sys::HtmlButtonElement = find(&root, "#connect").unchecked_into();
    assert!(connect.disabled(), "nothing to connect to");
}

/// The page parses and prints JSON with the browser's `JSON` (json.rs): the
/// relay's bodies and the stored saved messages must come out as serde_json
/// has them on the host.
#[wasm_bindgen_test]
fn json_in_the_browser_has_the_serde_shapes() {
    use frontend::json;
    use frontend::saved::{SavedList, SavedMessage};
    use protocol::tap::TapEvent;
    use protocol::{CaptureList, LabInfo, TargetList};

    let list: TargetList = json::from_str(
        r#"{"targets":[{"name":"vault","needs_token":true},{"name":"echo","description":"d","builtin":true}]}"#,
    )
    .expect("a target list");
    let names: Vec<_> = list
        .targets
        .iter()
        .map(|t| (t.name.as_str(), t.needs_token, t.builtin))
        .collect();
    assert_eq!(names, [("vault", true, false), ("echo", false, true)]);
    assert_eq!(
        list.targets[0].description, "",
        "a missing field takes its default"
    );

    let event: TapEvent =
        json::from_str(r#"{"event":"upstream_connected","connect_us":1234}"#).expect("an event");
    assert_eq!(event, TapEvent::UpstreamConnected { connect_us: 1234 });
    let lab: LabInfo =
        json::from_str(r#"{"recorder_port":7008,"bad_port":null,"tap":true}"#).expect("lab info");
    assert_eq!(
        (lab.recorder_port, lab.bad_port, lab.tap),
        (Some(7008), None, true)
    );
    let captures: CaptureList = json::from_str(
        r#"{"captures":[{"port":7008,"time_us":1764000000123456,"bytes":[71,69,84,0,255]}]}"#,
    )
    .expect("captures");
    assert_eq!(captures.captures[0].time_us, 1_764_000_000_123_456);
    assert_eq!(captures.captures[0].bytes, b"GET\x00\xff");
    assert!(json::from_str::<TargetList>("<html>").is_err());
    assert!(json::from_str::<TargetList>(r#"{"targets":7}"#).is_err());

    let saved = SavedList {
        items: vec![SavedMessage {
            name: "ping \"1\"".into(),
            mode: "text".into(),
            eol: "crlf".into(),
            text: "PING 你好".into(),
        }],
    };
    let text = saved.to_json();
    assert_eq!(
        text,
        r#"{"items":[{"name":"ping \"1\"","mode":"text","eol":"crlf","text":"PING 你好"}]}"#
    );
    assert_eq!(SavedList::from_json(&text), saved);
    assert_eq!(SavedList::from_json("not json"), SavedList::default());
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("a timer cannot fail");
}
