//! The drift score: one number from 0 to 100 (100 = no drift) for dashboards and trends.
//!
//! Each checked resource (managed, plus unmanaged objects) counts 1. A resource with a finding
//! loses its severity's weight (critical 1, high 0.6, medium 0.3, low 0.1), so
//! `score = 100 × (1 − Σ weight / checked)`; then any critical finding caps the score at 49 and
//! any high one at 79, so that one open port in a large estate is never hidden by its size.
//! Benign and not-checked findings cost nothing.

use plumb_model::Summary;

pub fn score(summary: &Summary) -> u8 {
    let s = &summary.by_severity;
    let checked = summary.managed.saturating_sub(summary.not_checked) + summary.unmanaged;
    if checked == 0 {
        return 100;
    }
    #[allow(clippy::cast_precision_loss)]
    let lost = s.critical as f64 + 0.6 * s.high as f64 + 0.3 * s.medium as f64 + 0.1 * s.low as f64;
    #[allow(clippy::cast_precision_loss)]
    let base = 100.0 * (1.0 - (lost / checked as f64).min(1.0));
    let cap = if s.critical > 0 {
        49.0
    } else if s.high > 0 {
        79.0
    } else {
        100.0
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let score = base.min(cap).round().clamp(0.0, 100.0) as u8;
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_model::finding::BySeverity;

    fn summary(managed: usize, by_severity: BySeverity) -> Summary {
        Summary {
            managed,
            by_severity,
            ..Summary::default()
        }
    }

    #[test]
    fn no_drift_is_100_and_one_critical_caps() {
        assert_eq!(score(&summary(10, BySeverity::default())), 100);
        assert_eq!(score(&summary(0, BySeverity::default())), 100);
        assert_eq!(
            score(&summary(
                1000,
                BySeverity {
                    critical: 1,
                    ..BySeverity::default()
                }
            )),
            49
        );
        assert_eq!(
            score(&summary(
                1000,
                BySeverity {
                    high: 1,
                    ..BySeverity::default()
                }
            )),
            79
        );
        assert_eq!(
            score(&summary(
                10,
                BySeverity {
                    low: 1,
                    ..BySeverity::default()
                }
            )),
            99
        );
        assert_eq!(
            score(&summary(
                2,
                BySeverity {
                    critical: 2,
                    ..BySeverity::default()
                }
            )),
            0
        );
    }
}
