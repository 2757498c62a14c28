package aws

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Fixtures shaped like what the snapshot importer builds from
// global/iam/get-credential-report.csv and
// global/iam/get-account-authorization-details.json of account 111122223333.

const (
	iamTestAccount = "111122223333"
	iamTestReport  = "global/iam/get-credential-report.csv"
	iamTestDetails = "global/iam/get-account-authorization-details.json"
)

type timeT = time.Time

// iamTestNow is the snapshot's collected_at.
var iamTestNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// daysAgo is a time n days before collection (a little more, so that "91
// days ago" is unambiguously older than 90 days).
func daysAgo(n int) time.Time { return iamTestNow.Add(-time.Duration(n)*24*time.Hour - time.Hour) }

func reportSrc(line int, column string) model.Source {
	return model.Source{File: iamTestReport, Path: column, StartLine: line}
}

func kb(v bool, line int, column string) model.Bool { return model.Known(v, reportSrc(line, column)) }

func kt(t time.Time, line int, column string) awsm.Time {
	return model.Known(t, reportSrc(line, column))
}

func notCollected[T any]() model.Value[T] {
	return model.Unknown[T]("not collected: global/iam/get-credential-report.csv missing", model.Source{File: iamTestReport})
}

// naTime is the report's "N/A" date: unknown, with NeverUsed known true.
func naTime(line int, column string) awsm.Time {
	return model.Unknown[time.Time]("N/A in the credential report (never used or no such credential)", reportSrc(line, column))
}

// iamKey is a key slot: used < 0 means never used (N/A); rotated < 0 means N/A.
func iamKey(line, slot int, active bool, rotated, used int) awsm.AccessKey {
	p := "access_key_" + string(rune('0'+slot)) + "_"
	k := awsm.AccessKey{Slot: slot, Active: kb(active, line, p+"active"),
		LastUsedSvc: model.Known("", reportSrc(line, p+"last_used_service")), LastUsedRegn: model.Known("", reportSrc(line, p+"last_used_region"))}
	if rotated >= 0 {
		k.LastRotated = kt(daysAgo(rotated), line, p+"last_rotated")
	} else {
		k.LastRotated = naTime(line, p+"last_rotated")
	}
	if used >= 0 {
		k.LastUsed = kt(daysAgo(used), line, p+"last_used_date")
		k.NeverUsed = kb(false, line, p+"last_used_date")
		k.LastUsedSvc = model.Known("s3", reportSrc(line, p+"last_used_service"))
		k.LastUsedRegn = model.Known("us-east-1", reportSrc(line, p+"last_used_region"))
	} else {
		k.LastUsed = naTime(line, p+"last_used_date")
		k.NeverUsed = kb(true, line, p+"last_used_date")
	}
	return k
}

// noKey is an empty key slot.
func noKey(line, slot int) awsm.AccessKey { return iamKey(line, slot, false, -1, -1) }

// iamTestUser is a user with a credential-report row on line: no password,
// no keys. Options adjust it.
func iamTestUser(name string, line int, opts ...func(*awsm.User)) *awsm.User {
	u := &awsm.User{
		Identity: awsm.Identity{ARN: "arn:aws:iam::" + iamTestAccount + ":user/" + name, ID: "AIDA" + strings.ToUpper(name) + "EXAMPLE",
			Name: name, Region: "global", AccountID: iamTestAccount, Partition: "aws",
			Source: model.Source{File: iamTestDetails, Path: "UserDetailList[0]"}},
		Path:                "/",
		CreateDate:          model.Known(daysAgo(400), model.Source{File: iamTestDetails, Path: "UserDetailList[0].CreateDate"}),
		PermissionsBoundary: model.Known("", model.Source{File: iamTestDetails, Path: "UserDetailList[0].PermissionsBoundary"}),
		Credentials: awsm.Credentials{
			InReport:           kb(true, line, "user"),
			PasswordEnabled:    kb(false, line, "password_enabled"),
			PasswordLastUsed:   naTime(line, "password_last_used"),
			PasswordNeverUsed:  kb(true, line, "password_last_used"),
			PasswordLastChange: naTime(line, "password_last_changed"),
			MFAActive:          kb(false, line, "mfa_active"),
			AccessKeys:         []awsm.AccessKey{noKey(line, 1), noKey(line, 2)},
		},
	}
	for _, o := range opts {
		o(u)
	}
	return u
}

// withPassword gives the user a console password last used usedDays ago
// (-1: never) and set changedDays ago (-1: N/A).
func withPassword(usedDays, changedDays int) func(*awsm.User) {
	return func(u *awsm.User) {
		line := u.Credentials.InReport.Source().StartLine
		c := &u.Credentials
		c.PasswordEnabled = kb(true, line, "password_enabled")
		if usedDays >= 0 {
			c.PasswordLastUsed = kt(daysAgo(usedDays), line, "password_last_used")
			c.PasswordNeverUsed = kb(false, line, "password_last_used")
		}
		if changedDays >= 0 {
			c.PasswordLastChange = kt(daysAgo(changedDays), line, "password_last_changed")
		}
	}
}

func withMFA(u *awsm.User) {
	u.Credentials.MFAActive = kb(true, u.Credentials.InReport.Source().StartLine, "mfa_active")
}

func withKeys(keys ...awsm.AccessKey) func(*awsm.User) {
	return func(u *awsm.User) {
		for _, k := range keys {
			u.Credentials.AccessKeys[k.Slot-1] = k
		}
	}
}

// withoutReport makes the user's credential data not collected.
func withoutReport(u *awsm.User) {
	u.Credentials = awsm.Credentials{
		InReport: notCollected[bool](), PasswordEnabled: notCollected[bool](), PasswordLastUsed: notCollected[time.Time](),
		PasswordNeverUsed: notCollected[bool](), PasswordLastChange: notCollected[time.Time](), MFAActive: notCollected[bool](),
		AccessKeys: []awsm.AccessKey{
			{Slot: 1, Active: notCollected[bool](), LastRotated: notCollected[time.Time](), LastUsed: notCollected[time.Time](), NeverUsed: notCollected[bool]()},
			{Slot: 2, Active: notCollected[bool](), LastRotated: notCollected[time.Time](), LastUsed: notCollected[time.Time](), NeverUsed: notCollected[bool]()},
		},
	}
}

func iamTestInventory() *awsm.Inventory {
	return &awsm.Inventory{AccountID: iamTestAccount, Partition: "aws", CollectedAt: iamTestNow, RegionNames: []string{"us-east-1"}}
}

// iamCase is one row of a check's table: the inventory, the status wanted
// (check.NotApplicable: no finding at all) and substrings the message and
// the evidence must contain.
type iamCase struct {
	name    string
	inv     *awsm.Inventory
	want    check.Status
	wantMsg string
	wantEv  []string
}

func runIAMCases(t *testing.T, c *check.Check, cases []iamCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tt.inv.Index()
			got := c.Evaluate(tt.inv)
			if tt.want == check.NotApplicable {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %s: %s", got[0].Status, got[0].Message)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding, got %d: %+v", len(got), got)
			}
			f := got[0]
			if f.Status != tt.want {
				t.Fatalf("status %s, want %s; message %q; evidence %+v", f.Status, tt.want, f.Message, f.Evidence)
			}
			if !strings.Contains(f.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", f.Message, tt.wantMsg)
			}
			if tt.want == check.Fail && len(f.Evidence) == 0 {
				t.Error("FAIL without evidence")
			}
			var all []string
			for _, e := range f.Evidence {
				if tt.want == check.Fail && e.Source.IsZero() {
					t.Errorf("evidence %q has no source", e.Detail)
				}
				all = append(all, e.Detail+" @ "+e.Source.String())
			}
			joined := strings.Join(all, "\n")
			for _, w := range tt.wantEv {
				if !strings.Contains(joined, w) {
					t.Errorf("evidence does not contain %q:\n%s", w, joined)
				}
			}
		})
	}
}

func withUsers(users ...*awsm.User) *awsm.Inventory {
	inv := iamTestInventory()
	inv.Users = users
	return inv
}
