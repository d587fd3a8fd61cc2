package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/tecno-video/tecno/internal/course"
)

// Marshal renders a course as readable YAML: the schema order and compact
// forms of course.Marshal, a header comment, and a comment heading each
// lesson (comments[i] for lesson i; "" for none).
func Marshal(c *course.Course, header string, comments []string) ([]byte, error) {
	raw, err := course.Marshal(c)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("re-reading generated course: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("generated course is not a mapping")
	}
	root := doc.Content[0]
	root.HeadComment = header
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "lessons" {
			continue
		}
		for j, l := range root.Content[i+1].Content {
			if j < len(comments) && comments[j] != "" {
				l.HeadComment = comments[j]
			}
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeAtomic writes data to path through a temporary file in the same
// folder and a rename, so readers never see a partial file.
func writeAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
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
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, perm); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
