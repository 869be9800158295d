package httpapi

import (
	"net/http"

	"github.com/rs/cors"
)

// withCORS lets browsers on other origins read responses. With no origins configured, any origin
// may read, without credentials (cookies are never used here; curators send a bearer key).
func withCORS(h http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization", "X-Request-ID"},
		ExposedHeaders:   []string{"X-Request-ID"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(h)
}
