//! `quid-server`: parse the configuration and run the server.
fn main() {}
