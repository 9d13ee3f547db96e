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

/// RSA keys under this many bits are refused (RFC 8301: verifiers must not accept them) …
const MIN_RSA_BITS: usize = 1024;
/// … and under this many, warned about (RFC 8301 recommends 2048; Gmail's bulk-sender rules too).
const GOOD_RSA_BITS: usize = 2048;

/// The size of a PKCS#1 PEM RSA key in bits.
fn rsa_bits(pem: &str) -> anyhow::Result<usize> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem.trim())
        .map_err(|e| anyhow::anyhow!("not a PKCS#1 PEM RSA key ({e})"))?;
    Ok(key.n().bits())
}

/// Checks an RSA key's size: `Err` under 1024 bits, a warning under 2048.
pub fn check_key_size(s: &DkimSettings) -> anyhow::Result<Option<String>> {
    if !s.algorithm.eq_ignore_ascii_case("rsa") {
        return Ok(None);
    }
    let key = std::fs::read_to_string(&s.key_file)
        .with_context(|| format!("cannot read the DKIM key {}", s.key_file.display()))?;
    let bits = rsa_bits(&key).with_context(|| {
        format!(
            "the DKIM key {}: an RSA key must be PKCS#1 PEM (`openssl genrsa -traditional 2048`)",
            s.key_file.display()
        )
    })?;
    if bits < MIN_RSA_BITS {
        bail!("the DKIM key {} has {bits} bits: receivers ignore signatures from RSA keys under {MIN_RSA_BITS} bits (RFC 8301); make a 2048-bit key", s.key_file.display());
    }
    Ok((bits < GOOD_RSA_BITS).then(|| {
        format!(
            "the DKIM key {} has {bits} bits; 2048 is the recommended minimum (RFC 8301)",
            s.key_file.display()
        )
    }))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(bits: u32) -> (tempfile::TempDir, DkimSettings) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        let o = std::process::Command::new("openssl")
            .args(["genrsa", "-traditional", "-out"])
            .arg(&path)
            .arg(bits.to_string())
            .output()
            .expect("openssl");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = DkimSettings {
            selector: "s1".into(),
            domain: "risk.example".into(),
            key_file: path,
            algorithm: "rsa".into(),
        };
        (dir, s)
    }

    #[test]
    fn small_keys_are_refused_or_warned_about() {
        let (_d, s) = key(512);
        let e = check_key_size(&s).unwrap_err();
        assert!(format!("{e:#}").contains("512 bits"), "{e:#}");
        let (_d, s) = key(1024);
        let w = check_key_size(&s).unwrap().expect("a warning");
        assert!(w.contains("1024 bits"), "{w}");
        let (_d, s) = key(2048);
        assert_eq!(check_key_size(&s).unwrap(), None);
    }
}
