package arrears

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestTheCompilationCacheCanBeTurnedOff(t *testing.T) {
	t.Setenv("ARREARS_CACHE_DIR", "")
	if compilationCache() != nil {
		t.Fatal(`ARREARS_CACHE_DIR="" must turn the cache off`)
	}
}

// A process compiles the module into the cache directory; the package's own tests run in one
// process, so the filling is watched in a child process running this test again.
func TestAFirstProcessFillsTheCompilationCache(t *testing.T) {
	if os.Getenv("ARREARS_CACHE_CHILD") != "" {
		if _, _, err := compiled(t.Context()); err != nil {
			t.Fatal(err)
		}
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAFirstProcessFillsTheCompilationCache$")
	cmd.Env = append(os.Environ(), "ARREARS_CACHE_CHILD=1", "ARREARS_CACHE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var files int
	_ = filepath.Walk(filepath.Join(dir, "wazero"), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files++
		}
		return nil
	})
	if files == 0 {
		t.Fatal("the first process left nothing in the compilation cache")
	}
}
