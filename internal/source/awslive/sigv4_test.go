package awslive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// TestWrongSecretRefused: the fake recomputes every signature, so a
// collection with the right key ID but a wrong secret stops at the first
// call with AWS's SignatureDoesNotMatch, and nothing is written; the
// secret appears in no message.
func TestWrongSecretRefused(t *testing.T) {
	srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: osDirFS(basicDir), AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	credsEnv(t)
	const wrong = "wrong/Secret+Key/0123456789abcdefghijklm"
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
	w := &awslive.MemWriter{}
	_, err = awslive.Collect(context.Background(), awslive.Options{EndpointURL: srv.URL}, w)
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") || strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), testSecret) {
		t.Fatalf("Collect with a wrong secret: %v", err)
	}
	if srv.TotalCalls() != 0 || len(srv.BadRequests()) == 0 {
		t.Errorf("answered %d calls, refused %q", srv.TotalCalls(), srv.BadRequests())
	}
}
