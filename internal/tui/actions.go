package tui

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/render"
)

// previewWidth is the width, in pixels, at which previews are rendered
// before being scaled to cells: plenty for half-blocks, and a few tens of
// milliseconds per frame.
const previewWidth = 320

// framer loads templates once and renders previews.
type framer struct {
	mu    sync.Mutex
	tmpls map[string]*render.Template
}

func newFramer() *framer { return &framer{tmpls: map[string]*render.Template{}} }

func (f *framer) template(name, dir string) (*render.Template, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := dir + "\x00" + name
	if t, ok := f.tmpls[k]; ok {
		return t, nil
	}
	t, err := render.LoadTemplate(name, dir)
	if err != nil {
		return nil, err
	}
	f.tmpls[k] = t
	return t, nil
}

// previewJob is one frame to preview.
type previewJob struct {
	c        *course.Course
	l        *course.Lesson
	s        *course.Scene
	index    int
	template string
	planOnly bool // the text description needs only the layout
}

// key identifies the picture: everything that shows on the frame.
func (j previewJob) key() string {
	visual := *j.s
	visual.Narration, visual.NarrationAudio, visual.Notes, visual.Comments, visual.Status = "", "", "", nil, ""
	visual.PauseBefore, visual.PauseAfter, visual.MinDuration, visual.Voice = 0, 0, 0, nil
	data, _ := json.Marshal(struct {
		S                 course.Scene
		T, Course, Lesson string
		Dir               string
		I, N, W, H        int
		Plan              bool
	}{visual, j.template, j.c.Title, j.l.Title, j.c.Dir, j.index, len(j.l.Scenes), j.c.Output.Width, j.c.Output.Height, j.planOnly})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

func (f *framer) render(j previewJob) *preview {
	p := &preview{tmpl: j.template}
	t, err := f.template(j.template, j.c.Dir)
	if err != nil {
		p.err = err
		return p
	}
	w, h := j.c.Output.Width, j.c.Output.Height
	if w <= 0 || h <= 0 {
		w, h = course.DefaultWidth, course.DefaultHeight
	}
	in := render.Input{Scene: j.s, CourseTitle: j.c.Title, LessonTitle: j.l.Title, Index: j.index + 1,
		Total: len(j.l.Scenes), BaseDir: j.c.Dir, Language: j.c.Language, Width: w, Height: h}
	if j.planOnly {
		p.plan, p.err = t.Layout(in)
		return p
	}
	in.Width, in.Height = previewWidth, max(16, previewWidth*h/w)
	p.img, _, p.err = t.Render(in)
	return p
}

// previewJob returns the preview wanted now: the selected scene, with the
// template under the cursor while choosing one.
func (m *Model) previewJob() (previewJob, bool) {
	cur, ok := m.current()
	if !ok || m.opts.NoPreview {
		return previewJob{}, false
	}
	c := m.doc.Course()
	tmpl := cur.s.TemplateFor(cur.l, c)
	if m.mode == modeTemplate && m.tmplIdx < len(m.tmplList) {
		if t := m.tmplList[m.tmplIdx]; t != "" {
			tmpl = t
		} else {
			s := *cur.s
			s.Template = ""
			tmpl = s.TemplateFor(cur.l, c)
		}
	}
	return previewJob{c: c, l: cur.l, s: cur.s, index: cur.si, template: tmpl, planOnly: m.opts.Profile == NoColor}, true
}

// previewCmd renders the wanted preview in the background unless it is
// known or on its way.
func (m *Model) previewCmd() tea.Cmd {
	j, ok := m.previewJob()
	if !ok {
		return nil
	}
	k := j.key()
	if _, known := m.previews[k]; known {
		return nil
	}
	if len(m.previews) > 256 {
		m.previews, m.cells = map[string]*preview{}, map[string]string{}
	}
	m.previews[k] = nil // on its way
	return func() tea.Msg {
		if !m.jobs.start() {
			return nil
		}
		defer m.jobs.end()
		return previewMsg{key: k, p: m.frames.render(j)}
	}
}

// kittyID makes a 24-bit image id (never 0) from a preview key.
func kittyID(k string) uint32 {
	sum := sha256.Sum256([]byte(k))
	return binary.BigEndian.Uint32(sum[:4])&0xFFFFFF | 1
}

// runQuiet runs a program with no terminal: no input, output discarded.
// Cancelling ctx kills it.
func runQuiet(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 2 * time.Second
	return cmd.Run()
}

// editorCommand runs the editor command line on path.
func editorCommand(args []string, path string) *exec.Cmd {
	return exec.Command(args[0], append(append([]string{}, args[1:]...), path)...)
}
