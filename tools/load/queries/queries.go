// Package queries holds the operations that the load tool (tools/load) and the executor
// benchmarks (httpapi/bench_test.go) measure, so that both measure the same thing.
package queries

// All are the operations the load tool knows by name: one for each kind of client the README
// names (dashboards, map widgets, researchers). They run unchanged on the data set as shipped and on one made larger with
// --sample-scale; where the larger set has more to return, the API's own bounds (page sizes, the
// network's node limit) keep the answer bounded.
var All = []Query{
	{
		Name: "node",
		What: "one organization by id, with its state and alliances (any client)",
		Text: `query Node { node(id: "organization:it-takes-roots") { id ... on Organization {
  name kind description website city state { code name } alliances { id acronym name } sources { title url } } } }`,
	},
	{
		Name: "coverage",
		What: "organizations, hubs and events per state and province (partner dashboards)",
		Text: `query Coverage { coverage(dimension: STATE) { key label organizations hubs events } }`,
	},
	{
		Name: "bbox",
		What: "Resistance Hubs inside a box over the western US (map widgets)",
		Text: `query Bbox { hubs(first: 100, filter: {within: {west: -125, south: 31, east: -103, north: 49}}) {
  totalCount edges { node { id name city lat lng setting activities } } } }`,
	},
	{
		Name: "list",
		What: "100 organizations with their alliances and state (partner dashboards)",
		Text: `query List { organizations(first: 100) { totalCount edges { node {
  id name alliances { id name } state { code name } } } } }`,
	},
	{
		Name: "page",
		What: "100 organizations with their alliances and state, without a count (the query of the side-by-side comparison with Apollo Server in BENCHMARKS.md)",
		Text: `query Page { organizations(first: 100) { edges { node { name alliances { name } state { name } } } } }`,
	},
	{
		Name: "network",
		What: "the depth-3 neighbourhood of a member organization through alliances and partnerships (researchers)",
		Text: `query Network { network(from: ["organization:embergrove-nations-sovereignty-council-sample"], depth: 3, via: [MEMBER_OF, PARTNERS_WITH]) {
  truncated nodes { id kind name depth state } edges { source target kind } } }`,
	},
}

// Query is one named operation.
type Query struct {
	Name string // short name: node, coverage, bbox, list, page, network
	What string // who asks it, and for what
	Text string // the GraphQL document
}

// Named returns the query with the given name.
func Named(name string) (Query, bool) {
	for _, q := range All {
		if q.Name == name {
			return q, true
		}
	}
	return Query{}, false
}
