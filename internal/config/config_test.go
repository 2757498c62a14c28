package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/cloudward/cloudward/internal/alert"
	"github.com/cloudward/cloudward/internal/check"
)

var exampleEnv = map[string]string{
	"CLOUDWARD_EXTERNAL_ID":    "ext-7f3a9c",
	"CLOUDWARD_DATABASE_URL":   "postgres://cloudward:pa55w0rd@db.internal:5432/cloudward",
	"SLACK_WEBHOOK_URL":        "https://hooks.slack.com/services/T0A1B2C3D/B0E4F5G6H/s3cr3tslacktoken",
	"TEAMS_WEBHOOK_URL":        "https://example.webhook.office.com/webhookb2/abc/IncomingWebhook/def/s3cr3tteams",
	"PAGERDUTY_ROUTING_KEY":    "R0UT1NGKEYs3cr3t000000000000000",
	"OPSGENIE_API_KEY":         "eb243592-s3cr3t-opsgenie",
	"CLOUDWARD_WEBHOOK_SECRET": "whsec-s3cr3t",
}

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadExample(t *testing.T) {
	c, err := Load("../../examples/cloudward.yaml", lookupIn(exampleEnv))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Targets) != 5 {
		t.Fatalf("targets = %+v", c.Targets)
	}
	w := c.Targets[1]
	if w.Name != "workloads" || w.AWS == nil || w.AWS.Role != "CloudwardAudit" ||
		strings.Join(w.AWS.Accounts, ",") != "111122223333,444455556666" || w.AWS.ExternalID.Reveal() != "ext-7f3a9c" {
		t.Errorf("workloads = %+v %+v", w, w.AWS)
	}
	if !c.Targets[2].AWS.Organization {
		t.Error("organization target not read")
	}
	if got := c.Targets[3].Snapshot; got != filepath.Join("../../examples", "snapshots/staging") {
		t.Errorf("snapshot path %q not resolved against the config's directory", got)
	}
	if c.Schedule != "0 */6 * * *" || c.Database.Reveal() != exampleEnv["CLOUDWARD_DATABASE_URL"] {
		t.Errorf("schedule %q database %q", c.Schedule, c.Database.Reveal())
	}
	if c.Mutelist == nil || len(c.Mutelist.Entries) != 2 || c.Mutelist.Entries[0].Pos() != "../../examples/cloudward.yaml:63" {
		t.Errorf("mutelist = %+v", c.Mutelist)
	}
	if fv := c.Flags["severity"]; strings.Join(fv.Values, ",") != "critical,high,medium" {
		t.Errorf("flags = %+v", c.Flags)
	}
	if len(c.Alerts.Destinations) != 5 || len(c.Alerts.Rules) != 4 {
		t.Fatalf("alerts = %d destinations, %d rules", len(c.Alerts.Destinations), len(c.Alerts.Rules))
	}
	pd := c.Alerts.Destinations[2]
	if pd.Type != alert.PagerDuty || pd.Key != exampleEnv["PAGERDUTY_ROUTING_KEY"] {
		t.Errorf("pagerduty = %v", pd)
	}
	if d := c.Alerts.Destinations[4]; d.Timeout != 10*time.Second || d.Key != "whsec-s3cr3t" {
		t.Errorf("webhook timeout %v", d.Timeout)
	}
	r := c.Alerts.Rules[0]
	if r.Name != "page-on-critical" || r.MinSeverity != check.Critical || !r.NewOnly || r.Destinations[0] != "oncall" {
		t.Errorf("rule = %+v", r)
	}
	if _, err := c.Alerts.Dispatcher(); err != nil {
		t.Errorf("dispatcher: %v", err)
	}
	// Nothing printable reveals a secret.
	dump := fmt.Sprintf("%v %+v %#v", c, c, c)
	for _, t2 := range c.Targets {
		dump += fmt.Sprintf("%+v %#v", t2.AWS, t2.AWS)
	}
	for _, d := range c.Alerts.Destinations {
		dump += fmt.Sprintf("%v %s %#v", d, d, d)
	}
	for k, v := range exampleEnv {
		if strings.Contains(dump, v) {
			t.Errorf("%s leaks in a rendering of the config", k)
		}
	}
}

func TestMissingVariable(t *testing.T) {
	env := map[string]string{}
	for k, v := range exampleEnv {
		if k != "PAGERDUTY_ROUTING_KEY" {
			env[k] = v
		}
	}
	_, err := Load("../../examples/cloudward.yaml", lookupIn(env))
	data, _ := os.ReadFile("../../examples/cloudward.yaml")
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "${PAGERDUTY_ROUTING_KEY}")]), "\n")
	want := fmt.Sprintf("../../examples/cloudward.yaml:%d: environment variable PAGERDUTY_ROUTING_KEY is not set", line)
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func parse(t *testing.T, yaml string, env map[string]string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "cloudward.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mutelist.yaml"), []byte("entries:\n  - check: a-b\n    reason: r\n"), 0o600)
	c, err := Load(p, lookupIn(env))
	if err != nil {
		return nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), p, "cloudward.yaml"))
	}
	return c, nil
}

func TestErrors(t *testing.T) {
	secretEnv := map[string]string{"HOOK": "https://hooks.slack.com/services/T0/B0/TOPSECRET", "BAD": "TOPSECRET-not-a-url", "N": "TOPSECRET"}
	tests := []struct{ name, yaml, want string }{
		{"syntax", "targets:\n  - name: [\n", "cloudward.yaml:2: did not find expected node content"},
		{"top not mapping", "- a\n", `cloudward.yaml:1: want a mapping of settings, got a list`},
		{"unknown key", "targte: []\n", `cloudward.yaml:1: unknown key "targte"`},
		{"version", "version: 2\n", `cloudward.yaml:1: version: unsupported version "2"`},
		{"schedule", "schedule: \"every day\"\n", `cloudward.yaml:1: schedule: "every day" is not a cron expression`},
		{"schedule fields", "schedule: \"61 * * * *\"\n", `cloudward.yaml:1: schedule: "61 * * * *" is not a cron expression`},
		{"target two kinds", "targets:\n  - name: a\n    snapshot: ./s\n    iac: ./i\n", "cloudward.yaml:2: targets[0]: want exactly one of aws, snapshot, iac (got 2)"},
		{"target no name", "targets:\n  - snapshot: ./s\n", "cloudward.yaml:2: targets[0]: missing name"},
		{"target dup", "targets:\n  - name: a\n    snapshot: ./s\n  - name: a\n    iac: ./i\n", `cloudward.yaml:4: targets[1]: duplicate name "a" (first at line 2)`},
		{"account id", "targets:\n  - name: a\n    aws:\n      accounts: [12345]\n      role: R\n", `cloudward.yaml:4: accounts: "12345" is not a 12-digit AWS account ID`},
		{"accounts need role", "targets:\n  - name: a\n    aws:\n      accounts: [\"111122223333\"]\n", "cloudward.yaml:4: aws: accounts and organization need a role"},
		{"aws unknown", "targets:\n  - name: a\n    aws:\n      profil: x\n", `cloudward.yaml:4: aws: unknown key "profil"`},
		{"bad bool", "targets:\n  - name: a\n    aws:\n      organization: maybe\n      role: R\n", `cloudward.yaml:4: organization: want true or false, got "maybe"`},
		{"mutelist file bad", "mutelist: mutelist.yaml\n", "mutelist.yaml:2: entry 1: missing owner"},
		{"mutelist missing", "mutelist: nope.yaml\n", "cloudward.yaml:1: mutelist: open"},
		{"mutelist inline bad", "mutelist:\n  entries:\n    - check: a-b\n      owner: o\n", "cloudward.yaml:3: entry 1: missing reason"},
		{"scan dashes", "scan:\n  --fail-on: high\n", `cloudward.yaml:2: scan: write flag names without dashes: "fail-on"`},
		{"dest unknown type", "alerts:\n  destinations:\n    - name: e\n      type: email\n      url: https://x\n", `cloudward.yaml:3: alerts.destinations[0]: destination "e": unknown type "email"`},
		{"dest key for wrong type", "alerts:\n  destinations:\n    - name: s\n      type: slack\n      url: https://x\n      routing_key: k\n", `cloudward.yaml:6: alerts.destinations[0]: routing_key does not apply to type "slack"`},
		{"dest missing key", "alerts:\n  destinations:\n    - name: p\n      type: pagerduty\n", `cloudward.yaml:3: alerts.destinations[0]: pagerduty destination "p": routing_key is required`},
		{"dest bad url from env not shown", "alerts:\n  destinations:\n    - name: s\n      type: slack\n      url: ${BAD}\n", `url must start with https://`},
		{"dest timeout", "alerts:\n  destinations:\n    - name: s\n      type: slack\n      url: ${HOOK}\n      timeout: ${N}\n", `cloudward.yaml:6: alerts.destinations[0]: timeout: (a value from the environment) is not a positive duration`},
		{"dest dup", "alerts:\n  destinations:\n    - {name: s, type: slack, url: \"${HOOK}\"}\n    - {name: s, type: slack, url: \"${HOOK}\"}\n", `cloudward.yaml:4: alerts.destinations[1]: duplicate name "s"`},
		{"rule unknown dest", "alerts:\n  destinations:\n    - {name: s, type: slack, url: \"${HOOK}\"}\n  rules:\n    - name: r\n      to: [s, pager]\n", `cloudward.yaml:6: alerts.rules[0]: to: unknown destination "pager"`},
		{"rule severity", "alerts:\n  rules:\n    - min_severity: severe\n      to: [x]\n", `cloudward.yaml:3: alerts.rules[0]: min_severity: unknown severity "severe"`},
		{"rule domain", "alerts:\n  destinations:\n    - {name: s, type: slack, url: \"${HOOK}\"}\n  rules:\n    - domains: [iam]\n      to: [s]\n", `cloudward.yaml:5: alerts.rules[0]: domains: unknown domain "iam"`},
		{"rule no dest", "alerts:\n  rules:\n    - min_severity: high\n", `cloudward.yaml:3: alerts.rules[0]: no destinations`},
		{"rule unknown key", "alerts:\n  rules:\n    - severity: high\n      to: [x]\n", `cloudward.yaml:3: alerts.rules[0]: unknown key "severity"`},
		{"env unset", "database: ${CLOUDWARD_DB}\n", "cloudward.yaml:1: environment variable CLOUDWARD_DB is not set"},
		{"env bad ref", "database: ${CLOUDWARD DB}\n", `cloudward.yaml:1: bad environment reference "${CLOUDWARD DB}"`},
		{"env unterminated", "database: ${CLOUDWARD_DB\n", `cloudward.yaml:1: bad environment reference "${CLOUDWARD_DB"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.yaml, secretEnv)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\n  does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "TOPSECRET") {
				t.Errorf("error reveals a secret: %q", err)
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	c, err := parse(t, "database: \"postgres://u:${PW}@h/db?x=$$1\"\nscan:\n  fail-on: ${LEVEL}\n", map[string]string{"PW": "p@ss", "LEVEL": "critical"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.Reveal() != "postgres://u:p@ss@h/db?x=$1" {
		t.Errorf("database = %q", c.Database.Reveal())
	}
	if c.Database.String() != "[redacted]" || fmt.Sprint(c.Database) != "[redacted]" {
		t.Error("Secret renders its value")
	}
	if v := c.Flags["fail-on"].Values; len(v) != 1 || v[0] != "critical" {
		t.Errorf("fail-on = %v", v)
	}
}

func TestEmptyConfig(t *testing.T) {
	c, err := parse(t, "# nothing yet\n", nil)
	if err != nil || len(c.Targets) != 0 || c.Mutelist != nil {
		t.Errorf("empty config: %+v %v", c, err)
	}
}

func TestApplyFlags(t *testing.T) {
	c, err := parse(t, "scan:\n  fail-on: high\n  severity: [critical, high]\n  format: json\n  snapshot: ./snap\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	failOn := fs.String("fail-on", "low", "")
	sev := fs.StringSlice("severity", nil, "")
	format := fs.String("format", "table", "")
	if err := fs.Parse([]string{"--format", "csv"}); err != nil {
		t.Fatal(err)
	}
	known := func(n string) bool { return n == "snapshot" || fs.Lookup(n) != nil }
	if err := c.ApplyFlags(fs, known); err != nil {
		t.Fatal(err)
	}
	// The command line wins; the file fills the rest; snapshot is skipped
	// for a command without it.
	if *format != "csv" || *failOn != "high" || strings.Join(*sev, ",") != "critical,high" {
		t.Errorf("format %q fail-on %q severity %v", *format, *failOn, *sev)
	}

	bad, err := parse(t, "scan:\n  fail-on: [high, low]\n  colour: true\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	fs2 := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	fs2.String("fail-on", "low", "")
	err = bad.ApplyFlags(fs2, func(n string) bool { return fs2.Lookup(n) != nil })
	for _, want := range []string{`cloudward.yaml:3: scan: unknown flag "colour"`, "cloudward.yaml:2: scan.fail-on: takes one value, got a list"} {
		if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), bad.File, "cloudward.yaml"), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	os.MkdirAll(filepath.Join(xdg, "cloudward"), 0o755)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t.Chdir(dir)

	if p, err := Locate("", env(map[string]string{"XDG_CONFIG_HOME": xdg})); p != "" || err != nil {
		t.Errorf("no file anywhere: %q %v", p, err)
	}
	xdgFile := filepath.Join(xdg, "cloudward", FileName)
	os.WriteFile(xdgFile, []byte("{}"), 0o600)
	if p, _ := Locate("", env(map[string]string{"XDG_CONFIG_HOME": xdg})); p != xdgFile {
		t.Errorf("XDG: got %q", p)
	}
	home := filepath.Join(dir, "home")
	os.MkdirAll(filepath.Join(home, ".config", "cloudward"), 0o755)
	homeFile := filepath.Join(home, ".config", "cloudward", FileName)
	os.WriteFile(homeFile, []byte("{}"), 0o600)
	if p, _ := Locate("", env(map[string]string{"HOME": home})); p != homeFile {
		t.Errorf("~/.config: got %q", p)
	}
	os.WriteFile(FileName, []byte("{}"), 0o600)
	if p, _ := Locate("", env(map[string]string{"XDG_CONFIG_HOME": xdg})); p != FileName {
		t.Errorf("./cloudward.yaml should win: got %q", p)
	}
	if p, _ := Locate("other.yaml", nil); p != "" {
		t.Errorf("explicit missing file accepted: %q", p)
	}
	if _, err := Locate("other.yaml", nil); err == nil || !strings.Contains(err.Error(), "--config: ") {
		t.Errorf("explicit missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../examples/cloudward.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("alerts:\n  destinations:\n    - {name: s, type: webhook, url: \"${X}\", secret: k}\n  rules: [{to: [s]}]\n"))
	f.Add([]byte("targets: [{name: a, aws: {accounts: ['012345678901'], role: r}}]\nschedule: '@every 1h'\n"))
	f.Add([]byte("queue: postgres\nretention: {days: 3}\nhistory: {limit: '${N}', framework: [a, b]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data, func(k string) (string, bool) { return "v-" + k, k != "UNSET" })
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") && !strings.Contains(err.Error(), "mutelist") && !strings.Contains(err.Error(), ".yaml") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if _, err := c.Alerts.Dispatcher(); err != nil {
			t.Fatalf("accepted alerts that the dispatcher rejects: %v", err)
		}
	})
}

func TestQueueRetentionAndSections(t *testing.T) {
	c, err := parse(t, "queue: postgres\nretention: {days: 30}\nhistory:\n  limit: 5\n  framework: [cis-aws-5.0, soc2]\n  format: ${FMT}\n",
		map[string]string{"FMT": "json"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Queue.Type != "postgres" || c.Queue.Concurrency != 0 || c.Retention.Days != 30 || c.Retention.Scans != 0 {
		t.Fatalf("queue %+v retention %+v", c.Queue, c.Retention)
	}
	c2, err := parse(t, "queue: {type: postgres, concurrency: 6}\nretention: {scans: 9}\n", nil)
	if err != nil || c2.Queue.Concurrency != 6 || c2.Retention.Scans != 9 || c2.Queue.Line != 1 || c2.Retention.Line != 2 {
		t.Fatalf("long forms: %+v %+v %v", c2.Queue, c2.Retention, err)
	}
	fs := pflag.NewFlagSet("history", pflag.ContinueOnError)
	limit := fs.Int("limit", 0, "")
	fws := fs.StringSlice("framework", nil, "")
	format := fs.String("format", "table", "")
	if err := fs.Parse([]string{"--limit", "2"}); err != nil {
		t.Fatal(err)
	}
	if err := c.ApplySection("history", fs); err != nil {
		t.Fatal(err)
	}
	// The command line wins; the file fills the rest and leaves them
	// "not changed" (set by the file, not the user).
	if *limit != 2 || len(*fws) != 2 || (*fws)[1] != "soc2" || *format != "json" || fs.Lookup("format").Changed {
		t.Errorf("limit %d framework %v format %q changed %v", *limit, *fws, *format, fs.Lookup("format").Changed)
	}
	bad := pflag.NewFlagSet("history", pflag.ContinueOnError)
	bad.Int("limit", 0, "")
	bad.String("format", "", "")
	if err := c.ApplySection("history", bad); err == nil || !strings.Contains(err.Error(), `history: unknown flag "framework"`) {
		t.Errorf("unknown flag: %v", err)
	}
	list := pflag.NewFlagSet("history", pflag.ContinueOnError)
	list.Int("limit", 0, "")
	list.String("framework", "", "")
	list.String("format", "", "")
	if err := c.ApplySection("history", list); err == nil || !strings.Contains(err.Error(), "history.framework: takes one value") {
		t.Errorf("list for a scalar flag: %v", err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"queue: redis\n", `queue: unknown queue type "redis"`},
		{"queue: {concurrency: 0}\n", "queue.concurrency: want a whole number of at least 1"},
		{"queue: {workers: 2}\n", `queue: unknown key "workers"`},
		{"retention: {days: x}\n", "retention.days: want a whole number"},
		{"retention: {weeks: 2}\n", `retention: unknown key "weeks"`},
		{"serve: {--listen: x}\n", "serve: write flag names without dashes"},
		{"prune: {config: x}\n", "prune: config cannot be set"},
		{"pruning: {}\n", `unknown key "pruning"`},
	} {
		if _, err := parse(t, tc.yaml, nil); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), ":1:") {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
