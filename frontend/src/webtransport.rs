//! The browser's `WebTransport`, declared by hand (web-sys has it only
//! behind its unstable APIs): the few members the two-doors experiments use,
//! and the steps they share: open a session to a relay target, read and
//! write a stream.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::lab::error_name_and_message;

#[wasm_bindgen]
extern "C" {
    /// A WebTransport session (one QUIC connection).
    #[derive(Clone)]
    pub type WebTransport;
    #[wasm_bindgen(constructor, catch)]
    fn new(url: &str, options: &Object) -> Result<WebTransport, JsValue>;
    /// Resolves once the session is up (the CONNECT answered 200).
    #[wasm_bindgen(method, getter)]
    pub fn ready(this: &WebTransport) -> Promise;
    /// Opens a bidirectional stream: resolves to a [`Duplex`].
    #[wasm_bindgen(method, js_name = createBidirectionalStream)]
    pub fn create_bidirectional_stream(this: &WebTransport) -> Promise;
    /// The session's datagrams, as a [`Duplex`].
    #[wasm_bindgen(method, getter)]
    pub fn datagrams(this: &WebTransport) -> Duplex;
    #[wasm_bindgen(method, catch)]
    fn close(this: &WebTransport) -> Result<(), JsValue>;

    /// A bidirectional stream, or the datagram duplex: a readable and a writable.
    pub type Duplex;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Duplex) -> Readable;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Duplex) -> Writable;

    type Readable;
    #[wasm_bindgen(method, js_name = getReader)]
    fn get_reader(this: &Readable) -> Reader;
    /// The reader of a [`Duplex`]'s readable.
    pub type Reader;
    #[wasm_bindgen(method)]
    fn read(this: &Reader) -> Promise;

    type Writable;
    #[wasm_bindgen(method, js_name = getWriter)]
    fn get_writer(this: &Writable) -> Writer;
    /// The writer of a [`Duplex`]'s writable.
    pub type Writer;
    /// Queues `chunk`; the promise resolves once it is taken.
    #[wasm_bindgen(method)]
    pub fn write(this: &Writer, chunk: &Uint8Array) -> Promise;
    /// Closes the writable side after what is queued (a FIN).
    #[wasm_bindgen(method, js_name = close)]
    pub fn finish(this: &Writer) -> Promise;
}

/// True when this browser has `WebTransport` (a recent one, in a secure
/// context: `http://127.0.0.1` is one, `http://` to another host is not).
pub fn available() -> bool {
    Reflect::has(&gloo::utils::window(), &JsValue::from_str("WebTransport")).unwrap_or(false)
}

/// Awaits `promise`, its rejection as text.
pub async fn settle(promise: Promise) -> Result<JsValue, String> {
    JsFuture::from(promise)
        .await
        .map_err(|err| error_name_and_message(&err))
}

/// Opens a session to target `name` through the relay's door (asked of
/// `/api/lab` again: a renewal changes the certificate's hash) and waits
/// until it is up.
pub async fn open(name: &str) -> Result<WebTransport, String> {
    let info = crate::api::fetch_lab()
        .await?
        .webtransport
        .ok_or("no WebTransport door")?;
    let host = gloo::utils::window()
        .location()
        .hostname()
        .unwrap_or_default();
    let url = format!(
        "https://{host}:{}{}{name}",
        info.port,
        protocol::api::WT_PATH_PREFIX
    );
    let options = Object::new();
    if info.self_signed {
        let hash = Object::new();
        let value = info.cert_sha256_bytes().ok_or("bad certificate hash")?;
        set(&hash, "algorithm", &"sha-256".into());
        set(&hash, "value", &Uint8Array::from(&value[..]));
        set(&options, "serverCertificateHashes", &Array::of1(&hash));
    }
    let session = WebTransport::new(&url, &options).map_err(|err| error_name_and_message(&err))?;
    settle(session.ready()).await?;
    Ok(session)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl WebTransport {
    /// Closes the session and every stream in it (again: nothing).
    pub fn end(&self) {
        // It throws only on a session already closed, which is what is asked.
        let _ = self.close();
    }
}

impl Duplex {
    /// The reader and the writer of this duplex.
    pub fn split(&self) -> (Reader, Writer) {
        (self.readable().get_reader(), self.writable().get_writer())
    }
}

impl Reader {
    /// The next chunk (a stream's bytes or one datagram); `None` at the end
    /// of the stream or when the session closes.
    pub async fn next(&self) -> Option<Vec<u8>> {
        let result = settle(self.read()).await.ok()?;
        let value = Reflect::get(&result, &JsValue::from_str("value")).ok()?;
        value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
    }
}
