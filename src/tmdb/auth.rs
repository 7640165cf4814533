//! TMDB credentials: a v3 API key (sent as the `api_key` query parameter) or a v4 read access
//! token (sent as `Authorization: Bearer …`), from a flag or the environment.
//!
//! The secret never leaves this module except into the outgoing request: `Debug` prints
//! `***`, there is no `Display`, and [`Credentials::redact`] scrubs it from any text (error
//! messages of the HTTP stack, for instance) before that text is shown or saved.
//!
//! ```
//! use cinegenre::tmdb::Credentials;
//! let c = Credentials::resolve(Some("k3y-123".into()), None).unwrap();
//! assert_eq!(format!("{c:?}"), "ApiKey(***)");
//! assert_eq!(c.redact("GET /3/configuration?api_key=k3y-123"), "GET /3/configuration?api_key=***");
//! ```

use std::fmt;

use crate::error::{Error, Result};

/// The environment variable holding a v3 API key.
pub const API_KEY_ENV: &str = "TMDB_API_KEY";
/// The environment variable holding a v4 bearer token.
pub const BEARER_ENV: &str = "TMDB_BEARER_TOKEN";

/// A string that is never printed.
#[derive(Clone)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// v3: `?api_key=…`.
    ApiKey(Secret),
    /// v4: `Authorization: Bearer …`.
    Bearer(Secret),
}

impl Credentials {
    /// Flags first (`--api-key`, then `--bearer-token`), then `TMDB_API_KEY`, then
    /// `TMDB_BEARER_TOKEN`; empty values count as absent.
    pub fn resolve(api_key: Option<String>, bearer: Option<String>) -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok();
        let present = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(key) = present(api_key) {
            return Ok(Credentials::ApiKey(Secret(key)));
        }
        if let Some(token) = present(bearer) {
            return Ok(Credentials::Bearer(Secret(token)));
        }
        if let Some(key) = present(env(API_KEY_ENV)) {
            return Ok(Credentials::ApiKey(Secret(key)));
        }
        if let Some(token) = present(env(BEARER_ENV)) {
            return Ok(Credentials::Bearer(Secret(token)));
        }
        Err(Error::param(
            "credentials",
            format!(
                "no TMDB API key: set {API_KEY_ENV} or {BEARER_ENV}, or pass --api-key or --bearer-token"
            ),
        ))
    }

    /// Add the credentials to an outgoing API request.
    pub(crate) fn apply(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        match self {
            Credentials::ApiKey(Secret(key)) => request.query(&[("api_key", key)]),
            Credentials::Bearer(Secret(token)) => request.bearer_auth(token),
        }
    }

    /// `text` with every occurrence of the secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let (Credentials::ApiKey(Secret(s)) | Credentials::Bearer(Secret(s))) = self;
        if s.is_empty() { text.to_string() } else { text.replace(s.as_str(), "***") }
    }
}
