//! The reducer, action by action, and the log through it.
//!
//! Over 400 lines on purpose: one test per action of one reducer, read in
//! the order of `Action`'s variants.

use super::*;

fn target(name: &str) -> TargetInfo {
    TargetInfo {
        name: name.into(),
        description: format!("the {name} service"),
        builtin: true,
        needs_token: false,
        datagrams: false,
    }
}

/// A state with targets loaded and `echo` selected.
fn ready() -> State {
    let mut s = State::default();
    s.apply(Action::TargetsLoaded(Ok(vec![
        target("echo"),
        target("redis"),
    ])));
    s
}

fn connect(s: &mut State) -> u64 {
    s.apply(Action::Connect {
        url: "ws://127.0.0.1:8080/ws/echo".into(),
        at_ms: 1,
    });
    s.session_id().expect("connect starts a session")
}

fn dirs(s: &State) -> Vec<&'static str> {
    s.log.entries().map(|e| e.dir()).collect()
}

#[test]
fn loading_targets_selects_the_first() {
    let s = ready();
    assert_eq!(s.selected.as_deref(), Some("echo"));
    assert!(matches!(&s.targets, Targets::Loaded(t) if t.len() == 2));
}

#[test]
fn reloading_keeps_a_selection_that_still_exists() {
    let mut s = ready();
    s.apply(Action::Select("redis".into()));
    s.apply(Action::ReloadTargets);
    assert_eq!(s.targets, Targets::Loading);
    assert_eq!(s.targets_request, 1);
    s.apply(Action::TargetsLoaded(Ok(vec![
        target("echo"),
        target("redis"),
    ])));
    assert_eq!(s.selected.as_deref(), Some("redis"));
    s.apply(Action::TargetsLoaded(Ok(vec![target("chat")])));
    assert_eq!(s.selected.as_deref(), Some("chat"));
}

#[test]
fn target_errors_are_kept() {
    let mut s = State::default();
    s.apply(Action::TargetsLoaded(Err(TargetsError::Status(500))));
    assert_eq!(s.targets, Targets::Failed(TargetsError::Status(500)));
    s.apply(Action::TargetsLoaded(Ok(vec![])));
    assert_eq!(s.targets, Targets::Failed(TargetsError::Empty));
}

#[test]
fn connecting_then_open_then_closed() {
    let mut s = ready();
    assert_eq!(s.conn.state_name(), "idle");
    let id = connect(&mut s);
    assert_eq!(s.conn.state_name(), "connecting");
    assert_eq!(s.session.as_ref().map(|s| s.target.as_str()), Some("echo"));
    s.apply(Action::Opened {
        session: id,
        at_ms: 2,
    });
    assert_eq!(s.conn.state_name(), "open");
    let info = CloseInfo {
        code: 1011,
        reason: "upstream 127.0.0.1:6379 refused the connection".into(),
        clean: true,
    };
    s.apply(Action::Closed {
        session: id,
        at_ms: 3,
        info: info.clone(),
    });
    assert_eq!(s.conn, Conn::Closed(info.clone()));
    assert_eq!(s.conn.state_name(), "closed");
    assert_eq!(
        s.session, None,
        "closing ends the session: the effect drops the socket"
    );
    assert_eq!(dirs(&s), ["sys", "sys", "sys"]);
    let last = s.log.entries().last().expect("three entries");
    assert_eq!(last.body, EntryBody::Sys(SysEvent::Closed(info)));
}

#[test]
fn connect_needs_a_target_and_no_live_socket() {
    let mut s = State::default();
    s.apply(Action::Connect {
        url: "ws://x/ws/echo".into(),
        at_ms: 1,
    });
    assert_eq!(s.conn, Conn::Idle, "no target selected yet");
    let mut s = ready();
    let first = connect(&mut s);
    connect(&mut s);
    assert_eq!(
        s.session_id(),
        Some(first),
        "a second click while connecting is ignored"
    );
    s.apply(Action::Select("redis".into()));
    assert_eq!(
        s.selected.as_deref(),
        Some("echo"),
        "target is fixed while connected"
    );
}

#[test]
fn reconnecting_ignores_the_old_sockets_events() {
    let mut s = ready();
    let old = connect(&mut s);
    s.apply(Action::Closed {
        session: old,
        at_ms: 2,
        info: CloseInfo {
            code: 1006,
            reason: String::new(),
            clean: false,
        },
    });
    let new = connect(&mut s);
    assert_ne!(old, new);
    let before = s.log.total();
    s.apply(Action::Opened {
        session: old,
        at_ms: 3,
    });
    s.apply(Action::Received {
        session: old,
        at_ms: 3,
        payload: Payload::Text("late".into()),
    });
    assert_eq!(s.conn.state_name(), "connecting");
    assert_eq!(s.log.total(), before);
}

#[test]
fn received_messages_are_all_logged_in_order() {
    let mut s = ready();
    let id = connect(&mut s);
    s.apply(Action::Opened {
        session: id,
        at_ms: 2,
    });
    s.apply(Action::Sent {
        session: id,
        at_ms: 3,
        payload: Payload::Text("PING\r\n".into()),
    });
    for i in 0..5u8 {
        s.apply(Action::Received {
            session: id,
            at_ms: 4 + u64::from(i),
            payload: Payload::Binary(vec![i]),
        });
    }
    assert_eq!(
        dirs(&s),
        ["sys", "sys", "out", "in", "in", "in", "in", "in"]
    );
    let received: Vec<u8> = s
        .log
        .entries()
        .filter_map(|e| match &e.body {
            EntryBody::In(m) => Some(m.head[0]),
            _ => None,
        })
        .collect();
    assert_eq!(received, [0, 1, 2, 3, 4]);
    let ids: Vec<u64> = s.log.entries().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    match s.log.entries().nth(2).map(|e| e.body.clone()) {
        Some(EntryBody::Out(m)) => {
            assert!(m.text);
            assert_eq!(m.len, 6);
            assert_eq!(m.head, b"PING\r\n");
        }
        other => panic!("expected the sent message, got {other:?}"),
    }
}

#[test]
fn the_log_keeps_a_window_and_counts_the_rest() {
    let mut s = ready();
    let id = connect(&mut s);
    let n = LOG_WINDOW as u64 + 250;
    for i in 0..n {
        s.apply(Action::Received {
            session: id,
            at_ms: i,
            payload: Payload::Binary(i.to_be_bytes().to_vec()),
        });
    }
    assert_eq!(s.log.total(), n + 1);
    assert_eq!(s.log.entries().len(), LOG_WINDOW);
    assert_eq!(s.log.hidden(), n + 1 - LOG_WINDOW as u64);
    let last = s.log.entries().last().expect("kept entries");
    assert_eq!(last.id, n + 1, "the newest entry is kept");
    s.apply(Action::ClearLog);
    assert_eq!(
        (s.log.total(), s.log.hidden(), s.log.entries().len()),
        (0, 0, 0)
    );
    s.apply(Action::Received {
        session: id,
        at_ms: 0,
        payload: Payload::Text("after".into()),
    });
    assert_eq!(s.log.total(), 1);
}

#[test]
fn big_messages_keep_their_length_but_only_a_head() {
    let mut s = ready();
    let id = connect(&mut s);
    s.apply(Action::Received {
        session: id,
        at_ms: 1,
        payload: Payload::Binary(vec![7; MAX_KEPT_BYTES * 3]),
    });
    match s.log.entries().last().map(|e| e.body.clone()) {
        Some(EntryBody::In(m)) => {
            assert_eq!(m.len, MAX_KEPT_BYTES * 3);
            assert_eq!(m.head.len(), MAX_KEPT_BYTES);
            assert!(m.truncated());
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn open_failure_closes_as_abnormal() {
    let mut s = ready();
    let id = connect(&mut s);
    s.apply(Action::OpenFailed {
        session: id,
        at_ms: 2,
        reason: "SyntaxError".into(),
    });
    assert!(matches!(
        &s.conn,
        Conn::Closed(CloseInfo { code: 1006, .. })
    ));
    assert_eq!(s.session, None);
}

#[test]
fn disconnect_is_logged_only_when_connected() {
    let mut s = ready();
    s.apply(Action::Disconnect { at_ms: 1 });
    assert_eq!(s.log.total(), 0);
    connect(&mut s);
    s.apply(Action::Disconnect { at_ms: 2 });
    assert_eq!(
        s.log.entries().last().map(|e| e.body.clone()),
        Some(EntryBody::Sys(SysEvent::Closing))
    );
    assert_eq!(s.conn.state_name(), "connecting", "the close event decides");
}

#[test]
fn earlier_states_keep_their_log_while_later_ones_grow() {
    let mut s = ready();
    let id = connect(&mut s);
    let before = s.clone();
    s.apply(Action::Received {
        session: id,
        at_ms: 2,
        payload: Payload::Text("new".into()),
    });
    assert_eq!(before.log.entries().len(), 1);
    assert_eq!(s.log.entries().len(), 2);
    assert_ne!(before.log, s.log);
    // Growing the earlier copy does not disturb the later one.
    let mut fork = before.clone();
    fork.apply(Action::ClearLog);
    fork.apply(Action::Disconnect { at_ms: 3 });
    assert_eq!(s.log.entries().len(), 2);
    let mut branch = before;
    branch.apply(Action::Disconnect { at_ms: 3 });
    assert_eq!(dirs(&branch), ["sys", "sys"]);
    assert_eq!(dirs(&s), ["sys", "in"]);
}

#[test]
fn a_hundred_thousand_messages_through_the_reducer() {
    let mut s = Rc::new(ready());
    s = s.reduce(Action::Connect {
        url: "ws://h/ws/echo".into(),
        at_ms: 0,
    });
    let id = s.session_id().unwrap();
    for i in 0..100_000u64 {
        s = s.reduce(Action::Received {
            session: id,
            at_ms: i,
            payload: Payload::Binary(vec![1]),
        });
    }
    assert_eq!(s.log.total(), 100_001);
    assert_eq!(s.log.entries().len(), LOG_WINDOW);
}

#[test]
fn reduce_leaves_the_previous_state_untouched() {
    let before = Rc::new(ready());
    let after = before.clone().reduce(Action::ClearLog);
    let after = after.reduce(Action::Select("redis".into()));
    assert_eq!(before.selected.as_deref(), Some("echo"));
    assert_eq!(after.selected.as_deref(), Some("redis"));
}

#[test]
fn a_token_is_sent_only_to_a_target_that_needs_one_and_never_shown() {
    let mut s = State::default();
    let mut vault = target("vault");
    vault.needs_token = true;
    s.apply(Action::TargetsLoaded(Ok(vec![target("echo"), vault])));
    s.apply(Action::SetToken("s3cret".into()));
    assert_eq!(s.token_to_send(), None, "echo needs no token");
    s.apply(Action::Select("vault".into()));
    assert_eq!(
        s.token, "",
        "a token belongs to the target it was typed for"
    );
    assert_eq!(s.token_to_send(), None, "nothing typed yet");
    s.apply(Action::SetToken("s3cret".into()));
    assert_eq!(s.token_to_send(), Some("s3cret"));
    s.apply(Action::Select("vault".into()));
    assert_eq!(s.token, "s3cret", "picking the same target keeps it");

    s.apply(Action::Connect {
        url: "ws://h/ws/vault?auth=s3cret&tap=ab".into(),
        at_ms: 1,
    });
    assert_eq!(
        s.session.as_ref().map(|s| s.url.as_str()),
        Some("ws://h/ws/vault?auth=s3cret&tap=ab"),
        "the socket gets the token"
    );
    assert_eq!(
        s.conn,
        Conn::Connecting {
            url: "ws://h/ws/vault?auth=•••&tap=ab".into()
        }
    );
    let shown = format!("{:?}", s.log.entries().last().map(|e| e.body.clone()));
    assert!(!shown.contains("s3cret"), "{shown}");
    assert_eq!(hide_token("ws://h/ws/echo"), "ws://h/ws/echo");
    assert_eq!(hide_token("ws://h/ws/echo?tap=x"), "ws://h/ws/echo?tap=x");
}

#[test]
fn a_quiet_refresh_updates_the_list_and_keeps_it_on_failure() {
    let mut s = ready();
    let request = s.targets_request;
    s.apply(Action::RefreshTargets);
    assert_eq!(s.targets_request, request + 1, "a refresh asks again");
    assert!(
        matches!(&s.targets, Targets::Loaded(t) if t.len() == 2),
        "no loading flash"
    );
    // The relay reloaded: a target was added.
    s.apply(Action::TargetsLoaded(Ok(vec![
        target("echo"),
        target("redis"),
        target("smtp"),
    ])));
    assert!(matches!(&s.targets, Targets::Loaded(t) if t.len() == 3));
    // A refresh that fails (the relay restarting, say) keeps what is shown.
    s.apply(Action::RefreshTargets);
    s.apply(Action::TargetsLoaded(Err(TargetsError::Status(502))));
    assert!(matches!(&s.targets, Targets::Loaded(t) if t.len() == 3));
    // A failure after Retry is still shown.
    s.apply(Action::ReloadTargets);
    s.apply(Action::TargetsLoaded(Err(TargetsError::Status(502))));
    assert_eq!(s.targets, Targets::Failed(TargetsError::Status(502)));
    // No refresh over an error: Retry is the way out.
    let request = s.targets_request;
    s.apply(Action::RefreshTargets);
    assert_eq!(s.targets_request, request);
}

#[test]
fn a_refresh_while_connected_keeps_the_sessions_target_selected() {
    let mut s = ready();
    s.apply(Action::Select("redis".into()));
    connect(&mut s);
    s.apply(Action::RefreshTargets);
    // The relay no longer offers redis to new sessions.
    s.apply(Action::TargetsLoaded(Ok(vec![target("echo")])));
    assert_eq!(s.selected.as_deref(), Some("redis"));
}
