package main

import "rootsgraph/dataset"

// bundledSet returns the data set that ships in the binary with its sample organizations and hubs
// copied scale times over (1: as shipped). Benchmarks use it to show how costs grow with the data
// (--sample-scale 10 makes a data set ten times larger); the facts, alliances, events and states
// are never copied.
func bundledSet(scale int) (*dataset.Set, error) {
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		return nil, err
	}
	if scale > 1 {
		set = set.Scale(scale)
	}
	return set, nil
}
