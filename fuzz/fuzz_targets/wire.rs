//! The tapped-stream parser: arbitrary chunking of arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::wire::WireParser;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, so the fuzzer explores splits.
    let Some((&split, rest)) = data.split_first() else { return };
    let chunk = usize::from(split).max(1);
    let mut parser = if split % 2 == 0 { WireParser::new() } else { WireParser::frames_only() };
    for piece in rest.chunks(chunk) {
        let _ = parser.push(piece);
    }
});
