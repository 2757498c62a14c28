# Read after override.tf (lexical order): the last override wins.
resource "aws_db_instance" "orders" {
  publicly_accessible = false
}
