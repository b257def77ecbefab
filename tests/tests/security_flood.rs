//! 100,000 random and mutated frames over real sockets from eight connections at once:
//! broken JSON, wrong types, deep nesting, overlong fields, frames for a group the sender
//! is not in, valid frames among them, and now and then an oversized or a binary frame.
//! Afterwards the server is healthy and answers every connection; every connection got
//! error frames, and closes only with documented codes; the victim group's stored
//! messages are exactly as before; the flooder's own group has no gap in its seqs; and a
//! member who was connected all along still gets new messages live.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use quid_shared::{ServerFrame, close_code};
use quid_tests::{TestServer, WAIT};
use reqwest::{Method, StatusCode};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const TOTAL_FRAMES: usize = 100_000;
const CONNECTIONS: usize = 8;
/// Every this many frames, one larger than the 64 KiB limit (closes with 1009).
const OVERSIZED_EVERY: usize = 4001;
/// Every this many frames, a binary one (closes with 1003).
const BINARY_EVERY: usize = 6007;
/// The whole flood must finish within this, or the test fails (it is bounded).
const FLOOD_DEADLINE: Duration = Duration::from_secs(300);

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NOISE: &[char] = &[
    '{', '}', '[', ']', '"', ':', ',', '\\', '0', '7', '-', 'e', '.', 'n', 't', ' ', 'é', '😀',
    '\u{0}', '\u{202e}', 'x',
];

/// One frame to send: text, or a binary frame.
fn frame(rng: &mut Rng, seeds: &[String], index: usize) -> WsMessage {
    if index % OVERSIZED_EVERY == OVERSIZED_EVERY - 1 {
        return WsMessage::text("x".repeat(70 * 1024));
    }
    if index % BINARY_EVERY == BINARY_EVERY - 1 {
        return WsMessage::binary(vec![0xde, 0xad, 0xbe, 0xef]);
    }
    let seed = &seeds[rng.below(seeds.len())];
    let text = match rng.below(10) {
        // valid frames, as they are
        0 => seed.clone(),
        // mutated: characters inserted, removed, replaced, or the frame cut
        1..=4 => {
            let mut chars: Vec<char> = seed.chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(chars.len() + 1);
                match rng.below(4) {
                    0 => chars.insert(at, NOISE[rng.below(NOISE.len())]),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    2 if at < chars.len() => chars[at] = NOISE[rng.below(NOISE.len())],
                    _ => chars.truncate(at),
                }
            }
            chars.into_iter().collect()
        }
        // noise in the shape of JSON
        5 | 6 => (0..rng.below(200))
            .map(|_| NOISE[rng.below(NOISE.len())])
            .collect(),
        // nesting far deeper than any decoder should follow
        7 => {
            let depth = 1 + rng.below(5000);
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        }
        // the right fields with the wrong types
        8 => [
            r#"{"type":"send","group":12,"content":null,"client_id":[]}"#,
            r#"{"type":"join","group":"not-a-uuid","since":"yesterday"}"#,
            r#"{"type":{"type":"ping"}}"#,
            r#"{"type":"ping","nonce":1e999}"#,
            r#"{"type":"leave"}"#,
            r#"{"type":"send","group":"00000000-0000-0000-0000-000000000000","content":"x","client_id":"c"}"#,
            "null",
            "[]",
            "\"type\"",
        ][rng.below(9)]
        .to_owned(),
        // overlong fields within the frame limit
        _ => format!(
            r#"{{"type":"send","group":"{}","content":"{}","client_id":"{}"}}"#,
            "00000000-0000-0000-0000-000000000001",
            "y".repeat(rng.below(20_000)),
            "z".repeat(rng.below(400))
        ),
    };
    WsMessage::text(text)
}

/// What one connection saw.
#[derive(Debug, Default)]
struct Seen {
    errors: usize,
    frames: usize,
    /// The close code, `None` for a reset without a close frame, or not closed at all.
    close: Option<Option<u16>>,
    final_pong: bool,
}

async fn connect(
    addr: SocketAddr,
    token: &str,
) -> anyhow::Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
> {
    let mut request = format!("ws://{addr}/ws").into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    let (socket, _) =
        tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request)).await??;
    Ok(socket)
}

/// What one flooding client did.
#[derive(Debug, Default)]
struct Report {
    connections: usize,
    errors: usize,
    closes: Vec<Option<u16>>,
    /// Closes after which this client had sent an oversized or binary frame.
    provoked: usize,
    answered_at_end: bool,
}

/// Sends `frames` frames over as many connections as it takes.
async fn hammer(
    addr: SocketAddr,
    token: String,
    seeds: Vec<String>,
    frames: usize,
    seed: u64,
) -> anyhow::Result<Report> {
    let mut rng = Rng(seed | 1);
    let mut report = Report::default();
    let mut sent = 0;
    loop {
        let socket = connect(addr, &token).await?;
        report.connections += 1;
        let (mut sink, mut stream) = socket.split();
        let reader = tokio::spawn(async move {
            let mut seen = Seen::default();
            while let Some(next) = stream.next().await {
                match next {
                    Ok(WsMessage::Text(text)) => {
                        seen.frames += 1;
                        match serde_json::from_str::<ServerFrame>(&text) {
                            Ok(ServerFrame::Error { .. }) => seen.errors += 1,
                            Ok(ServerFrame::Pong { nonce: Some(n) }) if n == "final" => {
                                seen.final_pong = true;
                                return seen;
                            }
                            _ => {}
                        }
                    }
                    Ok(WsMessage::Close(close)) => {
                        seen.close = Some(close.map(|c| u16::from(c.code)));
                        return seen;
                    }
                    Ok(_) => {}
                    Err(_) => {
                        seen.close = Some(None);
                        return seen;
                    }
                }
            }
            seen.close = Some(None);
            seen
        });
        let mut provoked = false;
        while sent < frames && !provoked {
            let message = frame(&mut rng, &seeds, sent);
            sent += 1;
            provoked = matches!(&message, WsMessage::Binary(_))
                || matches!(&message, WsMessage::Text(t) if t.len() > 64 * 1024);
            if sink.feed(message).await.is_err() {
                break;
            }
            if (provoked || sent % 32 == 0) && sink.flush().await.is_err() {
                break;
            }
        }
        if !provoked {
            let _ = sink
                .send(WsMessage::text(r#"{"type":"ping","nonce":"final"}"#))
                .await;
        }
        let seen = tokio::time::timeout(WAIT * 6, reader).await??;
        report.errors += seen.errors;
        if let Some(close) = seen.close {
            report.closes.push(close);
            report.provoked += usize::from(provoked);
        }
        if sent >= frames && seen.final_pong {
            report.answered_at_end = true;
            return Ok(report);
        }
        if sent >= frames && !provoked {
            anyhow::bail!("the last connection ended without answering: {seen:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_thousand_hostile_frames() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| {
        // the point is what the decoder makes of the frames, not the rate limit
        c.rate_limit = 1_000_000;
        c.rate_burst = 1_000_000;
    })
    .await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let mallory = server.register("mallory").await?;
    let victim = server.group(&alice, "victim", &[&bob]).await?;
    let own = server.group(&mallory, "own", &[]).await?;
    for n in 0..50 {
        server
            .post(&alice, victim.id, &format!("kept message {n}"))
            .await?;
    }
    let before = server.history(&bob, victim.id).await?;
    let mut watcher = server.connect(&bob).await?;
    watcher.join(victim.id, None).await?;

    let seeds: Vec<String> = [
        format!(r#"{{"type":"join","group":"{}"}}"#, own.id),
        format!(r#"{{"type":"join","group":"{}","since":0}}"#, victim.id),
        format!(r#"{{"type":"leave","group":"{}"}}"#, own.id),
        format!(
            r#"{{"type":"send","group":"{}","content":"flood","client_id":"flood"}}"#,
            own.id
        ),
        format!(
            r#"{{"type":"send","group":"{}","content":"intrusion","client_id":"in"}}"#,
            victim.id
        ),
        format!(
            r#"{{"type":"send","group":"{}","content":"to bob","client_id":"pm","to":"bob"}}"#,
            own.id
        ),
        r#"{"type":"ping","nonce":"n"}"#.to_owned(),
    ]
    .into();

    let started = std::time::Instant::now();
    let floods = (0..CONNECTIONS).map(|n| {
        let seeds = seeds.clone();
        let token = mallory.token.clone();
        tokio::spawn(hammer(
            server.addr(),
            token,
            seeds,
            TOTAL_FRAMES / CONNECTIONS,
            0x9E37_79B9 * (n as u64 + 1),
        ))
    });
    let reports =
        tokio::time::timeout(FLOOD_DEADLINE, futures_util::future::join_all(floods)).await?;
    let elapsed = started.elapsed();
    let mut reports_ok = Vec::new();
    for report in reports {
        reports_ok.push(report??);
    }

    let documented = [close_code::TOO_BIG, close_code::UNSUPPORTED];
    let mut total_errors = 0;
    for report in &reports_ok {
        assert!(report.answered_at_end, "{report:?}");
        assert!(
            report.errors > 0,
            "every connection got error frames: {report:?}"
        );
        total_errors += report.errors;
        for close in &report.closes {
            match close {
                Some(code) => assert!(
                    documented.contains(code),
                    "undocumented close {code}: {report:?}"
                ),
                // a reset right after the frame that closed it: the close frame was lost with it
                None => assert!(report.provoked > 0, "{report:?}"),
            }
        }
        assert_eq!(
            report.closes.len(),
            report.provoked,
            "closed only when provoked: {report:?}"
        );
    }
    eprintln!(
        "{TOTAL_FRAMES} frames over {} connections in {elapsed:?}: {total_errors} error frames, {} closes",
        reports_ok.iter().map(|r| r.connections).sum::<usize>(),
        reports_ok.iter().map(|r| r.closes.len()).sum::<usize>()
    );

    let (status, _) = server.request(Method::GET, "/health", None, None).await?;
    assert_eq!(status, StatusCode::OK);
    let after = server.history(&bob, victim.id).await?;
    assert_eq!(
        after, before,
        "the victim group's messages are exactly as before"
    );
    let flooded = server.history(&mallory, own.id).await?;
    let seqs: Vec<i64> = flooded.iter().map(|m| m.seq).collect();
    let expected: Vec<i64> = (1..=flooded.len() as i64).collect();
    assert_eq!(
        seqs, expected,
        "no gap or repeat in the flooder's own group"
    );

    let fresh = server.post(&alice, victim.id, "after the flood").await?;
    let seen = watcher.next_message().await?;
    assert_eq!(
        (seen.id, seen.content.as_str()),
        (fresh.id, "after the flood")
    );
    server.shutdown().await
}
