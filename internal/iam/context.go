package iam

import (
	"fmt"
	"strings"
)

// Context is a request context: condition keys (compared case-insensitively,
// stored lower-cased) to one or more values (multi-valued keys such as
// aws:TagKeys have several). Values are case-sensitive strings; numbers,
// booleans and dates are compared in their string form parsed per operator.
type Context struct {
	m map[string][]string
}

// NewContext returns an empty context.
func NewContext() *Context { return &Context{m: make(map[string][]string)} }

// Set replaces a key's values.
func (c *Context) Set(key string, values ...string) {
	c.m[strings.ToLower(key)] = values
}

// setDefault sets key only when the caller did not.
func (c *Context) setDefault(key string, values ...string) {
	k := strings.ToLower(key)
	if _, ok := c.m[k]; !ok {
		c.m[k] = values
	}
}

// Get returns a key's values; ok is false when the key is absent.
func (c *Context) Get(key string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.m[strings.ToLower(key)]
	return v, ok
}

// lookup takes an already lower-cased key (compiled conditions); no allocation.
func (c *Context) lookup(lkey string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.m[lkey]
	return v, ok
}

// PrincipalType is the kind of the calling principal.
type PrincipalType int

// Principal types, from the principal ARN.
const (
	PrincipalUnknown   PrincipalType = iota
	PrincipalUser                    // arn:aws:iam::A:user/path/name
	PrincipalRole                    // arn:aws:iam::A:role/path/name (the role itself)
	PrincipalSession                 // arn:aws:sts::A:assumed-role/role/session
	PrincipalFederated               // arn:aws:sts::A:federated-user/name
	PrincipalRoot                    // arn:aws:iam::A:root
	PrincipalService                 // ec2.amazonaws.com
	// PrincipalWebIdentity is an identity provider calling
	// sts:AssumeRoleWithWebIdentity/SAML: an OIDC or SAML provider ARN
	// (arn:aws:iam::A:oidc-provider/HOST) or a public provider name
	// (cognito-identity.amazonaws.com, accounts.google.com, ...).
	PrincipalWebIdentity
	// PrincipalAnonymous is an unsigned request: only a resource-based
	// policy with Principal "*" (or NotPrincipal) lets it in.
	PrincipalAnonymous
)

// AnonymousCaller is the caller of an unsigned (anonymous) request.
func AnonymousCaller() Caller { return Caller{ARN: "anonymous", Type: PrincipalAnonymous} }

// webIdentityProviders are the public identity providers' principal names.
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true, "accounts.google.com": true,
	"graph.facebook.com": true, "www.amazon.com": true,
}

// callerHasIdentity reports whether identity-side policies (identity,
// boundary, session, SCP) can apply to the caller: not to AWS services and
// identity providers, which are allowed only by resource-based policies.
func (c *Caller) callerHasIdentity() bool {
	return c.Type != PrincipalService && c.Type != PrincipalWebIdentity && c.Type != PrincipalAnonymous
}

// Caller is the parsed principal of a request.
type Caller struct {
	ARN       string
	Type      PrincipalType
	Partition string
	Account   string
	// Name is the user, role, federated user or service name.
	Name string
	// RoleName and RoleARN are set for role sessions (RoleARN has no path:
	// the session ARN does not carry it; role names are unique in an
	// account, so matching by account and name is exact).
	RoleName, RoleARN string
	Session           string
	// OrgID is the caller's AWS Organizations ID when known (the account
	// analysis sets it for the account's own principals): it becomes
	// aws:PrincipalOrgID.
	OrgID string
}

// ParseCaller parses a principal ARN (or a service principal name).
func ParseCaller(arn string) (Caller, error) {
	c := Caller{ARN: arn}
	f, ok := splitARN(arn)
	if !ok {
		if webIdentityProviders[arn] {
			c.Type, c.Name = PrincipalWebIdentity, arn
			return c, nil
		}
		if strings.HasSuffix(arn, ".amazonaws.com") || strings.HasSuffix(arn, ".amazonaws.com.cn") {
			c.Type, c.Name = PrincipalService, arn
			return c, nil
		}
		return c, fmt.Errorf("principal %q is not an ARN or a service principal", arn)
	}
	c.Partition, c.Account = f[1], f[4]
	res := f[5]
	switch {
	case f[2] == "iam" && res == "root":
		c.Type = PrincipalRoot
	case f[2] == "iam" && strings.HasPrefix(res, "user/"):
		c.Type, c.Name = PrincipalUser, lastSegment(res)
	case f[2] == "iam" && strings.HasPrefix(res, "role/"):
		c.Type, c.Name = PrincipalRole, lastSegment(res)
		c.RoleName, c.RoleARN = c.Name, arn
	case f[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		parts := strings.Split(res, "/")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return c, fmt.Errorf("principal %q: want arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION", arn)
		}
		c.Type, c.RoleName, c.Session, c.Name = PrincipalSession, parts[1], parts[2], parts[1]
		c.RoleARN = "arn:" + c.Partition + ":iam::" + c.Account + ":role/" + c.RoleName
	case f[2] == "iam" && (strings.HasPrefix(res, "oidc-provider/") || strings.HasPrefix(res, "saml-provider/")):
		c.Type, c.Name = PrincipalWebIdentity, arn
	case f[2] == "sts" && strings.HasPrefix(res, "federated-user/"):
		c.Type, c.Name = PrincipalFederated, strings.TrimPrefix(res, "federated-user/")
	default:
		return c, fmt.Errorf("principal %q is not an IAM user, role, role session, federated user, identity provider or account root ARN", arn)
	}
	if c.Account == "" {
		return c, fmt.Errorf("principal %q has no account", arn)
	}
	return c, nil
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Request is one authorization request: who, what, on which resource, with
// which context. Build it with NewRequest; to ask the same question for
// another principal, call SetCaller (who-can style loops), and call Prepare
// after changing Action or Resource.
type Request struct {
	Caller   Caller
	Action   string
	Resource string
	// ResourceAccount owns the resource: the context key aws:ResourceAccount
	// when given, otherwise the resource ARN's account field, otherwise (S3
	// buckets, "*") the caller's account.
	ResourceAccount string
	Context         *Context

	// Derived from the fields above (Prepare, SetCaller).
	action            string // lower-cased Action
	resFields         [6]string
	resIsARN          bool
	explicitAllow     string
	derived           []string // context keys filled in from the caller
	resAcctFromCaller bool
}

// Prepare recomputes what NewRequest derives from Action and Resource; call
// it after changing them on a reused Request.
func (r *Request) Prepare() {
	r.action = strings.ToLower(r.Action)
	r.resFields, r.resIsARN = splitARN(r.Resource)
	r.explicitAllow = explicitAllowRequired(r)
}

// NewRequest builds a request and fills in the context keys AWS derives from
// the principal and resource, unless ctx already has them:
// aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username
// (IAM users), aws:PrincipalServiceName (services), aws:ResourceAccount.
// ctx may be nil; it becomes the request's and must not be shared.
func NewRequest(principal, action, resource string, ctx *Context) (*Request, error) {
	c, err := ParseCaller(principal)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(action, ":") && action != "*" {
		return nil, fmt.Errorf("action %q: want SERVICE:Action", action)
	}
	if resource == "" {
		return nil, fmt.Errorf("resource is empty (use \"*\" for actions without a resource)")
	}
	if ctx == nil {
		ctx = NewContext()
	}
	r := &Request{Action: action, Resource: resource, Context: ctx}
	r.Prepare()
	if v, ok := ctx.Get("aws:ResourceAccount"); ok && len(v) == 1 {
		r.ResourceAccount = v[0]
	} else if f, ok := splitARN(resource); ok && f[4] != "" {
		r.ResourceAccount = f[4]
		ctx.setDefault("aws:ResourceAccount", f[4])
	} else {
		r.resAcctFromCaller = true
	}
	r.SetCaller(c)
	return r, nil
}

// SetCaller makes c the request's principal and re-derives the context keys
// that come from the principal (keys the caller of NewRequest set stay).
func (r *Request) SetCaller(c Caller) {
	for _, k := range r.derived {
		delete(r.Context.m, k)
	}
	r.derived = r.derived[:0]
	r.Caller = c
	switch c.Type {
	case PrincipalUser:
		r.derive("aws:PrincipalArn", c.ARN)
		r.derive("aws:username", c.Name)
		r.derive("aws:PrincipalType", "User")
	case PrincipalSession, PrincipalRole:
		r.derive("aws:PrincipalArn", c.RoleARN)
		r.derive("aws:PrincipalType", "AssumedRole")
	case PrincipalFederated:
		r.derive("aws:PrincipalArn", c.ARN)
		r.derive("aws:PrincipalType", "FederatedUser")
	case PrincipalRoot:
		r.derive("aws:PrincipalArn", c.ARN)
		r.derive("aws:PrincipalType", "Account")
	case PrincipalService:
		r.derive("aws:PrincipalServiceName", c.Name)
	}
	if c.Account != "" && c.Type != PrincipalWebIdentity {
		r.derive("aws:PrincipalAccount", c.Account)
	}
	if c.OrgID != "" {
		r.derive("aws:PrincipalOrgID", c.OrgID)
	}
	if r.resAcctFromCaller {
		r.ResourceAccount = c.Account
	}
}

func (r *Request) derive(key, value string) {
	k := strings.ToLower(key)
	if _, ok := r.Context.m[k]; !ok {
		r.Context.m[k] = []string{value}
		r.derived = append(r.derived, k)
	}
}

// SameAccount reports whether caller and resource are in one account.
func (r *Request) SameAccount() bool {
	return !r.Caller.callerHasIdentity() || r.Caller.Account == r.ResourceAccount
}

// substitute replaces policy variables in s: ${key} by the key's single
// value, ${key, 'default'} by the default when the key is absent, and ${*},
// ${?}, ${$} by the literal characters. Substituted text is escaped so it
// never acts as a wildcard. ok is false when a variable has no value and no
// default: AWS then treats the element as not matching.
func substitute(s string, ctx *Context) (out string, ok bool) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		body := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			b.WriteByte(litEscape)
			b.WriteString(body)
			continue
		}
		key, def, hasDef := body, "", false
		if k := strings.IndexByte(body, ','); k >= 0 {
			key = strings.TrimSpace(body[:k])
			d := strings.TrimSpace(body[k+1:])
			if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
				def, hasDef = d[1:len(d)-1], true
			}
		}
		val := def
		if vs, found := ctx.Get(key); found && len(vs) == 1 {
			val = vs[0]
		} else if !hasDef {
			return "", false
		}
		for k := 0; k < len(val); k++ {
			b.WriteByte(litEscape)
			b.WriteByte(val[k])
		}
	}
}
