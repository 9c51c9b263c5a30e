//! The page's state and every way it can change: a pure reducer with no
//! web-sys in it, so it is tested on the host. Time comes in with the actions
//! (milliseconds since the epoch), never read here.

use std::rc::Rc;

use protocol::TargetInfo;
use thiserror::Error;
use yew::Reducible;

pub mod append_log;
pub mod composer;
mod conn;
pub mod experiments;
mod log;
pub mod log_query;
pub mod lossy_race;
pub mod two_doors;
pub mod why;
pub mod window;
pub mod wiretap;

pub use conn::{hide_token, CloseInfo, Conn, Payload, SendError};
pub use log::{Entry, EntryBody, Log, Message, SysEvent, LOG_WINDOW, MAX_KEPT_BYTES};

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

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// The relay's targets.
    pub targets: Targets,
    /// Bumped to ask for the target list again.
    pub targets_request: u32,
    /// The request in flight is a quiet refresh (see
    /// [`Action::RefreshTargets`]): if it fails, the list shown stays.
    refreshing: bool,
    /// The target the picker shows.
    pub selected: Option<String>,
    /// The token typed for the selected target (sent only to targets whose
    /// entry says `needs_token`).
    pub token: String,
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
    /// Ask for the target list again without showing it loading: the relay
    /// may have reloaded its configuration while the page sat in a
    /// background tab. A failure keeps the list shown.
    RefreshTargets,
    /// The visitor picked a target.
    Select(String),
    /// The visitor typed a token for the selected target.
    SetToken(String),
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

    /// The selected target's entry, once the list is loaded.
    pub fn selected_target(&self) -> Option<&TargetInfo> {
        let Targets::Loaded(targets) = &self.targets else {
            return None;
        };
        let name = self.selected.as_deref()?;
        targets.iter().find(|t| t.name == name)
    }

    /// The token to present when connecting: the typed one, for a target
    /// that needs one.
    pub fn token_to_send(&self) -> Option<&str> {
        let needed = self.selected_target().is_some_and(|t| t.needs_token);
        (needed && !self.token.is_empty()).then_some(self.token.as_str())
    }

    fn is_current(&self, session: u64) -> bool {
        self.session_id() == Some(session)
    }

    /// Apply one action. Events of a session that is no longer current are
    /// ignored: they belong to a socket the page has let go of.
    pub fn apply(&mut self, action: Action) {
        if let Action::TargetsLoaded(result) = &action {
            // A quiet refresh that failed leaves the list the page shows.
            let quiet = std::mem::take(&mut self.refreshing);
            let failed = result.as_ref().map_or(true, Vec::is_empty);
            if quiet && failed && matches!(self.targets, Targets::Loaded(_)) {
                return;
            }
        }
        match action {
            Action::TargetsLoaded(Ok(targets)) if targets.is_empty() => {
                self.targets = Targets::Failed(TargetsError::Empty);
            }
            Action::TargetsLoaded(Ok(targets)) => {
                let keep = self
                    .selected
                    .as_ref()
                    .is_some_and(|name| targets.iter().any(|t| &t.name == name));
                // While connected the selection is the session's target,
                // even if the relay no longer offers it to new sessions.
                if !keep && !self.conn.is_active() {
                    self.selected = targets.first().map(|t| t.name.clone());
                }
                self.targets = Targets::Loaded(Rc::new(targets));
            }
            Action::TargetsLoaded(Err(err)) => self.targets = Targets::Failed(err),
            Action::ReloadTargets => {
                self.targets = Targets::Loading;
                self.refreshing = false;
                self.targets_request = self.targets_request.wrapping_add(1);
            }
            Action::RefreshTargets => {
                // Only over a list the page has; otherwise Retry is shown.
                if matches!(self.targets, Targets::Loaded(_)) {
                    self.refreshing = true;
                    self.targets_request = self.targets_request.wrapping_add(1);
                }
            }
            Action::Select(name) => {
                if !self.conn.is_active() && self.selected.as_ref() != Some(&name) {
                    // A token belongs to the target it was typed for.
                    self.token.clear();
                    self.selected = Some(name);
                }
            }
            Action::SetToken(token) => self.token = token,
            Action::Connect { url, at_ms } => {
                let Some(target) = self.selected.clone() else {
                    return;
                };
                if self.conn.is_active() {
                    return;
                }
                self.next_session += 1;
                // What the page shows of the URL: without the token.
                let shown = hide_token(&url);
                self.session = Some(Session {
                    id: self.next_session,
                    target,
                    url,
                });
                self.conn = Conn::Connecting { url: shown.clone() };
                self.log
                    .push(at_ms, EntryBody::Sys(SysEvent::Connecting { url: shown }));
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
mod tests;
