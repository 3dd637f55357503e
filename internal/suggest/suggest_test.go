package suggest

import (
	"fmt"
	"testing"
)

var (
	commands  = []string{"run", "compare", "plot", "validate", "scenarios", "init", "help"}
	builtins  = []string{"taobao-wechat-pay", "walled-gardens", "full-interop", "jd-alipay"}
	runFlags  = []string{"agents", "engine", "force", "format", "help", "keep-runs", "no-plots", "out", "quiet", "runs", "seed", "workers"}
	keys      = []string{"name", "label", "color", "appeal", "adoption", "churn"}
	platforms = []string{"taobao_tmall", "jd", "pinduoduo", "douyin"}
	methods   = []string{"alipay", "wechat_pay", "unionpay", "card"}
)

func TestNearest(t *testing.T) {
	for _, tc := range []struct {
		word       string
		candidates []string
		want       string
	}{
		// One edit.
		{"rn", commands, "run"},
		{"comapre", commands, "compare"},
		{"valdiate", commands, "validate"},
		{"scenario", commands, "scenarios"},
		{"agent", runFlags, "agents"},
		{"egnine", runFlags, "engine"},
		{"lable", keys, "label"},
		{"colour", keys, "color"},
		{"taobao-wechatpay", builtins, "taobao-wechat-pay"},
		{"walled-garden", builtins, "walled-gardens"},
		// Case and _ against - are free.
		{"RUN", commands, "run"},
		{"taobao-tmall", platforms, "taobao_tmall"},
		{"wechat-pay", methods, "wechat_pay"},
		// Longer words allow more edits: a third of their length.
		{"taobao-wechat", builtins, "taobao-wechat-pay"}, // a part
		{"fullinterop", builtins, "full-interop"},
		{"alipy", methods, "alipay"},
		// Parts of names.
		{"tmall", platforms, "taobao_tmall"},
		{"wechat", methods, "wechat_pay"},
		{"pinduoduo-global", platforms, "pinduoduo"},
		{"val", commands, "validate"},
		// The first of equally near candidates.
		{"ru", []string{"run", "rm"}, "run"},
		// Nothing near.
		{"frob", commands, ""},
		{"rm", commands, ""},
		{"my-world", builtins, ""},
		{"bogus", runFlags, ""},
		{"wechat", []string{"alipay", "card"}, ""},
		{"x", []string{"jd", "douyin"}, ""},
		{"", commands, ""},
		{"run", nil, ""},
		// Parts too short, or found in several names.
		{"pa", methods, ""},
		{"pay", methods, ""},
		{"in", commands, ""}, // two edits from init, and too short a part
		{"j", platforms, ""}, // one letter is one edit from any other
		{"J", []string{"j"}, "j"},
	} {
		t.Run(fmt.Sprintf("%s in %v", tc.word, tc.candidates), func(t *testing.T) {
			if got := Nearest(tc.word, tc.candidates); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("lable", keys), "; did you mean label?"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Hint("frob", commands); got != "" {
		t.Errorf("got %q, want nothing", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abc", 0},
		{"abc", "abd", 1},
		{"abc", "acb", 1}, // a swap
		{"ca", "abc", 3},  // OSA edits no substring twice (Damerau-Levenshtein: 2)
		{"kitten", "sitting", 3},
		{"lable", "label", 1},
		{"läbel", "label", 1}, // runes, not bytes
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q): got %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := distance(tc.b, tc.a); got != tc.want {
			t.Errorf("distance(%q, %q): got %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
}

func ExampleHint() {
	fmt.Printf("unknown key%s\n", Hint("lable", []string{"name", "label", "color"}))
	fmt.Printf("unknown platform%s\n", Hint("tmall", []string{"taobao_tmall", "jd"}))
	fmt.Printf("unknown command%s\n", Hint("frob", []string{"run", "plot"}))
	// Output:
	// unknown key; did you mean label?
	// unknown platform; did you mean taobao_tmall?
	// unknown command
}
