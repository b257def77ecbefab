//! Store queries on a real SQLite file: visibility in SQL agrees with `visible_to`,
//! seq numbering, paging and idempotency lookups.

use super::*;
use crate::store::{Draft, Store, StoreOptions, groups, users};
use quid_shared::{Id, UserRef};

fn options() -> StoreOptions {
    StoreOptions {
        max_batch: 64,
        readers: 2,
        writer_cache_kib: 2048,
        with_bus: false,
    }
}

async fn user(store: &Store, name: &'static str) -> UserRef {
    store
        .write(move |ctx| -> Result<_, StoreError> {
            let user = users::insert(ctx.conn(), name, "x")?
                .ok_or_else(|| StoreError::Corrupt("taken".into()))?;
            Ok(user.as_ref())
        })
        .await
        .unwrap()
}

async fn post(store: &Store, group: Id, author: &UserRef, target: Option<Id>, text: &str) {
    let new = Draft::user(author.clone(), group, text.to_owned());
    store
        .write(move |ctx| insert(ctx, new, target))
        .await
        .unwrap();
}

/// The SQL visibility filter returns exactly the messages `Message::visible_to` allows,
/// for every combination of author, target and viewer.
#[tokio::test]
async fn sql_visibility_agrees_with_visible_to() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), options()).unwrap();
    let people = [
        user(&store, "alice").await,
        user(&store, "bob").await,
        user(&store, "carol").await,
    ];
    let creator = people[0].id;
    let group = store
        .write(move |ctx| groups::create(ctx.conn(), creator, "g", None))
        .await
        .unwrap();
    for author in &people {
        post(&store, group, author, None, "public").await;
        for target in &people {
            post(&store, group, author, Some(target.id), "private").await;
        }
    }
    let all: Vec<Message> = {
        let mut all = Vec::new();
        for viewer in &people {
            let id = viewer.id;
            let seen = store
                .read(move |c| visible_after(c, group, id, 0, 1000))
                .await
                .unwrap();
            all.extend(seen);
        }
        // every message is visible to its author, so the union is everything
        all.sort_by_key(|m| m.seq);
        all.dedup_by_key(|m| m.seq);
        all
    };
    assert_eq!(all.len(), 12);
    for viewer in &people {
        let id = viewer.id;
        let seen: Vec<i64> = store
            .read(move |c| visible_after(c, group, id, 0, 1000))
            .await
            .unwrap()
            .iter()
            .map(|m| m.seq)
            .collect();
        let expected: Vec<i64> = all
            .iter()
            .filter(|m| m.visible_to(viewer.id))
            .map(|m| m.seq)
            .collect();
        assert_eq!(seen, expected, "viewer {}", viewer.username);
    }
    store.shutdown().await;
}

/// Seqs count up by one per group, and paging before/after returns ascending pages.
#[tokio::test]
async fn seq_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), options()).unwrap();
    let alice = user(&store, "alice").await;
    let creator = alice.id;
    let group = store
        .write(move |ctx| groups::create(ctx.conn(), creator, "g", None))
        .await
        .unwrap();
    for i in 0..10 {
        post(&store, group, &alice, None, &format!("m{i}")).await;
    }
    let viewer = alice.id;
    let (head, last3, before5, between) = store
        .read(move |c| {
            Ok((
                head(c, group)?,
                visible_before(c, group, viewer, i64::MAX, 3)?,
                visible_before(c, group, viewer, 5, 2)?,
                visible_between(c, group, viewer, 2, 6, 100)?,
            ))
        })
        .await
        .unwrap();
    let seqs = |v: &[Message]| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    assert_eq!(head, 10);
    assert_eq!(seqs(&last3), vec![8, 9, 10]);
    assert_eq!(seqs(&before5), vec![3, 4]);
    assert_eq!(seqs(&between), vec![3, 4, 5]);
    store.shutdown().await;
}

/// A message stored with a client id is found again by (author, client id), and the
/// data survives reopening the file.
#[tokio::test]
async fn client_id_lookup_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = Store::open(&path, options()).unwrap();
    let alice = user(&store, "alice").await;
    let creator = alice.id;
    let group = store
        .write(move |ctx| groups::create(ctx.conn(), creator, "g", None))
        .await
        .unwrap();
    let new = Draft {
        client_id: Some("c-1".into()),
        meta: serde_json::json!({"k": 1}),
        ..Draft::user(alice.clone(), group, "hello".into())
    };
    let stored = store
        .write(move |ctx| insert(ctx, new, None))
        .await
        .unwrap();
    store.shutdown().await;

    let store = Store::open(&path, options()).unwrap();
    let author = alice.id;
    let found = store
        .read(move |c| by_client_id(c, author, "c-1"))
        .await
        .unwrap();
    assert!(stored.is_some());
    assert_eq!(found, stored);
    store.shutdown().await;
}

/// A second insert with the same author and client id stores nothing and uses no `seq`:
/// the next new message takes the seq right after the original.
#[tokio::test]
async fn repeated_client_id_stores_nothing_and_keeps_seqs_dense() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), options()).unwrap();
    let alice = user(&store, "alice").await;
    let creator = alice.id;
    let group = store
        .write(move |ctx| groups::create(ctx.conn(), creator, "g", None))
        .await
        .unwrap();
    let new = |client_id: &str| Draft {
        client_id: Some(client_id.to_owned()),
        ..Draft::user(alice.clone(), group, "hello".into())
    };
    let (first, again, next) = (new("c-1"), new("c-1"), new("c-2"));
    let stored = store
        .write(move |ctx| -> Result<_, StoreError> {
            Ok((
                insert(ctx, first, None)?,
                insert(ctx, again, None)?,
                insert(ctx, next, None)?,
            ))
        })
        .await
        .unwrap();
    let (first, again, next) = stored;
    assert_eq!(first.map(|m| m.seq), Some(1));
    assert_eq!(again, None);
    assert_eq!(next.map(|m| m.seq), Some(2));
    store.shutdown().await;
}

/// `range` returns every message of the group in `after < seq <= upto`, private ones
/// included whoever they are for, in seq order.
#[tokio::test]
async fn range_returns_every_message_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), options()).unwrap();
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let creator = alice.id;
    let group = store
        .write(move |ctx| groups::create(ctx.conn(), creator, "g", None))
        .await
        .unwrap();
    for i in 0..6 {
        let target = (i % 2 == 1).then_some(bob.id);
        post(&store, group, &alice, target, &format!("m{i}")).await;
    }
    let (middle, none, all) = store
        .read(move |c| {
            Ok((
                range(c, group, 2, 5)?,
                range(c, group, 6, 9)?,
                range(c, group, 0, 6)?,
            ))
        })
        .await
        .unwrap();
    let seqs = |v: &[Message]| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&middle), vec![3, 4, 5]);
    assert!(none.is_empty());
    assert_eq!(seqs(&all), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(all.iter().filter(|m| m.private).count(), 3);
    store.shutdown().await;
}
