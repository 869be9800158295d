package main

// queries are the operations the load tool knows by name: one for each kind of client in
// DESIGN.md. They run unchanged on the data set as shipped and on one made larger with
// --sample-scale; where the larger set has more to return, the API's own bounds (page sizes, the
// network's node limit) keep the answer bounded.
var queries = []namedQuery{
	{
		name: "node",
		what: "one organization by id, with its state and alliances (any client)",
		query: `query Node { node(id: "organization:it-takes-roots") { id ... on Organization {
  name kind description website city state { code name } alliances { id acronym name } sources { title url } } } }`,
	},
	{
		name:  "coverage",
		what:  "organizations, hubs and events per state and province (partner dashboards)",
		query: `query Coverage { coverage(dimension: STATE) { key label organizations hubs events } }`,
	},
	{
		name: "bbox",
		what: "Resistance Hubs inside a box over the western US (map widgets)",
		query: `query Bbox { hubs(first: 100, filter: {within: {west: -125, south: 31, east: -103, north: 49}}) {
  totalCount edges { node { id name city lat lng setting activities } } } }`,
	},
	{
		name: "list",
		what: "100 organizations with their alliances and state (partner dashboards)",
		query: `query List { organizations(first: 100) { totalCount edges { node {
  id name alliances { id name } state { code name } } } } }`,
	},
	{
		name: "network",
		what: "the depth-3 neighbourhood of a member organization through alliances and partnerships (researchers)",
		query: `query Network { network(from: ["organization:embergrove-nations-sovereignty-council-sample"], depth: 3, via: [MEMBER_OF, PARTNERS_WITH]) {
  truncated nodes { id kind name depth state } edges { source target kind } } }`,
	},
}

type namedQuery struct {
	name, what, query string
}

func queryNamed(name string) (namedQuery, bool) {
	for _, q := range queries {
		if q.name == name {
			return q, true
		}
	}
	return namedQuery{}, false
}
