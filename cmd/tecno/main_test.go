package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tecno-video/tecno/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tecno": func() { os.Exit(cli.Main(os.Args[1:], cli.System())) },
		// tecno-code runs tecno and prints its exit code last on stdout,
		// then exits 0, so scripts can assert exact exit codes.
		"tecno-code": func() {
			code := cli.Main(os.Args[1:], cli.System())
			fmt.Printf("exit=%d\n", code)
			os.Exit(0)
		},
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			// The folder holding the test's tecno binaries, so scripts can
			// run with a PATH that lacks ffmpeg.
			e.Setenv("TECNOBIN", strings.Split(e.Getenv("PATH"), string(filepath.ListSeparator))[0])
			e.Setenv("TECNO_CACHE_DIR", filepath.Join(e.WorkDir, ".cache"))
			return nil
		},
	})
}
