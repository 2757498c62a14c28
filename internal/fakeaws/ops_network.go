package fakeaws

import (
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// opsNetwork maps "service:Action" to the operations of issue 4's network
// group. Keys use the SigV4 signing name: ELBv2 signs as
// "elasticloadbalancing".
var opsNetwork = map[string]op{
	"ec2:DescribeSnapshots":         {cli: "ec2/describe-snapshots", out: func() any { return &ec2.DescribeSnapshotsOutput{} }, page: ec2Page("Snapshots")},
	"ec2:DescribeSnapshotAttribute": {cli: "ec2/describe-snapshot-attribute", out: func() any { return &ec2.DescribeSnapshotAttributeOutput{} }, key: formKey("SnapshotId")},
	"ec2:DescribeSubnets":           {cli: "ec2/describe-subnets", out: func() any { return &ec2.DescribeSubnetsOutput{} }, page: ec2Page("Subnets")},
	"ec2:DescribeInternetGateways":  {cli: "ec2/describe-internet-gateways", out: func() any { return &ec2.DescribeInternetGatewaysOutput{} }, page: ec2Page("InternetGateways")},
	"ec2:DescribeNetworkInterfaces": {cli: "ec2/describe-network-interfaces", out: func() any { return &ec2.DescribeNetworkInterfacesOutput{} }, page: ec2Page("NetworkInterfaces")},

	"rds:DescribeDBSnapshots": {cli: "rds/describe-db-snapshots", out: func() any { return &rds.DescribeDBSnapshotsOutput{} },
		page: &pager{lists: []string{"DBSnapshots"}, in: "Marker", out: "Marker"}},
	"rds:DescribeDBSnapshotAttributes": {cli: "rds/describe-db-snapshot-attributes", out: func() any { return &rds.DescribeDBSnapshotAttributesOutput{} },
		key: formKey("DBSnapshotIdentifier")},
	"rds:DescribeDBClusters": {cli: "rds/describe-db-clusters", out: func() any { return &rds.DescribeDBClustersOutput{} },
		page: &pager{lists: []string{"DBClusters"}, in: "Marker", out: "Marker"}},

	"elasticloadbalancing:DescribeLoadBalancers": {cli: "elbv2/describe-load-balancers", out: func() any { return &elbv2.DescribeLoadBalancersOutput{} },
		page: &pager{lists: []string{"LoadBalancers"}, in: "Marker", out: "NextMarker"}},
	"elasticloadbalancing:DescribeListeners": {cli: "elbv2/describe-listeners", out: func() any { return &elbv2.DescribeListenersOutput{} },
		key: loadBalancerNameKey, page: &pager{lists: []string{"Listeners"}, in: "Marker", out: "NextMarker"}},
	"elasticloadbalancing:DescribeSSLPolicies": {cli: "elbv2/describe-ssl-policies", out: func() any { return &elbv2.DescribeSSLPoliciesOutput{} },
		page: &pager{lists: []string{"SslPolicies"}, in: "Marker", out: "NextMarker"}},

	"acm:ListCertificates": {cli: "acm/list-certificates", out: func() any { return &acm.ListCertificatesOutput{} },
		page: &pager{lists: []string{"CertificateSummaryList"}, in: "NextToken", out: "NextToken"}},
	"acm:DescribeCertificate": {cli: "acm/describe-certificate", out: func() any { return &acm.DescribeCertificateOutput{} },
		key: jsonKey("CertificateArn", "certificate/")},

	"eks:ListClusters": {cli: "eks/list-clusters", out: func() any { return &eks.ListClustersOutput{} },
		page: &pager{lists: []string{"clusters"}, in: "nextToken", out: "nextToken"}},
	"eks:DescribeCluster": {cli: "eks/describe-cluster", out: func() any { return &eks.DescribeClusterOutput{} },
		key: func(c *call) string { return path.Base(c.r.URL.Path) }},

	"cloudfront:ListDistributions": {cli: "cloudfront/list-distributions", out: func() any { return &cloudfront.ListDistributionsOutput{} }},
}

// loadBalancerNameKey is the snapshot key of describe-listeners: the load
// balancer's name, from arn:...:loadbalancer/app/NAME/ID.
func loadBalancerNameKey(c *call) string {
	arn := c.r.Form.Get("LoadBalancerArn")
	_, res, ok := strings.Cut(arn, ":loadbalancer/")
	if !strings.HasPrefix(arn, "arn:") || !ok {
		return ""
	}
	parts := strings.Split(res, "/")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}
