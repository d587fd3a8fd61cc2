package cache

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func put(t *testing.T, c *Cache, key, content string) *Entry {
	t.Helper()
	e, err := c.Put(key, func(dir string) (any, error) {
		return map[string]int{"n": len(content)}, os.WriteFile(filepath.Join(dir, "a.txt"), []byte(content), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := Key("stage", "1", "hello")
	if e, err := c.Get(k); e != nil || err != nil {
		t.Fatalf("empty cache: %v %v", e, err)
	}
	put(t, c, k, "hello")
	e, err := c.Get(k)
	if err != nil || e == nil {
		t.Fatalf("get: %v %v", e, err)
	}
	data, _ := os.ReadFile(e.Path("a.txt"))
	if string(data) != "hello" {
		t.Fatalf("content %q", data)
	}
	var meta map[string]int
	if err := e.DecodeMeta(&meta); err != nil || meta["n"] != 5 {
		t.Fatalf("meta %v %v", meta, err)
	}
}

func TestKeyIsUnambiguous(t *testing.T) {
	if Key("ab", "c") == Key("a", "bc") {
		t.Fatal("length prefixing failed")
	}
	if Key("a") != Key("a") {
		t.Fatal("not deterministic")
	}
}

func TestCorruptEntryIsDetectedAndRemoved(t *testing.T) {
	cases := map[string]func(e *Entry){
		"changed byte": func(e *Entry) { os.WriteFile(e.Path("a.txt"), []byte("hellO"), 0o644) },
		"truncated":    func(e *Entry) { os.WriteFile(e.Path("a.txt"), []byte("he"), 0o644) },
		"deleted file": func(e *Entry) { os.Remove(e.Path("a.txt")) },
		"bad manifest": func(e *Entry) { os.WriteFile(e.Path(manifestName), []byte("{"), 0o644) },
	}
	for name, corrupt := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := Open(t.TempDir())
			k := Key(name)
			corrupt(put(t, c, k, "hello"))
			// A changed size or manifest is caught by Get; a changed
			// byte by Verify, which readers call before using the files.
			e, err := c.Get(k)
			if err == nil && e != nil {
				err = e.Verify()
				if err2 := c.VerifyPath(e.Path("a.txt")); !errors.Is(err2, ErrCorrupt) {
					t.Errorf("VerifyPath = %v, want ErrCorrupt", err2)
				}
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("want ErrCorrupt, got %v %v", e, err)
			}
			if e, err := c.Get(k); e != nil || err != nil {
				t.Fatalf("corrupt entry not removed: %v %v", e, err)
			}
			put(t, c, k, "hello") // rebuilt
			if e, err := c.Get(k); e == nil || err != nil || e.Verify() != nil {
				t.Fatalf("rebuild: %v %v", e, err)
			}
		})
	}
}

func TestFailedFillLeavesNothing(t *testing.T) {
	c, _ := Open(t.TempDir())
	k := Key("x")
	_, err := c.Put(k, func(dir string) (any, error) {
		os.WriteFile(filepath.Join(dir, "half"), []byte("par"), 0o644)
		return nil, errors.New("boom")
	})
	if err == nil {
		t.Fatal("want error")
	}
	if e, _ := c.Get(k); e != nil {
		t.Fatal("failed fill left an entry")
	}
	tmp, _ := os.ReadDir(filepath.Join(c.Dir(), "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("temp folders left: %v", tmp)
	}
}

func TestConcurrentPutsOfOneKey(t *testing.T) {
	c, _ := Open(t.TempDir())
	k := Key("race")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Put(k, func(dir string) (any, error) {
				return nil, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("same"), 0o644)
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if e, err := c.Get(k); e == nil || err != nil {
		t.Fatalf("%v %v", e, err)
	}
}

func TestPruneAndClear(t *testing.T) {
	c, _ := Open(t.TempDir())
	old := put(t, c, Key("old"), "0123456789")
	put(t, c, Key("new"), "0123456789")
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old.Path(manifestName), past, past)
	removed, err := c.Prune(24*time.Hour, 0)
	if err != nil || removed.Entries != 1 {
		t.Fatalf("prune by age: %+v %v", removed, err)
	}
	if e, _ := c.Get(Key("old")); e != nil {
		t.Fatal("old entry survived")
	}
	put(t, c, Key("third"), "0123456789")
	removed, err = c.Prune(0, 1) // over any size: remove all but nothing fits
	if err != nil || removed.Entries != 2 {
		t.Fatalf("prune by size: %+v %v", removed, err)
	}
	put(t, c, Key("a"), "x")
	s, _ := c.Stats()
	if s.Entries != 1 || s.Bytes == 0 {
		t.Fatalf("stats %+v", s)
	}
	if _, err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Stats(); s.Entries != 0 {
		t.Fatalf("after clear: %+v", s)
	}
}

func TestLockSerializes(t *testing.T) {
	c, _ := Open(t.TempDir())
	unlock, err := c.Lock("b")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		u, err := c.Lock("b")
		if err == nil {
			u()
		}
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("second lock taken while the first is held")
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("second lock never taken")
	}
}

// Get reads no file contents: a hit whose files are never used costs a
// stat per file, however large they are.
func TestGetDoesNotHashUntilVerify(t *testing.T) {
	c, _ := Open(t.TempDir())
	k := Key("lazy")
	e := put(t, c, k, "hello")
	if err := os.WriteFile(e.Path("a.txt"), []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(k)
	if err != nil || got == nil {
		t.Fatalf("Get of a same-size change = %v, %v; want a hit until verified", got, err)
	}
	if err := got.Verify(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Verify = %v, want ErrCorrupt", err)
	}
	if err := got.Verify(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("second Verify = %v, want the same ErrCorrupt", err)
	}
	if _, err := os.Stat(got.Dir); !os.IsNotExist(err) {
		t.Fatalf("corrupt entry still on disk: %v", err)
	}
	if err := c.VerifyPath("/elsewhere/file"); err == nil {
		t.Fatal("VerifyPath accepted a file outside the build's entries")
	}
}
