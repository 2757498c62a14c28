// Package synth writes synthetic Terraform trees of any size for
// benchmarks: realistic resources (buckets with companions, security
// groups with dynamic rules, volumes, KMS keys, IAM roles), variables,
// locals, for_each and local modules.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Spec sizes a tree.
type Spec struct {
	// Files is the number of .tf files with resources.
	Files int
	// ResourcesPerFile is the number of resource instances per file.
	ResourcesPerFile int
	// Modules spreads the files over this many local modules called from
	// one root (0: one flat root module holding every file).
	Modules int
}

// Write writes the tree under dir and returns the number of resource
// instances it declares.
func Write(dir string, s Spec) (int, error) {
	if s.Files <= 0 || s.ResourcesPerFile <= 0 {
		return 0, fmt.Errorf("synth: Files and ResourcesPerFile must be positive")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	root := `variable "env" {
  type    = string
  default = "bench"
}

variable "admin_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

locals {
  prefix = "acme-${var.env}"
  ports  = [443, 8443]
}
`
	folders := []string{dir}
	if s.Modules > 0 {
		var calls strings.Builder
		folders = nil
		for m := 0; m < s.Modules; m++ {
			mdir := filepath.Join(dir, "modules", fmt.Sprintf("m%04d", m))
			if err := os.MkdirAll(mdir, 0o755); err != nil {
				return 0, err
			}
			folders = append(folders, mdir)
			fmt.Fprintf(&calls, "\nmodule \"m%04d\" {\n  source     = \"./modules/m%04d\"\n  env        = var.env\n  admin_cidr = var.admin_cidr\n}\n", m, m)
			vars := "variable \"env\" {\n  type = string\n}\n\nvariable \"admin_cidr\" {\n  type = string\n}\n\n" +
				"locals {\n  prefix = \"acme-${var.env}\"\n  ports  = [443, 8443]\n}\n"
			if err := os.WriteFile(filepath.Join(mdir, "variables.tf"), []byte(vars), 0o644); err != nil {
				return 0, err
			}
		}
		root += calls.String()
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(root), 0o644); err != nil {
		return 0, err
	}
	total := 0
	for f := 0; f < s.Files; f++ {
		var b strings.Builder
		n := 0
		for i := 0; n < s.ResourcesPerFile; i++ {
			id := fmt.Sprintf("f%05d_%d", f, i)
			switch i % 5 {
			case 0: // a bucket and its companions (3 instances)
				fmt.Fprintf(&b, `resource "aws_s3_bucket" "%[1]s" {
  bucket = "${local.prefix}-%[2]s"
  tags = {
    Name = "%[1]s"
    Env  = var.env
  }
}

resource "aws_s3_bucket_public_access_block" "%[1]s" {
  bucket                  = aws_s3_bucket.%[1]s.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "%[1]s" {
  bucket = aws_s3_bucket.%[1]s.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.%[1]s.arn, "${aws_s3_bucket.%[1]s.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

`, id, strings.ReplaceAll(id, "_", "-"))
				n += 3
			case 1: // a security group with dynamic rules
				fmt.Fprintf(&b, `resource "aws_security_group" "%[1]s" {
  name = "${local.prefix}-%[1]s"

  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.admin_cidr]
    }
  }
}

`, id)
				n++
			case 2: // volumes with for_each
				fmt.Fprintf(&b, `resource "aws_ebs_volume" "%[1]s" {
  for_each          = toset(["a", "b"])
  availability_zone = "eu-west-1${each.key}"
  size              = 20
  encrypted         = true
  kms_key_id        = aws_kms_key.%[2]s.arn
}

`, id, fmt.Sprintf("f%05d_%d", f, i+1))
				n += 2
			case 3:
				fmt.Fprintf(&b, `resource "aws_kms_key" "%[1]s" {
  description         = "${local.prefix} %[1]s"
  enable_key_rotation = var.env != "dev"
}

`, id)
				n++
			case 4:
				fmt.Fprintf(&b, `resource "aws_iam_role" "%[1]s" {
  name = "${local.prefix}-%[1]s"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

`, id)
				n++
			}
		}
		// The last kind referenced may be one past the file's end: declare
		// a key so every reference resolves.
		fmt.Fprintf(&b, "resource \"aws_kms_key\" \"f%05d_tail\" {\n  enable_key_rotation = true\n}\n", f)
		n++
		total += n
		folder := folders[f%len(folders)]
		if err := os.WriteFile(filepath.Join(folder, fmt.Sprintf("r%05d.tf", f)), []byte(b.String()), 0o644); err != nil {
			return 0, err
		}
	}
	return total, nil
}
