//! `wsload`: the load client behind `cargo xtask bench`.
//!
//! One client drives every contender (our relay through both its doors,
//! WebSocket and WebTransport, websocat, websockify, and the echo service
//! itself over raw TCP) through the same scenarios, verifying every
//! echoed byte. Each `wsload run` prints one JSON line ([`record::RunRecord`]);
//! `wsload report` turns the lines of a whole bench into Markdown, JSON and SVG;
//! `wsload page` measures the playground page's frame times under load;
//! `wsload soak` runs every kind of load at once for minutes ([`soak`]).
#![forbid(unsafe_code)]

pub mod cli;
pub mod conn;
pub mod dialer;
pub mod echo;
pub mod page;
pub mod payload;
pub mod procfs;
pub mod record;
pub mod report;
pub mod scenarios;
pub mod serve;
pub mod servers;
pub mod soak;
pub mod stats;
pub mod tcp;
pub mod ws;
pub mod wt;
