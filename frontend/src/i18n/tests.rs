//! Every language has every string, and the formatted ones say what they should.

use super::*;

impl Strings {
    /// Every fixed string, to check none is missing. Destructured so a new
    /// field cannot be forgotten here.
    fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Strings from self;
            strings: title, tagline, language, how_title, how_browser, how_websocket, how_relay, how_tcp, how_service, how_note, connection, target, targets_loading, retry, token, token_hint, connect, disconnect, status, status_idle, status_connecting, status_open, abnormal_explained, compose, mode, mode_text, mode_hex, eol, eol_none, eol_lf, eol_crlf, placeholder_text, placeholder_hex, send, send_hint, examples, not_open, nothing_to_send, log, clear_log, log_empty, frame_text, frame_binary, dir_out, dir_in, dir_sys, sys_opened, sys_closing, sys_error, send_not_open, closed;
            other: ;
            skip: targets_error, hidden_entries, entries_above, entry_count, byte_count, more_bytes, preview, hex_error, close_name, sys_connecting, sys_open_failed, sys_send_failed, lesson, scenarios, saved, tools, why, datagrams, transport);
        all
    }
}

#[test]
fn every_language_has_every_string() {
    for lang in Lang::ALL {
        let s = lang.strings();
        let all = s
            .fixed()
            .into_iter()
            .chain(s.lesson.fixed())
            .chain(s.scenarios.fixed())
            .chain(s.saved.fixed())
            .chain(s.tools.fixed())
            .chain(s.why.fixed())
            .chain(s.datagrams.fixed())
            .chain(s.transport.fixed());
        for (i, text) in all.enumerate() {
            assert!(
                !text.trim().is_empty(),
                "{lang:?}: fixed string #{i} is empty"
            );
        }
        let formatted = [
            (s.targets_error)(&TargetsError::Status(500)),
            (s.targets_error)(&TargetsError::Network("x".into())),
            (s.targets_error)(&TargetsError::Decode("x".into())),
            (s.targets_error)(&TargetsError::Empty),
            (s.hidden_entries)(3),
            (s.entries_above)(3),
            (s.entry_count)(3),
            (s.byte_count)(3),
            (s.more_bytes)(3),
            (s.preview)(3),
            (s.hex_error)(&HexError::Empty),
            (s.close_name)(1000),
            (s.sys_connecting)("ws://h/ws/echo"),
            (s.sys_open_failed)("x"),
            (s.sys_send_failed)("x"),
        ]
        .into_iter()
        .chain(s.scenarios.formatted())
        .chain(s.tools.formatted())
        .chain(s.why.formatted())
        .chain(s.datagrams.formatted())
        .chain(s.transport.formatted());
        for text in formatted {
            assert!(
                !text.trim().is_empty(),
                "{lang:?}: a formatted string is empty"
            );
        }
    }
}

#[test]
fn languages_differ() {
    let (en, zh) = (Lang::En.strings(), Lang::Zh.strings());
    let same: Vec<_> = en
        .fixed()
        .into_iter()
        .zip(zh.fixed())
        .filter(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    // Only notation shared by both languages may be identical.
    assert_eq!(same, ["LF (\\n)", "CRLF (\\r\\n)"]);
    let same: Vec<_> = en
        .lesson
        .fixed()
        .into_iter()
        .zip(zh.lesson.fixed())
        .filter(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        same,
        [
            "FIN",
            "Socket",
            "WebSocket",
            "WebTransport",
            "WebSocket",
            "TCP",
            "IP"
        ]
    );
    let same: Vec<_> = en
        .scenarios
        .fixed()
        .into_iter()
        .zip(zh.scenarios.fixed())
        .filter(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
    let same: Vec<_> = en
        .why
        .fixed()
        .into_iter()
        .zip(zh.why.fixed())
        .filter(|(a, b)| a == b)
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
    let same: Vec<_> = en
        .datagrams
        .fixed()
        .into_iter()
        .zip(zh.datagrams.fixed())
        .filter(|(a, b)| a == b)
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
    let same: Vec<_> = en
        .transport
        .fixed()
        .into_iter()
        .zip(zh.transport.fixed())
        .filter(|(a, b)| a == b)
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
    let same: Vec<_> = en
        .tools
        .fixed()
        .into_iter()
        .zip(zh.tools.fixed())
        .filter(|(a, b)| a == b)
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
}

#[test]
fn hex_errors_say_what_and_where() {
    let en = Lang::En.strings();
    let text = (en.hex_error)(&HexError::InvalidDigit {
        ch: 'g',
        position: 3,
    });
    assert!(
        text.contains("Invalid hex digit 'g' at position 3"),
        "{text}"
    );
    let text = (en.hex_error)(&HexError::OddDigits {
        group: "4".into(),
        position: 4,
    });
    assert!(text.contains("Odd number of hex digits"), "{text}");
    assert!(text.contains("position 4"), "{text}");
    let zh = (Lang::Zh.strings().hex_error)(&HexError::InvalidDigit {
        ch: 'g',
        position: 3,
    });
    assert!(zh.contains("'g'") && zh.contains('3'), "{zh}");
}

#[test]
fn close_text_names_the_code_and_explains_1006() {
    let en = Lang::En.strings();
    let refused = CloseInfo {
        code: 1011,
        reason: "upstream 127.0.0.1:6379 refused the connection".into(),
        clean: true,
    };
    assert_eq!(
        en.close_text(&refused),
        "closed: 1011 Internal Error — upstream 127.0.0.1:6379 refused the connection"
    );
    let normal = CloseInfo {
        code: 1000,
        reason: String::new(),
        clean: true,
    };
    assert_eq!(en.close_text(&normal), "closed: 1000 Normal Closure");
    let abnormal = CloseInfo {
        code: 1006,
        reason: String::new(),
        clean: false,
    };
    let text = en.close_text(&abnormal);
    assert!(
        text.starts_with("closed: 1006 Abnormal Closure — "),
        "{text}"
    );
    assert!(text.contains("without a close frame"), "{text}");
    let zh = Lang::Zh.strings().close_text(&refused);
    assert!(
        zh.starts_with("已关闭：1011 内部错误（Internal Error）"),
        "{zh}"
    );
}
