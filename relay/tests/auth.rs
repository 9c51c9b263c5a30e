//! Per-target tokens and websockify compatibility, on real sockets.

mod common;

use common::{start_echo, TestRelay};
use futures_util::{SinkExt, StreamExt};
use relay::{Config, Target};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, Error, Message},
};

async fn relay_with_secret_echo() -> (TestRelay, tokio_util::sync::CancellationToken) {
    let (echo, stop) = start_echo().await;
    let mut config = Config::default();
    let mut target = Target::new("echo", &echo, "").unwrap();
    target.token = Some("s3cret".into());
    config.targets.add(target).unwrap();
    (TestRelay::start_with(config).await, stop)
}

async fn assert_echoes<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    ws.send(Message::text("hi")).await.unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Binary(b))) if &b[..] == b"hi"));
}

#[tokio::test]
async fn a_target_with_a_token_refuses_sessions_without_it() {
    let (relay, _stop) = relay_with_secret_echo().await;
    for url in [
        relay.ws_url("echo"),
        format!("{}?auth=wrong", relay.ws_url("echo")),
    ] {
        match connect_async(&url).await {
            Err(Error::Http(response)) => assert_eq!(response.status(), 401, "{url}"),
            other => panic!("{url} opened: {:?}", other.map(|_| ())),
        }
    }
    let (mut ws, _) = connect_async(format!("{}?auth=s3cret", relay.ws_url("echo")))
        .await
        .unwrap();
    assert_echoes(&mut ws).await;

    let (status, body) = common::http_get(relay.addr, protocol::TARGETS_PATH).await;
    assert_eq!(status, 200);
    assert!(body.contains("\"needs_token\":true"), "{body}");
    assert!(!body.contains("s3cret"), "token leaked: {body}");
}

#[tokio::test]
async fn a_token_can_come_as_a_subprotocol() {
    let (relay, _stop) = relay_with_secret_echo().await;
    let mut request = relay.ws_url("echo").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "auth.s3cret".parse().unwrap());
    let (mut ws, response) = connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "auth.s3cret");
    assert_echoes(&mut ws).await;
}

#[tokio::test]
async fn websockify_clients_work_unchanged() {
    let (echo, _stop) = start_echo().await;
    let mut config = Config::default();
    for target in relay::websockify::parse_token_file(&format!("# hosts\nvnc1: {echo}\n")).unwrap()
    {
        config.targets.add(target).unwrap();
    }
    let relay = TestRelay::start_with(config).await;
    let url = format!("ws://{}/websockify?token=vnc1", relay.addr);
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "binary".parse().unwrap());
    let (mut ws, response) = connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "binary");
    ws.send(Message::binary(vec![0u8, 1, 2, 255]))
        .await
        .unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Binary(b))) if b[..] == [0, 1, 2, 255]));

    let missing = format!("ws://{}/websockify?token=nope", relay.addr);
    assert!(matches!(connect_async(&missing).await, Err(Error::Http(r)) if r.status() == 404));
}
