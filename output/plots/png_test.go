package plots

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"
)

// A PNG file says its resolution (pHYs) and what it shows (tEXt) right
// after IHDR, every chunk with a valid CRC, and still decodes; the same
// figure gives the same bytes.
func TestPNGChunks(t *testing.T) {
	figs := mustFigures(t, testStats(t, testConfig(), 1), Options{
		Metrics: []string{"multihoming"}, Seed: "42", Version: "v1.2.3",
	})
	render := func() []byte {
		t.Helper()
		files, err := Render(context.Background(), figs, Options{DPI: 300}, 1)
		if err != nil {
			t.Fatal(err)
		}
		return files[0].Data
	}
	data := render()
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !bytes.Equal(data, render()) {
		t.Error("two renderings of the same figure differ")
	}
	chunks, err := readPNGChunks(data)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var texts []PNGText
	for _, c := range chunks {
		types = append(types, c.typ)
		switch c.typ {
		case "pHYs":
			x, y := binary.BigEndian.Uint32(c.data), binary.BigEndian.Uint32(c.data[4:])
			// 300 dpi is 11811.02 pixels per metre.
			if x != 11811 || y != 11811 || c.data[8] != 1 {
				t.Errorf("pHYs %d×%d unit %d, want 11811×11811 per metre (unit 1)", x, y, c.data[8])
			}
		case "tEXt":
			k, v, _ := bytes.Cut(c.data, []byte{0})
			texts = append(texts, PNGText{string(k), string(v)})
		}
	}
	if got := types[:6]; !slices.Equal(got, []string{"IHDR", "pHYs", "tEXt", "tEXt", "tEXt", "tEXt"}) {
		t.Errorf("chunks start %v, want IHDR, pHYs and 4 tEXt", got)
	}
	want := []PNGText{{"Title", "Multi-homing"}, {"Scenario", "test"}, {"Seed", "42"}, {"Software", "interopsim v1.2.3"}}
	if !slices.Equal(texts, want) {
		t.Errorf("tEXt chunks %q, want %q", texts, want)
	}
	if n := slices.Index(types, "pHYs"); slices.Index(types[n+1:], "pHYs") >= 0 {
		t.Error("two pHYs chunks")
	}
}

func TestPNGTextLatin1(t *testing.T) {
	got, err := textChunk(PNGText{"Title", "Alipay’s share – 5th–95th €"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Title\x00Alipay?s share - 5th-95th ?"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, k := range []string{"", " Title", "A  B", string(make([]byte, 80))} {
		if _, err := textChunk(PNGText{k, "x"}); err == nil {
			t.Errorf("keyword %q: no error", k)
		}
	}
}

// encodePNG writes the pixels it is given, opaque (its own encoder) or
// not (image/png's), with the pHYs and tEXt chunks after IHDR.
func TestEncodePNGPixels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		alpha uint8
		w, h  int
	}{
		{"opaque", 255, 37, 23},
		{"one pixel", 255, 1, 1},
		{"translucent", 128, 5, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
			for y := range tc.h {
				for x := range tc.w {
					v := uint8((x*7 + y*13) % 256)
					img.Set(x, y, color.NRGBA{v, 255 - v, uint8(x * y), tc.alpha})
				}
			}
			data, err := encodePNG(img, 300, []PNGText{{"Title", "a test"}})
			if err != nil {
				t.Fatal(err)
			}
			chunks, err := readPNGChunks(data)
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, c := range chunks {
				types = append(types, c.typ)
			}
			if len(types) < 4 || types[0] != "IHDR" || types[1] != "pHYs" || types[2] != "tEXt" || types[len(types)-1] != "IEND" {
				t.Errorf("chunks %v, want IHDR, pHYs, tEXt, ..., IEND", types)
			}
			got, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds() != img.Bounds() {
				t.Fatalf("got bounds %v, want %v", got.Bounds(), img.Bounds())
			}
			for y := range tc.h {
				for x := range tc.w {
					r, g, b, a := got.At(x, y).RGBA()
					wr, wg, wb, wa := img.At(x, y).RGBA()
					// image/png stores translucent pixels unpremultiplied:
					// they may come back a unit off.
					if d := max(diff(r, wr), diff(g, wg), diff(b, wb), diff(a, wa)); d > 0x101 || tc.alpha == 255 && d != 0 {
						t.Fatalf("pixel %d,%d: got %v %v %v %v, want %v %v %v %v", x, y, r, g, b, a, wr, wg, wb, wa)
					}
				}
			}
		})
	}
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
