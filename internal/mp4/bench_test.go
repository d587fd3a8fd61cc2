package mp4

import (
	"io"
	"testing"
)

// lessonMovie is a 10-minute lesson as the build makes it: 30 fps video
// with one 80 KB IDR per 10 s slide and 11-byte skip frames in between
// (18000 samples), and 28125 AAC frames of about 700 bytes at 48 kHz. The
// video source either hands out ready AVCC samples or converts Annex B
// access units as it writes them, as the build's source does.
func lessonMovie(b *testing.B, annexB bool) (*Movie, int64) {
	b.Helper()
	idr := make([]byte, 80<<10)
	skip := []byte{0, 0, 0, 7, 0x41, 0x9a, 0x02, 0x04, 0x88, 0x11, 0x80}
	var total int64
	vs := make([]Sample, 18000)
	for i := range vs {
		s := Sample{Size: uint32(len(skip)), Duration: 512}
		if i%300 == 0 {
			s = Sample{Size: uint32(len(idr)), Duration: 512, Sync: true}
		}
		vs[i] = s
		total += int64(s.Size)
	}
	var video SampleSource = &lessonVideo{idr: idr, skip: skip}
	if annexB {
		// The same samples as start-code prefixed access units.
		idrAU := append([]byte{0, 0, 0, 1, 0x65}, make([]byte, len(idr)-5)...)
		for i := 5; i < len(idrAU); i++ {
			idrAU[i] = byte(i%250 + 1) // no start codes inside
		}
		skipAU := append([]byte{0, 0, 0, 1}, skip[4:]...)
		video = &annexBVideo{idr: idrAU, skip: skipAU}
		for i := range vs {
			if vs[i].Sync {
				vs[i].Size = uint32(AVCCSize(idrAU))
			}
		}
	}
	frames := make([][]byte, 28125)
	payload := make([]byte, 710)
	as := make([]Sample, len(frames))
	for i := range frames {
		frames[i] = payload[:690+i%20]
		as[i] = Sample{Size: uint32(len(frames[i])), Duration: 1024}
		total += int64(len(frames[i]))
	}
	sub, err := SubtitleTrack("eng", []Cue{{1, 5, "Hello"}, {6, 590, "A long cue"}})
	if err != nil {
		b.Fatal(err)
	}
	chapters := make([]Chapter, 60)
	for i := range chapters {
		chapters[i] = Chapter{Title: "Slide", Start: float64(10 * i), End: float64(10*i + 10)}
	}
	return &Movie{
		Tracks: []*Track{
			{Kind: Video, Timescale: 15360, Samples: vs, AVC: &AVCConfig{SPS: [][]byte{testSPS}, PPS: [][]byte{testPPS}, Width: 1920, Height: 1080}, Source: video},
			{Kind: Audio, Language: "eng", Samples: as, AAC: &AACConfig{ASC: []byte{0x11, 0x88}, SampleRate: 48000, Channels: 1}, Source: BytesSource(frames)},
			sub,
		},
		Chapters: chapters,
		Tags:     Tags{Title: "Lesson", Artist: "tecno"},
	}, total
}

type lessonVideo struct{ idr, skip []byte }

func (v *lessonVideo) WriteSample(w io.Writer, i int) error {
	p := v.skip
	if i%300 == 0 {
		p = v.idr
	}
	_, err := w.Write(p)
	return err
}

type annexBVideo struct {
	idr, skip []byte
	buf       []byte
}

func (v *annexBVideo) WriteSample(w io.Writer, i int) error {
	au := v.skip
	if i%300 == 0 {
		au = v.idr
	}
	v.buf = AnnexBToAVCC(au, v.buf[:0])
	_, err := w.Write(v.buf)
	return err
}

// BenchmarkWriteLesson measures Write for a 10-minute lesson to
// io.Discard: the muxer's own cost, without the disk.
func BenchmarkWriteLesson(b *testing.B) {
	for _, bc := range []struct {
		name   string
		annexB bool
	}{{"avcc", false}, {"annexb", true}} {
		b.Run(bc.name, func(b *testing.B) {
			m, total := lessonMovie(b, bc.annexB)
			b.SetBytes(total)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := Write(io.Discard, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
