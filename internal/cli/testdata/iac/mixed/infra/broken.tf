resource "aws_ebs_volume" "broken" {
  size = 10
  encrypted = 
}
