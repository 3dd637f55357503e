package scenarios

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/sim"
)

// The incumbency mechanisms of docs/model.md: preference classes, joint
// wallets and checkouts with their own memory. Each is off unless the
// scenario asks for it, and the model is then the original one.

// Keys of a preference class.
var classKeys = []string{"name", "label", "appeal", "share"}

// Values of a platform's memory key.
const (
	memoryShared = "shared"
	memoryOwn    = "own"
)

// noWallet is the name of the empty wallet set in a wallets mapping.
const noWallet = "none"

// classes reads the top-level classes section: each class's name, its
// shifts of method appeals and its default share of every segment.
func (b *builder) classes(n *yaml.Node) {
	b.classIdx = map[string]int{}
	items, ok := b.entities(n, "classes", "preference class", maxClasses, "")
	if !ok {
		return
	}
	b.classesOK = true
	nm := len(b.cfg.Methods)
	lines := map[string]int{}
	b.classShare = make([]float64, len(items))
	b.classShareNode = make([]*yaml.Node, len(items))
	for i, it := range items {
		path := index("classes", i)
		k := sim.Class{Appeal: make([]float64, nm)}
		b.classShare[i] = math.NaN()
		if m := b.mapping(it, path, classKeys); m != nil {
			b.require(m, "name")
			k.Name = b.entityName(m, path, "class", b.classIdx, i, lines)
			k.Label = k.Name
			if v := m.get("label"); v != nil {
				if s, ok := b.label(v, field(path, "label")); ok {
					k.Label = s
				}
			}
			if v := m.get("appeal"); v != nil {
				b.perMethod(v, field(path, "appeal"), utilityRange, k.Appeal)
			}
			if v := m.get("share"); v != nil {
				if x, ok := b.bounded(v, field(path, "share"), unitRange); ok {
					b.classShare[i], b.classShareNode[i] = x, v
				}
			}
		}
		b.cfg.Classes = append(b.cfg.Classes, k)
	}
	// Default shares must sum to 1 when every class gives one.
	sum, all := 0.0, true
	for _, x := range b.classShare {
		all = all && !math.IsNaN(x)
		sum += x
	}
	if all && math.Abs(sum-1) > shareTolerance {
		b.fail(n, "classes", "class shares must sum to 1 (within %g), got %s", shareTolerance, fmtNum(sum))
	}
}

// classRef resolves a class name used at node n.
func (b *builder) classRef(n *yaml.Node, path, name string) (int, bool) {
	return b.ref(n, path, name, "class", b.classIdx, b.classesOK)
}

// defaultClassShares returns the classes' default shares, or nil if some
// class gives none.
func (b *builder) defaultClassShares() []float64 {
	if b.classShare == nil || slices.ContainsFunc(b.classShare, math.IsNaN) {
		return nil
	}
	return slices.Clone(b.classShare)
}

// classShares reads a class_shares mapping (every class named, shares
// summing to 1).
func (b *builder) classShares(n *yaml.Node, path string) []float64 {
	if b.cfg.Classes == nil {
		if b.classesOK || b.classIdx == nil {
			b.fail(n, path, "needs a classes section: class shares share people out among preference classes")
		}
		return nil
	}
	m := b.mapping(n, path, nil)
	if m == nil {
		return nil
	}
	out := make([]float64, len(b.cfg.Classes))
	seen := make([]bool, len(out))
	ok := true
	for _, key := range m.order {
		e := m.entries[key]
		kp := field(path, key)
		i, iok := b.classRef(e.key, kp, key)
		x, xok := b.bounded(e.val, kp, unitRange)
		if iok && xok {
			out[i], seen[i] = x, true
		}
		ok = ok && iok && xok
	}
	if !ok {
		return nil
	}
	var missing []string
	sum := 0.0
	for i, x := range out {
		if !seen[i] {
			missing = append(missing, b.cfg.Classes[i].Name)
		}
		sum += x
	}
	if missing != nil {
		b.fail(n, path, "must give every class a share (0 for none); missing: %s", strings.Join(missing, ", "))
		return nil
	}
	if math.Abs(sum-1) > shareTolerance {
		b.fail(n, path, "class shares must sum to 1 (within %g), got %s", shareTolerance, fmtNum(sum))
		return nil
	}
	return out
}

// wallets reads a wallets mapping: wallet sets written as method names
// joined by "+" (or "none") to the share of people holding exactly that
// set; unlisted sets hold nobody. It returns the distribution indexed by
// bit set, or nil after a mistake.
func (b *builder) wallets(n *yaml.Node, path string) []float64 {
	m := b.mapping(n, path, nil)
	if m == nil {
		return nil
	}
	nm := len(b.cfg.Methods)
	if nm == 0 || nm > maxMethods {
		return nil
	}
	out := make([]float64, 1<<nm)
	seen := map[int]int{}
	ok := true
	sum := 0.0
	for _, key := range m.order {
		e := m.entries[key]
		kp := field(path, key)
		set, sok := b.walletSet(e.key, kp, key)
		x, xok := b.bounded(e.val, kp, unitRange)
		if sok {
			if line, dup := seen[set]; dup {
				b.fail(e.key, kp, "the wallet set %s is listed twice (first at line %d)", WalletName(b.cfg, set), line)
				sok = false
			} else {
				seen[set] = e.key.Line
			}
		}
		if sok && xok {
			for mi := range b.cfg.Methods {
				if set&(1<<mi) != 0 && x != 0 {
					if t, late := b.unlaunched(mi); late {
						b.fail(e.val, kp, "must be 0: %s launches on %s, after start (%s), and nobody holds it before, got %s", b.cfg.Methods[mi].Name, t.Format(dateLayout), b.start.Format(dateLayout), e.val.Value)
						xok = false
					}
				}
			}
			out[set] = x
			sum += x
		}
		ok = ok && sok && xok
	}
	if !ok {
		return nil
	}
	if math.Abs(sum-1) > shareTolerance {
		b.fail(n, path, "wallet-set shares must sum to 1 (within %g; unlisted sets hold nobody), got %s", shareTolerance, fmtNum(sum))
		return nil
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// walletSet parses a wallet set's name, such as alipay+wechat_pay.
func (b *builder) walletSet(n *yaml.Node, path, s string) (int, bool) {
	if s == noWallet {
		return 0, true
	}
	set := 0
	for _, name := range strings.Split(s, "+") {
		i, ok := b.methodRef(n, path, name)
		if !ok {
			return 0, false
		}
		if set&(1<<i) != 0 {
			b.fail(n, path, "method %s appears twice in the wallet set %q", name, s)
			return 0, false
		}
		set |= 1 << i
	}
	return set, true
}

// WalletName returns the name of wallet set w as a wallets mapping
// writes it: its methods in the scenario's order joined by "+", or none.
func WalletName(c *sim.Config, w int) string {
	if w == 0 {
		return noWallet
	}
	var names []string
	for m := range c.Methods {
		if w&(1<<m) != 0 {
			names = append(names, c.Methods[m].Name)
		}
	}
	return strings.Join(names, "+")
}

// walletsNode returns the node to blame for a segment's wallet sets:
// its wallets key, else the mapping.
func walletsNode(m *mapping) *yaml.Node {
	if k := m.keyNode("wallets"); k != nil {
		return k
	}
	return m.node
}

// finishWallets settles a segment's holdings: with a wallets
// distribution ref and holdings given (given), the distribution is raked
// to the holdings; with ref alone, the holdings are its marginals.
// Holdings are then recomputed from the distribution so that a scenario
// written back and read again gives the same numbers.
func (b *builder) finishWallets(n *yaml.Node, path string, sg *sim.Segment, ref []float64, given bool) {
	if ref == nil {
		return
	}
	w := slices.Clone(ref)
	if given {
		var err error
		names := make([]string, len(b.cfg.Methods))
		for m := range names {
			names[m] = b.cfg.Methods[m].Name
		}
		if w, err = rake(ref, sg.Holdings, names); err != nil {
			b.fail(n, field(path, "wallets"), "cannot share the wallet sets out to match holdings %s: %v", fmtHoldings(b.cfg, sg.Holdings), err)
			return
		}
	}
	sg.Wallets = w
	sg.Holdings = marginals(w, len(sg.Holdings))
}

func fmtHoldings(c *sim.Config, h []float64) string {
	var parts []string
	for m, x := range h {
		if m < len(c.Methods) {
			parts = append(parts, c.Methods[m].Name+" "+fmtNum(x))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// marginals returns, per method of nm, the share of people holding it
// under the wallet-set distribution w.
func marginals(w []float64, nm int) []float64 {
	out := make([]float64, nm)
	for set, x := range w {
		for m := range out {
			if set&(1<<m) != 0 {
				out[m] += x
			}
		}
	}
	return out
}

// rake returns the distribution over wallet sets closest to ref (in the
// sense of iterative proportional fitting: it keeps ref's odds ratios
// and its empty cells) whose marginals are holdings. It fails when no
// distribution on ref's sets has those marginals.
func rake(ref, holdings []float64, names []string) ([]float64, error) {
	w := slices.Clone(ref)
	for m, h := range holdings {
		var with, without float64
		for set, x := range w {
			if set&(1<<m) != 0 {
				with += x
			} else {
				without += x
			}
		}
		if h > 0 && with == 0 {
			return nil, fmt.Errorf("no listed wallet set holds %s, so none of them can make its holding %s", names[m], fmtNum(h))
		}
		if h < 1 && without == 0 {
			return nil, fmt.Errorf("every listed wallet set holds %s, so none of them can make its holding %s", names[m], fmtNum(h))
		}
	}
	const tol, sweeps = 1e-12, 10000
	for it := 0; it < sweeps; it++ {
		worst := 0.0
		for m, h := range holdings {
			var with float64
			for set, x := range w {
				if set&(1<<m) != 0 {
					with += x
				}
			}
			worst = math.Max(worst, math.Abs(with-h))
			for set := range w {
				switch {
				case set&(1<<m) != 0 && with > 0:
					w[set] *= h / with
				case set&(1<<m) == 0 && with < 1:
					w[set] *= (1 - h) / (1 - with)
				}
			}
		}
		if worst < tol {
			var sum float64
			for _, x := range w {
				sum += x
			}
			for i := range w {
				w[i] /= sum
			}
			return w, nil
		}
	}
	return nil, fmt.Errorf("the holdings cannot be met on the listed wallet sets together (iterative proportional fitting did not converge)")
}

// walletOrder returns the wallet sets of w with a positive share, in the
// order Marshal writes them: larger sets first, then by index.
func walletOrder(w []float64) []int {
	var sets []int
	for set, x := range w {
		if x > 0 {
			sets = append(sets, set)
		}
	}
	sort.SliceStable(sets, func(i, j int) bool {
		pi, pj := bits.OnesCount(uint(sets[i])), bits.OnesCount(uint(sets[j]))
		if pi != pj {
			return pi > pj
		}
		return sets[i] < sets[j]
	})
	return sets
}

// memory reads a platform's memory key: own or shared.
func (b *builder) memory(n *yaml.Node, path string) bool {
	s, ok := b.str(n, path)
	if !ok {
		return false
	}
	switch s {
	case memoryOwn:
		return true
	case memoryShared:
		return false
	}
	b.fail(n, path, "must be %s (the checkout remembers the method last paid with there, on its own) or %s (it shares the habit: the method last used on any platform that shares), got %q", memoryOwn, memoryShared, s)
	return false
}
