//! How leadup reaches the mail server and webhooks: the SMTP server and its credentials, the
//! extra certificate authorities to trust, time-outs. Built by `leadup serve` and the commands
//! that send from flags and the environment; the password comes only from the environment or
//! a file, never from a flag (which any user of the machine sees in `ps`).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::message::is_loopback;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which the server must offer (the default;
    /// usually port 587).
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only to a server on this machine, for local testing.
    None,
}

impl SmtpTls {
    /// The name used by flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starttls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }
}

/// A secret that never shows in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The SMTP server e-mail goes through.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Its host name (checked against its certificate).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The user name to authenticate as (none: send without authenticating).
    pub username: Option<String>,
    /// The password.
    pub password: Option<Secret>,
    /// The sender, e.g. `leadup <leadup@example.com>`.
    pub from: lettre::message::Mailbox,
    /// How the connection is protected.
    pub tls: SmtpTls,
}

impl SmtpConfig {
    /// Checks that the settings fit together: a username needs a password and the other way
    /// round, and `none` is only for a server on this machine.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("--smtp-host must not be empty".into());
        }
        if self.username.is_some() != self.password.is_some() {
            return Err("SMTP authentication needs both --smtp-username and a password \
                        (LEADUP_SMTP_PASSWORD or --smtp-password-file)"
                .into());
        }
        if self.tls == SmtpTls::None && !is_loopback(&self.host) {
            return Err(format!(
                "--smtp-tls none sends mail and password unencrypted: it is allowed only to a server on this \
                 machine, not to '{}'",
                self.host
            ));
        }
        Ok(())
    }
}

/// Everything delivery needs to send.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// The SMTP server; without one, e-mails wait in the outbox (and are marked failed when a
    /// worker tries them).
    pub smtp: Option<SmtpConfig>,
    /// Certificate authorities trusted in addition to the built-in (Mozilla) roots, for SMTP
    /// and webhooks alike: an organisation's own CA, or a test's.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// How long one attempt may take: connecting, TLS, and the exchange.
    pub timeout: Duration,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self { smtp: None, extra_roots: Vec::new(), timeout: Duration::from_secs(30) }
    }
}

impl DeliveryConfig {
    /// Reads the PEM certificates in `path` to trust in addition to the built-in roots.
    pub fn read_extra_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
        let text = std::fs::read(path).map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
        let roots: Vec<_> = CertificateDer::pem_slice_iter(&text)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("the CA file {} is not PEM certificates: {e}", path.display()))?;
        if roots.is_empty() {
            return Err(format!("the CA file {} holds no PEM certificate", path.display()));
        }
        Ok(roots)
    }

    /// The secrets an error text must never contain.
    pub(crate) fn secrets(&self) -> Vec<String> {
        self.smtp.iter().filter_map(|s| s.password.as_ref()).map(|p| p.expose().to_owned()).collect()
    }

    /// The TLS client configuration webhooks use: the built-in roots and the extra ones.
    pub(crate) fn rustls_client(&self) -> Result<rustls::ClientConfig, String> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for root in &self.extra_roots {
            roots.add(root.clone()).map_err(|e| format!("an extra CA certificate is unusable: {e}"))?;
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(host: &str, tls: SmtpTls) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: 587,
            username: Some("leadup".into()),
            password: Some(Secret::new("hunter2-very-secret")),
            from: "leadup <leadup@example.com>".parse().unwrap(),
            tls,
        }
    }

    #[test]
    fn unencrypted_smtp_only_to_this_machine() {
        assert!(smtp("127.0.0.1", SmtpTls::None).check().is_ok());
        assert!(smtp("localhost", SmtpTls::None).check().is_ok());
        let error = smtp("mail.example.com", SmtpTls::None).check().unwrap_err();
        assert!(error.contains("--smtp-tls none") && error.contains("mail.example.com"), "{error}");
        assert!(smtp("mail.example.com", SmtpTls::Starttls).check().is_ok());
    }

    #[test]
    fn a_username_needs_a_password() {
        let mut config = smtp("mail.example.com", SmtpTls::Starttls);
        config.password = None;
        assert!(config.check().unwrap_err().contains("LEADUP_SMTP_PASSWORD"));
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let text = format!("{:?}", smtp("mail.example.com", SmtpTls::Starttls));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("Secret(…)"), "{text}");
    }
}
