//! Which rows of a long list to put in the DOM: a list of fixed-height rows
//! renders only those the viewport shows (plus a few either side), however
//! many there are; a list of rows of differing heights ([`Slice`]) does the
//! same with heights it measured or guessed, and spacers for the rest.

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

/// The part of a list of rows of differing heights to put in the DOM: the
/// rows that meet a span of the list, and the height of the rows above and
/// below them, which spacers stand in for.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// The rows to render.
    pub rows: Range<usize>,
    /// Height of the rows before them, CSS pixels.
    pub above_px: f64,
    /// Height of the rows after them, CSS pixels.
    pub below_px: f64,
}

impl Slice {
    /// The rows (`heights`, CSS pixels, top to bottom; the list's top is 0)
    /// that meet `from_px..to_px`. Past the end of the list it is empty, with
    /// every row above.
    pub fn of(heights: &[f64], from_px: f64, to_px: f64) -> Self {
        let mut top = 0.0;
        let mut first: Option<(usize, f64)> = None;
        let mut end = heights.len();
        for (i, height) in heights.iter().enumerate() {
            let bottom = top + height;
            if first.is_none() && bottom > from_px {
                first = Some((i, top));
            }
            if first.is_some() && end == heights.len() && top >= to_px {
                end = i;
            }
            top = bottom;
        }
        let total = top;
        let Some((start, above_px)) = first else {
            return Self {
                rows: heights.len()..heights.len(),
                above_px: total,
                below_px: 0.0,
            };
        };
        let end = end.max(start);
        let shown: f64 = heights[start..end].iter().sum();
        Self {
            rows: start..end,
            above_px,
            below_px: (total - above_px - shown).max(0.0),
        }
    }
}

/// The row at `y_px` from the top of a list of rows of `heights`, and the
/// offset of that row's top: the first row when `y_px` is above the list, the
/// last when below it, `None` when there are no rows.
pub fn row_at(heights: &[f64], y_px: f64) -> Option<(usize, f64)> {
    let mut top = 0.0;
    for (i, height) in heights.iter().enumerate() {
        if top + height > y_px {
            return Some((i, top));
        }
        top += height;
    }
    let last = heights.len().checked_sub(1)?;
    Some((last, top - heights[last]))
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

    #[test]
    fn a_slice_of_rows_of_differing_heights() {
        let heights = [10.0, 30.0, 20.0, 40.0, 10.0];
        // Tops: 0, 10, 40, 60, 100; the list is 110 tall.
        assert_eq!(
            Slice::of(&heights, 15.0, 65.0),
            Slice {
                rows: 1..4,
                above_px: 10.0,
                below_px: 10.0
            }
        );
        // A span that starts exactly where a row ends leaves that row out.
        assert_eq!(Slice::of(&heights, 40.0, 60.0).rows, 2..3);
        assert_eq!(
            Slice::of(&heights, -50.0, 1_000.0),
            Slice {
                rows: 0..5,
                above_px: 0.0,
                below_px: 0.0
            }
        );
        assert_eq!(
            Slice::of(&heights, 500.0, 600.0),
            Slice {
                rows: 5..5,
                above_px: 110.0,
                below_px: 0.0
            },
            "past the end"
        );
        assert_eq!(Slice::of(&[], 0.0, 100.0).rows, 0..0);
    }

    #[test]
    fn a_slice_of_a_long_list_is_short_and_its_spacers_add_up() {
        let heights: Vec<f64> = (0..500).map(|i| f64::from(40 + i % 7)).collect();
        let total: f64 = heights.iter().sum();
        let slice = Slice::of(&heights, 9_000.0, 9_600.0);
        assert!(slice.rows.len() <= 16, "{slice:?}");
        let shown: f64 = heights[slice.rows.clone()].iter().sum();
        assert_eq!(slice.above_px + shown + slice.below_px, total);
        assert!(slice.above_px <= 9_000.0 && slice.above_px + shown >= 9_600.0);
    }

    #[test]
    fn the_row_at_a_height() {
        let heights = [10.0, 30.0, 20.0];
        assert_eq!(row_at(&heights, 0.0), Some((0, 0.0)));
        assert_eq!(row_at(&heights, 10.0), Some((1, 10.0)));
        assert_eq!(row_at(&heights, 39.5), Some((1, 10.0)));
        assert_eq!(row_at(&heights, -5.0), Some((0, 0.0)));
        assert_eq!(row_at(&heights, 999.0), Some((2, 40.0)));
        assert_eq!(row_at(&[], 3.0), None);
    }
}
