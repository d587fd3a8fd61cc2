// Command mangen writes tecno's man pages (one per command) into a folder.
// It is run by `make man`:
//
//	go run ./internal/cli/mangen -o man/man1 -version v1.2.0 -date 2026-01-31
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/tecno-video/tecno/internal/cli"
)

func main() {
	out := flag.String("o", "man/man1", "folder for the pages")
	version := flag.String("version", cli.Version, "version shown in the page footer")
	date := flag.String("date", "", "date shown in the pages, YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else today)")
	flag.Parse()

	when := time.Now().UTC()
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		if n, err := strconv.ParseInt(epoch, 10, 64); err == nil {
			when = time.Unix(n, 0).UTC()
		}
	}
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			fmt.Fprintf(os.Stderr, "mangen: -date %q: want YYYY-MM-DD\n", *date)
			os.Exit(2)
		}
		when = d
	}
	cli.Version = *version
	h := cli.ManHeader{Date: when, Source: "tecno " + *version, Manual: "tecno manual", Section: "1"}
	if err := cli.WriteManPages(cli.NewManRoot(), *out, h); err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}
