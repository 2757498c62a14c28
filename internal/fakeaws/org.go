package fakeaws

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing/fstest"
)

// Organization is an AWS Organizations organization whose management
// account is the scenario's snapshot account. Organizations answers only
// the management account's own credentials (as it does for an account
// that is neither the management nor a delegated administrator).
type Organization struct {
	ID       string // o-..., default "o-fakeaws0001"
	Accounts []OrgAccount
}

// OrgAccount is one account of the organization.
type OrgAccount struct {
	ID, Name, Email string
	// Status is ACTIVE, SUSPENDED or PENDING_CLOSURE; "" means ACTIVE.
	Status string
	// Snapshot is served to the credentials sts AssumeRole hands out for a
	// role in this account. Nil (and not the management account): the
	// role does not exist there and AssumeRole is denied.
	Snapshot fs.FS
	// DenyAssumeRole answers AssumeRole into this account with AccessDenied.
	DenyAssumeRole bool
}

// member is an account served with its own snapshot.
type member struct {
	acct OrgAccount
	snap fs.FS
	meta snapshotMeta
}

// MemberKeyID is the access key ID of the assumed-role credentials of a
// member account: requests signed with it are served that account's
// snapshot.
func MemberKeyID(accountID string) string { return "ASIAFAKE" + accountID }

func (s *Server) loadOrg() error {
	if s.sc.Org == nil {
		return nil
	}
	s.members = map[string]*member{}
	for _, a := range s.sc.Org.Accounts {
		if !accountRe.MatchString(a.ID) {
			return fmt.Errorf("fakeaws: organization account ID %q is not 12 digits", a.ID)
		}
		if a.Snapshot == nil {
			continue
		}
		raw, err := fs.ReadFile(a.Snapshot, "snapshot.json")
		if err != nil {
			return fmt.Errorf("fakeaws: account %s: %w", a.ID, err)
		}
		m := &member{acct: a, snap: indexFS(a.Snapshot)}
		if err := json.Unmarshal(raw, &m.meta); err != nil {
			return fmt.Errorf("fakeaws: account %s: snapshot.json: %w", a.ID, err)
		}
		if m.meta.AccountID != a.ID {
			return fmt.Errorf("fakeaws: account %s is served a snapshot of account %s", a.ID, m.meta.AccountID)
		}
		s.members[MemberKeyID(a.ID)] = m
	}
	return nil
}

var accountRe = regexp.MustCompile(`^\d{12}$`)

// roleAccountKey keys AssumeRole by the role's account, so that a
// scenario can fail "global/sts/assume-role/<account-id>".
func roleAccountKey(c *call) string {
	parts := strings.Split(c.r.Form.Get("RoleArn"), ":")
	if len(parts) == 6 && accountRe.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

// memberKey is the key ID AssumeRole hands out for the role arn: a member
// account's own key, or AssumedKeyID for a role outside the organization
// (served the main snapshot). denied: the role cannot be assumed.
func (s *Server) memberKey(c *call, arn string) (keyID string, denied bool) {
	if s.sc.Org == nil || c.member {
		return AssumedKeyID, c.member // members do not hop further
	}
	id := roleAccountKey(c)
	for _, a := range s.sc.Org.Accounts {
		if a.ID != id || id == c.meta.AccountID {
			continue
		}
		if a.DenyAssumeRole || a.Snapshot == nil {
			return "", true
		}
		return MemberKeyID(id), false
	}
	return AssumedKeyID, false
}

// organizations answers ListAccounts and DescribeOrganization (JSON 1.1).
func (s *Server) organizations(c *call) {
	org := s.sc.Org
	if org == nil {
		s.writeError(c, Error{Code: "AWSOrganizationsNotInUseException", Message: "Your account is not a member of an organization."})
		return
	}
	if c.member {
		s.writeError(c, Error{Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."})
		return
	}
	id := org.ID
	if id == "" {
		id = "o-fakeaws0001"
	}
	p, mgmt := c.meta.Partition, c.meta.AccountID
	if c.action == "DescribeOrganization" {
		writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", map[string]any{"Organization": map[string]any{
			"Id": id, "Arn": fmt.Sprintf("arn:%s:organizations::%s:organization/%s", p, mgmt, id),
			"FeatureSet": "ALL", "MasterAccountId": mgmt,
			"MasterAccountArn": fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", p, mgmt, id, mgmt),
		}})
		return
	}
	var req struct {
		NextToken  string
		MaxResults int
	}
	_ = json.Unmarshal(c.body, &req)
	start := 0
	if req.NextToken != "" {
		n, err := strconv.Atoi(req.NextToken)
		if err != nil || n < 0 || n > len(org.Accounts) {
			s.writeError(c, Error{Code: "InvalidInputException", Message: "invalid NextToken"})
			return
		}
		start = n
	}
	size := req.MaxResults
	if s.sc.PageSize > 0 && (size == 0 || s.sc.PageSize < size) {
		size = s.sc.PageSize
	}
	end := len(org.Accounts)
	if size > 0 && start+size < end {
		end = start + size
	}
	accounts := []any{}
	for _, a := range org.Accounts[start:end] {
		status := a.Status
		if status == "" {
			status = "ACTIVE"
		}
		accounts = append(accounts, map[string]any{
			"Id": a.ID, "Name": a.Name, "Email": a.Email, "Status": status, "JoinedMethod": "CREATED",
			"JoinedTimestamp": 1.7e9, "Arn": fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", p, mgmt, id, a.ID),
		})
	}
	out := map[string]any{"Accounts": accounts}
	if end < len(org.Accounts) {
		out["NextToken"] = strconv.Itoa(end)
	}
	writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", out)
}

// Retarget copies the snapshot fsys as if collected from account to
// instead of from: every occurrence of the from account ID (ARNs, owner
// IDs, snapshot.json) is replaced. Organization tests build member
// accounts with it from the realistic fixtures.
func Retarget(fsys fs.FS, from, to string) (fs.FS, error) {
	if !accountRe.MatchString(from) || !accountRe.MatchString(to) {
		return nil, fmt.Errorf("fakeaws: Retarget: account IDs must be 12 digits")
	}
	out := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out[p] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(b), from, to)), Mode: 0o600}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
