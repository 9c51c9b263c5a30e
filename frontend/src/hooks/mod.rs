//! The page's hooks, one concern each: the language, the relay's lab (a
//! context), the wire tap, the target list (and its refresh when the visitor
//! comes back to the tab) and the session's WebSocket.
//! Components call them; the state they keep is in `crate::state`.

pub mod lab;
pub mod lang;
pub mod session;
pub mod session_socket;
pub mod target_refresh;
pub mod wire_tap;

pub use lab::{use_lab, LabProvider};
pub use lang::use_lang;
pub use session::{use_session, SessionHandle};
pub use session_socket::{use_session_socket, SessionSocket};
pub use target_refresh::use_target_refresh;
pub use wire_tap::use_wire_tap;
