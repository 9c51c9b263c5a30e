//! The Socket vs WebSocket playground page: a Yew app that opens a WebSocket
//! to the relay, which bridges it to a plain TCP service, and shows every
//! message both ways as text and as bytes.
//!
//! The logic that decides what the page shows ([`state`], [`hex`], [`i18n`])
//! is plain Rust, tested on the host; [`socket`], [`api`] (HTTP), [`browser`]
//! (clock, timers, storage), the [`hooks`] and the components talk to the
//! browser.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod hex;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod lab;
pub mod log_export;
pub mod log_search;
pub mod per_frame;
pub mod saved;
pub mod scenarios;
pub mod share;
pub mod shell;
pub mod socket;
pub mod state;
pub mod tap_event;
pub mod two_doors_lab;
pub mod webtransport;
pub mod why_lab;

pub use app::App;
