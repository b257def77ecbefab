//! The ladder chart: latency percentiles (log scale) against offered deliveries per second,
//! as a self-contained SVG file.

use std::fmt::Write;

use crate::report::Phase;

const W: f64 = 820.0;
const H: f64 = 500.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;

/// One latency line of the chart.
struct Series {
    name: &'static str,
    color: &'static str,
    value: fn(&Phase) -> f64,
}

const SERIES: [Series; 5] = [
    Series {
        name: "p50",
        color: "#1b9e77",
        value: |p| p.latency.p50_ms,
    },
    Series {
        name: "p90",
        color: "#7570b3",
        value: |p| p.latency.p90_ms,
    },
    Series {
        name: "p99",
        color: "#d95f02",
        value: |p| p.latency.p99_ms,
    },
    Series {
        name: "p99.9",
        color: "#e7298a",
        value: |p| p.latency.p999_ms,
    },
    Series {
        name: "max",
        color: "#666666",
        value: |p| p.latency.max_ms,
    },
];

/// Renders the chart of `steps` (one point per ladder step) with `title`.
pub fn ladder_chart(title: &str, steps: &[Phase]) -> String {
    let xmax = nice_ceiling(
        steps
            .iter()
            .map(|p| p.offered_deliveries_per_s)
            .fold(1.0, f64::max),
    );
    let values = steps
        .iter()
        .flat_map(|p| SERIES.iter().map(move |s| (s.value)(p)))
        .filter(|v| *v > 0.0);
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (dmin, dmax) = if lo <= hi {
        (
            lo.log10().floor(),
            hi.log10().ceil().max(lo.log10().floor() + 1.0),
        )
    } else {
        (-1.0, 1.0)
    };
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let x = |v: f64| LEFT + pw * v / xmax;
    let y = |ms: f64| {
        let l = ms.max(10f64.powf(dmin)).log10();
        TOP + ph * (1.0 - (l - dmin) / (dmax - dmin))
    };

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = write!(
        s,
        r#"<text x="{}" y="25" text-anchor="middle" font-size="15">{}</text>"#,
        LEFT + pw / 2.0,
        escape(title)
    );
    for i in 0..=5 {
        let v = xmax * f64::from(i) / 5.0;
        let px = x(v);
        let _ = write!(
            s,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="#e5e5e5"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            TOP + ph,
            TOP + ph + 18.0,
            human(v)
        );
    }
    let mut d = dmin;
    while d <= dmax + 1e-9 {
        let ms = 10f64.powf(d);
        let py = y(ms);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + pw,
            LEFT - 8.0,
            py + 4.0,
            ms_label(ms)
        );
        d += 1.0;
    }
    let _ = write!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/><text x="{:.1}" y="{:.1}" text-anchor="middle">offered deliveries per second</text><text transform="translate(20 {:.1}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>"##,
        LEFT + pw / 2.0,
        H - 15.0,
        TOP + ph / 2.0
    );
    for (i, series) in SERIES.iter().enumerate() {
        let points: Vec<String> = steps
            .iter()
            .map(|p| {
                format!(
                    "{:.1},{:.1}",
                    x(p.offered_deliveries_per_s),
                    y((series.value)(p))
                )
            })
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            series.color,
            points.join(" ")
        );
        for pt in &points {
            if let Some((px, py)) = pt.split_once(',') {
                let _ = write!(
                    s,
                    r#"<circle cx="{px}" cy="{py}" r="3" fill="{}"/>"#,
                    series.color
                );
            }
        }
        let ly = TOP + 20.0 + 22.0 * i as f64;
        let lx = LEFT + pw + 20.0;
        let _ = write!(
            s,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="3"/><text x="{}" y="{}">{}</text>"#,
            lx + 24.0,
            series.color,
            lx + 32.0,
            ly + 4.0,
            series.name
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ `v`.
fn nice_ceiling(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

fn human(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn ms_label(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.0} s", ms / 1000.0)
    } else if ms >= 1.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms} ms")
    }
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::LatencySummary;

    fn step(offered: f64, p50: f64) -> Phase {
        let mut p = Phase::sample(LatencySummary {
            count: 10,
            p50_ms: p50,
            p90_ms: p50 * 2.0,
            p99_ms: p50 * 4.0,
            p999_ms: p50 * 8.0,
            max_ms: p50 * 10.0,
            mean_ms: p50,
        });
        p.offered_msgs_per_s = offered;
        p.offered_deliveries_per_s = offered;
        p
    }

    /// The chart has one line per percentile with a point per step, inside the canvas.
    #[test]
    fn draws_a_line_per_percentile() {
        let svg = ladder_chart(
            "fanout <10×100>",
            &[
                step(50_000.0, 0.4),
                step(100_000.0, 0.9),
                step(200_000.0, 30.0),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<polyline").count(), 5);
        assert_eq!(svg.matches("<circle").count(), 15);
        assert!(svg.contains("&lt;10×100&gt;"));
        assert!(
            svg.contains(">200k<"),
            "x axis reaches the highest offered load"
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    /// An empty ladder still renders a valid, empty chart.
    #[test]
    fn empty_ladder_renders() {
        let svg = ladder_chart("empty", &[]);
        assert_eq!(svg.matches("<circle").count(), 0);
        assert!(!svg.contains("NaN"));
    }

    /// Axis maxima are rounded up to readable values.
    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(230_000.0), 250_000.0);
        assert_eq!(nice_ceiling(100_000.0), 100_000.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
    }
}
