package model

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Date is a calendar date, "YYYY-MM-DD". Stored as that string, so that it sorts by time.
type Date string

const dateLayout = "2006-01-02"

// ParseDate checks that s is a valid ISO 8601 calendar date and returns it as a Date.
func ParseDate(s string) (Date, error) {
	if _, err := time.Parse(dateLayout, s); err != nil {
		return "", fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return Date(s), nil
}

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL reads a date from a GraphQL input value.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a Date must be a string of the form YYYY-MM-DD")
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
