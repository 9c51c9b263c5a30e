//! The kinds of target beyond TCP, each against a real service: UDP (the
//! built-in echo and Debian's dnsmasq), a Unix-domain socket (Debian's
//! redis-server), and `send_proxy` (nginx's stream module reading the PROXY
//! header the relay sends, for two different visitors).

mod common;

use std::{net::SocketAddr, path::Path, time::Duration};

use common::{
    add_target, close_of, closed_port,
    daemons::{spawn, start_dnsmasq, Daemon},
    http_get, pattern, TestRelay,
};
use futures_util::{SinkExt, StreamExt};
use protocol::dns;
use relay::{
    send_proxy::ProxyVersion,
    services::builtins::{BuiltinListen, Builtins},
    Config, Target,
};
use tokio::net::{TcpSocket, UdpSocket};
use tokio_tungstenite::{
    client_async, connect_async,
    tungstenite::{Message, Utf8Bytes},
};

/// The next message, within 10 s.
async fn next<S>(ws: &mut S) -> Message
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .expect("a message within 10 s")
        .expect("the session is open")
        .expect("a message")
}

async fn udp_echo_relay() -> TestRelay {
    let echo = BuiltinListen {
        echo: Some("127.0.0.1:0".into()),
        ..BuiltinListen::none()
    };
    let (relay, _): (TestRelay, Builtins) =
        TestRelay::start_with_builtins(Config::default(), &echo).await;
    relay
}

#[tokio::test]
async fn each_message_is_one_datagram_each_way() {
    let relay = udp_echo_relay().await;
    let (_, targets) = http_get(relay.addr, "/api/targets").await;
    assert!(
        targets.contains(r#""name":"udp-echo","description":"demo: sends back every datagram it receives","builtin":true,"needs_token":false,"datagrams":true"#),
        "{targets}"
    );
    let (mut ws, _) = connect_async(relay.ws_url("udp-echo")).await.unwrap();
    // Sent back to back, they must come back as they went: never merged,
    // never split, the empty one included, up to the largest IPv4 datagram.
    let sizes = [3, 0, 1, 1400, 9000, 65_507];
    for (i, &size) in sizes.iter().enumerate() {
        ws.send(Message::Binary(pattern(size, i as u64 + 1).into()))
            .await
            .unwrap();
    }
    ws.send(Message::Text("text goes as its UTF-8 bytes".into()))
        .await
        .unwrap();
    for (i, &size) in sizes.iter().enumerate() {
        match next(&mut ws).await {
            Message::Binary(data) => assert_eq!(data, pattern(size, i as u64 + 1), "#{i}"),
            other => panic!("#{i}: {other:?}"),
        }
    }
    assert_eq!(
        next(&mut ws).await,
        Message::Binary(b"text goes as its UTF-8 bytes".to_vec().into())
    );
    // One byte more than a datagram can carry: refused, with a reason.
    ws.send(Message::Binary(vec![0; 65_508].into()))
        .await
        .unwrap();
    let (code, reason) = close_of(ws.next().await);
    assert_eq!(code, 1009);
    assert_eq!(
        reason,
        "a message of 65508 bytes is larger than the largest datagram (65507 bytes)"
    );
}

#[tokio::test]
async fn a_dns_query_reaches_a_real_resolver_and_its_answer_comes_back() {
    let (_dnsmasq, resolver) = start_dnsmasq();
    let mut config = Config::default();
    add_target(&mut config, "dns", &format!("udp://{resolver}"));
    let relay = TestRelay::start_with(config).await;
    let (mut ws, _) = connect_async(relay.ws_url("dns")).await.unwrap();
    let query = dns::query(0x5eed, "a.zone.test", dns::TYPE_A).unwrap();
    ws.send(Message::Binary(query.into())).await.unwrap();
    let Message::Binary(reply) = next(&mut ws).await else {
        panic!("a binary message");
    };
    let reply = dns::Message::parse(&reply).unwrap();
    assert!(reply.is_reply);
    assert_eq!(reply.id, 0x5eed);
    assert_eq!(reply.questions, ["a.zone.test"]);
    assert_eq!(reply.answers.len(), 1, "{reply:?}");
    assert_eq!(reply.answers[0].data, "127.0.0.9");
}

#[tokio::test]
async fn datagrams_from_anyone_but_the_target_are_dropped_and_counted() {
    let target = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut config = Config::default();
    add_target(
        &mut config,
        "svc",
        &format!("udp://{}", target.local_addr().unwrap()),
    );
    let relay = TestRelay::start_with(config).await;
    let (mut ws, _) = connect_async(relay.ws_url("svc")).await.unwrap();
    ws.send(Message::Binary(b"hello".to_vec().into()))
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let (n, session) = tokio::time::timeout(Duration::from_secs(5), target.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"hello");
    // Someone else finds the session's port and sends to it first.
    let stranger = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    stranger.send_to(b"spoofed", session).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    target.send_to(b"real", session).await.unwrap();
    assert_eq!(
        next(&mut ws).await,
        Message::Binary(b"real".to_vec().into())
    );
    let (_, metrics) = http_get(relay.addr, "/metrics").await;
    assert!(
        metrics.contains("relay_udp_foreign_datagrams_dropped_total 1\n"),
        "{metrics}"
    );
}

/// Debian's redis-server on a Unix-domain socket only (no TCP port).
async fn redis_on_unix_socket(dir: &Path) -> (Daemon, String) {
    let socket = dir.join("redis.sock").display().to_string();
    let daemon = spawn(
        "redis-server",
        &[
            "--port",
            "0",
            "--unixsocket",
            &socket,
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        "redis-server",
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::net::UnixStream::connect(&socket).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "redis-server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (daemon, socket)
}

#[tokio::test]
async fn a_unix_socket_target_reaches_redis_and_a_missing_one_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (_redis, socket) = redis_on_unix_socket(dir.path()).await;
    let mut config = Config::default();
    add_target(&mut config, "cache", &format!("unix:{socket}"));
    let gone = dir.path().join("nobody.sock").display().to_string();
    add_target(&mut config, "gone", &format!("unix:{gone}"));
    let relay = TestRelay::start_with(config).await;

    let (mut ws, _) = connect_async(relay.ws_url("cache")).await.unwrap();
    ws.send(Message::Text("PING\r\n".into())).await.unwrap();
    assert_eq!(
        next(&mut ws).await,
        Message::Binary(b"+PONG\r\n".to_vec().into())
    );

    let (mut ws, _) = connect_async(relay.ws_url("gone")).await.unwrap();
    let (code, reason) = close_of(ws.next().await);
    assert_eq!(code, 1011);
    assert_eq!(reason, "target gone: the service's socket does not exist");
    assert!(!reason.contains(dir.path().to_str().unwrap()));
}

const STREAM_MODULE: &str = "/usr/lib/nginx/modules/ngx_stream_module.so";

/// nginx's stream module on a free port, reading a PROXY header (v1 or v2)
/// on every connection and answering with the address and port it names.
async fn nginx_telling_the_proxied_address(dir: &Path) -> (Daemon, SocketAddr) {
    let port = closed_port();
    let path = |name: &str| dir.join(name).display().to_string();
    let conf = format!(
        "load_module {STREAM_MODULE};\nmaster_process off;\ndaemon off;\npid {pid};\n\
         error_log {err} info;\nevents {{ worker_connections 64; }}\n\
         stream {{ server {{ listen 127.0.0.1:{port} proxy_protocol; \
         return \"$proxy_protocol_addr $proxy_protocol_port\\n\"; }} }}\n",
        pid = path("nginx.pid"),
        err = path("error.log"),
    );
    std::fs::write(path("nginx.conf"), conf).unwrap();
    let prefix = path("");
    let conf = path("nginx.conf");
    let errors = path("error.log");
    let nginx = spawn(
        "/usr/sbin/nginx",
        &["-p", &prefix, "-c", &conf, "-e", &errors],
        "nginx libnginx-mod-stream",
    );
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(path("error.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (nginx, addr)
}

/// What the service says to a visitor connecting from `from` to `target`,
/// and the visitor's own address.
async fn as_visitor_from(relay: &TestRelay, from: &str, target: &str) -> (String, SocketAddr) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let stream = socket.connect(relay.addr).await.unwrap();
    let visitor = stream.local_addr().unwrap();
    let (mut ws, _) = client_async(relay.ws_url(target), stream).await.unwrap();
    match next(&mut ws).await {
        Message::Binary(said) => (String::from_utf8(said.to_vec()).unwrap(), visitor),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn send_proxy_names_each_visitor_to_the_service() {
    assert!(
        Path::new(STREAM_MODULE).is_file(),
        "nginx's stream module is missing: cargo xtask setup (libnginx-mod-stream)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, nginx) = nginx_telling_the_proxied_address(dir.path()).await;
    let mut config = Config::default();
    for (name, version) in [("v1", ProxyVersion::V1), ("v2", ProxyVersion::V2)] {
        let target = Target::new(name, &nginx.to_string(), "")
            .unwrap()
            .with_send_proxy(version)
            .unwrap();
        config.targets.add(target).unwrap();
    }
    add_target(&mut config, "plain", &nginx.to_string());
    let relay = TestRelay::start_with(config).await;
    for target in ["v1", "v2"] {
        for from in ["127.0.0.1", "127.0.0.2"] {
            let (said, visitor) = as_visitor_from(&relay, from, target).await;
            assert_eq!(
                said,
                format!("{} {}\n", visitor.ip(), visitor.port()),
                "{target} from {from}"
            );
        }
    }
    // On a dual-stack listener (`[::]`) an IPv4 visitor is ::ffff:127.0.0.1
    // to the socket: the service must still hear 127.0.0.1 and their port.
    if let Ok(listener) = tokio::net::TcpListener::bind("[::]:0").await {
        let port = listener.local_addr().unwrap().port();
        let mut config = Config::default();
        let target = Target::new("v1", &nginx.to_string(), "")
            .unwrap()
            .with_send_proxy(ProxyVersion::V1)
            .unwrap();
        config.targets.add(target).unwrap();
        let mut dual = TestRelay::start_on(listener, config).await;
        dual.addr = SocketAddr::from(([127, 0, 0, 1], port));
        let (said, visitor) = as_visitor_from(&dual, "127.0.0.1", "v1").await;
        assert_eq!(
            said,
            format!("127.0.0.1 {}\n", visitor.port()),
            "dual-stack"
        );
    }
    // Without send_proxy nginx reads the first bytes as a broken header and
    // hangs up (a FIN, or a reset if our bytes were unread): the session ends
    // without the service saying anything.
    let (mut ws, _) = connect_async(relay.ws_url("plain")).await.unwrap();
    ws.send(Message::Text(Utf8Bytes::from_static("hello\r\n")))
        .await
        .unwrap();
    let (code, reason) = close_of(ws.next().await);
    assert!(matches!(code, 1000 | 1011), "{code} {reason}");
}
