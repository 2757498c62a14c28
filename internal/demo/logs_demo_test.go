package demo

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
)

// TestDemoLogRetention: the demo trail's CloudWatch Logs group keeps 90 days.
func TestDemoLogRetention(t *testing.T) {
	byKey, _ := runDemo(t)
	f, ok := byKey[findingKey{"aws-logs-retention-short", trail("us-east-1", "acme-management-events")}]
	if !ok {
		t.Fatal("aws-logs-retention-short: no finding on the demo trail")
	}
	if f.Status != check.Fail || !strings.Contains(f.Message, "aws-cloudtrail-logs-acme keeps the trail's events for 90 days") {
		t.Errorf("aws-logs-retention-short: %s %q", f.Status, f.Message)
	}
}
