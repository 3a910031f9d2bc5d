module github.com/arrears-engine/arrears/bindings/go

go 1.26

require (
	github.com/ebitengine/purego v0.11.3
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/sys v0.44.0
)
