//! The live experiments' results: what the visitor's browser did, measured
//! when the Run button was pressed, and what that outcome means. Pure; the
//! measuring is in `crate::lab`.

use protocol::Capture;

/// How an experiment came out (`data-outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Not run yet, or running.
    #[default]
    Pending,
    /// The browser refused or failed, as the lesson predicts.
    Failed,
    /// It worked.
    Succeeded,
    /// The experiment itself could not be carried out.
    Error,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 4] = [Self::Pending, Self::Failed, Self::Succeeded, Self::Error];

    /// `data-outcome` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Succeeded => "succeeded",
            Self::Error => "error",
        }
    }
}

/// What the page found when it looked for a raw socket API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiScan {
    /// `typeof TCPSocket`.
    pub typeof_tcp_socket: String,
    /// `'TCPSocket' in window`.
    pub tcp_socket_in_window: bool,
    /// `typeof navigator.tcp`.
    pub typeof_navigator_tcp: String,
    /// `window.isSecureContext`.
    pub secure_context: bool,
    /// `window.crossOriginIsolated`.
    pub cross_origin_isolated: bool,
}

impl ApiScan {
    /// Failed when the page has no way to open a raw TCP socket.
    pub fn outcome(&self) -> Outcome {
        let has = self.tcp_socket_in_window
            || self.typeof_tcp_socket != "undefined"
            || self.typeof_navigator_tcp != "undefined";
        if has {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        }
    }
}

/// How a `fetch()` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchEnd {
    /// It resolved: the response type (`opaque` in no-cors mode) and status.
    Response {
        /// `Response.type`.
        kind: String,
        /// `Response.status`.
        status: u16,
    },
    /// It rejected: the error's name and message as the browser gave them.
    Rejected(String),
}

/// What the recorder got, as far as the page could find out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Captured {
    /// Not asked yet.
    #[default]
    Unknown,
    /// The recorder's answer: connections that carried the marker.
    Found(Vec<Capture>),
    /// The recorder could not be asked.
    Unavailable(String),
}

impl Captured {
    /// The captures, when known.
    pub fn captures(&self) -> &[Capture] {
        match self {
            Self::Found(captures) => captures,
            _ => &[],
        }
    }

    /// All captured bytes, connections one after another.
    pub fn bytes(&self) -> Vec<u8> {
        self.captures()
            .iter()
            .flat_map(|c| c.bytes.iter().copied())
            .collect()
    }
}

/// The `fetch()` experiment's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResult {
    /// The URL fetched.
    pub url: String,
    /// How the fetch ended.
    pub end: FetchEnd,
    /// What reached the recorder.
    pub captured: Captured,
}

impl FetchResult {
    /// Failed when the browser rejected the fetch; an error when it cannot
    /// say what it sent.
    pub fn outcome(&self) -> Outcome {
        match (&self.end, &self.captured) {
            (_, Captured::Unavailable(_)) => Outcome::Error,
            (FetchEnd::Rejected(_), _) => Outcome::Failed,
            (FetchEnd::Response { .. }, _) => Outcome::Succeeded,
        }
    }
}

/// How a WebSocket the page opened ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SocketEnd {
    /// `new WebSocket()` threw this instead of returning a socket.
    pub thrown: Option<String>,
    /// `open` fired.
    pub opened: bool,
    /// `error` fired.
    pub error_event: bool,
    /// `close` fired: code, reason, wasClean.
    pub close: Option<(u16, String, bool)>,
}

impl SocketEnd {
    /// Failed when the socket never opened; an error when nothing happened
    /// within the time allowed.
    pub fn outcome(&self) -> Outcome {
        if self.opened {
            Outcome::Succeeded
        } else if self.thrown.is_some() || self.close.is_some() {
            Outcome::Failed
        } else {
            Outcome::Error
        }
    }
}

/// A WebSocket aimed straight at a TCP port: what the browser reported and
/// what the port received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectSocketResult {
    /// The URL.
    pub url: String,
    /// How the socket ended.
    pub end: SocketEnd,
    /// What reached the recorder.
    pub captured: Captured,
}

impl DirectSocketResult {
    /// See [`SocketEnd::outcome`]; an error also when the recorder could
    /// not be asked.
    pub fn outcome(&self) -> Outcome {
        match &self.captured {
            Captured::Unavailable(_) => Outcome::Error,
            _ => self.end.outcome(),
        }
    }
}

/// The same recorder, reached through the relay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelayResult {
    /// The session URL (tap id included).
    pub url: String,
    /// The bytes the page sent, as one binary message.
    pub sent: Vec<u8>,
    /// The recorder's answer, as the page received it.
    pub reply: Option<Vec<u8>>,
    /// The bytes the tap saw the relay write to the recorder.
    pub upstream: Vec<u8>,
    /// Why it could not be completed.
    pub problem: Option<String>,
}

impl RelayResult {
    /// Succeeded when the recorder answered and received exactly the bytes
    /// the page sent.
    pub fn outcome(&self) -> Outcome {
        match (&self.problem, &self.reply) {
            (Some(_), _) | (None, None) => Outcome::Error,
            (None, Some(_)) if self.upstream == self.sent => Outcome::Succeeded,
            (None, Some(_)) => Outcome::Error,
        }
    }
}

/// A marker for one run: `probe-` and 16 hex digits from `random` (values
/// in 0..1, as `Math.random()` gives).
pub fn marker(mut random: impl FnMut() -> f64) -> String {
    let digits: String = (0..16)
        .map(|_| {
            let nibble = (random().clamp(0.0, 0.999_999) * 16.0) as u32;
            char::from_digit(nibble, 16).expect("a nibble is a hex digit")
        })
        .collect();
    format!("probe-{digits}")
}

/// Header names shown highlighted when they appear in an HTTP head.
pub const NOTABLE_HEADERS: &[&str] = &[
    "host",
    "origin",
    "user-agent",
    "upgrade",
    "sec-websocket-key",
    "sec-websocket-accept",
];

/// True for the lines of a captured head worth highlighting: the request
/// line and the [`NOTABLE_HEADERS`].
pub fn notable_line(index: usize, line: &str) -> bool {
    let name = line.split(':').next().unwrap_or_default().trim();
    index == 0
        || (line.contains(':') && NOTABLE_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)))
}

/// Whether the experiments can run here: what `GET /api/lab` said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lab {
    /// Still asking.
    #[default]
    Loading,
    /// The relay's lab.
    Ready(protocol::LabInfo),
    /// No lab: why.
    Unavailable(String),
}

impl Lab {
    /// The recorder's port, when there is one.
    pub fn recorder_port(&self) -> Option<u16> {
        match self {
            Self::Ready(info) => info.recorder_port,
            _ => None,
        }
    }

    /// True when the recorders listen on loopback only and the page is on
    /// `page_host`, not a loopback name: aiming at them would aim at the
    /// visitor's own machine.
    pub fn recorder_out_of_reach(&self, page_host: &str) -> bool {
        matches!(self, Self::Ready(info) if info.recorder_loopback)
            && super::why::AddressSpace::of_host(page_host) != super::why::AddressSpace::Loopback
    }

    /// The bad port, when there is one.
    pub fn bad_port(&self) -> Option<u16> {
        match self {
            Self::Ready(info) => info.bad_port,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
