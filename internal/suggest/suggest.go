package suggest

import (
	"strings"
	"unicode/utf8"
)

// minPart is the shortest word (or candidate) that may match as a part
// of a longer one: shorter ones are found inside too many names.
const minPart = 3

// Nearest returns the candidate that word most likely misspells, or ""
// when none is near enough to be worth suggesting. Case is ignored, and _
// and - count as the same letter. In order:
//
//   - the candidate at the smallest edit distance from word (optimal string
//     alignment: inserting, deleting or changing a letter, or swapping two
//     adjacent ones, each counts one), if that distance is at most a third
//     of word's length, and at least 1 for words of two letters or more;
//     the first such candidate in the list on ties;
//   - else the only candidate that contains word, or that word contains,
//     if the shorter of the two has at least 3 letters (tmall for
//     taobao_tmall).
//
// Unrelated words get no suggestion: frob is nothing like run or plot.
func Nearest(word string, candidates []string) string {
	w := fold(word)
	if w == "" {
		return ""
	}
	n := utf8.RuneCountInString(w)
	limit := n / 3
	if n >= 2 {
		limit = max(1, limit)
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := distance(w, fold(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best
	}
	part := ""
	for _, c := range candidates {
		f := fold(c)
		if contains(f, w) || contains(w, f) {
			if part != "" {
				return "" // ambiguous
			}
			part = c
		}
	}
	return part
}

// Hint returns "; did you mean X?" with X the Nearest candidate to word,
// or "" when there is none: the ending of an error message that already
// lists the valid values.
func Hint(word string, candidates []string) string {
	if s := Nearest(word, candidates); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}

// contains says whether long contains part, a part long enough to mean
// something.
func contains(long, part string) bool {
	return utf8.RuneCountInString(part) >= minPart && len(long) > len(part) && strings.Contains(long, part)
}

// fold returns s in lower case with _ written as -.
func fold(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "_", "-")
}

// distance returns the optimal string alignment distance between a and b,
// counted in runes: the Levenshtein distance with swaps of two adjacent
// runes counting one, where no substring is edited twice.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// Three rows of the dynamic-programming table: i-2, i-1 and i.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
