//! One process per data directory: a second `quid-server` started on a data dir that a
//! running one uses (an overlapping restart, a second unit by mistake) would assign the
//! same `seq`s and never see the other's messages, so it refuses to start and names the
//! holder. The lock is `flock` on `<data-dir>/quid.lock`: the kernel releases it when the
//! holder's process ends, however it ends, so a `kill -9` never leaves a stale lock.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Name of the lock file under the data directory.
pub const LOCK_FILE: &str = "quid.lock";

/// Why the data directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock.
    #[error(
        "data directory {dir} is in use by another quid-server (pid {holder}); stop it first, \
         or give this one its own --data-dir"
    )]
    InUse { dir: PathBuf, holder: String },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The held lock; released when dropped or by [`release`](Self::release).
#[derive(Debug)]
pub struct DataDirLock {
    file: Mutex<Option<File>>,
}

impl DataDirLock {
    /// Locks `dir` (which must exist) for this process, writing its pid into the lock file.
    pub fn acquire(dir: &Path) -> Result<DataDirLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        if let Err(e) = try_lock(&file) {
            if e.kind() != std::io::ErrorKind::WouldBlock {
                return Err(io(e));
            }
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => "unknown".to_owned(),
                pid => pid.to_owned(),
            };
            return Err(LockError::InUse {
                dir: dir.to_path_buf(),
                holder,
            });
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(DataDirLock {
            file: Mutex::new(Some(file)),
        })
    }

    /// Gives the directory up (at shutdown, once everything in it is written).
    pub fn release(&self) {
        let file = match self.file.lock() {
            Ok(mut file) => file.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        drop(file);
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: per open file, so a second opening in the same process is
/// refused too.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: `flock` on a descriptor this `File` owns and keeps open.
    let done = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A second lock on the same directory is refused with the holder's pid, and granted
    /// once the first is released.
    #[test]
    fn second_lock_is_refused_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        match DataDirLock::acquire(dir.path()) {
            Err(LockError::InUse { holder, .. }) => {
                assert_eq!(holder, std::process::id().to_string());
            }
            other => panic!("expected InUse, got {other:?}"),
        }
        first.release();
        DataDirLock::acquire(dir.path()).unwrap();
    }
}
