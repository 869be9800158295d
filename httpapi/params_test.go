package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// TestMistakesGetAnswers sends what a newcomer mistypes: a misspelt parameter, an unknown export
// format, an unknown state code (to GraphQL and to each REST endpoint). Each is refused with
// BAD_USER_INPUT and a message that says what to send instead, never answered as if it were not
// there.
func TestMistakesGetAnswers(t *testing.T) {
	s := newTestServer(t, 1)
	for _, c := range []struct {
		target string
		status int
		says   string
	}{
		{"/organizations.geojson?state=NM", 400, `unknown parameter "state" (did you mean states?)`},
		{"/hubs.geojson?states=NM&colour=red", 400, `unknown parameter "colour"`},
		{"/coverage.svg?measures=hubs", 400, `unknown parameter "measures" (did you mean measure?)`},
		{"/export/network.graphml?format=gexf", 400, `unknown parameter "format"`},
		{"/export/network.json?format=gml", 400, `format: "gml" is neither node-link`},
		{"/organizations.geojson?states=XX", 400, `states: "XX" is not the code of a US state`},
		{"/hubs.geojson?states=XX", 400, `states: "XX" is not the code`},
		{"/coverage.svg?states=XX", 400, `states: "XX" is not the code`},
		{"/export/network.json?states=XX", 400, `states: "XX" is not the code`},
		{"/organizations.geojson?states=NM", 200, `"type":"FeatureCollection"`},
		{"/export/network.json?format=cytoscape", 200, `"elements"`},
	} {
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.target, nil))
		body := rec.Body.String()
		var refusal apitest.Response
		if rec.Code == 400 && json.Unmarshal(rec.Body.Bytes(), &refusal) == nil && len(refusal.Errors) == 1 {
			body = refusal.Errors[0].Message + " " + fmt.Sprint(refusal.Errors[0].Extensions["code"])
		}
		if rec.Code != c.status || !strings.Contains(body, c.says) || (c.status == 400 && !strings.HasSuffix(body, " BAD_USER_INPUT")) {
			t.Errorf("%s: %d %.300s; want %d saying %s", c.target, rec.Code, body, c.status, c.says)
		}
	}
	_, r := s.post(`{ organizations(filter: {states: ["NM", "XX"]}) { totalCount } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, `"XX"`) {
		t.Errorf("an unknown state in a GraphQL filter: %+v; want BAD_USER_INPUT naming XX", r.Errors)
	}
}

// TestMessagesSayWhatWasWrong sends bodies whose JSON is well formed but whose fields have the
// wrong type, and a read that needs a key without one: each message names the real mistake.
func TestMessagesSayWhatWasWrong(t *testing.T) {
	s := newTestServer(t, 1)
	for body, says := range map[string]string{
		`{"query":"{ __typename }","variables":"{\"a\":1}"}`: "variables must be a JSON object",
		`{"query":"{ __typename }","extensions":"x"}`:        "extensions must be a JSON object",
		`{"query":5}`:    "query must be a string",
		`{"query": nope`: "the request body is not valid JSON",
	} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		_, r := s.do(req)
		if len(r.Errors) != 1 || !strings.HasPrefix(r.Errors[0].Message, says) || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v; want BAD_USER_INPUT saying %q", body, r.Errors, says)
		}
	}
	_, r := s.post(`{ auditLog { totalCount } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || !strings.HasPrefix(r.Errors[0].Message, "this needs an admin's API key") {
		t.Errorf("auditLog without a key: %+v; want UNAUTHENTICATED saying it needs an admin's key (it is a read, not a change)", r.Errors)
	}
}
