//go:build arrears_native && linux && amd64

package arrears

import _ "embed"

// The native library built by scripts/build-native-lib.sh from bindings/module (docs/abi.md, "The
// native library"); only programs built with the arrears_native tag carry it.
//
//go:embed native/linux-x86_64/libarrears_module.so
var embeddedLibrary []byte
