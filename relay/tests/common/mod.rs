//! Helpers for the relay's integration tests: a relay on 127.0.0.1:0 with the
//! targets a test needs, stopped when the handle drops.
#![allow(dead_code)]

pub mod binary;
pub mod daemons;

use std::{net::SocketAddr, time::Duration};

use relay::{
    services::builtins::{self, BuiltinListen, Builtins},
    Config, Target,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A running relay. Dropping it shuts the relay down.
pub struct TestRelay {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestRelay {
    /// Starts a relay bridging each `(name, address)`.
    pub async fn start(targets: &[(&str, String)]) -> Self {
        let mut config = Config::default();
        for (name, address) in targets {
            add_target(&mut config, name, address);
        }
        Self::start_with(config).await
    }

    /// Starts a relay with a full config and no built-in services.
    pub async fn start_with(config: Config) -> Self {
        Self::run(config, Builtins::default(), CancellationToken::new()).await
    }

    /// Starts the built-in services `listen` names (stopped with the relay),
    /// then a relay with `config` and their targets; returns their handles too.
    pub async fn start_with_builtins(
        mut config: Config,
        listen: &BuiltinListen,
    ) -> (Self, Builtins) {
        let shutdown = CancellationToken::new();
        let started = builtins::start(listen, &shutdown).await.unwrap();
        let mut targets = relay::Targets::default();
        for target in started
            .targets
            .into_iter()
            .chain(config.targets.iter().cloned())
        {
            targets.add(target).unwrap();
        }
        config.targets = targets;
        let handles = started.builtins.clone();
        (Self::run(config, started.builtins, shutdown).await, handles)
    }

    /// Starts a relay with `config` on a listener of the test's choosing.
    pub async fn start_on(listener: TcpListener, config: Config) -> Self {
        Self::serve(
            listener,
            config,
            Builtins::default(),
            CancellationToken::new(),
        )
    }

    async fn run(config: Config, builtins: Builtins, shutdown: CancellationToken) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, config, builtins, shutdown)
    }

    fn serve(
        listener: TcpListener,
        config: Config,
        builtins: Builtins,
        shutdown: CancellationToken,
    ) -> Self {
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(relay::run(listener, config, builtins, shutdown.clone()));
        Self {
            addr,
            shutdown,
            task,
        }
    }

    /// Starts a relay with the lab (recorder on a free port, bad-port listener).
    pub async fn start_lab(config: Config) -> Self {
        let lab = BuiltinListen {
            recorder: Some("127.0.0.1:0".into()),
            ..BuiltinListen::none()
        };
        Self::start_with_builtins(config, &lab).await.0
    }

    pub fn ws_url(&self, target: &str) -> String {
        format!("ws://{}/ws/{target}", self.addr)
    }
}

/// Starts the relay's own echo service on a free port; returns its address.
pub async fn start_echo() -> (String, CancellationToken) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let token = CancellationToken::new();
    tokio::spawn(relay::services::serve(
        "echo",
        listener,
        token.clone(),
        relay::services::echo::handle,
    ));
    (addr, token)
}

/// A relay with these limits and the echo service as target `echo`; the
/// token stops the echo service.
pub async fn echo_relay(limits: relay::Limits) -> (TestRelay, CancellationToken) {
    let (echo, stop) = start_echo().await;
    let mut config = Config {
        limits,
        ..Default::default()
    };
    add_target(&mut config, "echo", &echo);
    (TestRelay::start_with(config).await, stop)
}

/// A service whose connects hang, like a host that went away: a listener
/// whose accept queue is full (Linux then drops further SYNs).
pub struct HungService {
    pub address: String,
    _listener: TcpListener,
    _fillers: Vec<tokio::net::TcpStream>,
}

impl HungService {
    pub async fn start() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(0).unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let mut fillers = Vec::new();
        loop {
            let attempt = tokio::time::timeout(
                Duration::from_millis(300),
                tokio::net::TcpStream::connect(&address),
            )
            .await;
            match attempt {
                Ok(Ok(stream)) => fillers.push(stream),
                _ => break, // this one hung: the queue is full
            }
            assert!(fillers.len() < 16, "the accept queue never filled");
        }
        Self {
            address,
            _listener: listener,
            _fillers: fillers,
        }
    }
}

/// Adds the target `name` at `address` (no token) to `config`.
pub fn add_target(config: &mut Config, name: &str, address: &str) {
    config
        .targets
        .add(Target::new(name, address, "").unwrap())
        .unwrap();
}

/// A port on 127.0.0.1 that nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET; returns (status, body).
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("an HTTP status line");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Polls `cond` every 20 ms until it holds or `deadline` passes.
pub async fn wait_until(deadline: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = tokio::time::Instant::now() + deadline;
    while tokio::time::Instant::now() < end {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cond()
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn pattern(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The code and reason of a close frame; panics on anything else.
pub fn close_of(
    msg: Option<
        Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
    >,
) -> (u16, String) {
    match msg {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame)))) => {
            (frame.code.into(), frame.reason.to_string())
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// A self-signed certificate for `localhost`, written as PEM files into
/// `dir`, and a client connector that trusts it (and nothing else).
pub struct TestCert {
    pub cert_pem: std::path::PathBuf,
    pub key_pem: std::path::PathBuf,
    pub connector: tokio_rustls::TlsConnector,
}

impl TestCert {
    pub fn new(dir: &std::path::Path) -> Self {
        use std::sync::Arc;
        use tokio_rustls::rustls::{self, RootCertStore};
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (cert_pem, key_pem) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert_pem, cert.cert.pem()).unwrap();
        std::fs::write(&key_pem, cert.signing_key.serialize_pem()).unwrap();
        let mut roots = RootCertStore::empty();
        roots.add(cert.cert.der().clone()).unwrap();
        let client = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        Self {
            cert_pem,
            key_pem,
            connector: tokio_rustls::TlsConnector::from(Arc::new(client)),
        }
    }
}
