//! The lesson's strings: the question, the experiments, the protocol views
//! and the comparison. One [`Lesson`] per language, in `en.rs` and `zh.rs`.
//!
//! Over 400 lines on purpose: one documented field per string, and
//! the test helper `Lesson::fixed` naming each again, so that a field left
//! out of the checks for empty strings fails to compile.

use protocol::tap::TapEvent;

use crate::state::experiments::Outcome;

/// One row of the Socket vs WebSocket table.
#[derive(Debug)]
pub struct CompareRow {
    /// What is compared.
    pub aspect: &'static str,
    /// The Socket side.
    pub socket: &'static str,
    /// The WebSocket side.
    pub websocket: &'static str,
    /// The WebTransport side.
    pub webtransport: &'static str,
    /// Text of the link to what shows it on this page.
    pub see: &'static str,
}

/// The outcome badge's words, one per [`Outcome`].
#[derive(Debug)]
pub struct OutcomeLabels {
    /// Not run yet, or running.
    pub pending: &'static str,
    /// Refused, as the lesson predicts.
    pub failed: &'static str,
    /// It worked.
    pub succeeded: &'static str,
    /// The experiment could not be carried out.
    pub error: &'static str,
}

impl OutcomeLabels {
    /// The words for `outcome`.
    pub fn of(&self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Pending => self.pending,
            Outcome::Failed => self.failed,
            Outcome::Succeeded => self.succeeded,
            Outcome::Error => self.error,
        }
    }
}

/// The lesson's text in one language.
#[derive(Debug)]
pub struct Lesson {
    /// Table-of-contents links: experiments, console, comparison.
    pub nav: [&'static str; 3],
    /// The question the page answers.
    pub question: &'static str,
    /// The answer in short, and how the page shows it.
    pub question_lead: &'static str,

    /// Heading of the experiments.
    pub exp_title: &'static str,
    /// What the experiments are.
    pub exp_intro: &'static str,
    /// Run button.
    pub run: &'static str,
    /// Run button while running.
    pub running: &'static str,
    /// The outcome badge's words.
    pub outcome: OutcomeLabels,
    /// The relay runs without the lab.
    pub lab_missing: &'static str,
    /// The recorders are on loopback and this page is on another host.
    pub lab_unreachable: &'static str,
    /// Label: what the browser reported.
    pub browser_said: &'static str,
    /// Label: the bytes as text.
    pub as_text: &'static str,
    /// Label: the bytes as hex.
    pub as_hex: &'static str,
    /// The recorder received nothing with the marker.
    pub recorder_nothing: &'static str,
    /// Marked lines are the ones to look at.
    pub highlight_note: &'static str,

    /// Experiment 1.
    pub nsa_title: &'static str,
    /// Its claim.
    pub nsa_claim: &'static str,
    /// No socket API found.
    pub nsa_none: &'static str,
    /// A socket API found.
    pub nsa_some: &'static str,
    /// What the context flags mean.
    pub nsa_note: &'static str,
    /// What this page is: secure context or not, cross-origin isolated or
    /// not, as the browser just said.
    pub nsa_context: fn(bool, bool) -> String,

    /// Experiment 2.
    pub fetch_title: &'static str,
    /// Its claim.
    pub fetch_claim: &'static str,
    /// What it shows.
    pub fetch_lesson: &'static str,

    /// Experiment 3.
    pub ws_title: &'static str,
    /// Its claim.
    pub ws_claim: &'static str,
    /// What it shows.
    pub ws_lesson: &'static str,
    /// Label: close code.
    pub close_code: &'static str,
    /// Label: close reason.
    pub close_reason: &'static str,
    /// An empty reason.
    pub empty_reason: &'static str,
    /// The socket never reported anything.
    pub timed_out: &'static str,

    /// Experiment 4.
    pub bad_title: &'static str,
    /// Its claim.
    pub bad_claim: &'static str,
    /// No bad port could be bound.
    pub bad_unavailable: &'static str,

    /// Experiment 5.
    pub relay_title: &'static str,
    /// Its claim.
    pub relay_claim: &'static str,
    /// Label: what the page sent.
    pub relay_sent: &'static str,
    /// Label: the recorder's answer.
    pub relay_reply: &'static str,
    /// Label: what the tap saw go to the recorder.
    pub relay_upstream: &'static str,
    /// The bytes arrived unchanged.
    pub relay_same: &'static str,
    /// They did not.
    pub relay_differs: &'static str,

    /// Heading of the protocol views.
    pub wire_title: &'static str,
    /// What they show.
    pub wire_intro: &'static str,
    /// The relay offers no tap.
    pub tap_off: &'static str,
    /// The tap is opening.
    pub tap_connecting: &'static str,
    /// The tap is ready.
    pub tap_ready: &'static str,

    /// Handshake viewer heading.
    pub hs_title: &'static str,
    /// What it shows.
    pub hs_intro: &'static str,
    /// Nothing yet.
    pub hs_empty: &'static str,
    /// Label: the request.
    pub hs_request: &'static str,
    /// Label: the response.
    pub hs_response: &'static str,
    /// Label: the value computed in the page.
    pub hs_computed: &'static str,
    /// Label: the value the relay sent.
    pub hs_received: &'static str,
    /// They match.
    pub hs_match: &'static str,
    /// They do not.
    pub hs_mismatch: &'static str,
    /// The response has not come.
    pub hs_waiting: &'static str,
    /// The browser offered permessage-deflate (before the offer itself).
    pub hs_deflate_offered: &'static str,
    /// The relay's answer has no extension: frames travel uncompressed.
    pub hs_deflate_declined: &'static str,
    /// The relay's answer accepted it (before the answer itself).
    pub hs_deflate_accepted: &'static str,

    /// Frame inspector heading.
    pub fr_title: &'static str,
    /// What it shows.
    pub fr_intro: &'static str,
    /// No frames yet.
    pub fr_empty: &'static str,
    /// Column heads: #, session, direction, FIN, opcode, MASK, length, header, payload.
    pub fr_cols: [&'static str; 9],
    /// Browser → relay.
    pub fr_up: &'static str,
    /// Relay → browser.
    pub fr_down: &'static str,
    /// Hint to pick a frame.
    pub fr_pick: &'static str,
    /// Label: masking key.
    pub fr_mask_key: &'static str,
    /// No masking key.
    pub fr_no_mask: &'static str,
    /// Label: payload as sent.
    pub fr_wire_payload: &'static str,
    /// Label: payload unmasked.
    pub fr_payload: &'static str,
    /// Label: header bytes.
    pub fr_header: &'static str,

    /// Side-by-side heading.
    pub sbs_title: &'static str,
    /// What it shows.
    pub sbs_intro: &'static str,
    /// The WebSocket column.
    pub sbs_ws: &'static str,
    /// The TCP column.
    pub sbs_tcp: &'static str,
    /// Nothing yet.
    pub sbs_empty: &'static str,

    /// Comparison heading.
    pub cmp_title: &'static str,
    /// What it is.
    pub cmp_intro: &'static str,
    /// Column heads: aspect, Socket, WebSocket, see it.
    pub cmp_cols: [&'static str; 5],
    /// Definition, layer, function, use cases, in a web page.
    pub cmp_rows: [CompareRow; 5],

    /// Layer diagram heading.
    pub layers_title: &'static str,
    /// What it shows.
    pub layers_intro: &'static str,
    /// Column heads: a native program, a web page.
    pub layers_cols: [&'static str; 2],
    /// Application, Socket API, WebSocket, HTTP upgrade, TCP, IP.
    pub layers: [&'static str; 6],
    /// One-line notes for the same layers.
    pub layer_notes: [&'static str; 6],

    /// The tap was lost.
    pub tap_lost: fn(&str) -> String,
    /// What a browser refused or failed on, thrown.
    pub thrown: fn(&str) -> String,
    /// `fetch()` resolved.
    pub fetch_resolved: fn(&str, u16) -> String,
    /// The recorder on `port` got `connections` connections.
    pub recorder_got: fn(u16, usize, usize) -> String,
    /// The capture is a TLS ClientHello: its server name, protocols offered,
    /// and whether it offers TLS 1.3.
    pub tls_hello: fn(Option<&str>, &[String], bool) -> String,
    /// The recorder could not be asked.
    pub recorder_unavailable: fn(&str) -> String,
    /// The bad port saw `n` connections.
    pub bad_saw: fn(u16, usize) -> String,
    /// The relay experiment could not finish.
    pub relay_problem: fn(&str) -> String,
    /// A frame's length and how it was encoded.
    pub fr_len: fn(u64, u8) -> String,
    /// A close frame's code and reason.
    pub fr_close: fn(u16, &str) -> String,
    /// How many frames.
    pub fr_count: fn(usize) -> String,
    /// Detail heading for frame `n`.
    pub fr_detail: fn(u64) -> String,
    /// A session, with its target.
    pub session_label: fn(u32, Option<&str>) -> String,
    /// A tap event in words.
    pub tap_event: fn(&TapEvent) -> String,
    /// Records the relay dropped.
    pub dropped: fn(u64) -> String,
    /// A TCP chunk of `n` bytes.
    pub tcp_chunk: fn(usize, bool) -> String,
}

impl Lesson {
    /// Every fixed string, to check none is missing.
    #[cfg(test)]
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Lesson from self;
            strings: question, question_lead, exp_title, exp_intro, run, running, lab_missing, lab_unreachable, browser_said, as_text, as_hex, recorder_nothing, highlight_note, nsa_title, nsa_claim, nsa_none, nsa_some, nsa_note, fetch_title, fetch_claim, fetch_lesson, ws_title, ws_claim, ws_lesson, close_code, close_reason, empty_reason, timed_out, bad_title, bad_claim, bad_unavailable, relay_title, relay_claim, relay_sent, relay_reply, relay_upstream, relay_same, relay_differs, wire_title, wire_intro, tap_off, tap_connecting, tap_ready, hs_title, hs_intro, hs_empty, hs_request, hs_response, hs_computed, hs_received, hs_match, hs_mismatch, hs_waiting, hs_deflate_offered, hs_deflate_declined, hs_deflate_accepted, fr_title, fr_intro, fr_empty, fr_up, fr_down, fr_pick, fr_mask_key, fr_no_mask, fr_wire_payload, fr_payload, fr_header, sbs_title, sbs_intro, sbs_ws, sbs_tcp, sbs_empty, cmp_title, cmp_intro, layers_title, layers_intro;
            other: nav, outcome, fr_cols, cmp_cols, cmp_rows, layers_cols, layers, layer_notes;
            skip: tap_lost, nsa_context, thrown, fetch_resolved, recorder_got, tls_hello, recorder_unavailable, bad_saw, relay_problem, fr_len, fr_close, fr_count, fr_detail, session_label, tap_event, dropped, tcp_chunk);
        all.extend(Outcome::ALL.map(|o| outcome.of(o)));
        all.extend(nav.iter().chain(fr_cols).chain(cmp_cols));
        all.extend(layers_cols.iter().chain(layers).chain(layer_notes));
        for row in cmp_rows {
            all.extend([
                row.aspect,
                row.socket,
                row.websocket,
                row.webtransport,
                row.see,
            ]);
        }
        all
    }
}
