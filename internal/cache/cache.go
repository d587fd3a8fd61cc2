// Package cache is tecno's content-addressed store for stage outputs.
//
// An entry is a folder of files stored under a key: the hash of everything
// that can change those files. Entries are written into a temporary folder
// and renamed into place, so readers never see half an entry. A manifest
// records each file's size and SHA-256; Get checks them before returning a
// hit, so a corrupted or truncated entry is detected, removed and rebuilt
// instead of being trusted.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

const manifestName = "manifest.json"

// Cache is a folder of entries.
type Cache struct {
	dir string

	mu      sync.Mutex
	entries map[string]*Entry  // handed out, by folder
	hashed  map[string]written // files written by WriteHashed, by path
}

// Open returns the cache rooted at dir, creating it if needed.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(filepath.Join(dir, "objects"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	return &Cache{dir: dir}, nil
}

// Dir returns the cache's root folder.
func (c *Cache) Dir() string { return c.dir }

// Key hashes parts into a cache key. Each part is length-prefixed so that
// ("ab", "c") and ("a", "bc") differ.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, strconv.Itoa(len(p)))
		io.WriteString(h, ":")
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// File describes one stored file.
type File struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type manifest struct {
	Key   string          `json:"key"`
	Files map[string]File `json:"files"`
	Meta  json.RawMessage `json:"meta,omitempty"`
}

// Entry is a cache entry. Its files have the sizes its manifest records;
// their contents are checked against the manifest's hashes by Verify, which
// every reader of the files calls first (Get does not hash, so that a build
// whose outputs are up to date reads no stage's files at all).
type Entry struct {
	Key   string
	Dir   string
	Files map[string]File
	Meta  json.RawMessage

	c         *Cache
	verify    sync.Once
	verifyErr error
}

// Verify checks every file of the entry against its manifest's SHA-256,
// once. An entry that fails is removed and reported as an error wrapping
// ErrCorrupt: the caller must not use its files, and a rebuild makes it
// again.
func (e *Entry) Verify() error {
	e.verify.Do(func() {
		for _, name := range sortedNames(e.Files) {
			got, err := hashFile(filepath.Join(e.Dir, name))
			if err != nil || got != e.Files[name] {
				if e.c != nil {
					e.c.remove(e.Dir)
				}
				e.verifyErr = fmt.Errorf("%w: %s: %s changed", ErrCorrupt, e.Key[:12], name)
				return
			}
		}
	})
	return e.verifyErr
}

// verified returns an entry whose files were just hashed.
func (c *Cache) verified(e *Entry) *Entry {
	e.c = c
	e.verify.Do(func() {})
	c.track(e)
	return e
}

func sortedNames(files map[string]File) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// track remembers an entry handed out, so VerifyPath can find it.
func (c *Cache) track(e *Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*Entry{}
	}
	c.entries[e.Dir] = e
}

// VerifyPath verifies the entry holding the file at path, as Verify does.
// The entry must have come from this Cache's Get or Put.
func (c *Cache) VerifyPath(path string) error {
	c.mu.Lock()
	e := c.entries[filepath.Dir(path)]
	c.mu.Unlock()
	if e == nil {
		return fmt.Errorf("cache: %s is not in an entry of this build", path)
	}
	return e.Verify()
}

// Path returns the path of a file in the entry.
func (e *Entry) Path(name string) string { return filepath.Join(e.Dir, name) }

// DecodeMeta unmarshals the entry's metadata into v.
func (e *Entry) DecodeMeta(v any) error { return json.Unmarshal(e.Meta, v) }

func (c *Cache) entryDir(key string) string {
	return filepath.Join(c.dir, "objects", key[:2], key)
}

// ErrCorrupt marks an entry that failed verification.
var ErrCorrupt = errors.New("cache entry failed verification")

// Get returns the entry for key. A missing entry returns (nil, nil). An
// entry whose manifest is unreadable or whose files are missing or of the
// wrong size is removed and reported as an error wrapping ErrCorrupt;
// callers treat it as a miss and rebuild. File contents are checked by
// Verify, before they are read.
func (c *Cache) Get(key string) (*Entry, error) {
	dir := c.entryDir(key)
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Key != key {
		c.remove(dir)
		return nil, fmt.Errorf("%w: %s: bad manifest", ErrCorrupt, key[:12])
	}
	for name, want := range m.Files {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != want.Size {
			c.remove(dir)
			return nil, fmt.Errorf("%w: %s: %s changed", ErrCorrupt, key[:12], name)
		}
	}
	now := time.Now()
	_ = os.Chtimes(filepath.Join(dir, manifestName), now, now) // last use, for prune
	e := &Entry{Key: key, Dir: dir, Files: m.Files, Meta: m.Meta, c: c}
	c.track(e)
	return e, nil
}

// Put builds an entry: fill writes the entry's files into a fresh folder and
// returns metadata to store with them (any JSON-encodable value, or nil).
// The folder is renamed into place only when fill succeeds. If another
// process stored the same key meanwhile, its entry is kept and returned.
func (c *Cache) Put(key string, fill func(dir string) (meta any, err error)) (*Entry, error) {
	tmp, err := os.MkdirTemp(filepath.Join(c.dir, "tmp"), key[:12]+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	meta, err := fill(tmp)
	if err != nil {
		return nil, err
	}
	m := manifest{Key: key, Files: map[string]File{}}
	if meta != nil {
		if m.Meta, err = json.Marshal(meta); err != nil {
			return nil, err
		}
	}
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return nil, err
	}
	for _, de := range ents {
		if !de.Type().IsRegular() {
			return nil, fmt.Errorf("cache: %s is not a regular file", de.Name())
		}
		p := filepath.Join(tmp, de.Name())
		f, ok := c.knownHash(p)
		if !ok {
			if f, err = hashFile(p); err != nil {
				return nil, err
			}
		}
		m.Files[de.Name()] = f
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := writeFileSync(filepath.Join(tmp, manifestName), data); err != nil {
		return nil, err
	}
	dst := c.entryDir(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		// Another writer won the race: use its entry if it verifies.
		if e, gerr := c.Get(key); gerr == nil && e != nil && e.Verify() == nil {
			return e, nil
		}
		// A corrupt leftover: replace it.
		c.remove(dst)
		if err := os.Rename(tmp, dst); err != nil {
			return nil, err
		}
	}
	return c.verified(&Entry{Key: key, Dir: dst, Files: m.Files, Meta: m.Meta}), nil
}

// remove deletes an entry folder by first renaming it aside, so a reader
// never sees a half-deleted entry.
func (c *Cache) remove(dir string) {
	aside, err := os.MkdirTemp(filepath.Join(c.dir, "tmp"), "dead-")
	if err != nil {
		os.RemoveAll(dir)
		return
	}
	target := filepath.Join(aside, "e")
	if os.Rename(dir, target) != nil {
		os.RemoveAll(dir)
	}
	os.RemoveAll(aside)
}

func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// HashFile returns the size and SHA-256 of a file.
func HashFile(path string) (File, error) { return hashFile(path) }

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Stats summarizes the cache.
type Stats struct {
	Entries int       `json:"entries"`
	Bytes   int64     `json:"bytes"`
	Oldest  time.Time `json:"oldest,omitempty"`
	Newest  time.Time `json:"newest,omitempty"`
}

type entryInfo struct {
	dir   string
	size  int64
	mtime time.Time
}

func (c *Cache) list() ([]entryInfo, error) {
	var out []entryInfo
	shards, err := os.ReadDir(filepath.Join(c.dir, "objects"))
	if err != nil {
		return nil, err
	}
	for _, sh := range shards {
		if !sh.IsDir() {
			continue
		}
		sdir := filepath.Join(c.dir, "objects", sh.Name())
		ents, err := os.ReadDir(sdir)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			dir := filepath.Join(sdir, e.Name())
			fi, err := os.Stat(filepath.Join(dir, manifestName))
			if err != nil {
				continue
			}
			info := entryInfo{dir: dir, mtime: fi.ModTime()}
			files, _ := os.ReadDir(dir)
			for _, f := range files {
				if i, err := f.Info(); err == nil {
					info.size += i.Size()
				}
			}
			out = append(out, info)
		}
	}
	return out, nil
}

// Stats returns the number of entries and their total size.
func (c *Cache) Stats() (Stats, error) {
	ents, err := c.list()
	if err != nil {
		return Stats{}, err
	}
	var s Stats
	for _, e := range ents {
		s.Entries++
		s.Bytes += e.size
		if s.Oldest.IsZero() || e.mtime.Before(s.Oldest) {
			s.Oldest = e.mtime
		}
		if e.mtime.After(s.Newest) {
			s.Newest = e.mtime
		}
	}
	return s, nil
}

// Prune removes entries not used for longer than maxAge (0 = no age limit),
// then the least recently used entries until the cache is at most maxBytes
// (0 = no size limit). It returns what was removed.
func (c *Cache) Prune(maxAge time.Duration, maxBytes int64) (Stats, error) {
	ents, err := c.list()
	if err != nil {
		return Stats{}, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].mtime.Before(ents[j].mtime) })
	var total int64
	for _, e := range ents {
		total += e.size
	}
	var removed Stats
	now := time.Now()
	for _, e := range ents {
		old := maxAge > 0 && now.Sub(e.mtime) > maxAge
		big := maxBytes > 0 && total > maxBytes
		if !old && !big {
			continue
		}
		c.remove(e.dir)
		total -= e.size
		removed.Entries++
		removed.Bytes += e.size
	}
	return removed, nil
}

// Clear removes every entry.
func (c *Cache) Clear() (Stats, error) {
	s, err := c.Stats()
	if err != nil {
		return s, err
	}
	if err := os.RemoveAll(filepath.Join(c.dir, "memo")); err != nil {
		return s, err
	}
	for _, sub := range []string{"objects", "tmp"} {
		if err := os.RemoveAll(filepath.Join(c.dir, sub)); err != nil {
			return s, err
		}
		if err := os.MkdirAll(filepath.Join(c.dir, sub), 0o755); err != nil {
			return s, err
		}
	}
	return s, nil
}
