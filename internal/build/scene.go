package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/loudness"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
)

// Defaults for scene timing, in seconds.
const (
	defaultPauseBefore = 0.3
	defaultPauseAfter  = 0.6
	silentSceneLength  = 4.0 // a scene with no narration at all
)

// sceneJob is one scene on its way through the stages.
type sceneJob struct {
	lesson *course.Lesson
	scene  *course.Scene
	index  int

	// Results.
	narr   *cache.Entry
	audio  *cache.Entry
	frame  *cache.Entry
	still  *cache.Entry
	timing sceneAudioMeta
	stages []StageReport

	// Production.
	card     string         // introID or outroID for a synthetic card
	clip     string         // a video card's file (instead of a slide)
	narrDone chan struct{}  // closed once narration and audio are done
	vis      []*sceneVisual // per size variant
	plan     scenePlan
	planOnce sync.Once
}

// narrationMeta is stored with a narration entry.
type narrationMeta struct {
	Rate     int              `json:"rate"`
	Samples  int              `json:"samples"`
	Cues     []narrate.Timing `json:"cues,omitempty"`
	Words    []narrate.Timing `json:"words,omitempty"`
	Provider string           `json:"provider"`
}

// sceneAudioMeta is stored with an audio entry.
type sceneAudioMeta struct {
	Frames  int              `json:"frames"`  // video frames the scene lasts
	Samples int              `json:"samples"` // output audio samples, = Frames × rate / fps
	Offset  float64          `json:"offset"`  // where the narration starts, in seconds
	Speech  float64          `json:"speech"`  // narration length in seconds
	Cues    []narrate.Timing `json:"cues,omitempty"`
	Words   []narrate.Timing `json:"words,omitempty"`
	GainDB  float64          `json:"gain_db"` // loudness correction applied
}

// targetLUFS is the narration loudness target (integrated, per scene; the
// lesson measures the same because gating ignores pauses).
const (
	targetLUFS  = -16.0
	peakCeiling = -2.0 // dBFS
)

// stage runs one cached stage: key lookup, verification, and on a miss the
// fill function under a worker slot. It records the outcome.
func (b *builder) stage(ctx context.Context, j *sceneJob, name, key string, fill func(dir string) (any, error)) (*cache.Entry, bool, error) {
	return b.stageSlot(ctx, j, name, key, true, fill)
}

// stageSlot is stage, with the fill under a worker slot only when slot is
// set: a fill that hands its heavy work to something taking slots itself
// (the audio batcher) must not hold one while it waits.
func (b *builder) stageSlot(ctx context.Context, j *sceneJob, name, key string, slot bool, fill func(dir string) (any, error)) (*cache.Entry, bool, error) {
	t0 := time.Now()
	e, err := b.opts.Cache.Get(key)
	if err != nil && errors.Is(err, cache.ErrCorrupt) {
		b.warn(j.lesson.ID, j.scene.ID, fmt.Sprintf("%s: %v; rebuilding", name, err))
		e, err = nil, nil
	}
	if err != nil {
		return nil, false, err
	}
	cached := e != nil
	if !cached {
		release := func() {}
		if slot {
			if release, err = b.acquire(ctx); err != nil {
				return nil, false, err
			}
		}
		e, err = b.opts.Cache.Put(key, fill)
		release()
		if err != nil {
			return nil, false, err
		}
	}
	secs := time.Since(t0).Seconds()
	b.reportMu.Lock()
	j.stages = append(j.stages, StageReport{Stage: name, Key: key[:16], Cached: cached, Seconds: round3(secs)})
	b.reportMu.Unlock()
	b.emit(progress.Event{Type: progress.StageDone, Lesson: j.lesson.ID, Scene: j.scene.ID,
		Stage: name, Cached: progress.Bool(cached), Seconds: round3(secs)})
	return e, cached, nil
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func jsonString(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is marshalled here
	}
	return string(data)
}

// voiceFor resolves a scene's voice.
func (b *builder) voiceFor(j *sceneJob) course.Voice {
	return ResolveVoice(b.c, j.lesson, j.scene)
}

// ResolveVoice returns the voice a scene is narrated with: scene, lesson and
// course settings, then the default voice of the course language.
func ResolveVoice(c *course.Course, l *course.Lesson, s *course.Scene) course.Voice {
	voice := s.VoiceFor(l, c)
	if voice.Language == "" {
		voice.Language = c.Language
	}
	def := narrate.DefaultVoice(voice.Language)
	if voice.Provider == "" {
		voice.Provider = def.Provider
	}
	if voice.Name == "" && voice.Provider == def.Provider {
		voice.Name = def.Name
	}
	return voice
}

// narrateKey hashes everything that can change a scene's narration audio.
func (b *builder) narrateKey(ctx context.Context, j *sceneJob) (string, narrate.Provider, course.Voice, error) {
	s := j.scene
	if s.NarrationAudio != "" {
		f, err := cache.HashFile(b.c.Resolve(s.NarrationAudio))
		if err != nil {
			return "", nil, course.Voice{}, b.sceneError(j, "narration_audio", "cannot read narration_audio %s: %v", s.NarrationAudio, err)
		}
		return cache.Key("narrate-file", narrateVersion, f.SHA256, strconv.Itoa(b.audio.SampleRate)), nil, course.Voice{}, nil
	}
	voice := b.voiceFor(j)
	p, err := b.opts.Providers.Get(voice.Provider)
	if err != nil {
		return "", nil, voice, err
	}
	if m, ok := p.(narrate.Memoizer); ok {
		m.SetMemo(b.opts.Cache.Memo)
	}
	fpKey := voice.Provider + "\x00" + jsonString(voice)
	fp, ok := b.provFP.Load(fpKey)
	if !ok {
		v, err := p.Fingerprint(ctx, voice)
		if err != nil {
			return "", nil, voice, err
		}
		b.provFP.Store(fpKey, v)
		fp = v
	}
	return cache.Key("narrate", narrateVersion, strconv.Itoa(narrate.StageVersion), fp.(string), jsonString(voice), b.c.Language,
		s.Narration, jsonString(b.c.Lexicon)), p, voice, nil
}

func (b *builder) sceneError(j *sceneJob, field, format string, args ...any) *fault.Error {
	e := fault.New(fault.Input, format, args...)
	e.File = b.c.Path
	pos := j.scene.Pos
	if p := b.c.PosOf(fmt.Sprintf("%s.%s", b.scenePath(j), field)); p.Line > 0 {
		pos = p
	}
	e.Line, e.Col = pos.Line, pos.Col
	return e
}

func (b *builder) scenePath(j *sceneJob) string {
	for li, l := range b.c.Lessons {
		if l == j.lesson {
			return fmt.Sprintf("lessons.%d.scenes.%d", li, j.index)
		}
	}
	return ""
}

// runNarration synthesizes (or decodes) the scene's narration.
func (b *builder) runNarration(ctx context.Context, j *sceneJob) error {
	key, p, voice, err := b.narrateKey(ctx, j)
	if err != nil {
		return err
	}
	s := j.scene
	j.narr, _, err = b.stage(ctx, j, StageNarrate, key, func(dir string) (any, error) {
		var n narrate.Narration
		switch {
		case s.NarrationAudio != "":
			pcm, err := b.opts.FFmpeg.Output(ctx, ffmpeg.DecodeAudioArgs(b.c.Resolve(s.NarrationAudio), b.audio.SampleRate), nil)
			if err != nil {
				return nil, b.sceneError(j, "narration_audio", "cannot decode narration_audio %s: %v", s.NarrationAudio, err)
			}
			n.Audio = narrate.Audio{Rate: b.audio.SampleRate, Samples: bytesToPCM(pcm)}
		case s.Narration != "":
			res, err := narrate.Synthesize(ctx, p, narrate.NarrationRequest{
				Text: s.Narration, Voice: voice, Language: voice.Language, Lexicon: b.c.Lexicon,
			})
			if err != nil {
				return nil, withScene(err, j)
			}
			n = *res
		}
		if n.Audio.Rate == 0 {
			n.Audio.Rate = b.audio.SampleRate
		}
		f, err := os.Create(filepath.Join(dir, "narration.wav"))
		if err != nil {
			return nil, err
		}
		if err := narrate.EncodeWAV(f, n.Audio); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		name := ""
		if p != nil {
			name = p.Name()
		}
		return narrationMeta{Rate: n.Audio.Rate, Samples: len(n.Audio.Samples), Cues: n.Cues, Words: n.Words, Provider: name}, nil
	})
	if err != nil {
		return err
	}
	return b.runAudio(ctx, j)
}

// withScene names the scene in a provider or engine error.
func withScene(err error, j *sceneJob) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		c := *fe
		c.Msg = fmt.Sprintf("scene %q: %s", j.scene.ID, fe.Msg)
		return &c
	}
	return fmt.Errorf("scene %q: %w", j.scene.ID, err)
}

func bytesToPCM(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return out
}

// quantum is the smallest number of video frames whose length is also a
// whole number of AAC frames, so that scene segments join without drift.
func quantum(fps, rate int) int {
	for q := 1; q <= 4096; q++ {
		if (q*rate)%fps == 0 && (q*rate/fps)%ffmpeg.AACFrame == 0 {
			return q
		}
	}
	return 0
}

// scenePauses returns the scene's pauses before and after the narration,
// defaults applied.
func scenePauses(s *course.Scene) (before, after float64) {
	before, after = s.PauseBefore, s.PauseAfter
	if before == 0 {
		before = defaultPauseBefore
	}
	if after == 0 {
		after = defaultPauseAfter
	}
	return before, after
}

// audioKey hashes everything that can change a scene's audio segment, given
// its narration entry's key.
func (b *builder) audioKey(s *course.Scene, narrKey string) string {
	pb, pa := scenePauses(s)
	return cache.Key("audio", audioVersion, narrKey, jsonString([]float64{pb, pa, s.MinDuration}),
		strconv.Itoa(b.video.FPS), jsonString(b.audio), b.ffver)
}

// audioLayout is where a scene's narration sits in its audio segment.
type audioLayout struct {
	rate    int // the narration's sample rate
	lead    int // samples (at rate) of silence before the narration
	frames  int // video frames the scene lasts
	samples int // output audio samples
	speech  float64
}

// layoutAudio pads the narration (n samples at rate r) with the scene's
// pauses to a whole number of quanta.
func (b *builder) layoutAudio(s *course.Scene, n, r int) audioLayout {
	pb, pa := scenePauses(s)
	fps, rate := b.video.FPS, b.audio.SampleRate
	q := quantum(fps, rate)
	// The encoder's priming frame replaces the first AACFrame output
	// samples; give it silence to replace.
	lead := int(math.Round(float64(ffmpeg.AACFrame*r)/float64(rate))) + int(math.Round(pb*float64(r)))
	speech := float64(n) / float64(r)
	total := float64(lead)/float64(r) + speech + pa
	if n == 0 && s.MinDuration == 0 {
		total = silentSceneLength
	}
	total = math.Max(total, s.MinDuration)
	frames := int(math.Ceil(total*float64(fps) - 1e-9))
	frames = (frames + q - 1) / q * q
	return audioLayout{rate: r, lead: lead, frames: frames, samples: frames * rate / fps, speech: speech}
}

// meta is the audio entry's metadata for this layout.
func (al audioLayout) meta(nm narrationMeta, gain float64) sceneAudioMeta {
	offset := float64(al.lead) / float64(al.rate)
	shift := func(ts []narrate.Timing) []narrate.Timing {
		out := make([]narrate.Timing, len(ts))
		for i, c := range ts {
			out[i] = narrate.Timing{Text: c.Text, Start: round3(c.Start + offset), End: round3(c.End + offset)}
		}
		return out
	}
	return sceneAudioMeta{Frames: al.frames, Samples: al.samples, Offset: offset, Speech: al.speech,
		Cues: shift(nm.Cues), Words: shift(nm.Words), GainDB: round3(gain)}
}

// scenePCM returns a scene's sound before encoding, at the narration's
// rate: the lead's silence, then the narration brought to the loudness
// target with its peaks under the ceiling (-2 dBFS leaves room for
// inter-sample peaks: true peak ≤ -1.5 dBTP).
func scenePCM(narr narrate.Audio, lead int) ([]int16, float64) {
	voiced, gain := loudness.Normalize(narr.Samples, narr.Rate, targetLUFS, peakCeiling)
	pcm := make([]int16, lead+len(voiced))
	copy(pcm[lead:], voiced)
	return pcm, gain
}

func readNarration(j *sceneJob) (narrate.Audio, error) {
	if err := j.narr.Verify(); err != nil {
		return narrate.Audio{}, err
	}
	f, err := os.Open(j.narr.Path("narration.wav"))
	if err != nil {
		return narrate.Audio{}, err
	}
	defer f.Close()
	return narrate.DecodeWAV(f)
}

// sceneAudioKey is the key of a scene's audio entry; a lesson with music
// keeps only the layout there.
func (b *builder) sceneAudioKey(j *sceneJob, narrKey string) string {
	key := b.audioKey(j.scene, narrKey)
	if j.lesson.MusicFor(b.c) != nil {
		return cache.Key(key, "layout only")
	}
	return key
}

// runAudio pads the narration with the scene's pauses to a whole number of
// quanta and encodes it to AAC. In a lesson with music only the layout is
// kept: the lesson's sound is encoded once, mixed (music.go).
func (b *builder) runAudio(ctx context.Context, j *sceneJob) error {
	s := j.scene
	var nm narrationMeta
	if err := j.narr.DecodeMeta(&nm); err != nil {
		return err
	}
	fps, rate := b.video.FPS, b.audio.SampleRate
	if quantum(fps, rate) == 0 {
		return fault.New(fault.Input, "output.fps %d cannot be aligned with %d Hz audio", fps, rate).WithHint("use 24, 25, 30, 50 or 60 fps")
	}
	key := b.sceneAudioKey(j, j.narr.Key)
	var err error
	if j.lesson.MusicFor(b.c) != nil {
		j.audio, _, err = b.stage(ctx, j, StageAudio, key, func(dir string) (any, error) {
			return b.layoutAudio(s, nm.Samples, nm.Rate).meta(nm, 0), nil
		})
		if err != nil {
			return err
		}
		return j.audio.DecodeMeta(&j.timing)
	}
	// The sound is prepared under a worker slot (it holds the scene's
	// samples), then waits for an encoder batch without one.
	j.audio, _, err = b.stageSlot(ctx, j, StageAudio, key, false, func(dir string) (any, error) {
		wav := filepath.Join(dir, "scene.wav")
		var (
			al   audioLayout
			gain float64
		)
		err := b.withSlot(ctx, func() error {
			narr, err := readNarration(j)
			if err != nil {
				return err
			}
			al = b.layoutAudio(s, len(narr.Samples), narr.Rate)
			var pcm []int16
			pcm, gain = scenePCM(narr, al.lead)
			var buf bytes.Buffer
			if err := narrate.EncodeWAV(&buf, narrate.Audio{Rate: narr.Rate, Samples: pcm}); err != nil {
				return err
			}
			return os.WriteFile(wav, buf.Bytes(), 0o644)
		})
		defer os.Remove(wav)
		if err != nil {
			return nil, err
		}
		if err := b.audioQ.do(ctx, ffmpeg.SceneAudio{WAV: wav, Samples: al.samples, Out: filepath.Join(dir, "scene.aac")}); err != nil {
			return nil, err
		}
		return al.meta(nm, gain), nil
	})
	if err != nil {
		return err
	}
	return j.audio.DecodeMeta(&j.timing)
}

// frameKey hashes everything that can change a scene's rendered frame at
// the main size, and returns the render input it describes.
func (b *builder) frameKey(j *sceneJob, tmpl *render.Template) (string, render.Input, error) {
	return b.frameKeyFor(j, tmpl, 0)
}

// stillKey hashes everything that can change a scene's encoded still at
// the main size, given its frame entry.
func (b *builder) stillKey(frame *cache.Entry) string {
	return b.encodeKey(frame, []string{"frame.png"}, h264Codec, b.video)
}
