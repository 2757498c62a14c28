package awslive_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// Test credentials: the fake checks the key ID; the secret and the token
// must never appear in anything the collector writes.
const (
	testKeyID  = "AKIAFAKEAWSTESTKEY01"
	testSecret = "fakeaws/Secret+Key/DoNotLeak0123456789abc"
	testToken  = "FwoGZXIvYXdzEFAKESESSIONTOKENDONOTLEAK"
)

// basicDir is the importer's complete example snapshot.
var basicDir = filepath.Join("..", "snapshot", "testdata", "basic")

// credsEnv points the standard credential chain at the test credentials
// only: no shared files, no instance metadata.
func credsEnv(t *testing.T) { setCredsEnv(t) }

func osDirFS(dir string) fs.FS { return os.DirFS(dir) }

func setCredsEnv(t testing.TB) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", testKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_SESSION_TOKEN", testToken)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_S3_CONTROL", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

func startFake(t *testing.T, sc fakeaws.Scenario) *fakeaws.Server {
	t.Helper()
	if sc.Snapshot == nil {
		sc.Snapshot = os.DirFS(basicDir)
	}
	sc.AccessKeyID = testKeyID
	// Every signature is recomputed: the SDK must sign as AWS expects.
	if sc.SecretAccessKey == "" {
		sc.SecretAccessKey, sc.SessionToken = testSecret, testToken
	}
	srv, err := fakeaws.Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if bad := srv.BadRequests(); len(bad) > 0 {
			t.Errorf("the fake refused requests: %q", bad)
		}
	})
	return srv
}

func collect(t *testing.T, srv *fakeaws.Server, opts awslive.Options) (*awslive.MemWriter, *awslive.Summary) {
	t.Helper()
	credsEnv(t)
	opts.EndpointURL = srv.URL
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 50 * time.Millisecond
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 10 * time.Second
	}
	w := &awslive.MemWriter{}
	sum, err := awslive.Collect(context.Background(), opts, w)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return w, sum
}
