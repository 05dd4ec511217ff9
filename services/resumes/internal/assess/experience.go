package assess

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// dateRange matches "2019 - Present", "Jan 2018 – Mar 2021", "03/2018 to
// 06/2020", "2016-2019", "September 2015 - now".
var dateRange = regexp.MustCompile(`(?i)\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+|(\d{1,2})[/.-])?((?:19|20)\d{2})\s*(?:-|–|—|to|until|till)\s*(?:(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+|(\d{1,2})[/.-])?((?:19|20)\d{2})\b|(present|current|now|today|date|ongoing))`)

type interval struct{ from, to time.Time }

// experience sums the years covered by date ranges in the experience
// lines, merging overlaps, and counts the ranges.
func experience(d doc, now time.Time) (years float64, positions int) {
	var spans []interval
	for _, line := range d.experience {
		for _, m := range dateRange.FindAllStringSubmatch(line, -1) {
			from, ok := date(m[1], m[2], m[3], time.January)
			if !ok {
				continue
			}
			var to time.Time
			if m[7] != "" {
				to = now
			} else if to, ok = date(m[4], m[5], m[6], time.December); !ok {
				continue
			}
			if to.After(now) {
				to = now
			}
			if !to.After(from) || to.Sub(from) > 50*365*24*time.Hour {
				continue
			}
			spans = append(spans, interval{from, to})
		}
	}
	if len(spans) == 0 {
		return 0, 0
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from.Before(spans[j].from) })
	merged := []interval{spans[0]}
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if !s.from.After(last.to) {
			if s.to.After(last.to) {
				last.to = s.to
			}
			continue
		}
		merged = append(merged, s)
	}
	var total time.Duration
	for _, s := range merged {
		total += s.to.Sub(s.from)
	}
	return total.Hours() / 24 / 365.25, len(spans)
}

// date builds the first (or, with defMonth December, the last) day of a
// month from a month name or number and a year.
func date(monthName, monthNum, year string, defMonth time.Month) (time.Time, bool) {
	y, err := strconv.Atoi(year)
	if err != nil {
		return time.Time{}, false
	}
	m := defMonth
	if monthName != "" {
		m = months[strings.ToLower(monthName)]
	} else if monthNum != "" {
		n, err := strconv.Atoi(monthNum)
		if err != nil || n < 1 || n > 12 {
			return time.Time{}, false
		}
		m = time.Month(n)
	}
	t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	if defMonth == time.December && monthName == "" && monthNum == "" {
		return time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC), true
	}
	if defMonth == time.December {
		t = t.AddDate(0, 1, -1) // the end of that month
	}
	return t, true
}
