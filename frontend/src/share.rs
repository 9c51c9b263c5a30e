//! Getting text out of the page: a file download through a Blob URL, and
//! the clipboard. Everything here calls the browser.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// The browser's words for a failure.
fn reason(err: JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"))
}

/// Offers `content` as a file named `file_name` of type `mime`: a Blob, its
/// object URL on an `<a download>` clicked at once, and the URL revoked
/// once the download has it.
pub fn download(file_name: &str, mime: &str, content: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(reason)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(reason)?;
    let document = gloo::utils::document();
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(reason)?
        .dyn_into()
        .map_err(|_| "<a> is not an anchor".to_owned())?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // The download has read the URL once the click's task is over.
    gloo::timers::callback::Timeout::new(10_000, move || {
        if let Err(err) = Url::revoke_object_url(&url) {
            web_sys::console::warn_1(&err);
        }
    })
    .forget();
    Ok(())
}

/// Writes `text` to the clipboard; `Err` with the browser's reason (no
/// permission, an insecure page, no clipboard at all).
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = gloo::utils::window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(reason)
}
