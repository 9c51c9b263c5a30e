//! End to end for the lesson: the experiments, handshake viewer and frame
//! inspector in a real Chromium. (Filled in with the lesson's page.)

mod browser;
mod common;
