//! The page's state and every way it can change: a pure reducer with no
//! web-sys in it, so it is tested on the host. Time comes in with the actions
//! (milliseconds since the epoch), never read here.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use protocol::TargetInfo;
use thiserror::Error;
use yew::Reducible;

pub mod append_log;
pub mod experiments;
pub mod window;
pub mod wiretap;

/// How many log entries are kept (and shown). Older ones are dropped and only
/// counted, so a long session stays fast however many messages it sees.
pub const LOG_WINDOW: usize = 500;

/// How many bytes of one message the log keeps for display. The full length
/// is still recorded.
pub const MAX_KEPT_BYTES: usize = 4096;

/// One WebSocket message: the two kinds of data frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A text frame (always UTF-8).
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl Payload {
    /// The bytes the relay puts on the TCP side for this message.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Binary(bytes) => bytes,
        }
    }

    /// True for a text frame.
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Text(_))
    }
}

/// How a WebSocket ended, as the browser's `close` event tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseInfo {
    /// The close code (1006 when no close frame arrived).
    pub code: u16,
    /// The reason from the close frame; empty when there was none.
    pub reason: String,
    /// `wasClean`: a close handshake took place.
    pub clean: bool,
}

/// The connection as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Conn {
    /// No connection attempted yet.
    #[default]
    Idle,
    /// The WebSocket handshake is under way.
    Connecting {
        /// The WebSocket URL.
        url: String,
    },
    /// The WebSocket is open: bytes flow to and from the TCP service.
    Open {
        /// The WebSocket URL.
        url: String,
    },
    /// The WebSocket closed, or never opened.
    Closed(CloseInfo),
}

impl Conn {
    /// The value of `#status`'s `data-state` attribute.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting { .. } => "connecting",
            Self::Open { .. } => "open",
            Self::Closed(_) => "closed",
        }
    }

    /// True while a socket exists (connecting or open).
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Connecting { .. } | Self::Open { .. })
    }

    /// True when messages can be sent.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open { .. })
    }
}

/// Why the target list could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetsError {
    /// The request did not complete (relay down, network error).
    #[error("request failed: {0}")]
    Network(String),
    /// The relay answered with a status other than 200.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The body was not a target list.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// The relay offers no target at all.
    #[error("no targets configured")]
    Empty,
}

/// Why a message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// The socket closed between the click and the send.
    #[error("the WebSocket is not open")]
    NotOpen,
    /// `send()` threw; the exception's message.
    #[error("{0}")]
    Browser(String),
}

/// The target list, as far as it has been loaded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Targets {
    /// The request is under way.
    #[default]
    Loading,
    /// The relay's targets, in its order.
    Loaded(Rc<Vec<TargetInfo>>),
    /// Loading failed.
    Failed(TargetsError),
}

/// One WebSocket connection attempt. Its id tells events of the current
/// socket from late events of an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Increases with every connect.
    pub id: u64,
    /// The target's name.
    pub target: String,
    /// The WebSocket URL to open.
    pub url: String,
}

/// Something the log records that is not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SysEvent {
    /// `new WebSocket(url)` was called.
    Connecting {
        /// The WebSocket URL.
        url: String,
    },
    /// The handshake succeeded.
    Opened,
    /// The visitor asked to close.
    Closing,
    /// The socket closed.
    Closed(CloseInfo),
    /// The browser fired an `error` event (it carries no details).
    Error,
    /// The browser refused to create the socket at all.
    OpenFailed {
        /// The exception's message.
        reason: String,
    },
    /// A message could not be sent.
    SendFailed(SendError),
}

/// What a log entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryBody {
    /// A message this page sent.
    Out(Message),
    /// A message the relay sent.
    In(Message),
    /// A connection event.
    Sys(SysEvent),
}

/// A message as kept in the log: at most [`MAX_KEPT_BYTES`] of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Text or binary frame.
    pub text: bool,
    /// The message's full length in bytes.
    pub len: usize,
    /// Its first bytes (all of them when `len <= MAX_KEPT_BYTES`).
    pub head: Vec<u8>,
}

impl Message {
    fn from_payload(payload: &Payload) -> Self {
        let bytes = payload.bytes();
        Self {
            text: payload.is_text(),
            len: bytes.len(),
            head: bytes[..bytes.len().min(MAX_KEPT_BYTES)].to_vec(),
        }
    }

    /// True when only the first [`MAX_KEPT_BYTES`] were kept.
    pub fn truncated(&self) -> bool {
        self.head.len() < self.len
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique and increasing within a page; also the entry's 1-based number.
    pub id: u64,
    /// When it happened, milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// What happened.
    pub body: EntryBody,
}

impl Entry {
    /// The value of the entry's `data-dir` attribute: `out`, `in` or `sys`.
    pub fn dir(&self) -> &'static str {
        match self.body {
            EntryBody::Out(_) => "out",
            EntryBody::In(_) => "in",
            EntryBody::Sys(_) => "sys",
        }
    }
}

/// The newest [`LOG_WINDOW`] entries and a count of all of them.
///
/// Clones share one ring of entries and differ only in where their history
/// ends, so the reducer's copy of the state per action costs O(1), not a
/// copy of the window.
#[derive(Debug, Clone, Default)]
pub struct Log {
    ring: Rc<RefCell<VecDeque<Rc<Entry>>>>,
    total: u64,
    next_id: u64,
}

impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.ring, &other.ring)
            && self.total == other.total
            && self.next_id == other.next_id
    }
}

impl Eq for Log {}

impl Log {
    /// Add an entry, dropping the oldest kept one past [`LOG_WINDOW`].
    fn push(&mut self, at_ms: u64, body: EntryBody) {
        let newest = self.ring.borrow().back().map(|e| e.id);
        if newest.is_some_and(|id| id != self.next_id) {
            // A newer copy of the state already grew the shared ring: this
            // one takes its own copy of what it had.
            let mine: VecDeque<_> = self
                .ring
                .borrow()
                .iter()
                .filter(|e| e.id <= self.next_id)
                .cloned()
                .collect();
            self.ring = Rc::new(RefCell::new(mine));
        }
        self.next_id += 1;
        self.total += 1;
        let mut ring = self.ring.borrow_mut();
        if ring.len() == LOG_WINDOW {
            ring.pop_front();
        }
        ring.push_back(Rc::new(Entry {
            id: self.next_id,
            at_ms,
            body,
        }));
    }

    fn clear(&mut self) {
        self.ring = Rc::default();
        self.total = 0;
    }

    /// The kept entries, oldest first.
    pub fn entries(&self) -> std::vec::IntoIter<Rc<Entry>> {
        let kept = self.total.min(LOG_WINDOW as u64);
        let first = self.next_id - kept;
        let entries: Vec<Rc<Entry>> = self
            .ring
            .borrow()
            .iter()
            .filter(|e| e.id > first && e.id <= self.next_id)
            .cloned()
            .collect();
        entries.into_iter()
    }

    /// Entries logged since the last clear, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Entries logged since the last clear that are no longer kept.
    pub fn hidden(&self) -> u64 {
        self.total - self.total.min(LOG_WINDOW as u64)
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// The relay's targets.
    pub targets: Targets,
    /// Bumped to ask for the target list again.
    pub targets_request: u32,
    /// The target the picker shows.
    pub selected: Option<String>,
    /// The connection's state.
    pub conn: Conn,
    /// The socket that should exist: the effect that owns the WebSocket is
    /// keyed on this.
    pub session: Option<Session>,
    next_session: u64,
    /// The message log.
    pub log: Log,
}

/// Every change to [`State`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The target list request finished.
    TargetsLoaded(Result<Vec<TargetInfo>, TargetsError>),
    /// Ask for the target list again.
    ReloadTargets,
    /// The visitor picked a target.
    Select(String),
    /// The visitor pressed Connect; `url` is the WebSocket URL for the
    /// selected target.
    Connect {
        /// WebSocket URL.
        url: String,
        /// Time, ms since the epoch.
        at_ms: u64,
    },
    /// The visitor pressed Disconnect.
    Disconnect {
        /// Time, ms since the epoch.
        at_ms: u64,
    },
    /// The socket of `session` opened.
    Opened {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
    },
    /// The socket of `session` received a message.
    Received {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
        /// The message.
        payload: Payload,
    },
    /// This page sent a message on the socket of `session`.
    Sent {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
        /// The message.
        payload: Payload,
    },
    /// A message could not be sent.
    SendFailed {
        /// Time, ms since the epoch.
        at_ms: u64,
        /// Why.
        reason: SendError,
    },
    /// The socket of `session` fired `error`.
    Errored {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
    },
    /// The socket of `session` closed.
    Closed {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
        /// How it closed.
        info: CloseInfo,
    },
    /// `new WebSocket()` threw for `session`.
    OpenFailed {
        /// [`Session::id`].
        session: u64,
        /// Time, ms since the epoch.
        at_ms: u64,
        /// The exception's message.
        reason: String,
    },
    /// Empty the log and reset its count.
    ClearLog,
}

impl State {
    /// The id of the live session, if any.
    pub fn session_id(&self) -> Option<u64> {
        self.session.as_ref().map(|s| s.id)
    }

    fn is_current(&self, session: u64) -> bool {
        self.session_id() == Some(session)
    }

    /// Apply one action. Events of a session that is no longer current are
    /// ignored: they belong to a socket the page has let go of.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::TargetsLoaded(Ok(targets)) if targets.is_empty() => {
                self.targets = Targets::Failed(TargetsError::Empty);
            }
            Action::TargetsLoaded(Ok(targets)) => {
                let keep = self
                    .selected
                    .as_ref()
                    .is_some_and(|name| targets.iter().any(|t| &t.name == name));
                if !keep {
                    self.selected = targets.first().map(|t| t.name.clone());
                }
                self.targets = Targets::Loaded(Rc::new(targets));
            }
            Action::TargetsLoaded(Err(err)) => self.targets = Targets::Failed(err),
            Action::ReloadTargets => {
                self.targets = Targets::Loading;
                self.targets_request = self.targets_request.wrapping_add(1);
            }
            Action::Select(name) => {
                if !self.conn.is_active() {
                    self.selected = Some(name);
                }
            }
            Action::Connect { url, at_ms } => {
                let Some(target) = self.selected.clone() else {
                    return;
                };
                if self.conn.is_active() {
                    return;
                }
                self.next_session += 1;
                self.session = Some(Session {
                    id: self.next_session,
                    target,
                    url: url.clone(),
                });
                self.conn = Conn::Connecting { url: url.clone() };
                self.log
                    .push(at_ms, EntryBody::Sys(SysEvent::Connecting { url }));
            }
            Action::Disconnect { at_ms } => {
                if self.conn.is_active() {
                    self.log.push(at_ms, EntryBody::Sys(SysEvent::Closing));
                }
            }
            Action::Opened { session, at_ms } => {
                if let (true, Conn::Connecting { url }) = (self.is_current(session), &self.conn) {
                    self.conn = Conn::Open { url: url.clone() };
                    self.log.push(at_ms, EntryBody::Sys(SysEvent::Opened));
                }
            }
            Action::Received {
                session,
                at_ms,
                payload,
            } => {
                if self.is_current(session) {
                    let message = Message::from_payload(&payload);
                    self.log.push(at_ms, EntryBody::In(message));
                }
            }
            Action::Sent {
                session,
                at_ms,
                payload,
            } => {
                if self.is_current(session) {
                    let message = Message::from_payload(&payload);
                    self.log.push(at_ms, EntryBody::Out(message));
                }
            }
            Action::SendFailed { at_ms, reason } => {
                self.log
                    .push(at_ms, EntryBody::Sys(SysEvent::SendFailed(reason)));
            }
            Action::Errored { session, at_ms } => {
                if self.is_current(session) {
                    self.log.push(at_ms, EntryBody::Sys(SysEvent::Error));
                }
            }
            Action::Closed {
                session,
                at_ms,
                info,
            } => {
                if self.is_current(session) {
                    self.session = None;
                    self.conn = Conn::Closed(info.clone());
                    self.log.push(at_ms, EntryBody::Sys(SysEvent::Closed(info)));
                }
            }
            Action::OpenFailed {
                session,
                at_ms,
                reason,
            } => {
                if self.is_current(session) {
                    self.session = None;
                    self.conn = Conn::Closed(CloseInfo {
                        code: protocol::CloseCode::ABNORMAL.0,
                        reason: reason.clone(),
                        clean: false,
                    });
                    self.log
                        .push(at_ms, EntryBody::Sys(SysEvent::OpenFailed { reason }));
                }
            }
            Action::ClearLog => self.log.clear(),
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Cheap: the log's entries are shared, not copied.
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str) -> TargetInfo {
        TargetInfo {
            name: name.into(),
            description: format!("the {name} service"),
            builtin: true,
            needs_token: false,
        }
    }

    /// A state with targets loaded and `echo` selected.
    fn ready() -> State {
        let mut s = State::default();
        s.apply(Action::TargetsLoaded(Ok(vec![
            target("echo"),
            target("redis"),
        ])));
        s
    }

    fn connect(s: &mut State) -> u64 {
        s.apply(Action::Connect {
            url: "ws://127.0.0.1:8080/ws/echo".into(),
            at_ms: 1,
        });
        s.session_id().expect("connect starts a session")
    }

    fn dirs(s: &State) -> Vec<&'static str> {
        s.log.entries().map(|e| e.dir()).collect()
    }

    #[test]
    fn loading_targets_selects_the_first() {
        let s = ready();
        assert_eq!(s.selected.as_deref(), Some("echo"));
        assert!(matches!(&s.targets, Targets::Loaded(t) if t.len() == 2));
    }

    #[test]
    fn reloading_keeps_a_selection_that_still_exists() {
        let mut s = ready();
        s.apply(Action::Select("redis".into()));
        s.apply(Action::ReloadTargets);
        assert_eq!(s.targets, Targets::Loading);
        assert_eq!(s.targets_request, 1);
        s.apply(Action::TargetsLoaded(Ok(vec![
            target("echo"),
            target("redis"),
        ])));
        assert_eq!(s.selected.as_deref(), Some("redis"));
        s.apply(Action::TargetsLoaded(Ok(vec![target("chat")])));
        assert_eq!(s.selected.as_deref(), Some("chat"));
    }

    #[test]
    fn target_errors_are_kept() {
        let mut s = State::default();
        s.apply(Action::TargetsLoaded(Err(TargetsError::Status(500))));
        assert_eq!(s.targets, Targets::Failed(TargetsError::Status(500)));
        s.apply(Action::TargetsLoaded(Ok(vec![])));
        assert_eq!(s.targets, Targets::Failed(TargetsError::Empty));
    }

    #[test]
    fn connecting_then_open_then_closed() {
        let mut s = ready();
        assert_eq!(s.conn.state_name(), "idle");
        let id = connect(&mut s);
        assert_eq!(s.conn.state_name(), "connecting");
        assert_eq!(s.session.as_ref().map(|s| s.target.as_str()), Some("echo"));
        s.apply(Action::Opened {
            session: id,
            at_ms: 2,
        });
        assert_eq!(s.conn.state_name(), "open");
        let info = CloseInfo {
            code: 1011,
            reason: "upstream 127.0.0.1:6379 refused the connection".into(),
            clean: true,
        };
        s.apply(Action::Closed {
            session: id,
            at_ms: 3,
            info: info.clone(),
        });
        assert_eq!(s.conn, Conn::Closed(info.clone()));
        assert_eq!(s.conn.state_name(), "closed");
        assert_eq!(
            s.session, None,
            "closing ends the session: the effect drops the socket"
        );
        assert_eq!(dirs(&s), ["sys", "sys", "sys"]);
        let last = s.log.entries().last().expect("three entries");
        assert_eq!(last.body, EntryBody::Sys(SysEvent::Closed(info)));
    }

    #[test]
    fn connect_needs_a_target_and_no_live_socket() {
        let mut s = State::default();
        s.apply(Action::Connect {
            url: "ws://x/ws/echo".into(),
            at_ms: 1,
        });
        assert_eq!(s.conn, Conn::Idle, "no target selected yet");
        let mut s = ready();
        let first = connect(&mut s);
        connect(&mut s);
        assert_eq!(
            s.session_id(),
            Some(first),
            "a second click while connecting is ignored"
        );
        s.apply(Action::Select("redis".into()));
        assert_eq!(
            s.selected.as_deref(),
            Some("echo"),
            "target is fixed while connected"
        );
    }

    #[test]
    fn reconnecting_ignores_the_old_sockets_events() {
        let mut s = ready();
        let old = connect(&mut s);
        s.apply(Action::Closed {
            session: old,
            at_ms: 2,
            info: CloseInfo {
                code: 1006,
                reason: String::new(),
                clean: false,
            },
        });
        let new = connect(&mut s);
        assert_ne!(old, new);
        let before = s.log.total();
        s.apply(Action::Opened {
            session: old,
            at_ms: 3,
        });
        s.apply(Action::Received {
            session: old,
            at_ms: 3,
            payload: Payload::Text("late".into()),
        });
        assert_eq!(s.conn.state_name(), "connecting");
        assert_eq!(s.log.total(), before);
    }

    #[test]
    fn received_messages_are_all_logged_in_order() {
        let mut s = ready();
        let id = connect(&mut s);
        s.apply(Action::Opened {
            session: id,
            at_ms: 2,
        });
        s.apply(Action::Sent {
            session: id,
            at_ms: 3,
            payload: Payload::Text("PING\r\n".into()),
        });
        for i in 0..5u8 {
            s.apply(Action::Received {
                session: id,
                at_ms: 4 + u64::from(i),
                payload: Payload::Binary(vec![i]),
            });
        }
        assert_eq!(
            dirs(&s),
            ["sys", "sys", "out", "in", "in", "in", "in", "in"]
        );
        let received: Vec<u8> = s
            .log
            .entries()
            .filter_map(|e| match &e.body {
                EntryBody::In(m) => Some(m.head[0]),
                _ => None,
            })
            .collect();
        assert_eq!(received, [0, 1, 2, 3, 4]);
        let ids: Vec<u64> = s.log.entries().map(|e| e.id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        match s.log.entries().nth(2).map(|e| e.body.clone()) {
            Some(EntryBody::Out(m)) => {
                assert!(m.text);
                assert_eq!(m.len, 6);
                assert_eq!(m.head, b"PING\r\n");
            }
            other => panic!("expected the sent message, got {other:?}"),
        }
    }

    #[test]
    fn the_log_keeps_a_window_and_counts_the_rest() {
        let mut s = ready();
        let id = connect(&mut s);
        let n = LOG_WINDOW as u64 + 250;
        for i in 0..n {
            s.apply(Action::Received {
                session: id,
                at_ms: i,
                payload: Payload::Binary(i.to_be_bytes().to_vec()),
            });
        }
        assert_eq!(s.log.total(), n + 1);
        assert_eq!(s.log.entries().len(), LOG_WINDOW);
        assert_eq!(s.log.hidden(), n + 1 - LOG_WINDOW as u64);
        let last = s.log.entries().last().expect("kept entries");
        assert_eq!(last.id, n + 1, "the newest entry is kept");
        s.apply(Action::ClearLog);
        assert_eq!(
            (s.log.total(), s.log.hidden(), s.log.entries().len()),
            (0, 0, 0)
        );
        s.apply(Action::Received {
            session: id,
            at_ms: 0,
            payload: Payload::Text("after".into()),
        });
        assert_eq!(s.log.total(), 1);
    }

    #[test]
    fn big_messages_keep_their_length_but_only_a_head() {
        let mut s = ready();
        let id = connect(&mut s);
        s.apply(Action::Received {
            session: id,
            at_ms: 1,
            payload: Payload::Binary(vec![7; MAX_KEPT_BYTES * 3]),
        });
        match s.log.entries().last().map(|e| e.body.clone()) {
            Some(EntryBody::In(m)) => {
                assert_eq!(m.len, MAX_KEPT_BYTES * 3);
                assert_eq!(m.head.len(), MAX_KEPT_BYTES);
                assert!(m.truncated());
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn open_failure_closes_as_abnormal() {
        let mut s = ready();
        let id = connect(&mut s);
        s.apply(Action::OpenFailed {
            session: id,
            at_ms: 2,
            reason: "SyntaxError".into(),
        });
        assert!(matches!(
            &s.conn,
            Conn::Closed(CloseInfo { code: 1006, .. })
        ));
        assert_eq!(s.session, None);
    }

    #[test]
    fn disconnect_is_logged_only_when_connected() {
        let mut s = ready();
        s.apply(Action::Disconnect { at_ms: 1 });
        assert_eq!(s.log.total(), 0);
        connect(&mut s);
        s.apply(Action::Disconnect { at_ms: 2 });
        assert_eq!(
            s.log.entries().last().map(|e| e.body.clone()),
            Some(EntryBody::Sys(SysEvent::Closing))
        );
        assert_eq!(s.conn.state_name(), "connecting", "the close event decides");
    }

    #[test]
    fn earlier_states_keep_their_log_while_later_ones_grow() {
        let mut s = ready();
        let id = connect(&mut s);
        let before = s.clone();
        s.apply(Action::Received {
            session: id,
            at_ms: 2,
            payload: Payload::Text("new".into()),
        });
        assert_eq!(before.log.entries().len(), 1);
        assert_eq!(s.log.entries().len(), 2);
        assert_ne!(before.log, s.log);
        // Growing the earlier copy does not disturb the later one.
        let mut fork = before.clone();
        fork.apply(Action::ClearLog);
        fork.apply(Action::Disconnect { at_ms: 3 });
        assert_eq!(s.log.entries().len(), 2);
        let mut branch = before;
        branch.apply(Action::Disconnect { at_ms: 3 });
        assert_eq!(dirs(&branch), ["sys", "sys"]);
        assert_eq!(dirs(&s), ["sys", "in"]);
    }

    #[test]
    fn a_hundred_thousand_messages_through_the_reducer() {
        let mut s = Rc::new(ready());
        s = s.reduce(Action::Connect {
            url: "ws://h/ws/echo".into(),
            at_ms: 0,
        });
        let id = s.session_id().unwrap();
        for i in 0..100_000u64 {
            s = s.reduce(Action::Received {
                session: id,
                at_ms: i,
                payload: Payload::Binary(vec![1]),
            });
        }
        assert_eq!(s.log.total(), 100_001);
        assert_eq!(s.log.entries().len(), LOG_WINDOW);
    }

    #[test]
    fn reduce_leaves_the_previous_state_untouched() {
        let before = Rc::new(ready());
        let after = before.clone().reduce(Action::ClearLog);
        let after = after.reduce(Action::Select("redis".into()));
        assert_eq!(before.selected.as_deref(), Some("echo"));
        assert_eq!(after.selected.as_deref(), Some("redis"));
    }
}
