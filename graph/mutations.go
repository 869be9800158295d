package graph

import (
	"context"
	"errors"
	"slices"
	"time"

	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
)

// Organizations.

func (r *Resolver) createOrganization(ctx context.Context, in model.CreateOrganizationInput) (*model.Organization, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	rec := dataset.Organization{
		Slug: in.Slug, Name: in.Name, Kind: string(in.Kind), Description: model.Deref(in.Description),
		Website: model.Deref(in.Website), City: model.Deref(in.City), State: model.Deref(in.State), Lat: in.Lat, Lng: in.Lng,
		Alliances:   errs.slugs("input.alliances", model.AlliancePrefix, in.Alliances),
		Partners:    errs.slugs("input.partners", model.OrganizationPrefix, in.Partners),
		Communities: model.Strings(in.Communities), Issues: model.Strings(in.Issues),
		Generations: model.Strings(in.Generations), Sources: sourceRecords(in.Sources), Sample: bool0(in.Sample),
	}
	if in.PartnerRole != nil {
		rec.PartnerRole = string(*in.PartnerRole)
	}
	doc, err := r.organizationDocument(ctx, rec, errs, true)
	if doc == nil || err != nil {
		return nil, err
	}
	op := r.operation(actor, "createOrganization")
	if err := r.write(ctx, op, nil, doc); err != nil {
		return nil, err
	}
	if err := r.recordPartners(ctx, op, doc.ID, ids(model.OrganizationID, rec.Partners)); err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *Resolver) updateOrganization(ctx context.Context, id string, version int, in model.UpdateOrganizationInput) (*model.Organization, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	cur, err := current(ctx, r.Store.FindOrganizations, id, &version)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	rec := dataset.OrganizationRecord(cur)
	setString(in.Name, &rec.Name)
	setEnum(in.Kind, &rec.Kind)
	setEnum(in.PartnerRole, &rec.PartnerRole)
	setString(in.Description, &rec.Description)
	setString(in.Website, &rec.Website)
	setString(in.City, &rec.City)
	setString(in.State, &rec.State)
	set(in.Lat, &rec.Lat)
	set(in.Lng, &rec.Lng)
	if in.Alliances.IsSet() {
		rec.Alliances = errs.slugs("input.alliances", model.AlliancePrefix, in.Alliances.Value())
	}
	if in.Partners.IsSet() {
		rec.Partners = errs.slugs("input.partners", model.OrganizationPrefix, in.Partners.Value())
	}
	setEnums(in.Communities, &rec.Communities)
	setEnums(in.Issues, &rec.Issues)
	setEnums(in.Generations, &rec.Generations)
	if in.Sources.IsSet() {
		rec.Sources = sourceRecords(in.Sources.Value())
	}
	if in.Sample.IsSet() {
		rec.Sample = bool0(in.Sample.Value())
	}
	rec.DropUnlistedCitations()
	doc, err := r.organizationDocument(ctx, rec, errs, false)
	if doc == nil || err != nil {
		return nil, err
	}
	keepStored(doc, cur)
	op := r.operation(actor, "updateOrganization")
	if err := r.write(ctx, op, cur, doc); err != nil {
		return nil, err
	}
	if in.Partners.IsSet() {
		if err := r.recordPartners(ctx, op, doc.ID, ids(model.OrganizationID, rec.Partners)); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// recordPartners makes id's partners exactly want, where the other side records the partnership:
// id's own document, written already, records the partners whose ids sort after it
// (model.PartnershipOwner); each of the others gains or loses id in a write of its own. A change
// of several partnerships is several atomic writes, each whole: stopped half way, it leaves some
// partnerships changed and none split, and running it again finishes it.
func (r *Resolver) recordPartners(ctx context.Context, op *store.Operation, id string, want []string) error {
	recording, err := r.Store.FindOrganizations(ctx, store.OrganizationsByPartner.On(id))
	if err != nil {
		return err
	}
	change := func(partner string, add bool) error {
		_, err := r.setPartnership(ctx, op, id, partner, add)
		return err
	}
	for _, p := range want {
		if owner, _ := model.PartnershipOwner(id, p); owner == p && !slices.ContainsFunc(recording, func(o *model.Organization) bool { return o.ID == p }) {
			if err := change(p, true); err != nil {
				return err
			}
		}
	}
	for _, o := range recording {
		if !slices.Contains(want, o.ID) {
			if err := change(o.ID, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepStored carries over what an update does not change: when the record was made, and whether
// it is archived.
func keepStored(doc, cur *model.Organization) {
	doc.CreatedAt, doc.Archived, doc.ArchivedAt = cur.CreatedAt, cur.Archived, cur.ArchivedAt
}

// organizationDocument validates rec (reporting errs with the validator's problems) and returns
// its document, or nil and the errors.
func (r *Resolver) organizationDocument(ctx context.Context, rec dataset.Organization, errs fieldErrors, isNew bool) (*model.Organization, error) {
	refs, _, err := r.refsFor(ctx, rec.State, rec.Alliances, append(rec.Partners, slugIf(isNew, rec.Slug)...),
		append(append([]string{}, rec.Organized...), rec.Participated...))
	if err != nil {
		return nil, err
	}
	if isNew && refs.Has(dataset.OrganizationsFile, rec.Slug) {
		errs.add("input.slug", "%q is taken by another organization", rec.Slug)
	}
	errs.problems("input", dataset.ValidateOrganization(rec, refs))
	if len(errs) > 0 {
		return nil, errs.report(ctx)
	}
	return dataset.OrganizationDocument(rec, refs.State(rec.State), r.now()), nil
}

// slugIf returns slug in a list when cond holds: a new record's slug is looked up with its
// references, to tell the user it is taken.
func slugIf(cond bool, slug string) []string {
	if cond && slug != "" {
		return []string{slug}
	}
	return nil
}

func (r *Resolver) archiveOrganization(ctx context.Context, id string, version int, on bool) (*model.Organization, error) {
	return archive(ctx, r, r.Store.FindOrganizations, "Organization", id, version, on)
}

// archive archives (on) or restores the record at the version the client read (admins only). A
// record already so is answered as it is, without a write.
func archive[T any, P interface {
	*T
	store.Writable
	IsArchived() bool
	SetArchived(at *time.Time)
}](ctx context.Context, r *Resolver, find func(context.Context, ...store.Match) ([]P, error), typ, id string, version int, on bool) (P, error) {
	actor, err := r.actor(ctx, store.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cur, err := current(ctx, find, id, &version)
	if err != nil || cur.IsArchived() == on {
		return cur, err
	}
	doc := P(new(T))
	*doc = *cur
	action := "restore" + typ
	if on {
		action = "archive" + typ
	}
	doc.SetArchived(archivedAt(r, on))
	if err := r.write(ctx, r.operation(actor, action), cur, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *Resolver) editOrganization(ctx context.Context, action, id string, change func(*model.Organization) error) (*model.Organization, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	return edit(ctx, r, r.operation(actor, action), r.Store.FindOrganizations, id, change)
}

func (r *Resolver) membership(ctx context.Context, action, org, alliance string, add bool, in []*model.SourceInput) (*model.Organization, error) {
	if _, err := r.actor(ctx, store.RoleCurator); err != nil {
		return nil, err
	}
	sources, err := edgeSources(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := r.mustExist(ctx, "alliance", alliance, model.AlliancePrefix); err != nil {
		return nil, err
	}
	return r.editOrganization(ctx, action, org, func(o *model.Organization) error {
		return changeEdge(&o.AllianceIDs, &o.Citations, alliance, model.RoleMember, add, sources, o.PruneCitations)
	})
}

// changeEdge adds (add) or removes the edge to id in list, and adds sources to the edge's own
// citation (in role); errUnchanged when neither changes anything. prune then drops the
// citations of edges the record no longer has.
func changeEdge(list *[]string, cs *[]*model.Citation, id, role string, add bool, sources []*model.Source, prune func()) error {
	next, err := toggle(*list, id, add)
	changed := err == nil
	if changed {
		*list = next
	} else if !errors.Is(err, errUnchanged) {
		return err
	}
	if add {
		var cited bool
		*cs, cited = model.Cite(*cs, id, role, sources)
		changed = changed || cited
	}
	prune()
	if !changed {
		return errUnchanged
	}
	return nil
}

// edgeSources checks the sources a curator gives for an edge and returns them as documents hold
// them; BAD_USER_INPUT naming each wrong field (sources[0].date, ...) otherwise.
func edgeSources(ctx context.Context, in []*model.SourceInput) ([]*model.Source, error) {
	recs := sourceRecords(in)
	var errs fieldErrors
	for _, p := range dataset.ValidateSources(recs) {
		errs.add(p.Field, "%s", p.Reason)
	}
	if len(errs) > 0 {
		return nil, errs.report(ctx)
	}
	return dataset.SourceDocuments(recs), nil
}

func (r *Resolver) partnership(ctx context.Context, action, org, partner string, add bool) (*model.Organization, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	if org == partner {
		return nil, badField("partner", "an organization cannot partner with itself")
	}
	if err := r.mustExist(ctx, "partner", partner, model.OrganizationPrefix); err != nil {
		return nil, err
	}
	owner, _ := model.PartnershipOwner(org, partner)
	if owner != org {
		if err := r.mustExist(ctx, "organization", org, model.OrganizationPrefix); err != nil {
			return nil, err
		}
	}
	doc, err := r.setPartnership(ctx, r.operation(actor, action), org, partner, add)
	if err != nil || owner == org {
		return doc, err
	}
	return current(ctx, r.Store.FindOrganizations, org, nil)
}

// setPartnership records (add) or removes the partnership of a and b, as part of op, in the one
// document that holds it, the owner's (model.PartnershipOwner): one atomic write either way. It
// returns the owner's document.
func (r *Resolver) setPartnership(ctx context.Context, op *store.Operation, a, b string, add bool) (*model.Organization, error) {
	owner, other := model.PartnershipOwner(a, b)
	return edit(ctx, r, op, r.Store.FindOrganizations, owner, func(o *model.Organization) (err error) {
		o.PartnerIDs, err = toggle(o.PartnerIDs, other, add)
		return err
	})
}

// Events.

func (r *Resolver) createEvent(ctx context.Context, in model.CreateEventInput) (*model.Event, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	rec := dataset.Event{
		Slug: in.Slug, Name: in.Name, Kind: string(in.Kind), StartDate: string(in.StartDate), EndDate: string(in.EndDate),
		Place: in.Place, City: model.Deref(in.City), State: model.Deref(in.State), Country: in.Country, Lat: in.Lat, Lng: in.Lng,
		Description: model.Deref(in.Description), Sources: sourceRecords(in.Sources), Sample: bool0(in.Sample),
	}
	doc, err := r.eventDocument(ctx, rec, true)
	if doc == nil || err != nil {
		return nil, err
	}
	if err := r.write(ctx, r.operation(actor, "createEvent"), nil, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *Resolver) updateEvent(ctx context.Context, id string, version int, in model.UpdateEventInput) (*model.Event, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	cur, err := current(ctx, r.Store.FindEvents, id, &version)
	if err != nil {
		return nil, err
	}
	rec := dataset.EventRecord(cur)
	setString(in.Name, &rec.Name)
	setEnum(in.Kind, &rec.Kind)
	if in.StartDate.IsSet() {
		rec.StartDate = dateString(in.StartDate.Value())
	}
	if in.EndDate.IsSet() {
		rec.EndDate = dateString(in.EndDate.Value())
	}
	setString(in.Place, &rec.Place)
	setString(in.City, &rec.City)
	setString(in.State, &rec.State)
	setString(in.Country, &rec.Country)
	set(in.Lat, &rec.Lat)
	set(in.Lng, &rec.Lng)
	setString(in.Description, &rec.Description)
	if in.Sources.IsSet() {
		rec.Sources = sourceRecords(in.Sources.Value())
	}
	if in.Sample.IsSet() {
		rec.Sample = bool0(in.Sample.Value())
	}
	doc, err := r.eventDocument(ctx, rec, false)
	if doc == nil || err != nil {
		return nil, err
	}
	doc.CreatedAt, doc.Archived, doc.ArchivedAt = cur.CreatedAt, cur.Archived, cur.ArchivedAt
	if err := r.write(ctx, r.operation(actor, "updateEvent"), cur, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func dateString(d *model.Date) string {
	if d == nil {
		return ""
	}
	return string(*d)
}

func (r *Resolver) eventDocument(ctx context.Context, rec dataset.Event, isNew bool) (*model.Event, error) {
	refs, _, err := r.refsFor(ctx, rec.State, nil, nil, slugIf(isNew, rec.Slug))
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	if isNew && refs.Has(dataset.EventsFile, rec.Slug) {
		errs.add("input.slug", "%q is taken by another event", rec.Slug)
	}
	errs.problems("input", dataset.ValidateEvent(rec, refs))
	if len(errs) > 0 {
		return nil, errs.report(ctx)
	}
	return dataset.EventDocument(rec, refs.State(rec.State), r.now()), nil
}

func (r *Resolver) archiveEvent(ctx context.Context, id string, version int, on bool) (*model.Event, error) {
	return archive(ctx, r, r.Store.FindEvents, "Event", id, version, on)
}

// role changes whether actor (an organization or an alliance) organized (ORGANIZER), took part in
// (PARTICIPANT) or hosted part of (HOST, which is taking part) an event, adding sources to that
// part's own when it adds; the edge is kept on the actor's record.
func (r *Resolver) role(ctx context.Context, action, event, actorID string, role model.ParticipationRole, add bool, in []*model.SourceInput) (*model.Event, error) {
	who, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	if !role.IsValid() || (role == model.ParticipationRoleOrganizer && action == "addParticipant") {
		return nil, badField("role", "%q is not PARTICIPANT or HOST: to record an organizer, use addOrganizer", role)
	}
	if role == model.ParticipationRoleHost && len(in) == 0 {
		return nil, badField("sources", "a host is recorded with the sources that say it hosted: give at least one")
	}
	sources, err := edgeSources(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := r.mustExist(ctx, "event", event, model.EventPrefix); err != nil {
		return nil, err
	}
	if err := r.mustExist(ctx, "actor", actorID, model.OrganizationPrefix, model.AlliancePrefix); err != nil {
		return nil, err
	}
	change := func(organized, participated *[]string, cs *[]*model.Citation, prune func()) error {
		return changeEdge(model.EdgeList(string(role), nil, organized, participated), cs, event, string(role), add, sources, prune)
	}
	if prefix, _, _ := model.SplitID(actorID); prefix == model.AlliancePrefix {
		_, err = edit(ctx, r, r.operation(who, action), r.Store.FindAlliances, actorID, func(a *model.Alliance) error {
			return change(&a.OrganizedEventIDs, &a.ParticipatedEventIDs, &a.Citations, a.PruneCitations)
		})
	} else {
		_, err = edit(ctx, r, r.operation(who, action), r.Store.FindOrganizations, actorID, func(o *model.Organization) error {
			return change(&o.OrganizedEventIDs, &o.ParticipatedEventIDs, &o.Citations, o.PruneCitations)
		})
	}
	if err != nil {
		return nil, err
	}
	return current(ctx, r.Store.FindEvents, event, nil)
}

// Hubs.

func (r *Resolver) createHub(ctx context.Context, in model.CreateHubInput) (*model.Hub, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	rec := dataset.Hub{
		Slug: in.Slug, Name: in.Name, Setting: string(in.Setting), City: in.City, State: in.State, Lat: in.Lat, Lng: in.Lng,
		Activities: model.Strings(in.Activities),
		Hosts:      errs.slugs("input.hosts", model.OrganizationPrefix, in.Hosts),
		Events:     errs.slugs("input.events", model.EventPrefix, in.Events),
		Sources:    sourceRecords(in.Sources), Sample: bool0(in.Sample),
	}
	doc, err := r.hubDocument(ctx, rec, errs, true)
	if doc == nil || err != nil {
		return nil, err
	}
	if err := r.write(ctx, r.operation(actor, "createHub"), nil, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *Resolver) updateHub(ctx context.Context, id string, version int, in model.UpdateHubInput) (*model.Hub, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	cur, err := current(ctx, r.Store.FindHubs, id, &version)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	rec := dataset.HubRecord(cur)
	setString(in.Name, &rec.Name)
	setEnum(in.Setting, &rec.Setting)
	setString(in.City, &rec.City)
	setString(in.State, &rec.State)
	if in.Lat.IsSet() {
		rec.Lat = float0(in.Lat.Value())
	}
	if in.Lng.IsSet() {
		rec.Lng = float0(in.Lng.Value())
	}
	setEnums(in.Activities, &rec.Activities)
	if in.Hosts.IsSet() {
		rec.Hosts = errs.slugs("input.hosts", model.OrganizationPrefix, in.Hosts.Value())
	}
	if in.Events.IsSet() {
		rec.Events = errs.slugs("input.events", model.EventPrefix, in.Events.Value())
	}
	if in.Sources.IsSet() {
		rec.Sources = sourceRecords(in.Sources.Value())
	}
	if in.Sample.IsSet() {
		rec.Sample = bool0(in.Sample.Value())
	}
	doc, err := r.hubDocument(ctx, rec, errs, false)
	if doc == nil || err != nil {
		return nil, err
	}
	doc.CreatedAt, doc.Archived, doc.ArchivedAt = cur.CreatedAt, cur.Archived, cur.ArchivedAt
	if err := r.write(ctx, r.operation(actor, "updateHub"), cur, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func float0(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func (r *Resolver) hubDocument(ctx context.Context, rec dataset.Hub, errs fieldErrors, isNew bool) (*model.Hub, error) {
	refs, hosts, err := r.refsFor(ctx, rec.State, nil, rec.Hosts, rec.Events)
	if err != nil {
		return nil, err
	}
	if isNew {
		taken, err := r.Store.FindHubs(ctx, store.ByID(model.HubID(rec.Slug)))
		if err != nil {
			return nil, err
		}
		if len(taken) > 0 {
			errs.add("input.slug", "%q is taken by another hub", rec.Slug)
		}
	}
	errs.problems("input", dataset.ValidateHub(rec, refs))
	if len(errs) > 0 {
		return nil, errs.report(ctx)
	}
	return dataset.HubDocument(rec, refs.State(rec.State), hosts, r.now()), nil
}

func (r *Resolver) archiveHub(ctx context.Context, id string, version int, on bool) (*model.Hub, error) {
	return archive(ctx, r, r.Store.FindHubs, "Hub", id, version, on)
}

func (r *Resolver) host(ctx context.Context, action, hub, org string, add bool) (*model.Hub, error) {
	actor, err := r.actor(ctx, store.RoleCurator)
	if err != nil {
		return nil, err
	}
	if err := r.mustExist(ctx, "organization", org, model.OrganizationPrefix); err != nil {
		return nil, err
	}
	return edit(ctx, r, r.operation(actor, action), r.Store.FindHubs, hub, func(h *model.Hub) (err error) {
		if h.HostIDs, err = toggle(h.HostIDs, org, add); err != nil {
			return err
		}
		if len(h.HostIDs) == 0 {
			return badField("organization", "%s is the hub's only host: add another host before removing it", org)
		}
		hosts, err := r.Store.FindOrganizations(ctx, store.ByID(h.HostIDs...))
		if err != nil {
			return err
		}
		h.SetHostFields(hosts)
		return nil
	})
}

func archivedAt(r *Resolver, archive bool) *time.Time {
	if !archive {
		return nil
	}
	t := r.now().UTC().Truncate(time.Millisecond)
	return &t
}
