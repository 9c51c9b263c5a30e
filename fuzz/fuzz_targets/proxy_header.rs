//! The PROXY header framing in front of `ppp`: arbitrary bytes never panic,
//! a decision never changes as more bytes arrive (the read loop relies on
//! it), and a header never claims more bytes than it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relay::proxy_protocol::parse;

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(512)];
    let full = parse(data);
    if let Ok(Some(header)) = &full {
        assert!(header.len <= data.len());
    }
    for cut in 0..data.len() {
        match parse(&data[..cut]) {
            Ok(None) => {}
            Ok(Some(header)) => assert_eq!(full.as_ref().ok(), Some(&Some(header)), "{cut}"),
            Err(_) => assert!(full.is_err(), "error at {cut} bytes, not at {}", data.len()),
        }
    }
});
