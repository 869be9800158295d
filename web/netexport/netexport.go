// Package netexport writes a network as the files researchers load into Gephi, NetworkX, igraph
// and Cytoscape: GraphML, GEXF 1.3, node-link JSON and Cytoscape.js elements, node by node and
// edge by edge as it walks them. List attributes (alliances, communities, issues, sources,
// events) are joined with ";" in GraphML and GEXF, which have no list type, and are arrays in
// JSON. It needs neither HTTP nor the store; server's /export/network.* routes use it.
package netexport

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"rootsgraph/model"
	"rootsgraph/network"
)

// Network is what an export writes: its node ids and edges, in the order to write them, and
// each one's attributes.
type Network interface {
	Nodes() []string
	Edges() []network.Edge
	Node(id string) *model.NetworkNode
	Edge(e network.Edge) *model.NetworkEdge
}

// nodeAttrs are the attributes every export gives a node, in a fixed order.
var nodeAttrs = []struct{ name, kind string }{
	{"kind", "string"}, {"name", "string"}, {"state", "string"}, {"country", "string"},
	{"alliances", "string"}, {"communities", "string"}, {"issues", "string"}, {"sample", "boolean"},
}

var edgeAttrs = []struct{ name, kind string }{
	{"kind", "string"}, {"sample", "boolean"}, {"sources", "string"}, {"events", "string"},
}

func nodeValues(n *model.NetworkNode) []string {
	return []string{string(n.Kind), n.Name, model.Deref(n.State), model.Deref(n.Country), strings.Join(n.Alliances, ";"),
		strings.Join(model.Strings(n.Communities), ";"), strings.Join(model.Strings(n.Issues), ";"), strconv.FormatBool(n.Sample)}
}

func edgeValues(e *model.NetworkEdge) []string {
	titles := make([]string, len(e.Sources))
	for i, s := range e.Sources {
		titles[i] = s.Title
	}
	return []string{string(e.Kind), strconv.FormatBool(e.Sample), strings.Join(titles, ";"), strings.Join(e.Events, ";")}
}

func edgeID(e network.Edge) string { return e.From + "|" + e.To + "|" + e.Kind }

// xmlWriter writes tokens and keeps the first error.
type xmlWriter struct {
	enc *xml.Encoder
	err error
}

func (x *xmlWriter) start(name string, attrs ...string) {
	el := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	if x.err == nil {
		x.err = x.enc.EncodeToken(el)
	}
}

func (x *xmlWriter) end(name string) {
	if x.err == nil {
		x.err = x.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
	}
}

func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = x.enc.EncodeToken(xml.CharData(s))
	}
}

func (x *xmlWriter) flush() error {
	if x.err == nil {
		x.err = x.enc.Flush()
	}
	return x.err
}

// GraphML writes the network as GraphML (networkx.read_graphml, Gephi, igraph, Cytoscape).
func GraphML(w *bufio.Writer, whole Network) error {
	_, _ = w.WriteString(xml.Header)
	x := &xmlWriter{enc: xml.NewEncoder(w)}
	x.start("graphml", "xmlns", "http://graphml.graphdrawing.org/xmlns")
	for i, a := range nodeAttrs {
		x.start("key", "id", fmt.Sprintf("n%d", i), "for", "node", "attr.name", a.name, "attr.type", a.kind)
		x.end("key")
	}
	for i, a := range edgeAttrs {
		x.start("key", "id", fmt.Sprintf("e%d", i), "for", "edge", "attr.name", a.name, "attr.type", a.kind)
		x.end("key")
	}
	x.start("graph", "id", "roots-network", "edgedefault", "undirected")
	for _, id := range whole.Nodes() {
		x.start("node", "id", id)
		for i, v := range nodeValues(whole.Node(id)) {
			x.start("data", "key", fmt.Sprintf("n%d", i))
			x.text(v)
			x.end("data")
		}
		x.end("node")
	}
	for _, e := range whole.Edges() {
		x.start("edge", "id", edgeID(e), "source", e.From, "target", e.To)
		for i, v := range edgeValues(whole.Edge(e)) {
			x.start("data", "key", fmt.Sprintf("e%d", i))
			x.text(v)
			x.end("data")
		}
		x.end("edge")
	}
	x.end("graph")
	x.end("graphml")
	return x.flush()
}

// GEXF writes the network as GEXF 1.3 (Gephi).
func GEXF(w *bufio.Writer, whole Network) error {
	_, _ = w.WriteString(xml.Header)
	x := &xmlWriter{enc: xml.NewEncoder(w)}
	x.start("gexf", "xmlns", "http://gexf.net/1.3", "version", "1.3")
	x.start("meta")
	x.start("creator")
	x.text("Roots Graph")
	x.end("creator")
	x.start("description")
	x.text("The It Takes Roots coalition network; records marked sample=true are sample data")
	x.end("description")
	x.end("meta")
	x.start("graph", "defaultedgetype", "undirected", "mode", "static")
	for _, cls := range []struct {
		class string
		attrs []struct{ name, kind string }
	}{{"node", nodeAttrs}, {"edge", edgeAttrs}} {
		x.start("attributes", "class", cls.class)
		for i, a := range cls.attrs {
			x.start("attribute", "id", fmt.Sprintf("%s%d", cls.class[:1], i), "title", a.name, "type", a.kind)
			x.end("attribute")
		}
		x.end("attributes")
	}
	x.start("nodes")
	for _, id := range whole.Nodes() {
		n := whole.Node(id)
		x.start("node", "id", id, "label", n.Name)
		x.start("attvalues")
		for i, v := range nodeValues(n) {
			x.start("attvalue", "for", fmt.Sprintf("n%d", i), "value", v)
			x.end("attvalue")
		}
		x.end("attvalues")
		x.end("node")
	}
	x.end("nodes")
	x.start("edges")
	for _, e := range whole.Edges() {
		// GEXF 1.3 keeps parallel edges apart by their kind.
		x.start("edge", "id", edgeID(e), "source", e.From, "target", e.To, "kind", e.Kind, "label", e.Kind)
		x.start("attvalues")
		for i, v := range edgeValues(whole.Edge(e)) {
			x.start("attvalue", "for", fmt.Sprintf("e%d", i), "value", v)
			x.end("attvalue")
		}
		x.end("attvalues")
		x.end("edge")
	}
	x.end("edges")
	x.end("graph")
	x.end("gexf")
	return x.flush()
}

// jsonNode and jsonEdge are the JSON shapes of nodes and edges, attributes as typed values.
func jsonNode(n *model.NetworkNode) map[string]any {
	return map[string]any{
		"id": n.ID, "kind": n.Kind, "name": n.Name, "state": n.State, "country": n.Country,
		"alliances": n.Alliances, "communities": n.Communities, "issues": n.Issues, "sample": n.Sample,
	}
}

func jsonEdge(e network.Edge, me *model.NetworkEdge) map[string]any {
	titles := make([]string, len(me.Sources))
	for i, s := range me.Sources {
		titles[i] = s.Title
	}
	return map[string]any{
		"id": edgeID(e), "source": e.From, "target": e.To, "key": e.Kind, "kind": e.Kind,
		"sample": me.Sample, "sources": titles, "events": me.Events,
	}
}

// writeList writes a JSON array one element at a time.
func writeList(w *bufio.Writer, n int, item func(i int) any) error {
	_ = w.WriteByte('[')
	for i := range n {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		b, err := json.Marshal(item(i))
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return w.WriteByte(']')
}

// NodeLink writes the network as node-link JSON (networkx.node_link_graph; see the README for
// the call that fits each NetworkX version).
func NodeLink(w *bufio.Writer, whole Network) error {
	nodes, edges := whole.Nodes(), whole.Edges()
	_, _ = w.WriteString(`{"directed":false,"multigraph":true,"graph":{"name":"It Takes Roots coalition network"},"nodes":`)
	if err := writeList(w, len(nodes), func(i int) any { return jsonNode(whole.Node(nodes[i])) }); err != nil {
		return err
	}
	_, _ = w.WriteString(`,"links":`)
	if err := writeList(w, len(edges), func(i int) any { return jsonEdge(edges[i], whole.Edge(edges[i])) }); err != nil {
		return err
	}
	_, err := w.WriteString("}\n")
	return err
}

// Cytoscape writes the network as Cytoscape.js elements JSON (Cytoscape.js, Cytoscape desktop).
func Cytoscape(w *bufio.Writer, whole Network) error {
	nodes, edges := whole.Nodes(), whole.Edges()
	_, _ = w.WriteString(`{"data":{"name":"It Takes Roots coalition network"},"elements":{"nodes":`)
	if err := writeList(w, len(nodes), func(i int) any { return map[string]any{"data": jsonNode(whole.Node(nodes[i]))} }); err != nil {
		return err
	}
	_, _ = w.WriteString(`,"edges":`)
	if err := writeList(w, len(edges), func(i int) any {
		return map[string]any{"data": jsonEdge(edges[i], whole.Edge(edges[i]))}
	}); err != nil {
		return err
	}
	_, err := w.WriteString("}}\n")
	return err
}
