package graph

import (
	"context"
	"slices"
	"strings"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/network"
	"rootsgraph/store"
)

// This file builds the coalition's network from the documents: which records are nodes, which
// references are edges of which kind, and how one hop of a search reads the database (one
// command per collection and hop; see hopExpander).

// Limits of the network queries.
const (
	maxNetworkDepth = 4
	maxNetworkLimit = 2000
	maxPathDepth    = 8
)

// netSpec is a validated choice of edge kinds and node kinds.
type netSpec struct {
	via     map[model.EdgeKind]bool
	include map[model.NetworkNodeKind]bool
}

// newNetSpec resolves via and include: nodes are organizations and alliances unless include says
// otherwise, and asking for an edge kind that reaches events or hubs includes them. Without via,
// every kind the included nodes can have.
func newNetSpec(via []model.EdgeKind, include []model.NetworkNodeKind) netSpec {
	s := netSpec{via: map[model.EdgeKind]bool{}, include: map[model.NetworkNodeKind]bool{}}
	if include == nil {
		include = []model.NetworkNodeKind{model.NetworkNodeKindOrganization, model.NetworkNodeKindAlliance}
	}
	for _, k := range include {
		s.include[k] = true
	}
	for _, k := range via {
		s.via[k] = true
		switch k {
		case model.EdgeKindOrganized, model.EdgeKindParticipatedIn:
			s.include[model.NetworkNodeKindEvent] = true
		case model.EdgeKindHosts:
			s.include[model.NetworkNodeKindHub] = true
		}
	}
	if via == nil {
		s.via[model.EdgeKindMemberOf] = true
		s.via[model.EdgeKindPartnersWith] = true
		s.via[model.EdgeKindCoParticipated] = true
		if s.include[model.NetworkNodeKindEvent] {
			s.via[model.EdgeKindOrganized] = true
			s.via[model.EdgeKindParticipatedIn] = true
		}
		if s.include[model.NetworkNodeKindHub] {
			s.via[model.EdgeKindHosts] = true
		}
	}
	return s
}

// nodeKind returns the network kind of a global id, and false for ids of types that are never
// nodes (states).
func nodeKind(id string) (model.NetworkNodeKind, bool) {
	prefix, _, ok := model.SplitID(id)
	if !ok {
		return "", false
	}
	switch prefix {
	case model.OrganizationPrefix:
		return model.NetworkNodeKindOrganization, true
	case model.AlliancePrefix:
		return model.NetworkNodeKindAlliance, true
	case model.EventPrefix:
		return model.NetworkNodeKindEvent, true
	case model.HubPrefix:
		return model.NetworkNodeKindHub, true
	}
	return "", false
}

func (s netSpec) allows(id string) bool {
	k, ok := nodeKind(id)
	return ok && s.include[k]
}

// edgesOf returns the edges a document states itself (from its own reference fields), of the
// kinds s asks for, to nodes s includes. CO_PARTICIPATED is not stated by any one document; see
// coParticipation.
func (s netSpec) edgesOf(doc any) []network.Edge {
	var out []network.Edge
	add := func(kind model.EdgeKind, from string, to []string) {
		if !s.via[kind] || !s.allows(from) {
			return
		}
		for _, t := range to {
			if s.allows(t) && t != from {
				out = append(out, network.Edge{From: from, To: t, Kind: string(kind)})
			}
		}
	}
	switch d := doc.(type) {
	case *model.Organization:
		add(model.EdgeKindMemberOf, d.ID, d.AllianceIDs)
		add(model.EdgeKindPartnersWith, d.ID, d.PartnerIDs)
		add(model.EdgeKindOrganized, d.ID, d.OrganizedEventIDs)
		add(model.EdgeKindParticipatedIn, d.ID, d.ParticipatedEventIDs)
	case *model.Alliance:
		add(model.EdgeKindMemberOf, d.ID, d.AllianceIDs)
		add(model.EdgeKindOrganized, d.ID, d.OrganizedEventIDs)
		add(model.EdgeKindParticipatedIn, d.ID, d.ParticipatedEventIDs)
	case *model.Hub:
		add(model.EdgeKindHosts, d.ID, d.HostIDs)
	}
	return out
}

// coParticipation returns the CO_PARTICIPATED edges between the given organizations and the
// others (every organization in all), with the events each pair shares.
func coParticipation(from []*model.Organization, all []*model.Organization) ([]network.Edge, map[[2]string][]string) {
	byEvent := map[string][]string{}
	for _, o := range all {
		for _, e := range o.ParticipatedEventIDs {
			byEvent[e] = append(byEvent[e], o.ID)
		}
	}
	shared := map[[2]string][]string{}
	for _, o := range from {
		for _, e := range o.ParticipatedEventIDs {
			for _, other := range byEvent[e] {
				if other == o.ID {
					continue
				}
				pair := pairOf(o.ID, other)
				if !slices.Contains(shared[pair], e) {
					shared[pair] = append(shared[pair], e)
				}
			}
		}
	}
	edges := make([]network.Edge, 0, len(shared))
	for pair, events := range shared {
		slices.Sort(events)
		edges = append(edges, network.Edge{From: pair[0], To: pair[1], Kind: string(model.EdgeKindCoParticipated)})
	}
	return edges, shared
}

func pairOf(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// netBuilder gathers what a network answer needs while a search runs: the documents read, and
// the events behind each CO_PARTICIPATED edge.
type netBuilder struct {
	spec   netSpec
	docs   map[string]any
	shared map[[2]string][]string
}

func newNetBuilder(spec netSpec) *netBuilder {
	return &netBuilder{spec: spec, docs: map[string]any{}, shared: map[[2]string][]string{}}
}

// hopExpander reads one hop of a search: the frontier's own documents and, for edges stored on
// the far side, the documents that point at the frontier, all in one loaders.Level (one command
// per collection); then, for CO_PARTICIPATED, the organizations that took part in the frontier
// organizations' events (one more command).
func (b *netBuilder) hopExpander(l *loaders.Loaders) network.Expander {
	s := b.spec
	return func(ctx context.Context, frontier []string) ([]network.Edge, error) {
		lv := l.Level()
		var orgIDs, allianceIDs, eventIDs, hubIDs []string
		for _, id := range frontier {
			switch k, _ := nodeKind(id); k {
			case model.NetworkNodeKindOrganization:
				orgIDs = append(orgIDs, id)
			case model.NetworkNodeKindAlliance:
				allianceIDs = append(allianceIDs, id)
			case model.NetworkNodeKindEvent:
				eventIDs = append(eventIDs, id)
			case model.NetworkNodeKindHub:
				hubIDs = append(hubIDs, id)
			}
		}
		lv.ByID(store.OrganizationCollection, orgIDs...)
		lv.ByID(store.AllianceCollection, allianceIDs...)
		lv.ByID(store.EventCollection, eventIDs...)
		lv.ByID(store.HubCollection, hubIDs...)
		type refLookup struct {
			kind model.EdgeKind
			ref  store.Ref
			ids  []string
		}
		lookups := []refLookup{
			{model.EdgeKindMemberOf, store.OrganizationsByAlliance, allianceIDs},
			{model.EdgeKindMemberOf, store.AlliancesByAlliance, allianceIDs},
			{model.EdgeKindPartnersWith, store.OrganizationsByPartner, orgIDs},
			{model.EdgeKindHosts, store.HubsByHost, orgIDs},
			{model.EdgeKindOrganized, store.OrganizationsByOrganizedEvent, eventIDs},
			{model.EdgeKindOrganized, store.AlliancesByOrganizedEvent, eventIDs},
			{model.EdgeKindParticipatedIn, store.OrganizationsByParticipatedEvent, eventIDs},
			{model.EdgeKindParticipatedIn, store.AlliancesByParticipatedEvent, eventIDs},
		}
		for _, lk := range lookups {
			if s.via[lk.kind] && len(lk.ids) > 0 {
				lv.ByRef(lk.ref, lk.ids...)
			}
		}
		if err := lv.Run(ctx); err != nil {
			return nil, err
		}

		inFrontier := map[string]bool{}
		for _, id := range frontier {
			inFrontier[id] = true
		}
		var edges []network.Edge
		keep := func(doc any) {
			if archived(doc) {
				return // an archived record is out of the network: it states no edge
			}
			for _, e := range s.edgesOf(doc) {
				if inFrontier[e.From] || inFrontier[e.To] {
					edges = append(edges, e)
				}
			}
		}
		var frontierOrgs []*model.Organization
		for _, id := range frontier {
			doc, err := nodeThunk(ctx, id)() // read just above: a cache hit
			if err != nil {
				return nil, err
			}
			if doc == nil {
				continue // a dangling reference: no node
			}
			b.docs[id] = doc
			keep(doc)
			if o, ok := doc.(*model.Organization); ok {
				frontierOrgs = append(frontierOrgs, o)
			}
		}
		for _, lk := range lookups {
			if !s.via[lk.kind] {
				continue
			}
			for _, id := range lk.ids {
				docs, err := refDocs(ctx, l, lk.ref, id)
				if err != nil {
					return nil, err
				}
				for _, d := range docs {
					b.docs[d.(model.Node).GetID()] = d
					keep(d)
				}
			}
		}

		if s.via[model.EdgeKindCoParticipated] && s.include[model.NetworkNodeKindOrganization] && len(frontierOrgs) > 0 {
			var events []string
			for _, o := range frontierOrgs {
				events = append(events, o.ParticipatedEventIDs...)
			}
			events = slices.Compact(slices.Sorted(slices.Values(events)))
			if len(events) > 0 {
				lv := l.Level()
				lv.ByRef(store.OrganizationsByParticipatedEvent, events...)
				if err := lv.Run(ctx); err != nil {
					return nil, err
				}
				var co []*model.Organization
				for _, e := range events {
					orgs, err := l.OrganizationsBy(ctx, store.OrganizationsByParticipatedEvent, e)
					if err != nil {
						return nil, err
					}
					co = append(co, orgs...)
				}
				for _, o := range co {
					b.docs[o.ID] = o
				}
				coEdges, shared := coParticipation(frontierOrgs, co)
				for pair, ev := range shared {
					b.shared[pair] = ev
				}
				edges = append(edges, coEdges...)
			}
		}
		// An edge to a record found archived above is no edge; the far ends read later are
		// checked when the answer is put together.
		edges = slices.DeleteFunc(edges, func(e network.Edge) bool { return archived(b.docs[e.From]) || archived(b.docs[e.To]) })
		return edges, nil
	}
}

// archived reports whether a record is archived: out of every list, the network included.
func archived(doc any) bool {
	a, ok := doc.(interface{ IsArchived() bool })
	return ok && a.IsArchived()
}

// refDocs returns, from the loaders' cache, the documents whose ref field points at id.
func refDocs(ctx context.Context, l *loaders.Loaders, ref store.Ref, id string) ([]any, error) {
	var out []any
	switch ref.Collection() {
	case store.OrganizationCollection:
		docs, err := l.OrganizationsBy(ctx, ref, id)
		for _, d := range docs {
			out = append(out, d)
		}
		return out, err
	case store.AllianceCollection:
		docs, err := l.AlliancesBy(ctx, ref, id)
		for _, d := range docs {
			out = append(out, d)
		}
		return out, err
	case store.HubCollection:
		docs, err := l.HubsBy(ctx, ref, id)
		for _, d := range docs {
			out = append(out, d)
		}
		return out, err
	}
	return nil, nil
}

// loadNodes makes sure every kept node's document is at hand (the last hop's far ends have not
// been read yet): one command per collection.
func (b *netBuilder) loadNodes(ctx context.Context, l *loaders.Loaders, ids []string) error {
	lv := l.Level()
	for _, id := range ids {
		if _, ok := b.docs[id]; ok {
			continue
		}
		switch k, _ := nodeKind(id); k {
		case model.NetworkNodeKindOrganization:
			lv.ByID(store.OrganizationCollection, id)
		case model.NetworkNodeKindAlliance:
			lv.ByID(store.AllianceCollection, id)
		case model.NetworkNodeKindEvent:
			lv.ByID(store.EventCollection, id)
		case model.NetworkNodeKindHub:
			lv.ByID(store.HubCollection, id)
		}
	}
	if err := lv.Run(ctx); err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := b.docs[id]; ok {
			continue
		}
		d, err := nodeThunk(ctx, id)()
		if err != nil {
			return err
		}
		if d != nil {
			b.docs[id] = d
		}
	}
	return nil
}

// node describes a document as a network node; depth may be nil.
func (b *netBuilder) node(id string, depth *int) *model.NetworkNode {
	n := &model.NetworkNode{ID: id, Depth: depth, Alliances: []string{}, Communities: []model.Community{}, Issues: []model.Issue{}}
	n.Kind, _ = nodeKind(id)
	switch d := b.docs[id].(type) {
	case *model.Organization:
		n.Name, n.Sample, n.Country = d.Name, d.Sample, d.Country
		n.State = codeOf(d.StateID)
		n.Alliances, n.Communities, n.Issues = nonNil(d.AllianceIDs), nonNil(d.Communities), nonNil(d.Issues)
	case *model.Alliance:
		n.Name, n.Sample = d.Name, d.Sample
	case *model.Event:
		n.Name, n.Sample, n.State = d.Name, d.Sample, codeOf(d.StateID)
		n.Country = &d.Country
	case *model.Hub:
		n.Name, n.Sample, n.State = d.Name, d.Sample, codeOf(&d.StateID)
		n.Country = &d.Country
		n.Alliances, n.Communities, n.Issues = nonNil(d.AllianceIDs), nonNil(d.Communities), nonNil(d.Issues)
	}
	return n
}

// edge describes an edge with its provenance: sample when either end is, and the sources of the
// record(s) that state it.
func (b *netBuilder) edge(e network.Edge) *model.NetworkEdge {
	from, to := e.From, e.To
	if to < from {
		from, to = to, from
	}
	out := &model.NetworkEdge{Source: from, Target: to, Kind: model.EdgeKind(e.Kind), Sources: []*model.Source{}, Events: []string{}}
	out.Sample = sampleOf(b.docs[from]) || sampleOf(b.docs[to])
	var holders []string
	switch out.Kind {
	case model.EdgeKindHosts:
		holders = []string{pick(from, to, model.HubPrefix)}
	case model.EdgeKindMemberOf, model.EdgeKindOrganized, model.EdgeKindParticipatedIn:
		holder := pick(from, to, model.OrganizationPrefix, model.AlliancePrefix)
		if a, ok := b.docs[from].(*model.Alliance); ok && out.Kind == model.EdgeKindMemberOf && slices.Contains(a.AllianceIDs, to) {
			holder = from // an alliance listed as a member of another
		} else if a, ok := b.docs[to].(*model.Alliance); ok && out.Kind == model.EdgeKindMemberOf && slices.Contains(a.AllianceIDs, from) {
			holder = to
		}
		// The edge's own sources, when it has them.
		if cited := model.EdgeSources(b.docs[holder], other(holder, from, to), edgeRoles[out.Kind]...); len(cited) > 0 {
			out.Sources = cited
			return out
		}
		holders = []string{holder}
	case model.EdgeKindCoParticipated: // stated by both, through the events they share
		holders = []string{from, to}
		out.Events = nonNil(b.shared[[2]string{from, to}])
	default: // PARTNERS_WITH: stated by whichever side lists the other
		for _, pair := range [][2]string{{from, to}, {to, from}} {
			if o, ok := b.docs[pair[0]].(*model.Organization); ok && slices.Contains(o.PartnerIDs, pair[1]) {
				holders = append(holders, pair[0])
			}
		}
	}
	seen := map[string]bool{}
	for _, h := range holders {
		for _, s := range sourcesOf(b.docs[h]) {
			if !seen[s.Title] {
				seen[s.Title] = true
				out.Sources = append(out.Sources, s)
			}
		}
	}
	return out
}

// edgeRoles are the citation roles of each kind of edge that a record can cite sources for.
var edgeRoles = map[model.EdgeKind][]string{
	model.EdgeKindMemberOf:       {model.RoleMember},
	model.EdgeKindOrganized:      {string(model.ParticipationRoleOrganizer)},
	model.EdgeKindParticipatedIn: {string(model.ParticipationRoleParticipant), string(model.ParticipationRoleHost)},
}

// other returns whichever of a and b is not id.
func other(id, a, b string) string {
	if id == a {
		return b
	}
	return a
}

// pick returns whichever of a and b has the first of the prefixes.
func pick(a, b string, prefixes ...string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(a, p+":") {
			return a
		}
		if strings.HasPrefix(b, p+":") {
			return b
		}
	}
	return a
}

func sampleOf(d any) bool {
	switch d := d.(type) {
	case *model.Organization:
		return d.Sample
	case *model.Alliance:
		return d.Sample
	case *model.Event:
		return d.Sample
	case *model.Hub:
		return d.Sample
	}
	return false
}

func sourcesOf(d any) []*model.Source {
	switch d := d.(type) {
	case *model.Organization:
		return d.Sources
	case *model.Alliance:
		return d.Sources
	case *model.Event:
		return d.Sources
	case *model.Hub:
		return d.Sources
	}
	return nil
}

func codeOf(stateID *string) *string {
	if stateID == nil {
		return nil
	}
	code := model.StateCode(*stateID)
	return &code
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
