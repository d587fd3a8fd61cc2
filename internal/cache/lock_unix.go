//go:build unix

package cache

import (
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes an exclusive lock named name, waiting for other holders (other
// tecno processes building the same course). The returned func releases it.
func (c *Cache) Lock(name string) (func(), error) {
	dir := filepath.Join(c.dir, "locks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
