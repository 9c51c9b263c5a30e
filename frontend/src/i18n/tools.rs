//! Strings of the log's tools: the filter, search, export, and each
//! message's copy and resend buttons. One [`LogTools`] per language, in
//! `en.rs` and `zh.rs`.

/// The log tools' text in one language.
#[derive(Debug)]
pub struct LogTools {
    /// Accessible name of the toolbar.
    pub toolbar: &'static str,
    /// Legend of the direction checkboxes.
    pub show: &'static str,
    /// Show messages this page sent.
    pub show_sent: &'static str,
    /// Show messages the relay sent.
    pub show_received: &'static str,
    /// Show connection events.
    pub show_events: &'static str,
    /// Label of the search field.
    pub search: &'static str,
    /// Placeholder of the search field.
    pub search_placeholder: &'static str,
    /// Keyboard hint of the search field.
    pub search_hint: &'static str,
    /// The query is a regular expression.
    pub regex: &'static str,
    /// Upper and lower case differ.
    pub match_case: &'static str,
    /// Hide the entries that do not match.
    pub only_matching: &'static str,
    /// Button: the previous match.
    pub prev_match: &'static str,
    /// Button: the next match.
    pub next_match: &'static str,
    /// Shown when the filter leaves no entry.
    pub none_shown: &'static str,
    /// Button: download the entries shown as plain text.
    pub export_text: &'static str,
    /// Button: download the entries shown as JSON.
    pub export_json: &'static str,
    /// Tooltip of the export buttons.
    pub export_hint: &'static str,
    /// A message's button: copy its bytes as hex.
    pub copy_hex: &'static str,
    /// A message's button: send it again (or put it in the composer).
    pub resend: &'static str,
    /// Tooltip of Resend.
    pub resend_hint: &'static str,
    /// Why a long message cannot be resent.
    pub resend_truncated: &'static str,
    /// Resend while not connected: where the message went.
    pub resent_to_composer: &'static str,
    /// Resend while connected: confirmation.
    pub resent: &'static str,

    /// "Copied N bytes as hex".
    pub copied: fn(usize) -> String,
    /// The clipboard refused, with the browser's reason.
    pub copy_failed: fn(&str) -> String,
    /// Match count: `(current, total)`, current 1-based when one is picked.
    pub matches: fn(Option<usize>, usize) -> String,
    /// An invalid regular expression, with the browser's reason.
    pub bad_regex: fn(&str) -> String,
    /// "Exported N entries as FORMAT".
    pub exported: fn(usize, &str) -> String,
    /// The download could not be started, with the browser's reason.
    pub export_failed: fn(&str) -> String,
}

impl LogTools {
    /// Every fixed string, to check none is missing.
    #[cfg(test)]
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = LogTools from self;
            strings: toolbar, show, show_sent, show_received, show_events, search, search_placeholder, search_hint, regex, match_case, only_matching, prev_match, next_match, none_shown, export_text, export_json, export_hint, copy_hex, resend, resend_hint, resend_truncated, resent_to_composer, resent;
            other: ;
            skip: copied, copy_failed, matches, bad_regex, exported, export_failed);
        all
    }

    /// Every formatted string, with sample values, to check none is empty.
    #[cfg(test)]
    pub(super) fn formatted(&self) -> Vec<String> {
        vec![
            (self.copied)(7),
            (self.copy_failed)("x"),
            (self.matches)(None, 0),
            (self.matches)(None, 3),
            (self.matches)(Some(1), 3),
            (self.bad_regex)("x"),
            (self.exported)(3, "JSON"),
            (self.export_failed)("x"),
        ]
    }
}
