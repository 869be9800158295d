package telemetry

import "testing"

// TestOTLPEndpoint shows where spans go for each way of configuring it.
func TestOTLPEndpoint(t *testing.T) {
	cases := []struct {
		name    string
		setting string
		env     map[string]string
		want    string
	}{
		{"Off", "", nil, ""},
		{"BaseURL", "http://collector:4318", nil, "http://collector:4318/v1/traces"},
		{"FullURL", "https://collector.example.org/otlp/v1/traces", nil, "https://collector.example.org/otlp/v1/traces"},
		{"StandardVariable", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318/"}, "http://agent:4318/v1/traces"},
		{"StandardTracesVariable", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/custom"}, "http://traces:4318/custom"},
		{"SettingWins", "http://mine:4318", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318"}, "http://mine:4318/v1/traces"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := OTLPTracesURL(c.setting, func(k string) string { return c.env[k] })
			if err != nil || got != c.want {
				t.Errorf("OTLPTracesURL(%q) = %q, %v; want %q", c.setting, got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"collector:4318", "grpc://collector:4317", "http://"} {
		if _, err := OTLPTracesURL(bad, func(string) string { return "" }); err == nil {
			t.Errorf("OTLPTracesURL(%q) accepted it; want an error", bad)
		}
	}
}
