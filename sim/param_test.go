package sim

import (
	"reflect"
	"testing"
)

// TestConfigSetMatchesSetParam checks that Config.Set changes the run as a
// SetParam event on Start does, for every parameter kind, and that Get
// reads back what Set wrote.
func TestConfigSetMatchesSetParam(t *testing.T) {
	for k := BehaviourBeta; k <= ChannelValue; k++ {
		p := Param{Kind: k, Index: 1}
		if k <= BehaviourDelta {
			p.Index = 0
		}
		const v = 0.3
		world := testConfig
		if k >= ChannelRate {
			world = channelConfig // the channel kinds need a world with channels
		}
		set := world(200)
		set.Steps, set.Warmup, set.Events = 6, 2, nil
		set.Regions = append([]Region(nil), set.Regions...)
		for i := range set.Regions {
			set.Regions[i].Segments = append([]Segment(nil), set.Regions[i].Segments...)
		}
		if err := set.Set(p, v); err != nil {
			t.Fatalf("kind %d: Set: %v", k, err)
		}
		if got, err := set.Get(p); err != nil || got != v {
			t.Errorf("kind %d: Get after Set = %v, %v, want %v", k, got, err, v)
		}
		ev := world(200)
		ev.Steps, ev.Warmup = 6, 2
		ev.Events = []Event{{Kind: SetParam, Date: ev.Start, Param: p, Value: v}}
		s := &Settings{Engine: MeanField}
		a, err := Run(set, 1, s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Run(ev, 1, s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Steps, b.Steps) {
			t.Errorf("kind %d: Set and a SetParam event on Start give different runs", k)
		}
	}
	c := testConfig(200)
	if err := c.Set(Param{Kind: MethodQ, Index: 7}, 1); err == nil {
		t.Error("Set with an index out of range: got no error")
	}
	if _, err := c.Get(Param{Kind: ParamKind(99)}); err == nil {
		t.Error("Get of an unknown kind: got no error")
	}
}

// TestCloneIsolatesSet checks that Set on a clone leaves the original
// as it was, for every kind of parameter that writes into a slice.
func TestCloneIsolatesSet(t *testing.T) {
	c := incumbencyConfig(1000)
	c.Channels = channelConfig(2).Channels
	for _, p := range []Param{
		{Kind: MethodAppeal, Index: 1}, {Kind: PlatformLoyalty, Index: 0},
		{Kind: RegionBasket, Index: 1}, {Kind: ChannelRate, Index: 0},
		{Kind: ClassAppeal, Index: 4},
	} {
		before, err := c.Get(p)
		if err != nil {
			t.Fatal(err)
		}
		d := c.Clone()
		if err := d.Set(p, before+1); err != nil {
			t.Fatal(err)
		}
		if after, _ := c.Get(p); after != before {
			t.Errorf("%v: setting a clone changed the original from %v to %v", p, before, after)
		}
		if got, _ := d.Get(p); got != before+1 {
			t.Errorf("%v: the clone holds %v, want %v", p, got, before+1)
		}
	}
}
