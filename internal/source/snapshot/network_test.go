package snapshot

import (
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// TestLoadNetwork reads the network group of the basic fixture (CLI output
// of a small account: one public EBS snapshot, one public manual RDS
// snapshot, an unencrypted Aurora cluster, an ALB with a plaintext listener
// and a TLS 1.0 policy, an expiring imported certificate, a public EKS
// endpoint and a CloudFront distribution allowing HTTP).
func TestLoadNetwork(t *testing.T) {
	res := mustLoad(t, basicDir)
	n := res.Inventory.Network
	counts := map[string][2]int{
		"ebs snapshots": {len(n.EBSSnapshots), 2}, "db snapshots": {len(n.DBSnapshots), 2}, "db clusters": {len(n.DBClusters), 1},
		"subnets": {len(n.Subnets), 0}, "internet gateways": {len(n.InternetGateways), 1}, "network interfaces": {len(n.NetworkInterfaces), 2},
		"load balancers": {len(n.LoadBalancers), 1}, "listeners": {len(n.Listeners), 2}, "ssl policies": {len(n.SSLPolicies), 2},
		"distributions": {len(n.Distributions), 1}, "certificates": {len(n.Certificates), 1}, "eks clusters": {len(n.EKSClusters), 1},
	}
	for what, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: %d, want %d", what, c[0], c[1])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	const (
		snaps  = "us-east-1/ec2/describe-snapshots.json"
		attr1  = "us-east-1/ec2/describe-snapshot-attribute/snap-0a1b2c3d4e5f60001.json"
		dbs    = "us-east-1/rds/describe-db-snapshots.json"
		dbattr = "us-east-1/rds/describe-db-snapshot-attributes/orders-before-migration.json"
		clus   = "us-east-1/rds/describe-db-clusters.json"
		lis    = "us-east-1/elbv2/describe-listeners/cw-web.json"
		cert   = "us-east-1/acm/describe-certificate/3b9a5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.json"
		eks    = "us-east-1/eks/describe-cluster/cw-platform.json"
		cf     = "global/cloudfront/list-distributions.json"
		eni    = "us-east-1/ec2/describe-network-interfaces.json"
	)
	pub, priv := n.EBSSnapshots[0], n.EBSSnapshots[1]
	if pub.ARN != "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0a1b2c3d4e5f60001" || pub.Name != "web-1-root-nightly" {
		t.Errorf("EBS snapshot identity %s %q", pub.ARN, pub.Name)
	}
	manual := find(t, n.DBSnapshots, func(s *awsm.DBSnapshot) bool { return s.ID == "orders-before-migration" })
	auto := find(t, n.DBSnapshots, func(s *awsm.DBSnapshot) bool { return strings.HasPrefix(s.ID, "rds:") })
	cl := n.DBClusters[0]
	var http, https *awsm.Listener
	for _, l := range n.Listeners {
		if p, _ := l.Protocol.Get(); p == "HTTP" {
			http = l
		} else {
			https = l
		}
	}
	acts, _ := http.DefaultActions.Get()
	c := n.Certificates[0]
	k := n.EKSClusters[0]
	d := n.Distributions[0]
	e := find(t, n.NetworkInterfaces, func(e *awsm.NetworkInterface) bool { return e.ID == "eni-0aa0000000000001" })
	checkValues(t, []valueCase{
		{"ebs snapshot public", view(pub.Public), true, "true", attr1, "CreateVolumePermissions"},
		{"ebs snapshot unencrypted", view(pub.Encrypted), true, "false", snaps, "Snapshots[0].Encrypted"},
		{"ebs snapshot start", view(pub.StartTime), true, "2024-05-20 02:00:00.512 +0000 UTC", snaps, "Snapshots[0].StartTime"},
		{"ebs snapshot shared with an account", view(priv.SharedWith), true, "[444455556666]", "", ""},
		{"ebs private snapshot", view(priv.Public), true, "false", "", ""},
		{"rds manual snapshot public", view(manual.Public), true, "true", dbattr, "DBSnapshotAttributesResult.DBSnapshotAttributes"},
		{"rds automated snapshot private", view(auto.Public), true, "false", dbs, "DBSnapshots[1].SnapshotType"},
		{"cluster encryption", view(cl.StorageEncrypted), true, "false", clus, "DBClusters[0].StorageEncrypted"},
		{"cluster public flag absent = false", view(cl.PubliclyAccessible), true, "false", clus, "DBClusters[0].PubliclyAccessible"},
		{"cluster backup retention", view(cl.BackupRetentionPeriod), true, "7", "", ""},
		{"cluster multi-AZ", view(cl.MultiAZ), true, "false", clus, "DBClusters[0].MultiAZ"},
		{"lb listeners read", view(n.LoadBalancers[0].ListenersRead), true, "true", lis, "Listeners"},
		{"http listener port", view(http.Port), true, "80", lis, "Listeners[0].Port"},
		{"http listener has no policy", view(http.SSLPolicy), true, "", lis, "Listeners[0].SslPolicy"},
		{"https listener policy", view(https.SSLPolicy), true, "ELBSecurityPolicy-2016-08", lis, "Listeners[1].SslPolicy"},
		{"certificate expiry (describe wins)", view(c.NotAfter), true, "2024-06-14 23:59:59 +0000 UTC", cert, "Certificate.NotAfter"},
		{"certificate in use", view(c.InUseBy), true, "[arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/cw-web/50dc6c495c0c9188]", cert, "Certificate.InUseBy"},
		{"certificate type", view(c.Type), true, "IMPORTED", cert, "Certificate.Type"},
		{"eks public endpoint", view(k.EndpointPublicAccess), true, "true", eks, "cluster.resourcesVpcConfig.endpointPublicAccess"},
		{"eks cidrs", view(k.PublicAccessCIDRs), true, "[0.0.0.0/0]", eks, "cluster.resourcesVpcConfig.publicAccessCidrs"},
		{"eks secrets not encrypted", view(k.SecretsEncrypted), true, "false", eks, "cluster.encryptionConfig"},
		{"eks logging", view(k.LoggingTypes), true, "[api audit]", eks, "cluster.logging"},
		{"eks tags", view(k.Tags), true, "map[team:platform]", eks, "cluster.tags"},
		{"distribution viewer policies", view(d.ViewerPolicies), true, anyValue, cf, "DistributionList.Items[0].DefaultCacheBehavior"},
		{"distribution minimum protocol", view(d.MinimumProtocolVersion), true, "TLSv1", cf, "DistributionList.Items[0].ViewerCertificate.MinimumProtocolVersion"},
		{"distribution custom certificate", view(d.DefaultCertificate), true, "false", "", ""},
		{"eni public ip", view(e.PublicIP), true, "54.210.10.20", eni, "NetworkInterfaces[0].Association.PublicIp"},
		{"eni instance", view(e.InstanceID), true, "i-0123456789abcdef0", eni, "NetworkInterfaces[0].Attachment.InstanceId"},
	})
	if len(acts) != 1 || acts[0].Type != "forward" || acts[0].Source.Path != "Listeners[0].DefaultActions[0]" {
		t.Errorf("HTTP listener actions %+v", acts)
	}
	if p := n.SSLPolicies["ELBSecurityPolicy-2016-08"]; p == nil || strings.Join(p.Protocols, ",") != "TLSv1,TLSv1.1,TLSv1.2" {
		t.Errorf("SSL policy 2016-08 = %+v", p)
	}
	if d.ARN != "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL" || d.Region != "global" || strings.Join(d.Aliases, ",") != "static.example.com" {
		t.Errorf("distribution identity %s %s %v", d.ARN, d.Region, d.Aliases)
	}
	if https.LoadBalancerARN != n.LoadBalancers[0].ARN || https.Name != "cw-web:443" {
		t.Errorf("listener %s of %s", https.Name, https.LoadBalancerARN)
	}
	// Coverage: read where the fixture has data, missing in eu-west-1,
	// no per-resource calls where there is nothing to call them for.
	for _, c := range []struct {
		region, service, op string
		status              awsm.CoverageStatus
		detail              string
	}{
		{"us-east-1", "ec2", "describe-snapshot-attribute", awsm.CoverageRead, "2 read"},
		{"us-east-1", "rds", "describe-db-snapshot-attributes", awsm.CoverageRead, ""},
		{"global", "cloudfront", "list-distributions", awsm.CoverageRead, ""},
		{"eu-west-1", "eks", "list-clusters", awsm.CoverageMissing, "not collected"},
		{"eu-west-1", "eks", "describe-cluster", awsm.CoverageRead, "no resources to read"},
	} {
		got, ok := coverageOf(res.Inventory, c.region, c.service, c.op)
		if !ok || got.Status != c.status || !strings.Contains(got.Detail, c.detail) {
			t.Errorf("coverage %s %s %s = %+v (found %v), want %s %q", c.region, c.service, c.op, got, ok, c.status, c.detail)
		}
	}
	// Sorted by ARN.
	arns := []string{}
	for _, l := range n.Listeners {
		arns = append(arns, l.ARN)
	}
	if !sort.StringsAreSorted(arns) {
		t.Errorf("listeners not sorted: %v", arns)
	}
}

// TestNetworkErrorsAndBadInput: error answers leave values unknown with the
// AWS reason; bad files are warnings with file, line and JSON path.
func TestNetworkErrorsAndBadInput(t *testing.T) {
	const (
		attr1 = "us-east-1/ec2/describe-snapshot-attribute/snap-0a1b2c3d4e5f60001"
		lis   = "us-east-1/elbv2/describe-listeners/cw-web"
		cert  = "us-east-1/acm/describe-certificate/3b9a5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
		eks   = "us-east-1/eks/describe-cluster/cw-platform"
		clus  = "us-east-1/rds/describe-db-clusters.json"
	)
	res := mustLoad(t, variant(t, map[string]string{
		attr1 + ".json":       "",
		attr1 + ".error.json": `{"Code": "UnauthorizedOperation", "Message": "You are not authorized to perform this operation."}`,
		lis + ".json":         "",
		lis + ".error.json":   `{"Code": "AccessDenied", "Message": "not authorized to perform: elasticloadbalancing:DescribeListeners"}`,
		cert + ".json":        `{"Certificate": {"NotAfter": 12}}`,
		eks + ".json":         `{"cluster": {"name": "cw-platform", "resourcesVpcConfig": {"endpointPublicAccess": "yes"}}}`,
		clus:                  "{\n    \"DBClusters\": [\n        {\n            \"DBClusterIdentifier\": \"analytics\",\n            \"StorageEncrypted\": \"no\"\n        }\n    ]\n}\n",
		"global/cloudfront/list-distributions.json": `{"DistributionList": {"Items": [{"Id": "E1", "DefaultCacheBehavior": {}}]}}`,
		"us-east-1/eks/list-clusters.json":          `{"clusters": ["cw-platform", "../etc"]}`,
	}))
	n := res.Inventory.Network
	pub := find(t, n.EBSSnapshots, func(s *awsm.EBSSnapshot) bool { return s.ID == "snap-0a1b2c3d4e5f60001" })
	c := n.Certificates[0]
	k := find(t, n.EKSClusters, func(c *awsm.EKSCluster) bool { return c.Name == "cw-platform" })
	bad := find(t, n.EKSClusters, func(c *awsm.EKSCluster) bool { return c.Name == "../etc" })
	checkValues(t, []valueCase{
		{"snapshot attribute denied", view(pub.Public), false, "UnauthorizedOperation: You are not authorized", attr1 + ".error.json", ""},
		{"listeners denied", view(n.LoadBalancers[0].ListenersRead), false, "AccessDenied", lis + ".error.json", ""},
		{"certificate wrong type", view(c.InUseBy), false, "unreadable", cert + ".json", ""},
		{"certificate falls back to the summary", view(c.NotAfter), true, "2024-06-14 23:59:59 +0000 UTC", "us-east-1/acm/list-certificates.json", ""},
		{"eks wrong type", view(k.EndpointPublicAccess), false, "unreadable", eks + ".json", ""},
		{"eks bad name", view(bad.EndpointPublicAccess), false, "invalid cluster name", "", ""},
		{"distribution without viewer policy", view(n.Distributions[0].ViewerPolicies), false, "ViewerProtocolPolicy absent", "", ""},
		{"distribution without viewer certificate", view(n.Distributions[0].MinimumProtocolVersion), false, "ViewerCertificate absent", "", ""},
	})
	if len(n.Listeners) != 0 || len(n.DBClusters) != 0 {
		t.Errorf("listeners %d, clusters %d: want none from denied/bad files", len(n.Listeners), len(n.DBClusters))
	}
	for file, msg := range map[string]string{
		cert + ".json":                     "at Certificate.NotAfter: wrong type",
		eks + ".json":                      "at cluster.resourcesVpcConfig.endpointPublicAccess: wrong type",
		clus:                               "at DBClusters[0].StorageEncrypted: wrong type",
		"us-east-1/eks/list-clusters.json": `cluster name "../etc" cannot name a per-cluster file`,
	} {
		ws := warningsFor(res, file)
		if len(ws) != 1 || !strings.Contains(ws[0].Message, msg) {
			t.Errorf("warnings for %s = %v, want one containing %q", file, ws, msg)
		}
	}
	if ws := warningsFor(res, clus); len(ws) == 1 && ws[0].Line != 5 {
		t.Errorf("cluster warning at line %d, want 5", ws[0].Line)
	}
	if cv, _ := coverageOf(res.Inventory, "us-east-1", "elbv2", "describe-listeners"); cv.Status != awsm.CoverageError {
		t.Errorf("describe-listeners coverage %+v", cv)
	}
}

// FuzzNetworkFile replaces one network-group file of the basic fixture with
// arbitrary bytes: the import must go on (warnings, unknown values), never
// panic or fail.
func FuzzNetworkFile(f *testing.F) {
	base := basicMapFS(f)
	var files []string
	for p := range base {
		for _, op := range []string{"/elbv2/", "/acm/", "/eks/", "/cloudfront/", "describe-snapshot", "describe-db-snapshot",
			"describe-db-clusters", "describe-subnets", "describe-internet-gateways", "describe-network-interfaces"} {
			if strings.Contains(p, op) {
				files = append(files, p)
				break
			}
		}
	}
	sort.Strings(files)
	for i, p := range files {
		f.Add(uint16(i), base[p].Data)
	}
	f.Add(uint16(0), []byte(`{"Listeners": [{"Port": "80", "DefaultActions": [{"RedirectConfig": null}]}]}`))
	f.Add(uint16(1), []byte(`{"DistributionList": {"Items": [{"CacheBehaviors": {"Items": [{}]}}]}}`))
	f.Add(uint16(2), []byte(`{"cluster": {"resourcesVpcConfig": null, "logging": {"clusterLogging": [{"types": null}]}}}`))
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		fsys := make(fstest.MapFS, len(base))
		for k, v := range base {
			fsys[k] = v
		}
		file := files[int(which)%len(files)]
		fsys[file] = &fstest.MapFile{Data: data, Mode: 0o644}
		res, err := LoadFSWithOptions(fsys, Options{Workers: 1})
		if err != nil {
			t.Fatalf("replacing %s failed the whole import: %v", file, err)
		}
		for _, w := range res.Warnings {
			if w.File == "" || w.Message == "" {
				t.Errorf("warning without file or message: %+v", w)
			}
		}
	})
}
