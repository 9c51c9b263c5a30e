//! The page's HTTP client: every request it makes to the relay's API (the
//! target list, the lab, the recorder, the polled quotes) goes through
//! one `GET` helper, so each failure is told the same way.

use gloo::net::http::{Request, Response};
use protocol::scenarios::quotes::{quotes_url, QuoteBatch};
use protocol::{Capture, CaptureList, LabInfo, TargetInfo, TargetList, LAB_PATH};
use protocol::{RECORDER_PATH_PREFIX, TARGETS_PATH};
use serde::de::DeserializeOwned;
use thiserror::Error;
use wasm_bindgen::JsCast;

use crate::json;
use crate::scenarios::quotes::{header_estimate, request_bytes, response_bytes};
use crate::state::TargetsError;

/// Why a `GET` of the relay's API failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GetError {
    /// The request or the body did not come through.
    #[error("{0}")]
    Network(String),
    /// The relay answered with a status other than 2xx.
    #[error("HTTP {0}")]
    Status(u16),
    /// The body was not what the page expected.
    #[error("{0}")]
    Decode(String),
}

impl GetError {
    /// The error as the experiments show it: a status names the path.
    fn at(self, path: &str) -> String {
        match self {
            Self::Status(code) => format!("{path}: HTTP {code}"),
            other => other.to_string(),
        }
    }
}

impl From<GetError> for TargetsError {
    fn from(err: GetError) -> Self {
        match err {
            GetError::Network(why) => Self::Network(why),
            GetError::Status(code) => Self::Status(code),
            GetError::Decode(why) => Self::Decode(why),
        }
    }
}

/// `GET path` on the page's own origin: the response and its body.
async fn get_text(path: &str) -> Result<(Response, String), GetError> {
    let network = |err: gloo::net::Error| GetError::Network(err.to_string());
    let response = Request::get(path).send().await.map_err(network)?;
    if !response.ok() {
        return Err(GetError::Status(response.status()));
    }
    let body = response.text().await.map_err(network)?;
    Ok((response, body))
}

/// `GET path`, its body parsed as a `T`.
async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, GetError> {
    let (_, body) = get_text(path).await?;
    json::from_str(&body).map_err(GetError::Decode)
}

/// `GET /api/targets`.
pub async fn fetch_targets() -> Result<Vec<TargetInfo>, TargetsError> {
    let list: TargetList = get_json(TARGETS_PATH).await?;
    Ok(list.targets)
}

/// `GET /api/lab`.
pub async fn fetch_lab() -> Result<LabInfo, String> {
    get_json(LAB_PATH).await.map_err(|err| err.at(LAB_PATH))
}

/// `GET /api/recorder/<marker>`.
pub async fn fetch_captures(marker: &str) -> Result<Vec<Capture>, String> {
    let path = format!("{RECORDER_PATH_PREFIX}{marker}");
    let list: CaptureList = get_json(&path).await.map_err(|err| err.at(&path))?;
    Ok(list.captures)
}

/// The size of the response to `url` as the browser's Resource Timing
/// counted it (headers included), if it reports one. Entries are cleared
/// after reading, so the buffer (250 entries by default) never fills.
fn transfer_size(url: &str) -> Option<u64> {
    let performance = gloo::utils::window().performance()?;
    let entries = performance.get_entries_by_name(url);
    let size = entries
        .iter()
        .rev()
        .find_map(|e| e.dyn_into::<web_sys::PerformanceResourceTiming>().ok())
        .map(|timing| timing.transfer_size() as u64);
    performance.clear_resource_timings();
    size
}

/// One poll of the quotes since `since`: the batch, and the bytes the
/// request and response took.
pub async fn poll_quotes(since: u64) -> Result<(QuoteBatch, u64), GetError> {
    let path = quotes_url(since);
    let (response, body) = get_text(&path).await?;
    let batch: QuoteBatch = json::from_str(&body).map_err(GetError::Decode)?;
    let headers: Vec<(String, String)> = response.headers().entries().collect();
    let status_line = format!("HTTP/1.1 {} {}", response.status(), response.status_text());
    let estimate = header_estimate(
        &status_line,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let received = response_bytes(transfer_size(&response.url()), estimate, body.len() as u64);
    Ok((batch, request_bytes(&path) + received))
}
