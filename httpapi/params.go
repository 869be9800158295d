package httpapi

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Query-string parameters of the non-GraphQL endpoints (/coverage.svg, the GeoJSON layers) that
// carry the same filters as the GraphQL fields.

// The parameters each endpoint takes; any other is refused, so that a misspelt one (state for
// states) is not silently ignored.
var (
	coverageParams = []string{"alliances", "states", "country", "region", "community", "issue", "sample"}
	svgParams      = params(coverageParams, "dimension", "measure")
	hubParams      = params(coverageParams, "bbox", "near", "search", "setting", "activity")
	orgParams      = params(coverageParams, "bbox", "near", "search", "kind", "generation")
	exportParams   = params(orgParams, "via", "include")
)

func params(base []string, more ...string) []string { return append(slices.Clone(base), more...) }

// onlyParams fails on the first parameter of q that allowed does not name, saying which the
// endpoint takes (and which one was probably meant).
func onlyParams(q url.Values, allowed []string) error {
	names := slices.Sorted(maps.Keys(q))
	for _, name := range names {
		if slices.Contains(allowed, name) {
			continue
		}
		hint := ""
		for _, a := range allowed {
			if strings.HasPrefix(a, name) || strings.HasPrefix(name, a) {
				hint = fmt.Sprintf(" (did you mean %s?)", a)
				break
			}
		}
		return fmt.Errorf("unknown parameter %q%s: this endpoint takes %s", name, hint, strings.Join(allowed, ", "))
	}
	return nil
}

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
