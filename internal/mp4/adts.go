package mp4

import "fmt"

// AACFrameSamples is the number of PCM samples one AAC-LC frame decodes to:
// each audio sample's duration in a track whose timescale is the sample
// rate.
const AACFrameSamples = 1024

var adtsRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// ParseADTS splits an ADTS stream (what `ffmpeg -f adts` writes; several
// files may be concatenated) into raw AAC frames, headers and CRCs stripped,
// as subslices of data, and returns the configuration from the headers. It
// fails on a bad or truncated header, a frame holding several raw data
// blocks, or a configuration that changes between frames.
func ParseADTS(data []byte) (frames [][]byte, cfg AACConfig, err error) {
	var first [3]byte // profile, rate index, channel config
	for off := 0; off < len(data); {
		h := data[off:]
		if len(h) < 7 {
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: truncated header at byte %d", off)
		}
		if h[0] != 0xff || h[1]&0xf6 != 0xf0 { // syncword, layer 0
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: no frame header at byte %d", off)
		}
		crc := h[1]&1 == 0
		profile := h[2] >> 6
		rateIdx := h[2] >> 2 & 0xf
		channels := (h[2]&1)<<2 | h[3]>>6
		length := int(h[3]&3)<<11 | int(h[4])<<3 | int(h[5]>>5)
		blocks := h[6] & 3
		hdr := 7
		if crc {
			hdr = 9
		}
		switch {
		case int(rateIdx) >= len(adtsRates):
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: bad sampling frequency index %d at byte %d", rateIdx, off)
		case channels == 0:
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: channel configuration 0 (in-band PCE) at byte %d is not supported", off)
		case blocks != 0:
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: frame at byte %d holds %d raw data blocks; want 1", off, blocks+1)
		case length <= hdr:
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: bad frame length %d at byte %d", length, off)
		case length > len(h):
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: frame at byte %d is truncated (%d of %d bytes)", off, len(h), length)
		}
		conf := [3]byte{profile, rateIdx, channels}
		if len(frames) == 0 {
			first = conf
		} else if conf != first {
			return nil, AACConfig{}, fmt.Errorf("mp4: adts: configuration changes at byte %d", off)
		}
		frames = append(frames, h[hdr:length])
		off += length
	}
	if len(frames) == 0 {
		return nil, AACConfig{}, fmt.Errorf("mp4: adts: no frames")
	}
	// AudioSpecificConfig: 5 bits object type (ADTS profile + 1), 4 bits
	// frequency index, 4 bits channel configuration, 3 zero bits.
	obj := first[0] + 1
	asc := []byte{obj<<3 | first[1]>>1, (first[1]&1)<<7 | first[2]<<3}
	ch := int(first[2])
	if ch == 7 {
		ch = 8
	}
	return frames, AACConfig{ASC: asc, SampleRate: adtsRates[first[1]], Channels: ch}, nil
}

// ADTSTrack makes an audio track in language lang (ISO 639-2) from an ADTS
// stream held in memory: one sample per AAC frame, timescale the sample
// rate, each sample AACFrameSamples long.
func ADTSTrack(data []byte, lang string) (*Track, error) {
	frames, cfg, err := ParseADTS(data)
	if err != nil {
		return nil, err
	}
	samples := make([]Sample, len(frames))
	for i, f := range frames {
		samples[i] = Sample{Size: uint32(len(f)), Duration: AACFrameSamples, Sync: true}
	}
	return &Track{Kind: Audio, Language: lang, Timescale: uint32(cfg.SampleRate), Samples: samples, AAC: &cfg, Source: BytesSource(frames)}, nil
}
