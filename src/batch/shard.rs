//! `--shard K/N`: a deterministic, disjoint share of a batch, so that N machines (or the N pods of
//! a Kubernetes Indexed Job) together process every row exactly once.
//!
//! K is **0-based** (`0/4`, `1/4`, `2/4`, `3/4`), like Kubernetes' `JOB_COMPLETION_INDEX`, which
//! `Shard::from_env` reads together with `JOB_COMPLETIONS` (the Job controller sets the index;
//! the manifest must set `JOB_COMPLETIONS` to the Job's `completions`).
//!
//! A row belongs to shard `u64::from_be_bytes(sha256(audit_id)[..8]) % N`. SHA-256 is fixed by
//! its standard, so the split is the same on every machine, Rust version and run — unlike
//! `DefaultHasher`, whose algorithm and seed are unspecified.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Set by a Kubernetes Indexed Job in every pod: this pod's index, 0-based.
pub const ENV_INDEX: &str = "JOB_COMPLETION_INDEX";
/// The number of shards (the Job's `completions`); set in the manifest.
pub const ENV_COUNT: &str = "JOB_COMPLETIONS";

/// Shard `index` of `count`, `0 <= index < count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("invalid shard '{0}': expected K/N with 0 <= K < N, K counted from 0 (e.g. 0/4, 1/4, 2/4, 3/4)")]
    Syntax(String),
    #[error("invalid shard '{0}': the shard count N must be at least 1")]
    ZeroCount(String),
    #[error("invalid shard '{given}': K is counted from 0, so with {count} shards it must be 0 to {max}")]
    OutOfRange { given: String, count: u32, max: u32 },
    #[error("{set} is set but {unset} is not; a Kubernetes Indexed Job sets {ENV_INDEX}, the manifest must also set {ENV_COUNT} to the Job's completions")]
    EnvIncomplete {
        set: &'static str,
        unset: &'static str,
    },
    #[error("from {ENV_INDEX}={index} and {ENV_COUNT}={count}: {source}")]
    Env {
        index: String,
        count: String,
        #[source]
        source: Box<ShardError>,
    },
}

impl Shard {
    /// The whole batch (what a run without `--shard` does).
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// The shard from `JOB_COMPLETION_INDEX` / `JOB_COMPLETIONS`; `None` when neither is set.
    /// An explicit `--shard` should win over the environment.
    pub fn from_env() -> Result<Option<Shard>, ShardError> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Shard::from_vars(get(ENV_INDEX).as_deref(), get(ENV_COUNT).as_deref())
    }

    /// `from_env` on given values, for tests and callers with their own environment.
    pub fn from_vars(
        index: Option<&str>,
        count: Option<&str>,
    ) -> Result<Option<Shard>, ShardError> {
        match (index, count) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(ShardError::EnvIncomplete {
                set: ENV_INDEX,
                unset: ENV_COUNT,
            }),
            (None, Some(_)) => Err(ShardError::EnvIncomplete {
                set: ENV_COUNT,
                unset: ENV_INDEX,
            }),
            (Some(i), Some(n)) => format!("{}/{}", i.trim(), n.trim())
                .parse()
                .map(Some)
                .map_err(|e| ShardError::Env {
                    index: i.to_string(),
                    count: n.to_string(),
                    source: Box::new(e),
                }),
        }
    }

    /// Whether this shard processes the row with this audit_id.
    pub fn owns(&self, audit_id: &str) -> bool {
        self.count <= 1 || bucket(audit_id, self.count) == self.index
    }
}

/// The shard (0-based) an audit_id falls in among `count`.
pub fn bucket(audit_id: &str, count: u32) -> u32 {
    let digest = Sha256::digest(audit_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(s.to_string());
        let (k, n) = s.trim().split_once('/').ok_or_else(syntax)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(k.trim()) || !digits(n.trim()) {
            return Err(syntax());
        }
        let index: u32 = k.trim().parse().map_err(|_| syntax())?;
        let count: u32 = n.trim().parse().map_err(|_| syntax())?;
        if count == 0 {
            return Err(ShardError::ZeroCount(s.to_string()));
        }
        if index >= count {
            return Err(ShardError::OutOfRange {
                given: s.to_string(),
                count,
                max: count - 1,
            });
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        (0..10_000)
            .map(|i| format!("aud-{:05}-{}", i, i * 7919 % 1000))
            .collect()
    }

    #[test]
    fn shards_cover_every_id_exactly_once_and_are_balanced() {
        let ids = ids();
        for count in 1..=8u32 {
            let shards: Vec<Shard> = (0..count)
                .map(|k| format!("{k}/{count}").parse().unwrap())
                .collect();
            let mut per_shard = vec![0usize; count as usize];
            for id in &ids {
                let owners: Vec<&Shard> = shards.iter().filter(|s| s.owns(id)).collect();
                assert_eq!(owners.len(), 1, "{id} is owned by {owners:?} of {count}");
                per_shard[owners[0].index as usize] += 1;
            }
            assert_eq!(per_shard.iter().sum::<usize>(), ids.len());
            let expected = ids.len() as f64 / count as f64;
            for (k, n) in per_shard.iter().enumerate() {
                let dev = (*n as f64 - expected).abs() / expected;
                assert!(dev <= 0.10, "shard {k}/{count} has {n} rows, expected about {expected:.0} (±10%): {per_shard:?}");
            }
        }
    }

    #[test]
    fn split_is_stable() {
        // Pinned values: a change here would move rows between shards across versions.
        assert_eq!(
            bucket("abc", 1_000_003),
            (0xba7816bf8f01cfeau64 % 1_000_003) as u32
        );
        let s: Shard = "2/4".parse().unwrap();
        assert_eq!(s.owns("abc"), 0xba7816bf8f01cfeau64 % 4 == 2);
        assert!(Shard::ALL.owns("anything"));
    }

    #[test]
    fn parses_and_displays() {
        for k in 0..4 {
            let s: Shard = format!("{k}/4").parse().unwrap();
            assert_eq!(s, Shard { index: k, count: 4 });
            assert_eq!(s.to_string(), format!("{k}/4"));
        }
        assert_eq!(
            " 1 / 3 ".parse::<Shard>().unwrap(),
            Shard { index: 1, count: 3 }
        );
        assert_eq!("0/1".parse::<Shard>().unwrap(), Shard::ALL);
    }

    #[test]
    fn parse_errors_are_clear() {
        let err = |s: &str| s.parse::<Shard>().unwrap_err().to_string();
        assert_eq!(
            err("0/0"),
            "invalid shard '0/0': the shard count N must be at least 1"
        );
        assert_eq!(
            err("5/4"),
            "invalid shard '5/4': K is counted from 0, so with 4 shards it must be 0 to 3"
        );
        assert_eq!(
            err("4/4"),
            "invalid shard '4/4': K is counted from 0, so with 4 shards it must be 0 to 3"
        );
        for bad in [
            "x/2",
            "1",
            "",
            "1/2/3",
            "-1/4",
            "+1/4",
            "1/",
            "/4",
            "1.0/4",
            "99999999999/4",
        ] {
            assert!(
                err(bad).starts_with(&format!("invalid shard '{bad}': expected K/N")),
                "{bad}: {}",
                err(bad)
            );
        }
    }

    #[test]
    fn from_vars_reads_kubernetes_indexed_job_variables() {
        assert_eq!(Shard::from_vars(None, None), Ok(None));
        assert_eq!(
            Shard::from_vars(Some("3"), Some("4")),
            Ok(Some(Shard { index: 3, count: 4 }))
        );
        let msg = Shard::from_vars(Some("2"), None).unwrap_err().to_string();
        assert!(
            msg.contains("JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not"),
            "{msg}"
        );
        assert!(Shard::from_vars(None, Some("4")).is_err());
        let msg = Shard::from_vars(Some("4"), Some("4"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with(
                "from JOB_COMPLETION_INDEX=4 and JOB_COMPLETIONS=4: invalid shard '4/4'"
            ),
            "{msg}"
        );
    }
}
