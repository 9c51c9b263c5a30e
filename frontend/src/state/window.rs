//! Which rows of a long list to put in the DOM: a list of fixed-height rows
//! renders only those the viewport shows (plus a few either side), however
//! many there are.

use std::ops::Range;

/// A scrolled viewport over rows of one fixed height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// Height of every row, CSS pixels (at least 1).
    pub row_px: u32,
    /// Height of the viewport, CSS pixels.
    pub height_px: u32,
    /// How far the list is scrolled, CSS pixels.
    pub scroll_top_px: u32,
    /// Extra rows rendered above and below, so fast scrolling shows no gap.
    pub overscan: usize,
}

impl Viewport {
    fn row(&self) -> u64 {
        u64::from(self.row_px.max(1))
    }

    /// The rows to render out of `total`.
    pub fn visible(&self, total: usize) -> Range<usize> {
        let row = self.row();
        let first = usize::try_from(u64::from(self.scroll_top_px) / row).unwrap_or(usize::MAX);
        let shown = usize::try_from(u64::from(self.height_px).div_ceil(row)).unwrap_or(0) + 1;
        let end = first
            .saturating_add(shown)
            .saturating_add(self.overscan)
            .min(total);
        let start = first.saturating_sub(self.overscan).min(end);
        start..end
    }

    /// Height of the whole list, CSS pixels.
    pub fn content_px(&self, total: usize) -> u64 {
        total as u64 * self.row()
    }

    /// The scroll offset that shows the last row at the bottom.
    pub fn bottom_px(&self, total: usize) -> u64 {
        self.content_px(total)
            .saturating_sub(u64::from(self.height_px))
    }

    /// Offset of row `index` from the top of the list, CSS pixels.
    pub fn offset_px(&self, index: usize) -> u64 {
        index as u64 * self.row()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vp(scroll_top_px: u32) -> Viewport {
        Viewport {
            row_px: 20,
            height_px: 100,
            scroll_top_px,
            overscan: 2,
        }
    }

    #[test]
    fn top_of_a_long_list() {
        assert_eq!(vp(0).visible(100_000), 0..8);
    }

    #[test]
    fn scrolled_into_the_middle() {
        // Row 5000 at the top; 6 rows fit (5 and a part), 2 either side.
        assert_eq!(vp(100_000).visible(100_000), 4_998..5_008);
        assert_eq!(vp(100_010).visible(100_000), 4_998..5_008);
    }

    #[test]
    fn at_the_bottom_and_short_lists() {
        let total = 100_000;
        let bottom = u32::try_from(vp(0).bottom_px(total)).unwrap();
        let range = vp(bottom).visible(total);
        assert_eq!(range.end, total);
        assert!(range.len() <= 10, "{range:?}");
        assert_eq!(vp(0).visible(3), 0..3);
        assert_eq!(vp(0).visible(0), 0..0);
        assert_eq!(
            vp(5_000).visible(3),
            3..3,
            "scrolled past a list that shrank"
        );
        assert_eq!(vp(0).bottom_px(3), 0);
        assert_eq!(vp(0).content_px(total), 2_000_000);
        assert_eq!(vp(0).offset_px(7), 140);
    }

    #[test]
    fn zero_row_height_does_not_divide_by_zero() {
        let v = Viewport {
            row_px: 0,
            ..vp(10)
        };
        assert!(v.visible(50).end <= 50);
    }
}
