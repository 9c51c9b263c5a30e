//! The wire contract shared by `relay` and the playground page: the JSON types
//! of the HTTP API, the URL paths, and the WebSocket close codes the relay uses.
//!
//! No tokio and no web-sys here: both the relay (native) and the frontend
//! (wasm32) compile this crate.
#![forbid(unsafe_code)]

pub mod api;
pub mod close;
pub mod dns;
pub mod frame;
pub mod handshake;
pub mod lossy;
pub mod scenarios;
pub mod tap;
pub mod tls_hello;
pub mod wire;

pub use api::{
    Capture, CaptureList, LabInfo, TargetInfo, TargetList, LAB_PATH, RECORDER_PATH_PREFIX,
    TARGETS_PATH, WS_PATH_PREFIX,
};
pub use api::{WebTransportInfo, WT_PATH_PREFIX};
pub use close::CloseCode;
