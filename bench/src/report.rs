//! Result records of a run: one [`Phase`] per measured window, the machine it ran on, the
//! table printed to the terminal and the JSON written for later comparison.

use std::path::Path;

use serde::Serialize;

use crate::BenchError;
use crate::meter::ServiceUse;
use crate::stall::StallSummary;
use crate::stats::LatencySummary;

/// One measured window of publishing (a fanout or ingest run, or one ladder step).
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Messages per second per publisher.
    pub rate: f64,
    pub offered_msgs_per_s: f64,
    pub offered_deliveries_per_s: f64,
    pub sent: u64,
    pub acked: u64,
    pub delivered: u64,
    /// Deliveries expected (acked messages × receivers per group) but not received.
    pub lost: u64,
    pub gaps: u64,
    pub duplicates: u64,
    pub errors: u64,
    pub dropped: u64,
    /// From the first scheduled send until everything was delivered (or the drain ended).
    pub elapsed_s: f64,
    pub acked_per_s: f64,
    pub deliveries_per_s: f64,
    /// Scheduled send time to receipt of `new-message`.
    pub latency: LatencySummary,
    /// Scheduled send time to `ack`.
    pub ack_latency: LatencySummary,
    pub server_cpu_pct: Option<f64>,
    pub server_cpu_us_per_delivery: Option<f64>,
    /// The part of `server_cpu_us_per_delivery` spent in the kernel (system time): on
    /// loopback, each socket write runs the TCP stack of both ends in the writer's time.
    pub server_kernel_us_per_delivery: Option<f64>,
    pub server_cpu_us_per_message: Option<f64>,
    pub loadgen_cpu_pct: Option<f64>,
    pub loadgen_cpu_us_per_frame: Option<f64>,
    pub server_rss_mb: Option<f64>,
    /// Server nodes the server figures are summed over (0: their pids were not known).
    pub server_nodes: usize,
    /// CPU of the other processes measured (`--watch`: the database, Redis).
    pub services: Vec<ServiceUse>,
    /// How long a probe thread that only sleeps 1 ms at a time overslept during the
    /// window: the machine's own stalls, which every latency above includes.
    pub machine_stall: StallSummary,
}

impl Phase {
    /// Whether this window lost, skipped, duplicated or refused anything.
    pub fn clean(&self) -> bool {
        self.lost == 0
            && self.gaps == 0
            && self.duplicates == 0
            && self.errors == 0
            && self.dropped == 0
            && self.acked == self.sent
    }
}

#[cfg(test)]
impl Phase {
    /// A clean window for tests: 10 messages to 100 receivers each, all delivered,
    /// with `latency` for both latencies and the probe; no CPU figures.
    pub(crate) fn sample(latency: LatencySummary) -> Phase {
        Phase {
            rate: 100.0,
            offered_msgs_per_s: 1000.0,
            offered_deliveries_per_s: 100_000.0,
            sent: 10,
            acked: 10,
            delivered: 1000,
            lost: 0,
            gaps: 0,
            duplicates: 0,
            errors: 0,
            dropped: 0,
            elapsed_s: 1.0,
            acked_per_s: 10.0,
            deliveries_per_s: 99_000.0,
            latency,
            ack_latency: latency,
            server_cpu_pct: None,
            server_cpu_us_per_delivery: None,
            server_kernel_us_per_delivery: None,
            server_cpu_us_per_message: None,
            loadgen_cpu_pct: None,
            loadgen_cpu_us_per_frame: None,
            server_rss_mb: None,
            server_nodes: 0,
            services: Vec::new(),
            machine_stall: StallSummary {
                oversleep: latency,
                stalls_over_5ms: 0,
            },
        }
    }
}

/// The machine a run happened on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub mem_total: String,
    /// `/proc/loadavg` when the run ended: other work on the machine skews every number.
    pub load_average: String,
}

impl Machine {
    /// Reads `/proc/cpuinfo` and `/proc/meminfo` (unknown fields stay empty).
    pub fn this() -> Self {
        let first = |file: &str, key: &str| {
            std::fs::read_to_string(file)
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find(|l| l.starts_with(key))
                        .and_then(|l| l.split_once(':'))
                        .map(|(_, v)| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model: first("/proc/cpuinfo", "model name"),
            mem_total: first("/proc/meminfo", "MemTotal"),
            load_average: std::fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
        }
    }
}

/// What a run writes as JSON: the scenario, its parameters, the machine and the results.
#[derive(Debug, Serialize)]
pub struct Report<P: Serialize, R: Serialize> {
    pub scenario: &'static str,
    pub params: P,
    pub machine: Machine,
    pub results: R,
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), BenchError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| BenchError::Protocol(e.to_string()))?;
    std::fs::write(path, text).map_err(|e| BenchError::io(path.display().to_string(), e))
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".into(), |v| format!("{v:.digits$}"))
}

/// The table of phases, one line each.
pub fn phase_table(phases: &[Phase]) -> String {
    let mut out = format!(
        "{:>10} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>7} {:>8}\n",
        "offered/s",
        "deliv/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9",
        "max ms",
        "lost",
        "err",
        "srv%",
        "µs/del",
        "in krn",
        "gen%",
        "µs/frm",
        "stall ms"
    );
    for p in phases {
        out.push_str(&format!(
            "{:>10.0} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>7} {:>8.2}\n",
            p.offered_deliveries_per_s,
            p.deliveries_per_s,
            p.latency.p50_ms,
            p.latency.p90_ms,
            p.latency.p99_ms,
            p.latency.p999_ms,
            p.latency.max_ms,
            p.lost + p.gaps,
            p.errors + p.dropped + p.duplicates,
            opt(p.server_cpu_pct, 0),
            opt(p.server_cpu_us_per_delivery, 2),
            opt(p.server_kernel_us_per_delivery, 2),
            opt(p.loadgen_cpu_pct, 0),
            opt(p.loadgen_cpu_us_per_frame, 2),
            p.machine_stall.oversleep.max_ms,
        ));
        if let Some(line) = services_line(p) {
            out.push_str(&line);
        }
    }
    out
}

/// Under a phase's row: the nodes its server figures sum, and each watched service's CPU.
pub fn services_line(p: &Phase) -> Option<String> {
    if p.services.is_empty() && p.server_nodes <= 1 {
        return None;
    }
    let mut parts = vec![format!("server: {} node(s)", p.server_nodes)];
    for s in &p.services {
        parts.push(format!(
            "{}: {:.0}%, {} µs/del, {} µs/msg",
            s.name,
            s.cpu_pct,
            opt(s.cpu_us_per_delivery, 2),
            opt(s.cpu_us_per_message, 2)
        ));
    }
    Some(format!("{:>10} {}\n", "", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase() -> Phase {
        let mut p = Phase::sample(LatencySummary {
            count: 3,
            p50_ms: 0.5,
            p90_ms: 0.9,
            p99_ms: 2.0,
            p999_ms: 3.0,
            max_ms: 4.0,
            mean_ms: 0.6,
        });
        p.server_cpu_pct = Some(50.0);
        p.server_cpu_us_per_delivery = Some(1.25);
        p.server_kernel_us_per_delivery = Some(0.75);
        p
    }

    /// The JSON record carries the scenario, the machine and every measured field by name.
    #[test]
    fn result_json_names_every_field() {
        let report = Report {
            scenario: "fanout",
            params: serde_json::json!({"groups": 10}),
            machine: Machine::this(),
            results: phase(),
        };
        let v = serde_json::to_value(&report).unwrap();
        assert_eq!(v["scenario"], "fanout");
        assert!(v["machine"]["cpus"].as_u64().unwrap() >= 1);
        assert_eq!(v["results"]["latency"]["p99_ms"], 2.0);
        assert_eq!(v["results"]["server_cpu_us_per_delivery"], 1.25);
        assert_eq!(v["results"]["server_kernel_us_per_delivery"], 0.75);
        assert!(v["results"]["loadgen_cpu_pct"].is_null());
    }

    /// A clean phase is one with nothing lost, refused or unacknowledged.
    #[test]
    fn clean_means_nothing_lost() {
        let mut p = phase();
        assert!(p.clean());
        assert!(phase_table(&[p.clone()]).contains("99000"));
        p.lost = 1;
        assert!(!p.clean());
    }

    /// Watched services and several nodes get a line under the phase's row.
    #[test]
    fn services_are_printed_under_the_row() {
        let mut p = phase();
        assert_eq!(phase_table(&[p.clone()]).lines().count(), 2);
        p.server_nodes = 2;
        p.services.push(ServiceUse {
            name: "postgres".into(),
            cpu_pct: 42.0,
            cpu_us_per_delivery: Some(1.5),
            cpu_us_per_message: Some(150.0),
        });
        let table = phase_table(&[p]);
        assert!(
            table.contains("server: 2 node(s); postgres: 42%, 1.50 µs/del, 150.00 µs/msg"),
            "{table}"
        );
    }
}
