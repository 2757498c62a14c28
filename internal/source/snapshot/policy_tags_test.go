package snapshot

import (
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Lambda (list-tags, a map), SNS (list-tags-for-resource, a Key/Value
// list) and ECR (list-tags-for-resource, lower-case "tags") tags; an
// error file leaves the function's tags unknown with the AWS code.
func TestLoadPolicyHolderTags(t *testing.T) {
	inv := mustLoad(t, "testdata/policy").Inventory
	p := inv.PolicyHolders
	fn := map[string]*awsm.LambdaFunction{}
	for _, f := range p.Functions {
		fn[f.Name] = f
	}
	if tags := fn["orders-api"].Tags.Or(nil); tags["data-classification"] != "confidential" || len(tags) != 3 ||
		fn["orders-api"].Tags.Source().File != "us-east-1/lambda/list-tags/orders-api.json" {
		t.Errorf("orders-api tags = %v (%s)", tags, fn["orders-api"].Tags.Reason())
	}
	if tags, ok := fn["thumbnailer"].Tags.Get(); !ok || len(tags) != 0 {
		t.Errorf("thumbnailer tags = %v, %v", tags, ok)
	}
	if nr := fn["nightly-report"].Tags; nr.Known() || !strings.Contains(nr.Reason(), "AccessDeniedException") {
		t.Errorf("nightly-report tags known=%v reason %q", nr.Known(), nr.Reason())
	}
	if tags := p.Topics[0].Tags.Or(nil); p.Topics[0].Name != "orders-events" || tags["Sensitivity"] != "PII" || tags["team"] != "orders" ||
		p.Topics[0].Tags.Source().Path != "Tags" {
		t.Errorf("orders-events tags = %v", tags)
	}
	if tags, ok := p.Topics[1].Tags.Get(); !ok || len(tags) != 0 {
		t.Errorf("public-alerts tags = %v, %v", tags, ok)
	}
	repos := map[string]*awsm.ECRRepository{}
	for _, r := range p.Repositories {
		repos[r.Name] = r
	}
	if tags := repos["orders-api"].Tags.Or(nil); tags["contains-pii"] != "true" {
		t.Errorf("orders-api repository tags = %v (%s)", tags, repos["orders-api"].Tags.Reason())
	}
	if tags, ok := repos["team/base-images"].Tags.Get(); !ok || len(tags) != 0 ||
		repos["team/base-images"].Tags.Source().File != "us-east-1/ecr/list-tags-for-resource/team%2Fbase-images.json" {
		t.Errorf("team/base-images tags = %v, %v", tags, ok)
	}
	for _, op := range [][2]string{{"lambda", "list-tags"}, {"sns", "list-tags-for-resource"}, {"ecr", "list-tags-for-resource"}} {
		c, ok := coverageOf(inv, "us-east-1", op[0], op[1])
		want := awsm.CoverageRead
		if op[0] == "lambda" {
			want = awsm.CoverageError // one function's tags were denied
		}
		if !ok || c.Status != want {
			t.Errorf("%s %s coverage = %+v, want %s", op[0], op[1], c, want)
		}
	}
}
