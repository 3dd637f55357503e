package scenarios

import (
	"strings"
	"testing"
)

func TestParseAgents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"100000", 100000},
		{"100_000", 100000},
		{"100,000", 100000},
		{"1,234,567", 1234567},
		{"100k", 100000},
		{"100K", 100000},
		{"2M", 2000000},
		{"2m", 2000000},
		{"1.5M", 1500000},
		{"1.15m", 1150000}, // exact: 1.15*1e6 is 1150000.0000000002 in floating point
		{".5k", 500},
		{"1.5k", 1500},
		{"2b", 2000000000},
		{"2bn", 2000000000},
		{"2BN", 2000000000},
		{"4e5", 400000},
		{"4E5", 400000},
		{"4.5e5", 450000},
		{"1e+3", 1000},
		{"400000.0", 400000},
		{"+8", 8},
		{" 8 ", 8},
		{"2147483647", MaxAgents},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAgents(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestParseAgentsErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"lots", `must be a whole number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion), got "lots"`},
		{"", `got ""`},
		{"1.5k5", `must be a whole number such as`},
		{"4e5k", `must be a whole number such as`},
		{"2 M", `must be a whole number such as`},
		{"1,5M", `must be a whole number such as`}, // a decimal comma, not a thousands separator
		{"10,00", `must be a whole number such as`},
		{"1__000", `must be a whole number such as`},
		{"_1000", `must be a whole number such as`},
		{"0x10", `must be a whole number such as`},
		{"k", `must be a whole number such as`},
		{".", `must be a whole number such as`},
		{"2mm", `must be a whole number such as`},
		{"1e1000", `must be a whole number such as`},
		{"0", "must be positive, got 0; write a number such as 100000,"},
		{"0k", "must be positive, got 0k"},
		{"-5", "must be positive, got -5"},
		{"-1.5M", "must be positive, got -1.5M"},
		{"1.5", "must be a whole number, got 1.5; write a number such as 100000,"},
		{"1.0005k", "must be a whole number, got 1.0005k, which is 1000.5"},
		{"4e-1", "must be a whole number, got 4e-1, which is 0.4"},
		{"1e-13", "must be a whole number, got 1e-13, which is 1/10000000000000"},
		{"2147483648", "must be at most 2147483647, got 2147483648"},
		{"3b", "must be at most 2147483647, got 3b"},
		{"1e100", "must be at most 2147483647, got 1e100"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAgents(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %d, %v; want an error with %q", got, err, tc.want)
			}
		})
	}
}

// TestAgentsKey checks that the agents key of a file accepts the forms
// of the CLI's --agents, as ParseAgents reads them.
func TestAgentsKey(t *testing.T) {
	const head = "name: a\nstart: 2024-01-01\nduration: 1w\nmethods: [{name: m}]\nplatforms: [{name: p, accepts: [m]}]\n" +
		"regions: [{name: r, population: 10, shopping_rate: 1, basket: 1}]\nagents: "
	for _, tc := range []struct {
		value string
		want  int
	}{
		{"4e5", 400000},
		{"400000", 400000},
		{"400_000", 400000},
		{"400,000", 400000},
		{"400k", 400000},
		{"1.5M", 1500000},
		{"2m", 2000000},
		{`"2M"`, 2000000},
		{"400000.0", 400000},
	} {
		t.Run(tc.value, func(t *testing.T) {
			s, err := Parse([]byte(head+tc.value+"\n"), "a.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if s.Agents != tc.want {
				t.Errorf("got %d agents, want %d", s.Agents, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		value, want string
	}{
		{"[1]", "a.yaml:7:9: agents: must be a whole number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion), got a list"},
		{"true", "a.yaml:7:9: agents: must be a whole number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion), got the boolean true"},
		{"1.5k5", `a.yaml:7:9: agents: must be a whole number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion), got "1.5k5"`},
		{"1.0005k", "a.yaml:7:9: agents: must be a whole number, got 1.0005k, which is 1000.5"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			_, err := Parse([]byte(head+tc.value+"\n"), "a.yaml")
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}
