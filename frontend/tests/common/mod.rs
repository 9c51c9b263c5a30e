//! DOM helpers and states shared by the component tests (run in headless Chromium).
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::Element;

/// A fresh element to render into, attached to the document.
pub fn mount_point() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("append the div");
    root
}

/// The first element matching `selector`; panics if there is none.
pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

/// Every element matching `selector`.
pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

/// The text of the first element matching `selector`.
pub fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// An attribute of the first element matching `selector` (empty if unset).
pub fn attr(root: &Element, selector: &str, name: &str) -> String {
    find(root, selector).get_attribute(name).unwrap_or_default()
}

/// Waits `ms` milliseconds (a browser timer), letting the page render.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("a timer cannot fail");
}

/// An event of type `kind` that bubbles, as the browser's own do.
pub fn bubbling(kind: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(kind, &init).expect("create an event")
}

/// A state with the target list loaded (just `echo`) and a session to it
/// open (connected at 1,000 ms, opened at 1,010 ms), and that session's id.
pub fn open_echo_session() -> (frontend::state::State, u64) {
    use frontend::state::{Action, State};
    let mut state = State::default();
    state.apply(Action::TargetsLoaded(Ok(vec![protocol::TargetInfo {
        name: "echo".into(),
        description: String::new(),
        builtin: true,
        needs_token: false,
        datagrams: false,
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
    (state, session)
}
