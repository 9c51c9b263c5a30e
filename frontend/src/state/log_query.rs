//! What the visitor asks of the log: which directions to show, and a text or
//! regular expression to search for. Pure data; the matching itself is done
//! by the browser's `RegExp` (`crate::log_search`).

use super::{Entry, EntryBody};

/// Which kinds of entry the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directions {
    /// Messages this page sent.
    pub sent: bool,
    /// Messages the relay sent.
    pub received: bool,
    /// Connection events.
    pub events: bool,
}

impl Default for Directions {
    fn default() -> Self {
        Self {
            sent: true,
            received: true,
            events: true,
        }
    }
}

impl Directions {
    /// True when entries like `entry` are shown.
    pub fn shows(&self, entry: &Entry) -> bool {
        match entry.body {
            EntryBody::Out(_) => self.sent,
            EntryBody::In(_) => self.received,
            EntryBody::Sys(_) => self.events,
        }
    }
}

/// The log's filter and search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogQuery {
    /// Which directions are shown.
    pub dirs: Directions,
    /// What to search for; empty searches for nothing.
    pub text: String,
    /// `text` is a regular expression (JavaScript syntax), not literal text.
    pub regex: bool,
    /// Upper and lower case differ.
    pub match_case: bool,
    /// Hide the entries that do not match (otherwise matches are only
    /// highlighted).
    pub only_matching: bool,
}

impl LogQuery {
    /// True when there is something to search for.
    pub fn searches(&self) -> bool {
        !self.text.is_empty()
    }
}

/// The match after `current` among `matches` (entry ids, increasing), or
/// the first; wraps around. `None` when there is no match.
pub fn next_match(matches: &[u64], current: Option<u64>) -> Option<u64> {
    let after = current.and_then(|c| matches.iter().copied().find(|&id| id > c));
    after.or_else(|| matches.first().copied())
}

/// The match before `current` among `matches`, or the last; wraps around.
pub fn prev_match(matches: &[u64], current: Option<u64>) -> Option<u64> {
    let before = current.and_then(|c| matches.iter().rev().copied().find(|&id| id < c));
    before.or_else(|| matches.last().copied())
}

/// The 1-based position of `current` among `matches`, if it is one.
pub fn position(matches: &[u64], current: Option<u64>) -> Option<usize> {
    let current = current?;
    matches.binary_search(&current).ok().map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_wrap_around() {
        let ids = [3, 7, 9];
        assert_eq!(next_match(&ids, None), Some(3));
        assert_eq!(next_match(&ids, Some(3)), Some(7));
        assert_eq!(next_match(&ids, Some(9)), Some(3));
        // An entry that stopped matching: the next one after where it was.
        assert_eq!(next_match(&ids, Some(8)), Some(9));
        assert_eq!(prev_match(&ids, None), Some(9));
        assert_eq!(prev_match(&ids, Some(3)), Some(9));
        assert_eq!(prev_match(&ids, Some(8)), Some(7));
        assert_eq!(next_match(&[], Some(1)), None);
        assert_eq!(position(&ids, Some(7)), Some(2));
        assert_eq!(position(&ids, Some(8)), None);
    }
}
