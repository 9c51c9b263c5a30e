//! `--scenarios-redis`: two relay processes sharing Debian's redis-server,
//! behind Debian's nginx (round robin) as in the README's "Behind nginx".
//! A chat line said through one relay reaches the other relay's page and
//! its `nc` users, once each; the lamp switched on one shows on the other,
//! to clients already there and to new ones, and on a relay started later;
//! and a relay whose Redis is killed keeps its own room working, says so in
//! its log, and shares again once Redis is back.

mod common;

use std::{
    net::SocketAddr,
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use common::{
    binary::RelayProcess,
    closed_port,
    daemons::{self, Daemon},
};
use futures_util::{SinkExt, StreamExt};
use protocol::scenarios::LineBuffer;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{connect_async, tungstenite::Message, MaybeTlsStream, WebSocketStream};

/// How long any one expected line or condition may take.
const DEADLINE: Duration = Duration::from_secs(15);

/// Debian's redis-server on `port`, killed when dropped.
struct Redis {
    _daemon: Daemon,
    port: u16,
}

impl Redis {
    async fn start(port: u16) -> Self {
        let port_arg = port.to_string();
        let args = ["--port", &port_arg, "--bind", "127.0.0.1"];
        let args = [&args[..], &["--save", "", "--appendonly", "no"]].concat();
        let redis = Self {
            _daemon: daemons::spawn("redis-server", &args, "redis-server"),
            port,
        };
        let end = tokio::time::Instant::now() + DEADLINE;
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                tokio::time::Instant::now() < end,
                "redis-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Relays subscribed to the chat room's channel right now.
    async fn chat_subscribers(&self) -> i64 {
        let client = redis::Client::open(self.url()).unwrap();
        let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
            return -1;
        };
        // -1 while Redis does not answer (stalled, or gone).
        let reply: redis::RedisResult<Vec<(String, i64)>> = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg("relay:scenarios:chat")
            .query_async(&mut conn)
            .await;
        reply.map_or(-1, |counts| counts[0].1)
    }

    /// Makes Redis answer nobody for `millis` (`CLIENT PAUSE`): connected,
    /// but stalled, as a Redis that is swapping or stuck is.
    async fn stall(&self, millis: u64) {
        let client = redis::Client::open(self.url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let () = redis::cmd("CLIENT")
            .arg("PAUSE")
            .arg(millis)
            .arg("ALL")
            .query_async(&mut conn)
            .await
            .unwrap();
    }

    /// Waits until `n` relays listen on the chat room's channel.
    async fn wait_for_subscribers(&self, n: i64) {
        let end = tokio::time::Instant::now() + DEADLINE;
        while self.chat_subscribers().await != n {
            assert!(
                tokio::time::Instant::now() < end,
                "{n} relays never subscribed (now {})",
                self.chat_subscribers().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Debian's nginx on a free port, balancing WebSockets round robin over
/// `relays`; killed when dropped (with its temporary prefix).
struct Nginx {
    _daemon: Daemon,
    _dir: tempfile::TempDir,
    addr: SocketAddr,
}

impl Nginx {
    async fn start(relays: &[SocketAddr]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).display().to_string();
        let port = closed_port();
        let servers: String = relays.iter().map(|r| format!("server {r}; ")).collect();
        let conf = format!(
            "master_process off; daemon off; pid {pid}; error_log {err} info;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log off; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n\
             fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n\
             upstream relays {{ {servers}}}\n\
             server {{ listen 127.0.0.1:{port};\n\
             location / {{ proxy_pass http://relays; proxy_http_version 1.1;\n\
             proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";\n\
             proxy_set_header Host $http_host; }} }} }}\n",
            pid = path("nginx.pid"),
            err = path("error.log"),
            tmp = dir.path().display(),
        );
        std::fs::write(path("nginx.conf"), conf).unwrap();
        let (prefix, conf) = (path(""), path("nginx.conf"));
        let nginx = if Path::new("/usr/sbin/nginx").is_file() {
            "/usr/sbin/nginx"
        } else {
            "nginx"
        };
        let daemon = daemons::spawn(
            nginx,
            &["-p", &prefix, "-c", &conf, "-e", &path("error.log")],
            "nginx",
        );
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let end = tokio::time::Instant::now() + DEADLINE;
        while TcpStream::connect(addr).await.is_err() {
            assert!(
                tokio::time::Instant::now() < end,
                "nginx did not start: {}",
                std::fs::read_to_string(path("error.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self {
            _daemon: daemon,
            _dir: dir,
            addr,
        }
    }
}

/// Sessions a relay has open, from its `/metrics`.
async fn sessions_open(relay: &RelayProcess) -> u64 {
    let (_, body) = common::http_get(relay.addr, "/metrics").await;
    body.lines()
        .find_map(|l| l.strip_prefix("relay_sessions_open "))
        .and_then(|n| n.trim().parse().ok())
        .expect("relay_sessions_open in /metrics")
}

/// A relay with only the scenarios, on free ports, sharing through `redis`
/// (or not); its log goes to `log`.
fn start_relay(redis: Option<&str>, log: &Path) -> RelayProcess {
    let mut args = vec!["--no-echo", "--no-lab"];
    for flag in [
        "--chat-listen",
        "--quotes-listen",
        "--game-listen",
        "--lamp-listen",
    ] {
        args.extend([flag, "127.0.0.1:0"]);
    }
    if let Some(url) = redis {
        args.extend(["--scenarios-redis", url]);
    }
    let log = Stdio::from(std::fs::File::create(log).unwrap());
    RelayProcess::start(&args, log)
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A line client: `nc` on a service's port, or a page's session through a relay.
enum Client {
    Tcp(TcpStream, LineBuffer),
    Ws(Box<Ws>, LineBuffer),
}

impl Client {
    async fn tcp(addr: SocketAddr) -> Self {
        Self::Tcp(TcpStream::connect(addr).await.unwrap(), LineBuffer::new())
    }

    async fn ws(relay: &RelayProcess, target: &str) -> Self {
        Self::ws_at(relay.addr, target).await
    }

    /// A page's session to `target` through whatever listens at `addr`.
    async fn ws_at(addr: SocketAddr, target: &str) -> Self {
        let url = format!("ws://{addr}/ws/{target}");
        let (ws, _) = connect_async(url).await.unwrap();
        Self::Ws(Box::new(ws), LineBuffer::new())
    }

    async fn send(&mut self, line: &str) {
        let line = format!("{line}\r\n");
        match self {
            Self::Tcp(stream, _) => stream.write_all(line.as_bytes()).await.unwrap(),
            Self::Ws(ws, _) => ws.send(Message::text(line)).await.unwrap(),
        }
    }

    async fn line(&mut self) -> String {
        let read = async {
            loop {
                let (chunk, lines) = match self {
                    Self::Tcp(stream, lines) => {
                        if let Some(line) = lines.next_line() {
                            return line.unwrap();
                        }
                        let mut buf = vec![0; 4096];
                        let n = stream.read(&mut buf).await.unwrap();
                        assert!(n > 0, "the service closed the connection");
                        buf.truncate(n);
                        (buf, lines)
                    }
                    Self::Ws(ws, lines) => {
                        if let Some(line) = lines.next_line() {
                            return line.unwrap();
                        }
                        match ws.next().await {
                            Some(Ok(Message::Binary(b))) => (b.to_vec(), lines),
                            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                            other => panic!("the session ended: {other:?}"),
                        }
                    }
                };
                lines.push(&chunk);
            }
        };
        tokio::time::timeout(DEADLINE, read)
            .await
            .expect("no line within the deadline")
    }

    /// Reads lines until `expected`; returns those before it.
    async fn until(&mut self, expected: &str) -> Vec<String> {
        let mut before = Vec::new();
        loop {
            let line = self.line().await;
            if line == expected {
                return before;
            }
            before.push(line);
        }
    }
}

/// A chat client's name, from its welcome line.
/// Redis, its URL, and two relays sharing their rooms through it (logging
/// into `dir`), once both have subscribed.
async fn two_relays_sharing(dir: &Path) -> (Redis, String, RelayProcess, RelayProcess) {
    let redis = Redis::start(closed_port()).await;
    let url = redis.url();
    let a = start_relay(Some(&url), &dir.join("a.log"));
    let b = start_relay(Some(&url), &dir.join("b.log"));
    redis.wait_for_subscribers(2).await;
    (redis, url, a, b)
}

async fn joined_as(client: &mut Client) -> String {
    let welcome = client.line().await;
    welcome
        .strip_prefix("* welcome, you are ")
        .and_then(|rest| rest.split_once('.'))
        .map(|(name, _)| name.to_owned())
        .unwrap_or_else(|| panic!("not a welcome: {welcome:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_and_lamp_are_shared_by_two_relays() {
    let dir = tempfile::tempdir().unwrap();
    let (redis, url, a, b) = two_relays_sharing(dir.path()).await;

    // A page on relay A, a page and an nc user on relay B.
    let mut page_a = Client::ws(&a, "chat").await;
    joined_as(&mut page_a).await;
    let mut page_b = Client::ws(&b, "chat").await;
    joined_as(&mut page_b).await;
    let mut nc_b = Client::tcp(b.service_addr("chat")).await;
    joined_as(&mut nc_b).await;

    page_a.send("/nick alice").await;
    page_a.send("hello from relay A").await;
    for client in [&mut page_b, &mut nc_b] {
        client.until("<alice> hello from relay A").await;
    }
    // And back, from B's nc user to A's page.
    nc_b.send("/nick bob").await;
    nc_b.send("hi from B's terminal").await;
    let heard = page_a.until("<bob> hi from B's terminal").await;
    // Alice heard herself once: her relay skipped its own line coming back
    // from Redis.
    let own = "<alice> hello from relay A";
    assert_eq!(
        heard.iter().filter(|l| *l == own).count(),
        1,
        "page on A heard: {heard:?}"
    );
    assert!(
        heard.iter().any(|l| l.ends_with(" is now bob")),
        "renames on B reach A: {heard:?}"
    );
    let heard_b = page_b.until("<bob> hi from B's terminal").await;
    assert!(
        !heard_b.iter().any(|l| l.starts_with("<bob>")),
        "page on B heard bob twice: {heard_b:?}"
    );

    // The lamp: switched on A's page, seen by B's remote controls.
    let mut lamp_a = Client::ws(&a, "lamp").await;
    let initial = "STATE power=off brightness=80 color=#ffcc00";
    assert_eq!(lamp_a.line().await, initial);
    let mut lamp_b = Client::tcp(b.service_addr("lamp")).await;
    assert_eq!(lamp_b.line().await, initial);
    lamp_a.send("ON").await;
    lamp_a.send("COLOR #00ff88").await;
    let on = "STATE power=on brightness=80 color=#00ff88";
    assert_eq!(lamp_a.until(on).await.len(), 1, "A saw ON, then the colour");
    lamp_b.until(on).await;
    // Someone opening B's lamp now sees it as it is.
    let mut late_b = Client::ws(&b, "lamp").await;
    assert_eq!(late_b.line().await, on);
    // And a relay started after the change reads it from Redis.
    let c = start_relay(Some(&url), &dir.path().join("c.log"));
    redis.wait_for_subscribers(3).await;
    // It reads the state just after subscribing: a client this early may
    // still see the default, so ask again until the deadline.
    let end = tokio::time::Instant::now() + DEADLINE;
    let mut lamp_c = loop {
        let mut client = Client::tcp(c.service_addr("lamp")).await;
        let first = client.line().await;
        if first == on {
            break client;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "relay C never showed the lamp switched before it started: {first:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Switched on C, seen on A.
    lamp_c.send("OFF").await;
    lamp_a
        .until("STATE power=off brightness=80 color=#00ff88")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_balanced_by_nginx_onto_two_relays_share_one_room() {
    let dir = tempfile::tempdir().unwrap();
    let (_redis, _url, a, b) = two_relays_sharing(dir.path()).await;
    let nginx = Nginx::start(&[a.addr, b.addr]).await;

    let mut first = Client::ws_at(nginx.addr, "chat").await;
    joined_as(&mut first).await;
    let mut second = Client::ws_at(nginx.addr, "chat").await;
    joined_as(&mut second).await;
    // Round robin put one visitor on each relay.
    assert_eq!((sessions_open(&a).await, sessions_open(&b).await), (1, 1));

    first.send("/nick ada").await;
    second.send("/nick bea").await;
    first.send("one room?").await;
    second.until("<ada> one room?").await;
    second.send("one room.").await;
    first.until("<bea> one room.").await;
    // How long a line takes from one relay's page to the other's (printed,
    // not asserted: the machine is shared).
    let mut times: Vec<Duration> = Vec::new();
    for n in 0..50 {
        let started = std::time::Instant::now();
        first.send(&format!("ping {n}")).await;
        second.until(&format!("<ada> ping {n}")).await;
        times.push(started.elapsed());
    }
    times.sort();
    eprintln!(
        "a chat line from relay to relay through redis: p50 {:?}, max {:?}",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_outlives_its_redis_and_shares_again_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = closed_port();
    let redis = Redis::start(port).await;
    let url = redis.url();
    let log = dir.path().join("a.log");
    let mut a = start_relay(Some(&url), &log);
    redis.wait_for_subscribers(1).await;

    drop(redis);
    // Said in the log, clearly.
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        let text = std::fs::read_to_string(&log).unwrap();
        if text.contains("redis unreachable: scenario rooms are local to this relay") {
            break;
        }
        assert!(tokio::time::Instant::now() < end, "no log line:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The room still works on this relay: a page and an nc user talk.
    let mut page = Client::ws(&a, "chat").await;
    joined_as(&mut page).await;
    let mut nc = Client::tcp(a.service_addr("chat")).await;
    let nc_name = joined_as(&mut nc).await;
    for n in 0..50 {
        page.send(&format!("while redis is away {n}")).await;
    }
    nc.until("<guest-1> while redis is away 49").await;
    nc.send("still here").await;
    page.until(&format!("<{nc_name}> still here")).await;
    assert!(a.is_running(), "the relay died without its redis");

    // Redis back on the same port: the relay reconnects by itself, and a
    // second relay shares the room with it again.
    let redis = Redis::start(port).await;
    redis.wait_for_subscribers(1).await;
    let b = start_relay(Some(&url), &dir.path().join("b.log"));
    redis.wait_for_subscribers(2).await;
    let mut nc_b = Client::tcp(b.service_addr("chat")).await;
    joined_as(&mut nc_b).await;
    page.send("redis is back").await;
    nc_b.until("<guest-1> redis is back").await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("redis is back"), "{text}");
}

/// Waits until the log at `log` says `text`.
async fn wait_for_log(log: &Path, text: &str) -> String {
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        let log = std::fs::read_to_string(log).unwrap();
        if log.contains(text) {
            return log;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "no {text:?} in the log:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_redis_costs_dropped_lines_not_memory_or_the_room() {
    let dir = tempfile::tempdir().unwrap();
    let redis = Redis::start(closed_port()).await;
    let url = redis.url();
    let log = dir.path().join("a.log");
    let mut a = start_relay(Some(&url), &log);
    redis.wait_for_subscribers(1).await;
    let mut speaker = Client::tcp(a.service_addr("chat")).await;
    joined_as(&mut speaker).await;
    let mut listener = Client::tcp(a.service_addr("chat")).await;
    joined_as(&mut listener).await;
    let rss_before = a.rss_kib();

    redis.stall(6_000).await;
    // Far more lines than the relay queues for Redis (1,024), each of which
    // the local room still hears.
    for n in 0..3_000 {
        speaker.send(&format!("said while redis stalls {n}")).await;
    }
    listener
        .until("<guest-1> said while redis stalls 2999")
        .await;
    let text = wait_for_log(&log, "scenario messages not shared").await;
    let dropped = text
        .lines()
        .filter(|l| l.contains("scenario messages not shared"))
        .filter_map(|l| {
            l.split("dropped=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum::<u64>();
    assert!(dropped >= 3_000 - 1_024 - 1, "dropped {dropped}:\n{text}");
    let grown = a.rss_kib().saturating_sub(rss_before);
    eprintln!("3,000 lines while redis stalled: {dropped} dropped, RSS +{grown} KiB");
    assert!(grown < 16 * 1024, "the relay grew by {grown} KiB");
    assert!(a.is_running());
    // Once Redis answers again, the room is shared again.
    let b = start_relay(Some(&url), &dir.path().join("b.log"));
    redis.wait_for_subscribers(2).await;
    let mut on_b = Client::tcp(b.service_addr("chat")).await;
    joined_as(&mut on_b).await;
    wait_for_log(&log, "redis is back").await;
    speaker.send("after the stall").await;
    on_b.until("<guest-1> after the stall").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_flag_each_relay_has_its_own_room() {
    let dir = tempfile::tempdir().unwrap();
    let a = start_relay(None, &dir.path().join("a.log"));
    let b = start_relay(None, &dir.path().join("b.log"));
    let mut on_a = Client::tcp(a.service_addr("chat")).await;
    joined_as(&mut on_a).await;
    let mut on_b = Client::tcp(b.service_addr("chat")).await;
    joined_as(&mut on_b).await;
    on_a.send("only here").await;
    on_a.until("<guest-1> only here").await;
    on_b.send("and here").await;
    // B's first line after its own join is its own message: nothing from A.
    assert_eq!(on_b.line().await, "* guest-1 joined");
    assert_eq!(on_b.line().await, "<guest-1> and here");
}

#[test]
fn a_malformed_redis_url_stops_the_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(["--listen", "127.0.0.1:0", "--no-echo", "--no-lab"])
        .args([
            "--chat-listen",
            "127.0.0.1:0",
            "--quotes-listen",
            "127.0.0.1:0",
        ])
        .args([
            "--game-listen",
            "127.0.0.1:0",
            "--lamp-listen",
            "127.0.0.1:0",
        ])
        .args(["--demos-redis", "http://not-redis"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--scenarios-redis"), "{stderr}");
    assert!(output.stdout.is_empty(), "the banner was printed");
}
