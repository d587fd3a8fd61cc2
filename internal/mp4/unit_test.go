package mp4

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

// A 1080p High-profile SPS and its PPS, from an x264 stream of the build.
var (
	testSPS = mustHex("67640028acb403c0113f2cd40404050000030001000003003c0f1832a0")
	testPPS = mustHex("68ce313213")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// fillSource writes each sample as its size in bytes of one value; sizes
// (if set) override what it writes, to test size checks.
type fillSource struct {
	samples []Sample
	wrong   map[int]int
	fail    int // sample index that fails, or -1
}

func (s *fillSource) WriteSample(w io.Writer, i int) error {
	if i == s.fail {
		return errors.New("disk on fire")
	}
	n := int(s.samples[i].Size)
	if v, ok := s.wrong[i]; ok {
		n = v
	}
	_, err := w.Write(bytes.Repeat([]byte{byte(i)}, n))
	return err
}

// synthMovie is a movie of n seconds with synthetic payloads: 30 fps video
// with an IDR a second, 48 kHz AAC frames.
func synthMovie(seconds int) *Movie {
	var vs []Sample
	for i := 0; i < 30*seconds; i++ {
		s := Sample{Size: 11, Duration: 512}
		if i%30 == 0 {
			s = Sample{Size: 2000, Duration: 512, Sync: true}
		}
		vs = append(vs, s)
	}
	var as []Sample
	for i := 0; i < seconds*48000/1024; i++ {
		as = append(as, Sample{Size: uint32(300 + i%7), Duration: 1024})
	}
	return &Movie{Tracks: []*Track{
		{Kind: Video, Timescale: 15360, Samples: vs, AVC: &AVCConfig{SPS: [][]byte{testSPS}, PPS: [][]byte{testPPS}, Width: 1920, Height: 1080},
			Source: &fillSource{samples: vs, fail: -1}},
		{Kind: Audio, Language: "eng", Samples: as, AAC: &AACConfig{ASC: []byte{0x11, 0x88}, SampleRate: 48000, Channels: 1},
			Source: &fillSource{samples: as, fail: -1}},
	}}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *Movie)
		want string
	}{
		{"no tracks", func(m *Movie) { m.Tracks = nil }, "no tracks"},
		{"empty track", func(m *Movie) { m.Tracks[1].Samples = nil }, "track 2 (audio): no samples"},
		{"zero size", func(m *Movie) { m.Tracks[0].Samples[3].Size = 0 }, "track 1 (video): sample 3 is empty"},
		{"zero duration", func(m *Movie) { m.Tracks[1].Samples[5].Duration = 0 }, "track 2 (audio): sample 5 has no duration"},
		{"first not sync", func(m *Movie) { m.Tracks[0].Samples[0].Sync = false }, "first sample is not a sync sample"},
		{"no source", func(m *Movie) { m.Tracks[0].Source = nil }, "no sample source"},
		{"no avc", func(m *Movie) { m.Tracks[0].AVC = nil }, "no AVC configuration"},
		{"annex b sps", func(m *Movie) { m.Tracks[0].AVC.SPS = [][]byte{append([]byte{0, 0, 0, 1}, testSPS...)} }, "bad SPS"},
		{"no size", func(m *Movie) { m.Tracks[0].AVC.Width = 0 }, "bad picture size"},
		{"no timescale", func(m *Movie) { m.Tracks[0].Timescale = 0 }, "no timescale"},
		{"bad language", func(m *Movie) { m.Tracks[1].Language = "en" }, `language "en"`},
		{"short text sample", func(m *Movie) {
			m.Tracks = append(m.Tracks, &Track{Kind: Subtitle, Samples: []Sample{{Size: 1, Duration: 5}}, Source: BytesSource{{0}}})
		}, "track 3 (subtitle): sample 0 has 1 bytes"},
		{"source writes too little", func(m *Movie) { m.Tracks[1].Source.(*fillSource).wrong = map[int]int{7: 10} }, "track 2 (audio) sample 7: source wrote 10 bytes, want 300"},
		{"source writes too much", func(m *Movie) { m.Tracks[0].Source.(*fillSource).wrong = map[int]int{30: 2001} }, "track 1 (video) sample 30: source wrote more than its 2000 bytes"},
		{"source fails", func(m *Movie) { m.Tracks[0].Source.(*fillSource).fail = 12 }, "track 1 (video) sample 12: disk on fire"},
		{"chapter not at 0", func(m *Movie) { m.Chapters = []Chapter{{"a", 1, 2}} }, "first chapter must start at 0"},
		{"chapters out of order", func(m *Movie) { m.Chapters = []Chapter{{"a", 0, 2}, {"b", 3, 4}, {"c", 2.5, 5}} }, `chapter 2 ("b") has a bad time span`},
		{"nil track", func(m *Movie) { m.Tracks[1] = nil }, "track 2 is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := synthMovie(2)
			tt.edit(m)
			err := Write(io.Discard, m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if err := Write(io.Discard, nil); err == nil {
		t.Error("nil movie: no error")
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("no space left")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteReportsWriterErrors(t *testing.T) {
	for _, n := range []int{0, 100, 100 << 10} {
		if err := Write(&failWriter{n: n}, synthMovie(10)); err == nil || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("writer failing after %d bytes: error %v", n, err)
		}
	}
}

func TestSynthLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, synthMovie(60)); err != nil {
		t.Fatal(err)
	}
	boxes := parseBoxes(t, b.Bytes())
	mvhd := findBoxes(boxes, "moov/mvhd")[0].body
	if ts, d := binary.BigEndian.Uint32(mvhd[12:]), binary.BigEndian.Uint32(mvhd[16:]); ts != 1000 || d != 60000 {
		t.Errorf("mvhd timescale %d duration %d, want 1000 60000", ts, d)
	}
	stss := findBoxes(boxes, "moov/trak/mdia/minf/stbl/stss")
	if len(stss) != 1 || binary.BigEndian.Uint32(stss[0].body[4:]) != 60 || binary.BigEndian.Uint32(stss[0].body[12:]) != 31 {
		t.Errorf("stss: %x", stss)
	}
	if got := findBoxes(boxes, "moov/udta"); len(got) != 0 {
		t.Errorf("udta without tags or chapters")
	}
	offsets, mdat := chunkMap(t, b.Bytes())
	for ti, o := range offsets {
		if len(o) < 59 || len(o) > 61 {
			t.Errorf("track %d: %d chunks for 60 s", ti+1, len(o))
		}
	}
	if end := uint64(mdat.offset + mdat.size); offsets[1][len(offsets[1])-1] >= end {
		t.Error("last audio chunk outside mdat")
	}
	// Each chunk's payload is its samples, written by index: the video
	// chunks start with the IDR's bytes (value i%256 for sample i).
	for k, off := range offsets[0] {
		if got, want := b.Bytes()[off], byte(30*k); got != want {
			t.Fatalf("video chunk %d starts with %d, want sample %d's byte %d", k, got, 30*k, want)
		}
	}
}

func TestLargeOffsets(t *testing.T) {
	// A movie just over 4 GiB gets co64 tables and a 64-bit mdat size.
	// The payload is not materialised: the writer keeps only the head.
	n := 70
	vs := make([]Sample, n)
	for i := range vs {
		vs[i] = Sample{Size: 64 << 20, Duration: 512, Sync: true}
	}
	m := &Movie{Tracks: []*Track{{Kind: Video, Timescale: 15360, Samples: vs,
		AVC:    &AVCConfig{SPS: [][]byte{testSPS}, PPS: [][]byte{testPPS}, Width: 1920, Height: 1080},
		Source: zeroSource{}}}}
	var head headWriter
	if err := Write(&head, m); err != nil {
		t.Fatal(err)
	}
	boxes := parseBoxesPrefix(t, head.b.Bytes())
	co64 := findBoxes(boxes, "moov/trak/mdia/minf/stbl/co64")
	if len(co64) != 1 {
		t.Fatalf("no co64:\n%s", boxTree(boxes))
	}
	body := co64[0].body
	last := binary.BigEndian.Uint64(body[8+8*(n-1):])
	moovEnd := uint64(findBoxes(boxes, "moov")[0].size) + 32
	if want := moovEnd + 16 + uint64(n-1)*(64<<20); last != want {
		t.Errorf("last chunk at %d, want %d", last, want)
	}
	if head.n != moovEnd+16+uint64(n)*(64<<20) {
		t.Errorf("wrote %d bytes", head.n)
	}
}

type zeroSource struct{}

var zeros = make([]byte, 1<<20)

func (zeroSource) WriteSample(w io.Writer, i int) error {
	for n := 64 << 20; n > 0; n -= len(zeros) {
		if _, err := w.Write(zeros); err != nil {
			return err
		}
	}
	return nil
}

// headWriter keeps the first 64 KiB and counts the rest.
type headWriter struct {
	b bytes.Buffer
	n uint64
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := 64<<10 - h.b.Len(); room > 0 {
		h.b.Write(p[:min(room, len(p))])
	}
	h.n += uint64(len(p))
	return len(p), nil
}

// parseBoxesPrefix parses the boxes before mdat of a file's head.
func parseBoxesPrefix(t *testing.T, head []byte) []box {
	t.Helper()
	off := 0
	for off+8 <= len(head) {
		size := int(binary.BigEndian.Uint32(head[off:]))
		if string(head[off+4:off+8]) == "mdat" {
			break
		}
		off += size
	}
	return parseBoxes(t, head[:off])
}

func TestParseADTS(t *testing.T) {
	// header: AAC-LC, 48 kHz, mono, no CRC, given frame length.
	hdr := func(length int, crc bool) []byte {
		h := []byte{0xff, 0xf1, 0x4c, 0x40, 0, 0x1f, 0xfc}
		if crc {
			h[1] = 0xf0 // protection_absent = 0
		}
		h[3] |= byte(length >> 11 & 3)
		h[4] = byte(length >> 3)
		h[5] = byte(length&7)<<5 | 0x1f
		return h
	}
	frame := func(payload string) []byte { return append(hdr(7+len(payload), false), payload...) }
	good := append(frame("abc"), frame("defgh")...)
	frames, cfg, err := ParseADTS(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || string(frames[0]) != "abc" || string(frames[1]) != "defgh" {
		t.Errorf("frames %q", frames)
	}
	if !bytes.Equal(cfg.ASC, []byte{0x11, 0x88}) || cfg.SampleRate != 48000 || cfg.Channels != 1 {
		t.Errorf("config %+v", cfg)
	}
	withCRC := append(hdr(9+2, true), 0xaa, 0xbb, 'x', 'y')
	if frames, _, err := ParseADTS(withCRC); err != nil || string(frames[0]) != "xy" {
		t.Errorf("CRC frame: %q %v", frames, err)
	}

	stereo := frame("zz")
	stereo[3] = stereo[3]&0x3f | 2<<6
	blocks := frame("zz")
	blocks[6] |= 1
	badRate := frame("zz")
	badRate[2] = badRate[2]&^0x3c | 13<<2
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no frames"},
		{"not adts", []byte("RIFF....WAVE"), "no frame header at byte 0"},
		{"short header", good[:10+3], "truncated header at byte 10"},
		{"truncated frame", good[:len(good)-1], "frame at byte 10 is truncated"},
		{"config changes", append(frame("abc"), stereo...), "configuration changes at byte 10"},
		{"several blocks", blocks, "2 raw data blocks"},
		{"bad rate", badRate, "sampling frequency index 13"},
		{"zero length", hdr(0, false), "bad frame length 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseADTS(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestAnnexB(t *testing.T) {
	au := []byte{
		0, 0, 0, 1, 0x09, 0xf0, // AUD
		0, 0, 0, 1, 0x67, 1, 2, // SPS
		0, 0, 1, 0x68, 3, // PPS, 3-byte start code
		0, 0, 0, 1, 0x65, 4, 5, 6, 0, 0, // IDR with trailing zeros
	}
	nals := SplitAnnexB(au)
	want := [][]byte{{0x09, 0xf0}, {0x67, 1, 2}, {0x68, 3}, {0x65, 4, 5, 6}}
	if len(nals) != len(want) {
		t.Fatalf("%d NAL units: %x", len(nals), nals)
	}
	for i := range want {
		if !bytes.Equal(nals[i], want[i]) {
			t.Errorf("NAL %d: %x, want %x", i, nals[i], want[i])
		}
	}
	got := AnnexBToAVCC(au, []byte{0xee})
	wantAVCC := []byte{0xee, 0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x68, 3, 0, 0, 0, 4, 0x65, 4, 5, 6}
	if !bytes.Equal(got, wantAVCC) {
		t.Errorf("AVCC %x, want %x", got, wantAVCC)
	}
	if n := AVCCSize(au); n != len(wantAVCC)-1 {
		t.Errorf("AVCCSize %d, want %d", n, len(wantAVCC)-1)
	}
	if n := len(SplitAnnexB([]byte{1, 2, 3})); n != 0 {
		t.Errorf("no start code: %d units", n)
	}

	cfg, err := AVCConfigFromAnnexB(append(append([]byte{0, 0, 0, 1}, testSPS...), append([]byte{0, 0, 0, 1}, testPPS...)...), 1920, 1080)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := avcDecoderConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// From ffmpeg's file for the same stream, less the zero byte it keeps
	// after the PPS.
	wantRec := mustHex("01640028ffe1001d67640028acb403c0113f2cd40404050000030001000003003c0f1832a001000568ce313213fdf8f800")
	if !bytes.Equal(rec, wantRec) {
		t.Errorf("avcC %x\nwant %x", rec, wantRec)
	}
	if _, err := AVCConfigFromAnnexB([]byte{0, 0, 1, 0x65, 1}, 16, 16); err == nil {
		t.Error("no parameter sets: no error")
	}
}

func TestTextSamples(t *testing.T) {
	if got := TextSample("hé"); !bytes.Equal(got, []byte{0, 3, 'h', 0xc3, 0xa9}) {
		t.Errorf("TextSample: %x", got)
	}
	if got := TextSample(""); !bytes.Equal(got, []byte{0, 0}) {
		t.Errorf("empty: %x", got)
	}
	long := TextSample(strings.Repeat("é", 40000))
	if n := int(binary.BigEndian.Uint16(long)); n != 65534 || len(long) != 65536 {
		t.Errorf("long text: length field %d, %d bytes", n, len(long))
	}

	tr, err := SubtitleTrack("por", []Cue{{0.5, 1.5, "a"}, {1.5, 2.0, "b"}, {3.0004, 4, "c"}})
	if err != nil {
		t.Fatal(err)
	}
	type s struct {
		text string
		ms   uint32
	}
	var got []s
	for i, smp := range tr.Samples {
		body := tr.Source.(BytesSource)[i]
		if int(smp.Size) != len(body) {
			t.Fatalf("sample %d: size %d, body %d bytes", i, smp.Size, len(body))
		}
		got = append(got, s{string(body[2:]), smp.Duration / 1000})
	}
	want := []s{{"", 500}, {"a", 1000}, {"b", 500}, {"", 1000}, {"c", 1000}, {"", 0}}
	if len(got) != len(want) {
		t.Fatalf("samples %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range [][]Cue{nil, {{1, 1, "x"}}, {{0, 2, "x"}, {1, 3, "y"}}} {
		if _, err := SubtitleTrack("eng", bad); err == nil {
			t.Errorf("cues %v: no error", bad)
		}
	}
}

func TestChapterBoxes(t *testing.T) {
	m := synthMovie(3)
	m.Chapters = []Chapter{{"One", 0, 1}, {strings.Repeat("ü", 200), 1.5, 2}, {"Three", 2, 3}}
	m.Tags = Tags{Title: "T"}
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	boxes := parseBoxes(t, b.Bytes())
	chpl := findBoxes(boxes, "moov/udta/chpl")[0].body
	if chpl[8] != 3 || binary.BigEndian.Uint64(chpl[9:]) != 0 || chpl[17] != 3 || string(chpl[18:21]) != "One" {
		t.Errorf("chpl %x", chpl[:24])
	}
	second := chpl[21:]
	if start := binary.BigEndian.Uint64(second); start != 15000000 || second[8] != 254 {
		t.Errorf("second chapter: start %d, title %d bytes (want 15000000, 254: cut at a character)", start, second[8])
	}
	// The chapter track's durations (1500, 500, 1000 ms): the gap before
	// the second chapter belongs to the first.
	stts := findBoxes(boxes, "moov/trak/mdia/minf/stbl/stts")
	ch := stts[len(stts)-1].body
	if !bytes.Equal(ch[4:], mustHex("00000003"+"00000001000005dc"+"00000001000001f4"+"00000001000003e8")) {
		t.Errorf("chapter stts %x", ch)
	}
	if len(findBoxes(boxes, "moov/trak/tref/chap")) != 2 {
		t.Error("each media track should reference the chapter track")
	}
}

func FuzzParseADTS(f *testing.F) {
	f.Add([]byte{0xff, 0xf1, 0x4c, 0x40, 0x01, 0x3f, 0xfc, 1, 2})
	f.Add([]byte{0xff, 0xf0, 0x4c, 0x40, 0x01, 0x7f, 0xfc, 0, 0, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		frames, cfg, err := ParseADTS(data)
		if err != nil {
			return
		}
		total := 0
		for _, fr := range frames {
			total += len(fr)
		}
		if len(frames) == 0 || total >= len(data) || len(cfg.ASC) != 2 || cfg.SampleRate == 0 {
			t.Fatalf("accepted %x: %d frames, %+v", data, len(frames), cfg)
		}
	})
}

func FuzzAnnexB(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 1, 0, 0, 0, 0, 1, 0x65, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		nals := SplitAnnexB(data)
		avcc := AnnexBToAVCC(data, nil)
		if AVCCSize(data) != len(avcc) {
			t.Fatalf("AVCCSize %d, converted %d", AVCCSize(data), len(avcc))
		}
		// Walk the AVCC back into units: the non-AUD units, in order.
		var back [][]byte
		for p := avcc; len(p) > 0; {
			n := int(binary.BigEndian.Uint32(p))
			back = append(back, p[4:4+n])
			p = p[4+n:]
		}
		var want [][]byte
		for _, n := range nals {
			if len(n) == 0 {
				t.Fatal("empty NAL unit")
			}
			if n[0]&0x1f != nalAUD {
				want = append(want, n)
			}
		}
		if len(back) != len(want) {
			t.Fatalf("%d units back, want %d", len(back), len(want))
		}
		for i := range want {
			if !bytes.Equal(back[i], want[i]) {
				t.Fatalf("unit %d differs", i)
			}
		}
	})
}

// FuzzWrite builds small movies from arbitrary bytes: Write must return an
// error or a file whose boxes parse and whose mdat holds every sample.
func FuzzWrite(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(2), 1.5)
	f.Add([]byte{0, 0, 0, 0}, uint8(0), 0.0)
	f.Fuzz(func(t *testing.T, data []byte, kinds uint8, chapter float64) {
		m := &Movie{Tags: Tags{Title: string(data)}}
		var total uint64
		for k := 0; k < int(kinds%4); k++ {
			var ss []Sample
			for i := 0; i+1 < len(data); i += 2 {
				s := Sample{Size: uint32(data[i]), Duration: uint32(data[i+1]), Sync: i == 0 || data[i]%3 == 0}
				ss = append(ss, s)
				total += uint64(s.Size)
			}
			tr := &Track{Samples: ss, Source: &fillSource{samples: ss, fail: -1}}
			switch k {
			case 0:
				tr.Kind, tr.Timescale = Video, 90000
				tr.AVC = &AVCConfig{SPS: [][]byte{testSPS}, PPS: [][]byte{testPPS}, Width: 64, Height: 64}
			case 1:
				tr.Kind, tr.AAC = Audio, &AACConfig{ASC: []byte{0x11, 0x88}, SampleRate: 48000, Channels: 1}
			default:
				tr.Kind, tr.Language = Subtitle, "por"
			}
			m.Tracks = append(m.Tracks, tr)
		}
		if chapter != 0 {
			m.Chapters = []Chapter{{"a", 0, chapter}, {"b", chapter, 2 * chapter}}
		}
		var b bytes.Buffer
		if err := Write(&b, m); err != nil {
			return
		}
		boxes := parseBoxes(t, b.Bytes())
		mdat := findBoxes(boxes, "mdat")
		if len(mdat) != 1 || uint64(mdat[0].size) < 8+total {
			t.Fatalf("mdat %v, want at least %d payload bytes", mdat, total)
		}
	})
}
