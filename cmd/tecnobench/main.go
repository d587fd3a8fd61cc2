// Command tecnobench measures tecno on reference courses (make bench):
// cold build, no-op rebuild, rebuild after a one-scene edit and peak memory,
// against a naive per-frame encode and the floor (synthesis plus one AAC
// encode of the lesson's audio), all in one run on one machine.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
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

func main() {
	tecno := flag.String("tecno", "bin/tecno", "tecno binary to measure")
	work := flag.String("work", "", "work folder (default: a temporary folder)")
	r60 := flag.Bool("r60", true, "also measure the 60-minute course")
	naive := flag.Bool("naive", true, "measure the naive per-frame baseline on R10 (slow)")
	extra := flag.String("args", "", "extra arguments for tecno build, space separated")
	flag.Parse()
	if err := run(*tecno, *work, *r60, *naive, strings.Fields(*extra)); err != nil {
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
}

func run(tecno, work string, r60, naive bool, extra []string) error {
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
		r.cold, r.video, r.rss, r.childRSS = secs, rep.VideoSeconds, rep.PeakRSSKiB, rep.PeakChildRSSKiB
		fmt.Fprintf(os.Stderr, "%s: no-op rebuild…\n", ref.name)
		if _, r.noop, err = buildOnce(tecno, path, extra); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: rebuild after editing one scene…\n", ref.name)
		data, _ := os.ReadFile(path)
		i := strings.Index(string(data), "- id: s007")
		j := i + strings.Index(string(data[i:]), "narration: \"") + len("narration: \"")
		edited := string(data[:j]) + "Edited. " + string(data[j:])
		os.WriteFile(path, []byte(edited), 0o644)
		rep, r.edit, err = buildOnce(tecno, path, extra)
		if err != nil {
			return err
		}
		r.editRan = rep.Executed()
		if naive && ref.name == "R10" {
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
		results = append(results, r)
	}
	printTable(results)
	return nil
}

func buildOnce(tecno, path string, extra []string) (*build.Report, float64, error) {
	dir := filepath.Dir(path)
	args := append([]string{"build", path, "-o", filepath.Join(dir, "out"), "--cache-dir", filepath.Join(dir, "cache"), "--quiet"}, extra...)
	cmd := exec.Command(tecno, args...)
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("tecno %s: %w", strings.Join(args, " "), err)
	}
	secs := time.Since(t0).Seconds()
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
// same parallelism tecno uses) and encode the lesson's audio once.
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
		"-af", "aresample=48000", "-ac", "1", "-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", filepath.Join(fd, "lesson.m4a")).CombinedOutput(); err != nil {
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
	row("peak RSS, largest child (ffmpeg/espeak-ng)", func(r result) string { return fmt.Sprintf("%.0f MB", float64(r.childRSS)/1024) })
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
