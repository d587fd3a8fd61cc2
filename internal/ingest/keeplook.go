package ingest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// PageWidth is the pixel width --keep-look renders pages at.
const PageWidth = 1920

// lookPath finds external tools; tests replace it to simulate a missing tool.
var lookPath = exec.LookPath

// RasterizeArgs returns the pdftoppm arguments that render every page of
// pdf as PNG files named prefix-N.png, scaled to PageWidth pixels wide (the
// height follows the page's aspect ratio).
func RasterizeArgs(pdf, prefix string) []string {
	return []string{"-png", "-scale-to-x", strconv.Itoa(PageWidth), "-scale-to-y", "-1", pdf, prefix}
}

// ConvertArgs returns the LibreOffice arguments that convert a deck to PDF
// in outDir.
func ConvertArgs(deck, outDir string) []string {
	return []string{"--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir, deck}
}

var pageFile = regexp.MustCompile(`-(\d+)\.png$`)

// rasterize renders every page of pdf into dir and returns the PNG paths by
// page number (1-based).
func rasterize(ctx context.Context, pdftoppm, pdf, dir string) (map[int]string, error) {
	prefix := filepath.Join(dir, "page")
	if err := run(ctx, pdftoppm, RasterizeArgs(pdf, prefix)...); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	pages := map[int]string{}
	for _, e := range entries {
		m := pageFile.FindStringSubmatch(e.Name())
		if m == nil || !strings.HasPrefix(e.Name(), "page-") {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		pages[n] = filepath.Join(dir, e.Name())
	}
	return pages, nil
}

// convertDeck turns a deck into a PDF with LibreOffice and returns its path.
func convertDeck(ctx context.Context, soffice, deck, dir string) (string, error) {
	// A private profile keeps a running LibreOffice from swallowing the job.
	profile := "file://" + filepath.ToSlash(filepath.Join(dir, "lo-profile"))
	args := append([]string{"-env:UserInstallation=" + profile}, ConvertArgs(deck, dir)...)
	if err := run(ctx, soffice, args...); err != nil {
		return "", err
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(deck), filepath.Ext(deck))+".pdf")
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("%s produced no PDF for %s", filepath.Base(soffice), filepath.Base(deck))
	}
	return out, nil
}

// run runs a tool and reports its failure with the last lines of stderr.
func run(ctx context.Context, tool string, args ...string) error {
	cmd := exec.CommandContext(ctx, tool, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) > 5 {
			lines = lines[len(lines)-5:]
		}
		return &fault.Error{Kind: fault.Dependency, Msg: fmt.Sprintf("%s %s failed: %v: %s",
			filepath.Base(tool), strings.Join(args, " "), err, strings.Join(lines, " | ")), Err: err}
	}
	return nil
}

func sortedPages(m map[int]string) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
