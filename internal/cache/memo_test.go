package cache

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestMemoComputesOncePerKey(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	compute := func(v string) func() (string, error) {
		return func() (string, error) { calls++; return v, nil }
	}
	for range 3 {
		got, err := c.Memo("tool /usr/bin/x 100 1", compute("1.0"))
		if err != nil || got != "1.0" {
			t.Fatalf("Memo = %q, %v", got, err)
		}
	}
	if calls != 1 {
		t.Fatalf("computed %d times, want 1", calls)
	}
	// Another process (a new Cache on the same folder) finds it too.
	c2, _ := Open(dir)
	if got, _ := c2.Memo("tool /usr/bin/x 100 1", compute("other")); got != "1.0" || calls != 1 {
		t.Fatalf("second process: %q after %d calls", got, calls)
	}
	// A new identity (the tool was upgraded) asks again.
	if got, _ := c.Memo("tool /usr/bin/x 120 2", compute("2.0")); got != "2.0" || calls != 2 {
		t.Fatalf("new key: %q after %d calls", got, calls)
	}
	// Clear forgets.
	if _, err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Memo("tool /usr/bin/x 100 1", compute("1.1")); got != "1.1" || calls != 3 {
		t.Fatalf("after Clear: %q after %d calls", got, calls)
	}
}

func TestMemoDoesNotRememberFailures(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := c.Memo("k", func() (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got, err := c.Memo("k", func() (string, error) { return "ok", nil }); err != nil || got != "ok" {
		t.Fatalf("after a failure: %q, %v", got, err)
	}
}

func TestWriteHashedGivesPutTheSameManifest(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write := func(changeAfter bool) *Entry {
		e, err := c.Put(Key("hashed", strconv.FormatBool(changeAfter)), func(dir string) (any, error) {
			p := filepath.Join(dir, "big.bin")
			if err := c.WriteHashed(p, func(w io.Writer) error {
				_, err := w.Write(bytes.Repeat([]byte("tecno"), 100000))
				return err
			}); err != nil {
				return nil, err
			}
			if changeAfter { // changed behind WriteHashed's back: hashed again
				return nil, os.WriteFile(p, []byte("other"), 0o644)
			}
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, change := range []bool{false, true} {
		e := write(change)
		want, err := HashFile(e.Path("big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if e.Files["big.bin"] != want {
			t.Errorf("changed=%v: manifest %+v, file %+v", change, e.Files["big.bin"], want)
		}
		if err := e.Verify(); err != nil {
			t.Errorf("changed=%v: %v", change, err)
		}
	}
}
