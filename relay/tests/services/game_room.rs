//! The game: moves broadcast to every player, pings answered.

use super::*;

fn parse_state(line: &str) -> GameState {
    match game::parse_server_line(line) {
        Ok(game::ServerLine::State(state)) => state,
        other => panic!("{line:?} is not a STATE: {other:?}"),
    }
}

#[tokio::test]
async fn game_moves_are_broadcast_and_pings_answered() {
    let running = start_scenarios(Duration::from_secs(3600)).await;
    let arena = running.scenarios.addrs.game;

    let mut one = Client::tcp(arena).await;
    assert_eq!(one.line().await, "YOU p1");
    assert_eq!(parse_state(&one.line().await).players.len(), 1);
    let mut two = Client::tcp(arena).await;
    assert_eq!(two.line().await, "YOU p2");
    assert_eq!(parse_state(&two.line().await).players.len(), 2);
    assert_eq!(parse_state(&one.line().await).players.len(), 2);

    one.send("NAME ada\r\n").await;
    assert_eq!(one.line().await, "YOU ada");
    let mut state = parse_state(&one.line().await);
    assert_eq!(state, parse_state(&two.line().await));
    assert_eq!(state.players[0].name, "ada");

    // Walk ada to the coin; both players see every step.
    let coin = state.coin;
    loop {
        let ada = &state.players[0];
        let step = if ada.x < coin.0 {
            "R"
        } else if ada.x > coin.0 {
            "L"
        } else if ada.y < coin.1 {
            "D"
        } else {
            "U"
        };
        one.send(format!("MOVE {step}\n")).await;
        state = parse_state(&one.line().await);
        assert_eq!(
            state,
            parse_state(&two.line().await),
            "both see the same arena"
        );
        if state.players[0].score > 0 {
            break;
        }
    }
    let ada = &state.players[0];
    assert_eq!((ada.x, ada.y, ada.score), (coin.0, coin.1, 1));
    assert_ne!(state.coin, coin, "the coin moved on");

    // PONG goes to the pinger only.
    two.send("PING t-42\n").await;
    assert_eq!(two.line().await, "PONG t-42");
    one.send("ping mine\n").await;
    assert_eq!(one.line().await, "PONG mine");

    two.send("JUMP\n").await;
    assert_eq!(
        two.line().await,
        "! unknown command JUMP (try MOVE U|D|L|R, NAME x, PING token)"
    );
    two.send("MOVE X\n").await;
    assert_eq!(two.line().await, "! MOVE takes U, D, L or R (got \"X\")");
    two.send("NAME ADA\n").await;
    assert_eq!(two.line().await, "! name ADA is taken");

    drop(two);
    let after = parse_state(&one.line().await);
    assert_eq!(after.players.len(), 1, "leaving is broadcast: {after:?}");
}
