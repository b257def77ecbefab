//! The optional language-model reader, end to end: the real server with `--llm-url`
//! pointing at a real HTTP server that answers from recorded replies. A good reading is
//! recorded (noting the model in `meta`); an unknown member, a reading that would widen
//! the offer, and a hedge become questions; nonsense, HTTP 500 and silence leave the
//! rules' result standing and are counted in `/metrics`; a slow model holds up no other
//! group; private messages and offers the rules read completely never reach the model.

use std::time::Duration;

use quid_server::config::Secret;
use quid_shared::{ClientFrame, Commitment, CommitmentList, Id, Message, MessageKind};
use quid_tests::model::{RecordedModel, Reply, offer};
use quid_tests::{TestServer, TestUser, WsClient};
use reqwest::{Method, StatusCode};

const KEY: &str = "sk-recorded-test-key";

const GOOD: &str = "Garden duty: 3 hours from yours truly, provided bob manages 5";
const UNKNOWN: &str = "3 hours of work from my side if Zed does 2";
const NONSENSE: &str = "sorting the garage: 4 hours, on me";
const FAILING: &str = "2 hours of work is on my side once bob does 3 hours of work";
const WIDER: &str = "bob manages 5 hours of work, then 3 hours of work are on my side";
const HEDGED: &str = "I could maybe do 3 hours of work";
const SLOW: &str = "4 hours of tidying, on me, when the sun is out";
/// Offers the rules read completely ("I'll do N hours of dishes"): the model is never
/// asked about them.
const PLAIN: &str = "hours of dishes";

fn plain(hours: u32) -> String {
    format!("I'll do {hours} {PLAIN}")
}

/// The stand-in with a recorded reply for each phrase above.
async fn recorded_model() -> anyhow::Result<RecordedModel> {
    RecordedModel::start(vec![
        (
            "Garden duty",
            Reply::Content(offer(
                &[(3.0, "hours", "gardening")],
                &[("bob", 5.0, "hours", "gardening")],
            )),
        ),
        (
            "if Zed does 2",
            Reply::Content(offer(
                &[(3.0, "hours", "work")],
                &[("Zed", 2.0, "hours", "work")],
            )),
        ),
        (
            "sorting the garage",
            Reply::Content("Sure! Alice offers 4 hours.".into()),
        ),
        ("is on my side once bob", Reply::Status(500)),
        // 8 hours, unconditionally: more than the message says
        (
            "then 3 hours of work",
            Reply::Content(offer(&[(8.0, "hours", "work")], &[])),
        ),
        (
            "could maybe do",
            Reply::Content(offer(&[(3.0, "hours", "work")], &[])),
        ),
        ("when the sun is out", Reply::Hang),
        (
            PLAIN,
            Reply::Content(offer(&[(100.0, "hours", "dishes")], &[])),
        ),
    ])
    .await
}

/// A server reading with `model`, giving it `timeout` per message.
async fn server_with(model: &RecordedModel, timeout: Duration) -> anyhow::Result<TestServer> {
    let url = model.url();
    TestServer::start_with(move |config| {
        config.llm_url = Some(url);
        config.llm_model = Some("recorded".into());
        config.llm_key = Some(Secret::new(KEY));
        config.llm_timeout = timeout;
    })
    .await
}

/// alice and bob in a group, with alice's joined socket.
async fn pair(server: &TestServer) -> anyhow::Result<(TestUser, TestUser, Id, WsClient)> {
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?.id;
    let mut socket = server.connect(&alice).await?;
    socket.join(group, None).await?;
    Ok((alice, bob, group, socket))
}

async fn expect_kind(socket: &mut WsClient, kind: MessageKind) -> anyhow::Result<Message> {
    let message = socket.next_message().await?;
    anyhow::ensure!(message.kind == kind, "expected {kind:?}, got {message:?}");
    Ok(message)
}

async fn commitments(
    server: &TestServer,
    user: &TestUser,
    group: Id,
) -> anyhow::Result<Vec<Commitment>> {
    let list: CommitmentList = server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/commitments"),
            Some(&user.token),
            None,
            StatusCode::OK,
        )
        .await?;
    Ok(list.commitments)
}

/// Sends `text`, then an offer the rules read completely (`hours` of dishes, more each
/// time, so it changes a liability): since a group's messages are read in order, the
/// plain offer's commitment comes only after `text` was dealt with. Returns what `text`
/// produced before it (the plain offer's own message left out).
async fn outcome_of(
    socket: &mut WsClient,
    group: Id,
    text: &str,
    hours: u32,
) -> anyhow::Result<Vec<Message>> {
    socket
        .send_message(group, text, &format!("tried-{hours}"))
        .await?;
    expect_kind(socket, MessageKind::User).await?;
    let offer = plain(hours);
    socket
        .send_message(group, &offer, &format!("plain-{hours}"))
        .await?;
    let want = format!("{hours} hours of dishes");
    let mut produced = Vec::new();
    loop {
        let message = socket.next_message().await?;
        if message.kind == MessageKind::Commitment && message.content.contains(&want) {
            break;
        }
        if !(message.kind == MessageKind::User && message.content == offer) {
            produced.push(message);
        }
    }
    expect_kind(socket, MessageKind::Liability).await?;
    Ok(produced)
}

/// A message the rules miss is read by the model; its complete, grounded reading is
/// recorded as the rules' would be, noting the model as its reader. The key reaches the
/// model as a bearer token, and the request asks for the reading's JSON schema with the
/// group's members as context.
#[tokio::test]
async fn a_good_reading_is_recorded() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(20)).await?;
    let (alice, _bob, group, mut socket) = pair(&server).await?;
    socket.send_message(group, GOOD, "good").await?;
    expect_kind(&mut socket, MessageKind::User).await?;
    let said = expect_kind(&mut socket, MessageKind::Commitment).await?;
    assert_eq!(
        said.content,
        "alice committed: 3 hours of gardening if bob does ≥ 5 hours of gardening"
    );
    let recorded = commitments(&server, &alice, group).await?;
    assert_eq!(recorded[0].meta["reader"], "model");
    assert_eq!(recorded[0].source_text.as_deref(), Some(GOOD));

    let seen = model.seen();
    let asked = seen
        .iter()
        .find(|s| s.text == GOOD)
        .expect("the model was asked");
    assert_eq!(
        asked.authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(asked.body["model"], "recorded");
    assert_eq!(asked.body["response_format"]["type"], "json_schema");
    let system = asked.body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(system.contains("alice, bob"), "{system}");
    server.shutdown().await
}

/// A reading naming someone who is not a member becomes a question to the author alone;
/// nothing is recorded.
#[tokio::test]
async fn an_unknown_member_is_asked_about() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(20)).await?;
    let (alice, bob, group, mut socket) = pair(&server).await?;
    let mut watching = server.connect(&bob).await?;
    watching.join(group, None).await?;
    let produced = outcome_of(&mut socket, group, UNKNOWN, 2).await?;
    assert_eq!(produced.len(), 1, "{produced:?}");
    let question = &produced[0];
    assert_eq!(question.kind, MessageKind::ClarificationRequest);
    assert!(question.private);
    assert!(question.content.contains("Zed"), "{}", question.content);
    let recorded = commitments(&server, &alice, group).await?;
    assert!(
        recorded.iter().all(|c| c.summary.contains("dishes")),
        "{recorded:?}"
    );
    // bob sees alice's two messages, the plain offer's commitment and liability: no question
    for _ in 0..4 {
        let message = watching.next_message().await?;
        assert_ne!(message.kind, MessageKind::ClarificationRequest);
    }
    server.shutdown().await
}

/// A reading that says more than the message (8 hours, no condition, for "3 hours once bob
/// does 5") is not recorded: the author is asked whether that is what they meant, and "no"
/// records nothing.
#[tokio::test]
async fn a_widening_reading_is_only_offered() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(20)).await?;
    let (alice, _bob, group, mut socket) = pair(&server).await?;
    socket.send_message(group, WIDER, "wider").await?;
    expect_kind(&mut socket, MessageKind::User).await?;
    let question = expect_kind(&mut socket, MessageKind::ClarificationRequest).await?;
    assert!(
        question
            .content
            .contains("Did you mean: 8 hours of work, unconditionally?"),
        "{}",
        question.content
    );
    socket.send_message(group, "no", "no").await?;
    expect_kind(&mut socket, MessageKind::ClarificationResponse).await?;
    assert!(commitments(&server, &alice, group).await?.is_empty());
    server.shutdown().await
}

/// When the rules would ask (here about a hedge), the model's reading is offered instead,
/// and "yes" records it, noting the model.
#[tokio::test]
async fn yes_to_the_models_reading_records_it() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(20)).await?;
    let (alice, _bob, group, mut socket) = pair(&server).await?;
    socket.send_message(group, HEDGED, "hedged").await?;
    expect_kind(&mut socket, MessageKind::User).await?;
    let question = expect_kind(&mut socket, MessageKind::ClarificationRequest).await?;
    assert!(
        question
            .content
            .starts_with("Did you mean: 3 hours of work, unconditionally?"),
        "{}",
        question.content
    );
    socket.send_message(group, "yes", "yes").await?;
    expect_kind(&mut socket, MessageKind::ClarificationResponse).await?;
    expect_kind(&mut socket, MessageKind::Commitment).await?;
    let recorded = commitments(&server, &alice, group).await?;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].summary, "3 hours of work, unconditionally");
    assert_eq!(recorded[0].meta["reader"], "model");
    server.shutdown().await
}

/// Nonsense and HTTP 500 leave the rules' result standing (nothing), are counted by
/// outcome, and the group's next message is read as usual. Offers the rules read
/// completely and private messages never reach the model.
#[tokio::test]
async fn failures_leave_the_rules_result() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(20)).await?;
    let (alice, _bob, group, mut socket) = pair(&server).await?;
    for (text, hours) in [(NONSENSE, 2), (FAILING, 3)] {
        let produced = outcome_of(&mut socket, group, text, hours).await?;
        assert!(produced.is_empty(), "{text}: {produced:?}");
    }
    assert!(
        server
            .metric("quid_llm_requests_total{outcome=\"malformed\"}")
            .await?
            >= 1.0
    );
    assert!(
        server
            .metric("quid_llm_requests_total{outcome=\"http_error\"}")
            .await?
            >= 1.0
    );
    assert!(server.metric("quid_llm_request_seconds_count").await? >= 2.0);

    socket
        .send_frame(&ClientFrame::Send {
            group,
            content: UNKNOWN.replace("my side", "my private side"),
            client_id: "private".into(),
            reply_to: None,
            to: Some("bob".into()),
        })
        .await?;
    socket.wait_ack("private").await?;
    assert!(expect_kind(&mut socket, MessageKind::User).await?.private);
    let produced = outcome_of(&mut socket, group, "ok", 4).await?;
    assert!(produced.is_empty(), "{produced:?}");
    let seen: Vec<String> = model.seen().into_iter().map(|s| s.text).collect();
    assert!(!seen.iter().any(|t| t.contains(PLAIN)), "{seen:?}");
    assert!(!seen.iter().any(|t| t.contains("private")), "{seen:?}");
    let recorded = commitments(&server, &alice, group).await?;
    assert!(
        recorded
            .iter()
            .all(|c| c.summary.contains("hours of dishes"))
    );
    server.shutdown().await
}

/// A model that never answers holds up neither the chat nor other groups: another group's
/// offer is recorded while the model is still silent, and the silent group's own next
/// offer is read once the model's time is up, with nothing recorded for the first.
#[tokio::test]
async fn a_silent_model_times_out_and_blocks_no_other_group() -> anyhow::Result<()> {
    let model = recorded_model().await?;
    let server = server_with(&model, Duration::from_secs(3)).await?;
    let (alice, bob, slow, mut socket) = pair(&server).await?;
    let quick = server.group(&alice, "quick", &[&bob]).await?.id;
    let mut other = server.connect(&alice).await?;
    other.join(quick, None).await?;
    socket.send_message(slow, SLOW, "slow").await?;
    expect_kind(&mut socket, MessageKind::User).await?;
    other.send_message(quick, &plain(2), "quick").await?;
    expect_kind(&mut other, MessageKind::User).await?;
    expect_kind(&mut other, MessageKind::Commitment).await?;
    // the silent group's next offer waits for its turn, then is read
    let produced = outcome_of(&mut socket, slow, "fine", 2).await?;
    assert!(produced.is_empty(), "{produced:?}");
    assert!(
        server
            .metric("quid_llm_requests_total{outcome=\"timeout\"}")
            .await?
            >= 1.0
    );
    let recorded = commitments(&server, &alice, slow).await?;
    assert!(recorded.iter().all(|c| c.summary.contains("dishes")));
    server.shutdown().await
}

/// The same messages read by a real model (`QUID_LLM_TEST_URL`, e.g.
/// `http://127.0.0.1:11434/v1` for Ollama, with `QUID_LLM_TEST_MODEL`, default
/// `llama3.1:8b`): whatever the model makes of them, nothing wrong is recorded — no
/// commitment for an unknown member, none without the condition its message states, none
/// with an amount the message does not hold. Run with
/// `cargo test -p quid-tests --test assistant_model -- --ignored`.
#[tokio::test]
#[ignore = "needs a real model: set QUID_LLM_TEST_URL"]
async fn a_real_model_records_nothing_wrong() -> anyhow::Result<()> {
    let Ok(url) = std::env::var("QUID_LLM_TEST_URL") else {
        eprintln!("QUID_LLM_TEST_URL is not set: nothing to test against");
        return Ok(());
    };
    let model = std::env::var("QUID_LLM_TEST_MODEL").unwrap_or_else(|_| "llama3.1:8b".into());
    let server = TestServer::start_with(move |config| {
        config.llm_url = Some(url);
        config.llm_model = Some(model);
        config.llm_key = std::env::var("QUID_LLM_TEST_KEY").ok().map(Secret::new);
        config.llm_timeout = Duration::from_secs(120);
    })
    .await?;
    let (alice, _bob, group, mut socket) = pair(&server).await?;
    let cases = [
        (GOOD, Some("bob"), &[3.0, 5.0][..]),
        (UNKNOWN, None, &[][..]),
        (NONSENSE, None, &[4.0][..]),
        (FAILING, Some("bob"), &[2.0, 3.0][..]),
        (WIDER, Some("bob"), &[3.0, 5.0][..]),
        (SLOW, None, &[4.0][..]),
    ];
    for (index, (text, condition, amounts)) in cases.into_iter().enumerate() {
        let hours = u32::try_from(index).unwrap_or(0) + 2;
        let produced = outcome_of(&mut socket, group, text, hours).await?;
        let recorded: Vec<Commitment> = commitments(&server, &alice, group)
            .await?
            .into_iter()
            .filter(|c| c.source_text.as_deref() == Some(text))
            .collect();
        eprintln!("{text}\n  -> {produced:?}");
        for c in &recorded {
            assert!(
                amounts.is_empty() || !c.conditions.is_empty() || condition.is_none(),
                "{text}: recorded without its condition: {}",
                c.summary
            );
            let written = c
                .promises
                .iter()
                .map(|p| p.base)
                .chain(c.conditions.iter().map(|k| k.min))
                .all(|a| amounts.contains(&a));
            assert!(
                written,
                "{text}: recorded an amount it does not hold: {}",
                c.summary
            );
        }
        if text == UNKNOWN {
            assert!(recorded.is_empty(), "{recorded:?}");
        }
    }
    server.shutdown().await
}
