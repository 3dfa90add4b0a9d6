//! Times shown to people: in the local time zone (the system's, or `TZ`),
//! with its offset, so "08:10" is never read as the wrong hour. Session logs
//! keep UTC (RFC 3339); only what a person reads is converted.

use jiff::tz::TimeZone;
use jiff::Timestamp;

fn zone() -> TimeZone {
    TimeZone::system()
}

/// "2026-11-23 16:10:02 +08:00" for a logged UTC time; the text itself when
/// it is not a timestamp.
pub fn date_time(logged: &str) -> String {
    match logged.parse::<Timestamp>() {
        Ok(ts) => ts
            .to_zoned(zone())
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        Err(_) => logged.to_owned(),
    }
}

/// "16:10:02" (local) for a logged UTC time.
pub fn clock(logged: &str) -> String {
    match logged.parse::<Timestamp>() {
        Ok(ts) => ts.to_zoned(zone()).strftime("%H:%M:%S").to_string(),
        Err(_) => logged
            .split('T')
            .nth(1)
            .map_or(logged, |s| s.trim_end_matches('Z'))
            .to_owned(),
    }
}

/// "today 16:10", "yesterday 18:30" or "2026-11-20 09:05", local, for
/// telling a person when something happened.
pub fn when(logged: &str, lang: crate::i18n::Lang) -> String {
    use crate::i18n::{fill, Msg};
    let Ok(ts) = logged.parse::<Timestamp>() else {
        return logged.to_owned();
    };
    let at = ts.to_zoned(zone());
    let today = Timestamp::now().to_zoned(zone()).date();
    let hm = at.strftime("%H:%M").to_string();
    if at.date() == today {
        fill(Msg::TodayAt.get(lang), &[("time", &hm)])
    } else if today.yesterday().is_ok_and(|y| y == at.date()) {
        fill(Msg::YesterdayAt.get(lang), &[("time", &hm)])
    } else {
        at.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// Now, or SOURCE_DATE_EPOCH when set (reproducible printouts), as
/// "2026-11-23 08:00 +08:00" in the local zone.
pub fn printed_at() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok());
    epoch
        .unwrap_or_else(Timestamp::now)
        .to_zoned(zone())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_times_read_back_in_a_zone_with_its_offset() {
        let ts: Timestamp = "2026-11-23T08:10:02Z".parse().unwrap();
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        assert_eq!(
            ts.to_zoned(tz)
                .strftime("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
            "2026-11-23 16:10:02 +08:00"
        );
        assert_eq!(date_time("not a time"), "not a time");
        assert_eq!(clock("garbage"), "garbage");
    }
}
