//! Optional DKIM signing (RFC 6376), relaxed/relaxed over an explicit header list.
//!
//! lettre's `DkimConfig::default_config` (simple/relaxed, From/Subject/To/Date) produced
//! signatures that failed verification here; relaxed/relaxed with the list below verifies. The
//! list holds only headers that sit in the message's own header block — the top-level
//! Content-Type belongs to the MIME body in lettre and would break the hash if listed.

use super::settings::DkimSettings;
use anyhow::{bail, Context};
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;

/// The signed headers. A listed header that a message lacks (Reply-To when none is set) is
/// signed as absent, so it cannot be added in transit either.
pub const SIGNED_HEADERS: [&str; 9] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "MIME-Version",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// Reads the key and builds the signing configuration.
pub fn load(s: &DkimSettings) -> anyhow::Result<DkimConfig> {
    let key = std::fs::read_to_string(&s.key_file)
        .with_context(|| format!("cannot read the DKIM key {}", s.key_file.display()))?;
    let algorithm = match s.algorithm.to_ascii_lowercase().as_str() {
        "rsa" => DkimSigningAlgorithm::Rsa,
        "ed25519" => DkimSigningAlgorithm::Ed25519,
        other => bail!("unknown DKIM algorithm `{other}`: use rsa or ed25519"),
    };
    let key = DkimSigningKey::new(key.trim(), algorithm).map_err(|e| {
        anyhow::anyhow!(
            "the DKIM key {} is not a valid {} key ({e}); an RSA key must be PKCS#1 PEM (`openssl genrsa -traditional`)",
            s.key_file.display(),
            s.algorithm
        )
    })?;
    Ok(DkimConfig::new(
        s.selector.clone(),
        s.domain.clone(),
        key,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}
