package sim

import (
	"fmt"
	"math"
	"time"
)

// StepUnit is the length of one simulation step.
type StepUnit int

const (
	// Day is a step of one calendar day.
	Day StepUnit = iota
	// Week is a step of seven calendar days.
	Week
	// Month is a step of one calendar month.
	Month
)

// String returns the unit's name as written in scenario files.
func (u StepUnit) String() string {
	switch u {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	}
	return fmt.Sprintf("StepUnit(%d)", int(u))
}

// Years returns the length of one step in years, the unit of every rate in
// a Config. A month is 1/12 of a year whatever its number of days.
func (u StepUnit) Years() float64 {
	switch u {
	case Day:
		return 1 / 365.25
	case Week:
		return 7 / 365.25
	default:
		return 1.0 / 12
	}
}

// Add returns the start date of the step n steps after start.
func (u StepUnit) Add(start time.Time, n int) time.Time {
	switch u {
	case Day:
		return start.AddDate(0, 0, n)
	case Week:
		return start.AddDate(0, 0, 7*n)
	default:
		return start.AddDate(0, n, 0)
	}
}

// Config is a validated description of a simulated world: who shops,
// with what, where, and what changes on which dates. Package scenarios
// builds a Config from a scenario file and checks it; Run assumes a Config
// that Validate accepts.
//
// Regions, methods and platforms keep the order of the scenario file: it
// fixes the order of every table and legend.
type Config struct {
	// Name identifies the scenario.
	Name string
	// Start is the first day of the first step (UTC midnight).
	Start time.Time
	// Step is the length of a step.
	Step StepUnit
	// Steps is the number of steps simulated.
	Steps int
	// Warmup is the number of steps simulated before Start and not
	// recorded, in the world as it stands on Start but with adoption,
	// churn and sign-ups at checkout switched off: habits and platform
	// loyalty settle on the initial holdings, which stay as given.
	Warmup int
	// Regions partition the simulated population.
	Regions []Region
	// Methods are the payment methods.
	Methods []Method
	// Platforms are the e-commerce platforms.
	Platforms []Platform
	// Channels are the ways of paying other than e-commerce checkout
	// (offline merchants, person-to-person transfers); none by default.
	Channels []Channel
	// Behaviour holds the choice parameters shared by all agents.
	Behaviour Behaviour
	// Events change acceptance, appeal or parameters on dates.
	Events []Event
	// Classes are lasting preference classes (an Alipay-first, a
	// WeChat-first shopper): each shifts the appeal of the methods for
	// the people in it, wherever they pay. Every segment gives its own
	// share of each class (Segment.ClassShares). Nil means one class
	// with no shifts, everyone alike.
	Classes []Class
}

// Class is a preference class: a lasting taste for some methods over
// others that its members carry to every checkout and channel.
type Class struct {
	// Name identifies the class; Label is for people.
	Name, Label string
	// Appeal is, per method, the class's shift of the method's utility.
	Appeal []float64
}

// Region is a geographic part of the population, made of one or more
// segments, each simulated by its own agents.
type Region struct {
	// Name identifies the region in tables.
	Name string
	// Label is the region's name for people (plots, summaries).
	Label string
	// Population is the number of people the region stands for.
	Population float64
	// Segments split the region's population; their shares sum to 1.
	// A region without declared segments has one segment holding everyone.
	Segments []Segment
	// Growth, if not nil, holds the region's later populations, as people
	// come online: dates after Start in increasing order, populations
	// non-decreasing from Population. The population moves linearly
	// between them and stays at the last after it. Newcomers join every
	// segment in proportion to its share, holding no method.
	Growth []Census
}

// Census is a region's population on a date.
type Census struct {
	Date       time.Time
	Population float64
}

// Segment is a group of people inside a region with its own shopping and
// holding parameters.
type Segment struct {
	// Name identifies the segment within its region.
	Name string
	// Share is the segment's fraction of the region's population, in (0,1].
	Share float64
	// Agents is the number of simulated agents; each stands for
	// Population*Share/Agents people.
	Agents int
	// ShoppingRate is the number of online purchases per person per year.
	ShoppingRate float64
	// Basket is the mean order value, in the scenario's currency unit.
	Basket float64
	// Holdings is, per method, the share of people holding it at Start.
	// Without Wallets, holdings of different methods are independent.
	Holdings []float64
	// Wallets, if not nil, is the joint distribution of the wallet sets
	// people hold at Start, indexed by the bit set of methods (bit m for
	// method m; 1<<len(Methods) entries summing to 1). Its marginals must
	// equal Holdings. Nil means independent holdings.
	Wallets []float64
	// ClassShares is, per class of Config.Classes, the share of the
	// segment's people in it (summing to 1); nil without classes.
	ClassShares []float64
}

// Method is a payment method.
type Method struct {
	// Name identifies the method in tables; Label and Color are for
	// people and plots and are not used by the engine.
	Name, Label, Color string
	// Appeal is the base utility a_m of paying with the method.
	Appeal float64
	// P is the Bass innovation rate per year.
	P float64
	// Q is the Bass imitation rate per year, multiplied by the share of
	// the region's people holding the method.
	Q float64
	// Churn is the rate per year at which holders drop the method.
	Churn float64
	// Launch is the day the method comes into existence; before it
	// nobody can adopt, hold or accept it. The zero value means it
	// exists from the start.
	Launch time.Time
}

// launched reports whether the method exists on day t.
func (m *Method) launched(t time.Time) bool { return !t.Before(m.Launch) }

// Platform is an e-commerce platform.
type Platform struct {
	// Name identifies the platform in tables; Label and Color are for
	// people and plots and are not used by the engine.
	Name, Label, Color string
	// Appeal is the base utility a_p of shopping on the platform.
	Appeal float64
	// RegionAppeal is the utility offset a_{p,r}, one per region.
	RegionAppeal []float64
	// MethodAppeal is the utility offset of paying with each method on
	// this platform, one per method (a_{m,p} before promotions).
	MethodAppeal []float64
	// Loyalty is g_p, the utility of returning to the platform last
	// bought from.
	Loyalty float64
	// OwnMemory gives the platform's checkout its own memory of the
	// method a shopper last paid with there (its stored default), read
	// only there and set only by purchases there; its utility is
	// Behaviour.SwitchCost. Platforms without it share one memory, the
	// method last used on any of them (the habit, Behaviour.Gamma).
	OwnMemory bool
	// Accepts says, per method, whether the platform accepts it at Start.
	Accepts []bool
}

// Channel is a way of paying other than e-commerce checkout, such as
// offline merchants scanning QR codes or person-to-person transfers. Its
// payments do not change anyone's state: each step, every person makes
// the channel's expected number of payments, each with a method chosen by
// logit among the held methods accepted at that payment (see
// docs/model.md, Channels).
type Channel struct {
	// Name identifies the channel in tables; Label and Color are for
	// people and plots and are not used by the engine.
	Name, Label, Color string
	// Rate is the number of payments per person per year.
	Rate float64
	// Value is the mean value of a payment, in the scenario's currency.
	Value float64
	// Accepts is, per method, the share of the channel's payments at
	// which the method is accepted at Start, in [0,1]; each method is
	// accepted independently. Unused when Peer is set.
	Accepts []float64
	// Peer makes the channel person to person: a method is accepted when
	// the payee holds it, with probability the share of the payer's
	// region holding it.
	Peer bool
	// MethodAppeal is the utility offset of paying with each method in
	// the channel, one per method.
	MethodAppeal []float64
}

// Behaviour holds the choice parameters of the nested logit.
type Behaviour struct {
	// Beta weighs the payment inclusive value in platform choice, in [0,1].
	Beta float64
	// Kappa is the utility penalty of a platform that accepts none of the
	// shopper's methods (the walled-garden friction).
	Kappa float64
	// Psi is the probability that a shopper whose methods are all refused
	// signs up for an accepted method at checkout rather than walk away.
	Psi float64
	// Gamma is the utility of paying with the habitual method: the one
	// last used on a platform that shares its memory with others.
	Gamma float64
	// SwitchCost is the utility, at a checkout with its own memory, of
	// paying with the method stored there: the cost of switching to, or
	// linking, another method at that checkout.
	SwitchCost float64
	// Delta weighs the regional share holding a method in its utility.
	Delta float64
}

// EventKind says what an Event does.
type EventKind int

const (
	// Accept makes a platform start accepting a method.
	Accept EventKind = iota
	// StopAccepting makes a platform stop accepting a method.
	StopAccepting
	// Promotion shifts a method's appeal, on one platform or on all,
	// from Date until Until.
	Promotion
	// SetParam sets a parameter to Value from Date.
	SetParam
	// Campaign raises a method's adoption rates by P and Q from Date
	// until Until (an adoption campaign, such as a red-packet drive).
	Campaign
	// ChannelAcceptance moves the share of a channel's payments at which
	// a method is accepted to Share, linearly over RolloutDays.
	ChannelAcceptance
)

// String returns the kind's name as written in scenario files.
func (k EventKind) String() string {
	switch k {
	case Accept:
		return "accept"
	case StopAccepting:
		return "stop_accepting"
	case Promotion:
		return "promotion"
	case SetParam:
		return "set"
	case Campaign:
		return "campaign"
	case ChannelAcceptance:
		return "channel_acceptance"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is a dated change of the world. The world during a step is the
// world as it stands on the step's first day: an event takes effect from
// the first step that starts on or after its date.
type Event struct {
	Kind EventKind
	// Date is when the event starts (UTC midnight).
	Date time.Time
	// Label is a short text for plots; it may be empty.
	Label string
	// Unmarked leaves the event off the figures' event markers; it takes
	// effect all the same. For routine updates (a channel's volume each
	// quarter) that would crowd out the events a reader looks for.
	Unmarked bool
	// Platform is the platform's index, or -1 for a promotion on every
	// platform. Unused by SetParam.
	Platform int
	// Method is the method's index. Unused by SetParam.
	Method int
	// RolloutDays spreads an Accept, StopAccepting or ChannelAcceptance
	// over this many days:
	// the accepting share of checkouts moves linearly from its old to its
	// new value. Zero means at once.
	RolloutDays int
	// Until ends a Promotion or a Campaign (exclusive).
	Until time.Time
	// Shift is a Promotion's change of the method's appeal.
	Shift float64
	// Param and Value are a SetParam's target and new value.
	Param Param
	Value float64
	// P and Q are a Campaign's additions to the method's innovation and
	// imitation rates, per year.
	P, Q float64
	// Channel and Share are a ChannelAcceptance's channel (its index) and
	// the accepting share it moves to; Method is its method.
	Channel int
	Share   float64
	// Regions, if not nil, limits a Promotion, Campaign or SetParam to
	// these regions (indices, in increasing order); nil means every
	// region. Acceptance events and SetParams of a region's own
	// parameters take none.
	Regions []int
}

// appliesTo reports whether e applies to region r; r = -1 stands for the
// events of every region.
func (e *Event) appliesTo(r int) bool {
	if e.Regions == nil {
		return true
	}
	for _, x := range e.Regions {
		if x == r {
			return true
		}
	}
	return false
}

// ParamKind names a parameter that a SetParam event can change.
type ParamKind int

const (
	BehaviourBeta ParamKind = iota
	BehaviourKappa
	BehaviourPsi
	BehaviourGamma
	BehaviourDelta
	MethodAppeal
	MethodP
	MethodQ
	MethodChurn
	PlatformAppeal
	PlatformLoyalty
	RegionShoppingRate
	RegionBasket
	ChannelRate
	ChannelValue
	BehaviourSwitchCost
	// ClassAppeal is a class's shift of a method's appeal; its Index is
	// class*len(Methods)+method.
	ClassAppeal
)

// Param is a settable parameter: a kind and, for per-method, per-platform
// and per-region kinds, the index of the entity.
type Param struct {
	Kind  ParamKind
	Index int
}

// Date returns the first day of step n.
func (c *Config) Date(n int) time.Time { return c.Step.Add(c.Start, n) }

// End returns the day after the last step (the end of the horizon).
func (c *Config) End() time.Time { return c.Date(c.Steps) }

// Agents returns the total number of simulated agents.
func (c *Config) Agents() int {
	n := 0
	for _, r := range c.Regions {
		for _, s := range r.Segments {
			n += s.Agents
		}
	}
	return n
}

// PopulationAt returns the population of region r on day t: Population
// until the first Growth date's line starts, then linear between the
// Growth points, then the last of them.
func (c *Config) PopulationAt(r int, t time.Time) float64 {
	reg := &c.Regions[r]
	from, x := c.Start, reg.Population
	for _, g := range reg.Growth {
		if t.Before(g.Date) {
			if !t.After(from) {
				return x
			}
			f := t.Sub(from).Hours() / g.Date.Sub(from).Hours()
			return x + (g.Population-x)*f
		}
		from, x = g.Date, g.Population
	}
	return x
}

// PeakPopulation returns the largest number of people region r has over
// the horizon, on the first day of its last step: the people its agents
// stand for.
func (c *Config) PeakPopulation(r int) float64 {
	if c.Regions[r].Growth == nil {
		return c.Regions[r].Population
	}
	return math.Max(c.Regions[r].Population, c.PopulationAt(r, c.Date(c.Steps-1)))
}
