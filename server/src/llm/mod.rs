//! The optional language-model reader: asks an OpenAI-compatible chat-completions endpoint
//! (Ollama, llama.cpp's server, vLLM, OpenAI) to read a message the rules could not read
//! completely, and checks its answer with the rules' own validator. Off unless
//! `--llm-url` is given; never on the request path; every failure (down, slow, nonsense)
//! leaves the rules' result standing, is counted in `/metrics` and logged at most once a
//! minute. The key is sent as a bearer token and never logged.
//!
//! - [`prompt`] — the request: rules, the group as context, the JSON schema of a reading.
//! - [`reading`] — the reply parsed, turned into the grammar's draft, validated, grounded.

pub mod prompt;
pub mod reading;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::secret::Secret;
use crate::store::now_ms;

pub use prompt::Scene;
pub use reading::Reading;

/// How to reach the model.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// The chat-completions URL (`…/v1/chat/completions`).
    pub endpoint: String,
    pub model: String,
    pub key: Option<Secret>,
    pub timeout: Duration,
}

impl ModelConfig {
    /// The model reader's settings, if a URL is given (a model must be too).
    pub fn new(
        url: Option<&str>,
        model: Option<String>,
        key: Option<Secret>,
        timeout: Duration,
    ) -> anyhow::Result<Option<ModelConfig>> {
        let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let Some(model) = model.filter(|m| !m.trim().is_empty()) else {
            anyhow::bail!("--llm-url needs --llm-model (or QUID_LLM_MODEL): the model to ask");
        };
        Ok(Some(ModelConfig {
            endpoint: endpoint(url),
            model,
            key,
            timeout,
        }))
    }
}

/// `http://host:11434/v1` or `http://host:11434` → `…/v1/chat/completions`; a full
/// endpoint URL is kept as it is.
fn endpoint(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    if url.ends_with("/chat/completions") {
        url.to_owned()
    } else if url.ends_with("/v1") {
        format!("{url}/chat/completions")
    } else {
        format!("{url}/v1/chat/completions")
    }
}

/// Why the model gave no reading.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot reach the model: {0}")]
    Unreachable(String),
    #[error("the model's server answered HTTP {0}")]
    Status(u16),
    #[error("the model's answer is not a reading: {0}")]
    Malformed(String),
}

impl ModelError {
    /// The `outcome` label of `quid_llm_requests_total`.
    fn outcome(&self) -> &'static str {
        match self {
            ModelError::Timeout(_) => "timeout",
            ModelError::Unreachable(_) => "unreachable",
            ModelError::Status(_) => "http_error",
            ModelError::Malformed(_) => "malformed",
        }
    }
}

/// The reader: one HTTP client, kept for the server's life.
pub struct ModelReader {
    config: ModelConfig,
    http: reqwest::Client,
    /// When a failure was last logged (Unix ms): at most one line a minute.
    last_logged: AtomicI64,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
}

impl ModelReader {
    pub fn new(config: ModelConfig) -> anyhow::Result<ModelReader> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .build()?;
        tracing::info!(endpoint = %crate::secret::without_credentials(&config.endpoint), model = %config.model, "language-model reader on");
        Ok(ModelReader {
            config,
            http,
            last_logged: AtomicI64::new(i64::MIN),
        })
    }

    /// Asks the model to read `text` in `scene`; counts and times the request.
    pub async fn read(&self, text: &str, scene: &Scene<'_>) -> Result<reading::Reply, ModelError> {
        let started = Instant::now();
        let result = self.ask(text, scene).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) => e.outcome(),
        };
        metrics::counter!("quid_llm_requests_total", "outcome" => outcome).increment(1);
        metrics::histogram!("quid_llm_request_seconds").record(started.elapsed().as_secs_f64());
        if let Err(e) = &result {
            self.log(e);
        }
        result
    }

    async fn ask(&self, text: &str, scene: &Scene<'_>) -> Result<reading::Reply, ModelError> {
        let body = prompt::request(&self.config.model, text, scene);
        let mut request = self.http.post(&self.config.endpoint).json(&body);
        if let Some(key) = &self.config.key {
            request = request.bearer_auth(String::from_utf8_lossy(key.expose()));
        }
        let timeout = self.config.timeout;
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                ModelError::Timeout(timeout)
            } else {
                // without the URL: it is logged once already, and may carry a key
                ModelError::Unreachable(e.without_url().to_string())
            }
        };
        let response = tokio::time::timeout(timeout, request.send())
            .await
            .map_err(|_| ModelError::Timeout(timeout))?
            .map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(ModelError::Status(status.as_u16()));
        }
        let completion: Completion = tokio::time::timeout(timeout, response.json())
            .await
            .map_err(|_| ModelError::Timeout(timeout))?
            .map_err(|e| ModelError::Malformed(e.without_url().to_string()))?;
        let content = completion
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .ok_or_else(|| ModelError::Malformed("no message in the answer".into()))?;
        reading::parse(&content).map_err(|e| ModelError::Malformed(e.to_string()))
    }

    /// Logs a failure, unless one was logged less than a minute ago.
    fn log(&self, error: &ModelError) {
        let now = now_ms();
        let last = self.last_logged.load(Ordering::Relaxed);
        if now.saturating_sub(last) < 60_000 {
            return;
        }
        if self
            .last_logged
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            tracing::warn!(error = %error, "the language-model reader failed; the rules' reading stands (logged at most once a minute)");
        }
    }
}

#[cfg(test)]
mod tests {
    /// Credentials in a URL never reach a log line.
    #[test]
    fn logged_urls_have_no_credentials() {
        use crate::secret::without_credentials as clean;
        assert_eq!(
            clean("http://u:secret@host:11434/v1/chat/completions"),
            "http://host:11434/v1/chat/completions"
        );
        assert_eq!(
            clean("http://host/v1/chat/completions"),
            "http://host/v1/chat/completions"
        );
        assert_eq!(clean("http://host/v1/a@b"), "http://host/v1/a@b");
    }

    use super::*;

    /// A base URL, a `/v1` URL and a full endpoint all lead to the endpoint.
    #[test]
    fn endpoints_from_urls() {
        let want = "http://127.0.0.1:11434/v1/chat/completions";
        assert_eq!(endpoint("http://127.0.0.1:11434"), want);
        assert_eq!(endpoint("http://127.0.0.1:11434/v1/"), want);
        assert_eq!(endpoint(want), want);
    }
}
