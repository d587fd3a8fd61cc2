package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/render"
)

// validationEnv tells course.Validate what templates and providers exist.
func validationEnv(c *course.Course, reg *narrate.Registry) course.Env {
	return course.Env{
		KnownTemplate: func(name string) bool {
			if isTemplatePath(name) {
				_, err := os.Stat(c.Resolve(name))
				return err == nil
			}
			for _, n := range render.Names() {
				if n == name {
					return true
				}
			}
			return false
		},
		Templates:     render.Names,
		KnownProvider: func(name string) bool { _, err := reg.Get(name); return err == nil },
		Providers:     reg.Names,
	}
}

func isTemplatePath(name string) bool {
	return strings.ContainsAny(name, `/\`) || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// loadValid loads and validates a course file, printing warnings to w. Any
// error is returned as a fault.List (exit code 2).
func loadValid(path string, reg *narrate.Registry, w io.Writer) (*course.Course, fault.List, error) {
	c, err := course.Load(path)
	if err != nil {
		return nil, nil, err
	}
	errs, warns := course.Validate(c, validationEnv(c, reg))
	if w != nil {
		for _, wn := range warns {
			fmt.Fprintf(w, "tecno: warning: %s\n", wn.Error())
		}
	}
	if len(errs) > 0 {
		return c, warns, errs
	}
	return c, warns, nil
}

// absPath makes p absolute without failing on odd working directories.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

var errNoCourse = errors.New("no course file given")
