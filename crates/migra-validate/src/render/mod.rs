//! Renderings of a report: human diagnostics, JSON, SARIF.

mod human;
mod sarif;

pub use human::human;
pub use sarif::sarif;
