package awslive

import (
	"context"
	"path"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// networkServices are collected for issue 4's extra operations; the group's
// collectors live in this file. The group's EC2 operations (snapshots,
// subnets, internet gateways, network interfaces) and RDS operations (DB
// snapshots, clusters) run with those services: collectEC2Network and
// collectRDSNetwork.
var networkServices = []service{
	{"elbv2", false, (*collector).collectELBv2},
	{"acm", false, (*collector).collectACM},
	{"eks", false, (*collector).collectEKS},
	{"cloudfront", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) { c.collectCloudFront(ctx, goDo) }},
}

// networkPermissions are the IAM actions of networkServices (and of the
// network operations of ec2 and rds).
var networkPermissions = []string{
	"ec2:DescribeSnapshots",
	"ec2:DescribeSnapshotAttribute",
	"ec2:DescribeSubnets",
	"ec2:DescribeInternetGateways",
	"ec2:DescribeNetworkInterfaces",
	"rds:DescribeDBSnapshots",
	"rds:DescribeDBSnapshotAttributes",
	"rds:DescribeDBClusters",
	"elasticloadbalancing:DescribeLoadBalancers",
	"elasticloadbalancing:DescribeListeners",
	"elasticloadbalancing:DescribeSSLPolicies",
	"acm:ListCertificates",
	"acm:DescribeCertificate",
	"eks:ListClusters",
	"eks:DescribeCluster",
	"cloudfront:ListDistributions",
}

// collectEC2Network reads the account's own EBS snapshots with who may
// create volumes from each, and the subnets, internet gateways and network
// interfaces; called by collectEC2.
func (c *collector) collectEC2Network(ctx context.Context, cl *ec2.Client, dir string, goDo func(func())) {
	goDo(func() {
		out, _ := c.do(ctx, dir+"describe-snapshots", false, func(ctx context.Context) (any, error) {
			// Only the account's own: without --owner-ids self the answer
			// holds every public snapshot of every account.
			p := ec2.NewDescribeSnapshotsPaginator(cl, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeSnapshotsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeSnapshotsOutput) { a.Snapshots = append(a.Snapshots, b.Snapshots...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		}).(*ec2.DescribeSnapshotsOutput)
		if out == nil {
			return
		}
		for _, s := range out.Snapshots {
			id := aws.ToString(s.SnapshotId)
			if !validKey(id) {
				continue
			}
			goDo(func() {
				c.do(ctx, dir+"describe-snapshot-attribute/"+id, false, func(ctx context.Context) (any, error) {
					return cl.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
						SnapshotId: &id, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
				})
			})
		}
	})
	goDo(func() {
		c.do(ctx, dir+"describe-subnets", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeSubnetsPaginator(cl, &ec2.DescribeSubnetsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeSubnetsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeSubnetsOutput) { a.Subnets = append(a.Subnets, b.Subnets...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-internet-gateways", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeInternetGatewaysPaginator(cl, &ec2.DescribeInternetGatewaysInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeInternetGatewaysOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeInternetGatewaysOutput) {
					a.InternetGateways = append(a.InternetGateways, b.InternetGateways...)
				})
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-network-interfaces", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeNetworkInterfacesPaginator(cl, &ec2.DescribeNetworkInterfacesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeNetworkInterfacesOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeNetworkInterfacesOutput) {
					a.NetworkInterfaces = append(a.NetworkInterfaces, b.NetworkInterfaces...)
				})
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
}

// collectRDSNetwork reads DB snapshots with their restore attribute
// (manual ones only: automated snapshots cannot be shared) and DB
// clusters; called by collectRDS.
func (c *collector) collectRDSNetwork(ctx context.Context, cl *rds.Client, r string, goDo func(func())) {
	goDo(func() {
		out, _ := c.do(ctx, r+"/rds/describe-db-snapshots", false, func(ctx context.Context) (any, error) {
			p := rds.NewDescribeDBSnapshotsPaginator(cl, &rds.DescribeDBSnapshotsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBSnapshotsOutput, error) { return p.NextPage(ctx) },
				func(a, b *rds.DescribeDBSnapshotsOutput) { a.DBSnapshots = append(a.DBSnapshots, b.DBSnapshots...) })
			if out != nil {
				out.Marker = nil
			}
			return out, err
		}).(*rds.DescribeDBSnapshotsOutput)
		if out == nil {
			return
		}
		for _, s := range out.DBSnapshots {
			id := aws.ToString(s.DBSnapshotIdentifier)
			if aws.ToString(s.SnapshotType) == "automated" || !validKey(id) {
				continue
			}
			goDo(func() {
				c.do(ctx, r+"/rds/describe-db-snapshot-attributes/"+id, false, func(ctx context.Context) (any, error) {
					return cl.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: &id})
				})
			})
		}
	})
	goDo(func() {
		c.do(ctx, r+"/rds/describe-db-clusters", false, func(ctx context.Context) (any, error) {
			p := rds.NewDescribeDBClustersPaginator(cl, &rds.DescribeDBClustersInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBClustersOutput, error) { return p.NextPage(ctx) },
				func(a, b *rds.DescribeDBClustersOutput) { a.DBClusters = append(a.DBClusters, b.DBClusters...) })
			if out != nil {
				out.Marker = nil
			}
			return out, err
		})
	})
}

func (c *collector) elbv2(r string) *elbv2.Client {
	return client(c, "elbv2", r, func(cfg aws.Config) *elbv2.Client { return elbv2.NewFromConfig(cfg) })
}

// collectELBv2 reads load balancers, the listeners of each (stored under
// the load balancer's name) and every TLS security policy of the region
// (one call, and the checks need only their protocol lists).
func (c *collector) collectELBv2(ctx context.Context, r string, goDo func(func())) {
	cl := c.elbv2(r)
	dir := r + "/elbv2/"
	goDo(func() {
		c.do(ctx, dir+"describe-ssl-policies", false, func(ctx context.Context) (any, error) {
			var all *elbv2.DescribeSSLPoliciesOutput
			in := &elbv2.DescribeSSLPoliciesInput{}
			for {
				out, err := cl.DescribeSSLPolicies(ctx, in)
				if err != nil {
					return nil, err
				}
				if all == nil {
					all = out
				} else {
					all.SslPolicies = append(all.SslPolicies, out.SslPolicies...)
				}
				if aws.ToString(out.NextMarker) == "" {
					break
				}
				in.Marker = out.NextMarker
			}
			all.NextMarker = nil
			return all, nil
		})
	})
	out, _ := c.do(ctx, dir+"describe-load-balancers", false, func(ctx context.Context) (any, error) {
		p := elbv2.NewDescribeLoadBalancersPaginator(cl, &elbv2.DescribeLoadBalancersInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*elbv2.DescribeLoadBalancersOutput, error) { return p.NextPage(ctx) },
			func(a, b *elbv2.DescribeLoadBalancersOutput) {
				a.LoadBalancers = append(a.LoadBalancers, b.LoadBalancers...)
			})
		if out != nil {
			out.NextMarker = nil
		}
		return out, err
	}).(*elbv2.DescribeLoadBalancersOutput)
	if out == nil {
		return
	}
	for _, lb := range out.LoadBalancers {
		name, arn := aws.ToString(lb.LoadBalancerName), aws.ToString(lb.LoadBalancerArn)
		if !validKey(name) || arn == "" {
			continue
		}
		goDo(func() {
			c.do(ctx, dir+"describe-listeners/"+name, false, func(ctx context.Context) (any, error) {
				p := elbv2.NewDescribeListenersPaginator(cl, &elbv2.DescribeListenersInput{LoadBalancerArn: &arn})
				out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*elbv2.DescribeListenersOutput, error) { return p.NextPage(ctx) },
					func(a, b *elbv2.DescribeListenersOutput) { a.Listeners = append(a.Listeners, b.Listeners...) })
				if out != nil {
					out.NextMarker = nil
				}
				return out, err
			})
		})
	}
}

// acmKeyTypes are every key type: without them ListCertificates answers
// only RSA_2048 certificates.
var acmKeyTypes = []acmtypes.KeyAlgorithm{
	acmtypes.KeyAlgorithmRsa1024, acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmRsa3072, acmtypes.KeyAlgorithmRsa4096,
	acmtypes.KeyAlgorithmEcPrime256v1, acmtypes.KeyAlgorithmEcSecp384r1, acmtypes.KeyAlgorithmEcSecp521r1,
}

// collectACM reads the certificates and describe-certificate for each
// (stored under the certificate ID, the last part of its ARN).
func (c *collector) collectACM(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "acm", r, func(cfg aws.Config) *acm.Client { return acm.NewFromConfig(cfg) })
	out, _ := c.do(ctx, r+"/acm/list-certificates", false, func(ctx context.Context) (any, error) {
		p := acm.NewListCertificatesPaginator(cl, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: acmKeyTypes}})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*acm.ListCertificatesOutput, error) { return p.NextPage(ctx) },
			func(a, b *acm.ListCertificatesOutput) {
				a.CertificateSummaryList = append(a.CertificateSummaryList, b.CertificateSummaryList...)
			})
		if out != nil {
			out.NextToken = nil
		}
		return out, err
	}).(*acm.ListCertificatesOutput)
	if out == nil {
		return
	}
	for _, s := range out.CertificateSummaryList {
		arn := aws.ToString(s.CertificateArn)
		id := path.Base(arn)
		if !strings.HasPrefix(arn, "arn:") || !validKey(id) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/acm/describe-certificate/"+id, false, func(ctx context.Context) (any, error) {
				return cl.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: &arn})
			})
		})
	}
}

// collectEKS reads the clusters and describe-cluster for each.
func (c *collector) collectEKS(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "eks", r, func(cfg aws.Config) *eks.Client { return eks.NewFromConfig(cfg) })
	out, _ := c.do(ctx, r+"/eks/list-clusters", false, func(ctx context.Context) (any, error) {
		p := eks.NewListClustersPaginator(cl, &eks.ListClustersInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*eks.ListClustersOutput, error) { return p.NextPage(ctx) },
			func(a, b *eks.ListClustersOutput) { a.Clusters = append(a.Clusters, b.Clusters...) })
		if err != nil {
			return nil, err
		}
		out.NextToken = nil
		return lowerCamel{out}, nil
	}).(lowerCamel)
	list, _ := out.v.(*eks.ListClustersOutput)
	if list == nil {
		return
	}
	for _, name := range list.Clusters {
		if !validKey(name) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/eks/describe-cluster/"+name, false, func(ctx context.Context) (any, error) {
				out, err := cl.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: &name})
				if err != nil {
					return nil, err
				}
				return lowerCamel{out}, nil
			})
		})
	}
}

// collectCloudFront reads the distributions (global; the API pages inside
// DistributionList, merged here as the CLI merges them).
func (c *collector) collectCloudFront(ctx context.Context, goDo func(func())) {
	cl := client(c, "cloudfront", c.cfg.Region, func(cfg aws.Config) *cloudfront.Client { return cloudfront.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, "global/cloudfront/list-distributions", false, func(ctx context.Context) (any, error) {
			p := cloudfront.NewListDistributionsPaginator(cl, &cloudfront.ListDistributionsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*cloudfront.ListDistributionsOutput, error) { return p.NextPage(ctx) },
				func(a, b *cloudfront.ListDistributionsOutput) {
					if a.DistributionList != nil && b.DistributionList != nil {
						a.DistributionList.Items = append(a.DistributionList.Items, b.DistributionList.Items...)
					}
				})
			if out != nil && out.DistributionList != nil {
				l := out.DistributionList
				l.Marker, l.NextMarker, l.MaxItems, l.IsTruncated = nil, nil, nil, nil
				l.Quantity = aws.Int32(int32(len(l.Items)))
			}
			return out, err
		})
	})
}

// lowerCamel prints an output the way the CLI prints services whose
// members are lowerCamel on the wire (EKS): every member name with a
// lower-case first letter; map keys (tags) stay as they are.
type lowerCamel struct{ v any }

func (l lowerCamel) MarshalCLI() []byte {
	tree, ok := toCLI(reflect.ValueOf(l.v), "", false).(ordered)
	if !ok || len(tree) == 0 {
		return nil
	}
	out, err := indentCLI(lowerKeys(tree))
	if err != nil {
		return nil
	}
	return out
}

func lowerKeys(v any) any {
	switch t := v.(type) {
	case ordered:
		out := make(ordered, len(t))
		for i, e := range t {
			k := e.k
			if k != "" {
				k = strings.ToLower(k[:1]) + k[1:]
			}
			out[i] = kv{k, lowerKeys(e.v)}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = lowerKeys(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = lowerKeys(e)
		}
		return out
	}
	return v
}
