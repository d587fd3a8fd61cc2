// Command tecnobench measures tecno on reference courses (make bench):
// cold build, no-op rebuild, rebuild after a one-scene edit and peak memory,
// against a naive per-frame encode and the floor (synthesis plus one AAC
// encode of the lesson's audio), all in one run on one machine.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/bench"
	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
)

// lastChildRSS is the peak RSS (KiB) of the ffmpeg processes of the last
// build measured.
var lastChildRSS int64

func main() {
	tecno := flag.String("tecno", "bin/tecno", "tecno binary to measure")
	work := flag.String("work", "", "work folder (default: a temporary folder)")
	r60 := flag.Bool("r60", true, "also measure the 60-minute course")
	naive := flag.Int("naive-scenes", 4, "measure the naive per-frame baseline on a reference course of this many 30 s scenes, against tecno on the same course (0 = skip; 20 = the whole R10, about half an hour on 2 cores)")
	extra := flag.String("args", "", "extra arguments for tecno build, space separated")
	variant := flag.String("variant", "", "also build R10 as this variant and compare its cold build with plain R10: polish (crossfades and a ducked music bed)")
	flag.Parse()
	if *variant != "" && *variant != "polish" {
		fmt.Fprintln(os.Stderr, "tecnobench: unknown -variant", *variant, "(want polish)")
		os.Exit(2)
	}
	if err := run(*tecno, *work, *r60, *naive, strings.Fields(*extra), *variant); err != nil {
		fmt.Fprintln(os.Stderr, "tecnobench:", err)
		os.Exit(1)
	}
}

type result struct {
	name                        string
	scenes                      int
	video, cold, noop, edit     float64
	rss, childRSS               int64
	editRan                     []string
	naive, synth, aac, floorSum float64
	coldCPU                     float64 // CPU seconds of the cold build, tecno and its children
	polish                      *polishResult
}

func run(tecno, work string, r60 bool, naive int, extra []string, variant string) error {
	tecno, err := filepath.Abs(tecno)
	if err != nil {
		return err
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "tecnobench-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	refs := []struct {
		name   string
		scenes int
	}{{"R10", 20}, {"R60", 120}}
	if !r60 {
		refs = refs[:1]
	}
	if naive > 0 {
		refs = append(refs, struct {
			name   string
			scenes int
		}{fmt.Sprintf("N%d", naive), naive})
	}
	var results []result
	for _, ref := range refs {
		dir := filepath.Join(work, ref.name)
		os.MkdirAll(dir, 0o755)
		path, err := bench.Course(dir, ref.scenes, 30, "modern", 1)
		if err != nil {
			return err
		}
		r := result{name: ref.name, scenes: ref.scenes}
		fmt.Fprintf(os.Stderr, "%s: cold build…\n", ref.name)
		rep, secs, err := buildOnce(tecno, path, extra)
		if err != nil {
			return err
		}
		r.cold, r.video, r.rss, r.childRSS = secs, rep.VideoSeconds, rep.PeakRSSKiB, lastChildRSS
		r.coldCPU = lastCPU
		fmt.Fprintf(os.Stderr, "%s: no-op rebuild…\n", ref.name)
		if _, r.noop, err = buildOnce(tecno, path, extra); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: rebuild after editing one scene…\n", ref.name)
		data, _ := os.ReadFile(path)
		i := strings.Index(string(data), fmt.Sprintf("- id: s%03d", min(7, ref.scenes)))
		j := i + strings.Index(string(data[i:]), "narration: \"") + len("narration: \"")
		edited := string(data[:j]) + "Edited. " + string(data[j:])
		os.WriteFile(path, []byte(edited), 0o644)
		rep, r.edit, err = buildOnce(tecno, path, extra)
		if err != nil {
			return err
		}
		r.editRan = rep.Executed()
		fmt.Fprintf(os.Stderr, "%s: cold %.2fs for %.0fs of video, no-op %.2fs, edit %.2fs, peak RSS %d KiB\n", ref.name, r.cold, r.video, r.noop, r.edit, r.rss)
		if naive > 0 && ref.name == fmt.Sprintf("N%d", naive) {
			fmt.Fprintf(os.Stderr, "%s: naive baseline (every frame encoded)…\n", ref.name)
			if r.naive, err = naiveBaseline(dir, rep); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "%s: floor (synthesis + one AAC encode)…\n", ref.name)
		if r.synth, r.aac, err = floor(path, dir); err != nil {
			return err
		}
		r.floorSum = r.synth + r.aac
		if variant == "polish" && ref.name == "R10" {
			fmt.Fprintf(os.Stderr, "%s: polish variant (crossfades + music), cold build…\n", ref.name)
			if r.polish, err = polishRun(tecno, filepath.Join(work, ref.name+"-polish"), ref.scenes, extra); err != nil {
				return err
			}
		}
		results = append(results, r)
	}
	printTable(results)
	return nil
}

// polishResult is the polish variant against plain R10.
type polishResult struct {
	cold, coldCPU   float64 // the polish variant's cold build: wall and CPU seconds
	plain, plainCPU float64 // plain R10 built cold again right after it
	noop            float64
	ran             []string
}

// polishRun builds the reference course with a crossfade into every scene
// and a ducked music bed, cold then no-op, from its own empty cache; then
// the plain course again, cold, so that the two cold builds compared ran
// back to back (a shared machine's load drifts between the start and the
// end of a bench).
func polishRun(tecno, dir string, scenes int, extra []string) (*polishResult, error) {
	var r polishResult
	plainDir := filepath.Join(dir, "plain")
	if err := os.MkdirAll(plainDir, 0o755); err != nil {
		return nil, err
	}
	path, err := bench.Course(dir, scenes, 30, "modern", 1)
	if err != nil {
		return nil, err
	}
	// 90 s of a soft chord with a slow tremolo, looped under the lesson.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-y",
		"-f", "lavfi", "-i", "sine=f=220:d=90", "-f", "lavfi", "-i", "sine=f=277:d=90", "-f", "lavfi", "-i", "sine=f=330:d=90",
		"-filter_complex", "amix=inputs=3,tremolo=f=0.5:d=0.4", "-ac", "2", "-ar", "44100",
		filepath.Join(dir, "music.wav")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("music: %v %s", err, out)
	}
	if err := bench.Polish(path, "music.wav"); err != nil {
		return nil, err
	}
	rep, cold, err := buildOnce(tecno, path, extra)
	if err != nil {
		return nil, err
	}
	r.cold, r.coldCPU = cold, lastCPU
	stages := map[string]int{}
	for _, s := range rep.Executed() {
		stages[s[strings.LastIndex(s, "/")+1:]]++
	}
	for _, k := range []string{"transition", "music", "mix"} {
		r.ran = append(r.ran, fmt.Sprintf("%d %s", stages[k], k))
	}
	if _, r.noop, err = buildOnce(tecno, path, extra); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "R10: plain again, cold, right after the polish variant…\n")
	plain, err := bench.Course(plainDir, scenes, 30, "modern", 1)
	if err != nil {
		return nil, err
	}
	if _, r.plain, err = buildOnce(tecno, plain, extra); err != nil {
		return nil, err
	}
	r.plainCPU = lastCPU
	return &r, nil
}

// ffmpegRSSWrapper writes a script that runs ffmpeg under GNU time,
// appending each run's peak RSS (KiB) to log. (getrusage's figure for
// children is useless here: a child forked from tecno starts with tecno's
// RSS as its high-water mark.)
func ffmpegRSSWrapper(dir string) (wrapper, log string, err error) {
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", "", err
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return "", "", nil
	}
	log = filepath.Join(dir, "ffmpeg-rss.log")
	wrapper = filepath.Join(dir, "ffmpeg-rss")
	script := fmt.Sprintf("#!/bin/sh\nexec /usr/bin/time -a -o %q -f %%M %q \"$@\"\n", log, ff)
	return wrapper, log, os.WriteFile(wrapper, []byte(script), 0o755)
}

func maxLogged(log string) int64 {
	data, _ := os.ReadFile(log)
	var best int64
	for _, l := range strings.Fields(string(data)) {
		var v int64
		if _, err := fmt.Sscan(l, &v); err == nil && v > best {
			best = v
		}
	}
	return best
}

// lastCPU is the CPU time (user + system, with ffmpeg and the voice
// engines) of the last build.
var lastCPU float64

func buildOnce(tecno, path string, extra []string) (*build.Report, float64, error) {
	dir := filepath.Dir(path)
	args := append([]string{"build", path, "-o", filepath.Join(dir, "out"), "--cache-dir", filepath.Join(dir, "cache"), "--quiet"}, extra...)
	cmd := exec.Command(tecno, args...)
	cmd.Stderr = os.Stderr
	if wrapper, log, err := ffmpegRSSWrapper(dir); err == nil && wrapper != "" {
		os.Remove(log)
		cmd.Env = append(os.Environ(), "TECNO_FFMPEG="+wrapper)
		defer func() { lastChildRSS = maxLogged(log) }()
	}
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("tecno %s: %w", strings.Join(args, " "), err)
	}
	secs := time.Since(t0).Seconds()
	// On Linux the rusage of a reaped process includes its reaped children.
	lastCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	data, err := os.ReadFile(filepath.Join(dir, "out", "build-report.json"))
	if err != nil {
		return nil, 0, err
	}
	var rep build.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, 0, err
	}
	return &rep, secs, nil
}

// entryFile finds a file of a cache entry from its key prefix in the report.
func entryFile(dir, keyPrefix, name string) (string, error) {
	m, _ := filepath.Glob(filepath.Join(dir, "cache", "objects", keyPrefix[:2], keyPrefix+"*", name))
	if len(m) == 0 {
		return "", fmt.Errorf("no cache entry %s/%s", keyPrefix, name)
	}
	return m[0], nil
}

// naiveBaseline encodes every frame of every scene, as slide-video tools
// typically do, from tecno's own frames and narration, then joins the
// segments with a re-encoding concat.
func naiveBaseline(dir string, rep *build.Report) (float64, error) {
	nd := filepath.Join(dir, "naive")
	os.MkdirAll(nd, 0o755)
	var list strings.Builder
	t0 := time.Now()
	for i, s := range rep.Lessons[0].Scenes {
		var frame, narr string
		for _, st := range s.Stages {
			var err error
			switch st.Stage {
			case build.StageFrame:
				frame, err = entryFile(dir, st.Key, "frame.png")
			case build.StageNarrate:
				narr, err = entryFile(dir, st.Key, "narration.wav")
			}
			if err != nil {
				return 0, err
			}
		}
		seg := filepath.Join(nd, fmt.Sprintf("seg%03d.mp4", i))
		if out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", "30", "-i", frame, "-i", narr,
			"-c:v", "libx264", "-tune", "stillimage", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", seg).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("naive segment: %v %s", err, out)
		}
		fmt.Fprintf(&list, "file '%s'\n", seg)
	}
	lp := filepath.Join(nd, "list.txt")
	os.WriteFile(lp, []byte(list.String()), 0o644)
	if out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", lp,
		"-c:v", "libx264", "-c:a", "aac", filepath.Join(nd, "naive.mp4")).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("naive concat: %v %s", err, out)
	}
	return time.Since(t0).Seconds(), nil
}

// floor is the least any tool must do: synthesize the narration (with the
// same parallelism tecno uses) and encode the lesson's audio once, with
// tecno's own AAC settings (48 kHz mono, VBR quality 2).
func floor(path, dir string) (synth, aac float64, err error) {
	c, err := course.Load(path)
	if err != nil {
		return 0, 0, err
	}
	fd := filepath.Join(dir, "floor")
	os.MkdirAll(fd, 0o755)
	scenes := c.Lessons[0].Scenes
	wavs := make([]string, len(scenes))
	errs := make([]error, len(scenes))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	t0 := time.Now()
	for i, s := range scenes {
		wavs[i] = filepath.Join(fd, fmt.Sprintf("s%03d.wav", i))
		wg.Add(1)
		go func(i int, text string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if out, err := exec.Command("espeak-ng", "-v", "en-us", "-w", wavs[i], text).CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("espeak-ng: %v %s", err, out)
			}
		}(i, s.Narration)
	}
	wg.Wait()
	synth = time.Since(t0).Seconds()
	for _, e := range errs {
		if e != nil {
			return 0, 0, e
		}
	}
	var list strings.Builder
	for _, w := range wavs {
		fmt.Fprintf(&list, "file '%s'\n", w)
	}
	lp := filepath.Join(fd, "list.txt")
	os.WriteFile(lp, []byte(list.String()), 0o644)
	t1 := time.Now()
	if out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", lp,
		"-af", "aresample=48000", "-ac", "1", "-c:a", "aac", "-aac_coder", "fast", "-q:a", "2", filepath.Join(fd, "lesson.m4a")).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("floor encode: %v %s", err, out)
	}
	return synth, time.Since(t1).Seconds(), nil
}

func printTable(rs []result) {
	host, _ := os.Hostname()
	fmt.Printf("Machine: %s, %d CPUs, %s/%s, %s\n\n", host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, cpuModel())
	fmt.Println("| measure | " + joinNames(rs) + " |")
	fmt.Println("|---|" + strings.Repeat("---|", len(rs)))
	row := func(name string, f func(r result) string) {
		cells := make([]string, len(rs))
		for i, r := range rs {
			cells[i] = f(r)
		}
		fmt.Printf("| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	row("scenes", func(r result) string { return fmt.Sprint(r.scenes) })
	row("video length", func(r result) string { return fmt.Sprintf("%.0f s", r.video) })
	row("cold build", func(r result) string { return fmt.Sprintf("%.2f s", r.cold) })
	row("realtime factor (video s / wall s)", func(r result) string { return fmt.Sprintf("%.0f×", r.video/r.cold) })
	row("no-op rebuild", func(r result) string { return fmt.Sprintf("%.2f s", r.noop) })
	row("rebuild after one narration edit", func(r result) string { return fmt.Sprintf("%.2f s", r.edit) })
	row("stages redone by that edit", func(r result) string { return strings.Join(r.editRan, ", ") })
	row("peak RSS, tecno", func(r result) string { return fmt.Sprintf("%.0f MB", float64(r.rss)/1024) })
	row("peak RSS, largest ffmpeg", func(r result) string { return fmt.Sprintf("%.0f MB", float64(r.childRSS)/1024) })
	row("naive baseline (every frame encoded)", func(r result) string {
		if r.naive == 0 {
			return "not run"
		}
		return fmt.Sprintf("%.1f s", r.naive)
	})
	row("tecno vs naive", func(r result) string {
		if r.naive == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f× faster", r.naive/r.cold)
	})
	row("floor: synthesis + one AAC encode", func(r result) string {
		return fmt.Sprintf("%.2f s (%.2f + %.2f)", r.floorSum, r.synth, r.aac)
	})
	row("tecno / floor", func(r result) string { return fmt.Sprintf("%.2f", r.cold/r.floorSum) })
	if p := rs[0].polish; p != nil {
		// The variant is of the first course only; the other columns stay
		// empty.
		first := func(f func(r result) string) func(r result) string {
			return func(r result) string {
				if r.polish != p {
					return "–"
				}
				return f(r)
			}
		}
		row("polish variant: crossfades + ducked music, cold build", first(func(r result) string {
			return fmt.Sprintf("%.2f s, %.1f CPU s (%s)", p.cold, p.coldCPU, strings.Join(p.ran, ", "))
		}))
		row("plain again, cold, right after", first(func(r result) string {
			return fmt.Sprintf("%.2f s, %.1f CPU s (first: %.2f s, %.1f CPU s)", p.plain, p.plainCPU, r.cold, r.coldCPU)
		}))
		row("polish / plain cold build (target ≤ 2)", first(func(r result) string {
			return fmt.Sprintf("%.2f wall (against the faster plain build), %.2f CPU", p.cold/math.Min(p.plain, r.cold), p.coldCPU/math.Min(p.plainCPU, r.coldCPU))
		}))
		row("polish variant: no-op rebuild", first(func(r result) string { return fmt.Sprintf("%.2f s", p.noop) }))
	}
}

func joinNames(rs []result) string {
	n := make([]string, len(rs))
	for i, r := range rs {
		n[i] = r.name
	}
	return strings.Join(n, " | ")
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "model name") {
			_, v, _ := strings.Cut(l, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
