//! # migra-diff
//!
//! The schema differ (two `migra_core::schema::Database`s in, ordered `Change`s out) belongs here.
//! It is not written yet: this crate exports nothing, and nothing in migra depends on it doing
//! anything. See the project's issue on the schema differ.
