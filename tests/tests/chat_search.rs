//! Full-text search over a group: the words match whatever their form of punctuation,
//! the newest first, only what the caller may see, and edits and deletions are followed.

use quid_shared::SearchResults;
use quid_tests::{TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn search(
    server: &TestServer,
    user: &TestUser,
    group: quid_shared::Id,
    q: &str,
) -> anyhow::Result<Vec<i64>> {
    let path = format!(
        "/api/groups/{group}/search?q={}",
        q.replace(' ', "%20").replace('"', "%22")
    );
    let found: SearchResults = server
        .expect(Method::GET, &path, Some(&user.token), None, StatusCode::OK)
        .await?;
    Ok(found.messages.iter().map(|m| m.seq).collect())
}

/// Search finds public messages and the caller's own private ones, never another pair's
/// private message; follows edits and deletions; any text is a valid query.
#[tokio::test]
async fn search_finds_only_what_the_caller_may_see() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[&bob, &carol]).await?;
    let pizza = server.post(&alice, group.id, "Pizza on Friday?").await?;
    let (_, body) = server
        .request(
            Method::POST,
            "/api/messages",
            Some(&alice.token),
            Some(json!({"group_id": group.id, "content": "secret pizza budget", "to": "bob"})),
        )
        .await?;
    let secret = body["message"]["seq"].as_i64().expect("seq");
    let later = server.post(&carol, group.id, "pizzas are fine").await?;

    assert_eq!(
        search(&server, &bob, group.id, "pizza").await?,
        [later.seq, secret, pizza.seq]
    );
    assert_eq!(
        search(&server, &carol, group.id, "pizza").await?,
        [later.seq, pizza.seq]
    );
    assert_eq!(
        search(&server, &carol, group.id, "budget").await?,
        Vec::<i64>::new()
    );
    assert_eq!(
        search(&server, &alice, group.id, "NEAR(\"pizza OR")
            .await?
            .len(),
        0
    );

    let edit = format!("/api/groups/{}/messages/{}", group.id, pizza.seq);
    server
        .request(
            Method::PUT,
            &edit,
            Some(&alice.token),
            Some(json!({"content": "Pasta on Friday?"})),
        )
        .await?;
    assert_eq!(
        search(&server, &carol, group.id, "friday").await?,
        [pizza.seq]
    );
    assert_eq!(
        search(&server, &carol, group.id, "pizza").await?,
        [later.seq]
    );
    let delete = format!("/api/groups/{}/messages/{}", group.id, later.seq);
    server
        .request(Method::DELETE, &delete, Some(&carol.token), None)
        .await?;
    assert_eq!(
        search(&server, &carol, group.id, "pizza").await?,
        Vec::<i64>::new()
    );

    let outsider = server.register("dave").await?;
    let (status, _) = server
        .request(
            Method::GET,
            &format!("/api/groups/{}/search?q=pasta", group.id),
            Some(&outsider.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.shutdown().await
}
