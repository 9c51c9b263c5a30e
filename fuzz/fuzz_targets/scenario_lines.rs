//! The scenario services' line protocols (chat, quotes, game, lamp): bytes
//! in any chunking become lines, every line goes through every parser, and
//! a server line that parses prints back to a line that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::scenarios::{chat, game, lamp, quotes, LineBuffer};

/// `parse(x)` ok ⇒ `parse(x.to_string())` gives the same value.
macro_rules! round_trips {
    ($module:ident, $line:expr) => {
        if let Ok(parsed) = $module::parse_server_line($line) {
            let printed = parsed.to_string();
            assert_eq!(
                $module::parse_server_line(&printed).as_ref(),
                Ok(&parsed),
                "{} line {:?} printed as {:?}",
                stringify!($module),
                $line,
                printed
            );
        }
    };
}

fuzz_target!(|data: &[u8]| {
    // The first byte says where to cut the rest into two reads.
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut).min(rest.len());
    let mut lines = LineBuffer::new();
    lines.push(&rest[..cut]);
    lines.push(&rest[cut..]);
    let mut all = Vec::new();
    while let Some(line) = lines.next_line() {
        all.push(line);
    }
    all.extend(lines.finish());
    for line in all.into_iter().flatten() {
        let _ = chat::parse_command(&line);
        let _ = lamp::parse_command(&line);
        let _ = game::parse_command(&line);
        let _ = quotes::parse_price(&line);
        round_trips!(chat, &line);
        round_trips!(lamp, &line);
        round_trips!(game, &line);
        round_trips!(quotes, &line);
    }
});
