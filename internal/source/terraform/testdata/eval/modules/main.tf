variable "admin_cidr" {
  type    = string
  default = "0.0.0.0/0"
}

module "names" {
  source = "./modules/names"
  env    = "prod"
}

module "edge" {
  source     = "./modules/edge"
  admin_cidr = var.admin_cidr
}

resource "aws_s3_bucket" "logs" {
  bucket = module.names.log_bucket
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [module.edge.sg_id]

  metadata_options {
    http_tokens = module.edge.imds_tokens
  }
}
