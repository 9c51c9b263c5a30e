//! The scenarios' strings: chat, live quotes, game and remote control. One
//! [`Scenarios`] per language, in `en.rs` and `zh.rs`.

/// The scenarios' text in one language.
#[derive(Debug)]
pub struct Scenarios {
    /// Table-of-contents link.
    pub nav: &'static str,
    /// Heading of the section.
    pub title: &'static str,
    /// What the section shows.
    pub intro: &'static str,

    /// Start button.
    pub start: &'static str,
    /// Stop button.
    pub stop: &'static str,
    /// Link status: not started.
    pub idle: &'static str,
    /// Link status: handshake under way.
    pub connecting: &'static str,
    /// Link status: open.
    pub open: &'static str,
    /// Link status: closed, with the code and reason.
    pub closed: fn(u16, &str) -> String,
    /// Link status: the browser refused to open the socket.
    pub failed: fn(&str) -> String,
    /// Traffic heading: received.
    pub traffic_in: &'static str,
    /// Traffic heading: sent.
    pub traffic_out: &'static str,
    /// Unit: messages per second.
    pub per_second_msgs: &'static str,
    /// Unit: bytes per second.
    pub per_second_bytes: &'static str,

    /// Chat heading.
    pub chat_title: &'static str,
    /// What the chat shows.
    pub chat_claim: &'static str,
    /// Nickname label.
    pub chat_nick: &'static str,
    /// Nickname button.
    pub chat_nick_set: &'static str,
    /// Message placeholder.
    pub chat_placeholder: &'static str,
    /// Send button.
    pub chat_send: &'static str,
    /// Label of the message list.
    pub chat_log: &'static str,
    /// Who we are in the room.
    pub chat_you_are: fn(&str) -> String,
    /// Heading of the bytes note.
    pub chat_bytes_title: &'static str,
    /// Label: last line sent.
    pub chat_last_sent: &'static str,
    /// Label: last line received.
    pub chat_last_received: &'static str,
    /// Nothing yet.
    pub none_yet: &'static str,
    /// A terminal sees the same bytes.
    pub chat_nc_note: &'static str,

    /// Quotes heading.
    pub quotes_title: &'static str,
    /// What the quotes show.
    pub quotes_claim: &'static str,
    /// Label of the symbol picker.
    pub quotes_symbol: &'static str,
    /// Chart legend: the pushed line.
    pub quotes_ws: &'static str,
    /// Chart legend: the polled line.
    pub quotes_poll: &'static str,
    /// Table column: the measurement.
    pub quotes_measure: &'static str,
    /// Row: updates received.
    pub quotes_updates: &'static str,
    /// Row: bytes on the wire per update.
    pub quotes_bytes: &'static str,
    /// Row: delay from publication to display.
    pub quotes_delay: &'static str,
    /// How the numbers are measured.
    pub quotes_method: &'static str,
    /// The chart waits for quotes.
    pub quotes_waiting: &'static str,
    /// A poll failed.
    pub quotes_poll_failed: fn(&str) -> String,

    /// Game heading.
    pub game_title: &'static str,
    /// What the game shows.
    pub game_claim: &'static str,
    /// Move buttons' names: up, down, left, right.
    pub game_moves: [&'static str; 4],
    /// Keyboard hint.
    pub game_keys: &'static str,
    /// Scoreboard heading.
    pub game_scores: &'static str,
    /// Label of the round trip.
    pub game_rtt: &'static str,
    /// Marks our own player.
    pub game_you: &'static str,
    /// Label of the arena.
    pub game_arena: &'static str,

    /// Lamp heading.
    pub lamp_title: &'static str,
    /// What the lamp shows.
    pub lamp_claim: &'static str,
    /// On button.
    pub lamp_on: &'static str,
    /// Off button.
    pub lamp_off: &'static str,
    /// Brightness slider.
    pub lamp_brightness: &'static str,
    /// Colour picker.
    pub lamp_color: &'static str,
    /// Label of the lamp drawing.
    pub lamp_label: &'static str,
    /// The lamp as text: power, brightness, colour.
    pub lamp_state: fn(bool, u8, &str) -> String,
    /// A terminal can change it too.
    pub lamp_nc_note: &'static str,
}

impl Scenarios {
    /// Every fixed string, to check none is missing. Destructured so a new
    /// field cannot be forgotten here.
    #[cfg(test)]
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Scenarios from self;
            strings: nav, title, intro, start, stop, idle, connecting, open, traffic_in, traffic_out, per_second_msgs, per_second_bytes, chat_title, chat_claim, chat_nick, chat_nick_set, chat_placeholder, chat_send, chat_log, chat_bytes_title, chat_last_sent, chat_last_received, none_yet, chat_nc_note, quotes_title, quotes_claim, quotes_symbol, quotes_ws, quotes_poll, quotes_measure, quotes_updates, quotes_bytes, quotes_delay, quotes_method, quotes_waiting, game_title, game_claim, game_keys, game_scores, game_rtt, game_you, game_arena, lamp_title, lamp_claim, lamp_on, lamp_off, lamp_brightness, lamp_color, lamp_label, lamp_nc_note;
            other: game_moves;
            skip: closed, failed, chat_you_are, quotes_poll_failed, lamp_state);
        all.extend(game_moves);
        all
    }

    /// Every formatted string, with sample values.
    #[cfg(test)]
    pub(super) fn formatted(&self) -> Vec<String> {
        vec![
            (self.closed)(1000, ""),
            (self.closed)(1011, "upstream refused"),
            (self.failed)("x"),
            (self.chat_you_are)("ada"),
            (self.quotes_poll_failed)("x"),
            (self.lamp_state)(true, 80, "#ffcc00"),
        ]
    }
}
