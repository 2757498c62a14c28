module github.com/cloudward/cloudward

go 1.26.8
