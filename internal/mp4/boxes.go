package mp4

import (
	"encoding/binary"
	"math"
)

func be32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }
func be64(b []byte, v uint64) { binary.BigEndian.PutUint64(b, v) }

// buf builds boxes: start writes a header with a placeholder size that end
// fills in.
type buf struct{ b []byte }

func (b *buf) u8(v uint8)     { b.b = append(b.b, v) }
func (b *buf) u16(v uint16)   { b.b = binary.BigEndian.AppendUint16(b.b, v) }
func (b *buf) u24(v uint32)   { b.b = append(b.b, byte(v>>16), byte(v>>8), byte(v)) }
func (b *buf) u32(v uint32)   { b.b = binary.BigEndian.AppendUint32(b.b, v) }
func (b *buf) u64(v uint64)   { b.b = binary.BigEndian.AppendUint64(b.b, v) }
func (b *buf) bytes(p []byte) { b.b = append(b.b, p...) }
func (b *buf) str(s string)   { b.b = append(b.b, s...) }
func (b *buf) zeros(n int)    { b.b = append(b.b, make([]byte, n)...) }
func (b *buf) start(typ string) int {
	pos := len(b.b)
	b.u32(0)
	b.str(typ)
	return pos
}

// full starts a full box (version and flags).
func (b *buf) full(typ string, version uint8, flags uint32) int {
	pos := b.start(typ)
	b.u32(uint32(version)<<24 | flags)
	return pos
}

func (b *buf) end(pos int) { be32(b.b[pos:], uint32(len(b.b)-pos)) }

// matrix is the identity transformation matrix of mvhd and tkhd.
func (b *buf) matrix() {
	for _, v := range []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		b.u32(v)
	}
}

// ftypBox is ffmpeg's mp4 ftyp: isom, minor version 512.
func ftypBox() []byte {
	var b buf
	p := b.start("ftyp")
	b.str("isom")
	b.u32(512)
	b.str("isomiso2avc1mp41")
	b.end(p)
	return b.b
}

// moovBuf is a built moov with the places of its chunk offset tables, whose
// entries are relative to mdat's payload until patchOffsets adds the base.
type moovBuf struct {
	buf
	tables []offsetTable
}

type offsetTable struct {
	pos   int // of the first entry
	count int
	wide  bool
}

func (m *moovBuf) patchOffsets(base uint64) {
	for _, t := range m.tables {
		for i := 0; i < t.count; i++ {
			if t.wide {
				p := m.b[t.pos+8*i:]
				be64(p, binary.BigEndian.Uint64(p)+base)
			} else {
				p := m.b[t.pos+4*i:]
				be32(p, binary.BigEndian.Uint32(p)+uint32(base))
			}
		}
	}
}

func buildMoov(m *Movie, tracks []*track, chunks []chunk) *moovBuf {
	size := 4096
	for _, t := range tracks {
		size += 512 + 4*len(t.Samples) + 12*len(t.chunks)
		if t.Kind == Video {
			size += 4 * len(t.Samples) // stts and stss, at worst
		}
	}
	mb := &moovBuf{buf: buf{b: make([]byte, 0, size)}}
	b := &mb.buf
	moov := b.start("moov")

	var movieDur uint64
	for _, t := range tracks {
		movieDur = max(movieDur, toMovieTime(t.duration, t.timescale))
	}
	v := uint8(0)
	if movieDur > math.MaxUint32 {
		v = 1
	}
	p := b.full("mvhd", v, 0)
	timeFields(b, v, movieTimescale, movieDur)
	b.u32(0x00010000) // rate 1.0
	b.u16(0x0100)     // volume 1.0
	b.zeros(10)
	b.matrix()
	b.zeros(24)
	b.u32(uint32(len(tracks) + 1)) // next track ID
	b.end(p)

	var chapterID uint32
	if len(m.Chapters) > 0 {
		chapterID = tracks[len(tracks)-1].id
	}
	for _, t := range tracks {
		writeTrak(mb, t, chunks, chapterID)
	}
	writeUdta(b, m)
	b.end(moov)
	return mb
}

// timeFields writes the creation and modification times (zero: bitexact),
// the timescale and a duration, in version v's widths.
func timeFields(b *buf, v uint8, timescale uint32, d uint64) {
	if v == 1 {
		b.u64(0)
		b.u64(0)
		b.u32(timescale)
		b.u64(d)
		return
	}
	b.u32(0)
	b.u32(0)
	b.u32(timescale)
	b.u32(uint32(d))
}

func writeTrak(mb *moovBuf, t *track, chunks []chunk, chapterID uint32) {
	b := &mb.buf
	trak := b.start("trak")
	dur := toMovieTime(t.duration, t.timescale)
	v := uint8(0)
	if dur > math.MaxUint32 {
		v = 1
	}

	// tkhd: flags 1 enabled, 2 in movie.
	flags := uint32(2)
	if t.enabled {
		flags |= 1
	}
	p := b.full("tkhd", v, flags)
	if v == 1 {
		b.u64(0)
		b.u64(0)
		b.u32(t.id)
		b.u32(0)
		b.u64(dur)
	} else {
		b.u32(0)
		b.u32(0)
		b.u32(t.id)
		b.u32(0)
		b.u32(uint32(dur))
	}
	b.zeros(8)
	b.u16(0) // layer
	// Alternate group: ffmpeg uses the stream's media type (video 0,
	// audio 1, subtitle 3), so subtitle tracks are alternatives.
	switch t.Kind {
	case Audio:
		b.u16(1)
	case Subtitle:
		b.u16(3)
	default:
		b.u16(0)
	}
	if t.Kind == Audio {
		b.u16(0x0100)
	} else {
		b.u16(0)
	}
	b.u16(0)
	b.matrix()
	if t.Kind == Video {
		b.u32(uint32(t.AVC.Width) << 16)
		b.u32(uint32(t.AVC.Height) << 16)
	} else {
		b.u32(0)
		b.u32(0)
	}
	b.end(p)

	// edts: one edit, the whole media from time 0.
	edts := b.start("edts")
	p = b.full("elst", v, 0)
	b.u32(1)
	if v == 1 {
		b.u64(dur)
		b.u64(0)
	} else {
		b.u32(uint32(dur))
		b.u32(0)
	}
	b.u32(0x00010000)
	b.end(p)
	b.end(edts)

	if t.chapterOf && chapterID != 0 {
		tref := b.start("tref")
		p = b.start("chap")
		b.u32(chapterID)
		b.end(p)
		b.end(tref)
	}

	mdia := b.start("mdia")
	mv := uint8(0)
	if t.duration > math.MaxUint32 {
		mv = 1
	}
	p = b.full("mdhd", mv, 0)
	timeFields(b, mv, t.timescale, t.duration)
	b.u16(t.lang)
	b.u16(0)
	b.end(p)

	p = b.full("hdlr", 0, 0)
	b.u32(0)
	switch t.Kind {
	case Video:
		b.str("vide")
	case Audio:
		b.str("soun")
	case Subtitle:
		b.str("sbtl")
	case chapterKind:
		b.str("text")
	}
	b.zeros(12)
	switch t.Kind {
	case Video:
		b.str("VideoHandler\x00")
	case Audio:
		b.str("SoundHandler\x00")
	default:
		b.str("SubtitleHandler\x00")
	}
	b.end(p)

	minf := b.start("minf")
	switch t.Kind {
	case Video:
		p = b.full("vmhd", 0, 1)
		b.zeros(8)
		b.end(p)
	case Audio:
		p = b.full("smhd", 0, 0)
		b.zeros(4)
		b.end(p)
	case Subtitle:
		p = b.full("nmhd", 0, 0)
		b.end(p)
	case chapterKind:
		b.bytes(chapterGmhd)
	}
	dinf := b.start("dinf")
	p = b.full("dref", 0, 0)
	b.u32(1)
	q := b.full("url ", 0, 1) // media in this file
	b.end(q)
	b.end(p)
	b.end(dinf)

	writeStbl(mb, t, chunks)
	b.end(minf)
	b.end(mdia)
	b.end(trak)
}

func writeStbl(mb *moovBuf, t *track, chunks []chunk) {
	b := &mb.buf
	stbl := b.start("stbl")
	writeStsd(b, t)

	// stts: run-length durations.
	p := b.full("stts", 0, 0)
	countPos := len(b.b)
	b.u32(0)
	n := uint32(0)
	for i := 0; i < len(t.Samples); {
		d := t.Samples[i].Duration
		j := i + 1
		for j < len(t.Samples) && t.Samples[j].Duration == d {
			j++
		}
		b.u32(uint32(j - i))
		b.u32(d)
		n++
		i = j
	}
	be32(b.b[countPos:], n)
	b.end(p)

	if t.Kind == Video && !t.allSync {
		p = b.full("stss", 0, 0)
		countPos = len(b.b)
		b.u32(0)
		n = 0
		for i, s := range t.Samples {
			if s.Sync {
				b.u32(uint32(i + 1))
				n++
			}
		}
		be32(b.b[countPos:], n)
		b.end(p)
	}

	// stsc: a row wherever the samples-per-chunk count changes.
	p = b.full("stsc", 0, 0)
	countPos = len(b.b)
	b.u32(0)
	n = 0
	prev := -1
	for i, ci := range t.chunks {
		if c := chunks[ci]; c.n != prev {
			b.u32(uint32(i + 1))
			b.u32(uint32(c.n))
			b.u32(1)
			n++
			prev = c.n
		}
	}
	be32(b.b[countPos:], n)
	b.end(p)

	p = b.full("stsz", 0, 0)
	uniform := true
	for _, s := range t.Samples {
		if s.Size != t.Samples[0].Size {
			uniform = false
			break
		}
	}
	if uniform {
		b.u32(t.Samples[0].Size)
		b.u32(uint32(len(t.Samples)))
	} else {
		b.u32(0)
		b.u32(uint32(len(t.Samples)))
		for _, s := range t.Samples {
			b.u32(s.Size)
		}
	}
	b.end(p)

	if t.co64 {
		p = b.full("co64", 0, 0)
	} else {
		p = b.full("stco", 0, 0)
	}
	b.u32(uint32(len(t.chunks)))
	mb.tables = append(mb.tables, offsetTable{pos: len(b.b), count: len(t.chunks), wide: t.co64})
	for _, ci := range t.chunks {
		if t.co64 {
			b.u64(chunks[ci].offset)
		} else {
			b.u32(uint32(chunks[ci].offset))
		}
	}
	b.end(p)

	if t.Kind == Audio {
		// AAC needs the previous frame to decode a frame: a roll
		// distance of -1 for every sample, as ffmpeg writes.
		p = b.full("sgpd", 1, 0)
		b.str("roll")
		b.u32(2) // default description length
		b.u32(1)
		b.u16(0xffff) // -1
		b.end(p)
		p = b.full("sbgp", 0, 0)
		b.str("roll")
		b.u32(1)
		b.u32(uint32(len(t.Samples)))
		b.u32(1)
		b.end(p)
	}
	b.end(stbl)
}

// avgBitrate is ffmpeg's average bit rate of a track, for btrt and esds.
func (t *track) avgBitrate() uint32 {
	if t.duration == 0 {
		return 0
	}
	r := t.bytes * 8 * uint64(t.timescale) / t.duration
	return uint32(min(r, math.MaxUint32))
}

func writeBtrt(b *buf, t *track) {
	r := t.avgBitrate()
	if r == 0 {
		return
	}
	p := b.start("btrt")
	b.u32(0) // buffer size
	b.u32(r) // max: ffmpeg has no better figure for copied streams
	b.u32(r)
	b.end(p)
}

func writeStsd(b *buf, t *track) {
	p := b.full("stsd", 0, 0)
	b.u32(1)
	switch t.Kind {
	case Video:
		e := b.start("avc1")
		b.zeros(6)
		b.u16(1) // data reference index
		b.zeros(16)
		b.u16(uint16(t.AVC.Width))
		b.u16(uint16(t.AVC.Height))
		b.u32(0x00480000) // 72 dpi
		b.u32(0x00480000)
		b.u32(0)
		b.u16(1)      // frame count
		b.zeros(32)   // compressor name
		b.u16(0x18)   // depth
		b.u16(0xffff) // pre-defined -1
		q := b.start("avcC")
		cfg, _ := avcDecoderConfig(t.AVC) // validated
		b.bytes(cfg)
		b.end(q)
		q = b.start("colr")
		b.str("nclx")
		b.u16(uint16(or1(t.AVC.ColorPrimaries)))
		b.u16(uint16(or1(t.AVC.TransferCharacteristics)))
		b.u16(uint16(or1(t.AVC.MatrixCoefficients)))
		if t.AVC.FullRange {
			b.u8(0x80)
		} else {
			b.u8(0)
		}
		b.end(q)
		writeBtrt(b, t)
		b.end(e)
	case Audio:
		e := b.start("mp4a")
		b.zeros(6)
		b.u16(1)
		b.zeros(8) // version, revision, vendor
		b.u16(2)   // channel count: the template value, as ffmpeg writes; the ASC has the real one
		b.u16(16)  // sample size
		b.u16(0)   // compression ID
		b.u16(0)   // packet size
		rate := uint32(0)
		if t.AAC.SampleRate <= math.MaxUint16 {
			rate = uint32(t.AAC.SampleRate) << 16
		}
		b.u32(rate)
		writeEsds(b, t)
		writeBtrt(b, t)
		b.end(e)
	case Subtitle:
		e := b.start("tx3g")
		b.zeros(6)
		b.u16(1)
		b.bytes(tx3gDefaults)
		writeBtrt(b, t)
		b.end(e)
	case chapterKind:
		e := b.start("text")
		b.zeros(6)
		b.u16(1)
		b.bytes(chapterTextProperties)
		writeBtrt(b, t)
		b.end(e)
	}
	b.end(p)
}

func or1(v uint8) uint8 {
	if v == 0 {
		return 1
	}
	return v
}

// writeEsds writes the MPEG-4 elementary stream descriptor of an AAC track,
// with ffmpeg's 4-byte descriptor lengths.
func writeEsds(b *buf, t *track) {
	p := b.full("esds", 0, 0)
	asc := t.AAC.ASC
	descr := func(tag byte, size int) {
		b.u8(tag)
		b.u8(0x80 | byte(size>>21&0x7f))
		b.u8(0x80 | byte(size>>14&0x7f))
		b.u8(0x80 | byte(size>>7&0x7f))
		b.u8(byte(size & 0x7f))
	}
	descr(0x03, 3+5+13+5+len(asc)+5+1) // ES_Descriptor
	b.u16(uint16(t.id))
	b.u8(0)
	descr(0x04, 13+5+len(asc)) // DecoderConfigDescriptor
	b.u8(0x40)                 // MPEG-4 audio
	b.u8(0x15)                 // audio stream
	b.u24(0)                   // buffer size
	r := t.avgBitrate()
	b.u32(r)
	b.u32(r)
	descr(0x05, len(asc)) // DecoderSpecificInfo
	b.bytes(asc)
	descr(0x06, 1) // SLConfigDescriptor
	b.u8(0x02)
	b.end(p)
}

// tx3gDefaults is the rest of the tx3g sample entry as ffmpeg's mov_text
// encoder writes it for plain subtitles: no display flags, text centred at
// the bottom, an opaque black background colour (drawn only with a box
// flag), an empty default text box, a default style (font 1, 16 px, opaque
// white) and a font table naming Arial.
var tx3gDefaults = []byte{
	0, 0, 0, 0, // display flags
	0x01,          // horizontal justification: centre
	0xff,          // vertical justification: bottom
	0, 0, 0, 0xff, // background colour RGBA
	0, 0, 0, 0, 0, 0, 0, 0, // default text box
	0, 0, 0, 0, // style: start and end character
	0, 1, // font ID
	0,                      // face style flags
	0x10,                   // font size
	0xff, 0xff, 0xff, 0xff, // text colour RGBA
	0, 0, 0, 0x12, 'f', 't', 'a', 'b', 0, 1, 0, 1, 5, 'A', 'r', 'i', 'a', 'l',
}

// chapterTextProperties is the rest of the QuickTime text sample
// description that ffmpeg gives its chapter track (QuickTime needs one to
// recognise the chapter track), byte for byte.
var chapterTextProperties = []byte{
	0, 0, 0, 1, // display flags
	0, 0, 0, 0, // text justification
	0, 0, 0, 0, 0, 0, // background colour
	0, 0, 0, 0, 0, 0, 0, 0, // default text box
	0, 1, 0, 0, 0, 0, 0, 0, // font ID 1, then reserved
	0, 0, 0, 0x0d, 'f', 't', 'a', 'b', 0, 1, 0, 1, 0, // font table: font 1, no name
}

// chapterGmhd is the QuickTime base media header of a text track, as ffmpeg
// writes it for the chapter track.
var chapterGmhd = []byte{
	0, 0, 0, 0x4c, 'g', 'm', 'h', 'd',
	0, 0, 0, 0x18, 'g', 'm', 'i', 'n',
	0, 0, 0, 0, // version, flags
	0, 0x40, // graphics mode
	0x80, 0, 0x80, 0, 0x80, 0, // opcolor
	0, 0, // balance
	0, 0, // reserved
	0, 0, 0, 0x2c, 't', 'e', 'x', 't', // a matrix: identity, w = 1.0 (2.30)
	0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0,
}

// writeUdta writes the tags as iTunes atoms, in ffmpeg's order, and the
// Nero chapter list.
func writeUdta(b *buf, m *Movie) {
	tags := []struct{ key, val string }{
		{"\xa9nam", m.Tags.Title},
		{"\xa9ART", m.Tags.Artist},
		{"\xa9alb", m.Tags.Album},
		{"\xa9cmt", m.Tags.Comment},
	}
	hasTags := false
	for _, t := range tags {
		hasTags = hasTags || t.val != ""
	}
	if !hasTags && len(m.Chapters) == 0 {
		return
	}
	udta := b.start("udta")
	if hasTags {
		meta := b.full("meta", 0, 0)
		p := b.full("hdlr", 0, 0)
		b.u32(0)
		b.str("mdir")
		b.str("appl")
		b.zeros(8)
		b.u8(0)
		b.end(p)
		ilst := b.start("ilst")
		for _, t := range tags {
			if t.val == "" {
				continue
			}
			item := b.start(t.key)
			d := b.start("data")
			b.u32(1) // UTF-8
			b.u32(0) // locale
			b.str(t.val)
			b.end(d)
			b.end(item)
		}
		b.end(ilst)
		b.end(meta)
	}
	if len(m.Chapters) > 0 {
		// Nero chapters: start times in 100 ns units, titles of at most
		// 255 bytes, at most 255 chapters.
		p := b.full("chpl", 1, 0)
		b.u32(0)
		n := min(len(m.Chapters), 255)
		b.u8(uint8(n))
		for _, c := range m.Chapters[:n] {
			b.u64(uint64(millis(c.Start)) * 10000)
			title := truncateUTF8(c.Title, 255)
			b.u8(uint8(len(title)))
			b.str(title)
		}
		b.end(p)
	}
	b.end(udta)
}
