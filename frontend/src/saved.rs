//! Saved messages: composer contents the visitor names, reuses and deletes,
//! kept in the browser (`localStorage`). The list logic is pure and tested on
//! the host; only [`load`] and [`store`] touch the browser.

use serde::{Deserialize, Serialize};

use crate::browser::{local_storage, stored_item};
use crate::json;
use crate::state::composer::{Eol, Mode};

/// Where the list is kept.
pub const STORAGE_KEY: &str = "playground.saved";
/// Longest name kept.
pub const MAX_NAME_CHARS: usize = 40;
/// Most messages kept; saving more drops the oldest.
pub const MAX_SAVED: usize = 50;

/// One saved message: what the composer held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedMessage {
    /// The visitor's name for it.
    pub name: String,
    /// Text or hex; stored as `text` or `hex`.
    pub mode: Mode,
    /// The line ending; stored as `none`, `lf` or `crlf`.
    pub eol: Eol,
    /// The composer's text.
    pub text: String,
}

/// The saved messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedList {
    /// The messages.
    pub items: Vec<SavedMessage>,
}

impl SavedList {
    /// Saves `message`, replacing one of the same name; `None` if the name is
    /// empty after trimming.
    pub fn save(&self, mut message: SavedMessage) -> Option<Self> {
        message.name = message.name.trim().chars().take(MAX_NAME_CHARS).collect();
        if message.name.is_empty() {
            return None;
        }
        let mut items: Vec<SavedMessage> = self
            .items
            .iter()
            .filter(|m| m.name != message.name)
            .cloned()
            .collect();
        items.push(message);
        let excess = items.len().saturating_sub(MAX_SAVED);
        items.drain(..excess);
        Some(Self { items })
    }

    /// The list without the message called `name`.
    pub fn remove(&self, name: &str) -> Self {
        Self {
            items: self
                .items
                .iter()
                .filter(|m| m.name != name)
                .cloned()
                .collect(),
        }
    }

    /// Parses what [`SavedList::to_json`] wrote; anything unreadable is an
    /// empty list (a visitor's storage is not ours to trust).
    pub fn from_json(text: &str) -> Self {
        json::from_str(text).unwrap_or_default()
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        json::to_string(self).unwrap_or_else(|_| "{\"items\":[]}".into())
    }
}

/// Reads the list from `localStorage` (empty where there is none).
pub fn load() -> SavedList {
    stored_item(STORAGE_KEY)
        .map(|json| SavedList::from_json(&json))
        .unwrap_or_default()
}

/// Writes the list to `localStorage`; a browser that refuses (private mode,
/// quota) keeps the list for this page only.
pub fn store(list: &SavedList) {
    if let Some(storage) = local_storage() {
        let _kept_in_page_only = storage.set_item(STORAGE_KEY, &list.to_json());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(name: &str, text: &str) -> SavedMessage {
        SavedMessage {
            name: name.into(),
            mode: Mode::Text,
            eol: Eol::Crlf,
            text: text.into(),
        }
    }

    #[test]
    fn save_replaces_by_name_and_keeps_order() {
        let list = SavedList::default().save(msg("a", "1")).unwrap();
        let list = list.save(msg("b", "2")).unwrap();
        let list = list.save(msg(" a ", "3")).unwrap();
        let names: Vec<_> = list
            .items
            .iter()
            .map(|m| (m.name.as_str(), m.text.as_str()))
            .collect();
        assert_eq!(names, [("b", "2"), ("a", "3")]);
        assert!(list.save(msg("   ", "x")).is_none(), "blank names refused");
    }

    #[test]
    fn remove_and_bounds() {
        let mut list = SavedList::default();
        for i in 0..MAX_SAVED + 5 {
            list = list.save(msg(&format!("m{i}"), "x")).unwrap();
        }
        assert_eq!(list.items.len(), MAX_SAVED);
        assert_eq!(list.items[0].name, "m5", "oldest dropped first");
        let list = list.remove("m6");
        assert!(list.items.iter().all(|m| m.name != "m6"));
        let long = list.save(msg(&"n".repeat(100), "x")).unwrap();
        assert_eq!(
            long.items.last().unwrap().name.chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn storage_round_trips_and_tolerates_garbage() {
        let list = SavedList::default().save(msg("ping", "PING")).unwrap();
        assert_eq!(SavedList::from_json(&list.to_json()), list);
        assert_eq!(SavedList::from_json("not json"), SavedList::default());
        assert_eq!(SavedList::from_json("{\"items\":5}"), SavedList::default());
    }

    /// Messages saved before mode and line ending were types were stored as
    /// their option values: the same strings, so they read as they were.
    #[test]
    fn messages_saved_as_strings_still_read() {
        let old = r#"{"items":[
            {"name":"resp","mode":"hex","eol":"none","text":"2a 31"},
            {"name":"get","mode":"text","eol":"lf","text":"GET /"},
            {"name":"odd","mode":"binary","eol":"cr","text":"x"}
        ]}"#;
        let list = SavedList::from_json(old);
        let read: Vec<_> = list
            .items
            .iter()
            .map(|m| (m.name.as_str(), m.mode, m.eol))
            .collect();
        assert_eq!(
            read,
            [
                ("resp", Mode::Hex, Eol::None),
                ("get", Mode::Text, Eol::Lf),
                // Values the composer never wrote: its defaults, as before.
                ("odd", Mode::Text, Eol::Crlf),
            ]
        );
        assert!(
            list.to_json().contains(r#""mode":"hex","eol":"none""#),
            "{}",
            list.to_json()
        );
    }
}
