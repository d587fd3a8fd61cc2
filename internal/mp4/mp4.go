// Package mp4 writes fast-start MP4 files from already-encoded streams.
//
// A lesson's final join used to pipe H.264 and AAC into `ffmpeg -c copy
// -movflags +faststart`. That run does nothing but copy bytes and write the
// index, so this package does it in Go: Write lays out the chunks, writes
// ftyp and moov (the index, first, so browsers can play while downloading),
// then streams mdat by asking each track's SampleSource for its samples in
// order. Memory grows with the sample tables, never with the payload.
//
// The box layout follows what ffmpeg 5.1's mov muxer writes for the same
// input with -fflags +bitexact, so ffprobe reports the same streams,
// chapters and tags: avc1/avcC video with colr and btrt, mp4a/esds audio with
// an AAC roll group, mov_text (tx3g) subtitles with empty samples in the gaps,
// a QuickTime chapter text track referenced by tref/chap plus a Nero chpl box,
// and iTunes-style metadata in moov/udta/meta/ilst.
package mp4

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
)

// Kind is the media type of a track.
type Kind int

// Track kinds.
const (
	Video Kind = iota
	Audio
	Subtitle
	chapterKind // the internal QuickTime chapter text track
)

func (k Kind) String() string {
	switch k {
	case Video:
		return "video"
	case Audio:
		return "audio"
	case Subtitle:
		return "subtitle"
	case chapterKind:
		return "chapter"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Sample describes one sample (an access unit, an AAC frame or a text
// sample): its size in bytes, its duration in the track's timescale and, for
// video, whether it is a sync sample (an IDR frame). Audio and subtitle
// samples are always sync samples; their Sync field is ignored.
type Sample struct {
	Size     uint32
	Duration uint32
	Sync     bool
}

// SampleSource writes sample i's bytes: exactly Samples[i].Size bytes. Write
// calls it for i = 0, 1, 2, … in order, once per sample, per track.
type SampleSource interface {
	WriteSample(w io.Writer, i int) error
}

// AVCConfig is an H.264 track's decoder configuration: its parameter sets as
// NAL units without start codes, and the picture size in pixels.
//
// The colour description written to the colr box defaults to BT.709 with
// limited range (what tecno encodes); set the fields to describe another
// stream. A zero field means BT.709 (1).
type AVCConfig struct {
	SPS, PPS      [][]byte
	Width, Height int

	ColorPrimaries, TransferCharacteristics, MatrixCoefficients uint8
	FullRange                                                   bool
}

// AACConfig is an AAC track's decoder configuration: the MPEG-4
// AudioSpecificConfig and the sample rate and channel count it describes.
type AACConfig struct {
	ASC        []byte
	SampleRate int
	Channels   int
}

// Track is one stream of the movie. Timescale is in ticks per second and is
// required for video; it defaults to the sample rate for audio and to
// SubtitleTimescale for subtitles. Language is an ISO 639-2 code ("" means
// "und").
type Track struct {
	Kind      Kind
	Language  string
	Timescale uint32
	Samples   []Sample
	AVC       *AVCConfig // video only
	AAC       *AACConfig // audio only
	Source    SampleSource
}

// Chapter is a named span of the movie, in seconds. Chapters must be in
// order, the first starting at 0; a gap before a chapter belongs to the
// chapter before it (as in ffmpeg's output).
type Chapter struct {
	Title      string
	Start, End float64
}

// Tags are the movie's iTunes-style metadata (ffprobe format tags title,
// artist, album and comment). Empty fields are not written.
type Tags struct {
	Title, Artist, Album, Comment string
}

// Movie is what Write writes: its tracks in order (track IDs 1, 2, …), then
// the chapters and tags.
type Movie struct {
	Tracks   []*Track
	Chapters []Chapter
	Tags     Tags
}

const (
	// movieTimescale is mvhd's timescale, as in ffmpeg (MOV_TIMESCALE).
	movieTimescale = 1000
	// chapterTimescale is the chapter text track's timescale (ms).
	chapterTimescale = 1000
	// chunkSeconds is how much of a track one chunk holds: samples are
	// interleaved in mdat by time in chunks of about this long.
	chunkSeconds = 1
	// maxChunkSamples and maxChunkBytes cap a chunk (very short or very
	// big samples).
	maxChunkSamples = 1024
	maxChunkBytes   = 1 << 20
	// writeBuffer is the buffer size between sample sources and w.
	writeBuffer = 256 << 10
)

// track is a validated Track with its layout.
type track struct {
	*Track
	id        uint32
	timescale uint32
	lang      uint16 // packed ISO 639-2, or 0 (Macintosh "English") for the chapter track
	enabled   bool
	duration  uint64 // sum of sample durations, in timescale
	bytes     uint64 // sum of sample sizes
	allSync   bool
	chunks    []int // its chunks: indices into the movie's chunk list, in order
	co64      bool
	chapterOf bool // has a tref/chap to the chapter track
}

// chunk is a run of consecutive samples of one track stored together.
type chunk struct {
	track  int    // index into tracks
	first  int    // first sample
	n      int    // sample count
	start  uint64 // start time, in the track's timescale
	size   uint64
	offset uint64 // from the start of mdat's payload
}

// Write writes m as a fast-start MP4 to w: ftyp, moov, then mdat, whose
// payload it streams by calling each track's Source in order. It validates m
// first and returns an error (never panics) on a bad movie or a source that
// fails or writes the wrong number of bytes.
func Write(w io.Writer, m *Movie) error {
	if m == nil {
		return errors.New("mp4: nil movie")
	}
	tracks, err := prepare(m)
	if err != nil {
		return err
	}
	chunks := layoutChunks(tracks)

	var payload uint64
	for i := range chunks {
		chunks[i].offset = payload
		payload += chunks[i].size
	}
	mdatHeader := uint64(8)
	if payload+8 > math.MaxUint32 {
		mdatHeader = 16
	}
	ftyp := ftypBox()

	// The moov's size depends on which tracks need 64-bit chunk offsets, and
	// that depends on the moov's size: iterate (offsets only grow, so this
	// settles in a pass or two, and only ever for files over 4 GiB).
	var moov *moovBuf
	for {
		moov = buildMoov(m, tracks, chunks)
		base := uint64(len(ftyp)) + uint64(len(moov.b)) + mdatHeader
		changed := false
		for _, t := range tracks {
			if t.co64 || len(t.chunks) == 0 {
				continue
			}
			last := chunks[t.chunks[len(t.chunks)-1]]
			if base+last.offset > math.MaxUint32 {
				t.co64 = true
				changed = true
			}
		}
		if !changed {
			moov.patchOffsets(base)
			break
		}
	}

	bw := bufio.NewWriterSize(w, writeBuffer)
	bw.Write(ftyp)
	bw.Write(moov.b)
	var hdr [16]byte
	if mdatHeader == 16 {
		be32(hdr[0:], 1)
		copy(hdr[4:], "mdat")
		be64(hdr[8:], payload+16)
	} else {
		be32(hdr[0:], uint32(payload+8))
		copy(hdr[4:], "mdat")
	}
	if _, err := bw.Write(hdr[:mdatHeader]); err != nil {
		return fmt.Errorf("mp4: %w", err)
	}
	cw := &countWriter{w: bw}
	for _, c := range chunks {
		t := tracks[c.track]
		for i := c.first; i < c.first+c.n; i++ {
			want := int64(t.Samples[i].Size)
			cw.n, cw.limit, cw.over = 0, want, false
			err := t.Source.WriteSample(cw, i)
			if cw.over {
				return fmt.Errorf("mp4: track %d (%s) sample %d: source wrote more than its %d bytes", t.id, t.Kind, i, want)
			}
			if err != nil {
				return fmt.Errorf("mp4: track %d (%s) sample %d: %w", t.id, t.Kind, i, err)
			}
			if cw.n != want {
				return fmt.Errorf("mp4: track %d (%s) sample %d: source wrote %d bytes, want %d", t.id, t.Kind, i, cw.n, want)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mp4: %w", err)
	}
	return nil
}

// countWriter counts what a source writes and refuses to go past limit, so
// a source that writes too much cannot shift the rest of mdat.
type countWriter struct {
	w        *bufio.Writer
	n, limit int64
	over     bool
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.limit {
		c.over = true
		return 0, errors.New("sample too long")
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// SubtitleTimescale is the default timescale of subtitle tracks: ffmpeg's
// mov_text tracks use microseconds.
const SubtitleTimescale = 1000000

// prepare validates m and returns its tracks, plus the chapter track when
// there are chapters.
func prepare(m *Movie) ([]*track, error) {
	if len(m.Tracks) == 0 {
		return nil, errors.New("mp4: movie has no tracks")
	}
	var tracks []*track
	seen := map[Kind]bool{}
	for i, tr := range m.Tracks {
		id := uint32(i + 1)
		if tr == nil {
			return nil, fmt.Errorf("mp4: track %d is nil", id)
		}
		t := &track{Track: tr, id: id, timescale: tr.Timescale, allSync: true}
		if err := t.validate(); err != nil {
			return nil, err
		}
		t.enabled = !seen[tr.Kind]
		seen[tr.Kind] = true
		t.chapterOf = len(m.Chapters) > 0
		tracks = append(tracks, t)
	}
	if len(m.Chapters) > 0 {
		ct, err := chapterTrack(m.Chapters)
		if err != nil {
			return nil, err
		}
		t := &track{Track: ct, id: uint32(len(tracks) + 1), timescale: chapterTimescale, allSync: true}
		for _, s := range ct.Samples {
			t.duration += uint64(s.Duration)
			t.bytes += uint64(s.Size)
		}
		tracks = append(tracks, t)
	}
	return tracks, nil
}

func (t *track) validate() error {
	name := fmt.Sprintf("mp4: track %d (%s)", t.id, t.Kind)
	switch t.Kind {
	case Video:
		if t.AVC == nil {
			return fmt.Errorf("%s: no AVC configuration", name)
		}
		if err := t.AVC.validate(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if t.timescale == 0 {
			return fmt.Errorf("%s: no timescale", name)
		}
	case Audio:
		if t.AAC == nil {
			return fmt.Errorf("%s: no AAC configuration", name)
		}
		if len(t.AAC.ASC) < 2 || t.AAC.SampleRate <= 0 || t.AAC.Channels <= 0 {
			return fmt.Errorf("%s: incomplete AAC configuration", name)
		}
		if t.timescale == 0 {
			t.timescale = uint32(t.AAC.SampleRate)
		}
	case Subtitle:
		if t.timescale == 0 {
			t.timescale = SubtitleTimescale
		}
	default:
		return fmt.Errorf("%s: unknown kind", name)
	}
	lang, err := packLanguage(t.Language)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	t.lang = lang
	if t.Source == nil {
		return fmt.Errorf("%s: no sample source", name)
	}
	if len(t.Samples) == 0 {
		return fmt.Errorf("%s: no samples", name)
	}
	for i, s := range t.Samples {
		switch {
		case s.Size == 0:
			return fmt.Errorf("%s: sample %d is empty", name, i)
		case t.Kind == Subtitle && s.Size < 2:
			return fmt.Errorf("%s: sample %d has %d bytes; a text sample has at least its 2-byte length", name, i, s.Size)
		case s.Duration == 0 && t.Kind != Subtitle:
			return fmt.Errorf("%s: sample %d has no duration", name, i)
		}
		t.duration += uint64(s.Duration)
		t.bytes += uint64(s.Size)
		if t.Kind == Video && !s.Sync {
			if i == 0 {
				return fmt.Errorf("%s: the first sample is not a sync sample (IDR)", name)
			}
			t.allSync = false
		}
	}
	if t.duration == 0 {
		return fmt.Errorf("%s: zero duration", name)
	}
	return nil
}

func (c *AVCConfig) validate() error {
	if len(c.SPS) == 0 || len(c.PPS) == 0 {
		return errors.New("AVC configuration needs an SPS and a PPS")
	}
	for _, s := range c.SPS {
		if len(s) < 4 || s[0]&0x1f != nalSPS || len(s) > math.MaxUint16 {
			return errors.New("bad SPS NAL unit (give it without a start code)")
		}
	}
	for _, p := range c.PPS {
		if len(p) < 2 || p[0]&0x1f != nalPPS || len(p) > math.MaxUint16 {
			return errors.New("bad PPS NAL unit (give it without a start code)")
		}
	}
	if len(c.SPS) > 31 || len(c.PPS) > 255 {
		return errors.New("too many parameter sets")
	}
	if c.Width <= 0 || c.Height <= 0 || c.Width > math.MaxUint16 || c.Height > math.MaxUint16 {
		return fmt.Errorf("bad picture size %dx%d", c.Width, c.Height)
	}
	if _, err := avcDecoderConfig(c); err != nil {
		return err
	}
	return nil
}

// packLanguage packs an ISO 639-2 code into mdhd's 15 bits.
func packLanguage(s string) (uint16, error) {
	if s == "" {
		s = "und"
	}
	if len(s) != 3 {
		return 0, fmt.Errorf("language %q is not a 3-letter ISO 639-2 code", s)
	}
	var v uint16
	for i := 0; i < 3; i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			return 0, fmt.Errorf("language %q is not a lower-case ISO 639-2 code", s)
		}
		v = v<<5 | uint16(c-0x60)
	}
	return v, nil
}

// layoutChunks cuts each track into chunks of about chunkSeconds and orders
// all chunks by start time (ties by track order), so mdat interleaves the
// tracks as a player reads them.
func layoutChunks(tracks []*track) []chunk {
	var chunks []chunk
	for ti, t := range tracks {
		limit := uint64(t.timescale) * chunkSeconds
		var t0 uint64
		first := len(chunks)
		for i, s := range t.Samples {
			if len(chunks) == first {
				chunks = append(chunks, chunk{track: ti, first: i, start: t0})
			}
			c := &chunks[len(chunks)-1]
			if c.n >= maxChunkSamples || c.size >= maxChunkBytes || t0-c.start >= limit {
				chunks = append(chunks, chunk{track: ti, first: i, start: t0})
				c = &chunks[len(chunks)-1]
			}
			c.n++
			c.size += uint64(s.Size)
			t0 += uint64(s.Duration)
		}
	}
	slices.SortStableFunc(chunks, func(a, b chunk) int {
		// a.start/ta vs b.start/tb, exactly, in 128 bits.
		ta, tb := uint64(tracks[a.track].timescale), uint64(tracks[b.track].timescale)
		ah, al := bits.Mul64(a.start, tb)
		bh, bl := bits.Mul64(b.start, ta)
		switch {
		case ah != bh:
			return cmpU64(ah, bh)
		case al != bl:
			return cmpU64(al, bl)
		}
		return a.track - b.track
	})
	counts := make([]int, len(tracks))
	for _, c := range chunks {
		counts[c.track]++
	}
	for i, t := range tracks {
		t.chunks = make([]int, 0, counts[i])
	}
	for i, c := range chunks {
		t := tracks[c.track]
		t.chunks = append(t.chunks, i)
	}
	return chunks
}

func cmpU64(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// toMovieTime converts a duration in timescale to the movie timescale,
// rounding up as ffmpeg does.
func toMovieTime(d uint64, timescale uint32) uint64 {
	hi, lo := bits.Mul64(d, movieTimescale)
	hi, lo = add128(hi, lo, uint64(timescale)-1)
	if hi >= uint64(timescale) {
		return math.MaxUint64
	}
	q, _ := bits.Div64(hi, lo, uint64(timescale))
	return q
}

func add128(hi, lo, x uint64) (uint64, uint64) {
	lo, carry := bits.Add64(lo, x, 0)
	return hi + carry, lo
}
