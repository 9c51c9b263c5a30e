//! Live quotes: the quotes service pushes a line per price change, and the same
//! quotes can be polled over HTTP, so the page can compare the two.
//!
//! Server lines (the quotes service takes no commands):
//!
//! ```text
//! QUOTE 1042 ACME 101.37 1718000000123
//! ! you missed 12 messages
//! ```
//!
//! `GET /api/quotes?since=1040` answers a [`QuoteBatch`] in JSON.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{parse_number, ParseError};

/// The symbols the relay's market quotes, in display order.
pub const SYMBOLS: &[&str] = &["ACME", "GLOBEX", "INITECH", "UMBRELLA"];

/// `GET` this path (with `?since=SEQ`) for a [`QuoteBatch`].
pub const QUOTES_PATH: &str = "/api/quotes";

/// Quotes the relay keeps for polling clients.
pub const QUOTE_HISTORY: usize = 256;

/// One price change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Market-wide sequence number, from 1, one per quote.
    pub seq: u64,
    /// Which stock.
    pub symbol: String,
    /// The new price in cents (hundredths), exact.
    pub price_cents: u64,
    /// When the market published it, in milliseconds since the Unix epoch.
    pub published_ms: u64,
}

impl Quote {
    /// The price as a number, for charts.
    pub fn price(&self) -> f64 {
        self.price_cents as f64 / 100.0
    }
}

/// `QUOTE <seq> <symbol> <price> <published_ms>`, the price with 2 decimals.
impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "QUOTE {} {} {} {}",
            self.seq,
            self.symbol,
            format_price(self.price_cents),
            self.published_ms
        )
    }
}

/// The body of `GET /api/quotes?since=SEQ`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteBatch {
    /// Quotes with `seq > since` still in the history, oldest first. When the
    /// first one's `seq` is above `since + 1`, the ones between are gone.
    pub quotes: Vec<Quote>,
    /// The newest `seq` published so far (0 before the first): the `since`
    /// to ask with next time.
    pub latest_seq: u64,
}

/// The query string of `GET /api/quotes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotesQuery {
    /// Return quotes after this sequence number (0: everything kept).
    #[serde(default)]
    pub since: u64,
}

/// The URL path and query to poll for quotes after `since`.
pub fn quotes_url(since: u64) -> String {
    format!("{QUOTES_PATH}?since={since}")
}

/// `12345` cents as `123.45`.
pub fn format_price(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// `123.45` as `12345` cents; exactly two decimals, no sign.
pub fn parse_price(text: &str) -> Option<u64> {
    let (units, cents) = text.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(units) || cents.len() != 2 || !digits(cents) {
        return None;
    }
    units
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents.parse().ok()?)
}

/// One line the quotes service sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLine {
    /// A price change.
    Quote(Quote),
    /// Something went wrong for this client (`! reason`), e.g. it fell behind.
    Error(String),
}

impl fmt::Display for ServerLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Quote(quote) => quote.fmt(f),
            Self::Error(reason) => write!(f, "! {reason}"),
        }
    }
}

/// Parses one line the quotes service sent (without its line ending).
pub fn parse_server_line(line: &str) -> Result<ServerLine, ParseError> {
    if let Some(reason) = line.strip_prefix("! ") {
        return Ok(ServerLine::Error(reason.to_owned()));
    }
    let bad = || ParseError::new("quote", line);
    let fields: Vec<&str> = line.split(' ').collect();
    let ["QUOTE", seq, symbol, price, published_ms] = fields[..] else {
        return Err(bad());
    };
    let symbol_ok = (1..=12).contains(&symbol.len())
        && symbol
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
    if !symbol_ok {
        return Err(bad());
    }
    Ok(ServerLine::Quote(Quote {
        seq: parse_number(seq).ok_or_else(bad)?,
        symbol: symbol.to_owned(),
        price_cents: parse_price(price).ok_or_else(bad)?,
        published_ms: parse_number(published_ms).ok_or_else(bad)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Quote {
        Quote {
            seq: 1042,
            symbol: "ACME".into(),
            price_cents: 10_107,
            published_ms: 1_718_000_000_123,
        }
    }

    #[test]
    fn quote_line_is_fixed_and_round_trips() {
        let line = ServerLine::Quote(acme());
        assert_eq!(line.to_string(), "QUOTE 1042 ACME 101.07 1718000000123");
        assert_eq!(
            parse_server_line("QUOTE 1042 ACME 101.07 1718000000123"),
            Ok(line)
        );
        let missed = ServerLine::Error(crate::scenarios::missed_note(3));
        assert_eq!(missed.to_string(), "! you missed 3 messages");
        assert_eq!(parse_server_line("! you missed 3 messages"), Ok(missed));
    }

    #[test]
    fn prices_have_exactly_two_decimals() {
        assert_eq!(format_price(5), "0.05");
        assert_eq!(format_price(12_345), "123.45");
        assert_eq!(parse_price("0.05"), Some(5));
        assert_eq!(parse_price("123.45"), Some(12_345));
        for bad in [
            "", "1", "1.", ".50", "1.5", "1.500", "-1.00", "1.-5", "+1.00", "1e3.00",
        ] {
            assert_eq!(parse_price(bad), None, "{bad:?}");
        }
        assert_eq!(parse_price("999999999999999999999.00"), None);
        assert!((acme().price() - 101.07).abs() < 1e-9);
    }

    #[test]
    fn malformed_quote_lines_are_errors() {
        for bad in [
            "",
            "QUOTE",
            "QUOTE 1 ACME 1.00",
            "QUOTE 1 ACME 1.00 5 extra",
            "QUOTE x ACME 1.00 5",
            "QUOTE 1 acme 1.00 5",
            "QUOTE 1 ACME 1 5",
            "QUOTE 1 ACME 1.00 -5",
            "QUOTE +1 ACME 1.00 5",
            "QUOTE  1 ACME 1.00 5",
            "quote 1 ACME 1.00 5",
            "!missing space",
        ] {
            assert_eq!(parse_server_line(bad).unwrap_err().line, bad);
        }
    }

    #[test]
    fn batch_json_is_stable() {
        let batch = QuoteBatch {
            quotes: vec![acme()],
            latest_seq: 1042,
        };
        let json = serde_json::to_string(&batch).unwrap();
        assert_eq!(
            json,
            r#"{"quotes":[{"seq":1042,"symbol":"ACME","price_cents":10107,"published_ms":1718000000123}],"latest_seq":1042}"#
        );
        assert_eq!(serde_json::from_str::<QuoteBatch>(&json).unwrap(), batch);
        assert_eq!(quotes_url(7), "/api/quotes?since=7");
        let query: QuotesQuery = serde_json::from_str("{}").unwrap();
        assert_eq!(query.since, 0);
    }
}
