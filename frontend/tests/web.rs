//! Component tests in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): render a component, act on the DOM as a visitor
//! would, check what the DOM shows.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test web`
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::components::composer::{Composer, ComposerProps};
use frontend::components::status::{Status, StatusProps};
use frontend::state::{CloseInfo, Conn, Payload};
use frontend::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};
use yew::{Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{bubbling, find, mount_point, sleep_ms, text};

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
        load: None,
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
    use frontend::state::composer::{Eol, Mode};
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
            mode: Mode::Text,
            eol: Eol::Crlf,
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
