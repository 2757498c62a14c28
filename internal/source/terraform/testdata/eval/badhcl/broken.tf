resource "aws_s3_bucket" "broken" {
  bucket = "acme-broken"
  tags = {
    Name = "unterminated
  }
}
