package fakeaws

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// TestAnswersKeyedByContent: decoded answers are shared between regions
// only when the snapshot files are the same bytes; each region still gets
// its own data, a later change of PageSize-free answers is not mixed up,
// and an error answer stays an error.
func TestAnswersKeyedByContent(t *testing.T) {
	vpcs := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"Vpcs": [{"VpcId": "` + id + `", "CidrBlock": "10.0.0.0/16", "IsDefault": false}]}`)}
	}
	snap := fstest.MapFS{
		"snapshot.json":                      {Data: []byte(`{"account_id": "123456789012", "partition": "aws", "regions": ["us-east-1", "eu-west-1", "eu-west-2"]}`)},
		"us-east-1/ec2/describe-vpcs.json":   vpcs("vpc-0aaa"),
		"eu-west-1/ec2/describe-vpcs.json":   vpcs("vpc-0bbb"),
		"eu-west-2/ec2/describe-vpcs.json":   vpcs("vpc-0aaa"), // same bytes as us-east-1
		"eu-west-2/kms/list-keys.error.json": {Data: []byte(`{"Code": "AccessDeniedException", "Message": "no kms:ListKeys"}`)},
		"us-east-1/kms/list-keys.json":       {Data: []byte(`{"Keys": [{"KeyId": "k1", "KeyArn": "arn:aws:kms:us-east-1:123456789012:key/k1"}]}`)},
	}
	s, err := Start(Scenario{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := sigConfig(s, "AKIAFAKE", "secret", "", nil)
	ctx := context.Background()
	for _, round := range []int{1, 2} { // the second round is served from the cache
		for region, want := range map[string]string{"us-east-1": "vpc-0aaa", "eu-west-1": "vpc-0bbb", "eu-west-2": "vpc-0aaa"} {
			out, err := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.Region = region }).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			if err != nil {
				t.Fatalf("round %d %s: %v", round, region, err)
			}
			if len(out.Vpcs) != 1 || aws.ToString(out.Vpcs[0].VpcId) != want {
				t.Errorf("round %d %s: got %+v, want %s", round, region, out.Vpcs, want)
			}
		}
		keys, err := kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{})
		if err != nil || len(keys.Keys) != 1 || aws.ToString(keys.Keys[0].KeyId) != "k1" {
			t.Errorf("round %d us-east-1 kms: %v %v", round, keys, err)
		}
		_, err = kms.NewFromConfig(cfg, func(o *kms.Options) { o.Region = "eu-west-2" }).ListKeys(ctx, &kms.ListKeysInput{})
		if errCode(err) != "AccessDeniedException" {
			t.Errorf("round %d eu-west-2 kms: %v, want AccessDeniedException", round, err)
		}
	}
	n := 0
	s.answers.m.Range(func(_, _ any) bool { n++; return true })
	if n != 3 { // vpc-0aaa, vpc-0bbb, the key list
		t.Errorf("%d decoded answers cached, want 3", n)
	}
}

// TestIndexFS: a snapshot on disk or in a MapFS is read once; files come
// back as copies, directories and absent files do not exist as files.
func TestIndexFS(t *testing.T) {
	disk := os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	for name, fsys := range map[string]fs.FS{"dir": disk, "map": fstest.MapFS{
		"snapshot.json":                    {Data: []byte(`{}`)},
		"us-east-1/ec2/describe-vpcs.json": {Data: []byte(`{"Vpcs": []}`)},
	}} {
		idx := indexFS(fsys)
		m, ok := idx.(*memFS)
		if !ok {
			t.Fatalf("%s: not indexed (%T)", name, idx)
		}
		if indexFS(idx) != idx {
			t.Errorf("%s: indexing twice copies again", name)
		}
		want, err := fs.ReadFile(fsys, "snapshot.json")
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(idx, "snapshot.json")
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: snapshot.json = %q, %v", name, got, err)
		}
		got[0] = 'X' // a caller's change does not reach the index
		if again, _ := fs.ReadFile(idx, "snapshot.json"); again[0] == 'X' {
			t.Errorf("%s: ReadFile hands out the stored bytes", name)
		}
		for _, p := range []string{"us-east-1", "us-east-1/ec2", "us-east-1/ec2/nothing.json", "../x"} {
			if _, err := fs.ReadFile(idx, p); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: ReadFile(%q) = %v, want not exist", name, p, err)
			}
		}
		if len(m.files) < 2 {
			t.Errorf("%s: %d files indexed", name, len(m.files))
		}
	}
}
