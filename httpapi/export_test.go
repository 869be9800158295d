package httpapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"rootsgraph/apitest"
	"rootsgraph/model"
)

// This file tests the whole-network exports (GraphML, GEXF, node-link JSON, Cytoscape JSON) over
// the hand-made network of network_test.go: each is parsed back and compared with the GraphQL
// answers for the same network.

// exportGraph is an export read back, in a form every format reduces to: node id → attribute →
// value, and "source target kind" → attribute → value, lists joined with ";".
type exportGraph struct {
	nodes map[string]map[string]string
	edges map[string]map[string]string
}

// nodeIDs returns the node ids, sorted.
func (g exportGraph) nodeIDs() []string { return slices.Sorted(maps.Keys(g.nodes)) }

// edgeKeys returns the edges as "source target KIND" by slug, sorted.
func (g exportGraph) edgeKeys() []string {
	out := []string{}
	for k := range g.edges {
		f := strings.Fields(k)
		out = append(out, apitest.Slug(f[0])+" "+apitest.Slug(f[1])+" "+f[2])
	}
	slices.Sort(out)
	return out
}

// exportFormats are the four exports: path and query, and the Content-Type each answers with.
var exportFormats = []struct {
	name, path, format, contentType string
}{
	{"GraphML", "/export/network.graphml", "", "application/graphml+xml; charset=utf-8"},
	{"GEXF", "/export/network.gexf", "", "application/gexf+xml; charset=utf-8"},
	{"NodeLink", "/export/network.json", "", "application/json"},
	{"Cytoscape", "/export/network.json", "format=cytoscape", "application/json"},
}

// getExport requests an export with the given query string (without format=) and reads it back.
func getExport(t *testing.T, h http.Handler, name, query string) exportGraph {
	t.Helper()
	for _, f := range exportFormats {
		if f.name != name {
			continue
		}
		q := strings.Trim(strings.Join([]string{query, f.format}, "&"), "&")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, f.path+"?"+q, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s?%s: status %d: %s", f.path, q, rec.Code, apitest.Truncate(rec.Body.Bytes(), 500))
		}
		if ct := rec.Header().Get("Content-Type"); ct != f.contentType {
			t.Errorf("GET %s?%s: Content-Type %q; want %q", f.path, q, ct, f.contentType)
		}
		if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("GET %s?%s: Content-Disposition %q; want an attachment", f.path, q, cd)
		}
		switch name {
		case "GraphML":
			return parseGraphML(t, rec.Body.Bytes())
		case "GEXF":
			return parseGEXF(t, rec.Body.Bytes())
		case "NodeLink":
			return parseNodeLink(t, rec.Body.Bytes())
		default:
			return parseCytoscape(t, rec.Body.Bytes())
		}
	}
	t.Fatalf("no export format %s", name)
	return exportGraph{}
}

type xmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func parseGraphML(t *testing.T, body []byte) exportGraph {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"graphml"`
		Keys    []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
			Type string `xml:"attr.type,attr"`
		} `xml:"key"`
		Graph struct {
			EdgeDefault string `xml:"edgedefault,attr"`
			Nodes       []struct {
				ID   string    `xml:"id,attr"`
				Data []xmlData `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				ID     string    `xml:"id,attr"`
				Source string    `xml:"source,attr"`
				Target string    `xml:"target,attr"`
				Data   []xmlData `xml:"data"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v\n%s", err, apitest.Truncate(body, 500))
	}
	if doc.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" {
		t.Errorf("GraphML namespace %q; want http://graphml.graphdrawing.org/xmlns", doc.XMLName.Space)
	}
	if doc.Graph.EdgeDefault != "undirected" {
		t.Errorf("GraphML edgedefault %q; want undirected", doc.Graph.EdgeDefault)
	}
	names := map[string]string{}
	for _, k := range doc.Keys {
		names[k.For+"/"+k.ID] = k.Name
		if k.Name == "sample" && k.Type != "boolean" {
			t.Errorf("GraphML key %s (%s sample): type %q; want boolean", k.ID, k.For, k.Type)
		}
	}
	g := exportGraph{nodes: map[string]map[string]string{}, edges: map[string]map[string]string{}}
	for _, n := range doc.Graph.Nodes {
		attrs := map[string]string{}
		for _, d := range n.Data {
			attrs[names["node/"+d.Key]] = d.Value
		}
		g.nodes[n.ID] = attrs
	}
	for _, e := range doc.Graph.Edges {
		attrs := map[string]string{}
		for _, d := range e.Data {
			attrs[names["edge/"+d.Key]] = d.Value
		}
		if want := e.Source + "|" + e.Target + "|" + attrs["kind"]; e.ID != want {
			t.Errorf("GraphML edge id %q; want %q", e.ID, want)
		}
		g.edges[e.Source+" "+e.Target+" "+attrs["kind"]] = attrs
	}
	return g
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

func parseGEXF(t *testing.T, body []byte) exportGraph {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"gexf"`
		Version string   `xml:"version,attr"`
		Graph   struct {
			DefaultEdgeType string `xml:"defaultedgetype,attr"`
			Attributes      []struct {
				Class     string `xml:"class,attr"`
				Attribute []struct {
					ID    string `xml:"id,attr"`
					Title string `xml:"title,attr"`
					Type  string `xml:"type,attr"`
				} `xml:"attribute"`
			} `xml:"attributes"`
			Nodes []struct {
				ID        string         `xml:"id,attr"`
				Label     string         `xml:"label,attr"`
				AttValues []gexfAttValue `xml:"attvalues>attvalue"`
			} `xml:"nodes>node"`
			Edges []struct {
				ID        string         `xml:"id,attr"`
				Source    string         `xml:"source,attr"`
				Target    string         `xml:"target,attr"`
				Kind      string         `xml:"kind,attr"`
				AttValues []gexfAttValue `xml:"attvalues>attvalue"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v\n%s", err, apitest.Truncate(body, 500))
	}
	if doc.XMLName.Space != "http://gexf.net/1.3" || doc.Version != "1.3" {
		t.Errorf("GEXF namespace %q, version %q; want http://gexf.net/1.3, 1.3", doc.XMLName.Space, doc.Version)
	}
	if doc.Graph.DefaultEdgeType != "undirected" {
		t.Errorf("GEXF defaultedgetype %q; want undirected", doc.Graph.DefaultEdgeType)
	}
	titles := map[string]string{}
	for _, a := range doc.Graph.Attributes {
		for _, at := range a.Attribute {
			titles[a.Class+"/"+at.ID] = at.Title
		}
	}
	g := exportGraph{nodes: map[string]map[string]string{}, edges: map[string]map[string]string{}}
	for _, n := range doc.Graph.Nodes {
		attrs := map[string]string{}
		for _, v := range n.AttValues {
			attrs[titles["node/"+v.For]] = v.Value
		}
		if n.Label != attrs["name"] {
			t.Errorf("GEXF node %s: label %q; want its name %q", n.ID, n.Label, attrs["name"])
		}
		g.nodes[n.ID] = attrs
	}
	for _, e := range doc.Graph.Edges {
		attrs := map[string]string{}
		for _, v := range e.AttValues {
			attrs[titles["edge/"+v.For]] = v.Value
		}
		if e.Kind != attrs["kind"] {
			t.Errorf("GEXF edge %s: kind %q; its kind attribute %q", e.ID, e.Kind, attrs["kind"])
		}
		g.edges[e.Source+" "+e.Target+" "+attrs["kind"]] = attrs
	}
	return g
}

// jsonAttrs turns a JSON object's attributes into strings as GraphML writes them: null → "",
// lists joined with ";", booleans as true/false. id, source, target, key are left out.
func jsonAttrs(t *testing.T, obj map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range obj {
		switch k {
		case "id", "source", "target", "key":
			continue
		}
		switch v := v.(type) {
		case nil:
			out[k] = ""
		case string:
			out[k] = v
		case bool:
			out[k] = strconv.FormatBool(v)
		case []any:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = fmt.Sprint(p)
			}
			out[k] = strings.Join(parts, ";")
		default:
			t.Errorf("JSON attribute %s: unexpected %T %v", k, v, v)
		}
	}
	return out
}

func jsonGraph(t *testing.T, nodes, edges []map[string]any) exportGraph {
	t.Helper()
	g := exportGraph{nodes: map[string]map[string]string{}, edges: map[string]map[string]string{}}
	for _, n := range nodes {
		g.nodes[n["id"].(string)] = jsonAttrs(t, n)
	}
	for _, e := range edges {
		attrs := jsonAttrs(t, e)
		source, target := e["source"].(string), e["target"].(string)
		if e["key"] != e["kind"] {
			t.Errorf("JSON edge %s–%s: key %v; want its kind %v", source, target, e["key"], e["kind"])
		}
		if want := source + "|" + target + "|" + attrs["kind"]; e["id"] != want {
			t.Errorf("JSON edge id %v; want %q", e["id"], want)
		}
		if _, ok := e["sources"].([]any); !ok {
			t.Errorf("JSON edge %s–%s: sources %v; want a list", source, target, e["sources"])
		}
		g.edges[source+" "+target+" "+attrs["kind"]] = attrs
	}
	return g
}

func parseNodeLink(t *testing.T, body []byte) exportGraph {
	t.Helper()
	var doc struct {
		Directed   *bool            `json:"directed"`
		Multigraph *bool            `json:"multigraph"`
		Nodes      []map[string]any `json:"nodes"`
		Links      []map[string]any `json:"links"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("node-link JSON does not parse: %v\n%s", err, apitest.Truncate(body, 500))
	}
	if doc.Directed == nil || *doc.Directed || doc.Multigraph == nil || !*doc.Multigraph {
		t.Errorf("node-link JSON: directed %v, multigraph %v; want false, true", doc.Directed, doc.Multigraph)
	}
	if doc.Nodes == nil || doc.Links == nil {
		t.Errorf("node-link JSON: nodes or links missing: %s", apitest.Truncate(body, 300))
	}
	return jsonGraph(t, doc.Nodes, doc.Links)
}

func parseCytoscape(t *testing.T, body []byte) exportGraph {
	t.Helper()
	var doc struct {
		Elements struct {
			Nodes []struct {
				Data map[string]any `json:"data"`
			} `json:"nodes"`
			Edges []struct {
				Data map[string]any `json:"data"`
			} `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("Cytoscape JSON does not parse: %v\n%s", err, apitest.Truncate(body, 500))
	}
	var nodes, edges []map[string]any
	for _, n := range doc.Elements.Nodes {
		nodes = append(nodes, n.Data)
	}
	for _, e := range doc.Elements.Edges {
		edges = append(edges, e.Data)
	}
	return jsonGraph(t, nodes, edges)
}

// graphQLGraph is the network the GraphQL API gives for the same via and include: network() from
// every node at depth 1 (every node is a seed, so the one hop finds every edge), with the
// attributes the exports write.
func graphQLGraph(s *testServer, ids []string, args string) exportGraph {
	s.t.Helper()
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = strconv.Quote(id)
	}
	if args != "" {
		args = ", " + args
	}
	got := s.network(fmt.Sprintf(`from: [%s], depth: 1, limit: 2000%s`, strings.Join(quoted, ", "), args))
	g := exportGraph{nodes: map[string]map[string]string{}, edges: map[string]map[string]string{}}
	for _, n := range got.Nodes {
		g.nodes[n.ID] = map[string]string{
			"kind": n.Kind, "name": n.Name, "state": model.Deref(n.State), "country": model.Deref(n.Country),
			"alliances": strings.Join(n.Alliances, ";"), "communities": strings.Join(n.Communities, ";"),
			"issues": strings.Join(n.Issues, ";"), "sample": strconv.FormatBool(n.Sample),
		}
	}
	for _, e := range got.Edges {
		titles := make([]string, len(e.Sources))
		for i, src := range e.Sources {
			titles[i] = src.Title
		}
		g.edges[e.Source+" "+e.Target+" "+e.Kind] = map[string]string{
			"kind": e.Kind, "sample": strconv.FormatBool(e.Sample),
			"sources": strings.Join(titles, ";"), "events": strings.Join(e.Events, ";"),
		}
	}
	return g
}

// diffGraphs reports every difference between got and want, node by node and edge by edge.
func diffGraphs(t *testing.T, what string, got, want exportGraph) {
	t.Helper()
	apitest.WantList(t, what+": nodes", got.nodeIDs(), want.nodeIDs())
	apitest.WantList(t, what+": edges", got.edgeKeys(), want.edgeKeys())
	for id, attrs := range want.nodes {
		if g, ok := got.nodes[id]; ok && !maps.Equal(g, attrs) {
			t.Errorf("%s: node %s: %v; want %v", what, id, g, attrs)
		}
	}
	for key, attrs := range want.edges {
		if g, ok := got.edges[key]; ok && !maps.Equal(g, attrs) {
			t.Errorf("%s: edge %s: %v; want %v", what, key, g, attrs)
		}
	}
}

// TestExport checks each export format against the GraphQL answers over the hand-made network,
// with the default edge and node kinds and with via=, include= and filters.
func TestExport(t *testing.T) {
	s := newNetworkServer(t, 1)
	withEvents := append(slices.Clone(apitest.NetworkIDs), "event:march", "event:summit")
	cases := []struct {
		name        string
		query       string
		ids         []string // every node, for the GraphQL answer to compare with; nil: compare with nodes, edges
		graphQLArgs string   // via and include as network() takes them
		measures    string   // networkMeasures arguments giving the same counts
		nodes       []string // by slug, when ids is nil
		edges       []string
	}{
		{name: "Default", ids: apitest.NetworkIDs},
		{
			name: "ViaMemberPartner", query: "via=MEMBER_OF,PARTNERS_WITH", ids: apitest.NetworkIDs,
			graphQLArgs: "via: [MEMBER_OF, PARTNERS_WITH]", measures: "via: [MEMBER_OF, PARTNERS_WITH]",
		},
		{
			name: "IncludeEvents", query: "include=ORGANIZATION,ALLIANCE,EVENT", ids: withEvents,
			graphQLArgs: "include: [ORGANIZATION, ALLIANCE, EVENT]", measures: "include: [ORGANIZATION, ALLIANCE, EVENT]",
		},
		{
			// Lower case is accepted, as in the other endpoints.
			name: "ViaHostsLowerCase", query: "via=hosts", ids: append(slices.Clone(apitest.NetworkIDs), "hub:riverside"),
			graphQLArgs: "via: [HOSTS]", measures: "via: [HOSTS]",
		},
		{
			// hazel goes, with its membership and its two co-participations.
			name: "SampleFalse", query: "sample=false", measures: "filter: {sample: false}",
			nodes: []string{
				"alpha", "beta", "ash", "birch", "cedar", "dogwood", "elm", "fir", "gum", "kapok", "larch", "maple",
			},
			edges: []string{
				"alpha ash MEMBER_OF", "ash birch PARTNERS_WITH", "beta dogwood MEMBER_OF", "beta elm MEMBER_OF",
				"beta fir MEMBER_OF", "birch cedar PARTNERS_WITH", "birch elm CO_PARTICIPATED",
				"cedar dogwood PARTNERS_WITH", "elm gum CO_PARTICIPATED", "elm gum PARTNERS_WITH",
				"fir gum PARTNERS_WITH", "kapok larch PARTNERS_WITH",
			},
		},
		{
			// beta's members, and every alliance.
			name: "AllianceFilter", query: "alliances=alliance:beta", measures: `filter: {alliances: ["alliance:beta"]}`,
			nodes: []string{"alpha", "beta", "dogwood", "elm", "fir"},
			edges: []string{"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "beta fir MEMBER_OF"},
		},
		{
			name: "StateFilterWithVia", query: "states=NM&via=MEMBER_OF", measures: `via: [MEMBER_OF], filter: {states: ["NM"]}`,
			nodes: []string{"alpha", "beta", "ash", "birch", "hazel"},
			edges: []string{"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			var want exportGraph
			if c.ids != nil {
				want = graphQLGraph(s, c.ids, c.graphQLArgs)
				if len(want.nodes) != len(c.ids) {
					t.Fatalf("the GraphQL answer has %d nodes; want %d", len(want.nodes), len(c.ids))
				}
			}
			m := s.measures(c.measures)
			for _, f := range exportFormats {
				got := getExport(t, s.handler, f.name, c.query)
				if len(got.nodes) != m.NodeCount || len(got.edges) != m.EdgeCount {
					t.Errorf("%s: %d nodes, %d edges; networkMeasures counts %d, %d", f.name, len(got.nodes), len(got.edges), m.NodeCount, m.EdgeCount)
				}
				if c.ids != nil {
					diffGraphs(t, f.name, got, want)
					continue
				}
				var ids []string
				for _, id := range got.nodeIDs() {
					ids = append(ids, apitest.Slug(id))
				}
				apitest.WantList(t, f.name+": nodes", ids, c.nodes)
				apitest.WantList(t, f.name+": edges", got.edgeKeys(), c.edges)
			}
		})
	}

	t.Run("DefaultByHand", func(t *testing.T) {
		s.t = t
		// The 15 edges of the picture at the top of network_test.go, and a few attributes.
		for _, f := range exportFormats {
			g := getExport(t, s.handler, f.name, "")
			apitest.WantList(t, f.name+": edges", g.edgeKeys(), []string{
				"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "ash birch PARTNERS_WITH",
				"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "beta fir MEMBER_OF",
				"birch cedar PARTNERS_WITH", "birch elm CO_PARTICIPATED", "cedar dogwood PARTNERS_WITH",
				"elm gum CO_PARTICIPATED", "elm gum PARTNERS_WITH", "elm hazel CO_PARTICIPATED",
				"fir gum PARTNERS_WITH", "gum hazel CO_PARTICIPATED", "kapok larch PARTNERS_WITH",
			})
			wantNode := map[string]map[string]string{
				"organization:ash": {"kind": "ORGANIZATION", "name": "Ash", "state": "NM", "country": "US",
					"alliances": "alliance:alpha", "communities": "INDIGENOUS", "issues": "CLIMATE_JUSTICE", "sample": "false"},
				"organization:hazel": {"kind": "ORGANIZATION", "name": "Hazel", "state": "NM", "country": "US",
					"alliances": "alliance:alpha", "communities": "", "issues": "", "sample": "true"},
				"organization:maple": {"kind": "ORGANIZATION", "name": "Maple", "state": "", "country": "",
					"alliances": "", "communities": "", "issues": "", "sample": "false"},
				"alliance:beta": {"kind": "ALLIANCE", "name": "Beta Alliance", "state": "", "country": "",
					"alliances": "", "communities": "", "issues": "", "sample": "false"},
			}
			for id, want := range wantNode {
				if got := g.nodes[id]; !maps.Equal(got, want) {
					t.Errorf("%s: node %s: %v; want %v", f.name, id, got, want)
				}
			}
			wantEdge := map[string]map[string]string{
				"organization:gum organization:hazel CO_PARTICIPATED": {"kind": "CO_PARTICIPATED", "sample": "true",
					"sources": "gum source;hazel source", "events": "event:summit"},
				"alliance:alpha organization:ash MEMBER_OF": {"kind": "MEMBER_OF", "sample": "false",
					"sources": "ash source", "events": ""},
				// Partners who also met at the summit: the partnership names no event.
				"organization:elm organization:gum PARTNERS_WITH": {"kind": "PARTNERS_WITH", "sample": "false",
					"sources": "elm source;gum source", "events": ""},
			}
			for key, want := range wantEdge {
				if got := g.edges[key]; !maps.Equal(got, want) {
					t.Errorf("%s: edge %s: %v; want %v", f.name, key, got, want)
				}
			}
		}
	})

	for _, c := range []struct{ name, query string }{
		{"Via", "via=FRIENDS_WITH"},
		{"Include", "include=ORGANIZATION,PERSON"},
		{"Sample", "sample=maybe"},
		{"Near", "near=35,-106,10"},
	} {
		for _, f := range exportFormats {
			t.Run("BadInput/"+c.name+"/"+f.name, func(t *testing.T) {
				q := strings.Trim(c.query+"&"+f.format, "&")
				s.db.Commands.Reset()
				rec := httptest.NewRecorder()
				s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, f.path+"?"+q, nil))
				if rec.Code != http.StatusBadRequest {
					t.Errorf("GET %s?%s: status %d; want 400", f.path, q, rec.Code)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q; want application/json", ct)
				}
				wantErrorCode(t, rec, "BAD_USER_INPUT")
				if n := s.db.Commands.Total(); n != 0 {
					t.Errorf("%d database commands; want none for bad input", n)
				}
			})
		}
	}
}

// TestExportBundled exports the bundled data set in every format: each parses and holds its 269
// organizations and alliances, and as many edges as networkMeasures counts.
func TestExportBundled(t *testing.T) {
	s := newTestServer(t, 1)
	m := s.measures("")
	t.Logf("bundled network: %d nodes, %d edges", m.NodeCount, m.EdgeCount)
	if m.NodeCount != 269 {
		t.Errorf("networkMeasures nodeCount %d; want 269", m.NodeCount)
	}
	var first exportGraph
	for i, f := range exportFormats {
		t.Run(f.name, func(t *testing.T) {
			s.t = t
			g := getExport(t, s.handler, f.name, "")
			if len(g.nodes) != 269 || len(g.edges) != m.EdgeCount {
				t.Errorf("%d nodes, %d edges; want 269 and networkMeasures' %d", len(g.nodes), len(g.edges), m.EdgeCount)
			}
			for id, attrs := range g.nodes {
				if k := attrs["kind"]; k != "ORGANIZATION" && k != "ALLIANCE" {
					t.Errorf("node %s: kind %q; want ORGANIZATION or ALLIANCE by default", id, k)
				}
			}
			if i == 0 {
				first = g
			} else {
				diffGraphs(t, f.name+" against "+exportFormats[0].name, g, first)
			}
		})
	}
}

// newNetworkServer serves the hand-made network (apitest/network.go), copies times over.
func newNetworkServer(t *testing.T, copies int) *testServer {
	t.Helper()
	db := apitest.SeedNetwork(t, copies)
	return &testServer{t: t, db: db, handler: New(slog.New(slog.DiscardHandler), db.Store, testOptions()), logs: &bytes.Buffer{}}
}

func (s *testServer) network(args string) apitest.NetAnswer {
	return apitest.Network(s.t, s.mustQuery, args)
}

func (s *testServer) measures(args string) apitest.NetMeasures {
	return apitest.Measures(s.t, s.mustQuery, args)
}

// TestMapsAndExportsHoldNoSample: asked for real data only (sample=false), the map layers and the
// network exports of the bundled data hold no sample record, and the organizations' layer is not
// empty (graph's TestRealDataOnly checks the same through the GraphQL queries).
func TestMapsAndExportsHoldNoSample(t *testing.T) {
	s := newTestServer(t, 1)
	for _, path := range []string{"/organizations.geojson?sample=false", "/hubs.geojson?sample=false"} {
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var fc struct {
			Features []struct{ Properties map[string]any }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &fc); rec.Code != 200 || err != nil {
			t.Fatalf("GET %s: %d %v", path, rec.Code, err)
		}
		for _, f := range fc.Features {
			if f.Properties["sample"] != false {
				t.Errorf("GET %s: %v is sample data", path, f.Properties["name"])
			}
		}
		if strings.HasPrefix(path, "/organizations") && len(fc.Features) == 0 {
			t.Errorf("GET %s: no real organization on the map", path)
		}
	}
	for _, f := range exportFormats {
		g := getExport(t, s.handler, f.name, "sample=false&include=ORGANIZATION,ALLIANCE,EVENT,HUB")
		if len(g.nodes) == 0 {
			t.Fatalf("%s: an empty network", f.name)
		}
		for id, attrs := range g.nodes {
			if attrs["sample"] != "false" {
				t.Errorf("%s: node %s is sample data", f.name, id)
			}
		}
		for key, attrs := range g.edges {
			if attrs["sample"] != "false" {
				t.Errorf("%s: edge %s is sample data", f.name, key)
			}
		}
	}
}
