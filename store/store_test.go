package store_test

import (
	"context"
	"testing"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestProbe(t *testing.T) {
	db := storetest.Seeded(t, 1)
	ctx := context.Background()
	orgs, err := db.OrganizationsByRef(ctx, store.OrganizationsByAlliance, []string{"alliance:climate-justice-alliance", "alliance:indigenous-environmental-network"})
	t.Log(len(orgs), err, db.Commands.ByName())
	m, err := db.AllianceStateIDs(ctx, []string{"alliance:climate-justice-alliance", "alliance:indigenous-environmental-network"})
	t.Log(len(m["alliance:climate-justice-alliance"]), err, db.Commands.ByName())
	p, err := db.Organizations(ctx, store.Page{Limit: 5, After: &store.Key{Value: "sample: c", ID: ""}})
	for _, o := range p {
		t.Log(o.Name, o.CreatedAt)
	}
	t.Log(err, db.Commands.ByName())
	n, err := db.Count(ctx, store.OrganizationCollection)
	t.Log(n, err)
}
