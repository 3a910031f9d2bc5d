module github.com/arrears-engine/arrears/examples/go-http

go 1.26

require github.com/arrears-engine/arrears/bindings/go v0.1.0

require (
	github.com/ebitengine/purego v0.11.3 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.44.0 // indirect
)

// The library from this checkout, until the module is published (docs/install.md).
replace github.com/arrears-engine/arrears/bindings/go => ../../bindings/go
