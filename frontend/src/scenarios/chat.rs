//! The chat panel's state: the room's lines as they arrive, who we are, and
//! the exact bytes of the last line each way.

use std::rc::Rc;

use protocol::scenarios::chat::{parse_server_line, ServerLine};
use protocol::scenarios::LINE_END;
use yew::Reducible;

use crate::state::append_log::AppendLog;

/// How an entry is shown (`data-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// Someone said something.
    Msg,
    /// The room's own notices: joins, leaves, renames, `/who`.
    Notice,
    /// `! reason`, or a line that is not chat.
    Error,
}

impl ChatKind {
    /// The `data-kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Msg => "msg",
            Self::Notice => "notice",
            Self::Error => "error",
        }
    }
}

/// One entry of the message list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatEntry {
    /// How it is shown.
    pub kind: ChatKind,
    /// Who said it, for messages.
    pub from: Option<String>,
    /// The text (without `* ` or `! ` for notices and errors).
    pub text: String,
}

/// What the chat panel received and sent.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatAction {
    /// A whole line from the room (without its line ending).
    Received(String),
    /// A line the page sent (without its line ending).
    Sent(String),
    /// A new connection: empty room, no name yet.
    Reset,
}

/// The chat panel's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chat {
    /// Every line, oldest first.
    pub log: AppendLog<ChatEntry>,
    /// Our nick, once the room said it.
    pub me: Option<String>,
    /// The last line sent, as the bytes that went out (`\r\n` included).
    pub last_sent: Option<String>,
    /// The last line received, as it arrived (`\r\n` included).
    pub last_received: Option<String>,
}

/// The entry a server line becomes.
pub fn entry_for(line: &str) -> ChatEntry {
    let notice = |text: String| ChatEntry {
        kind: ChatKind::Notice,
        from: None,
        text,
    };
    match parse_server_line(line) {
        Ok(ServerLine::Message { from, text }) => ChatEntry {
            kind: ChatKind::Msg,
            from: Some(from),
            text,
        },
        Ok(ServerLine::Error(reason)) => ChatEntry {
            kind: ChatKind::Error,
            from: None,
            text: reason,
        },
        Ok(other) => notice(other.to_string().trim_start_matches("* ").to_owned()),
        Err(_) => ChatEntry {
            kind: ChatKind::Error,
            from: None,
            text: line.to_owned(),
        },
    }
}

impl Chat {
    /// Applies one action.
    pub fn apply(&mut self, action: ChatAction) {
        match action {
            ChatAction::Received(line) => {
                match parse_server_line(&line) {
                    Ok(ServerLine::Welcome { name }) => self.me = Some(name),
                    Ok(ServerLine::Renamed { old, new }) if self.me.as_ref() == Some(&old) => {
                        self.me = Some(new)
                    }
                    _ => {}
                }
                self.log.push(entry_for(&line));
                self.last_received = Some(format!("{line}{LINE_END}"));
            }
            ChatAction::Sent(line) => self.last_sent = Some(format!("{line}{LINE_END}")),
            ChatAction::Reset => *self = Self::default(),
        }
    }
}

impl Reducible for Chat {
    type Action = ChatAction;

    fn reduce(self: Rc<Self>, action: ChatAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(chat: &Chat) -> Vec<&'static str> {
        chat.log
            .slice(0..chat.log.len())
            .iter()
            .map(|e| e.kind.as_str())
            .collect()
    }

    #[test]
    fn lines_become_entries_and_the_nick_follows_renames() {
        let mut chat = Chat::default();
        for line in [
            "* welcome, you are guest-4. /nick NAME, /who, /quit",
            "* guest-4 is now ada",
            "<bob> hi ada",
            "! nick bob is taken",
            "garbage",
            "* bob is now bobby",
        ] {
            chat.apply(ChatAction::Received(line.into()));
        }
        assert_eq!(chat.me.as_deref(), Some("ada"));
        assert_eq!(
            kinds(&chat),
            ["notice", "notice", "msg", "error", "error", "notice"]
        );
        let msg = chat.log.get(2).unwrap();
        assert_eq!(msg.from.as_deref(), Some("bob"));
        assert_eq!(msg.text, "hi ada");
        assert_eq!(chat.log.get(1).unwrap().text, "guest-4 is now ada");
        assert_eq!(chat.log.get(3).unwrap().text, "nick bob is taken");
        assert_eq!(
            chat.last_received.as_deref(),
            Some("* bob is now bobby\r\n")
        );
    }

    #[test]
    fn sent_lines_keep_their_crlf_and_reset_forgets_all() {
        let mut chat = Chat::default();
        chat.apply(ChatAction::Sent("hello".into()));
        assert_eq!(chat.last_sent.as_deref(), Some("hello\r\n"));
        chat.apply(ChatAction::Received("<a> b".into()));
        chat.apply(ChatAction::Reset);
        assert!(chat.log.is_empty());
        assert_eq!(
            (chat.me, chat.last_sent, chat.last_received),
            (None, None, None)
        );
    }

    #[test]
    fn a_long_room_stays_cheap_to_copy() {
        let mut chat = Chat::default();
        for i in 0..100_000 {
            chat.apply(ChatAction::Received(format!("<bob> line {i}")));
        }
        let copy = chat.clone();
        assert_eq!(copy.log.len(), 100_000);
        assert_eq!(copy.log.last().unwrap().text, "line 99999");
    }
}
