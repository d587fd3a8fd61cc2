package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// newSceneCmd groups the scene commands: the review operations of
// `tecno review`, for scripts.
func newSceneCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scene",
		Short: "List, show and edit scenes from scripts (the operations of tecno review)",
		Long: `The scene commands do what tecno review does, one operation at a time, for
scripts and CI. Scenes are named by their id (see tecno scene list). Edits keep
the course file's comments, key order and blank lines, change only what they
edit, and are written atomically.`,
		Example: `  tecno scene list course.yaml
  tecno scene show course.yaml why --json
  tecno scene approve course.yaml why pipeline
  tecno scene comment course.yaml why "say 'two minutes', not 'two mins'" --request-changes
  tecno scene mv course.yaml why --by -1`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			e := fault.New(fault.Input, "unknown scene command %q", args[0])
			var names []string
			for _, c := range cmd.Commands() {
				names = append(names, c.Name())
			}
			if s := course.Suggest(args[0], names); s != "" {
				e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return e.WithHint("see: tecno scene --help")
		},
	}
	cmd.AddCommand(
		newSceneListCmd(env), newSceneShowCmd(env), newSceneAddCmd(env), newSceneDupCmd(env),
		newSceneRmCmd(env), newSceneMvCmd(env), newSceneApproveCmd(env), newSceneCommentCmd(env),
		newSceneTemplateCmd(env),
	)
	for _, c := range cmd.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return cmd
}

// sceneNotFound is the error for an unknown scene id, with a suggestion.
func sceneNotFound(c *course.Course, id string) *fault.Error {
	var ids []string
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			ids = append(ids, s.ID)
		}
	}
	e := &fault.Error{Kind: fault.Input, File: c.Path, Msg: fmt.Sprintf("no scene with id %q", id)}
	if s := course.Suggest(id, ids); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e.WithHint("list the scene ids with: tecno scene list %s", c.Path)
}

func lessonNotFound(c *course.Course, id string) *fault.Error {
	var ids []string
	for _, l := range c.Lessons {
		ids = append(ids, l.ID)
	}
	e := &fault.Error{Kind: fault.Input, File: c.Path, Msg: fmt.Sprintf("no lesson with id %q", id)}
	if s := course.Suggest(id, ids); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e.WithHint("lessons: %s", strings.Join(ids, ", "))
}

// findScenes checks that every id names a scene.
func findScenes(c *course.Course, ids ...string) error {
	for _, id := range ids {
		if _, s := c.FindScene(id); s == nil {
			return sceneNotFound(c, id)
		}
	}
	return nil
}

// editDoc loads a course for editing, runs edit, and saves the result.
func editDoc(path string, edit func(d *course.Document) error) error {
	d, err := course.LoadDocument(path)
	if err != nil {
		return err
	}
	if err := edit(d); err != nil {
		return err
	}
	return d.Save()
}

// sceneJSON is the stable --json shape of one scene.
type sceneJSON struct {
	Lesson           string           `json:"lesson"`
	ID               string           `json:"id"`
	Index            int              `json:"index"` // 1-based position in the lesson
	Layout           string           `json:"layout"`
	Template         string           `json:"template"` // in effect, inherited or not
	Title            string           `json:"title,omitempty"`
	Status           string           `json:"status"`
	Words            int              `json:"words"`
	EstimatedSeconds float64          `json:"estimated_seconds"`
	Comments         int              `json:"comments"`
	Detail           *sceneDetailJSON `json:"detail,omitempty"`
}

// sceneDetailJSON is the rest of a scene, for show.
type sceneDetailJSON struct {
	Subtitle       string           `json:"subtitle,omitempty"`
	Bullets        []course.Bullet  `json:"bullets,omitempty"`
	Body           string           `json:"body,omitempty"`
	Image          string           `json:"image,omitempty"`
	Code           string           `json:"code,omitempty"`
	CodeLanguage   string           `json:"code_language,omitempty"`
	Quote          string           `json:"quote,omitempty"`
	QuoteAuthor    string           `json:"quote_author,omitempty"`
	TemplateSet    string           `json:"template_override,omitempty"`
	Narration      string           `json:"narration,omitempty"`
	NarrationAudio string           `json:"narration_audio,omitempty"`
	PauseBefore    float64          `json:"pause_before,omitempty"`
	PauseAfter     float64          `json:"pause_after,omitempty"`
	MinDuration    float64          `json:"min_duration,omitempty"`
	Voice          course.Voice     `json:"voice"` // in effect
	Notes          string           `json:"notes,omitempty"`
	CommentList    []course.Comment `json:"comment_list,omitempty"`
	Line           int              `json:"line,omitempty"` // where the scene starts in the file
}

func summarize(c *course.Course, l *course.Lesson, s *course.Scene, i int) sceneJSON {
	return sceneJSON{
		Lesson: l.ID, ID: s.ID, Index: i + 1, Layout: s.Layout, Template: s.TemplateFor(l, c),
		Title: sceneTitle(s), Status: s.Status, Words: s.Words(),
		EstimatedSeconds: round1(build.EstimateSeconds(s, s.VoiceFor(l, c).Rate)),
		Comments:         len(s.Comments),
	}
}

// sceneTitle is the scene's title, or the first text it shows.
func sceneTitle(s *course.Scene) string {
	for _, t := range []string{s.Title, s.Quote, s.Subtitle, s.Body} {
		if t = strings.TrimSpace(t); t != "" {
			return oneLine(t, 80)
		}
	}
	if len(s.Bullets) > 0 {
		return oneLine(s.Bullets[0].Text, 80)
	}
	return ""
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// --- list

type sceneListOptions struct {
	env     *Env
	course  string
	lessons []string
	status  string
	json    bool
}

func (o *sceneListOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.lessons, "lesson", nil, "only this lesson id (repeatable)")
	fs.StringVar(&o.status, "status", "", "only scenes with this status: draft, approved or changes-requested")
	fs.BoolVar(&o.json, "json", false, `print JSON: {"course", "scenes": [{"lesson", "id", "index", "layout", "template", "title", "status", "words", "estimated_seconds", "comments"}]}`)
}

func newSceneListCmd(env *Env) *cobra.Command {
	o := &sceneListOptions{env: env}
	cmd := &cobra.Command{
		Use:   "list COURSE.yaml",
		Short: "List the scenes with their id, layout, status and length",
		Example: `  tecno scene list course.yaml
  tecno scene list course.yaml --status draft --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runSceneList(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneList(ctx context.Context, o *sceneListOptions) error {
	c, err := course.Load(o.course)
	if err != nil {
		return err
	}
	if o.status != "" && !slices.Contains(course.Statuses, o.status) {
		return fault.New(fault.Input, "unknown status %q", o.status).WithHint("statuses: %s", strings.Join(course.Statuses, ", "))
	}
	for _, id := range o.lessons {
		if c.Lesson(id) == nil {
			return lessonNotFound(c, id)
		}
	}
	var rows []sceneJSON
	for _, l := range c.Lessons {
		if len(o.lessons) > 0 && !slices.Contains(o.lessons, l.ID) {
			continue
		}
		for i, s := range l.Scenes {
			if o.status != "" && s.Status != o.status {
				continue
			}
			rows = append(rows, summarize(c, l, s, i))
		}
	}
	if o.json {
		if rows == nil {
			rows = []sceneJSON{}
		}
		return writeJSON(o.env.Out, struct {
			Course string      `json:"course"`
			Scenes []sceneJSON `json:"scenes"`
		}{o.course, rows})
	}
	tw := tabwriter.NewWriter(o.env.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LESSON\tSCENE\tLAYOUT\tSTATUS\tWORDS\tLENGTH\tTITLE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t~%s\t%s\n", r.Lesson, r.ID, r.Layout, r.Status, r.Words, clock(r.EstimatedSeconds), oneLine(r.Title, 50))
	}
	return tw.Flush()
}

// clock formats seconds as m:ss.
func clock(sec float64) string {
	s := int(sec + 0.5)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// --- show

type sceneShowOptions struct {
	env    *Env
	course string
	id     string
	json   bool
}

func (o *sceneShowOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print JSON: the list fields plus \"detail\" with every field of the scene")
}

func newSceneShowCmd(env *Env) *cobra.Command {
	o := &sceneShowOptions{env: env}
	cmd := &cobra.Command{
		Use:     "show COURSE.yaml SCENE",
		Short:   "Show everything about one scene",
		Example: `  tecno scene show course.yaml why`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.id = args[0], args[1]
			return runSceneShow(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneShow(ctx context.Context, o *sceneShowOptions) error {
	c, err := course.Load(o.course)
	if err != nil {
		return err
	}
	l, s := c.FindScene(o.id)
	if s == nil {
		return sceneNotFound(c, o.id)
	}
	i := slices.Index(l.Scenes, s)
	j := summarize(c, l, s, i)
	j.Detail = &sceneDetailJSON{
		Subtitle: s.Subtitle, Bullets: s.Bullets, Body: s.Body, Image: s.Image, Code: s.Code, CodeLanguage: s.Language,
		Quote: s.Quote, QuoteAuthor: s.Author, TemplateSet: s.Template, Narration: s.Narration, NarrationAudio: s.NarrationAudio,
		PauseBefore: s.PauseBefore, PauseAfter: s.PauseAfter, MinDuration: s.MinDuration, Voice: s.VoiceFor(l, c),
		Notes: s.Notes, CommentList: s.Comments, Line: s.Pos.Line,
	}
	if o.json {
		return writeJSON(o.env.Out, j)
	}
	w := o.env.Out
	field := func(label, v string) {
		v = strings.TrimRight(v, "\n")
		if v == "" {
			return
		}
		lines := strings.Split(v, "\n")
		fmt.Fprintf(w, "%-10s %s\n", label, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "%-10s %s\n", "", l)
		}
	}
	field("scene", fmt.Sprintf("%s (%d of %d in lesson %s, %s:%d)", s.ID, i+1, len(l.Scenes), l.ID, o.course, s.Pos.Line))
	field("layout", s.Layout)
	field("template", j.Template)
	field("status", s.Status)
	field("title", s.Title)
	field("subtitle", s.Subtitle)
	if len(s.Bullets) > 0 {
		var b strings.Builder
		var walk func(bs []course.Bullet, depth int)
		walk = func(bs []course.Bullet, depth int) {
			for _, x := range bs {
				fmt.Fprintf(&b, "%s- %s\n", strings.Repeat("  ", depth), x.Text)
				walk(x.Children, depth+1)
			}
		}
		walk(s.Bullets, 0)
		field("bullets", b.String())
	}
	field("body", s.Body)
	field("image", s.Image)
	field("quote", s.Quote)
	field("author", s.Author)
	field("code", s.Code)
	field("audio", s.NarrationAudio)
	if s.Narration != "" {
		field("narration", fmt.Sprintf("%d words, about %s\n%s", j.Words, clock(j.EstimatedSeconds), strings.TrimRight(s.Narration, "\n")))
	}
	field("notes", s.Notes)
	for _, cm := range s.Comments {
		who := firstNonEmpty(cm.Author, "anonymous")
		if cm.Time != "" {
			who += " at " + cm.Time
		}
		field("comment", who+"\n"+cm.Text)
	}
	return nil
}

// --- add

type sceneAddOptions struct {
	env                          *Env
	course                       string
	lesson, after, id            string
	layout, title, subtitle      string
	body, image, narration, tmpl string
	bullets                      []string
}

func (o *sceneAddOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.lesson, "lesson", "", "lesson id to add the scene to (required)")
	fs.StringVar(&o.after, "after", "", "put the scene after this scene id (default: at the end of the lesson)")
	fs.StringVar(&o.id, "id", "", "scene id (default: made from the title)")
	fs.StringVar(&o.layout, "layout", "", "layout: "+strings.Join(course.Layouts, ", ")+" (default: inferred from the fields)")
	fs.StringVar(&o.title, "title", "", "title")
	fs.StringVar(&o.subtitle, "subtitle", "", "subtitle")
	fs.StringArrayVar(&o.bullets, "bullet", nil, "a bullet point (repeatable)")
	fs.StringVar(&o.body, "body", "", "body text")
	fs.StringVar(&o.image, "image", "", "image path, relative to the course file")
	fs.StringVar(&o.narration, "narration", "", "narration text")
	fs.StringVar(&o.tmpl, "template", "", "template for this scene")
}

func newSceneAddCmd(env *Env) *cobra.Command {
	o := &sceneAddOptions{env: env}
	cmd := &cobra.Command{
		Use:   "add COURSE.yaml --lesson ID [flags]",
		Short: "Add a scene and print its id",
		Example: `  tecno scene add course.yaml --lesson intro --after why --title "Recap" \
      --bullet "One file" --bullet "One command" --narration "To recap: one file, one command."`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runSceneAdd(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneAdd(ctx context.Context, o *sceneAddOptions) error {
	if o.lesson == "" {
		return fault.New(fault.Input, "--lesson is required").WithHint("usage: tecno scene add %s --lesson ID --title TITLE", o.course)
	}
	s := course.Scene{ID: o.id, Layout: o.layout, Title: o.title, Subtitle: o.subtitle, Body: o.body,
		Image: o.image, Narration: o.narration, Template: o.tmpl}
	for _, b := range o.bullets {
		s.Bullets = append(s.Bullets, course.Bullet{Text: b})
	}
	if s.Layout == "" {
		s.Layout = course.InferLayout(&s)
	}
	if s.Layout == "" {
		return fault.New(fault.Input, "cannot tell the layout from the fields given").WithHint("set --layout: %s", strings.Join(course.Layouts, ", "))
	}
	if !slices.Contains(course.Layouts, s.Layout) {
		e := fault.New(fault.Input, "unknown layout %q", s.Layout)
		if sg := course.Suggest(s.Layout, course.Layouts); sg != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", sg)
		}
		return e.WithHint("layouts: %s", strings.Join(course.Layouts, ", "))
	}
	var id string
	err := editDoc(o.course, func(d *course.Document) error {
		c := d.Course()
		if c.Lesson(o.lesson) == nil {
			return lessonNotFound(c, o.lesson)
		}
		if o.after != "" {
			if err := findScenes(c, o.after); err != nil {
				return err
			}
		}
		if o.tmpl != "" {
			if err := checkTemplate(c, o.tmpl, o.env); err != nil {
				return err
			}
		}
		var err error
		id, err = d.AddScene(o.lesson, o.after, s)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(o.env.Out, id)
	return nil
}

// --- dup

type sceneDupOptions struct {
	env    *Env
	course string
	id     string
}

func (o *sceneDupOptions) AddFlags(fs *pflag.FlagSet) {}

func newSceneDupCmd(env *Env) *cobra.Command {
	o := &sceneDupOptions{env: env}
	cmd := &cobra.Command{
		Use:     "dup COURSE.yaml SCENE",
		Short:   "Duplicate a scene (the copy goes right after it) and print the copy's id",
		Example: `  tecno scene dup course.yaml why`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.id = args[0], args[1]
			return runSceneDup(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneDup(ctx context.Context, o *sceneDupOptions) error {
	var id string
	err := editDoc(o.course, func(d *course.Document) error {
		if err := findScenes(d.Course(), o.id); err != nil {
			return err
		}
		var err error
		id, err = d.DuplicateScene(o.id)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(o.env.Out, id)
	return nil
}

// --- rm

type sceneRmOptions struct {
	env    *Env
	course string
	ids    []string
}

func (o *sceneRmOptions) AddFlags(fs *pflag.FlagSet) {}

func newSceneRmCmd(env *Env) *cobra.Command {
	o := &sceneRmOptions{env: env}
	cmd := &cobra.Command{
		Use:     "rm COURSE.yaml SCENE...",
		Short:   "Delete scenes, with the comment lines just above them",
		Example: `  tecno scene rm course.yaml backdrop`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.ids = args[0], args[1:]
			return runSceneRm(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneRm(ctx context.Context, o *sceneRmOptions) error {
	err := editDoc(o.course, func(d *course.Document) error {
		if err := findScenes(d.Course(), o.ids...); err != nil {
			return err
		}
		for _, id := range o.ids {
			if err := d.DeleteScene(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range o.ids {
		fmt.Fprintf(o.env.Out, "deleted %s\n", id)
	}
	return nil
}

// --- mv

type sceneMvOptions struct {
	env    *Env
	course string
	id     string
	by, to int
}

func (o *sceneMvOptions) AddFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.by, "by", 0, "move by this many places: negative moves up, positive down")
	fs.IntVar(&o.to, "to", 0, "move to this position in the lesson (1 is first)")
}

func newSceneMvCmd(env *Env) *cobra.Command {
	o := &sceneMvOptions{env: env}
	cmd := &cobra.Command{
		Use:   "mv COURSE.yaml SCENE (--by N | --to POS)",
		Short: "Move a scene within its lesson",
		Example: `  tecno scene mv course.yaml why --by -1
  tecno scene mv course.yaml closing --to 1`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.id = args[0], args[1]
			return runSceneMv(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneMv(ctx context.Context, o *sceneMvOptions) error {
	if (o.by == 0) == (o.to == 0) {
		return fault.New(fault.Input, "give one of --by N or --to POS").WithHint("usage: tecno scene mv %s %s --by -1", o.course, o.id)
	}
	var pos, n int
	err := editDoc(o.course, func(d *course.Document) error {
		c := d.Course()
		l, s := c.FindScene(o.id)
		if s == nil {
			return sceneNotFound(c, o.id)
		}
		i := slices.Index(l.Scenes, s)
		n = len(l.Scenes)
		delta := o.by
		if o.to != 0 {
			if o.to < 1 || o.to > n {
				return fault.New(fault.Input, "--to %d is outside lesson %q, which has %d scenes", o.to, l.ID, n)
			}
			delta = o.to - 1 - i
		}
		pos = i + delta + 1
		if delta == 0 {
			return nil
		}
		return d.MoveScene(o.id, delta)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.env.Out, "%s is scene %d of %d\n", o.id, pos, n)
	return nil
}

// --- approve

type sceneApproveOptions struct {
	env     *Env
	course  string
	ids     []string
	lessons []string
	all     bool
}

func (o *sceneApproveOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.lessons, "lesson", nil, "approve every scene of this lesson (repeatable)")
	fs.BoolVar(&o.all, "all", false, "approve every scene of the course")
}

func newSceneApproveCmd(env *Env) *cobra.Command {
	o := &sceneApproveOptions{env: env}
	cmd := &cobra.Command{
		Use:   "approve COURSE.yaml [SCENE...]",
		Short: "Mark scenes approved",
		Example: `  tecno scene approve course.yaml why pipeline
  tecno scene approve course.yaml --lesson intro`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.ids = args[0], args[1:]
			return runSceneApprove(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneApprove(ctx context.Context, o *sceneApproveOptions) error {
	if len(o.ids) == 0 && len(o.lessons) == 0 && !o.all {
		return fault.New(fault.Input, "name the scenes to approve").WithHint("usage: tecno scene approve %s SCENE... (or --lesson ID, or --all)", o.course)
	}
	var done []string
	err := editDoc(o.course, func(d *course.Document) error {
		c := d.Course()
		if err := findScenes(c, o.ids...); err != nil {
			return err
		}
		ids := slices.Clone(o.ids)
		for _, lid := range o.lessons {
			l := c.Lesson(lid)
			if l == nil {
				return lessonNotFound(c, lid)
			}
			for _, s := range l.Scenes {
				ids = append(ids, s.ID)
			}
		}
		if o.all {
			for _, l := range c.Lessons {
				for _, s := range l.Scenes {
					ids = append(ids, s.ID)
				}
			}
		}
		for _, id := range ids {
			if slices.Contains(done, id) {
				continue
			}
			if err := d.SetStatus(id, course.StatusApproved); err != nil {
				return err
			}
			done = append(done, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range done {
		fmt.Fprintf(o.env.Out, "approved %s\n", id)
	}
	return nil
}

// --- comment

type sceneCommentOptions struct {
	env            *Env
	course, id     string
	text, author   string
	requestChanges bool
}

func (o *sceneCommentOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.author, "author", "", "comment author (default: $TECNO_AUTHOR, else $USER)")
	fs.BoolVar(&o.requestChanges, "request-changes", false, "also set the scene's status to changes-requested")
}

func newSceneCommentCmd(env *Env) *cobra.Command {
	o := &sceneCommentOptions{env: env}
	cmd := &cobra.Command{
		Use:     "comment COURSE.yaml SCENE TEXT",
		Short:   "Add a review comment to a scene",
		Example: `  tecno scene comment course.yaml why "shorten the second bullet" --request-changes`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.id, o.text = args[0], args[1], args[2]
			return runSceneComment(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneComment(ctx context.Context, o *sceneCommentOptions) error {
	cm := course.Comment{Author: commentAuthor(o.author, o.env), Text: o.text, Time: time.Now().UTC().Format(time.RFC3339)}
	err := editDoc(o.course, func(d *course.Document) error {
		if err := findScenes(d.Course(), o.id); err != nil {
			return err
		}
		if o.requestChanges {
			if err := d.SetStatus(o.id, course.StatusChangesRequested); err != nil {
				return err
			}
		}
		return d.AddComment(o.id, cm)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.env.Out, "commented on %s\n", o.id)
	return nil
}

// --- template

type sceneTemplateOptions struct {
	env              *Env
	course, id, name string
	inherit          bool
}

func (o *sceneTemplateOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.inherit, "inherit", false, "remove the scene's template, so it uses the lesson's or course's")
}

func newSceneTemplateCmd(env *Env) *cobra.Command {
	o := &sceneTemplateOptions{env: env}
	cmd := &cobra.Command{
		Use:   "template COURSE.yaml SCENE (NAME | --inherit)",
		Short: "Set the template of one scene",
		Example: `  tecno scene template course.yaml why tech
  tecno scene template course.yaml why --inherit`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course, o.id = args[0], args[1]
			if len(args) == 3 {
				o.name = args[2]
			}
			return runSceneTemplate(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSceneTemplate(ctx context.Context, o *sceneTemplateOptions) error {
	if (o.name == "") == !o.inherit {
		return fault.New(fault.Input, "give a template name or --inherit").WithHint("usage: tecno scene template %s %s NAME", o.course, o.id)
	}
	var now string
	err := editDoc(o.course, func(d *course.Document) error {
		c := d.Course()
		if err := findScenes(c, o.id); err != nil {
			return err
		}
		if o.name != "" {
			if err := checkTemplate(c, o.name, o.env); err != nil {
				return err
			}
		}
		if err := d.SetTemplate(o.id, o.name); err != nil {
			return err
		}
		l, s := d.Course().FindScene(o.id)
		now = s.TemplateFor(l, d.Course())
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.env.Out, "%s uses the %s template\n", o.id, now)
	return nil
}

// checkTemplate fails for a template that is neither built in nor a file.
func checkTemplate(c *course.Course, name string, env *Env) error {
	ve := validationEnv(c, newRegistry(env))
	if ve.KnownTemplate(name) {
		return nil
	}
	names := ve.Templates()
	e := fault.New(fault.Input, "unknown template %q", name)
	if s := course.Suggest(name, names); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e.WithHint("templates: %s, or a path to a template file", strings.Join(names, ", "))
}

// --- the review gate of tecno build --require-approved

// requireApproved fails with one Gate error per scene of the selected
// lessons (all when none are named) that is not approved, each pointing at
// the scene in the course file.
func requireApproved(c *course.Course, lessons []string) error {
	var errs fault.List
	total := 0
	for li, l := range c.Lessons {
		if len(lessons) > 0 && !slices.Contains(lessons, l.ID) {
			continue
		}
		for si, s := range l.Scenes {
			total++
			if s.Status == course.StatusApproved {
				continue
			}
			pos := s.Pos
			if p, ok := c.Positions[fmt.Sprintf("lessons.%d.scenes.%d.status", li, si)]; ok {
				pos = p
			}
			errs = append(errs, &fault.Error{Kind: fault.Gate, File: c.Path, Line: pos.Line, Col: pos.Col,
				Msg: fmt.Sprintf("scene %q of lesson %q is not approved (%s)", s.ID, l.ID, s.Status)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	last := errs[len(errs)-1]
	last.WithHint("%d of %d scenes are not approved; review them with: tecno review %s", len(errs), total, c.Path)
	last.WithHint("or approve from a script: tecno scene approve %s SCENE...", c.Path)
	return errs
}
