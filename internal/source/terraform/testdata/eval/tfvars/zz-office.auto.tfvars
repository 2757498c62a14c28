# Later auto files win: this one opens SSH to the world.
ssh_cidr = "0.0.0.0/0"
