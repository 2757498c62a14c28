ssh_cidr        = "192.168.0.0/16"
encrypt_volumes = false
