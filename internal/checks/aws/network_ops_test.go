package aws

import (
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func netSrc(file, path string) model.Source { return model.Source{File: file, Path: path} }

func netID(arn, name, region string) awsm.Identity {
	return awsm.Identity{ARN: arn, ID: name, Name: name, Region: region, AccountID: expTestAccount, Partition: "aws"}
}

func TestEBSSnapshotPublic(t *testing.T) {
	const f = "us-east-1/ec2/describe-snapshot-attribute/snap-0a1.json"
	src := netSrc(f, "CreateVolumePermissions")
	tests := []struct {
		name   string
		public model.Bool
		shared model.Value[[]string]
		want   check.Status
		ev     []string
	}{
		{"public", model.Known(true, src), model.Known([]string{}, src), check.Fail,
			[]string{`createVolumePermission has the group "all" @ ` + f + " CreateVolumePermissions"}},
		{"shared with one account", model.Known(false, src), model.Known([]string{"444455556666"}, src), check.Pass, nil},
		{"attribute denied", model.Unknown[bool]("UnauthorizedOperation: not allowed", model.Source{File: "x.error.json"}),
			model.Unknown[[]string]("denied", model.Source{}), check.Unknown, []string{"snapshot sharing attribute: UnauthorizedOperation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &awsm.EBSSnapshot{Identity: netID("arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0a1", "snap-0a1", "us-east-1"),
				Public: tt.public, SharedWith: tt.shared}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{EBSSnapshots: []*awsm.EBSSnapshot{s}}}
			expAssert(t, ec2SnapshotPublic.Evaluate(inv), s.ARN, tt.want, tt.ev)
		})
	}
}

func TestRDSSnapshotPublic(t *testing.T) {
	const f = "us-east-1/rds/describe-db-snapshot-attributes/orders.json"
	src := netSrc(f, "DBSnapshotAttributesResult.DBSnapshotAttributes")
	for _, tt := range []struct {
		name   string
		public model.Bool
		want   check.Status
	}{
		{"public", model.Known(true, src), check.Fail},
		{"private", model.Known(false, src), check.Pass},
		{"not collected", model.Unknown[bool]("not collected", model.Source{File: f}), check.Unknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &awsm.DBSnapshot{Identity: netID("arn:aws:rds:us-east-1:111122223333:snapshot:orders", "orders", "us-east-1"), Public: tt.public}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{DBSnapshots: []*awsm.DBSnapshot{s}}}
			var ev []string
			if tt.want == check.Fail {
				ev = []string{`restore attribute lists "all" @ ` + f}
			}
			expAssert(t, rdsSnapshotPublic.Evaluate(inv), s.ARN, tt.want, ev)
		})
	}
}

func TestRDSClusterUnencrypted(t *testing.T) {
	const f = "us-east-1/rds/describe-db-clusters.json"
	for _, tt := range []struct {
		name string
		enc  model.Bool
		want check.Status
	}{
		{"unencrypted", model.Known(false, netSrc(f, "DBClusters[0].StorageEncrypted")), check.Fail},
		{"encrypted", model.Known(true, netSrc(f, "DBClusters[0].StorageEncrypted")), check.Pass},
		// Terraform: storage_encrypted from a variable without a value.
		{"unresolved", model.Unknown[bool]("unknown value of var.encrypt", model.Source{File: "rds.tf", StartLine: 4}), check.Unknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &awsm.DBCluster{Identity: netID("arn:aws:rds:us-east-1:111122223333:cluster:analytics", "analytics", "us-east-1"), StorageEncrypted: tt.enc}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{DBClusters: []*awsm.DBCluster{c}}}
			var ev []string
			if tt.want == check.Fail {
				ev = []string{"StorageEncrypted is false @ " + f + " DBClusters[0].StorageEncrypted"}
			}
			expAssert(t, rdsClusterUnencrypted.Evaluate(inv), c.ARN, tt.want, ev)
		})
	}
}

func TestELBListenerInsecure(t *testing.T) {
	const f = "us-east-1/elbv2/describe-listeners/cw-web.json"
	const lbARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/cw-web/50dc"
	policies := map[string]*awsm.SSLPolicy{
		"ELBSecurityPolicy-2016-08": {Name: "ELBSecurityPolicy-2016-08", Protocols: []string{"TLSv1", "TLSv1.1", "TLSv1.2"},
			Source: netSrc("us-east-1/elbv2/describe-ssl-policies.json", "SslPolicies[0].SslProtocols")},
		"custom-strict": {Name: "custom-strict", Protocols: []string{"TLSv1.2", "TLSv1.3"}},
	}
	acts := func(a ...awsm.ListenerAction) model.Value[[]awsm.ListenerAction] {
		return model.Known(a, netSrc(f, "Listeners[0].DefaultActions"))
	}
	fwd := awsm.ListenerAction{Type: "forward", Source: netSrc(f, "Listeners[0].DefaultActions[0]")}
	redirect := awsm.ListenerAction{Type: "redirect", RedirectProtocol: "HTTPS", RedirectPort: "443"}
	str := func(s string) awsm.String { return model.Known(s, netSrc(f, "Listeners[0].X")) }
	tests := []struct {
		name     string
		proto    string
		policy   awsm.String
		actions  model.Value[[]awsm.ListenerAction]
		policies map[string]*awsm.SSLPolicy
		want     check.Status
		ev       []string
	}{
		{"http forwarding", "HTTP", str(""), acts(fwd), policies, check.Fail,
			[]string{"protocol HTTP on port 80", "default action forward @ " + f + " Listeners[0].DefaultActions[0]"}},
		{"http redirecting", "HTTP", str(""), acts(redirect), policies, check.Pass, nil},
		{"http actions unknown", "HTTP", str(""), model.Unknown[[]awsm.ListenerAction]("DefaultActions absent", model.Source{}), policies, check.Unknown, nil},
		{"https with a TLS 1.0 policy (collected)", "HTTPS", str("ELBSecurityPolicy-2016-08"), acts(fwd), policies, check.Fail,
			[]string{"accepts TLS 1.0 @ us-east-1/elbv2/describe-ssl-policies.json SslPolicies[0].SslProtocols"}},
		{"https with a TLS 1.0 policy (by name, IaC)", "HTTPS", str("ELBSecurityPolicy-TLS13-1-0-2021-06"), acts(fwd), nil, check.Fail,
			[]string{"accepts TLS 1.0"}},
		{"https with a TLS 1.1 policy (by name)", "TLS", str("ELBSecurityPolicy-TLS-1-1-2017-01"), acts(fwd), nil, check.Fail, []string{"TLS 1.1"}},
		{"https with TLS 1.2 (by name)", "HTTPS", str("ELBSecurityPolicy-TLS13-1-2-2021-06"), acts(fwd), nil, check.Pass, nil},
		{"https with a collected custom policy", "HTTPS", str("custom-strict"), acts(fwd), policies, check.Pass, nil},
		{"https with an unknown custom policy", "HTTPS", str("my-policy"), acts(fwd), nil, check.Unknown, []string{"SslPolicy my-policy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := int64(80)
			if tt.proto != "HTTP" {
				port = 443
			}
			l := &awsm.Listener{Identity: netID(lbARN+"/l1", "l1", "us-east-1"), LoadBalancerARN: lbARN,
				Protocol: model.Known(tt.proto, netSrc(f, "Listeners[0].Protocol")), Port: model.Known(port, netSrc(f, "Listeners[0].Port")),
				SSLPolicy: tt.policy, DefaultActions: tt.actions}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{Listeners: []*awsm.Listener{l}, SSLPolicies: tt.policies}}
			expAssert(t, elbListenerInsecure.Evaluate(inv), l.ARN, tt.want, tt.ev)
		})
	}
	t.Run("tcp listener not evaluated", func(t *testing.T) {
		l := &awsm.Listener{Identity: netID(lbARN+"/l2", "l2", "us-east-1"), Protocol: model.Known("TCP", model.Source{})}
		inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{Listeners: []*awsm.Listener{l}}}
		for _, f := range elbListenerInsecure.Evaluate(inv) {
			if f.Status != check.NotApplicable {
				t.Errorf("TCP listener: %s %s", f.Status, f.Message)
			}
		}
	})
	t.Run("listeners of a load balancer not read", func(t *testing.T) {
		lb := &awsm.LoadBalancer{Identity: netID(lbARN, "cw-web", "us-east-1"),
			ListenersRead: model.Unknown[bool]("AccessDenied: not authorized to perform elasticloadbalancing:DescribeListeners", model.Source{File: f})}
		inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{LoadBalancers: []*awsm.LoadBalancer{lb}}}
		expAssert(t, elbListenerInsecure.Evaluate(inv), lbARN, check.Unknown, []string{"AccessDenied"})
	})
}

func TestCloudFrontViewerInsecure(t *testing.T) {
	const f = "global/cloudfront/list-distributions.json"
	pols := func(p ...awsm.ViewerPolicy) model.Value[[]awsm.ViewerPolicy] {
		return model.Known(p, netSrc(f, "DistributionList.Items[0].DefaultCacheBehavior"))
	}
	def := func(policy string) awsm.ViewerPolicy {
		return awsm.ViewerPolicy{Policy: policy, Source: netSrc(f, "DistributionList.Items[0].DefaultCacheBehavior.ViewerProtocolPolicy")}
	}
	known := func(s string) awsm.String {
		return model.Known(s, netSrc(f, "DistributionList.Items[0].ViewerCertificate.MinimumProtocolVersion"))
	}
	yes, no := model.Known(true, model.Source{File: f}), model.Known(false, model.Source{File: f})
	tests := []struct {
		name    string
		pols    model.Value[[]awsm.ViewerPolicy]
		defCert model.Bool
		min     awsm.String
		want    check.Status
		ev      []string
	}{
		{"allow-all on the default behavior", pols(def("allow-all")), no, known("TLSv1.2_2021"), check.Fail,
			[]string{"default cache behavior: viewer protocol policy allow-all @ " + f + " DistributionList.Items[0].DefaultCacheBehavior.ViewerProtocolPolicy"}},
		{"allow-all on a path", pols(def("redirect-to-https"), awsm.ViewerPolicy{PathPattern: "/api/*", Policy: "allow-all", Source: netSrc(f, "DistributionList.Items[0].CacheBehaviors.Items[0].ViewerProtocolPolicy")}), no, known("TLSv1.2_2021"),
			check.Fail, []string{"cache behavior /api/*: viewer protocol policy allow-all"}},
		{"old TLS policy", pols(def("redirect-to-https")), no, known("TLSv1"), check.Fail, []string{"minimum protocol version TLSv1 (below TLSv1.2_2021)"}},
		{"TLSv1.2_2019 is below the bar", pols(def("https-only")), no, known("TLSv1.2_2019"), check.Fail, []string{"TLSv1.2_2019"}},
		{"https and TLSv1.2_2021", pols(def("redirect-to-https")), no, known("TLSv1.2_2021"), check.Pass, nil},
		{"default certificate", pols(def("https-only")), yes, known("TLSv1"), check.Pass, nil},
		{"behaviors unknown", model.Unknown[[]awsm.ViewerPolicy]("not collected", model.Source{File: f}), no, known("TLSv1.2_2021"), check.Unknown, nil},
		{"unrecognized policy", pols(def("https-only")), no, known("TLSv9_2099"), check.Unknown, []string{"MinimumProtocolVersion TLSv9_2099"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &awsm.Distribution{Identity: netID("arn:aws:cloudfront::111122223333:distribution/E2Q", "E2Q", "global"),
				ViewerPolicies: tt.pols, DefaultCertificate: tt.defCert, MinimumProtocolVersion: tt.min}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{Distributions: []*awsm.Distribution{d}}}
			expAssert(t, cloudFrontViewerInsecure.Evaluate(inv), d.ARN, tt.want, tt.ev)
		})
	}
}

func TestEKSEndpointPublic(t *testing.T) {
	const f = "us-east-1/eks/describe-cluster/cw-platform.json"
	pub := func(b bool) model.Bool {
		return model.Known(b, netSrc(f, "cluster.resourcesVpcConfig.endpointPublicAccess"))
	}
	cidrs := func(c ...string) model.Value[[]string] {
		return model.Known(c, netSrc(f, "cluster.resourcesVpcConfig.publicAccessCidrs"))
	}
	for _, tt := range []struct {
		name  string
		pub   model.Bool
		cidrs model.Value[[]string]
		want  check.Status
		ev    []string
	}{
		{"open to the internet", pub(true), cidrs("0.0.0.0/0"), check.Fail,
			[]string{"publicAccessCidrs contains 0.0.0.0/0 @ " + f + " cluster.resourcesVpcConfig.publicAccessCidrs", "endpointPublicAccess is true"}},
		{"public, restricted", pub(true), cidrs("203.0.113.0/24"), check.Pass, nil},
		{"private", pub(false), cidrs("0.0.0.0/0"), check.Pass, nil},
		{"describe-cluster denied", model.Unknown[bool]("AccessDeniedException", model.Source{File: f}), model.Unknown[[]string]("x", model.Source{}), check.Unknown,
			[]string{"endpointPublicAccess: AccessDeniedException"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &awsm.EKSCluster{Identity: netID("arn:aws:eks:us-east-1:111122223333:cluster/cw-platform", "cw-platform", "us-east-1"),
				EndpointPublicAccess: tt.pub, PublicAccessCIDRs: tt.cidrs}
			inv := &awsm.Inventory{AccountID: expTestAccount, Network: awsm.NetworkResources{EKSClusters: []*awsm.EKSCluster{c}}}
			expAssert(t, eksEndpointPublic.Evaluate(inv), c.ARN, tt.want, tt.ev)
		})
	}
}

func TestACMCertificateExpiring(t *testing.T) {
	const f = "us-east-1/acm/describe-certificate/3b9a.json"
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	notAfter := func(d time.Duration) awsm.Time { return model.Known(now.Add(d), netSrc(f, "Certificate.NotAfter")) }
	used := model.Known([]string{"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/cw-web/50dc"}, netSrc(f, "Certificate.InUseBy"))
	issued := model.Known("ISSUED", netSrc(f, "Certificate.Status"))
	for _, tt := range []struct {
		name     string
		status   awsm.String
		notAfter awsm.Time
		inUse    model.Value[[]string]
		want     check.Status
		ev       []string
	}{
		{"expires in 13 days", issued, notAfter(13*24*time.Hour + time.Hour), used, check.Fail,
			[]string{"NotAfter 2024-06-14T01:00:00Z @ " + f + " Certificate.NotAfter", "in use by arn:aws:elasticloadbalancing"}},
		{"expired and in use", model.Known("EXPIRED", model.Source{}), notAfter(-48 * time.Hour), used, check.Fail, []string{"NotAfter 2024-05-30"}},
		{"expires in 90 days", issued, notAfter(90 * 24 * time.Hour), used, check.Pass, nil},
		{"not in use", issued, notAfter(24 * time.Hour), model.Known([]string{}, netSrc(f, "Certificate.InUseBy")), check.Pass, nil},
		{"describe-certificate denied", issued, notAfter(24 * time.Hour), model.Unknown[[]string]("AccessDeniedException", model.Source{File: f}), check.Unknown,
			[]string{"resources using the certificate: AccessDeniedException"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &awsm.Certificate{Identity: netID("arn:aws:acm:us-east-1:111122223333:certificate/3b9a", "www.example.com", "us-east-1"),
				Status: tt.status, NotAfter: tt.notAfter, InUseBy: tt.inUse}
			inv := &awsm.Inventory{AccountID: expTestAccount, CollectedAt: now, Network: awsm.NetworkResources{Certificates: []*awsm.Certificate{c}}}
			expAssert(t, acmCertificateExpiring.Evaluate(inv), c.ARN, tt.want, tt.ev)
		})
	}
	t.Run("pending validation is not evaluated", func(t *testing.T) {
		c := &awsm.Certificate{Identity: netID("arn:aws:acm:us-east-1:111122223333:certificate/p", "p", "us-east-1"),
			Status: model.Known("PENDING_VALIDATION", model.Source{})}
		inv := &awsm.Inventory{AccountID: expTestAccount, CollectedAt: now, Network: awsm.NetworkResources{Certificates: []*awsm.Certificate{c}}}
		for _, f := range acmCertificateExpiring.Evaluate(inv) {
			if f.Status != check.NotApplicable {
				t.Errorf("pending certificate: %s %s", f.Status, f.Message)
			}
		}
	})
}
