locals {
  rules = [
    { port = 443, cidr = "0.0.0.0/0" },
    { port = 3389, cidr = "0.0.0.0/0" },
    { port = 5432, cidr = "10.0.0.0/8" },
  ]
}

resource "aws_security_group" "app" {
  name = "app"

  dynamic "ingress" {
    for_each = [for r in local.rules : r if r.port != 5432]
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = [rule.value.cidr]
    }
  }
}
