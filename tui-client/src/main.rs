//! `quid`: the terminal chat, and subcommands for scripts.
fn main() {}
