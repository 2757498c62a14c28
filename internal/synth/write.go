package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Write generates a snapshot of opt.Resources resources into dir (created if
// needed; it should be empty) and returns how many of each kind it wrote.
func Write(dir string, opt Options) (Counts, error) {
	opt = opt.withDefaults()
	c, err := Plan(opt.Resources, len(opt.Regions))
	if err != nil {
		return Counts{}, err
	}
	g := &gen{dir: dir, opt: opt, c: c, acct: opt.AccountID, now: opt.CollectedAt, made: map[string]bool{},
		rng: rand.New(rand.NewPCG(uint64(opt.Seed), 0x9e3779b97f4a7c15))}
	g.layout()
	steps := []func(){g.meta, g.global, g.iam, g.buckets, g.network, g.compute, g.rds, g.kms, g.trails, g.guardduty}
	for _, step := range steps {
		if g.err != nil {
			break
		}
		step()
	}
	if g.err != nil {
		return Counts{}, g.err
	}
	return c, nil
}

// gen carries the state of one generation; the first error sticks and
// stops further writes.
type gen struct {
	dir  string
	opt  Options
	c    Counts
	acct string
	now  time.Time
	rng  *rand.Rand
	err  error

	// vpcs[r] are the VPC IDs of region r; sgs[r] its security group IDs.
	vpcs [][]string
	sgs  [][]string
	// ec2Roles are the roles EC2 can assume (they have instance profiles).
	ec2Roles []int
	// made holds the directories already created: tens of thousands of
	// per-resource files share a few dozen directories.
	made map[string]bool
}

// Kind tags keep IDs of different kinds apart.
const (
	tagSG uint64 = iota + 1
	tagInstance
	tagVolume
	tagVPC
	tagNACL
	tagSubnet
	tagKey
	tagDetector
	tagFlowLog
	tagReservation
	tagIAM
	tagDB
)

// mix is splitmix64's finaliser: a bijection, so distinct inputs give
// distinct, random-looking IDs.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hexID is an EC2-style ID: prefix, "-0", 16 hex digits.
func hexID(prefix string, tag uint64, i int) string {
	return fmt.Sprintf("%s-0%016x", prefix, mix(tag<<40|uint64(i)))
}

// uuid is a KMS-style key ID.
func uuid(tag uint64, i int) string {
	a, b := mix(tag<<40|uint64(i)), mix(tag<<40|uint64(i)|1<<39)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// iamID is an IAM unique ID: a four-letter prefix and 17 upper-case
// alphanumerics.
func iamID(prefix string, i int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	x := mix(tagIAM<<40 | uint64(i))
	b := []byte(prefix)
	for k := 0; k < 17; k++ {
		b = append(b, alphabet[x&31])
		x = x>>5 | x<<59
	}
	return string(b)
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *gen) ago(days int) string {
	return g.now.Add(-time.Duration(days)*24*time.Hour - time.Duration(g.rng.IntN(86400))*time.Second).Format("2006-01-02T15:04:05+00:00")
}

func (g *gen) region(i int) (int, string) {
	r := i % len(g.opt.Regions)
	return r, g.opt.Regions[r]
}

// layout decides the IDs other resources refer to before anything is written.
func (g *gen) layout() {
	n := len(g.opt.Regions)
	g.vpcs = make([][]string, n)
	g.sgs = make([][]string, n)
	for i := 0; i < g.c.VPCs; i++ {
		r, _ := g.region(i)
		g.vpcs[r] = append(g.vpcs[r], hexID("vpc", tagVPC, i))
	}
	for i := 0; i < g.c.SecurityGroups; i++ {
		r, _ := g.region(i)
		g.sgs[r] = append(g.sgs[r], hexID("sg", tagSG, i))
	}
	for i := 0; i < g.c.Roles; i++ {
		if i%2 == 0 {
			g.ec2Roles = append(g.ec2Roles, i)
		}
	}
}

// vpcOf returns the VPC the i-th resource of region r belongs to.
func (g *gen) vpcOf(r, i int) string {
	if len(g.vpcs[r]) == 0 {
		return hexID("vpc", tagVPC, 1<<30+r) // a VPC the snapshot does not list
	}
	return g.vpcs[r][i%len(g.vpcs[r])]
}

// ---- files ----

func (g *gen) path(rel string) string { return filepath.Join(g.dir, filepath.FromSlash(rel)) }

func (g *gen) create(rel string) *os.File {
	if g.err != nil {
		return nil
	}
	p := g.path(rel)
	if d := filepath.Dir(p); !g.made[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			g.err = err
			return nil
		}
		g.made[d] = true
	}
	f, err := os.Create(p)
	if err != nil {
		g.err = err
		return nil
	}
	return f
}

// writeJSON writes one small document.
func (g *gen) writeJSON(rel string, v any) {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		g.err = err
		return
	}
	g.writeRaw(rel, append(data, '\n'))
}

func (g *gen) writeRaw(rel string, data []byte) {
	f := g.create(rel)
	if f == nil {
		return
	}
	if _, err := f.Write(data); err != nil && g.err == nil {
		g.err = err
	}
	if err := f.Close(); err != nil && g.err == nil {
		g.err = err
	}
}

func (g *gen) writeError(rel, code, msg string) {
	g.writeJSON(rel, apiError{code, msg})
}

type apiError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// stream writes a JSON document whose big lists are encoded one element at
// a time: open writes the head ({"Key": [), add one element, list starts
// another list, close the tail.
type stream struct {
	g     *gen
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	first bool
}

func (g *gen) open(rel, head string) *stream {
	f := g.create(rel)
	if f == nil {
		return &stream{g: g}
	}
	w := bufio.NewWriterSize(f, 256<<10)
	s := &stream{g: g, f: f, w: w, enc: json.NewEncoder(w), first: true}
	s.raw(head)
	return s
}

func (s *stream) raw(text string) {
	if s.w != nil && s.g.err == nil {
		if _, err := s.w.WriteString(text); err != nil {
			s.g.err = err
		}
	}
}

func (s *stream) add(v any) {
	if s.w == nil || s.g.err != nil {
		return
	}
	if !s.first {
		s.raw(",")
	}
	s.first = false
	if err := s.enc.Encode(v); err != nil {
		s.g.err = err
	}
}

// list ends the current list and starts the next one, e.g. `], "B": [`.
func (s *stream) list(between string) {
	s.raw(between)
	s.first = true
}

func (s *stream) close(tail string) {
	if s.w == nil {
		return
	}
	s.raw(tail)
	if err := s.w.Flush(); err != nil && s.g.err == nil {
		s.g.err = err
	}
	if err := s.f.Close(); err != nil && s.g.err == nil {
		s.g.err = err
	}
}

// ---- account and global ----

func (g *gen) meta() {
	g.writeJSON("snapshot.json", struct {
		CollectedAt string   `json:"collected_at"`
		AccountID   string   `json:"account_id"`
		Partition   string   `json:"partition"`
		Regions     []string `json:"regions"`
	}{g.now.Format(time.RFC3339), g.acct, "aws", g.opt.Regions})
}

func (g *gen) global() {
	g.writeJSON("global/sts/get-caller-identity.json", map[string]string{
		"UserId": "AROAYSYNTHAUDITROLE01:cloudward", "Account": g.acct,
		"Arn": "arn:aws:sts::" + g.acct + ":assumed-role/SecurityAudit/cloudward"})
	g.writeJSON("global/iam/get-account-password-policy.json", map[string]any{"PasswordPolicy": map[string]any{
		"MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true,
		"RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
		"AllowUsersToChangePassword": true, "ExpirePasswords": false, "PasswordReusePrevention": 24}})
	g.writeJSON("global/iam/get-account-summary.json", map[string]any{"SummaryMap": map[string]int{
		"Users": g.c.Users, "Groups": g.c.Groups, "Roles": g.c.Roles, "Policies": max(0, g.c.Policies-1),
		"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0}})
	// Account-level Block Public Access is half on: bucket-level settings
	// then decide, so the bucket checks see both outcomes.
	g.writeJSON("global/s3control/get-public-access-block.json", map[string]any{"PublicAccessBlockConfiguration": map[string]bool{
		"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}})
	for r, region := range g.opt.Regions {
		g.writeJSON(region+"/ec2/get-ebs-encryption-by-default.json", map[string]any{
			"EbsEncryptionByDefault": r%2 == 0, "SseType": "sse-ebs"})
	}
}

// ---- IAM ----

type attached struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type inline struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument any    `json:"PolicyDocument"`
}

type userDetail struct {
	Path                    string     `json:"Path"`
	UserName                string     `json:"UserName"`
	UserID                  string     `json:"UserId"`
	Arn                     string     `json:"Arn"`
	CreateDate              string     `json:"CreateDate"`
	UserPolicyList          []inline   `json:"UserPolicyList,omitempty"`
	GroupList               []string   `json:"GroupList"`
	AttachedManagedPolicies []attached `json:"AttachedManagedPolicies"`
	Tags                    []tag      `json:"Tags"`
}

type groupDetail struct {
	Path                    string     `json:"Path"`
	GroupName               string     `json:"GroupName"`
	GroupID                 string     `json:"GroupId"`
	Arn                     string     `json:"Arn"`
	CreateDate              string     `json:"CreateDate"`
	GroupPolicyList         []inline   `json:"GroupPolicyList"`
	AttachedManagedPolicies []attached `json:"AttachedManagedPolicies"`
}

type instanceProfile struct {
	Path                string `json:"Path"`
	InstanceProfileName string `json:"InstanceProfileName"`
	InstanceProfileID   string `json:"InstanceProfileId"`
	Arn                 string `json:"Arn"`
	CreateDate          string `json:"CreateDate"`
	Roles               []any  `json:"Roles"`
}

type roleDetail struct {
	Path                     string            `json:"Path"`
	RoleName                 string            `json:"RoleName"`
	RoleID                   string            `json:"RoleId"`
	Arn                      string            `json:"Arn"`
	CreateDate               string            `json:"CreateDate"`
	AssumeRolePolicyDocument any               `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []instanceProfile `json:"InstanceProfileList"`
	RolePolicyList           []inline          `json:"RolePolicyList"`
	AttachedManagedPolicies  []attached        `json:"AttachedManagedPolicies"`
	Tags                     []tag             `json:"Tags"`
	RoleLastUsed             map[string]string `json:"RoleLastUsed"`
}

type policyVersion struct {
	Document         any    `json:"Document"`
	VersionID        string `json:"VersionId"`
	IsDefaultVersion bool   `json:"IsDefaultVersion"`
	CreateDate       string `json:"CreateDate"`
}

type policyDetail struct {
	PolicyName                    string          `json:"PolicyName"`
	PolicyID                      string          `json:"PolicyId"`
	Arn                           string          `json:"Arn"`
	Path                          string          `json:"Path"`
	DefaultVersionID              string          `json:"DefaultVersionId"`
	AttachmentCount               int             `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int             `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool            `json:"IsAttachable"`
	CreateDate                    string          `json:"CreateDate"`
	UpdateDate                    string          `json:"UpdateDate"`
	PolicyVersionList             []policyVersion `json:"PolicyVersionList"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

type document struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

func doc(st ...statement) document { return document{"2012-10-17", st} }

const adminARN = "arn:aws:iam::aws:policy/AdministratorAccess"

func (g *gen) policyARN(i int) (string, string) {
	if i == 0 {
		return "AdministratorAccess", adminARN
	}
	name := fmt.Sprintf("policy-%05d", i)
	return name, "arn:aws:iam::" + g.acct + ":policy/" + name
}

// customerPolicy picks a customer-managed policy (index >= 1), or -1.
func (g *gen) customerPolicy(i int) int {
	if g.c.Policies < 2 {
		return -1
	}
	return 1 + i%(g.c.Policies-1)
}

func (g *gen) iam() {
	s := g.open("global/iam/get-account-authorization-details.json", `{"UserDetailList": [`)
	report := g.create("global/iam/get-credential-report.csv")
	if report == nil {
		return
	}
	rw := bufio.NewWriter(report)
	cw := csv.NewWriter(rw)
	cw.Write([]string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
		"password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
		"access_key_1_last_used_region", "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
		"access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
		"cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"})
	cw.Write([]string{"<root_account>", "arn:aws:iam::" + g.acct + ":root", g.ago(2400), "not_supported", g.ago(200),
		"not_supported", "not_supported", "true", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A",
		"false", "N/A", "false", "N/A"})

	for i := 0; i < g.c.Users; i++ {
		ci := i%10 >= 7 // three in ten are CI users
		name, path := fmt.Sprintf("user-%06d", i), "/"
		if ci {
			name, path = fmt.Sprintf("ci-%06d", i), "/ci/"
		}
		arn := "arn:aws:iam::" + g.acct + ":user" + path + name
		created := g.ago(100 + g.rng.IntN(2000))
		u := userDetail{Path: path, UserName: name, UserID: iamID("AIDA", i), Arn: arn, CreateDate: created,
			GroupList: []string{}, AttachedManagedPolicies: []attached{}, Tags: []tag{}}
		if g.c.Groups > 0 && !ci {
			u.GroupList = append(u.GroupList, fmt.Sprintf("group-%04d", i%g.c.Groups))
		}
		if p := g.customerPolicy(i); p > 0 && (ci || g.chance(0.05)) {
			pn, pa := g.policyARN(p)
			u.AttachedManagedPolicies = append(u.AttachedManagedPolicies, attached{pn, pa})
		}
		if g.chance(0.05) {
			u.UserPolicyList = []inline{{"inline-read", doc(statement{Effect: "Allow",
				Action: []string{"s3:GetObject", "s3:ListBucket"}, Resource: "arn:aws:s3:::bucket-" + strconv.Itoa(i%97) + "/*"})}}
		}
		s.add(u)
		cw.Write(g.credentialRow(name, arn, created, ci))
	}
	s.list(`], "GroupDetailList": [`)
	for i := 0; i < g.c.Groups; i++ {
		name := fmt.Sprintf("group-%04d", i)
		gr := groupDetail{Path: "/", GroupName: name, GroupID: iamID("AGPA", 1<<20+i), Arn: "arn:aws:iam::" + g.acct + ":group/" + name,
			CreateDate: g.ago(500 + g.rng.IntN(1500)), GroupPolicyList: []inline{}, AttachedManagedPolicies: []attached{}}
		if i == 0 && g.c.Policies > 0 {
			gr.AttachedManagedPolicies = append(gr.AttachedManagedPolicies, attached{"AdministratorAccess", adminARN})
		} else if p := g.customerPolicy(i); p > 0 {
			pn, pa := g.policyARN(p)
			gr.AttachedManagedPolicies = append(gr.AttachedManagedPolicies, attached{pn, pa})
		}
		s.add(gr)
	}
	s.list(`], "RoleDetailList": [`)
	for i := 0; i < g.c.Roles; i++ {
		s.add(g.role(i))
	}
	s.list(`], "Policies": [`)
	for i := 0; i < g.c.Policies; i++ {
		s.add(g.policy(i))
	}
	s.close("]}\n")
	cw.Flush()
	if err := cw.Error(); err != nil && g.err == nil {
		g.err = err
	}
	if err := rw.Flush(); err != nil && g.err == nil {
		g.err = err
	}
	if err := report.Close(); err != nil && g.err == nil {
		g.err = err
	}
}

// credentialRow is the user's credential-report row: humans have console
// passwords (most with MFA), CI users have access keys of all ages.
func (g *gen) credentialRow(name, arn, created string, ci bool) []string {
	row := []string{name, arn, created, "false", "N/A", "N/A", "N/A", "false"}
	if !ci {
		row[3], row[4], row[5] = "true", g.ago(g.rng.IntN(120)), g.ago(30+g.rng.IntN(300))
		if g.chance(0.85) {
			row[7] = "true"
		}
	}
	key := func(active bool) []string {
		if !active {
			return []string{"false", "N/A", "N/A", "N/A", "N/A"}
		}
		rotated := 1 + g.rng.IntN(400)
		if g.chance(0.15) {
			return []string{"true", g.ago(rotated), "N/A", "N/A", "N/A"} // never used
		}
		return []string{"true", g.ago(rotated), g.ago(g.rng.IntN(rotated + 1)), g.opt.Regions[g.rng.IntN(len(g.opt.Regions))], "s3"}
	}
	row = append(row, key(ci || g.chance(0.4))...)
	row = append(row, key(ci && g.chance(0.08))...)
	return append(row, "false", "N/A", "false", "N/A")
}

func (g *gen) role(i int) roleDetail {
	name := fmt.Sprintf("role-%05d", i)
	arn := "arn:aws:iam::" + g.acct + ":role/" + name
	r := roleDetail{Path: "/", RoleName: name, RoleID: iamID("AROA", 2<<20+i), Arn: arn, CreateDate: g.ago(50 + g.rng.IntN(1500)),
		InstanceProfileList: []instanceProfile{}, RolePolicyList: []inline{}, AttachedManagedPolicies: []attached{}, Tags: []tag{},
		RoleLastUsed: map[string]string{"LastUsedDate": g.ago(g.rng.IntN(60)), "Region": g.opt.Regions[i%len(g.opt.Regions)]}}
	assume := statement{Effect: "Allow", Action: "sts:AssumeRole"}
	switch {
	case i%2 == 0: // EC2 instance roles, with a profile of the same name
		assume.Principal = map[string]string{"Service": "ec2.amazonaws.com"}
		r.InstanceProfileList = []instanceProfile{{Path: "/", InstanceProfileName: name, InstanceProfileID: iamID("AIPA", 3<<20+i),
			Arn: "arn:aws:iam::" + g.acct + ":instance-profile/" + name, CreateDate: r.CreateDate, Roles: []any{}}}
	case i%10 == 1 || i%10 == 3:
		assume.Principal = map[string]string{"Service": "lambda.amazonaws.com"}
	case i%10 == 5 || i%10 == 7:
		assume.Principal = map[string]string{"AWS": "arn:aws:iam::444455556666:root"}
		assume.Condition = map[string]any{"StringEquals": map[string]string{"sts:ExternalId": uuid(tagIAM, i)}}
	default: // another account without ExternalId: fails the trust check
		assume.Principal = map[string]string{"AWS": "arn:aws:iam::210987654321:root"}
	}
	r.AssumeRolePolicyDocument = doc(assume)
	if p := g.customerPolicy(i + 7); p > 0 {
		pn, pa := g.policyARN(p)
		r.AttachedManagedPolicies = append(r.AttachedManagedPolicies, attached{pn, pa})
	}
	return r
}

func (g *gen) policy(i int) policyDetail {
	name, arn := g.policyARN(i)
	created := g.ago(300 + g.rng.IntN(1500))
	p := policyDetail{PolicyName: name, PolicyID: iamID("ANPA", 4<<20+i), Arn: arn, Path: "/", AttachmentCount: 1,
		IsAttachable: true, CreateDate: created, UpdateDate: created}
	if i == 0 {
		p.DefaultVersionID = "v1"
		p.PolicyVersionList = []policyVersion{{doc(statement{Effect: "Allow", Action: "*", Resource: "*"}), "v1", true, "2015-02-06T18:39:46+00:00"}}
		return p
	}
	versions := 1 + g.rng.IntN(3)
	for v := versions; v >= 1; v-- {
		st := statement{Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject", "ec2:Describe*"},
			Resource: []string{"arn:aws:s3:::bucket-" + strconv.Itoa(i%97) + "/*", "*"}}
		if v == versions && i%20 == 3 { // one in twenty: the default version allows *:*
			st = statement{Sid: "BreakGlass", Effect: "Allow", Action: "*", Resource: "*"}
		}
		p.PolicyVersionList = append(p.PolicyVersionList, policyVersion{doc(st), "v" + strconv.Itoa(v), v == versions, created})
	}
	p.DefaultVersionID = "v" + strconv.Itoa(versions)
	return p
}
