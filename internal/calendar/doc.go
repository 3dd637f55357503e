// Package calendar reads lengths of calendar time such as 14d, 2w, 18m
// or 5y and adds them to dates. It is the one reader of durations: a
// scenario's duration, warmup, rollout and promotion duration, and the
// horizons of interopsim compare --at, so that "1m" means the same
// everywhere.
//
// A month is a calendar month and a year twelve of them: 1m after
// 2024-03-15 is 2024-04-15. When the day does not exist in the month
// reached, the result is that month's last day: 1m after 2024-01-31 is
// 2024-02-29, 1y after 2024-02-29 is 2025-02-28. Days and weeks are 1
// and 7 days.
//
//	d, err := calendar.Parse("1m")
//	end := d.After(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)) // 2024-02-29
package calendar
