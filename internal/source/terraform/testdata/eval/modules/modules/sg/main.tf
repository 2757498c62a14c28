variable "name" {
  type = string
}

variable "cidrs" {
  type = list(string)
}

variable "ports" {
  type = list(number)
}

resource "aws_security_group" "this" {
  name = var.name

  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.cidrs
    }
  }
}

output "id" {
  value = aws_security_group.this.id
}
