package sim

import "slices"

// Clone returns a copy of c that Set can change without changing c: its
// methods, platforms, channels, regions, segments and classes are copied,
// with the slices Set writes into (a class's appeal shifts). Events and
// the slices Set never writes are shared.
func (c *Config) Clone() *Config {
	d := *c
	d.Methods = slices.Clone(c.Methods)
	d.Platforms = slices.Clone(c.Platforms)
	d.Channels = slices.Clone(c.Channels)
	d.Regions = slices.Clone(c.Regions)
	for i := range d.Regions {
		d.Regions[i].Segments = slices.Clone(c.Regions[i].Segments)
	}
	d.Classes = slices.Clone(c.Classes)
	for k := range d.Classes {
		d.Classes[k].Appeal = slices.Clone(c.Classes[k].Appeal)
	}
	return &d
}
