//! `quid register`, `quid login`: get a token and keep it (mode 0600); the password
//! prompts the account commands share.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use quid_shared::{AuthResponse, Credentials};

use super::{CliError, Context};

/// Environment variable a script can put the password in.
pub(super) const ENV_PASSWORD: &str = "QUID_PASSWORD";

/// Arguments of `register` and `login`.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// Your username (asked for when absent)
    pub username: Option<String>,
    /// Read the password from the first line of stdin [else env QUID_PASSWORD, else asked for]
    #[arg(long)]
    pub password_stdin: bool,
}

/// `quid register`.
pub async fn register(ctx: &Context, args: AuthArgs) -> Result<(), CliError> {
    let creds = credentials_for(args, true).await?;
    let auth = ctx.api.register(&creds).await?;
    store(ctx, &auth, "registered and logged in")
}

/// `quid login`.
pub async fn login(ctx: &Context, args: AuthArgs) -> Result<(), CliError> {
    let creds = credentials(args).await?;
    let auth = ctx.api.login(&creds).await?;
    store(ctx, &auth, "logged in")
}

fn store(ctx: &Context, auth: &AuthResponse, what: &str) -> Result<(), CliError> {
    let path = ctx.config.save_token(&auth.token)?;
    eprintln!(
        "{what} as {} on {} (token saved to {})",
        auth.user.username,
        ctx.api.server(),
        path.display()
    );
    Ok(())
}

async fn credentials(args: AuthArgs) -> Result<Credentials, CliError> {
    credentials_for(args, false).await
}

/// Like [`credentials`]; with `confirm`, a password typed at a prompt is asked twice and
/// must match (a new account's password has no other check against typos).
async fn credentials_for(args: AuthArgs, confirm: bool) -> Result<Credentials, CliError> {
    let interactive = std::io::stdin().is_terminal();
    let username = match args.username {
        Some(name) => name,
        None if interactive => blocking(|| prompt_line("username: ")).await?,
        None => return Err(CliError::Usage("give a username: quid login NAME".into())),
    };
    let password = if args.password_stdin {
        blocking(read_stdin_line).await?
    } else if let Some(password) = std::env::var(ENV_PASSWORD).ok().filter(|p| !p.is_empty()) {
        password
    } else if interactive {
        let password = blocking(|| prompt_hidden("password: ")).await?;
        if confirm {
            let again = blocking(|| prompt_hidden("password again: ")).await?;
            if again != password {
                return Err(CliError::Usage(
                    "the two passwords differ; nothing was created".into(),
                ));
            }
        }
        password
    } else {
        return Err(CliError::Usage(format!(
            "no password: use --password-stdin or set {ENV_PASSWORD}"
        )));
    };
    Ok(Credentials {
        username: username.trim().to_owned(),
        password,
    })
}

/// Runs terminal I/O off the async threads.
pub(super) async fn blocking<F>(f: F) -> Result<String, CliError>
where
    F: FnOnce() -> Result<String, CliError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CliError::Failed(format!("input task failed: {e}")))?
}

pub(super) fn read_stdin_line() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn prompt_line(prompt: &str) -> Result<String, CliError> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    read_stdin_line()
}

/// Reads a line without echoing it.
pub(super) fn prompt_hidden(prompt: &str) -> Result<String, CliError> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let result = read_hidden();
    let restored = crossterm::terminal::disable_raw_mode();
    eprintln!();
    restored?;
    result
}

fn read_hidden() -> Result<String, CliError> {
    let mut password = String::new();
    loop {
        if let Event::Key(key) = event::read()? {
            if key.kind != KeyEventKind::Press {
                continue;
            }
            match key.code {
                KeyCode::Enter => return Ok(password),
                KeyCode::Backspace => {
                    password.pop();
                }
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Err(CliError::Failed("cancelled".into()));
                }
                KeyCode::Char(c) => password.push(c),
                _ => {}
            }
        }
    }
}
