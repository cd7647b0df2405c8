//! How often one caller may knock: a count per key in a fixed window (an installation's
//! envelopes, a user name's failed sign-ins). Kept in the hub's memory: a restart forgets
//! it, which costs an attacker a restart they cannot cause.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys held before forgotten windows are swept (a flood of made-up keys must not grow
/// the map without end).
const KEYS_BEFORE_SWEEP: usize = 100_000;

pub struct Throttle {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Throttle {
        Throttle {
            limit,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event for `key`; once over the limit in the window, the whole seconds
    /// to wait instead.
    pub fn count(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= KEYS_BEFORE_SWEEP {
            let window = self.window;
            seen.retain(|_, (_, since)| now.duration_since(*since) < window);
        }
        let entry = seen.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        if entry.0 >= self.limit {
            return Err(self.wait(entry.1, now));
        }
        entry.0 += 1;
        Ok(())
    }

    /// The seconds to wait if `key` is at its limit now (nothing counted).
    pub fn over(&self, key: &str) -> Option<u64> {
        let now = Instant::now();
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = seen.get(key)?;
        (*count >= self.limit && now.duration_since(*since) < self.window)
            .then(|| self.wait(*since, now))
    }

    pub fn clear(&self, key: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    fn wait(&self, since: Instant, now: Instant) -> u64 {
        (self
            .window
            .saturating_sub(now.duration_since(since))
            .as_secs()
            + 1)
        .min(self.window.as_secs().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_limit_waits_and_others_do_not() {
        let t = Throttle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            t.count("a").unwrap();
        }
        let wait = t.count("a").unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(t.over("a"), Some(wait));
        t.count("b").unwrap();
        assert_eq!(t.over("b"), None);
        t.clear("a");
        t.count("a").unwrap();
    }

    #[test]
    fn a_window_that_has_passed_starts_again() {
        let t = Throttle::new(1, Duration::from_millis(30));
        t.count("a").unwrap();
        assert!(t.count("a").is_err());
        std::thread::sleep(Duration::from_millis(40));
        t.count("a").unwrap();
    }
}
