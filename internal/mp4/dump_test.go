package mp4

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// box is one box of a parsed file: its path ("moov/trak/tkhd"), where it
// starts, its total size and, for leaves, its body.
type box struct {
	path   string
	offset int64
	size   int64
	body   []byte // leaves only
}

// containers are boxes whose body is a list of boxes, after skip bytes.
var containers = map[string]int{
	"moov": 0, "trak": 0, "edts": 0, "tref": 0, "mdia": 0, "minf": 0, "dinf": 0, "stbl": 0,
	"udta": 0, "ilst": 0, "gmhd": 0, "meta": 4, "dref": 8, "stsd": 8,
	"avc1": 78, "mp4a": 28,
	"\xa9nam": 0, "\xa9ART": 0, "\xa9alb": 0, "\xa9cmt": 0,
}

// parseBoxes lists the boxes of an MP4 file depth first. mdat's body is
// not kept.
func parseBoxes(t testing.TB, data []byte) []box {
	t.Helper()
	var out []box
	var walk func(b []byte, base int64, prefix string) error
	walk = func(b []byte, base int64, prefix string) error {
		for off := 0; off < len(b); {
			if len(b)-off < 8 {
				return fmt.Errorf("%s: %d stray bytes at %d", prefix, len(b)-off, base+int64(off))
			}
			size := int64(binary.BigEndian.Uint32(b[off:]))
			typ := string(b[off+4 : off+8])
			hdr := int64(8)
			switch size {
			case 1:
				size = int64(binary.BigEndian.Uint64(b[off+8:]))
				hdr = 16
			case 0:
				size = int64(len(b) - off)
			}
			if size < hdr || int64(off)+size > int64(len(b)) {
				return fmt.Errorf("%s%s: bad size %d at %d", prefix, typ, size, base+int64(off))
			}
			body := b[off+int(hdr) : off+int(size)]
			bx := box{path: prefix + typ, offset: base + int64(off), size: size}
			skip, isContainer := containers[typ]
			if !isContainer && typ != "mdat" {
				bx.body = body
			}
			out = append(out, bx)
			if isContainer {
				if len(body) < skip {
					return fmt.Errorf("%s: short container", bx.path)
				}
				if err := walk(body[skip:], bx.offset+hdr+int64(skip), bx.path+"/"); err != nil {
					return err
				}
			}
			off += int(size)
		}
		return nil
	}
	if err := walk(data, 0, ""); err != nil {
		t.Fatal(err)
	}
	return out
}

// boxTree renders boxes one per line, indented, for failure messages.
func boxTree(boxes []box) string {
	var sb strings.Builder
	for _, b := range boxes {
		depth := strings.Count(b.path, "/")
		name := b.path[strings.LastIndex(b.path, "/")+1:]
		fmt.Fprintf(&sb, "%s%s %d\n", strings.Repeat("  ", depth), name, b.size)
	}
	return sb.String()
}

// findBoxes returns the boxes at path, in file order.
func findBoxes(boxes []box, path string) []box {
	var out []box
	for _, b := range boxes {
		if b.path == path {
			out = append(out, b)
		}
	}
	return out
}
