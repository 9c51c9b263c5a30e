//! `game`: a tiny real-time arena. Each connection is a dot on a 16×10 grid;
//! whoever reaches the coin scores and the coin jumps to a free cell. Every
//! change is broadcast as one `STATE` line, and `PING`/`PONG` lets the page
//! measure its round trip. See [`protocol::scenarios::game`] for the lines.

use std::sync::{Arc, Mutex, MutexGuard};

use protocol::scenarios::{
    game::{
        parse_command, Command, Direction, GameState, Player, ServerLine, GRID_HEIGHT, GRID_WIDTH,
    },
    missed_note,
};
use tokio::{io, net::TcpStream, sync::broadcast};
use tokio_util::sync::CancellationToken;

use super::line::{Event, LineConn, Rng, BROADCAST_CAPACITY};

/// What the page shows next to the `game` target.
pub const DESCRIPTION: &str =
    "demo: a multiplayer arena (MOVE U|D|L|R, NAME x, PING t); open two tabs";

/// Players at once; more are turned away.
pub const MAX_PLAYERS: usize = 32;

/// The shared arena and the channel its `STATE` lines go out on.
pub struct Arena {
    state: Mutex<Board>,
    tx: broadcast::Sender<Arc<str>>,
}

/// The game's rules, without any I/O.
struct Board {
    rng: Rng,
    coin: (u8, u8),
    next_id: u64,
    next_number: u64,
    /// `(player id, player)` in order of arrival.
    players: Vec<(u64, Player)>,
}

impl Board {
    fn new(seed: u64) -> Self {
        let mut board = Self {
            rng: Rng::new(seed),
            coin: (0, 0),
            next_id: 0,
            next_number: 0,
            players: Vec::new(),
        };
        board.coin = board.free_cell();
        board
    }

    /// A random cell with no player (and not the coin) if there is one.
    fn free_cell(&mut self) -> (u8, u8) {
        let taken = |board: &Self, cell: (u8, u8)| {
            cell == board.coin || board.players.iter().any(|(_, p)| (p.x, p.y) == cell)
        };
        let cells = u64::from(GRID_WIDTH) * u64::from(GRID_HEIGHT);
        let start = self.rng.below(cells);
        (0..cells)
            .map(|i| {
                let n = (start + i) % cells;
                (
                    (n % u64::from(GRID_WIDTH)) as u8,
                    (n / u64::from(GRID_WIDTH)) as u8,
                )
            })
            .find(|cell| !taken(self, *cell))
            .unwrap_or(self.coin)
    }

    fn join(&mut self) -> Option<(u64, String)> {
        if self.players.len() >= MAX_PLAYERS {
            return None;
        }
        let name = loop {
            self.next_number += 1;
            let name = format!("p{}", self.next_number);
            if !self.name_taken(&name) {
                break name;
            }
        };
        let (x, y) = self.free_cell();
        self.next_id += 1;
        self.players.push((
            self.next_id,
            Player {
                name: name.clone(),
                x,
                y,
                score: 0,
            },
        ));
        Some((self.next_id, name))
    }

    fn leave(&mut self, id: u64) {
        self.players.retain(|(pid, _)| *pid != id);
    }

    fn player(&mut self, id: u64) -> Option<&mut Player> {
        self.players
            .iter_mut()
            .find(|(pid, _)| *pid == id)
            .map(|(_, p)| p)
    }

    fn name_taken(&self, name: &str) -> bool {
        self.players
            .iter()
            .any(|(_, p)| p.name.eq_ignore_ascii_case(name))
    }

    /// Moves a player; true when anything changed (a step at the edge does not).
    fn move_player(&mut self, id: u64, dir: Direction) -> bool {
        let coin = self.coin;
        let Some(player) = self.player(id) else {
            return false;
        };
        let Some((x, y)) = dir.step((player.x, player.y)) else {
            return false;
        };
        (player.x, player.y) = (x, y);
        if (x, y) == coin {
            player.score += 1;
            self.coin = self.free_cell();
        }
        true
    }

    fn rename(&mut self, id: u64, name: &str) -> Result<(), String> {
        let taken = self
            .players
            .iter()
            .any(|(pid, p)| *pid != id && p.name.eq_ignore_ascii_case(name));
        if taken {
            return Err(format!("name {name} is taken"));
        }
        if let Some(player) = self.player(id) {
            player.name = name.to_owned();
        }
        Ok(())
    }

    fn snapshot(&self) -> GameState {
        GameState {
            coin: self.coin,
            players: self.players.iter().map(|(_, p)| p.clone()).collect(),
        }
    }
}

impl Arena {
    /// An empty arena with the coin placed by `seed`.
    pub fn new(seed: u64) -> Arc<Self> {
        let (tx, _) = broadcast::channel(BROADCAST_CAPACITY);
        Arc::new(Self {
            state: Mutex::new(Board::new(seed)),
            tx,
        })
    }

    /// The arena as it is now.
    pub fn snapshot(&self) -> GameState {
        self.lock().snapshot()
    }

    /// Broadcasts the state. Call with the board locked, so `STATE` lines go
    /// out in the order the board changed; sending never waits.
    fn publish(&self, board: &Board) {
        // No receivers only means nobody is playing.
        let _ = self
            .tx
            .send(ServerLine::State(board.snapshot()).to_string().into());
    }

    fn lock(&self) -> MutexGuard<'_, Board> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A player's place on the board; it leaves (and `STATE` says so) on drop.
struct Seat {
    arena: Arc<Arena>,
    id: u64,
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut board = self.arena.lock();
        board.leave(self.id);
        self.arena.publish(&board);
    }
}

/// Runs one player until they leave or the relay stops.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    arena: Arc<Arena>,
) -> io::Result<()> {
    let mut conn = LineConn::new(stream);
    let joined = {
        let mut board = arena.lock();
        board.join().map(|(id, name)| {
            let rx = arena.tx.subscribe();
            arena.publish(&board);
            (
                Seat {
                    arena: arena.clone(),
                    id,
                },
                name,
                rx,
            )
        })
    };
    let Some((seat, name, mut rx)) = joined else {
        return conn
            .send(ServerLine::Error("the arena is full".into()))
            .await;
    };
    conn.send(ServerLine::You(name)).await?;
    loop {
        let reply = match conn.next_event(&mut rx, &shutdown).await? {
            Event::Broadcast(line) => {
                conn.send(&line).await?;
                continue;
            }
            Event::Missed(n) => {
                // The newest state is all a player needs to catch up.
                conn.send(ServerLine::Error(missed_note(n))).await?;
                ServerLine::State(arena.snapshot())
            }
            Event::Line(Err(err)) => ServerLine::Error(err.to_string()),
            Event::Line(Ok(line)) => match parse_command(&line) {
                Ok(Command::Empty) => continue,
                Ok(Command::Move(dir)) => {
                    let mut board = arena.lock();
                    if board.move_player(seat.id, dir) {
                        arena.publish(&board);
                    }
                    continue;
                }
                Ok(Command::Name(name)) => {
                    let mut board = arena.lock();
                    match board.rename(seat.id, &name) {
                        Ok(()) => {
                            arena.publish(&board);
                            ServerLine::You(name)
                        }
                        Err(reason) => ServerLine::Error(reason),
                    }
                }
                Ok(Command::Ping(token)) => ServerLine::Pong(token),
                Err(err) => ServerLine::Error(err.to_string()),
            },
            Event::End => return Ok(()),
        };
        conn.send(reply).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moves `id` step by step onto the coin; returns how many steps it took.
    fn walk_to_coin(board: &mut Board, id: u64) -> usize {
        let mut steps = 0;
        let coin = board.coin;
        loop {
            let p = board.player(id).unwrap().clone();
            let dir = if p.x < coin.0 {
                Direction::Right
            } else if p.x > coin.0 {
                Direction::Left
            } else if p.y < coin.1 {
                Direction::Down
            } else if p.y > coin.1 {
                Direction::Up
            } else {
                return steps;
            };
            assert!(board.move_player(id, dir));
            steps += 1;
            if board.coin != coin {
                return steps;
            }
        }
    }

    #[test]
    fn reaching_the_coin_scores_and_moves_it() {
        for seed in 0..50 {
            let mut board = Board::new(seed);
            let (id, _) = board.join().unwrap();
            let coin = board.coin;
            walk_to_coin(&mut board, id);
            let p = board.player(id).unwrap().clone();
            assert_eq!((p.x, p.y, p.score), (coin.0, coin.1, 1), "seed {seed}");
            assert_ne!(board.coin, coin, "the coin moves away");
            assert_ne!(board.coin, (p.x, p.y), "the coin never lands on a player");
        }
    }

    #[test]
    fn walls_stop_players_and_change_nothing() {
        let mut board = Board::new(5);
        let (id, _) = board.join().unwrap();
        let p = board.player(id).unwrap();
        (p.x, p.y) = (0, 0);
        let before = board.snapshot();
        assert!(!board.move_player(id, Direction::Up));
        assert!(!board.move_player(id, Direction::Left));
        assert_eq!(board.snapshot(), before);
    }

    #[test]
    fn names_are_unique_and_the_arena_has_room_for_32() {
        let mut board = Board::new(1);
        let (a, _) = board.join().unwrap();
        let (b, name_b) = board.join().unwrap();
        assert_eq!(name_b, "p2");
        board.rename(a, "ada").unwrap();
        assert_eq!(board.rename(b, "ADA"), Err("name ADA is taken".into()));
        for _ in 2..MAX_PLAYERS {
            assert!(board.join().is_some());
        }
        assert!(board.join().is_none(), "player 33 is turned away");
        board.leave(a);
        assert_eq!(board.players.len(), MAX_PLAYERS - 1);
        let cells: std::collections::HashSet<_> =
            board.players.iter().map(|(_, p)| (p.x, p.y)).collect();
        assert_eq!(
            cells.len(),
            board.players.len(),
            "players spawn on free cells"
        );
    }
}
