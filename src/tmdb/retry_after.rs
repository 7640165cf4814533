//! The `Retry-After` header (RFC 9110 §10.2.3) as a bounded wait: delta-seconds or an
//! HTTP-date, never more than a cap, and nothing at all for a value that is neither.
//!
//! ```text
//! Retry-After: 120                            → min(120 s, cap)
//! Retry-After: Wed, 21 Oct 2015 07:28:00 GMT  → min(max(date − now, 0), cap)   IMF-fixdate
//!              Wednesday, 21-Oct-15 07:28:00 GMT                               RFC 850
//!              Wed Oct 21 07:28:00 2015                                        asctime
//! anything else (1e20, -3, inf, "soon", "")  → None: the caller falls back to its backoff
//! ```
//!
//! A server (or anything between it and us) chooses this value, so it is parsed without
//! arithmetic that can overflow: digits are read as a float and compared with the cap before
//! a `Duration` is made, dates are bounded to years 1900–9999 before they are turned into
//! seconds. The cap (by default the rate window, 10 s for TMDB) keeps one hostile header from
//! stalling every worker for days. Cost: `O(len)` of the header.
//!
//! ```
//! use cinegenre::tmdb::parse_retry_after;
//! use std::time::{Duration, UNIX_EPOCH};
//! let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // Wed, 21 Oct 2015 07:27:50 GMT
//! let cap = Duration::from_secs(10);
//! assert_eq!(parse_retry_after("3", now, cap), Some(Duration::from_secs(3)));
//! assert_eq!(parse_retry_after("99999999", now, cap), Some(cap));
//! assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:55 GMT", now, cap), Some(Duration::from_secs(5)));
//! assert_eq!(parse_retry_after("1e20", now, cap), None);
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The wait a `Retry-After` value asks for at `now`, at most `cap`; `None` if the value is
/// neither delta-seconds nor an HTTP-date.
pub fn parse_retry_after(value: &str, now: SystemTime, cap: Duration) -> Option<Duration> {
    let value = value.trim();
    if let Some(seconds) = delta_seconds(value) {
        return Some(seconds_capped(seconds, cap));
    }
    let date = http_date(value)?;
    let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs().min(i64::MAX as u64) as i64);
    Some(seconds_capped(date.saturating_sub(now).max(0) as f64, cap))
}

/// `min(seconds, cap)` as a `Duration`, without a conversion that can overflow.
fn seconds_capped(seconds: f64, cap: Duration) -> Duration {
    if seconds >= cap.as_secs_f64() { cap } else { Duration::from_secs_f64(seconds.max(0.0)) }
}

/// `1*DIGIT` (a fraction `.5` is tolerated); no sign, exponent, `inf` or `nan`.
fn delta_seconds(s: &str) -> Option<f64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    // Any run of digits parses; a very long one becomes a huge or infinite float, capped later.
    s.parse::<f64>().ok()
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Seconds since the Unix epoch of an HTTP-date in any of its three forms.
fn http_date(s: &str) -> Option<i64> {
    let fields: Vec<&str> = s.split_whitespace().collect();
    let (day, month, year, time) = match fields.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [weekday, day, month, year, time, "GMT"] if weekday.ends_with(',') => {
            (*day, *month, year.parse::<i64>().ok().filter(|_| year.len() == 4)?, *time)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        [weekday, date, time, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, month, yy) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || yy.len() != 2 {
                return None;
            }
            // Two-digit years: 00–69 are 20xx, 70–99 are 19xx (RFC 9110 §5.6.7 asks for the
            // most recent such year not more than 50 years ahead; the same until 2050).
            let yy: i64 = yy.parse().ok()?;
            (day, month, if yy < 70 { 2000 + yy } else { 1900 + yy }, *time)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [_, month, day, time, year] => {
            (*day, *month, year.parse::<i64>().ok().filter(|_| year.len() == 4)?, *time)
        }
        _ => return None,
    };
    let weekday_ok =
        fields.first().is_some_and(|w| w.trim_end_matches(',').bytes().all(|b| b.is_ascii_alphabetic()));
    let month = MONTHS.iter().position(|&m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok().filter(|d| (1..=31).contains(d) && day.len() <= 2)?;
    let mut hms = time.split(':').map(|t| t.parse::<i64>().ok().filter(|_| t.len() == 2));
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if !weekday_ok || hms.next().is_some() || !(1900..=9999).contains(&year) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec)
}

/// Days from 1970-01-01 to year-month-day in the proleptic Gregorian calendar (H. Hinnant,
/// "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: Duration = Duration::from_secs(10);

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn the_three_date_forms_agree() {
        // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example; `date -d`).
        let now = at(784_111_777 - 4);
        for form in
            ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]
        {
            assert_eq!(parse_retry_after(form, now, CAP), Some(Duration::from_secs(4)), "{form}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn past_dates_wait_nothing_and_far_ones_are_capped() {
        let now = at(784_111_777);
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now, CAP), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now, CAP), Some(CAP));
        assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", at(0), CAP), Some(Duration::ZERO));
    }

    #[test]
    fn numbers_are_capped_and_garbage_is_none() {
        let now = at(1_000_000_000);
        assert_eq!(parse_retry_after(" 2 ", now, CAP), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.5", now, CAP), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("99999999", now, CAP), Some(CAP));
        assert_eq!(parse_retry_after(&"9".repeat(400), now, CAP), Some(CAP));
        for bad in [
            "1e20",
            "-1",
            "+3",
            "inf",
            "NaN",
            "",
            ".5",
            "5.",
            "soon",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now, CAP), None, "{bad:?}");
        }
    }
}
