package httpapi

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"rootsgraph/apierr"
	"rootsgraph/graph"
	"rootsgraph/model"
	"rootsgraph/web/tilemap"
)

// handleCoverageSVG draws coverage by state and province as a tile-grid map:
//
//	GET /coverage.svg?dimension=STATE&measure=organizations&alliances=alliance:climate-justice-alliance
//
// measure is organizations, hubs or events; the filter parameters are those of CoverageFilter
// (alliances, states, country, region, community, issue, sample), each a comma-separated list or
// repeated. It answers through the same resolver as the coverage query, so the counts, the
// validation and the error codes are the same.
func handleCoverageSVG(resolver *graph.Resolver, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if err := onlyParams(q, svgParams); err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		if d := q.Get("dimension"); d != "" && d != string(model.CoverageDimensionState) {
			apierr.Write(w, apierr.BadUserInput,
				"dimension: the map shows states and provinces; use dimension=STATE or omit it")
			return
		}
		measure := q.Get("measure")
		if measure == "" {
			measure = "organizations"
		}
		if measure != "organizations" && measure != "hubs" && measure != "events" {
			apierr.Write(w, apierr.BadUserInput,
				fmt.Sprintf("measure: %q is not one of organizations, hubs, events", measure))
			return
		}
		filter, err := coverageFilterFromQuery(q)
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		buckets, err := resolver.CoverageBuckets(r.Context(), model.CoverageDimensionState, filter)
		if writeResolverError(w, r, logger, err) {
			return
		}
		values := make([]tilemap.Value, 0, len(buckets))
		for _, b := range buckets {
			v := b.Organizations
			switch measure {
			case "hubs":
				v = b.Hubs
			case "events":
				if b.Events == nil {
					continue // not countable with this filter: drawn as no data
				}
				v = *b.Events
			}
			values = append(values, tilemap.Value{Code: b.Key, Name: b.Label, Value: v})
		}
		title := strings.ToUpper(measure[:1]) + measure[1:] + " by state and province"
		if s := filterSummary(q); s != "" {
			title += " (" + s + ")"
		}
		var buf bytes.Buffer
		if err := tilemap.Render(&buf, title, measure, values); err != nil {
			apierr.Write(w, apierr.Internal, "the map could not be drawn")
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
	})
}

// coverageFilterFromQuery reads a CoverageFilter from query parameters: the fields every
// filter of the non-GraphQL endpoints shares (the GeoJSON filters build on it).
func coverageFilterFromQuery(q url.Values) (*model.CoverageFilter, error) {
	f := &model.CoverageFilter{
		Alliances: listParam(q, "alliances"),
		States:    listParam(q, "states"),
		Country:   listParam(q, "country"),
		Region:    listParam(q, "region"),
	}
	var err error
	if f.Community, err = enumParam[model.Community](q, "community"); err != nil {
		return nil, err
	}
	if f.Issue, err = enumParam[model.Issue](q, "issue"); err != nil {
		return nil, err
	}
	if f.Sample, err = boolParam(q, "sample"); err != nil {
		return nil, err
	}
	return f, nil
}

// filterSummary names the filters in force, for the map's title.
func filterSummary(q url.Values) string {
	var parts []string
	for _, name := range []string{"alliances", "states", "country", "region", "community", "issue", "sample"} {
		if v := listParam(q, name); len(v) > 0 {
			for i := range v {
				v[i] = strings.TrimPrefix(v[i], model.AlliancePrefix+":")
			}
			parts = append(parts, name+": "+strings.Join(v, ", "))
		}
	}
	return strings.Join(parts, "; ")
}
