package sim

// channelChoice holds, for one region and step, the payment choice of
// every wallet set in every channel: the expected payments per person
// and step made with each method, and those made with none.
type channelChoice struct {
	sp     space
	w      *world // the region's world
	class  int    // the preference class, -1 without classes
	shares []float64
	dt     float64
	// pay[c][wl*nm+m] is the expected number of channel c's payments per
	// person and step made with method m by a holder of wallets wl;
	// none[c][wl] those made with no method (paid by other means). Rows
	// are computed on first use: done[c][wl].
	pay  [][]float64
	none [][]float64
	done [][]bool
	acc  []float64
}

func newChannelChoice(sp space, w *world, class int, shares []float64, dt float64) *channelChoice {
	nc := len(w.channels)
	ch := &channelChoice{sp: sp, w: w, class: class, shares: shares, dt: dt,
		pay: make([][]float64, nc), none: make([][]float64, nc), done: make([][]bool, nc), acc: make([]float64, sp.nm)}
	for c := range nc {
		ch.pay[c] = make([]float64, sp.nw*sp.nm)
		ch.none[c] = make([]float64, sp.nw)
		ch.done[c] = make([]bool, sp.nw)
	}
	return ch
}

// of returns the expected payments per person and step of holders of
// wallets wl in channel c, by method, and those made with no method.
func (ch *channelChoice) of(c, wl int) (byMethod []float64, none float64) {
	nm := ch.sp.nm
	row := ch.pay[c][wl*nm : (wl+1)*nm]
	if !ch.done[c][wl] {
		ch.done[c][wl] = true
		chn := &ch.w.channels[c]
		n := chn.Rate * ch.dt
		for m := range ch.acc {
			if chn.Peer {
				ch.acc[m] = ch.shares[m]
			} else {
				ch.acc[m] = ch.w.chAcc[c][m]
			}
		}
		W := func(m int) float64 {
			return ch.w.methods[m].Appeal + ch.w.classShift(ch.class, m) + chn.MethodAppeal[m] + ch.w.beh.Delta*ch.shares[m]
		}
		ch.none[c][wl] = n * usableSets(uint32(wl), ch.acc, func(u uint32, pr float64) {
			spread(u, n*pr, W, func(m int, x float64) { row[m] += x })
		})
	}
	return row, ch.none[c][wl]
}

// usableSets calls f for every non-empty subset u of the methods in
// held with the probability that exactly u is accepted, each method m
// being accepted independently with probability acc[m]; it returns the
// probability that none is.
func usableSets(held uint32, acc []float64, f func(u uint32, pr float64)) float64 {
	none := 1.0
	for s := held; s != 0; s &= s - 1 {
		none *= 1 - acc[trailingZeros(int(s))]
	}
	for u := held; u != 0; u = (u - 1) & held {
		pr := 1.0
		for s := held; s != 0; s &= s - 1 {
			m := trailingZeros(int(s))
			if u&(1<<m) != 0 {
				pr *= acc[m]
			} else {
				pr *= 1 - acc[m]
			}
		}
		if pr > 0 {
			f(u, pr)
		}
	}
	return none
}

// tallyChannels adds the channel payments of people in states mass of
// one group to rt.
func tallyChannels(sp space, ch *channelChoice, mass []float64, rt *RegionTally) {
	byWallet := make([]float64, sp.nw)
	for s, x := range mass {
		byWallet[s%sp.nw] += x
	}
	for c := range ch.w.channels {
		value := ch.w.channels[c].Value
		for wl, x := range byWallet {
			if x == 0 {
				continue
			}
			pay, none := ch.of(c, wl)
			for m, n := range pay {
				rt.ChannelTx[c][m] += x * n
				rt.ChannelValue[c][m] += x * n * value
			}
			rt.ChannelNone[c] += x * none
		}
	}
}
