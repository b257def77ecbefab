//! Harness for the end-to-end tests: start the real server, talk to it over real sockets.
