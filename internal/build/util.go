package build

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/render"
)

// templateSet loads each template once per build, with the course's
// branding colour and font overrides applied.
type templateSet struct {
	dir string
	ov  render.Overrides
	mu  sync.Mutex
	m   map[string]*render.Template
}

func newTemplateSet(dir string) *templateSet {
	return &templateSet{dir: dir, m: map[string]*render.Template{}}
}

func (t *templateSet) get(name string) (*render.Template, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tm, ok := t.m[name]; ok {
		return tm, nil
	}
	tm, err := render.LoadTemplateWith(name, t.dir, t.ov)
	if err != nil {
		return nil, err
	}
	t.m[name] = tm
	return tm, nil
}

// checkTools fails early, before any work, when a required program is
// missing: ffmpeg and ffprobe always, and the engine of every voice the
// selected lessons use (asking a provider for its fingerprint runs the
// engine's version check, or validates a cloud provider's configuration).
func (b *builder) checkTools(ctx context.Context, lessons []*course.Lesson) error {
	if err := b.opts.FFmpeg.LookPath(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, l := range lessons {
		for _, s := range l.Scenes {
			if s.Narration == "" || s.NarrationAudio != "" {
				continue
			}
			j := &sceneJob{lesson: l, scene: s}
			voice := b.voiceFor(j)
			if seen[voice.Provider] {
				continue
			}
			seen[voice.Provider] = true
			p, err := b.opts.Providers.Get(voice.Provider)
			if err != nil {
				return err
			}
			if _, err := p.Fingerprint(ctx, voice); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".tecno-write-check-")
	if err != nil {
		return fault.New(fault.Input, "output folder %s is not writable: %v", dir, unwrapPath(err)).
			WithHint("choose a writable folder with -o DIR")
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// writeFileAtomic writes data to a temporary file beside path, then renames
// it over path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// publish copies file name of a cache entry to dst atomically, giving the
// copy the cache file's modification time. A dst of the right size with
// that time was published from this very file (entries never change once
// stored, and any write to dst sets a new time), so it is left alone and
// the entry is not even read: an up-to-date build reads no output twice.
// Otherwise the entry is verified before it is copied.
func publish(e *cache.Entry, name, dst string) error {
	src := e.Path(name)
	si, err := os.Stat(src)
	if err != nil {
		return err
	}
	if di, err := os.Stat(dst); err == nil && di.Mode().IsRegular() && di.Size() == e.Files[name].Size && di.ModTime().Equal(si.ModTime()) {
		return nil
	}
	if err := e.Verify(); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-")
	if err != nil {
		return fault.New(fault.Input, "cannot write %s: %v", dst, unwrapPath(err)).WithHint("choose a writable folder with -o DIR")
	}
	tmp := f.Name()
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chtimes(tmp, si.ModTime(), si.ModTime()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// verifyJoin verifies what a join reads: the pieces' pictures and the
// sound files.
func (b *builder) verifyJoin(pieces []videoPiece, audio []string) error {
	files := append([]string(nil), audio...)
	for _, p := range pieces {
		files = append(files, p.file)
	}
	return b.verify(files...)
}

// verify checks the cache entries holding files before they are read: a
// cache hit is only hashed when its files are used. A corrupt entry is
// removed and the error wraps cache.ErrCorrupt, which makes the lesson
// build again (buildLesson), remaking that entry.
func (b *builder) verify(files ...string) error {
	for _, f := range files {
		if err := b.opts.Cache.VerifyPath(f); err != nil {
			return err
		}
	}
	return nil
}
