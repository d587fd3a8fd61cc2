package script

import (
	"fmt"
	"strings"
)

// chatPrice is a list price in US dollars per million tokens.
type chatPrice struct {
	prefix      string // model name prefix, lower case
	input, outp float64
}

// chatPrices are OpenAI's pay-as-you-go list prices for chat models, longest
// prefix first. They are ESTIMATES: cached input, batch discounts and
// tiers change what is billed. Figures from OpenAI's pricing page
// (openai.com/api/pricing, developers.openai.com/api/docs/pricing) as
// quoted by stored public copies read on 2026-11-28 (gpt-4o-mini and
// gpt-4o confirmed by several sources; the gpt-4.1 family by a
// 2026-05-07 cross-checked table; gpt-5 and o4-mini least certain).
// Re-check them when updating ChatPricesChecked.
var chatPrices = []chatPrice{
	{"gpt-4o-mini", 0.15, 0.60},
	{"gpt-4o", 2.50, 10.00},
	{"gpt-4.1-nano", 0.10, 0.40},
	{"gpt-4.1-mini", 0.40, 1.60},
	{"gpt-4.1", 2.00, 8.00},
	{"gpt-5-nano", 0.05, 0.40},
	{"gpt-5-mini", 0.25, 2.00},
	{"gpt-5", 1.25, 10.00},
	{"o4-mini", 1.10, 4.40},
	{"gpt-3.5-turbo", 0.50, 1.50},
}

// ChatPricesChecked is the date the chat price table was last read.
const ChatPricesChecked = "2026-11-28"

// ChatCost estimates what a completion costs in US dollars. custom is true
// for a non-OpenAI endpoint (Ollama, llama.cpp), which tecno cannot price:
// it costs 0 here and the note says so.
func ChatCost(model string, u Usage, custom bool) (usd float64, note string) {
	if custom {
		return 0, "custom endpoint (TECNO_OPENAI_BASE_URL): no price known; local servers cost nothing"
	}
	m := strings.ToLower(model)
	p := chatPrices[0]
	known := false
	for _, c := range chatPrices {
		if strings.HasPrefix(m, c.prefix) {
			p, known = c, true
			break
		}
	}
	usd = (float64(u.PromptTokens)*p.input + float64(u.CompletionTokens)*p.outp) / 1e6
	if !known {
		return usd, fmt.Sprintf("estimate: unknown model %q priced like %s, $%.2f/$%.2f per 1M input/output tokens (prices checked %s)",
			model, p.prefix, p.input, p.outp, ChatPricesChecked)
	}
	return usd, fmt.Sprintf("estimate: %s list price, $%.2f/$%.2f per 1M input/output tokens (prices checked %s)",
		p.prefix, p.input, p.outp, ChatPricesChecked)
}

// EstimateTokens estimates the tokens of text: about four characters per
// token for English, which OpenAI documents as a rule of thumb; other
// Latin-script languages run a little higher, so round up.
func EstimateTokens(text string) int {
	n := len([]rune(text))
	if n == 0 {
		return 0
	}
	return (n + 3) / 4
}
