//! The state every experiment that runs in the background shares: its last
//! result, whether a run is under way, and the callback that starts one
//! ([`use_probe`]); and the run of the experiments that aim the browser
//! straight at a recorder port ([`use_recorder_probe`]): make a marker, probe
//! `scheme://127.0.0.1:port/marker`, ask the recorder what reached it.

use std::future::Future;
use std::rc::Rc;

use protocol::Capture;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::recorder_url;
use crate::browser::deadline_in;
use crate::lab::{has_whole_head, new_marker, poll_captures, CAPTURE_DEADLINE_MS};
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
    /// Starts a run (nothing without an input).
    pub onrun: Callback<()>,
}

/// Runs `run(input)` when asked and keeps what it comes to. `input` is
/// read at each render (a port that arrives with the lab); without one,
/// asking does nothing.
#[hook]
pub fn use_probe<A, R, P, F>(input: Option<A>, run: P) -> Probe<R>
where
    A: Clone + 'static,
    R: 'static,
    P: Fn(A) -> F + 'static,
    F: Future<Output = R> + 'static,
{
    let kept = use_state(|| None::<R>);
    let running = use_state(|| false);
    // The run does not change between renders: the first one is kept.
    let run: Rc<P> = use_memo((), move |()| run);
    let onrun = {
        let (kept, running) = (kept.clone(), running.clone());
        Callback::from(move |()| {
            let Some(input) = input.clone() else { return };
            let (kept, running, run) = (kept.clone(), running.clone(), run.clone());
            // A new run's result replaces the last; until then, none.
            kept.set(None);
            running.set(true);
            spawn_local(async move {
                kept.set(Some(run(input).await));
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

/// The wait of the experiments that send an HTTP head: until the recorder
/// holds a whole one, or [`CAPTURE_DEADLINE_MS`].
pub const WHOLE_HEAD: CaptureWait = CaptureWait {
    within_ms: CAPTURE_DEADLINE_MS,
    done: has_whole_head,
};

/// [`use_probe`] for an experiment that aims the browser at a recorder
/// port: runs `probe` on `scheme://127.0.0.1:port/<marker>`, asks the
/// recorder per `wait`, and keeps `result(url, end, captured)`.
#[hook]
pub fn use_recorder_probe<E, R, P, F>(
    port: Option<u16>,
    scheme: &'static str,
    probe: P,
    wait: CaptureWait,
    result: fn(String, E, Captured) -> R,
) -> Probe<R>
where
    E: 'static,
    R: 'static,
    P: Fn(String) -> F + Clone + 'static,
    F: Future<Output = E> + 'static,
{
    use_probe(port, move |port| {
        probe_recorder(port, scheme, probe.clone(), wait, result)
    })
}

async fn probe_recorder<E, R, F>(
    port: u16,
    scheme: &'static str,
    probe: impl FnOnce(String) -> F,
    wait: CaptureWait,
    result: fn(String, E, Captured) -> R,
) -> R
where
    F: Future<Output = E>,
{
    let marker = new_marker();
    let url = recorder_url(scheme, port, &marker);
    let end = probe(url.clone()).await;
    let captured = poll_captures(&marker, deadline_in(wait.within_ms), wait.done).await;
    result(url, end, captured)
}
