//! English.
//!
//! Over 400 lines on purpose: every string of one language in one table,
//! in the order of the structs that name them, so a translator reads it
//! side by side with `zh.rs`.

use super::{CompareRow, Lesson, LogTools, OutcomeLabels, Saved, Scenarios, Strings, Why};
use crate::hex::HexError;
use crate::state::why::AddressSpace;
use crate::state::TargetsError;
use protocol::tap::TapEvent;

pub(super) const EN: Strings = Strings {
    title: "Socket vs WebSocket playground",
    tagline: "A web page cannot open a TCP socket. It can open a WebSocket, and a relay \
              turns that into plain TCP. Connect to a real TCP service and watch the bytes.",
    language: "Language",

    how_title: "What happens when you press Connect",
    how_browser: "this page",
    how_websocket: "WebSocket: an HTTP upgrade, then framed messages",
    how_relay: "relay (named targets only)",
    how_tcp: "plain TCP bytes",
    how_service: "TCP service",
    how_note: "Pages get no raw-socket API: otherwise any site you visit could talk to \
               every machine on your network. A WebSocket starts as an HTTP request that \
               the server must explicitly accept, so a page only reaches servers that \
               agreed to it. The relay accepts, and forwards to the services its operator \
               named, never to an address the page picks.",

    connection: "Connection",
    target: "Target",
    targets_loading: "Loading targets…",
    retry: "Retry",
    token: "Token",
    token_hint: "This target needs a token. The page sends it as ?auth=… on the WebSocket URL (a page cannot set headers on a WebSocket).",
    connect: "Connect",
    disconnect: "Disconnect",
    status: "Status",
    status_idle: "not connected",
    status_connecting: "connecting…",
    status_open: "open",
    abnormal_explained: "the connection failed without a close frame. The browser hides \
                         the reason from the page: the target may be unknown to the relay, \
                         or the relay may be down or unreachable.",

    compose: "Send",
    mode: "As",
    mode_text: "text → text frame",
    mode_hex: "hex → binary frame",
    eol: "Line ending",
    eol_none: "none",
    eol_lf: "LF (\\n)",
    eol_crlf: "CRLF (\\r\\n)",
    placeholder_text: "Type a line, e.g. PING",
    placeholder_hex: "Hex bytes, e.g. 50 49 4e 47 0d 0a",
    send: "Send",
    send_hint: "Enter sends · Shift+Enter adds a line · ↑ recalls the last message",
    examples: "Try",
    not_open: "Not connected: connect to a target first. Nothing was sent.",
    nothing_to_send: "Nothing to send: the message is empty and has no line ending.",

    log: "Log",
    clear_log: "Clear",
    log_empty: "No messages yet. Connect to a target and send something.",
    frame_text: "text",
    frame_binary: "binary",
    dir_out: "sent",
    dir_in: "received",
    dir_sys: "event",
    sys_opened: "WebSocket open: the handshake succeeded",
    sys_closing: "closing: you pressed Disconnect",
    sys_error: "error event (the browser gives the page no details)",
    send_not_open: "not sent: the WebSocket is no longer open",

    targets_error: |err| {
        let detail = match err {
            TargetsError::Network(msg) => {
                format!("the request failed ({msg}). Is the relay running?")
            }
            TargetsError::Status(code) => format!("the relay answered HTTP {code}."),
            TargetsError::Decode(msg) => format!("the answer is not a target list ({msg})."),
            TargetsError::Empty => "the relay offers no targets.".to_owned(),
        };
        format!(
            "Could not load the target list from {}: {detail}",
            protocol::TARGETS_PATH
        )
    },
    hidden_entries: |n| {
        if n == 1 {
            "1 earlier entry hidden".to_owned()
        } else {
            format!("{n} earlier entries hidden")
        }
    },
    entries_above: |n| {
        if n == 1 {
            "1 earlier entry above: scroll up to show it".to_owned()
        } else {
            format!("{n} earlier entries above: scroll up to show them")
        }
    },
    entry_count: |n| {
        if n == 1 {
            "1 entry".to_owned()
        } else {
            format!("{n} entries")
        }
    },
    byte_count: |n| {
        if n == 1 {
            "1 byte".to_owned()
        } else {
            format!("{n} bytes")
        }
    },
    more_bytes: |n| format!("… {n} more bytes not shown"),
    preview: |n| {
        if n == 1 {
            "will send 1 byte:".to_owned()
        } else {
            format!("will send {n} bytes:")
        }
    },
    hex_error: |err| match err {
        HexError::Empty => {
            "No hex digits: type bytes such as 50 49 4e 47. Nothing was sent.".to_owned()
        }
        HexError::InvalidDigit { ch, position } => {
            format!("Invalid hex digit '{ch}' at position {position}. Nothing was sent.")
        }
        HexError::OddDigits { group, position } if group.is_empty() => {
            format!("'0x' without digits at position {position}. Nothing was sent.")
        }
        HexError::OddDigits { group, position } => format!(
            "Odd number of hex digits in '{group}' at position {position}: \
             every byte needs two digits. Nothing was sent."
        ),
    },
    close_name: |code| protocol::CloseCode(code).name().to_owned(),
    sys_connecting: |url| format!("connecting to {url}"),
    sys_open_failed: |reason| format!("the browser refused to open the WebSocket: {reason}"),
    sys_send_failed: |reason| format!("send failed: {reason}"),
    closed: "closed: ",
    lesson: &LESSON,
    scenarios: &SCENARIOS,
    saved: &SAVED,
    tools: &TOOLS,
    why: &WHY,
    datagrams: &super::datagrams::EN,
    transport: &super::transport::EN,
};

const TOOLS: LogTools = LogTools {
    toolbar: "Filter, search and export the log",
    show: "Show",
    show_sent: "Sent",
    show_received: "Received",
    show_events: "Events",
    search: "Search",
    search_placeholder: "text in the log",
    search_hint: "Enter: next match, Shift+Enter: previous",
    regex: "Regex",
    match_case: "Match case",
    only_matching: "Only matches",
    prev_match: "Previous match",
    next_match: "Next match",
    none_shown: "No entry matches the filter.",
    export_text: "Export text",
    export_json: "Export JSON",
    export_hint: "Download the entries shown (the filter applies)",
    copy_hex: "Copy hex",
    resend: "Resend",
    resend_hint: "Send this message again; not connected, put it in the composer",
    resend_truncated: "Only the first 4096 bytes of this message were kept: it cannot be resent.",
    resent_to_composer: "Not connected: the message is in the composer. Connect and press Send.",
    resent: "Sent again.",
    copied: |n| {
        if n == 1 {
            "Copied 1 byte as hex.".to_owned()
        } else {
            format!("Copied {n} bytes as hex.")
        }
    },
    copy_failed: |reason| format!("The browser did not let the page copy: {reason}"),
    matches: |current, total| match (current, total) {
        (_, 0) => "No matches".to_owned(),
        (Some(i), 1) => format!("{i} of 1 match"),
        (Some(i), n) => format!("{i} of {n} matches"),
        (None, 1) => "1 match".to_owned(),
        (None, n) => format!("{n} matches"),
    },
    bad_regex: |reason| format!("Invalid regular expression: {reason}. The log is not filtered."),
    exported: |n, format| {
        if n == 1 {
            format!("Exported 1 entry as {format}.")
        } else {
            format!("Exported {n} entries as {format}.")
        }
    },
    export_failed: |reason| format!("The download could not start: {reason}"),
};

const SAVED: Saved = Saved {
    title: "Saved messages",
    name_placeholder: "Name this message",
    save: "Save",
    use_hint: "Put this message in the composer",
    delete: "Delete",
    empty:
        "Nothing saved yet. Name what is in the composer and press Save; it stays in this browser.",
    name_needed: "Give the message a name first.",
};

const LESSON: Lesson = Lesson {
    nav: ["Experiments", "Console", "Socket vs WebSocket"],
    question: "Can a web page open a TCP socket?",
    question_lead: "No. A native program asks the operating system for a socket and writes any \
                    bytes it likes; a page may only speak HTTP, or WebSocket after an HTTP \
                    handshake the server must agree to. Do not take our word for it: the \
                    experiments below run in your browser, now, and show what it did.",

    exp_title: "Experiments that fail on purpose",
    exp_intro: "Each one aims your browser at a raw TCP service the relay runs on this \
                machine, the recorder, which keeps every byte it receives. The result is \
                what your browser reported and what the recorder got.",
    run: "Run",
    running: "Running…",
    outcome: OutcomeLabels {
        pending: "not run yet",
        failed: "refused, as predicted",
        succeeded: "it worked",
        error: "could not be carried out",
    },
    lab_missing: "This relay runs without the lab (--no-lab), so there is no recorder to aim at.",
    lab_unreachable: "This page comes from another host, and this relay's recorder listens on \
        loopback only: aimed at it, your browser would be knocking on your own machine. The \
        relay's operator can run it with --recorder-listen 0.0.0.0:7008 and open TCP port 7008 \
        (and the bad port) to make this experiment work here.",
    browser_said: "Your browser reported",
    as_text: "as text",
    as_hex: "as hex",
    recorder_nothing: "The recorder received nothing carrying this run's marker.",
    highlight_note: "Highlighted: the lines to look at.",

    nsa_title: "1 · Is there a socket API?",
    nsa_claim: "A page has no API for raw TCP. The Direct Sockets API (TCPSocket) exists, \
                but only inside Isolated Web Apps: installed, signed, cross-origin isolated.",
    nsa_none: "Nothing: this page has no way to open a TCP socket.",
    nsa_some: "This context has TCPSocket: it is an Isolated Web App, not an ordinary page.",
    nsa_note: "However a page is served, it does not get TCPSocket: not even a secure context \
               that is also cross-origin isolated (COOP and COEP headers). The browser keeps it \
               for installed Isolated Web Apps.",
    nsa_context: |secure, isolated| {
        format!(
            "This page {} a secure context and {} cross-origin isolated \
             (crossOriginIsolated is {isolated}).",
            if secure { "is" } else { "is not" },
            if isolated { "is" } else { "is not" },
        )
    },

    fetch_title: "2 · fetch() at a raw TCP port",
    fetch_claim: "fetch() can only speak HTTP. Aimed at a TCP service it sends an HTTP \
                  request, not bytes of your choosing, and fails when no HTTP answer comes.",
    fetch_lesson: "Every byte the recorder got was written by the browser: the request line, \
                   Host, Origin, User-Agent. A page chooses the path and a few headers, \
                   never the bytes on the wire.",

    ws_title: "3 · new WebSocket() at a raw TCP port",
    ws_claim: "A WebSocket starts as an HTTP request asking to upgrade. A TCP service that \
               does not answer 101 Switching Protocols never becomes a WebSocket.",
    ws_lesson: "The browser did send an upgrade request (Upgrade: websocket, \
                Sec-WebSocket-Key, Origin), but nobody answered 101 Switching Protocols. \
                The page only learns 1006 and an empty reason: the browser hides why, so a \
                page cannot use WebSocket errors to map your network.",
    close_code: "close code",
    close_reason: "reason",
    empty_reason: "(empty)",
    timed_out: "No close event within 10 s.",

    bad_title: "4 · A port on the bad-ports list",
    bad_claim: "Browsers refuse some ports outright (the Fetch standard's bad ports, such as \
                6667 for IRC or 25 for SMTP), so a page cannot even send HTTP to services \
                that might be fooled by it.",
    bad_unavailable: "The relay could not listen on any bad port, so this experiment is off.",

    relay_title: "5 · The same recorder, through the relay",
    relay_claim: "Through a WebSocket to the relay, the page's exact bytes, even 00 and FF, \
                  reach the TCP service, and its answer comes back.",
    relay_sent: "The page sent one binary message",
    relay_reply: "The recorder answered",
    relay_upstream: "The wire tap saw the relay write to the recorder",
    relay_same: "Byte for byte what the page sent.",
    relay_differs: "Not the bytes the page sent.",

    wire_title: "Seeing the protocol",
    wire_intro: "The browser's WebSocket API hands a page whole messages and hides the rest. \
                 The relay's wire tap sends this page a copy of the raw bytes of its own \
                 sessions: connect above, send something, and watch.",
    tap_off: "This relay offers no wire tap, so the handshake and frames cannot be shown.",
    tap_connecting: "opening the wire tap…",
    tap_ready: "wire tap on: sessions you open are recorded",

    hs_title: "Handshake",
    hs_intro: "The HTTP request that asked for a WebSocket and the 101 response that agreed, \
               exactly as the relay read and wrote them. The page checks the one computed \
               value itself.",
    hs_empty: "Connect to a target to see its handshake.",
    hs_request: "Request: browser → relay",
    hs_response: "Response: relay → browser",
    hs_computed: "computed in this page",
    hs_received: "sent by the relay",
    hs_match: "match: the relay read this browser's key",
    hs_mismatch: "do not match",
    hs_waiting: "waiting for the response",
    hs_deflate_offered: "The browser offered compression (permessage-deflate, RFC 7692):",
    hs_deflate_declined:
        "The relay did not accept it: its answer has no Sec-WebSocket-Extensions, so \
        every frame travels uncompressed and the service's bytes reach the page exactly as sent.",
    hs_deflate_accepted: "The relay accepted it, with:",

    fr_title: "Frames",
    fr_intro: "Every frame of your sessions as it was on the wire. Frames from the browser \
               are masked (MASK = 1 and a 4-byte key); frames to it are not.",
    fr_empty: "No frames yet.",
    fr_cols: [
        "#", "session", "dir", "FIN", "opcode", "MASK", "length", "header", "payload",
    ],
    fr_up: "browser → relay",
    fr_down: "relay → browser",
    fr_pick: "Pick a frame to see every byte of it.",
    fr_mask_key: "masking key",
    fr_no_mask: "none: frames to a browser are never masked",
    fr_wire_payload: "payload as sent",
    fr_payload: "payload unmasked",
    fr_header: "header bytes",

    sbs_title: "Side by side",
    sbs_intro: "One session, both sides of the relay, in time order. On the left, WebSocket \
                messages, each in its own frame; on the right, TCP: one byte stream that \
                knows no message boundaries.",
    sbs_ws: "WebSocket (frames)",
    sbs_tcp: "TCP (byte stream)",
    sbs_empty: "Connect and send something to see both sides.",

    cmp_title: "Socket vs WebSocket",
    cmp_intro: "The comparison this page grew from. Each row links to the part of the page \
                that shows it.",
    cmp_cols: ["Aspect", "Socket", "WebSocket", "WebTransport", "See it"],
    cmp_rows: [
        CompareRow {
            aspect: "What it is",
            socket: "An API: the operating system's interface to TCP or UDP",
            websocket: "An application protocol (RFC 6455) that runs over TCP",
            webtransport: "A protocol (W3C API, IETF draft) over HTTP/3 and QUIC",
            see: "the socket API you do not have",
        },
        CompareRow {
            aspect: "Layer",
            socket: "Between the application and the transport layer",
            websocket: "Application layer: starts as HTTP, then frames over TCP",
            webtransport: "Application layer over QUIC, which runs over UDP",
            see: "the layers",
        },
        CompareRow {
            aspect: "What it does",
            socket: "Long-lived connections carrying any bytes",
            websocket: "Full duplex with server push, usable across origins from a page",
            webtransport: "Many streams and unreliable datagrams on one connection",
            see: "frames both ways",
        },
        CompareRow {
            aspect: "Used for",
            socket: "Anything networked: databases, mail, games, remote control",
            websocket: "Chat rooms, online games, remote control, live stock quotes",
            webtransport: "Games, live media, many parallel requests",
            see: "the console",
        },
        CompareRow {
            aspect: "In a web page",
            socket: "Not available: fetch() speaks HTTP, bad ports are refused",
            websocket: "Available, after the server answers 101 to the upgrade",
            webtransport: "Available, after the server answers 200 to an extended CONNECT",
            see: "the handshake",
        },
    ],

    layers_title: "Where each sits",
    layers_intro: "A native program reaches TCP through the socket API; a page reaches it \
                   only through the WebSocket protocol, which begins with an HTTP upgrade.",
    layers_cols: ["A native program", "A web page"],
    layers: [
        "Application",
        "Socket API",
        "WebSocket",
        "HTTP/1.1 Upgrade",
        "TCP",
        "IP",
    ],
    layer_notes: [
        "chat, games, quotes, remote control",
        "connect · send · recv: an interface, not a protocol",
        "frames: FIN, opcode, mask, length",
        "one request, one 101 response, then frames",
        "a reliable byte stream",
        "packets between hosts",
    ],

    tap_lost: |why| format!("wire tap closed: {why}"),
    thrown: |msg| format!("new WebSocket() threw: {msg}"),
    fetch_resolved: |kind, status| format!("fetch() resolved: type {kind}, status {status}"),
    recorder_got: |port, connections, bytes| {
        let conns = if connections == 1 {
            "1 connection".to_owned()
        } else {
            format!("{connections} connections")
        };
        format!("The recorder on port {port} received {conns}, {bytes} bytes:")
    },
    tls_hello: |name, alpn, tls13| {
        let name = name.map_or("no name (an IP address)".to_owned(), |n| format!("\"{n}\""));
        let alpn = if alpn.is_empty() {
            "none".to_owned()
        } else {
            alpn.join(", ")
        };
        let version = if tls13 { "TLS 1.3" } else { "TLS 1.2 or older" };
        format!(
            "This page is https, so the browser began with a TLS ClientHello, not an HTTP \
             request. In the clear: the server name {name}, the protocols offered ({alpn}), \
             {version}. The recorder speaks no TLS, so the handshake fails: still no raw TCP."
        )
    },
    recorder_unavailable: |err| format!("Could not ask the recorder: {err}"),
    bad_saw: |port, n| match n {
        0 => format!(
            "The recorder listening on port {port} saw no connection at all: \
             not one byte left the browser."
        ),
        1 => format!("The recorder on port {port} saw 1 connection."),
        n => format!("The recorder on port {port} saw {n} connections."),
    },
    relay_problem: |msg| format!("The relay path did not complete: {msg}"),
    fr_len: |len, bits| format!("{len} ({bits}-bit)"),
    fr_close: |code, reason| {
        if reason.is_empty() {
            format!("close {code}")
        } else {
            format!("close {code}: {reason}")
        }
    },
    fr_count: |n| {
        if n == 1 {
            "1 frame".to_owned()
        } else {
            format!("{n} frames")
        }
    },
    fr_detail: |n| format!("Frame {n}"),
    session_label: |n, target| match target {
        Some(target) => format!("session {n} · {target}"),
        None => format!("session {n}"),
    },
    tap_event: |event| match event {
        TapEvent::Opened { target } => format!("session opened for {target}"),
        TapEvent::UpstreamConnected { connect_us } => {
            format!("TCP connected in {:.1} ms", *connect_us as f64 / 1000.0)
        }
        TapEvent::Closed { reason } => format!("session ended: {reason}"),
        TapEvent::Dropped { records } => format!("{records} records dropped"),
        TapEvent::Refused {
            status, message, ..
        } => format!("refused with {status}: {message}"),
    },
    dropped: |n| format!("The relay dropped {n} tap records: this page read too slowly."),
    tcp_chunk: |n, to_service| {
        if to_service {
            format!("→ service, {n} bytes")
        } else {
            format!("← service, {n} bytes")
        }
    },
};

const SCENARIOS: Scenarios = Scenarios {
    nav: "Scenarios",
    title: "Live scenarios: what WebSocket is for",
    intro: "The article's use cases, running for real. Each panel opens its own WebSocket \
        to a plain line-based TCP service hosted by the relay, when you press Start. Open \
        the page in two tabs, or join from a terminal with nc: everyone shares the same \
        room, market, arena and lamp. (A fresh Debian or Ubuntu has no nc: \
        apt-get install netcat-openbsd.)",
    start: "Start",
    stop: "Stop",
    idle: "not started",
    connecting: "connecting…",
    open: "live",
    closed: |code, reason| {
        if reason.is_empty() {
            format!("closed ({code})")
        } else {
            format!("closed ({code}): {reason}")
        }
    },
    failed: |why| format!("the browser refused to open the WebSocket: {why}"),
    traffic_in: "in ↓",
    traffic_out: "out ↑",
    per_second_msgs: "msg/s",
    per_second_bytes: "B/s",
    chat_title: "Chat room",
    chat_claim: "Messages are pushed to everyone the moment they are said: no asking, \
        no waiting.",
    chat_nick: "Nickname",
    chat_nick_set: "Set",
    chat_placeholder: "Say something and press Enter",
    chat_send: "Send",
    chat_log: "Messages",
    chat_you_are: |name| format!("you are {name}"),
    chat_bytes_title: "The exact bytes",
    chat_last_sent: "last line sent",
    chat_last_received: "last line received",
    none_yet: "nothing yet",
    chat_nc_note: "The relay forwards these bytes unchanged. A terminal running \
        nc 127.0.0.1 on the relay's chat port (7009 by default) sends and receives the \
        very same bytes on a bare TCP socket; only the WebSocket frame around them differs.",
    quotes_title: "Live quotes",
    quotes_claim: "The server pushes each price the moment it changes. Next to it, the \
        same feed fetched by HTTP polling once a second, measured live.",
    quotes_symbol: "Symbol",
    quotes_ws: "WebSocket push",
    quotes_poll: "HTTP polling (1 s)",
    quotes_measure: "measured",
    quotes_updates: "updates received",
    quotes_bytes: "bytes on the wire per update",
    quotes_delay: "delay, published → shown (ms)",
    quotes_method: "WebSocket: frame header (2–4 bytes, server frames are unmasked) plus \
        payload. Polling: request line and headers (estimated, a page cannot read them) \
        plus the response as the browser's Resource Timing reports it (transferSize), \
        divided by the quotes the polls carried, empty polls included. Delay: from the \
        quote's published_ms to Date.now() when it is shown.",
    quotes_waiting: "waiting for quotes…",
    quotes_poll_failed: |why| format!("a poll failed: {why}"),
    game_title: "Online game",
    game_claim: "Every move is broadcast to every player at once. Open a second tab to \
        play against yourself; the round trip is measured with PING/PONG every second.",
    game_moves: ["Up", "Down", "Left", "Right"],
    game_keys: "Click the arena, then use the arrow keys.",
    game_scores: "Scores",
    game_rtt: "round trip",
    game_you: "you",
    game_arena: "The arena",
    lamp_title: "Remote control",
    lamp_claim: "A lamp everyone controls together. Each change is pushed as a STATE \
        line to every client, this page included.",
    lamp_on: "On",
    lamp_off: "Off",
    lamp_brightness: "Brightness",
    lamp_color: "Colour",
    lamp_label: "The lamp",
    lamp_state: |on, brightness, color| {
        format!(
            "{}, brightness {brightness}, {color}",
            if on { "on" } else { "off" }
        )
    },
    lamp_nc_note: "Try it from a terminal: nc 127.0.0.1 on the relay's lamp port (7012 by \
        default), then type OFF. This page follows at once.",
};

const WHY: Why = Why {
    consent_title: "6 · Consent: who may use this relay?",
    consent_claim: "WebSocket is not bound by the same-origin policy: any page may open one to \
        any server, and the browser only tells the server which page is asking (Origin). So \
        the server must decide. This page opens a WebSocket to this same relay under its other \
        loopback name, where this page is a foreign origin.",
    consent_unavailable: "This experiment needs the page opened as http://127.0.0.1:PORT or \
        http://localhost:PORT: it aims at the relay's other loopback name.",
    consent_relay_said: "The relay's side, told on this page's own wire tap",
    consent_origin: "Origin it saw",
    consent_status: "It answered",
    consent_message: "Why",
    consent_silent: "The relay said nothing on this page's tap.",
    consent_tap_note: "The browser passes none of this on: the page gets only 1006. The relay \
        tells the tap named in the URL (?tap=…, a secret only this page knows), and only when \
        the request comes from the address that opened that tap, so no other page can read it \
        or make the relay write to it.",
    consent_hijack: "Cross-site WebSocket hijacking: a page on evil.example opens a WebSocket \
        to a server you are logged in to, the browser sends your cookies along, and the page \
        then acts as you. A server that checks Origin in the handshake, as this relay just \
        did, turns such a page away with 403 before a single message.",
    consent_rebinding: "DNS rebinding: evil.example can make its own name resolve to \
        127.0.0.1, so the Origin and the Host it sends agree with each other. So the relay \
        also checks Host against the names it knows (localhost, 127.0.0.1, [::1], \
        --public-host) and answers any other with 421 Misdirected Request.",

    mask_title: "7 · Masking: what a proxy on the path sees",
    mask_claim: "Every frame from a browser is XOR-ed with a fresh random 4-byte key. Type an \
        HTTP request: the page sends it as one WebSocket message to the recorder through the \
        relay, and its own wire tap shows the bytes on the wire and the bytes the recorder got.",
    mask_input: "The message: an HTTP request (line endings are sent as CRLF)",
    mask_wire: "On the wire, as a transparent proxy would see it",
    mask_key: "Mask key",
    mask_hidden: "Not readable as HTTP: your request line is nowhere in these bytes.",
    mask_visible: "Your request line is readable in these bytes.",
    mask_service: "What the recorder received, after the relay unmasked it",
    mask_same: "Byte for byte what you typed.",
    mask_differs: "Not what you typed.",
    mask_lesson: "Why: in 2011 Huang, Chen, Barth, Rescorla and Jackson (\"Talking to \
        Yourself for Fun and Profit\") showed that bytes a page sends over an upgraded \
        connection could look like an HTTP request to a transparent proxy that does not speak \
        WebSocket, and that such proxies would cache the attacker's reply under another \
        site's URL: cache poisoning for everyone behind the proxy. With a key the page can \
        neither choose nor predict, no page can make the wire bytes look like anything, which \
        is why RFC 6455 makes masking mandatory. Only a server that speaks WebSocket unmasks \
        them and sees the plaintext.",
    mask_problem: |problem| format!("The experiment could not finish: {problem}"),

    doors_title: "8 · The browser's other doors",
    doors_claim: "Newer APIs, looked for in this browser just now, and what each means for \
        \"can a page open a socket?\".",
    present: "present",
    absent: "absent",
    door_direct: "Direct Sockets (Chrome 131+): real TCP and UDP sockets, but only in \
        Isolated Web Apps (installed and signed); an ordinary page never has them.",
    door_webtransport: "Streams and datagrams over HTTP/3 (Baseline since 2026), only to a \
        server that speaks WebTransport and agrees: a protocol with consent, not a raw socket.",
    door_wss: "WebSocket with promises and backpressure: the same protocol, handshake and \
        Origin check, so the same answer.",
    door_lna: "Local Network Access: Chrome asks the visitor before a page on a public site \
        reaches loopback or a private address (fetch since Chrome 142, WebSockets since 147).",
    door_mixed: "Mixed content: this page came over https, and new WebSocket(\"ws://…\") throws \
        before a byte leaves. A secure page reaches only wss:// (and https://) services: one more \
        door a page does not have.",
    refused: "refused:",
    not_refused: "opened (not refused)",
    lna_here: |space| {
        let text = match space {
            AddressSpace::Loopback => {
                "This page is on loopback: nobody is asked when it \
                reaches loopback."
            }
            AddressSpace::Private => {
                "This page is on a private address: Chrome asks before \
                it reaches loopback."
            }
            AddressSpace::Public => {
                "This page is on a public site: Chrome would ask you \
                before it reaches this machine or your network."
            }
        };
        text.to_owned()
    },
    doors_none: "None of these lets this page open a raw TCP or UDP socket.",
    doors_some: "This context has Direct Sockets: it is an Isolated Web App, not an ordinary \
        page.",
};
