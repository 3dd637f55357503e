// Package termtext makes text safe to print on a terminal.
package termtext
