//! The relay's HTTP API as the page uses it.

use gloo::net::http::Request;
use protocol::{TargetInfo, TargetList, TARGETS_PATH};

use crate::json;
use crate::state::TargetsError;

/// `GET /api/targets` on the page's own origin.
pub async fn fetch_targets() -> Result<Vec<TargetInfo>, TargetsError> {
    let response = Request::get(TARGETS_PATH)
        .send()
        .await
        .map_err(|err| TargetsError::Network(err.to_string()))?;
    if !response.ok() {
        return Err(TargetsError::Status(response.status()));
    }
    let body = response
        .text()
        .await
        .map_err(|err| TargetsError::Network(err.to_string()))?;
    let list: TargetList = json::from_str(&body).map_err(TargetsError::Decode)?;
    Ok(list.targets)
}
