//! The playground page: embedded at build time by memory-serve (see
//! `build.rs`), which serves it Brotli- or gzip-compressed by the browser's
//! `Accept-Encoding`, with ETags and `304 Not Modified`; or read from a
//! directory given by `--dist`, as it is, for working on the page.

use std::{
    path::Path,
    sync::{Arc, OnceLock},
};

use axum::{
    extract::State,
    http::{header, StatusCode, Uri},
    response::{IntoResponse, Response},
    Router,
};
use memory_serve::CacheControl;

use crate::state::AppState;

/// Shown at `/` when this relay was built without the page.
const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>playground not built</title>
<h1>The playground page is not built into this relay</h1>
<p>This relay binary was compiled before the page was built, so it has nothing to show here.
The WebSocket bridge (<code>/ws/&lt;target&gt;</code>) and <code>/api/targets</code> work anyway.</p>
<p>To build the page and a relay that serves it, run <code>cargo xtask run</code> in the repository
(it installs Trunk and the wasm tools if they are missing), or build the page yourself with
<code>trunk build --release</code> and start the relay with <code>--dist dist</code>.</p>\n";

/// True when the page was embedded at build time.
pub fn embedded() -> bool {
    env!("RELAY_PAGE_EMBEDDED") == "1"
}

/// The routes of the embedded page: `/`, `/index.html` and each file Trunk
/// built. Trunk puts a content hash in every file name except index.html,
/// so index.html is revalidated on every load and the rest is kept for a
/// year. Built once per process (memory-serve leaks what it builds, and
/// decompresses and gzips the page when it does).
pub fn embedded_routes() -> Router<Arc<AppState>> {
    static ROUTES: OnceLock<Router<Arc<AppState>>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            memory_serve::load!()
                .index_file(Some("/index.html"))
                .html_cache_control(CacheControl::NoCache)
                .cache_control(CacheControl::Long)
                .into_router()
        })
        .clone()
}

/// `GET` for anything that is neither an API route nor a file of the
/// embedded page: a file of `--dist`, else 404 (or, at `/` of a relay built
/// without the page, how to build it).
pub async fn serve_asset(State(state): State<Arc<AppState>>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let body = match &state.config.dist_dir {
        Some(dir) => read_from_dir(dir, path).await,
        None => None,
    };
    match body {
        Some(bytes) => {
            // Trunk puts a content hash in every file name except index.html.
            let cache = if path == "index.html" {
                "no-cache"
            } else {
                "public, max-age=31536000, immutable"
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(path)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes,
            )
                .into_response()
        }
        None if path == "index.html" => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

async fn read_from_dir(dir: &Path, path: &str) -> Option<Vec<u8>> {
    // Only plain relative names: no `..`, no absolute paths, no backslashes.
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
        || path.contains('\\')
    {
        return None;
    }
    tokio::fs::read(dir.join(path)).await.ok()
}

/// The `Content-Type` for a file of the page, by extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_gets_its_mime_type() {
        // Browsers refuse streaming compilation of wasm served with another type.
        assert_eq!(content_type("frontend-1a2b_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[tokio::test]
    async fn dir_reads_refuse_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "x").unwrap();
        assert_eq!(
            read_from_dir(dir.path(), "a.js").await.as_deref(),
            Some(&b"x"[..])
        );
        for bad in ["../a.js", "x/../a.js", "/etc/passwd", "a\\b", "./a.js"] {
            assert!(read_from_dir(dir.path(), bad).await.is_none(), "{bad} read");
        }
    }
}
