//! The lamp panel's state: the lamp as the last `STATE` described it, and
//! the device's last complaint.

use std::rc::Rc;

use protocol::scenarios::lamp::{
    parse_command, parse_server_line, Command, LampState, ServerLine, MAX_BRIGHTNESS,
};
use yew::Reducible;

/// What the lamp panel received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LampAction {
    /// A whole line from the device.
    Received(String),
    /// A new connection.
    Reset,
}

/// The lamp panel's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lamp {
    /// The lamp, once the device said how it is.
    pub state: Option<LampState>,
    /// The last `ERR reason` (or unreadable line), cleared by the next `STATE`.
    pub error: Option<String>,
    /// The last `OK text`.
    pub note: Option<String>,
}

impl Lamp {
    /// Applies one action.
    pub fn apply(&mut self, action: LampAction) {
        match action {
            LampAction::Received(line) => match parse_server_line(&line) {
                Ok(ServerLine::State(state)) => {
                    self.state = Some(state);
                    self.error = None;
                }
                Ok(ServerLine::Ok(text)) => self.note = Some(text),
                Ok(ServerLine::Error(reason)) => self.error = Some(reason),
                Err(err) => self.error = Some(err.to_string()),
            },
            LampAction::Reset => *self = Self::default(),
        }
    }
}

impl Reducible for Lamp {
    type Action = LampAction;

    fn reduce(self: Rc<Self>, action: LampAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// The line that sends `command`, in the form the device documents
/// (`protocol` parses device commands but has no formatter for them).
pub fn command_line(command: &Command) -> String {
    let line = match command {
        Command::On => "ON".to_owned(),
        Command::Off => "OFF".to_owned(),
        Command::Brightness(n) => format!("BRIGHTNESS {n}"),
        Command::Color(rgb) => format!("COLOR {rgb}"),
        Command::Status => "STATUS".to_owned(),
        Command::Help => "HELP".to_owned(),
        Command::Empty => String::new(),
    };
    debug_assert_eq!(parse_command(&line).as_ref(), Ok(command));
    line
}

/// How bright the bulb's glow is drawn, 0.0 to 1.0: dark when off, and a
/// dim floor when on so brightness 1 is still visibly on.
pub fn glow(state: &LampState) -> f64 {
    if !state.power {
        return 0.0;
    }
    0.15 + 0.85 * f64::from(state.brightness.min(MAX_BRIGHTNESS)) / f64::from(MAX_BRIGHTNESS)
}

/// The bulb's inline style: its colour and glow as CSS custom properties.
pub fn bulb_style(state: &LampState) -> String {
    format!(
        "--lamp-color: {}; --lamp-glow: {:.2};",
        state.color,
        glow(state)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::scenarios::lamp::Rgb;

    #[test]
    fn state_lines_drive_the_lamp_and_clear_errors() {
        let mut lamp = Lamp::default();
        lamp.apply(LampAction::Received("ERR brightness must be 0-100".into()));
        assert_eq!(lamp.error.as_deref(), Some("brightness must be 0-100"));
        lamp.apply(LampAction::Received(
            "STATE power=on brightness=40 color=#00ff80".into(),
        ));
        let state = lamp.state.unwrap();
        assert!(state.power);
        assert_eq!(state.brightness, 40);
        assert_eq!(state.color, Rgb(0, 0xff, 0x80));
        assert_eq!(lamp.error, None);
        lamp.apply(LampAction::Received("OK commands: ON".into()));
        assert_eq!(lamp.note.as_deref(), Some("commands: ON"));
        lamp.apply(LampAction::Received("STATE power=maybe".into()));
        assert!(lamp.error.is_some());
        assert_eq!(lamp.state, Some(state), "a bad line keeps the last state");
    }

    #[test]
    fn commands_format_as_the_device_parses_them() {
        for (command, line) in [
            (Command::On, "ON"),
            (Command::Off, "OFF"),
            (Command::Brightness(35), "BRIGHTNESS 35"),
            (Command::Color(Rgb(0x12, 0xab, 0xff)), "COLOR #12abff"),
            (Command::Status, "STATUS"),
            (Command::Help, "HELP"),
            (Command::Empty, ""),
        ] {
            assert_eq!(command_line(&command), line);
            assert_eq!(parse_command(line), Ok(command));
        }
    }

    #[test]
    fn glow_follows_power_and_brightness() {
        let mut state = LampState {
            power: true,
            brightness: 100,
            color: Rgb(0xff, 0xcc, 0),
        };
        assert_eq!(glow(&state), 1.0);
        state.brightness = 0;
        assert_eq!(glow(&state), 0.15);
        state.power = false;
        assert_eq!(glow(&state), 0.0);
        assert_eq!(
            bulb_style(&state),
            "--lamp-color: #ffcc00; --lamp-glow: 0.00;"
        );
    }
}
