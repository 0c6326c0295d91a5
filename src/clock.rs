//! Time, injected.
//!
//! Expiry checks and capture times read the clock through [`Clock`] so that
//! tests can fix "now" and get exact, repeatable output.

use jiff::{civil::Date, tz::TimeZone, Timestamp};

#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant, for tests and reproducible runs.
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// Today's date in UTC: rights expire by calendar date.
    pub fn today(&self) -> Date {
        self.now().to_zoned(TimeZone::UTC).date()
    }

    /// Now as RFC 3339, to the second.
    pub fn stamp(&self) -> String {
        let t = self.now();
        Timestamp::from_second(t.as_second()).unwrap_or(t).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_exact() {
        let c = Clock::Fixed("2026-11-23T10:15:30.25Z".parse().unwrap());
        assert_eq!(c.today().to_string(), "2026-11-23");
        assert_eq!(c.stamp(), "2026-11-23T10:15:30Z");
    }
}
