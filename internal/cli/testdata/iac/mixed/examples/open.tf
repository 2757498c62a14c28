# An example that must not be scanned when examples/ is skipped.
resource "aws_security_group" "example" {
  name = "example"

  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
