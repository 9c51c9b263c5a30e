//! The run shared by the experiments that aim the browser straight at a
//! recorder port: make a marker, probe `scheme://127.0.0.1:port/marker`, ask
//! the recorder what reached it, keep the result. Each experiment says only
//! how it probes and how long to wait for the recorder.

use std::future::Future;
use std::rc::Rc;

use protocol::Capture;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::recorder_url;
use crate::lab::{deadline_in, new_marker, poll_captures};
use crate::state::experiments::Captured;

/// How long to ask the recorder: until `done` holds for its captures, or
/// `within_ms` milliseconds.
#[derive(Clone, Copy)]
pub struct CaptureWait {
    /// Longest wait, milliseconds.
    pub within_ms: f64,
    /// Enough has arrived.
    pub done: fn(&[Capture]) -> bool,
}

/// An experiment's probe: its last result, whether one is running, and the
/// callback that starts one.
pub struct Probe<R: 'static> {
    /// The last run's result.
    pub result: UseStateHandle<Option<R>>,
    /// A run is under way.
    pub running: bool,
    /// Starts a run (nothing without a port).
    pub onrun: Callback<()>,
}

/// Runs `probe` on `scheme://127.0.0.1:port/<marker>` when asked, then asks
/// the recorder per `wait`, and keeps `result(url, end, captured)`.
#[hook]
pub fn use_probe<E, R, P, F>(
    port: Option<u16>,
    scheme: &'static str,
    probe: P,
    wait: CaptureWait,
    result: fn(String, E, Captured) -> R,
) -> Probe<R>
where
    E: 'static,
    R: 'static,
    P: Fn(String) -> F + 'static,
    F: Future<Output = E> + 'static,
{
    let kept = use_state(|| None::<R>);
    let running = use_state(|| false);
    // The probe does not change between renders: the first one is kept.
    let probe: Rc<P> = use_memo((), move |()| probe);
    let onrun = {
        let (kept, running) = (kept.clone(), running.clone());
        Callback::from(move |()| {
            let Some(port) = port else { return };
            let (kept, running, probe) = (kept.clone(), running.clone(), probe.clone());
            running.set(true);
            spawn_local(async move {
                let marker = new_marker();
                let url = recorder_url(scheme, port, &marker);
                let end = probe(url.clone()).await;
                let captured = poll_captures(&marker, deadline_in(wait.within_ms), wait.done).await;
                kept.set(Some(result(url, end, captured)));
                running.set(false);
            });
        })
    };
    Probe {
        result: kept,
        running: *running,
        onrun,
    }
}
