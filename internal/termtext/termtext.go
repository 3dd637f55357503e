package termtext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with its control characters escaped as Go
// escapes them (\x1b, \r, \u009b) and each byte that is not UTF-8 as
// \xNN, so that text from a scenario, a CSV file or a file name cannot
// drive the terminal it is printed on (move the cursor, set the window's
// title). Newlines and tabs are kept, and so is every other character:
// labels in Chinese stay readable.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) && r != '\n' && r != '\t':
			q := strconv.QuoteRune(r) // '\x1b', '\r', '\u009b'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
