//! Reloading the real binary's configuration while sessions run: by SIGHUP
//! and by editing the config file, with the bytes of the sessions that must
//! not notice verified.

mod common;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{binary::RelayProcess, http_get, pattern, start_echo};
use futures_util::{SinkExt, StreamExt};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{self, Message},
    WebSocketStream,
};
use tokio_util::sync::CancellationToken;

/// Generous: the machine is shared, and a deadline is only a failure bound.
const DEADLINE: Duration = Duration::from_secs(30);

/// A relay started from a config file, with its log collected.
struct Reloadable {
    relay: RelayProcess,
    config: PathBuf,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Reloadable {
    fn start(config_text: &str, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, config_text, extra)
    }

    fn start_in(dir: tempfile::TempDir, config_text: &str, extra: &[&str]) -> Self {
        let config = dir.path().join("relay.toml");
        std::fs::write(&config, config_text).unwrap();
        let mut args = vec![
            "--no-echo",
            "--no-lab",
            "--no-demos",
            "--config",
            config.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let mut relay = RelayProcess::start(&args, Stdio::piped());
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = relay.child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self {
            relay,
            config,
            log,
            _dir: dir,
        }
    }

    /// Replaces the config file the way editors do: write a new file, rename
    /// it over the old one.
    fn rewrite(&self, text: &str) {
        let next = self.config.with_extension("toml.new");
        std::fs::write(&next, text).unwrap();
        std::fs::rename(&next, &self.config).unwrap();
    }

    fn hup(&self) {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &self.relay.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    async fn metrics(&self) -> String {
        let (status, body) = http_get(self.relay.addr, "/metrics").await;
        assert_eq!(status, 200);
        body
    }

    /// How many reloads with `result` `/metrics` counts.
    fn reloads(metrics: &str, result: &str) -> u64 {
        let prefix = format!("relay_config_reloads_total{{result=\"{result}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {prefix:?} in\n{metrics}"))
    }

    /// Waits until `/metrics` counts at least `n` reloads with `result` (a
    /// file replaced and a SIGHUP may each cause one).
    async fn wait_reloads(&self, result: &str, n: u64) {
        let end = tokio::time::Instant::now() + DEADLINE;
        loop {
            let metrics = self.metrics().await;
            if Self::reloads(&metrics, result) >= n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < end,
                "fewer than {n} {result} reloads in\n{metrics}\nlog:\n{}",
                self.log.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until a line of the log contains every one of `parts`.
    async fn wait_log(&self, parts: &[&str]) {
        let end = tokio::time::Instant::now() + DEADLINE;
        loop {
            {
                let log = self.log.lock().unwrap();
                if log.lines().any(|l| parts.iter().all(|p| l.contains(p))) {
                    return;
                }
                assert!(
                    tokio::time::Instant::now() < end,
                    "no line with {parts:?} in the log:\n{log}"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn target_names(&self) -> Vec<String> {
        let (status, body) = http_get(self.relay.addr, "/api/targets").await;
        assert_eq!(status, 200, "{body}");
        let list: protocol::TargetList = serde_json::from_str(&body).unwrap();
        list.targets.into_iter().map(|t| t.name).collect()
    }

    fn url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.relay.addr)
    }

    fn loaded_at(metrics: &str) -> String {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("relay_config_loaded_timestamp_seconds "))
            .expect("relay_config_loaded_timestamp_seconds")
            .to_owned()
    }
}

fn targets_toml(targets: &[(&str, &str)]) -> String {
    let mut text = String::from("[targets]\n");
    for (name, address) in targets {
        text.push_str(&format!("{name} = \"{address}\"\n"));
    }
    text
}

/// Sends `data` and checks the echo is the same bytes.
async fn round_trip<S>(ws: &mut WebSocketStream<S>, data: &[u8])
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    ws.send(Message::binary(data.to_vec())).await.unwrap();
    let mut got = Vec::new();
    while got.len() < data.len() {
        match tokio::time::timeout(DEADLINE, ws.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => got.extend_from_slice(&b),
            other => panic!("expected echoed bytes, got {other:?}"),
        }
    }
    assert!(got == data, "echo differs");
}

/// The HTTP status a handshake to `url` was refused with.
async fn refused_status(url: &str) -> u16 {
    match connect_async(url).await {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Ok(_) => panic!("{url} was accepted"),
        Err(err) => panic!("{url}: {err}"),
    }
}

#[tokio::test]
async fn a_target_added_while_another_streams_64_mib() {
    let (echo_a, _a) = start_echo().await;
    let (echo_b, _b) = start_echo().await;
    let relay = Reloadable::start(&targets_toml(&[("a", &echo_a)]), &[]);
    assert_eq!(relay.target_names().await, ["a"]);

    const TOTAL: usize = 64 << 20;
    const CHUNK: usize = 64 << 10;
    let data = Arc::new(pattern(TOTAL, 14));
    let (ws, _) = connect_async(relay.url("/ws/a")).await.unwrap();
    let (mut sink, mut stream) = ws.split();
    let halfway = CancellationToken::new();
    let reloaded = CancellationToken::new();
    let sender = {
        let (data, halfway, reloaded) = (data.clone(), halfway.clone(), reloaded.clone());
        tokio::spawn(async move {
            for (i, chunk) in data.chunks(CHUNK).enumerate() {
                if i * CHUNK == TOTAL / 2 {
                    // The second half only goes once the reload is done.
                    halfway.cancel();
                    reloaded.cancelled().await;
                }
                sink.send(Message::binary(chunk.to_vec())).await.unwrap();
            }
            sink
        })
    };
    let receiver = tokio::spawn(async move {
        let (mut hash, mut n) = (Sha256::new(), 0);
        while n < TOTAL {
            match tokio::time::timeout(DEADLINE, stream.next()).await {
                Ok(Some(Ok(Message::Binary(b)))) => {
                    n += b.len();
                    hash.update(&b);
                }
                other => panic!("stream to a broke after {n} bytes: {other:?}"),
            }
        }
        (n, hash.finalize())
    });

    halfway.cancelled().await;
    // The watcher, not a signal: the file is replaced.
    relay.rewrite(&targets_toml(&[("a", &echo_a), ("b", &echo_b)]));
    relay.wait_reloads("ok", 1).await;
    assert_eq!(relay.target_names().await, ["a", "b"]);
    let (mut b, _) = connect_async(relay.url("/ws/b")).await.unwrap();
    round_trip(&mut b, b"new target").await;
    reloaded.cancel();

    let _sink = sender.await.unwrap();
    let (n, digest) = receiver.await.unwrap();
    assert_eq!(n, TOTAL);
    assert_eq!(
        digest,
        Sha256::digest(&data[..]),
        "the 64 MiB came back changed"
    );
}

#[tokio::test]
async fn a_target_removed_under_an_open_session_keeps_its_bytes_flowing() {
    let (echo_a, _a) = start_echo().await;
    let (echo_b, _b) = start_echo().await;
    let relay = Reloadable::start(&targets_toml(&[("a", &echo_a), ("b", &echo_b)]), &[]);
    let (mut open, _) = connect_async(relay.url("/ws/b")).await.unwrap();
    round_trip(&mut open, b"before").await;

    std::fs::write(&relay.config, targets_toml(&[("a", &echo_a)])).unwrap();
    relay.hup();
    relay.wait_reloads("ok", 1).await;
    assert_eq!(relay.target_names().await, ["a"]);
    assert_eq!(refused_status(&relay.url("/ws/b")).await, 404);

    // The session opened before keeps its target: 4 MiB each way, verified.
    let data = pattern(4 << 20, 2);
    for chunk in data.chunks(256 << 10) {
        round_trip(&mut open, chunk).await;
    }
    let (mut a, _) = connect_async(relay.url("/ws/a")).await.unwrap();
    round_trip(&mut a, b"a still works").await;
}

#[tokio::test]
async fn a_changed_token_refuses_the_old_one_on_new_sessions() {
    let (echo, _e) = start_echo().await;
    let file = |token: &str| {
        format!("[targets]\nvault = {{ address = \"{echo}\", token = \"{token}\" }}\n")
    };
    let relay = Reloadable::start(&file("old-token"), &[]);
    let (mut open, _) = connect_async(relay.url("/ws/vault?auth=old-token"))
        .await
        .unwrap();
    round_trip(&mut open, b"with the old token").await;

    relay.rewrite(&file("new-token"));
    relay.hup();
    relay.wait_reloads("ok", 1).await;
    assert_eq!(
        refused_status(&relay.url("/ws/vault?auth=old-token")).await,
        401
    );
    let (mut new, _) = connect_async(relay.url("/ws/vault?auth=new-token"))
        .await
        .unwrap();
    round_trip(&mut new, b"with the new token").await;
    // The session that presented the old token before the change goes on.
    round_trip(&mut open, b"still open").await;
}

#[tokio::test]
async fn a_broken_file_changes_nothing() {
    let (echo, _e) = start_echo().await;
    let good = targets_toml(&[("a", &echo)]);
    let mut relay = Reloadable::start(
        &format!("allow_origins = [\"https://ok.example\"]\n{good}"),
        &[],
    );
    let (mut open, _) = connect_async(relay.url("/ws/a")).await.unwrap();
    let loaded = Reloadable::loaded_at(&relay.metrics().await);

    let path = relay.config.display().to_string();
    let broken = [
        // A syntax error on line 4.
        (format!("{good}\nb = = \"x\"\n"), "line 4"),
        // A name the relay refuses, on line 3.
        (format!("{good}\"b/c\" = \"{echo}\"\n"), "\"b/c\""),
        // A target without a port, on line 2.
        ("[targets]\na = \"127.0.0.1\"\n".to_owned(), "HOST:PORT"),
    ];
    for (text, says) in &broken {
        relay.rewrite(text);
        relay.hup();
        relay.wait_log(&["reload failed", &path, says]).await;
    }
    relay
        .wait_log(&["reload failed", &path, "line 2", "HOST:PORT"])
        .await;
    let metrics = relay.metrics().await;
    assert_eq!(Reloadable::reloads(&metrics, "ok"), 0);
    assert!(Reloadable::reloads(&metrics, "error") >= 3);
    assert_eq!(Reloadable::loaded_at(&metrics), loaded);

    // Everything is as it was: the target, the origin policy, the session.
    assert_eq!(relay.target_names().await, ["a"]);
    round_trip(&mut open, b"still here").await;
    let mut request =
        tungstenite::client::IntoClientRequest::into_client_request(relay.url("/ws/a")).unwrap();
    request
        .headers_mut()
        .insert("origin", "https://ok.example".parse().unwrap());
    let (mut new, _) = connect_async(request).await.unwrap();
    round_trip(&mut new, b"new session, old config").await;
    assert!(relay.relay.is_running());
}

/// A certificate for `localhost` written to `cert` and `key`; returns its DER.
fn write_cert(cert: &Path, key: &Path) -> Vec<u8> {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    // Written beside and renamed, as certbot and friends do.
    let (c, k) = (cert.with_extension("tmp-c"), key.with_extension("tmp-k"));
    std::fs::write(&c, generated.cert.pem()).unwrap();
    std::fs::write(&k, generated.signing_key.serialize_pem()).unwrap();
    std::fs::rename(&k, key).unwrap();
    std::fs::rename(&c, cert).unwrap();
    generated.cert.der().to_vec()
}

/// A client that trusts exactly these certificates.
fn connector(trusted: &[&[u8]]) -> tokio_rustls::TlsConnector {
    use tokio_rustls::rustls::{self, pki_types::CertificateDer, RootCertStore};
    let mut roots = RootCertStore::empty();
    for der in trusted {
        roots.add(CertificateDer::from(der.to_vec())).unwrap();
    }
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(client))
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// A TLS connection to the relay, and the certificate it was given.
async fn tls_connect(
    addr: std::net::SocketAddr,
    connector: &tokio_rustls::TlsConnector,
) -> (Tls, Vec<u8>) {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = connector.connect(name, tcp).await.expect("TLS handshake");
    let served = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
    (tls, served)
}

#[tokio::test]
async fn a_replaced_certificate_is_used_by_new_handshakes_while_wss_goes_on() {
    let (echo, _e) = start_echo().await;
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("relay.crt"), dir.path().join("relay.key"));
    let old = write_cert(&cert, &key);
    let relay = Reloadable::start_in(
        dir,
        &targets_toml(&[("echo", &echo)]),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let trusts_old = connector(&[&old]);
    let (tls, served) = tls_connect(relay.relay.addr, &trusts_old).await;
    assert_eq!(served, old);
    let (mut wss, _) = tokio_tungstenite::client_async("wss://localhost/ws/echo", tls)
        .await
        .unwrap();
    round_trip(&mut wss, b"before").await;

    // An unreadable certificate changes nothing.
    std::fs::write(&cert, "not a certificate").unwrap();
    relay.hup();
    relay
        .wait_log(&["reload failed", &cert.display().to_string()])
        .await;
    let (_, served) = tls_connect(relay.relay.addr, &trusts_old).await;
    assert_eq!(
        served, old,
        "a broken certificate file replaced the good one"
    );

    // A renewed one is served to every new handshake.
    let new = write_cert(&cert, &key);
    relay.hup();
    let trusts_both = connector(&[&old, &new]);
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        let (_, served) = tls_connect(relay.relay.addr, &trusts_both).await;
        if served == new {
            break;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "the new certificate was never served"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The wss:// session from before the renewal goes on.
    round_trip(&mut wss, b"after the renewal").await;
    round_trip(&mut wss, &pattern(1 << 20, 9)).await;
}
