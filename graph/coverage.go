package graph

import (
	"context"
	"maps"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

// A dimension says what coverage counts by: the field of each collection that holds the
// dimension's value (empty when that collection cannot be counted by it), and whether the field
// is a list (a record counts once for each value).
type dimension struct {
	orgField, hubField, eventField string
	list                           bool
}

var dimensions = map[model.CoverageDimension]dimension{
	model.CoverageDimensionState:     {orgField: "stateId", hubField: "stateId", eventField: "stateId"},
	model.CoverageDimensionRegion:    {orgField: "region", hubField: "region", eventField: "region"},
	model.CoverageDimensionCountry:   {orgField: "country", hubField: "country", eventField: "country"},
	model.CoverageDimensionAlliance:  {orgField: "allianceIds", hubField: "allianceIds", list: true},
	model.CoverageDimensionCommunity: {orgField: "communities", hubField: "communities", list: true},
	model.CoverageDimensionIssue:     {orgField: "issues", hubField: "issues", list: true},
}

// CoverageBuckets counts organizations, hubs and events per value of a dimension (Query.coverage
// and the coverage map), in the database: one aggregate per measure, plus one read of the
// dimension's domain (states or alliances) where it comes from the data. Every value of the
// domain gets a bucket, zeros included.
func (r *Resolver) CoverageBuckets(ctx context.Context, dim model.CoverageDimension, filter *model.CoverageFilter) ([]*model.CoverageBucket, error) {
	orgF, hubF, eventF, eventsApply, err := coverageFilters(filter)
	if err != nil {
		return nil, err
	}
	return r.countCoverage(ctx, dim, orgF, hubF, eventF, eventsApply)
}

// coverageGaps lists the states and provinces with no organization or no hub.
func (r *Resolver) coverageGaps(ctx context.Context, filter *model.CoverageFilter) ([]*model.CoverageGap, error) {
	orgF, hubF, _, _, err := coverageFilters(filter)
	if err != nil {
		return nil, err
	}
	buckets, err := r.countCoverage(ctx, model.CoverageDimensionState, orgF, hubF, store.Filter{}, false)
	if err != nil {
		return nil, err
	}
	var gaps []*model.CoverageGap
	for _, b := range buckets {
		if b.Organizations == 0 || b.Hubs == 0 {
			gaps = append(gaps, &model.CoverageGap{State: b.State, Organizations: b.Organizations, Hubs: b.Hubs})
		}
	}
	return gaps, nil
}

func (r *Resolver) countCoverage(ctx context.Context, dim model.CoverageDimension, orgF, hubF, eventF store.Filter, countEvents bool) ([]*model.CoverageBucket, error) {
	d := dimensions[dim]
	var (
		orgs, hubs, events map[string]int
		states             []*model.State
		alliances          []*model.Alliance
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		orgs, err = r.Store.CountBy(gctx, store.OrganizationCollection, orgF, d.orgField, d.list)
		return err
	})
	g.Go(func() (err error) {
		hubs, err = r.Store.CountBy(gctx, store.HubCollection, hubF, d.hubField, d.list)
		return err
	})
	if countEvents && d.eventField != "" {
		g.Go(func() (err error) {
			events, err = r.Store.CountBy(gctx, store.EventCollection, eventF, d.eventField, false)
			return err
		})
	}
	switch dim {
	case model.CoverageDimensionState, model.CoverageDimensionRegion, model.CoverageDimensionCountry:
		g.Go(func() (err error) {
			states, err = r.Store.States(gctx, store.Page{Filter: stateDomain(orgF)})
			return err
		})
	case model.CoverageDimensionAlliance:
		g.Go(func() (err error) {
			alliances, err = r.Store.Alliances(gctx, store.Page{})
			return err
		})
		if countEvents {
			// An alliance's events are those it organized or took part in, listed on the
			// alliance itself; with an event filter, only the events that pass it count.
			g.Go(func() error {
				if eventF.Empty() {
					return nil
				}
				matching, err := r.Store.Events(gctx, store.Page{Filter: eventF})
				events = map[string]int{}
				for _, e := range matching {
					events[e.ID] = 1
				}
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	l := loaders.For(ctx)
	var out []*model.CoverageBucket
	bucket := func(key, label string, count string) *model.CoverageBucket {
		b := &model.CoverageBucket{Key: key, Label: label, Organizations: orgs[count], Hubs: hubs[count]}
		if events != nil && d.eventField != "" {
			n := events[count]
			b.Events = &n
		}
		return b
	}
	switch dim {
	case model.CoverageDimensionState:
		for _, s := range states {
			l.States.Prime(s.ID, s)
			b := bucket(s.Code, s.Name, s.ID)
			b.State = s
			out = append(out, b)
		}
	case model.CoverageDimensionRegion:
		var regions []string
		for _, s := range states {
			if !slices.Contains(regions, s.Region) {
				regions = append(regions, s.Region)
			}
		}
		slices.Sort(regions)
		for _, region := range regions {
			out = append(out, bucket(region, region, region))
		}
	case model.CoverageDimensionCountry:
		countries := map[string]bool{}
		for _, s := range states {
			countries[s.Country] = true
		}
		for c := range events {
			countries[c] = true // events abroad (COP21 in France, COP22 in Morocco)
		}
		for _, c := range slices.Sorted(maps.Keys(countries)) {
			out = append(out, bucket(c, countryName(c), c))
		}
	case model.CoverageDimensionAlliance:
		for _, a := range alliances {
			l.Alliances.Prime(a.ID, a)
			b := bucket(a.ID, a.Name, a.ID)
			b.Alliance = a
			if countEvents {
				ids := slices.Compact(slices.Sorted(slices.Values(append(slices.Clip(a.OrganizedEventIDs), a.ParticipatedEventIDs...))))
				n := 0
				for _, id := range ids {
					if events == nil || events[id] == 1 {
						n++
					}
				}
				b.Events = &n
			}
			out = append(out, b)
		}
	case model.CoverageDimensionCommunity:
		for _, c := range model.AllCommunity {
			out = append(out, bucket(string(c), enumLabel(string(c)), string(c)))
		}
	case model.CoverageDimensionIssue:
		for _, i := range model.AllIssue {
			label := enumLabel(string(i))
			if i == model.IssueHousing {
				label = "Housing and the right to the city"
			}
			out = append(out, bucket(string(i), label, string(i)))
		}
	}
	return out, nil
}

// stateDomain narrows the states and provinces that get a bucket to those the filter's
// geography (states, country, region) allows, so that a map of Canada shows only Canada.
func stateDomain(f store.Filter) store.Filter {
	var out store.Filter
	for _, c := range f.Clauses {
		switch c.Field {
		case "stateId":
			out.Clauses = append(out.Clauses, store.Clause{Field: "_id", Values: c.Values})
		case "country", "region":
			out.Clauses = append(out.Clauses, c)
		}
	}
	return out
}

// enumLabel turns AFRICAN_AMERICAN into "African American"-like words: the first letter of the
// first word capitalised, except for acronyms kept as they are.
func enumLabel(v string) string {
	words := strings.Split(strings.ToLower(v), "_")
	for i, w := range words {
		switch {
		case w == "lgbtq":
			words[i] = "LGBTQ"
		case i == 0 || v == "AFRICAN_AMERICAN" || v == "PACIFIC_ISLANDER":
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.NewReplacer("womens", "women's", "Womens", "Women's").Replace(strings.Join(words, " "))
}

// countryName names the countries the data mentions; others keep their code.
func countryName(code string) string {
	switch code {
	case "US":
		return "United States"
	case "CA":
		return "Canada"
	case "FR":
		return "France"
	case "MA":
		return "Morocco"
	}
	return code
}
