//! Component tests of the scenarios in headless Chromium: the lamp drawn
//! from the `STATE` lines the device sends, and its controls.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test scenarios`
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::components::scenarios::lamp::{LampView, LampViewProps};
use frontend::scenarios::lamp::{command_line, Lamp, LampAction};
use protocol::scenarios::lamp::Command;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;
use yew::{Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{attr, mount_point};

fn lamp_after(lines: &[&str]) -> Lamp {
    let mut lamp = Lamp::default();
    for line in lines {
        lamp.apply(LampAction::Received((*line).to_owned()));
    }
    lamp
}

#[wasm_bindgen_test]
async fn lamp_follows_state_lines_and_sends_commands() {
    let root = mount_point();
    let sent: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = sent.clone();
    let oncommand = Callback::from(move |c: Command| log.borrow_mut().push(command_line(&c)));
    let lamp = lamp_after(&["STATE power=on brightness=40 color=#00ff80"]);
    let mut handle = Renderer::<LampView>::with_root_and_props(
        root.clone(),
        LampViewProps {
            lamp,
            enabled: true,
            oncommand: oncommand.clone(),
        },
    )
    .render();
    yew::scheduler::flush().await;
    assert_eq!(attr(&root, "#lamp", "data-power"), "on");
    assert_eq!(attr(&root, "#lamp", "data-brightness"), "40");
    assert_eq!(attr(&root, "#lamp", "data-color"), "#00ff80");
    assert!(attr(&root, "#lamp", "style").contains("--lamp-color: #00ff80"));
    assert!(root
        .query_selector("#lamp-error")
        .unwrap()
        .unwrap()
        .has_attribute("hidden"));

    // The Off button sends OFF; the drawing waits for the device's STATE.
    root.query_selector("#lamp-off")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    yew::scheduler::flush().await;
    assert_eq!(*sent.borrow(), ["OFF"]);
    assert_eq!(attr(&root, "#lamp", "data-power"), "on");

    // Another client turned it off, then someone sent a bad brightness.
    let lamp = lamp_after(&[
        "STATE power=off brightness=40 color=#00ff80",
        "ERR brightness must be 0-100",
    ]);
    handle.update(LampViewProps {
        lamp,
        enabled: true,
        oncommand,
    });
    yew::scheduler::flush().await;
    assert_eq!(attr(&root, "#lamp", "data-power"), "off");
    let error = root.query_selector("#lamp-error").unwrap().unwrap();
    assert!(!error.has_attribute("hidden"));
    assert_eq!(
        error.text_content().unwrap_or_default(),
        "brightness must be 0-100"
    );
}
