use super::*;

fn apply_all(actions: impl IntoIterator<Item = ComposerAction>) -> ComposerState {
    let mut state = ComposerState::default();
    for action in actions {
        state.apply(action);
    }
    state
}

fn typed(text: &str) -> ComposerAction {
    ComposerAction::Input(text.into())
}

#[test]
fn text_mode_ends_every_line() {
    assert_eq!(
        compose("PING", Mode::Text, Eol::Crlf),
        Ok(Payload::Text("PING\r\n".into()))
    );
    assert_eq!(
        compose("GET / HTTP/1.1\nHost: x\n", Mode::Text, Eol::Crlf),
        Ok(Payload::Text("GET / HTTP/1.1\r\nHost: x\r\n\r\n".into()))
    );
    assert_eq!(
        compose("a\r\nb", Mode::Text, Eol::Lf),
        Ok(Payload::Text("a\nb\n".into()))
    );
    assert_eq!(
        compose("a\nb", Mode::Text, Eol::None),
        Ok(Payload::Text("a\nb".into()))
    );
}

#[test]
fn an_empty_line_is_just_its_ending() {
    assert_eq!(
        compose("", Mode::Text, Eol::Crlf),
        Ok(Payload::Text("\r\n".into()))
    );
    assert_eq!(compose("", Mode::Text, Eol::None), Err(ComposeError::Empty));
}

#[test]
fn hex_mode_sends_binary_and_ignores_the_line_ending() {
    assert_eq!(
        compose("50 49 4e 47 0d 0a", Mode::Hex, Eol::Crlf),
        Ok(Payload::Binary(b"PING\r\n".to_vec()))
    );
    assert_eq!(
        compose("5g", Mode::Hex, Eol::None),
        Err(ComposeError::Hex(HexError::InvalidDigit {
            ch: 'g',
            position: 2
        }))
    );
}

#[test]
fn option_values_round_trip() {
    for eol in Eol::ALL {
        assert_eq!(Eol::from_value(eol.value()), eol);
    }
    for mode in Mode::ALL {
        assert_eq!(Mode::from_value(mode.value()), mode);
    }
    assert_eq!(Mode::from_value("binary"), Mode::Text, "unknown: text");
    assert_eq!(Eol::from_value("cr"), Eol::Crlf, "unknown: CRLF");
}

#[test]
fn a_fresh_composer_sends_text_with_crlf() {
    let state = ComposerState::default();
    assert_eq!((state.mode, state.eol), (Mode::Text, Eol::Crlf));
    assert_eq!(state.message(), Ok(Payload::Text("\r\n".into())));
    assert!(!state.can_recall());
}

#[test]
fn sending_empties_the_composer_and_arrow_up_brings_it_back() {
    let mut state = apply_all([typed("PING")]);
    assert_eq!(state.submit(true), Ok(Payload::Text("PING\r\n".into())));
    state.apply(ComposerAction::Sent);
    assert_eq!(state.text, "");
    assert_eq!(state.last_sent.as_deref(), Some("PING"));
    assert!(state.can_recall());
    state.apply(ComposerAction::Recall);
    assert_eq!(state.text, "PING");
    // Not over something typed since.
    state.apply(typed("INFO"));
    state.apply(ComposerAction::Recall);
    assert_eq!(state.text, "INFO");
    assert!(!state.can_recall());
}

#[test]
fn a_refusal_stays_until_the_text_or_mode_changes() {
    let mut state = apply_all([typed("PING")]);
    assert_eq!(state.submit(false), Err(ComposeError::NotOpen));
    state.apply(ComposerAction::Refused(ComposeError::NotOpen));
    state.apply(ComposerAction::SetEol(Eol::Lf));
    assert_eq!(state.error, Some(ComposeError::NotOpen), "eol keeps it");
    assert_eq!(state.text, "PING", "a refused message stays to be sent");
    state.apply(ComposerAction::SetMode(Mode::Hex));
    assert_eq!(state.error, None);
    assert!(matches!(state.submit(true), Err(ComposeError::Hex(_))));
    state.apply(ComposerAction::Refused(ComposeError::Empty));
    state.apply(typed("50"));
    assert_eq!(state.error, None);
    assert_eq!(state.submit(true), Ok(Payload::Binary(b"P".to_vec())));
}

#[test]
fn loading_a_message_replaces_text_mode_and_ending() {
    let mut state = apply_all([typed("x"), ComposerAction::Refused(ComposeError::Empty)]);
    state.apply(ComposerAction::Load {
        text: "2a 31".into(),
        mode: Mode::Hex,
        eol: Eol::None,
    });
    assert_eq!(
        (state.text.as_str(), state.mode, state.eol, &state.error),
        ("2a 31", Mode::Hex, Eol::None, &None)
    );
    assert_eq!(state.last_sent, None, "loading is not sending");
}
