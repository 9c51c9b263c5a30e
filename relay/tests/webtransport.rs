//! The WebTransport door on real loopback sockets, driven by a real
//! WebTransport client (the `wtransport` crate the relay uses): streams to
//! the built-in TCP echo, datagrams to the built-in UDP echo, a service that
//! resets, refusals, shutdown, the flow-control bounds, and the certificate
//! hash `/api/lab` gives the page.

mod common;

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use common::{add_target, http_get, pattern};
use protocol::{api::wt_codes, LabInfo};
use relay::{
    services::builtins::{self, BuiltinListen},
    webtransport::{MAX_STREAMS_PER_SESSION, STREAM_RECEIVE_WINDOW_BYTES},
    Config,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use wtransport::{
    endpoint::ConnectOptions, error::StreamReadError, tls::Sha256Digest, ClientConfig, Connection,
    Endpoint, VarInt,
};

/// A relay with the built-in echo services and the WebTransport door.
struct WtRelay {
    http: SocketAddr,
    wt_port: u16,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Drop for WtRelay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl WtRelay {
    /// The relay, with `extra` targets beside `echo` and `udp-echo`.
    async fn start(extra: &[(&str, String)]) -> Self {
        Self::start_with(extra, None).await
    }

    /// The same, serving `tls` on both doors when given.
    async fn start_with(extra: &[(&str, String)], tls: Option<relay::tls::TlsFiles>) -> Self {
        let shutdown = CancellationToken::new();
        let listen = BuiltinListen {
            echo: Some("127.0.0.1:0".into()),
            ..BuiltinListen::none()
        };
        let started = builtins::start(&listen, &shutdown).await.unwrap();
        let mut config = Config {
            tls,
            ..Config::default()
        };
        for target in started.targets {
            config.targets.add(target).unwrap();
        }
        for (name, address) in extra {
            add_target(&mut config, name, address);
        }
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http = listener.local_addr().unwrap();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let wt_port = udp.local_addr().unwrap().port();
        let task = tokio::spawn(relay::run_doors(
            listener,
            Some(udp),
            config,
            started.builtins,
            shutdown.clone(),
        ));
        Self {
            http,
            wt_port,
            shutdown,
            task,
        }
    }

    async fn lab(&self) -> LabInfo {
        let (status, body) = http_get(self.http, "/api/lab").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    async fn hash(&self) -> Sha256Digest {
        let info = self.lab().await.webtransport.expect("the door is open");
        Sha256Digest::new(info.cert_sha256_bytes().expect("64 hex digits"))
    }

    fn url(&self, target: &str) -> String {
        format!("https://127.0.0.1:{}/wt/{target}", self.wt_port)
    }

    /// The relay's own page's origin.
    fn page_origin(&self) -> String {
        format!("http://{}", self.http)
    }

    /// A session to `target` as the relay's own page opens it.
    async fn session(&self, target: &str) -> Connection {
        let origin = self.page_origin();
        self.connect(target, Some(&origin))
            .await
            .expect("session accepted")
    }

    async fn connect(
        &self,
        target: &str,
        origin: Option<&str>,
    ) -> Result<Connection, wtransport::error::ConnectingError> {
        let client = client(self.hash().await);
        let mut options = ConnectOptions::builder(self.url(target));
        if let Some(origin) = origin {
            options = options.add_header("origin", origin);
        }
        client.connect(options.build()).await
    }

    /// `/metrics` once it shows every one of `lines`, or after 5 s as it
    /// is then: the relay counts a stream's bytes when the stream ends,
    /// which can be just after the client has read the last of them.
    async fn metrics_with(&self, lines: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let metrics = http_get(self.http, "/metrics").await.1;
            if lines.iter().all(|line| metrics.contains(line)) || Instant::now() > deadline {
                return metrics;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn client(hash: Sha256Digest) -> Endpoint<wtransport::endpoint::endpoint_side::Client> {
    let config = ClientConfig::builder()
        .with_bind_default()
        .with_server_certificate_hashes([hash])
        .build();
    Endpoint::client(config).unwrap()
}

/// Reads a stream to its end, within `limit`.
async fn read_to_end(recv: &mut wtransport::RecvStream, limit: Duration) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0; 64 << 10];
    tokio::time::timeout(limit, async {
        while let Some(n) = recv.read(&mut buf).await.expect("stream read") {
            out.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the stream ends in time");
    out
}

#[tokio::test]
async fn eight_mib_come_back_exact_on_one_stream() {
    let relay = WtRelay::start(&[]).await;
    let session = relay.session("echo").await;
    let (mut send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
    let data = pattern(8 << 20, 1);
    let started = Instant::now();
    let writer = {
        let data = data.clone();
        async move {
            send.write_all(&data).await.unwrap();
            send.finish().await.unwrap();
        }
    };
    let (_, back) = tokio::join!(writer, read_to_end(&mut recv, Duration::from_secs(60)));
    let took = started.elapsed();
    assert_eq!(back.len(), data.len());
    assert!(back == data, "the bytes came back changed");
    println!(
        "webtransport stream echo: 8 MiB each way in {:.0} ms ({:.1} MiB/s)",
        took.as_secs_f64() * 1e3,
        8.0 / took.as_secs_f64()
    );
    // The echo saw EOF (our finish) and closed: the stream ended cleanly.
    let line = "relay_webtransport_bytes_total{target=\"echo\",direction=\"up\"} 8388608";
    let metrics = relay.metrics_with(&[line]).await;
    assert!(metrics.contains(line), "{metrics}");
}

#[tokio::test]
async fn several_streams_run_in_parallel_on_one_session() {
    let relay = WtRelay::start(&[]).await;
    let session = relay.session("echo").await;
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let (mut send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let data = pattern(256 << 10, u64::from(i) + 1);
            let writer = async {
                send.write_all(&data).await.unwrap();
                send.finish().await.unwrap();
            };
            let (_, back) = tokio::join!(writer, read_to_end(&mut recv, Duration::from_secs(30)));
            assert!(back == data, "stream {i} came back changed");
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Each stream was its own TCP connection; all ended cleanly.
    let line = "relay_webtransport_streams_ended_total{end=\"closed\"} 8";
    let metrics = relay.metrics_with(&[line]).await;
    assert!(metrics.contains(line), "{metrics}");
}

#[tokio::test]
async fn datagrams_reach_the_udp_echo_one_for_one() {
    let relay = WtRelay::start(&[]).await;
    let session = relay.session("udp-echo").await;
    let max = session.max_datagram_size().expect("datagrams are on");
    assert!(max >= 1000, "{max}");
    for len in [1, 100, 500, max] {
        let sent = pattern(len, 3);
        session.send_datagram(&sent).unwrap();
        let got = tokio::time::timeout(Duration::from_secs(5), session.receive_datagram())
            .await
            .expect("the datagram comes back (loopback loses none)")
            .unwrap();
        assert_eq!(got.payload().as_ref(), &sent[..], "len {len}");
    }
    // A stream in a datagram session is refused with its own code.
    let (_send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
    let mut buf = [0; 16];
    let err = tokio::time::timeout(Duration::from_secs(5), recv.read(&mut buf))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, StreamReadError::Reset(code) if code == VarInt::from_u32(wt_codes::STREAM_WRONG_KIND)),
        "{err:?}"
    );
}

#[tokio::test]
async fn datagrams_too_large_for_the_session_are_dropped_and_counted() {
    // A UDP service that answers every datagram with a 1,500-byte one (a
    // QUIC datagram cannot carry it) and then a small one.
    let service = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = format!("udp://{}", service.local_addr().unwrap());
    tokio::spawn(async move {
        let mut buf = [0; 2048];
        while let Ok((_, from)) = service.recv_from(&mut buf).await {
            let _ = service.send_to(&[7; 1500], from).await;
            let _ = service.send_to(b"small", from).await;
        }
    });
    let relay = WtRelay::start(&[("big", address)]).await;
    let session = relay.session("big").await;
    session.send_datagram(b"hi").unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), session.receive_datagram())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.payload().as_ref(), b"small", "the big one was dropped");
    let line = "relay_webtransport_datagrams_dropped_total{reason=\"too_large\"} 1";
    let metrics = relay.metrics_with(&[line]).await;
    assert!(metrics.contains(line), "{metrics}");
}

#[tokio::test]
async fn a_service_reset_resets_the_stream() {
    // Accepts, reads one chunk, then resets (SO_LINGER 0).
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            use tokio::io::AsyncReadExt;
            let mut buf = [0; 64];
            let _ = stream.read(&mut buf).await;
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO)).unwrap();
            drop(stream);
        }
    });
    let relay = WtRelay::start(&[("resetter", address)]).await;
    let session = relay.session("resetter").await;
    let (mut send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
    send.write_all(b"hello").await.unwrap();
    let mut buf = [0; 64];
    let err = tokio::time::timeout(Duration::from_secs(5), recv.read(&mut buf))
        .await
        .expect("an answer in time")
        .expect_err("a reset, not data or a clean end");
    assert!(
        matches!(err, StreamReadError::Reset(code) if code == VarInt::from_u32(wt_codes::STREAM_UPSTREAM_RESET)),
        "{err:?}"
    );
    // The session itself is fine: another stream works.
    let (_send, _recv) = session.open_bi().await.unwrap().await.unwrap();
}

#[tokio::test]
async fn unknown_targets_and_foreign_origins_are_refused() {
    let relay = WtRelay::start(&[]).await;
    // The relay's own page is let in (so the refusals below mean something).
    assert!(relay
        .connect("echo", Some(&relay.page_origin()))
        .await
        .is_ok());
    assert!(relay.connect("echo", None).await.is_ok(), "not a browser");
    for (target, origin) in [
        ("nope", Some(relay.page_origin())),
        ("echo", Some("https://evil.example".to_owned())),
        // Another port of the same host is another origin.
        ("echo", Some("http://127.0.0.1:1".to_owned())),
    ] {
        let result = relay.connect(target, origin.as_deref()).await;
        assert!(
            matches!(
                result,
                Err(wtransport::error::ConnectingError::SessionRejected)
            ),
            "{target} {origin:?}: {:?}",
            result.map(|_| ())
        );
    }
    let lines = [
        "relay_webtransport_refused_total{reason=\"unknown_target\"} 1",
        "relay_webtransport_refused_total{reason=\"origin\"} 2",
    ];
    let metrics = relay.metrics_with(&lines).await;
    for line in lines {
        assert!(metrics.contains(line), "missing {line}: {metrics}");
    }
}

#[tokio::test]
async fn shutdown_closes_sessions_mid_stream() {
    let relay = WtRelay::start(&[]).await;
    let session = relay.session("echo").await;
    let (mut send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
    send.write_all(b"ping").await.unwrap();
    let mut buf = [0; 4];
    recv.read_exact(&mut buf).await.unwrap();
    relay.shutdown.cancel();
    let closed = tokio::time::timeout(Duration::from_secs(5), session.closed())
        .await
        .expect("closed promptly");
    match closed {
        wtransport::error::ConnectionError::ApplicationClosed(close) => {
            assert_eq!(close.code(), VarInt::from_u32(wt_codes::SESSION_SHUTDOWN));
            assert_eq!(close.reason(), b"relay is shutting down");
        }
        other => panic!("not the relay's close: {other:?}"),
    }
    let finished = tokio::time::timeout(Duration::from_secs(10), async {
        while !relay.task.is_finished() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        finished.is_ok(),
        "the relay stops after closing its sessions"
    );
}

#[tokio::test]
async fn the_lab_hash_is_the_certificate_the_client_sees() {
    let relay = WtRelay::start(&[]).await;
    let info = relay.lab().await.webtransport.expect("the door is open");
    assert_eq!(info.port, relay.wt_port);
    assert!(info.self_signed);
    let session = relay.session("echo").await;
    let chain = session.peer_identity().expect("a certificate");
    assert_eq!(
        chain.as_slice()[0]
            .hash()
            .fmt(wtransport::tls::Sha256DigestFmt::BytesArray),
        Sha256Digest::new(info.cert_sha256_bytes().unwrap())
            .fmt(wtransport::tls::Sha256DigestFmt::BytesArray)
    );
    // A client pinned to another hash is turned away by its own TLS.
    let wrong = client(Sha256Digest::new([0; 32]));
    let result = wrong
        .connect(ConnectOptions::builder(relay.url("echo")).build())
        .await;
    assert!(result.is_err(), "a wrong hash must not verify");
}

#[tokio::test]
async fn flow_control_bounds_what_a_page_can_park_in_the_relay() {
    // A service that accepts and never reads.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let relay = WtRelay::start(&[("sink", address)]).await;
    let session = relay.session("sink").await;
    let (mut send, _recv) = session.open_bi().await.unwrap().await.unwrap();
    // Write until the relay stops taking bytes.
    let chunk = vec![0u8; 64 << 10];
    let mut written = 0usize;
    loop {
        match tokio::time::timeout(Duration::from_millis(500), send.write_all(&chunk)).await {
            Ok(Ok(())) => written += chunk.len(),
            Ok(Err(err)) => panic!("write failed: {err}"),
            Err(_) => break,
        }
        assert!(
            written < 64 << 20,
            "the relay took 64 MiB from a page whose service reads nothing"
        );
    }
    // What the relay holds is the stream's receive window and one read
    // chunk; the rest sits in the kernel's socket buffers (the relay's send
    // buffer and the service's receive buffer), which the kernel bounds.
    let kernel_max = |path: &str| -> usize {
        let text = std::fs::read_to_string(path).unwrap();
        text.split_whitespace().last().unwrap().parse().unwrap()
    };
    let kernel =
        kernel_max("/proc/sys/net/ipv4/tcp_wmem") + kernel_max("/proc/sys/net/ipv4/tcp_rmem");
    let bound = STREAM_RECEIVE_WINDOW_BYTES as usize + (64 << 10) + kernel;
    println!("a page parked {written} bytes before the relay stopped reading (bound {bound})");
    assert!(written <= bound + chunk.len(), "{written} > {bound}");
    // No more streams than the limit open at once.
    let mut open = Vec::new();
    for _ in 1..MAX_STREAMS_PER_SESSION {
        open.push(session.open_bi().await.unwrap().await.unwrap());
    }
    let one_more = tokio::time::timeout(Duration::from_millis(500), async {
        session.open_bi().await.unwrap().await
    })
    .await;
    assert!(
        one_more.is_err(),
        "stream {} opened",
        MAX_STREAMS_PER_SESSION + 1
    );
}

#[tokio::test]
async fn round_trips_on_a_stream_and_by_datagram() {
    let relay = WtRelay::start(&[]).await;
    let percentiles = |mut times: Vec<Duration>| {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
        (at(0.5), at(0.99))
    };
    let session = relay.session("echo").await;
    let (mut send, mut recv) = session.open_bi().await.unwrap().await.unwrap();
    let mut times = Vec::new();
    for i in 0..500u32 {
        let message = i.to_be_bytes().repeat(8);
        let started = Instant::now();
        send.write_all(&message).await.unwrap();
        let mut back = [0; 32];
        recv.read_exact(&mut back).await.unwrap();
        times.push(started.elapsed());
        assert_eq!(&back[..], &message[..], "round trip {i}");
    }
    let (p50, p99) = percentiles(times);
    println!("webtransport stream round trip (32 B, 500): p50 {p50:.0} us, p99 {p99:.0} us");

    let session = relay.session("udp-echo").await;
    let mut times = Vec::new();
    for i in 0..500u32 {
        let message = i.to_be_bytes().repeat(8);
        let started = Instant::now();
        session.send_datagram(&message).unwrap();
        let back = tokio::time::timeout(Duration::from_secs(5), session.receive_datagram())
            .await
            .expect("loopback loses no datagram")
            .unwrap();
        times.push(started.elapsed());
        assert_eq!(back.payload().as_ref(), &message[..], "datagram {i}");
    }
    let (p50, p99) = percentiles(times);
    println!("webtransport datagram round trip (32 B, 500): p50 {p50:.0} us, p99 {p99:.0} us");
}

#[tokio::test]
async fn an_operator_certificate_is_served_on_the_door_too() {
    use wtransport::tls::self_signed::time::{Duration as Span, OffsetDateTime};
    let dir = tempfile::tempdir().unwrap();
    // Short-lived ECDSA, so a client may pin it by hash as a browser would.
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.not_before = OffsetDateTime::now_utc() - Span::hours(1);
    params.not_after = OffsetDateTime::now_utc() + Span::days(7);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let files = relay::tls::TlsFiles::new(dir.path().join("c.pem"), dir.path().join("k.pem"));
    std::fs::write(&files.cert, cert.pem()).unwrap();
    std::fs::write(&files.key, key.serialize_pem()).unwrap();
    let relay = WtRelay::start_with(&[], Some(files)).await;
    let pinned = wtransport::tls::Certificate::from_der(cert.der().to_vec())
        .unwrap()
        .hash();
    let session = client(pinned)
        .connect(ConnectOptions::builder(relay.url("echo")).build())
        .await
        .expect("the door serves the operator's certificate");
    let served = session.peer_identity().expect("a certificate");
    assert_eq!(served.as_slice()[0].der(), cert.der().as_ref());
}
