package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Free-space thresholds for the cache folder's disk.
const (
	lowDisk      = 1 << 30   // warn below 1 GiB
	tooLowToWork = 100 << 20 // fail below 100 MiB
)

// cacheCheck checks that the cache folder (or, when it does not exist
// yet, the folder it would be created in) is writable, and how much disk
// is free there. It writes and removes one small file; it creates nothing
// else.
func cacheCheck(dir string) Check {
	c := Check{Name: "cache"}
	fixDir := "choose a writable cache folder: export TECNO_CACHE_DIR=/path/to/cache (or build --cache-dir)"
	existing, err := nearestExisting(dir)
	if err != nil {
		c.Status, c.Message, c.Fix = Fail, fmt.Sprintf("%s: %v", dir, err), fixDir
		return c
	}
	where := dir
	if existing != dir {
		where = fmt.Sprintf("%s (will be created in %s)", dir, existing)
	}
	f, err := os.CreateTemp(existing, ".tecno-doctor-*")
	if err != nil {
		c.Status, c.Fix = Fail, fixDir
		c.Message = fmt.Sprintf("%s is not writable: %v", where, unwrapPath(err))
		return c
	}
	name := f.Name()
	f.Close()
	os.Remove(name)

	free, ok := freeBytes(existing)
	switch {
	case !ok:
		c.Status, c.Message = OK, where+", writable"
	case free < tooLowToWork:
		c.Status = Fail
		c.Message = fmt.Sprintf("%s, writable, but only %s free", where, human(free))
		c.Fix = "free disk space (tecno cache prune --max-size 1GB), or " + fixDir[len("choose "):]
	case free < lowDisk:
		c.Status = Warn
		c.Message = fmt.Sprintf("%s, writable, %s free (low)", where, human(free))
		c.Fix = "free disk space: tecno cache prune --max-size 1GB"
	default:
		c.Status = OK
		c.Message = fmt.Sprintf("%s, writable, %s free", where, human(free))
	}
	return c
}

// nearestExisting returns dir, or its closest ancestor that exists. It
// fails when something on the way is a file.
func nearestExisting(dir string) (string, error) {
	p := filepath.Clean(dir)
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return "", fmt.Errorf("%s is a file, not a folder", p)
			}
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", unwrapPath(err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", err
		}
		p = parent
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func human(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
