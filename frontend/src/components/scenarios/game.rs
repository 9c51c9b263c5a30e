//! `#sc-game`: the arena, drawn from `STATE`, moved with buttons or arrow
//! keys, with the round trip timed by `PING`/`PONG`.

use gloo::timers::callback::Interval;
use protocol::scenarios::game::{Command, Direction, GRID_HEIGHT, GRID_WIDTH};
use yew::prelude::*;

use super::link::{use_line_link, LineLink, LinkEvent, LinkStatus};
use super::link_bar::LinkBar;
use crate::browser::now_ms;
use crate::components::use_strings;
use crate::scenarios::game::{ping_token, Game, GameAction, PING_INTERVAL_MS};
use crate::scenarios::targets;

fn send(link: &LineLink, command: Command) {
    // Not open: the buttons are disabled, and a key press is simply ignored.
    link.send_line(&command.to_string());
}

/// The game panel.
#[component]
pub fn GamePanel() -> Html {
    let s = use_strings().scenarios;
    let game = use_reducer(Game::default);
    let on_event = {
        let game = game.dispatcher();
        Callback::from(move |event: LinkEvent| match event {
            LinkEvent::Started => game.dispatch(GameAction::Reset),
            LinkEvent::Line(line) => game.dispatch(GameAction::Received {
                line,
                at_ms: now_ms(),
            }),
            LinkEvent::Message { .. } => {}
        })
    };
    let link = use_line_link(targets::GAME, on_event);
    let open = link.status == LinkStatus::Open;

    // PING every second while open.
    {
        let link = link.clone();
        use_effect_with(open, move |open| {
            let pinger = open.then(|| {
                Interval::new(PING_INTERVAL_MS, move || {
                    send(&link, Command::Ping(ping_token(now_ms())))
                })
            });
            move || drop(pinger)
        });
    }

    let mover = |dir: Direction| {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| send(&link, Command::Move(dir)))
    };
    let onkeydown = {
        let link = link.clone();
        Callback::from(move |e: KeyboardEvent| {
            let dir = match e.key().as_str() {
                "ArrowUp" => Direction::Up,
                "ArrowDown" => Direction::Down,
                "ArrowLeft" => Direction::Left,
                "ArrowRight" => Direction::Right,
                _ => return,
            };
            e.prevent_default();
            send(&link, Command::Move(dir));
        })
    };

    let me = game.me.clone();
    let pieces = game.arena.iter().flat_map(|arena| {
        let coin = html! {
            <div class="coin" style={format!("grid-column:{};grid-row:{}", arena.coin.0 + 1, arena.coin.1 + 1)}></div>
        };
        let players = arena.players.iter().map(|p| {
            let mine = me.as_deref() == Some(p.name.as_str());
            html! {
                <div class={classes!("player", mine.then_some("me"))} data-name={p.name.clone()}
                    data-x={p.x.to_string()} data-y={p.y.to_string()} title={p.name.clone()}
                    style={format!("grid-column:{};grid-row:{}", p.x + 1, p.y + 1)}>
                    { p.name.chars().next().map(String::from).unwrap_or_default() }
                </div>
            }
        });
        std::iter::once(coin).chain(players).collect::<Vec<_>>()
    });
    let [up, down, left, right] = s.game_moves;
    html! {
        <section id="sc-game" class="panel scenario" aria-labelledby="sc-game-title">
            <h3 id="sc-game-title">{ s.game_title }</h3>
            <p class="claim">{ s.game_claim }</p>
            <LinkBar status={link.status.clone()} traffic={link.traffic.clone()}
                onstart={link.onstart.clone()} onstop={link.onstop.clone()} />
            <div class="game-body">
                <div id="game-arena" class="arena" role="application" tabindex="0" aria-label={s.game_arena} {onkeydown}
                    style={format!("grid-template-columns:repeat({GRID_WIDTH},1fr);grid-template-rows:repeat({GRID_HEIGHT},1fr)")}>
                    { for pieces }
                </div>
                <div class="game-side">
                    <div class="pad">
                        <button type="button" id="game-up" class="secondary" aria-label={up} disabled={!open} onclick={mover(Direction::Up)}>{ "▲" }</button>
                        <button type="button" id="game-left" class="secondary" aria-label={left} disabled={!open} onclick={mover(Direction::Left)}>{ "◀" }</button>
                        <button type="button" id="game-right" class="secondary" aria-label={right} disabled={!open} onclick={mover(Direction::Right)}>{ "▶" }</button>
                        <button type="button" id="game-down" class="secondary" aria-label={down} disabled={!open} onclick={mover(Direction::Down)}>{ "▼" }</button>
                    </div>
                    <p class="note">{ s.game_keys }</p>
                    <p class="rtt">{ s.game_rtt }{ ": " }
                        <b id="game-rtt">{ game.rtt_ms.map_or_else(|| "–".to_owned(), |ms| ms.to_string()) }</b>{ " ms" }</p>
                    <h4>{ s.game_scores }</h4>
                    <ol id="game-scores">
                        { for game.scoreboard().into_iter().map(|p| {
                            let mine = me.as_deref() == Some(p.name.as_str());
                            html! {
                                <li class={classes!(mine.then_some("me"))} data-name={p.name.clone()}>
                                    <span class="name">{ p.name.clone() }</span>
                                    if mine { <span class="you">{ s.game_you }</span> }
                                    <span class="score">{ p.score }</span>
                                </li>
                            }
                        }) }
                    </ol>
                    if let Some(err) = &game.error {
                        <p class="error">{ err.clone() }</p>
                    }
                </div>
            </div>
        </section>
    }
}
