//! Small numeric helpers the model needs.

/// Standard normal cumulative distribution function.
pub fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Logistic adoption curve: 0.5 at `midpoint`, rising with `steepness` per year.
pub fn logistic(x: f64, midpoint: f64, steepness: f64) -> f64 {
    1.0 / (1.0 + (-(x - midpoint) * steepness).exp())
}

/// Rounds half away from zero to an integer, the rounding scoring.md assumes.
pub fn round_i(x: f64) -> i32 {
    x.round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_matches_known_values() {
        assert!((phi(0.0) - 0.5).abs() < 1e-12);
        assert!((phi(1.0) - 0.841_344_746).abs() < 1e-8);
        assert!((phi(-1.959_963_985) - 0.025).abs() < 1e-8);
    }

    #[test]
    fn logistic_is_half_at_midpoint() {
        assert!((logistic(2030.0, 2030.0, 0.5) - 0.5).abs() < 1e-12);
        assert!(logistic(2035.0, 2030.0, 0.5) > 0.9);
    }
}
