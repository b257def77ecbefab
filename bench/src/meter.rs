//! Whose CPU a measured window reads: every server node (summed), the load generator
//! itself, and other processes named on the command line (the database, Redis), so a run
//! on several processes reports the whole cost of a delivery and where it went.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::proc_stats::{CpuTime, Proc, pids_named};

/// The processes a run measures.
#[derive(Debug, Clone, Default)]
pub struct Meter {
    /// The server nodes, when their pids are known.
    pub servers: Vec<Proc>,
    /// Command names of other processes (`postgres`, `redis-server`), each summed over
    /// every process of that name.
    pub services: Vec<String>,
}

impl Meter {
    /// Reads every measured process's CPU time now.
    pub fn mark(&self) -> CpuMark {
        CpuMark {
            server: self.server_cpu(),
            me: Proc::Myself.cpu_time().ok(),
            services: self.services.iter().map(|name| by_pid(name)).collect(),
            at: Instant::now(),
        }
    }

    /// The servers' resident memory, summed over the nodes.
    pub fn server_rss_bytes(&self) -> Option<u64> {
        self.sum(|p| p.rss_bytes().ok())
    }

    fn server_cpu(&self) -> Option<CpuTime> {
        self.sum(|p| p.cpu_time().ok())
    }

    /// The sum over every node of `read`, or `None` when there is no node or one cannot
    /// be read (a sum over some of them would mislead).
    fn sum<T: std::iter::Sum<T>>(&self, read: impl Fn(Proc) -> Option<T>) -> Option<T> {
        if self.servers.is_empty() {
            return None;
        }
        self.servers.iter().map(|&p| read(p)).sum()
    }
}

/// CPU time of every process of one name, by pid.
fn by_pid(name: &str) -> HashMap<u32, CpuTime> {
    pids_named(name)
        .into_iter()
        .filter_map(|pid| Some((pid, Proc::Pid(pid).cpu_time().ok()?)))
        .collect()
}

/// A CPU-time reading to subtract a later one from.
#[derive(Debug, Clone)]
pub struct CpuMark {
    server: Option<CpuTime>,
    me: Option<CpuTime>,
    services: Vec<HashMap<u32, CpuTime>>,
    at: Instant,
}

/// CPU used between two marks.
#[derive(Debug, Clone)]
pub struct CpuUsed {
    pub server: Option<CpuTime>,
    pub me: Option<CpuTime>,
    /// Per named service: its processes' time. A process that started during the window
    /// counts whole; one that ended during it is missing.
    pub services: Vec<(String, CpuTime)>,
    pub wall: Duration,
}

impl CpuMark {
    /// CPU used from `self` until now by the processes `meter` names.
    pub fn used_until_now(&self, meter: &Meter) -> CpuUsed {
        let end = meter.mark();
        let services = meter
            .services
            .iter()
            .zip(end.services.iter().zip(&self.services))
            .map(|(name, (after, before))| {
                let used = after
                    .iter()
                    .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or_default()))
                    .sum();
                (name.clone(), used)
            })
            .collect();
        CpuUsed {
            server: end
                .server
                .zip(self.server)
                .map(|(b, a)| b.saturating_sub(a)),
            me: end.me.zip(self.me).map(|(b, a)| b.saturating_sub(a)),
            services,
            wall: end.at - self.at,
        }
    }
}

/// One named service's share of a window: CPU as a percentage of one core, and per
/// delivery and per message.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceUse {
    pub name: String,
    pub cpu_pct: f64,
    pub cpu_us_per_delivery: Option<f64>,
    pub cpu_us_per_message: Option<f64>,
}

impl CpuUsed {
    /// The services' shares, given the window's deliveries and acked messages.
    pub fn service_use(&self, deliveries: u64, messages: u64) -> Vec<ServiceUse> {
        let wall = self.wall.as_secs_f64().max(1e-9);
        let per = |d: Duration, n: u64| (n > 0).then(|| d.as_secs_f64() * 1e6 / n as f64);
        self.services
            .iter()
            .map(|(name, t)| ServiceUse {
                name: name.clone(),
                cpu_pct: 100.0 * t.total().as_secs_f64() / wall,
                cpu_us_per_delivery: per(t.total(), deliveries),
                cpu_us_per_message: per(t.total(), messages),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Server figures are summed over nodes, and are absent when no node is known.
    #[test]
    fn sums_over_nodes_or_nothing() {
        assert!(Meter::default().mark().server.is_none());
        let one = Meter {
            servers: vec![Proc::Myself],
            services: Vec::new(),
        };
        let two = Meter {
            servers: vec![Proc::Myself, Proc::Myself],
            services: Vec::new(),
        };
        let (a, b) = (
            one.server_rss_bytes().unwrap(),
            two.server_rss_bytes().unwrap(),
        );
        assert!(b >= 2 * a - a / 10, "{a} {b}");
        let missing = Meter {
            servers: vec![Proc::Myself, Proc::Pid(u32::MAX)],
            services: Vec::new(),
        };
        assert!(missing.server_rss_bytes().is_none());
    }

    /// A named service's time is measured across the window, per delivery and message.
    #[test]
    fn measures_named_services() {
        let me = std::fs::read_to_string("/proc/self/comm").unwrap();
        let meter = Meter {
            servers: Vec::new(),
            services: vec![me.trim_end().to_string()],
        };
        let mark = meter.mark();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(100) {
            std::hint::black_box(0);
        }
        let used = mark.used_until_now(&meter);
        let shares = used.service_use(1000, 10);
        assert_eq!(shares.len(), 1);
        assert!(shares[0].cpu_pct > 0.0, "{shares:?}");
        let (d, m) = (
            shares[0].cpu_us_per_delivery.unwrap(),
            shares[0].cpu_us_per_message.unwrap(),
        );
        assert!((m / d - 100.0).abs() < 1e-6);
    }
}
