package termtext

import "testing"

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alipay", "Alipay"},
		{"支付宝 WeChat Pay", "支付宝 WeChat Pay"},
		{"two\nlines\tand a tab", "two\nlines\tand a tab"},
		{"\x1b]0;pwned\x07title", `\x1b]0;pwned\atitle`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"back\rspace\b", `back\rspace\b`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"bad \xff byte", `bad \xff byte`},
		{"del\x7f", `del\x7f`},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
