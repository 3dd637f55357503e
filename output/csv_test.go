package output

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestGoldenCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(context.Background(), &b, FromResult(smallResult())); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "small_golden.csv", b.Bytes())
}

func sameValue(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestCSVRoundTrip(t *testing.T) {
	want := FromResult(smallResult())
	var b bytes.Buffer
	if err := WriteCSV(context.Background(), &b, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(bytes.NewReader(b.Bytes()), "metrics.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("got %d rows, want %d", len(got.Rows), len(want.Rows))
	}
	for i := range want.Rows {
		g, w := got.Rows[i], want.Rows[i]
		// Values are written with ValueDigits digits: compare the
		// rounded value.
		wv := w.Value
		if !math.IsNaN(wv) {
			wv, _ = parseValue(FormatValue(wv))
		}
		if g.Run != w.Run || g.Step != w.Step || !g.Date.Equal(w.Date) || g.Region != w.Region ||
			g.Metric != w.Metric || g.Entity != w.Entity || !sameValue(g.Value, wv) {
			t.Fatalf("row %d: got %+v, want %+v", i+1, g, w)
		}
	}
	// Writing what was read gives the same bytes.
	var again bytes.Buffer
	if err := WriteCSV(context.Background(), &again, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Errorf("rewriting a read table changed its bytes")
	}
}

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{0.5, "0.5"},
		{1.0 / 3, "0.3333333333"},
		{1e-5, "1e-05"},
		{1234567890123, "1.23456789e+12"},
		{math.NaN(), ""},
		{-2.5, "-2.5"},
	} {
		if got := FormatValue(tc.v); got != tc.want {
			t.Errorf("FormatValue(%v): got %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestReadCSVHandWritten(t *testing.T) {
	in := "\ufeffnote, value ,entity,metric,region,date,step,run\n" +
		"hello,0.25,\"jd/wechat+pay\",payment_share,all,2024-01-08,1,0\n" +
		"x,,jd,gmv_share,\"rural,west\",2024-01-15,2,3\n" +
		"y,NA,jd,gmv_share,tier1,2024-01-15,2,3\n"
	tab, err := ReadCSV(strings.NewReader(in), "hand.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(tab.Rows))
	}
	r := tab.Rows[0]
	if r.Run != 0 || r.Step != 1 || r.Date.Format(DateLayout) != "2024-01-08" || r.Region != "all" ||
		r.Metric != "payment_share" || r.Entity != "jd/wechat+pay" || r.Value != 0.25 {
		t.Errorf("row 1: got %+v", r)
	}
	if r := tab.Rows[1]; r.Run != 3 || r.Region != "rural,west" || !math.IsNaN(r.Value) {
		t.Errorf("row 2: got %+v, want run 3, region rural,west and a NaN value", r)
	}
	if r := tab.Rows[2]; !math.IsNaN(r.Value) {
		t.Errorf("row 3: got value %v, want NaN for NA", r.Value)
	}
}

func TestReadCSVErrors(t *testing.T) {
	const header = "run,step,date,region,metric,entity,value\n"
	for _, tc := range []struct {
		name, in string
		want     string
	}{
		{"empty", "", "m.csv: empty file, want a header line run,step,date,region,metric,entity,value"},
		{"missing column", "run,step,date,region,metric,value\n",
			"m.csv:1: header lacks column entity (want run,step,date,region,metric,entity,value, in any order)"},
		{"two missing", "run,date,region,metric,value\n", "m.csv:1: header lacks column step, entity"},
		{"duplicate", "run,step,date,region,metric,entity,value,step\n", "m.csv:1: column step: appears twice in the header"},
		{"bad date", header + "0,1,2024-13-01,all,adoption,alipay,0.5\n",
			`m.csv:2: column date: bad date "2024-13-01", want YYYY-MM-DD`},
		{"bad number", header + "0,1,2024-01-01,all,adoption,alipay,half\n",
			`m.csv:2: column value: bad number "half", want a decimal number, or empty for a missing value`},
		{"fractional step", header + "0,0,2024-01-01,all,adoption,alipay,1\n0,1.5,2024-01-01,all,adoption,alipay,0.5\n",
			`m.csv:3: column step: must be a whole number, got "1.5"`},
		{"word step", header + "0,one,2024-01-01,all,adoption,alipay,0.5\n",
			`m.csv:2: column step: bad number "one", want a whole number from 0`},
		{"negative run", header + "-1,0,2024-01-01,all,adoption,alipay,0.5\n",
			"m.csv:2: column run: must not be negative, got -1"},
		{"short line", header + "0,0,2024-01-01,all\n", "m.csv:2: has 4 fields, want at least 7"},
		{"empty metric", header + "0,0,2024-01-01,all,,alipay,0.5\n", "m.csv:2: column metric: is empty"},
		{"bad quoting", header + "0,0,2024-01-01,all,adoption,\"ali\"pay,0.5\n", "m.csv: parse error on line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tc.in), "m.csv")
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %q, want it to start with %q", err, tc.want)
			}
		})
	}
	_, err := ReadCSV(strings.NewReader(header+"0,x,2024-01-01,all,adoption,alipay,0.5\n"), "m.csv")
	var re *ReadError
	if !errors.As(err, &re) || re.Line != 2 || re.Column != "step" {
		t.Errorf("got %#v, want a *ReadError at line 2, column step", err)
	}
}

// FuzzReadCSV checks that no input makes ReadCSV panic, and that what it
// reads is written and read back unchanged.
func FuzzReadCSV(f *testing.F) {
	f.Add("run,step,date,region,metric,entity,value\n0,1,2024-01-01,all,adoption,alipay,0.5\n")
	f.Add("value,run,date,step,entity,metric,region,x\n,0,2024-01-01,3,\"a/b\",m,\"r,s\",\n")
	f.Add("run,step,date,region,metric,entity,value\n0,1,2024-01-01,all\n")
	f.Add("\ufeffrun,step\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		tab, err := ReadCSV(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteCSV(context.Background(), &b, tab); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV(&b, "again.csv")
		if err != nil {
			t.Fatalf("reading back what was written: %v", err)
		}
		if len(again.Rows) != len(tab.Rows) {
			t.Fatalf("got %d rows back, want %d", len(again.Rows), len(tab.Rows))
		}
	})
}
