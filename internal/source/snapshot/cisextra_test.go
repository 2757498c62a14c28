package snapshot

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const cisExtraDir = "testdata/cisextra"

func TestLoadCISExtra(t *testing.T) {
	res := mustLoad(t, cisExtraDir)
	inv := res.Inventory
	use1, euw1 := inv.RegionNamed("us-east-1"), inv.RegionNamed("eu-west-1")
	if use1 == nil || euw1 == nil {
		t.Fatal("regions missing")
	}
	checkValues(t, []valueCase{
		{"root virtual MFA", view(inv.Root.HardwareMFA), true, "false", "global/iam/list-virtual-mfa-devices.json", "VirtualMFADevices[1]"},
		{"certificates", view(inv.CIS.ServerCertificates), true, anyValue, "global/iam/list-server-certificates.json", "ServerCertificateMetadataList"},
		{"analyzers read", view(use1.CIS.Analyzers), true, anyValue, "us-east-1/accessanalyzer/list-analyzers.json", "analyzers"},
		{"analyzers denied", view(euw1.CIS.Analyzers), false, "AccessDeniedException", "eu-west-1/accessanalyzer/list-analyzers.error.json", ""},
		{"recorders read", view(use1.CIS.ConfigRecorders), true, anyValue, "us-east-1/configservice/describe-configuration-recorders.json", "ConfigurationRecorders"},
	})
	certs := inv.CIS.ServerCertificates.Or(nil)
	if len(certs) != 2 || certs[0].Name != "api-2027" || certs[1].Name != "www-2025" ||
		certs[1].Expiration.Or(inv.CollectedAt).Format("2006-01-02") != "2025-10-31" ||
		certs[1].Expiration.Source().Path != "ServerCertificateMetadataList[0].Expiration" {
		t.Errorf("certificates = %+v", certs)
	}
	an := use1.CIS.Analyzers.Or(nil)
	if len(an) != 1 || an[0].Name != "ConsoleAnalyzer-3f9a" || an[0].Status.Or("") != "ACTIVE" || an[0].Type != "ACCOUNT" {
		t.Errorf("analyzers = %+v", an)
	}
	rec := use1.CIS.ConfigRecorders.Or(nil)
	if len(rec) != 1 || !rec[0].AllSupported.Or(false) || !rec[0].IncludeGlobalResourceTypes.Or(false) || !rec[0].Recording.Or(false) ||
		rec[0].Recording.Source().File != "us-east-1/configservice/describe-configuration-recorder-status.json" {
		t.Errorf("us-east-1 recorders = %+v", rec)
	}
	// eu-west-1: allSupported false, includeGlobalResourceTypes omitted
	// (AWS omits false), status file not collected.
	rec = euw1.CIS.ConfigRecorders.Or(nil)
	if len(rec) != 1 || rec[0].AllSupported.Or(true) || rec[0].IncludeGlobalResourceTypes.Or(true) || rec[0].Recording.Known() ||
		!strings.Contains(rec[0].Recording.Reason(), "not collected") {
		t.Errorf("eu-west-1 recorders = %+v (recording reason %q)", rec, rec[0].Recording.Reason())
	}
	efs := inv.CIS.EFSFileSystems
	if len(efs) != 2 || efs[0].Region != "eu-west-1" || efs[0].Encrypted.Or(true) || efs[0].Name != "fs-09f8e7d6c5b4a3921" ||
		efs[1].Name != "shared-home" || !efs[1].Encrypted.Or(false) || efs[1].Ref().Type != awsm.TypeEFSFileSystem ||
		efs[1].Encrypted.Source().Path != "FileSystems[0].Encrypted" {
		t.Errorf("EFS = %+v", efs)
	}
	checkValues(t, []valueCase{
		{"no security contact", view(inv.CIS.SecurityContact), true, "false", "global/account/get-alternate-contact/SECURITY.error.json", ""},
	})
	// Only the tables with a peering route are kept, with both address
	// families; the connection keeps both sides' CIDR blocks.
	rts := inv.CIS.RouteTables
	if len(rts) != 2 || rts[0].ID != "rtb-0aaa1111bbbb2222c" || rts[0].Name != "app-main" || rts[0].VPCID != "vpc-0123456789abcdef0" ||
		len(rts[0].PeeringRoutes) != 1 || rts[0].PeeringRoutes[0] != (awsm.PeeringRoute{PeeringID: "pcx-0a1b2c3d4e5f60718", Destination: "10.20.0.0/16",
		Source: model.Source{File: "us-east-1/ec2/describe-route-tables.json", Path: "RouteTables[0].Routes[1]"}}) ||
		rts[1].PeeringRoutes[0].Destination != "::/0" || rts[1].Ref().Type != awsm.TypeRouteTable {
		t.Errorf("route tables = %+v", rts)
	}
	pcx := inv.CIS.PeeringConnections["pcx-0a1b2c3d4e5f60718"]
	if pcx == nil || pcx.AccepterVPC != "vpc-0fedcba9876543210" || strings.Join(pcx.AccepterCIDRs, ",") != "10.20.0.0/16,10.21.0.0/24" ||
		strings.Join(pcx.RequesterCIDRs, ",") != "10.10.0.0/16,2600:1f18:abcd:1200::/56" || pcx.Status != "active" {
		t.Errorf("peering = %+v", pcx)
	}
	for _, c := range []struct {
		region, service, op string
		status              awsm.CoverageStatus
	}{
		{"global", "account", "get-alternate-contact", awsm.CoverageRead}, // ResourceNotFoundException means "none"
		{"eu-west-1", "ec2", "describe-route-tables", awsm.CoverageMissing},
		{"global", "iam", "list-virtual-mfa-devices", awsm.CoverageRead},
		{"global", "iam", "list-server-certificates", awsm.CoverageRead},
		{"eu-west-1", "accessanalyzer", "list-analyzers", awsm.CoverageError},
		{"eu-west-1", "configservice", "describe-configuration-recorder-status", awsm.CoverageMissing},
		{"us-east-1", "efs", "describe-file-systems", awsm.CoverageRead},
	} {
		if got, ok := coverageOf(inv, c.region, c.service, c.op); !ok || got.Status != c.status {
			t.Errorf("%s/%s/%s = %+v, want %s", c.region, c.service, c.op, got, c.status)
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
}

func cisExtraMapFS(tb testing.TB) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(cisExtraDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(cisExtraDir, p)
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// The root's MFA is hardware when MFA is on and no virtual device is
// assigned to the root; unknown when the device list is missing or denied.
func TestLoadRootHardwareMFA(t *testing.T) {
	summary := &fstest.MapFile{Data: []byte(`{"SummaryMap": {"AccountMFAEnabled": 1, "Users": 3}}`)}
	aliceOnly := &fstest.MapFile{Data: []byte(`{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/alice-phone",
  "User": {"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice"}}]}`)}
	for _, c := range []struct {
		name  string
		files map[string]*fstest.MapFile
		known bool
		want  string // value, or substring of the reason
	}{
		{"hardware", map[string]*fstest.MapFile{"global/iam/get-account-summary.json": summary, "global/iam/list-virtual-mfa-devices.json": aliceOnly}, true, "true"},
		{"no MFA at all", map[string]*fstest.MapFile{"global/iam/get-account-summary.json": {Data: []byte(`{"SummaryMap": {"AccountMFAEnabled": 0}}`)},
			"global/iam/list-virtual-mfa-devices.json": aliceOnly}, true, "false"},
		{"MFA state unknown", map[string]*fstest.MapFile{"global/iam/list-virtual-mfa-devices.json": aliceOnly}, false, "MFA is unknown"},
		{"device list denied", map[string]*fstest.MapFile{"global/iam/get-account-summary.json": summary,
			"global/iam/list-virtual-mfa-devices.error.json": {Data: []byte(`{"Code": "AccessDenied", "Message": "not authorized to perform: iam:ListVirtualMFADevices"}`)}}, false, "AccessDenied"},
		{"not collected", map[string]*fstest.MapFile{"global/iam/get-account-summary.json": summary}, false, "not collected"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{metaFile: {Data: []byte(`{"collected_at": "2026-11-20T09:30:00Z", "account_id": "111122223333", "partition": "aws", "regions": []}`)}}
			for k, v := range c.files {
				fsys[k] = v
			}
			res, err := LoadFS(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := view(res.Inventory.Root.HardwareMFA)
			if got.known != c.known || (c.known && got.value != c.want) || (!c.known && !strings.Contains(got.reason, c.want)) {
				t.Errorf("HardwareMFA = %+v, want known=%v %q", got, c.known, c.want)
			}
		})
	}
}

// A malformed file is a warning naming the file and position; its values
// are unknown and the rest of the import goes on.
func TestLoadCISExtraBadInput(t *testing.T) {
	fsys := cisExtraMapFS(t)
	fsys["us-east-1/efs/describe-file-systems.json"] = &fstest.MapFile{Data: []byte("{\n  \"FileSystems\": [\n    {\"FileSystemId\": \"fs-1\", \"Encrypted\": \"yes\"}\n  ]\n}\n")}
	fsys["global/iam/list-server-certificates.json"] = &fstest.MapFile{Data: []byte(`{"ServerCertificateMetadataList": [{"ServerCertificateName": "x", "Expiration": "next tuesday"}]}`)}
	res, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ws := warningsFor(res, "us-east-1/efs/describe-file-systems.json")
	if len(ws) != 1 || ws[0].Line != 3 || !strings.Contains(ws[0].Message, "FileSystems[0].Encrypted") {
		t.Errorf("EFS warnings = %v", ws)
	}
	if n := len(res.Inventory.CIS.EFSFileSystems); n != 1 {
		t.Errorf("%d file systems, want only eu-west-1's", n)
	}
	certs := res.Inventory.CIS.ServerCertificates.Or(nil)
	if len(certs) != 1 || certs[0].Expiration.Known() || len(warningsFor(res, "global/iam/list-server-certificates.json")) != 1 {
		t.Errorf("certificates = %+v, warnings %v", certs, res.Warnings)
	}
}

// FuzzCISExtraFile replaces one file of the CIS fixture with arbitrary
// bytes: the import must warn, never panic or fail.
func FuzzCISExtraFile(f *testing.F) {
	base := cisExtraMapFS(f)
	var files []string
	for p := range base {
		if p != metaFile {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	for i, p := range files {
		f.Add(uint16(i), base[p].Data)
	}
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		fsys := make(fstest.MapFS, len(base))
		for k, v := range base {
			fsys[k] = v
		}
		file := files[int(which)%len(files)]
		fsys[file] = &fstest.MapFile{Data: data}
		res, err := LoadFSWithOptions(fsys, Options{Workers: 1})
		if err != nil {
			t.Fatalf("replacing %s failed the import: %v", file, err)
		}
		for _, w := range res.Warnings {
			if w.File == "" || w.Message == "" {
				t.Fatalf("warning without file or message: %+v", w)
			}
		}
	})
}

func TestLoadSecurityContact(t *testing.T) {
	const base = "global/account/get-alternate-contact/SECURITY"
	for _, c := range []struct {
		name, file, data string
		known            bool
		want             string
	}{
		{"registered", base + ".json", `{"AlternateContact": {"AlternateContactType": "SECURITY", "EmailAddress": "security@example.com", "Name": "Security team", "PhoneNumber": "+1-555-0100", "Title": "Security"}}`, true, "true"},
		{"none", base + ".error.json", `{"Code": "ResourceNotFoundException", "Message": "No contact of the inputted alternate contact type found."}`, true, "false"},
		{"denied", base + ".error.json", `{"Code": "AccessDeniedException", "Message": "not authorized to perform: account:GetAlternateContact"}`, false, "AccessDeniedException"},
		{"not collected", "", "", false, "not collected"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{metaFile: {Data: []byte(`{"collected_at": "2026-11-20T09:30:00Z", "account_id": "111122223333", "partition": "aws", "regions": []}`)}}
			if c.file != "" {
				fsys[c.file] = &fstest.MapFile{Data: []byte(c.data)}
			}
			res, err := LoadFS(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := view(res.Inventory.CIS.SecurityContact)
			if got.known != c.known || (c.known && got.value != c.want) || (!c.known && !strings.Contains(got.reason, c.want)) {
				t.Errorf("SecurityContact = %+v, want known=%v %q", got, c.known, c.want)
			}
		})
	}
}
