//go:build arrears_native && linux && !amd64

package arrears

// No library is shipped for this platform: ARREARS_NATIVE_LIBRARY names one.
var embeddedLibrary []byte
