package script

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// Scene actions in a Report.
const (
	ActionWritten   = "written"   // narration proposed, status set to draft
	ActionUnchanged = "unchanged" // the writer proposed what is already there
	ActionSkipped   = "skipped"   // see Reason
)

// Skip reasons.
const (
	ReasonApproved = "approved"        // approved narration is kept unless Force
	ReasonAudio    = "narration_audio" // the scene plays a recording; text would be ignored
)

// Options configure Run.
type Options struct {
	Doc     *course.Document
	Writer  Writer
	Scenes  []string // scene ids; empty means every scene of the lessons
	Lessons []string // lesson ids; empty means every lesson
	// Force replaces approved narration too (the scene goes back to
	// draft, so that it is reviewed again).
	Force bool
	// Jobs is how many scenes are written at once (default 4); the chat
	// client also caps requests in flight.
	Jobs int
}

// SceneResult is what happened to one scene.
type SceneResult struct {
	Lesson    string `json:"lesson"`
	Scene     string `json:"scene"`
	Action    string `json:"action"`
	Reason    string `json:"reason,omitempty"`
	Previous  string `json:"previous,omitempty"`
	Narration string `json:"narration,omitempty"`
	// Replaced marks approved narration replaced under Force.
	Replaced bool  `json:"replaced_approved,omitempty"`
	Cached   bool  `json:"cached,omitempty"`
	Usage    Usage `json:"usage"`
}

// Report is the outcome of Run.
type Report struct {
	Provider  string        `json:"provider"`
	Model     string        `json:"model,omitempty"`
	Scenes    []SceneResult `json:"scenes"`
	Written   int           `json:"written"`
	Unchanged int           `json:"unchanged"`
	Skipped   int           `json:"skipped"`
	Cached    int           `json:"cached"`
	Usage     Usage         `json:"usage"`
	CostUSD   float64       `json:"estimated_cost_usd"`
	CostNote  string        `json:"cost_note,omitempty"`
}

// target is a selected scene.
type target struct {
	lesson *course.Lesson
	scene  *course.Scene
	index  int
}

// selectScenes returns the scenes named by ids and lessons, in course
// order. Unknown ids are input errors with a suggestion.
func selectScenes(c *course.Course, ids, lessons []string) ([]target, error) {
	wantL := map[string]bool{}
	var lessonIDs, sceneIDs []string
	for _, l := range c.Lessons {
		lessonIDs = append(lessonIDs, l.ID)
		for _, s := range l.Scenes {
			sceneIDs = append(sceneIDs, s.ID)
		}
	}
	for _, id := range lessons {
		if c.Lesson(id) == nil {
			return nil, unknown(c.Path, "lesson", id, lessonIDs)
		}
		wantL[id] = true
	}
	wantS := map[string]bool{}
	for _, id := range ids {
		if _, s := c.FindScene(id); s == nil {
			return nil, unknown(c.Path, "scene", id, sceneIDs)
		}
		wantS[id] = true
	}
	var out []target
	for _, l := range c.Lessons {
		if len(wantL) > 0 && !wantL[l.ID] {
			continue
		}
		for i, s := range l.Scenes {
			if len(wantS) > 0 && !wantS[s.ID] {
				continue
			}
			out = append(out, target{lesson: l, scene: s, index: i})
		}
	}
	if len(out) == 0 {
		return nil, fault.New(fault.Input, "no scene matches the selection").
			WithHint("a --scene must belong to a --lesson when both are given")
	}
	return out, nil
}

func unknown(file, what, id string, ids []string) error {
	e := fault.New(fault.Input, "no %s %q in %s", what, id, file)
	if s := course.Suggest(id, ids); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e
}

// skipReason says why a scene is left alone, or "".
func skipReason(s *course.Scene, force bool) string {
	switch {
	case s.NarrationAudio != "":
		return ReasonAudio
	case s.Status == course.StatusApproved && strings.TrimSpace(s.Narration) != "" && !force:
		return ReasonApproved
	}
	return ""
}

func inputFor(c *course.Course, t target) Input {
	return Input{Language: c.Language, Course: c.Title, Lesson: t.lesson.Title, Scene: t.scene, Index: t.index, Count: len(t.lesson.Scenes)}
}

// custom reports whether w bills through an endpoint tecno cannot price.
func custom(w Writer) bool {
	if c, ok := w.(interface{ Custom() bool }); ok {
		return c.Custom()
	}
	return false
}

// Custom reports whether the writer's endpoint is not OpenAI's own.
func (w *ChatWriter) Custom() bool { return w.Chat.Custom() }

// Run writes narration for the selected scenes into opts.Doc (in memory:
// the caller saves it, or shows UnifiedDiff of Doc.Bytes()). Each written
// scene gets status draft. Approved narration is skipped unless Force, and
// scenes that play a recording (narration_audio) always are; the report
// lists both. If any scene fails, the document is left unchanged.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Doc == nil || opts.Writer == nil {
		return nil, fmt.Errorf("script: incomplete options")
	}
	c := opts.Doc.Course()
	targets, err := selectScenes(c, opts.Scenes, opts.Lessons)
	if err != nil {
		return nil, err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = 4
	}
	results := make([]SceneResult, len(targets))
	outs := make([]Output, len(targets))
	errs := make([]error, len(targets))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, t := range targets {
		results[i] = SceneResult{Lesson: t.lesson.ID, Scene: t.scene.ID, Previous: t.scene.Narration}
		if r := skipReason(t.scene, opts.Force); r != "" {
			results[i].Action, results[i].Reason = ActionSkipped, r
			continue
		}
		wg.Add(1)
		go func(i int, t target) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out, err := opts.Writer.Write(ctx, inputFor(c, t))
			if err != nil {
				errs[i] = withScene(err, t.scene.ID)
				cancel()
				return
			}
			outs[i] = out
		}(i, t)
	}
	wg.Wait()
	// The first real failure wins over the cancellations it caused.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}

	rep := &Report{Provider: opts.Writer.Name(), Model: opts.Writer.Model()}
	before := append([]byte(nil), opts.Doc.Bytes()...)
	for i, t := range targets {
		r := &results[i]
		if r.Action == ActionSkipped {
			rep.Skipped++
			continue
		}
		out := outs[i]
		r.Narration, r.Cached, r.Usage = out.Text, out.Cached, out.Usage
		rep.Usage = rep.Usage.Add(out.Usage)
		if out.Cached {
			rep.Cached++
		}
		if strings.TrimSpace(out.Text) == strings.TrimSpace(t.scene.Narration) {
			r.Action = ActionUnchanged
			rep.Unchanged++
			continue
		}
		r.Replaced = t.scene.Status == course.StatusApproved && strings.TrimSpace(t.scene.Narration) != ""
		if err := opts.Doc.SetNarration(t.scene.ID, out.Text); err != nil {
			restore(opts.Doc, before)
			return nil, withScene(err, t.scene.ID)
		}
		if err := opts.Doc.SetStatus(t.scene.ID, course.StatusDraft); err != nil {
			restore(opts.Doc, before)
			return nil, withScene(err, t.scene.ID)
		}
		r.Action = ActionWritten
		rep.Written++
	}
	rep.Scenes = results
	if rep.Provider != "offline" {
		rep.CostUSD, rep.CostNote = ChatCost(rep.Model, rep.Usage, custom(opts.Writer))
	}
	return rep, nil
}

// restore undoes every edit made since the document held before.
func restore(d *course.Document, before []byte) {
	for string(d.Bytes()) != string(before) && d.Undo() {
	}
}

// withScene names the scene in an error.
func withScene(err error, id string) error {
	if fe, ok := err.(*fault.Error); ok {
		c := *fe
		c.Msg = fmt.Sprintf("scene %q: %s", id, fe.Msg)
		return &c
	}
	return fmt.Errorf("scene %q: %w", id, err)
}

// Estimate is the expected API usage of a script run, before any call.
type Estimate struct {
	Provider         string  `json:"provider"`
	Model            string  `json:"model,omitempty"`
	Scenes           int     `json:"scenes"`        // scenes that would be written
	Skipped          int     `json:"skipped"`       // approved or recorded
	Cached           int     `json:"cached"`        // answers already in the cache
	PromptTokens     int     `json:"prompt_tokens"` // estimated
	CompletionTokens int     `json:"completion_tokens"`
	CostUSD          float64 `json:"estimated_cost_usd"`
	Note             string  `json:"note,omitempty"`
}

// EstimateOptions select what Estimate prices.
type EstimateOptions struct {
	Scenes, Lessons []string
	Force           bool
	// Writer is the writer that would run. A *ChatWriter is priced from
	// its rendered prompts; any other writer is offline and free.
	Writer Writer
}

// EstimateRun estimates the tokens and cost a Run with the same selection
// would use: the prompts are rendered and counted (about four characters
// per token), the answers sized from the slide text, and scenes whose
// answer is already cached cost nothing. Nothing is sent.
func EstimateRun(c *course.Course, opts EstimateOptions) (Estimate, error) {
	targets, err := selectScenes(c, opts.Scenes, opts.Lessons)
	if err != nil {
		return Estimate{}, err
	}
	est := Estimate{Provider: opts.Writer.Name(), Model: opts.Writer.Model()}
	cw, chat := opts.Writer.(*ChatWriter)
	for _, t := range targets {
		if skipReason(t.scene, opts.Force) != "" {
			est.Skipped++
			continue
		}
		est.Scenes++
		if !chat {
			continue
		}
		in := inputFor(c, t)
		if cw.Cache != nil {
			if e, err := cw.Cache.Get(cw.Key(in)); err == nil && e != nil {
				est.Cached++
				continue
			}
		}
		msgs, err := cw.Prompt.Messages(in)
		if err != nil {
			return Estimate{}, err
		}
		for _, m := range msgs {
			est.PromptTokens += EstimateTokens(m.Content) + 4 // per-message overhead
		}
		est.CompletionTokens += targetWords(t.scene) * 4 / 3
	}
	if !chat {
		est.Note = "offline writer: no API calls, no cost"
		return est, nil
	}
	est.CostUSD, est.Note = ChatCost(est.Model, Usage{PromptTokens: est.PromptTokens, CompletionTokens: est.CompletionTokens}, cw.Custom())
	return est, nil
}
