package cache

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"time"
)

// written is a file a fill wrote through WriteHashed: its hash, and the
// size and time it had then.
type written struct {
	file  File
	mtime time.Time
}

// WriteHashed creates the file path (inside a fill's folder) with the
// bytes fn writes, hashing them on the way. Put then takes that hash
// instead of reading the file again, as long as the file still has the
// size and modification time it was written with: a large output (a
// lesson's MP4) is read zero times instead of once.
func (c *Cache) WriteHashed(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.hashed == nil {
		c.hashed = map[string]written{}
	}
	c.hashed[path] = written{File{Size: fi.Size(), SHA256: hex.EncodeToString(h.Sum(nil))}, fi.ModTime()}
	c.mu.Unlock()
	return nil
}

// knownHash returns the hash WriteHashed recorded for path when the file
// is unchanged since, forgetting it either way.
func (c *Cache) knownHash(path string) (File, bool) {
	c.mu.Lock()
	w, ok := c.hashed[path]
	delete(c.hashed, path)
	c.mu.Unlock()
	if !ok {
		return File{}, false
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != w.file.Size || !fi.ModTime().Equal(w.mtime) {
		return File{}, false
	}
	return w.file, true
}
