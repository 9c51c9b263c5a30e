//! `chat`: one chat room shared by terminal `nc` users and browser tabs
//! (through the relay). Each connection gets a `guest-N` name, may pick a
//! nick, and everything said is broadcast to everyone, the speaker included.
//! See [`protocol::scenarios::chat`] for the lines.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, MutexGuard},
};

use protocol::scenarios::{
    chat::{parse_command, parse_server_line, Command, ServerLine},
    missed_note,
};
use tokio::{io, net::TcpStream, sync::broadcast};
use tokio_util::sync::CancellationToken;

use super::{
    line::{Event, LineConn, BROADCAST_CAPACITY},
    shared::{Publisher, SharedRoom, MAX_BODY_BYTES},
};

/// What the page shows next to the `chat` target.
pub const DESCRIPTION: &str = "demo: a chat room shared by browsers and nc (/nick, /who, /quit)";

/// The room: who is in it, and the channel every line said in it goes through.
pub struct ChatRoom {
    state: Mutex<RoomState>,
    tx: broadcast::Sender<Arc<str>>,
    /// Other relays' visitors hear this room's lines, and it theirs.
    shared: Option<Publisher>,
}

#[derive(Default)]
struct RoomState {
    next_id: u64,
    next_guest: u64,
    /// `(member id, name)` in order of arrival.
    members: Vec<(u64, String)>,
    /// `(relay instance, name)` of the visitors other relays announced, so
    /// that names stay unique across relays (as far as news travels); at
    /// most [`MAX_REMOTE_NAMES`], the oldest forgotten first.
    remote: VecDeque<(u64, String)>,
}

/// Names of other relays' visitors remembered at most.
const MAX_REMOTE_NAMES: usize = 1024;

impl RoomState {
    fn name_taken(&self, name: &str) -> bool {
        self.members
            .iter()
            .chain(self.remote.iter())
            .any(|(_, n)| n.eq_ignore_ascii_case(name))
    }

    /// Keeps track of who is where, from another relay's line.
    fn hear(&mut self, from: u64, line: &ServerLine) {
        let forget = |remote: &mut VecDeque<(u64, String)>, name: &str| {
            remote.retain(|(relay, n)| !(*relay == from && n == name));
        };
        match line {
            ServerLine::Joined { name } => {
                if self.remote.len() == MAX_REMOTE_NAMES {
                    self.remote.pop_front();
                }
                self.remote.push_back((from, name.clone()));
            }
            ServerLine::Renamed { old, new } => {
                forget(&mut self.remote, old);
                self.remote.push_back((from, new.clone()));
            }
            ServerLine::Left { name } => forget(&mut self.remote, name),
            _ => {}
        }
    }
}

impl ChatRoom {
    /// An empty room.
    pub fn new() -> Arc<Self> {
        Self::with_shared(None)
    }

    /// An empty room whose lines `shared` also carries to other relays.
    pub fn with_shared(shared: Option<Publisher>) -> Arc<Self> {
        let (tx, _) = broadcast::channel(BROADCAST_CAPACITY);
        Arc::new(Self {
            state: Mutex::new(RoomState::default()),
            tx,
            shared,
        })
    }

    /// Names in the room, in order of arrival.
    pub fn names(&self) -> Vec<String> {
        self.lock().members.iter().map(|(_, n)| n.clone()).collect()
    }

    /// Adds a guest and announces it. The receiver sees the announcement.
    fn join(self: &Arc<Self>) -> (Member, broadcast::Receiver<Arc<str>>) {
        let mut state = self.lock();
        let rx = self.tx.subscribe();
        let name = loop {
            state.next_guest += 1;
            let name = format!("guest-{}", state.next_guest);
            if !state.name_taken(&name) {
                break name;
            }
        };
        state.next_id += 1;
        let id = state.next_id;
        state.members.push((id, name.clone()));
        self.announce(ServerLine::Joined { name });
        let member = Member {
            room: self.clone(),
            id,
        };
        (member, rx)
    }

    /// Sends a line to everyone. Call with the state locked, so lines go out
    /// in the order the room changed; sending never waits.
    fn announce(&self, line: ServerLine) {
        let line: Arc<str> = line.to_string().into();
        if let Some(shared) = &self.shared {
            shared.publish(ROOM, line.to_string(), false);
        }
        // No receivers only means the room is empty.
        let _ = self.tx.send(line);
    }

    fn lock(&self) -> MutexGuard<'_, RoomState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The room's name among the shared rooms.
const ROOM: &str = "chat";

impl SharedRoom for ChatRoom {
    fn name(&self) -> &'static str {
        ROOM
    }

    /// A line said in the room on another relay: heard here as it was said.
    fn receive(&self, from: u64, line: &str) {
        if line.len() > MAX_BODY_BYTES || line.contains(['\r', '\n']) {
            return;
        }
        let Ok(parsed) = parse_server_line(line) else {
            return;
        };
        let mut state = self.lock();
        state.hear(from, &parsed);
        // No receivers only means nobody here is in the room.
        let _ = self.tx.send(line.into());
    }
}

/// One connection's place in the room; leaving (however the connection
/// ends) is announced when it drops.
struct Member {
    room: Arc<ChatRoom>,
    id: u64,
}

impl Member {
    fn name(&self) -> String {
        self.name_locked(&self.room.lock())
    }

    fn say(&self, text: String) {
        let state = self.room.lock();
        self.room.announce(ServerLine::Message {
            from: self.name_locked(&state),
            text,
        });
    }

    /// Renames, or says why not.
    fn rename(&self, new: &str) -> Result<(), String> {
        let mut state = self.room.lock();
        let old = self.name_locked(&state);
        if old == new {
            return Err(format!("you are already {new}"));
        }
        let taken_here = state
            .members
            .iter()
            .any(|(id, n)| *id != self.id && n.eq_ignore_ascii_case(new));
        let taken_elsewhere = state
            .remote
            .iter()
            .any(|(_, n)| n.eq_ignore_ascii_case(new));
        if taken_here || taken_elsewhere {
            return Err(format!("nick {new} is taken"));
        }
        if let Some(member) = state.members.iter_mut().find(|(id, _)| *id == self.id) {
            member.1 = new.to_owned();
        }
        self.room.announce(ServerLine::Renamed {
            old,
            new: new.to_owned(),
        });
        Ok(())
    }

    fn name_locked(&self, state: &RoomState) -> String {
        state
            .members
            .iter()
            .find(|(id, _)| *id == self.id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let mut state = self.room.lock();
        if let Some(i) = state.members.iter().position(|(id, _)| *id == self.id) {
            let (_, name) = state.members.remove(i);
            self.room.announce(ServerLine::Left { name });
        }
    }
}

/// Runs one chat connection until `/quit`, the client leaves, or shutdown.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    room: Arc<ChatRoom>,
) -> io::Result<()> {
    let mut conn = LineConn::new(stream);
    let (member, mut rx) = room.join();
    conn.send(ServerLine::Welcome {
        name: member.name(),
    })
    .await?;
    loop {
        let reply = match conn.next_event(&mut rx, &shutdown).await? {
            Event::Broadcast(line) => {
                conn.send(&line).await?;
                continue;
            }
            Event::Missed(n) => ServerLine::Error(missed_note(n)),
            Event::Line(Err(err)) => ServerLine::Error(err.to_string()),
            Event::Line(Ok(line)) => match parse_command(&line) {
                Ok(Command::Empty) => continue,
                Ok(Command::Say(text)) => {
                    member.say(text);
                    continue;
                }
                Ok(Command::Nick(name)) => match member.rename(&name) {
                    Ok(()) => continue,
                    Err(reason) => ServerLine::Error(reason),
                },
                Ok(Command::Who) => ServerLine::Who {
                    names: room.names(),
                },
                Ok(Command::Quit) => {
                    conn.send(ServerLine::Bye).await?;
                    return Ok(());
                }
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

    fn drain(rx: &mut broadcast::Receiver<Arc<str>>) -> Vec<String> {
        std::iter::from_fn(|| rx.try_recv().ok().map(|l| l.to_string())).collect()
    }

    #[test]
    fn joins_renames_and_leaves_are_announced_in_order() {
        let room = ChatRoom::new();
        let (alice, mut rx) = room.join();
        let (bob, _bob_rx) = room.join();
        alice.rename("alice").unwrap();
        assert_eq!(bob.rename("ALICE"), Err("nick ALICE is taken".into()));
        assert_eq!(alice.rename("alice"), Err("you are already alice".into()));
        bob.say("hi".into());
        assert_eq!(room.names(), ["alice", "guest-2"]);
        drop(bob);
        assert_eq!(
            drain(&mut rx),
            [
                "* guest-1 joined",
                "* guest-2 joined",
                "* guest-1 is now alice",
                "<guest-2> hi",
                "* guest-2 left"
            ]
        );
        assert_eq!(room.names(), ["alice"]);
    }

    #[test]
    fn names_heard_from_other_relays_are_taken_until_they_leave() {
        let room = ChatRoom::new();
        room.receive(7, "* guest-1 joined");
        room.receive(7, "* guest-1 is now carol");
        room.receive(7, "* guest-2 joined");
        let (first, _rx) = room.join();
        assert_eq!(first.name(), "guest-1", "carol's old name is free again");
        let (second, _rx2) = room.join();
        assert_eq!(second.name(), "guest-3");
        assert_eq!(first.rename("Carol"), Err("nick Carol is taken".into()));
        room.receive(7, "* carol left");
        assert_eq!(first.rename("carol"), Ok(()));
        assert_eq!(
            room.names(),
            ["carol", "guest-3"],
            "/who lists this relay's visitors"
        );
        room.receive(7, "two\nlines");
        room.receive(7, "not a chat line");
    }

    #[test]
    fn guest_names_skip_taken_nicks() {
        let room = ChatRoom::new();
        let (first, _rx) = room.join();
        first.rename("guest-2").unwrap();
        let (second, _rx2) = room.join();
        assert_eq!(second.name(), "guest-3");
    }
}
