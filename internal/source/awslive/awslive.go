// Package awslive collects an AWS account through the official SDK
// (aws-sdk-go-v2) into the snapshot layout of docs/snapshot-format.md: per
// operation, exactly what `aws <svc> <op> --output json` prints. The
// snapshot importer then reads it, whether from a directory (`collect aws`)
// or from memory (a live `scan aws`): one importer, three ways in.
//
// Partial failure is normal: a failed call becomes <op>.error.json
// {"Code","Message"} and the collection goes on. Every call has a timeout,
// throttling is retried by the SDK's adaptive retry mode, and the number of
// calls in flight is bounded by Options.Parallel in each region.
package awslive

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
)

// Services are the services a collection can cover (--services), in
// collection order; sts is always called, and s3 includes S3 Control's
// account-level block.
var Services = serviceNames()

// service is one --services entry. A global service is collected once per
// account, a regional one once per region (region is then set).
type service struct {
	name    string
	global  bool
	collect func(c *collector, ctx context.Context, region string, goDo func(func()))
}

// serviceTable lists every service; each group lives next to its
// collectors.
func serviceTable() []service {
	return slices.Concat(coreServices, cisServices, networkServices, policyServices)
}

func serviceNames() []string {
	var names []string
	for _, s := range serviceTable() {
		names = append(names, s.name)
	}
	return names
}

// coreServices are the foundation's services (snapshot format v1).
var coreServices = []service{
	{"iam", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) { c.collectIAM(ctx, goDo) }},
	{"s3", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) { c.collectS3(ctx, goDo) }},
	{"ec2", false, (*collector).collectEC2},
	{"rds", false, (*collector).collectRDS},
	{"kms", false, (*collector).collectKMS},
	{"cloudtrail", false, (*collector).collectCloudTrail},
	{"guardduty", false, (*collector).collectGuardDuty},
}

// Defaults.
const (
	DefaultParallel    = 32
	DefaultCallTimeout = 30 * time.Second
)

// Options configure a collection. The zero value collects every service in
// every enabled region with the standard credential chain.
type Options struct {
	// Profile selects a shared config profile (--profile); "" uses the
	// chain's default (AWS_PROFILE or "default").
	Profile string
	// RoleARN, when set, is assumed (with ExternalID and SessionName)
	// from the base credentials before anything is collected.
	RoleARN, ExternalID, SessionName string
	// Regions to collect; empty means every enabled region (ec2
	// DescribeRegions).
	Regions []string
	// Services to collect, out of Services; empty means all.
	Services []string
	// Parallel bounds the API calls in flight in each region (account-wide
	// services count as one more region): AWS throttles per account and
	// region, so a 17-region scan may have 18×Parallel calls in flight.
	// 0 means DefaultParallel.
	Parallel int
	// EndpointURL sends every client to this endpoint (an emulator or a
	// fake); the SDK's AWS_ENDPOINT_URL* variables work as well.
	EndpointURL string
	// CallTimeout bounds every operation, retries and pages included;
	// 0 means DefaultCallTimeout.
	CallTimeout time.Duration
	// MaxBackoff caps the retry backoff; 0 keeps the SDK default (20s).
	MaxBackoff time.Duration
	// Now is the clock of collected_at; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is called after every operation.
	Progress func(Stats)
	// Tracker, when set, counts regions, services, calls and errors for a
	// live display (progress.go); one Tracker may serve many accounts.
	Tracker *Progress
}

// Stats count a collection's operations.
type Stats struct {
	Calls  int64 // operations done (a paginated list counts once)
	Errors int64 // operations that ended in an error answer
}

// Summary describes a finished collection.
type Summary struct {
	AccountID string
	Partition string
	Regions   []string
	Stats
}

// Writer receives the snapshot files (slash-separated relative names).
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Collect collects one account into w, with the credentials of the
// standard chain (and opts.Profile, opts.RoleARN). Only a failure to
// identify the account (sts get-caller-identity) or to write is fatal; any
// other failed call is written as an error answer.
func Collect(ctx context.Context, opts Options, w Writer) (*Summary, error) {
	cfg, err := LoadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	return CollectWithConfig(ctx, cfg, opts, w)
}

// CollectWithConfig collects the account cfg's credentials reach. An
// organization scan calls it once per member account, with that account's
// assumed-role configuration and its own Writer; opts.Profile, RoleARN,
// ExternalID, SessionName and EndpointURL are then already in cfg and
// ignored here.
func CollectWithConfig(ctx context.Context, cfg aws.Config, opts Options, w Writer) (*Summary, error) {
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	services, err := pickServices(opts.Services)
	if err != nil {
		return nil, err
	}
	c := &collector{opts: opts, cfg: cfg, w: w, sem: make(chan struct{}, opts.Parallel), services: services,
		regionSems: map[string]chan struct{}{}}
	started := opts.Now().UTC()

	// Who are we? Without an account ID there is no snapshot.
	var ident *sts.GetCallerIdentityOutput
	var identErr error
	c.do(ctx, "global/sts/get-caller-identity", false, func(ctx context.Context) (any, error) {
		out, err := c.sts().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ident, identErr = out, err
		return out, err
	})
	if identErr != nil {
		return nil, fmt.Errorf("identifying the account (sts get-caller-identity): %s", describeErr(identErr))
	}
	c.account = aws.ToString(ident.Account)
	c.partition = "aws"
	if parts := strings.SplitN(aws.ToString(ident.Arn), ":", 3); len(parts) == 3 && parts[1] != "" {
		c.partition = parts[1]
	}

	regions := opts.Regions
	if len(regions) == 0 {
		regions, err = c.enabledRegions(ctx)
		if err != nil {
			return nil, err
		}
	}
	c.collectAccount(ctx, regions)
	if err := c.writeErr.Load(); err != nil {
		return nil, *err
	}

	// snapshot.json last: a snapshot with it is complete.
	meta := fmt.Sprintf("{\n    \"collected_at\": %q,\n    \"account_id\": %q,\n    \"partition\": %q,\n    \"regions\": [%s]\n}\n",
		started.Format(time.RFC3339), c.account, c.partition, quoteList(regions))
	if err := w.WriteFile("snapshot.json", []byte(meta)); err != nil {
		return nil, err
	}
	return &Summary{AccountID: c.account, Partition: c.partition, Regions: regions,
		Stats: Stats{Calls: c.calls.Load(), Errors: c.errs.Load()}}, nil
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func pickServices(list []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(list) == 0 {
		for _, s := range Services {
			out[s] = true
		}
		return out, nil
	}
	for _, s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "sts" || s == "s3control" {
			continue
		}
		if !slices.Contains(Services, s) {
			return nil, fmt.Errorf("unknown service %q (known: %s)", s, strings.Join(Services, ", "))
		}
		out[s] = true
	}
	return out, nil
}

// LoadConfig builds the SDK configuration: the standard credential chain
// (environment, shared config and profiles including SSO, web identity,
// container and instance roles), an optional assumed role, adaptive retry,
// and the endpoint override. The SDK's default HTTP transport is kept, so
// HTTPS_PROXY/NO_PROXY keep working.
func LoadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	lo := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					if opts.MaxBackoff > 0 {
						so.MaxBackoff = opts.MaxBackoff
					}
				})
			})
		}),
		config.WithDefaultRegion("us-east-1"),
		// The SDK's own client and transport (proxy variables included),
		// with an idle pool as deep as the calls in flight to one
		// endpoint: the default 10 per host (100 in all) closed most
		// connections after one call, and each new one costs a TLS
		// handshake.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns = 0 // no total limit: one pool per service endpoint and region
			t.MaxIdleConnsPerHost = idlePerHost(opts)
		})),
	}
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.EndpointURL != "" {
		u, err := url.Parse(opts.EndpointURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return aws.Config{}, fmt.Errorf("--endpoint-url %q: want a URL such as http://localhost:4566", opts.EndpointURL)
		}
		lo = append(lo, config.WithBaseEndpoint(opts.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if opts.RoleARN != "" {
		name := opts.SessionName
		if name == "" {
			name = "cloudward"
		}
		prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), opts.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = name
			if opts.ExternalID != "" {
				o.ExternalID = aws.String(opts.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(prov)
	}
	return cfg, nil
}

// idlePerHost is the idle connection pool of one host: as deep as the
// calls in flight to it. AWS has one host per service and region; an
// --endpoint-url (an emulator, the fake) is one host for every service of
// every region, so its pool has room for all regions' calls (maxRegions):
// a shallower one closes connections after one call and dials new ones.
func idlePerHost(opts Options) int {
	n := max(opts.Parallel, DefaultParallel)
	if opts.EndpointURL != "" {
		n *= maxRegions
	}
	return n
}

// maxRegions bounds the regions of one partition (AWS has fewer than 40).
const maxRegions = 40

// collector is one account's collection.
type collector struct {
	opts     Options
	cfg      aws.Config
	w        Writer
	sem      chan struct{} // account-wide calls ("global/..." files)
	services map[string]bool
	// regionSems bound each region's calls (semFor); filled before the
	// collection starts, read-only afterwards.
	regionSems map[string]chan struct{}
	account    string
	partition  string

	calls, errs atomic.Int64
	writeErr    atomic.Pointer[error]
	clients     sync.Map // "service/region" -> client
}

// do runs one operation under the concurrency bound and the call timeout,
// and writes its answer to file.json or file.error.json. It returns the
// output, or nil after an error.
func (c *collector) do(ctx context.Context, file string, iamDocs bool, fn func(context.Context) (any, error)) any {
	sem := c.semFor(file)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		c.writeError(file, ctx.Err())
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	out, err := fn(cctx)
	cancel()
	<-sem
	c.calls.Add(1)
	c.opts.Tracker.call(err != nil)
	if err != nil {
		c.writeError(file, err)
	} else {
		c.write(file+".json", cliJSON(out, iamDocs))
	}
	if c.opts.Progress != nil {
		c.opts.Progress(Stats{Calls: c.calls.Load(), Errors: c.errs.Load()})
	}
	if err != nil {
		return nil
	}
	return out
}

// semFor is the concurrency bound of a snapshot file's region: the
// region's own, or the account-wide one for "global/..." and any region
// not collected (DescribeRegions' home region).
func (c *collector) semFor(file string) chan struct{} {
	region, _, _ := strings.Cut(file, "/")
	if sem, ok := c.regionSems[region]; ok {
		return sem
	}
	return c.sem
}

func (c *collector) write(name string, data []byte) {
	if err := c.w.WriteFile(name, data); err != nil {
		c.writeErr.CompareAndSwap(nil, &err)
	}
}

func (c *collector) writeError(file string, err error) {
	c.errs.Add(1)
	code, msg := errorCode(err)
	c.write(file+".error.json", fmt.Appendf(nil, "{\n    \"Code\": %s,\n    \"Message\": %s\n}\n", jsonString(code), jsonString(msg)))
}

// errorCode is the API error code and message of err; transport failures
// get codes of their own.
func errorCode(err error) (string, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "RequestTimeout", "no answer within the call timeout"
	}
	if errors.Is(err, context.Canceled) {
		return "RequestCanceled", "the collection was canceled"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "RequestTimeout", "no answer within the call timeout"
	}
	return "RequestError", describeErr(err)
}

func describeErr(err error) string {
	code, msg := "", err.Error()
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
		return code + ": " + msg
	}
	return msg
}

// enabledRegions lists the account's enabled regions.
func (c *collector) enabledRegions(ctx context.Context) ([]string, error) {
	cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	out, err := c.ec2(c.cfg.Region).DescribeRegions(cctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing enabled regions (ec2 describe-regions; or pass --regions): %s", describeErr(err))
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	return regions, nil
}

// collectAccount runs every service: account-wide ones once, regional ones
// per region, all concurrently (bounded by the semaphore in do).
func (c *collector) collectAccount(ctx context.Context, regions []string) {
	var wg sync.WaitGroup
	tr := c.opts.Tracker
	tr.addRegions(len(regions))
	units := 0
	table := serviceTable()
	for _, s := range table {
		switch {
		case !c.services[s.name]:
		case s.global:
			units++
		default:
			units += len(regions)
		}
	}
	tr.addServices(units)
	for _, r := range regions {
		c.regionSems[r] = make(chan struct{}, c.opts.Parallel)
	}
	// At most 4×Parallel goroutines per region: thousands of buckets or
	// keys must not mean tens of thousands of goroutines parked on the
	// semaphores. When none is free the task runs in the caller, which
	// cannot deadlock; a budget that does not grow with the regions would
	// make the region loop below run whole collections inline, one after
	// the other.
	spawn := make(chan struct{}, 4*c.opts.Parallel*(len(regions)+1))
	goDo := func(f func()) {
		select {
		case spawn <- struct{}{}:
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-spawn }()
				f()
			}()
		default:
			f()
		}
	}
	for _, s := range table {
		if c.services[s.name] && s.global {
			goDo(func() { s.collect(c, ctx, "", goDo); tr.serviceDone() })
		}
	}
	for _, r := range regions {
		for _, s := range table {
			if c.services[s.name] && !s.global {
				goDo(func() { s.collect(c, ctx, r, goDo); tr.serviceDone() })
			}
		}
	}
	wg.Wait()
}
