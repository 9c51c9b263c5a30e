//! Scenario rooms shared by several relays through Redis pub/sub
//! (`--scenarios-redis redis://HOST:PORT`), so visitors balanced onto
//! different relays meet in one chat room and see one lamp.
//!
//! Each relay is an instance with a random id. A room ([`SharedRoom`]) hands
//! what it says to a [`Publisher`], which never waits: messages go into a
//! bounded queue, and when Redis is slow or away they are dropped and
//! counted. One task ([`spawn`]) owns the Redis connections: it publishes
//! the queue on `relay:scenarios:<room>`, delivers what other instances
//! published there to the room, and, for rooms that keep a state (the lamp),
//! stores the latest one under `relay:scenarios:<room>:state` and reads it
//! back on every (re)connect. A relay skips its own messages, so its
//! clients never get a line twice. When Redis goes away the rooms carry on
//! locally; the task logs it once and reconnects with backoff.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::Context;
use futures_util::StreamExt;
use redis::{aio::MultiplexedConnection, AsyncConnectionConfig};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Messages waiting to be published; beyond this they are dropped and counted.
pub const OUTBOX_CAPACITY: usize = 1024;

/// How long connecting to Redis, or one command, may take.
const REDIS_TIMEOUT: Duration = Duration::from_secs(3);

/// How often the link checks that Redis still answers (and logs how many
/// messages it dropped, if any).
const PING_INTERVAL: Duration = Duration::from_secs(5);

/// First wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(200);

/// Longest wait between two reconnect attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Longest message body accepted from Redis.
pub const MAX_BODY_BYTES: usize = 4096;

/// Where every Redis key and channel of the scenarios starts.
const PREFIX: &str = "relay:scenarios:";

/// A scenario service whose state or messages other relays share.
pub trait SharedRoom: Send + Sync + 'static {
    /// The room's name: its channel is `relay:scenarios:<name>`.
    fn name(&self) -> &'static str;

    /// A message another relay (`from`) published. Never waits.
    fn receive(&self, from: u64, body: &str);

    /// Whether the room keeps a state in Redis (read back on connect).
    fn keeps_state(&self) -> bool {
        false
    }

    /// After (re)connecting: the state Redis held (its sender and body),
    /// to merge; returns this relay's state to store and publish when it is
    /// the newer one.
    fn resync(&self, stored: Option<(u64, &str)>) -> Option<String> {
        let _ = stored;
        None
    }
}

/// Hands a room's messages to the link, without waiting.
#[derive(Clone)]
pub struct Publisher {
    instance: u64,
    outbox: mpsc::Sender<Outgoing>,
    dropped: Arc<AtomicU64>,
}

/// One message for Redis.
#[derive(Debug)]
struct Outgoing {
    room: &'static str,
    body: String,
    /// Also store it as the room's state.
    store: bool,
}

impl Publisher {
    /// This relay's instance id, which tags everything it publishes.
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// Queues `body` for the other relays in `room`; with `store`, it also
    /// becomes the room's state in Redis. Dropped (and counted) when the
    /// queue is full, i.e. Redis is slow or unreachable.
    pub fn publish(&self, room: &'static str, body: String, store: bool) {
        let message = Outgoing { room, body, store };
        if self.outbox.try_send(message).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Messages dropped so far because Redis did not take them in time.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The link to Redis before it runs: hand out its [`Publisher`] to the
/// rooms, then [`Link::spawn`] it with them.
pub struct Link {
    client: redis::Client,
    publisher: Publisher,
    outbox: mpsc::Receiver<Outgoing>,
}

impl Link {
    /// A link to the Redis at `url` (`redis://HOST:PORT[/DB]`); nothing is
    /// connected yet. Fails only on a malformed URL.
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)
            .with_context(|| format!("--scenarios-redis {url:?} is not a redis:// URL"))?;
        let (tx, outbox) = mpsc::channel(OUTBOX_CAPACITY);
        let publisher = Publisher {
            instance: random_instance(),
            outbox: tx,
            dropped: Arc::new(AtomicU64::new(0)),
        };
        Ok(Self {
            client,
            publisher,
            outbox,
        })
    }

    /// The handle rooms publish through.
    pub fn publisher(&self) -> Publisher {
        self.publisher.clone()
    }

    /// Runs the link for `rooms` until `shutdown`: connects, reconnects with
    /// backoff, and never stops the relay.
    pub fn spawn(self, rooms: Vec<Arc<dyn SharedRoom>>, shutdown: CancellationToken) {
        let span = tracing::info_span!(
            "scenarios_redis",
            instance = %format!("{:016x}", self.publisher.instance)
        );
        tokio::spawn(tracing::Instrument::instrument(
            self.run(rooms, shutdown),
            span,
        ));
    }

    async fn run(mut self, rooms: Vec<Arc<dyn SharedRoom>>, shutdown: CancellationToken) {
        let server = self.client.get_connection_info().addr().to_string();
        let mut backoff = MIN_BACKOFF;
        let mut reported_drops = 0;
        let mut was_down = false;
        loop {
            let mut connected = false;
            let result = tokio::select! {
                result = self.session(&rooms, &mut connected, was_down, &mut reported_drops) => result,
                () = shutdown.cancelled() => return,
            };
            if connected {
                backoff = MIN_BACKOFF;
            }
            if let Err(err) = result {
                tracing::debug!(err = %format!("{err:#}"), ?backoff, "redis link down; retrying");
                // Said once per outage, not on every failed attempt.
                if connected || !was_down {
                    tracing::warn!(
                        %server,
                        err = %format!("{err:#}"),
                        "redis unreachable: scenario rooms are local to this relay until it is back"
                    );
                }
            }
            was_down = true;
            // Messages from the outage are stale: drop them rather than
            // replaying them once Redis is back.
            let wait = tokio::time::sleep(backoff);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = &mut wait => break,
                    () = shutdown.cancelled() => return,
                    message = self.outbox.recv() => match message {
                        Some(_) => { self.publisher.dropped.fetch_add(1, Ordering::Relaxed); }
                        None => return,
                    },
                }
            }
            report_drops(&self.publisher.dropped, &mut reported_drops);
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// One connection's life: subscribe, resync the rooms' states, then
    /// publish, deliver and ping until something fails.
    async fn session(
        &mut self,
        rooms: &[Arc<dyn SharedRoom>],
        connected: &mut bool,
        reconnect: bool,
        reported_drops: &mut u64,
    ) -> anyhow::Result<()> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT));
        let mut conn = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .context("cannot connect")?;
        let mut pubsub = tokio::time::timeout(REDIS_TIMEOUT, self.client.get_async_pubsub())
            .await
            .context("connecting timed out")?
            .context("cannot connect")?;
        let channels: Vec<String> = rooms.iter().map(|r| channel(r.name())).collect();
        tokio::time::timeout(REDIS_TIMEOUT, pubsub.subscribe(&channels))
            .await
            .context("subscribing timed out")?
            .context("cannot subscribe")?;
        // Subscribed first, so no change published meanwhile is missed.
        for room in rooms.iter().filter(|r| r.keeps_state()) {
            self.resync(&mut conn, room.as_ref()).await?;
        }
        *connected = true;
        if reconnect {
            tracing::info!("redis is back: scenario rooms are shared again");
        } else {
            tracing::info!("scenario rooms shared through redis");
        }
        let instance = self.publisher.instance;
        let mut messages = pubsub.into_on_message();
        let deliver = async {
            while let Some(message) = messages.next().await {
                let Some(room) = message
                    .get_channel_name()
                    .strip_prefix(PREFIX)
                    .and_then(|name| rooms.iter().find(|r| r.name() == name))
                else {
                    continue;
                };
                match decode(message.get_payload_bytes()) {
                    Some((from, _)) if from == instance => {}
                    Some((from, body)) => room.receive(from, body),
                    None => tracing::debug!(room = room.name(), "ignored a malformed message"),
                }
            }
            anyhow::Error::msg("redis closed the subscription")
        };
        let mut publishing = conn.clone();
        let dropped = &self.publisher.dropped;
        let outbox = &mut self.outbox;
        let publish = async {
            while let Some(message) = outbox.recv().await {
                let payload = encode(instance, &message.body);
                let mut pipe = redis::pipe();
                if message.store {
                    pipe.set(state_key(message.room), &payload).ignore();
                }
                pipe.publish(channel(message.room), &payload).ignore();
                if let Err(err) = pipe.query_async::<()>(&mut publishing).await {
                    return anyhow::Error::new(err).context("publishing failed");
                }
            }
            anyhow::Error::msg("the relay is stopping")
        };
        let ping = async {
            let mut ticks = tokio::time::interval(PING_INTERVAL);
            loop {
                ticks.tick().await;
                report_drops(dropped, reported_drops);
                if let Err(err) = redis::cmd("PING").query_async::<()>(&mut conn).await {
                    return anyhow::Error::new(err).context("redis stopped answering");
                }
            }
        };
        let err = tokio::select! {
            err = deliver => err,
            err = publish => err,
            err = ping => err,
        };
        Err(err)
    }

    /// Merges the room's stored state with this relay's, and stores ours
    /// when it is the newer one.
    async fn resync(
        &self,
        conn: &mut MultiplexedConnection,
        room: &dyn SharedRoom,
    ) -> anyhow::Result<()> {
        let stored: Option<Vec<u8>> = redis::cmd("GET")
            .arg(state_key(room.name()))
            .query_async(conn)
            .await
            .context("cannot read the scenario state")?;
        let stored = stored.as_deref().and_then(decode);
        if let Some(body) = room.resync(stored) {
            let payload = encode(self.publisher.instance, &body);
            redis::pipe()
                .set(state_key(room.name()), &payload)
                .ignore()
                .publish(channel(room.name()), &payload)
                .ignore()
                .query_async::<()>(conn)
                .await
                .context("cannot store the scenario state")?;
        }
        Ok(())
    }
}

/// Logs how many messages were dropped since the last report, if any.
fn report_drops(dropped: &AtomicU64, reported: &mut u64) {
    let now = dropped.load(Ordering::Relaxed);
    if now > *reported {
        tracing::warn!(
            dropped = now - *reported,
            "scenario messages not shared: redis was slow or unreachable"
        );
        *reported = now;
    }
}

/// A room's pub/sub channel.
fn channel(room: &str) -> String {
    format!("{PREFIX}{room}")
}

/// The key a room's latest state is stored under.
fn state_key(room: &str) -> String {
    format!("{PREFIX}{room}:state")
}

/// `<instance as 16 hex digits> <body>`.
fn encode(instance: u64, body: &str) -> String {
    format!("{instance:016x} {body}")
}

/// The sender and body of a payload, if it is one of ours and not too big.
fn decode(payload: &[u8]) -> Option<(u64, &str)> {
    let text = std::str::from_utf8(payload).ok()?;
    let (instance, body) = text.split_once(' ')?;
    if instance.len() != 16 || body.len() > MAX_BODY_BYTES {
        return None;
    }
    Some((u64::from_str_radix(instance, 16).ok()?, body))
}

/// A random id for this relay process.
fn random_instance() -> u64 {
    let mut bytes = [0; 8];
    // No entropy would make every relay the same instance; the clock is
    // then different enough between two processes.
    if getrandom::fill(&mut bytes).is_err() {
        return super::line::clock_seed() ^ u64::from(std::process::id());
    }
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_bad_ones_are_refused() {
        let payload = encode(0xfeed, "<alice> hi there");
        assert_eq!(payload, "000000000000feed <alice> hi there");
        assert_eq!(
            decode(payload.as_bytes()),
            Some((0xfeed, "<alice> hi there"))
        );
        assert_eq!(decode(b"feed hi"), None, "short instance");
        assert_eq!(decode(b"zzzzzzzzzzzzzzzz hi"), None, "not hex");
        assert_eq!(decode(b"000000000000feed \xff"), None, "not UTF-8");
        let long = encode(1, &"x".repeat(MAX_BODY_BYTES + 1));
        assert_eq!(decode(long.as_bytes()), None, "too long");
    }

    #[tokio::test]
    async fn a_full_outbox_drops_and_counts() {
        let link = Link::new("redis://127.0.0.1:1").unwrap();
        let publisher = link.publisher();
        for n in 0..OUTBOX_CAPACITY + 10 {
            publisher.publish("chat", format!("line {n}"), false);
        }
        assert_eq!(publisher.dropped(), 10);
        assert_ne!(
            link.publisher().instance(),
            Link::new("redis://h").unwrap().publisher().instance()
        );
    }

    #[test]
    fn a_malformed_url_is_refused() {
        let err = Link::new("http://nope").err().expect("refused");
        assert!(format!("{err:#}").contains("--scenarios-redis"), "{err:#}");
    }
}
