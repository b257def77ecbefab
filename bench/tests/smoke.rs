//! Smoke test of the load generator: every scenario runs for about a second against the
//! real server (started in-process on 127.0.0.1:0 with a temp data dir) and must finish
//! having lost, skipped and duplicated nothing. It proves the instrument works; it asserts
//! no timing (benchmarks measure, tests assert).

use std::time::Duration;

use quid_bench::cli::{
    ConnectArgs, FanoutArgs, IngestArgs, LadderArgs, LoopbackArgs, ReconnectArgs,
};
use quid_bench::scenario::{Env, connect, fanout, ingest, ladder, loopback, reconnect};
use quid_bench::servers::Servers;
use quid_bench::target::Target;

/// Bound on the whole smoke run, so a broken server cannot hang the suite.
const LIMIT: Duration = Duration::from_secs(120);

fn fanout_args() -> FanoutArgs {
    FanoutArgs {
        groups: 2,
        members: 5,
        publishers: 2,
        rate: 20.0,
        payload: 100,
        duration: 1.0,
        drain: 5.0,
        concurrency: 16,
    }
}

/// Every scenario runs against a real server and accounts for every message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = quid_server::Config::with_data_dir(dir.path());
    config.bind = [127, 0, 0, 1].into();
    config.port = 0;
    // Account setup only; nothing measured depends on the password hash cost.
    config.argon2_memory_kib = 1024;
    config.argon2_iterations = 1;
    // the scenarios register every account from this one address
    config.registrations_per_address = 0;
    let server = quid_server::start(config).await.unwrap();
    let url = format!("http://{}", server.addr());
    let env = Env::new(Servers::one(Target::attach(&url, None).unwrap()), None);
    tokio::time::timeout(LIMIT, run_all(&env, dir.path()))
        .await
        .expect("the scenarios finished in time");
    server.shutdown().await.unwrap();
}

async fn run_all(env: &Env, dir: &std::path::Path) {
    let c = connect::run(
        env,
        &ConnectArgs {
            conns: 50,
            accounts: 5,
            concurrency: 16,
            hold: 0.2,
        },
    )
    .await
    .unwrap();
    assert_eq!((c.connected, c.failed, c.dropped_while_held), (50, 0, 0));

    let f = fanout::run(env, &fanout_args()).await.unwrap();
    assert!(f.sent > 0 && f.acked == f.sent, "{f:?}");
    assert_eq!(f.delivered, f.acked * 5, "{f:?}");
    assert!(f.clean(), "{f:?}");

    let i = ingest::run(
        env,
        &IngestArgs {
            publishers: 4,
            accounts: 2,
            rate: 20.0,
            payload: 100,
            duration: 1.0,
            drain: 5.0,
        },
    )
    .await
    .unwrap();
    assert!(
        i.phase.acked > 0 && i.unacked == 0 && i.phase.clean(),
        "{i:?}"
    );

    let r = reconnect::run(
        env,
        &ReconnectArgs {
            groups: 2,
            members: 5,
            rate: 40.0,
            publishers: 2,
            missed: 10,
            payload: 100,
            timeout: 10.0,
            concurrency: 16,
        },
    )
    .await
    .unwrap();
    assert!(r.missed_min >= 10, "{r:?}");
    assert_eq!(
        (r.gaps, r.duplicates, r.lost, r.errors, r.dropped),
        (0, 0, 0, 0, 0),
        "{r:?}"
    );
    assert!(r.replayed >= 10 * 10, "{r:?}");

    let svg = dir.join("ladder.svg");
    let l = ladder::run(
        env,
        &LadderArgs {
            fanout: FanoutArgs {
                duration: 0.5,
                ..fanout_args()
            },
            rates: vec![10.0, 20.0],
            factor: 2.0,
            max_steps: 2,
            stop_p99_ms: 60_000.0,
            slo_p99_ms: 60_000.0,
            svg: svg.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(l.steps.len(), 2);
    assert!(l.steps.iter().all(|s| s.clean()), "{l:?}");
    assert_eq!(
        l.sustained_deliveries_per_s_within_slo, l.best_deliveries_per_s_within_slo,
        "{l:?}"
    );
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<polyline"));

    // the control needs no server
    let c = loopback::run(&LoopbackArgs {
        conns: 20,
        groups: 2,
        rate: 2_000.0,
        writers: 2,
        payload: 350,
        duration: 0.5,
    })
    .await
    .unwrap();
    assert!(c.written > 0, "{c:?}");
    assert_eq!((c.received, c.lost), (c.written, 0), "{c:?}");
    assert_eq!(c.latency.count, c.received, "{c:?}");
    assert_eq!(c.writer_lateness.count, c.received, "{c:?}");
    assert_eq!(c.in_flight.count, c.received, "{c:?}");
    assert!(c.in_flight.max_ms <= c.latency.max_ms, "{c:?}");
    assert!(
        c.writer_cpu_us_per_message.is_some_and(|us| us > 0.0),
        "{c:?}"
    );
    assert!(
        c.writer_kernel_us_per_message
            .zip(c.writer_cpu_us_per_message)
            .is_some_and(|(kernel, all)| kernel <= all),
        "{c:?}"
    );
}
