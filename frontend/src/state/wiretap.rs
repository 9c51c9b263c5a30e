//! The wire tap's records put back together: per session and direction, the
//! HTTP upgrade heads and every frame as it was on the wire, plus a timeline
//! of the WebSocket side and the TCP side for the side-by-side view. Pure:
//! decoding is `protocol`'s; this only assembles.

use std::rc::Rc;

use protocol::frame::{parse_close_payload, LengthEncoding, Opcode};
use protocol::tap::{TapEvent, TapRecord, TapSource};
use protocol::wire::{WireFrame, WireItem, WireParser};
use yew::Reducible;

use super::append_log::AppendLog;

mod handshake;

pub use handshake::{hide_token_in_head, AcceptCheck};

/// Bytes of a TCP chunk kept for the timeline.
pub const TCP_PREVIEW_BYTES: usize = 256;

/// Which way bytes went on the browser's WebSocket connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WsDir {
    /// Browser → relay (masked frames).
    Up,
    /// Relay → browser (unmasked frames).
    Down,
}

impl WsDir {
    /// `data-dir` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

/// The lowercase name of an opcode, for `data-opcode` and display.
pub fn opcode_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Continuation => "continuation",
        Opcode::Text => "text",
        Opcode::Binary => "binary",
        Opcode::Close => "close",
        Opcode::Ping => "ping",
        Opcode::Pong => "pong",
    }
}

/// How many bits the payload length took: 7, 7+16 or 7+64.
pub fn length_bits(encoding: LengthEncoding) -> u8 {
    match encoding {
        LengthEncoding::Short => 7,
        LengthEncoding::Extended16 => 16,
        LengthEncoding::Extended64 => 64,
    }
}

/// One frame in the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRow {
    /// 1-based position among all frames the tap delivered.
    pub number: u64,
    /// The relay's session number.
    pub session: u32,
    /// Which way it went.
    pub dir: WsDir,
    /// When the relay saw it, µs since the epoch.
    pub time_us: u64,
    /// The frame, byte for byte.
    pub frame: WireFrame,
}

impl FrameRow {
    /// Close code and reason of a close frame.
    pub fn close(&self) -> Option<(u16, String)> {
        (self.frame.header.opcode == Opcode::Close)
            .then(|| parse_close_payload(&self.frame.payload).ok().flatten())
            .flatten()
    }
}

/// The TCP side of the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpDir {
    /// Relay → service.
    ToService,
    /// Service → relay.
    FromService,
}

/// One thing in a session's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moment {
    /// The HTTP upgrade request (`Up`) or response (`Down`): its first line.
    Head {
        /// Direction.
        dir: WsDir,
        /// Request or status line.
        line: String,
    },
    /// A WebSocket frame.
    Frame {
        /// Direction.
        dir: WsDir,
        /// Its opcode.
        opcode: Opcode,
        /// FIN bit.
        fin: bool,
        /// Payload length.
        len: u64,
        /// The first bytes of the unmasked payload.
        head: Vec<u8>,
    },
    /// A chunk of the TCP byte stream.
    Tcp {
        /// Direction.
        dir: TcpDir,
        /// Length of the chunk.
        len: usize,
        /// Its first [`TCP_PREVIEW_BYTES`].
        head: Vec<u8>,
    },
    /// A session event.
    Event(TapEvent),
    /// A direction's bytes stopped parsing.
    Broken(String),
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When the relay saw it, µs since the epoch.
    pub time_us: u64,
    /// What.
    pub moment: Moment,
}

/// Everything the tap told about one session.
#[derive(Debug, Clone)]
pub struct SessionWire {
    /// The relay's session number.
    pub session: u32,
    /// The target, once the `opened` event came.
    pub target: Option<String>,
    /// The HTTP upgrade request, exactly as received.
    pub request: Option<String>,
    /// The relay's `101` response, exactly as sent.
    pub response: Option<String>,
    /// Why the session ended, once it did.
    pub closed: Option<String>,
    /// Both sides in time order.
    pub timeline: AppendLog<TimelineEntry>,
    /// Frames each way: up, down.
    pub frames: (u64, u64),
    /// TCP bytes: to the service, from it.
    pub tcp_bytes: (u64, u64),
    up: WireParser,
    down: WireParser,
    /// Bumped on every change (for cheap equality).
    version: u64,
}

impl PartialEq for SessionWire {
    fn eq(&self, other: &Self) -> bool {
        self.session == other.session && self.version == other.version
    }
}

impl SessionWire {
    fn new(session: u32) -> Self {
        Self {
            session,
            target: None,
            request: None,
            response: None,
            closed: None,
            timeline: AppendLog::new(),
            frames: (0, 0),
            tcp_bytes: (0, 0),
            up: WireParser::new(),
            down: WireParser::new(),
            version: 0,
        }
    }

    /// `Sec-WebSocket-Accept` recomputed from the request and compared with
    /// the response, once both are known.
    pub fn accept_check(&self) -> Option<AcceptCheck> {
        AcceptCheck::of(self.request.as_deref()?, self.response.as_deref())
    }
}

/// The state of the page's own tap connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TapLink {
    /// Not opened (the relay offers no taps, or the lab is not loaded yet).
    #[default]
    Off,
    /// Waiting for the hello.
    Connecting,
    /// Sessions opened with `?tap=<id>` are recorded.
    Ready {
        /// The tap id.
        id: String,
    },
    /// The tap closed or failed.
    Lost(String),
}

/// Everything the tap delivered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WireTap {
    /// The tap connection.
    pub link: TapLink,
    /// Every frame of every tapped session, in arrival order.
    pub frames: AppendLog<FrameRow>,
    /// Sessions by arrival, newest last.
    pub sessions: Vec<Rc<SessionWire>>,
    /// Records the relay dropped because the page read too slowly.
    pub dropped: u64,
    /// Records that could not be decoded.
    pub undecodable: u64,
}

/// Every change to [`WireTap`].
#[derive(Debug, Clone, PartialEq)]
pub enum TapAction {
    /// The tap socket is being opened.
    Connecting,
    /// The tap's first message: its id.
    Hello(String),
    /// A record.
    Record(TapRecord),
    /// A binary message that was not a record.
    Undecodable,
    /// The relay dropped records (running total).
    Dropped(u64),
    /// The tap socket closed or could not open.
    Lost(String),
}

impl WireTap {
    /// The tap id to put in `?tap=`, if the tap is up.
    pub fn tap_id(&self) -> Option<&str> {
        match &self.link {
            TapLink::Ready { id } => Some(id),
            _ => None,
        }
    }

    /// The newest session.
    pub fn latest(&self) -> Option<&Rc<SessionWire>> {
        self.sessions.last()
    }

    fn session_mut(&mut self, session: u32) -> &mut SessionWire {
        let index = match self.sessions.iter().rposition(|s| s.session == session) {
            Some(index) => index,
            None => {
                self.sessions.push(Rc::new(SessionWire::new(session)));
                self.sessions.len() - 1
            }
        };
        let wire = Rc::make_mut(&mut self.sessions[index]);
        wire.version += 1;
        wire
    }

    /// Apply one action.
    pub fn apply(&mut self, action: TapAction) {
        match action {
            TapAction::Connecting => self.link = TapLink::Connecting,
            TapAction::Hello(id) => self.link = TapLink::Ready { id },
            TapAction::Lost(why) => self.link = TapLink::Lost(why),
            TapAction::Dropped(total) => self.dropped = total,
            TapAction::Undecodable => self.undecodable += 1,
            TapAction::Record(record) => self.record(record),
        }
    }

    fn record(&mut self, record: TapRecord) {
        let TapRecord {
            session,
            source,
            time_us,
            bytes,
        } = record;
        let mut new_frames = Vec::new();
        let wire = self.session_mut(session);
        let at = |moment| TimelineEntry { time_us, moment };
        match source {
            TapSource::Event => {
                let Some(event) = crate::tap_event::from_slice(&bytes) else {
                    return;
                };
                match &event {
                    TapEvent::Opened { target } => wire.target = Some(target.clone()),
                    TapEvent::Closed { reason } => wire.closed = Some(reason.clone()),
                    TapEvent::Refused { message, .. } => wire.closed = Some(message.clone()),
                    TapEvent::UpstreamConnected { .. } | TapEvent::Dropped { .. } => {}
                }
                wire.timeline.push(at(Moment::Event(event)));
            }
            TapSource::RelayToUpstream | TapSource::UpstreamToRelay => {
                let dir = if source == TapSource::RelayToUpstream {
                    wire.tcp_bytes.0 += bytes.len() as u64;
                    TcpDir::ToService
                } else {
                    wire.tcp_bytes.1 += bytes.len() as u64;
                    TcpDir::FromService
                };
                let head = bytes[..bytes.len().min(TCP_PREVIEW_BYTES)].to_vec();
                wire.timeline.push(at(Moment::Tcp {
                    dir,
                    len: bytes.len(),
                    head,
                }));
            }
            TapSource::BrowserToRelay | TapSource::RelayToBrowser => {
                let dir = if source == TapSource::BrowserToRelay {
                    WsDir::Up
                } else {
                    WsDir::Down
                };
                let parser = match dir {
                    WsDir::Up => &mut wire.up,
                    WsDir::Down => &mut wire.down,
                };
                for item in parser.push(&bytes) {
                    match item {
                        WireItem::Head(head) => {
                            let line = head.lines().next().unwrap_or_default().to_owned();
                            match dir {
                                WsDir::Up => wire.request = Some(head),
                                WsDir::Down => wire.response = Some(head),
                            }
                            wire.timeline.push(at(Moment::Head { dir, line }));
                        }
                        WireItem::Frame(frame) => {
                            match dir {
                                WsDir::Up => wire.frames.0 += 1,
                                WsDir::Down => wire.frames.1 += 1,
                            }
                            wire.timeline.push(at(Moment::Frame {
                                dir,
                                opcode: frame.header.opcode,
                                fin: frame.header.fin,
                                len: frame.header.payload_len,
                                head: frame.payload[..frame.payload.len().min(TCP_PREVIEW_BYTES)]
                                    .to_vec(),
                            }));
                            new_frames.push((dir, frame));
                        }
                        WireItem::Error(why) => wire.timeline.push(at(Moment::Broken(why))),
                    }
                }
            }
        }
        for (dir, frame) in new_frames {
            let number = self.frames.len() as u64 + 1;
            self.frames.push(FrameRow {
                number,
                session,
                dir,
                time_us,
                frame,
            });
        }
    }
}

impl Reducible for WireTap {
    type Action = TapAction;

    fn reduce(self: Rc<Self>, action: TapAction) -> Rc<Self> {
        // Cheap: the frame list and timelines are shared, not copied.
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
