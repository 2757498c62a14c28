variable "env" {
  type = string
}

locals {
  prefix = "acme-${var.env}"
}

output "log_bucket" {
  value = "${local.prefix}-logs"
}
