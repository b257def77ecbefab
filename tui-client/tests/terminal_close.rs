//! The chat in a real pseudo-terminal whose other end then closes, as when the terminal
//! window is closed or its tmux session killed: the chat must end on its own, without
//! crashing, and keep the read markers.

#![cfg(target_os = "linux")]

mod common;

use std::ffi::CStr;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use common::{STEP, Server, TestResult, User, team};

/// A new pseudo-terminal of 80x24: (controlling side, terminal side).
fn open_pty() -> std::io::Result<(File, OwnedFd)> {
    // SAFETY: plain libc calls on descriptors this function owns; every result is checked.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        if master < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let master = File::from_raw_fd(master);
        let fd = master.as_raw_fd();
        if libc::grantpt(fd) != 0 || libc::unlockpt(fd) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut name = [0 as libc::c_char; 128];
        if libc::ptsname_r(fd, name.as_mut_ptr(), name.len()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        if libc::ioctl(fd, libc::TIOCSWINSZ, &size) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let path = CStr::from_ptr(name.as_ptr());
        let slave = libc::open(
            path.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        if slave < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok((master, OwnedFd::from_raw_fd(slave)))
    }
}

/// Reads the terminal's output until `needle` shows up; gives the terminal back.
fn read_until(mut master: File, needle: &[u8]) -> (File, Result<(), String>) {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match master.read(&mut buffer) {
            Ok(0) | Err(_) => {
                let text = String::from_utf8_lossy(&seen).into_owned();
                return (master, Err(format!("the chat stopped drawing: {text:?}")));
            }
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
        if seen.windows(needle.len()).any(|w| w == needle) {
            return (master, Ok(()));
        }
    }
}

/// `trap true HUP; quid` in a terminal that is then closed: quid gets SIGHUP, finds every
/// write to the terminal failing, and still exits normally (0, not an abort) with the read
/// markers saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_terminal_ends_the_chat_cleanly_and_keeps_the_markers() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    alice
        .ok(&["send", "-g", "team", "seen-before-the-window-closed"])
        .await?;

    let (master, slave) = open_pty()?;
    let mut command = alice.command(&[]);
    command
        .stdin(Stdio::from(slave.try_clone()?))
        .stdout(Stdio::from(slave.try_clone()?))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // A session of its own, with the pseudo-terminal as its controlling terminal,
            // so that closing the terminal sends it SIGHUP as a shell's job would get.
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut chat = command.spawn()?;
    drop(command);

    // The message on screen means the chat is running its event loop.
    let reading =
        tokio::task::spawn_blocking(move || read_until(master, b"seen-before-the-window-closed"));
    let (master, drawn) = tokio::time::timeout(STEP, reading)
        .await
        .map_err(|_| "the chat never showed the message")??;
    drawn?;
    drop(master);

    let status = tokio::time::timeout(STEP, chat.wait())
        .await
        .map_err(|_| "the chat did not end when its terminal closed")??;
    assert_eq!(status.signal(), None, "killed by a signal: {status:?}");
    assert_eq!(status.code(), Some(0), "{status:?}");

    let markers = std::fs::read_to_string(alice.config_dir().join("read-markers.json"))
        .map_err(|e| format!("no read markers were saved: {e}"))?;
    let markers: serde_json::Value = serde_json::from_str(&markers)?;
    let groups = alice.ok(&["groups", "--json"]).await?;
    let group: serde_json::Value = serde_json::from_str(groups.lines().next().ok_or("no group")?)?;
    let id = group["id"].as_str().ok_or("no group id")?;
    let account = markers
        .as_object()
        .and_then(|accounts| accounts.values().next())
        .ok_or("no account in the markers")?;
    assert_eq!(account[id], 1, "team read up to its one message: {markers}");
    Ok(())
}

/// `quid` in a new 80x24 pseudo-terminal of its own.
fn spawn_chat(user: &User) -> Result<(tokio::process::Child, File), Box<dyn std::error::Error>> {
    let (master, slave) = open_pty()?;
    let mut command = user.command(&[]);
    command
        .stdin(Stdio::from(slave.try_clone()?))
        .stdout(Stdio::from(slave.try_clone()?))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Ok((command.spawn()?, master))
}

/// Waits until the terminal shows `needle`.
async fn shows(master: File, needle: &'static [u8]) -> Result<File, Box<dyn std::error::Error>> {
    let reading = tokio::task::spawn_blocking(move || read_until(master, needle));
    let (master, drawn) = tokio::time::timeout(STEP, reading).await.map_err(|_| {
        format!(
            "the chat never showed {:?}",
            String::from_utf8_lossy(needle)
        )
    })??;
    drawn?;
    Ok(master)
}

/// With the server down, the chat opens from what it kept of its last run (the group and
/// its name), says the server is down, and connects once the server is back; it quits
/// cleanly at 80x24.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_opens_while_the_server_is_down() -> TestResult {
    let mut server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    alice
        .ok(&["send", "-g", "team", "kept-from-last-time"])
        .await?;
    let (mut chat, master) = spawn_chat(&alice)?;
    let master = shows(master, b"kept-from-last-time").await?;
    drop(master);
    tokio::time::timeout(STEP, chat.wait()).await??;
    assert!(alice.config_dir().join("chat-state.json").exists());

    server.stop().await?;
    let (mut chat, master) = spawn_chat(&alice)?;
    let master = shows(master, b"the server is down").await?;
    server.restart().await?;
    // once connected, the group's messages are replayed onto the screen
    let master = shows(master, b"kept-from-last-time").await?;
    drop(master);
    let status = tokio::time::timeout(STEP, chat.wait())
        .await
        .map_err(|_| "the chat did not end when its terminal closed")??;
    assert_eq!(status.code(), Some(0), "{status:?}");
    Ok(())
}
