//! Hostile input, generated: arbitrary text and arbitrary JSON fed to the frame decoder,
//! to every JSON body the HTTP API reads (over real HTTP, against the real server), and
//! to the commitment parser. Nothing panics; every refusal is structured (an error body
//! with a 4xx status, never a 5xx); the server stays healthy.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use quid_server::commitments::{Context, Detection, Detector, RuleParser};
use quid_shared::{ClientFrame, ErrorBody, Id, UserRef};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Field names the decoders look for, so generated objects often come close to valid.
const KEYS: &[&str] = &[
    "type",
    "group",
    "group_id",
    "since",
    "content",
    "client_id",
    "reply_to",
    "to",
    "nonce",
    "username",
    "password",
    "old_password",
    "new_password",
    "name",
    "description",
    "code",
    "max_uses",
    "expires_in",
    "role",
    "conditions",
    "promises",
];

/// Any JSON value, nested a few levels, with keys the API knows among random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
        Just(json!("join")),
        Just(json!("send")),
        Just(json!("admin")),
        Just(json!(Id::nil())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            proptest::sample::select(KEYS).prop_map(str::to_owned),
            "\\PC{0,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A body: arbitrary text, or arbitrary JSON.
fn body() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,200}", json_value().prop_map(|v| v.to_string()),]
}

proptest! {
    #![proptest_config(Config::with_cases(2000))]

    /// The shared frame decoder answers any text with a frame or an error, and a decoded
    /// frame encodes back to one that decodes the same.
    #[test]
    fn the_frame_decoder_takes_anything(text in body()) {
        if let Ok(frame) = serde_json::from_str::<ClientFrame>(&text) {
            let again = serde_json::to_string(&frame).expect("a frame encodes");
            let back: ClientFrame = serde_json::from_str(&again).expect("and decodes again");
            prop_assert_eq!(back, frame);
        }
    }

    /// Arbitrary bytes, not even text, are refused by the decoder without a panic.
    #[test]
    fn the_frame_decoder_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = serde_json::from_slice::<ClientFrame>(&bytes);
    }
}

/// Offers the parser reads, the seeds of the mutated ones.
const OFFERS: &[&str] = &[
    "If Alice does 5h of work, I'll do 3h",
    "I'll give $20 if bob gives $10",
    "I will do 2 hours of cleaning if everyone else does 1 hour",
    "I'll cook 3 times a week if carol cooks twice",
    "If the group does 10h, I do 5h",
    "I promise 1 euro per euro bob gives, up to 50 euros",
    "I withdraw my commitment",
    "cancel my last offer",
];

/// Text for the parser: arbitrary, or an offer cut, spliced and sprinkled with noise.
fn chat_text() -> impl Strategy<Value = String> {
    let mutated = (
        proptest::sample::select(OFFERS),
        proptest::collection::vec((any::<prop::sample::Index>(), "\\PC{0,6}", 0u8..4), 0..5),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, noise, op) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 => chars.splice(i..i, noise.chars()).for_each(drop),
                    1 => chars.truncate(i),
                    2 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => chars
                        .splice(i..i, "9999999999999999999 ".chars())
                        .for_each(drop),
                }
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof!["\\PC{0,120}", mutated]
}

fn member(name: &str, n: u128) -> UserRef {
    UserRef {
        id: Id::from_u128(n),
        username: name.to_owned(),
    }
}

proptest! {
    #![proptest_config(Config::with_cases(3000))]

    /// The commitment parser reads any text without a panic; what it records is valid,
    /// and what it asks is a question in words.
    #[test]
    fn the_commitment_parser_takes_anything(text in chat_text()) {
        let members = [member("alice", 1), member("bob", 2), member("carol", 3)];
        let context = Context { author: &members[0], members: &members, commitments: &[] };
        let ids: Vec<Id> = members.iter().map(|m| m.id).collect();
        match RuleParser.detect(&text, &context) {
            Detection::Commitment(terms) => {
                prop_assert!(terms.validate(members[0].id, Some(&ids)).is_ok(), "{text:?}");
            }
            Detection::Commitments(all) => {
                for terms in all {
                    prop_assert!(terms.validate(members[0].id, Some(&ids)).is_ok(), "{text:?}");
                }
            }
            Detection::Change { terms, .. } => {
                prop_assert!(terms.validate(members[0].id, Some(&ids)).is_ok(), "{text:?}");
            }
            Detection::Clarify { question, .. } => prop_assert!(!question.trim().is_empty()),
            Detection::Revoke { .. } | Detection::Nothing => {}
        }
    }
}

/// Every route that reads a JSON body, with placeholders for ids.
const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/groups"),
    ("POST", "/api/groups/{group}/members"),
    ("POST", "/api/messages"),
    ("POST", "/api/groups/{group}/commitments"),
    ("POST", "/api/groups/{group}/whatif"),
    ("PUT", "/api/commitments/1"),
    ("PUT", "/api/me/password"),
    ("DELETE", "/api/me"),
    ("POST", "/api/groups/{group}/invites"),
    ("POST", "/api/invites/join"),
    ("PUT", "/api/groups/{group}/members/{user}/role"),
];

/// Arbitrary bodies to every JSON route of the real server over HTTP: never a 5xx, every
/// error in the error shape, and the server healthy and the account intact afterwards.
#[test]
fn http_bodies_are_refused_in_the_error_shape() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let (server, alice, group) = runtime.block_on(async {
        let server = TestServer::start().await?;
        let alice = server.register("alice").await?;
        let group = server.group(&alice, "team", &[]).await?;
        anyhow::Ok((server, alice, group))
    })?;
    let client = reqwest::Client::new();
    let mut runner = TestRunner::new(Config::with_cases(600));
    let strategy = (0..ROUTES.len(), body(), any::<bool>());
    let outcome = runner.run(&strategy, |(route, body, as_json)| {
        let (method, path) = ROUTES[route];
        let path = path
            .replace("{group}", &group.id.to_string())
            .replace("{user}", &alice.id().to_string());
        let method: Method = method.parse().expect("a method");
        let mut request = client
            .request(method, server.url(&path))
            .bearer_auth(&alice.token)
            .body(body.clone());
        if as_json {
            request = request.header("content-type", "application/json");
        }
        let (status, text) = runtime
            .block_on(async {
                let response = request.send().await?;
                let status = response.status();
                anyhow::Ok((status, response.text().await?))
            })
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(status.as_u16() < 500, "{path} {body:?} -> {status}: {text}");
        if status.is_client_error() {
            let parsed = serde_json::from_str::<ErrorBody>(&text);
            prop_assert!(parsed.is_ok(), "{path} {body:?} -> {status}: {text}");
        }
        Ok(())
    });
    if let Err(e) = outcome {
        anyhow::bail!("{e}");
    }
    runtime.block_on(async {
        let (status, _) = server.request(Method::GET, "/health", None, None).await?;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = server
            .request(Method::GET, "/api/me", Some(&alice.token), None)
            .await?;
        assert_eq!(
            status,
            StatusCode::OK,
            "no generated body deleted or ended the account"
        );
        server.shutdown().await
    })
}
