// Command tecno turns course material into narrated lesson videos.
package main

import (
	"os"

	"github.com/tecno-video/tecno/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.System()))
}
