//! Component tests of the log's tools in a real browser (headless Chromium
//! through wasm-bindgen-test-runner): the direction filter, the search (text
//! and regular expression, its marks, count and jumps, and an invalid
//! pattern), the export's content, and how long a filter over 100,000
//! entries takes (printed, not asserted).
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test console`
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use frontend::components::log_panel::{LogPanel, LogPanelProps};
use frontend::i18n::Lang;
use frontend::log_export::ExportFormat;
use frontend::log_search::{filter, Matcher};
use frontend::state::log_query::LogQuery;
use frontend::state::{Action, Entry, EntryBody, Message, Payload, State};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::{Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{bubbling, find, find_all, mount_point, text};

/// A session to echo that sent `PING` and `hello`, and got back `+PONG` and
/// the binary bytes `ff 00 PONG`.
fn state() -> State {
    let (mut state, session) = common::open_echo_session();
    let messages: [(bool, Payload); 4] = [
        (true, Payload::Text("PING\r\n".into())),
        (false, Payload::Binary(b"+PONG\r\n".to_vec())),
        (true, Payload::Text("hello".into())),
        (false, Payload::Binary(b"\xff\x00PONG".to_vec())),
    ];
    for (i, (out, payload)) in messages.into_iter().enumerate() {
        let at_ms = 1_020 + i as u64;
        state.apply(if out {
            Action::Sent {
                session,
                at_ms,
                payload,
            }
        } else {
            Action::Received {
                session,
                at_ms,
                payload,
            }
        });
    }
    state
}

async fn render(state: &State) -> Element {
    let root = mount_point();
    let props = LogPanelProps {
        log: state.log.clone(),
        onclear: Callback::noop(),
        connected: true,
        onsend: Callback::noop(),
        onload: Callback::noop(),
    };
    Renderer::<LogPanel>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

async fn type_into(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&bubbling("input"))
        .expect("dispatch input");
    yew::scheduler::flush().await;
}

async fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}

fn dirs(root: &Element) -> Vec<String> {
    find_all(root, ".entry")
        .iter()
        .filter_map(|e| e.get_attribute("data-dir"))
        .collect()
}

#[wasm_bindgen_test]
async fn direction_checkboxes_hide_and_show_entries() {
    let root = render(&state()).await;
    assert_eq!(dirs(&root), ["sys", "sys", "out", "in", "out", "in"]);

    click(&root, "#show-received").await;
    assert_eq!(dirs(&root), ["sys", "sys", "out", "out"]);
    click(&root, "#show-events").await;
    assert_eq!(dirs(&root), ["out", "out"]);
    click(&root, "#show-sent").await;
    assert!(dirs(&root).is_empty());
    assert_eq!(text(&root, "#log-none"), "No entry matches the filter.");
    click(&root, "#show-received").await;
    assert_eq!(dirs(&root), ["in", "in"]);
}

#[wasm_bindgen_test]
async fn search_marks_counts_and_moves_between_matches() {
    let root = render(&state()).await;
    // Case-insensitive by default; every entry stays, the matches marked.
    type_into(&root, "#log-search", "pong").await;
    assert_eq!(text(&root, "#match-count"), "2 matches");
    assert_eq!(find_all(&root, ".entry").len(), 6);
    let marks: Vec<String> = find_all(&root, ".entry mark")
        .iter()
        .filter_map(|m| m.text_content())
        .collect();
    assert_eq!(marks, ["PONG", "PONG"]);

    click(&root, "#next-match").await;
    assert_eq!(text(&root, "#match-count"), "1 of 2 matches");
    let current = find(&root, ".entry.current");
    assert_eq!(
        current.get_attribute("aria-current").as_deref(),
        Some("true")
    );
    assert_eq!(text(&current, ".text"), "+PONG\\r\\n");
    click(&root, "#next-match").await;
    assert_eq!(text(&root, "#match-count"), "2 of 2 matches");
    assert_eq!(
        text(&find(&root, ".entry.current"), ".text"),
        "\\xff\\0PONG"
    );
    click(&root, "#next-match").await;
    assert_eq!(
        text(&root, "#match-count"),
        "1 of 2 matches",
        "wraps around"
    );
    click(&root, "#prev-match").await;
    assert_eq!(text(&root, "#match-count"), "2 of 2 matches");

    // Only matches: the others are hidden.
    click(&root, "#search-only").await;
    assert_eq!(dirs(&root), ["in", "in"]);
    // Match case: "pong" is nowhere in lower case.
    click(&root, "#search-case").await;
    assert_eq!(text(&root, "#match-count"), "No matches");
    assert!(find_all(&root, ".entry").is_empty());
    assert!(root
        .query_selector("#prev-match[disabled]")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn a_regex_filters_and_an_invalid_one_says_why() {
    let root = render(&state()).await;
    click(&root, "#search-regex").await;
    click(&root, "#search-only").await;
    type_into(&root, "#log-search", r"^(PING|hel+o)").await;
    assert_eq!(dirs(&root), ["out", "out"]);
    assert_eq!(text(&root, "#match-count"), "2 matches");
    assert!(find(&root, "#log-search-error").has_attribute("hidden"));

    // Unbalanced: the browser's SyntaxError, shown; nothing is filtered.
    type_into(&root, "#log-search", "(PING").await;
    let error = find(&root, "#log-search-error");
    assert!(!error.has_attribute("hidden"));
    let message = error.text_content().unwrap_or_default();
    assert!(
        message.starts_with("Invalid regular expression:") && message.contains("not filtered"),
        "{message}"
    );
    assert_eq!(
        find(&root, "#log-search")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(dirs(&root).len(), 6);

    // Literal text is not a pattern: "(" is just a character.
    click(&root, "#search-regex").await;
    assert!(find(&root, "#log-search-error").has_attribute("hidden"));
    assert_eq!(text(&root, "#match-count"), "No matches");
}

#[wasm_bindgen_test]
async fn binary_messages_wear_a_badge_and_text_ones_do_not() {
    let root = render(&state()).await;
    let badges = find_all(&root, ".entry .frame.binary");
    assert_eq!(badges.len(), 2);
    for badge in &badges {
        assert_eq!(badge.text_content().as_deref(), Some("binary"));
    }
    assert!(find_all(&root, ".entry[data-frame=text] .frame.binary").is_empty());
    assert_eq!(find_all(&root, ".entry[data-frame=text] .frame").len(), 2);
}

#[wasm_bindgen_test]
fn exports_write_what_the_filter_shows() {
    let state = state();
    let s = Lang::En.strings();
    let query = LogQuery {
        text: "pong".into(),
        only_matching: true,
        ..LogQuery::default()
    };
    let matcher = Matcher::new(&query).expect("a valid query");
    let shown = filter(state.log.entries(), &query, matcher.as_ref(), s).shown;

    let text = ExportFormat::Text.write(&shown, s);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].ends_with("← [binary, 7 bytes] +PONG\\r\\n"),
        "{}",
        lines[0]
    );
    assert!(lines[0].starts_with("1970-01-01T00:00:01.021Z"));
    assert_eq!(lines[1], "    2b 50 4f 4e 47 0d 0a");
    assert_eq!(lines[3], "    ff 00 50 4f 4e 47");

    let json = ExportFormat::Json.write(&shown, s);
    let parsed = js_sys::JSON::parse(&json).expect("the browser parses the export");
    let rows: js_sys::Array = parsed.unchecked_into();
    assert_eq!(rows.length(), 2);
    let field = |row: u32, key: &str| js_sys::Reflect::get(&rows.get(row), &key.into()).unwrap();
    assert_eq!(field(0, "text").as_string().as_deref(), Some("+PONG\r\n"));
    assert_eq!(field(0, "dir").as_string().as_deref(), Some("in"));
    assert_eq!(
        field(1, "hex").as_string().as_deref(),
        Some("ff 00 50 4f 4e 47")
    );
    assert_eq!(field(1, "frame").as_string().as_deref(), Some("binary"));

    // In Chinese, the text export speaks Chinese; the JSON keys stay.
    let zh = ExportFormat::Text.write(&shown, Lang::Zh.strings());
    assert!(zh.contains("[二进制, "), "{zh}");
}

/// Times [`filter`] over 100,000 entries (printed: run with `--nocapture`
/// to see it; never asserted, the machine is shared).
#[wasm_bindgen_test]
fn filtering_a_hundred_thousand_entries() {
    let s = Lang::En.strings();
    let entries: Vec<Rc<Entry>> = (0..100_000u64)
        .map(|id| {
            let head = format!("+quote {id} ACME 101.{:02}\r\n", id % 100).into_bytes();
            let message = Message {
                text: id % 2 == 0,
                len: head.len(),
                head,
            };
            let body = if id % 2 == 0 {
                EntryBody::Out(message)
            } else {
                EntryBody::In(message)
            };
            Rc::new(Entry {
                id: id + 1,
                at_ms: id,
                body,
            })
        })
        .collect();
    let now = || web_sys::window().unwrap().performance().unwrap().now();
    for (text, regex) in [("acme 101.42", false), (r"ACME 10\d\.4[0-9]", true)] {
        let query = LogQuery {
            text: text.into(),
            regex,
            only_matching: true,
            ..LogQuery::default()
        };
        let started = now();
        let matcher = Matcher::new(&query).expect("a valid query");
        let filtered = filter(entries.iter().cloned(), &query, matcher.as_ref(), s);
        let took = now() - started;
        assert_eq!(filtered.matches.len(), if regex { 10_000 } else { 1_000 });
        console_log!(
            "filter over 100000 entries ({}): {took:.0} ms, {} matches",
            if regex { "regex" } else { "text" },
            filtered.matches.len()
        );
    }
}
