//! Timestamps: an instant in UTC and the three Smithy wire formats.
//!
//! The civil-date math is written here (Howard Hinnant's `days_from_civil` and
//! `civil_from_days`) instead of pulling in `chrono` or `time`: the formats are small and fixed,
//! and the tests pin every edge (negative epoch, leap years, year 9999, fractions).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// An instant in time, UTC, with nanosecond precision.
///
/// Stored as whole seconds since the Unix epoch (floored, so negative for instants before
/// 1970) plus a nanosecond fraction that is always in `0..1_000_000_000`; `-1.5` seconds is
/// `secs() == -2`, `subsec_nanos() == 500_000_000`. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    seconds: i64,
    subsec_nanos: u32,
}

/// The timestamp formats of Smithy's `@timestampFormat` trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `epoch-seconds`: seconds since the Unix epoch, with an optional decimal fraction
    /// (`1515531081.123`).
    EpochSeconds,
    /// `date-time`: RFC 3339 (`2019-12-16T23:48:18Z`).
    DateTime,
    /// `http-date`: the IMF-fixdate of RFC 7231 (`Mon, 16 Dec 2019 23:48:18 GMT`).
    HttpDate,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::EpochSeconds => "epoch-seconds",
            Format::DateTime => "RFC 3339 date-time",
            Format::HttpDate => "HTTP date",
        }
    }
}

/// Why a timestamp string could not be parsed; its `Display` names the format, the input and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    format: Format,
    input: String,
    reason: String,
}

impl DateTimeParseError {
    fn new(format: Format, input: &str, reason: impl Into<String>) -> Self {
        // Bound the echoed input: error messages end up in logs.
        const MAX: usize = 64;
        let input = match input.char_indices().nth(MAX) {
            Some((i, _)) => format!("{}...", &input[..i]),
            None => input.to_owned(),
        };
        Self {
            format,
            input,
            reason: reason.into(),
        }
    }

    /// The format the input was expected to be in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// What is wrong with the input, such as `month 13 is not in 1..=12`.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: {}",
            self.format.name(),
            self.input,
            self.reason
        )
    }
}

impl std::error::Error for DateTimeParseError {}

/// Why an instant cannot be written in a format: RFC 3339 and HTTP dates have four-digit
/// years, so instants outside years 0000 to 9999 have no representation there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeFormatError {
    format: Format,
    date_time: DateTime,
}

impl fmt::Display for DateTimeFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (epoch seconds {}) is outside years 0000 to 9999 and has no {} form",
            self.date_time,
            self.date_time.seconds,
            self.format.name()
        )
    }
}

impl std::error::Error for DateTimeFormatError {}

impl DateTime {
    /// The instant `s` whole seconds after the Unix epoch (before it, if negative).
    pub fn from_secs(s: i64) -> Self {
        Self {
            seconds: s,
            subsec_nanos: 0,
        }
    }

    /// The instant `s` seconds plus `n` nanoseconds after the Unix epoch.
    ///
    /// Nanoseconds of a second or more carry into the seconds (saturating at the ends of
    /// the `i64` range) rather than panicking.
    pub fn from_secs_and_nanos(s: i64, n: u32) -> Self {
        Self {
            seconds: s.saturating_add(i64::from(n / NANOS_PER_SEC)),
            subsec_nanos: n % NANOS_PER_SEC,
        }
    }

    /// The instant `ms` milliseconds after the Unix epoch (before it, if negative).
    pub fn from_millis(ms: i64) -> Self {
        Self {
            seconds: ms.div_euclid(1000),
            // rem_euclid is in 0..1000, so the cast and product cannot overflow.
            subsec_nanos: ms.rem_euclid(1000) as u32 * 1_000_000,
        }
    }

    /// The instant `f` seconds after the Unix epoch, rounded to the nearest millisecond.
    ///
    /// Epoch-seconds timestamps arrive as JSON numbers, which are binary floats: `1576540098.123`
    /// is really `1576540098.12299990654...`. Services send at most millisecond precision, so
    /// rounding to it recovers the decimal that was sent, where truncating would not.
    /// Values beyond the representable range saturate; NaN maps to the epoch.
    pub fn from_secs_f64(f: f64) -> Self {
        // The product's rounding error is far below half a millisecond for any realistic
        // instant (|f| < 2^40 seconds), so round() lands on the intended millisecond.
        // `as` saturates out-of-range values and maps NaN to 0.
        Self::from_millis((f * 1000.0).round() as i64)
    }

    /// Whole seconds since the Unix epoch, floored (negative before 1970).
    pub fn secs(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`secs`](Self::secs), always in `0..1_000_000_000`.
    pub fn subsec_nanos(&self) -> u32 {
        self.subsec_nanos
    }

    /// Seconds since the Unix epoch as a float (what a JSON epoch-seconds number holds).
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.subsec_nanos) / f64::from(NANOS_PER_SEC)
    }

    /// Milliseconds since the Unix epoch, truncating finer precision toward the past;
    /// `None` if that overflows `i64`.
    pub fn to_millis(&self) -> Option<i64> {
        self.seconds
            .checked_mul(1000)?
            .checked_add(i64::from(self.subsec_nanos / 1_000_000))
    }

    /// Parses `s` in the given format.
    ///
    /// - [`Format::EpochSeconds`]: `1515531081`, `1515531081.123`, `-1.5`; fractions finer
    ///   than a nanosecond are truncated; exponent forms (`1.5e9`) are read as floats.
    /// - [`Format::DateTime`]: RFC 3339, `2019-12-16T23:48:18Z`, with any number of fraction
    ///   digits, `Z` or a numeric offset (`+01:00`, also `+0100`), lowercase `t`/`z` or a
    ///   space as separator. A leap second (`:60`) counts as the first second of the next
    ///   minute.
    /// - [`Format::HttpDate`]: IMF-fixdate `Tue, 29 Apr 2014 18:30:38 GMT` (a fraction of a
    ///   second is tolerated), and the obsolete forms RFC 7231 still asks recipients to
    ///   accept: RFC 850 `Tuesday, 29-Apr-14 18:30:38 GMT` and asctime
    ///   `Tue Apr 29 18:30:38 2014`. The weekday must be a weekday name but is not checked
    ///   against the date.
    ///
    /// Never panics; the error names what is wrong.
    pub fn from_str(s: &str, format: Format) -> Result<Self, DateTimeParseError> {
        let result = match format {
            Format::EpochSeconds => parse_epoch_seconds(s),
            Format::DateTime => parse_rfc3339(s),
            Format::HttpDate => parse_http_date(s),
        };
        result.map_err(|reason| DateTimeParseError::new(format, s, reason))
    }

    /// Writes the instant in the given format.
    ///
    /// - [`Format::EpochSeconds`]: `1515531081`, or with the fraction when it is nonzero,
    ///   trailing zeros trimmed (`1515531081.123`); never fails.
    /// - [`Format::DateTime`]: `2019-12-16T23:48:18Z`, with `.123` before the `Z` only when
    ///   the fraction is nonzero (trailing zeros trimmed, down to nanoseconds).
    /// - [`Format::HttpDate`]: `Mon, 16 Dec 2019 23:48:18 GMT`; HTTP dates have no fractions,
    ///   so the fraction is truncated.
    ///
    /// The last two fail for instants outside years 0000 to 9999.
    pub fn fmt(&self, format: Format) -> Result<String, DateTimeFormatError> {
        let err = || DateTimeFormatError {
            format,
            date_time: *self,
        };
        match format {
            Format::EpochSeconds => Ok(self.fmt_epoch_seconds()),
            Format::DateTime => {
                let parts = Parts::of(self);
                if !(0..=9999).contains(&parts.year) {
                    return Err(err());
                }
                Ok(parts.rfc3339())
            }
            Format::HttpDate => {
                let parts = Parts::of(self);
                if !(0..=9999).contains(&parts.year) {
                    return Err(err());
                }
                Ok(format!(
                    "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                    WEEKDAYS[parts.weekday as usize],
                    parts.day,
                    MONTHS[parts.month as usize - 1],
                    parts.year,
                    parts.hour,
                    parts.minute,
                    parts.second
                ))
            }
        }
    }

    fn fmt_epoch_seconds(&self) -> String {
        if self.subsec_nanos == 0 {
            return self.seconds.to_string();
        }
        // The stored seconds are floored; written out, a negative instant with a fraction
        // reads as the next second toward zero: (-2 s, +0.5 s) is "-1.5".
        let (whole, nanos) = if self.seconds < 0 {
            (
                i128::from(self.seconds) + 1,
                NANOS_PER_SEC - self.subsec_nanos,
            )
        } else {
            (i128::from(self.seconds), self.subsec_nanos)
        };
        let sign = if whole == 0 && self.seconds < 0 {
            "-"
        } else {
            ""
        };
        format!("{sign}{whole}.{}", fraction_digits(nanos))
    }

    /// The instant as a [`SystemTime`], or `None` if the platform cannot represent it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let base = if self.seconds >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(self.seconds as u64))?
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(self.seconds.unsigned_abs()))?
        };
        base.checked_add(Duration::from_nanos(u64::from(self.subsec_nanos)))
    }
}

impl From<SystemTime> for DateTime {
    /// Saturates at the ends of the `i64` seconds range (hundreds of billions of years away).
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self {
                seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                subsec_nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                if d.subsec_nanos() == 0 {
                    Self::from_secs(-secs)
                } else {
                    Self {
                        seconds: (-secs).saturating_sub(1),
                        subsec_nanos: NANOS_PER_SEC - d.subsec_nanos(),
                    }
                }
            }
        }
    }
}

impl fmt::Display for DateTime {
    /// RFC 3339 (`2019-12-16T23:48:18.5Z`). Years outside 0000 to 9999, which RFC 3339
    /// cannot hold, are written in ISO 8601's expanded form (`+10000-01-01T00:00:00Z`,
    /// `-0001-12-31T00:00:00Z`) so that displaying never fails.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Parts::of(self).rfc3339())
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS_LONG: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The digits of a nonzero nanosecond fraction, trailing zeros trimmed (`500_000_000` -> `5`).
fn fraction_digits(nanos: u32) -> String {
    let padded = format!("{nanos:09}");
    padded.trim_end_matches('0').to_owned()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
/// Exact for every year that fits an `i64` with room to spare; the callers pass four-digit
/// years.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count years from March so the leap day is the last day of the "year".
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01
/// (Hinnant's `civil_from_days`); exact over the whole `i64` seconds range.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An instant broken into calendar fields (UTC).
struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// 0 = Sunday.
    weekday: u32,
}

impl Parts {
    fn of(t: &DateTime) -> Self {
        let days = t.seconds.div_euclid(SECS_PER_DAY);
        let secs_of_day = t.seconds.rem_euclid(SECS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: secs_of_day / 3600,
            minute: secs_of_day / 60 % 60,
            second: secs_of_day % 60,
            nanos: t.subsec_nanos,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    fn rfc3339(&self) -> String {
        let year = match self.year {
            0..=9999 => format!("{:04}", self.year),
            y if y < 0 => format!("-{:04}", y.unsigned_abs()),
            y => format!("+{y}"),
        };
        let mut out = format!(
            "{year}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            out.push('.');
            out.push_str(&fraction_digits(self.nanos));
        }
        out.push('Z');
        out
    }
}

/// The instant of a validated calendar date and time of day, plus an offset in seconds east
/// of UTC to subtract.
#[allow(clippy::too_many_arguments)] // private; one argument per calendar field reads best
fn instant(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset_secs: i64,
) -> Result<DateTime, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not in 1..=12"));
    }
    let max_day = days_in_month(year, month);
    if day < 1 || day > max_day {
        return Err(format!(
            "day {day} is not in 1..={max_day} for {year:04}-{month:02}"
        ));
    }
    if hour > 23 {
        return Err(format!("hour {hour} is not in 0..=23"));
    }
    if minute > 59 {
        return Err(format!("minute {minute} is not in 0..=59"));
    }
    if second > 60 {
        return Err(format!("second {second} is not in 0..=60"));
    }
    let secs = days_from_civil(year, month, day) * SECS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second)
        - offset_secs;
    Ok(DateTime::from_secs_and_nanos(secs, nanos))
}

/// A tiny cursor over ASCII input; every method fails with a message instead of panicking.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Self { rest: s.as_bytes() }
    }

    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn describe(b: Option<u8>) -> String {
        match b {
            None => "end of input".to_owned(),
            Some(b) if b.is_ascii_graphic() || b == b' ' => format!("{:?}", b as char),
            Some(b) => format!("byte 0x{b:02X}"),
        }
    }

    /// Consumes `want`, naming `what` it separates if it is missing.
    fn expect(&mut self, want: u8, what: &str) -> Result<(), String> {
        match self.bump() {
            Some(b) if b == want => Ok(()),
            other => Err(format!(
                "expected {:?} {what}, found {}",
                want as char,
                Self::describe(other)
            )),
        }
    }

    /// Exactly `n` decimal digits (n <= 9), as the field `what`.
    fn digits(&mut self, n: usize, what: &str) -> Result<u32, String> {
        let mut value = 0u32;
        for i in 0..n {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    self.bump();
                    value = value * 10 + u32::from(b - b'0');
                }
                other => {
                    return Err(format!(
                        "{what} needs {n} digits, found {} after {i}",
                        Self::describe(other)
                    ))
                }
            }
        }
        Ok(value)
    }

    /// One or more decimal digits as a fraction of a second: nanoseconds, truncating digits
    /// past the ninth.
    fn fraction(&mut self) -> Result<u32, String> {
        let mut nanos = 0u32;
        let mut count = 0usize;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            self.bump();
            if count < 9 {
                nanos = nanos * 10 + u32::from(b - b'0');
            }
            count += 1;
        }
        if count == 0 {
            return Err(format!(
                "expected digits after '.', found {}",
                Self::describe(self.peek())
            ));
        }
        for _ in count..9 {
            nanos *= 10;
        }
        Ok(nanos)
    }

    /// Letters up to the next non-letter.
    fn word(&mut self) -> &'a str {
        let len = self
            .rest
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let (word, rest) = self.rest.split_at(len);
        self.rest = rest;
        // ASCII letters only, so this is valid UTF-8.
        std::str::from_utf8(word).unwrap_or_default()
    }

    fn end(&self) -> Result<(), String> {
        match self.peek() {
            None => Ok(()),
            other => Err(format!(
                "unexpected {} after the timestamp",
                Self::describe(other)
            )),
        }
    }
}

fn parse_epoch_seconds(s: &str) -> Result<DateTime, String> {
    if s.is_empty() {
        return Err("empty string".to_owned());
    }
    if s.bytes().any(|b| b == b'e' || b == b'E') {
        // Exponent notation is rare on the wire; a float is exact enough for it.
        let f: f64 = s.parse().map_err(|_| "not a decimal number".to_owned())?;
        if !f.is_finite() {
            return Err("not a finite number".to_owned());
        }
        return Ok(DateTime::from_secs_f64(f));
    }
    let mut c = Cursor::new(s);
    let negative = match c.peek() {
        Some(b'-') => {
            c.bump();
            true
        }
        Some(b'+') => {
            c.bump();
            false
        }
        _ => false,
    };
    let mut whole: i64 = 0;
    let mut any_digit = false;
    while let Some(b @ b'0'..=b'9') = c.peek() {
        c.bump();
        any_digit = true;
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(i64::from(b - b'0')))
            .ok_or("seconds overflow a 64-bit integer")?;
    }
    let nanos = if c.peek() == Some(b'.') {
        c.bump();
        if !any_digit && c.peek().is_none() {
            return Err("expected digits, found only '.'".to_owned());
        }
        match c.peek() {
            // "1." is accepted as "1": some encoders write it.
            None => 0,
            _ => c.fraction()?,
        }
    } else {
        if !any_digit {
            return Err(format!(
                "expected digits, found {}",
                Cursor::describe(c.peek())
            ));
        }
        0
    };
    c.end()?;
    if !negative {
        return Ok(DateTime::from_secs_and_nanos(whole, nanos));
    }
    Ok(if nanos == 0 {
        DateTime::from_secs(-whole)
    } else {
        // -(w + f) = -(w + 1) + (1 - f); -(w + 1) cannot overflow since w <= i64::MAX.
        DateTime::from_secs_and_nanos(-whole - 1, NANOS_PER_SEC - nanos)
    })
}

fn parse_rfc3339(s: &str) -> Result<DateTime, String> {
    let mut c = Cursor::new(s);
    let year = c.digits(4, "year")?;
    c.expect(b'-', "after the year")?;
    let month = c.digits(2, "month")?;
    c.expect(b'-', "after the month")?;
    let day = c.digits(2, "day")?;
    match c.bump() {
        Some(b'T' | b't' | b' ') => {}
        other => {
            return Err(format!(
                "expected 'T' between date and time, found {}",
                Cursor::describe(other)
            ))
        }
    }
    let hour = c.digits(2, "hour")?;
    c.expect(b':', "after the hour")?;
    let minute = c.digits(2, "minute")?;
    c.expect(b':', "after the minute")?;
    let second = c.digits(2, "second")?;
    let nanos = if c.peek() == Some(b'.') {
        c.bump();
        c.fraction()?
    } else {
        0
    };
    let offset_secs = match c.bump() {
        Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = c.digits(2, "offset hour")?;
            if c.peek() == Some(b':') {
                c.bump();
            }
            let m = c.digits(2, "offset minute")?;
            if h > 23 || m > 59 {
                return Err(format!("offset {h:02}:{m:02} is out of range"));
            }
            let secs = i64::from(h * 3600 + m * 60);
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        other => {
            return Err(format!(
                "expected 'Z' or a numeric offset such as +01:00, found {}",
                Cursor::describe(other)
            ))
        }
    };
    c.end()?;
    instant(
        i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset_secs,
    )
}

fn month_from_name(name: &str) -> Result<u32, String> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map(|i| i as u32 + 1)
        .ok_or_else(|| format!("{name:?} is not a month name (Jan..Dec)"))
}

/// `HH:MM:SS` with an optional fraction (tolerated although IMF-fixdate has none).
fn parse_time_of_day(c: &mut Cursor<'_>) -> Result<(u32, u32, u32, u32), String> {
    let hour = c.digits(2, "hour")?;
    c.expect(b':', "after the hour")?;
    let minute = c.digits(2, "minute")?;
    c.expect(b':', "after the minute")?;
    let second = c.digits(2, "second")?;
    let nanos = if c.peek() == Some(b'.') {
        c.bump();
        c.fraction()?
    } else {
        0
    };
    Ok((hour, minute, second, nanos))
}

fn expect_gmt(c: &mut Cursor<'_>) -> Result<(), String> {
    c.expect(b' ', "before the zone")?;
    let zone = c.word();
    if zone != "GMT" {
        return Err(format!("expected zone \"GMT\", found {zone:?}"));
    }
    c.end()
}

fn parse_http_date(s: &str) -> Result<DateTime, String> {
    let mut c = Cursor::new(s);
    let weekday = c.word();
    if c.peek() == Some(b',') {
        c.bump();
        c.expect(b' ', "after the weekday")?;
        if WEEKDAYS.contains(&weekday) {
            // IMF-fixdate: "Tue, 29 Apr 2014 18:30:38 GMT"
            let day = c.digits(2, "day")?;
            c.expect(b' ', "after the day")?;
            let month = month_from_name(c.word())?;
            c.expect(b' ', "after the month")?;
            let year = c.digits(4, "year")?;
            c.expect(b' ', "after the year")?;
            let (hour, minute, second, nanos) = parse_time_of_day(&mut c)?;
            expect_gmt(&mut c)?;
            instant(i64::from(year), month, day, hour, minute, second, nanos, 0)
        } else if WEEKDAYS_LONG.contains(&weekday) {
            // RFC 850: "Tuesday, 29-Apr-14 18:30:38 GMT"
            let day = c.digits(2, "day")?;
            c.expect(b'-', "after the day")?;
            let month = month_from_name(c.word())?;
            c.expect(b'-', "after the month")?;
            let yy = c.digits(2, "two-digit year")?;
            // RFC 7231 pivots on the current year (more than 50 years ahead means the past
            // century); a fixed 1970..=2069 window keeps parsing independent of the clock,
            // and the form is obsolete anyway.
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            c.expect(b' ', "after the year")?;
            let (hour, minute, second, nanos) = parse_time_of_day(&mut c)?;
            expect_gmt(&mut c)?;
            instant(i64::from(year), month, day, hour, minute, second, nanos, 0)
        } else {
            Err(format!("{weekday:?} is not a weekday name"))
        }
    } else if WEEKDAYS.contains(&weekday) {
        // asctime: "Tue Apr 29 18:30:38 2014" (day padded with a space)
        c.expect(b' ', "after the weekday")?;
        let month = month_from_name(c.word())?;
        c.expect(b' ', "after the month")?;
        let day = if c.peek() == Some(b' ') {
            c.bump();
            c.digits(1, "space-padded day")?
        } else {
            c.digits(2, "day")?
        };
        parse_asctime_rest(&mut c, month, day)
    } else if weekday.is_empty() {
        Err(format!(
            "expected a weekday name, found {}",
            Cursor::describe(c.peek())
        ))
    } else {
        Err(format!(
            "{weekday:?} is not a weekday name, or a ',' is missing after it"
        ))
    }
}

fn parse_asctime_rest(c: &mut Cursor<'_>, month: u32, day: u32) -> Result<DateTime, String> {
    c.expect(b' ', "after the day")?;
    let (hour, minute, second, nanos) = parse_time_of_day(c)?;
    c.expect(b' ', "before the year")?;
    let year = c.digits(4, "year")?;
    c.end()?;
    instant(i64::from(year), month, day, hour, minute, second, nanos, 0)
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::{DateTime, Format};
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;

    impl Serialize for DateTime {
        /// An RFC 3339 string; fails for years outside 0000 to 9999.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let s = self
                .fmt(Format::DateTime)
                .map_err(serde::ser::Error::custom)?;
            serializer.serialize_str(&s)
        }
    }

    struct DateTimeVisitor;

    impl Visitor<'_> for DateTimeVisitor {
        type Value = DateTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp string or epoch seconds as a number")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
            DateTime::from_str(v, Format::DateTime).map_err(E::custom)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
            Ok(DateTime::from_secs(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
            i64::try_from(v)
                .map(DateTime::from_secs)
                .map_err(|_| E::custom("epoch seconds out of range"))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateTime, E> {
            if v.is_finite() {
                Ok(DateTime::from_secs_f64(v))
            } else {
                Err(E::custom("epoch seconds must be finite"))
            }
        }
    }

    impl<'de> Deserialize<'de> for DateTime {
        /// Accepts an RFC 3339 string or epoch seconds as a JSON number.
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(DateTimeVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_error_says_the_format_and_the_reason() {
        let e = DateTime::from_str("2019-13-01T00:00:00Z", Format::DateTime).unwrap_err();
        assert_eq!(e.format(), Format::DateTime);
        assert_eq!(e.reason(), "month 13 is not in 1..=12");
        assert!(e.to_string().contains("month 13 is not in 1..=12"), "{e}");
    }

    #[test]
    fn epoch_seconds_with_a_dot_at_either_end() {
        let secs = |s: &str| DateTime::from_str(s, Format::EpochSeconds);
        // "1." is accepted as 1 (some encoders write it), ".5" as half a second; "." is not.
        assert_eq!(secs("1.").unwrap(), DateTime::from_secs(1));
        assert_eq!(
            secs(".5").unwrap(),
            DateTime::from_secs_and_nanos(0, 500_000_000)
        );
        assert_eq!(
            secs("-.5").unwrap(),
            DateTime::from_secs_and_nanos(-1, 500_000_000)
        );
        assert_eq!(
            secs(".").unwrap_err().reason(),
            "expected digits, found only '.'"
        );
    }

    #[test]
    fn civil_round_trips_over_a_wide_range() {
        // Every day from year -1000 to 10000 maps back to itself, in order.
        let start = days_from_civil(-1000, 1, 1);
        let end = days_from_civil(10_000, 12, 31);
        let mut prev = civil_from_days(start - 1);
        for days in start..=end {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert!((y, m, d) > prev);
            prev = (y, m, d);
        }
    }

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(days_from_civil(0, 1, 1), -719_528);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000) && is_leap_year(2024) && is_leap_year(0));
        assert!(!is_leap_year(1900) && !is_leap_year(2023) && !is_leap_year(2100));
    }

    #[test]
    fn extreme_instants_display_without_panicking() {
        for s in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX] {
            let t = DateTime::from_secs_and_nanos(s, 999_999_999);
            let _ = t.to_string();
            let _ = t.fmt(Format::HttpDate);
            let _ = t.fmt(Format::EpochSeconds);
        }
    }
}
