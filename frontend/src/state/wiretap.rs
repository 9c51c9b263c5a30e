//! The wire tap's records put back together: per session and direction, the
//! HTTP upgrade heads and every frame as it was on the wire, plus a timeline
//! of the WebSocket side and the TCP side for the side-by-side view. Pure:
//! decoding is `protocol`'s; this only assembles.

use std::rc::Rc;

use protocol::frame::{parse_close_payload, LengthEncoding, Opcode};
use protocol::handshake::{accept_key, header_value};
use protocol::tap::{TapEvent, TapRecord, TapSource};
use protocol::wire::{WireFrame, WireItem, WireParser};
use yew::Reducible;

use super::append_log::AppendLog;
use crate::json;

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

/// The handshake's one computed value, recomputed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptCheck {
    /// `Sec-WebSocket-Key` from the request.
    pub key: String,
    /// base64(SHA-1(key + GUID)), computed in the page.
    pub computed: String,
    /// `Sec-WebSocket-Accept` from the response, if it came.
    pub received: Option<String>,
}

impl AcceptCheck {
    /// The check for a request head and (maybe) a response head.
    pub fn of(request: &str, response: Option<&str>) -> Option<Self> {
        let key = header_value(request, "Sec-WebSocket-Key")?;
        Some(Self {
            key: key.to_owned(),
            computed: accept_key(key),
            received: response
                .and_then(|r| header_value(r, "Sec-WebSocket-Accept"))
                .map(str::to_owned),
        })
    }

    /// True when the relay's answer is the value the page computed.
    pub fn matches(&self) -> bool {
        self.received.as_deref() == Some(self.computed.as_str())
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
                let Ok(event) = json::from_slice::<TapEvent>(&bytes) else {
                    return;
                };
                match &event {
                    TapEvent::Opened { target } => wire.target = Some(target.clone()),
                    TapEvent::Closed { reason } => wire.closed = Some(reason.clone()),
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
mod tests {
    use super::*;

    const REQUEST: &str = "GET /ws/echo?tap=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const RESPONSE: &str = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    // "Hello", masked with 37 fa 21 3d (RFC 6455 §5.7).
    const MASKED_HELLO: [u8; 11] = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];

    fn rec(session: u32, source: TapSource, time_us: u64, bytes: &[u8]) -> TapAction {
        TapAction::Record(TapRecord {
            session,
            source,
            time_us,
            bytes: bytes.to_vec(),
        })
    }

    fn event(session: u32, time_us: u64, event: &TapEvent) -> TapAction {
        rec(
            session,
            TapSource::Event,
            time_us,
            json::to_string(event).unwrap().as_bytes(),
        )
    }

    /// A whole echo session, with the frames split across records.
    fn echo_session(tap: &mut WireTap, session: u32) {
        tap.apply(rec(
            session,
            TapSource::BrowserToRelay,
            1,
            REQUEST.as_bytes(),
        ));
        tap.apply(rec(
            session,
            TapSource::RelayToBrowser,
            2,
            RESPONSE.as_bytes(),
        ));
        tap.apply(event(
            session,
            3,
            &TapEvent::Opened {
                target: "echo".into(),
            },
        ));
        tap.apply(rec(
            session,
            TapSource::BrowserToRelay,
            4,
            &MASKED_HELLO[..4],
        ));
        tap.apply(rec(
            session,
            TapSource::BrowserToRelay,
            5,
            &MASKED_HELLO[4..],
        ));
        tap.apply(rec(session, TapSource::RelayToUpstream, 6, b"Hello"));
        tap.apply(rec(session, TapSource::UpstreamToRelay, 7, b"Hello"));
        let mut down = vec![0x82, 0x05];
        down.extend_from_slice(b"Hello");
        down.extend_from_slice(&[0x89, 0x00]); // a ping in the same chunk
        tap.apply(rec(session, TapSource::RelayToBrowser, 8, &down));
        let mut close = vec![0x88, 0x0a];
        close.extend_from_slice(&[0x03, 0xE8]);
        close.extend_from_slice(b"goodbye!");
        tap.apply(rec(session, TapSource::RelayToBrowser, 9, &close));
    }

    #[test]
    fn records_become_heads_and_frames_per_direction() {
        let mut tap = WireTap::default();
        echo_session(&mut tap, 7);
        let wire = tap.latest().expect("a session");
        assert_eq!(wire.session, 7);
        assert_eq!(wire.target.as_deref(), Some("echo"));
        assert_eq!(wire.request.as_deref(), Some(REQUEST));
        assert_eq!(wire.response.as_deref(), Some(RESPONSE));
        assert_eq!(wire.frames, (1, 3));
        assert_eq!(wire.tcp_bytes, (5, 5));

        let frames = tap.frames.slice(0..10);
        let summary: Vec<_> = frames
            .iter()
            .map(|f| {
                (
                    f.number,
                    f.dir,
                    opcode_name(f.frame.header.opcode),
                    f.frame.header.mask.is_some(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, WsDir::Up, "text", true),
                (2, WsDir::Down, "binary", false),
                (3, WsDir::Down, "ping", false),
                (4, WsDir::Down, "close", false),
            ]
        );
        let up = &frames[0].frame;
        assert_eq!(up.header.mask, Some([0x37, 0xfa, 0x21, 0x3d]));
        assert_eq!(up.wire_payload, MASKED_HELLO[6..]);
        assert_eq!(up.payload, b"Hello");
        assert_eq!(frames[3].close(), Some((1000, "goodbye!".into())));
        assert_eq!(frames[0].close(), None);
    }

    #[test]
    fn the_timeline_interleaves_both_sides_in_time_order() {
        let mut tap = WireTap::default();
        echo_session(&mut tap, 1);
        let wire = tap.latest().unwrap();
        let kinds: Vec<String> = wire
            .timeline
            .slice(0..100)
            .iter()
            .map(|e| match &e.moment {
                Moment::Head { dir, .. } => format!("head-{}", dir.name()),
                Moment::Frame { dir, opcode, .. } => {
                    format!("{}-{}", opcode_name(*opcode), dir.name())
                }
                Moment::Tcp {
                    dir: TcpDir::ToService,
                    ..
                } => "tcp-to".into(),
                Moment::Tcp { .. } => "tcp-from".into(),
                Moment::Event(_) => "event".into(),
                Moment::Broken(_) => "broken".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "head-up",
                "head-down",
                "event",
                "text-up",
                "tcp-to",
                "tcp-from",
                "binary-down",
                "ping-down",
                "close-down"
            ]
        );
        let times: Vec<u64> = wire
            .timeline
            .slice(0..100)
            .iter()
            .map(|e| e.time_us)
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn sessions_are_kept_apart() {
        let mut tap = WireTap::default();
        tap.apply(rec(
            1,
            TapSource::BrowserToRelay,
            1,
            &REQUEST.as_bytes()[..20],
        ));
        tap.apply(rec(2, TapSource::BrowserToRelay, 2, REQUEST.as_bytes()));
        tap.apply(rec(
            1,
            TapSource::BrowserToRelay,
            3,
            &REQUEST.as_bytes()[20..],
        ));
        assert_eq!(tap.sessions.len(), 2);
        assert!(tap
            .sessions
            .iter()
            .all(|s| s.request.as_deref() == Some(REQUEST)));
        assert_eq!(tap.latest().map(|s| s.session), Some(2));
    }

    #[test]
    fn accept_is_recomputed_and_compared() {
        let check = AcceptCheck::of(REQUEST, Some(RESPONSE)).unwrap();
        assert_eq!(check.key, "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(check.computed, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert!(check.matches());
        let forged = RESPONSE.replace("s3pP", "AAAA");
        assert!(!AcceptCheck::of(REQUEST, Some(&forged)).unwrap().matches());
        assert!(!AcceptCheck::of(REQUEST, None).unwrap().matches());
        assert_eq!(AcceptCheck::of("GET / HTTP/1.1\r\n\r\n", None), None);
    }

    #[test]
    fn garbage_is_reported_once_and_the_tap_link_is_tracked() {
        let mut tap = WireTap::default();
        tap.apply(TapAction::Connecting);
        assert_eq!(tap.tap_id(), None);
        tap.apply(TapAction::Hello("abc".into()));
        assert_eq!(tap.tap_id(), Some("abc"));
        tap.apply(rec(1, TapSource::RelayToBrowser, 1, RESPONSE.as_bytes()));
        tap.apply(rec(1, TapSource::RelayToBrowser, 2, &[0x83, 0x00]));
        tap.apply(rec(1, TapSource::RelayToBrowser, 3, &[0x81, 0x00]));
        let wire = tap.latest().unwrap();
        let broken = wire
            .timeline
            .slice(0..10)
            .iter()
            .filter(|e| matches!(e.moment, Moment::Broken(_)))
            .count();
        assert_eq!(broken, 1);
        assert!(tap.frames.is_empty());
        tap.apply(TapAction::Lost("closed".into()));
        assert_eq!(tap.tap_id(), None);
    }

    #[test]
    fn a_hundred_thousand_frames_through_the_reducer() {
        let mut tap = Rc::new(WireTap::default());
        tap = tap.reduce(rec(1, TapSource::RelayToBrowser, 0, RESPONSE.as_bytes()));
        let one = [0x82u8, 0x01, 0x2a];
        for i in 0..100_000u64 {
            tap = tap.reduce(rec(1, TapSource::RelayToBrowser, i, &one));
        }
        assert_eq!(tap.frames.len(), 100_000);
        assert_eq!(tap.frames.last().map(|f| f.number), Some(100_000));
    }
}
