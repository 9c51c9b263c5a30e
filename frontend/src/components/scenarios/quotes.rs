//! `#sc-quotes`: one market, pushed over the WebSocket and polled over HTTP
//! side by side, with what each way costs measured live.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use protocol::scenarios::quotes::{self, SYMBOLS};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::link::{use_line_link, LinkEvent};
use super::link_bar::LinkBar;
use crate::api::poll_quotes;
use crate::browser::now_ms;
use crate::components::use_strings;
use crate::scenarios::quotes::{
    bar_percent, bounds, polyline, FeedStats, Quotes, QuotesAction, POLL_INTERVAL_MS,
};
use crate::scenarios::targets;

const CHART_W: f64 = 320.0;
const CHART_H: f64 = 120.0;

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

/// The quotes panel.
#[component]
pub fn QuotesPanel() -> Html {
    let s = use_strings().scenarios;
    let quotes = use_reducer(Quotes::default);
    let on_event = {
        let quotes = quotes.dispatcher();
        Callback::from(move |event: LinkEvent| match event {
            LinkEvent::Started => quotes.dispatch(QuotesAction::Reset),
            LinkEvent::Message { wire_bytes } => {
                quotes.dispatch(QuotesAction::WsMessage { wire_bytes })
            }
            LinkEvent::Line(line) => {
                if let Ok(quotes::ServerLine::Quote(quote)) = quotes::parse_server_line(&line) {
                    quotes.dispatch(QuotesAction::WsQuote {
                        quote,
                        at_ms: now_ms(),
                    });
                }
            }
        })
    };
    let link = use_line_link(targets::QUOTES, on_event);

    // Polling runs while the WebSocket side does.
    {
        let dispatcher = quotes.dispatcher();
        use_effect_with(link.status.is_active(), move |active| {
            let alive = Rc::new(Cell::new(true));
            let mut interval = None;
            if *active {
                let since: Rc<Cell<Option<u64>>> = Rc::new(Cell::new(None));
                let busy = Rc::new(Cell::new(false));
                let alive = alive.clone();
                let tick = move || {
                    if busy.replace(true) {
                        return;
                    }
                    let (since, busy, alive) = (since.clone(), busy.clone(), alive.clone());
                    let dispatcher = dispatcher.clone();
                    spawn_local(async move {
                        let result = poll_quotes(since.get().unwrap_or(0)).await;
                        busy.set(false);
                        if !alive.get() {
                            return;
                        }
                        dispatcher.dispatch(match result {
                            Ok((batch, wire_bytes)) => {
                                since.set(Some(batch.latest_seq));
                                QuotesAction::Polled {
                                    batch,
                                    wire_bytes,
                                    at_ms: now_ms(),
                                }
                            }
                            Err(why) => QuotesAction::PollFailed(why.to_string()),
                        });
                    });
                };
                tick();
                interval = Some(Interval::new(POLL_INTERVAL_MS, tick));
            }
            move || {
                alive.set(false);
                drop(interval);
            }
        });
    }

    let symbol = quotes.symbol;
    let ws_prices = quotes.ws_series.of(symbol);
    let poll_prices = quotes.poll_series.of(symbol);
    let scale = bounds(ws_prices.iter().chain(&poll_prices).copied());
    let choose = |sym: &'static str| {
        let dispatcher = quotes.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(QuotesAction::Choose(sym)))
    };
    let (ws, poll) = (quotes.ws, quotes.poll);
    let bars = |name: &'static str, get: fn(&FeedStats) -> Option<f64>| {
        let (a, b) = (get(&ws).unwrap_or(0.0), get(&poll).unwrap_or(0.0));
        let max = a.max(b);
        html! {
            <div class="bars" data-measure={name}>
                <div class="bar ws" style={format!("width:{:.1}%", bar_percent(a, max))}></div>
                <div class="bar poll" style={format!("width:{:.1}%", bar_percent(b, max))}></div>
            </div>
        }
    };
    html! {
        <section id="sc-quotes" class="panel scenario" aria-labelledby="sc-quotes-title">
            <h3 id="sc-quotes-title">{ s.quotes_title }</h3>
            <p class="claim">{ s.quotes_claim }</p>
            <LinkBar status={link.status.clone()} traffic={link.traffic.clone()}
                onstart={link.onstart.clone()} onstop={link.onstop.clone()} />
            <div class="symbols" role="group" aria-label={s.quotes_symbol}>
                { for SYMBOLS.iter().map(|sym| html! {
                    <button type="button" class="preset symbol" aria-pressed={(*sym == symbol).to_string()}
                        onclick={choose(sym)}>{ *sym }</button>
                }) }
                if let Some(last) = &quotes.last {
                    <span class="last-price">{ quotes::format_price(last.price_cents) }</span>
                }
            </div>
            <div class="chart-wrap">
                <svg id="quotes-chart" class="chart" viewBox={format!("0 0 {CHART_W} {CHART_H}")}
                    preserveAspectRatio="none" role="img" aria-label={s.quotes_title}
                    data-points={ws_prices.len().to_string()}>
                    if let Some(scale) = scale {
                        <polyline class="poll-line" points={polyline(&poll_prices, CHART_W, CHART_H, scale)} />
                        <polyline class="ws-line" points={polyline(&ws_prices, CHART_W, CHART_H, scale)} />
                    }
                </svg>
                if scale.is_none() {
                    <p class="chart-empty">{ s.quotes_waiting }</p>
                }
                <div class="legend">
                    <span class="key ws">{ s.quotes_ws }</span>
                    <span class="key poll">{ s.quotes_poll }</span>
                </div>
            </div>
            <table class="quote-stats">
                <thead>
                    <tr><th scope="col">{ s.quotes_measure }</th>
                        <th scope="col" class="ws">{ s.quotes_ws }</th>
                        <th scope="col" class="poll">{ s.quotes_poll }</th></tr>
                </thead>
                <tbody>
                    <tr><th scope="row">{ s.quotes_updates }</th>
                        <td id="ws-updates">{ ws.updates }</td>
                        <td id="poll-updates">{ poll.updates }</td></tr>
                    <tr><th scope="row">{ s.quotes_bytes }{ bars("bytes", FeedStats::bytes_per_update) }</th>
                        <td id="ws-bytes-per-update">{ number(ws.bytes_per_update(), 0) }</td>
                        <td id="poll-bytes-per-update">{ number(poll.bytes_per_update(), 0) }</td></tr>
                    <tr><th scope="row">{ s.quotes_delay }{ bars("delay", FeedStats::mean_delay_ms) }</th>
                        <td id="ws-delay-ms">{ number(ws.mean_delay_ms(), 1) }</td>
                        <td id="poll-delay-ms">{ number(poll.mean_delay_ms(), 1) }</td></tr>
                </tbody>
            </table>
            if let Some(why) = &quotes.poll_error {
                <p class="error">{ (s.quotes_poll_failed)(why) }</p>
            }
            <p class="note">{ s.quotes_method }</p>
        </section>
    }
}
