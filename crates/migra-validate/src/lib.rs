//! # migra-validate
//!
//! The rule-based safety validator belongs here. It is not written yet: this crate exports
//! nothing, and `migra apply` does not claim to validate anything. See the project's issue on the
//! safety validator.
