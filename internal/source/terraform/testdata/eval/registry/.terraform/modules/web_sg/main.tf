# A trimmed copy of a registry module as terraform init downloads it.
variable "name" {
  type = string
}

variable "ingress_cidr_blocks" {
  type    = list(string)
  default = []
}

variable "ingress_ports" {
  type    = list(number)
  default = []
}

resource "aws_security_group" "this" {
  name = var.name
}

resource "aws_security_group_rule" "ingress" {
  count             = length(var.ingress_ports)
  type              = "ingress"
  security_group_id = aws_security_group.this.id
  from_port         = var.ingress_ports[count.index]
  to_port           = var.ingress_ports[count.index]
  protocol          = "tcp"
  cidr_blocks       = var.ingress_cidr_blocks
}

output "security_group_id" {
  value = aws_security_group.this.id
}
