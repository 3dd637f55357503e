package sim

import "fmt"

// Set sets the parameter p of c to v where the parameter lives in the
// Config, as a SetParam event dated Start would set it for the whole
// horizon (later SetParam events on p still override it from their
// dates). A region's shopping rate or basket is set in every segment of
// the region. c's slices are changed in place: clone them first to keep
// another Config that shares them unchanged. It returns an error if p's
// index is out of range.
func (c *Config) Set(p Param, v float64) error {
	if err := c.checkParam(p); err != nil {
		return err
	}
	switch p.Kind {
	case BehaviourBeta:
		c.Behaviour.Beta = v
	case BehaviourKappa:
		c.Behaviour.Kappa = v
	case BehaviourPsi:
		c.Behaviour.Psi = v
	case BehaviourGamma:
		c.Behaviour.Gamma = v
	case BehaviourDelta:
		c.Behaviour.Delta = v
	case BehaviourSwitchCost:
		c.Behaviour.SwitchCost = v
	case ClassAppeal:
		nm := len(c.Methods)
		c.Classes[p.Index/nm].Appeal[p.Index%nm] = v
	case MethodAppeal:
		c.Methods[p.Index].Appeal = v
	case MethodP:
		c.Methods[p.Index].P = v
	case MethodQ:
		c.Methods[p.Index].Q = v
	case MethodChurn:
		c.Methods[p.Index].Churn = v
	case PlatformAppeal:
		c.Platforms[p.Index].Appeal = v
	case PlatformLoyalty:
		c.Platforms[p.Index].Loyalty = v
	case RegionShoppingRate:
		for i := range c.Regions[p.Index].Segments {
			c.Regions[p.Index].Segments[i].ShoppingRate = v
		}
	case RegionBasket:
		for i := range c.Regions[p.Index].Segments {
			c.Regions[p.Index].Segments[i].Basket = v
		}
	case ChannelRate:
		c.Channels[p.Index].Rate = v
	case ChannelValue:
		c.Channels[p.Index].Value = v
	}
	return nil
}

// Get returns the value of the parameter p of c on Start, before any
// event. A region's shopping rate or basket is the mean over its
// segments weighted by their shares.
func (c *Config) Get(p Param) (float64, error) {
	if err := c.checkParam(p); err != nil {
		return 0, err
	}
	switch p.Kind {
	case BehaviourBeta:
		return c.Behaviour.Beta, nil
	case BehaviourKappa:
		return c.Behaviour.Kappa, nil
	case BehaviourPsi:
		return c.Behaviour.Psi, nil
	case BehaviourGamma:
		return c.Behaviour.Gamma, nil
	case BehaviourDelta:
		return c.Behaviour.Delta, nil
	case BehaviourSwitchCost:
		return c.Behaviour.SwitchCost, nil
	case ClassAppeal:
		nm := len(c.Methods)
		return c.Classes[p.Index/nm].Appeal[p.Index%nm], nil
	case MethodAppeal:
		return c.Methods[p.Index].Appeal, nil
	case MethodP:
		return c.Methods[p.Index].P, nil
	case MethodQ:
		return c.Methods[p.Index].Q, nil
	case MethodChurn:
		return c.Methods[p.Index].Churn, nil
	case PlatformAppeal:
		return c.Platforms[p.Index].Appeal, nil
	case PlatformLoyalty:
		return c.Platforms[p.Index].Loyalty, nil
	case ChannelRate:
		return c.Channels[p.Index].Rate, nil
	case ChannelValue:
		return c.Channels[p.Index].Value, nil
	}
	var sum float64
	for _, s := range c.Regions[p.Index].Segments {
		if p.Kind == RegionShoppingRate {
			sum += s.Share * s.ShoppingRate
		} else {
			sum += s.Share * s.Basket
		}
	}
	return sum, nil
}

// checkParam reports a parameter whose kind or index does not fit c.
func (c *Config) checkParam(p Param) error {
	n := 0
	switch p.Kind {
	case BehaviourBeta, BehaviourKappa, BehaviourPsi, BehaviourGamma, BehaviourDelta, BehaviourSwitchCost:
		return nil
	case ClassAppeal:
		n = len(c.Classes) * len(c.Methods)
	case MethodAppeal, MethodP, MethodQ, MethodChurn:
		n = len(c.Methods)
	case PlatformAppeal, PlatformLoyalty:
		n = len(c.Platforms)
	case RegionShoppingRate, RegionBasket:
		n = len(c.Regions)
	case ChannelRate, ChannelValue:
		n = len(c.Channels)
	default:
		return fmt.Errorf("unknown parameter kind %d", int(p.Kind))
	}
	if p.Index < 0 || p.Index >= n {
		return fmt.Errorf("parameter kind %d: index %d out of range [0,%d)", int(p.Kind), p.Index, n)
	}
	return nil
}
