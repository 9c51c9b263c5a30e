//! `lamp`: remote control of a simulated lamp. Any client may switch it,
//! dim it or change its colour, and every change is pushed as a `STATE` line
//! to every connected client, so a terminal `nc` and a browser tab watch each
//! other's changes live. See [`protocol::scenarios::lamp`] for the lines.

use std::sync::{Arc, Mutex, MutexGuard};

use protocol::scenarios::{
    lamp::{parse_command, Command, LampState, ServerLine, HELP_TEXT},
    missed_note,
};
use tokio::{io, net::TcpStream, sync::broadcast};
use tokio_util::sync::CancellationToken;

use super::line::{Event, LineConn, BROADCAST_CAPACITY};

/// What the page shows next to the `lamp` target.
pub const DESCRIPTION: &str =
    "demo: a lamp to remote-control (ON, OFF, BRIGHTNESS n, COLOR #rrggbb, HELP)";

/// The lamp and the channel its changes go out on.
pub struct Lamp {
    state: Mutex<LampState>,
    tx: broadcast::Sender<LampState>,
}

impl Lamp {
    /// A lamp in its default state (off, 80, `#ffcc00`).
    pub fn new() -> Arc<Self> {
        let (tx, _) = broadcast::channel(BROADCAST_CAPACITY);
        Arc::new(Self {
            state: Mutex::new(LampState::default()),
            tx,
        })
    }

    /// The lamp as it is now.
    pub fn state(&self) -> LampState {
        *self.lock()
    }

    /// Applies `command`; a change is pushed to every client. Returns the
    /// lamp after it and whether it changed.
    fn apply(&self, command: &Command) -> (LampState, bool) {
        let mut lamp = self.lock();
        let changed = lamp.apply(command);
        if changed {
            // Sent under the lock so clients see changes in order; never waits.
            // No receivers only means nobody is watching.
            let _ = self.tx.send(*lamp);
        }
        (*lamp, changed)
    }

    fn lock(&self) -> MutexGuard<'_, LampState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs one remote control until the client leaves or the relay stops.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    lamp: Arc<Lamp>,
) -> io::Result<()> {
    let mut conn = LineConn::new(stream);
    let (now, mut rx) = {
        let state = lamp.lock();
        (*state, lamp.tx.subscribe())
    };
    conn.send(ServerLine::State(now)).await?;
    loop {
        let reply = match conn.next_event(&mut rx, &shutdown).await? {
            Event::Broadcast(state) => ServerLine::State(state),
            Event::Missed(n) => {
                // Only the newest state matters to a remote control.
                conn.send(ServerLine::Error(missed_note(n))).await?;
                ServerLine::State(lamp.state())
            }
            Event::Line(Err(err)) => ServerLine::Error(err.to_string()),
            Event::Line(Ok(line)) => match parse_command(&line) {
                Ok(Command::Empty) => continue,
                Ok(Command::Help) => ServerLine::Ok(HELP_TEXT.into()),
                Ok(Command::Status) => ServerLine::State(lamp.state()),
                Ok(command) => match lamp.apply(&command) {
                    // Everyone, this client included, gets the broadcast.
                    (_, true) => continue,
                    // Nothing changed: only the sender hears about it.
                    (state, false) => ServerLine::State(state),
                },
                Err(err) => ServerLine::Error(err.to_string()),
            },
            Event::End => return Ok(()),
        };
        conn.send(reply).await?;
    }
}
