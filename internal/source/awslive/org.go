package awslive

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// DefaultAccountParallel is how many accounts an organization collection
// works on at once.
const DefaultAccountParallel = 4

// OrgOptions configure an organization collection.
type OrgOptions struct {
	// Role is the role NAME assumed in every account,
	// arn:<partition>:iam::<account>:role/<Role>. Required: there is no
	// default, so that cloudward never picks a role with write rights
	// (such as OrganizationAccountAccessRole) on its own.
	Role string
	// ExternalID is passed to every AssumeRole when set.
	ExternalID string
	// SessionName of the assumed roles; "" means "cloudward".
	SessionName string
	// AccountParallel bounds the accounts collected at once; 0 means
	// DefaultAccountParallel. Options.Parallel is shared among them.
	AccountParallel int
}

// OrgAccount is one account of the organization.
type OrgAccount struct {
	ID, Name string
}

// AccountResult is the outcome of one account's collection: a Summary,
// or the error that stopped it (the role could not be assumed, the account
// could not be identified, ...).
type AccountResult struct {
	Account OrgAccount
	Summary *Summary
	Err     error
}

// roleNameRe is IAM's role name syntax (paths are not accepted: a name).
var roleNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// CollectOrg collects every ACTIVE account of the organization that the
// base credentials (opts: profile, role ARN, endpoint) manage: the
// management account or a delegated administrator. Each account is
// collected through org.Role into the Writer newWriter returns for it.
// Accounts that fail are in their AccountResult (Err) and do not stop the
// others; only failing to list the accounts is fatal. Results are sorted
// by account ID.
func CollectOrg(ctx context.Context, opts Options, org OrgOptions, newWriter func(accountID string) (Writer, error)) ([]AccountResult, error) {
	if !roleNameRe.MatchString(org.Role) {
		return nil, fmt.Errorf("organization role name %q: want an IAM role name such as cloudward-audit", org.Role)
	}
	base, err := LoadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	partition, err := callerPartition(ctx, base, opts.CallTimeout)
	if err != nil {
		return nil, err
	}
	accounts, err := ListOrgAccounts(ctx, base, opts.CallTimeout)
	if err != nil {
		return nil, err
	}
	opts.Tracker.addAccounts(len(accounts))

	par := org.AccountParallel
	if par <= 0 {
		par = DefaultAccountParallel
	}
	par = min(par, max(len(accounts), 1))
	// The API call budget is shared, not multiplied, by the accounts.
	perAccount := opts
	perAccount.Parallel = max(1, opts.Parallel/par)
	session := org.SessionName
	if session == "" {
		session = "cloudward"
	}

	results := make([]AccountResult, len(accounts))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, a := range accounts {
		results[i].Account = a
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i].Err = ctx.Err()
				opts.Tracker.accountDone(true)
				return
			}
			defer func() { <-sem }()
			sum, err := collectMember(ctx, base, partition, a.ID, org, session, perAccount, newWriter)
			results[i].Summary, results[i].Err = sum, err
			opts.Tracker.accountDone(err != nil)
		}()
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].Account.ID < results[j].Account.ID })
	return results, nil
}

func collectMember(ctx context.Context, base aws.Config, partition, id string, org OrgOptions, session string,
	opts Options, newWriter func(string) (Writer, error)) (*Summary, error) {
	arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, org.Role)
	cfg := base.Copy()
	prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = session
		if org.ExternalID != "" {
			o.ExternalID = aws.String(org.ExternalID)
		}
	})
	cfg.Credentials = aws.NewCredentialsCache(prov)
	// Assume first: "cannot assume" is the common failure and deserves
	// its own message, before any file is written for the account.
	cctx, cancel := context.WithTimeout(ctx, opts.CallTimeout)
	_, err := cfg.Credentials.Retrieve(cctx)
	cancel()
	if err != nil {
		re := &AssumeRoleError{RoleARN: arn, Message: describeErr(err)}
		var ae smithy.APIError
		if errors.As(err, &ae) {
			re.Code = ae.ErrorCode()
		}
		return nil, re
	}
	w, err := newWriter(id)
	if err != nil {
		return nil, err
	}
	sum, err := CollectWithConfig(ctx, cfg, opts, w)
	if err != nil {
		return nil, err
	}
	if sum.AccountID != id {
		return nil, fmt.Errorf("role %s answered as account %s", arn, sum.AccountID)
	}
	return sum, nil
}

// AssumeRoleError is an account whose role could not be assumed.
type AssumeRoleError struct {
	RoleARN string
	Code    string // AWS error code (AccessDenied...); "" without an API answer
	Message string
}

func (e *AssumeRoleError) Error() string { return "assuming " + e.RoleARN + ": " + e.Message }

// UnreachedInventory stands for an account whose role could not be
// assumed: one sts assume-role coverage entry with the error, so that
// reports' coverage sections show the account as not covered. The check
// engine skips it (Inventory.Unreached).
func UnreachedInventory(accountID string, e *AssumeRoleError) *awsm.Inventory {
	return &awsm.Inventory{AccountID: accountID, Unreached: true, Coverage: []awsm.Coverage{{
		Region: "global", Service: "sts", Operation: "assume-role", Status: awsm.CoverageError,
		Detail: e.Error(), Code: e.Code,
	}}}
}

// callerPartition is the partition (aws, aws-cn, aws-us-gov) of the base
// credentials, from their ARN.
func callerPartition(ctx context.Context, cfg aws.Config, timeout time.Duration) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("identifying the management account (sts get-caller-identity): %s", describeErr(err))
	}
	if parts := strings.SplitN(aws.ToString(out.Arn), ":", 3); len(parts) == 3 && parts[1] != "" {
		return parts[1], nil
	}
	return "aws", nil
}

// ListOrgAccounts lists the organization's ACTIVE accounts (suspended and
// closing ones cannot be scanned), all pages.
func ListOrgAccounts(ctx context.Context, cfg aws.Config, timeout time.Duration) ([]OrgAccount, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := organizations.NewFromConfig(cfg)
	var out []OrgAccount
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(cctx)
		if err != nil {
			return nil, fmt.Errorf("listing the organization's accounts (organizations list-accounts; run from the management or a delegated administrator account): %s", describeErr(err))
		}
		for _, a := range page.Accounts {
			if a.Status == orgtypes.AccountStatusActive {
				out = append(out, OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name)})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the organization has no active account")
	}
	return out, nil
}
