// Package snapshot reads the snapshot layout (AWS CLI JSON, one file per
// operation) into the AWS resource model.
//
// The layout is documented in docs/snapshot-format.md. In short:
//
//	snapshot.json                                  collection metadata (required)
//	<region|global>/<service>/<operation>.json     what `aws <service> <operation> --output json` prints
//	<region|global>/<service>/<operation>/<key>.json   per-resource calls (bucket, key id, trail, ...)
//	....error.json                                 an API error answer {"Code","Message"}
//	global/iam/get-credential-report.csv           the decoded credential report
//
// A missing file means "not collected": the values it would have given are
// unknown. An error answer means what AWS means by it (NoSuchBucketPolicy is a
// known "no policy"; AccessDenied leaves the values unknown). Only a missing
// or unusable snapshot.json is fatal; a bad operation file is a warning and
// leaves that operation's values unknown while the rest of the import goes on.
package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"time"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// MaxFileSize is the default size limit of one snapshot file. A larger file
// is not read (a warning names it and its size; snapshot.json over the limit
// is fatal). Options.MaxFileSize overrides it per call.
var MaxFileSize int64 = 256 << 20

// Options tune an import. The zero Options uses the defaults.
type Options struct {
	// MaxFileSize overrides the package-level MaxFileSize when > 0.
	MaxFileSize int64
	// Workers bounds concurrent reads of per-resource files; default
	// 4×GOMAXPROCS (reads are I/O- as much as CPU-bound).
	Workers int
}

// Warning is a problem that did not stop the import: the affected values are
// unknown and the rest of the scan goes on.
type Warning struct {
	File    string // snapshot-relative path
	Line    int    // 1-based, 0 when not applicable
	Message string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return w.File + ": " + w.Message
}

// Result is an imported snapshot.
type Result struct {
	Inventory *awsm.Inventory
	Warnings  []Warning
}

// Load reads the snapshot in directory dir.
func Load(dir string) (*Result, error) { return LoadWithOptions(dir, Options{}) }

// LoadWithOptions is Load with options.
func LoadWithOptions(dir string, opts Options) (*Result, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("snapshot %s: directory does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("snapshot %s: %v", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("snapshot %s: not a directory", dir)
	}
	res, err := LoadFSWithOptions(os.DirFS(dir), opts)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	return res, nil
}

// LoadFS reads a snapshot whose snapshot.json is at the root of fsys.
func LoadFS(fsys fs.FS) (*Result, error) { return LoadFSWithOptions(fsys, Options{}) }

// LoadFSWithOptions is LoadFS with options.
func LoadFSWithOptions(fsys fs.FS, opts Options) (*Result, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = MaxFileSize
	}
	if opts.Workers <= 0 {
		opts.Workers = 4 * runtime.GOMAXPROCS(0)
	}
	l := &loader{fsys: fsys, opts: opts, cov: map[covKey]*covAgg{}}
	if err := l.index(); err != nil {
		return nil, err
	}
	if len(l.files) == 0 {
		return nil, errors.New("empty snapshot: no snapshot.json and no files")
	}
	m, err := l.readMeta()
	if err != nil {
		return nil, err
	}
	inv := &awsm.Inventory{
		AccountID:   m.AccountID,
		Partition:   m.Partition,
		CollectedAt: m.CollectedAt,
		RegionNames: m.Regions,
	}
	l.inv = inv
	l.loadGlobal()
	l.loadRegions()
	l.loadCISExtra()
	l.loadNetwork()
	l.loadPolicyResources()
	l.loadComplianceOps()
	l.warnUnclaimed()
	l.finish()
	inv.Index()
	return &Result{Inventory: inv, Warnings: l.warnings}, nil
}

// metaFile is the snapshot metadata file at the root.
const metaFile = "snapshot.json"

// rawMeta is snapshot.json as written; pointers tell "missing" from "empty".
type rawMeta struct {
	CollectedAt *string   `json:"collected_at"`
	AccountID   *string   `json:"account_id"`
	Partition   *string   `json:"partition"`
	Regions     *[]string `json:"regions"`
}

// meta is validated snapshot metadata.
type meta struct {
	CollectedAt time.Time
	AccountID   string
	Partition   string
	Regions     []string // sorted
}

var (
	accountRe   = regexp.MustCompile(`^[0-9]{12}$`)
	partitionRe = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// readMeta reads and validates snapshot.json; every problem is fatal because
// nothing else can be interpreted without it.
func (l *loader) readMeta() (*meta, error) {
	if _, ok := l.files[metaFile]; !ok {
		return nil, fmt.Errorf("%s missing: not a snapshot directory (see docs/snapshot-format.md)", metaFile)
	}
	l.claim(metaFile)
	data, err := l.read(metaFile)
	if err != nil {
		return nil, err
	}
	var m rawMeta
	if err := decodeJSON(metaFile, data, &m); err != nil {
		return nil, err
	}
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%s: field %q: %s", metaFile, field, fmt.Sprintf(format, args...))
	}
	switch {
	case m.CollectedAt == nil:
		return nil, bad("collected_at", "missing (want an RFC 3339 time)")
	case m.AccountID == nil:
		return nil, bad("account_id", "missing (want the 12-digit account ID)")
	case m.Partition == nil:
		return nil, bad("partition", `missing (want "aws", "aws-cn" or "aws-us-gov")`)
	case m.Regions == nil:
		return nil, bad("regions", "missing (want a list of region names)")
	}
	t, err := time.Parse(time.RFC3339, *m.CollectedAt)
	if err != nil {
		return nil, bad("collected_at", "%q is not an RFC 3339 time", *m.CollectedAt)
	}
	if !accountRe.MatchString(*m.AccountID) {
		return nil, bad("account_id", "%q is not a 12-digit account ID", *m.AccountID)
	}
	if !partitionRe.MatchString(*m.Partition) {
		return nil, bad("partition", "%q is not an AWS partition", *m.Partition)
	}
	seen := map[string]bool{}
	for i, r := range *m.Regions {
		if !regionRe.MatchString(r) {
			return nil, bad("regions", "[%d] %q is not a region name", i, r)
		}
		if seen[r] {
			return nil, bad("regions", "[%d] %q listed twice", i, r)
		}
		seen[r] = true
	}
	regions := append([]string(nil), *m.Regions...)
	sort.Strings(regions)
	return &meta{CollectedAt: t, AccountID: *m.AccountID, Partition: *m.Partition, Regions: regions}, nil
}

// loader holds the state of one import.
type loader struct {
	fsys  fs.FS
	opts  Options
	files map[string]*fileEntry // every regular file, by slash path
	inv   *awsm.Inventory

	mu       sync.Mutex
	warnings []Warning
	cov      map[covKey]*covAgg
}

func (l *loader) account() string   { return l.inv.AccountID }
func (l *loader) partition() string { return l.inv.Partition }

// warn records a warning; safe for concurrent use.
func (l *loader) warn(file string, line int, format string, args ...any) {
	l.mu.Lock()
	l.warnings = append(l.warnings, Warning{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	l.mu.Unlock()
}

// finish sorts warnings and coverage so results do not depend on goroutine
// scheduling.
func (l *loader) finish() {
	sort.Slice(l.warnings, func(i, j int) bool {
		a, b := l.warnings[i], l.warnings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	keys := make([]covKey, 0, len(l.cov))
	for k := range l.cov {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.region != b.region {
			return a.region < b.region
		}
		if a.service != b.service {
			return a.service < b.service
		}
		return a.op < b.op
	})
	for _, k := range keys {
		l.inv.Coverage = append(l.inv.Coverage, l.cov[k].coverage(k))
	}
}

// parallel runs fn(0..n-1) on at most opts.Workers goroutines.
func (l *loader) parallel(n int, fn func(i int)) {
	workers := min(l.opts.Workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
