//! The sign-in throttle's policy: how many failed sign-ins are allowed in how long, per
//! account-and-client and per client, and what a failure is counted under.
//!
//! After [`PER_ACCOUNT_AND_CLIENT`]'s five failures for one account from one client (or
//! [`PER_CLIENT`]'s hundred from one client for any accounts) within fifteen minutes, that
//! client waits until the oldest of those failures is fifteen minutes old; the account's owner
//! signing in from another client is not held up. The failures are kept by the store, so every
//! server behind a load balancer counts the same ones; this module only decides.
//!
//! A failure is counted under keys that are SHA-256 digests, never the e-mail address or the
//! client's address themselves: what is kept is bounded in size whatever a client sends.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::account::normalise_email;

/// How many failures a key may have within a window of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Failures allowed within the window; the next one is refused.
    pub failures: usize,
    /// The window, in seconds.
    pub window: i64,
}

/// Failed sign-ins for one account from one client: the sixth in fifteen minutes is refused.
pub const PER_ACCOUNT_AND_CLIENT: Limit = Limit { failures: 5, window: 15 * 60 };

/// Failed sign-ins from one client for any accounts: the 101st in fifteen minutes is refused.
pub const PER_CLIENT: Limit = Limit { failures: 100, window: 15 * 60 };

impl Limit {
    /// Seconds a key must wait at `now` (Unix seconds), given the times of its failures
    /// newest first (at most [`Limit::failures`] of them are needed); `None` when it may try.
    pub fn wait(&self, newest_first: &[i64], now: i64) -> Option<i64> {
        let recent: Vec<i64> = newest_first.iter().copied().filter(|at| now - at < self.window).collect();
        (self.failures > 0 && recent.len() >= self.failures).then(|| recent[self.failures - 1] + self.window - now)
    }
}

/// What a failure is counted under: a 32-byte digest.
pub type Key = [u8; 32];

/// The keys a sign-in for `email` from `client` (its IP address, when known) is counted
/// under, each with its limit: the account-and-client first, then the client. The same
/// account however its address is written has the same key.
pub fn keys(email: &str, client: Option<IpAddr>) -> [(Key, Limit); 2] {
    let client = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let account = Sha256::digest(normalise_email(email).as_bytes());
    let pair: Key = Sha256::new()
        .chain_update(b"account\0")
        .chain_update(account)
        .chain_update(client.as_bytes())
        .finalize()
        .into();
    let client: Key = Sha256::new().chain_update(b"client\0").chain_update(client.as_bytes()).finalize().into();
    [(pair, PER_ACCOUNT_AND_CLIENT), (client, PER_CLIENT)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_in_fifteen_minutes_waits_until_the_first_is_fifteen_minutes_old() {
        let times = [240, 180, 120, 60, 0];
        assert_eq!(PER_ACCOUNT_AND_CLIENT.wait(&times[1..], 300), None, "four failures");
        assert_eq!(PER_ACCOUNT_AND_CLIENT.wait(&times, 300), Some(600));
        assert_eq!(PER_ACCOUNT_AND_CLIENT.wait(&times, 899), Some(1));
        assert_eq!(PER_ACCOUNT_AND_CLIENT.wait(&times, 900), None, "the first failure is 15 minutes old");
        assert_eq!(PER_ACCOUNT_AND_CLIENT.wait(&[], 0), None);
    }

    #[test]
    fn a_client_waits_for_its_hundredth_newest_failure() {
        let times: Vec<i64> = (0..120).rev().collect();
        assert_eq!(PER_CLIENT.wait(&times, 200), Some(20 + 900 - 200));
    }

    #[test]
    fn keys_name_the_account_however_written_and_the_client() {
        let here = Some(IpAddr::from([10, 0, 0, 1]));
        let there = Some(IpAddr::from([10, 0, 0, 2]));
        let [(pair, limit), (client, client_limit)] = keys("ada@example.com", here);
        assert_eq!((limit, client_limit), (PER_ACCOUNT_AND_CLIENT, PER_CLIENT));
        assert_eq!(keys(" Ada@Example.COM ", here)[0].0, pair);
        assert_ne!(keys("ada@example.com", there)[0].0, pair);
        assert_ne!(keys("c@d.io", here)[0].0, pair);
        assert_eq!(keys("c@d.io", here)[1].0, client, "one client whatever the account");
        assert_ne!(keys("ada@example.com", None)[1].0, client);
        assert_ne!(pair, client);
    }
}
