//! Pacing: spread work over time at a set rate, without bursts after a stall.

use std::time::Duration;

use tokio::time::{sleep_until, Instant};

/// Work missed during a stall is made up only this far back, so a paused
/// load never comes back as a burst.
const MAX_CATCH_UP: Duration = Duration::from_secs(1);

/// Hands out units of work (bytes, pings, cycles) at `per_sec`.
#[derive(Debug)]
pub struct Pacer {
    per_sec: f64,
    start: Instant,
    units: f64,
}

impl Pacer {
    /// A pacer for `per_sec` units per second; 0 or less does not wait.
    pub fn new(per_sec: f64) -> Self {
        Self {
            per_sec,
            start: Instant::now(),
            units: 0.0,
        }
    }

    /// Waits until `units` more are due.
    pub async fn take(&mut self, units: f64) {
        if self.per_sec <= 0.0 {
            return;
        }
        let now = Instant::now();
        let behind = now.saturating_duration_since(self.due());
        if behind > MAX_CATCH_UP {
            // Start the schedule again from now, less the allowed catch-up.
            self.start += behind - MAX_CATCH_UP;
        }
        self.units += units;
        sleep_until(self.due()).await;
    }

    fn due(&self) -> Instant {
        self.start + Duration::from_secs_f64(self.units / self.per_sec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_and_does_not_burst_after_a_stall() {
        let mut pacer = Pacer::new(10.0);
        let start = Instant::now();
        for _ in 0..10 {
            pacer.take(1.0).await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let resumed = Instant::now();
        // At most a second's worth (10 units) comes without waiting.
        for _ in 0..20 {
            pacer.take(1.0).await;
        }
        assert!(resumed.elapsed() >= Duration::from_millis(900));
    }
}
