package plots

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"strings"
)

// PNGText is one tEXt chunk of a PNG file: a keyword (1 to 79 printable
// Latin-1 characters, such as "Title" or "Software") and its text.
type PNGText struct {
	Keyword, Text string
}

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// addPNGChunks returns png with a pHYs chunk saying it has dpi dots per
// inch (in pixels per metre, as PNG stores it) and a tEXt chunk per text,
// in that order, inserted after the IHDR chunk; an earlier pHYs chunk is
// dropped. Without pHYs, Word, PowerPoint and LaTeX take a PNG to be 72
// or 96 dpi, so a 300 dpi figure 16 cm wide lands 50 to 67 cm wide. Nothing
// depends on the clock: the same image, dpi and texts give the same
// bytes.
func addPNGChunks(png []byte, dpi int, texts []PNGText) ([]byte, error) {
	chunks, err := readPNGChunks(png)
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 || chunks[0].typ != "IHDR" {
		return nil, errors.New("png: IHDR is not the first chunk")
	}

	var out bytes.Buffer
	out.Write(pngSignature)
	writeChunk(&out, chunks[0].typ, chunks[0].data)
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	phys := make([]byte, 9)
	binary.BigEndian.PutUint32(phys[0:], ppm)
	binary.BigEndian.PutUint32(phys[4:], ppm)
	phys[8] = 1 // unit: the metre
	writeChunk(&out, "pHYs", phys)
	for _, t := range texts {
		data, err := textChunk(t)
		if err != nil {
			return nil, err
		}
		writeChunk(&out, "tEXt", data)
	}
	for _, c := range chunks[1:] {
		if c.typ != "pHYs" {
			writeChunk(&out, c.typ, c.data)
		}
	}
	return out.Bytes(), nil
}

// encodePNG returns img as a PNG file with a pHYs chunk of dpi and a
// tEXt chunk per text, as addPNGChunks adds them. An opaque *image.RGBA,
// as every figure is, is written as 8-bit RGB rows, each with filter
// type None, compressed at zlib's fastest level: the figures' large
// plain areas and repeated rows compress as well unfiltered as with the
// adaptive filters of image/png (the files are 1 to 8% smaller), and
// choosing a filter for each row was more than half of encoding them
// (docs/performance.md). Any other image is encoded by image/png. The
// pixels are the same either way.
func encodePNG(img image.Image, dpi int, texts []PNGText) ([]byte, error) {
	rgba, ok := img.(*image.RGBA)
	if !ok || !rgba.Opaque() || rgba.Bounds().Empty() {
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
		return addPNGChunks(buf.Bytes(), dpi, texts)
	}
	b := rgba.Bounds()
	w, h := b.Dx(), b.Dy()
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	row := make([]byte, 1+3*w) // row[0] = 0: filter type None
	for y := range h {
		pix := rgba.Pix[y*rgba.Stride : y*rgba.Stride+4*w]
		for x := range w {
			copy(row[1+3*x:4+3*x], pix[4*x:4*x+3])
		}
		if _, err := zw.Write(row); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour; compression, filter and interlace methods 0
	var out bytes.Buffer
	out.Grow(idat.Len() + 1024)
	out.Write(pngSignature)
	writeChunk(&out, "IHDR", ihdr)
	writeChunk(&out, "IDAT", idat.Bytes())
	writeChunk(&out, "IEND", nil)
	return addPNGChunks(out.Bytes(), dpi, texts)
}

// textChunk returns the data of a tEXt chunk: keyword, a zero byte, text,
// both in Latin-1; characters outside it are written as '?'.
func textChunk(t PNGText) ([]byte, error) {
	if len(t.Keyword) < 1 || len(t.Keyword) > 79 || strings.TrimSpace(t.Keyword) != t.Keyword ||
		strings.Contains(t.Keyword, "  ") || strings.IndexFunc(t.Keyword, func(r rune) bool { return r < 32 || r > 126 }) >= 0 {
		return nil, fmt.Errorf("png: text keyword %q: want 1 to 79 printable ASCII characters, no leading, trailing or double spaces", t.Keyword)
	}
	data := append([]byte(t.Keyword), 0)
	for _, r := range t.Text {
		switch {
		case r == '\n' || (r >= 32 && r <= 126) || (r >= 160 && r <= 255):
			data = append(data, byte(r))
		case r == '–' || r == '—':
			data = append(data, '-')
		default:
			data = append(data, '?')
		}
	}
	return data, nil
}

// writeChunk writes a PNG chunk: length, type, data and the CRC-32 of
// type and data.
func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// pngChunk is a chunk read back by readPNGChunks.
type pngChunk struct {
	typ  string
	data []byte
}

// readPNGChunks returns the chunks of png in order, checking each
// CRC.
func readPNGChunks(png []byte) ([]pngChunk, error) {
	if !bytes.HasPrefix(png, pngSignature) {
		return nil, errors.New("png: no PNG signature")
	}
	var out []pngChunk
	rest := png[len(pngSignature):]
	for len(rest) > 0 {
		if len(rest) < 12 {
			return nil, errors.New("png: truncated chunk")
		}
		n := binary.BigEndian.Uint32(rest)
		if uint64(n)+12 > uint64(len(rest)) {
			return nil, errors.New("png: truncated chunk")
		}
		typ, data := string(rest[4:8]), rest[8:8+n]
		if crc32.ChecksumIEEE(rest[4:8+n]) != binary.BigEndian.Uint32(rest[8+n:]) {
			return nil, fmt.Errorf("png: %s chunk: bad CRC", typ)
		}
		out = append(out, pngChunk{typ, data})
		rest = rest[12+n:]
	}
	return out, nil
}
