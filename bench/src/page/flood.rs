//! The load on the page: a TCP service that sends numbered lines to whoever
//! connects (through the relay, that is the page's session), at a rate the
//! measurement changes while it runs.
//!
//! Plain threads and blocking writes: the pacing needs sub-millisecond sleeps
//! (10,000 lines/s is one every 100 µs), which tokio's 1 ms timer cannot do,
//! and a blocked write is the relay's backpressure, which simply lowers the
//! rate that is reported as offered.

use std::{
    io::{self, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

/// Missed sends are made up only this far back: after a longer stall the
/// schedule restarts, so the flood never bursts more than this worth of lines.
const MAX_CATCH_UP: Duration = Duration::from_millis(20);
/// How often a paused flood checks for a new rate.
const PAUSED_POLL: Duration = Duration::from_millis(2);

/// What the measurement and the sending threads share.
#[derive(Debug, Default)]
struct Control {
    /// Lines per second; 0 pauses.
    rate: AtomicU64,
    /// Lines written so far, all connections together.
    sent: AtomicU64,
    stop: AtomicBool,
}

/// The running flood service; stops when dropped.
pub struct Flood {
    addr: SocketAddr,
    control: Arc<Control>,
}

impl Flood {
    /// Binds a free loopback port and starts accepting, paused.
    pub fn start() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let control = Arc::new(Control::default());
        let accepting = control.clone();
        thread::Builder::new()
            .name("flood-accept".into())
            .spawn(move || accept_loop(&listener, &accepting))?;
        Ok(Self { addr, control })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sends `lines_per_sec` from now on (0 pauses).
    pub fn set_rate(&self, lines_per_sec: u64) {
        self.control.rate.store(lines_per_sec, Ordering::Relaxed);
    }

    /// Lines written so far.
    pub fn sent(&self) -> u64 {
        self.control.sent.load(Ordering::Relaxed)
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.control.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the stop flag.
        if let Err(err) = TcpStream::connect(self.addr) {
            eprintln!("flood: cannot wake the accept loop: {err}");
        }
    }
}

fn accept_loop(listener: &TcpListener, control: &Arc<Control>) {
    for stream in listener.incoming() {
        if control.stop.load(Ordering::Relaxed) {
            return;
        }
        match stream {
            Ok(stream) => {
                let control = control.clone();
                let spawned = thread::Builder::new()
                    .name("flood-send".into())
                    .spawn(move || {
                        if let Err(err) = send_loop(stream, &control) {
                            // The page closing its session ends the connection.
                            eprintln!("flood: connection ended: {err}");
                        }
                    });
                if let Err(err) = spawned {
                    eprintln!("flood: cannot start a sender: {err}");
                }
            }
            Err(err) => eprintln!("flood: accept failed: {err}"),
        }
    }
}

/// Line `seq`: 32 bytes, numbered so a reader can tell them apart.
pub fn line(seq: u64) -> String {
    format!("flood {seq:010} abcdefghijklmn\n")
}

fn send_loop(mut stream: TcpStream, control: &Control) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut seq = 0u64;
    let mut pace: Option<(u64, Instant)> = None;
    while !control.stop.load(Ordering::Relaxed) {
        let rate = control.rate.load(Ordering::Relaxed);
        if rate == 0 {
            pace = None;
            thread::sleep(PAUSED_POLL);
            continue;
        }
        let now = Instant::now();
        let due = match pace {
            Some((r, due)) if r == rate && now.saturating_duration_since(due) <= MAX_CATCH_UP => {
                due
            }
            _ => now,
        };
        if let Some(wait) = due.checked_duration_since(now) {
            thread::sleep(wait);
        }
        stream.write_all(line(seq).as_bytes())?;
        seq += 1;
        control.sent.fetch_add(1, Ordering::Relaxed);
        pace = Some((rate, due + Duration::from_nanos(1_000_000_000 / rate)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn lines_are_numbered_and_all_the_same_length() {
        assert_eq!(line(7), "flood 0000000007 abcdefghijklmn\n");
        assert_eq!(line(7).len(), 32);
        assert_eq!(line(9_999_999_999).len(), 32);
    }

    #[test]
    fn sends_at_the_rate_it_is_given_and_pauses_at_zero() {
        let flood = Flood::start().unwrap();
        let mut reader = TcpStream::connect(flood.addr()).unwrap();
        reader
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        flood.set_rate(2_000);
        let started = Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while got.len() < 200 * 32 {
            let n = reader.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        let took = started.elapsed();
        flood.set_rate(0);
        // 200 lines at 2,000/s take 100 ms; a loaded machine only slows it.
        assert!(took >= Duration::from_millis(90), "{took:?}");
        assert!(got.starts_with(line(0).as_bytes()));
        assert_eq!(&got[199 * 32..200 * 32], line(199).as_bytes());
        // Paused: whatever was in flight arrives, then nothing more.
        thread::sleep(Duration::from_millis(50));
        let sent = flood.sent();
        thread::sleep(Duration::from_millis(100));
        assert_eq!(flood.sent(), sent, "a paused flood sends nothing");
    }
}
