//! When to try the hub again after it could not be reached: exponential, capped, with
//! jitter so that a thousand offices coming back online at once do not call together.

use std::time::Duration;

/// The first wait.
pub const FIRST: Duration = Duration::from_secs(5);
/// The longest wait between two tries.
pub const LONGEST: Duration = Duration::from_secs(30 * 60);

/// The wait after `failures` failed tries in a row (1 = the first failure): the doubled
/// wait, capped, then a uniformly random point in its upper half ("equal jitter").
/// `random` is any random number; the same one gives the same wait (testable).
pub fn delay(failures: u32, random: u64) -> Duration {
    let exp = failures.saturating_sub(1).min(20);
    let ceiling = FIRST
        .as_millis()
        .saturating_mul(1u128 << exp)
        .min(LONGEST.as_millis()) as u64;
    let half = ceiling / 2;
    Duration::from_millis(half + random % (half + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_stay_in_the_upper_half() {
        // Without jitter's low end: 2.5 s, 5 s, 10 s, … then half of 30 min.
        assert_eq!(delay(1, 0), Duration::from_millis(2_500));
        assert_eq!(delay(2, 0), Duration::from_millis(5_000));
        assert_eq!(delay(3, 0), Duration::from_millis(10_000));
        assert_eq!(delay(1, 2_500), Duration::from_millis(5_000), "the top");
        assert_eq!(
            delay(1, 2_501),
            Duration::from_millis(2_500),
            "wraps to the bottom"
        );
        assert_eq!(delay(30, 0), Duration::from_secs(15 * 60));
        assert_eq!(delay(u32::MAX, u64::MAX).max(LONGEST), LONGEST);
        for r in [1u64, 77, 123_456_789, u64::MAX] {
            let d = delay(4, r);
            assert!(
                d >= Duration::from_secs(20) && d <= Duration::from_secs(40),
                "{d:?}"
            );
        }
    }
}
