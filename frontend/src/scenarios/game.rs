//! The game panel's state: the arena as the last `STATE` drew it, which
//! player we are, and the round trip measured by `PING`/`PONG`.

use std::rc::Rc;

use protocol::scenarios::game::{parse_server_line, GameState, Player, ServerLine};
use yew::Reducible;

/// Milliseconds between two `PING`s.
pub const PING_INTERVAL_MS: u32 = 1_000;

/// The token of a `PING` sent at `at_ms`: the time itself, so the `PONG`
/// says when its `PING` left.
pub fn ping_token(at_ms: u64) -> String {
    at_ms.to_string()
}

/// What the game panel received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameAction {
    /// A whole line from the arena, received at `at_ms`.
    Received {
        /// The line without its ending.
        line: String,
        /// When it arrived.
        at_ms: u64,
    },
    /// A new connection.
    Reset,
}

/// The game panel's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Game {
    /// Our player's name, from `YOU`.
    pub me: Option<String>,
    /// The arena, from the last `STATE`.
    pub arena: Option<GameState>,
    /// The last round trip, in milliseconds.
    pub rtt_ms: Option<u64>,
    /// The last `! reason` or unreadable line.
    pub error: Option<String>,
}

impl Game {
    /// Applies one action.
    pub fn apply(&mut self, action: GameAction) {
        match action {
            GameAction::Received { line, at_ms } => match parse_server_line(&line) {
                Ok(ServerLine::You(name)) => self.me = Some(name),
                Ok(ServerLine::State(state)) => self.arena = Some(state),
                Ok(ServerLine::Pong(token)) => {
                    if let Ok(sent) = token.parse::<u64>() {
                        self.rtt_ms = Some(at_ms.saturating_sub(sent));
                    }
                }
                Ok(ServerLine::Error(reason)) => self.error = Some(reason),
                Err(err) => self.error = Some(err.to_string()),
            },
            GameAction::Reset => *self = Self::default(),
        }
    }

    /// Players by score, highest first (ties in order of arrival).
    pub fn scoreboard(&self) -> Vec<&Player> {
        let mut players: Vec<&Player> = self.arena.iter().flat_map(|a| a.players.iter()).collect();
        players.sort_by_key(|p| std::cmp::Reverse(p.score));
        players
    }

    /// Our player in the arena.
    pub fn my_player(&self) -> Option<&Player> {
        let me = self.me.as_deref()?;
        self.arena.as_ref()?.players.iter().find(|p| p.name == me)
    }
}

impl Reducible for Game {
    type Action = GameAction;

    fn reduce(self: Rc<Self>, action: GameAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recv(game: &mut Game, line: &str, at_ms: u64) {
        game.apply(GameAction::Received {
            line: line.into(),
            at_ms,
        });
    }

    #[test]
    fn state_you_and_pong() {
        let mut game = Game::default();
        recv(&mut game, "YOU p2", 0);
        recv(&mut game, "STATE coin=4,7 players=p1:0:0:1;p2:3:3:5", 0);
        assert_eq!(game.my_player().map(|p| (p.x, p.y)), Some((3, 3)));
        let names: Vec<_> = game.scoreboard().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p2", "p1"]);
        recv(&mut game, &format!("PONG {}", ping_token(1_000)), 1_037);
        assert_eq!(game.rtt_ms, Some(37));
        // A token that is not ours changes nothing.
        recv(&mut game, "PONG abc", 5_000);
        assert_eq!(game.rtt_ms, Some(37));
        recv(&mut game, "! unknown command JUMP", 0);
        assert_eq!(game.error.as_deref(), Some("unknown command JUMP"));
        recv(&mut game, "STATE nonsense", 0);
        assert!(game
            .error
            .as_deref()
            .unwrap()
            .contains("malformed game line"));
        assert_eq!(game.arena.as_ref().map(|a| a.coin), Some((4, 7)));
        game.apply(GameAction::Reset);
        assert_eq!(game, Game::default());
    }
}
