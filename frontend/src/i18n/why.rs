//! Strings of the experiments that show why a page gets WebSocket and not a
//! socket: consent, masking and the browser's other doors. One [`Why`] per
//! language, in `en.rs` and `zh.rs`.

use crate::state::why::AddressSpace;

/// The why-experiments' text in one language.
#[derive(Debug)]
pub struct Why {
    /// Heading of the consent experiment.
    pub consent_title: &'static str,
    /// What it claims: WebSocket has no same-origin policy; the server decides.
    pub consent_claim: &'static str,
    /// The page is not on a loopback name, so there is no other name to try.
    pub consent_unavailable: &'static str,
    /// Heading: the relay's side, from the page's own tap.
    pub consent_relay_said: &'static str,
    /// Label: the Origin the relay saw.
    pub consent_origin: &'static str,
    /// Label: the status it answered.
    pub consent_status: &'static str,
    /// Label: why.
    pub consent_message: &'static str,
    /// The relay said nothing on the tap.
    pub consent_silent: &'static str,
    /// Why the relay's word reaches only this page.
    pub consent_tap_note: &'static str,
    /// Cross-site WebSocket hijacking, in two sentences.
    pub consent_hijack: &'static str,
    /// DNS rebinding, and the relay's Host check.
    pub consent_rebinding: &'static str,

    /// Heading of the masking experiment.
    pub mask_title: &'static str,
    /// What it claims.
    pub mask_claim: &'static str,
    /// Label of the request field.
    pub mask_input: &'static str,
    /// Heading: the wire bytes a proxy would see.
    pub mask_wire: &'static str,
    /// Label: the mask key.
    pub mask_key: &'static str,
    /// The request line is nowhere in the wire bytes.
    pub mask_hidden: &'static str,
    /// The request line is readable in the wire bytes.
    pub mask_visible: &'static str,
    /// Heading: what the service received.
    pub mask_service: &'static str,
    /// The service got exactly what was typed.
    pub mask_same: &'static str,
    /// It got something else.
    pub mask_differs: &'static str,
    /// The cache-poisoning attack that made masking mandatory.
    pub mask_lesson: &'static str,
    /// Why the experiment could not be completed.
    pub mask_problem: fn(&str) -> String,

    /// Heading of the census of doors.
    pub doors_title: &'static str,
    /// What it claims.
    pub doors_claim: &'static str,
    /// The API exists in this page.
    pub present: &'static str,
    /// It does not.
    pub absent: &'static str,
    /// Direct Sockets (TCPSocket, UDPSocket).
    pub door_direct: &'static str,
    /// WebTransport.
    pub door_webtransport: &'static str,
    /// WebSocketStream.
    pub door_wss: &'static str,
    /// Local Network Access.
    pub door_lna: &'static str,
    /// `ws://` from an `https:` page: refused before a byte leaves.
    pub door_mixed: &'static str,
    /// The browser refused it (before the error's text).
    pub refused: &'static str,
    /// The browser let it open (it should not have).
    pub not_refused: &'static str,
    /// Where this page is, as Local Network Access sees it.
    pub lna_here: fn(AddressSpace) -> String,
    /// No door is a raw socket.
    pub doors_none: &'static str,
    /// Direct Sockets are here: an Isolated Web App.
    pub doors_some: &'static str,
}

impl Why {
    /// Every string, to check none is missing.
    #[cfg(test)]
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Why from self;
            strings: consent_title, consent_claim, consent_unavailable, consent_relay_said, consent_origin, consent_status, consent_message, consent_silent, consent_tap_note, consent_hijack, consent_rebinding, mask_title, mask_claim, mask_input, mask_wire, mask_key, mask_hidden, mask_visible, mask_service, mask_same, mask_differs, mask_lesson, doors_title, doors_claim, present, absent, door_direct, door_webtransport, door_wss, door_lna, door_mixed, refused, not_refused, doors_none, doors_some;
            other: ;
            skip: mask_problem, lna_here);
        all
    }

    /// Every formatted string, with sample values.
    #[cfg(test)]
    pub(super) fn formatted(&self) -> Vec<String> {
        vec![
            (self.mask_problem)("x"),
            (self.lna_here)(AddressSpace::Loopback),
            (self.lna_here)(AddressSpace::Private),
            (self.lna_here)(AddressSpace::Public),
        ]
    }
}
