// Package readfile opens the files interopsim reads, refusing what is
// not a regular file (a named pipe would block forever, /dev/zero never
// end) and capping the bytes read, so that no input can hang the program
// or exhaust its memory.
package readfile
