//! `quid-server --demo`: the household group and its commitments, with the liabilities the
//! contract lists; starting again does not duplicate anything.

use quid_shared::{AuthResponse, CommitmentList, GroupList, LiabilityList};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The demo household comes out as listed: anna 1 trash/week and 7 dB, bella 2 dishes/day,
/// celia 30 % rent, cat 10 % rent and 3.5 dB — and a restart keeps it as it is.
#[tokio::test]
async fn demo_household_liabilities() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| config.demo = true).await?;
    let password = std::fs::read_to_string(server.data_dir().join("demo-password"))?;
    let server = server.restart().await?;
    let login = json!({"username": "cat", "password": password.trim()});
    let auth: AuthResponse = server
        .expect(
            Method::POST,
            "/api/auth/login",
            None,
            Some(login),
            StatusCode::OK,
        )
        .await?;
    let groups: GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&auth.token),
            None,
            StatusCode::OK,
        )
        .await?;
    let household = groups
        .groups
        .iter()
        .find(|g| g.name == "household")
        .ok_or_else(|| anyhow::anyhow!("no household"))?;
    let path = format!("/api/groups/{}/commitments", household.id);
    let list: CommitmentList = server
        .expect(Method::GET, &path, Some(&auth.token), None, StatusCode::OK)
        .await?;
    assert_eq!(
        list.commitments.len(),
        6,
        "created once, not again on restart"
    );

    let path = format!("/api/groups/{}/liabilities", household.id);
    let list: LiabilityList = server
        .expect(Method::GET, &path, Some(&auth.token), None, StatusCode::OK)
        .await?;
    let rows: Vec<(String, String, String, f64)> = list
        .liabilities
        .iter()
        .map(|l| {
            (
                l.user.username.clone(),
                l.action.clone(),
                l.unit.clone(),
                l.amount,
            )
        })
        .collect();
    let row = |u: &str, a: &str, n: &str, x: f64| (u.to_owned(), a.to_owned(), n.to_owned(), x);
    assert_eq!(
        rows,
        vec![
            row("anna", "ac/dc volume reduction", "dB", 7.0),
            row("anna", "trash", "times per week", 1.0),
            row("bella", "dishes", "times per day", 2.0),
            row("cat", "meowing reduction", "dB", 3.5),
            row("cat", "rent", "percent", 10.0),
            row("celia", "rent", "percent", 30.0),
        ]
    );
    assert!(list.liabilities.iter().all(|l| !l.because.is_empty()));
    server.shutdown().await
}
