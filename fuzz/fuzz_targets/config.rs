//! The relay's TOML config and websockify token files: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(file) = relay::config::FileConfig::parse(text) {
        let _ = file.targets();
        let mut limits = relay::Limits::default();
        file.limits.apply(&mut limits);
    }
    let _ = relay::websockify::parse_token_file(text);
});
