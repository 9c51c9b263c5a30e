//! Connection caps: sessions in total and per client IP. A permit is taken
//! before the upgrade and released when the session ends, whatever ends it.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use thiserror::Error;

/// Why a new session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CapError {
    /// The relay holds its maximum number of sessions.
    #[error("the relay is at its limit of {0} sessions; try again later")]
    Total(usize),
    /// This client address holds its maximum number of sessions.
    #[error("too many sessions from your address (limit {0})")]
    PerIp(usize),
}

/// Counts sessions against the limits.
#[derive(Debug)]
pub struct SessionCaps {
    max_total: AtomicUsize,
    max_per_ip: AtomicUsize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// Held for the life of one session.
#[derive(Debug)]
pub struct SessionPermit {
    caps: Arc<SessionCaps>,
    ip: IpAddr,
}

impl SessionCaps {
    /// Caps with these limits.
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<Self> {
        Arc::new(Self {
            max_total: AtomicUsize::new(max_total),
            max_per_ip: AtomicUsize::new(max_per_ip),
            counts: Mutex::new(Counts::default()),
        })
    }

    /// New limits (a reload): sessions already open stay open, even above
    /// them; new ones wait until there is room.
    pub fn set_limits(&self, max_total: usize, max_per_ip: usize) {
        self.max_total.store(max_total, Ordering::Relaxed);
        self.max_per_ip.store(max_per_ip, Ordering::Relaxed);
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a permit for a session from `ip`, or says which limit is hit.
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<SessionPermit, CapError> {
        let max_total = self.max_total.load(Ordering::Relaxed);
        let max_per_ip = self.max_per_ip.load(Ordering::Relaxed);
        let mut counts = self.counts();
        if counts.total >= max_total {
            return Err(CapError::Total(max_total));
        }
        let from_ip = counts.per_ip.entry(ip).or_insert(0);
        if *from_ip >= max_per_ip {
            return Err(CapError::PerIp(max_per_ip));
        }
        *from_ip += 1;
        counts.total += 1;
        Ok(SessionPermit {
            caps: self.clone(),
            ip,
        })
    }

    /// Sessions open now.
    pub fn open(&self) -> usize {
        self.counts().total
    }
}

impl Drop for SessionPermit {
    fn drop(&mut self) {
        let mut counts = self.caps.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.per_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_and_permits_release() {
        let caps = SessionCaps::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let p1 = caps.acquire(a).unwrap();
        let _p2 = caps.acquire(a).unwrap();
        assert_eq!(caps.acquire(a).unwrap_err(), CapError::PerIp(2));
        let _p3 = caps.acquire(b).unwrap();
        assert_eq!(caps.acquire(b).unwrap_err(), CapError::Total(3));
        drop(p1);
        assert_eq!(caps.open(), 2);
        assert!(caps.acquire(a).is_ok(), "a released permit is reusable");
        assert!(caps.counts().per_ip.len() <= 2, "no entry per past client");
        caps.set_limits(3, 1);
        assert_eq!(caps.acquire(a).unwrap_err(), CapError::PerIp(1));
    }
}
