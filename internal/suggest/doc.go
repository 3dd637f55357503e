// Package suggest finds the name a mistyped word most likely stands for,
// so that an error about an unknown command, flag, scenario, key or name
// can end in "; did you mean X?". Every such message of interopsim asks
// Nearest, so all of them agree on what is near.
//
//	suggest.Hint("lable", []string{"name", "label", "color"}) // "; did you mean label?"
//	suggest.Hint("tmall", []string{"taobao_tmall", "jd"})     // "; did you mean taobao_tmall?"
//	suggest.Hint("frob", []string{"run", "plot"})             // ""
package suggest
