//! Strings of the composer's saved messages. One [`Saved`] per language, in
//! `en.rs` and `zh.rs`.

/// The saved messages' text in one language.
#[derive(Debug)]
pub struct Saved {
    /// Heading of the list.
    pub title: &'static str,
    /// Placeholder of the name field.
    pub name_placeholder: &'static str,
    /// The save button.
    pub save: &'static str,
    /// Tooltip of a saved message's button.
    pub use_hint: &'static str,
    /// The delete button.
    pub delete: &'static str,
    /// Shown while nothing is saved.
    pub empty: &'static str,
    /// Saving without a name.
    pub name_needed: &'static str,
}

impl Saved {
    /// Every string, to check none is missing.
    #[cfg(test)]
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Saved from self;
            strings: title, name_placeholder, save, use_hint, delete, empty, name_needed;
            other: ;
            skip: );
        all
    }
}
