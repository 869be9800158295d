package main

import (
	"testing"

	"rootsgraph/store/storetest"
)

// TestBundledSetScale shows that --sample-scale copies the sample organizations and hubs and
// nothing else: the facts, alliances, events and states stay as shipped.
func TestBundledSetScale(t *testing.T) {
	one, err := bundledSet(1)
	if err != nil {
		t.Fatal(err)
	}
	ten, err := bundledSet(10)
	if err != nil {
		t.Fatal(err)
	}
	sampleOrgs, sampleHubs := 0, 0
	for _, o := range one.Organizations {
		if o.Sample {
			sampleOrgs++
		}
	}
	for _, h := range one.Hubs {
		if h.Sample {
			sampleHubs++
		}
	}
	if got, want := len(ten.Organizations), len(one.Organizations)+9*sampleOrgs; got != want {
		t.Errorf("organizations at scale 10: %d; want %d", got, want)
	}
	if got, want := len(ten.Hubs), len(one.Hubs)+9*sampleHubs; got != want {
		t.Errorf("hubs at scale 10: %d; want %d", got, want)
	}
	if len(ten.Alliances) != len(one.Alliances) || len(ten.Events) != len(one.Events) || len(ten.States) != len(one.States) {
		t.Errorf("scale 10 changed alliances, events or states: %d/%d/%d; want %d/%d/%d", len(ten.Alliances), len(ten.Events),
			len(ten.States), len(one.Alliances), len(one.Events), len(one.States))
	}
	if _, err := ten.Documents(storetest.Fixed); err != nil {
		t.Errorf("scale 10 is not a valid data set: %v", err)
	}
}
