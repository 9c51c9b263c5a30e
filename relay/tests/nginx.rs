//! The shipped nginx configurations (deploy/nginx/), run by Debian's nginx in
//! front of two relay processes: TLS ends at nginx, sessions round-trip,
//! both relays get visitors, and each relay counts visitors by their own
//! address (X-Forwarded-For in `relay.conf`, a PROXY header in
//! `relay-stream.conf`), not nginx's.

mod common;

use std::{
    collections::BTreeMap,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use common::{binary::RelayProcess, daemons::Daemon, TestCert};
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpSocket},
};
use tokio_rustls::{client::TlsStream, rustls::pki_types::ServerName, TlsConnector};
use tokio_tungstenite::{
    client_async,
    tungstenite::{client::IntoClientRequest, Error, Message},
    WebSocketStream,
};

const STREAM_MODULE: &str = "/usr/lib/nginx/modules/ngx_stream_module.so";

/// Debian's nginx, or a failure saying how to get it.
fn nginx_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("nginx"));
    on_path
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .find(|path| path.is_file())
        .expect("nginx is not installed: run `cargo xtask setup` (Debian package nginx)")
}

/// A TCP service standing for one relay's target: says `name`, then echoes.
async fn start_named_echo(name: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                conn.write_all(format!("{name}\n").as_bytes()).await?;
                let (mut read, mut write) = conn.split();
                tokio::io::copy(&mut read, &mut write).await
            });
        }
    });
    addr
}

/// Starts the relay binary on a free port with target `who` at `who` and
/// these extra flags.
fn start_relay(who: SocketAddr, log: &Path, extra: &[&str]) -> RelayProcess {
    let log = Stdio::from(std::fs::File::create(log).unwrap());
    RelayProcess::with_one_target("who", &who.to_string(), extra, log)
}

/// `template` with each `(from, to)` replaced; each `from` must occur once,
/// so an edit to the shipped file cannot silently leave a value untested.
fn fill(template: &str, replacements: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (from, to) in replacements {
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} should occur once in the shipped config"
        );
        text = text.replace(from, to);
    }
    text
}

/// nginx, two relays and what a visitor needs to reach them.
struct Deployment {
    /// Where nginx listens (TLS).
    addr: SocketAddr,
    connector: TlsConnector,
    dir: tempfile::TempDir,
    _nginx: Daemon,
    _relays: Vec<RelayProcess>,
}

impl Deployment {
    /// Starts two relays with `relay_flags` and nginx running
    /// `deploy/nginx/<config>` in front of them.
    async fn start(config: &str, relay_flags: &[&str]) -> Self {
        let nginx = nginx_binary();
        let stream = config.contains("stream");
        assert!(
            !stream || Path::new(STREAM_MODULE).is_file(),
            "nginx's stream module is missing: run `cargo xtask setup` (Debian package libnginx-mod-stream)"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).display().to_string();
        let cert = TestCert::new(dir.path());

        let mut relay_procs = Vec::new();
        for name in ["relay-a", "relay-b"] {
            let who = start_named_echo(name).await;
            relay_procs.push(start_relay(
                who,
                Path::new(&path(&format!("{name}.log"))),
                relay_flags,
            ));
        }
        let relays: Vec<SocketAddr> = relay_procs.iter().map(|r| r.addr).collect();

        // A free port for nginx: bound by us, released, handed over.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let shipped = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../deploy/nginx")
                .join(config),
        )
        .unwrap();
        let site = fill(
            &shipped,
            &[
                ("server 127.0.0.1:8081;", format!("server {};", relays[0])),
                ("server 127.0.0.1:8082;", format!("server {};", relays[1])),
                ("listen 443 ssl", format!("listen 127.0.0.1:{port} ssl")),
                ("/etc/ssl/certs/relay.pem", path("cert.pem")),
                ("/etc/ssl/private/relay.key", path("key.pem")),
            ],
        );
        std::fs::write(path(config), site).unwrap();
        // The top level a distribution's nginx.conf would provide, kept in
        // the temporary prefix; one process, so killing it stops nginx.
        let (load, include) = if stream {
            (
                format!("load_module {STREAM_MODULE};"),
                format!("include {};", path(config)),
            )
        } else {
            (
                String::new(),
                format!(
                    "http {{ access_log {log}; client_body_temp_path {tmp}/body; \
                     proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi; \
                     uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi; include {site}; }}",
                    log = path("access.log"),
                    tmp = dir.path().display(),
                    site = path(config),
                ),
            )
        };
        let main = format!(
            "{load}\nmaster_process off;\ndaemon off;\npid {pid};\nerror_log {err} info;\n\
             events {{ worker_connections 256; }}\n{include}\n",
            pid = path("nginx.pid"),
            err = path("error.log"),
        );
        std::fs::write(path("nginx.conf"), main).unwrap();
        let child = Command::new(&nginx)
            .args([
                "-p",
                &path(""),
                "-c",
                &path("nginx.conf"),
                "-e",
                &path("error.log"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut nginx = Daemon::new(child);
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            let exited = nginx.child().try_wait().unwrap();
            if exited.is_some() || tokio::time::Instant::now() > deadline {
                panic!(
                    "nginx did not start ({exited:?}); its error log:\n{}",
                    std::fs::read_to_string(path("error.log")).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self {
            addr,
            connector: cert.connector,
            dir,
            _nginx: nginx,
            _relays: relay_procs,
        }
    }

    /// A TLS connection to nginx from `visitor` (any 127.x.y.z is loopback).
    async fn connect(&self, visitor: IpAddr) -> TlsStream<tokio::net::TcpStream> {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(visitor, 0)).unwrap();
        let tcp = socket.connect(self.addr).await.unwrap();
        self.connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("TLS handshake with nginx")
    }

    /// `GET path` over https from 127.0.0.1; returns (status, body).
    async fn get(&self, path: &str) -> (u16, String) {
        let mut tls = self.connect([127, 0, 0, 1].into()).await;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            self.addr.port()
        );
        tls.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        // nginx may close without a TLS close_notify; what arrived counts.
        let _ = tls.read_to_end(&mut response).await;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
        (status, body.unwrap_or_default())
    }

    /// Opens `wss://…/ws/who` from `visitor` as a page of nginx's own origin
    /// would; returns the session and the relay that answered, or the HTTP
    /// status of a refusal.
    async fn open_session(
        &self,
        visitor: IpAddr,
    ) -> Result<(WebSocketStream<TlsStream<tokio::net::TcpStream>>, String), u16> {
        let origin = format!("localhost:{}", self.addr.port());
        let mut request = format!("wss://{origin}/ws/who")
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Origin", format!("https://{origin}").parse().unwrap());
        let tls = self.connect(visitor).await;
        let mut ws = match client_async(request, tls).await {
            Ok((ws, _)) => ws,
            Err(Error::Http(response)) => return Err(response.status().as_u16()),
            Err(err) => panic!("handshake through nginx failed: {err}"),
        };
        let relay = match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Binary(name)))) => String::from_utf8_lossy(&name).trim().to_owned(),
            other => panic!("no greeting from the target: {other:?}"),
        };
        let text = format!("hello from {visitor}");
        ws.send(Message::text(text.clone())).await.unwrap();
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Binary(echo)))) => assert_eq!(&echo[..], text.as_bytes()),
            other => panic!("no echo through nginx: {other:?}"),
        }
        Ok((ws, relay))
    }

    fn relay_logs(&self) -> String {
        ["relay-a.log", "relay-b.log"]
            .iter()
            .map(|name| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default())
            .collect()
    }
}

/// Seven visitors, one /24 each (nginx's ip_hash keys on the first three
/// octets), all seen by the relays through the same nginx address. An odd
/// number, so that plain round-robin cannot send each visitor's second
/// session where its first went.
fn visitors() -> Vec<IpAddr> {
    (1..=7).map(|n| IpAddr::from([127, 0, n, 1])).collect()
}

/// Every visitor opens one session (the cap is one per address): each must
/// succeed, so the relays told them apart although all came from nginx;
/// both relays must get some; every visitor's second session must be refused.
async fn check_visitors_are_told_apart(deployment: &Deployment) {
    let mut sessions = Vec::new();
    let mut served: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
    for visitor in visitors() {
        match deployment.open_session(visitor).await {
            Ok((ws, relay)) => {
                served.entry(relay).or_default().push(visitor);
                sessions.push(ws);
            }
            Err(status) => panic!(
                "visitor {visitor} refused with {status}; relays' logs:\n{}",
                deployment.relay_logs()
            ),
        }
    }
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        ["relay-a", "relay-b"],
        "both relays serve visitors: {served:?}"
    );
    // Seven visitors on two relays: some relay holds several at once, each
    // within its one-session cap, so that relay saw distinct addresses.
    assert!(served.values().any(|v| v.len() > 1), "{served:?}");
    // A visitor's second session reaches the relay that already counts its
    // first (one visitor, one relay), so it is over the cap.
    for visitor in visitors() {
        assert_eq!(
            deployment.open_session(visitor).await.err(),
            Some(429),
            "second session of {visitor} (first ones: {served:?})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_ends_tls_and_balances_two_relays_that_see_the_visitor() {
    let deployment = Deployment::start(
        "relay.conf",
        &["--trusted-proxy", "127.0.0.1", "--max-sessions-per-ip", "1"],
    )
    .await;
    // The page's routes and the API go through the same upstream.
    let (status, body) = deployment.get("/api/targets").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"who\""), "{body}");
    assert_eq!(deployment.get("/healthz").await, (200, "ok\n".into()));
    check_visitors_are_told_apart(&deployment).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_stream_passes_the_visitor_in_a_proxy_header() {
    let deployment = Deployment::start(
        "relay-stream.conf",
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--proxy-protocol",
            "--max-sessions-per-ip",
            "1",
        ],
    )
    .await;
    assert_eq!(deployment.get("/healthz").await, (200, "ok\n".into()));
    check_visitors_are_told_apart(&deployment).await;
}
