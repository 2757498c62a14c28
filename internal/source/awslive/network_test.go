package awslive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/fakeaws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// TestCollectNetworkPartial: the network group's operations through the
// real SDK clients (ELBv2 query, ACM JSON 1.1, EKS REST-JSON, CloudFront
// REST-XML) with throttling that succeeds on retry, per-resource
// AccessDenied and pagination; the collected snapshot then scans to the
// expected verdicts, UNKNOWN where a call was denied.
func TestCollectNetworkPartial(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{
		PageSize: 1,
		Throttle: map[string]int{
			"us-east-1/elbv2/describe-listeners/cw-web": 1,
			"global/cloudfront/list-distributions":      1,
			"acm/list-certificates":                     1,
		},
		Errors: map[string]fakeaws.Error{
			"us-east-1/ec2/describe-snapshot-attribute/snap-0a1b2c3d4e5f60001": {Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."},
			"us-east-1/eks/describe-cluster/cw-platform":                       {Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster"},
		},
	})
	w, _ := collect(t, srv, awslive.Options{Regions: []string{"us-east-1"}, Services: []string{"ec2", "rds", "elbv2", "acm", "eks", "cloudfront"}})
	got := w.FS()
	denied, err := fs.ReadFile(got, "us-east-1/ec2/describe-snapshot-attribute/snap-0a1b2c3d4e5f60001.error.json")
	if err != nil || !strings.Contains(string(denied), `"UnauthorizedOperation"`) {
		t.Errorf("denied snapshot attribute: %s %v", denied, err)
	}
	for _, p := range []string{"us-east-1/elbv2/describe-listeners/cw-web.json", "global/cloudfront/list-distributions.json", "us-east-1/acm/list-certificates.json"} {
		if _, err := fs.ReadFile(got, p); err != nil {
			t.Errorf("%s: throttled call not retried: %v", p, err)
		}
	}
	if n := srv.Calls()["elasticloadbalancing:DescribeListeners"]; n != 3 {
		t.Errorf("DescribeListeners calls = %d, want 3 (one throttled, then two pages)", n)
	}

	res, err := snapshot.LoadFS(got)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{res.Inventory}}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]check.Status{}
	for _, f := range findings {
		status[f.Check.ID+" "+f.Resource.ID] = f.Status
	}
	for key, want := range map[string]check.Status{
		"aws-ec2-ebs-snapshot-public arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0a1b2c3d4e5f60001":                                        check.Unknown,
		"aws-ec2-ebs-snapshot-public arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0a1b2c3d4e5f60002":                                        check.Pass,
		"aws-rds-snapshot-public arn:aws:rds:us-east-1:111122223333:snapshot:orders-before-migration":                                           check.Fail,
		"aws-rds-cluster-storage-unencrypted arn:aws:rds:us-east-1:111122223333:cluster:analytics":                                              check.Fail,
		"aws-elbv2-listener-insecure arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/cw-web/50dc6c495c0c9188/0467ef3c8400ae65": check.Fail,
		"aws-elbv2-listener-insecure arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/cw-web/50dc6c495c0c9188/0467ef3c8400ae66": check.Fail,
		"aws-cloudfront-viewer-insecure arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL":                                           check.Fail,
		"aws-eks-endpoint-public arn:aws:eks:us-east-1:111122223333:cluster/cw-platform":                                                        check.Unknown,
		"aws-acm-certificate-expiring arn:aws:acm:us-east-1:111122223333:certificate/3b9a5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b":                      check.Fail,
	} {
		if status[key] != want {
			t.Errorf("%s: %q, want %s", key, status[key], want)
		}
	}
}

// TestCollectCloudFrontPages: CloudFront pages inside DistributionList
// (Marker/NextMarker); the collector merges the pages into one list, as the
// CLI prints it, without the pagination members.
func TestCollectCloudFrontPages(t *testing.T) {
	base := fstest.MapFS{}
	err := fs.WalkDir(osDirFS(basicDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(osDirFS(basicDir), p)
		base[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, id := range []string{"E1AAAAAAAAAAAA", "E2BBBBBBBBBBBB", "E3CCCCCCCCCCCC"} {
		items = append(items, fmt.Sprintf(`{"Id": %q, "ARN": "arn:aws:cloudfront::111122223333:distribution/%s", "DomainName": "%s.cloudfront.net",
			"Enabled": true, "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only"},
			"ViewerCertificate": {"CloudFrontDefaultCertificate": true, "MinimumProtocolVersion": "TLSv1"}}`, id, id, strings.ToLower(id)))
	}
	base["global/cloudfront/list-distributions.json"] = &fstest.MapFile{Data: []byte(`{"DistributionList": {"Quantity": 3, "Items": [` + strings.Join(items, ",") + `]}}`)}
	srv := startFake(t, fakeaws.Scenario{Snapshot: base, PageSize: 1})
	w, _ := collect(t, srv, awslive.Options{Regions: []string{"us-east-1"}, Services: []string{"cloudfront"}})
	if n := srv.Calls()["cloudfront:ListDistributions"]; n != 3 {
		t.Errorf("ListDistributions calls = %d, want 3 pages", n)
	}
	b, err := fs.ReadFile(w.FS(), "global/cloudfront/list-distributions.json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		DistributionList map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var ids []struct{ Id string }
	_ = json.Unmarshal(got.DistributionList["Items"], &ids)
	if len(ids) != 3 || ids[2].Id != "E3CCCCCCCCCCCC" || string(got.DistributionList["Quantity"]) != "3" {
		t.Errorf("merged list = %s", b)
	}
	for _, k := range []string{"Marker", "NextMarker", "IsTruncated", "MaxItems"} {
		if _, ok := got.DistributionList[k]; ok {
			t.Errorf("pagination member %s left in the merged list", k)
		}
	}
}

// TestCollectNetworkErrorCodes: each protocol's error answer reaches the
// snapshot with the code AWS would send (CloudFront's <ErrorResponse>
// wrapping, ELBv2's query errors, ACM's JSON __type).
func TestCollectNetworkErrorCodes(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Errors: map[string]fakeaws.Error{
		"global/cloudfront/list-distributions":      {Code: "AccessDenied", Message: "User is not authorized to perform: cloudfront:ListDistributions"},
		"elbv2/describe-load-balancers":             {Code: "AccessDenied", Message: "not authorized to perform: elasticloadbalancing:DescribeLoadBalancers"},
		"acm/list-certificates":                     {Code: "AccessDeniedException", Message: "not authorized to perform: acm:ListCertificates"},
		"us-east-1/rds/describe-db-clusters":        {Code: "AccessDenied", Message: "not authorized to perform: rds:DescribeDBClusters"},
		"us-east-1/ec2/describe-network-interfaces": {Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."},
	}})
	w, _ := collect(t, srv, awslive.Options{Regions: []string{"us-east-1"}, Services: []string{"cloudfront", "elbv2", "acm", "rds", "ec2"}})
	for file, code := range map[string]string{
		"global/cloudfront/list-distributions.error.json":      "AccessDenied",
		"us-east-1/elbv2/describe-load-balancers.error.json":   "AccessDenied",
		"us-east-1/acm/list-certificates.error.json":           "AccessDeniedException",
		"us-east-1/rds/describe-db-clusters.error.json":        "AccessDenied",
		"us-east-1/ec2/describe-network-interfaces.error.json": "UnauthorizedOperation",
	} {
		b, err := fs.ReadFile(w.FS(), file)
		if err != nil || !strings.Contains(string(b), `"Code": "`+code+`"`) || !strings.Contains(string(b), "not authorized") {
			t.Errorf("%s: %s %v, want code %s with the message", file, b, err, code)
		}
	}
	// No per-resource calls without their lists.
	if n := srv.Calls()["elasticloadbalancing:DescribeListeners"] + srv.Calls()["acm:DescribeCertificate"]; n != 0 {
		t.Errorf("%d per-resource calls after the list failed", n)
	}
	res, err := snapshot.LoadFS(w.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range [][3]string{{"global", "cloudfront", "list-distributions"}, {"us-east-1", "elbv2", "describe-load-balancers"}} {
		found := false
		for _, c := range res.Inventory.Coverage {
			if c.Region == op[0] && c.Service == op[1] && c.Operation == op[2] {
				found = true
				if c.Status != awsm.CoverageError || !strings.Contains(c.Detail, "AccessDenied") {
					t.Errorf("coverage %v = %+v", op, c)
				}
			}
		}
		if !found {
			t.Errorf("no coverage entry for %v", op)
		}
	}
}
