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
    /// Highest delivered rate up to which every step was clean and met the objective
    /// (`None` if the first step did not): where the machine's stalls decide which steps
    /// pass, the two differ.
    pub sustained_deliveries_per_s_within_slo: Option<f64>,
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
        let step =
            phase::measure(&mut swarm, load, a.fanout.members as u64, drain, &env.meter).await;
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
    let (best, sustained) = within_slo(&steps, a.slo_p99_ms);
    let title = format!(
        "Quid fanout: {} groups × {} members, {}-byte messages",
        a.fanout.groups, a.fanout.members, a.fanout.payload
    );
    let svg = crate::svg::ladder_chart(&title, &steps);
    std::fs::write(&a.svg, svg).map_err(|e| BenchError::io(a.svg.display().to_string(), e))?;
    let rate = |r: Option<f64>| r.map_or("none".into(), |r| format!("{r:.0} deliveries/s"));
    println!(
        "ladder: highest clean step with p99 <= {} ms: {}; every step up to {}; chart \
         written to {}",
        a.slo_p99_ms,
        rate(best),
        rate(sustained),
        a.svg.display()
    );
    Ok(LadderResult {
        steps,
        best_deliveries_per_s_within_slo: best,
        sustained_deliveries_per_s_within_slo: sustained,
        slo_p99_ms: a.slo_p99_ms,
    })
}

/// The highest delivered rate of a step that was clean and met `slo_p99_ms`, and the
/// highest up to which every step did.
fn within_slo(steps: &[Phase], slo_p99_ms: f64) -> (Option<f64>, Option<f64>) {
    let passed = |s: &&Phase| s.clean() && s.latency.p99_ms <= slo_p99_ms;
    let highest = |found: Option<f64>, s: &Phase| {
        Some(found.map_or(s.deliveries_per_s, |m: f64| m.max(s.deliveries_per_s)))
    };
    let best = steps.iter().filter(passed).fold(None, highest);
    let sustained = steps.iter().take_while(passed).fold(None, highest);
    (best, sustained)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::LatencySummary;

    fn step(deliveries_per_s: f64, p99_ms: f64, lost: u64) -> Phase {
        let mut p = Phase::sample(LatencySummary {
            count: 1,
            p50_ms: 1.0,
            p90_ms: 1.0,
            p99_ms,
            p999_ms: p99_ms,
            max_ms: p99_ms,
            mean_ms: 1.0,
        });
        p.deliveries_per_s = deliveries_per_s;
        p.lost = lost;
        p
    }

    /// The highest passing step can lie above a failing one; the sustained rate stops at
    /// the first step that failed (too slow, or anything lost).
    #[test]
    fn best_and_sustained_differ_when_a_step_in_between_fails() {
        let steps = [
            step(100.0, 10.0, 0),
            step(200.0, 40.0, 0),
            step(300.0, 70.0, 0),
            step(400.0, 30.0, 0),
            step(500.0, 20.0, 3),
        ];
        assert_eq!(within_slo(&steps, 50.0), (Some(400.0), Some(200.0)));
        assert_eq!(within_slo(&steps, 100.0), (Some(400.0), Some(400.0)));
        assert_eq!(within_slo(&steps[2..], 50.0), (Some(400.0), None));
        assert_eq!(within_slo(&[], 50.0), (None, None));
    }
}
