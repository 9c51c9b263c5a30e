//! Messages and bytes each way on one scenario's WebSocket, and the rates
//! over the last second.

use std::rc::Rc;

use yew::Reducible;

/// What happened on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficAction {
    /// A message arrived that took `wire_bytes` (frame header included).
    In {
        /// Header plus payload.
        wire_bytes: u64,
    },
    /// A message left that took `wire_bytes`.
    Out {
        /// Header, mask and payload.
        wire_bytes: u64,
    },
    /// A second passed: recompute the rates.
    Tick {
        /// Now, in milliseconds.
        at_ms: u64,
    },
    /// A new connection starts from zero.
    Reset,
}

/// Totals since the connection started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Messages received.
    pub in_msgs: u64,
    /// Messages sent.
    pub out_msgs: u64,
    /// Bytes received.
    pub in_bytes: u64,
    /// Bytes sent.
    pub out_bytes: u64,
}

/// Per-second rates between the last two ticks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Messages per second received.
    pub in_mps: f64,
    /// Messages per second sent.
    pub out_mps: f64,
    /// Bytes per second received.
    pub in_bps: f64,
    /// Bytes per second sent.
    pub out_bps: f64,
}

/// The traffic meter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Traffic {
    /// Totals so far.
    pub totals: Totals,
    /// Rates over the last tick interval.
    pub rates: Rates,
    last_tick: Option<(u64, Totals)>,
}

/// `delta` per second over `elapsed_ms` (0 when no time passed).
pub fn per_second(delta: u64, elapsed_ms: u64) -> f64 {
    if elapsed_ms == 0 {
        return 0.0;
    }
    delta as f64 * 1000.0 / elapsed_ms as f64
}

impl Traffic {
    /// Applies one action.
    pub fn apply(&mut self, action: TrafficAction) {
        match action {
            TrafficAction::In { wire_bytes } => {
                self.totals.in_msgs += 1;
                self.totals.in_bytes += wire_bytes;
            }
            TrafficAction::Out { wire_bytes } => {
                self.totals.out_msgs += 1;
                self.totals.out_bytes += wire_bytes;
            }
            TrafficAction::Tick { at_ms } => {
                if let Some((then, before)) = self.last_tick {
                    let elapsed = at_ms.saturating_sub(then);
                    let now = self.totals;
                    self.rates = Rates {
                        in_mps: per_second(now.in_msgs - before.in_msgs, elapsed),
                        out_mps: per_second(now.out_msgs - before.out_msgs, elapsed),
                        in_bps: per_second(now.in_bytes - before.in_bytes, elapsed),
                        out_bps: per_second(now.out_bytes - before.out_bytes, elapsed),
                    };
                }
                self.last_tick = Some((at_ms, self.totals));
            }
            TrafficAction::Reset => *self = Self::default(),
        }
    }
}

impl Reducible for Traffic {
    type Action = TrafficAction;

    fn reduce(self: Rc<Self>, action: TrafficAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_the_change_since_the_last_tick() {
        let mut t = Traffic::default();
        t.apply(TrafficAction::Tick { at_ms: 1_000 });
        for _ in 0..5 {
            t.apply(TrafficAction::In { wire_bytes: 42 });
        }
        t.apply(TrafficAction::Out { wire_bytes: 10 });
        assert_eq!(t.rates, Rates::default(), "no rate before the second tick");
        t.apply(TrafficAction::Tick { at_ms: 2_000 });
        assert_eq!(
            t.rates,
            Rates {
                in_mps: 5.0,
                out_mps: 1.0,
                in_bps: 210.0,
                out_bps: 10.0
            }
        );
        // A slow tick (2 s) halves the rate; a quiet second reads zero.
        t.apply(TrafficAction::In { wire_bytes: 100 });
        t.apply(TrafficAction::Tick { at_ms: 4_000 });
        assert_eq!(t.rates.in_mps, 0.5);
        assert_eq!(t.rates.in_bps, 50.0);
        t.apply(TrafficAction::Tick { at_ms: 5_000 });
        assert_eq!(t.rates.in_mps, 0.0);
        assert_eq!(t.totals.in_msgs, 6);
        assert_eq!(t.totals.in_bytes, 310);
        t.apply(TrafficAction::Reset);
        assert_eq!(t, Traffic::default());
    }

    #[test]
    fn no_time_no_rate() {
        assert_eq!(per_second(10, 0), 0.0);
        assert_eq!(per_second(3, 500), 6.0);
    }
}
