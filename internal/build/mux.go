package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/mp4"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// An MP4 is written by package mp4, not by ffmpeg: every sample is already
// encoded (the stills and skip frames, the scenes' AAC), so muxing is only
// copying bytes into place. For an 11-minute lesson that takes a few
// milliseconds of CPU where an ffmpeg stream copy took half a second, most
// of a one-scene edit's rebuild.

// mp4Video is the MP4 timescale per frame: ffmpeg's choice (15360 at
// 30 fps), kept so the files stay alike.
const mp4Video = 512

// subTrack is one subtitle track of an MP4.
type subTrack struct {
	lang string // ISO 639-2
	cues []subtitle.Cue
}

// mp4Out describes one MP4 to write.
type mp4Out struct {
	path     string
	pieces   []videoPiece
	codec    int
	video    ffmpeg.Video
	audio    []string // ADTS files, in order
	lang     string   // ISO 639-2 of the sound
	subs     []subTrack
	chapters []chapterRef
	tags     mp4.Tags
}

// writeMP4 writes o.path.
func (b *builder) writeMP4(ctx context.Context, o mp4Out) error {
	if err := b.verifyJoin(o.pieces, o.audio); err != nil {
		return err
	}
	var m mp4.Movie
	vt, err := b.videoTrack(ctx, o)
	if err != nil {
		return err
	}
	defer vt.Source.(*auSource).close()
	m.Tracks = append(m.Tracks, vt)
	at, err := adtsFilesTrack(o.audio, o.lang)
	if err != nil {
		return err
	}
	m.Tracks = append(m.Tracks, at)
	for _, s := range o.subs {
		cues := make([]mp4.Cue, len(s.cues))
		for i, c := range s.cues {
			cues[i] = mp4.Cue{Start: c.Start, End: c.End, Text: c.Text}
		}
		st, err := mp4.SubtitleTrack(s.lang, cues)
		if err != nil {
			return err
		}
		m.Tracks = append(m.Tracks, st)
	}
	for _, c := range o.chapters {
		m.Chapters = append(m.Chapters, mp4.Chapter{Title: c.Title, Start: c.Start, End: c.End})
	}
	m.Tags = o.tags
	return b.opts.Cache.WriteHashed(o.path, func(w io.Writer) error { return mp4.Write(w, &m) })
}

// videoTrack lays out the pieces' access units as samples: their sizes
// now (the pieces are walked once to measure them), their bytes when
// mp4.Write asks (walked again, one piece in memory at a time).
func (b *builder) videoTrack(ctx context.Context, o mp4Out) (*mp4.Track, error) {
	t := &mp4.Track{Kind: mp4.Video, Timescale: uint32(o.video.FPS * mp4Video)}
	var first []byte
	err := b.accessUnits(o.pieces, o.codec, o.video, func(au []byte) error {
		if first == nil {
			first = append([]byte(nil), au...)
		}
		t.Samples = append(t.Samples, mp4.Sample{Size: uint32(mp4.AVCCSize(au)), Duration: mp4Video, Sync: isIDR(au)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, errors.New("mp4: the lesson has no pictures")
	}
	if t.AVC, err = mp4.AVCConfigFromAnnexB(first, o.video.Width, o.video.Height); err != nil {
		return nil, err
	}
	t.Source = &auSource{b: b, ctx: ctx, o: o}
	return t, nil
}

// isIDR reports whether an access unit holds an IDR slice.
func isIDR(au []byte) bool {
	for _, nal := range mp4.SplitAnnexB(au) {
		if len(nal) > 0 && nal[0]&0x1f == 5 {
			return true
		}
	}
	return false
}

// auSource hands mp4.Write the pieces' access units in order, converted
// to length-prefixed NAL units. A goroutine walks the pieces and passes
// each access unit over a channel.
type auSource struct {
	b    *builder
	ctx  context.Context
	o    mp4Out
	aus  chan []byte
	errc chan error
	stop chan struct{}
	next int
	buf  []byte
}

func (s *auSource) WriteSample(w io.Writer, i int) error {
	if s.aus == nil {
		s.aus, s.errc, s.stop = make(chan []byte, 64), make(chan error, 1), make(chan struct{})
		go func() {
			s.errc <- s.b.accessUnits(s.o.pieces, s.o.codec, s.o.video, func(au []byte) error {
				select {
				case s.aus <- au:
					return nil
				case <-s.stop:
					return errStopped
				case <-s.ctx.Done():
					return s.ctx.Err()
				}
			})
			close(s.aus)
		}()
	}
	if i != s.next {
		return fmt.Errorf("mp4: video sample %d asked, %d expected", i, s.next)
	}
	au, ok := <-s.aus
	if !ok {
		if err := <-s.errc; err != nil {
			return err
		}
		return fmt.Errorf("mp4: video sample %d missing", i)
	}
	s.next++
	s.buf = mp4.AnnexBToAVCC(au, s.buf[:0])
	_, err := w.Write(s.buf)
	return err
}

// close stops the goroutine walking the pieces, when mp4.Write returned
// before asking for every sample (a failed write).
func (s *auSource) close() {
	if s.stop != nil {
		close(s.stop)
	}
}

var errStopped = errors.New("stopped")

// adtsFilesTrack makes the audio track of ADTS files joined in order. The
// files are parsed once for the sample sizes, and read again one at a time
// when their bytes are written.
func adtsFilesTrack(files []string, lang string) (*mp4.Track, error) {
	t := &mp4.Track{Kind: mp4.Audio, Language: lang}
	src := &adtsSource{files: files}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		frames, cfg, err := mp4.ParseADTS(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if i == 0 {
			t.AAC = &cfg
			t.Timescale = uint32(cfg.SampleRate)
		} else if cfg.SampleRate != t.AAC.SampleRate || cfg.Channels != t.AAC.Channels || string(cfg.ASC) != string(t.AAC.ASC) {
			return nil, fmt.Errorf("%s: audio settings differ from the first scene's", f)
		}
		for _, fr := range frames {
			t.Samples = append(t.Samples, mp4.Sample{Size: uint32(len(fr)), Duration: mp4.AACFrameSamples})
		}
		src.counts = append(src.counts, len(frames))
	}
	if t.AAC == nil {
		return nil, errors.New("mp4: the lesson has no sound")
	}
	t.Source = src
	return t, nil
}

// adtsSource writes the AAC frames of files in order.
type adtsSource struct {
	files  []string
	counts []int
	file   int      // index of the file loaded
	frames [][]byte // its frames
	first  int      // sample index of its first frame
	loaded bool
}

func (s *adtsSource) WriteSample(w io.Writer, i int) error {
	for !s.loaded || i >= s.first+len(s.frames) {
		if s.loaded {
			s.first += len(s.frames)
			s.file++
		}
		if s.file >= len(s.files) {
			return fmt.Errorf("mp4: audio sample %d missing", i)
		}
		data, err := os.ReadFile(s.files[s.file])
		if err != nil {
			return err
		}
		frames, _, err := mp4.ParseADTS(data)
		if err != nil {
			return fmt.Errorf("%s: %w", s.files[s.file], err)
		}
		if len(frames) != s.counts[s.file] {
			return fmt.Errorf("%s changed during the join", s.files[s.file])
		}
		s.frames, s.loaded = frames, true
	}
	if i < s.first {
		return fmt.Errorf("mp4: audio sample %d asked after %d", i, s.first)
	}
	_, err := w.Write(s.frames[i-s.first])
	return err
}
