//! Remote control: a simulated lamp everyone connected controls together.
//!
//! Client lines (case does not matter): `ON`, `OFF`, `BRIGHTNESS n`,
//! `COLOR #rrggbb`, `STATUS`, `HELP`. Server lines:
//!
//! ```text
//! STATE power=on brightness=80 color=#ffcc00
//! OK commands: ON, OFF, BRIGHTNESS 0-100, COLOR #rrggbb, STATUS, HELP
//! ERR brightness must be 0-100
//! ```
//!
//! Every change is pushed as `STATE` to every connected client, the one
//! that made it included.

use std::{fmt, str::FromStr};

use thiserror::Error;

use super::{parse_number, split_command, ParseError};

/// Brightest setting.
pub const MAX_BRIGHTNESS: u8 = 100;

/// What `HELP` answers (after `OK `).
pub const HELP_TEXT: &str = "commands: ON, OFF, BRIGHTNESS 0-100, COLOR #rrggbb, STATUS, HELP";

/// A colour, written `#rrggbb` (lowercase when sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

impl FromStr for Rgb {
    type Err = CommandError;

    /// `#rrggbb`, hex digits in either case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let hex = text.strip_prefix('#').ok_or(CommandError::BadColor)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CommandError::BadColor);
        }
        let byte =
            |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| CommandError::BadColor);
        Ok(Self(byte(0)?, byte(2)?, byte(4)?))
    }
}

/// The lamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LampState {
    /// On or off.
    pub power: bool,
    /// 0 to [`MAX_BRIGHTNESS`]; kept while the lamp is off.
    pub brightness: u8,
    /// The light's colour.
    pub color: Rgb,
}

impl Default for LampState {
    /// Off, at 80, warm yellow.
    fn default() -> Self {
        Self {
            power: false,
            brightness: 80,
            color: Rgb(0xff, 0xcc, 0x00),
        }
    }
}

impl LampState {
    /// Applies a command; true when the lamp changed.
    pub fn apply(&mut self, command: &Command) -> bool {
        let before = *self;
        match command {
            Command::On => self.power = true,
            Command::Off => self.power = false,
            Command::Brightness(level) => self.brightness = *level,
            Command::Color(color) => self.color = *color,
            Command::Status | Command::Help | Command::Empty => {}
        }
        *self != before
    }
}

/// `power=on brightness=80 color=#ffcc00`.
impl fmt::Display for LampState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let power = if self.power { "on" } else { "off" };
        write!(
            f,
            "power={power} brightness={} color={}",
            self.brightness, self.color
        )
    }
}

/// What a client line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `ON`.
    On,
    /// `OFF`.
    Off,
    /// `BRIGHTNESS n`, n in 0..=100.
    Brightness(u8),
    /// `COLOR #rrggbb`.
    Color(Rgb),
    /// `STATUS`: the state, to this client only.
    Status,
    /// `HELP`: the commands.
    Help,
    /// A blank line: ignored.
    Empty,
}

/// Why a client line was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// `BRIGHTNESS` without a whole number from 0 to 100.
    #[error("brightness must be 0-100")]
    BadBrightness,
    /// `COLOR` without `#rrggbb`.
    #[error("color must be #rrggbb")]
    BadColor,
    /// A first word that is not a command.
    #[error("unknown command {0} (try HELP)")]
    Unknown(String),
}

/// Parses one line a device client sent.
pub fn parse_command(line: &str) -> Result<Command, CommandError> {
    let (word, rest) = split_command(line);
    let bare = |command: Command| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err(CommandError::Unknown(line.trim().to_owned()))
        }
    };
    match word.to_ascii_uppercase().as_str() {
        "" => Ok(Command::Empty),
        "ON" => bare(Command::On),
        "OFF" => bare(Command::Off),
        "STATUS" => bare(Command::Status),
        "HELP" => bare(Command::Help),
        "BRIGHTNESS" => parse_number::<u8>(rest)
            .filter(|n| *n <= MAX_BRIGHTNESS)
            .map(Command::Brightness)
            .ok_or(CommandError::BadBrightness),
        "COLOR" | "COLOUR" => rest.parse().map(Command::Color),
        _ => Err(CommandError::Unknown(word.to_owned())),
    }
}

/// One line the device sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLine {
    /// `STATE power=.. brightness=.. color=..`.
    State(LampState),
    /// `OK text`: an answer that is not a state (e.g. to `HELP`).
    Ok(String),
    /// `ERR reason`.
    Error(String),
}

impl fmt::Display for ServerLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::State(state) => write!(f, "STATE {state}"),
            Self::Ok(text) => write!(f, "OK {text}"),
            Self::Error(reason) => write!(f, "ERR {reason}"),
        }
    }
}

/// Parses one line the device sent (without its line ending).
pub fn parse_server_line(line: &str) -> Result<ServerLine, ParseError> {
    let bad = || ParseError::new("device", line);
    if let Some(reason) = line.strip_prefix("ERR ") {
        return Ok(ServerLine::Error(reason.to_owned()));
    }
    if let Some(text) = line.strip_prefix("OK ") {
        return Ok(ServerLine::Ok(text.to_owned()));
    }
    let state = line.strip_prefix("STATE ").ok_or_else(bad)?;
    let fields: Vec<&str> = state.split(' ').collect();
    let [power, brightness, color] = fields[..] else {
        return Err(bad());
    };
    let power = match power {
        "power=on" => true,
        "power=off" => false,
        _ => return Err(bad()),
    };
    let brightness = brightness
        .strip_prefix("brightness=")
        .and_then(parse_number::<u8>)
        .filter(|n| *n <= MAX_BRIGHTNESS)
        .ok_or_else(bad)?;
    let color = color
        .strip_prefix("color=")
        .and_then(|c| c.parse().ok())
        .ok_or_else(bad)?;
    Ok(ServerLine::State(LampState {
        power,
        brightness,
        color,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_in_any_case() {
        assert_eq!(parse_command("ON"), Ok(Command::On));
        assert_eq!(parse_command(" off "), Ok(Command::Off));
        assert_eq!(parse_command("brightness 0"), Ok(Command::Brightness(0)));
        assert_eq!(
            parse_command("BRIGHTNESS 100"),
            Ok(Command::Brightness(100))
        );
        assert_eq!(
            parse_command("COLOR #FFcc00"),
            Ok(Command::Color(Rgb(0xff, 0xcc, 0x00)))
        );
        assert_eq!(parse_command("status"), Ok(Command::Status));
        assert_eq!(parse_command("HELP"), Ok(Command::Help));
        assert_eq!(parse_command(""), Ok(Command::Empty));
    }

    #[test]
    fn refuses_bad_commands() {
        for bad in [
            "BRIGHTNESS",
            "BRIGHTNESS 101",
            "BRIGHTNESS -1",
            "BRIGHTNESS 5x",
            "BRIGHTNESS 300",
        ] {
            assert_eq!(
                parse_command(bad),
                Err(CommandError::BadBrightness),
                "{bad}"
            );
        }
        for bad in [
            "COLOR",
            "COLOR red",
            "COLOR #fff",
            "COLOR ffcc00",
            "COLOR #ggcc00",
            "COLOR #ffcc001",
        ] {
            assert_eq!(parse_command(bad), Err(CommandError::BadColor), "{bad}");
        }
        assert_eq!(
            parse_command("DIM"),
            Err(CommandError::Unknown("DIM".into()))
        );
        assert_eq!(
            parse_command("ON now"),
            Err(CommandError::Unknown("ON now".into()))
        );
        assert_eq!(
            CommandError::BadBrightness.to_string(),
            "brightness must be 0-100"
        );
        assert_eq!(CommandError::BadColor.to_string(), "color must be #rrggbb");
    }

    #[test]
    fn applying_reports_changes() {
        let mut lamp = LampState::default();
        assert!(lamp.apply(&Command::On));
        assert!(!lamp.apply(&Command::On));
        assert!(lamp.apply(&Command::Brightness(10)));
        assert!(lamp.apply(&Command::Color(Rgb(1, 2, 3))));
        assert!(!lamp.apply(&Command::Status));
        assert_eq!(lamp.to_string(), "power=on brightness=10 color=#010203");
    }

    #[test]
    fn server_lines_have_fixed_text_and_round_trip() {
        let cases = [
            (
                ServerLine::State(LampState {
                    power: true,
                    ..LampState::default()
                }),
                "STATE power=on brightness=80 color=#ffcc00",
            ),
            (
                ServerLine::State(LampState::default()),
                "STATE power=off brightness=80 color=#ffcc00",
            ),
            (
                ServerLine::Ok(HELP_TEXT.into()),
                "OK commands: ON, OFF, BRIGHTNESS 0-100, COLOR #rrggbb, STATUS, HELP",
            ),
            (
                ServerLine::Error("color must be #rrggbb".into()),
                "ERR color must be #rrggbb",
            ),
        ];
        for (line, text) in cases {
            assert_eq!(line.to_string(), text);
            assert_eq!(parse_server_line(text), Ok(line), "{text}");
        }
    }

    #[test]
    fn malformed_server_lines_are_errors() {
        for bad in [
            "",
            "STATE",
            "STATE power=on brightness=80",
            "STATE power=maybe brightness=80 color=#ffcc00",
            "STATE power=on brightness=101 color=#ffcc00",
            "STATE power=on brightness=x color=#ffcc00",
            "STATE power=on brightness=80 color=ffcc00",
            "STATE power=on brightness=80 color=#ffcc00 extra",
            "STATE brightness=80 power=on color=#ffcc00",
            "ERR",
            "ok fine",
        ] {
            assert_eq!(parse_server_line(bad).unwrap_err().line, bad, "{bad:?}");
        }
    }
}
