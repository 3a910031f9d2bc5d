module example.invalid/arrears/examples/go-http

go 1.26

require example.invalid/arrears/bindings/go v0.0.0

require (
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.44.0 // indirect
)

// The library from this checkout; a loan system takes it with `go get` instead.
replace example.invalid/arrears/bindings/go => ../../bindings/go
