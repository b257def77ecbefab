//! Privacy through every path a third member can read: private messages, clarification
//! questions and answers, seen by carol — who is neither their author nor their target —
//! through paged history whose pages straddle long runs of hidden messages, through
//! replay from the database (the replay memory off, or too small), and through
//! `join {since}` after a restart. She gets exactly the public messages: no hidden one,
//! and no short or empty page that would end her paging early.

use anyhow::ensure;
use quid_shared::{ClientFrame, Id, Message, MessageKind};
use quid_tests::{TestServer, TestUser, WsClient};

/// Private messages sent in a row: longer than the history pages read here.
const HIDDEN_RUN: usize = 9;
/// Public messages in a row.
const PUBLIC_RUN: usize = 2;

/// The group's whole history and who is in it.
struct Mixed {
    alice: TestUser,
    bob: TestUser,
    carol: TestUser,
    group: Id,
    /// Every message, in seq order.
    all: Vec<Message>,
}

impl Mixed {
    /// What carol may see: the public messages.
    fn public(&self) -> Vec<Message> {
        self.all.iter().filter(|m| !m.private).cloned().collect()
    }

    fn head(&self) -> i64 {
        self.all.last().map_or(0, |m| m.seq)
    }
}

fn send(group: Id, content: String, client_id: String, to: Option<&str>) -> ClientFrame {
    ClientFrame::Send {
        group,
        content,
        client_id,
        reply_to: None,
        to: to.map(str::to_owned),
    }
}

/// alice, bob and carol in one group, with a history of `blocks` blocks — each
/// [`PUBLIC_RUN`] public messages and a run of `hidden_run` private ones between alice
/// and bob — then bob's clarification question and his answer, and [`HIDDEN_RUN`]
/// private messages last.
async fn mixed_history(
    server: &TestServer,
    blocks: usize,
    hidden_run: usize,
) -> anyhow::Result<Mixed> {
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Mixed", &[&bob, &carol]).await?.id;

    let mut sends = Vec::new();
    for block in 0..blocks {
        for n in 0..PUBLIC_RUN {
            sends.push(send(
                group,
                format!("public {block}.{n}"),
                format!("p{block}.{n}"),
                None,
            ));
        }
        for n in 0..hidden_run {
            let (text, id) = (format!("for bob {block}.{n}"), format!("s{block}.{n}"));
            sends.push(send(group, text, id, Some("bob")));
        }
    }
    server.connect(&alice).await?.send_all(&sends, 64).await?;

    // bob's vague offer: a question only he sees, his answer, the public commitment
    let mut b = server.connect(&bob).await?;
    b.join(group, None).await?;
    b.send_message(group, "I'll do some work if Alice does 5h", "vague")
        .await?;
    wait_kind(&mut b, MessageKind::ClarificationRequest).await?;
    let answer = b.send_message(group, "3 hours", "answer").await?;
    ensure!(
        answer.kind == MessageKind::ClarificationResponse,
        "{answer:?}"
    );
    wait_kind(&mut b, MessageKind::Commitment).await?;

    let tail: Vec<ClientFrame> = (0..HIDDEN_RUN)
        .map(|n| {
            send(
                group,
                format!("for alice {n}"),
                format!("t{n}"),
                Some("alice"),
            )
        })
        .collect();
    b.send_all(&tail, 64).await?;

    // every message is seen by alice or bob (each sees all but the other's questions)
    let mut all = server.history(&alice, group).await?;
    all.extend(server.history(&bob, group).await?);
    all.sort_by_key(|m| m.seq);
    all.dedup_by_key(|m| m.id);
    for (at, message) in all.iter().enumerate() {
        ensure!(
            message.seq == at as i64 + 1,
            "the fixture has a gap at {at}"
        );
    }
    // the private messages, the question and the answer, the tail
    let hidden = all.iter().filter(|m| m.private).count();
    ensure!(
        hidden >= blocks * hidden_run + 2 + HIDDEN_RUN,
        "{hidden} hidden"
    );
    Ok(Mixed {
        alice,
        bob,
        carol,
        group,
        all,
    })
}

/// The next message of `kind` on `socket`.
async fn wait_kind(socket: &mut WsClient, kind: MessageKind) -> anyhow::Result<Message> {
    loop {
        let message = socket.next_message().await?;
        if message.kind == kind {
            return Ok(message);
        }
    }
}

/// carol's replay joining with `since` is exactly the public messages after it, and
/// `joined` names the group's head (so her cursor moves past the hidden tail).
async fn replay_is_public_after(
    socket: &mut WsClient,
    mixed: &Mixed,
    since: i64,
) -> anyhow::Result<()> {
    let (replay, head) = socket.join(mixed.group, Some(since)).await?;
    let expected: Vec<Message> = mixed
        .public()
        .into_iter()
        .filter(|m| m.seq > since)
        .collect();
    ensure!(
        replay == expected,
        "after seq {since} carol's replay {}",
        difference(&replay, &expected)
    );
    ensure!(head == mixed.head(), "head {head}, not {}", mixed.head());
    socket
        .send_frame(&ClientFrame::Leave { group: mixed.group })
        .await?;
    socket
        .wait_for(|frame| matches!(frame, quid_shared::ServerFrame::Left { .. }).then_some(()))
        .await
}

/// Where `got` first differs from `expected`, in a line.
fn difference(got: &[Message], expected: &[Message]) -> String {
    let at = got.iter().zip(expected).take_while(|(g, e)| g == e).count();
    let seq = |list: &[Message]| list.get(at).map(|m| m.seq);
    format!(
        "has {} messages, not {}; at {at} seq {:?} instead of {:?}",
        got.len(),
        expected.len(),
        seq(got),
        seq(expected)
    )
}

/// Paged forwards and backwards at several page sizes, carol's history is every public
/// message once: each page but the last is full, `has_more` is true until the last
/// page, and no page is empty — also when a page starts inside a run of hidden ones.
#[tokio::test]
async fn paged_history_straddles_hidden_runs() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mixed = mixed_history(&server, 4, HIDDEN_RUN).await?;
    let public = mixed.public();
    let (carol, group) = (&mixed.carol, mixed.group);
    for limit in [1, 2, 5, 7] {
        let mut forwards: Vec<Message> = Vec::new();
        loop {
            let after = forwards.last().map_or(0, |m| m.seq);
            let page = server
                .history_page(carol, group, &format!("?after={after}&limit={limit}"))
                .await?;
            assert!(!page.messages.is_empty(), "an empty page after {after}");
            let full = page.messages.len() == limit;
            assert!(
                full || !page.has_more,
                "a short page after {after} says there is more"
            );
            forwards.extend(page.messages);
            if !page.has_more {
                break;
            }
        }
        assert!(
            forwards == public,
            "forwards by {limit}: {}",
            difference(&forwards, &public)
        );

        let mut backwards: Vec<Message> = Vec::new();
        loop {
            let query = match backwards.first() {
                Some(oldest) => format!("?before={}&limit={limit}", oldest.seq),
                None => format!("?limit={limit}"),
            };
            let page = server.history_page(carol, group, &query).await?;
            assert!(!page.messages.is_empty(), "an empty page for {query}");
            let full = page.messages.len() == limit;
            assert!(
                full || !page.has_more,
                "a short page for {query} says there is more"
            );
            let mut older = page.messages;
            older.extend(backwards);
            backwards = older;
            if !page.has_more {
                break;
            }
        }
        assert!(
            backwards == public,
            "backwards by {limit}: {}",
            difference(&backwards, &public)
        );
    }
    // a page that starts on a hidden message begins with the next public one
    for hidden in mixed.all.iter().filter(|m| m.private) {
        let page = server
            .history_page(carol, group, &format!("?after={}&limit=2", hidden.seq))
            .await?;
        let expected: Vec<&Message> = public
            .iter()
            .filter(|m| m.seq > hidden.seq)
            .take(2)
            .collect();
        assert_eq!(page.messages.iter().collect::<Vec<_>>(), expected);
    }
    // while bob does see what is hidden from carol
    let bobs = server.history(&mixed.bob, group).await?;
    assert!(
        bobs.iter()
            .any(|m| m.kind == MessageKind::ClarificationRequest)
    );
    assert!(
        bobs.iter()
            .any(|m| m.kind == MessageKind::ClarificationResponse)
    );
    assert!(bobs.len() > public.len() + 2 * HIDDEN_RUN);
    server.shutdown().await
}

/// With no replay memory, carol's replay comes from the database, over more than one of
/// its pages of a thousand: from any `since`, exactly the public messages after it.
#[tokio::test]
async fn database_replay_shows_only_public_messages() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.replay_cache_kib = 0;
        config.rate_limit = 100_000;
        config.rate_burst = 100_000;
    })
    .await?;
    // 1 100 public messages, a private one after every other
    let mixed = mixed_history(&server, 550, 1).await?;
    let mut c = server.connect(&mixed.carol).await?;
    let step = (mixed.all.len() / 40).max(1);
    let mut points: Vec<i64> = (0..mixed.head()).step_by(step).collect();
    points.extend(mixed.all.iter().rev().take(HIDDEN_RUN + 4).map(|m| m.seq));
    for since in points {
        replay_is_public_after(&mut c, &mixed, since).await?;
    }
    server.shutdown().await
}

/// With a replay memory of only the newest few messages, carol's rejoins are answered
/// from memory or from the database depending on `since`: the same public messages.
#[tokio::test]
async fn small_replay_memory_shows_only_public_messages() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| config.replay_cache_kib = 16).await?;
    let mixed = mixed_history(&server, 4, HIDDEN_RUN).await?;
    let mut c = server.connect(&mixed.carol).await?;
    for since in 0..=mixed.head() {
        replay_is_public_after(&mut c, &mixed, since).await?;
    }
    server.shutdown().await
}

/// After a restart (the replay memory empty, then filling again), carol's rejoins from
/// before and after it show only the public messages.
#[tokio::test]
async fn rejoin_after_a_restart_shows_only_public_messages() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut mixed = mixed_history(&server, 2, HIDDEN_RUN).await?;
    let server = server.restart().await?;
    let mut c = server.connect(&mixed.carol).await?;
    for since in 0..=mixed.head() {
        replay_is_public_after(&mut c, &mixed, since).await?;
    }
    // more of both after the restart, kept in memory this time
    let before = mixed.head();
    let mut a = server.connect(&mixed.alice).await?;
    let sends: Vec<ClientFrame> = (0..6)
        .map(|n| {
            let to = (n % 3 != 0).then_some("bob");
            send(mixed.group, format!("after {n}"), format!("after-{n}"), to)
        })
        .collect();
    mixed.all.extend(a.send_all(&sends, 8).await?);
    for since in [0, before - 1, before, before + 1, mixed.head()] {
        replay_is_public_after(&mut c, &mixed, since).await?;
    }
    server.shutdown().await
}
