package model

// Documents is a whole data set, ready to be written.
type Documents struct {
	States        []*State
	Alliances     []*Alliance
	Organizations []*Organization
	Events        []*Event
	Hubs          []*Hub
}

// Each calls f with every document, collection by collection in the order of the fields.
func (d Documents) Each(f func(Document)) {
	for _, x := range d.States {
		f(x)
	}
	for _, x := range d.Alliances {
		f(x)
	}
	for _, x := range d.Organizations {
		f(x)
	}
	for _, x := range d.Events {
		f(x)
	}
	for _, x := range d.Hubs {
		f(x)
	}
}
