package course

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tecno-video/tecno/internal/fault"
	"go.yaml.in/yaml/v3"
)

// Document is a course file opened for editing. Edits splice the original
// bytes at node positions instead of re-encoding the tree, so comments,
// key order, quoting and blank lines survive and an edit changes only
// what it edits. After each edit the bytes are parsed again, keeping the
// node tree and the Course in step with the text.
//
// A Document is not safe for concurrent use.
type Document struct {
	path   string
	data   []byte     // current text
	root   *yaml.Node // document node of data
	course *Course    // data decoded, defaults applied

	saved []byte // text last loaded from or saved to disk
	undo  [][]byte

	hint *yaml.Node // the lesson last looked up, for indentation style
}

// ConflictError reports that the course file changed on disk after it was
// loaded, so saving would overwrite someone else's edits. Overwrite saves
// anyway; reloading the file discards the edits made here.
type ConflictError struct {
	Path    string
	Removed bool // the file is gone
}

func (e *ConflictError) Error() string {
	if e.Removed {
		return e.Path + ": course file was removed since it was loaded"
	}
	return e.Path + ": course file changed on disk since it was loaded"
}

// Unwrap gives the conflict as an input fault, for exit codes and hints.
func (e *ConflictError) Unwrap() error {
	return (&fault.Error{Kind: fault.Input, File: e.Path, Msg: "course file changed on disk since it was loaded"}).
		WithHint("reload it to see the other changes, or save again to overwrite them")
}

// LoadDocument reads and decodes a course file for editing. Decoding
// errors come back as from Load.
func LoadDocument(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	d := &Document{path: path, saved: data}
	if err := d.set(data); err != nil {
		return nil, err
	}
	return d, nil
}

// set makes data the current text, parsing it.
func (d *Document) set(data []byte) error {
	c, root, err := parseNode(d.path, data)
	if err != nil {
		return err
	}
	c.ApplyDefaults()
	d.data, d.root, d.course, d.hint = data, root, c, nil
	return nil
}

// Path returns the course file path as given to LoadDocument.
func (d *Document) Path() string { return d.path }

// Course returns the decoded course (defaults applied) for the current
// text. It is replaced, not updated, by each edit.
func (d *Document) Course() *Course { return d.course }

// Bytes returns the current text. Callers must not modify it.
func (d *Document) Bytes() []byte { return d.data }

// Dirty reports whether there are edits not yet saved.
func (d *Document) Dirty() bool { return !bytes.Equal(d.data, d.saved) }

// Undo restores the text as it was before the last edit, and reports
// whether there was an edit to undo.
func (d *Document) Undo() bool {
	if len(d.undo) == 0 {
		return false
	}
	prev := d.undo[len(d.undo)-1]
	if err := d.set(prev); err != nil {
		return false // cannot happen: every stored state parsed before
	}
	d.undo = d.undo[:len(d.undo)-1]
	return true
}

// Save writes the text atomically (temp file in the same folder, fsync,
// rename). If the file on disk no longer holds the bytes that were loaded
// or last saved (compared in full, so a touch without changes is no
// conflict), Save writes nothing and returns a *ConflictError. Without
// edits Save writes nothing.
func (d *Document) Save() error {
	cur, err := os.ReadFile(d.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &ConflictError{Path: d.path, Removed: true}
	case err != nil:
		return readError(d.path, err)
	case !bytes.Equal(cur, d.saved):
		return &ConflictError{Path: d.path}
	}
	if !d.Dirty() {
		return nil // nothing to write; the file is as loaded
	}
	return d.Overwrite()
}

// Overwrite writes the text atomically without checking for changes on
// disk; use it after the user chose to overwrite a conflict.
func (d *Document) Overwrite() error {
	if err := writeAtomic(d.path, d.data); err != nil {
		return &fault.Error{Kind: fault.Input, File: d.path, Msg: fmt.Sprintf("cannot save course file: %v", unwrapPathErr(err)), Err: err}
	}
	d.saved = d.data
	return nil
}

// writeAtomic replaces path with data: temp file in the same folder,
// fsync, rename, then fsync of the folder. The file keeps its mode.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if df, derr := os.Open(dir); derr == nil {
		df.Sync() // best effort: not every file system syncs folders
		df.Close()
	}
	return nil
}

// edit runs fn as one undoable step. fn changes d.data through splice; if
// it fails the text is left as it was.
func (d *Document) edit(fn func() error) error {
	before := d.data
	if err := fn(); err != nil {
		if !bytes.Equal(d.data, before) {
			_ = d.set(before)
		}
		return err
	}
	if !bytes.Equal(d.data, before) {
		d.undo = append(d.undo, before)
	}
	return nil
}

// splice replaces [start, end) of the text with text and parses the
// result. A result that does not parse is a bug in the edit, reported as
// an internal error with the text left unchanged.
func (d *Document) splice(start, end int, text string) error {
	var b bytes.Buffer
	b.Grow(len(d.data) - (end - start) + len(text))
	b.Write(d.data[:start])
	b.WriteString(text)
	b.Write(d.data[end:])
	next := b.Bytes()
	old := d.data
	if err := d.set(next); err != nil {
		_ = d.set(old)
		return fmt.Errorf("internal error: edit of %s made it unreadable: %w", d.path, err)
	}
	return nil
}
