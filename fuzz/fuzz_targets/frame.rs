//! The frame decoder: any bytes give a frame, "need more", or an error — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::frame::{decode_frame, parse_close_payload};

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((frame, used))) = decode_frame(data) {
        assert!(used <= data.len());
        assert_eq!(frame.payload.len() as u64, frame.header.payload_len);
        let _ = parse_close_payload(&frame.payload);
    }
});
