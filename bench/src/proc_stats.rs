//! CPU time and resident memory of a process, read from `/proc`, so server and load
//! generator costs are measured separately even though they share the machine; and the
//! file-descriptor limit, raised so one process can hold thousands of sockets.

use std::time::Duration;

use crate::BenchError;

/// Which process to read: a server's pid, this process, or the calling thread alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proc {
    Pid(u32),
    Myself,
    ThisThread,
}

impl Proc {
    fn path(self, file: &str) -> String {
        match self {
            Proc::Pid(pid) => format!("/proc/{pid}/{file}"),
            Proc::Myself => format!("/proc/self/{file}"),
            Proc::ThisThread => format!("/proc/thread-self/{file}"),
        }
    }

    fn pid(self) -> u32 {
        match self {
            Proc::Pid(pid) => pid,
            Proc::Myself | Proc::ThisThread => std::process::id(),
        }
    }

    fn read(self, file: &str) -> Result<String, BenchError> {
        std::fs::read_to_string(self.path(file)).map_err(|e| BenchError::Proc {
            pid: self.pid(),
            reason: e.to_string(),
        })
    }

    /// User and system CPU time so far: of all the process's threads, or of this thread.
    pub fn cpu_time(self) -> Result<CpuTime, BenchError> {
        if self == Proc::ThisThread {
            // finer than `/proc`'s clock ticks, for a thread's short runs
            return thread_rusage().ok_or_else(|| BenchError::Proc {
                pid: self.pid(),
                reason: "getrusage(RUSAGE_THREAD) failed".into(),
            });
        }
        let (user, system) = cpu_ticks(&self.read("stat")?).ok_or_else(|| BenchError::Proc {
            pid: self.pid(),
            reason: "unreadable stat line".into(),
        })?;
        let secs = |ticks: u64| Duration::from_secs_f64(ticks as f64 / clock_ticks_per_sec());
        Ok(CpuTime {
            user: secs(user),
            system: secs(system),
        })
    }

    /// Resident set size in bytes.
    pub fn rss_bytes(self) -> Result<u64, BenchError> {
        vm_rss_kib(&self.read("status")?)
            .map(|kib| kib * 1024)
            .ok_or_else(|| BenchError::Proc {
                pid: self.pid(),
                reason: "no VmRSS line".into(),
            })
    }
}

/// CPU time split into the process's own code (user) and the kernel working for it
/// (system: syscalls, and on loopback the TCP stack of both ends of a write).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTime {
    pub user: Duration,
    pub system: Duration,
}

impl std::ops::Add for CpuTime {
    type Output = CpuTime;

    fn add(self, other: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user + other.user,
            system: self.system + other.system,
        }
    }
}

impl std::iter::Sum for CpuTime {
    fn sum<I: Iterator<Item = CpuTime>>(iter: I) -> CpuTime {
        iter.fold(CpuTime::default(), |a, b| a + b)
    }
}

impl CpuTime {
    pub fn total(self) -> Duration {
        self.user + self.system
    }

    /// The time used since `earlier` (zero where the counter went backwards).
    pub fn saturating_sub(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }
}

/// The calling thread's user and system time, to the microsecond.
fn thread_rusage() -> Option<CpuTime> {
    // SAFETY: an all-zero rusage is a valid value for getrusage to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage for the call to fill.
    let r = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (r == 0).then(|| CpuTime {
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
    })
}

/// `(utime, stime)` from a `/proc/<pid>/stat` line (fields 14 and 15; the command name in
/// field 2 may contain spaces and parentheses, so fields are counted after the last `)`).
pub fn cpu_ticks(stat: &str) -> Option<(u64, u64)> {
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime, stime))
}

/// The `VmRSS:` value in KiB from a `/proc/<pid>/status` text.
pub fn vm_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn clock_ticks_per_sec() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

/// The pids of every process whose command name (`/proc/<pid>/comm`) is `name`, e.g.
/// `postgres` (the server and each connection's backend) or `redis-server`.
pub fn pids_named(name: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim_end() == name)
        })
        .collect()
}

/// Raises the soft open-files limit to the hard limit; returns the new soft limit.
pub fn raise_fd_limit() -> Result<u64, BenchError> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write the plain struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(BenchError::io("getrlimit", std::io::Error::last_os_error()));
        }
        lim.rlim_cur = lim.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            return Err(BenchError::io("setrlimit", std::io::Error::last_os_error()));
        }
    }
    Ok(lim.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CPU ticks are read past a command name holding spaces and parentheses.
    #[test]
    fn parses_stat_and_status() {
        let stat = "4242 (quid (server) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 \
                    1234 567 0 0 20 0 8 0 100 123456 789";
        assert_eq!(cpu_ticks(stat), Some((1234, 567)));
        let status = "Name:\tquid-server\nVmPeak:\t  9999 kB\nVmRSS:\t   20480 kB\n";
        assert_eq!(vm_rss_kib(status), Some(20480));
    }

    /// This process's own CPU time and RSS can be read.
    #[test]
    fn reads_own_process() {
        assert!(Proc::Myself.rss_bytes().unwrap() > 0);
        assert!(Proc::Myself.cpu_time().is_ok());
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(50) {
            std::hint::black_box(0);
        }
        let this = Proc::ThisThread.cpu_time().unwrap();
        assert!(this.total() <= Proc::Myself.cpu_time().unwrap().total());
    }

    /// Processes are found by their command name.
    #[test]
    fn finds_processes_by_name() {
        let me = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert!(pids_named(me.trim_end()).contains(&std::process::id()));
        assert!(pids_named("no-such-process-name").is_empty());
    }
}
