//! `quid-server --demo`: the household group — anna, bella, celia and cat — with the
//! commitments of the contract, so a fresh server has something to show. The accounts
//! share one password, generated on first use, kept in the data directory and printed at
//! every start: for local use only.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use quid_shared::{Condition, Id, Promise, UserRef};

use super::{Ledger, Source};
use crate::auth::PasswordHasher;
use crate::commitments::Terms;
use crate::pipeline::Pipeline;
use crate::store::{Store, commitments as stored, groups, users};

/// The demo's members.
pub const MEMBERS: [&str; 4] = ["anna", "bella", "celia", "cat"];
/// The demo group's name.
pub const GROUP: &str = "household";
/// Where the demo password is kept, in the data directory.
const PASSWORD_FILE: &str = "demo-password";

/// Creates what is missing of the demo and prints how to log in; its password is kept in
/// `data_dir`.
pub async fn set_up(
    ledger: &Ledger,
    pipeline: &Pipeline,
    hasher: &PasswordHasher,
    data_dir: &Path,
) -> anyhow::Result<()> {
    let store = &ledger.store;
    let password = password(data_dir)?;
    let mut ids = HashMap::new();
    for name in MEMBERS {
        ids.insert(name, account(store, hasher, name, &password).await?);
    }
    let anna = ids[&"anna"];
    let existing = store
        .read(move |conn| {
            let mine = groups::list_for_user(conn, anna)?;
            Ok(mine
                .into_iter()
                .find(|g| g.name == GROUP && g.created_by == anna)
                .map(|g| g.id))
        })
        .await?;
    let group = match existing {
        Some(group) => group,
        None => {
            let members: Vec<Id> = ids.values().copied().collect();
            store
                .write(move |ctx| {
                    let group =
                        groups::create(ctx.conn(), anna, GROUP, Some("the --demo household"))?;
                    for member in members {
                        groups::add_member(ctx.conn(), group, member)?;
                    }
                    Ok::<_, crate::store::StoreError>(group)
                })
                .await?
        }
    };
    let seeded = !store
        .read(move |conn| stored::in_group(conn, group))
        .await?
        .is_empty();
    if !seeded {
        for (name, terms) in household(&|name| ids[name]) {
            let creator = UserRef {
                id: ids[name],
                username: name.to_owned(),
            };
            ledger
                .create(pipeline, group, creator, terms, Source::default())
                .await
                .map_err(|e| anyhow::anyhow!("cannot create a demo commitment of {name}: {e}"))?;
        }
    }
    println!(
        "demo: group \"{GROUP}\" with users {} — password: {password} (local use only)",
        MEMBERS.join(", ")
    );
    Ok(())
}

/// The household's commitments, by creator; `id` gives a member's id.
pub fn household(id: &dyn Fn(&str) -> Id) -> Vec<(&'static str, Terms)> {
    let condition = |who: Option<&str>, min: f64, unit: &str, action: &str| Condition {
        user: who.map(id),
        scope: Default::default(),
        action: action.into(),
        min,
        unit: unit.into(),
    };
    let fixed = |base: f64, unit: &str, action: &str| Promise::fixed(action, unit, base);
    let meowing = Promise {
        rate: 0.5,
        ref_user: Some(id("anna")),
        ref_action: Some("AC/DC volume reduction".into()),
        cap: Some(3.5),
        ..fixed(0.0, "dB", "meowing reduction")
    };
    let terms = |conditions, promises| Terms {
        conditions,
        promises,
    };
    vec![
        ("cat", terms(vec![], vec![fixed(10.0, "percent", "rent")])),
        (
            "celia",
            terms(
                vec![condition(None, 0.5, "times per week", "trash")],
                vec![fixed(30.0, "percent", "rent")],
            ),
        ),
        (
            "bella",
            terms(
                vec![condition(None, 40.0, "percent", "rent")],
                vec![fixed(2.0, "times per day", "dishes")],
            ),
        ),
        (
            "anna",
            terms(
                vec![condition(Some("bella"), 1.0, "times per day", "dishes")],
                vec![fixed(1.0, "times per week", "trash")],
            ),
        ),
        (
            "cat",
            terms(
                vec![condition(Some("anna"), 2.0, "dB", "AC/DC volume reduction")],
                vec![meowing],
            ),
        ),
        (
            "anna",
            terms(
                vec![condition(Some("cat"), 3.5, "dB", "meowing reduction")],
                vec![fixed(7.0, "dB", "AC/DC volume reduction")],
            ),
        ),
    ]
}

/// The demo password: kept in the data directory, generated on first use.
fn password(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join(PASSWORD_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    let bytes: [u8; 9] = rand::random();
    let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, &password).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(password)
}

/// The id of account `name`, created with `password` if missing.
async fn account(
    store: &Store,
    hasher: &PasswordHasher,
    name: &'static str,
    password: &str,
) -> anyhow::Result<Id> {
    if let Some(found) = store
        .read(move |conn| users::by_username(conn, name))
        .await?
    {
        return Ok(found.user.id);
    }
    let hash = hasher.hash(password.to_owned()).await?;
    let created = store
        .write(move |ctx| users::insert(ctx.conn(), name, &hash))
        .await?
        .with_context(|| format!("cannot create demo user {name}"))?;
    Ok(created.id)
}
