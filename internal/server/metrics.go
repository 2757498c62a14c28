package server

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/store"
)

// Metrics are the service's Prometheus metrics, on their own registry so
// that tests and several servers in one process do not collide.
type Metrics struct {
	Registry         *prometheus.Registry
	ScanDuration     *prometheus.HistogramVec
	Scans            *prometheus.CounterVec
	Findings         *prometheus.GaugeVec
	Score            *prometheus.GaugeVec
	CollectionErrors *prometheus.CounterVec
	Alerts           *prometheus.CounterVec
	// Pruned counts scans deleted by the retention, by store target.
	Pruned *prometheus.CounterVec

	mu sync.Mutex
	// byTarget are the finding counts of each target's latest scan, by
	// severity and state; Findings is their sum.
	byTarget map[string]map[[2]string]int
}

// NewMetrics registers the metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		ScanDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cloudward_scan_duration_seconds",
			Help:    "Duration of scans (load, checks, store), by target.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600},
		}, []string{"target"}),
		Scans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cloudward_scans_total",
			Help: "Scheduled scans by target and result: ok, failed, skipped (the previous run was still going), enqueued, unavailable.",
		}, []string{"target", "result"}),
		Findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cloudward_findings",
			Help: "Findings of the latest scan of every target, by severity and state (open, muted, resolved since the previous scan).",
		}, []string{"severity", "state"}),
		Score: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cloudward_posture_score",
			Help: "Posture score (0-100) of the latest scan, by target.",
		}, []string{"target"}),
		CollectionErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cloudward_collection_errors_total",
			Help: "Scans whose target could not be collected or read, by target.",
		}, []string{"target"}),
		Alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cloudward_alerts_total",
			Help: "Alert events by destination and result (sent, failed).",
		}, []string{"destination", "result"}),
		Pruned: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cloudward_pruned_scans_total",
			Help: "Stored scans deleted by the retention setting, by stored target (account IDs).",
		}, []string{"target"}),
		byTarget: map[string]map[[2]string]int{},
	}
	m.Registry.MustRegister(m.ScanDuration, m.Scans, m.Findings, m.Score, m.CollectionErrors, m.Alerts, m.Pruned)
	// Every state exists from the start, so dashboards see zeros.
	for sev := check.Info; sev <= check.Critical; sev++ {
		for _, st := range []string{store.StateOpen, store.StateMuted, store.StateResolved} {
			m.Findings.WithLabelValues(sev.String(), st).Set(0)
		}
	}
	return m
}

// observeScan records the findings and score of a target's latest scan.
func (m *Metrics) observeScan(target string, recs []store.Finding, diff *store.Diff, score float64) {
	counts := map[[2]string]int{}
	for i := range recs {
		f := &recs[i]
		if f.Status != "FAIL" {
			continue
		}
		state := store.StateOpen
		if f.Muted {
			state = store.StateMuted
		}
		counts[[2]string{check.Severity(f.Severity).String(), state}]++
	}
	if diff != nil {
		for i := range diff.Resolved {
			counts[[2]string{check.Severity(diff.Resolved[i].Severity).String(), store.StateResolved}]++
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byTarget[target] = counts
	sum := map[[2]string]int{}
	for _, c := range m.byTarget {
		for k, n := range c {
			sum[k] += n
		}
	}
	for sev := check.Info; sev <= check.Critical; sev++ {
		for _, st := range []string{store.StateOpen, store.StateMuted, store.StateResolved} {
			k := [2]string{sev.String(), st}
			m.Findings.WithLabelValues(k[0], k[1]).Set(float64(sum[k]))
		}
	}
	m.Score.WithLabelValues(target).Set(score)
}
