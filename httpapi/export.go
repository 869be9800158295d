package httpapi

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"rootsgraph/apierr"
	"rootsgraph/graph"
	"rootsgraph/model"
	"rootsgraph/web/netexport"
)

// The whole-network exports researchers load into Gephi, NetworkX, igraph and Cytoscape:
//
//	GET /export/network.graphml   GraphML (networkx.read_graphml, Gephi, igraph, Cytoscape)
//	GET /export/network.gexf      GEXF 1.3 (Gephi)
//	GET /export/network.json      node-link JSON (networkx.node_link_graph(data, edges="links"))
//	GET /export/network.json?format=cytoscape   Cytoscape.js / Cytoscape desktop elements JSON
//
// with via= and include= (comma-separated EdgeKind and NetworkNodeKind values, as the network
// query takes them) and the organization filter fields as parameters. The network is read with one
// command per collection and written out as it is walked, node by node and edge by edge. List
// attributes (alliances, communities, issues, sources, events) are joined with ";" in GraphML
// and GEXF, which have no list type, and are arrays in JSON.

type exportFormat int

const (
	graphML exportFormat = iota
	gexf
	nodeLinkJSON
)

func handleExport(resolver *graph.Resolver, logger *slog.Logger, format exportFormat) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		allowed := exportParams
		if format == nodeLinkJSON {
			allowed = params(exportParams, "format")
		}
		if err := onlyParams(q, allowed); err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		if f := q.Get("format"); f != "" && f != "cytoscape" && f != "node-link" {
			apierr.Write(w, apierr.BadUserInput,
				fmt.Sprintf("format: %q is neither node-link (the default, for NetworkX) nor cytoscape; for GraphML or GEXF ask /export/network.graphml or .gexf", f))
			return
		}
		via, err := enumParam[model.EdgeKind](q, "via")
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		include, err := enumParam[model.NetworkNodeKind](q, "include")
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		filter, err := organizationFilterFromQuery(q)
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		if isEmptyFilter(q) {
			filter = nil
		}
		whole, err := resolver.Whole(r.Context(), via, include, filter)
		if writeResolverError(w, r, logger, err) {
			return
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		switch format {
		case graphML:
			w.Header().Set("Content-Type", "application/graphml+xml; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="roots-network.graphml"`)
			err = netexport.GraphML(bw, whole)
		case gexf:
			w.Header().Set("Content-Type", "application/gexf+xml; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="roots-network.gexf"`)
			err = netexport.GEXF(bw, whole)
		case nodeLinkJSON:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Disposition", `attachment; filename="roots-network.json"`)
			if q.Get("format") == "cytoscape" {
				err = netexport.Cytoscape(bw, whole)
			} else {
				err = netexport.NodeLink(bw, whole)
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		_ = err // the response has started; a failed write means the client went away
	})
}

// isEmptyFilter reports whether the request has no organization filter parameters.
func isEmptyFilter(q url.Values) bool {
	for k := range q {
		if k != "via" && k != "include" && k != "format" {
			return false
		}
	}
	return true
}
