//! Message times in the user's local time zone. The offset is read once at start-up, before
//! any thread exists (the only moment the platform allows reading it soundly).

use std::sync::OnceLock;

use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

static LOCAL_OFFSET: OnceLock<UtcOffset> = OnceLock::new();

/// Reads the local UTC offset; call first thing in `main`. Falls back to UTC.
pub fn init_local_offset() {
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let _ = LOCAL_OFFSET.set(offset);
}

fn local(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(*LOCAL_OFFSET.get().unwrap_or(&UtcOffset::UTC))
}

/// `14:03`.
pub fn clock(t: OffsetDateTime) -> String {
    local(t)
        .format(format_description!("[hour]:[minute]"))
        .unwrap_or_default()
}

/// `2026-11-27 14:03`.
pub fn date_clock(t: OffsetDateTime) -> String {
    local(t)
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default()
}
