//! Metrics across incidents (`cockpit report`): means and medians, overall
//! and by severity. Pure: it reads `IncidentMetrics` made by `metrics.rs`.

use serde::{Deserialize, Serialize};

use super::metrics::{IncidentMetrics, mean, median};

/// Mean and median of one metric over the incidents that have it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    /// How many incidents had a value (an open incident has no time to resolve).
    pub n: usize,
    pub mean_secs: Option<i64>,
    pub median_secs: Option<i64>,
}

impl Stat {
    pub fn of(values: &[i64]) -> Self {
        Self {
            n: values.len(),
            mean_secs: mean(values),
            median_secs: median(values),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub incidents: usize,
    pub time_to_detect: Stat,
    pub time_to_acknowledge: Stat,
    pub time_to_mitigate: Stat,
    pub time_to_resolve: Stat,
    pub time_to_close: Stat,
    pub checkin_mean_gap: Stat,
    pub checkins_too_soon: usize,
    pub checkins_too_late: usize,
    pub reopened: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeveritySummary {
    pub severity: String,
    #[serde(flatten)]
    pub summary: Summary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub overall: Summary,
    /// Most severe first (by each incident's playbook scale, then by name).
    pub by_severity: Vec<SeveritySummary>,
    pub incidents: Vec<IncidentMetrics>,
    /// Closed as not an incident or a false positive (000 responder script
    /// steps 4-5, issue 13): counted apart, never in the measures above.
    #[serde(default)]
    pub dismissed: Vec<DismissedItem>,
}

/// One record closed by a verdict instead of the close ceremony.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissedItem {
    pub incident: String,
    pub title: String,
    pub declared_at: chrono::DateTime<chrono::Utc>,
    pub verdict: crate::domain::event::Verdict,
    pub reason: String,
}

pub fn summarize(metrics: &[IncidentMetrics]) -> Summary {
    let pick = |f: fn(&IncidentMetrics) -> Option<i64>| {
        Stat::of(&metrics.iter().filter_map(f).collect::<Vec<_>>())
    };
    Summary {
        incidents: metrics.len(),
        time_to_detect: pick(|m| m.time_to_detect_secs),
        time_to_acknowledge: pick(|m| m.time_to_acknowledge_secs),
        time_to_mitigate: pick(|m| m.time_to_mitigate_secs),
        time_to_resolve: pick(|m| m.time_to_resolve_secs),
        time_to_close: pick(|m| m.time_to_close_secs),
        checkin_mean_gap: pick(|m| m.checkins.mean_gap_secs),
        checkins_too_soon: metrics.iter().map(|m| m.checkins.too_soon).sum(),
        checkins_too_late: metrics.iter().map(|m| m.checkins.too_late).sum(),
        reopened: metrics.iter().filter(|m| m.reopened > 0).count(),
    }
}

pub fn report(metrics: Vec<IncidentMetrics>) -> Report {
    let mut severities: Vec<(usize, String)> = metrics
        .iter()
        .map(|m| (m.severity_rank, m.severity.clone()))
        .collect();
    severities.sort();
    severities.dedup_by(|a, b| a.1 == b.1);
    let by_severity = severities
        .into_iter()
        .map(|(_, sev)| {
            let group: Vec<IncidentMetrics> = metrics
                .iter()
                .filter(|m| m.severity == sev)
                .cloned()
                .collect();
            SeveritySummary {
                severity: sev,
                summary: summarize(&group),
            }
        })
        .collect();
    Report {
        overall: summarize(&metrics),
        by_severity,
        incidents: metrics,
        dismissed: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::CheckInStats;
    use chrono::{DateTime, Utc};

    fn m(sev: &str, rank: usize, ack: Option<i64>, resolve: Option<i64>) -> IncidentMetrics {
        let t: DateTime<Utc> = "2026-03-10T10:00:00Z".parse().unwrap();
        IncidentMetrics {
            incident: format!("{sev}-{ack:?}"),
            title: "t".into(),
            severity: sev.into(),
            severity_rank: rank,
            incident_start: t,
            incident_end: None,
            acknowledged_at: None,
            mitigated_at: None,
            mitigated_by: None,
            resolved_at: None,
            time_to_detect_secs: None,
            time_to_acknowledge_secs: ack,
            time_to_mitigate_secs: None,
            time_to_resolve_secs: resolve,
            time_to_close_secs: None,
            outage_secs: None,
            reopened: 0,
            checkins: CheckInStats::default(),
            time_in_state: vec![],
        }
    }

    #[test]
    fn means_and_medians_by_severity_most_severe_first() {
        let r = report(vec![
            m("SEV2", 1, Some(60), Some(3600)),
            m("SEV1", 0, Some(120), Some(600)),
            m("SEV1", 0, Some(300), None),
            m("SEV1", 0, Some(30), Some(1200)),
            m("SEV2", 1, Some(240), Some(1800)),
        ]);
        assert_eq!(r.overall.incidents, 5);
        // 60 + 120 + 300 + 30 + 240 = 750 / 5
        assert_eq!(r.overall.time_to_acknowledge.mean_secs, Some(150));
        // sorted 30 60 120 240 300
        assert_eq!(r.overall.time_to_acknowledge.median_secs, Some(120));
        // the open SEV1 has no time to resolve: 4 values, median of 1200 and 1800
        assert_eq!(r.overall.time_to_resolve.n, 4);
        assert_eq!(r.overall.time_to_resolve.median_secs, Some(1500));
        let names: Vec<_> = r.by_severity.iter().map(|s| s.severity.as_str()).collect();
        assert_eq!(names, ["SEV1", "SEV2"]);
        let sev1 = &r.by_severity[0].summary;
        assert_eq!(sev1.incidents, 3);
        assert_eq!(sev1.time_to_acknowledge.mean_secs, Some(150));
        assert_eq!(sev1.time_to_acknowledge.median_secs, Some(120));
        assert_eq!(sev1.time_to_resolve.mean_secs, Some(900));
        let sev2 = &r.by_severity[1].summary;
        assert_eq!(sev2.time_to_resolve.median_secs, Some(2700));
    }

    #[test]
    fn nothing_to_measure_is_none_not_zero() {
        let s = summarize(&[]);
        assert_eq!(s.time_to_resolve, Stat::default());
        assert_eq!(s.time_to_resolve.mean_secs, None);
    }
}
