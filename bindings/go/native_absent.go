//go:build !(arrears_native && linux)

package arrears

import (
	"context"
	"errors"
)

// Without the arrears_native tag the program carries no native code: only wazero.
func nativeRuntime() (func(context.Context) (instance, error), error) {
	return nil, errors.New("this program was built without the native library (build it with -tags arrears_native, on Linux)")
}
