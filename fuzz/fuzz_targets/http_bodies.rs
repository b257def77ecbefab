//! Any bytes to every JSON body the HTTP API decodes, and the account rules applied to
//! what decodes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quid_shared::{
    AddMember, ChangePassword, CreateGroup, CreateInvite, Credentials, DeleteAccount,
    JoinInvite, PostMessage, SetRole,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = serde_json::from_slice::<Credentials>(data) {
        let _ = quid_server::auth::validate_username(&c.username);
        let _ = quid_server::auth::validate_password(&c.password);
    }
    let _ = serde_json::from_slice::<CreateGroup>(data);
    let _ = serde_json::from_slice::<AddMember>(data);
    let _ = serde_json::from_slice::<PostMessage>(data);
    if let Ok(c) = serde_json::from_slice::<ChangePassword>(data) {
        let _ = quid_server::auth::validate_password(&c.new_password);
    }
    let _ = serde_json::from_slice::<DeleteAccount>(data);
    let _ = serde_json::from_slice::<CreateInvite>(data);
    let _ = serde_json::from_slice::<JoinInvite>(data);
    let _ = serde_json::from_slice::<SetRole>(data);
    let _ = serde_json::from_slice::<quid_shared::CreateCommitment>(data);
});
