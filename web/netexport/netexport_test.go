package netexport_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"rootsgraph/model"
	"rootsgraph/network"
	"rootsgraph/web/netexport"
)

// small is a network of an organization, an alliance and the membership between them.
type small struct{}

func (small) Nodes() []string { return []string{"alliance:a", "organization:o"} }
func (small) Edges() []network.Edge {
	return []network.Edge{{From: "organization:o", To: "alliance:a", Kind: string(model.EdgeKindMemberOf)}}
}
func (small) Node(id string) *model.NetworkNode {
	state := "NM"
	n := &model.NetworkNode{ID: id, Name: "Org <&> \"quoted\"", Kind: model.NetworkNodeKindOrganization, State: &state,
		Alliances: []string{"alliance:a"}, Communities: []model.Community{model.CommunityLatino}, Issues: []model.Issue{}}
	if strings.HasPrefix(id, "alliance:") {
		n = &model.NetworkNode{ID: id, Name: "Alliance A", Kind: model.NetworkNodeKindAlliance, Alliances: []string{}, Communities: []model.Community{}, Issues: []model.Issue{}}
	}
	return n
}
func (small) Edge(e network.Edge) *model.NetworkEdge {
	url := "https://example.org/list"
	return &model.NetworkEdge{Source: e.From, Target: e.To, Kind: model.EdgeKind(e.Kind),
		Sources: []*model.Source{{Title: "The list; page 2", URL: &url}}, Events: []string{}}
}

func write(t *testing.T, f func(*bufio.Writer, netexport.Network) error) []byte {
	t.Helper()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := f(w, small{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXMLExportsAreWellFormed: GraphML and GEXF parse as XML, escape names, and hold every node
// and edge with its attributes.
func TestXMLExportsAreWellFormed(t *testing.T) {
	for name, f := range map[string]func(*bufio.Writer, netexport.Network) error{"GraphML": netexport.GraphML, "GEXF": netexport.GEXF} {
		out := write(t, f)
		dec := xml.NewDecoder(bytes.NewReader(out))
		nodes, edges, texts := 0, 0, []string{}
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				switch tok.Name.Local {
				case "node":
					nodes++
				case "edge":
					edges++
				}
				for _, a := range tok.Attr {
					texts = append(texts, a.Value)
				}
			case xml.CharData:
				texts = append(texts, string(tok))
			}
		}
		all := strings.Join(texts, "|")
		if nodes != 2 || edges != 1 || !strings.Contains(all, `Org <&> "quoted"`) || !strings.Contains(all, "MEMBER_OF") || !strings.Contains(all, "LATINO") {
			t.Errorf("%s: %d nodes, %d edges, text %q; want 2, 1, the name unescaped, the kinds and attributes", name, nodes, edges, all)
		}
	}
}

// TestJSONExports: node-link JSON has nodes and links with list attributes as arrays; Cytoscape
// has data elements with source and target.
func TestJSONExports(t *testing.T) {
	var nl struct {
		Nodes []map[string]any
		Links []map[string]any
	}
	if err := json.Unmarshal(write(t, netexport.NodeLink), &nl); err != nil {
		t.Fatal(err)
	}
	if len(nl.Nodes) != 2 || len(nl.Links) != 1 || nl.Links[0]["source"] != "organization:o" {
		t.Fatalf("node-link: %+v", nl)
	}
	if srcs, ok := nl.Links[0]["sources"].([]any); !ok || len(srcs) != 1 {
		t.Errorf("node-link sources %v; want a one-element array (not joined with ;)", nl.Links[0]["sources"])
	}
	var cy struct {
		Elements struct {
			Nodes []struct{ Data map[string]any }
			Edges []struct{ Data map[string]any }
		}
	}
	if err := json.Unmarshal(write(t, netexport.Cytoscape), &cy); err != nil {
		t.Fatal(err)
	}
	if len(cy.Elements.Nodes) != 2 || len(cy.Elements.Edges) != 1 || cy.Elements.Edges[0].Data["target"] != "alliance:a" {
		t.Errorf("cytoscape: %+v", cy)
	}
}
