//! `ladder`: the fanout scenario with the rate stepped up, on the same connections, until
//! p99 passes a limit or anything is lost; prints the table, and draws the SVG chart of
//! latency percentiles against offered load.

use std::time::Duration;

use serde::Serialize;

use crate::BenchError;
use crate::cli::LadderArgs;
use crate::report::{Phase, phase_table};
use crate::scenario::{Env, fanout, phase};

/// What `ladder` measured.
#[derive(Debug, Serialize)]
pub struct LadderResult {
    pub steps: Vec<Phase>,
    /// Highest delivered rate of a clean step whose p99 met the objective.
    pub best_deliveries_per_s_within_slo: Option<f64>,
    pub slo_p99_ms: f64,
}

/// The rates to step through.
pub fn rates(a: &LadderArgs) -> Vec<f64> {
    if !a.rates.is_empty() {
        return a.rates.clone();
    }
    let factor = a.factor.max(1.01);
    std::iter::successors(Some(a.fanout.rate.max(0.1)), |r| Some(r * factor))
        .take(a.max_steps)
        .collect()
}

/// Runs the scenario.
pub async fn run(env: &Env, a: &LadderArgs) -> Result<LadderResult, BenchError> {
    let mut swarm = fanout::build(env, &a.fanout).await?;
    let drain = Duration::from_secs_f64(a.fanout.drain.max(0.0));
    let mut steps = Vec::new();
    for rate in rates(a) {
        let load = fanout::load(&a.fanout, rate);
        let step = phase::measure(
            &mut swarm,
            load,
            a.fanout.members as u64,
            drain,
            env.target.proc,
        )
        .await;
        let table = phase_table(std::slice::from_ref(&step));
        // The header once, then one line per step as it completes.
        let skip = usize::from(!steps.is_empty());
        for line in table.lines().skip(skip) {
            println!("{line}");
        }
        let stop = step.latency.p99_ms > a.stop_p99_ms || !step.clean();
        steps.push(step);
        if stop {
            break;
        }
        // Let queues empty and timers settle between steps.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    swarm.close().await;
    let best = steps
        .iter()
        .filter(|s| s.clean() && s.latency.p99_ms <= a.slo_p99_ms)
        .map(|s| s.deliveries_per_s)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let title = format!(
        "Quid fanout: {} groups × {} members, {}-byte messages",
        a.fanout.groups, a.fanout.members, a.fanout.payload
    );
    let svg = crate::svg::ladder_chart(&title, &steps);
    std::fs::write(&a.svg, svg).map_err(|e| BenchError::io(a.svg.display().to_string(), e))?;
    println!(
        "ladder: highest clean rate with p99 <= {} ms: {}; chart written to {}",
        a.slo_p99_ms,
        best.map_or("none".into(), |b| format!("{b:.0} deliveries/s")),
        a.svg.display()
    );
    Ok(LadderResult {
        steps,
        best_deliveries_per_s_within_slo: best,
        slo_p99_ms: a.slo_p99_ms,
    })
}
