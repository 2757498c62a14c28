package terraform

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// The resource types of issue 5 item 4 fill the model the live and snapshot
// sources fill (checks for the network group judge them as they land).
func TestExtraResourceTypesModel(t *testing.T) {
	fail := loadTree(t, "testdata/checks/fail", Options{}).Inventory
	pass := loadTree(t, "testdata/checks/pass", Options{}).Inventory

	// aws_rds_cluster: provisioned Aurora is unencrypted unless asked.
	fc, pc := fail.Network.DBClusters, pass.Network.DBClusters
	if len(fc) != 1 || len(pc) != 1 {
		t.Fatalf("clusters: %d fail, %d pass", len(fc), len(pc))
	}
	if v, ok := fc[0].StorageEncrypted.Get(); !ok || v || fc[0].Name != "analytics" || fc[0].Engine.Or("") != "aurora-postgresql" {
		t.Errorf("fail cluster %+v: want known unencrypted aurora-postgresql", fc[0])
	}
	if !model.IsTrue(pc[0].StorageEncrypted) || !model.IsTrue(pc[0].DeletionProtection) || pc[0].KMSKeyID.Or("") != "aws_kms_key.data.arn (known after apply)" {
		t.Errorf("pass cluster: encrypted %v, deletion protection %v, key %v", pc[0].StorageEncrypted, pc[0].DeletionProtection, pc[0].KMSKeyID)
	}

	// aws_lb_listener: protocol, port, actions, SSL policy.
	if len(fail.Network.Listeners) != 1 || len(pass.Network.Listeners) != 2 {
		t.Fatalf("listeners: %d fail, %d pass", len(fail.Network.Listeners), len(pass.Network.Listeners))
	}
	l := fail.Network.Listeners[0]
	acts, _ := l.DefaultActions.Get()
	if l.Protocol.Or("") != "HTTP" || l.Port.Or(0) != 80 || len(acts) != 1 || acts[0].Type != "forward" ||
		len(fail.Network.LoadBalancers) != 1 || l.LoadBalancerARN != fail.Network.LoadBalancers[0].ARN || !strings.HasSuffix(l.LoadBalancerARN, "aws_lb.public") || fail.Network.LoadBalancers[0].Scheme.Or("") != "internet-facing" || l.SSLPolicy.Or("x") != "" {
		t.Errorf("fail listener %+v actions %+v", l, acts)
	}
	for _, l := range pass.Network.Listeners {
		acts, _ := l.DefaultActions.Get()
		switch l.Address {
		case "aws_lb_listener.http":
			if len(acts) != 1 || acts[0].Type != "redirect" || acts[0].RedirectProtocol != "HTTPS" || acts[0].RedirectPort != "443" {
				t.Errorf("redirect listener actions %+v", acts)
			}
		case "aws_lb_listener.https":
			if l.SSLPolicy.Or("") != "ELBSecurityPolicy-TLS13-1-2-2021-06" || l.Port.Or(0) != 443 {
				t.Errorf("https listener %+v", l)
			}
		}
	}

	want(t, run(t, pass), "aws-elbv2-listener-insecure", "aws_lb_listener.https", check.Pass)
	// A key without a policy gets KMS's default key policy: not public.
	want(t, run(t, pass), "aws-kms-key-policy-public", "aws_kms_key.data", check.Pass)

	// aws_cloudfront_distribution: viewer policies of every behavior.
	fd, pd := fail.Network.Distributions, pass.Network.Distributions
	if len(fd) != 1 || len(pd) != 1 {
		t.Fatalf("distributions: %d fail, %d pass", len(fd), len(pd))
	}
	if vps, _ := fd[0].ViewerPolicies.Get(); len(vps) != 1 || vps[0].Policy != "allow-all" || !model.IsTrue(fd[0].DefaultCertificate) {
		t.Errorf("fail distribution viewer policies %+v, default certificate %v", vps, fd[0].DefaultCertificate)
	}
	vps, _ := pd[0].ViewerPolicies.Get()
	if len(vps) != 2 || vps[0].Policy != "redirect-to-https" || vps[1].PathPattern != "/api/*" || vps[1].Policy != "https-only" ||
		pd[0].MinimumProtocolVersion.Or("") != "TLSv1.2_2021" || model.IsTrue(pd[0].DefaultCertificate) || pd[0].DomainName.Known() {
		t.Errorf("pass distribution %+v viewer policies %+v", pd[0], vps)
	}

	// aws_lambda_function: environment variable names only, never values;
	// aws_lambda_permission becomes a statement of its policy.
	fn := fail.PolicyHolders.Functions
	if len(fn) != 1 || strings.Join(fn[0].EnvironmentVariableNames, ",") != "API_KEY,BUCKET" {
		t.Fatalf("functions %+v", fn)
	}
	doc, ok := fn[0].Policy.Get()
	if !ok || doc == nil || len(doc.Statements) != 1 || !doc.Statements[0].Principal.IsEveryone() {
		t.Fatalf("function policy %+v", fn[0].Policy)
	}
	if st := doc.Statements[0].String(); !strings.Contains(st, "lambda:FunctionUrlAuthType") || !strings.Contains(st, "arn:aws:lambda::000000000000:function:thumbnail") {
		t.Errorf("statement %s", st)
	}
	pdoc, _ := pass.PolicyHolders.Functions[0].Policy.Get()
	if pdoc == nil || !strings.Contains(pdoc.Statements[0].String(), "arn:aws:s3:::acme-thumbnail-uploads") {
		t.Errorf("pass function policy %+v", pass.PolicyHolders.Functions[0].Policy)
	}
	// Queue policies join by .id and by .url; SSE-SQS is the default.
	for _, inv := range []*awsm.Inventory{fail, pass} {
		if q := inv.PolicyHolders.Queues; len(q) != 1 || q[0].Policy.Or(nil) == nil || q[0].ARN != "arn:aws:sqs::000000000000:orders" {
			t.Errorf("queue %+v: policy not joined or ARN", q[0])
		}
	}
	if !model.IsTrue(pass.PolicyHolders.Queues[0].SQSManagedSSE) {
		t.Errorf("pass queue: SSE-SQS default not applied")
	}
}

// A permission whose principal comes from an unset variable leaves the
// function policy unknown naming it; a condition known only after apply
// still narrows the statement.
func TestLambdaPermissionUnknowns(t *testing.T) {
	res := loadTree(t, "testdata/eval/lambda", Options{})
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings:\n%s", warningsText(res))
	}
	fs := run(t, res.Inventory)
	f := want(t, fs, "aws-lambda-function-policy-public", "aws_lambda_function.partner", check.Unknown)
	if !strings.Contains(f.Message, "var.partner_principal") {
		t.Errorf("message %q does not name the variable", f.Message)
	}
	want(t, fs, "aws-lambda-function-policy-public", "aws_lambda_function.api", check.Pass)
}
