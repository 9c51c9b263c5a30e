//! JSON in and out of the page's types.
//!
//! In the browser the page uses the browser's own parser and printer
//! (`JSON.parse`, `JSON.stringify`) and serde-wasm-bindgen between those
//! JavaScript values and the Rust types: serde_json's parser would add about
//! 10 KB gzipped to the page (wasm + JS gzipped: 252,889 → 242,762 bytes).
//! Everywhere else (the host, where the page's pure logic is unit-tested) it
//! is serde_json. Either way the types' serde derives decide the shape.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Parses `text` as a `T`; the error says why not.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    imp::from_str(text)
}

/// Parses UTF-8 `bytes` as a `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    from_str(std::str::from_utf8(bytes).map_err(|err| err.to_string())?)
}

/// `value` as JSON text.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    imp::to_string(value)
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::JSON;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use crate::socket::js_error_text;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = JSON::parse(text).map_err(|err| js_error_text(&err))?;
        serde_wasm_bindgen::from_value(value).map_err(|err| err.to_string())
    }

    pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
        let value = serde_wasm_bindgen::to_value(value).map_err(|err| err.to_string())?;
        JSON::stringify(&value)
            .map(String::from)
            .map_err(|err| js_error_text(&err))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }

    pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
        serde_json::to_string(value).map_err(|err| err.to_string())
    }
}
