package snapshot

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const global = "global"

// loadGlobal reads the account-wide operations: STS, IAM, S3.
func (l *loader) loadGlobal() {
	l.loadCallerIdentity()
	acct := &awsm.Account{Identity: awsm.Identity{
		ARN: l.account(), ID: l.account(), Name: l.account(), Region: global,
		AccountID: l.account(), Partition: l.partition(), Source: at(metaFile, "account_id"),
		Tags: notCollectedTags("account tags are not part of the snapshot", at(metaFile, "")),
	}}
	l.inv.Account = acct
	l.loadPasswordPolicy(acct)
	l.loadAccountSummary(acct)
	acct.S3PublicAccessBlock = l.loadPublicAccessBlock(global, "s3control", "get-public-access-block", "global/s3control/get-public-access-block")
	rep, repReason, repSrc := l.loadCredentialReport()
	l.loadAuthDetails(rep, repReason, repSrc)
	l.loadRoot(acct, rep, repReason, repSrc)
	l.loadBuckets()
}

// done records coverage for a call after it was decoded (or not).
func (l *loader) done(region, service, op string, a *answer, meaningful bool) {
	l.cover(region, service, op, a, meaningful)
}

func (l *loader) loadCallerIdentity() {
	a := l.fetch("global/sts/get-caller-identity")
	var v struct {
		Account string `json:"Account"`
		Arn     string `json:"Arn"`
	}
	if l.decode(&a, &v) && v.Account != "" && v.Account != l.account() {
		// A snapshot of one account labelled as another would misattribute
		// every finding: say so loudly.
		l.warn(a.file, 0, "Account %q differs from snapshot.json account_id %q", v.Account, l.account())
	}
	l.done(global, "sts", "get-caller-identity", &a, false)
}

func (l *loader) loadPasswordPolicy(acct *awsm.Account) {
	a := l.fetch("global/iam/get-account-password-policy")
	var v struct {
		PasswordPolicy *struct {
			MinimumPasswordLength      *int64 `json:"MinimumPasswordLength"`
			RequireSymbols             *bool  `json:"RequireSymbols"`
			RequireNumbers             *bool  `json:"RequireNumbers"`
			RequireUppercaseCharacters *bool  `json:"RequireUppercaseCharacters"`
			RequireLowercaseCharacters *bool  `json:"RequireLowercaseCharacters"`
			AllowUsersToChangePassword *bool  `json:"AllowUsersToChangePassword"`
			ExpirePasswords            *bool  `json:"ExpirePasswords"`
			MaxPasswordAge             *int64 `json:"MaxPasswordAge"`
			PasswordReusePrevention    *int64 `json:"PasswordReusePrevention"`
			HardExpiry                 *bool  `json:"HardExpiry"`
		} `json:"PasswordPolicy"`
	}
	noPolicy := a.kind == ansAWS && a.code == "NoSuchEntity"
	pp := &acct.PasswordPolicy
	switch {
	case noPolicy:
		src := a.src()
		reason := "no password policy (NoSuchEntity)"
		*pp = awsm.PasswordPolicy{
			Exists:                     model.Known(false, src),
			MinimumPasswordLength:      unknown[int64](reason, src),
			PasswordReusePrevention:    unknown[int64](reason, src),
			RequireSymbols:             unknown[bool](reason, src),
			RequireNumbers:             unknown[bool](reason, src),
			RequireUppercaseCharacters: unknown[bool](reason, src),
			RequireLowercaseCharacters: unknown[bool](reason, src),
			MaxPasswordAge:             unknown[int64](reason, src),
			ExpirePasswords:            unknown[bool](reason, src),
			HardExpiry:                 unknown[bool](reason, src),
			AllowUsersToChangePassword: unknown[bool](reason, src),
		}
	case l.decode(&a, &v) && v.PasswordPolicy != nil:
		p, f := v.PasswordPolicy, a.file
		s := func(k string) model.Source { return at(f, "PasswordPolicy."+k) }
		// Settings that are off or unset are omitted by IAM: absent is a
		// known zero, not an unknown.
		*pp = awsm.PasswordPolicy{
			Exists:                     model.Known(true, at(f, "PasswordPolicy")),
			MinimumPasswordLength:      intOr(p.MinimumPasswordLength, 0, s("MinimumPasswordLength")),
			PasswordReusePrevention:    intOr(p.PasswordReusePrevention, 0, s("PasswordReusePrevention")),
			RequireSymbols:             boolOr(p.RequireSymbols, false, s("RequireSymbols")),
			RequireNumbers:             boolOr(p.RequireNumbers, false, s("RequireNumbers")),
			RequireUppercaseCharacters: boolOr(p.RequireUppercaseCharacters, false, s("RequireUppercaseCharacters")),
			RequireLowercaseCharacters: boolOr(p.RequireLowercaseCharacters, false, s("RequireLowercaseCharacters")),
			MaxPasswordAge:             intOr(p.MaxPasswordAge, 0, s("MaxPasswordAge")),
			ExpirePasswords:            boolOr(p.ExpirePasswords, false, s("ExpirePasswords")),
			HardExpiry:                 boolOr(p.HardExpiry, false, s("HardExpiry")),
			AllowUsersToChangePassword: boolOr(p.AllowUsersToChangePassword, false, s("AllowUsersToChangePassword")),
		}
	default:
		if a.kind == ansData { // decoded, but no PasswordPolicy object
			a = l.bad(a.file, 0, a.file+`: no "PasswordPolicy" object`)
		}
		src, reason := a.src(), a.reason()
		*pp = awsm.PasswordPolicy{
			Exists:                     unknown[bool](reason, src),
			MinimumPasswordLength:      unknown[int64](reason, src),
			PasswordReusePrevention:    unknown[int64](reason, src),
			RequireSymbols:             unknown[bool](reason, src),
			RequireNumbers:             unknown[bool](reason, src),
			RequireUppercaseCharacters: unknown[bool](reason, src),
			RequireLowercaseCharacters: unknown[bool](reason, src),
			MaxPasswordAge:             unknown[int64](reason, src),
			ExpirePasswords:            unknown[bool](reason, src),
			HardExpiry:                 unknown[bool](reason, src),
			AllowUsersToChangePassword: unknown[bool](reason, src),
		}
	}
	l.done(global, "iam", "get-account-password-policy", &a, noPolicy)
}

func (l *loader) loadAccountSummary(acct *awsm.Account) {
	a := l.fetch("global/iam/get-account-summary")
	var v struct {
		SummaryMap map[string]int64 `json:"SummaryMap"`
	}
	switch {
	case l.decode(&a, &v) && v.SummaryMap != nil:
		acct.Summary = model.Known(v.SummaryMap, at(a.file, "SummaryMap"))
	default:
		if a.kind == ansData {
			a = l.bad(a.file, 0, a.file+`: no "SummaryMap" object`)
		}
		acct.Summary = unknown[map[string]int64](a.reason(), a.src())
	}
	l.done(global, "iam", "get-account-summary", &a, false)
}

// pabJSON is the PublicAccessBlockConfiguration shape shared by s3api and
// s3control get-public-access-block.
type pabJSON struct {
	PublicAccessBlockConfiguration *struct {
		BlockPublicAcls       *bool `json:"BlockPublicAcls"`
		IgnorePublicAcls      *bool `json:"IgnorePublicAcls"`
		BlockPublicPolicy     *bool `json:"BlockPublicPolicy"`
		RestrictPublicBuckets *bool `json:"RestrictPublicBuckets"`
	} `json:"PublicAccessBlockConfiguration"`
}

// loadPublicAccessBlock reads an account- or bucket-level Block Public
// Access configuration. NoSuchPublicAccessBlockConfiguration means nothing
// is blocked: every setting is known false.
func (l *loader) loadPublicAccessBlock(region, service, op, base string) awsm.PublicAccessBlock {
	a := l.fetch(base)
	none := a.kind == ansAWS && a.code == "NoSuchPublicAccessBlockConfiguration"
	var v pabJSON
	var out awsm.PublicAccessBlock
	switch {
	case none:
		src := a.src()
		f := model.Known(false, src)
		out = awsm.PublicAccessBlock{Configured: f, BlockPublicAcls: f, IgnorePublicAcls: f, BlockPublicPolicy: f, RestrictPublicBuckets: f}
	case l.decode(&a, &v) && v.PublicAccessBlockConfiguration != nil:
		c := v.PublicAccessBlockConfiguration
		s := func(k string) model.Source { return at(a.file, "PublicAccessBlockConfiguration."+k) }
		out = awsm.PublicAccessBlock{
			Configured:            model.Known(true, at(a.file, "PublicAccessBlockConfiguration")),
			BlockPublicAcls:       boolOr(c.BlockPublicAcls, false, s("BlockPublicAcls")),
			IgnorePublicAcls:      boolOr(c.IgnorePublicAcls, false, s("IgnorePublicAcls")),
			BlockPublicPolicy:     boolOr(c.BlockPublicPolicy, false, s("BlockPublicPolicy")),
			RestrictPublicBuckets: boolOr(c.RestrictPublicBuckets, false, s("RestrictPublicBuckets")),
		}
	default:
		if a.kind == ansData {
			a = l.bad(a.file, 0, a.file+`: no "PublicAccessBlockConfiguration" object`)
		}
		u := unknown[bool](a.reason(), a.src())
		out = awsm.PublicAccessBlock{Configured: u, BlockPublicAcls: u, IgnorePublicAcls: u, BlockPublicPolicy: u, RestrictPublicBuckets: u}
	}
	l.done(region, service, op, &a, none)
	return out
}

// loadCredentialReport reads the decoded CSV, or, failing that, the CLI's
// get-credential-report.json with the base64 Content. It returns the report
// or the reason credential values are unknown.
func (l *loader) loadCredentialReport() (*credReport, string, model.Source) {
	const base = "global/iam/get-credential-report"
	csvFile := base + ".csv"
	hasCSV := l.claim(csvFile)
	var a answer
	var data []byte
	if hasCSV {
		if l.claim(base + ".json") {
			l.warn(base+".json", 0, "both %s and this file exist; using the CSV", csvFile)
		}
		l.claim(base + ".error.json")
		b, err := l.read(csvFile)
		if err != nil {
			a = l.bad(csvFile, 0, err.Error())
		} else {
			a, data = answer{kind: ansData, file: csvFile}, b
		}
	} else {
		a = l.fetch(base)
		if a.kind == ansMissing {
			a.file = csvFile
		}
		var v struct {
			Content      *string `json:"Content"`
			ReportFormat string  `json:"ReportFormat"`
		}
		if l.decode(&a, &v) {
			if v.Content == nil {
				a = l.bad(a.file, 0, a.file+`: no "Content"`)
			} else if b, err := base64.StdEncoding.DecodeString(*v.Content); err != nil {
				a = l.bad(a.file, 0, fmt.Sprintf("%s: Content: not base64: %v", a.file, err))
			} else {
				a.kind, data = ansData, b
			}
		}
	}
	var rep *credReport
	if a.kind == ansData {
		r, err := parseCredentialReport(a.file, data)
		if err != nil {
			a = l.badDecode(a.file, err)
		} else {
			rep = r
		}
	}
	l.done(global, "iam", "get-credential-report", &a, false)
	if rep == nil {
		return nil, "credential report " + a.reason(), a.src()
	}
	return rep, "", a.src()
}

// authDetails is iam get-account-authorization-details.
type authDetails struct {
	UserDetailList []struct {
		Path                    string         `json:"Path"`
		UserName                string         `json:"UserName"`
		UserID                  string         `json:"UserId"`
		Arn                     string         `json:"Arn"`
		CreateDate              string         `json:"CreateDate"`
		UserPolicyList          []inlineJSON   `json:"UserPolicyList"`
		GroupList               []string       `json:"GroupList"`
		AttachedManagedPolicies []attachedJSON `json:"AttachedManagedPolicies"`
		PermissionsBoundary     *boundaryJSON  `json:"PermissionsBoundary"`
		Tags                    []tag          `json:"Tags"`
	} `json:"UserDetailList"`
	GroupDetailList []struct {
		Path                    string         `json:"Path"`
		GroupName               string         `json:"GroupName"`
		GroupID                 string         `json:"GroupId"`
		Arn                     string         `json:"Arn"`
		GroupPolicyList         []inlineJSON   `json:"GroupPolicyList"`
		AttachedManagedPolicies []attachedJSON `json:"AttachedManagedPolicies"`
	} `json:"GroupDetailList"`
	RoleDetailList []struct {
		Path                     string          `json:"Path"`
		RoleName                 string          `json:"RoleName"`
		RoleID                   string          `json:"RoleId"`
		Arn                      string          `json:"Arn"`
		CreateDate               string          `json:"CreateDate"`
		AssumeRolePolicyDocument json.RawMessage `json:"AssumeRolePolicyDocument"`
		InstanceProfileList      []struct {
			Arn string `json:"Arn"`
		} `json:"InstanceProfileList"`
		RolePolicyList          []inlineJSON   `json:"RolePolicyList"`
		AttachedManagedPolicies []attachedJSON `json:"AttachedManagedPolicies"`
		PermissionsBoundary     *boundaryJSON  `json:"PermissionsBoundary"`
		Tags                    []tag          `json:"Tags"`
		RoleLastUsed            *struct {
			LastUsedDate string `json:"LastUsedDate"`
			Region       string `json:"Region"`
		} `json:"RoleLastUsed"`
	} `json:"RoleDetailList"`
	Policies []struct {
		PolicyName        string `json:"PolicyName"`
		PolicyID          string `json:"PolicyId"`
		Arn               string `json:"Arn"`
		Path              string `json:"Path"`
		DefaultVersionID  string `json:"DefaultVersionId"`
		AttachmentCount   *int64 `json:"AttachmentCount"`
		PolicyVersionList []struct {
			Document         json.RawMessage `json:"Document"`
			VersionID        string          `json:"VersionId"`
			IsDefaultVersion bool            `json:"IsDefaultVersion"`
		} `json:"PolicyVersionList"`
	} `json:"Policies"`
	IsTruncated bool `json:"IsTruncated"`
}

type inlineJSON struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
}

type attachedJSON struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type boundaryJSON struct {
	PermissionsBoundaryArn string `json:"PermissionsBoundaryArn"`
}

// policy parses a policy document in any encoding; a bad document is a
// warning and an unknown value, never a silently empty policy.
func (l *loader) policy(raw json.RawMessage, src model.Source) awsm.Policy {
	if len(raw) == 0 || string(raw) == "null" {
		return unknown[*awsm.PolicyDocument](fmt.Sprintf("%s absent from %s", src.Path, src.File), src)
	}
	doc, err := awsm.ParsePolicy(raw, src)
	if err != nil {
		l.warn(src.File, 0, "%v; policy unknown", err)
		return unknown[*awsm.PolicyDocument]("unparseable policy document: "+err.Error(), src)
	}
	return model.Known(doc, src)
}

func (l *loader) inlinePolicies(list []inlineJSON, src model.Source, field string) []awsm.InlinePolicy {
	out := make([]awsm.InlinePolicy, 0, len(list))
	for i, p := range list {
		s := src.At(idx(field, i))
		out = append(out, awsm.InlinePolicy{Name: p.PolicyName, Document: l.policy(p.PolicyDocument, s.At("PolicyDocument"))})
	}
	return out
}

func attached(list []attachedJSON, src model.Source) []awsm.AttachedPolicy {
	out := make([]awsm.AttachedPolicy, 0, len(list))
	for i, p := range list {
		out = append(out, awsm.AttachedPolicy{ARN: p.PolicyArn, Name: p.PolicyName, Source: src.At(idx("AttachedManagedPolicies", i))})
	}
	return out
}

func boundary(b *boundaryJSON, src model.Source) awsm.String {
	s := src.At("PermissionsBoundary")
	if b == nil {
		return model.Known("", s)
	}
	return model.Known(b.PermissionsBoundaryArn, s.At("PermissionsBoundaryArn"))
}

// loadAuthDetails reads users, groups, roles and managed policies. Without
// it, users still come from the credential report so that credential checks
// (MFA, key age) judge them; their policy lists are then empty and the
// coverage entry tells policy checks that they are unknown, not empty.
func (l *loader) loadAuthDetails(rep *credReport, repReason string, repSrc model.Source) {
	a := l.fetch("global/iam/get-account-authorization-details")
	var v authDetails
	ok := l.decode(&a, &v)
	l.done(global, "iam", "get-account-authorization-details", &a, false)
	if !ok {
		if rep != nil && len(rep.rows) > 1 {
			l.warn(a.file, 0, "IAM groups, roles, policies and users' permissions unknown (%s); users come from the credential report alone", a.reason())
			l.usersFromReport(rep)
		}
		return
	}
	f := a.file
	if v.IsTruncated {
		l.warn(f, 0, "IsTruncated is true: the CLI output was not fully paginated; IAM data is incomplete")
	}
	id := func(arn, name, resID string, src model.Source) awsm.Identity {
		return awsm.Identity{ARN: arn, ID: resID, Name: name, Region: global,
			AccountID: l.account(), Partition: l.partition(), Source: src}
	}
	inv := l.inv
	for i, u := range v.UserDetailList {
		src := at(f, idx("UserDetailList", i))
		user := &awsm.User{
			Identity:            id(u.Arn, u.UserName, u.UserName, src),
			Path:                u.Path,
			CreateDate:          l.optTime(u.CreateDate, src.At("CreateDate")),
			Groups:              append([]string{}, u.GroupList...),
			AttachedPolicies:    attached(u.AttachedManagedPolicies, src),
			InlinePolicies:      l.inlinePolicies(u.UserPolicyList, src, "UserPolicyList"),
			PermissionsBoundary: boundary(u.PermissionsBoundary, src),
		}
		user.Tags = tagsOf(u.Tags, src.At("Tags"))
		switch row, found := rowOf(rep, u.UserName); {
		case rep == nil:
			user.Credentials = unknownCredentials(unknown[bool](repReason, repSrc), repReason, repSrc)
		case found:
			user.Credentials = rep.credentials(row)
		default:
			// Users created after the report was generated are not in it.
			user.Credentials = unknownCredentials(model.Known(false, repSrc), "user not in the credential report", repSrc)
		}
		inv.Users = append(inv.Users, user)
	}
	for i, g := range v.GroupDetailList {
		src := at(f, idx("GroupDetailList", i))
		inv.Groups = append(inv.Groups, &awsm.Group{
			Identity:         withTags(id(g.Arn, g.GroupName, g.GroupName, src), notCollectedTags("IAM group tags are not part of get-account-authorization-details", src)),
			Path:             g.Path,
			AttachedPolicies: attached(g.AttachedManagedPolicies, src),
			InlinePolicies:   l.inlinePolicies(g.GroupPolicyList, src, "GroupPolicyList"),
		})
	}
	for i, r := range v.RoleDetailList {
		src := at(f, idx("RoleDetailList", i))
		role := &awsm.Role{
			Identity:            withTags(id(r.Arn, r.RoleName, r.RoleName, src), tagsOf(r.Tags, src.At("Tags"))),
			Path:                r.Path,
			CreateDate:          l.optTime(r.CreateDate, src.At("CreateDate")),
			TrustPolicy:         l.policy(r.AssumeRolePolicyDocument, src.At("AssumeRolePolicyDocument")),
			AttachedPolicies:    attached(r.AttachedManagedPolicies, src),
			InlinePolicies:      l.inlinePolicies(r.RolePolicyList, src, "RolePolicyList"),
			PermissionsBoundary: boundary(r.PermissionsBoundary, src),
		}
		role.InstanceProfiles = make([]string, 0, len(r.InstanceProfileList))
		for _, p := range r.InstanceProfileList {
			role.InstanceProfiles = append(role.InstanceProfiles, p.Arn)
		}
		lu := src.At("RoleLastUsed")
		switch {
		case r.RoleLastUsed == nil:
			role.LastUsed = unknown[time.Time]("RoleLastUsed absent from "+f, lu)
			role.LastUsedRegion = unknown[string]("RoleLastUsed absent from "+f, lu)
		case r.RoleLastUsed.LastUsedDate == "":
			// An empty RoleLastUsed is IAM's "never used" (within its
			// 400-day tracking window).
			role.LastUsed = unknown[time.Time]("never used", lu)
			role.LastUsedRegion = model.Known("", lu)
		default:
			role.LastUsed = l.optTime(r.RoleLastUsed.LastUsedDate, lu.At("LastUsedDate"))
			role.LastUsedRegion = model.Known(r.RoleLastUsed.Region, lu.At("Region"))
		}
		inv.Roles = append(inv.Roles, role)
	}
	for i, p := range v.Policies {
		src := at(f, idx("Policies", i))
		mp := &awsm.ManagedPolicy{
			Identity:         withTags(id(p.Arn, p.PolicyName, p.PolicyID, src), notCollectedTags("policy tags are not part of get-account-authorization-details", src)),
			Path:             p.Path,
			AWSManaged:       strings.Contains(p.Arn, ":iam::aws:policy/"),
			DefaultVersionID: p.DefaultVersionID,
			AttachmentCount:  optInt(p.AttachmentCount, src.At("AttachmentCount")),
		}
		for j, ver := range p.PolicyVersionList {
			vs := src.At(idx("PolicyVersionList", j))
			mp.Versions = append(mp.Versions, awsm.PolicyVersion{
				VersionID: ver.VersionID,
				IsDefault: ver.IsDefaultVersion,
				Document:  l.policy(ver.Document, vs.At("Document")),
			})
		}
		inv.Policies = append(inv.Policies, mp)
	}
	sortByARN(inv.Users, func(u *awsm.User) string { return u.ARN })
	sortByARN(inv.Groups, func(g *awsm.Group) string { return g.ARN })
	sortByARN(inv.Roles, func(r *awsm.Role) string { return r.ARN })
	sortByARN(inv.Policies, func(p *awsm.ManagedPolicy) string { return p.ARN })
}

// usersFromReport creates users from credential-report rows when
// get-account-authorization-details is missing.
func (l *loader) usersFromReport(rep *credReport) {
	for name, row := range rep.rows {
		if name == rootUser {
			continue
		}
		arn, src, _ := rep.cell(row, "arn")
		user := &awsm.User{
			Identity: awsm.Identity{ARN: arn, ID: name, Name: name, Region: global,
				AccountID: l.account(), Partition: l.partition(), Source: src,
				Tags: notCollectedTags("user tags come from get-account-authorization-details", src)},
			CreateDate:          rep.date(row, "user_creation_time"),
			PermissionsBoundary: unknown[string]("get-account-authorization-details not read", src),
			Credentials:         rep.credentials(row),
		}
		l.inv.Users = append(l.inv.Users, user)
	}
	sortByARN(l.inv.Users, func(u *awsm.User) string { return u.ARN })
}

func withTags(id awsm.Identity, tags model.Tags) awsm.Identity {
	id.Tags = tags
	return id
}

func rowOf(rep *credReport, user string) (credRow, bool) {
	if rep == nil {
		return credRow{}, false
	}
	r, ok := rep.rows[user]
	return r, ok
}

// loadRoot builds the root user from the credential report's <root_account>
// row, with MFA from the account summary when the report is missing. The
// root user always exists, so it is always in the inventory; unknown values
// make the root checks UNKNOWN rather than silent.
func (l *loader) loadRoot(acct *awsm.Account, rep *credReport, repReason string, repSrc model.Source) {
	root := &awsm.RootUser{Identity: awsm.Identity{
		ARN: "arn:" + l.partition() + ":iam::" + l.account() + ":root", ID: rootUser, Name: rootUser,
		Region: global, AccountID: l.account(), Partition: l.partition(), Source: repSrc,
		Tags: notCollectedTags("the root user has no tags", repSrc),
	}}
	row, found := rowOf(rep, rootUser)
	switch {
	case rep == nil:
		root.Credentials = unknownCredentials(unknown[bool](repReason, repSrc), repReason, repSrc)
	case found:
		root.Credentials = rep.credentials(row)
		root.Identity.Source = model.Source{File: rep.file, StartLine: row.line}
		if arn, _, ok := rep.cell(row, "arn"); ok && arn != "" {
			root.ARN = arn
		}
	default:
		l.warn(rep.file, 0, "no %s row; root user credentials unknown", rootUser)
		root.Credentials = unknownCredentials(model.Known(false, repSrc), "no "+rootUser+" row in the credential report", repSrc)
	}
	root.MFAEnabled = root.Credentials.MFAActive
	if !root.MFAEnabled.Known() {
		if m, ok := acct.Summary.Get(); ok {
			if n, ok := m["AccountMFAEnabled"]; ok {
				root.MFAEnabled = model.Known(n == 1, acct.Summary.Source().At("AccountMFAEnabled"))
			}
		}
	}
	// Telling hardware from virtual MFA needs iam list-virtual-mfa-devices:
	// unknown here, filled in by cisextra.go when that file was collected.
	root.HardwareMFA = unknown[bool]("not collected: global/iam/list-virtual-mfa-devices.json missing", at("global/iam/list-virtual-mfa-devices.json", ""))
	l.inv.Root = root
}
