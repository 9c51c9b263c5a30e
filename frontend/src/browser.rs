//! What the page asks of the browser besides the DOM and its sockets: the
//! clock, timers, a mailbox that awaits callbacks with a deadline, and
//! `localStorage`. Everything here calls the browser; the logic that uses it
//! lives elsewhere.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Storage;
use yew::Callback;

/// Milliseconds since the Unix epoch, as log entries and scenarios record time.
pub fn now_ms() -> u64 {
    // Date.now() is a whole, non-negative number of milliseconds.
    js_sys::Date::now() as u64
}

/// `Date.now()` + `ms`: a deadline for [`Mailbox::next_before`].
pub fn deadline_in(ms: f64) -> f64 {
    js_sys::Date::now() + ms
}

/// Calls `resolve` after `ms` milliseconds; a refused timer is only logged.
fn set_timeout(resolve: &js_sys::Function, ms: i32) {
    if let Err(err) =
        gloo::utils::window().set_timeout_with_callback_and_timeout_and_arguments_0(resolve, ms)
    {
        web_sys::console::warn_1(&err);
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| set_timeout(&resolve, ms));
    // A timer's promise only ever resolves.
    let _resolved = JsFuture::from(promise).await;
}

/// Events from browser callbacks, awaited one by one with a deadline.
pub struct Mailbox<T> {
    inner: Rc<RefCell<MailboxInner<T>>>,
}

struct MailboxInner<T> {
    queue: VecDeque<T>,
    wake: Option<js_sys::Function>,
}

impl<T: 'static> Mailbox<T> {
    /// An empty mailbox.
    pub fn new() -> Self {
        Self {
            inner: Rc::new(RefCell::new(MailboxInner {
                queue: VecDeque::new(),
                wake: None,
            })),
        }
    }

    /// A callback that posts into this mailbox.
    pub fn callback(&self) -> Callback<T> {
        let inner = self.inner.clone();
        Callback::from(move |item: T| {
            let wake = {
                let mut inner = inner.borrow_mut();
                inner.queue.push_back(item);
                inner.wake.take()
            };
            if let Some(wake) = wake {
                if let Err(err) = wake.call0(&JsValue::NULL) {
                    web_sys::console::warn_1(&err);
                }
            }
        })
    }

    /// The next event, or `None` once `deadline` (from `Date.now()`) passes.
    pub async fn next_before(&self, deadline: f64) -> Option<T> {
        loop {
            if let Some(item) = self.inner.borrow_mut().queue.pop_front() {
                return Some(item);
            }
            let left = deadline - js_sys::Date::now();
            if left <= 0.0 {
                return None;
            }
            let inner = self.inner.clone();
            let promise = Promise::new(&mut |resolve, _reject| {
                inner.borrow_mut().wake = Some(resolve.clone());
                set_timeout(&resolve, left as i32);
            });
            let _woken = JsFuture::from(promise).await;
            self.inner.borrow_mut().wake = None;
        }
    }
}

impl<T: 'static> Default for Mailbox<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// This origin's `localStorage`, unless the browser withholds it.
pub fn local_storage() -> Option<Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// The value stored under `key`, if there is one and the browser lets us read it.
pub fn stored_item(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}
