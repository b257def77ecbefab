//! `loopback`: the control experiment. The traffic of a fan-out — rounds of one message to
//! each connection of a group, G groups of N/G connections on 127.0.0.1 with their rounds
//! spread evenly, written by W threads — over plain TCP, with no
//! server, no protocol and no database in the loop. Its latency and the stall probe show
//! what the machine itself does with that traffic: the floor under every fan-out number.
//! Each message carries its round's scheduled time and the time the round's writing
//! began, so the latency splits into the writer's lateness and the time in flight.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use serde::Serialize;

use crate::BenchError;
use crate::cli::LoopbackArgs;
use crate::clock;
use crate::meter::Meter;
use crate::proc_stats::{CpuTime, Proc};
use crate::stall::{Probe, StallSummary};
use crate::stats::{LatencySummary, new_histogram};

/// Bytes at the front of each message: the scheduled time, then the round's start.
const STAMPS: usize = 16;

/// How long the reader waits for the last messages after the writers stop.
const DRAIN: Duration = Duration::from_secs(2);

/// What `loopback` measured.
#[derive(Debug, Serialize)]
pub struct LoopbackResult {
    pub written: u64,
    pub received: u64,
    pub lost: u64,
    pub messages_per_s: f64,
    /// Scheduled write time to receipt.
    pub latency: LatencySummary,
    /// Scheduled time to the start of writing the round: the writer thread falling
    /// behind (woken late, or slowed down), per message.
    pub writer_lateness: LatencySummary,
    /// Start of writing the round to receipt: the writes ahead in the round, the
    /// kernel's loopback path and the reader.
    pub in_flight: LatencySummary,
    pub machine_stall: StallSummary,
    /// CPU of this process (writers and reader) as a percentage of one core.
    pub cpu_pct: Option<f64>,
    /// The writer threads' CPU per message written, µs: what one `write` per delivery
    /// costs on this machine, the floor under a server's CPU per delivery.
    pub writer_cpu_us_per_message: Option<f64>,
    /// The part of `writer_cpu_us_per_message` spent in the kernel.
    pub writer_kernel_us_per_message: Option<f64>,
}

/// Runs the scenario.
pub async fn run(a: &LoopbackArgs) -> Result<LoopbackResult, BenchError> {
    if a.conns == 0 || a.writers == 0 || a.groups == 0 || a.rate <= 0.0 || a.payload < STAMPS {
        return Err(BenchError::Usage(format!(
            "--conns, --groups, --writers and --rate must be positive, --payload at least \
             {STAMPS}"
        )));
    }
    let a = a.clone();
    let us = |v: Option<f64>| v.map_or("-".into(), |us| format!("{us:.2}"));
    let result = tokio::task::spawn_blocking(move || measure(&a))
        .await
        .map_err(|e| BenchError::Protocol(format!("loopback run failed: {e}")))??;
    println!(
        "loopback: {} of {} messages in {:.0}/s; latency p50 {:.2} ms p90 {:.2} ms p99 {:.2} ms \
         max {:.2} ms (writer late p99 {:.2} ms, in flight p99 {:.2} ms); lost {}; stalls \
         over 5 ms {} (longest {:.2} ms); CPU {}%, writers {} µs per message ({} in the kernel)",
        result.received,
        result.written,
        result.messages_per_s,
        result.latency.p50_ms,
        result.latency.p90_ms,
        result.latency.p99_ms,
        result.latency.max_ms,
        result.writer_lateness.p99_ms,
        result.in_flight.p99_ms,
        result.lost,
        result.machine_stall.stalls_over_5ms,
        result.machine_stall.oversleep.max_ms,
        result.cpu_pct.map_or("-".into(), |p| format!("{p:.0}")),
        us(result.writer_cpu_us_per_message),
        us(result.writer_kernel_us_per_message),
    );
    Ok(result)
}

fn measure(a: &LoopbackArgs) -> Result<LoopbackResult, BenchError> {
    let io = |what: &'static str| move |e| BenchError::io(what, e);
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("binding the loopback listener"))?;
    let addr = listener.local_addr().map_err(io("loopback address"))?;
    let mut senders = Vec::with_capacity(a.conns);
    let mut receivers = Vec::with_capacity(a.conns);
    for _ in 0..a.conns {
        let receiver = TcpStream::connect(addr).map_err(io("connecting on loopback"))?;
        let (sender, _) = listener.accept().map_err(io("accepting on loopback"))?;
        sender.set_nodelay(true).map_err(io("TCP_NODELAY"))?;
        receiver.set_nonblocking(true).map_err(io("non-blocking"))?;
        senders.push(sender);
        receivers.push(receiver);
    }
    // each group gets a round every interval; the groups' rounds take turns
    let groups = a.groups.min(a.conns);
    let slots_per_s = a.rate / a.conns as f64 * groups as f64;
    let duration = Duration::from_secs_f64(a.duration.max(0.1));
    let written = Arc::new(AtomicU64::new(0));
    let received = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let cpu = Meter::default().mark();
    let probe = Probe::start();
    let start = Instant::now() + Duration::from_millis(20);
    let reader = {
        let (done, count, payload) = (Arc::clone(&done), Arc::clone(&received), a.payload);
        std::thread::Builder::new()
            .name("quid-bench-loop-read".into())
            .spawn(move || read_all(&receivers, payload, (&count, &done)))
            .map_err(io("starting the reader"))?
    };
    let writers: Vec<_> = (0..a.writers)
        .map(|w| {
            // this writer's share of each group (connection i is in group i % groups)
            let mut mine: Vec<Vec<TcpStream>> = (0..groups).map(|_| Vec::new()).collect();
            for (i, sender) in senders.iter().enumerate() {
                if (i / groups) % a.writers == w {
                    if let Ok(s) = sender.try_clone() {
                        mine[i % groups].push(s);
                    }
                }
            }
            let (written, payload) = (Arc::clone(&written), a.payload);
            let schedule = (start, slots_per_s, duration);
            std::thread::Builder::new()
                .name(format!("quid-bench-loop-write-{w}"))
                .spawn(move || write_rounds(mine, schedule, payload, &written))
        })
        .collect::<io::Result<_>>()
        .map_err(io("starting the writers"))?;
    let mut writers_cpu = Some(CpuTime::default());
    for writer in writers {
        let used = writer.join().ok().flatten();
        writers_cpu = writers_cpu.zip(used).map(|(sum, used)| sum + used);
    }
    let expected = written.load(Ordering::Relaxed);
    let deadline = Instant::now() + DRAIN;
    while received.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    done.store(true, Ordering::Relaxed);
    let [histogram, lateness, in_flight] = reader
        .join()
        .map_err(|_| BenchError::Protocol("the loopback reader panicked".into()))?;
    let used = cpu.used_until_now(&Meter::default());
    let machine_stall = probe.finish();
    let per_message = |cpu: Option<Duration>| {
        cpu.filter(|_| expected > 0)
            .map(|d| d.as_secs_f64() * 1e6 / expected as f64)
    };
    let received = histogram.len();
    Ok(LoopbackResult {
        written: expected,
        received,
        lost: expected.saturating_sub(received),
        messages_per_s: received as f64 / duration.as_secs_f64(),
        latency: LatencySummary::of(&histogram),
        writer_lateness: LatencySummary::of(&lateness),
        in_flight: LatencySummary::of(&in_flight),
        machine_stall,
        cpu_pct: used
            .me
            .map(|t| 100.0 * t.total().as_secs_f64() / used.wall.as_secs_f64()),
        writer_cpu_us_per_message: per_message(writers_cpu.map(|t| t.total())),
        writer_kernel_us_per_message: per_message(writers_cpu.map(|t| t.system)),
    })
}

/// One writer: in each slot, the next group's round — a message stamped with the slot's
/// scheduled time and the round's start to each of this writer's connections of that
/// group — until `duration` has passed. Returns the CPU time the thread used.
fn write_rounds(
    mut groups: Vec<Vec<TcpStream>>,
    (start, slots_per_s, duration): (Instant, f64, Duration),
    payload: usize,
    written: &AtomicU64,
) -> Option<CpuTime> {
    let interval = Duration::from_secs_f64(1.0 / slots_per_s);
    let mut message = vec![b'x'; payload];
    let count = groups.len();
    let mut slot = 0u32;
    loop {
        let due = start + interval * slot;
        if due >= start + duration {
            return Proc::ThisThread.cpu_time().ok();
        }
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        message[..8].copy_from_slice(&clock::stamp_of(due).to_le_bytes());
        message[8..STAMPS].copy_from_slice(&clock::now_stamp().to_le_bytes());
        for conn in &mut groups[slot as usize % count] {
            if conn.write_all(&message).is_ok() {
                written.fetch_add(1, Ordering::Relaxed);
            }
        }
        slot += 1;
    }
}

/// The reader: every message's latency, the writer's lateness and the time in flight,
/// counted in `received`, until `done` is set.
fn read_all(
    conns: &[TcpStream],
    payload: usize,
    (received, done): (&AtomicU64, &AtomicBool),
) -> [Histogram<u64>; 3] {
    let [mut latency, mut lateness, mut in_flight] = [(); 3].map(|()| new_histogram());
    let Ok(mut poll) = Poll::new() else {
        return [latency, lateness, in_flight];
    };
    for (i, conn) in conns.iter().enumerate() {
        let fd = conn.as_raw_fd();
        let _ = poll
            .registry()
            .register(&mut SourceFd(&fd), Token(i), Interest::READABLE);
    }
    // bytes of a message begun in an earlier read, per connection
    let mut partial: Vec<Vec<u8>> = vec![Vec::new(); conns.len()];
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    while !done.load(Ordering::Relaxed) {
        if poll
            .poll(&mut events, Some(Duration::from_millis(50)))
            .is_err()
        {
            continue;
        }
        for event in &events {
            let i = event.token().0;
            let mut conn = &conns[i];
            loop {
                let n = match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let held = &mut partial[i];
                held.extend_from_slice(&buf[..n]);
                let whole = held.len() / payload * payload;
                // one reading of the clock for both stamps, so in flight <= total
                let now = clock::now_stamp();
                for message in held[..whole].chunks_exact(payload) {
                    let stamp = |at: usize| {
                        let mut bytes = [0u8; 8];
                        bytes.copy_from_slice(&message[at..at + 8]);
                        now.saturating_sub(u64::from_le_bytes(bytes)) / 1000
                    };
                    let (total, flying) = (stamp(0), stamp(8));
                    latency.saturating_record(total.max(1));
                    in_flight.saturating_record(flying.max(1));
                    lateness.saturating_record(total.saturating_sub(flying).max(1));
                    received.fetch_add(1, Ordering::Relaxed);
                }
                held.drain(..whole);
                if n < buf.len() {
                    break;
                }
            }
        }
    }
    [latency, lateness, in_flight]
}
