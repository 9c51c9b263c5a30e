//! "Datagrams against messages": the same numbered messages sent to the
//! `lossy` service as WebTransport datagrams (`udp-lossy`) and as WebSocket
//! messages (`lossy`, TCP), what arrived and when, and whether that is what
//! [`protocol::lossy`] makes of them: datagrams lost and nothing waiting;
//! messages all there, in order, the ones behind a held line late. Pure;
//! the measuring is in `crate::two_doors_lab`.

use protocol::lossy::{is_lost, RETRANSMIT_MS};

use super::experiments::Outcome;

/// Messages sent each way, numbered from 1.
pub const MESSAGES: u32 = 50;

/// Milliseconds between two messages.
pub const PACE_MS: i32 = 10;

/// How long a message may take before it counts as having waited: half a
/// retransmission timeout (on loopback, a reply takes about a millisecond).
pub const WAITED_MS: f64 = RETRANSMIT_MS as f64 / 2.0;

/// What one door delivered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arrivals {
    /// When message `n` was sent (index `n - 1`), ms from the start.
    pub sent_ms: Vec<f64>,
    /// The messages that came back, in arrival order: number and time, ms
    /// from the start.
    pub got: Vec<(u32, f64)>,
    /// Replies that were no number sent.
    pub strange: usize,
    /// Why it stopped short.
    pub problem: Option<String>,
}

impl Arrivals {
    /// Notes a reply `payload` arriving at `at_ms`.
    pub fn record(&mut self, payload: &[u8], at_ms: f64) {
        let number = std::str::from_utf8(payload)
            .ok()
            .and_then(|text| text.parse::<u32>().ok())
            .filter(|&n| n >= 1 && n as usize <= self.sent_ms.len());
        match number {
            Some(n) => self.got.push((n, at_ms)),
            None => self.strange += 1,
        }
    }

    /// How long each reply took, in arrival order.
    fn waits(&self) -> impl Iterator<Item = f64> + '_ {
        self.got
            .iter()
            .map(|&(n, at)| at - self.sent_ms[n as usize - 1])
    }

    /// How long message `n` took, if it came back.
    pub fn wait_of(&self, n: u32) -> Option<f64> {
        let &(_, at) = self.got.iter().find(|&&(m, _)| m == n)?;
        Some(at - self.sent_ms[n as usize - 1])
    }

    /// Messages sent that never came back.
    pub fn lost(&self) -> usize {
        (1..=self.sent_ms.len() as u32)
            .filter(|n| !self.got.iter().any(|(m, _)| m == n))
            .count()
    }

    /// Replies that took [`WAITED_MS`] or longer.
    pub fn waited(&self) -> usize {
        self.waits().filter(|&ms| ms >= WAITED_MS).count()
    }

    /// The longest a reply took, ms.
    pub fn longest_ms(&self) -> f64 {
        self.waits().fold(0.0, f64::max)
    }

    /// Each message came back once, in the order sent.
    fn in_order(&self) -> bool {
        self.got.windows(2).all(|w| w[0].0 < w[1].0)
    }

    /// Exactly the messages the rule loses are missing, each other one came
    /// back once, and nothing else came.
    pub fn lost_as_predicted(&self) -> bool {
        // Counted, not sorted: a sort would weigh more in the page than this.
        let as_predicted = (1..=self.sent_ms.len() as u32).all(|n| {
            let times = self.got.iter().filter(|&&(m, _)| m == n).count();
            times == usize::from(!is_lost(n.to_string().as_bytes()))
        });
        self.problem.is_none() && self.strange == 0 && as_predicted
    }

    /// Every message came back once, in order, and each one the rule holds
    /// waited at least a retransmission timeout.
    pub fn all_in_order_held_late(&self) -> bool {
        let held_late =
            self.got.iter().zip(self.waits()).all(|(&(n, _), ms)| {
                !is_lost(n.to_string().as_bytes()) || ms >= RETRANSMIT_MS as f64
            });
        self.problem.is_none()
            && self.strange == 0
            && self.got.len() == self.sent_ms.len()
            && self.in_order()
            && held_late
    }
}

/// Both doors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LossyRace {
    /// WebTransport datagrams to `udp-lossy`.
    pub datagrams: Arrivals,
    /// WebSocket messages to `lossy`.
    pub messages: Arrivals,
}

impl LossyRace {
    /// Succeeded when each door behaved as its transport does: datagrams
    /// lost (some, not all, exactly the ones the rule picks), messages all
    /// delivered in order with the held ones late.
    pub fn outcome(&self) -> Outcome {
        let d = &self.datagrams;
        let some_lost = d.lost() > 0 && d.lost() < d.sent_ms.len();
        if some_lost && d.lost_as_predicted() && self.messages.all_in_order_held_late() {
            Outcome::Succeeded
        } else {
            Outcome::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> Vec<f64> {
        (0..MESSAGES).map(|i| f64::from(i) * 10.0).collect()
    }

    /// What `lossy` does over UDP: the lost ones never come.
    fn datagrams() -> Arrivals {
        let mut d = Arrivals {
            sent_ms: sent(),
            ..Arrivals::default()
        };
        for n in 1..=MESSAGES {
            if !is_lost(n.to_string().as_bytes()) {
                d.record(n.to_string().as_bytes(), d.sent_ms[n as usize - 1] + 1.0);
            }
        }
        d
    }

    /// What it does over TCP: a held line comes 200 ms late, the lines
    /// behind it wait for it.
    fn messages() -> Arrivals {
        let mut m = Arrivals {
            sent_ms: sent(),
            ..Arrivals::default()
        };
        let mut free_at = 0.0_f64;
        for n in 1..=MESSAGES {
            let mut at = free_at.max(m.sent_ms[n as usize - 1]) + 1.0;
            if is_lost(n.to_string().as_bytes()) {
                at += RETRANSMIT_MS as f64;
            }
            free_at = at;
            m.record(n.to_string().as_bytes(), at);
        }
        m
    }

    #[test]
    fn a_lossy_network_as_each_transport_shows_it() {
        let race = LossyRace {
            datagrams: datagrams(),
            messages: messages(),
        };
        let lost = race.datagrams.lost();
        assert!(lost > 0 && lost < MESSAGES as usize, "{lost} lost");
        assert_eq!(race.datagrams.waited(), 0);
        let held = (1..=MESSAGES)
            .find(|n| is_lost(n.to_string().as_bytes()))
            .unwrap();
        assert_eq!(race.datagrams.wait_of(held), None);
        assert!(race.messages.wait_of(held).unwrap() >= RETRANSMIT_MS as f64);
        assert_eq!(race.messages.lost(), 0);
        assert!(race.messages.waited() > lost, "the lines behind wait too");
        assert!(race.messages.longest_ms() >= RETRANSMIT_MS as f64);
        assert_eq!(race.outcome(), Outcome::Succeeded);
    }

    #[test]
    fn anything_else_is_not_what_the_lesson_shows() {
        let good = LossyRace {
            datagrams: datagrams(),
            messages: messages(),
        };
        // Nothing lost: not a lossy network.
        let mut race = good.clone();
        race.datagrams = messages();
        assert_eq!(race.outcome(), Outcome::Error);
        // Everything lost.
        race.datagrams.got.clear();
        assert_eq!(race.outcome(), Outcome::Error);
        // A datagram the rule keeps went missing.
        race = good.clone();
        let kept = race.datagrams.got.remove(0);
        assert!(!is_lost(kept.0.to_string().as_bytes()));
        assert_eq!(race.outcome(), Outcome::Error);
        // A message lost over TCP.
        race = good.clone();
        race.messages.got.pop();
        assert_eq!(race.outcome(), Outcome::Error);
        // Two messages swapped.
        race = good.clone();
        race.messages.got.swap(3, 4);
        assert_eq!(race.outcome(), Outcome::Error);
        // A held line that was not late.
        race = good.clone();
        let held = race
            .messages
            .got
            .iter()
            .position(|(n, _)| is_lost(n.to_string().as_bytes()))
            .expect("one is held");
        let n = race.messages.got[held].0;
        race.messages.got[held].1 = race.messages.sent_ms[n as usize - 1] + 2.0;
        assert_eq!(race.outcome(), Outcome::Error);
        // A reply that is no number sent.
        race = good;
        race.messages.record(b"hello", 1.0);
        assert_eq!(race.messages.strange, 1);
        assert_eq!(race.outcome(), Outcome::Error);
    }
}
