module github.com/coterm/coterm/cmd

go 1.26

require (
	github.com/coterm/coterm v0.0.0
	github.com/stretchr/testify v1.12.1
	pgregory.net/rapid v1.3.0
)

require (
	github.com/shopspring/decimal v1.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/coterm/coterm => ../
