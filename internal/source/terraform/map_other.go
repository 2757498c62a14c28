package terraform

import (
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func (m *mapper) dbParameterGroup(in *instance) {
	r := m.reader(in)
	name := r.strAbsent("name", "the parameter group name is generated at apply")
	params := map[string]awsm.DBParameter{}
	pv := model.Known(params, r.block())
	bs, reason := r.blocks("parameter")
	if reason != "" {
		pv = model.Unknown[map[string]awsm.DBParameter](reason, r.block())
	}
	for _, b := range bs {
		n, ok := b.str("name", "").Get()
		if !ok {
			pv = model.Unknown[map[string]awsm.DBParameter]("a parameter name is unknown: "+b.str("name", "").Reason(), b.block())
			break
		}
		params[n] = awsm.DBParameter{Value: b.str("value", ""), Source: b.block()}
	}
	g := &awsm.DBParameterGroup{Name: orStr(name.Or(""), in.addr), Parameters: pv}
	m.pgroups[in.key] = g
	m.remember(in, "dbpg", name.Or(""))
}

// dbInstance maps aws_db_instance. Defaults (AWS provider):
// storage_encrypted false, publicly_accessible false, multi_az false,
// auto_minor_version_upgrade true. Without parameter_group_name the
// engine's default parameter group applies: every parameter at its engine
// default (empty value).
func (m *mapper) dbInstance(in *instance) {
	r := m.reader(in)
	name := r.str("identifier", "")
	db := &awsm.DBInstance{Identity: m.identity(in, name.Or("")), Engine: r.strAbsent("engine", "engine is not set"),
		EngineVersion:           r.strAbsent("engine_version", "the engine version is chosen by AWS at apply"),
		StorageEncrypted:        r.boolean("storage_encrypted", false),
		KMSKeyID:                r.str("kms_key_id", ""),
		PubliclyAccessible:      r.boolean("publicly_accessible", false),
		MultiAZ:                 r.boolean("multi_az", false),
		AutoMinorVersionUpgrade: r.boolean("auto_minor_version_upgrade", true)}
	// A restored or replicated instance inherits encryption and engine
	// from its origin, which is not in the configuration.
	for _, from := range []string{"snapshot_identifier", "replicate_source_db"} {
		if r.has(from) && !r.has("storage_encrypted") {
			db.StorageEncrypted = model.Unknown[bool]("storage encryption is inherited from "+from, r.src(from))
		}
	}
	switch {
	case r.has("parameter_group_name"):
		if key, ok := m.find(r, "parameter_group_name", "dbpg", has(m.pgroups)); ok {
			db.ParameterGroups = []awsm.DBParameterGroup{*m.pgroups[key]}
		} else {
			pg := r.str("parameter_group_name", "")
			reason := "parameter group " + pg.Or("") + " is not declared in the scanned configuration"
			if !pg.Known() {
				reason = pg.Reason()
			}
			db.ParameterGroups = []awsm.DBParameterGroup{{Name: pg.Or("(unknown)"),
				Parameters: model.Unknown[map[string]awsm.DBParameter](reason, r.src("parameter_group_name"))}}
		}
	default:
		db.ParameterGroups = []awsm.DBParameterGroup{{Name: "default." + db.Engine.Or(""),
			Parameters: model.Known(map[string]awsm.DBParameter{}, r.block())}}
	}
	m.inv.DBInstances = append(m.inv.DBInstances, db)
}

// kmsKey maps aws_kms_key: enable_key_rotation defaults to false,
// is_enabled to true, key_usage to ENCRYPT_DECRYPT, the key spec to
// SYMMETRIC_DEFAULT.
func (m *mapper) kmsKey(in *instance) {
	r := m.reader(in)
	k := &awsm.KMSKey{Identity: m.identity(in, ""), Manager: model.Known("CUSTOMER", r.block()),
		State:           enabledString(r.boolean("is_enabled", true), "Enabled", "Disabled"),
		KeySpec:         r.str("customer_master_key_spec", "SYMMETRIC_DEFAULT"),
		KeyUsage:        r.str("key_usage", "ENCRYPT_DECRYPT"),
		Origin:          model.Known("AWS_KMS", r.block()),
		RotationEnabled: r.boolean("enable_key_rotation", false)}
	m.kmsKeyPolicy(in, r, k)
	m.inv.KMSKeys = append(m.inv.KMSKeys, k)
}

// trail maps aws_cloudtrail. Defaults: is_multi_region_trail false,
// enable_log_file_validation false, include_global_service_events true,
// enable_logging true, no KMS key, one event selector for all management
// events when none is declared.
func (m *mapper) trail(in *instance) {
	r := m.reader(in)
	name := r.str("name", "")
	t := &awsm.Trail{Identity: m.identity(in, name.Or("")),
		IsMultiRegion:          r.boolean("is_multi_region_trail", false),
		IsOrganizationTrail:    r.boolean("is_organization_trail", false),
		LogFileValidation:      r.boolean("enable_log_file_validation", false),
		IncludeGlobalEvents:    r.boolean("include_global_service_events", true),
		KMSKeyID:               r.str("kms_key_id", ""),
		S3BucketName:           r.str("s3_bucket_name", ""),
		CloudWatchLogsGroupARN: r.str("cloud_watch_logs_group_arn", ""),
		IsLogging:              r.boolean("enable_logging", true)}
	sels, reason := r.blocks("event_selector")
	switch {
	case reason != "":
		t.EventSelectors = model.Unknown[[]awsm.EventSelector](reason, r.block())
	case len(sels) == 0:
		t.EventSelectors = model.Known([]awsm.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, Source: r.block()}}, r.block())
	default:
		var out []awsm.EventSelector
		for _, s := range sels {
			es := awsm.EventSelector{ReadWriteType: s.str("read_write_type", "All").Or("All"),
				IncludeManagementEvents: s.boolean("include_management_events", true).Or(true), Source: s.block()}
			drs, _ := s.blocks("data_resource")
			for _, d := range drs {
				es.DataResources = append(es.DataResources, awsm.DataResource{Type: d.plain("type"), Values: d.strings("values").Or(nil)})
			}
			out = append(out, es)
		}
		t.EventSelectors = model.Known(out, r.block())
	}
	adv, reason := r.blocks("advanced_event_selector")
	switch {
	case reason != "":
		t.AdvancedSelectors = model.Unknown[[]awsm.AdvancedEventSelector](reason, r.block())
	default:
		out := []awsm.AdvancedEventSelector{}
		for _, a := range adv {
			as := awsm.AdvancedEventSelector{Name: a.plain("name"), Source: a.block()}
			fss, _ := a.blocks("field_selector")
			for _, f := range fss {
				as.FieldSelectors = append(as.FieldSelectors, awsm.FieldSelector{Field: f.plain("field"),
					Equals: f.strings("equals").Or(nil), NotEquals: f.strings("not_equals").Or(nil),
					StartsWith: f.strings("starts_with").Or(nil), NotStartsWith: f.strings("not_starts_with").Or(nil),
					EndsWith: f.strings("ends_with").Or(nil), NotEndsWith: f.strings("not_ends_with").Or(nil)})
			}
			out = append(out, as)
		}
		t.AdvancedSelectors = model.Known(out, r.block())
	}
	m.trails = append(m.trails, t)
}

// account maps account-wide resources into one Account per inventory:
// aws_s3_account_public_access_block (settings default false) and
// aws_iam_account_password_policy (provider defaults: length 6, nothing
// required, users may change their password).
func (m *mapper) account(in *instance) {
	r := m.reader(in)
	if m.acct == nil {
		m.acct = &awsm.Account{Identity: m.identity(in, "account")}
		m.acct.Region = "global"
		notDeclared := func(what string) string { return what + " is not declared in the scanned configuration" }
		u := model.Unknown[bool](notDeclared("aws_s3_account_public_access_block"), r.block())
		m.acct.S3PublicAccessBlock = awsm.PublicAccessBlock{Configured: u, BlockPublicAcls: u, IgnorePublicAcls: u,
			BlockPublicPolicy: u, RestrictPublicBuckets: u}
		m.acct.PasswordPolicy.Exists = model.Unknown[bool](notDeclared("aws_iam_account_password_policy"), r.block())
		m.acct.Summary = model.Unknown[map[string]int64]("the account summary exists only once deployed", r.block())
		m.inv.Account = m.acct
	}
	a := m.acct
	switch in.typ {
	case "aws_s3_account_public_access_block":
		a.S3PublicAccessBlock = awsm.PublicAccessBlock{Configured: model.Known(true, r.block()),
			BlockPublicAcls: r.boolean("block_public_acls", false), IgnorePublicAcls: r.boolean("ignore_public_acls", false),
			BlockPublicPolicy: r.boolean("block_public_policy", false), RestrictPublicBuckets: r.boolean("restrict_public_buckets", false)}
	case "aws_iam_account_password_policy":
		hard := r.boolean("hard_expiry", false)
		maxAge := r.integer("max_password_age", 0)
		a.PasswordPolicy = awsm.PasswordPolicy{Exists: model.Known(true, r.block()),
			MinimumPasswordLength:      r.integer("minimum_password_length", 6),
			PasswordReusePrevention:    r.integer("password_reuse_prevention", 0),
			RequireSymbols:             r.boolean("require_symbols", false),
			RequireNumbers:             r.boolean("require_numbers", false),
			RequireUppercaseCharacters: r.boolean("require_uppercase_characters", false),
			RequireLowercaseCharacters: r.boolean("require_lowercase_characters", false),
			MaxPasswordAge:             maxAge,
			ExpirePasswords:            model.Known(maxAge.Or(0) > 0, maxAge.Source()),
			HardExpiry:                 hard,
			AllowUsersToChangePassword: r.boolean("allow_users_to_change_password", true)}
		if !maxAge.Known() {
			a.PasswordPolicy.ExpirePasswords = model.Unknown[bool](maxAge.Reason(), maxAge.Source())
		}
	}
}

// finish applies what needs the whole tree: EBS encryption by default to
// volumes that do not say, the trail list.
func (m *mapper) finish() {
	for _, d := range m.defaulted {
		if reg := m.regions[d.root]; reg != nil && model.IsTrue(reg.EBSEncryptionByDefault) {
			d.v.Encrypted = model.Known(true, reg.EBSEncryptionByDefault.Source())
		}
	}
	if len(m.trails) > 0 {
		m.inv.Trails = model.Known(m.trails, model.Source{})
	}
	for _, p := range m.inv.Policies {
		p.AttachmentCount = model.Known(m.attachments[p.ARN], p.Source)
	}
	_ = strings.TrimSpace
}
