// Package graphiql serves GraphiQL from the binary: the page, its script and the official
// graphiql, react and react-dom packages at pinned versions (assets/vendor, with their licences;
// vendor.sh reproduces them from the npm registry). The page loads nothing from another origin,
// and says so to the browser in its Content-Security-Policy.
package graphiql

import (
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

// Prefix is the path under which the page's scripts and styles are served. The vendored files'
// names carry their package's version, so they may be cached for good.
const Prefix = "/graphiql/"

// The pinned packages, as assets/vendor names them.
const (
	graphiqlDir = "vendor/graphiql-4.1.2/"
	reactDir    = "vendor/react-18.3.1/"
	reactDOMDir = "vendor/react-dom-18.3.1/"
)

//go:embed assets
var embedded embed.FS

// assets is the tree served under Prefix.
var assets = must(fs.Sub(embedded, "assets"))

// contentSecurityPolicy allows scripts, styles and requests to this origin only. Inline styles
// are allowed because GraphiQL's editors and panes size themselves with style attributes; fonts
// and images may be data: URLs because graphiql.min.css embeds its fonts and icons that way.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Options say what the page shows.
type Options struct {
	// Title is the page's title.
	Title string
	// Endpoint is the GraphQL endpoint's path on this origin, for example "/graphql".
	Endpoint string
	// DefaultQuery fills the editor on a first visit (afterwards GraphiQL keeps the user's tabs).
	DefaultQuery string
}

// config is what init.js reads from the page, as JSON in a non-executable script element, so
// that the page needs no inline script.
type config struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.Prefix}}{{.GraphiQLDir}}graphiql.min.css">
<link rel="stylesheet" href="{{.Prefix}}page.css">
<link rel="icon" href="{{.Prefix}}favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="graphiql"><p class="loading">Loading GraphiQL…</p></div>
<noscript>GraphiQL needs JavaScript. Without it, POST queries to {{.Config.Endpoint}} as JSON: {"query": "{ alliances { edges { node { name } } } }"}.</noscript>
<script type="application/json" id="graphiql-config">{{.ConfigJSON}}</script>
<script src="{{.Prefix}}{{.ReactDir}}react.production.min.js"></script>
<script src="{{.Prefix}}{{.ReactDOMDir}}react-dom.production.min.js"></script>
<script src="{{.Prefix}}{{.GraphiQLDir}}graphiql.min.js"></script>
<script src="{{.Prefix}}init.js"></script>
</body>
</html>
`))

// New serves the page at any path it is mounted on and the assets under Prefix; mount it on
// both, for example mux.Handle("GET /{$}", h) and mux.Handle("GET "+graphiql.Prefix, h).
func New(opts Options) http.Handler {
	cfg := config{Endpoint: opts.Endpoint, DefaultQuery: opts.DefaultQuery}
	raw, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // two strings always marshal
	}
	var b strings.Builder
	err = page.Execute(&b, map[string]any{
		"Title": opts.Title, "Prefix": Prefix, "GraphiQLDir": graphiqlDir, "ReactDir": reactDir, "ReactDOMDir": reactDOMDir,
		"Config": cfg,
		// In a script element html/template escapes for JavaScript; this one is data, so it gets
		// JSON with <, > and & escaped (json.Marshal's default), which no HTML parser can end early.
		"ConfigJSON": template.JS(raw),
	})
	if err != nil {
		panic(err) // the template and its data are fixed
	}
	html := []byte(b.String())
	files := http.StripPrefix(strings.TrimSuffix(Prefix, "/"), http.FileServerFS(assets))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if rest, ok := strings.CutPrefix(r.URL.Path, Prefix); ok {
			if rest == "" || strings.HasSuffix(rest, "/") {
				http.NotFound(w, r) // no directory listings
				return
			}
			if strings.HasPrefix(rest, "vendor/") {
				h.Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				h.Set("Cache-Control", "public, max-age=300")
			}
			files.ServeHTTP(w, r)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cache-Control", "no-cache")
		h.Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(html)
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
