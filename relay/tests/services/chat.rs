//! The chat room: nc users and browsers in one room.

use super::*;

#[tokio::test]
async fn chat_room_joins_nc_users_and_browsers() {
    let running = start_scenarios(Duration::from_secs(3600)).await;
    let chat = running.scenarios.addrs.chat;
    let relay = TestRelay::start_with(running.config()).await;

    let mut alice = Client::tcp(chat).await;
    assert_eq!(
        alice.line().await,
        "* welcome, you are guest-1. /nick NAME, /who, /quit"
    );
    assert_eq!(alice.line().await, "* guest-1 joined");
    alice.send("/nick alice\r\n").await;
    assert_eq!(alice.line().await, "* guest-1 is now alice");

    let mut web = Client::ws(&relay, "chat").await;
    assert_eq!(
        web.line().await,
        "* welcome, you are guest-2. /nick NAME, /who, /quit"
    );
    assert_eq!(web.line().await, "* guest-2 joined");
    assert_eq!(alice.line().await, "* guest-2 joined");
    web.send("/nick webby\n").await;
    assert_eq!(web.line().await, "* guest-2 is now webby");
    assert_eq!(alice.line().await, "* guest-2 is now webby");

    let mut bob = Client::tcp(chat).await;
    bob.until("* guest-3 joined").await;
    bob.send("/nick alice\n").await;
    assert_eq!(bob.line().await, "! nick alice is taken");
    bob.send("/nick bob\n").await;
    assert_eq!(bob.line().await, "* guest-3 is now bob");
    alice.until("* guest-3 is now bob").await;
    web.until("* guest-3 is now bob").await;

    // nc → browser, byte for byte (UTF-8 included), and back.
    alice.send("héllo 世界 from nc\r\n").await;
    web.until("<alice> héllo 世界 from nc").await;
    let said = "<alice> héllo 世界 from nc\r\n".as_bytes();
    assert!(
        web.raw.windows(said.len()).any(|w| w == said),
        "the page got other bytes than the service sent"
    );
    web.send("hi from the browser ✓\n").await;
    assert_eq!(alice.line().await, "<alice> héllo 世界 from nc");
    assert_eq!(alice.line().await, "<webby> hi from the browser ✓");
    bob.until("<webby> hi from the browser ✓").await;

    bob.send("/who\n").await;
    assert_eq!(bob.line().await, "* in the room: alice, webby, bob");
    bob.send("/dance\n").await;
    assert_eq!(
        bob.line().await,
        "! unknown command /dance (try /nick NAME, /who, /quit)"
    );

    // Abuse hurts nobody: an overlong line and invalid UTF-8 get an error
    // line, and bob, alice and the page carry on.
    let mut long = vec![b'x'; 5000];
    long.extend_from_slice(b"\r\n");
    bob.send(&long).await;
    assert_eq!(
        bob.line().await,
        "! line longer than 1024 bytes was dropped"
    );
    bob.send(b"\xff\xfe oops\r\n").await;
    assert_eq!(
        bob.line().await,
        "! line is not valid UTF-8 and was dropped"
    );
    bob.send("still here\n").await;
    assert_eq!(bob.line().await, "<bob> still here");
    assert_eq!(alice.line().await, "<bob> still here");
    let skipped = web.until("<bob> still here").await;
    assert!(
        skipped
            .iter()
            .all(|l| !l.contains("xxxx") && !l.starts_with('!')),
        "{skipped:?}"
    );

    // An abrupt disconnect (RST) is a leave like any other.
    let Source::Tcp(stream) = &bob.source else {
        unreachable!()
    };
    stream.set_zero_linger().unwrap();
    drop(bob);
    assert_eq!(alice.line().await, "* bob left");
    web.until("* bob left").await;

    alice.send("/quit\n").await;
    assert_eq!(alice.line().await, "* bye");
    assert_eq!(
        alice.try_line().await,
        None,
        "the service closes after /quit"
    );
    web.until("* alice left").await;
}
