//! An append-only list whose clones are O(1): the items live in one shared
//! `Vec`, and each clone remembers how many of them it holds. A reducer that
//! copies its state on every action then copies two words, not the list.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::rc::Rc;

/// A list that only grows. Clones share the items; a clone that is pushed to
/// after a newer clone grew the list first gets its own copy, so every clone
/// keeps seeing exactly the items it had.
pub struct AppendLog<T> {
    items: Rc<RefCell<Vec<Rc<T>>>>,
    len: usize,
}

impl<T> AppendLog<T> {
    /// An empty list.
    pub fn new() -> Self {
        Self {
            items: Rc::new(RefCell::new(Vec::new())),
            len: 0,
        }
    }

    /// Appends `item`: O(1) unless this clone is stale (then O(len) once).
    pub fn push(&mut self, item: T) {
        let stale = self.items.borrow().len() != self.len;
        if stale {
            let mine = self.items.borrow()[..self.len].to_vec();
            self.items = Rc::new(RefCell::new(mine));
        }
        self.items.borrow_mut().push(Rc::new(item));
        self.len += 1;
    }

    /// How many items this clone holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<Rc<T>> {
        (index < self.len)
            .then(|| self.items.borrow().get(index).cloned())
            .flatten()
    }

    /// The newest item.
    pub fn last(&self) -> Option<Rc<T>> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The items in `range` (clipped to the list).
    pub fn slice(&self, range: Range<usize>) -> Vec<Rc<T>> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        self.items.borrow()[start..end].to_vec()
    }
}

impl<T> Default for AppendLog<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for AppendLog<T> {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
            len: self.len,
        }
    }
}

/// Two clones are equal when they hold the same items of the same list:
/// O(1), which is what Yew's property comparison needs.
impl<T> PartialEq for AppendLog<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.items, &other.items) && self.len == other.len
    }
}

impl<T> fmt::Debug for AppendLog<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppendLog({} items)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_items_and_keep_their_own_length() {
        let mut a = AppendLog::new();
        a.push(1);
        a.push(2);
        let before = a.clone();
        a.push(3);
        assert_eq!((before.len(), a.len()), (2, 3));
        assert_eq!(before.get(2), None, "an older clone never sees newer items");
        assert_eq!(a.last().as_deref(), Some(&3));
        assert_ne!(before, a);
        assert_eq!(a.clone(), a);
    }

    #[test]
    fn pushing_to_a_stale_clone_forks_it() {
        let mut newer = AppendLog::new();
        newer.push("a");
        let mut older = newer.clone();
        newer.push("b");
        older.push("c");
        fn all(log: &AppendLog<&'static str>) -> Vec<&'static str> {
            log.slice(0..log.len()).iter().map(|s| **s).collect()
        }
        assert_eq!(all(&newer), ["a", "b"]);
        assert_eq!(all(&older), ["a", "c"]);
    }

    #[test]
    fn a_hundred_thousand_pushes_with_a_clone_each_stay_linear() {
        // Like a reducer: clone the state, push, drop the old one.
        let mut log = AppendLog::new();
        for i in 0..100_000u32 {
            let mut next = log.clone();
            next.push(i);
            log = next;
        }
        assert_eq!(log.len(), 100_000);
        assert_eq!(
            log.slice(99_998..200_000)
                .iter()
                .map(|x| **x)
                .collect::<Vec<_>>(),
            [99_998, 99_999]
        );
        let (start, end) = (5, 2);
        assert!(
            log.slice(start..end).is_empty(),
            "a reversed range is empty"
        );
    }
}
