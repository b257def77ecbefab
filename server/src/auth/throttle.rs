//! Login and registration throttling, so that guessing passwords is slow and never costs
//! the server an argon2 hash per guess: attempts are counted per account and per client
//! address *before* any password work, and past a few free failures each further attempt
//! must wait a delay that doubles up to a cap (answered `429` with `Retry-After`).
//!
//! An attempt is counted when it starts (so a burst of concurrent guesses cannot all slip
//! through before the first failure is recorded); a successful login takes its own
//! attempt back and clears the account's count. An address from which the account's owner
//! logged in successfully in the last [`Policy::trusted_for`] is not held back by the
//! account's count, so someone guessing at an account cannot lock its owner out from
//! where they usually log in; elsewhere the owner waits at most [`Policy::max_delay`].
//!
//! Everything is in memory (a restart forgets it) and bounded: records that neither block
//! nor were touched within `forget_after` are dropped once a table grows past
//! [`MAX_RECORDS`].

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Most records one table keeps before it drops stale ones.
pub const MAX_RECORDS: usize = 100_000;

/// The numbers of one kind of limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed back to back before delays start.
    pub free: u32,
    /// The first delay; each attempt after it doubles it.
    pub base: Duration,
}

/// Every number of the throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failed logins per account.
    pub account: Limit,
    /// Failed logins per client address (over all accounts).
    pub address: Limit,
    /// Registrations per client address (successful or not).
    pub registration: Limit,
    /// The longest delay any limit imposes.
    pub max_delay: Duration,
    /// A count untouched this long starts again from zero.
    pub forget_after: Duration,
    /// How long a successful login exempts its address from the account's count.
    pub trusted_for: Duration,
}

impl Policy {
    /// The documented defaults: 5 failures per account, 20 per address, 10 registrations
    /// per address, then 1 s doubling up to 5 minutes; counts forgotten after an hour
    /// without attempts; an owner's address trusted for 30 days.
    pub fn standard(max_delay: Duration) -> Policy {
        let second = Duration::from_secs(1);
        Policy {
            account: Limit {
                free: 5,
                base: second,
            },
            address: Limit {
                free: 20,
                base: second,
            },
            registration: Limit {
                free: 10,
                base: second,
            },
            max_delay,
            forget_after: Duration::from_secs(3600),
            trusted_for: Duration::from_secs(30 * 86_400),
        }
    }
}

/// How long the caller must wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, rounded up, at least 1 (the `Retry-After` header's value).
    pub fn seconds(self) -> u64 {
        let d = self.0;
        (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    attempts: u32,
    blocked_until: Option<Instant>,
    last: Instant,
}

/// Attempts per key, with the delay each attempt past the free ones imposes on the next.
struct Counts<K> {
    limit: Limit,
    records: HashMap<K, Record>,
}

impl<K: Hash + Eq + Clone> Counts<K> {
    fn new(limit: Limit) -> Self {
        Counts {
            limit,
            records: HashMap::new(),
        }
    }

    /// The wait still imposed on `key`, if any.
    fn blocked(&self, key: &K, now: Instant) -> Option<RetryAfter> {
        let until = self.records.get(key)?.blocked_until?;
        (until > now).then(|| RetryAfter(until - now))
    }

    /// Counts one attempt; once past the free ones, the next must wait.
    fn count(&mut self, key: &K, now: Instant, policy: &Policy) {
        let limit = self.limit;
        let record = self.records.entry(key.clone()).or_insert(Record {
            attempts: 0,
            blocked_until: None,
            last: now,
        });
        if now.duration_since(record.last) > policy.forget_after {
            record.attempts = 0;
        }
        record.attempts = record.attempts.saturating_add(1);
        record.last = now;
        if record.attempts >= limit.free {
            let doublings = (record.attempts - limit.free).min(30);
            let delay = limit
                .base
                .saturating_mul(1u32 << doublings)
                .min(policy.max_delay);
            record.blocked_until = Some(now + delay);
        }
    }

    /// Takes one attempt back (it succeeded), lifting the wait it imposed.
    fn uncount(&mut self, key: &K) {
        if let Some(record) = self.records.get_mut(key) {
            record.attempts = record.attempts.saturating_sub(1);
            if record.attempts < self.limit.free {
                record.blocked_until = None;
            }
        }
    }

    fn clear(&mut self, key: &K) {
        self.records.remove(key);
    }

    fn prune(&mut self, now: Instant, forget_after: Duration) {
        if self.records.len() <= MAX_RECORDS {
            return;
        }
        self.records.retain(|_, r| {
            r.blocked_until.is_some_and(|u| u > now) || now.duration_since(r.last) < forget_after
        });
        if self.records.len() > MAX_RECORDS {
            // a flood of fresh keys: keep only those that block
            self.records
                .retain(|_, r| r.blocked_until.is_some_and(|u| u > now));
        }
    }
}

struct Tables {
    accounts: Counts<String>,
    addresses: Counts<IpAddr>,
    registrations: Counts<IpAddr>,
    /// (account, address) → when the owner last logged in from there.
    trusted: HashMap<(String, IpAddr), Instant>,
}

/// The throttle of one server.
pub struct Throttle {
    policy: Policy,
    tables: Mutex<Tables>,
}

/// Which limit refused an attempt (the metrics' label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Account,
    Address,
}

impl Throttle {
    /// A throttle with `policy`.
    pub fn new(policy: Policy) -> Throttle {
        Throttle {
            policy,
            tables: Mutex::new(Tables {
                accounts: Counts::new(policy.account),
                addresses: Counts::new(policy.address),
                registrations: Counts::new(policy.registration),
                trusted: HashMap::new(),
            }),
        }
    }

    /// The numbers in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Before a login's password is checked: refused with the wait if the address or the
    /// account is held back, else counted as an attempt (taken back by
    /// [`login_succeeded`](Self::login_succeeded)).
    pub fn begin_login(&self, account: &str, addr: IpAddr) -> Result<(), (Held, RetryAfter)> {
        self.begin_login_at(account, addr, Instant::now())
    }

    fn begin_login_at(
        &self,
        account: &str,
        addr: IpAddr,
        now: Instant,
    ) -> Result<(), (Held, RetryAfter)> {
        let account = account.to_ascii_lowercase();
        let policy = self.policy;
        let mut t = self.lock();
        if let Some(wait) = t.addresses.blocked(&addr, now) {
            return Err((Held::Address, wait));
        }
        let trusted = t
            .trusted
            .get(&(account.clone(), addr))
            .is_some_and(|at| now.duration_since(*at) < policy.trusted_for);
        if !trusted && let Some(wait) = t.accounts.blocked(&account, now) {
            return Err((Held::Account, wait));
        }
        t.addresses.count(&addr, now, &policy);
        t.accounts.count(&account, now, &policy);
        t.addresses.prune(now, policy.forget_after);
        t.accounts.prune(now, policy.forget_after);
        Ok(())
    }

    /// A login begun with [`begin_login`](Self::begin_login) succeeded: the account's
    /// count starts again, the address's attempt is taken back, and the address is
    /// trusted for this account.
    pub fn login_succeeded(&self, account: &str, addr: IpAddr) {
        let account = account.to_ascii_lowercase();
        let now = Instant::now();
        let trusted_for = self.policy.trusted_for;
        let mut t = self.lock();
        t.accounts.clear(&account);
        t.addresses.uncount(&addr);
        if t.trusted.len() > MAX_RECORDS {
            t.trusted
                .retain(|_, at| now.duration_since(*at) < trusted_for);
        }
        if t.trusted.len() <= MAX_RECORDS {
            t.trusted.insert((account, addr), now);
        }
    }

    /// Before a registration: refused with the wait if the address registered too many
    /// accounts lately, else counted.
    pub fn begin_registration(&self, addr: IpAddr) -> Result<(), RetryAfter> {
        let now = Instant::now();
        let policy = self.policy;
        let mut t = self.lock();
        if let Some(wait) = t.registrations.blocked(&addr, now) {
            return Err(wait);
        }
        t.registrations.count(&addr, now, &policy);
        t.registrations.prune(now, policy.forget_after);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Policy::standard(Duration::from_secs(300)))
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    /// Five attempts pass; then each must wait 1 s, 2 s, 4 s, … up to the cap.
    #[test]
    fn delays_double_after_the_free_attempts() {
        let t = throttle();
        let start = Instant::now();
        for _ in 0..5 {
            assert!(t.begin_login_at("bob", ip(1), start).is_ok());
        }
        let (held, wait) = t.begin_login_at("bob", ip(1), start).unwrap_err();
        assert_eq!((held, wait.seconds()), (Held::Account, 1));
        let mut now = start + Duration::from_secs(1);
        for expected in [2, 4, 8, 16, 32, 64, 128, 256, 300, 300] {
            assert!(t.begin_login_at("bob", ip(1), now).is_ok());
            let (_, wait) = t.begin_login_at("bob", ip(1), now).unwrap_err();
            assert_eq!(wait.seconds(), expected);
            now += wait.0;
        }
        // another account from another address is not held back
        assert!(t.begin_login_at("carol", ip(2), now).is_ok());
    }

    /// A success clears the account's count; the owner's trusted address passes while the
    /// account is held back elsewhere.
    #[test]
    fn success_resets_and_trusts_the_address() {
        let t = throttle();
        let now = Instant::now();
        t.begin_login_at("bob", ip(1), now).unwrap();
        t.login_succeeded("bob", ip(1));
        for _ in 0..5 {
            t.begin_login_at("Bob", ip(9), now).unwrap();
        }
        assert!(t.begin_login_at("bob", ip(8), now).is_err());
        assert!(t.begin_login_at("bob", ip(1), now).is_ok());
    }

    /// Twenty failures from one address hold it back for every account.
    #[test]
    fn an_address_is_held_back_over_all_accounts() {
        let t = throttle();
        let now = Instant::now();
        for n in 0..20 {
            t.begin_login_at(&format!("user{n}"), ip(3), now).unwrap();
        }
        let (held, _) = t.begin_login_at("someone", ip(3), now).unwrap_err();
        assert_eq!(held, Held::Address);
    }
}
