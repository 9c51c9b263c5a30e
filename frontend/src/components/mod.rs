//! The page's components, one per file, and the hook that gives them their
//! text.

pub mod byte_dump;
pub mod comparison;
pub mod composer;
pub mod console;
pub mod datagrams;
pub mod deferred;
pub mod experiments;
pub mod frame_inspector;
pub mod handshake;
pub mod header;
pub mod how_it_works;
pub mod log_entry;
pub mod log_panel;
pub mod log_tools;
pub mod log_view;
pub mod question;
pub mod saved_messages;
pub mod scenarios;
pub mod side_by_side;
pub mod status;
pub mod target_picker;
pub mod token_field;
pub mod virtual_list;

pub use comparison::{Comparison, Layers};
pub use composer::Composer;
pub use console::Console;
pub use datagrams::DatagramPanel;
pub use deferred::Deferred;
pub use frame_inspector::FrameInspector;
pub use handshake::HandshakeView;
pub use header::Header;
pub use how_it_works::HowItWorks;
pub use log_panel::LogPanel;
pub use log_view::LogView;
pub use question::Question;
pub use scenarios::Scenarios;
pub use side_by_side::SideBySide;
pub use status::Status;
pub use target_picker::TargetPicker;
pub use token_field::TokenField;

use yew::{hook, use_context};

use crate::i18n::{Lang, Strings};

/// The strings of the language the nearest `ContextProvider<Lang>` provides
/// (English when there is none, as in a component test).
#[hook]
pub fn use_strings() -> &'static Strings {
    use_context::<Lang>().unwrap_or_default().strings()
}
