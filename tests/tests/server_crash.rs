//! Crash durability: the server program is killed with SIGKILL while several clients
//! publish, and restarted on the same data directory, round after round. Every
//! acknowledged message is in the history exactly once, `seq` has no gap, sends whose ack
//! was lost are retried with their client id and stored once, and a client that rejoins
//! with `since` gets exactly what it missed. A clarification question, once seen,
//! survives a crash too.

use std::collections::HashMap;

use anyhow::{Context, bail, ensure};
use quid_shared::{ClientFrame, Id, Message, MessageKind, ServerFrame};
use quid_tests::{Event, NodeProcess, TestUser, WsClient, node_args, node_program};
use tokio::sync::watch;

const ROUNDS: usize = 3;
const PUBLISHERS: usize = 3;
/// Acks every publisher has had before the kill; they keep sending until it lands.
const ACKS_BEFORE_KILL: usize = 25;
/// Sends a publisher keeps awaiting their ack.
const WINDOW: usize = 16;
/// The server's arguments: the test's, and frames are not what this test limits.
fn args(data_dir: &std::path::Path) -> Vec<String> {
    let mut args = node_args(data_dir);
    args.extend(["--rate-limit", "100000", "--rate-burst", "100000"].map(String::from));
    args
}

/// A send whose fate is unknown: the server died before its ack arrived.
#[derive(Debug, Clone)]
struct Unacked {
    publisher: usize,
    client_id: String,
    content: String,
}

/// What the test knows the server has promised.
#[derive(Default)]
struct Promised {
    /// Every acknowledged message, by (author, client id).
    acked: HashMap<(Id, String), Message>,
    /// Sends to retry after the restart.
    unacked: Vec<Unacked>,
    /// The last seq the watcher saw, in order.
    watched: i64,
    /// Every message the watcher was sent live.
    seen: Vec<Message>,
}

/// A SIGKILL while three clients publish, three times over, loses nothing acknowledged.
#[tokio::test]
async fn a_crash_after_the_ack_loses_nothing() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (program, args) = (node_program!(), args(dir.path()));
    let mut server = NodeProcess::spawn(program, &args).await?;
    let mut publishers = Vec::new();
    for n in 0..PUBLISHERS {
        publishers.push(server.register(&format!("publisher{n}")).await?);
    }
    let watcher = server.register("watcher").await?;
    let mut members: Vec<&TestUser> = publishers.iter().skip(1).collect();
    members.push(&watcher);
    let group = server.group(&publishers[0], "Crash", &members).await?.id;

    let mut promised = Promised::default();
    for round in 0..ROUNDS {
        let mut watch = server.connect(&watcher).await?;
        let (replay, _) = watch.join(group, Some(promised.watched)).await?;
        watched(&mut promised, replay)?;
        let watching = tokio::spawn(watch_until_closed(watch));

        let mut running = Vec::new();
        for (n, publisher) in publishers.iter().enumerate() {
            let socket = server.connect(publisher).await?;
            let (progress, acks) = watch::channel(0);
            let prefix = format!("r{round}-p{n}");
            running.push((
                acks,
                tokio::spawn(publish(socket, group, n, prefix, progress)),
            ));
        }
        for (acks, task) in &mut running {
            let enough = acks.wait_for(|n| *n >= ACKS_BEFORE_KILL);
            if !matches!(
                tokio::time::timeout(quid_tests::WAIT, enough).await,
                Ok(Ok(_))
            ) {
                if task.is_finished() {
                    task.await??; // says why it stopped
                }
                bail!("a publisher was not acknowledged {ACKS_BEFORE_KILL} times in time");
            }
        }
        server.kill().await?;

        for (_, task) in running {
            let (acked, unacked) = task.await??;
            for message in acked {
                let author = message.author.as_ref().map(|a| a.id).context("no author")?;
                let client_id = message.client_id.clone().context("no client id")?;
                promised.acked.insert((author, client_id), message);
            }
            promised.unacked.extend(unacked);
        }
        let live = watching.await??;
        watched(&mut promised, live)?;

        server = NodeProcess::spawn(program, &args).await?;
        check_and_retry(&server, &publishers, &watcher, group, &mut promised)
            .await
            .with_context(|| format!("after the kill of round {round}"))?;
    }
    server.kill().await
}

/// The question bob is asked about his vague offer is open after a SIGKILL the moment he
/// has it: his answer after the restart is read as its answer and completes the offer.
#[tokio::test]
async fn a_question_once_seen_survives_a_crash() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (program, args) = (node_program!(), args(dir.path()));
    let server = NodeProcess::spawn(program, &args).await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Asked", &[&bob]).await?.id;
    let mut b = server.connect(&bob).await?;
    b.join(group, None).await?;
    b.send_message(group, "I'll do some work if Alice does 5h", "vague")
        .await?;
    let question = loop {
        let message = b.next_message().await?;
        if message.kind == MessageKind::ClarificationRequest {
            break message;
        }
    };
    server.kill().await?;

    let server = NodeProcess::spawn(program, &args).await?;
    let mut b = server.connect(&bob).await?;
    b.join(group, Some(question.seq)).await?;
    let reply = b.send_message(group, "3 hours", "reply").await?;
    ensure!(
        reply.kind == MessageKind::ClarificationResponse,
        "the answer was not taken as one: {reply:?}"
    );
    let done = loop {
        let message = b.next_message().await?;
        if message.kind == MessageKind::Commitment {
            break message;
        }
    };
    assert_eq!(
        done.content,
        "bob committed: 3 hours of work if alice does ≥ 5 hours of work"
    );
    server.kill().await
}

/// After a restart: the history holds every promise, the watcher's rejoin replays exactly
/// what it missed, and the unacknowledged sends, retried, are each stored once.
async fn check_and_retry(
    server: &NodeProcess,
    publishers: &[TestUser],
    watcher: &TestUser,
    group: Id,
    promised: &mut Promised,
) -> anyhow::Result<()> {
    let history = server.history(watcher, group).await?;
    let stored = check_history(&history, promised)?;

    let mut rejoined = server.connect(watcher).await?;
    let (replay, head) = rejoined.join(group, Some(promised.watched)).await?;
    let missed: Vec<&Message> = history
        .iter()
        .filter(|m| m.seq > promised.watched)
        .collect();
    ensure!(
        replay.iter().collect::<Vec<_>>() == missed,
        "the rejoin after seq {} replayed {:?}, not the {} messages missed",
        promised.watched,
        replay.iter().map(|m| m.seq).collect::<Vec<_>>(),
        missed.len()
    );
    ensure!(head == history.last().map_or(0, |m| m.seq), "head {head}");
    watched(promised, replay)?;

    // the unacknowledged sends, retried with their client ids
    let retries = std::mem::take(&mut promised.unacked);
    let mut created = 0;
    for (n, publisher) in publishers.iter().enumerate() {
        let mine: Vec<&Unacked> = retries.iter().filter(|u| u.publisher == n).collect();
        let sends: Vec<ClientFrame> = mine.iter().map(|u| send(group, u)).collect();
        let mut socket = server.connect(publisher).await?;
        let acks = socket.send_all(&sends, WINDOW).await?;
        for (retry, ack) in mine.iter().zip(acks) {
            let key = (publisher.id(), retry.client_id.clone());
            match stored.get(&key) {
                Some(original) => ensure!(
                    &ack == *original,
                    "the retry of {} was not answered with the stored message",
                    retry.client_id
                ),
                None => {
                    ensure!(ack.seq > head, "a retry stored below the head: {ack:?}");
                    created += 1;
                }
            }
            promised.acked.insert(key, ack);
        }
    }
    eprintln!(
        "{} messages kept; {} sends retried, of which {created} had not been stored",
        history.len(),
        retries.len()
    );
    // the watcher is sent exactly the messages the retries created
    let mut live = Vec::new();
    while live.len() < created {
        live.push(rejoined.next_message().await?);
    }
    watched(promised, live)?;
    rejoined.expect_pong_next().await?;
    let history = server.history(watcher, group).await?;
    check_history(&history, promised)?;
    Ok(())
}

/// `seq` runs 1, 2, 3… with no gap; no client id is stored twice; every acknowledged
/// message and every message the watcher was sent is there, unchanged. Returns the
/// stored messages by (author, client id).
fn check_history<'h>(
    history: &'h [Message],
    promised: &Promised,
) -> anyhow::Result<HashMap<(Id, String), &'h Message>> {
    let mut stored = HashMap::new();
    for (at, message) in history.iter().enumerate() {
        ensure!(
            message.seq == at as i64 + 1,
            "seq {} at place {}: a gap",
            message.seq,
            at + 1
        );
        let author = message.author.as_ref().map(|a| a.id).context("no author")?;
        let client_id = message.client_id.clone().context("no client id")?;
        if stored.insert((author, client_id), message).is_some() {
            bail!("stored twice: {message:?}");
        }
    }
    for (key, message) in &promised.acked {
        ensure!(
            stored.get(key) == Some(&message),
            "acknowledged but not kept: {message:?}"
        );
    }
    for message in &promised.seen {
        let key = (
            message.author.as_ref().map(|a| a.id).context("no author")?,
            message.client_id.clone().context("no client id")?,
        );
        ensure!(
            stored.get(&key) == Some(&message),
            "pushed live but not kept: {message:?}"
        );
    }
    Ok(stored)
}

/// Adds what the watcher was sent, which must continue its seq without a gap or a repeat.
fn watched(promised: &mut Promised, messages: Vec<Message>) -> anyhow::Result<()> {
    for message in messages {
        ensure!(
            message.seq == promised.watched + 1,
            "the watcher got seq {} after {}",
            message.seq,
            promised.watched
        );
        promised.watched = message.seq;
        promised.seen.push(message);
    }
    Ok(())
}

/// Everything a joined socket is sent until its connection ends.
async fn watch_until_closed(mut socket: WsClient) -> anyhow::Result<Vec<Message>> {
    let mut live = Vec::new();
    loop {
        match socket.next_event().await? {
            Event::Frame(ServerFrame::NewMessage { message }) => live.push(message),
            Event::Frame(other) => bail!("the watcher got {other:?}"),
            Event::Closed(_) => return Ok(live),
        }
    }
}

/// Sends without pause, with up to [`WINDOW`] awaiting their ack, until the connection
/// ends; reports each ack on `progress`. Returns the acknowledged messages and the sends
/// still unanswered.
async fn publish(
    mut socket: WsClient,
    group: Id,
    publisher: usize,
    prefix: String,
    progress: watch::Sender<usize>,
) -> anyhow::Result<(Vec<Message>, Vec<Unacked>)> {
    let mut waiting: Vec<Unacked> = Vec::new();
    let mut acked = Vec::new();
    let mut next = 0;
    loop {
        while waiting.len() < WINDOW {
            let unacked = Unacked {
                publisher,
                client_id: format!("{prefix}-{next}"),
                content: format!("{prefix} message {next}"),
            };
            next += 1;
            // once written it may be stored, whatever the write returns
            let sent = socket.send_frame(&send(group, &unacked)).await;
            waiting.push(unacked);
            if sent.is_err() {
                return Ok((acked, waiting));
            }
        }
        match socket.next_event().await? {
            Event::Frame(ServerFrame::Ack { client_id, message }) => {
                let at = waiting
                    .iter()
                    .position(|u| u.client_id == client_id)
                    .with_context(|| format!("an ack for {client_id}, which is not waiting"))?;
                let sent = waiting.remove(at);
                ensure!(message.content == sent.content, "{message:?}");
                acked.push(message);
                progress.send_replace(acked.len());
            }
            Event::Frame(other) => bail!("publisher {publisher} got {other:?}"),
            Event::Closed(_) => return Ok((acked, waiting)),
        }
    }
}

fn send(group: Id, unacked: &Unacked) -> ClientFrame {
    ClientFrame::Send {
        group,
        content: unacked.content.clone(),
        client_id: unacked.client_id.clone(),
        reply_to: None,
        to: None,
    }
}
