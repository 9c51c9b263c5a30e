//! Frame times from `requestAnimationFrame` timestamps: percentiles of the
//! gaps between frames and the share of display refreshes that got no frame.

use serde::{Deserialize, Serialize};

use crate::stats::percentile;

/// A display refreshing at 60 Hz: one frame every 16.7 ms, which headless
/// Chromium also paces `requestAnimationFrame` at.
pub const REFRESH_MS: f64 = 1000.0 / 60.0;

/// What the frames of one window looked like.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FrameStats {
    /// Frames drawn.
    pub frames: usize,
    /// Median gap between frames, ms (16.7 when smooth).
    pub p50_ms: f64,
    /// 95th percentile gap, ms.
    pub p95_ms: f64,
    /// 99th percentile gap, ms.
    pub p99_ms: f64,
    /// Longest gap, ms.
    pub max_ms: f64,
    /// Refreshes that showed no new frame, as a share of all refreshes in
    /// the window (0: every refresh got a frame).
    pub dropped_share: f64,
}

impl FrameStats {
    /// Stats of the gaps between consecutive `timestamps` (ms, ascending);
    /// `None` with fewer than two frames.
    pub fn of(timestamps: &[f64]) -> Option<Self> {
        let mut gaps: Vec<f64> = timestamps.windows(2).map(|w| w[1] - w[0]).collect();
        if gaps.is_empty() {
            return None;
        }
        // A gap of n refreshes is one frame and n - 1 refreshes without one.
        let slots = |gap: f64| (gap / REFRESH_MS).round().max(1.0);
        let refreshes: f64 = gaps.iter().map(|g| slots(*g)).sum();
        let dropped: f64 = gaps.iter().map(|g| slots(*g) - 1.0).sum();
        gaps.sort_by(f64::total_cmp);
        Some(Self {
            frames: gaps.len(),
            p50_ms: percentile(&gaps, 0.50)?,
            p95_ms: percentile(&gaps, 0.95)?,
            p99_ms: percentile(&gaps, 0.99)?,
            max_ms: *gaps.last()?,
            dropped_share: dropped / refreshes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smooth_second_drops_nothing() {
        let times: Vec<f64> = (0..=60).map(|i| f64::from(i) * REFRESH_MS).collect();
        let stats = FrameStats::of(&times).unwrap();
        assert_eq!(stats.frames, 60);
        assert!((stats.p50_ms - REFRESH_MS).abs() < 1e-9);
        assert!((stats.max_ms - REFRESH_MS).abs() < 1e-9);
        assert_eq!(stats.dropped_share, 0.0);
    }

    #[test]
    fn a_long_frame_counts_the_refreshes_it_missed() {
        // Ten smooth frames, then one that took four refreshes.
        let mut times: Vec<f64> = (0..=10).map(|i| f64::from(i) * REFRESH_MS).collect();
        times.push(14.0 * REFRESH_MS);
        let stats = FrameStats::of(&times).unwrap();
        assert_eq!(stats.frames, 11);
        assert!((stats.max_ms - 4.0 * REFRESH_MS).abs() < 1e-9);
        // 14 refreshes, 3 of them without a frame.
        assert!((stats.dropped_share - 3.0 / 14.0).abs() < 1e-9);
        assert!((stats.p50_ms - REFRESH_MS).abs() < 1e-9);
    }

    #[test]
    fn too_few_frames_have_no_stats() {
        assert_eq!(FrameStats::of(&[]), None);
        assert_eq!(FrameStats::of(&[5.0]), None);
    }
}
