//! Exponential backoff with jitter, for activation errors and undelivered job answers.

use std::time::Duration;

/// Delays that grow by a factor from `initial` up to `max`, each varied by ±`jitter`.
#[derive(Clone, Debug)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    factor: f64,
    jitter: f64,
    next: Duration,
}

impl Backoff {
    /// 50 ms, ×1.6 per failure, at most 5 s, ±10 % (the Java client's activation backoff).
    pub(crate) fn new() -> Self {
        Backoff::with(Duration::from_millis(50), Duration::from_secs(5), 1.6, 0.1)
    }

    pub(crate) fn with(initial: Duration, max: Duration, factor: f64, jitter: f64) -> Self {
        Backoff {
            initial,
            max,
            factor,
            jitter,
            next: initial,
        }
    }

    /// The delay before the next attempt; the one after grows.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = base.mul_f64(self.factor).min(self.max);
        let spread = (fastrand::f64() * 2.0 - 1.0) * self.jitter;
        base.mul_f64(1.0 + spread).min(self.max)
    }

    /// After a success: start again from the initial delay.
    pub(crate) fn reset(&mut self) {
        self.next = self.initial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_to_the_cap_with_jitter_and_resets() {
        let mut b = Backoff::new();
        let delays: Vec<Duration> = (0..14).map(|_| b.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(45) && delays[0] <= Duration::from_millis(55));
        assert!(delays[1] >= Duration::from_millis(72) && delays[1] <= Duration::from_millis(88));
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(5)));
        assert!(delays[13] >= Duration::from_millis(4500), "{delays:?}");
        // 10 s of failures take about 11 attempts: the activation load stays low
        let mut b = Backoff::new();
        let mut total = Duration::ZERO;
        let mut attempts = 0;
        while total < Duration::from_secs(10) {
            total += b.next_delay();
            attempts += 1;
        }
        assert!((10..=13).contains(&attempts), "{attempts}");
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(55));
    }
}
