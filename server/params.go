package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Query-string parameters of the non-GraphQL endpoints (/coverage.svg, the GeoJSON layers) that
// carry the same filters as the GraphQL fields.

// listParam returns a parameter's values, splitting comma-separated ones; nil when absent.
func listParam(q url.Values, name string) []string {
	raw, ok := q[name]
	if !ok {
		return nil
	}
	out := []string{}
	for _, v := range raw {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func enumParam[T interface {
	~string
	IsValid() bool
}](q url.Values, name string) ([]T, error) {
	values := listParam(q, name)
	if values == nil {
		return nil, nil
	}
	out := make([]T, len(values))
	for i, v := range values {
		out[i] = T(strings.ToUpper(v))
		if !out[i].IsValid() {
			return nil, fmt.Errorf("%s: %q is not one of the allowed values", name, v)
		}
	}
	return out, nil
}

// boolParam returns a true/false parameter; nil when absent.
func boolParam(q url.Values, name string) (*bool, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not true or false", name, s)
	}
	return &b, nil
}

// stringParam returns a parameter; nil when absent.
func stringParam(q url.Values, name string) *string {
	if _, ok := q[name]; !ok {
		return nil
	}
	s := q.Get(name)
	return &s
}

// floatsParam returns a parameter of n comma-separated numbers; nil when absent.
func floatsParam(q url.Values, name string, n int, format string) ([]float64, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("%s: %q is not %s", name, s, format)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not %s", name, s, format)
		}
		out[i] = v
	}
	return out, nil
}
