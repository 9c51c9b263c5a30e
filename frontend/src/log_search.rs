//! Searching the log with the browser's own `RegExp` (no regex engine in the
//! page's wasm): literal text is escaped into a pattern, so both kinds of
//! query take one path. Entries are matched line by line, on the text the
//! log shows (escapes such as `\r\n` included), so a match never spans two
//! lines and every match can be highlighted where it is.

use std::ops::Range;
use std::rc::Rc;

use js_sys::{Array, Function, Reflect, RegExp};
use wasm_bindgen::{JsCast, JsValue};

use crate::hex::escape_lines;
use crate::i18n::Strings;
use crate::state::log_query::LogQuery;
use crate::state::{Entry, EntryBody};

/// A compiled query. Compared by its pattern and flags.
#[derive(Debug, Clone)]
pub struct Matcher {
    re: RegExp,
    pattern: String,
    flags: &'static str,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.flags == other.flags
    }
}

/// Characters that mean something in a pattern (the ones `u` mode lets be
/// escaped).
const SYNTAX: &str = r"^$\.*+?()[]{}|/";

impl Matcher {
    /// The query's matcher; `Ok(None)` when there is nothing to search for,
    /// `Err` with the browser's words when the regular expression is invalid.
    pub fn new(query: &LogQuery) -> Result<Option<Self>, String> {
        if !query.searches() {
            return Ok(None);
        }
        let pattern = if query.regex {
            query.text.clone()
        } else {
            let mut escaped = String::with_capacity(query.text.len() * 2);
            for ch in query.text.chars() {
                if SYNTAX.contains(ch) {
                    escaped.push('\\');
                }
                escaped.push(ch);
            }
            escaped
        };
        let flags = if query.match_case { "gu" } else { "giu" };
        let re = compile(&pattern, flags)?;
        Ok(Some(Self { re, pattern, flags }))
    }

    /// True when `line` holds a match.
    pub fn is_match(&self, line: &str) -> bool {
        self.re.set_last_index(0);
        self.re.test(line)
    }

    /// Where `line` matches, as byte ranges (empty matches left out).
    pub fn ranges(&self, line: &str) -> Vec<Range<usize>> {
        self.re.set_last_index(0);
        let mut utf16: Vec<(u32, usize)> = Vec::new(); // (UTF-16 offset, byte offset)
        let mut ranges = Vec::new();
        while let Some(found) = self.re.exec(line) {
            let start = Reflect::get(&found, &"index".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0) as u32;
            let len = found
                .get(0)
                .as_string()
                .map_or(0, |m| m.encode_utf16().count()) as u32;
            if len == 0 {
                // An empty match: step past it, or exec finds it forever.
                self.re.set_last_index(self.re.last_index() + 1);
                if self.re.last_index() as usize > line.len() {
                    break;
                }
                continue;
            }
            if utf16.is_empty() {
                utf16 = utf16_offsets(line);
            }
            ranges.push(to_byte(&utf16, start)..to_byte(&utf16, start + len));
        }
        ranges
    }
}

/// `new RegExp(pattern, flags)`, with its `SyntaxError` as a message
/// (js-sys's own constructor would throw through the wasm).
fn compile(pattern: &str, flags: &str) -> Result<RegExp, String> {
    let message = |err: JsValue| {
        err.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{err:?}"))
    };
    let ctor: Function = Reflect::get(&js_sys::global(), &"RegExp".into())
        .map_err(message)?
        .dyn_into()
        .map_err(message)?;
    let args = Array::of2(&pattern.into(), &flags.into());
    Reflect::construct(&ctor, &args)
        .map(JsCast::unchecked_into)
        .map_err(message)
}

/// Every character's UTF-16 offset with its byte offset, and the end.
fn utf16_offsets(line: &str) -> Vec<(u32, usize)> {
    let mut out = Vec::with_capacity(line.len() + 1);
    let mut at = 0u32;
    for (byte, ch) in line.char_indices() {
        out.push((at, byte));
        at += ch.len_utf16() as u32;
    }
    out.push((at, line.len()));
    out
}

fn to_byte(offsets: &[(u32, usize)], utf16: u32) -> usize {
    match offsets.binary_search_by_key(&utf16, |(u, _)| *u) {
        Ok(i) => offsets[i].1,
        // Inside a surrogate pair: the start of its character.
        Err(i) => offsets[i.saturating_sub(1)].1,
    }
}

/// The lines of an entry as the log shows them and the search reads them.
pub fn entry_lines(entry: &Entry, s: &Strings) -> Vec<String> {
    match &entry.body {
        EntryBody::Out(message) | EntryBody::In(message) => escape_lines(&message.head),
        EntryBody::Sys(event) => vec![s.sys_text(event)],
    }
}

/// The log as the filter and search leave it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filtered {
    /// The entries shown, oldest first.
    pub shown: Rc<Vec<Rc<Entry>>>,
    /// The ids of the shown entries that match the search, increasing.
    pub matches: Rc<Vec<u64>>,
}

/// Applies `query` (compiled into `matcher`) to `entries`.
pub fn filter(
    entries: impl IntoIterator<Item = Rc<Entry>>,
    query: &LogQuery,
    matcher: Option<&Matcher>,
    s: &Strings,
) -> Filtered {
    let mut shown = Vec::new();
    let mut matches = Vec::new();
    for entry in entries {
        if !query.dirs.shows(&entry) {
            continue;
        }
        let Some(matcher) = matcher else {
            shown.push(entry);
            continue;
        };
        let hit = entry_lines(&entry, s).iter().any(|l| matcher.is_match(l));
        if hit {
            matches.push(entry.id);
        }
        if hit || !query.only_matching {
            shown.push(entry);
        }
    }
    Filtered {
        shown: Rc::new(shown),
        matches: Rc::new(matches),
    }
}
