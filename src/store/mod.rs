//! Everything the batch and the email phase keep on disk: the output directory's layout, files
//! written whole or not at all, the run lock, and the ledger that remembers what was rendered
//! and sent. `batch` and `mail` both build on it; neither reaches into the other.

pub mod atomic;
pub mod layout;
pub mod ledger;
pub mod lock;
