package snapshot

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// fuzzFiles are the operation files the fuzzer replaces: every file of the
// basic fixture except snapshot.json (whose errors are fatal; FuzzMeta
// covers it), plus error-file paths.
func fuzzFiles(base fstest.MapFS) []string {
	var out []string
	for p := range base {
		if p != metaFile {
			out = append(out, p)
		}
	}
	out = append(out,
		"global/iam/get-account-password-policy.error.json",
		"global/iam/get-credential-report.json",
		"us-east-1/kms/get-key-rotation-status/"+k1+".error.json",
		"eu-west-1/cloudtrail/get-trail-status/main-trail.json",
	)
	sort.Strings(out)
	return out
}

// FuzzOperationFile replaces one operation file of a realistic snapshot
// with arbitrary bytes: every per-operation decoder must cope (warning and
// unknown values), never panic and never fail the import.
func FuzzOperationFile(f *testing.F) {
	base := basicMapFS(f)
	files := fuzzFiles(base)
	for i, p := range files {
		if m, ok := base[p]; ok {
			f.Add(uint16(i), m.Data)
		}
	}
	f.Add(uint16(0), []byte(`{"Volumes": [{"VolumeId": "v", "Encrypted": "yes"}]}`))
	f.Add(uint16(1), []byte(`{"Code": "AccessDenied", "Message": "x"}`))
	f.Add(uint16(2), []byte("user,arn\n<root_account>,arn:aws:iam::111122223333:root\n"))
	f.Add(uint16(3), []byte(`{"SecurityGroups": [{"IpPermissions": [{"IpProtocol": "-1", "FromPort": null}]}]}`))
	f.Add(uint16(4), []byte(`{"Policy": "%7B%22Statement%22%3A%5B%5D%7D"}`))
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		fsys := make(fstest.MapFS, len(base)+1)
		for k, v := range base {
			fsys[k] = v
		}
		file := files[int(which)%len(files)]
		fsys[file] = &fstest.MapFile{Data: data, Mode: 0o644}
		// One worker: the fuzzer wants throughput, not goroutines.
		res, err := LoadFSWithOptions(fsys, Options{Workers: 1})
		if err != nil {
			t.Fatalf("replacing %s failed the whole import: %v", file, err)
		}
		if res.Inventory == nil || res.Inventory.Account == nil || res.Inventory.Root == nil {
			t.Fatal("incomplete result")
		}
		for _, w := range res.Warnings {
			if w.File == "" || w.Message == "" {
				t.Fatalf("warning without file or message: %+v", w)
			}
		}
	})
}

// FuzzMeta feeds arbitrary snapshot.json content: an error or a result,
// never a panic.
func FuzzMeta(f *testing.F) {
	base := basicMapFS(f)
	f.Add(base[metaFile].Data)
	f.Add([]byte(goodMeta))
	f.Add([]byte(`{"collected_at": "2024-06-01T00:00:00+02:00", "account_id": "000000000000", "partition": "aws-us-gov", "regions": []}`))
	f.Add([]byte(`{"regions": [1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := make(fstest.MapFS, len(base))
		for k, v := range base {
			fsys[k] = v
		}
		fsys[metaFile] = &fstest.MapFile{Data: data, Mode: 0o644}
		res, err := LoadFS(fsys)
		if err == nil && res.Inventory == nil {
			t.Fatal("nil inventory without error")
		}
		if err != nil && !strings.Contains(err.Error(), metaFile) {
			t.Fatalf("error does not name %s: %v", metaFile, err)
		}
	})
}

// FuzzCredentialReport feeds arbitrary CSV to the credential report parser
// and builds every row's credentials.
func FuzzCredentialReport(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join(basicDir, credF))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("user,arn,password_enabled\n<root_account>,arn:aws:iam::1:root,not_supported\n"))
	f.Add([]byte("arn,user,access_key_1_last_used_date\nx,bob,no_information\n"))
	f.Add([]byte("\ufeffuser,arn\n\"bob\",\"a,b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := parseCredentialReport(credF, data)
		if err != nil {
			if !strings.Contains(err.Error(), credF) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, row := range rep.rows {
			c := rep.credentials(row)
			if len(c.AccessKeys) != 2 || !c.InReport.Known() {
				t.Fatalf("credentials = %+v", c)
			}
		}
	})
}

// FuzzJSONPathAt checks the error-path helper on arbitrary JSON and offsets.
func FuzzJSONPathAt(f *testing.F) {
	f.Add([]byte(`{"Volumes": [{"Encrypted": "yes"}]}`), int64(32))
	f.Add([]byte(`[[[{"a": {"b": [1, 2, {"c": null}]}}]]]`), int64(30))
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		_ = jsonPathAt(data, off)
		var v struct {
			Volumes []struct {
				Encrypted *bool `json:"Encrypted"`
			} `json:"Volumes"`
		}
		if err := decodeJSON("x.json", data, &v); err != nil && !strings.HasPrefix(err.Error(), "x.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
