package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Rename returns a copy of the scenario source src with the value of its
// top-level name key replaced by name, keeping everything else (comments
// included) byte for byte. interopsim init uses it to copy a built-in
// under a new name. It returns an error if name is not a valid
// identifier, if src is not a YAML mapping with a name key, or if that
// value spans several lines.
func Rename(src []byte, name string) ([]byte, error) {
	if !validIdent(name) {
		return nil, fmt.Errorf("invalid scenario name %q: use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most %d characters", name, maxNameLen)
	}
	d := &decoder{}
	root := d.parseYAML(src)
	if root == nil {
		return nil, fmt.Errorf("rename scenario: %w", d.joined())
	}
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("rename scenario: the file is not a mapping of keys")
	}
	var val *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "name" {
			val = root.Content[i+1]
			break
		}
	}
	if val == nil || val.Kind != yaml.ScalarNode || val.Line < 1 || val.Column < 1 {
		return nil, errors.New("rename scenario: no top-level name key with a value")
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if val.Line > len(lines) {
		return nil, errors.New("rename scenario: name value not found in the source")
	}
	line := lines[val.Line-1]
	// The column counts characters; find its byte offset.
	off := 0
	for col := 1; col < val.Column; col++ {
		if off >= len(line) {
			return nil, errors.New("rename scenario: name value not found in the source")
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	end, ok := scalarEnd(line, off, val)
	if !ok {
		return nil, errors.New("rename scenario: the name value spans several lines; put it on one line")
	}
	repl := name
	var probe any
	if err := yaml.Unmarshal([]byte(name), &probe); err != nil || probe != name {
		// Names such as null, true or 123 would read as another type.
		repl = strconv.Quote(name)
	}
	var out bytes.Buffer
	for i := 0; i < val.Line-1; i++ {
		out.Write(lines[i])
	}
	out.Write(line[:off])
	out.WriteString(repl)
	out.Write(line[end:])
	for i := val.Line; i < len(lines); i++ {
		out.Write(lines[i])
	}
	return out.Bytes(), nil
}

// scalarEnd returns the byte offset just past the scalar val that starts
// at off on line, or false if it does not end on this line.
func scalarEnd(line []byte, off int, val *yaml.Node) (int, bool) {
	if off >= len(line) {
		return 0, false
	}
	switch {
	case val.Style&yaml.DoubleQuotedStyle != 0:
		for i := off + 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
		return 0, false
	case val.Style&yaml.SingleQuotedStyle != 0:
		for i := off + 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
		return 0, false
	case val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, false
	}
	// A plain scalar on one line is written exactly as its value; one
	// continued on the next lines is not.
	end := off + len(val.Value)
	if end > len(line) || string(line[off:end]) != val.Value {
		return 0, false
	}
	return end, true
}
