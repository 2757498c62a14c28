package awslive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// client returns the cached client of a service and region.
func client[T any](c *collector, service, region string, mk func(aws.Config) T) T {
	key := service + "/" + region
	if v, ok := c.clients.Load(key); ok {
		return v.(T)
	}
	cfg := c.cfg.Copy()
	cfg.Region = region
	v, _ := c.clients.LoadOrStore(key, mk(cfg))
	return v.(T)
}

func (c *collector) sts() *sts.Client {
	return client(c, "sts", c.cfg.Region, func(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) })
}
func (c *collector) iam() *iam.Client {
	return client(c, "iam", c.cfg.Region, func(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) })
}
func (c *collector) ec2(r string) *ec2.Client {
	return client(c, "ec2", r, func(cfg aws.Config) *ec2.Client { return ec2.NewFromConfig(cfg) })
}
func (c *collector) rds(r string) *rds.Client {
	return client(c, "rds", r, func(cfg aws.Config) *rds.Client { return rds.NewFromConfig(cfg) })
}
func (c *collector) kms(r string) *kms.Client {
	return client(c, "kms", r, func(cfg aws.Config) *kms.Client { return kms.NewFromConfig(cfg) })
}
func (c *collector) cloudtrail(r string) *cloudtrail.Client {
	return client(c, "cloudtrail", r, func(cfg aws.Config) *cloudtrail.Client { return cloudtrail.NewFromConfig(cfg) })
}
func (c *collector) guardduty(r string) *guardduty.Client {
	return client(c, "guardduty", r, func(cfg aws.Config) *guardduty.Client { return guardduty.NewFromConfig(cfg) })
}

// customEndpoint reports whether S3 goes to an endpoint of the user's, which
// then gets path-style addressing (emulators and fakes have no bucket DNS).
func (c *collector) customEndpoint() bool {
	return c.cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != ""
}

func (c *collector) s3(r string) *s3.Client {
	return client(c, "s3", r, func(cfg aws.Config) *s3.Client {
		return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = c.customEndpoint() })
	})
}

// s3control's endpoint rules put the account ID in front of the host
// (111122223333.s3-control.us-east-1.amazonaws.com). With a custom endpoint
// that name does not resolve, so the request goes to the endpoint's own
// host; the account still travels in x-amz-account-id.
func (c *collector) s3control() *s3control.Client {
	return client(c, "s3control", c.cfg.Region, func(cfg aws.Config) *s3control.Client {
		return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
			base := aws.ToString(o.BaseEndpoint)
			if base == "" {
				base = os.Getenv("AWS_ENDPOINT_URL_S3_CONTROL")
			}
			if u, err := url.Parse(base); err == nil && base != "" {
				o.EndpointResolverV2 = hostResolver{base: s3control.NewDefaultEndpointResolverV2(), host: u.Host}
			}
		})
	})
}

type hostResolver struct {
	base s3control.EndpointResolverV2
	host string
}

func (r hostResolver) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.base.ResolveEndpoint(ctx, p)
	if err == nil {
		ep.URI.Host = r.host
	}
	return ep, err
}

func (c *collector) collectIAM(ctx context.Context, goDo func(func())) {
	cl := c.iam()
	goDo(func() {
		c.do(ctx, "global/iam/get-account-authorization-details", true, func(ctx context.Context) (any, error) {
			var all *iam.GetAccountAuthorizationDetailsOutput
			p := iam.NewGetAccountAuthorizationDetailsPaginator(cl, &iam.GetAccountAuthorizationDetailsInput{})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				if all == nil {
					all = out
					continue
				}
				all.UserDetailList = append(all.UserDetailList, out.UserDetailList...)
				all.GroupDetailList = append(all.GroupDetailList, out.GroupDetailList...)
				all.RoleDetailList = append(all.RoleDetailList, out.RoleDetailList...)
				all.Policies = append(all.Policies, out.Policies...)
			}
			// Merged like the CLI: the pagination members are gone.
			all.IsTruncated, all.Marker = false, nil
			return struct {
				UserDetailList  []iamtypes.UserDetail
				GroupDetailList []iamtypes.GroupDetail
				RoleDetailList  []iamtypes.RoleDetail
				Policies        []iamtypes.ManagedPolicyDetail
			}{all.UserDetailList, all.GroupDetailList, all.RoleDetailList, all.Policies}, nil
		})
	})
	goDo(func() { c.credentialReport(ctx, cl) })
	c.collectIAMCIS(ctx, cl, goDo)
	goDo(func() {
		c.do(ctx, "global/iam/get-account-password-policy", false, func(ctx context.Context) (any, error) {
			return cl.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		})
	})
	goDo(func() {
		c.do(ctx, "global/iam/get-account-summary", false, func(ctx context.Context) (any, error) {
			return cl.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		})
	})
}

// credentialReport generates the report, waits for it, and writes the
// decoded CSV (the layout's get-credential-report.csv).
func (c *collector) credentialReport(ctx context.Context, cl *iam.Client) {
	const file = "global/iam/get-credential-report"
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	// Generating is not in the layout: its failure is the report's.
	for {
		c.calls.Add(1)
		out, err := cl.GenerateCredentialReport(cctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			c.writeError(file, err)
			return
		}
		if out.State == iamtypes.ReportStateTypeComplete {
			break
		}
		select {
		case <-time.After(2 * time.Second):
		case <-cctx.Done():
			c.writeError(file, cctx.Err())
			return
		}
	}
	c.calls.Add(1)
	rep, err := cl.GetCredentialReport(cctx, &iam.GetCredentialReportInput{})
	if err != nil {
		c.writeError(file, err)
		return
	}
	c.write(file+".csv", rep.Content)
}

func (c *collector) collectS3(ctx context.Context, goDo func(func())) {
	goDo(func() {
		c.do(ctx, "global/s3control/get-public-access-block", false, func(ctx context.Context) (any, error) {
			return c.s3control().GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(c.account)})
		})
	})
	home := c.cfg.Region
	lb, _ := c.do(ctx, "global/s3api/list-buckets", false, func(ctx context.Context) (any, error) {
		return c.s3(home).ListBuckets(ctx, &s3.ListBucketsInput{})
	}).(*s3.ListBucketsOutput)
	if lb == nil {
		return
	}
	for _, b := range lb.Buckets {
		name := aws.ToString(b.Name)
		if !validKey(name) {
			continue
		}
		goDo(func() { c.collectBucket(ctx, name, home, goDo) })
	}
}

// validKey keeps file names inside their directory.
func validKey(k string) bool {
	return k != "" && k != "." && k != ".." && path.Base(k) == k
}

func (c *collector) collectBucket(ctx context.Context, name, home string, goDo func(func())) {
	file := func(op string) string { return "global/s3api/" + op + "/" + name }
	region := home
	loc := c.do(ctx, file("get-bucket-location"), false, func(ctx context.Context) (any, error) {
		out, err := c.s3(home).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &name})
		if err != nil {
			return nil, err
		}
		// The CLI prints null for us-east-1 (an empty constraint).
		var lc *string
		if out.LocationConstraint != "" {
			lc = aws.String(string(out.LocationConstraint))
		}
		return locationOutput{LocationConstraint: lc}, nil
	})
	if l, ok := loc.(locationOutput); ok && l.LocationConstraint != nil {
		region = *l.LocationConstraint
		if region == "EU" {
			region = "eu-west-1"
		}
	} else if ok {
		region = "us-east-1"
	}
	cl := c.s3(region)
	b := &name
	goDo(func() {
		c.do(ctx, file("get-bucket-policy"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-bucket-acl"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-public-access-block"), false, func(ctx context.Context) (any, error) {
			return cl.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-bucket-encryption"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-bucket-versioning"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-bucket-logging"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
		})
	})
	goDo(func() {
		c.do(ctx, file("get-bucket-tagging"), false, func(ctx context.Context) (any, error) {
			return cl.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
		})
	})
}

// locationOutput prints LocationConstraint even when null, as the CLI does.
type locationOutput struct{ LocationConstraint *string }

func (l locationOutput) MarshalCLI() []byte {
	if l.LocationConstraint == nil {
		return []byte("{\n    \"LocationConstraint\": null\n}\n")
	}
	return fmt.Appendf(nil, "{\n    \"LocationConstraint\": %s\n}\n", jsonString(*l.LocationConstraint))
}

// paged runs a paginator to the end, merging pages with merge.
func paged[O any](ctx context.Context, more func() bool, next func(context.Context) (O, error), merge func(all, page O)) (O, error) {
	var all O
	first := true
	for more() {
		out, err := next(ctx)
		if err != nil {
			var zero O
			return zero, err
		}
		if first {
			all, first = out, false
			continue
		}
		merge(all, out)
	}
	return all, nil
}

func (c *collector) collectEC2(ctx context.Context, r string, goDo func(func())) {
	cl := c.ec2(r)
	dir := r + "/ec2/"
	c.collectEC2CIS(ctx, cl, dir, goDo)
	c.collectEC2Network(ctx, cl, dir, goDo)
	goDo(func() {
		c.do(ctx, dir+"describe-security-groups", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeSecurityGroupsPaginator(cl, &ec2.DescribeSecurityGroupsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeSecurityGroupsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeSecurityGroupsOutput) {
					a.SecurityGroups = append(a.SecurityGroups, b.SecurityGroups...)
				})
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-instances", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeInstancesPaginator(cl, &ec2.DescribeInstancesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeInstancesOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeInstancesOutput) { a.Reservations = append(a.Reservations, b.Reservations...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-volumes", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeVolumesPaginator(cl, &ec2.DescribeVolumesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeVolumesOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeVolumesOutput) { a.Volumes = append(a.Volumes, b.Volumes...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"get-ebs-encryption-by-default", false, func(ctx context.Context) (any, error) {
			return cl.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-vpcs", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeVpcsPaginator(cl, &ec2.DescribeVpcsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeVpcsOutput) { a.Vpcs = append(a.Vpcs, b.Vpcs...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-flow-logs", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeFlowLogsPaginator(cl, &ec2.DescribeFlowLogsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeFlowLogsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeFlowLogsOutput) { a.FlowLogs = append(a.FlowLogs, b.FlowLogs...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-network-acls", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeNetworkAclsPaginator(cl, &ec2.DescribeNetworkAclsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeNetworkAclsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeNetworkAclsOutput) { a.NetworkAcls = append(a.NetworkAcls, b.NetworkAcls...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
}

func (c *collector) collectRDS(ctx context.Context, r string, goDo func(func())) {
	cl := c.rds(r)
	c.collectRDSNetwork(ctx, cl, r, goDo)
	out, _ := c.do(ctx, r+"/rds/describe-db-instances", false, func(ctx context.Context) (any, error) {
		p := rds.NewDescribeDBInstancesPaginator(cl, &rds.DescribeDBInstancesInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBInstancesOutput, error) { return p.NextPage(ctx) },
			func(a, b *rds.DescribeDBInstancesOutput) { a.DBInstances = append(a.DBInstances, b.DBInstances...) })
		if out != nil {
			out.Marker = nil
		}
		return out, err
	}).(*rds.DescribeDBInstancesOutput)
	if out == nil {
		return
	}
	// Each parameter group once, however many instances use it.
	seen := map[string]bool{}
	for _, db := range out.DBInstances {
		for _, pg := range db.DBParameterGroups {
			g := aws.ToString(pg.DBParameterGroupName)
			if seen[g] || !validKey(g) {
				continue
			}
			seen[g] = true
			goDo(func() {
				c.do(ctx, r+"/rds/describe-db-parameters/"+g, false, func(ctx context.Context) (any, error) {
					p := rds.NewDescribeDBParametersPaginator(cl, &rds.DescribeDBParametersInput{DBParameterGroupName: &g})
					out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBParametersOutput, error) { return p.NextPage(ctx) },
						func(a, b *rds.DescribeDBParametersOutput) { a.Parameters = append(a.Parameters, b.Parameters...) })
					if out != nil {
						out.Marker = nil
					}
					return out, err
				})
			})
		}
	}
}

func (c *collector) collectKMS(ctx context.Context, r string, goDo func(func())) {
	cl := c.kms(r)
	out, _ := c.do(ctx, r+"/kms/list-keys", false, func(ctx context.Context) (any, error) {
		p := kms.NewListKeysPaginator(cl, &kms.ListKeysInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*kms.ListKeysOutput, error) { return p.NextPage(ctx) },
			func(a, b *kms.ListKeysOutput) { a.Keys = append(a.Keys, b.Keys...) })
		if err != nil {
			return nil, err
		}
		// Merged like the CLI: the pagination members are gone.
		return listKeys{Keys: out.Keys}, nil
	}).(listKeys)
	if out.Keys == nil {
		return
	}
	for _, k := range out.Keys {
		id := aws.ToString(k.KeyId)
		if !validKey(id) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/kms/describe-key/"+id, false, func(ctx context.Context) (any, error) {
				return cl.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
			})
		})
		goDo(func() {
			c.do(ctx, r+"/kms/get-key-rotation-status/"+id, false, func(ctx context.Context) (any, error) {
				return cl.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &id})
			})
		})
		c.collectKeyPolicy(ctx, cl, r, id, goDo)
	}
}

type listKeys struct{ Keys []kmstypes.KeyListEntry }

func (c *collector) collectCloudTrail(ctx context.Context, r string, goDo func(func())) {
	cl := c.cloudtrail(r)
	out, _ := c.do(ctx, r+"/cloudtrail/describe-trails", false, func(ctx context.Context) (any, error) {
		return cl.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	}).(*cloudtrail.DescribeTrailsOutput)
	if out == nil {
		return
	}
	// Status and selectors from the trail's home region only: the other
	// regions list the same trail as a shadow copy.
	for _, t := range out.TrailList {
		name, arn := aws.ToString(t.Name), aws.ToString(t.TrailARN)
		if aws.ToString(t.HomeRegion) != r || !validKey(name) {
			continue
		}
		if arn == "" {
			arn = name
		}
		goDo(func() {
			c.do(ctx, r+"/cloudtrail/get-trail-status/"+name, false, func(ctx context.Context) (any, error) {
				return cl.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: &arn})
			})
		})
		goDo(func() {
			c.do(ctx, r+"/cloudtrail/get-event-selectors/"+name, false, func(ctx context.Context) (any, error) {
				return cl.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: &arn})
			})
		})
	}
}

func (c *collector) collectGuardDuty(ctx context.Context, r string, goDo func(func())) {
	cl := c.guardduty(r)
	out, _ := c.do(ctx, r+"/guardduty/list-detectors", false, func(ctx context.Context) (any, error) {
		p := guardduty.NewListDetectorsPaginator(cl, &guardduty.ListDetectorsInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*guardduty.ListDetectorsOutput, error) { return p.NextPage(ctx) },
			func(a, b *guardduty.ListDetectorsOutput) { a.DetectorIds = append(a.DetectorIds, b.DetectorIds...) })
		if out != nil {
			out.NextToken = nil
		}
		return out, err
	}).(*guardduty.ListDetectorsOutput)
	if out == nil {
		return
	}
	for _, id := range out.DetectorIds {
		if !validKey(id) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/guardduty/get-detector/"+id, false, func(ctx context.Context) (any, error) {
				return cl.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: &id})
			})
		})
	}
}
