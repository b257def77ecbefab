//! `quid-bench`: load generator for Quid.
fn main() {}
