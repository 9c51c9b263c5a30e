//! The chat room: one room, nicks, and messages everyone sees.
//!
//! Client lines: `/nick NAME`, `/who`, `/quit`, or any text to say.
//! Server lines:
//!
//! ```text
//! * welcome, you are guest-3. /nick NAME, /who, /quit
//! * guest-3 joined
//! * guest-3 is now alice
//! * in the room: alice, bob
//! <alice> hello
//! * alice left
//! * bye
//! ! nick bob is taken
//! ```

use std::fmt;

use thiserror::Error;

use super::{is_valid_name, split_command, ParseError};

/// What a client line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/nick NAME`: change your name.
    Nick(String),
    /// `/who`: list the room.
    Who,
    /// `/quit`: leave.
    Quit,
    /// Anything else: say it to the room (control characters replaced).
    Say(String),
    /// A blank line: ignored.
    Empty,
}

/// Why a client line was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// `/nick` with a missing or malformed name.
    #[error("a nick is 1-24 of A-Z a-z 0-9 _ - (got {0:?})")]
    BadNick(String),
    /// A `/word` that is not a command.
    #[error("unknown command {0} (try /nick NAME, /who, /quit)")]
    Unknown(String),
}

/// Parses one line a chat client sent.
pub fn parse_command(line: &str) -> Result<Command, CommandError> {
    if line.trim().is_empty() {
        return Ok(Command::Empty);
    }
    if !line.trim_start().starts_with('/') {
        return Ok(Command::Say(sanitize(line)));
    }
    let (word, rest) = split_command(line);
    match word.to_ascii_lowercase().as_str() {
        "/nick" if is_valid_name(rest) => Ok(Command::Nick(rest.to_owned())),
        "/nick" => Err(CommandError::BadNick(rest.to_owned())),
        "/who" => Ok(Command::Who),
        "/quit" => Ok(Command::Quit),
        _ => Err(CommandError::Unknown(word.to_owned())),
    }
}

/// `text` with control characters (other than tab) replaced by U+FFFD, so a
/// message cannot move a terminal's cursor or fake another line.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// One line the chat server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLine {
    /// To a new client only: its name and the commands.
    Welcome {
        /// The name the client got.
        name: String,
    },
    /// Someone entered the room.
    Joined {
        /// Their name.
        name: String,
    },
    /// Someone left the room.
    Left {
        /// Their name.
        name: String,
    },
    /// Someone changed their nick.
    Renamed {
        /// The name before.
        old: String,
        /// The name now.
        new: String,
    },
    /// The answer to `/who`, in order of arrival.
    Who {
        /// Everyone in the room.
        names: Vec<String>,
    },
    /// A message said to the room.
    Message {
        /// Who said it.
        from: String,
        /// What they said.
        text: String,
    },
    /// The answer to `/quit`, just before the server closes the connection.
    Bye,
    /// Something went wrong for this client (`! reason`).
    Error(String),
}

impl fmt::Display for ServerLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Welcome { name } => {
                write!(f, "* welcome, you are {name}. /nick NAME, /who, /quit")
            }
            Self::Joined { name } => write!(f, "* {name} joined"),
            Self::Left { name } => write!(f, "* {name} left"),
            Self::Renamed { old, new } => write!(f, "* {old} is now {new}"),
            Self::Who { names } => write!(f, "* in the room: {}", names.join(", ")),
            Self::Message { from, text } => write!(f, "<{from}> {text}"),
            Self::Bye => f.write_str("* bye"),
            Self::Error(reason) => write!(f, "! {reason}"),
        }
    }
}

/// Parses one line the chat server sent (without its line ending).
pub fn parse_server_line(line: &str) -> Result<ServerLine, ParseError> {
    let bad = || ParseError::new("chat", line);
    let name = |s: &str| {
        if is_valid_name(s) {
            Ok(s.to_owned())
        } else {
            Err(bad())
        }
    };
    if let Some(reason) = line.strip_prefix("! ") {
        return Ok(ServerLine::Error(reason.to_owned()));
    }
    if let Some(rest) = line.strip_prefix('<') {
        let (from, text) = rest.split_once("> ").ok_or_else(bad)?;
        return Ok(ServerLine::Message {
            from: name(from)?,
            text: text.to_owned(),
        });
    }
    let notice = line.strip_prefix("* ").ok_or_else(bad)?;
    if notice == "bye" {
        return Ok(ServerLine::Bye);
    }
    if let Some(rest) = notice.strip_prefix("welcome, you are ") {
        let (who, _) = rest.split_once('.').ok_or_else(bad)?;
        return Ok(ServerLine::Welcome { name: name(who)? });
    }
    if let Some(list) = notice.strip_prefix("in the room: ") {
        let names = if list.is_empty() {
            Vec::new()
        } else {
            list.split(", ").map(name).collect::<Result<_, _>>()?
        };
        return Ok(ServerLine::Who { names });
    }
    if let Some((old, new)) = notice.split_once(" is now ") {
        return Ok(ServerLine::Renamed {
            old: name(old)?,
            new: name(new)?,
        });
    }
    if let Some(who) = notice.strip_suffix(" joined") {
        return Ok(ServerLine::Joined { name: name(who)? });
    }
    if let Some(who) = notice.strip_suffix(" left") {
        return Ok(ServerLine::Left { name: name(who)? });
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(
            parse_command("/nick alice"),
            Ok(Command::Nick("alice".into()))
        );
        assert_eq!(
            parse_command(" /NICK  bob "),
            Ok(Command::Nick("bob".into()))
        );
        assert_eq!(parse_command("/who"), Ok(Command::Who));
        assert_eq!(parse_command("/quit"), Ok(Command::Quit));
        assert_eq!(parse_command("   "), Ok(Command::Empty));
        assert_eq!(
            parse_command("hello, world "),
            Ok(Command::Say("hello, world ".into()))
        );
        assert_eq!(
            parse_command("a\x1b[2Jb"),
            Ok(Command::Say("a\u{fffd}[2Jb".into()))
        );
    }

    #[test]
    fn refuses_bad_commands() {
        assert_eq!(
            parse_command("/nick"),
            Err(CommandError::BadNick(String::new()))
        );
        assert_eq!(
            parse_command("/nick two words"),
            Err(CommandError::BadNick("two words".into()))
        );
        assert_eq!(
            parse_command(&format!("/nick {}", "x".repeat(25))),
            Err(CommandError::BadNick("x".repeat(25)))
        );
        assert_eq!(
            parse_command("/dance"),
            Err(CommandError::Unknown("/dance".into()))
        );
        assert_eq!(
            CommandError::Unknown("/dance".into()).to_string(),
            "unknown command /dance (try /nick NAME, /who, /quit)"
        );
    }

    #[test]
    fn server_lines_have_fixed_text_and_round_trip() {
        let cases = [
            (
                ServerLine::Welcome {
                    name: "guest-1".into(),
                },
                "* welcome, you are guest-1. /nick NAME, /who, /quit",
            ),
            (
                ServerLine::Joined {
                    name: "guest-1".into(),
                },
                "* guest-1 joined",
            ),
            (ServerLine::Left { name: "bob".into() }, "* bob left"),
            (
                ServerLine::Renamed {
                    old: "guest-1".into(),
                    new: "alice".into(),
                },
                "* guest-1 is now alice",
            ),
            (
                ServerLine::Who {
                    names: vec!["alice".into(), "bob".into()],
                },
                "* in the room: alice, bob",
            ),
            (ServerLine::Who { names: vec![] }, "* in the room: "),
            (
                ServerLine::Message {
                    from: "alice".into(),
                    text: "hi <b> > there".into(),
                },
                "<alice> hi <b> > there",
            ),
            (
                ServerLine::Message {
                    from: "a".into(),
                    text: String::new(),
                },
                "<a> ",
            ),
            (ServerLine::Bye, "* bye"),
            (
                ServerLine::Error("nick bob is taken".into()),
                "! nick bob is taken",
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
            "hello",
            "*",
            "* ",
            "* something else",
            "* a b joined",
            "* welcome, you are a b",
            "* in the room: a, b c",
            "* x is now y z",
            "<alice hi",
            "<> hi",
            "<a b> hi",
            "!no space",
        ] {
            let err = parse_server_line(bad).unwrap_err();
            assert_eq!(err.line, bad);
        }
    }
}
