//! The checks every session request passes, whichever door it comes
//! through (a WebSocket upgrade or a WebTransport CONNECT): the page's
//! origin, the target's name, the target's token. The caller has checked
//! the host name first and takes the cap permit last (`crate::caps`).

use crate::{
    auth::token_matches, hosts::Authority, live::Live, origin::OriginCheck, refusal::Refusal,
    targets::Target,
};

/// What a session request asks for, as either door read it.
#[derive(Debug)]
pub struct SessionAsk<'a> {
    /// The authorities of the relay's own pages for this request (for a
    /// WebSocket, the `Host` it was sent to).
    pub pages: &'a [Authority],
    /// The `Origin` the request carried, if any.
    pub origin: Option<&'a str>,
    /// The target's name (only ever looked up, never parsed as an address).
    pub name: &'a str,
    /// The token the request offered.
    pub token: Option<&'a str>,
}

/// A request that passed: its target, and why its origin was allowed.
#[derive(Debug)]
pub struct Admitted {
    /// The target, as the live settings had it.
    pub target: Target,
    /// The origin decision, for the log.
    pub origin: OriginCheck,
}

/// Lets `ask` through under `live`'s policy, or says why not.
pub fn admit(live: &Live, ask: &SessionAsk<'_>) -> Result<Admitted, Refusal> {
    let origin = match live.origins.check_origin(ask.origin, ask.pages) {
        OriginCheck::Refused(origin) => return Err(Refusal::Origin(origin)),
        check => check,
    };
    let target = live
        .targets
        .get(ask.name)
        .cloned()
        .ok_or_else(|| Refusal::UnknownTarget(ask.name.to_owned()))?;
    if let Some(expected) = &target.token {
        if !token_matches(expected, ask.token) {
            return Err(Refusal::Token(target.name.clone()));
        }
    }
    Ok(Admitted { target, origin })
}
