//! The arena: a 16×10 grid, a dot per player, one coin. Reach the coin to
//! score; it then jumps elsewhere.
//!
//! Client lines (case does not matter): `MOVE U|D|L|R`, `NAME x`,
//! `PING <token>`. Server lines:
//!
//! ```text
//! YOU p3
//! STATE coin=4,7 players=p3:0:0:2;alice:15:9:0
//! PONG 1718000000123
//! ! unknown command JUMP (try MOVE U|D|L|R, NAME x, PING token)
//! ```
//!
//! `YOU` names the receiving player (on joining and after `NAME`); `STATE` is
//! broadcast after every change, joins and leaves included; `PONG` answers
//! only the client that sent the `PING`, so the page can time a round trip.

use std::fmt;

use thiserror::Error;

use super::{is_valid_name, parse_number, split_command, ParseError};

/// Columns, `x` in `0..GRID_WIDTH`.
pub const GRID_WIDTH: u8 = 16;
/// Rows, `y` in `0..GRID_HEIGHT`, 0 at the top.
pub const GRID_HEIGHT: u8 = 10;
/// Longest `PING` token.
pub const MAX_TOKEN_LEN: usize = 64;

/// A step on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `U`: y - 1.
    Up,
    /// `D`: y + 1.
    Down,
    /// `L`: x - 1.
    Left,
    /// `R`: x + 1.
    Right,
}

impl Direction {
    /// `(x, y)` after one step, or `None` at the edge of the grid.
    pub fn step(self, (x, y): (u8, u8)) -> Option<(u8, u8)> {
        let (x, y) = match self {
            Self::Up => (x, y.checked_sub(1)?),
            Self::Down => (x, y + 1),
            Self::Left => (x.checked_sub(1)?, y),
            Self::Right => (x + 1, y),
        };
        (x < GRID_WIDTH && y < GRID_HEIGHT).then_some((x, y))
    }

    /// The letter used in `MOVE`.
    pub fn letter(self) -> char {
        match self {
            Self::Up => 'U',
            Self::Down => 'D',
            Self::Left => 'L',
            Self::Right => 'R',
        }
    }
}

/// What a client line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `MOVE U|D|L|R`.
    Move(Direction),
    /// `NAME x`: rename yourself.
    Name(String),
    /// `PING <token>`: answered `PONG <token>`.
    Ping(String),
    /// A blank line: ignored.
    Empty,
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Move(dir) => write!(f, "MOVE {}", dir.letter()),
            Self::Name(name) => write!(f, "NAME {name}"),
            Self::Ping(token) => write!(f, "PING {token}"),
            Self::Empty => Ok(()),
        }
    }
}

/// Why a client line was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// `MOVE` without one of U, D, L, R.
    #[error("MOVE takes U, D, L or R (got {0:?})")]
    BadDirection(String),
    /// `NAME` with a missing or malformed name.
    #[error("a name is 1-24 of A-Z a-z 0-9 _ - (got {0:?})")]
    BadName(String),
    /// `PING` without a token, or with one too long or with spaces.
    #[error("PING takes one token of 1-64 characters")]
    BadToken,
    /// A first word that is not a command.
    #[error("unknown command {0} (try MOVE U|D|L|R, NAME x, PING token)")]
    Unknown(String),
}

/// Parses one line a game client sent.
pub fn parse_command(line: &str) -> Result<Command, CommandError> {
    let (word, rest) = split_command(line);
    match word.to_ascii_uppercase().as_str() {
        "" => Ok(Command::Empty),
        "MOVE" => match rest.to_ascii_uppercase().as_str() {
            "U" => Ok(Command::Move(Direction::Up)),
            "D" => Ok(Command::Move(Direction::Down)),
            "L" => Ok(Command::Move(Direction::Left)),
            "R" => Ok(Command::Move(Direction::Right)),
            _ => Err(CommandError::BadDirection(rest.to_owned())),
        },
        "NAME" if is_valid_name(rest) => Ok(Command::Name(rest.to_owned())),
        "NAME" => Err(CommandError::BadName(rest.to_owned())),
        "PING" if is_valid_token(rest) => Ok(Command::Ping(rest.to_owned())),
        "PING" => Err(CommandError::BadToken),
        _ => Err(CommandError::Unknown(word.to_owned())),
    }
}

fn is_valid_token(token: &str) -> bool {
    (1..=MAX_TOKEN_LEN).contains(&token.len()) && !token.contains(char::is_whitespace)
}

/// One player as `STATE` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    /// Their name.
    pub name: String,
    /// Column.
    pub x: u8,
    /// Row.
    pub y: u8,
    /// Coins collected.
    pub score: u32,
}

/// The whole arena, as broadcast after every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameState {
    /// Where the coin is, `(x, y)`.
    pub coin: (u8, u8),
    /// Players in order of arrival.
    pub players: Vec<Player>,
}

/// `coin=x,y players=name:x:y:score;name:x:y:score` (empty after `players=`
/// when nobody plays).
impl fmt::Display for GameState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "coin={},{} players=", self.coin.0, self.coin.1)?;
        for (i, p) in self.players.iter().enumerate() {
            let sep = if i == 0 { "" } else { ";" };
            write!(f, "{sep}{}:{}:{}:{}", p.name, p.x, p.y, p.score)?;
        }
        Ok(())
    }
}

/// One line the game server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLine {
    /// `YOU name`: which player this connection is.
    You(String),
    /// `STATE ...`: the arena after a change.
    State(GameState),
    /// `PONG token`: the answer to this client's `PING`.
    Pong(String),
    /// `! reason`: something went wrong for this client.
    Error(String),
}

impl fmt::Display for ServerLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::You(name) => write!(f, "YOU {name}"),
            Self::State(state) => write!(f, "STATE {state}"),
            Self::Pong(token) => write!(f, "PONG {token}"),
            Self::Error(reason) => write!(f, "! {reason}"),
        }
    }
}

/// Parses one line the game server sent (without its line ending).
pub fn parse_server_line(line: &str) -> Result<ServerLine, ParseError> {
    let bad = || ParseError::new("game", line);
    if let Some(reason) = line.strip_prefix("! ") {
        return Ok(ServerLine::Error(reason.to_owned()));
    }
    if let Some(name) = line.strip_prefix("YOU ") {
        return is_valid_name(name)
            .then(|| ServerLine::You(name.to_owned()))
            .ok_or_else(bad);
    }
    if let Some(token) = line.strip_prefix("PONG ") {
        return is_valid_token(token)
            .then(|| ServerLine::Pong(token.to_owned()))
            .ok_or_else(bad);
    }
    let state = line.strip_prefix("STATE ").ok_or_else(bad)?;
    parse_state(state).map(ServerLine::State).ok_or_else(bad)
}

fn parse_state(text: &str) -> Option<GameState> {
    let (coin, players) = text.strip_prefix("coin=")?.split_once(" players=")?;
    let (cx, cy) = coin.split_once(',')?;
    let coin = on_grid(cx, cy)?;
    let players = if players.is_empty() {
        Vec::new()
    } else {
        players
            .split(';')
            .map(|p| {
                let fields: Vec<&str> = p.split(':').collect();
                let [name, x, y, score] = fields[..] else {
                    return None;
                };
                let (x, y) = on_grid(x, y)?;
                is_valid_name(name).then_some(())?;
                Some(Player {
                    name: name.to_owned(),
                    x,
                    y,
                    score: parse_number(score)?,
                })
            })
            .collect::<Option<_>>()?
    };
    Some(GameState { coin, players })
}

fn on_grid(x: &str, y: &str) -> Option<(u8, u8)> {
    let (x, y) = (parse_number::<u8>(x)?, parse_number::<u8>(y)?);
    (x < GRID_WIDTH && y < GRID_HEIGHT).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_in_any_case() {
        assert_eq!(parse_command("MOVE U"), Ok(Command::Move(Direction::Up)));
        assert_eq!(parse_command("move r"), Ok(Command::Move(Direction::Right)));
        assert_eq!(
            parse_command(" Move  l "),
            Ok(Command::Move(Direction::Left))
        );
        assert_eq!(parse_command("MOVE D"), Ok(Command::Move(Direction::Down)));
        assert_eq!(parse_command("NAME ada"), Ok(Command::Name("ada".into())));
        assert_eq!(
            parse_command("PING 12.5-x"),
            Ok(Command::Ping("12.5-x".into()))
        );
        assert_eq!(parse_command(""), Ok(Command::Empty));
        for cmd in [
            Command::Move(Direction::Down),
            Command::Name("ada".into()),
            Command::Ping("t1".into()),
        ] {
            assert_eq!(parse_command(&cmd.to_string()), Ok(cmd));
        }
    }

    #[test]
    fn refuses_bad_commands() {
        assert_eq!(
            parse_command("MOVE"),
            Err(CommandError::BadDirection(String::new()))
        );
        assert_eq!(
            parse_command("MOVE UP"),
            Err(CommandError::BadDirection("UP".into()))
        );
        assert_eq!(
            parse_command("NAME a:b"),
            Err(CommandError::BadName("a:b".into()))
        );
        assert_eq!(
            parse_command("NAME"),
            Err(CommandError::BadName(String::new()))
        );
        assert_eq!(parse_command("PING"), Err(CommandError::BadToken));
        assert_eq!(parse_command("PING a b"), Err(CommandError::BadToken));
        assert_eq!(
            parse_command(&format!("PING {}", "t".repeat(65))),
            Err(CommandError::BadToken)
        );
        assert_eq!(
            parse_command("JUMP"),
            Err(CommandError::Unknown("JUMP".into()))
        );
        assert_eq!(
            CommandError::Unknown("JUMP".into()).to_string(),
            "unknown command JUMP (try MOVE U|D|L|R, NAME x, PING token)"
        );
    }

    #[test]
    fn steps_stop_at_the_edges() {
        assert_eq!(Direction::Up.step((3, 0)), None);
        assert_eq!(Direction::Left.step((0, 3)), None);
        assert_eq!(Direction::Right.step((GRID_WIDTH - 1, 0)), None);
        assert_eq!(Direction::Down.step((0, GRID_HEIGHT - 1)), None);
        assert_eq!(Direction::Down.step((2, 3)), Some((2, 4)));
        assert_eq!(Direction::Right.step((2, 3)), Some((3, 3)));
    }

    #[test]
    fn server_lines_have_fixed_text_and_round_trip() {
        let state = GameState {
            coin: (4, 7),
            players: vec![
                Player {
                    name: "p3".into(),
                    x: 0,
                    y: 0,
                    score: 2,
                },
                Player {
                    name: "alice".into(),
                    x: 15,
                    y: 9,
                    score: 0,
                },
            ],
        };
        let cases = [
            (ServerLine::You("p3".into()), "YOU p3"),
            (
                ServerLine::State(state),
                "STATE coin=4,7 players=p3:0:0:2;alice:15:9:0",
            ),
            (
                ServerLine::State(GameState {
                    coin: (0, 9),
                    players: vec![],
                }),
                "STATE coin=0,9 players=",
            ),
            (ServerLine::Pong("abc".into()), "PONG abc"),
            (ServerLine::Error("nope".into()), "! nope"),
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
            "YOU",
            "YOU a b",
            "PONG ",
            "STATE",
            "STATE coin=4,7",
            "STATE coin=4 players=",
            "STATE coin=16,0 players=",
            "STATE coin=0,10 players=",
            "STATE coin=a,b players=",
            "STATE coin=1,1 players=a:1:1",
            "STATE coin=1,1 players=a:1:1:1;",
            "STATE coin=1,1 players=a:1:1:x",
            "STATE coin=1,1 players=a b:1:1:1",
            "STATE coin=1,1 players=a:99:1:1",
            "state coin=1,1 players=",
        ] {
            assert_eq!(parse_server_line(bad).unwrap_err().line, bad, "{bad:?}");
        }
    }
}
