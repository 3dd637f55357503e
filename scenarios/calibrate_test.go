package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

const calibrateYAML = `name: mini
start: 2024-01-01
end: 2024-12-30
methods:
  - name: alipay
  - name: wechat_pay
platforms:
  - name: taobao
    accepts: [alipay]
regions:
  - name: north
    population: 1e6
    shopping_rate: 50
    basket: 100
    holdings: {alipay: 0.8, wechat_pay: 0.5}
calibrate:
  data: obs/data.csv
  free:
    - {param: behaviour.gamma, lo: 0, hi: 3}
    - {param: methods.wechat_pay.appeal, lo: -2, hi: 2}
    - {param: regions.north.basket, lo: 0, hi: 500}
`

func TestCalibrateSection(t *testing.T) {
	sc, err := Parse([]byte(calibrateYAML), filepath.Join("dir", "mini.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Calibration{
		Data: "obs/data.csv", DataPath: filepath.Join("dir", "obs", "data.csv"),
		Free: []Free{
			{"behaviour.gamma", sim.Param{Kind: sim.BehaviourGamma}, 0, 3},
			{"methods.wechat_pay.appeal", sim.Param{Kind: sim.MethodAppeal, Index: 1}, -2, 2},
			{"regions.north.basket", sim.Param{Kind: sim.RegionBasket}, 0, 500},
		},
	}
	if !reflect.DeepEqual(sc.Calibration, want) {
		t.Fatalf("got %+v, want %+v", sc.Calibration, want)
	}
	// Marshal writes the section back; parsing it gives it again.
	b, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b, filepath.Join("dir", "mini.yaml"))
	if err != nil {
		t.Fatalf("parse marshalled: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(back.Calibration, want) {
		t.Errorf("after Marshal: got %+v, want %+v", back.Calibration, want)
	}
	if !strings.Contains(string(b), "calibrate:\n  data: obs/data.csv\n  free:\n    - {param: behaviour.gamma, lo: 0, hi: 3}\n") {
		t.Errorf("marshalled calibrate section not as expected:\n%s", b)
	}
}

func TestParseFree(t *testing.T) {
	sc, err := Parse([]byte(calibrateYAML), "mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := &sc.Config
	got, err := ParseFree(c, "platforms.taobao.loyalty=-1:2.5")
	if err != nil || got != (Free{"platforms.taobao.loyalty", sim.Param{Kind: sim.PlatformLoyalty}, -1, 2.5}) {
		t.Errorf("ParseFree = %+v, %v", got, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"behaviour.gamma", "want PARAM=LO:HI"},
		{"behaviour.gama=0:1", `unknown parameter "behaviour.gama"; valid forms: behaviour.beta`},
		{"methods.paypal.q=0:1", `unknown method "paypal" (valid: alipay, wechat_pay)`},
		{"behaviour.gamma=0", "want bounds LO:HI"},
		{"behaviour.gamma=a:1", "bounds must be numbers"},
		{"behaviour.gamma=1:1", "lower bound 1 must be below upper bound 1"},
		{"behaviour.psi=0:2", "must lie within its valid range (in [0,1])"},
		{"methods.alipay.churn=-1:2", "must lie within its valid range (in [0,1e6])"},
		{"behaviour.gamma=0:inf", "bounds must be finite"},
	} {
		_, err := ParseFree(c, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFree(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// A calibrate data: path starting builtin: names a file shipped with
// interopsim, read from the program whatever the scenario's directory; a
// name of no shipped file is a located error.
func TestCalibrateShippedData(t *testing.T) {
	src, err := os.ReadFile("testdata/valid/calibrate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const line = "  data: obs/data.csv\n"
	if !strings.Contains(string(src), line) {
		t.Fatal("calibrate.yaml lacks its data line")
	}
	for _, tc := range []struct{ data, err string }{
		{"builtin:data/history/value_shares.csv", ""},
		{"builtin:data/nope.csv", `calibrate.yaml:18:9: calibrate.data: "builtin:data/nope.csv" names no file shipped with interopsim`},
		{"builtin:../x.csv", `calibrate.yaml:18:9: calibrate.data: "builtin:../x.csv" names no file shipped with interopsim`},
	} {
		s, err := Parse([]byte(strings.Replace(string(src), line, "  data: "+tc.data+"\n", 1)), "dir/calibrate.yaml")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want %q", tc.data, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.data, err)
		}
		got, err := s.CalibrationData()
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile("data/history/value_shares.csv")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: read %d bytes, not the shipped file's %d", tc.data, len(got), len(want))
		}
	}
}

// A channel's parameters are free parameters like any other, in a
// calibrate section and on the command line, and name their own channel
// (not the first one).
func TestCalibrateChannelParams(t *testing.T) {
	src, err := Template("alipay-vs-wechat-2013")
	if err != nil {
		t.Fatal(err)
	}
	const first = "    - {param: methods.wechat_pay.q, lo: 0, hi: 3}\n"
	if !strings.Contains(string(src), first) {
		t.Fatal("the history's calibrate section lacks its first free parameter")
	}
	s, err := Parse([]byte(strings.Replace(string(src), first, first+"    - {param: channels.funds.value, lo: 100, hi: 5000}\n", 1)), "history.yaml")
	if err != nil {
		t.Fatal(err)
	}
	funds := -1
	for i, ch := range s.Config.Channels {
		if ch.Name == "funds" {
			funds = i
		}
	}
	want := sim.Param{Kind: sim.ChannelValue, Index: funds}
	if funds < 1 || s.Calibration.Free[1].Param != want {
		t.Errorf("calibrate section: got %+v, want %+v (funds is channel %d)", s.Calibration.Free[1].Param, want, funds)
	}
	f, err := ParseFree(&s.Config, "channels.funds.value=100:5000")
	if err != nil || f.Param != want {
		t.Errorf("--free: got %+v, %v; want %+v", f.Param, err, want)
	}
	if _, err := ParseParam(&s.Config, "channels.fund.rate"); err == nil || !strings.Contains(err.Error(), "unknown channel") {
		t.Errorf("unknown channel: got %v", err)
	}
}
