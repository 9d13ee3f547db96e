//! Reading the audit CSV: one place builds the CSV reader (BOM, delimiter, quoting), each row is
//! validated against product.md's rules and the catalog, and a bad row becomes a `Reject` that
//! says where and how to fix it. Rows are streamed so memory does not grow with the file.

mod audit;
mod columns;
mod reader;
mod reject;
mod row_limit;
mod suggest;
mod validate;

pub use audit::{Audit, TaskShare};
pub use reader::{open, AuditReader};
pub use reject::{defuse, RejectWriter};
pub use validate::is_audit_id;
