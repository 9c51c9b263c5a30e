//! Tap records and the events inside them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::tap::TapRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = TapRecord::decode(data) {
        let _ = record.event();
        assert_eq!(TapRecord::decode(&record.encode()), Ok(record));
    }
});
