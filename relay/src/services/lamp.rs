//! `lamp`: remote control of a simulated lamp. Any client may switch it,
//! dim it or change its colour, and every change is pushed as a `STATE` line
//! to every connected client, so a terminal `nc` and a browser tab watch each
//! other's changes live. See [`protocol::scenarios::lamp`] for the lines.

use std::sync::{Arc, Mutex, MutexGuard};

use protocol::scenarios::{
    lamp::{parse_command, parse_server_line, Command, LampState, ServerLine, HELP_TEXT},
    missed_note,
};
use tokio::{io, net::TcpStream, sync::broadcast};
use tokio_util::sync::CancellationToken;

use super::{
    line::{now_ms, Event, LineConn, BROADCAST_CAPACITY},
    shared::{Publisher, SharedRoom},
};

/// What the page shows next to the `lamp` target.
pub const DESCRIPTION: &str =
    "demo: a lamp to remote-control (ON, OFF, BRIGHTNESS n, COLOR #rrggbb, HELP)";

/// The lamp and the channel its changes go out on.
pub struct Lamp {
    state: Mutex<Stamped>,
    tx: broadcast::Sender<LampState>,
    /// Other relays' lamps, kept in step with this one.
    shared: Option<Publisher>,
}

/// The lamp and which change made it so. Between relays the newest change
/// wins, whatever order Redis delivers them in, so all lamps end alike.
#[derive(Debug, Clone, Copy, Default)]
struct Stamped {
    lamp: LampState,
    version: Version,
}

/// When a change was made (milliseconds, always past the version before it)
/// and by which relay: ordered, so two relays agree which change is newer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Version {
    stamp_ms: u64,
    instance: u64,
}

/// The lamp's name among the shared rooms.
const ROOM: &str = "lamp";

impl Lamp {
    /// A lamp in its default state (off, 80, `#ffcc00`).
    pub fn new() -> Arc<Self> {
        Self::with_shared(None)
    }

    /// A lamp that `shared` keeps in step with other relays' lamps.
    pub fn with_shared(shared: Option<Publisher>) -> Arc<Self> {
        let (tx, _) = broadcast::channel(BROADCAST_CAPACITY);
        Arc::new(Self {
            state: Mutex::new(Stamped::default()),
            tx,
            shared,
        })
    }

    /// The lamp as it is now.
    pub fn state(&self) -> LampState {
        self.lock().lamp
    }

    /// Applies `command`; a change is pushed to every client. Returns the
    /// lamp after it and whether it changed.
    fn apply(&self, command: &Command) -> (LampState, bool) {
        let mut state = self.lock();
        let changed = state.lamp.apply(command);
        if changed {
            if let Some(shared) = &self.shared {
                state.version = Version {
                    stamp_ms: now_ms().max(state.version.stamp_ms + 1),
                    instance: shared.instance(),
                };
                shared.publish(ROOM, encode(&state), true);
            }
            // Sent under the lock so clients see changes in order; never waits.
            // No receivers only means nobody is watching.
            let _ = self.tx.send(state.lamp);
        }
        (state.lamp, changed)
    }

    /// Takes another relay's change if it is newer than this lamp's; pushes
    /// it to the clients if the lamp looks different.
    fn merge(&self, from: u64, body: &str) {
        let Some(theirs) = decode(from, body) else {
            return;
        };
        let mut state = self.lock();
        if theirs.version <= state.version {
            return;
        }
        let looks_different = theirs.lamp != state.lamp;
        *state = theirs;
        if looks_different {
            let _ = self.tx.send(state.lamp);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Stamped> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `<stamp_ms> STATE power=.. brightness=.. color=..`.
fn encode(state: &Stamped) -> String {
    format!(
        "{} {}",
        state.version.stamp_ms,
        ServerLine::State(state.lamp)
    )
}

fn decode(from: u64, body: &str) -> Option<Stamped> {
    let (stamp, line) = body.split_once(' ')?;
    let ServerLine::State(lamp) = parse_server_line(line).ok()? else {
        return None;
    };
    Some(Stamped {
        lamp,
        version: Version {
            stamp_ms: stamp.parse().ok()?,
            instance: from,
        },
    })
}

impl SharedRoom for Lamp {
    fn name(&self) -> &'static str {
        ROOM
    }

    fn receive(&self, from: u64, body: &str) {
        self.merge(from, body);
    }

    fn keeps_state(&self) -> bool {
        true
    }

    /// Takes the stored lamp if newer; offers this one if it is newer and
    /// was switched here (another relay's change is that relay's to store).
    fn resync(&self, stored: Option<(u64, &str)>) -> Option<String> {
        let stored_version = stored.and_then(|(from, body)| {
            self.merge(from, body);
            decode(from, body).map(|s| s.version)
        });
        let state = self.lock();
        let ours = self.shared.as_ref().map(Publisher::instance);
        let newer = stored_version.is_none_or(|v| state.version > v);
        (newer && Some(state.version.instance) == ours).then(|| encode(&state))
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
        (state.lamp, lamp.tx.subscribe())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn change(lamp: &Lamp, from: u64, stamp_ms: u64, command: Command) {
        let mut theirs = LampState::default();
        theirs.apply(&command);
        let body = encode(&Stamped {
            lamp: theirs,
            version: Version {
                stamp_ms,
                instance: from,
            },
        });
        lamp.merge(from, &body);
    }

    #[test]
    fn the_newest_change_wins_in_any_order() {
        let (a, b) = (Lamp::new(), Lamp::new());
        // Relay 1 switched it on at t=10, relay 2 set brightness at t=20;
        // Redis hands them over in opposite orders.
        change(&a, 1, 10, Command::On);
        change(&a, 2, 20, Command::Brightness(5));
        change(&b, 2, 20, Command::Brightness(5));
        change(&b, 1, 10, Command::On);
        assert_eq!(a.state(), b.state());
        assert_eq!((a.state().power, a.state().brightness), (false, 5));
        // Same stamp: the instance id breaks the tie, the same way everywhere.
        change(&a, 3, 20, Command::On);
        assert!(a.state().power);
    }

    #[test]
    fn an_unchanged_look_is_not_pushed_again() {
        let lamp = Lamp::new();
        let mut rx = lamp.tx.subscribe();
        change(&lamp, 1, 10, Command::On);
        change(&lamp, 2, 11, Command::On);
        change(&lamp, 2, 5, Command::Off);
        assert!(rx.try_recv().unwrap().power);
        assert!(rx.try_recv().is_err(), "one push for one visible change");
        assert!(lamp.state().power, "an older change is ignored");
    }
}
