//! Quid's server as a library, so the binary stays thin and tests run the real thing.
