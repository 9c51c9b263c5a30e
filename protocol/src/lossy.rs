//! The `lossy` demo service's rule, shared by the relay (which applies it)
//! and the page (which explains it and checks what arrived).
//!
//! The service plays a lossy network on loopback, where nothing is ever
//! lost. Over UDP (target `udp-lossy`) it drops one reply in about
//! [`ONE_IN`]: the datagram is gone, and the ones after it arrive on time.
//! Over TCP (target `lossy`) the same loss costs what it costs TCP: the
//! segment is sent again after the retransmission timeout, and every reply
//! behind it waits, because TCP delivers in order. The service plays that
//! by holding the reply [`RETRANSMIT_MS`] before sending it, and reading
//! nothing more meanwhile.
//!
//! Which replies are lost depends only on their bytes (a datagram's payload,
//! a line without its line ending), so the same messages sent both ways are
//! lost on one and late on the other.

/// About one reply in this many is lost.
pub const ONE_IN: u64 = 5;

/// How long a lost reply is held over TCP: Linux's minimum retransmission
/// timeout (`TCP_RTO_MIN`).
pub const RETRANSMIT_MS: u64 = 200;

/// Whether the reply carrying `payload` is lost (UDP) or retransmitted (TCP).
pub fn is_lost(payload: &[u8]) -> bool {
    // FNV-1a, then SplitMix64's finaliser so that short, similar payloads
    // ("1", "2", ...) spread evenly.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in payload {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (hash ^ (hash >> 31)) % ONE_IN == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost_of(range: std::ops::RangeInclusive<u32>) -> usize {
        range.filter(|n| is_lost(n.to_string().as_bytes())).count()
    }

    #[test]
    fn about_one_in_five_numbered_messages_is_lost() {
        let lost = lost_of(1..=1000);
        assert!((150..=250).contains(&lost), "{lost} of 1000 lost");
        // The page's default run (20 messages) shows some of each.
        let lost = lost_of(1..=20);
        assert!((1..=8).contains(&lost), "{lost} of 20 lost");
    }
}
