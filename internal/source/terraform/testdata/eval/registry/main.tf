module "web_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.1.2"

  name                = "web"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_ports       = [22, 443]
}

module "not_downloaded" {
  source = "git::https://example.com/acme/network.git?ref=v1.4.0"
}

resource "aws_security_group_rule" "from_network" {
  type              = "ingress"
  security_group_id = module.not_downloaded.security_group_id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = module.not_downloaded.allowed_cidrs
}
