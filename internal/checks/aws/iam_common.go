package aws

import (
	"strconv"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Shared helpers of the IAM and account checks.

const iamDay = 24 * time.Hour

// CIS age limits, in days.
const (
	iamKeyMaxAgeDays      = 90 // 1.13 rotation, 1.11 unused keys
	iamPasswordUnusedDays = 45 // 1.11 unused console passwords
	iamRootRecentDays     = 90 // 1.6 root use
)

// iamRootList lists the root user as the one resource of root checks.
// Without a credential-report row (a source that fills none) a root built
// from the account ID stands in, with every credential unknown, so that root
// checks report UNKNOWN instead of silently reporting nothing.
func iamRootList(inv *awsm.Inventory) []*awsm.RootUser {
	if inv.Root != nil {
		return []*awsm.RootUser{inv.Root}
	}
	if inv.AccountID == "" {
		return nil
	}
	part := inv.Partition
	if part == "" {
		part = "aws"
	}
	return []*awsm.RootUser{{Identity: awsm.Identity{
		ARN: "arn:" + part + ":iam::" + inv.AccountID + ":root", ID: inv.AccountID, Name: "<root_account>",
		Region: "global", AccountID: inv.AccountID, Partition: part,
	}}}
}

// iamUsers lists the IAM users.
func iamUsers(inv *awsm.Inventory) []*awsm.User { return inv.Users }

// iamAgeDays is how many whole days before now t was; negative for a time
// after now (clock skew).
func iamAgeDays(now, t time.Time) int { return int(now.Sub(t) / iamDay) }

// iamOlderThan reports whether t is more than days days before now.
func iamOlderThan(now, t time.Time, days int) bool {
	return now.Sub(t) > time.Duration(days)*iamDay
}

// iamDate renders a timestamp for evidence.
func iamDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// iamDaysAgo renders "2024-01-02T03:04:05Z (123 days before collection)".
func iamDaysAgo(now, t time.Time) string {
	return iamDate(t) + " (" + strconv.Itoa(iamAgeDays(now, t)) + " days before collection)"
}

// iamUserName is the name used in messages.
func iamUserName(u *awsm.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.ARN
}

// iamPlural returns "1 word" or "n words" ("policy" -> "policies").
func iamPlural(n int, word string) string {
	switch {
	case n == 1:
		return strconv.Itoa(n) + " " + word
	case len(word) > 1 && word[len(word)-1] == 'y' && !strings.ContainsRune("aeiou", rune(word[len(word)-2])):
		return strconv.Itoa(n) + " " + word[:len(word)-1] + "ies"
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// iamConsoleUser returns ok true for a user known to have a console
// password; otherwise the result to return: N/A without a password (the
// check concerns console users only), UNKNOWN when that is not known.
func iamConsoleUser(u *awsm.User) (check.Result, bool) {
	pw, ok := u.Credentials.PasswordEnabled.Get()
	switch {
	case !ok:
		return check.UnknownOf("console password status of user "+iamUserName(u), u.Credentials.PasswordEnabled), false
	case !pw:
		return check.Skip(), false
	}
	return check.Result{}, true
}
