//! The measurements of the experiments that put the relay's two doors side
//! by side, taken in the visitor's browser: the TCP echo through WebSockets
//! and through streams of one WebTransport session, and numbered messages
//! to the `lossy` service as datagrams and as WebSocket messages. Each
//! returns a plain result from [`crate::state::two_doors`] or
//! [`crate::state::lossy_race`].

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Date, Uint8Array};
use protocol::scenarios::{targets, LineBuffer};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;

use crate::browser::{deadline_in, sleep_ms, Mailbox};
use crate::lab::open_session;
use crate::socket::{ws_url_here, SocketEvent};
use crate::state::lossy_race::{Arrivals, LossyRace, MESSAGES, PACE_MS};
use crate::state::two_doors::{
    hello_line, pattern_chunk, DoorRun, TwoDoorsResult, BULK_BYTES, CHUNK_BYTES, CONNECTIONS,
};
use crate::state::Payload;
use crate::webtransport::{self, settle, Duplex, WebTransport};

/// How long either door gets for everything, milliseconds.
const RUN_DEADLINE_MS: f64 = 30_000.0;

/// How long the last datagram's reply is waited for.
const GRACE_MS: i32 = 1_000;

/// Both doors, one after the other.
pub async fn two_doors() -> TwoDoorsResult {
    let mut result = TwoDoorsResult::default();
    let done = ws_door(&mut result.websocket).await;
    result.websocket.problem = done.err();
    let done = wt_door(&mut result.webtransport).await;
    result.webtransport.problem = done.err();
    result
}

/// [`CONNECTIONS`] WebSockets to `echo`, a line through each, then
/// [`BULK_BYTES`] through the first.
async fn ws_door(run: &mut DoorRun) -> Result<(), String> {
    let url = ws_url_here(targets::ECHO)?;
    let mut sessions = Vec::new();
    for i in 0..CONNECTIONS {
        let (socket, events) = open_session(&url).await?;
        send(&socket, Payload::Text(hello_line(i)))?;
        sessions.push((socket, events));
    }
    let deadline = deadline_in(RUN_DEADLINE_MS);
    for (i, (_, events)) in sessions.iter().enumerate() {
        let mut got = Vec::new();
        let want = hello_line(i);
        ws_read(events, deadline, want.len(), |bytes| {
            got.extend_from_slice(bytes)
        })
        .await?;
        run.echoed += usize::from(got == want.as_bytes());
    }
    let (socket, events) = &sessions[0];
    let start = Date::now();
    for i in 0..BULK_BYTES / CHUNK_BYTES {
        send(socket, Payload::Binary(pattern_chunk(i)))?;
    }
    let bulk = &mut run.bulk;
    ws_read(events, deadline, BULK_BYTES, |bytes| bulk.push(bytes)).await?;
    run.bulk_ms = Date::now() - start;
    Ok(())
}

fn send(socket: &crate::socket::Socket, payload: Payload) -> Result<(), String> {
    socket.send(&payload).map_err(|err| err.to_string())
}

/// Hands what arrives on `events` to `take` until `len` bytes came.
async fn ws_read(
    events: &Mailbox<SocketEvent>,
    deadline: f64,
    len: usize,
    mut take: impl FnMut(&[u8]),
) -> Result<(), String> {
    let mut got = 0;
    while got < len {
        match events.next_before(deadline).await {
            Some(SocketEvent::Message(payload)) => {
                got += payload.bytes().len();
                take(payload.bytes());
            }
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => return Err(format!("{got} of {len} bytes came back")),
        }
    }
    Ok(())
}

/// One WebTransport session to `echo`, [`CONNECTIONS`] streams on it, a
/// line through each, then [`BULK_BYTES`] through the first.
async fn wt_door(run: &mut DoorRun) -> Result<(), String> {
    let session = webtransport::open(targets::ECHO).await?;
    close_after(&session, RUN_DEADLINE_MS as i32);
    let done = wt_streams(&session, run).await;
    session.end();
    done
}

/// Closes `session` after `ms`, so that a read waiting on it ends.
fn close_after(session: &WebTransport, ms: i32) {
    let session = session.clone();
    spawn_local(async move {
        sleep_ms(ms).await;
        session.end();
    });
}

async fn wt_streams(session: &WebTransport, run: &mut DoorRun) -> Result<(), String> {
    let mut streams = Vec::new();
    for i in 0..CONNECTIONS {
        let stream: Duplex = settle(session.create_bidirectional_stream())
            .await?
            .unchecked_into();
        let (reader, writer) = stream.split();
        // The write's promise says when the bytes were taken; what counts
        // is what comes back.
        let _taken = writer.write(&Uint8Array::from(hello_line(i).as_bytes()));
        streams.push((reader, writer));
    }
    for (i, (reader, _)) in streams.iter().enumerate() {
        let want = hello_line(i);
        let mut got = Vec::new();
        while got.len() < want.len() {
            got.extend(reader.next().await.ok_or("a stream ended early")?);
        }
        run.echoed += usize::from(got == want.as_bytes());
    }
    let (reader, writer) = &streams[0];
    let start = Date::now();
    for i in 0..BULK_BYTES / CHUNK_BYTES {
        let _taken = writer.write(&Uint8Array::from(&pattern_chunk(i)[..]));
    }
    let _finished = writer.finish();
    while run.bulk.got < BULK_BYTES {
        match reader.next().await {
            Some(bytes) => run.bulk.push(&bytes),
            None => return Err(format!("{} of {BULK_BYTES} bytes came back", run.bulk.got)),
        }
    }
    run.bulk_ms = Date::now() - start;
    Ok(())
}

/// Both doors to the lossy service, one after the other.
pub async fn lossy_race() -> LossyRace {
    let mut race = LossyRace::default();
    let done = datagrams_run(&mut race.datagrams).await;
    race.datagrams.problem = done.err();
    let done = messages_run(&mut race.messages).await;
    race.messages.problem = done.err();
    race
}

/// Replies as they came: bytes and ms from the start.
type Replies = Vec<(Vec<u8>, f64)>;

/// Sends message 1 to [`MESSAGES`] through `send`, one every [`PACE_MS`],
/// noting when (ms from `start`) in what it returns; then, [`GRACE_MS`]
/// later, calls `then`.
fn send_paced(
    start: f64,
    send: impl Fn(u32) + 'static,
    then: impl FnOnce() + 'static,
) -> Rc<RefCell<Vec<f64>>> {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let times = sent.clone();
    spawn_local(async move {
        for n in 1..=MESSAGES {
            times.borrow_mut().push(Date::now() - start);
            send(n);
            sleep_ms(PACE_MS).await;
        }
        sleep_ms(GRACE_MS).await;
        then();
    });
    sent
}

/// What arrived, checked against what was sent.
fn tally(into: &mut Arrivals, sent: &RefCell<Vec<f64>>, replies: Replies) {
    into.sent_ms = sent.take();
    for (bytes, at) in replies {
        into.record(&bytes, at);
    }
}

/// The numbers as datagrams to `udp-lossy`, through WebTransport.
async fn datagrams_run(into: &mut Arrivals) -> Result<(), String> {
    let session = webtransport::open(targets::UDP_LOSSY).await?;
    let (reader, writer) = session.datagrams().split();
    let start = Date::now();
    let closing = session.clone();
    let sent = send_paced(
        start,
        move |n| {
            let _taken = writer.write(&Uint8Array::from(n.to_string().as_bytes()));
        },
        // Lost datagrams never come: the session's end ends the reading.
        move || closing.end(),
    );
    let mut replies = Replies::new();
    while let Some(bytes) = reader.next().await {
        replies.push((bytes, Date::now() - start));
    }
    tally(into, &sent, replies);
    Ok(())
}

/// The numbers as lines in WebSocket messages to `lossy` (TCP).
async fn messages_run(into: &mut Arrivals) -> Result<(), String> {
    let (socket, events) = open_session(&ws_url_here(targets::LOSSY)?).await?;
    let socket = Rc::new(socket);
    let start = Date::now();
    let sender = socket.clone();
    let sent = send_paced(
        start,
        move |n| {
            // A send can only fail on a closed socket, which the reading sees.
            let _sent = sender.send(&Payload::Text(format!("{n}\n")));
        },
        || {},
    );
    let deadline = deadline_in(RUN_DEADLINE_MS);
    let mut lines = LineBuffer::new();
    let mut replies = Replies::new();
    while replies.len() < MESSAGES as usize {
        match events.next_before(deadline).await {
            Some(SocketEvent::Message(payload)) => {
                lines.push(payload.bytes());
                while let Some(line) = lines.next_line() {
                    let line = line.unwrap_or_default().into_bytes();
                    replies.push((line, Date::now() - start));
                }
            }
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => break,
        }
    }
    socket.close();
    tally(into, &sent, replies);
    Ok(())
}
