//! The date and time of a run, read once here at the edge: `PLUMB_NOW` and `PLUMB_TODAY`
//! override the clock, so that tests replay nights and reruns of old reports are repeatable.

use anyhow::{Result, anyhow, bail};

/// The run's time: now, or `PLUMB_NOW` (unix seconds).
pub fn now() -> Result<i64> {
    if let Ok(text) = std::env::var("PLUMB_NOW") {
        return text
            .parse()
            .map_err(|_| anyhow!("PLUMB_NOW={text}: not a time in unix seconds"));
    }
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| anyhow!("the system clock is before 1970"))?;
    Ok(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
}

/// Today as `YYYY-MM-DD` (UTC), for policy `expires` dates, or `PLUMB_TODAY`.
pub fn today() -> Result<String> {
    if let Ok(today) = std::env::var("PLUMB_TODAY") {
        // Expiry compares dates as text: anything but a real `YYYY-MM-DD` would expire at
        // random.
        if !plumb_drift::policy_file::is_date(&today) {
            bail!("PLUMB_TODAY={today}: expected a date YYYY-MM-DD");
        }
        return Ok(today);
    }
    Ok(time::UtcDateTime::now().date().to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_date_as_policies_write_them() {
        if std::env::var_os("PLUMB_TODAY").is_none() {
            let today = super::today().unwrap();
            assert!(plumb_drift::policy_file::is_date(&today), "{today}");
        }
    }
}
