//! The smallest useful piece of DNS (RFC 1035), for the page's UDP lesson:
//! a query for one name, and reading the answer back. The page builds the
//! query from a name the visitor types, sends it as one WebSocket message
//! (one datagram, through a `udp://` target) and decodes what comes back.

use std::fmt;

/// Record type A (an IPv4 address).
pub const TYPE_A: u16 = 1;
/// Record type AAAA (an IPv6 address).
pub const TYPE_AAAA: u16 = 28;
/// Record type CNAME (an alias).
pub const TYPE_CNAME: u16 = 5;
/// Class IN (the Internet).
const CLASS_IN: u16 = 1;
/// A label is at most 63 bytes, a name at most 255.
const MAX_LABEL: usize = 63;
const MAX_NAME: usize = 255;

/// Why a name cannot be asked for, or a reply cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name is empty, has an empty label, or a label or the whole is too long.
    BadName(String),
    /// The bytes end before the message does, or a pointer loops.
    Truncated,
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName(name) => write!(f, "{name:?} is not a DNS name"),
            Self::Truncated => f.write_str("not a complete DNS message"),
        }
    }
}

/// A query with id `id` for records of `record_type` at `name`, recursion desired.
pub fn query(id: u16, name: &str, record_type: u16) -> Result<Vec<u8>, DnsError> {
    let name = name.trim().trim_end_matches('.');
    let bad = || DnsError::BadName(name.to_owned());
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(18 + name.len());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&[0x01, 0x00]); // a standard query, recursion desired
    out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // one question
    for label in name.split('.') {
        if label.is_empty() || label.len() > MAX_LABEL || !label.is_ascii() {
            return Err(bad());
        }
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out.extend_from_slice(&record_type.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(out)
}

/// A DNS message, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The id that pairs a reply with its query.
    pub id: u16,
    /// True for a reply, false for a query.
    pub is_reply: bool,
    /// The response code: 0 no error, 3 no such name, …
    pub rcode: u8,
    /// The names asked about.
    pub questions: Vec<String>,
    /// The answer records.
    pub answers: Vec<Record>,
}

/// One answer record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The name it is for.
    pub name: String,
    /// Its type (`TYPE_A`, …).
    pub record_type: u16,
    /// Seconds it may be cached.
    pub ttl: u32,
    /// Its data as text: an address, a name, or hex for other types.
    pub data: String,
}

impl Message {
    /// Reads a DNS message (a query or a reply).
    pub fn parse(bytes: &[u8]) -> Result<Self, DnsError> {
        let u16_at = |at: usize| -> Result<u16, DnsError> {
            let pair = bytes.get(at..at + 2).ok_or(DnsError::Truncated)?;
            Ok(u16::from_be_bytes([pair[0], pair[1]]))
        };
        let id = u16_at(0)?;
        let flags = u16_at(2)?;
        let (questions, answers) = (u16_at(4)?, u16_at(6)?);
        let mut at = 12;
        let mut message = Self {
            id,
            is_reply: flags & 0x8000 != 0,
            rcode: (flags & 0x000f) as u8,
            questions: Vec::new(),
            answers: Vec::new(),
        };
        for _ in 0..questions {
            let (name, next) = read_name(bytes, at)?;
            message.questions.push(name);
            u16_at(next + 2)?; // its type and class are there
            at = next + 4;
        }
        for _ in 0..answers {
            let (name, next) = read_name(bytes, at)?;
            let record_type = u16_at(next)?;
            let ttl_bytes = bytes.get(next + 4..next + 8).ok_or(DnsError::Truncated)?;
            let ttl = u32::from_be_bytes(ttl_bytes.try_into().expect("four bytes"));
            let len = usize::from(u16_at(next + 8)?);
            let start = next + 10;
            let data = bytes.get(start..start + len).ok_or(DnsError::Truncated)?;
            let data = match (record_type, data.len()) {
                (TYPE_A, 4) => {
                    std::net::Ipv4Addr::from(<[u8; 4]>::try_from(data).unwrap()).to_string()
                }
                (TYPE_AAAA, 16) => {
                    std::net::Ipv6Addr::from(<[u8; 16]>::try_from(data).unwrap()).to_string()
                }
                (TYPE_CNAME, _) => read_name(bytes, start)?.0,
                _ => data.iter().map(|b| format!("{b:02x}")).collect(),
            };
            message.answers.push(Record {
                name,
                record_type,
                ttl,
                data,
            });
            at = start + len;
        }
        Ok(message)
    }
}

/// The name at `at` (following compression pointers) and where the bytes
/// after it begin.
fn read_name(bytes: &[u8], mut at: usize) -> Result<(String, usize), DnsError> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    // Each pointer must go backwards, so a loop cannot last.
    let mut limit = at;
    loop {
        let len = *bytes.get(at).ok_or(DnsError::Truncated)?;
        match len {
            0 => {
                let end = end.unwrap_or(at + 1);
                return Ok((labels.join("."), end));
            }
            len if len & 0xc0 == 0xc0 => {
                let low = *bytes.get(at + 1).ok_or(DnsError::Truncated)?;
                let target = usize::from(len & 0x3f) << 8 | usize::from(low);
                if target >= limit {
                    return Err(DnsError::Truncated);
                }
                end.get_or_insert(at + 2);
                limit = target;
                at = target;
            }
            len => {
                let start = at + 1;
                let label = bytes
                    .get(start..start + usize::from(len))
                    .ok_or(DnsError::Truncated)?;
                labels.push(String::from_utf8_lossy(label).into_owned());
                at = start + usize::from(len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_back_as_itself() {
        let bytes = query(0x1234, "a.zone.test.", TYPE_A).unwrap();
        assert_eq!(&bytes[..4], &[0x12, 0x34, 0x01, 0x00]);
        let message = Message::parse(&bytes).unwrap();
        assert_eq!(message.id, 0x1234);
        assert!(!message.is_reply);
        assert_eq!(message.questions, ["a.zone.test"]);
        assert!(message.answers.is_empty());
    }

    #[test]
    fn reads_a_reply_with_a_compressed_name() {
        let mut reply = query(7, "a.zone.test", TYPE_A).unwrap();
        reply[2] = 0x81; // a reply, recursion desired
        reply[3] = 0x80; // recursion available, no error
        reply[7] = 1; // one answer
                      // Its name is a pointer to the question's (offset 12).
        reply.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 9]);
        let message = Message::parse(&reply).unwrap();
        assert!(message.is_reply);
        assert_eq!(message.rcode, 0);
        assert_eq!(
            message.answers,
            [Record {
                name: "a.zone.test".into(),
                record_type: TYPE_A,
                ttl: 60,
                data: "127.0.0.9".into(),
            }]
        );
    }

    #[test]
    fn refuses_bad_names_and_truncated_or_looping_messages() {
        for name in ["", "a..b", &"x".repeat(64), "ünï.test"] {
            assert!(query(1, name, TYPE_A).is_err(), "{name:?}");
        }
        let bytes = query(1, "a.test", TYPE_A).unwrap();
        for len in 0..bytes.len() {
            assert_eq!(
                Message::parse(&bytes[..len]),
                Err(DnsError::Truncated),
                "{len}"
            );
        }
        // A name that points at itself.
        let mut looping = bytes[..12].to_vec();
        looping.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(Message::parse(&looping), Err(DnsError::Truncated));
    }
}
