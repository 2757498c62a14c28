variable "admin_cidr" {
  type = string
}

module "sg" {
  source  = "../sg"
  name    = "edge-admin"
  cidrs   = [var.admin_cidr]
  ports   = [22]
}

output "sg_id" {
  value = module.sg.id
}

output "imds_tokens" {
  value = "required"
}
