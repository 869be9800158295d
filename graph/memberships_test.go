package graph

import (
	"testing"
)

type source struct {
	URL             *string
	Date            *string
	DateApproximate bool
}

// TestMembershipsAndParticipations reads the edges of two real records as a researcher would:
// each membership with the date it was listed at and the pages that say so, each part in an
// event with its role, the other spellings, and an alliance listed as a member of another.
func TestMembershipsAndParticipations(t *testing.T) {
	c := newTestServer(t, 1).client
	var resp struct {
		Organization struct {
			Name        string
			OtherNames  []string
			Memberships []struct {
				Alliance struct{ Acronym string }
				AsOf     *string
				Sources  []source
			}
			Participations []struct {
				Event   struct{ Slug string }
				Role    string
				Sources []source
			}
		}
		Alliance struct {
			MemberAlliances []struct{ Slug string }
			Memberships     []struct {
				Alliance struct{ Slug string }
				AsOf     *string
			}
		}
	}
	c.MustPost(`{
	  organization(slug: "got-green") { name otherNames
	    memberships { alliance { acronym } asOf sources { url date dateApproximate } }
	    participations { event { slug } role sources { url date dateApproximate } } }
	  alliance(slug: "indigenous-environmental-network") { memberAlliances { slug } memberships { alliance { slug } asOf } }
	}`, &resp)

	o := resp.Organization
	if o.Name != "Got Green" || len(o.OtherNames) != 1 || o.OtherNames[0] != "Got Green?" {
		t.Errorf("name %q, other names %q; want Got Green, also spelled Got Green?", o.Name, o.OtherNames)
	}
	asOf := map[string]string{}
	for _, m := range o.Memberships {
		if m.AsOf == nil || len(m.Sources) == 0 || m.Sources[0].URL == nil {
			t.Errorf("membership of %s: asOf %v, sources %+v; want a date and a page", m.Alliance.Acronym, m.AsOf, m.Sources)
			continue
		}
		asOf[m.Alliance.Acronym] = *m.AsOf
	}
	// members.csv: GGJ's January 2015 membership call; CJA in a 2019 email (approximate).
	if asOf["GGJ"] != "2015-01" || asOf["CJA"] != "2019" {
		t.Errorf("memberships listed at %v; want GGJ at 2015-01 and CJA at 2019", asOf)
	}
	if len(o.Participations) != 1 || o.Participations[0].Event.Slug != "cop21-paris-2015" || o.Participations[0].Role != "PARTICIPANT" ||
		len(o.Participations[0].Sources) != 3 {
		t.Errorf("participations %+v; want COP21 as a participant, from three pages", o.Participations)
	}

	a := resp.Alliance
	if len(a.MemberAlliances) != 0 {
		t.Errorf("IEN lists %v as members; want none", a.MemberAlliances)
	}
	listedBy := map[string]string{}
	for _, m := range a.Memberships {
		listedBy[m.Alliance.Slug] = *m.AsOf
	}
	// IEN: a GGJ member network (2005), a CJA co-founder (2009, approximate).
	if listedBy["grassroots-global-justice-alliance"] != "2005" || listedBy["climate-justice-alliance"] != "2009" {
		t.Errorf("IEN is listed by %v; want GGJ (2005) and CJA (2009)", listedBy)
	}
}
