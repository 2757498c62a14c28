# A directive above a module call covers every resource under that call,
# however deep.

# cloudward:ignore:aws-kms-key-rotation-disabled legacy import stack: the HSM team rotates these keys exp:2099-12-31
module "legacy" {
  source = "./modules/keys"
  name   = "legacy"
}

module "current" {
  source = "./modules/keys"
  name   = "current"
}

#checkov:skip=CKV_AWS_7:platform keys are rotated by the key-ceremony pipeline
module "platform" {
  source = "./modules/platform"
}
