use super::*;

fn capture(bytes: &[u8]) -> Capture {
    Capture {
        port: 7008,
        time_us: 1,
        bytes: bytes.to_vec(),
    }
}

#[test]
fn no_socket_api_is_a_failure() {
    let mut scan = ApiScan {
        typeof_tcp_socket: "undefined".into(),
        tcp_socket_in_window: false,
        typeof_navigator_tcp: "undefined".into(),
        secure_context: true,
        cross_origin_isolated: false,
    };
    assert_eq!(scan.outcome(), Outcome::Failed);
    scan.typeof_tcp_socket = "function".into();
    scan.tcp_socket_in_window = true;
    assert_eq!(scan.outcome(), Outcome::Succeeded, "an isolated web app");
}

#[test]
fn fetch_outcomes() {
    let rejected = FetchResult {
        url: "http://127.0.0.1:1/probe-x".into(),
        end: FetchEnd::Rejected("TypeError: Failed to fetch".into()),
        captured: Captured::Found(vec![capture(b"GET /probe-x HTTP/1.1\r\n\r\n")]),
    };
    assert_eq!(rejected.outcome(), Outcome::Failed);
    assert_eq!(rejected.captured.bytes(), b"GET /probe-x HTTP/1.1\r\n\r\n");
    let answered = FetchResult {
        end: FetchEnd::Response {
            kind: "opaque".into(),
            status: 0,
        },
        ..rejected.clone()
    };
    assert_eq!(answered.outcome(), Outcome::Succeeded);
    let unknown = FetchResult {
        captured: Captured::Unavailable("404".into()),
        ..rejected
    };
    assert_eq!(unknown.outcome(), Outcome::Error);
}

#[test]
fn socket_outcomes() {
    let abnormal = SocketEnd {
        error_event: true,
        close: Some((1006, String::new(), false)),
        ..SocketEnd::default()
    };
    assert_eq!(abnormal.outcome(), Outcome::Failed);
    let thrown = SocketEnd {
        thrown: Some("SecurityError".into()),
        ..SocketEnd::default()
    };
    assert_eq!(thrown.outcome(), Outcome::Failed);
    let opened = SocketEnd {
        opened: true,
        close: Some((1000, String::new(), true)),
        ..SocketEnd::default()
    };
    assert_eq!(opened.outcome(), Outcome::Succeeded);
    assert_eq!(SocketEnd::default().outcome(), Outcome::Error, "timed out");
    let direct = DirectSocketResult {
        url: String::new(),
        end: abnormal,
        captured: Captured::Unavailable("down".into()),
    };
    assert_eq!(direct.outcome(), Outcome::Error);
}

#[test]
fn relay_outcome_needs_the_exact_bytes() {
    let mut result = RelayResult {
        sent: b"hi\x00\xff".to_vec(),
        reply: Some(b"recorder got 4 bytes\r\n".to_vec()),
        upstream: b"hi\x00\xff".to_vec(),
        ..RelayResult::default()
    };
    assert_eq!(result.outcome(), Outcome::Succeeded);
    result.upstream.pop();
    assert_eq!(result.outcome(), Outcome::Error);
    result.reply = None;
    assert_eq!(result.outcome(), Outcome::Error);
    assert_eq!(Outcome::default().name(), "pending");
}

#[test]
fn markers_are_valid_for_the_recorder() {
    let mut x = 0.0;
    let m = marker(|| {
        x += 0.07;
        x % 1.0
    });
    assert!(protocol::api::is_valid_marker(&m), "{m}");
    assert_eq!(m.len(), "probe-".len() + 16);
    assert!(protocol::api::is_valid_marker(&marker(|| 1.0)));
}

#[test]
fn notable_header_lines_are_marked() {
    let head = "GET /probe-x HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nsec-websocket-key: k\r\n\r\n";
    let marked: Vec<bool> = head
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| notable_line(i, line))
        .collect();
    assert_eq!(marked, [true, true, false, true, false]);
    let lab = Lab::Ready(protocol::LabInfo {
        recorder_port: Some(7008),
        bad_port: None,
        tap: true,
        recorder_loopback: true,
        webtransport: None,
    });
    assert_eq!((lab.recorder_port(), lab.bad_port()), (Some(7008), None));
    assert_eq!(Lab::Loading.recorder_port(), None);
    // A loopback recorder is out of reach of a page on another host.
    assert!(!lab.recorder_out_of_reach("127.0.0.1"));
    assert!(!lab.recorder_out_of_reach("localhost"));
    assert!(lab.recorder_out_of_reach("relay.example.com"));
    assert!(!Lab::Loading.recorder_out_of_reach("relay.example.com"));
}
