# Roots Graph as a static binary in a minimal, non-root image.
#   docker build -t roots-graph .
#   docker run -p 8080:8080 -e MONGODB_URI=mongodb://... -e ROOTS_PROFILE=production roots-graph
# Without MONGODB_URI the embedded database keeps its files in /data (mount a volume there).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (the embedded database's SQLite is modernc.org/sqlite), so the binary is static.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/roots-graph ./server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/roots-graph /roots-graph
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV ROOTS_ADDR=:8080 ROOTS_DATA_DIR=/data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/roots-graph"]
