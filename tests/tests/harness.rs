//! The test client's own promises, which every other test leans on: a wait ends at its
//! deadline with a clear failure, and frames that come while it waits for something else
//! are kept for later reads, in order.

use quid_shared::{ClientFrame, ServerFrame};
use quid_tests::TestServer;

/// A reply that arrives during a join (the pong of a ping sent just before it) is kept
/// for later, and the join still finds its replay and `joined`.
#[tokio::test]
async fn a_reply_during_a_join_is_kept_for_later() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Harness", &[]).await?;
    let first = server.post(&alice, group.id, "first").await?;
    let mut a = server.connect(&alice).await?;
    a.send_frame(&ClientFrame::Ping {
        nonce: Some("before the join".into()),
    })
    .await?;
    let (replay, head) = a.join(group.id, Some(0)).await?;
    assert_eq!((replay, head), (vec![first], 1));
    assert_eq!(
        a.next_frame().await?,
        ServerFrame::Pong {
            nonce: Some("before the join".into())
        }
    );
    server.shutdown().await
}
