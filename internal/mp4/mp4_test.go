package mp4

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/testtool"
)

// The fixture streams are made once per test binary: an H.264 stream (High
// profile, P frames, no B frames, an IDR each second, BT.709 limited range)
// and an AAC-LC mono ADTS stream, 4 s each.
var fixture struct {
	once    sync.Once
	dir     string
	aus     [][]byte // video access units, Annex B
	adts    []byte
	err     error
	ffmpeg  string
	ffprobe string
}

const (
	fixWidth, fixHeight = 320, 240
	fixFPS              = 30
	videoTimescale      = 15360 // ffmpeg's for 30 fps
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func streams(t *testing.T) (dir string, aus [][]byte, adts []byte) {
	t.Helper()
	ffmpeg := testtool.Require(t, "ffmpeg")
	testtool.Require(t, "ffprobe")
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "mp4test")
		if fixture.err != nil {
			return
		}
		v := filepath.Join(fixture.dir, "v.h264")
		a := filepath.Join(fixture.dir, "a.aac")
		run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("testsrc=size=%dx%d:rate=%d", fixWidth, fixHeight, fixFPS),
			"-t", "4", "-vf", "setsar=0", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p",
			"-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv",
			"-f", "h264", v)
		run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4",
			"-ac", "1", "-c:a", "aac", "-b:a", "96k", "-f", "adts", a)
		annexB, err := os.ReadFile(v)
		if err != nil {
			fixture.err = err
			return
		}
		fixture.aus, fixture.err = h264.AccessUnits(annexB)
		if fixture.err != nil {
			return
		}
		fixture.adts, fixture.err = os.ReadFile(a)
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.dir, fixture.aus, fixture.adts
}

// avccSource converts Annex B access units as they are written.
type avccSource struct {
	aus [][]byte
	buf []byte
}

func (s *avccSource) WriteSample(w io.Writer, i int) error {
	s.buf = AnnexBToAVCC(s.aus[i], s.buf[:0])
	_, err := w.Write(s.buf)
	return err
}

func isIDR(au []byte) bool {
	for _, nal := range SplitAnnexB(au) {
		if nal[0]&0x1f == 5 {
			return true
		}
	}
	return false
}

func videoTrack(t *testing.T, aus [][]byte) *Track {
	t.Helper()
	cfg, err := AVCConfigFromAnnexB(aus[0], fixWidth, fixHeight)
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]Sample, len(aus))
	for i, au := range aus {
		samples[i] = Sample{Size: uint32(AVCCSize(au)), Duration: videoTimescale / fixFPS, Sync: isIDR(au)}
	}
	return &Track{Kind: Video, Timescale: videoTimescale, Samples: samples, AVC: cfg, Source: &avccSource{aus: aus}}
}

func audioTrack(t *testing.T, adts []byte, lang string) *Track {
	t.Helper()
	tr, err := ADTSTrack(adts, lang)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var (
	engCues = []Cue{
		{0.5, 1.5, "Hello"},
		{2.0, 3.25, "Wörld — ünïcode\nsecond line"},
		{3.25, 3.9, "back to back"},
	}
	porCues     = []Cue{{0.322, 1.5, "Olá, mundo"}}
	fixChapters = []Chapter{
		{"Intro", 0, 1.2},
		{"Middle part", 1.2, 2.5},
		{"End — fim", 2.5, 4.0},
	}
	fixTags = Tags{Title: "Lesson ünï", Artist: "The tecno authors", Album: "Making lessons", Comment: "A comment"}
)

func fixtureMovie(t *testing.T) *Movie {
	t.Helper()
	_, aus, adts := streams(t)
	eng, err := SubtitleTrack("eng", engCues)
	if err != nil {
		t.Fatal(err)
	}
	por, err := SubtitleTrack("por", porCues)
	if err != nil {
		t.Fatal(err)
	}
	return &Movie{
		Tracks:   []*Track{videoTrack(t, aus), audioTrack(t, adts, "eng"), eng, por},
		Chapters: fixChapters,
		Tags:     fixTags,
	}
}

func writeFile(t *testing.T, m *Movie, path string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func srt(cues []Cue) string {
	ts := func(s float64) string {
		ms := millis(s)
		return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
	}
	var sb strings.Builder
	for i, c := range cues {
		fmt.Fprintf(&sb, "%d\n%s --> %s\n%s\n\n", i+1, ts(c.Start), ts(c.End), c.Text)
	}
	return sb.String()
}

// ffmpegReference muxes the fixture the way the build did before this
// package: IVF video, ADTS audio, SRT subtitles and an FFMETADATA file,
// stream-copied into a fast-start MP4.
func ffmpegReference(t *testing.T, dir string, aus [][]byte) string {
	t.Helper()
	ivf := filepath.Join(dir, "v.ivf")
	var b bytes.Buffer
	iw, err := h264.NewIVFWriter(&b, fixWidth, fixHeight, fixFPS, len(aus))
	if err != nil {
		t.Fatal(err)
	}
	for _, au := range aus {
		iw.Write(au)
	}
	meta := fmt.Sprintf(";FFMETADATA1\ntitle=%s\nalbum=%s\nartist=%s\ncomment=%s\n", fixTags.Title, fixTags.Album, fixTags.Artist, fixTags.Comment)
	for _, c := range fixChapters {
		meta += fmt.Sprintf("\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", millis(c.Start), millis(c.End), c.Title)
	}
	files := map[string]string{"v.ivf": b.String(), "eng.srt": srt(engCues), "por.srt": srt(porCues), "meta.txt": meta}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref := filepath.Join(dir, "ref.mp4")
	run(t, "ffmpeg", "-v", "error", "-y",
		"-f", "ivf", "-i", ivf, "-f", "aac", "-i", filepath.Join(dir, "a.aac"),
		"-f", "srt", "-i", filepath.Join(dir, "eng.srt"), "-f", "srt", "-i", filepath.Join(dir, "por.srt"),
		"-f", "ffmetadata", "-i", filepath.Join(dir, "meta.txt"),
		"-map", "0:v", "-map", "1:a", "-map", "2:s", "-map", "3:s", "-map_metadata", "4", "-map_chapters", "4",
		"-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text",
		"-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=por", "-metadata:s:a:0", "language=eng",
		"-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", ref)
	return ref
}

// probe returns ffprobe's streams, chapters and format of a file, without
// the fields that name the file.
func probe(t *testing.T, path string) map[string]any {
	t.Helper()
	out := run(t, "ffprobe", "-v", "error", "-of", "json", "-show_streams", "-show_chapters", "-show_format", path)
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	f := v["format"].(map[string]any)
	delete(f, "filename")
	return v
}

// diff lists the differing leaves of two decoded JSON values.
func diff(prefix string, a, b any) []string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var out []string
		for k := range keys {
			out = append(out, diff(prefix+"."+k, am[k], bm[k])...)
		}
		sort.Strings(out)
		return out
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok && len(as) == len(bs) {
		var out []string
		for i := range as {
			out = append(out, diff(fmt.Sprintf("%s[%d]", prefix, i), as[i], bs[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: ours %v, ffmpeg's %v", prefix, a, b)}
	}
	return nil
}

func TestMatchesFFmpeg(t *testing.T) {
	dir, aus, _ := streams(t)
	ref := ffmpegReference(t, dir, aus)
	out := filepath.Join(t.TempDir(), "out.mp4")
	ours := writeFile(t, fixtureMovie(t), out)

	t.Run("ffprobe", func(t *testing.T) {
		a, b := probe(t, out), probe(t, ref)
		// The only expected difference: ffmpeg puts an 8-byte free box
		// between moov and mdat, and interleaves per sample (a bigger
		// stco), so sizes and the overall bit rate differ.
		// And ffmpeg's avcC keeps a zero byte after the PPS (the first
		// byte of the next 4-byte start code), which a NAL unit may not
		// end with: our video extradata is one byte shorter.
		for _, m := range []map[string]any{a, b} {
			f := m["format"].(map[string]any)
			delete(f, "size")
			delete(f, "bit_rate")
			delete(m["streams"].([]any)[0].(map[string]any), "extradata_size")
		}
		if d := diff("", a, b); len(d) > 0 {
			t.Errorf("ffprobe differs from ffmpeg's mux:\n%s", strings.Join(d, "\n"))
		}
	})

	t.Run("probe values", func(t *testing.T) {
		p := probe(t, out)
		ss := p["streams"].([]any)
		want := []struct{ codec, lang string }{{"h264", "und"}, {"aac", "eng"}, {"mov_text", "eng"}, {"mov_text", "por"}, {"bin_data", "eng"}}
		if len(ss) != len(want) {
			t.Fatalf("%d streams, want %d", len(ss), len(want))
		}
		for i, w := range want {
			s := ss[i].(map[string]any)
			tags := s["tags"].(map[string]any)
			if s["codec_name"] != w.codec || tags["language"] != w.lang {
				t.Errorf("stream %d: %v %v, want %s %s", i, s["codec_name"], tags["language"], w.codec, w.lang)
			}
		}
		v := ss[0].(map[string]any)
		if v["width"] != float64(fixWidth) || v["height"] != float64(fixHeight) || v["profile"] != "High" ||
			v["r_frame_rate"] != "30/1" || v["nb_frames"] != fmt.Sprint(len(aus)) || v["color_space"] != "bt709" || v["color_range"] != "tv" {
			t.Errorf("video stream: %v", v)
		}
		if v["duration"] != "4.000000" {
			t.Errorf("video duration %v, want 4.000000", v["duration"])
		}
		a := ss[1].(map[string]any)
		if a["sample_rate"] != "48000" || a["channels"] != float64(1) || a["profile"] != "LC" {
			t.Errorf("audio stream: %v", a)
		}
		var ad float64
		fmt.Sscan(a["duration"].(string), &ad)
		if ad < 4-1.0/30 || ad > 4+1024.0/48000*3 {
			t.Errorf("audio duration %v, want about 4 s", ad)
		}
		chs := p["chapters"].([]any)
		if len(chs) != len(fixChapters) {
			t.Fatalf("%d chapters", len(chs))
		}
		for i, c := range fixChapters {
			got := chs[i].(map[string]any)
			if got["tags"].(map[string]any)["title"] != c.Title || got["start"] != float64(millis(c.Start)) || got["end"] != float64(millis(c.End)) {
				t.Errorf("chapter %d: %v, want %+v", i, got, c)
			}
		}
		tags := p["format"].(map[string]any)["tags"].(map[string]any)
		for k, w := range map[string]string{"title": fixTags.Title, "artist": fixTags.Artist, "album": fixTags.Album, "comment": fixTags.Comment, "major_brand": "isom"} {
			if tags[k] != w {
				t.Errorf("format tag %s = %v, want %q", k, tags[k], w)
			}
		}
	})

	t.Run("decodes like ffmpeg's", func(t *testing.T) {
		run(t, "ffmpeg", "-v", "error", "-xerror", "-i", out, "-map", "0:v", "-map", "0:a", "-f", "null", "-")
		md5 := func(path string) string {
			return string(run(t, "ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-map", "0:a", "-f", "framemd5", "-"))
		}
		a, b := md5(out), md5(ref)
		if a != b {
			t.Errorf("decoded frames differ from ffmpeg's mux")
		}
		if n := strings.Count(a, "\n0,"); n != len(aus) {
			t.Errorf("%d video frames decoded, want %d", n, len(aus))
		}
	})

	t.Run("subtitles", func(t *testing.T) {
		for i, cues := range [][]Cue{engCues, porCues} {
			extract := func(path string) string {
				return string(run(t, "ffmpeg", "-v", "error", "-i", path, "-map", fmt.Sprintf("0:s:%d", i), "-f", "srt", "-"))
			}
			got := extract(out)
			if ref := extract(ref); got != ref {
				t.Errorf("track %d: srt differs from ffmpeg's mux:\n%s\n---\n%s", i, got, ref)
			}
			// ffmpeg's SRT muxer ends inner lines with CRLF.
			got = strings.ReplaceAll(got, "\r\n", "\n")
			if want := srt(cues); strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("track %d: extracted srt\n%s\nwant\n%s", i, got, want)
			}
		}
	})

	t.Run("same boxes as ffmpeg", func(t *testing.T) {
		refData, err := os.ReadFile(ref)
		if err != nil {
			t.Fatal(err)
		}
		ob, rb := parseBoxes(t, ours), parseBoxes(t, refData)
		// Chunking is ours (about a second per chunk; ffmpeg interleaves
		// sample by sample): stsc and stco differ by design, and ffmpeg
		// adds a free box. Every other box must be the same, byte for
		// byte, in the same order.
		leaves := func(bs []box) []box {
			var out []box
			for _, b := range bs {
				name := b.path[strings.LastIndex(b.path, "/")+1:]
				if b.body != nil && name != "stsc" && name != "stco" && name != "free" {
					out = append(out, b)
				}
			}
			return out
		}
		ol, rl := leaves(ob), leaves(rb)
		if len(ol) != len(rl) {
			t.Fatalf("%d leaf boxes, ffmpeg %d\nours:\n%s\nffmpeg's:\n%s", len(ol), len(rl), boxTree(ob), boxTree(rb))
		}
		for i := range ol {
			normalize(&ol[i])
			normalize(&rl[i])
			if ol[i].path != rl[i].path || !bytes.Equal(ol[i].body, rl[i].body) {
				t.Errorf("box %s differs from ffmpeg's %s:\nours    %x\nffmpeg's %x", ol[i].path, rl[i].path, trim(ol[i].body), trim(rl[i].body))
			}
		}
	})
}

// normalize removes from a box the two known differences from ffmpeg's
// output: the maximum bit rate of audio (ffmpeg takes its ADTS demuxer's
// estimate; we write the average, as ffmpeg does for the build's streams)
// and trailing zero bytes of parameter sets in avcC.
func normalize(b *box) {
	body := append([]byte(nil), b.body...)
	switch {
	case strings.HasSuffix(b.path, "/esds"):
		copy(body[22:26], []byte{0, 0, 0, 0})
	case strings.HasSuffix(b.path, "/mp4a/btrt"):
		copy(body[4:8], []byte{0, 0, 0, 0})
	case strings.HasSuffix(b.path, "/avcC"):
		out := append([]byte(nil), body[:6]...)
		p := body[6:]
		sets := func(n int) {
			for ; n > 0; n-- {
				l := int(binary.BigEndian.Uint16(p))
				ps := bytes.TrimRight(p[2:2+l], "\x00")
				out = binary.BigEndian.AppendUint16(out, uint16(len(ps)))
				out = append(out, ps...)
				p = p[2+l:]
			}
		}
		sets(int(body[5] & 0x1f))
		out = append(out, p[0])
		n := int(p[0])
		p = p[1:]
		sets(n)
		body = append(out, p...)
	}
	b.body = body
}

func trim(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// chunkMap returns, for each track in order, its chunk offsets, and the
// mdat box.
func chunkMap(t *testing.T, data []byte) ([][]uint64, box) {
	t.Helper()
	boxes := parseBoxes(t, data)
	var offsets [][]uint64
	for _, b := range boxes {
		switch {
		case strings.HasSuffix(b.path, "/stco"):
			n := binary.BigEndian.Uint32(b.body[4:])
			var o []uint64
			for i := 0; i < int(n); i++ {
				o = append(o, uint64(binary.BigEndian.Uint32(b.body[8+4*i:])))
			}
			offsets = append(offsets, o)
		case strings.HasSuffix(b.path, "/co64"):
			n := binary.BigEndian.Uint32(b.body[4:])
			var o []uint64
			for i := 0; i < int(n); i++ {
				o = append(o, binary.BigEndian.Uint64(b.body[8+8*i:]))
			}
			offsets = append(offsets, o)
		}
	}
	mdat := findBoxes(boxes, "mdat")
	if len(mdat) != 1 {
		t.Fatalf("%d mdat boxes", len(mdat))
	}
	return offsets, mdat[0]
}

func TestLayout(t *testing.T) {
	m := fixtureMovie(t)
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	boxes := parseBoxes(t, data)
	var top []string
	for _, bx := range boxes {
		if !strings.Contains(bx.path, "/") {
			top = append(top, bx.path)
		}
	}
	if got := strings.Join(top, " "); got != "ftyp moov mdat" {
		t.Fatalf("top-level boxes %q, want ftyp moov mdat (fast start)", got)
	}
	offsets, mdat := chunkMap(t, data)
	if len(offsets) != 5 {
		t.Fatalf("%d chunk offset tables, want 5 (4 tracks and chapters)", len(offsets))
	}
	type ch struct {
		off   uint64
		track int
	}
	var all []ch
	for ti, o := range offsets {
		for i, off := range o {
			if i > 0 && off <= o[i-1] {
				t.Errorf("track %d: chunk offsets not increasing at %d", ti+1, i)
			}
			if off < uint64(mdat.offset+8) || off >= uint64(mdat.offset+mdat.size) {
				t.Errorf("track %d chunk %d at %d: outside mdat", ti+1, i, off)
			}
			all = append(all, ch{off, ti})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].off < all[j].off })
	if all[0].off != uint64(mdat.offset+8) {
		t.Errorf("mdat starts with a gap: first chunk at %d", all[0].off)
	}
	// Video and audio must alternate about once a second over the 4 s.
	var seq []int
	for _, c := range all {
		if c.track < 2 {
			seq = append(seq, c.track)
		}
	}
	switches := 0
	for i := 1; i < len(seq); i++ {
		if seq[i] != seq[i-1] {
			switches++
		}
	}
	if switches < 6 {
		t.Errorf("video and audio chunks alternate only %d times: %v", switches, seq)
	}
	if len(offsets[0]) < 4 || len(offsets[0]) > 5 {
		t.Errorf("%d video chunks for 4 s, want about one a second", len(offsets[0]))
	}
}

func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, fixtureMovie(t)); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, fixtureMovie(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes of the same movie differ")
	}
}

// auCollector keeps each Write as one access unit (h264.Still.WriteFrames
// writes one access unit per call).
type auCollector struct{ aus [][]byte }

func (c *auCollector) Write(p []byte) (int, error) {
	c.aus = append(c.aus, append([]byte(nil), p...))
	return len(p), nil
}

// TestStillStream muxes the stream the build makes (one CAVLC IDR picture
// per slide, then P_Skip frames written by internal/h264) and checks that
// it decodes to the same frames and samples as ffmpeg's mux of the same
// stream.
func TestStillStream(t *testing.T) {
	dir, _, adts := streams(t)
	tmp := t.TempDir()
	var all auCollector
	for i, c := range []string{"red", "navy"} {
		annexB := run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("color=c=%s:s=%dx%d:r=30", c, fixWidth, fixHeight),
			"-vf", "drawgrid=w=40:h=40:c=white,setsar=0", "-frames:v", "1", "-c:v", "libx264", "-preset", "veryfast",
			"-tune", "stillimage", "-crf", "23", "-profile:v", "high", "-bf", "0", "-g", "300",
			"-x264-params", "cabac=0:stitchable=1:weightp=0:ref=1",
			"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
			"-f", "h264", "-")
		still, err := h264.ParseStill(annexB)
		if err != nil {
			t.Fatal(err)
		}
		if err := still.WriteFrames(&all, 45+15*i, 30); err != nil {
			t.Fatal(err)
		}
	}
	m := &Movie{Tracks: []*Track{videoTrack(t, all.aus), audioTrack(t, adts, "eng")}}
	out := filepath.Join(tmp, "out.mp4")
	writeFile(t, m, out)

	var ivf bytes.Buffer
	iw, err := h264.NewIVFWriter(&ivf, fixWidth, fixHeight, fixFPS, len(all.aus))
	if err != nil {
		t.Fatal(err)
	}
	for _, au := range all.aus {
		iw.Write(au)
	}
	ivfPath := filepath.Join(tmp, "v.ivf")
	if err := os.WriteFile(ivfPath, ivf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(tmp, "ref.mp4")
	run(t, "ffmpeg", "-v", "error", "-f", "ivf", "-i", ivfPath, "-f", "aac", "-i", filepath.Join(dir, "a.aac"),
		"-map", "0:v", "-map", "1:a", "-c", "copy", "-metadata:s:a:0", "language=eng",
		"-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", ref)

	run(t, "ffmpeg", "-v", "error", "-xerror", "-i", out, "-f", "null", "-")
	md5 := func(path string) string {
		return string(run(t, "ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-map", "0:a", "-f", "framemd5", "-"))
	}
	a := md5(out)
	if a != md5(ref) {
		t.Error("decoded frames differ from ffmpeg's mux")
	}
	if n := strings.Count(a, "\n0,"); n != 105 {
		t.Errorf("%d video frames decoded, want 105", n)
	}
	pa, pb := probe(t, out), probe(t, ref)
	for _, p := range []map[string]any{pa, pb} {
		f := p["format"].(map[string]any)
		delete(f, "size")
		delete(f, "bit_rate")
		delete(p["streams"].([]any)[0].(map[string]any), "extradata_size")
	}
	if d := diff("", pa, pb); len(d) > 0 {
		t.Errorf("ffprobe differs from ffmpeg's mux:\n%s", strings.Join(d, "\n"))
	}
}
