//! The lamp: every remote control sees every change.

use super::*;

#[tokio::test]
async fn lamp_changes_reach_every_remote_control() {
    let running = start_scenarios(Duration::from_secs(3600)).await;
    let relay = TestRelay::start_with(running.config()).await;
    let lamp = running.scenarios.addrs.lamp;

    let initial = "STATE power=off brightness=80 color=#ffcc00";
    let mut terminal = Client::tcp(lamp).await;
    assert_eq!(terminal.line().await, initial);
    let mut other = Client::tcp(lamp).await;
    assert_eq!(other.line().await, initial);
    let mut page = Client::ws(&relay, "lamp").await;
    assert_eq!(page.line().await, initial);

    terminal.send("ON\r\n").await;
    let on = "STATE power=on brightness=80 color=#ffcc00";
    for client in [&mut terminal, &mut other, &mut page] {
        assert_eq!(client.line().await, on);
    }
    page.send("BRIGHTNESS 30\n").await;
    page.send("color #00FF88\n").await;
    for client in [&mut terminal, &mut other, &mut page] {
        assert_eq!(
            client.line().await,
            "STATE power=on brightness=30 color=#ffcc00"
        );
        assert_eq!(
            client.line().await,
            "STATE power=on brightness=30 color=#00ff88"
        );
    }

    // Errors go to the sender only.
    other.send("BRIGHTNESS 101\n").await;
    assert_eq!(other.line().await, "ERR brightness must be 0-100");
    other.send("COLOR red\n").await;
    assert_eq!(other.line().await, "ERR color must be #rrggbb");
    other.send("FLY\n").await;
    assert_eq!(other.line().await, "ERR unknown command FLY (try HELP)");
    other.send(b"\xc3\x28\n").await;
    assert_eq!(
        other.line().await,
        "ERR line is not valid UTF-8 and was dropped"
    );
    other.send("HELP\n").await;
    assert!(other.line().await.starts_with("OK commands: ON, OFF"));
    other.send("STATUS\n").await;
    assert_eq!(
        other.line().await,
        "STATE power=on brightness=30 color=#00ff88"
    );

    terminal.send("OFF\n").await;
    let off = "STATE power=off brightness=30 color=#00ff88";
    assert_eq!(terminal.line().await, off);
    assert_eq!(page.line().await, off, "the page saw none of the errors");
}
