//! The page's components, one per file, and the hook that gives them their
//! text.

pub mod composer;
pub mod header;
pub mod how_it_works;
pub mod log_view;
pub mod status;
pub mod target_picker;

pub use composer::Composer;
pub use header::Header;
pub use how_it_works::HowItWorks;
pub use log_view::LogView;
pub use status::Status;
pub use target_picker::TargetPicker;

use yew::{hook, use_context};

use crate::i18n::{Lang, Strings};

/// The strings of the language the nearest `ContextProvider<Lang>` provides
/// (English when there is none, as in a component test).
#[hook]
pub fn use_strings() -> &'static Strings {
    use_context::<Lang>().unwrap_or_default().strings()
}
