package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/azure"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/elevenlabs"
	"github.com/tecno-video/tecno/internal/narrate/google"
	"github.com/tecno-video/tecno/internal/narrate/openai"
)

type voicesOptions struct {
	env      *Env
	provider string
	json     bool
}

func (o *voicesOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print the voices as a JSON array")
}

func newVoicesCmd(env *Env) *cobra.Command {
	o := &voicesOptions{env: env}
	cmd := &cobra.Command{
		Use:   "voices [PROVIDER]",
		Short: "List the voices of a narration provider",
		Long: `Voices lists the voices a provider offers. Local engines (espeak-ng, flite)
are asked directly; cloud providers list their documented voices without a
network request.`,
		Example: `  tecno voices                 # espeak-ng, the default
  tecno voices flite
  tecno voices openai --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.provider = "espeak-ng"
			if len(args) == 1 {
				o.provider = args[0]
			}
			return runVoices(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runVoices(ctx context.Context, o *voicesOptions) error {
	reg := newRegistry(o.env)
	p, err := reg.Get(o.provider)
	if err != nil {
		return err
	}
	var voices []narrate.VoiceInfo
	if l, ok := p.(narrate.VoiceLister); ok {
		if voices, err = l.Voices(ctx); err != nil {
			return err
		}
	} else {
		static := map[string]func() []cloud.Voice{
			"openai": openai.StaticVoices, "elevenlabs": elevenlabs.StaticVoices,
			"azure": azure.StaticVoices, "google": google.StaticVoices,
		}[o.provider]
		if static == nil {
			return fmt.Errorf("%s does not list its voices", o.provider)
		}
		for _, v := range static() {
			voices = append(voices, narrate.VoiceInfo{Provider: o.provider, Name: v.ID, Language: v.Language, Gender: v.Gender, Description: v.Note})
		}
	}
	sort.SliceStable(voices, func(i, j int) bool { return voices[i].Language < voices[j].Language })
	if o.json {
		return json.NewEncoder(o.env.Out).Encode(voices)
	}
	tw := tabwriter.NewWriter(o.env.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLANGUAGE\tGENDER\tNOTE")
	for _, v := range voices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Language, v.Gender, v.Description)
	}
	return tw.Flush()
}
