//go:build arrears_native && linux

package arrears

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
	"golang.org/x/sys/unix"
)

// The native library is loaded once per process with purego (dlopen without cgo, so a program
// built with CGO_ENABLED=0 still can), and every engine uses the same one: its engines and
// results live in one process-wide state behind its own lock, and decisions run outside that
// lock, so engines on different goroutines decide in parallel (docs/abi.md, "The native library").
var loaded struct {
	once sync.Once
	lib  *nativeLibrary
	err  error
}

func nativeRuntime() (func(context.Context) (instance, error), error) {
	loaded.once.Do(func() { loaded.lib, loaded.err = loadNative() })
	if loaded.err != nil {
		return nil, loaded.err
	}
	lib := loaded.lib
	return func(context.Context) (instance, error) { return lib, nil }, nil
}

// loadNative loads the library ARREARS_NATIVE_LIBRARY names, else the one embedded for this
// platform.
func loadNative() (*nativeLibrary, error) {
	if path := os.Getenv("ARREARS_NATIVE_LIBRARY"); path != "" {
		return openNative(path)
	}
	if embeddedLibrary == nil {
		return nil, fmt.Errorf("no native library is embedded for linux-%s (only linux-amd64); name one with ARREARS_NATIVE_LIBRARY", runtime.GOARCH)
	}
	lib, memErr := loadFromMemory(embeddedLibrary)
	if memErr == nil {
		return lib, nil
	}
	lib, fileErr := loadFromFile(embeddedLibrary)
	if fileErr != nil {
		return nil, fmt.Errorf("the embedded native library could not be loaded from memory (%v) nor from a file (%v); name one with ARREARS_NATIVE_LIBRARY", memErr, fileErr)
	}
	return lib, nil
}

// loadFromMemory hands dlopen an anonymous in-memory file: nothing is written to disk, and
// nothing is left behind however the process ends. A kernel that forbids executable memfds
// (vm.memfd_noexec=2) makes dlopen fail here.
func loadFromMemory(library []byte) (*nativeLibrary, error) {
	fd, err := unix.MemfdCreate("libarrears_module.so", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	file := os.NewFile(uintptr(fd), "libarrears_module.so")
	defer file.Close() // dlopen maps the library; the descriptor is not needed afterwards
	if _, err := file.Write(library); err != nil {
		return nil, err
	}
	return openNative(fmt.Sprintf("/proc/self/fd/%d", fd))
}

// loadFromFile is for hosts without executable memfds: a new file in the directory wazero's
// compilation cache uses (else the temporary directory), loaded and removed at once, so that
// nothing stays behind there either; the loaded library stays mapped.
func loadFromFile(library []byte) (*nativeLibrary, error) {
	dir, set := os.LookupEnv("ARREARS_CACHE_DIR")
	if !set {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "arrears")
		}
	}
	if dir == "" {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "native")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	file, err := os.CreateTemp(dir, "libarrears_module-*.so")
	if err != nil {
		return nil, err
	}
	defer os.Remove(file.Name())
	_, err = file.Write(library)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return openNative(file.Name())
}

func openNative(path string) (*nativeLibrary, error) {
	handle, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	lib := &nativeLibrary{}
	for i, name := range exportNames {
		if lib.fn[i], err = purego.Dlsym(handle, name); err != nil {
			return nil, fmt.Errorf("%s is not the arrears native library: %w", path, err)
		}
	}
	return lib, nil
}

// nativeLibrary is the loaded library. Addresses are the process's own: the library allocates
// them (arrears_alloc, a result's text) and the host reads and writes them directly.
type nativeLibrary struct {
	fn [exportCount]uintptr
}

func (l *nativeLibrary) call(_ context.Context, fn export, args ...uint64) (uint64, error) {
	var a [6]uintptr
	if len(args) > len(a) {
		return 0, errors.New("arrears: too many arguments for a native call")
	}
	for i, v := range args {
		a[i] = uintptr(v)
	}
	// The unused argument registers are set to 0 and ignored by the callee (the C calling
	// convention reads only as many as the function takes).
	r, _, _ := purego.SyscallN(l.fn[fn], a[:len(args)]...)
	switch fn {
	case exportAlloc, exportResultPtr, exportResultLen:
		return uint64(r), nil // size_t
	default:
		// uint32_t (handles, arrears_result_ok): the register's upper half is not part of the
		// value; for the exports returning nothing the value is never read.
		return uint64(uint32(r)), nil
	}
}

// address is the library's address as a pointer. The memory is the library's, outside Go's
// heap, so the collector never moves or frees it; the conversion goes through memory rather
// than uintptr to unsafe.Pointer, which is what go vet checks for.
func address(at uint64) unsafe.Pointer {
	p := uintptr(at)
	return *(*unsafe.Pointer)(unsafe.Pointer(&p))
}

func (l *nativeLibrary) write(at uint64, b []byte) bool {
	if len(b) > 0 {
		copy(unsafe.Slice((*byte)(address(at)), len(b)), b)
	}
	return true
}

func (l *nativeLibrary) read(at, n uint64) ([]byte, bool) {
	out := make([]byte, n)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(address(at)), n))
	}
	return out, true
}

// close leaves the library loaded: every engine of the process shares it.
func (l *nativeLibrary) close(context.Context) error { return nil }
