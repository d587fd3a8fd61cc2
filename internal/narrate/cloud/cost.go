package cloud

import (
	"fmt"
	"strings"
)

// price is a list price in US dollars per million characters.
type price struct {
	match string // model or voice-name substring, lower case; "" matches all
	usd   float64
	what  string
}

// prices holds the published pay-as-you-go list prices the estimates use.
// They are ESTIMATES for `tecno build --dry-run`: plans, tiers, free
// allowances, regions and currency change what is billed. The figures come
// from the vendors' pricing pages below, as seen on 2026-11-28 through
// stored public copies and summaries rather than the live pages; the Azure
// and Google WaveNet figures had no first-party copy and are the least
// certain. Re-check them when updating PricesChecked.
//
//   - OpenAI (platform.openai.com/docs/pricing): tts-1 $15 and tts-1-hd $30
//     per 1M characters; gpt-4o-mini-tts is billed per token, with
//     OpenAI's own estimate of $0.015 per minute of audio, which at about
//     900 characters per spoken minute is about $17 per 1M characters.
//   - ElevenLabs (elevenlabs.io/pricing/api): Multilingual v2/v3 $0.10 and
//     Flash/Turbo $0.05 per 1,000 characters.
//   - Azure (azure.microsoft.com/pricing/details/cognitive-services/speech-services):
//     prebuilt neural voices $15 per 1M characters, real time; CJK
//     characters are billed twice (learn.microsoft.com, text-to-speech
//     "billable characters").
//   - Google (cloud.google.com/text-to-speech/pricing): Standard $4,
//     WaveNet $16, Neural2 $16, Chirp 3 HD $30 and Studio $160 per 1M
//     characters (after the monthly free tier).
var prices = map[string][]price{
	"openai": {
		{"tts-1-hd", 30, "tts-1-hd list price"},
		{"tts-1", 15, "tts-1 list price"},
		{"gpt-4o-mini-tts", 16.67, "gpt-4o-mini-tts: OpenAI's $0.015/min estimate at ~900 characters per minute"},
		{"", 16.67, "unknown OpenAI model, priced like gpt-4o-mini-tts"},
	},
	"elevenlabs": {
		{"flash", 50, "Flash list price"},
		{"turbo", 50, "Turbo list price"},
		{"", 100, "Multilingual v2/v3 list price"},
	},
	"azure": {
		{"", 15, "prebuilt neural voice list price; CJK characters bill double"},
	},
	"google": {
		{"studio", 160, "Studio voice list price"},
		{"chirp", 30, "Chirp 3 HD voice list price"},
		{"neural2", 16, "Neural2 voice list price"},
		{"wavenet", 16, "WaveNet voice list price"},
		{"polyglot", 16, "Polyglot voice list price"},
		{"standard", 4, "Standard voice list price"},
		{"", 16, "unknown Google voice type, priced like Neural2"},
	},
}

// PricesChecked is the date the price table was last read.
const PricesChecked = "2026-11-28"

// EstimateCost estimates the US dollars a provider bills for chars
// characters with model (OpenAI and ElevenLabs model id; Google voice name
// or type such as "en-US-Neural2-A"; ignored for Azure). The note says
// which price applied and that it is an estimate. Local providers cost 0.
func EstimateCost(provider string, chars int, model string) (usd float64, note string) {
	table, ok := prices[strings.ToLower(provider)]
	if !ok {
		if provider == "espeak-ng" || provider == "flite" || provider == "" {
			return 0, "local voice, no cost"
		}
		return 0, fmt.Sprintf("no price known for provider %q", provider)
	}
	if chars < 0 {
		chars = 0
	}
	m := strings.ToLower(model)
	for _, p := range table {
		if p.match == "" || strings.Contains(m, p.match) {
			usd = float64(chars) * p.usd / 1e6
			return usd, fmt.Sprintf("estimate: %s, $%.2f per 1M characters (prices checked %s)", p.what, p.usd, PricesChecked)
		}
	}
	return 0, "no price known"
}
