//! Many events, one render per frame.
//!
//! Every WebSocket message is its own browser task, and Yew renders after
//! each task that changed state: at 10,000 messages a second that is 10,000
//! renders of the page, far more than the 60 frames the screen shows. A
//! [`PerFrame`] queue holds what arrived and hands all of it over, in order,
//! in one task just before the next frame, so Yew renders once for all of it.
//! Nothing is dropped or merged: every item is delivered.
//!
//! Frames stop in a hidden tab, so a timer delivers too, at most
//! [`FALLBACK_MS`] after the first queued item.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

/// Longest an item waits when no frame comes (a hidden tab), milliseconds.
pub const FALLBACK_MS: i32 = 100;

/// A queue delivered to a callback once per animation frame.
pub struct PerFrame<T: 'static> {
    inner: Rc<Inner<T>>,
}

struct Inner<T: 'static> {
    queue: RefCell<Vec<T>>,
    deliver: Callback<T>,
    /// The animation frame and timer asked for, while items wait.
    pending: Cell<Option<(i32, i32)>>,
    /// Called by both; lives as long as the queue, so it is never dropped
    /// while the browser runs it.
    on_due: Closure<dyn FnMut()>,
}

impl<T: 'static> PerFrame<T> {
    /// A queue that hands its items to `deliver`.
    pub fn new(deliver: Callback<T>) -> Self {
        let inner = Rc::new_cyclic(|me: &Weak<Inner<T>>| {
            let me = me.clone();
            Inner {
                queue: RefCell::new(Vec::new()),
                deliver,
                pending: Cell::new(None),
                on_due: Closure::new(move || {
                    if let Some(inner) = me.upgrade() {
                        inner.flush();
                    }
                }),
            }
        });
        Self { inner }
    }

    /// Queues `item` for the next frame.
    pub fn push(&self, item: T) {
        self.inner.queue.borrow_mut().push(item);
        if self.inner.pending.get().is_none() {
            self.inner.schedule();
        }
    }
}

impl<T: 'static> Inner<T> {
    fn schedule(&self) {
        let window = gloo::utils::window();
        let due = self.on_due.as_ref().unchecked_ref();
        let frame = window.request_animation_frame(due);
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(due, FALLBACK_MS);
        match (frame, timer) {
            (Ok(frame), Ok(timer)) => self.pending.set(Some((frame, timer))),
            (frame, timer) => {
                // No way to wait: deliver now rather than never.
                web_sys::console::warn_1(&"per-frame queue: cannot schedule".into());
                self.pending
                    .set(Some((frame.unwrap_or(0), timer.unwrap_or(0))));
                self.flush();
            }
        }
    }

    /// Delivers everything queued, oldest first.
    fn flush(&self) {
        self.cancel();
        let items = std::mem::take(&mut *self.queue.borrow_mut());
        for item in items {
            self.deliver.emit(item);
        }
    }

    fn cancel(&self) {
        if let Some((frame, timer)) = self.pending.take() {
            let window = gloo::utils::window();
            if let Err(err) = window.cancel_animation_frame(frame) {
                web_sys::console::warn_1(&err);
            }
            window.clear_timeout_with_handle(timer);
        }
    }
}

impl<T: 'static> Drop for Inner<T> {
    fn drop(&mut self) {
        self.cancel();
    }
}
