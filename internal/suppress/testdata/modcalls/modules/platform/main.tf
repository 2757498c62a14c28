module "keys" {
  source = "../keys"
  name   = "platform"
}
