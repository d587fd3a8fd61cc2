package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Memo returns the small value remembered under key, computing and storing
// it on the first call. It is for facts that are slow to ask for and change
// only with their key, such as a tool's version under the tool binary's
// identity: `ffmpeg -version` costs more than a whole no-op build's cache
// checks. A value that cannot be stored is still returned.
func (c *Cache) Memo(key string, compute func() (string, error)) (string, error) {
	dir := filepath.Join(c.dir, "memo")
	path := filepath.Join(dir, Key("memo", key)[:32])
	if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
		return string(data), nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	v, err := compute()
	if err != nil {
		return "", err
	}
	if v == "" {
		return v, nil // nothing worth remembering
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return v, nil
	}
	f, err := os.CreateTemp(dir, ".memo-")
	if err != nil {
		return v, nil
	}
	_, werr := f.WriteString(v)
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(f.Name())
		return v, nil
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
	}
	return v, nil
}
