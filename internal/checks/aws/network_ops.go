package aws

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Checks over issue 4's network group (network_resources.go): snapshot
// sharing, RDS clusters, load balancer listeners, CloudFront viewers, EKS
// endpoints and ACM certificates.

// networkOpsChecks lists them.
func networkOpsChecks() []*check.Check {
	return []*check.Check{
		ec2SnapshotPublic,
		rdsSnapshotPublic,
		rdsClusterUnencrypted,
		elbListenerInsecure,
		cloudFrontViewerInsecure,
		eksEndpointPublic,
		acmCertificateExpiring,
	}
}

// sharedWith renders the accounts a snapshot is shared with, for messages.
func sharedWith(v model.Value[[]string]) string {
	ids, ok := v.Get()
	if !ok || len(ids) == 0 {
		return "not shared with any account"
	}
	return fmt.Sprintf("shared with %d account(s): %s", len(ids), strings.Join(ids, ", "))
}

var ec2SnapshotPublic = check.AWS(check.Meta{
	ID:           "aws-ec2-ebs-snapshot-public",
	Title:        "EBS snapshot is public",
	Severity:     check.Critical,
	Domain:       check.Exposure,
	Service:      "ec2",
	ResourceType: awsm.TypeEBSSnapshot,
	Rationale: "A snapshot whose createVolumePermission includes the group \"all\" can be copied by every AWS account: " +
		"anyone can create a volume from it and read the whole disk (databases, keys, configuration files). Public " +
		"snapshots are searchable, and scanners look for them continuously. cloudward reads ec2 " +
		"describe-snapshot-attribute --attribute createVolumePermission for every snapshot the account owns.",
	Remediation: check.Remediation{
		Console: "EC2 console > Elastic Block Store > Snapshots > the snapshot > Actions > Snapshot settings > Modify " +
			"permissions > Private; add specific account IDs if it must be shared. Enable Block public access for " +
			"snapshots in the EC2 dashboard's account attributes.",
		CLI: "aws ec2 modify-snapshot-attribute --snapshot-id <snap-id> --attribute createVolumePermission " +
			"--operation-type remove --group-names all\naws ec2 enable-snapshot-block-public-access --state block-all-sharing",
		Terraform: "# remove any aws_snapshot_create_volume_permission granting the group \"all\";\n" +
			"resource \"aws_ebs_snapshot_block_public_access\" \"this\" {\n  state = \"block-all-sharing\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.EBSSnapshot { return inv.Network.EBSSnapshots },
	func(_ *check.Env, s *awsm.EBSSnapshot) check.Result {
		return snapshotPublic(s.Public, s.SharedWith, "createVolumePermission has the group \"all\"")
	})

var rdsSnapshotPublic = check.AWS(check.Meta{
	ID:           "aws-rds-snapshot-public",
	Title:        "RDS DB snapshot is public",
	Severity:     check.Critical,
	Domain:       check.Exposure,
	Service:      "rds",
	ResourceType: awsm.TypeDBSnapshot,
	Rationale: "A manual DB snapshot whose \"restore\" attribute lists \"all\" can be restored by every AWS account, " +
		"which then holds a full copy of the database. Only unencrypted snapshots can be made public, so nothing else " +
		"protects the data. cloudward reads rds describe-db-snapshot-attributes for every manual snapshot; automated " +
		"snapshots cannot be shared.",
	Remediation: check.Remediation{
		Console: "RDS console > Snapshots > the snapshot > Actions > Share snapshot > DB snapshot visibility: " +
			"Private; list specific account IDs if it must be shared.",
		CLI: "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> --attribute-name restore " +
			"--values-to-remove all",
		Terraform: "# remove \"all\" from shared_accounts of the aws_db_snapshot (or aws_db_snapshot_copy)",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.DBSnapshot { return inv.Network.DBSnapshots },
	func(_ *check.Env, s *awsm.DBSnapshot) check.Result {
		return snapshotPublic(s.Public, s.SharedWith, "restore attribute lists \"all\"")
	})

func snapshotPublic(public model.Bool, shared model.Value[[]string], why string) check.Result {
	pub, ok := public.Get()
	switch {
	case !ok:
		return check.UnknownOf("snapshot sharing attribute", public)
	case pub:
		return check.FailResult("the snapshot can be restored by every AWS account", check.Ev(public.Source(), "%s", why))
	}
	return check.PassResult("the snapshot is private (" + sharedWith(shared) + ")")
}

var rdsClusterUnencrypted = check.AWS(check.Meta{
	ID:           "aws-rds-cluster-storage-unencrypted",
	Title:        "RDS DB cluster storage is not encrypted",
	Severity:     check.High,
	Domain:       check.Encryption,
	Service:      "rds",
	ResourceType: awsm.TypeDBCluster,
	Rationale: "An Aurora or Multi-AZ DB cluster without storage encryption leaves its volume, automated backups and " +
		"snapshots readable without any KMS permission, and its snapshots can be made public. Encryption can only be " +
		"chosen when the cluster is created (or by restoring an encrypted snapshot copy).",
	Remediation: check.Remediation{
		Console: "RDS console > Snapshots > take a snapshot of the cluster > Actions > Copy snapshot > Enable " +
			"encryption with a KMS key > restore the copy as a new cluster, switch the application, delete the old one.",
		CLI: "aws rds create-db-cluster-snapshot --db-cluster-identifier <cluster> --db-cluster-snapshot-identifier <snap>\n" +
			"aws rds copy-db-cluster-snapshot --source-db-cluster-snapshot-identifier <snap> " +
			"--target-db-cluster-snapshot-identifier <snap>-enc --kms-key-id <key>\n" +
			"aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <cluster>-enc --snapshot-identifier <snap>-enc --engine <engine>",
		Terraform: "resource \"aws_rds_cluster\" \"this\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html",
	},
}, func(inv *awsm.Inventory) []*awsm.DBCluster { return inv.Network.DBClusters },
	func(_ *check.Env, c *awsm.DBCluster) check.Result {
		enc, ok := c.StorageEncrypted.Get()
		switch {
		case !ok:
			return check.UnknownOf("StorageEncrypted", c.StorageEncrypted)
		case !enc:
			return check.FailResult("the DB cluster's storage is not encrypted", check.Ev(c.StorageEncrypted.Source(), "StorageEncrypted is false"))
		}
		return check.PassResult("the DB cluster's storage is encrypted")
	})

var elbListenerInsecure = check.AWS(check.Meta{
	ID:           "aws-elbv2-listener-insecure",
	Title:        "Load balancer listener accepts plaintext HTTP or TLS older than 1.2",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "elbv2",
	ResourceType: awsm.TypeListener,
	Rationale: "An HTTP listener that serves the application instead of redirecting to HTTPS sends sessions, cookies " +
		"and credentials in clear text. An HTTPS or TLS listener whose security policy still accepts TLS 1.0 or 1.1 " +
		"allows protocol downgrades and weak ciphers; PCI DSS and NIST require TLS 1.2 or later. cloudward fails HTTP " +
		"listeners whose default action is not a redirect to HTTPS, and HTTPS/TLS listeners whose policy (from elbv2 " +
		"describe-ssl-policies, or the predefined policy's name) accepts a version below TLS 1.2. TCP, UDP and GENEVE " +
		"listeners are not evaluated: what they carry is up to the targets.",
	Remediation: check.Remediation{
		Console: "EC2 console > Load Balancers > the load balancer > Listeners: for an HTTP listener, edit the default " +
			"action to Redirect to HTTPS (port 443, 301); for HTTPS/TLS, edit the listener's security policy to " +
			"ELBSecurityPolicy-TLS13-1-2-2021-06.",
		CLI: "aws elbv2 modify-listener --listener-arn <http-listener-arn> --default-actions " +
			"'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'\n" +
			"aws elbv2 modify-listener --listener-arn <https-listener-arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06",
		Terraform: "resource \"aws_lb_listener\" \"http\" {\n  port     = 80\n  protocol = \"HTTP\"\n  default_action {\n    type = \"redirect\"\n" +
			"    redirect {\n      protocol    = \"HTTPS\"\n      port        = \"443\"\n      status_code = \"HTTP_301\"\n    }\n  }\n}\n" +
			"resource \"aws_lb_listener\" \"https\" {\n  # ...\n  ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions",
	},
}, listenerList, evalListener)

// listenerList is every listener, plus the load balancers whose listeners
// could not be read (UNKNOWN for them rather than silence).
func listenerList(inv *awsm.Inventory) []model.Resource {
	out := make([]model.Resource, 0, len(inv.Network.Listeners))
	for _, l := range inv.Network.Listeners {
		out = append(out, l)
	}
	for _, lb := range inv.Network.LoadBalancers {
		if !lb.ListenersRead.Known() {
			out = append(out, lb)
		}
	}
	return out
}

func evalListener(env *check.Env, r model.Resource) check.Result {
	if lb, ok := r.(*awsm.LoadBalancer); ok {
		return check.UnknownOf("listeners of the load balancer", lb.ListenersRead)
	}
	l := r.(*awsm.Listener)
	proto, ok := l.Protocol.Get()
	if !ok {
		return check.UnknownOf("listener protocol", l.Protocol)
	}
	switch strings.ToUpper(proto) {
	case "HTTP":
		acts, ok := l.DefaultActions.Get()
		if !ok {
			return check.UnknownOf("default actions of the HTTP listener", l.DefaultActions)
		}
		for _, a := range acts {
			if a.Type == "redirect" && strings.EqualFold(a.RedirectProtocol, "HTTPS") {
				return check.PassResult("the HTTP listener redirects to HTTPS")
			}
		}
		src := l.DefaultActions.Source()
		what := "no default action"
		if len(acts) > 0 {
			src, what = acts[0].Source, "default action "+acts[0].Type
		}
		return check.FailResult("the HTTP listener serves plaintext instead of redirecting to HTTPS",
			check.Ev(l.Protocol.Source(), "protocol HTTP on port %s", l.Port.String()), check.Ev(src, "%s", what))
	case "HTTPS", "TLS":
		name, ok := l.SSLPolicy.Get()
		if !ok {
			return check.UnknownOf("security policy of the listener", l.SSLPolicy)
		}
		min, src, known := policyMinTLS(env.AWS, name, l.SSLPolicy.Source())
		switch {
		case !known:
			return check.UnknownResult(fmt.Sprintf("the TLS versions of security policy %q are unknown (not a predefined "+
				"policy name, and elbv2 describe-ssl-policies has no entry for it)", name), check.Ev(l.SSLPolicy.Source(), "SslPolicy %s", name))
		case min < 12:
			return check.FailResult(fmt.Sprintf("the listener's security policy %s accepts TLS 1.%d", name, min-10),
				check.Ev(src, "policy %s accepts TLS 1.%d", name, min-10))
		}
		return check.PassResult(fmt.Sprintf("the listener's security policy %s requires TLS 1.%d or later", name, min-10))
	}
	return check.Skip()
}

// tlsProtoRe matches the SslProtocols entries (TLSv1, TLSv1.1, TLSv1.2...).
var tlsProtoRe = regexp.MustCompile(`^TLSv1(?:\.([0-9]))?$`)

// policyNameRe reads the minimum version from a predefined policy's name:
// ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS-1-1-2017-01,
// ELBSecurityPolicy-FS-1-2-Res-2020-10.
var policyNameRe = regexp.MustCompile(`^ELBSecurityPolicy-(?:TLS13|TLS|FS)-1-([0-3])-`)

// legacyPolicies are predefined policies whose name does not say their
// minimum version: all accept TLS 1.0.
var legacyPolicies = []string{"ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-2015-05", "ELBSecurityPolicy-FS-2018-06"}

// policyMinTLS is the lowest TLS version a security policy accepts, as
// 10+minor (10 = TLS 1.0, 12 = TLS 1.2; SSLv3 counts as 9): from the
// collected policy when there is one, else from the predefined name.
func policyMinTLS(inv *awsm.Inventory, name string, src model.Source) (int, model.Source, bool) {
	if p := inv.Network.SSLPolicies[name]; p != nil && len(p.Protocols) > 0 {
		min, any := 99, false
		for _, proto := range p.Protocols {
			if proto == "SSLv3" {
				return 9, p.Source, true
			}
			m := tlsProtoRe.FindStringSubmatch(proto)
			if m == nil {
				continue
			}
			v := 10
			if m[1] != "" {
				n, _ := strconv.Atoi(m[1])
				v += n
			}
			min, any = minInt(min, v), true
		}
		if any {
			return min, p.Source, true
		}
	}
	if m := policyNameRe.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		return 10 + n, src, true
	}
	if slices.Contains(legacyPolicies, name) {
		return 10, src, true
	}
	return 0, src, false
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

var cloudFrontViewerInsecure = check.AWS(check.Meta{
	ID:           "aws-cloudfront-viewer-insecure",
	Title:        "CloudFront distribution allows plaintext HTTP or TLS older than TLSv1.2_2021 to viewers",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "cloudfront",
	ResourceType: awsm.TypeDistribution,
	Rationale: "A cache behavior with viewer protocol policy allow-all serves content over plaintext HTTP, where it " +
		"can be read and altered in transit; redirect-to-https or https-only keep viewers on TLS. With a custom " +
		"certificate the viewer security policy (MinimumProtocolVersion) should be TLSv1.2_2021 or later: older " +
		"policies accept TLS 1.0/1.1 or weak ciphers. A distribution on the default *.cloudfront.net certificate " +
		"cannot choose its policy, so only its protocol policies are evaluated.",
	Remediation: check.Remediation{
		Console: "CloudFront console > the distribution > Behaviors > edit each behavior > Viewer protocol policy: " +
			"Redirect HTTP to HTTPS; General > Edit > Security policy: TLSv1.2_2021 (recommended).",
		CLI: "aws cloudfront get-distribution-config --id <id> > dist.json  # set ViewerProtocolPolicy and " +
			"ViewerCertificate.MinimumProtocolVersion, then:\naws cloudfront update-distribution --id <id> " +
			"--if-match <etag> --distribution-config file://dist-config.json",
		Terraform: "resource \"aws_cloudfront_distribution\" \"this\" {\n  default_cache_behavior {\n    viewer_protocol_policy = \"redirect-to-https\"\n" +
			"    # ...\n  }\n  viewer_certificate {\n    acm_certificate_arn      = aws_acm_certificate.this.arn\n    ssl_support_method       = \"sni-only\"\n" +
			"    minimum_protocol_version = \"TLSv1.2_2021\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html",
		"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html",
	},
}, func(inv *awsm.Inventory) []*awsm.Distribution { return inv.Network.Distributions }, evalDistribution)

// cloudFrontPolicies are the viewer security policies in increasing
// strength; from TLSv1.2_2021 on they pass.
var cloudFrontPolicies = []string{"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019",
	"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

const cloudFrontMinGood = "TLSv1.2_2021"

func evalDistribution(_ *check.Env, d *awsm.Distribution) check.Result {
	pols, ok := d.ViewerPolicies.Get()
	if !ok {
		return check.UnknownOf("viewer protocol policies", d.ViewerPolicies)
	}
	var ev []check.Evidence
	for _, p := range pols {
		if p.Policy == "allow-all" {
			where := "default cache behavior"
			if p.PathPattern != "" {
				where = "cache behavior " + p.PathPattern
			}
			ev = append(ev, check.Ev(p.Source, "%s: viewer protocol policy allow-all", where))
		}
	}
	def, defKnown := d.DefaultCertificate.Get()
	min, minKnown := d.MinimumProtocolVersion.Get()
	tlsWeak, tlsUnknown := false, false
	switch {
	case defKnown && def:
		// *.cloudfront.net: the policy is AWS's, not the owner's choice.
	case !defKnown || !minKnown:
		tlsUnknown = true
	default:
		i, j := slices.Index(cloudFrontPolicies, min), slices.Index(cloudFrontPolicies, cloudFrontMinGood)
		switch {
		case i >= 0 && i < j:
			tlsWeak = true
			ev = append(ev, check.Ev(d.MinimumProtocolVersion.Source(), "minimum protocol version %s (below %s)", min, cloudFrontMinGood))
		case i < 0 && !strings.HasPrefix(min, "TLSv1.3"):
			tlsUnknown = true
		}
	}
	switch {
	case len(ev) > 0:
		msg := "viewers can use plaintext HTTP"
		if tlsWeak {
			msg = "viewers can use TLS older than " + cloudFrontMinGood
			if len(ev) > 1 {
				msg = "viewers can use plaintext HTTP and TLS older than " + cloudFrontMinGood
			}
		}
		return check.FailResult(msg, ev...)
	case tlsUnknown:
		if !defKnown {
			return check.UnknownOf("viewer certificate", d.DefaultCertificate)
		}
		if !minKnown {
			return check.UnknownOf("minimum protocol version", d.MinimumProtocolVersion)
		}
		return check.UnknownResult(fmt.Sprintf("unrecognized viewer security policy %q", min),
			check.Ev(d.MinimumProtocolVersion.Source(), "MinimumProtocolVersion %s", min))
	case defKnown && def:
		return check.PassResult("every cache behavior redirects or requires HTTPS (default CloudFront certificate)")
	}
	return check.PassResult("every cache behavior redirects or requires HTTPS and the viewer policy is " + min)
}

var eksEndpointPublic = check.AWS(check.Meta{
	ID:           "aws-eks-endpoint-public",
	Title:        "EKS cluster API endpoint is open to the internet",
	Severity:     check.High,
	Domain:       check.Exposure,
	Service:      "eks",
	ResourceType: awsm.TypeEKSCluster,
	Rationale: "With public endpoint access and 0.0.0.0/0 in publicAccessCidrs, the Kubernetes API server answers " +
		"anyone on the internet: a leaked kubeconfig or token, an RBAC mistake or an API server vulnerability is " +
		"then exploitable from anywhere. Keep the endpoint private (reached from the VPC or a VPN), or restrict the " +
		"public endpoint to known CIDR blocks.",
	Remediation: check.Remediation{
		Console: "EKS console > the cluster > Networking > Manage endpoint access: Private, or Public and private " +
			"with the allowed CIDR blocks limited to your networks.",
		CLI: "aws eks update-cluster-config --name <cluster> --resources-vpc-config " +
			"endpointPublicAccess=false,endpointPrivateAccess=true",
		Terraform: "resource \"aws_eks_cluster\" \"this\" {\n  vpc_config {\n    endpoint_private_access = true\n" +
			"    endpoint_public_access  = false\n    # or: public_access_cidrs = [\"203.0.113.0/24\"]\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
	},
}, func(inv *awsm.Inventory) []*awsm.EKSCluster { return inv.Network.EKSClusters },
	func(_ *check.Env, c *awsm.EKSCluster) check.Result {
		pub, ok := c.EndpointPublicAccess.Get()
		switch {
		case !ok:
			return check.UnknownOf("endpointPublicAccess", c.EndpointPublicAccess)
		case !pub:
			return check.PassResult("the API endpoint is private")
		}
		cidrs, ok := c.PublicAccessCIDRs.Get()
		if !ok {
			return check.UnknownOf("publicAccessCidrs", c.PublicAccessCIDRs)
		}
		// AWS answers ["0.0.0.0/0"] when the public endpoint is not
		// restricted; an empty list means the same.
		if len(cidrs) == 0 {
			return check.FailResult("the API endpoint is public and not restricted to any CIDR",
				check.Ev(c.EndpointPublicAccess.Source(), "endpointPublicAccess is true"),
				check.Ev(c.PublicAccessCIDRs.Source(), "publicAccessCidrs is empty"))
		}
		for _, cidr := range cidrs {
			if cidr == "0.0.0.0/0" || cidr == "::/0" {
				return check.FailResult("the API endpoint is public and open to "+cidr,
					check.Ev(c.EndpointPublicAccess.Source(), "endpointPublicAccess is true"),
					check.Ev(c.PublicAccessCIDRs.Source(), "publicAccessCidrs contains %s", cidr))
			}
		}
		return check.PassResult("the public API endpoint is restricted to " + strings.Join(cidrs, ", "))
	})

// acmExpiryDays is how close to expiry a certificate in use fails.
const acmExpiryDays = 30

var acmCertificateExpiring = check.AWS(check.Meta{
	ID:           "aws-acm-certificate-expiring",
	Title:        "ACM certificate in use expires within 30 days",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "acm",
	ResourceType: awsm.TypeCertificate,
	Rationale: "When a certificate used by a load balancer, CloudFront or API Gateway expires, clients refuse the " +
		"connection (an outage) or users learn to click through warnings. ACM renews the certificates it issued from " +
		"60 days before expiry when validation still works, so an Amazon-issued certificate this close to expiry " +
		"means renewal is failing; imported certificates are never renewed by ACM. Certificates not in use are " +
		"not evaluated (PASS).",
	Remediation: check.Remediation{
		Console: "ACM console > the certificate: for an Amazon-issued one, fix its domain validation (DNS CNAME " +
			"record present, or approve the e-mail) so that managed renewal completes; for an imported one, " +
			"Reimport certificate with the renewed certificate and chain.",
		CLI: "aws acm describe-certificate --certificate-arn <arn> --query Certificate.RenewalSummary\n" +
			"aws acm import-certificate --certificate-arn <arn> --certificate fileb://cert.pem " +
			"--private-key fileb://key.pem --certificate-chain fileb://chain.pem",
		Terraform: "# use aws_acm_certificate with validation_method = \"DNS\" and an aws_acm_certificate_validation, " +
			"so that ACM renews it; imported certificates must be replaced before not_after",
	},
	References: []string{
		"https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/check-certificate-renewal-status.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.Certificate { return inv.Network.Certificates },
	func(env *check.Env, c *awsm.Certificate) check.Result {
		if st, ok := c.Status.Get(); ok && st != "ISSUED" && st != "EXPIRED" {
			return check.Skip() // pending, failed, revoked: never served
		}
		inUse, ok := c.InUseBy.Get()
		switch {
		case !ok:
			return check.UnknownOf("resources using the certificate", c.InUseBy)
		case len(inUse) == 0:
			return check.PassResult("the certificate is not in use")
		}
		exp, ok := c.NotAfter.Get()
		if !ok {
			return check.UnknownOf("certificate expiry", c.NotAfter)
		}
		days := int(exp.Sub(env.Now).Hours() / 24)
		use := check.Ev(c.InUseBy.Source(), "in use by %s", strings.Join(inUse, ", "))
		switch {
		case !exp.After(env.Now):
			return check.FailResult(fmt.Sprintf("the certificate expired on %s and is still in use", exp.Format("2006-01-02")),
				check.Ev(c.NotAfter.Source(), "NotAfter %s", exp.Format("2006-01-02T15:04:05Z")), use)
		case days < acmExpiryDays:
			return check.FailResult(fmt.Sprintf("the certificate expires in %d day(s), on %s", days, exp.Format("2006-01-02")),
				check.Ev(c.NotAfter.Source(), "NotAfter %s", exp.Format("2006-01-02T15:04:05Z")), use)
		}
		return check.PassResult(fmt.Sprintf("the certificate expires in %d days", days))
	})
