package cloudformation

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	checksaws "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestEFSChecks(t *testing.T) {
	got, inv, warns := scan(t, Options{}, "efs.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		{"aws-efs-unencrypted", "BuildCache", check.Fail, "ci-build-cache"},
		{"aws-efs-unencrypted", "CmsUploads", check.Pass, ""},
		{"aws-efs-unencrypted", "ScratchSpace", check.Unknown, "EncryptCache"},
	})
	if n := len(inv.CIS.EFSFileSystems); n != 3 {
		t.Errorf("%d file systems, want 3", n)
	}
	f := got["aws-efs-unencrypted BuildCache"]
	if loc := f.Resource.Location; loc == nil || loc.StartLine != 24 {
		t.Errorf("BuildCache location %+v, want line 24", loc)
	}
}

// The resource types of issue 5 item 4, judged by the same checks as the
// Terraform fixtures (internal/source/terraform/testdata/checks/*/extra.tf).
func TestServiceChecks(t *testing.T) {
	fail, finv, warns := scan(t, Options{}, "services-fail.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	pass, pinv, warns := scan(t, Options{}, "services-pass.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	registered := map[string]bool{}
	for _, c := range checksaws.Checks() {
		registered[c.ID] = true
	}
	for _, c := range []struct{ id, res string }{
		{"aws-sqs-queue-policy-public", "OrdersQueue"},
		{"aws-sqs-queue-unencrypted", "OrdersQueue"},
		{"aws-sns-topic-policy-public", "AlertsTopic"},
		{"aws-sns-topic-unencrypted", "AlertsTopic"},
		{"aws-lambda-function-policy-public", "ThumbnailFunction"},
		{"aws-rds-cluster-storage-unencrypted", "AnalyticsCluster"},
		{"aws-elbv2-listener-insecure", "HttpListener"},
		{"aws-cloudfront-viewer-insecure", "SiteDistribution"},
		{"aws-kms-key-policy-public", "PartnerKey"},
	} {
		if !registered[c.id] {
			t.Errorf("check %s is not registered", c.id)
			continue
		}
		assertFindings(t, fail, []want{{c.id, c.res, check.Fail, ""}})
		assertFindings(t, pass, []want{{c.id, c.res, check.Pass, ""}})
	}
	assertFindings(t, pass, []want{{"aws-elbv2-listener-insecure", "HttpsListener", check.Pass, "TLS 1.2"},
		{"aws-kms-key-policy-public", "DefaultPolicyKey", check.Pass, ""}, {"aws-kms-key-policy-public", "DataKey", check.Pass, ""}})
	// A permission whose principal is a parameter without a value.
	assertFindings(t, fail, []want{{"aws-lambda-function-policy-public", "PartnerHook", check.Unknown, "PartnerPrincipal"}})

	// Model contents for the network group's types.
	if c := finv.Network.DBClusters; len(c) != 1 || c[0].StorageEncrypted.Or(true) || c[0].Name != "analytics" {
		t.Errorf("fail cluster %+v", c)
	}
	if c := pinv.Network.DBClusters; len(c) != 1 || !c[0].StorageEncrypted.Or(false) || c[0].BackupRetentionPeriod.Or(0) != 14 || !c[0].DeletionProtection.Or(false) {
		t.Errorf("pass cluster %+v", c)
	}
	if ls := finv.Network.Listeners; len(ls) != 1 || ls[0].Protocol.Or("") != "HTTP" || ls[0].Port.Or(0) != 80 ||
		ls[0].LoadBalancerARN != finv.Network.LoadBalancers[0].ARN || ls[0].DefaultActions.Or(nil)[0].Type != "forward" {
		t.Errorf("fail listeners %+v", ls)
	}
	for _, l := range pinv.Network.Listeners {
		acts := l.DefaultActions.Or(nil)
		switch l.Address {
		case "HttpListener":
			if len(acts) != 1 || acts[0].Type != "redirect" || acts[0].RedirectProtocol != "HTTPS" || acts[0].RedirectPort != "443" {
				t.Errorf("redirect listener %+v", acts)
			}
		case "HttpsListener":
			if l.SSLPolicy.Or("") != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
				t.Errorf("https listener policy %v", l.SSLPolicy)
			}
		}
	}
	if d := finv.Network.Distributions; len(d) != 1 || d[0].ViewerPolicies.Or(nil)[0].Policy != "allow-all" || !d[0].DefaultCertificate.Or(false) {
		t.Errorf("fail distribution %+v", d)
	}
	d := pinv.Network.Distributions[0]
	if vps := d.ViewerPolicies.Or(nil); len(vps) != 2 || vps[1].PathPattern != "/api/*" || vps[1].Policy != "https-only" ||
		d.MinimumProtocolVersion.Or("") != "TLSv1.2_2021" || d.DefaultCertificate.Or(true) {
		t.Errorf("pass distribution %+v %+v", d, vps)
	}
	if f := finv.PolicyHolders.Functions; len(f) != 2 || strings.Join(f[1].EnvironmentVariableNames, ",")+strings.Join(f[0].EnvironmentVariableNames, ",") != "API_KEY,BUCKET" {
		t.Errorf("environment variable names %+v", f)
	}
}

// SAM functions: FunctionUrlConfig AuthType NONE is a public function URL.
func TestSAMFunctionURL(t *testing.T) {
	got, inv, warns := scan(t, Options{}, "sam-url.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		{"aws-lambda-function-policy-public", "WebhookReceiver", check.Fail, "lambda:InvokeFunctionUrl"},
		{"aws-lambda-function-policy-public", "InternalReceiver", check.Pass, ""},
	})
	if f := inv.PolicyHolders.Functions; len(f) != 2 || strings.Join(f[0].EnvironmentVariableNames, ",") != "SIGNING_SECRET_ARN" {
		t.Errorf("functions %+v", f)
	}
	// The execution roles SAM creates are still modelled.
	if len(inv.Roles) != 2 {
		t.Errorf("%d roles, want the 2 SAM execution roles", len(inv.Roles))
	}
}

// A tag without a Value, a listener action without a Type, a distribution
// without a config: warnings or unknowns, never a panic.
func TestIncompleteProperties(t *testing.T) {
	data := []byte(`Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Tags:
        - Key: Name
  Fs:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemTags:
        - Key: Name
  Dist:
    Type: AWS::CloudFront::Distribution
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTP
      DefaultActions:
        - TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionUrlConfig: {}
`)
	inv := &awsm.Inventory{IaC: true}
	if _, err := LoadTemplate(inv, "incomplete.yaml", data, Options{}); err != nil {
		t.Fatal(err)
	}
	Finish(inv)
	if len(inv.KMSKeys) != 1 || len(inv.CIS.EFSFileSystems) != 1 || len(inv.Network.Distributions) != 1 || len(inv.Network.Listeners) != 1 {
		t.Errorf("resources not mapped: %d keys, %d file systems, %d distributions, %d listeners",
			len(inv.KMSKeys), len(inv.CIS.EFSFileSystems), len(inv.Network.Distributions), len(inv.Network.Listeners))
	}
	if inv.Network.Listeners[0].DefaultActions.Known() {
		t.Errorf("an action without Type must make the actions unknown")
	}
}
