//! The figures derived from a score: band, horizon, resilience, adaptability.

use crate::catalog::Usage;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
pub enum Band {
    Low,
    Moderate,
    High,
    VeryHigh,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Low, Band::Moderate, Band::High, Band::VeryHigh];

    /// Low < 25 ≤ Moderate < 50 ≤ High < 75 ≤ Very high.
    pub fn of(score: i32) -> Band {
        match score {
            i32::MIN..=24 => Band::Low,
            25..=49 => Band::Moderate,
            50..=74 => Band::High,
            _ => Band::VeryHigh,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "Low",
            Band::Moderate => "Moderate",
            Band::High => "High",
            Band::VeryHigh => "Very high",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Moderate => "moderate",
            Band::High => "high",
            Band::VeryHigh => "very-high",
        }
    }
}

/// When AI is expected to change the job substantially, in years from now.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Horizon {
    pub from_years: f64,
    pub to_years: f64,
}

impl Horizon {
    /// ≥ 80 → 0–2 years, 60–79 → 2–3, 40–59 → 3–5, 20–39 → 5–7, < 20 → 7–10+.
    pub fn of(score: i32) -> Horizon {
        let (from_years, to_years) = match score {
            80.. => (0.0, 2.0),
            60..=79 => (2.0, 3.0),
            40..=59 => (3.0, 5.0),
            20..=39 => (5.0, 7.0),
            _ => (7.0, 10.0),
        };
        Horizon {
            from_years,
            to_years,
        }
    }

    pub fn label(self) -> String {
        let plus = if self.to_years >= 10.0 { "+" } else { "" };
        format!("{}–{}{} years", self.from_years, self.to_years, plus)
    }

    /// The middle of the horizon, where the adoption curve is centred.
    pub fn midpoint(self) -> f64 {
        (self.from_years + self.to_years) / 2.0
    }
}

/// resilience /10 = clamp(round((100 − score) / 10), 1, 10).
pub fn resilience(score: i32) -> i32 {
    (((100 - score) as f64 / 10.0).round() as i32).clamp(1, 10)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Adaptability {
    Low,
    Medium,
    High,
}

impl Adaptability {
    /// High: weekly or daily use of two or more AI tools (any the reader listed: adapting is a
    /// habit, whether or not the catalog maps a tool to the reader's own tasks); Medium: any
    /// use; Low: never. A model assumption, stated as such in the report.
    pub fn of(usage: Usage, tools_listed: usize) -> Adaptability {
        match usage {
            Usage::Never => Adaptability::Low,
            Usage::Weekly | Usage::Daily if tools_listed >= 2 => Adaptability::High,
            _ => Adaptability::Medium,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Adaptability::Low => "Low",
            Adaptability::Medium => "Medium",
            Adaptability::High => "High",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_edges() {
        assert_eq!(Band::of(24), Band::Low);
        assert_eq!(Band::of(25), Band::Moderate);
        assert_eq!(Band::of(49), Band::Moderate);
        assert_eq!(Band::of(50), Band::High);
        assert_eq!(Band::of(75), Band::VeryHigh);
    }

    #[test]
    fn horizon_edges_and_labels() {
        assert_eq!(Horizon::of(35).label(), "5–7 years");
        assert_eq!(Horizon::of(80).label(), "0–2 years");
        assert_eq!(Horizon::of(19).label(), "7–10+ years");
        assert_eq!(Horizon::of(60).label(), "2–3 years");
        assert_eq!(Horizon::of(59).label(), "3–5 years");
    }

    #[test]
    fn adaptability_counts_every_listed_tool() {
        // Three tools used daily are High even when the catalog maps none to the reader's tasks.
        assert_eq!(Adaptability::of(Usage::Daily, 3), Adaptability::High);
        assert_eq!(Adaptability::of(Usage::Weekly, 2), Adaptability::High);
        assert_eq!(Adaptability::of(Usage::Daily, 1), Adaptability::Medium);
        assert_eq!(Adaptability::of(Usage::Monthly, 3), Adaptability::Medium);
        assert_eq!(Adaptability::of(Usage::Never, 3), Adaptability::Low);
    }

    #[test]
    fn resilience_is_clamped() {
        assert_eq!(resilience(35), 7);
        assert_eq!(resilience(99), 1);
        assert_eq!(resilience(1), 10);
    }
}
